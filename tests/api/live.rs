//! Live updates over WebSocket: the protocol's rules, authorization, resuming.
use std::time::Duration;

use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    helpers::{spawn_app, spawn_app_with, TestApp, TestUser},
    ws_client::{Received, WsClient, FROM_THE_START},
};

const GROUP_EVENTS: &str = "subscription($g: ID!, $after: String) { actionGroupEvents(actionGroupId: $g, after: $after) { sequence kind cursor actor { displayName } } }";
const REPORT: &str = "mutation($input: ReportProgressInput!) { reportProgress(input: $input) { commitment { version } } }";

struct World {
    app: TestApp,
    group: String,
    commitment: String,
    lead: TestUser,
    outsider: TestUser,
}

async fn world(app: TestApp) -> World {
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    app.add_coalition_partner(&coalition, &ilo).await;
    let group = app.create_group(&coalition, "Supply Chains").await;
    app.add_group_member(&group, &ilo, "LEAD").await;
    let lead = app.create_user("admin@ilo.example", &ilo, "ADMIN").await;
    let commitment = app
        .create_commitment(&ilo, "Ratify C182", json!({ "actionGroupId": group }))
        .await;
    let commitment = commitment["id"].as_str().unwrap().to_owned();
    let other = app.create_partner("Outsider", "NGO", None).await;
    let outsider = app.create_user("x@outsider.example", &other, "ADMIN").await;
    World {
        app,
        group,
        commitment,
        lead,
        outsider,
    }
}

/// The cursor of the group's newest event.
async fn newest_cursor(w: &World) -> Value {
    let data = w
        .app
        .ok(Some(&w.lead.token), "query($g: ID!) { node(id: $g) { ... on ActionGroup { events(first: 1) { nodes { cursor } } } } }", json!({ "g": w.group }))
        .await;
    data["node"]["events"]["nodes"][0]["cursor"].clone()
}

/// Reports progress (one event in each of the commitment's streams).
async fn report(w: &World, progress: i32) {
    w.app
        .ok(Some(&w.lead.token), REPORT, json!({ "input": { "commitmentId": w.commitment, "progress": progress, "status": "ON_TRACK" } }))
        .await;
}

/// Reports progress and approves it, so that it is public.
async fn publish_report(w: &World, progress: i32) {
    report(w, progress).await;
    w.app.approve_pending(&json!(w.commitment)).await;
}

#[tokio::test]
async fn a_member_receives_the_events_its_group_s_mutations_cause() {
    let w = world(spawn_app().await).await;
    let mut client = WsClient::ready(&w.app, Some(&w.lead.token)).await;
    // Resuming from the newest event makes the test independent of when the
    // server finishes setting the subscription up.
    let newest = newest_cursor(&w).await;
    client
        .subscribe("1", GROUP_EVENTS, json!({ "g": w.group, "after": newest }))
        .await;
    report(&w, 10).await;
    report(&w, 20).await;
    let first = client.next_data("1").await;
    let second = client.next_data("1").await;
    assert_eq!(
        first["actionGroupEvents"]["kind"],
        "commitment.progress_reported"
    );
    assert_eq!(
        first["actionGroupEvents"]["actor"]["displayName"],
        "admin@ilo.example"
    );
    let (a, b) = (
        first["actionGroupEvents"]["sequence"].as_i64().unwrap(),
        second["actionGroupEvents"]["sequence"].as_i64().unwrap(),
    );
    assert_eq!(b, a + 1);
}

