//! Liveness (the process answers) and readiness (its database and bus answer).
use std::time::Duration;

use axum::{extract::State, http::StatusCode, Json};
use serde_json::{json, Value};

use super::HttpState;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn live() -> Json<Value> {
    Json(json!({ "status": "live" }))
}

pub async fn ready(State(state): State<HttpState>) -> (StatusCode, Json<Value>) {
    let database = match tokio::time::timeout(CHECK_TIMEOUT, state.app.db.ping()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness: database unreachable");
            "unreachable"
        }
        Err(_) => "timeout",
    };
    let bus = match &state.app.redis {
        None => "in-process",
        Some(client) => match tokio::time::timeout(CHECK_TIMEOUT, ping_redis(client)).await {
            Ok(Ok(())) => "ok",
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "readiness: redis unreachable");
                "unreachable"
            }
            Err(_) => "timeout",
        },
    };
    let ready = database == "ok" && matches!(bus, "ok" | "in-process");
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": database,
        "eventBus": bus,
    });
    (status, Json(body))
}

async fn ping_redis(client: &redis::Client) -> redis::RedisResult<()> {
    let mut connection = client.get_multiplexed_async_connection().await?;
    redis::cmd("PING")
        .query_async::<String>(&mut connection)
        .await?;
    Ok(())
}
