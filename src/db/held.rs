//! One pooled connection held for the statements of one request.
//!
//! sqlx hands a connection back to its pool after every statement, and on the
//! way back it always sends a `Sync` and waits for PostgreSQL's answer (a
//! ping, in a task of its own): a second round trip per statement, with the
//! wake-ups and system calls on both sides that a loopback round trip costs.
//! A read that runs its statements one after another (the compiled read path,
//! a search page and its highlights) holds one connection instead: one
//! acquisition and one ping for the request, not one per statement.
//!
//! Statements are counted like the pool's (`coalition_db_statements_total`).
use std::{sync::Arc, time::Instant};

use sea_orm::{
    sqlx::{self, pool::PoolConnection, AssertSqlSafe, Postgres, Sqlite},
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr,
    Statement,
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::Mutex;

use crate::metrics::Metrics;

enum Held {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

/// A connection taken from the request pool until this value is dropped.
/// Statements through it run one at a time, in the order they are awaited.
pub struct HeldConnection {
    backend: DbBackend,
    connection: Mutex<Held>,
    metrics: Arc<Metrics>,
}

impl HeldConnection {
    /// Takes a connection from `db`'s pool (waiting as the pool's own
    /// statements would, and checked as they are when it was idle long).
    pub async fn acquire(db: &DatabaseConnection, metrics: Arc<Metrics>) -> Result<Self, DbErr> {
        let backend = db.get_database_backend();
        let held = match backend {
            DbBackend::Postgres => Held::Postgres(
                db.get_postgres_connection_pool()
                    .acquire()
                    .await
                    .map_err(acquire_error)?,
            ),
            DbBackend::Sqlite => Held::Sqlite(
                db.get_sqlite_connection_pool()
                    .acquire()
                    .await
                    .map_err(acquire_error)?,
            ),
            _ => return Err(DbErr::Custom("an unsupported database backend".into())),
        };
        Ok(Self {
            backend,
            connection: Mutex::new(held),
            metrics,
        })
    }

    /// Counts a statement that started at `started` like the pool's.
    fn record<T>(&self, started: Instant, result: &Result<T, sqlx::Error>) {
        self.metrics
            .record_statement(started.elapsed(), result.is_err());
    }
}

fn query(stmt: &Statement) -> (AssertSqlSafe<&str>, SqlxValues) {
    let values = stmt
        .values
        .clone()
        .unwrap_or_else(|| sea_orm::Values(Vec::new()));
    (AssertSqlSafe(stmt.sql.as_str()), SqlxValues(values))
}

fn acquire_error(error: sqlx::Error) -> DbErr {
    match error {
        sqlx::Error::PoolTimedOut => {
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout)
        }
        sqlx::Error::PoolClosed => {
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::ConnectionClosed)
        }
        error => DbErr::Conn(RuntimeErr::SqlxError(error.into())),
    }
}

fn query_error(error: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(error.into()))
}

fn exec_error(error: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(error.into()))
}

#[async_trait::async_trait]
impl ConnectionTrait for HeldConnection {
    fn get_database_backend(&self) -> DbBackend {
        self.backend
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let (sql, values) = query(&stmt);
        let started = Instant::now();
        let mut held = self.connection.lock().await;
        let result: Result<ExecResult, _> = match &mut *held {
            Held::Postgres(c) => sqlx::query_with(sql, values)
                .execute(&mut **c)
                .await
                .map(Into::into),
            Held::Sqlite(c) => sqlx::query_with(sql, values)
                .execute(&mut **c)
                .await
                .map(Into::into),
        };
        self.record(started, &result);
        result.map_err(exec_error)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        use sqlx::Executor;
        let started = Instant::now();
        let mut held = self.connection.lock().await;
        let result: Result<ExecResult, _> = match &mut *held {
            Held::Postgres(c) => c.execute(AssertSqlSafe(sql)).await.map(Into::into),
            Held::Sqlite(c) => c.execute(AssertSqlSafe(sql)).await.map(Into::into),
        };
        self.record(started, &result);
        result.map_err(exec_error)
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let (sql, values) = query(&stmt);
        let started = Instant::now();
        let mut held = self.connection.lock().await;
        let result = match &mut *held {
            Held::Postgres(c) => sqlx::query_with(sql, values)
                .fetch_optional(&mut **c)
                .await
                .map(|row| row.map(QueryResult::from)),
            Held::Sqlite(c) => sqlx::query_with(sql, values)
                .fetch_optional(&mut **c)
                .await
                .map(|row| row.map(QueryResult::from)),
        };
        self.record(started, &result);
        result.map_err(query_error)
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let (sql, values) = query(&stmt);
        let started = Instant::now();
        let mut held = self.connection.lock().await;
        let result = match &mut *held {
            Held::Postgres(c) => sqlx::query_with(sql, values)
                .fetch_all(&mut **c)
                .await
                .map(|rows| rows.into_iter().map(QueryResult::from).collect()),
            Held::Sqlite(c) => sqlx::query_with(sql, values)
                .fetch_all(&mut **c)
                .await
                .map(|rows| rows.into_iter().map(QueryResult::from).collect()),
        };
        self.record(started, &result);
        result.map_err(query_error)
    }
}
