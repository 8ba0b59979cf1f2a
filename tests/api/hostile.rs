//! The worst a client can send over HTTP: every shape is refused with a coded
//! error, fast, writes nothing, and the node keeps answering everyone else.
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use coalition::graphql::limits::shapes::fragment_chain;

use crate::helpers::{first_error_code, spawn_app, TestApp};

/// What a request that is refused may take, at most (a hang or a crash shows
/// as far more; the work is bounded by the limits, not by this number).
const PROMPT: Duration = Duration::from_secs(3);

/// The largest body the server reads.
const BODY_LIMIT: usize = coalition::http::MAX_BODY_BYTES;

/// `{"query": <query>}` padded to just under the body limit by repeating `fill`
/// at `at` in the query; returns the body.
fn body_with_query(query: &str) -> String {
    json!({ "query": query }).to_string()
}

/// A text of `open` repeated as often as fits a body of the limit, with `tail`.
fn nested(prefix: &str, open: &str, middle: &str, close: &str, suffix: &str) -> String {
    let fixed = prefix.len() + middle.len() + suffix.len() + 64;
    let levels = (BODY_LIMIT - fixed) / (open.len() + close.len()).max(1);
    format!(
        "{prefix}{}{middle}{}{suffix}",
        open.repeat(levels),
        close.repeat(levels)
    )
}

/// Sends `body` as a GraphQL POST with `accept` and returns status and JSON.
async fn post_raw(app: &TestApp, body: String, accept: Option<&str>) -> (u16, Value, Duration) {
    let started = Instant::now();
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json");
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.body(body).send().await.expect("the server answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let json = serde_json::from_str(&text).unwrap_or_else(|_| {
        panic!(
            "a JSON answer, got {status}: {}",
            &text[..text.len().min(300)]
        )
    });
    (status, json, started.elapsed())
}

/// The node still answers a cheap query at once.
async fn assert_alive(app: &TestApp) {
    let started = Instant::now();
    let data = app.ok(None, "{ __typename }", Value::Null).await;
    assert_eq!(data["__typename"], "Query");
    assert!(
        started.elapsed() < PROMPT,
        "a probe took {:?}",
        started.elapsed()
    );
}

async fn revision(app: &TestApp) -> i64 {
    coalition::db::data_revision(&app.db)
        .await
        .expect("the revision")
}

/// Refused as a client error with a code, under both media types, promptly,
/// with no `data`, nothing written, a short message, and the node alive.
async fn assert_refused(app: &TestApp, name: &str, body: String) {
    let before = revision(app).await;
    for accept in [Some("application/graphql-response+json"), None] {
        let (status, response, took) = post_raw(app, body.clone(), accept).await;
        assert!(
            (400..500).contains(&status) || (status == 200 && accept.is_none()),
            "{name}: status {status} for accept {accept:?}"
        );
        assert!(took < PROMPT, "{name}: took {took:?}");
        assert!(response.get("data").is_none(), "{name}: {response:#}");
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{name}");
        let message = response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.len() <= 300,
            "{name}: a {} byte message",
            message.len()
        );
    }
    assert_eq!(revision(app).await, before, "{name}: something was written");
    assert_alive(app).await;
}

