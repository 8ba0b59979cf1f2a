//! The number of SQL statements a request runs does not grow with the page size.
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

const PARTNERS_WITH_MEMBERSHIPS: &str = "{ partners(first: 100) { totalCount nodes { id name kind memberships { status joinedAt coalition { name slug thematicAreas { name } } } } } }";
const COALITIONS_WITH_PARTNERS: &str = "{ coalitions(first: 50) { totalCount nodes { name thematicAreas { name } partners(first: 50) { totalCount nodes { name memberships { coalition { slug } } } } } } }";

/// `partners` partners, each a member of both of two coalitions with two thematic areas.
async fn directory(partners: usize) -> TestApp {
    let app = spawn_app().await;
    let mut coalitions = Vec::new();
    for slug in ["first", "second"] {
        let id = app.create_coalition(slug, slug).await;
        for area in ["Migration", "Supply chains"] {
            app.ok(
                Some(&app.admin_token),
                "mutation($c: ID!, $n: String!) { createThematicArea(input: {coalitionId: $c, name: $n}) { thematicArea { id } } }",
                json!({ "c": id, "n": area }),
            )
            .await;
        }
        coalitions.push(id);
    }
    for i in 0..partners {
        let partner = app
            .create_partner(&format!("Partner {i:03}"), "NGO", None)
            .await;
        for coalition in &coalitions {
            app.add_coalition_partner(coalition, &partner).await;
        }
    }
    app
}

/// Statements run by one anonymous request (no session lookup).
async fn statements_for(app: &TestApp, query: &str) -> (u64, Value) {
    let before = app.statements();
    let data = app.ok(None, query, Value::Null).await;
    (app.statements() - before, data)
}

