//! Coalitions, memberships and thematic areas.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app};

#[tokio::test]
async fn a_coalition_lists_its_partners_and_thematic_areas() {
    let app = spawn_app().await;
    let coalition = app
        .create_coalition(
            "Global Coalition for Social Justice",
            "global-coalition-social-justice",
        )
        .await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let ituc = app
        .create_partner("ITUC", "WORKERS_ORGANIZATION", None)
        .await;
    let membership = app.add_coalition_partner(&coalition, &ilo).await;
    assert_eq!(membership["status"], "ACTIVE");
    assert!(membership["joinedAt"].as_str().is_some());
    app.add_coalition_partner(&coalition, &ituc).await;
    for name in ["Just transitions", "Institutions of social dialogue"] {
        app.ok(
            Some(&app.admin_token),
            "mutation($input: CreateThematicAreaInput!) { createThematicArea(input: $input) { thematicArea { id name coalition { slug } } } }",
            json!({ "input": { "coalitionId": coalition, "name": name } }),
        )
        .await;
    }
    let data = app
        .ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Coalition { name slug thematicAreas { name } partners(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } } } }",
            json!({ "id": coalition }),
        )
        .await;
    let node = &data["node"];
    assert_eq!(node["slug"], "global-coalition-social-justice");
    assert_eq!(
        node["thematicAreas"],
        json!([{ "name": "Just transitions" }, { "name": "Institutions of social dialogue" }])
    );
    assert_eq!(node["partners"]["totalCount"], 2);
    assert_eq!(node["partners"]["nodes"], json!([{ "name": "ILO" }]));
    assert_eq!(node["partners"]["pageInfo"]["hasNextPage"], true);
    let next = app
        .ok(
            None,
            "query($id: ID!, $after: String) { node(id: $id) { ... on Coalition { partners(first: 1, after: $after) { pageInfo { hasNextPage } nodes { name } } } } }",
            json!({ "id": coalition, "after": node["partners"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        next["node"]["partners"]["nodes"],
        json!([{ "name": "ITUC" }])
    );
    assert_eq!(next["node"]["partners"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn slugs_are_unique_and_well_formed() {
    let app = spawn_app().await;
    app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let create = "mutation($input: CreateCoalitionInput!) { createCoalition(input: $input) { coalition { id } } }";
    let duplicate = app
        .graphql(
            Some(&app.admin_token),
            create,
            json!({ "input": { "name": "Another", "slug": "alliance-8-7" } }),
        )
        .await;
    assert_eq!(first_error_code(&duplicate), "CONFLICT");
    assert_eq!(duplicate["errors"][0]["extensions"]["field"], "slug");
    let malformed = app
        .graphql(
            Some(&app.admin_token),
            create,
            json!({ "input": { "name": "Another", "slug": "Not A Slug" } }),
        )
        .await;
    assert_eq!(first_error_code(&malformed), "BAD_USER_INPUT");
    assert_eq!(malformed["errors"][0]["extensions"]["field"], "slug");
    let targets = app
        .graphql(Some(&app.admin_token), create, json!({ "input": { "name": "Another", "slug": "another", "sdgTargets": ["8.7", "99.1"] } }))
        .await;
    assert_eq!(targets["errors"][0]["extensions"]["field"], "sdgTargets");
    let data = app
        .ok(Some(&app.admin_token), "mutation { createCoalition(input: {name: \"Another\", slug: \"another\", sdgTargets: [\"8.7\", \"16.2\"]}) { coalition { sdgTargets } } }", Value::Null)
        .await;
    assert_eq!(
        data["createCoalition"]["coalition"]["sdgTargets"],
        json!(["8.7", "16.2"])
    );
}

#[tokio::test]
async fn a_partner_joins_a_coalition_once_and_its_membership_moves_through_states() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let partner = app
        .create_partner("Government of Nepal", "GOVERNMENT", Some("NP"))
        .await;
    let add = "mutation($input: AddCoalitionPartnerInput!) { addCoalitionPartner(input: $input) { membership { status joinedAt partner { name } coalition { slug } } } }";
    let data = app
        .ok(Some(&app.admin_token), add, json!({ "input": { "coalitionId": coalition, "partnerId": partner, "status": "PENDING" } }))
        .await;
    let membership = &data["addCoalitionPartner"]["membership"];
    assert_eq!(membership["status"], "PENDING");
    assert_eq!(membership["joinedAt"], Value::Null);
    assert_eq!(membership["partner"]["name"], "Government of Nepal");

    let again = app
        .graphql(
            Some(&app.admin_token),
            add,
            json!({ "input": { "coalitionId": coalition, "partnerId": partner } }),
        )
        .await;
    assert_eq!(first_error_code(&again), "CONFLICT");
    assert_eq!(again["errors"][0]["extensions"]["field"], "partnerId");

    let update = "mutation($input: UpdateCoalitionPartnerInput!) { updateCoalitionPartner(input: $input) { membership { status joinedAt } } }";
    let data = app
        .ok(Some(&app.admin_token), update, json!({ "input": { "coalitionId": coalition, "partnerId": partner, "status": "ACTIVE" } }))
        .await;
    assert_eq!(
        data["updateCoalitionPartner"]["membership"]["status"],
        "ACTIVE"
    );
    assert!(data["updateCoalitionPartner"]["membership"]["joinedAt"]
        .as_str()
        .is_some());

    app.ok(Some(&app.admin_token), update, json!({ "input": { "coalitionId": coalition, "partnerId": partner, "status": "WITHDRAWN" } }))
        .await;
    let data = app
        .ok(None, "query($id: ID!) { node(id: $id) { ... on Coalition { partners { totalCount nodes { name } } } } }", json!({ "id": coalition }))
        .await;
    assert_eq!(data["node"]["partners"]["totalCount"], 0);
    let data = app
        .ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Partner { memberships { status } } } }",
            json!({ "id": partner }),
        )
        .await;
    assert_eq!(
        data["node"]["memberships"],
        json!([{ "status": "WITHDRAWN" }])
    );
}

#[tokio::test]
async fn ids_of_missing_or_other_things_are_not_found() {
    let app = spawn_app().await;
    let partner = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let add = "mutation($input: AddCoalitionPartnerInput!) { addCoalitionPartner(input: $input) { membership { status } } }";
    // A partner id where a coalition id belongs.
    let wrong_kind = app
        .graphql(
            Some(&app.admin_token),
            add,
            json!({ "input": { "coalitionId": partner, "partnerId": partner } }),
        )
        .await;
    assert_eq!(first_error_code(&wrong_kind), "NOT_FOUND");
    let garbage = app
        .graphql(
            Some(&app.admin_token),
            add,
            json!({ "input": { "coalitionId": "zzz", "partnerId": partner } }),
        )
        .await;
    assert_eq!(first_error_code(&garbage), "BAD_USER_INPUT");
    assert_eq!(garbage["errors"][0]["extensions"]["field"], "coalitionId");
    let data = app
        .ok(
            None,
            "{ node(id: \"Q29hbGl0aW9uOjk5OTk\") { id } }",
            Value::Null,
        )
        .await;
    assert_eq!(data["node"], Value::Null);
}

#[tokio::test]
async fn coalitions_are_listed_oldest_first_with_a_count() {
    let app = spawn_app().await;
    for (name, slug) in [("First", "first"), ("Second", "second"), ("Third", "third")] {
        app.create_coalition(name, slug).await;
    }
    let data = app
        .ok(
            None,
            "{ coalitions(first: 2) { totalCount pageInfo { hasNextPage } nodes { slug } } }",
            Value::Null,
        )
        .await;
    assert_eq!(data["coalitions"]["totalCount"], 3);
    assert_eq!(
        data["coalitions"]["nodes"],
        json!([{ "slug": "first" }, { "slug": "second" }])
    );
    let data = app
        .ok(None, "{ coalition(slug: \"third\") { name } }", Value::Null)
        .await;
    assert_eq!(data["coalition"]["name"], "Third");
}

#[tokio::test]
async fn memberships_and_thematic_areas_resolve_by_global_id() {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let partner = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let membership = app.add_coalition_partner(&coalition, &partner).await;
    let data = app
        .ok(
            Some(&app.admin_token),
            "mutation($c: ID!) { createThematicArea(input: {coalitionId: $c, name: \"Migration\", description: \"Fair recruitment\"}) { thematicArea { id } } }",
            json!({ "c": coalition }),
        )
        .await;
    let area = data["createThematicArea"]["thematicArea"]["id"].clone();
    let found = app
        .ok(
            None,
            "query($m: ID!, $t: ID!) { m: node(id: $m) { ... on CoalitionMembership { status partner { name } coalition { slug } } } t: node(id: $t) { ... on ThematicArea { name description coalition { slug } } } }",
            json!({ "m": membership["id"], "t": area }),
        )
        .await;
    assert_eq!(found["m"]["partner"]["name"], "ILO");
    assert_eq!(found["m"]["status"], "ACTIVE");
    assert_eq!(found["t"]["description"], "Fair recruitment");
    assert_eq!(found["t"]["coalition"]["slug"], "alliance-8-7");
}