#[tokio::test]
async fn deeply_nested_documents_are_refused_in_every_position() {
    let app = spawn_app().await;
    let shapes = [
        (
            "lists in an argument",
            nested(
                "{ partners(first: 1, filter: {search: ",
                "[",
                "\"x\"",
                "]",
                "}) { totalCount } }",
            ),
        ),
        (
            "objects in an argument",
            nested(
                "{ partners(first: 1, filter: ",
                "{a:",
                "1",
                "}",
                ") { totalCount } }",
            ),
        ),
        (
            "a variable's default",
            nested(
                "query($v: [String] = ",
                "[",
                "\"x\"",
                "]",
                ") { __typename }",
            ),
        ),
        (
            "a directive's argument",
            nested("{ __typename @include(if: ", "[", "true", "]", ") }"),
        ),
        ("selection sets", nested("", "{ me ", "id", "}", "")),
        ("parentheses", nested("{ me", "(", "", ")", " { id } }")),
        (
            "unclosed brackets",
            "{ me(a: ".to_owned() + &"[".repeat(BODY_LIMIT - 64),
        ),
    ];
    for (name, query) in shapes {
        let body = body_with_query(&query);
        assert!(body.len() <= BODY_LIMIT, "{name}: {} bytes", body.len());
        assert_refused(&app, name, body).await;
    }
    // Around the limit and at the depths that used to overflow the stack: a
    // list of IDs nested `depth` deep in all, so that up to the limit the text
    // passes and the document is refused by validation (a list of lists is not
    // a list of IDs), and past it by the scan.
    let limit = coalition::graphql::limits::MAX_NESTING;
    for depth in [limit - 2, limit, limit + 1, 100, 2_000, 20_000] {
        // `{`, `(`, and depth - 2 brackets.
        let query = format!(
            "{{ partners(first: 1, filter: {{search: {}\"x\"{}}}) {{ totalCount }} }}",
            "[".repeat(depth - 3),
            "]".repeat(depth - 3)
        );
        let (status, response, _) = post_raw(&app, body_with_query(&query), None).await;
        assert_eq!(status, 200, "{depth}");
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{depth}");
        let message = response["errors"][0]["message"].as_str().unwrap();
        let by_the_scan = message.contains("nests brackets");
        assert_eq!(by_the_scan, depth > limit, "{depth}: {message}");
        assert_alive(&app).await;
    }
    // An unclosed block string is read as `""` by the parser, which then goes
    // on: what follows is scanned too.
    let hidden = format!("{{ a(x: [ \"\"\"\" {}", "[".repeat(BODY_LIMIT - 100));
    assert_refused(
        &app,
        "nesting after an unclosed block string",
        body_with_query(&hidden),
    )
    .await;
}

#[tokio::test]
async fn deeply_nested_or_huge_variables_are_refused() {
    let app = spawn_app().await;
    let deep = nested(
        r#"{"query": "query($v: String) { __typename }", "variables": {"v": "#,
        "[",
        "1",
        "]",
        "}}",
    );
    assert_refused(&app, "nested variables", deep).await;
    let objects = nested(
        r#"{"query": "query($v: String) { __typename }", "variables": {"v": "#,
        r#"{"a":"#,
        "1",
        "}",
        "}}",
    );
    assert_refused(&app, "nested objects in variables", objects).await;
    let many = format!(
        r#"{{"query": "query($ids: [ID!]!) {{ __typename }}", "variables": {{"ids": [{}1]}}}}"#,
        "1,".repeat((BODY_LIMIT - 100) / 2)
    );
    assert_refused(&app, "half a million values", many).await;
    let nested_body = nested(
        r#"{"query": "{ __typename }", "extensions": "#,
        "[",
        "",
        "]",
        "}",
    );
    assert_refused(&app, "nested extensions", nested_body).await;
}

#[tokio::test]
async fn a_flood_of_repeated_fields_is_refused_at_once() {
    let app = spawn_app().await;
    // The issue's request: 20,000 unaliased copies, 660 KB.
    let copies = "commitments(first:1){totalCount} ".repeat(20_000);
    let flood = body_with_query(&format!("{{ {copies} }}"));
    assert_refused(&app, "20,000 copies", flood.clone()).await;
    // Within the token limit, copies are each charged their statements.
    let some = "commitments(first: 1) { totalCount } ".repeat(100);
    let body = body_with_query(&format!("{{ {some} }}"));
    let (_, response, _) = post_raw(&app, body, None).await;
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("200 SQL statements"), "{message}");

    // Four floods at once do not hold up a cheap query.
    let floods: Vec<_> = (0..4)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/graphql");
            let flood = flood.clone();
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(flood)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    assert_alive(&app).await;
    for flood in floods {
        // No Accept header: application/json, so a refused document is a 200
        // with errors (checked by assert_refused above).
        assert_eq!(flood.await.unwrap().unwrap(), 200);
    }
}

