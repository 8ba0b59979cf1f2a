//! Several nodes on one database and one Redis: changes reach subscribers on
//! every node, and nothing is lost when Redis or a node goes away.
use std::time::Duration;

use serde_json::{json, Value};

use crate::{
    helpers::{spawn_app_with, TestApp, TestUser},
    redis_process::RedisProcess,
    ws_client::{Received, WsClient, FROM_THE_START},
};

const EVENTS: &str = "subscription($g: ID!, $after: String) { actionGroupEvents(actionGroupId: $g, after: $after) { sequence kind cursor } }";
const REPORT: &str = "mutation($input: ReportProgressInput!) { reportProgress(input: $input) { commitment { version } } }";

struct Cluster {
    a: TestApp,
    b: TestApp,
    group: String,
    commitment: String,
    lead: TestUser,
}

/// A node on its own database and on `redis` (the test's own Redis server).
async fn node_on(redis: &RedisProcess) -> TestApp {
    let url = redis.url();
    spawn_app_with(|config| config.redis_url = Some(coalition::config::SecretUrl::new(&url))).await
}

async fn cluster(redis: &RedisProcess) -> Cluster {
    let a = node_on(redis).await;
    let b = a.spawn_node(|_| {}).await;
    let coalition = a.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let ilo = a
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    a.add_coalition_partner(&coalition, &ilo).await;
    let group = a.create_group(&coalition, "Supply Chains").await;
    a.add_group_member(&group, &ilo, "LEAD").await;
    let lead = a.create_user("admin@ilo.example", &ilo, "ADMIN").await;
    let commitment = a
        .create_commitment(&ilo, "Ratify C182", json!({ "actionGroupId": group }))
        .await;
    Cluster {
        a,
        b,
        group,
        commitment: commitment["id"].as_str().unwrap().to_owned(),
        lead,
    }
}

async fn report(node: &TestApp, c: &Cluster, progress: i32) {
    node.ok(Some(&c.lead.token), REPORT, json!({ "input": { "commitmentId": c.commitment, "progress": progress % 101, "status": "ON_TRACK" } }))
        .await;
}

/// Reads `id`'s events until `count` progress reports have arrived; returns all
/// sequences seen and the last cursor.
async fn collect_reports(client: &mut WsClient, id: &str, count: usize) -> (Vec<i64>, Value) {
    let mut sequences = Vec::new();
    let mut reports = 0;
    let mut cursor = Value::Null;
    while reports < count {
        let data = client.next_data(id).await;
        let event = &data["actionGroupEvents"];
        sequences.push(event["sequence"].as_i64().unwrap());
        cursor = event["cursor"].clone();
        if event["kind"] == "commitment.progress_reported" {
            reports += 1;
        }
    }
    (sequences, cursor)
}

fn assert_gapless(sequences: &[i64]) {
    let expected: Vec<i64> = (1..=sequences.len() as i64).collect();
    assert_eq!(sequences, expected, "every event once, in order");
}

#[tokio::test]
async fn a_mutation_on_one_node_reaches_a_subscriber_on_the_other() {
    let redis = RedisProcess::start();
    let c = cluster(&redis).await;
    let mut on_b = WsClient::ready(&c.b, Some(&c.lead.token)).await;
    on_b.subscribe(
        "1",
        EVENTS,
        json!({ "g": c.group, "after": FROM_THE_START }),
    )
    .await;
    for progress in 1..=5 {
        report(&c.a, &c, progress).await;
    }
    let (sequences, _) = collect_reports(&mut on_b, "1", 5).await;
    assert_gapless(&sequences);
}

