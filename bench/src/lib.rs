//! Shared pieces of the benchmark binaries: a throw-away database, the data
//! sets, and a timed HTTP load with latency percentiles. A crate of its own so
//! that the server neither builds nor links what only the benchmarks need.
pub mod dataset;
pub mod library;
pub mod load;
pub mod process;

use rand_core::{OsRng, RngCore};

/// A database for one benchmark run: a fresh PostgreSQL database (created from
/// `admin_url`, dropped by `drop`) or a SQLite file in a temporary directory.
pub struct BenchDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

/// Which databases a benchmark measures: SQLite unless `--postgres-only`,
/// then PostgreSQL when a server is given.
#[derive(clap::Args)]
pub struct Backends {
    /// A PostgreSQL URL to create the benchmark databases from (default: TEST_DATABASE_URL).
    #[arg(long, env = "TEST_DATABASE_URL")]
    pub postgres: Option<String>,
    /// Skip the SQLite run.
    #[arg(long)]
    pub postgres_only: bool,
}

impl Backends {
    /// The PostgreSQL admin URL of each run, None for SQLite.
    pub fn runs(&self) -> Vec<Option<String>> {
        let mut runs = Vec::new();
        if !self.postgres_only {
            runs.push(None);
        }
        if let Some(url) = &self.postgres {
            runs.push(Some(url.clone()));
        }
        runs
    }
}

impl BenchDatabase {
    pub async fn create(postgres_admin_url: Option<&str>) -> anyhow::Result<Self> {
        use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
        let name = format!("coalition_bench_{:012x}", OsRng.next_u64() >> 16);
        match postgres_admin_url {
            Some(admin_url) => {
                let mut connection = PgConnection::connect(admin_url).await?;
                connection
                    .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await?;
                let mut url = url::Url::parse(admin_url)?;
                url.set_path(&name);
                Ok(Self {
                    url: url.to_string(),
                    admin_url: Some(admin_url.to_owned()),
                    name,
                    _dir: None,
                })
            }
            None => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
                Ok(Self {
                    url,
                    admin_url: None,
                    name,
                    _dir: Some(dir),
                })
            }
        }
    }

    /// The PostgreSQL server this database was made on, to make more there.
    pub fn postgres_admin_url(&self) -> Option<&str> {
        self.admin_url.as_deref()
    }

    pub fn backend(&self) -> &'static str {
        if self.admin_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    pub async fn drop(self) -> anyhow::Result<()> {
        use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
        if let Some(admin_url) = &self.admin_url {
            let mut connection = PgConnection::connect(admin_url).await?;
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            connection.execute(AssertSqlSafe(drop)).await?;
        }
        Ok(())
    }
}
