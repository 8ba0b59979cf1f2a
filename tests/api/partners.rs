//! The partner directory: creating, editing, filtering and paging.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app};

const PAGE: &str = "query($first: Int, $after: String, $filter: PartnerFilter) { partners(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name acronym kind country } } } }";

fn names(data: &Value) -> Vec<String> {
    data["partners"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_partner_is_created_with_its_profile_and_found_by_id() {
    let app = spawn_app().await;
    let data = app
        .ok(
            Some(&app.admin_token),
            "mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id name acronym kind country region website description version } } }",
            json!({ "input": {
                "name": "  International Organization for Migration ", "acronym": "IOM",
                "kind": "INTERNATIONAL_ORGANIZATION", "country": "ch", "region": "Europe",
                "website": "https://www.iom.int", "description": "UN migration agency" } }),
        )
        .await;
    let partner = &data["createPartner"]["partner"];
    assert_eq!(partner["name"], "International Organization for Migration");
    assert_eq!(partner["country"], "CH");
    assert_eq!(partner["version"], 1);
    let found = app
        .ok(
            None,
            "query($id: ID!) { node(id: $id) { id ... on Partner { acronym kind } } }",
            json!({ "id": partner["id"] }),
        )
        .await;
    assert_eq!(found["node"]["acronym"], "IOM");
    assert_eq!(found["node"]["kind"], "INTERNATIONAL_ORGANIZATION");
}

#[tokio::test]
async fn invalid_profile_fields_name_the_field() {
    let app = spawn_app().await;
    let create =
        "mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } } }";
    for (input, field) in [
        (json!({ "name": "", "kind": "NGO" }), "name"),
        (
            json!({ "name": "A", "kind": "NGO", "country": "XX" }),
            "country",
        ),
        (
            json!({ "name": "A", "kind": "NGO", "country": "CHE" }),
            "country",
        ),
        (
            json!({ "name": "A", "kind": "NGO", "website": "javascript:alert(1)" }),
            "website",
        ),
        (
            json!({ "name": "A", "kind": "NGO", "acronym": "<script>" }),
            "acronym",
        ),
    ] {
        let response = app
            .graphql(Some(&app.admin_token), create, json!({ "input": input }))
            .await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{input}");
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{input}"
        );
    }
    let data = app
        .ok(None, "{ partners { totalCount } }", Value::Null)
        .await;
    assert_eq!(data["partners"]["totalCount"], 0);
}

#[tokio::test]
async fn a_duplicate_name_is_a_conflict_naming_the_field() {
    let app = spawn_app().await;
    app.create_partner("ITUC", "WORKERS_ORGANIZATION", None)
        .await;
    let response = app
        .graphql(
            Some(&app.admin_token),
            "mutation { createPartner(input: {name: \"ITUC\", kind: NGO}) { partner { id } } }",
            Value::Null,
        )
        .await;
    assert_eq!(first_error_code(&response), "CONFLICT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "name");
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let id = app
        .create_partner("IOE", "EMPLOYERS_ORGANIZATION", None)
        .await;
    let update = "mutation($input: UpdatePartnerInput!) { updatePartner(input: $input) { partner { acronym version } } }";
    let data = app
        .ok(
            Some(&app.admin_token),
            update,
            json!({ "input": { "partnerId": id, "acronym": "IOE", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(data["updatePartner"]["partner"]["version"], 2);
    let stale = app
        .graphql(
            Some(&app.admin_token),
            update,
            json!({ "input": { "partnerId": id, "acronym": "XXX", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT");
    let data = app
        .ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Partner { acronym version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["node"]["acronym"], "IOE");
    assert_eq!(data["node"]["version"], 2);
}

#[tokio::test]
async fn update_clears_fields_set_to_null_and_keeps_absent_ones() {
    let app = spawn_app().await;
    let id = app
        .create_partner("ISSA", "INTERNATIONAL_ORGANIZATION", Some("CH"))
        .await;
    let update = "mutation($input: UpdatePartnerInput!) { updatePartner(input: $input) { partner { name country acronym } } }";
    app.ok(
        Some(&app.admin_token),
        update,
        json!({ "input": { "partnerId": id, "acronym": "ISSA" } }),
    )
    .await;
    let data = app
        .ok(
            Some(&app.admin_token),
            update,
            json!({ "input": { "partnerId": id, "country": null } }),
        )
        .await;
    let partner = &data["updatePartner"]["partner"];
    assert_eq!(partner["country"], Value::Null);
    assert_eq!(partner["acronym"], "ISSA");
    assert_eq!(partner["name"], "ISSA");
}

#[tokio::test]
async fn the_directory_filters_by_kind_country_coalition_and_search() {
    let app = spawn_app().await;
    let ilo = app
        .create_partner(
            "International Labour Organization",
            "INTERNATIONAL_ORGANIZATION",
            Some("CH"),
        )
        .await;
    app.ok(
        Some(&app.admin_token),
        "mutation($id: ID!) { updatePartner(input: {partnerId: $id, acronym: \"ILO\"}) { partner { id } } }",
        json!({ "id": ilo }),
    )
    .await;
    app.create_partner("Government of Nepal", "GOVERNMENT", Some("NP"))
        .await;
    app.create_partner("Government of France", "GOVERNMENT", Some("FR"))
        .await;
    app.create_partner("100% Literal_Name", "NGO", None).await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    app.add_coalition_partner(&coalition, &ilo).await;

    let filtered = |filter: Value| {
        let app = &app;
        async move { names(&app.ok(None, PAGE, json!({ "filter": filter })).await) }
    };
    assert_eq!(
        filtered(json!({ "kind": "GOVERNMENT" })).await,
        ["Government of France", "Government of Nepal"]
    );
    assert_eq!(
        filtered(json!({ "country": "np" })).await,
        ["Government of Nepal"]
    );
    assert_eq!(
        filtered(json!({ "coalitionId": coalition })).await,
        ["International Labour Organization"]
    );
    assert_eq!(
        filtered(json!({ "search": "ilo" })).await,
        ["International Labour Organization"]
    );
    assert_eq!(
        filtered(json!({ "search": "LABOUR" })).await,
        ["International Labour Organization"]
    );
    assert_eq!(
        filtered(json!({ "search": "GOVERNMENT", "country": "FR" })).await,
        ["Government of France"]
    );
    // % and _ are literal characters, not wildcards.
    assert_eq!(
        filtered(json!({ "search": "0% l" })).await,
        ["100% Literal_Name"]
    );
    assert!(filtered(json!({ "search": "%" })).await == ["100% Literal_Name"]);
    assert!(filtered(json!({ "search": "l_b" })).await.is_empty());

    let bad = app
        .graphql(
            None,
            PAGE,
            json!({ "filter": { "coalitionId": "nonsense" } }),
        )
        .await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT");
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "filter.coalitionId"
    );
}

#[tokio::test]
async fn paging_walks_every_partner_once_in_name_order() {
    let app = spawn_app().await;
    // Equal names cannot exist, so vary case and spacing to test the order's tie-breaks.
    let mut expected = Vec::new();
    for i in 0..23 {
        let name = format!("Partner {:02}", (i * 7) % 23);
        app.create_partner(&name, "NGO", None).await;
        expected.push(name);
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app
            .ok(None, PAGE, json!({ "first": 5, "after": after }))
            .await;
        assert_eq!(data["partners"]["totalCount"], 23);
        seen.extend(names(&data));
        let info = &data["partners"]["pageInfo"];
        if !info["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = Some(info["endCursor"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, expected);
}
