//! Prometheus text exposition.
use axum::{extract::State, http::header, response::IntoResponse};
use sea_orm::DbBackend;

use super::HttpState;

pub async fn render(State(state): State<HttpState>) -> impl IntoResponse {
    let app = &state.app;
    let (size, idle) = match app.db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = app.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = app.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    app.metrics.pool_size.set(i64::from(size));
    app.metrics.pool_idle.set(idle as i64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
}
