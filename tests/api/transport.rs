//! Only a JSON POST runs an operation: no GET, form or text/plain request can
//! trigger a mutation, and malformed bodies get a coded error, never a crash.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app};

const CREATE: &str =
    r#"mutation { createPartner(input: {name: "Sneaky", kind: NGO}) { partner { id } } }"#;

async fn partner_count(app: &crate::helpers::TestApp) -> i64 {
    let data = app
        .ok(None, "{ partners { totalCount } }", Value::Null)
        .await;
    data["partners"]["totalCount"].as_i64().unwrap()
}

#[tokio::test]
async fn get_never_runs_an_operation() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", CREATE)])
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert_eq!(partner_count(&app).await, 0);
}

#[tokio::test]
async fn get_without_a_query_shows_graphiql() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("graphiql"));
}

#[tokio::test]
async fn graphiql_can_be_turned_off() {
    let app = crate::helpers::spawn_app_with(|config| config.graphiql = false).await;
    let response = app.client.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn text_plain_and_form_posts_are_refused_without_running() {
    let app = spawn_app().await;
    let body = json!({ "query": CREATE }).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", content_type)
            .bearer_auth(&app.admin_token)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415, "{content_type}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    }
    assert_eq!(partner_count(&app).await, 0);
}

#[tokio::test]
async fn batched_requests_are_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([{ "query": "{ me { id } }" }, { "query": "{ me { id } }" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("batched"));
}

#[tokio::test]
async fn malformed_bodies_get_a_coded_error() {
    let app = spawn_app().await;
    let deeply_nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"{\"query\": 42}".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x01],
        deeply_nested.into_bytes(),
    ];
    for body in bodies {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            400,
            "{:?}",
            String::from_utf8_lossy(&body)
        );
        let json: Value = response.json().await.unwrap();
        assert_eq!(first_error_code(&json), "BAD_USER_INPUT");
    }
    // The server is still serving.
    assert_eq!(partner_count(&app).await, 0);
}

#[tokio::test]
async fn a_syntax_error_is_bad_user_input() {
    let app = spawn_app().await;
    let code = app.error_code(None, "{ partners { ", Value::Null).await;
    assert_eq!(code, "BAD_USER_INPUT");
}

#[tokio::test]
async fn an_invalid_bearer_token_is_unauthenticated() {
    let app = spawn_app().await;
    for header in ["Bearer nonsense", "Basic YWRtaW46YWRtaW4=", "Bearer "] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("authorization", header)
            .json(&json!({ "query": "{ me { id } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{header}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.cors_allowed_origins = vec!["https://app.example.org".into()];
    })
    .await;
    for (origin, allowed) in [
        ("https://app.example.org", true),
        ("https://evil.example", false),
    ] {
        let response = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
            .await
            .unwrap();
        let allow = response
            .headers()
            .get("access-control-allow-origin")
            .cloned();
        assert_eq!(allow.is_some(), allowed, "{origin}");
    }
}