#[tokio::test]
async fn listing_partners_with_memberships_runs_the_same_statements_for_5_or_50() {
    let small = directory(5).await;
    let large = directory(50).await;
    let (few, data) = statements_for(&small, PARTNERS_WITH_MEMBERSHIPS).await;
    assert_eq!(data["partners"]["nodes"].as_array().unwrap().len(), 5);
    let (many, data) = statements_for(&large, PARTNERS_WITH_MEMBERSHIPS).await;
    assert_eq!(data["partners"]["nodes"].as_array().unwrap().len(), 50);
    assert_eq!(
        data["partners"]["nodes"][49]["memberships"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(few, many, "statements grew with the page size");
    // data revision, page, count, memberships, coalitions, thematic areas
    assert!(many <= 6, "{many} statements");
}

#[tokio::test]
async fn listing_coalitions_with_paged_partners_runs_the_same_statements_for_5_or_50() {
    let small = directory(5).await;
    let large = directory(50).await;
    let (few, _) = statements_for(&small, COALITIONS_WITH_PARTNERS).await;
    let (many, data) = statements_for(&large, COALITIONS_WITH_PARTNERS).await;
    let first = &data["coalitions"]["nodes"][0]["partners"];
    assert_eq!(first["totalCount"], 50);
    assert_eq!(first["nodes"].as_array().unwrap().len(), 50);
    assert_eq!(few, many, "statements grew with the page size");
    // data revision, session + scope, group, commitments page, count, partners,
    // latest reports, users
    assert!(many <= 11, "{many} statements");
}

const GROUP_LIST: &str = "{ actionGroups(first: 20) { nodes { members(first: 50) { edges { role node { partner { name kind } } } } commitments(first: 50) { nodes { title progress partner { name } } } } } }";
const SINGLE_GROUP: &str = "query($g: ID!) { node(id: $g) { ... on ActionGroup { name commitments(first: 50) { totalCount nodes { title progress status partner { name } latestReport { progress narrative createdAt author { displayName } } } } } } }";

/// As staff, who see reports still in review (session lookup included).
async fn run(app: &TestApp, group: &str) -> (u64, Value) {
    let before = app.statements();
    let data = app
        .ok(Some(&app.admin_token), SINGLE_GROUP, json!({ "g": group }))
        .await;
    (app.statements() - before, data)
}

/// Statements run by one request of the admin (session lookup included).
async fn as_admin(app: &TestApp, query: &str) -> (u64, Value) {
    let before = app.statements();
    let data = app.ok(Some(&app.admin_token), query, Value::Null).await;
    (app.statements() - before, data)
}

/// `groups` groups, each with `size` member partners and `size` commitments with two reports each.
async fn groups_world(groups: usize, size: usize) -> (TestApp, Vec<String>) {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let mut partners = Vec::new();
    for i in 0..size {
        let partner = app
            .create_partner(&format!("Partner {i:03}"), "NGO", None)
            .await;
        app.add_coalition_partner(&coalition, &partner).await;
        partners.push(partner);
    }
    // One person who is ADMIN of every partner reports progress for all of them.
    let reporter = app
        .create_user("reporter@test.example", &partners[0], "ADMIN")
        .await;
    for partner in &partners[1..] {
        app.add_to_partner(&reporter, partner, "ADMIN").await;
    }
    let mut group_ids = Vec::new();
    for g in 0..groups {
        let group = app.create_group(&coalition, &format!("Group {g:02}")).await;
        for (i, partner) in partners.iter().enumerate() {
            app.add_group_member(&group, partner, if i == 0 { "LEAD" } else { "MEMBER" })
                .await;
            let commitment = app
                .create_commitment(
                    partner,
                    &format!("Pledge {g}-{i}"),
                    json!({ "actionGroupId": group }),
                )
                .await;
            for progress in [10, 20] {
                app.ok(
                    Some(&reporter.token),
                    "mutation($input: ReportProgressInput!) { reportProgress(input: $input) { commitment { id } } }",
                    json!({ "input": { "commitmentId": commitment["id"], "progress": progress, "status": "ON_TRACK" } }),
                )
                .await;
            }
        }
        group_ids.push(group);
    }
    (app, group_ids)
}

#[tokio::test]
async fn listing_groups_with_members_and_commitments_runs_the_same_statements_for_5_or_50() {
    let (small, _) = groups_world(2, 5).await;
    let (large, _) = groups_world(2, 50).await;
    let (few, _) = statements_for(&small, GROUP_LIST).await;
    let (many, data) = statements_for(&large, GROUP_LIST).await;
    let group = &data["actionGroups"]["nodes"][1];
    assert_eq!(group["members"]["edges"].as_array().unwrap().len(), 50);
    assert_eq!(group["commitments"]["nodes"].as_array().unwrap().len(), 50);
    assert_eq!(few, many, "statements grew with the page size");
    // data revision, groups page, members page, partners, commitments page
    assert!(many <= 6, "{many} statements");
}

#[tokio::test]
async fn a_group_with_commitments_and_latest_reports_runs_the_same_statements_for_5_or_50() {
    let (small, small_groups) = groups_world(1, 5).await;
    let (large, large_groups) = groups_world(1, 50).await;
    let (few, _) = run(&small, &small_groups[0]).await;
    let (many, data) = run(&large, &large_groups[0]).await;
    let commitments = data["node"]["commitments"]["nodes"].as_array().unwrap();
    assert_eq!(commitments.len(), 50);
    assert_eq!(commitments[49]["latestReport"]["progress"], 20);
    assert_eq!(few, many, "statements grew with the page size");
    // data revision, session + scope, group, commitments page, count, partners,
    // latest reports, users
    assert!(many <= 11, "{many} statements");
}

const MY_NOTIFICATIONS: &str =
    "{ me { notifications(first: 50) { totalCount nodes { reason event { kind sequence } } } } }";

#[tokio::test]
async fn listing_notifications_with_their_events_runs_the_same_statements_for_5_or_50() {
    // Every report submitted notifies the secretariat and admins: 10 or 100 here.
    let (small, _) = groups_world(1, 5).await;
    let (large, _) = groups_world(1, 50).await;
    let (few, data) = as_admin(&small, MY_NOTIFICATIONS).await;
    assert_eq!(
        data["me"]["notifications"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    let (many, data) = as_admin(&large, MY_NOTIFICATIONS).await;
    let nodes = data["me"]["notifications"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 50);
    assert_eq!(nodes[49]["reason"], "report_submitted");
    assert_eq!(nodes[49]["event"]["kind"], "commitment.progress_reported");
    assert_eq!(few, many, "statements grew with the page size");
}