#[tokio::test]
async fn fragments_that_multiply_are_charged_for_what_they_expand_to() {
    let app = spawn_app().await;
    // Each fragment spreads the next four times: 4^10 copies of one page.
    let bomb = format!(
        "query {{ ...F0 }}{}",
        fragment_chain(
            "Query",
            10,
            4,
            "commitments(first: 100) { nodes { title } }"
        )
    );
    assert_refused(&app, "fragment bomb", body_with_query(&bomb)).await;

    // The same in an operation that is not the one asked for: validation would
    // still expand it.
    let unused = format!(
        "query Cheap {{ __typename }} query Bomb {{ ...F0 }}{}",
        fragment_chain("Query", 20, 2, "__typename")
    );
    let body = json!({ "query": unused, "operationName": "Cheap" }).to_string();
    assert_refused(&app, "bomb in another operation", body).await;

    for (name, cycle) in [
        ("a cycle", "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
        ("a self spread", "{ ...A } fragment A on Query { __typename ...A }"),
        ("a nested cycle", "{ me { ...U } } fragment U on User { partners { ...P } } fragment P on Partner { ...U }"),
    ] {
        assert_refused(&app, name, body_with_query(cycle)).await;
    }
}

#[tokio::test]
async fn introspection_cannot_be_nested_into_a_bomb() {
    let app = spawn_app().await;
    let mut query = String::from("{ __type(name: \"Query\") { ");
    for _ in 0..10 {
        query.push_str("fields { type { ");
    }
    query.push_str("name");
    query.push_str(&" } }".repeat(10));
    query.push_str(" } }");
    assert_refused(&app, "introspection re-entry", body_with_query(&query)).await;
    // Many copies of the whole schema cost their size each.
    let copies = "__schema { types { name } } ".repeat(11);
    assert_refused(
        &app,
        "11 introspections",
        body_with_query(&format!("{{ {copies} }}")),
    )
    .await;
}

#[tokio::test]
async fn error_messages_never_echo_the_document() {
    let app = spawn_app().await;
    let long_line = format!("{{ me {{ id }} }} {}", "x".repeat(120_000));
    let cases = [
        ("a 120 KB syntax error", format!("{long_line} {{")),
        (
            "an unknown field with a long name",
            format!("{{ {} }}", "a".repeat(100_000)),
        ),
        (
            "a long unknown fragment",
            format!("{{ ...{} }}", "F".repeat(100_000)),
        ),
        (
            "a long operation name",
            format!("query {} {{ x }}", "Q".repeat(100_000)),
        ),
        (
            "a long unknown argument",
            format!("{{ me({}: 1) {{ id }} }}", "a".repeat(100_000)),
        ),
        (
            "an unterminated string",
            format!("{{ me(a: \"{}) }}", "s".repeat(100_000)),
        ),
    ];
    for (name, query) in cases {
        assert_refused(&app, name, body_with_query(&query)).await;
    }
}

#[tokio::test]
async fn malformed_bodies_and_headers_get_coded_errors() {
    let app = spawn_app().await;
    let bodies = [
        ("not JSON", "{ \"query\": ".to_owned()),
        (
            "invalid UTF-8 in a string",
            "{\"query\": \"\u{FFFD}\"".to_owned(),
        ),
        ("a JSON string", "\"{ __typename }\"".to_owned()),
        ("a number", "123".to_owned()),
        ("null", "null".to_owned()),
        ("no query", "{\"qeury\": \"{ __typename }\"}".to_owned()),
        (
            "a query that is an object",
            "{\"query\": {\"a\": 1}}".to_owned(),
        ),
        (
            "variables that are a list",
            "{\"query\": \"{ __typename }\", \"variables\": [1]}".to_owned(),
        ),
        (
            "an operation name that is a number",
            "{\"query\": \"{ __typename }\", \"operationName\": 1}".to_owned(),
        ),
        (
            "a batch",
            format!(
                "[{}]",
                vec!["{\"query\": \"{ __typename }\"}"; 1_000].join(",")
            ),
        ),
        ("an empty body", String::new()),
    ];
    for (name, body) in bodies {
        let before = revision(&app).await;
        let (status, response, _) = post_raw(&app, body, None).await;
        assert_eq!(status, 400, "{name}");
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{name}");
        assert!(response.get("data").is_none(), "{name}");
        assert_eq!(revision(&app).await, before);
    }
    // Invalid bytes in the body: not even UTF-8.
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(vec![b'{', 0xff, 0xfe, b'}'])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    // Tokens nobody issued, of every shape: 401 with a code, never a 5xx.
    let long = format!("Bearer {}", "x".repeat(8_000));
    let headers: [&[u8]; 6] = [
        long.as_bytes(),
        b"Bearer \xff\xfe not UTF-8",
        b"Bearer",
        b"Bearer ",
        b"Basic YWRtaW46YWRtaW4=",
        b"Bearer ' OR 1=1 --",
    ];
    for header in headers {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .header(
                "authorization",
                reqwest::header::HeaderValue::from_bytes(header).unwrap(),
            )
            .body(body_with_query("{ __typename }"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            401,
            "{:?}",
            &header[..header.len().min(20)]
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
    }
    // Headers far larger than any client needs are refused by the HTTP layer,
    // with a client error or by closing the connection, and the node goes on.
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("x-padding", "p".repeat(1_000_000))
        .body(body_with_query("{ __typename }"))
        .send()
        .await;
    if let Ok(response) = response {
        assert!(response.status().is_client_error(), "{}", response.status());
    }
    // An Accept header that asks for nothing GraphQL can answer.
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", "text/html")
        .body(body_with_query("{ __typename }"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 406);
    assert_alive(&app).await;
}

#[tokio::test]
async fn hostile_ids_and_arguments_are_coded_errors() {
    let app = spawn_app().await;
    for id in [
        "x".repeat(100_000),
        "UGFydG5lcjotMQ".into(),                          // Partner:-1
        "UGFydG5lcjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk".into(), // Partner:9999… (overflows i64)
        "\u{0}".into(),
        "Tm9kZTox".into(), // Node:1, no such kind
        "%%%".into(),
    ] {
        let response = app
            .graphql(
                None,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        let data_is_null = response["data"]["node"].is_null();
        let coded = response["errors"][0]["extensions"]["code"].is_string();
        assert!(
            data_is_null && (coded || response.get("errors").is_none()),
            "{response:#}"
        );
    }
    for first in [i64::from(i32::MAX), i64::from(i32::MIN), 1 << 40] {
        let response = app
            .graphql(
                None,
                "query($first: Int) { partners(first: $first) { totalCount } }",
                json!({ "first": first }),
            )
            .await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{first}");
    }
    let response = app
        .graphql(
            None,
            "query($s: String) { partners(filter: {search: $s}) { totalCount } }",
            json!({ "s": "s".repeat(900_000) }),
        )
        .await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    assert_alive(&app).await;
}

#[tokio::test]
async fn the_worst_admitted_requests_leave_others_answered() {
    let app = spawn_app().await;
    // At the cost and statement limits: 30 aliased pages of commitments and
    // partners (about 100 statements' worth), sent four at a time.
    let worst = worst_admitted_query();
    let check = app.graphql(None, &worst, Value::Null).await;
    assert!(
        check.get("errors").is_none(),
        "the worst query is admitted: {check:#}"
    );
    let heavy: Vec<_> = (0..4)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/graphql");
            let body = body_with_query(&worst);
            tokio::spawn(async move {
                for _ in 0..5 {
                    let response = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200);
                }
            })
        })
        .collect();
    for _ in 0..5 {
        assert_alive(&app).await;
    }
    for task in heavy {
        task.await.unwrap();
    }
}

/// The costliest request the limits admit, as the benchmark sends it.
fn worst_admitted_query() -> String {
    coalition::graphql::limits::shapes::worst_admitted_query()
}

#[tokio::test]
async fn the_statement_budget_bounds_what_an_admitted_request_runs() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Coalition", "coalition").await;
    let partner = app.create_partner("Partner", "NGO", None).await;
    app.add_coalition_partner(&coalition, &partner).await;
    let mut groups = Vec::new();
    for i in 0..45 {
        groups.push(app.create_group(&coalition, &format!("Group {i:02}")).await);
    }
    app.add_group_member(&groups[0], &partner, "LEAD").await;
    app.create_commitment(&partner, "Committed", json!({ "actionGroupId": groups[0] }))
        .await;
    let budget = coalition::graphql::limits::Budget::REQUEST.statements;
    // The session lookup and the data revision come on top of the budget.
    let around = 3;
    let per_group_events =
        "{ actionGroups(first: 45) { nodes { events(first: 5) { totalCount nodes { kind } } } } }";
    for (name, query) in [
        ("the worst admitted request", worst_admitted_query()),
        (
            "a page of groups, each with its events",
            per_group_events.to_owned(),
        ),
    ] {
        let before = app.statements();
        let data = app.ok(Some(&app.admin_token), &query, Value::Null).await;
        let ran = app.statements() - before;
        assert!(ran <= budget + around, "{name}: {ran} statements");
        // Loaders share what aliases load alike, so the worst request runs fewer.
        assert!(
            ran > budget / 3,
            "{name}: only {ran} statements: the data set is too small"
        );
        println!("{name}: {ran} statements");
        assert!(!data.as_object().unwrap().is_empty());
    }
}
