use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn liveness_answers() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readiness_checks_the_database_and_the_configured_bus() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    let expected_bus = if std::env::var("TEST_REDIS_URL").is_ok() {
        "ok"
    } else {
        "in-process"
    };
    assert_eq!(body["eventBus"], expected_bus);
}

#[tokio::test]
async fn readiness_fails_when_the_configured_redis_is_unreachable() {
    // Port 1 on loopback: nothing listens there.
    let app = crate::helpers::spawn_app_with(|config| {
        config.redis_url = Some(coalition::config::SecretUrl::new("redis://127.0.0.1:1"));
    })
    .await;
    let response = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["eventBus"], "unreachable");
}

#[tokio::test]
async fn metrics_count_requests_per_operation_type_and_expose_pool_gauges() {
    let app = spawn_app().await;
    app.ok(None, "{ coalitions { totalCount } }", Value::Null)
        .await;
    app.graphql(Some(&app.admin_token), "mutation { logout }", Value::Null)
        .await;
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"coalition_graphql_requests_total{operation="query",outcome="ok"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"coalition_graphql_requests_total{operation="mutation",outcome="ok"}"#),
        "{text}"
    );
    assert!(
        text.contains("coalition_graphql_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("coalition_db_pool_connections"), "{text}");
    assert!(text.contains("coalition_db_statements_total"), "{text}");
}

#[tokio::test]
async fn an_internal_error_is_answered_opaque() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    app.db
        .execute_unprepared("ALTER TABLE thematic_areas RENAME TO thematic_areas_gone")
        .await
        .unwrap();
    let response = app
        .graphql(
            None,
            "{ coalitions { nodes { thematicAreas { name } } } }",
            Value::Null,
        )
        .await;
    assert_eq!(crate::helpers::first_error_code(&response), "INTERNAL");
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert_eq!(message, "internal error");
    assert!(
        !response.to_string().contains("thematic_areas"),
        "{response}"
    );
    // The server keeps serving.
    let ok = app
        .ok(None, "{ coalitions { totalCount } }", Value::Null)
        .await;
    assert_eq!(ok["coalitions"]["totalCount"], 1);
}

/// The pool's connections to PostgreSQL on this machine skip TLS (which only
/// cost CPU on loopback) and run without JIT; on SQLite there is no such
/// connection, and the test says so. Nor do they start parallel workers.
#[tokio::test]
async fn local_postgres_connections_skip_tls_and_jit() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        eprintln!(
            "local_postgres_connections_skip_tls_and_jit: SQLite run, checked on PostgreSQL only"
        );
        return;
    }
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl, \
             current_setting('jit') AS jit, \
             current_setting('max_parallel_workers_per_gather') AS workers",
        ))
        .await
        .unwrap()
        .unwrap();
    let ssl: bool = row.try_get("", "ssl").unwrap();
    let jit: String = row.try_get("", "jit").unwrap();
    let workers: String = row.try_get("", "workers").unwrap();
    assert!(
        !ssl,
        "the test database URL is local and names no sslmode: no TLS"
    );
    assert_eq!(jit, "off");
    assert_eq!(workers, "0", "no parallel workers for a request");
}

/// Connections are not pinged before every statement (a round trip each), but
/// one that has been idle is: after PostgreSQL has ended every connection of
/// the pool (as a restart would), the next requests still succeed.
#[tokio::test]
async fn connections_cut_while_idle_are_replaced_before_use() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        eprintln!(
            "connections_cut_while_idle_are_replaced_before_use: SQLite run, checked on PostgreSQL only"
        );
        return;
    }
    let query = "{ actionGroups { totalCount } }";
    app.ok(None, query, serde_json::Value::Null).await;
    let database = app.database_url.rsplit('/').next().unwrap().to_owned();
    let admin = sea_orm::Database::connect(app.database_url.replace(&database, "postgres"))
        .await
        .unwrap();
    let ended = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{database}' AND pid <> pg_backend_pid()"
            ),
        ))
        .await
        .unwrap();
    assert!(!ended.is_empty(), "the pool had connections to end");
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    for _ in 0..10 {
        app.ok(None, query, serde_json::Value::Null).await;
    }
}
