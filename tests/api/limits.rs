//! Every limit on hostile input, tested just under and just over.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app};

/// A query nested `depth` levels deep (counting the root field as 1).
fn nested_query(depth: usize) -> String {
    // partners(1) nodes(2) memberships(3) coalition(4) partners(5) nodes(6) ...
    // Page size 1 keeps the complexity low: this test is about depth only.
    let cycle = ["partners(first: 1)", "nodes", "memberships", "coalition"];
    let mut query = String::from("{ ");
    for level in 0..depth - 1 {
        query.push_str(cycle[level % 4]);
        query.push_str(" { ");
    }
    // A real field: async-graphql does not count `__typename` towards depth.
    query.push_str("id");
    query.push_str(&" }".repeat(depth));
    query
}

fn errors_mention(response: &Value, needle: &str) -> bool {
    response["errors"].as_array().is_some_and(|errors| {
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap_or("").contains(needle))
    })
}

#[tokio::test]
async fn depth_limit_is_twelve() {
    let app = spawn_app().await;
    let under = app.graphql(None, &nested_query(12), Value::Null).await;
    assert!(under.get("errors").is_none(), "{under:#}");
    let over = app.graphql(None, &nested_query(13), Value::Null).await;
    assert!(errors_mention(&over, "13 deep"), "{over:#}");
    assert_eq!(first_error_code(&over), "BAD_USER_INPUT");
}

#[tokio::test]
async fn complexity_limit_counts_page_sizes() {
    let app = spawn_app().await;
    // coalitions 1 + nodes (1 + N × (partners 1 + nodes (1 + 100 × 2))) = 2 + 202 N:
    // 99 coalitions cost 20,000 (the limit), 100 cost 20,202.
    let query = |coalitions: usize| {
        format!("{{ coalitions(first: {coalitions}) {{ nodes {{ partners(first: 100) {{ nodes {{ name id }} }} }} }} }}")
    };
    let under = app.graphql(None, &query(99), Value::Null).await;
    assert!(under.get("errors").is_none(), "{under:#}");
    let over = app.graphql(None, &query(100), Value::Null).await;
    assert!(errors_mention(&over, "costs 20202"), "{over:#}");
    assert_eq!(first_error_code(&over), "BAD_USER_INPUT");
}

#[tokio::test]
async fn alias_limit_is_thirty() {
    let app = spawn_app().await;
    let query = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let under = app.graphql(None, &query(30), Value::Null).await;
    assert!(under.get("errors").is_none(), "{under:#}");
    let over = app.graphql(None, &query(31), Value::Null).await;
    assert!(errors_mention(&over, "aliases"), "{over:#}");
    assert_eq!(first_error_code(&over), "BAD_USER_INPUT");
}

#[tokio::test]
async fn body_limit_is_one_mebibyte() {
    let app = spawn_app().await;
    let limit = coalition::http::MAX_BODY_BYTES;
    let body_of = |size: usize| {
        let skeleton = json!({ "query": "{ __typename }", "variables": { "pad": "" } }).to_string();
        let pad = "x".repeat(size - skeleton.len());
        json!({ "query": "{ __typename }", "variables": { "pad": pad } }).to_string()
    };
    let under = body_of(limit);
    assert_eq!(under.len(), limit);
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(under)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let over = body_of(limit + 1);
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(over)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn page_size_must_be_between_one_and_a_hundred() {
    let app = spawn_app().await;
    for first in [1, 100] {
        let response = app
            .graphql(
                None,
                "query($first: Int) { partners(first: $first) { totalCount } }",
                json!({ "first": first }),
            )
            .await;
        assert!(response.get("errors").is_none(), "{first}: {response:#}");
    }
    for first in [0, 101, -5] {
        let response = app
            .graphql(
                None,
                "query($first: Int) { partners(first: $first) { totalCount } }",
                json!({ "first": first }),
            )
            .await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{first}");
        assert_eq!(response["errors"][0]["extensions"]["field"], "first");
    }
}

#[tokio::test]
async fn a_garbage_cursor_is_bad_user_input() {
    let app = spawn_app().await;
    let code = app
        .error_code(
            None,
            r#"{ partners(after: "definitely-not-a-cursor") { totalCount } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

#[tokio::test]
async fn string_inputs_have_maximum_lengths() {
    let app = spawn_app().await;
    let create = "mutation($name: String!) { createPartner(input: {name: $name, kind: NGO}) { partner { name } } }";
    let at_limit = "n".repeat(200);
    let data = app
        .ok(Some(&app.admin_token), create, json!({ "name": at_limit }))
        .await;
    assert_eq!(data["createPartner"]["partner"]["name"], at_limit.as_str());
    let response = app
        .graphql(
            Some(&app.admin_token),
            create,
            json!({ "name": "n".repeat(201) }),
        )
        .await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "name");

    let describe = "mutation($d: String!) { createPartner(input: {name: \"Described\", kind: NGO, description: $d}) { partner { id } } }";
    let response = app
        .graphql(
            Some(&app.admin_token),
            describe,
            json!({ "d": "d".repeat(5_001) }),
        )
        .await;
    assert_eq!(response["errors"][0]["extensions"]["field"], "description");
    app.ok(
        Some(&app.admin_token),
        describe,
        json!({ "d": "d".repeat(5_000) }),
    )
    .await;
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_turned_off() {
    let app = crate::helpers::spawn_app_with(|config| config.introspection = false).await;
    let response = app
        .graphql(None, "{ __schema { types { name } } }", Value::Null)
        .await;
    assert_eq!(response["data"]["__schema"], Value::Null, "{response:#}");
    let response = app
        .graphql(None, "{ partnrs { totalCount } }", Value::Null)
        .await;
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");

    let open = spawn_app().await;
    let response = open
        .graphql(None, "{ __schema { queryType { name } } }", Value::Null)
        .await;
    assert_eq!(response["data"]["__schema"]["queryType"]["name"], "Query");
}