#[tokio::test]
async fn a_redis_outage_loses_nothing() {
    let mut redis = RedisProcess::start();
    let c = cluster(&redis).await;
    let mut on_a = WsClient::ready(&c.a, Some(&c.lead.token)).await;
    let mut on_b = WsClient::ready(&c.b, Some(&c.lead.token)).await;
    on_a.subscribe(
        "a",
        EVENTS,
        json!({ "g": c.group, "after": FROM_THE_START }),
    )
    .await;
    on_b.subscribe(
        "b",
        EVENTS,
        json!({ "g": c.group, "after": FROM_THE_START }),
    )
    .await;

    // 1,000 reports, half on each node; Redis goes down after 300 and comes back
    // a few seconds later, while reports keep being made.
    let readers = tokio::spawn(async move {
        let a = collect_reports(&mut on_a, "a", 1000).await.0;
        let b = collect_reports(&mut on_b, "b", 1000).await.0;
        (a, b)
    });
    let mut stopped_at = None;
    for progress in 0..1000 {
        if progress == 300 {
            redis.stop();
            stopped_at = Some(std::time::Instant::now());
        }
        if progress == 700 {
            // Down for several seconds, however fast the reports went.
            let down = stopped_at.map_or(Duration::ZERO, |at| at.elapsed());
            tokio::time::sleep(Duration::from_secs(3).saturating_sub(down)).await;
            redis.restart();
        }
        let node = if progress % 2 == 0 { &c.a } else { &c.b };
        report(node, &c, progress).await;
    }
    let (a, b) = tokio::time::timeout(Duration::from_secs(120), readers)
        .await
        .expect("all events arrive")
        .unwrap();
    assert_gapless(&a);
    assert_gapless(&b);
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_client_of_a_crashed_node_resumes_on_the_other_and_misses_nothing() {
    let redis = RedisProcess::start();
    let c = cluster(&redis).await;
    // The node that crashes is a process of its own, killed with SIGKILL.
    let mut node = crate::cli::command();
    node.env("DATABASE_URL", &c.a.database_url)
        .env("REDIS_URL", redis.url())
        .env("REDIS_CHANNEL", &c.a.redis_channel);
    let (mut process, address, _) = crate::cli::serve(node).await;
    let mut on_process = WsClient::ready_at(&address, Some(&c.lead.token)).await;
    on_process
        .subscribe(
            "1",
            EVENTS,
            json!({ "g": c.group, "after": FROM_THE_START }),
        )
        .await;
    for progress in 1..=10 {
        report(&c.b, &c, progress).await;
    }
    let (first, cursor) = collect_reports(&mut on_process, "1", 10).await;
    process.start_kill().expect("SIGKILL");
    let _ = process.wait().await;
    assert!(
        matches!(on_process.receive().await, Received::Closed(_)),
        "the connection died with its node"
    );
    // Meanwhile the other node keeps working.
    for progress in 11..=20 {
        report(&c.b, &c, progress).await;
    }
    let mut on_b = WsClient::ready(&c.b, Some(&c.lead.token)).await;
    on_b.subscribe("1", EVENTS, json!({ "g": c.group, "after": cursor }))
        .await;
    let (rest, _) = collect_reports(&mut on_b, "1", 10).await;
    let all: Vec<i64> = first.into_iter().chain(rest).collect();
    assert_gapless(&all);
}

#[tokio::test]
async fn a_client_that_never_reads_does_not_delay_the_others() {
    let redis = RedisProcess::start();
    let c = cluster(&redis).await;
    let mut slow = WsClient::ready(&c.a, Some(&c.lead.token)).await;
    slow.subscribe(
        "slow",
        EVENTS,
        json!({ "g": c.group, "after": FROM_THE_START }),
    )
    .await;
    let mut fast = WsClient::ready(&c.a, Some(&c.lead.token)).await;
    fast.subscribe(
        "fast",
        EVENTS,
        json!({ "g": c.group, "after": FROM_THE_START }),
    )
    .await;
    // The slow client reads nothing while 300 events (more than a stream's
    // buffer of 256) are made and the fast one takes them all.
    for progress in 0..300 {
        report(&c.a, &c, progress).await;
    }
    let (fast_seen, _) = collect_reports(&mut fast, "fast", 300).await;
    assert_gapless(&fast_seen);
    // Then the slow one catches up, from the database where it lagged: nothing skipped.
    let (slow_seen, _) = collect_reports(&mut slow, "slow", 300).await;
    assert_gapless(&slow_seen);
}

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { token } }";

/// A failed login, or what came instead.
async fn wrong_login(node: &TestApp) -> String {
    let response = node
        .graphql(
            None,
            LOGIN,
            json!({ "email": "admin@test.example", "password": "wrong password!!" }),
        )
        .await;
    crate::helpers::first_error_code(&response)
}

#[tokio::test]
async fn failed_logins_are_counted_across_nodes() {
    let redis = RedisProcess::start();
    let a = node_on(&redis).await;
    let b = a.spawn_node(|_| {}).await;
    // Five failures for one e-mail, spread over two nodes: neither saw five.
    for node in [&a, &b, &a, &b, &a] {
        assert_eq!(wrong_login(node).await, "UNAUTHENTICATED");
    }
    for node in [&b, &a] {
        let response = node
            .graphql(
                None,
                LOGIN,
                json!({ "email": "admin@test.example", "password": crate::helpers::ADMIN_PASSWORD }),
            )
            .await;
        crate::helpers::assert_rate_limited(&response);
    }
}

#[tokio::test]
async fn guesses_made_at_once_on_two_nodes_get_no_more_than_the_budget() {
    let redis = RedisProcess::start();
    let a = node_on(&redis).await;
    let b = a.spawn_node(|_| {}).await;
    let guesses = (0..20).map(|i| wrong_login(if i % 2 == 0 { &a } else { &b }));
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers.iter().filter(|a| *a == "UNAUTHENTICATED").count();
    let refused = answers.iter().filter(|a| *a == "RATE_LIMITED").count();
    assert_eq!((checked, refused), (5, 15), "{answers:?}");
}

#[tokio::test]
async fn logins_go_on_while_redis_hangs_with_each_node_s_own_counts() {
    let redis = RedisProcess::start();
    let node = node_on(&redis).await;
    // Connected and answering first, then frozen: calls wait for replies that never come.
    assert_eq!(wrong_login(&node).await, "UNAUTHENTICATED");
    redis.pause();
    for _ in 0..4 {
        let started = std::time::Instant::now();
        assert_eq!(wrong_login(&node).await, "UNAUTHENTICATED");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "a login took {:?}",
            started.elapsed()
        );
    }
    assert_eq!(wrong_login(&node).await, "RATE_LIMITED");
    redis.resume();
}

#[tokio::test]
async fn logins_go_on_while_redis_is_down_with_each_node_s_own_counts() {
    let mut redis = RedisProcess::start();
    let node = node_on(&redis).await;
    redis.stop();
    let started = std::time::Instant::now();
    for _ in 0..5 {
        assert_eq!(wrong_login(&node).await, "UNAUTHENTICATED");
    }
    assert_eq!(wrong_login(&node).await, "RATE_LIMITED");
    // Redis being down costs a login at most its short timeout, never a hang.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "six logins took {:?}",
        started.elapsed()
    );
}
