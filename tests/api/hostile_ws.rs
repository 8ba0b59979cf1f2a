//! The worst a client can send over WebSocket: every limit closes or refuses
//! with the protocol's codes, is counted in the metrics, and leaves the node
//! serving everyone else.
use std::time::Duration;

use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    helpers::{spawn_app, spawn_app_with, TestApp},
    ws_client::{Received, WsClient, FROM_THE_START},
};

/// Another client still gets a pong at once.
async fn assert_alive(app: &TestApp) {
    let mut other = WsClient::ready(app, None).await;
    other.send(json!({ "type": "ping" })).await;
    assert_eq!(
        other.try_receive(Duration::from_secs(3)).await,
        Some(Received::Message(json!({ "type": "pong" })))
    );
    let data = app.ok(None, "{ __typename }", Value::Null).await;
    assert_eq!(data["__typename"], "Query");
}

/// How often a limit refused something over WebSocket, from /metrics.
async fn refusals(app: &TestApp, limit: &str) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let needle = format!("coalition_limit_refusals_total{{limit=\"{limit}\",transport=\"ws\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&needle))
        .map_or(0, |count| count.trim().parse().unwrap())
}

/// The subscription `id` is answered with an error of `code` whose message
/// is short.
async fn expect_short_error(client: &mut WsClient, id: &str, code: &str) {
    match client.receive().await {
        Received::Message(m) if m["type"] == "error" && m["id"] == id => {
            assert_eq!(m["payload"][0]["extensions"]["code"], code, "{id}: {m:#}");
            let message = m["payload"][0]["message"].as_str().unwrap();
            assert!(
                message.len() <= 300,
                "{id}: a {} byte message",
                message.len()
            );
        }
        other => panic!("expected the error of {id}, got {other:?}"),
    }
}

#[tokio::test]
async fn hostile_documents_are_refused_per_subscription() {
    let app = spawn_app().await;
    let mut client = WsClient::ready(&app, None).await;
    let limit = app.metrics.statements();
    let near_size_limit = 8 * 1024 - 64;
    let documents = [
        (
            "nested lists",
            format!("subscription {{ commitmentUpdated(commitmentId: {}1{}) {{ id }} }}", "[".repeat(near_size_limit / 2 - 40), "]".repeat(near_size_limit / 2 - 40)),
        ),
        ("nested selections", format!("subscription {}", "{ a ".repeat(near_size_limit / 4))),
        ("over the size limit", format!("subscription {{ myNotifications {{ reason }} }} # {}", "x".repeat(9_000))),
        ("too many tokens", format!("subscription {{ myNotifications {{ {} }} }}", "reason ".repeat(1_100))),
        ("a syntax error", "subscription { myNotifications { ".to_owned() + &"x".repeat(7_000) + " {"),
        ("a fragment bomb", format!(
            "subscription {{ myNotifications {{ ...F0 }} }}{}",
            coalition::graphql::limits::shapes::fragment_chain("Notification", 20, 2, "reason")
        )),
        ("a costly delivery", "subscription { commitmentUpdated(commitmentId: \"x\") { partner { commitments(first: 100) { nodes { partner { name } reports(first: 100) { nodes { narrative } } } } } } }".to_owned()),
        ("two root fields", "subscription { a: myNotifications { reason } b: myNotifications { reason } }".to_owned()),
    ];
    for (name, document) in &documents {
        client.subscribe(name, document, Value::Null).await;
        expect_short_error(&mut client, name, "BAD_USER_INPUT").await;
    }
    assert_eq!(
        app.metrics.statements(),
        limit,
        "refused documents run no SQL"
    );
    assert!(refusals(&app, "document_size").await >= 1);
    assert!(refusals(&app, "tokens").await >= 1);
    assert!(refusals(&app, "nesting").await >= 1);
    assert!(refusals(&app, "cost").await >= 1);
    // The connection itself is still fine.
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(
        client.receive().await,
        Received::Message(json!({ "type": "pong" }))
    );
    assert_alive(&app).await;
}

