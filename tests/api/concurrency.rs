//! Concurrent writers never silently overwrite each other.
use serde_json::{json, Value};

use crate::helpers::spawn_app;

const REPORT: &str = "mutation($input: ReportProgressInput!) { reportProgress(input: $input) { commitment { version } } }";

#[tokio::test]
async fn fifty_concurrent_reports_with_one_expected_version_make_exactly_one_change() {
    let app = spawn_app().await;
    let partner = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let admin = app
        .create_user("admin@ilo.example", &partner, "ADMIN")
        .await;
    let commitment = app
        .create_commitment(&partner, "Ratify C182", json!({}))
        .await;
    let id = commitment["id"].as_str().unwrap().to_owned();

    let attempts = (0..50).map(|i| {
        let app = &app;
        let token = admin.token.clone();
        let id = id.clone();
        async move {
            let input = json!({ "input": { "commitmentId": id, "progress": i, "status": "ON_TRACK", "expectedVersion": 1 } });
            app.graphql(Some(&token), REPORT, input).await
        }
    });
    let responses: Vec<Value> = futures_util::future::join_all(attempts).await;

    let successes = responses
        .iter()
        .filter(|r| r.get("errors").is_none())
        .count();
    let conflicts = responses
        .iter()
        .filter(|r| r["errors"][0]["extensions"]["code"] == "CONFLICT")
        .count();
    assert_eq!(successes, 1, "{responses:#?}");
    assert_eq!(
        conflicts, 49,
        "every other attempt is a CONFLICT: {responses:#?}"
    );

    let data = app
        .ok(Some(&admin.token), "query($id: ID!) { node(id: $id) { ... on Commitment { version reports { totalCount } } } }", json!({ "id": id }))
        .await;
    assert_eq!(data["node"]["version"], 1 + successes);
    assert_eq!(data["node"]["reports"]["totalCount"], successes);
}

#[tokio::test]
async fn concurrent_reports_without_a_version_all_land_in_order() {
    let app = spawn_app().await;
    let partner = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let admin = app
        .create_user("admin@ilo.example", &partner, "ADMIN")
        .await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    app.add_coalition_partner(&coalition, &partner).await;
    let group = app.create_group(&coalition, "Supply Chains").await;
    app.add_group_member(&group, &partner, "LEAD").await;
    let commitment = app
        .create_commitment(&partner, "Ratify C182", json!({ "actionGroupId": group }))
        .await;
    let id = commitment["id"].as_str().unwrap().to_owned();

    let attempts = (0..20).map(|i| {
        let app = &app;
        let token = admin.token.clone();
        let id = id.clone();
        async move {
            let input =
                json!({ "input": { "commitmentId": id, "progress": i, "status": "ON_TRACK" } });
            app.ok(Some(&token), REPORT, input).await
        }
    });
    let mut versions: Vec<i64> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|d| {
            d["reportProgress"]["commitment"]["version"]
                .as_i64()
                .unwrap()
        })
        .collect();
    versions.sort_unstable();
    assert_eq!(
        versions,
        (2..=21).collect::<Vec<_>>(),
        "each report got its own version"
    );

    // The group's stream has gapless sequences: 3 setup events + 1 created + 20 reports.
    let data = app
        .ok(Some(&admin.token), "query($g: ID!) { node(id: $g) { ... on ActionGroup { events(first: 100) { nodes { sequence } } } } }", json!({ "g": group }))
        .await;
    let sequences: Vec<i64> = data["node"]["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["sequence"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (1..=sequences.len() as i64).rev().collect();
    assert_eq!(sequences, expected);
    assert_eq!(sequences.len(), 23);
}
