//! Answers to repeated queries come from memory only while nothing has been
//! written since: a write through any node, or around the API altogether, is
//! seen by the very next query.
use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const DIRECTORY: &str = "{ partners(first: 50) { totalCount nodes { name } } }";
const COMMITMENTS: &str = "{ commitments(first: 50) { totalCount nodes { title } } }";

/// Posts a query; returns its JSON answer and the `x-cache` header, if any.
async fn query(app: &TestApp, token: Option<&str>, query: &str) -> (Value, Option<String>) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let cache = response
        .headers()
        .get("x-cache")
        .map(|value| value.to_str().unwrap().to_owned());
    (response.json().await.expect("a JSON answer"), cache)
}

fn names(answer: &Value) -> Vec<&str> {
    answer["data"]["partners"]["nodes"]
        .as_array()
        .expect("a list of partners")
        .iter()
        .map(|partner| partner["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_repeated_query_is_answered_from_memory_after_one_statement() {
    let app = spawn_app().await;
    app.create_partner(
        "International Labour Organization",
        "INTERNATIONAL_ORGANIZATION",
        None,
    )
    .await;

    let (first, cache) = query(&app, None, DIRECTORY).await;
    assert_eq!(cache.as_deref(), Some("miss"));
    let before = app.statements();
    let (second, cache) = query(&app, None, DIRECTORY).await;

    assert_eq!(cache.as_deref(), Some("hit"));
    assert_eq!(second, first);
    assert_eq!(names(&second), ["International Labour Organization"]);
    assert_eq!(
        app.statements() - before,
        1,
        "only the data revision is read"
    );
}

#[tokio::test]
async fn a_write_through_the_api_is_seen_by_the_next_query() {
    let app = spawn_app().await;
    app.create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    query(&app, None, DIRECTORY).await;
    assert_eq!(query(&app, None, DIRECTORY).await.1.as_deref(), Some("hit"));

    app.create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let (answer, cache) = query(&app, None, DIRECTORY).await;

    assert_eq!(cache.as_deref(), Some("miss"));
    assert_eq!(names(&answer), ["ILO", "IOM"]);
    assert_eq!(answer["data"]["partners"]["totalCount"], 2);
}

#[tokio::test]
async fn a_write_on_another_node_is_seen_at_once() {
    let a = spawn_app().await;
    let b = a.spawn_node(|_| {}).await;
    a.create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    query(&b, None, DIRECTORY).await;
    assert_eq!(query(&b, None, DIRECTORY).await.1.as_deref(), Some("hit"));

    a.create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let (answer, cache) = query(&b, None, DIRECTORY).await;

    assert_eq!(cache.as_deref(), Some("miss"));
    assert_eq!(names(&answer), ["ILO", "IOM"]);
}

#[tokio::test]
async fn a_write_around_the_api_is_seen_too() {
    let app = spawn_app().await;
    app.create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    query(&app, None, DIRECTORY).await;
    assert_eq!(query(&app, None, DIRECTORY).await.1.as_deref(), Some("hit"));

    // An operator's SQL: the triggers keep the revision, not the code paths.
    app.db
        .execute_unprepared("UPDATE partners SET name = 'International Labour Organization'")
        .await
        .unwrap();
    let (answer, cache) = query(&app, None, DIRECTORY).await;

    assert_eq!(cache.as_deref(), Some("miss"));
    assert_eq!(names(&answer), ["International Labour Organization"]);
}

#[tokio::test]
async fn answers_are_kept_for_one_viewer_only() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    app.add_coalition_partner(&coalition, &ilo).await;
    let colleague = app.create_user("member@ilo.example", &ilo, "MEMBER").await;
    app.create_commitment(
        &ilo,
        "Internal pledge",
        json!({ "coalitionId": coalition, "visibility": "COALITION" }),
    )
    .await;
    query(&app, Some(&colleague.token), COMMITMENTS).await;
    let (seen, cache) = query(&app, Some(&colleague.token), COMMITMENTS).await;
    assert_eq!(cache.as_deref(), Some("hit"));
    assert_eq!(seen["data"]["commitments"]["totalCount"], 1);

    let (anonymous, cache) = query(&app, None, COMMITMENTS).await;

    assert_eq!(cache.as_deref(), Some("miss"));
    assert_eq!(anonymous["data"]["commitments"]["totalCount"], 0);
}

#[tokio::test]
async fn a_new_membership_is_seen_by_the_members_next_query() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let iom = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    app.add_coalition_partner(&coalition, &ilo).await;
    app.create_commitment(
        &ilo,
        "For the coalition's partners",
        json!({ "coalitionId": coalition, "visibility": "COALITION" }),
    )
    .await;
    let outsider = app.create_user("member@iom.example", &iom, "MEMBER").await;
    query(&app, Some(&outsider.token), COMMITMENTS).await;
    let (before, cache) = query(&app, Some(&outsider.token), COMMITMENTS).await;
    assert_eq!(cache.as_deref(), Some("hit"));
    assert_eq!(before["data"]["commitments"]["totalCount"], 0);

    app.add_coalition_partner(&coalition, &iom).await;
    let (after, cache) = query(&app, Some(&outsider.token), COMMITMENTS).await;

    assert_eq!(cache.as_deref(), Some("miss"));
    assert_eq!(after["data"]["commitments"]["totalCount"], 1);
}