#[tokio::test]
async fn hostile_messages_close_with_4400() {
    let app = spawn_app().await;
    let deep_variables = format!(
        "{{\"type\":\"subscribe\",\"id\":\"1\",\"payload\":{{\"query\":\"subscription {{ myNotifications {{ reason }} }}\",\"variables\":{{\"v\":{}1{}}}}}}}",
        "[".repeat(30_000),
        "]".repeat(30_000)
    );
    let many_values = format!(
        "{{\"type\":\"subscribe\",\"id\":\"1\",\"payload\":{{\"query\":\"subscription {{ myNotifications {{ reason }} }}\",\"variables\":{{\"v\":[{}1]}}}}}}",
        "1,".repeat(30_000)
    );
    let messages = [
        ("not JSON", "{\"type\": ".to_owned()),
        ("nested variables", deep_variables),
        ("too many values", many_values),
        ("an unknown type", "{\"type\":\"hello\"}".to_owned()),
        ("a subscribe without an id", "{\"type\":\"subscribe\",\"payload\":{\"query\":\"{ __typename }\"}}".to_owned()),
        ("a subscribe whose query is a number", "{\"type\":\"subscribe\",\"id\":\"1\",\"payload\":{\"query\":1}}".to_owned()),
        ("a long id", format!("{{\"type\":\"subscribe\",\"id\":\"{}\",\"payload\":{{\"query\":\"{{ __typename }}\"}}}}", "i".repeat(1_000))),
        ("a JSON list", "[1, 2, 3]".to_owned()),
        ("a frame over 64 KiB", format!("{{\"type\":\"ping\",\"payload\":\"{}\"}}", "x".repeat(70 * 1024))),
    ];
    for (name, message) in messages {
        let mut client = WsClient::ready(&app, None).await;
        client.send_raw(Message::Text(message.into())).await;
        assert_eq!(client.close_code().await, Some(4400), "{name}");
    }
    let mut client = WsClient::ready(&app, None).await;
    client.send_raw(Message::Binary(vec![0u8; 16].into())).await;
    assert_eq!(client.close_code().await, Some(4400), "a binary frame");
    assert!(refusals(&app, "json").await >= 2);
    assert!(refusals(&app, "message_size").await >= 1);
    assert_alive(&app).await;
}