#[tokio::test]
async fn resuming_after_a_cursor_replays_exactly_what_was_missed_then_goes_live() {
    let w = world(spawn_app().await).await;
    let page = w
        .app
        .ok(Some(&w.lead.token), "query($g: ID!) { node(id: $g) { ... on ActionGroup { events(first: 100) { nodes { sequence cursor } } } } }", json!({ "g": w.group }))
        .await;
    let events = page["node"]["events"]["nodes"].as_array().unwrap().clone();
    let oldest = events.last().unwrap().clone();
    report(&w, 10).await;
    report(&w, 20).await;
    let mut client = WsClient::ready(&w.app, Some(&w.lead.token)).await;
    client
        .subscribe(
            "resume",
            GROUP_EVENTS,
            json!({ "g": w.group, "after": oldest["cursor"] }),
        )
        .await;
    let total = events.len() as i64 + 2;
    let mut seen = Vec::new();
    for _ in 1..total {
        seen.push(
            client.next_data("resume").await["actionGroupEvents"]["sequence"]
                .as_i64()
                .unwrap(),
        );
    }
    assert_eq!(
        seen,
        (2..=total).collect::<Vec<_>>(),
        "replayed in order from after the cursor"
    );
    report(&w, 30).await;
    let live = client.next_data("resume").await;
    assert_eq!(live["actionGroupEvents"]["sequence"], total + 1);
    assert!(
        client
            .try_receive(Duration::from_millis(300))
            .await
            .is_none(),
        "nothing twice"
    );
}

#[tokio::test]
async fn subscriptions_are_authorized_like_the_matching_queries() {
    let w = world(spawn_app().await).await;
    let mut outsider = WsClient::ready(&w.app, Some(&w.outsider.token)).await;
    outsider
        .subscribe("1", GROUP_EVENTS, json!({ "g": w.group }))
        .await;
    outsider.expect_error("1", "FORBIDDEN").await;
    let mut anonymous = WsClient::ready(&w.app, None).await;
    anonymous
        .subscribe("1", GROUP_EVENTS, json!({ "g": w.group }))
        .await;
    match anonymous.receive().await {
        Received::Message(m) => {
            assert_eq!(m["payload"][0]["extensions"]["code"], "UNAUTHENTICATED")
        }
        other => panic!("{other:?}"),
    }
    // A GROUP-visible commitment is NOT_FOUND for an outsider, like its id in a query.
    let hidden = w
        .app
        .create_commitment(
            &w.app.create_partner_id_of(&w).await,
            "Hidden",
            json!({ "actionGroupId": w.group, "visibility": "GROUP" }),
        )
        .await;
    outsider
        .subscribe(
            "2",
            "subscription($c: ID!) { commitmentUpdated(commitmentId: $c) { id } }",
            json!({ "c": hidden["id"] }),
        )
        .await;
    match outsider.receive().await {
        Received::Message(m) => assert_eq!(m["payload"][0]["extensions"]["code"], "NOT_FOUND"),
        other => panic!("{other:?}"),
    }
}