#[tokio::test]
async fn answers_with_errors_are_not_kept() {
    let app = spawn_app().await;
    let missing = "{ node(id: \"not-an-id\") { id } }";
    let (first, _) = query(&app, None, missing).await;
    assert!(first.get("errors").is_some(), "{first}");

    let (second, cache) = query(&app, None, missing).await;

    assert!(second.get("errors").is_some(), "{second}");
    assert_ne!(cache.as_deref(), Some("hit"));
}

#[tokio::test]
async fn a_zero_budget_turns_the_cache_off() {
    let app = spawn_app_with(|config| config.query_cache_mb = 0).await;
    app.create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    query(&app, None, DIRECTORY).await;
    let before = app.statements();

    let (answer, cache) = query(&app, None, DIRECTORY).await;

    assert_eq!(cache, None);
    assert_eq!(names(&answer), ["ILO"]);
    assert!(app.statements() - before >= 2, "the query ran in full");
}

/// Tables no query reads, or whose writes always come with a watched table's.
const UNWATCHED: &[&str] = &[
    "sessions",
    "event_streams",
    "data_revisions",
    "seaql_migrations",
    "mail_outbox",
    // Search documents: written with their resource, in its transaction (on
    // SQLite an FTS5 table and its shadow tables).
    "resource_search",
    "resource_search_data",
    "resource_search_idx",
    "resource_search_content",
    "resource_search_docsize",
    "resource_search_config",
];

#[tokio::test]
async fn every_table_a_query_can_show_bumps_the_data_revision() {
    let app = spawn_app().await;
    let backend = app.db.get_database_backend();
    let (tables, triggers) = match backend {
        DbBackend::Postgres => (
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            "SELECT DISTINCT event_object_table AS name FROM information_schema.triggers \
             WHERE trigger_name LIKE '%bump_data_revision'",
        ),
        _ => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            "SELECT DISTINCT tbl_name AS name FROM sqlite_master \
             WHERE type = 'trigger' AND name LIKE '%bump_data_revision'",
        ),
    };
    let names = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            db.query_all_raw(Statement::from_string(backend, sql))
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.try_get::<String>("", "name").unwrap())
                .collect::<BTreeSet<_>>()
        }
    };
    let tables = names(tables).await;
    let watched = names(triggers).await;

    let unwatched: Vec<_> = tables
        .iter()
        .filter(|table| !watched.contains(*table) && !UNWATCHED.contains(&table.as_str()))
        .collect();
    assert!(
        unwatched.is_empty(),
        "tables without a data-revision trigger: {unwatched:?}"
    );
    assert!(
        watched.contains("commitments") && watched.len() >= 15,
        "{watched:?}"
    );

    let before = coalition::db::data_revision(&app.db).await.unwrap();
    app.create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let after = coalition::db::data_revision(&app.db).await.unwrap();
    assert!(after > before, "{before} -> {after}");
}

#[tokio::test]
async fn identical_queries_arriving_together_after_a_write_run_it_once() {
    let app = spawn_app().await;
    app.create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    // What one full run of the query costs, beyond the revision read.
    let before = app.statements();
    assert_eq!(
        query(&app, None, DIRECTORY).await.1.as_deref(),
        Some("miss")
    );
    let one_run = app.statements() - before - 1;
    assert!(one_run >= 2, "a full run reads the page and the count");

    app.create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let before = app.statements();
    let answers =
        futures_util::future::join_all((0..16).map(|_| query(&app, None, DIRECTORY))).await;

    for (answer, cache) in &answers {
        assert_eq!(names(answer), ["ILO", "IOM"]);
        assert!(matches!(cache.as_deref(), Some("hit" | "miss")));
    }
    let misses = answers
        .iter()
        .filter(|(_, cache)| cache.as_deref() == Some("miss"))
        .count();
    assert_eq!(misses, 1, "one request ran the query; the others shared it");
    assert_eq!(
        app.statements() - before,
        16 + one_run,
        "16 revision reads and one full run"
    );
}