#[tokio::test]
async fn connections_are_limited_per_client_and_per_node() {
    let app = spawn_app_with(|config| {
        config.ws_max_connections_per_client = 3;
        config.ws_max_connections = 5;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(WsClient::ready(&app, None).await);
    }
    let mut fourth = WsClient::connect(&app).await;
    assert_eq!(fourth.close_code().await, Some(4429));
    assert_eq!(refusals(&app, "connections_per_client").await, 1);
    // A closed connection gives its place back.
    drop(held.pop());
    let mut again = None;
    for _ in 0..50 {
        let mut client = WsClient::connect(&app).await;
        client.init(None).await;
        if client.receive().await == Received::Message(json!({ "type": "connection_ack" })) {
            again = Some(client);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(again.is_some(), "the freed place is taken again");
}

#[tokio::test]
async fn a_node_holds_at_most_its_connection_limit() {
    let app = spawn_app_with(|config| config.ws_max_connections = 2).await;
    let _a = WsClient::ready(&app, None).await;
    let _b = WsClient::ready(&app, None).await;
    let mut c = WsClient::connect(&app).await;
    assert_eq!(c.close_code().await, Some(4429));
    assert_eq!(refusals(&app, "connections").await, 1);
    // HTTP is not held up by a full WebSocket node.
    let data = app.ok(None, "{ __typename }", Value::Null).await;
    assert_eq!(data["__typename"], "Query");
}

#[tokio::test]
async fn subscriptions_per_connection_are_limited_lower_for_anonymous_clients() {
    let app = spawn_app_with(|config| {
        config.ws_max_anonymous_subscriptions = 2;
        config.ws_max_subscriptions = 3;
    })
    .await;
    let partner = app.create_partner("Partner", "NGO", None).await;
    let commitment = app
        .create_commitment(&partner, "Public", json!({ "visibility": "PUBLIC" }))
        .await;
    let follow = "subscription($c: ID!) { commitmentUpdated(commitmentId: $c) { progress } }";
    let variables = json!({ "c": commitment["id"] });

    let mut anonymous = WsClient::ready(&app, None).await;
    for id in ["a", "b"] {
        anonymous.subscribe(id, follow, variables.clone()).await;
    }
    anonymous.subscribe("c", follow, variables.clone()).await;
    assert_eq!(anonymous.close_code().await, Some(4429));
    assert_eq!(refusals(&app, "anonymous_subscriptions").await, 1);

    let mut signed_in = WsClient::ready(&app, Some(&app.admin_token)).await;
    for id in ["a", "b", "c"] {
        signed_in.subscribe(id, follow, variables.clone()).await;
    }
    signed_in.subscribe("d", follow, variables.clone()).await;
    assert_eq!(signed_in.close_code().await, Some(4429));
    assert_eq!(refusals(&app, "subscriptions").await, 1);

    // Completing one frees its place.
    let mut client = WsClient::ready(&app, None).await;
    for id in ["a", "b"] {
        client.subscribe(id, follow, variables.clone()).await;
    }
    client.send(json!({ "type": "complete", "id": "a" })).await;
    client.subscribe("c", follow, variables.clone()).await;
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(
        client.receive().await,
        Received::Message(json!({ "type": "pong" }))
    );
}

#[tokio::test]
async fn an_anonymous_connection_without_a_subscription_is_closed_when_idle() {
    let app = spawn_app_with(|config| config.ws_anonymous_idle_secs = 1).await;
    let partner = app.create_partner("Partner", "NGO", None).await;
    let commitment = app
        .create_commitment(&partner, "Public", json!({ "visibility": "PUBLIC" }))
        .await;
    let mut idle = WsClient::ready(&app, None).await;
    let mut following = WsClient::ready(&app, None).await;
    following
        .subscribe(
            "c",
            "subscription($c: ID!) { commitmentUpdated(commitmentId: $c) { progress } }",
            json!({ "c": commitment["id"] }),
        )
        .await;
    let mut signed_in = WsClient::ready(&app, Some(&app.admin_token)).await;

    // Queries over the socket do not keep it: only subscriptions and events do.
    let mut asking = WsClient::ready(&app, None).await;
    let asked = tokio::spawn(async move {
        for round in 0.. {
            asking
                .subscribe(&format!("q{round}"), "{ __typename }", Value::Null)
                .await;
            loop {
                match asking.receive().await {
                    Received::Closed(code) => return code,
                    Received::Message(m) if m["type"] == "complete" => break,
                    Received::Message(_) => {}
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None
    });
    assert_eq!(idle.close_code().await, Some(1000));
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), asked)
            .await
            .unwrap()
            .unwrap(),
        Some(1000)
    );
    assert_eq!(refusals(&app, "anonymous_idle").await, 2);
    // The others are kept: one follows something, the other is signed in.
    for client in [&mut following, &mut signed_in] {
        client.send(json!({ "type": "ping" })).await;
        assert_eq!(
            client.try_receive(Duration::from_secs(2)).await,
            Some(Received::Message(json!({ "type": "pong" })))
        );
    }
}

#[tokio::test]
async fn resuming_from_a_cursor_the_server_will_not_replay_is_bad_user_input() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Coalition", "coalition").await;
    let group = app.create_group(&coalition, "Group").await;
    let follow = "subscription($g: ID!, $after: String) { actionGroupEvents(actionGroupId: $g, after: $after) { sequence } }";
    let mut client = WsClient::ready(&app, Some(&app.admin_token)).await;
    let ahead = encode_cursor(coalition::events::MAX_REPLAY * 2);
    let too_old = {
        fill_stream(&app, &group, coalition::events::MAX_REPLAY + 5).await;
        FROM_THE_START.to_owned()
    };
    for (id, after) in [
        ("garbage", "not a cursor".to_owned()),
        ("negative", encode_cursor(-1)),
        ("ahead", ahead),
        ("too old", too_old),
        ("huge", "x".repeat(60_000)),
    ] {
        client
            .subscribe(id, follow, json!({ "g": group, "after": after }))
            .await;
        expect_short_error(&mut client, id, "BAD_USER_INPUT").await;
    }
    // A cursor within reach replays from there.
    let recent = encode_cursor(coalition::events::MAX_REPLAY);
    client
        .subscribe("recent", follow, json!({ "g": group, "after": recent }))
        .await;
    let first = client.next_data("recent").await;
    assert_eq!(
        first["actionGroupEvents"]["sequence"],
        coalition::events::MAX_REPLAY + 1
    );
}

fn encode_cursor(sequence: i64) -> String {
    coalition::pagination::Cursor::by_id(sequence).encode()
}

/// Appends `count` events to the group's stream in one statement (after what
/// the group already has).
async fn fill_stream(app: &TestApp, group_id: &str, count: i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let row_id = coalition::graphql::ids::decode(group_id).unwrap().1;
    let stream = format!("group:{row_id}");
    let backend = app.db.get_database_backend();
    let start: i64 = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COALESCE(MAX(sequence), 0) AS s FROM events WHERE stream = '{stream}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "s")
        .unwrap();
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         INSERT INTO events (stream, sequence, kind, actor_user_id, subject_type, subject_id, payload, occurred_at) \
         SELECT '{stream}', {start} + i, 'test.filler', NULL, 'ActionGroup', {row_id}, '{{}}', CURRENT_TIMESTAMP FROM n"
    );
    app.db
        .execute_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_long_replay_is_read_a_page_at_a_time() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Coalition", "coalition").await;
    let group = app.create_group(&coalition, "Group").await;
    // With the group's own creation, exactly as many as the server replays.
    fill_stream(&app, &group, coalition::events::MAX_REPLAY - 1).await;
    let row_id = coalition::graphql::ids::decode(&group).unwrap().1;
    let hub = std::sync::Arc::new(coalition::events::Hub::default());
    let events = coalition::events::follow(
        app.db.clone(),
        hub,
        coalition::events::Stream::ActionGroup(row_id),
        Some(0),
    );
    futures_util::pin_mut!(events);
    use futures_util::StreamExt;
    let before = app.statements();
    let first = events.next().await.unwrap().unwrap();
    assert!(first.sequence >= 1);
    // The stream's head, then one page: not the 1,000 events behind it.
    assert!(
        app.statements() - before <= 2,
        "{} statements before the first event",
        app.statements() - before
    );
    let mut last = first.sequence;
    let mut received = 1;
    while received < coalition::events::MAX_REPLAY {
        let event = events.next().await.unwrap().unwrap();
        assert_eq!(event.sequence, last + 1, "in order, without a gap");
        last = event.sequence;
        received += 1;
    }
    // Pages of 200, read as they were needed.
    assert!(app.statements() - before <= 2 + coalition::events::MAX_REPLAY as u64 / 200);
}
