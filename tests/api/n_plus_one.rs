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
    // page, count, memberships, coalitions, thematic areas
    assert!(many <= 5, "{many} statements");
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
    assert!(many <= 7, "{many} statements");
}
