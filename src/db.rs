//! Opening the database: SQLite (embedded default) or PostgreSQL, with the pool
//! tuned for each and a callback that counts SQL statements for /metrics and tests.
mod held;

use std::{str::FromStr, sync::Arc, time::Duration};

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    sqlx::{
        postgres::{PgConnectOptions, PgPoolOptions, PgSslMode},
        sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    },
    ConnectionTrait, DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector,
};

pub use held::HeldConnection;

use crate::{config::SecretUrl, metrics::Metrics};

/// Whose statements a pool runs, for counting them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Requests,
    Background,
}

/// Connections idle longer than this are checked before use (see `connect_for`).
const PING_IDLE_AFTER: Duration = Duration::from_secs(1);

pub async fn connect(
    url: &SecretUrl,
    max_connections: u32,
    metrics: Arc<Metrics>,
) -> anyhow::Result<DatabaseConnection> {
    connect_for(url, max_connections, metrics, Workload::Requests).await
}

pub async fn connect_for(
    url: &SecretUrl,
    max_connections: u32,
    metrics: Arc<Metrics>,
    workload: Workload,
) -> anyhow::Result<DatabaseConnection> {
    let mut db = if url.is_postgres() {
        let mut options = PgConnectOptions::from_str(url.expose())
            .with_context(|| format!("parsing {}", url.redacted()))?
            // The planner deems a broad search expensive enough to JIT-compile
            // it, which costs tens of milliseconds every time, more than
            // running it; our statements are all short. Nor does a request
            // start parallel workers: each costs a process's start-up, and
            // with requests on every core there is no idle one to gain.
            .options([("jit", "off"), ("max_parallel_workers_per_gather", "0")]);
        if is_loopback(options.get_host()) && !names_ssl_mode(url) {
            // sqlx's default `prefer` encrypts even a connection that never
            // leaves the machine: a seventh of a full group list's CPU went
            // to TLS on loopback. Asking for `sslmode` in the URL still wins.
            options = options.ssl_mode(PgSslMode::Disable);
        }
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            // sqlx pings every connection it hands out by default: a round
            // trip before each statement, a quarter of a short query's server
            // time. A connection used within the last second is known to be
            // alive; one idle longer may have been cut (a restart, a proxy's
            // timeout) and is pinged, and replaced if it does not answer.
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for < PING_IDLE_AFTER {
                        return Ok(true);
                    }
                    sea_orm::sqlx::Connection::ping(connection).await?;
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to {}", url.redacted()))?;
        SqlxPostgresConnector::from_sqlx_postgres_pool(pool)
    } else if url.expose().starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url.expose())
            .with_context(|| format!("parsing {}", url.redacted()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Reads through a memory map instead of a system call and a copy per
            // page: the search index's long lists are read page by page. Only
            // address space: the kernel's page cache holds the pages, once for
            // all connections. 1 GiB covers the search benchmark's 100,000
            // resources (490 MB); beyond it, pages are read with pread.
            .pragma("mmap_size", "1073741824")
            // Writers queue instead of failing with SQLITE_BUSY.
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .with_context(|| format!("opening {}", url.redacted()))?;
        SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)
    } else {
        anyhow::bail!(
            "unsupported DATABASE_URL {}: use postgres:// or sqlite://",
            url.redacted()
        );
    };
    match workload {
        Workload::Requests => {
            db.set_metric_callback(move |info| metrics.record_statement(info.elapsed, info.failed))
        }
        Workload::Background => {
            db.set_metric_callback(move |info| metrics.record_background_statement(info.failed))
        }
    }
    Ok(db)
}

/// Whether a PostgreSQL host is this machine: a loopback address, `localhost`,
/// or a Unix socket directory.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.starts_with('/')
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether the URL says which TLS mode it wants.
fn names_ssl_mode(url: &SecretUrl) -> bool {
    url::Url::parse(url.expose()).is_ok_and(|url| {
        url.query_pairs()
            .any(|(key, _)| key.eq_ignore_ascii_case("sslmode") || key == "ssl-mode")
    })
}

pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// True when the SQLite file of this URL does not exist yet (a first start).
pub fn is_new_sqlite_file(url: &SecretUrl) -> bool {
    SqliteConnectOptions::from_str(url.expose())
        .map(|options| !options.get_filename().exists())
        .unwrap_or(false)
}

/// The data revision: it changes with every committed write to data a query can
/// show (kept by triggers; see the `create_data_revisions` migration). Counters
/// only grow, so their sum changes exactly when one of them does.
pub async fn data_revision(db: &DatabaseConnection) -> Result<i64, sea_orm::DbErr> {
    let statement = sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT CAST(COALESCE(SUM(revision), 0) AS BIGINT) AS revision FROM data_revisions",
    );
    let row = db.query_one_raw(statement).await?;
    row.map_or(Ok(0), |row| row.try_get::<i64>("", "revision"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_this_machine() {
        for host in [
            "127.0.0.1",
            "::1",
            "[::1]",
            "localhost",
            "/var/run/postgresql",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["db.example.org", "10.0.0.5", "192.168.1.2"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn an_explicit_ssl_mode_is_seen() {
        let named = SecretUrl::new("postgres://u@127.0.0.1/db?sslmode=require");
        let unnamed = SecretUrl::new("postgres://u@127.0.0.1/db?application_name=x");
        assert!(names_ssl_mode(&named));
        assert!(!names_ssl_mode(&unnamed));
    }
}