impl TestApp {
    /// The partner (ILO) of the world's lead, by name.
    async fn create_partner_id_of(&self, _w: &World) -> String {
        let data = self
            .ok(
                None,
                "{ partners(filter: {search: \"ILO\"}) { nodes { id } } }",
                Value::Null,
            )
            .await;
        data["partners"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Subscribes (as "c") to `commitmentUpdated` with `fields`; returns its first
/// `next`. "From now on" has no cursor: the commitment is changed until the
/// subscription, once set up, sees it.
async fn follow_commitment(w: &World, client: &mut WsClient, fields: &str) -> Value {
    let query =
        format!("subscription($c: ID!) {{ commitmentUpdated(commitmentId: $c) {{ {fields} }} }}");
    client
        .subscribe("c", &query, json!({ "c": w.commitment }))
        .await;
    let mut progress = 0;
    loop {
        progress += 1;
        report(w, progress).await;
        if let Some(Received::Message(m)) = client.try_receive(Duration::from_millis(200)).await {
            assert_eq!(m["type"], "next", "{m:#}");
            return m;
        }
        assert!(progress < 50, "no update arrived");
    }
}

#[tokio::test]
async fn commitment_updated_delivers_the_commitment_as_it_changes() {
    let w = world(spawn_app().await).await;
    let mut client = WsClient::ready(&w.app, None).await;
    let first = follow_commitment(&w, &mut client, "progress version").await;
    let seen = first["payload"]["data"]["commitmentUpdated"]["progress"]
        .as_i64()
        .unwrap();
    publish_report(&w, 99).await;
    // Every later change arrives, in order, ending with the last one.
    let mut last = seen;
    while last != 99 {
        let data = client.next_data("c").await;
        let now = data["commitmentUpdated"]["progress"].as_i64().unwrap();
        // A report in review is delivered too, with nothing public changed.
        assert!(now >= last, "{now} after {last}");
        last = now;
    }
}

#[tokio::test]
async fn losing_sight_of_a_commitment_ends_its_subscription_with_not_found() {
    let w = world(spawn_app().await).await;
    let mut anonymous = WsClient::ready(&w.app, None).await;
    follow_commitment(&w, &mut anonymous, "progress").await;
    // The commitment becomes internal to its group: the public loses sight of it.
    w.app
        .ok(
            Some(&w.lead.token),
            "mutation($c: ID!) { updateCommitment(input: {commitmentId: $c, visibility: GROUP}) { commitment { visibility } } }",
            json!({ "c": w.commitment }),
        )
        .await;
    let ended = loop {
        match anonymous.receive().await {
            // Updates made before the change may still be on their way.
            Received::Message(m) if m["type"] == "next" => continue,
            other => break other,
        }
    };
    match ended {
        Received::Message(m) => {
            assert_eq!(m["type"], "error", "{m:#}");
            assert_eq!(m["id"], "c");
            assert_eq!(m["payload"][0]["extensions"]["code"], "NOT_FOUND");
        }
        other => panic!("{other:?}"),
    }
    // Ended: later changes are not delivered.
    report(&w, 99).await;
    assert_eq!(
        anonymous.try_receive(Duration::from_millis(500)).await,
        None
    );
}

#[tokio::test]
async fn a_subscription_has_one_root_field_and_queries_are_answered_then_completed() {
    let w = world(spawn_app().await).await;
    let mut client = WsClient::ready(&w.app, Some(&w.lead.token)).await;
    client
        .subscribe(
            "two",
            "subscription($g: ID!) { a: actionGroupEvents(actionGroupId: $g) { sequence } b: myNotifications { reason } }",
            json!({ "g": w.group }),
        )
        .await;
    client.expect_error("two", "BAD_USER_INPUT").await;
    client.subscribe("q", "{ me { email } }", Value::Null).await;
    assert_eq!(
        client.next_data("q").await,
        json!({ "me": { "email": "admin@ilo.example" } })
    );
    assert_eq!(
        client.receive().await,
        Received::Message(json!({ "type": "complete", "id": "q" }))
    );
    // The id is free again once complete.
    client.subscribe("q", "{ me { email } }", Value::Null).await;
    assert_eq!(
        client.next_data("q").await["me"]["email"],
        "admin@ilo.example"
    );
}

#[tokio::test]
async fn notifications_arrive_live_are_listed_and_marked_read() {
    let w = world(spawn_app().await).await;
    let secretariat = w
        .app
        .create_secretariat(&w.app.create_partner_id_of(&w).await)
        .await;
    let mut client = WsClient::ready(&w.app, Some(&secretariat.token)).await;
    client
        .subscribe("n", "subscription($after: String) { myNotifications(after: $after) { reason event { kind } } }", json!({ "after": FROM_THE_START }))
        .await;
    report(&w, 10).await;
    let data = client.next_data("n").await;
    assert_eq!(
        data["myNotifications"],
        json!({ "reason": "report_submitted", "event": { "kind": "commitment.progress_reported" } })
    );

    let me = "{ me { unreadNotificationCount notifications(first: 10) { totalCount nodes { id reason readAt } } } }";
    let data = w.app.ok(Some(&secretariat.token), me, Value::Null).await;
    assert_eq!(data["me"]["unreadNotificationCount"], 1);
    let id = data["me"]["notifications"]["nodes"][0]["id"].clone();
    let mark = "mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked unreadCount } }";
    let data = w
        .app
        .ok(
            Some(&secretariat.token),
            mark,
            json!({ "input": { "ids": [id] } }),
        )
        .await;
    assert_eq!(
        data["markNotificationsRead"],
        json!({ "marked": 1, "unreadCount": 0 })
    );
    // Someone else's notification id marks nothing.
    let data = w
        .app
        .ok(
            Some(&w.lead.token),
            mark,
            json!({ "input": { "ids": [id] } }),
        )
        .await;
    assert_eq!(data["markNotificationsRead"]["marked"], 0);
    let neither = w
        .app
        .graphql(Some(&w.lead.token), mark, json!({ "input": {} }))
        .await;
    assert_eq!(neither["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_focal_point_is_notified_when_named_and_when_a_report_is_returned() {
    let w = world(spawn_app().await).await;
    let ilo = w.app.create_partner_id_of(&w).await;
    let focal = w
        .app
        .create_user("focal@ilo.example", &ilo, "FOCAL_POINT")
        .await;
    w.app
        .ok(Some(&w.lead.token), "mutation($c: ID!, $u: ID!) { assignFocalPoint(input: {commitmentId: $c, userId: $u}) { commitment { id } } }", json!({ "c": w.commitment, "u": focal.id }))
        .await;
    let reported = w
        .app
        .ok(Some(&focal.token), "mutation($c: ID!) { reportProgress(input: {commitmentId: $c, progress: 5, status: AT_RISK}) { progressReport { id } } }", json!({ "c": w.commitment }))
        .await;
    w.app
        .ok(
            Some(&w.app.admin_token),
            "mutation($r: ID!) { reviewProgressReport(input: {progressReportId: $r, decision: RETURN, reason: \"Figures missing\"}) { progressReport { id } } }",
            json!({ "r": reported["reportProgress"]["progressReport"]["id"] }),
        )
        .await;
    let data = w
        .app
        .ok(
            Some(&focal.token),
            "{ me { notifications { nodes { reason } } } }",
            Value::Null,
        )
        .await;
    let reasons: Vec<&str> = data["me"]["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["report_returned", "focal_point_assigned"]);
}

#[tokio::test]
async fn a_bad_token_in_connection_init_closes_with_4403() {
    let app = spawn_app().await;
    let mut client = WsClient::connect(&app).await;
    client.init(Some("not-a-token")).await;
    assert_eq!(client.close_code().await, Some(4403));
}

#[tokio::test]
async fn no_connection_init_in_time_closes_with_4408() {
    let app = spawn_app_with(|config| config.ws_init_timeout_secs = 1).await;
    let mut client = WsClient::connect(&app).await;
    assert_eq!(client.close_code().await, Some(4408));
}

#[tokio::test]
async fn subscribing_before_the_ack_closes_with_4401() {
    let app = spawn_app().await;
    let mut client = WsClient::connect(&app).await;
    client
        .subscribe(
            "1",
            "subscription { myNotifications { reason } }",
            Value::Null,
        )
        .await;
    assert_eq!(client.close_code().await, Some(4401));
}

#[tokio::test]
async fn a_repeated_subscription_id_closes_with_4409() {
    let app = spawn_app().await;
    let mut client = WsClient::ready(&app, Some(&app.admin_token)).await;
    client
        .subscribe(
            "same",
            "subscription { myNotifications { reason } }",
            Value::Null,
        )
        .await;
    client
        .subscribe(
            "same",
            "subscription { myNotifications { reason } }",
            Value::Null,
        )
        .await;
    assert_eq!(client.close_code().await, Some(4409));
}

#[tokio::test]
async fn a_second_connection_init_closes_with_4429() {
    let app = spawn_app().await;
    let mut client = WsClient::ready(&app, None).await;
    client.init(None).await;
    assert_eq!(client.close_code().await, Some(4429));
}

#[tokio::test]
async fn malformed_and_oversized_frames_close_the_socket() {
    let app = spawn_app().await;
    let mut client = WsClient::ready(&app, None).await;
    client
        .send_raw(Message::Text("this is not JSON".into()))
        .await;
    assert_eq!(client.close_code().await, Some(4400));

    let mut client = WsClient::ready(&app, None).await;
    client
        .send_raw(Message::Text(
            format!(
                "{{\"type\":\"ping\",\"payload\":\"{}\"}}",
                "x".repeat(70 * 1024)
            )
            .into(),
        ))
        .await;
    assert_ne!(
        client.receive().await,
        Received::Message(json!({ "type": "pong" })),
        "an oversized frame is not answered"
    );
    // The server still serves others.
    let mut other = WsClient::ready(&app, None).await;
    other.send(json!({ "type": "ping" })).await;
    assert_eq!(
        other.receive().await,
        Received::Message(json!({ "type": "pong" }))
    );
}

#[tokio::test]
async fn the_origin_is_checked_and_the_subprotocol_required() {
    let app = spawn_app_with(|config| {
        config.cors_allowed_origins = vec!["https://app.example.org".into()]
    })
    .await;
    assert!(WsClient::connect_with(
        &app,
        Some("graphql-transport-ws"),
        Some("https://evil.example")
    )
    .await
    .is_err());
    let mut allowed = WsClient::connect_with(
        &app,
        Some("graphql-transport-ws"),
        Some("https://app.example.org"),
    )
    .await
    .unwrap();
    allowed.init(None).await;
    assert_eq!(
        allowed.receive().await,
        Received::Message(json!({ "type": "connection_ack" }))
    );
    let mut no_protocol = WsClient::connect_with(&app, None, None).await.unwrap();
    assert_eq!(no_protocol.close_code().await, Some(4406));
}

#[tokio::test]
async fn a_session_revoked_while_connected_ends_its_subscriptions() {
    let app = spawn_app_with(|config| config.ws_session_check_secs = 1).await;
    let token = app
        .login("admin@test.example", crate::helpers::ADMIN_PASSWORD)
        .await;
    let mut client = WsClient::ready(&app, Some(&token)).await;
    client
        .subscribe(
            "n",
            "subscription { myNotifications { reason } }",
            Value::Null,
        )
        .await;
    app.ok(Some(&token), "mutation { logout }", Value::Null)
        .await;
    assert_eq!(client.close_code().await, Some(4403));
}

#[tokio::test]
async fn a_partner_removed_from_a_group_stops_following_its_events() {
    let app = spawn_app_with(|config| config.ws_session_check_secs = 1).await;
    let w = world(app).await;
    // A second member partner, with a user who follows the group.
    let coalition = w
        .app
        .ok(None, "{ coalitions { nodes { id } } }", Value::Null)
        .await["coalitions"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let iom = w
        .app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    w.app.add_coalition_partner(&coalition, &iom).await;
    w.app.add_group_member(&w.group, &iom, "MEMBER").await;
    let member = w.app.create_user("focal@iom.example", &iom, "ADMIN").await;
    let mut client = WsClient::ready(&w.app, Some(&member.token)).await;
    let after = newest_cursor(&w).await;
    client
        .subscribe("g", GROUP_EVENTS, json!({ "g": w.group, "after": after }))
        .await;
    report(&w, 10).await;
    assert_eq!(
        client.next_data("g").await["actionGroupEvents"]["kind"],
        "commitment.progress_reported"
    );

    w.app
        .ok(
            Some(&w.lead.token),
            "mutation($g: ID!, $p: ID!) { removeActionGroupMember(input: {actionGroupId: $g, partnerId: $p}) { partner { name } } }",
            json!({ "g": w.group, "p": iom }),
        )
        .await;
    // Within the session check interval the connection knows; events after that
    // end the subscription instead of reaching a former member.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    report(&w, 20).await;
    loop {
        match client.receive().await {
            // The removal itself may have been delivered before the check.
            Received::Message(m) if m["type"] == "next" => {
                assert_eq!(
                    m["payload"]["data"]["actionGroupEvents"]["kind"],
                    "action_group.member_removed",
                    "{m:#}"
                );
            }
            Received::Message(m) => {
                assert_eq!(m["type"], "error", "{m:#}");
                assert_eq!(m["payload"][0]["extensions"]["code"], "FORBIDDEN");
                break;
            }
            other => panic!("{other:?}"),
        }
    }
}
