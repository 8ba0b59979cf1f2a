//! Action groups and their members.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app, TestApp};

/// A coalition with ILO and IOM active in it, and ITUC only pending.
async fn coalition_with_partners(app: &TestApp) -> (String, String, String, String) {
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let iom = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let ituc = app
        .create_partner("ITUC", "WORKERS_ORGANIZATION", None)
        .await;
    app.add_coalition_partner(&coalition, &ilo).await;
    app.add_coalition_partner(&coalition, &iom).await;
    app.ok(
        Some(&app.admin_token),
        "mutation($c: ID!, $p: ID!) { addCoalitionPartner(input: {coalitionId: $c, partnerId: $p, status: PENDING}) { membership { id } } }",
        json!({ "c": coalition, "p": ituc }),
    )
    .await;
    (coalition, ilo, iom, ituc)
}

#[tokio::test]
async fn a_group_is_created_in_a_coalition_under_a_thematic_area() {
    let app = spawn_app().await;
    let (coalition, ..) = coalition_with_partners(&app).await;
    let area = app
        .ok(
            Some(&app.admin_token),
            "mutation($c: ID!) { createThematicArea(input: {coalitionId: $c, name: \"Supply chains\"}) { thematicArea { id } } }",
            json!({ "c": coalition }),
        )
        .await["createThematicArea"]["thematicArea"]["id"]
        .clone();
    let data = app
        .ok(
            Some(&app.admin_token),
            "mutation($input: CreateActionGroupInput!) { createActionGroup(input: $input) { actionGroup { id name description status version coalition { slug } thematicArea { name } } } }",
            json!({ "input": { "coalitionId": coalition, "name": "Supply Chains", "description": "Due diligence", "thematicAreaId": area } }),
        )
        .await;
    let group = &data["createActionGroup"]["actionGroup"];
    assert_eq!(group["status"], "ACTIVE");
    assert_eq!(group["version"], 1);
    assert_eq!(group["coalition"]["slug"], "alliance-8-7");
    assert_eq!(group["thematicArea"]["name"], "Supply chains");

    let duplicate = app
        .graphql(
            Some(&app.admin_token),
            "mutation($c: ID!) { createActionGroup(input: {coalitionId: $c, name: \"Supply Chains\"}) { actionGroup { id } } }",
            json!({ "c": coalition }),
        )
        .await;
    assert_eq!(first_error_code(&duplicate), "CONFLICT");

    let other = app.create_coalition("Other", "other").await;
    let foreign_area = app
        .graphql(
            Some(&app.admin_token),
            "mutation($c: ID!, $t: ID!) { createActionGroup(input: {coalitionId: $c, name: \"X\", thematicAreaId: $t}) { actionGroup { id } } }",
            json!({ "c": other, "t": area }),
        )
        .await;
    assert_eq!(first_error_code(&foreign_area), "BAD_USER_INPUT");
    assert_eq!(
        foreign_area["errors"][0]["extensions"]["field"],
        "thematicAreaId"
    );
}

#[tokio::test]
async fn members_must_be_active_in_the_coalition_and_edges_carry_role_and_date() {
    let app = spawn_app().await;
    let (coalition, ilo, iom, ituc) = coalition_with_partners(&app).await;
    let group = app.create_group(&coalition, "Migration").await;
    app.add_group_member(&group, &ilo, "LEAD").await;
    app.add_group_member(&group, &iom, "OBSERVER").await;
    let add = "mutation($g: ID!, $p: ID!) { addActionGroupMember(input: {actionGroupId: $g, partnerId: $p, role: MEMBER}) { member { role } } }";
    let pending = app
        .graphql(
            Some(&app.admin_token),
            add,
            json!({ "g": group, "p": ituc }),
        )
        .await;
    assert_eq!(first_error_code(&pending), "BAD_USER_INPUT");
    assert_eq!(pending["errors"][0]["extensions"]["field"], "partnerId");
    let twice = app
        .graphql(Some(&app.admin_token), add, json!({ "g": group, "p": ilo }))
        .await;
    assert_eq!(first_error_code(&twice), "CONFLICT");

    let data = app
        .ok(
            None,
            "query($g: ID!) { node(id: $g) { ... on ActionGroup { members(first: 10) { totalCount edges { role joinedAt node { role partner { name } } } } } } }",
            json!({ "g": group }),
        )
        .await;
    let members = &data["node"]["members"];
    assert_eq!(members["totalCount"], 2);
    assert_eq!(members["edges"][0]["role"], "LEAD");
    assert_eq!(members["edges"][0]["node"]["partner"]["name"], "ILO");
    assert_eq!(members["edges"][1]["role"], "OBSERVER");
    assert!(members["edges"][1]["joinedAt"].as_str().is_some());
}

#[tokio::test]
async fn lead_partners_manage_their_group_and_keep_at_least_one_lead() {
    let app = spawn_app().await;
    let (coalition, ilo, iom, _) = coalition_with_partners(&app).await;
    let group = app.create_group(&coalition, "Migration").await;
    app.add_group_member(&group, &ilo, "LEAD").await;
    let ilo_member = app.create_user("member@ilo.example", &ilo, "MEMBER").await;
    let iom_admin = app.create_user("admin@iom.example", &iom, "ADMIN").await;

    let add = "mutation($g: ID!, $p: ID!, $r: GroupRole!) { addActionGroupMember(input: {actionGroupId: $g, partnerId: $p, role: $r}) { member { role } } }";
    // A user of the lead partner (any partner role) manages; an outsider may not.
    let refused = app
        .graphql(
            Some(&iom_admin.token),
            add,
            json!({ "g": group, "p": iom, "r": "LEAD" }),
        )
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
    app.ok(
        Some(&ilo_member.token),
        add,
        json!({ "g": group, "p": iom, "r": "MEMBER" }),
    )
    .await;

    let set_role = "mutation($g: ID!, $p: ID!, $r: GroupRole!) { updateActionGroupMember(input: {actionGroupId: $g, partnerId: $p, role: $r}) { member { role } } }";
    let last_lead = app
        .graphql(
            Some(&ilo_member.token),
            set_role,
            json!({ "g": group, "p": ilo, "r": "MEMBER" }),
        )
        .await;
    assert_eq!(first_error_code(&last_lead), "CONFLICT");
    let remove = "mutation($g: ID!, $p: ID!) { removeActionGroupMember(input: {actionGroupId: $g, partnerId: $p}) { partner { name } } }";
    let last_lead = app
        .graphql(
            Some(&ilo_member.token),
            remove,
            json!({ "g": group, "p": ilo }),
        )
        .await;
    assert_eq!(first_error_code(&last_lead), "CONFLICT");

    app.ok(
        Some(&ilo_member.token),
        set_role,
        json!({ "g": group, "p": iom, "r": "LEAD" }),
    )
    .await;
    let data = app
        .ok(
            Some(&ilo_member.token),
            remove,
            json!({ "g": group, "p": ilo }),
        )
        .await;
    assert_eq!(data["removeActionGroupMember"]["partner"]["name"], "ILO");
    // ILO is no longer a lead: its users can no longer manage the group.
    let ilo_member = app
        .login("member@ilo.example", crate::helpers::USER_PASSWORD)
        .await;
    let refused = app
        .graphql(
            Some(&ilo_member),
            add,
            json!({ "g": group, "p": ilo, "r": "LEAD" }),
        )
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
}

#[tokio::test]
async fn updates_check_the_version_and_archived_groups_stop_changing() {
    let app = spawn_app().await;
    let (coalition, ilo, ..) = coalition_with_partners(&app).await;
    let group = app.create_group(&coalition, "Migration").await;
    let update = "mutation($input: UpdateActionGroupInput!) { updateActionGroup(input: $input) { actionGroup { name description version } } }";
    let data = app
        .ok(Some(&app.admin_token), update, json!({ "input": { "actionGroupId": group, "expectedVersion": 1, "description": "Fair recruitment" } }))
        .await;
    assert_eq!(data["updateActionGroup"]["actionGroup"]["version"], 2);
    let stale = app
        .graphql(
            Some(&app.admin_token),
            update,
            json!({ "input": { "actionGroupId": group, "expectedVersion": 1, "name": "Renamed" } }),
        )
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT");

    let data = app
        .ok(Some(&app.admin_token), "mutation($g: ID!) { archiveActionGroup(input: {actionGroupId: $g}) { actionGroup { status } } }", json!({ "g": group }))
        .await;
    assert_eq!(
        data["archiveActionGroup"]["actionGroup"]["status"],
        "ARCHIVED"
    );
    let add = "mutation($g: ID!, $p: ID!) { addActionGroupMember(input: {actionGroupId: $g, partnerId: $p, role: LEAD}) { member { role } } }";
    let archived = app
        .graphql(Some(&app.admin_token), add, json!({ "g": group, "p": ilo }))
        .await;
    assert_eq!(first_error_code(&archived), "CONFLICT");
    let listed = app.ok(None, "{ actionGroups { totalCount } all: actionGroups(filter: {includeArchived: true}) { totalCount } }", Value::Null).await;
    assert_eq!(listed["actionGroups"]["totalCount"], 0);
    assert_eq!(listed["all"]["totalCount"], 1);
}

#[tokio::test]
async fn groups_filter_by_coalition_thematic_area_partner_and_search() {
    let app = spawn_app().await;
    let (coalition, ilo, iom, _) = coalition_with_partners(&app).await;
    let other = app.create_coalition("Global Coalition", "global").await;
    let supply = app.create_group(&coalition, "Supply Chains").await;
    let migration = app.create_group(&coalition, "Migration").await;
    app.create_group(&other, "Just transitions").await;
    app.add_group_member(&supply, &ilo, "LEAD").await;
    app.add_group_member(&migration, &iom, "LEAD").await;

    let names = |filter: Value| {
        let app = &app;
        async move {
            let data = app
                .ok(None, "query($f: ActionGroupFilter) { actionGroups(filter: $f) { totalCount nodes { name } } }", json!({ "f": filter }))
                .await;
            data["actionGroups"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        names(json!({})).await,
        ["Just transitions", "Migration", "Supply Chains"]
    );
    assert_eq!(
        names(json!({ "coalitionId": coalition })).await,
        ["Migration", "Supply Chains"]
    );
    assert_eq!(names(json!({ "partnerId": ilo })).await, ["Supply Chains"]);
    assert_eq!(names(json!({ "search": "CHAIN" })).await, ["Supply Chains"]);
    let data = app
        .ok(None, "query($c: ID!) { node(id: $c) { ... on Coalition { actionGroups { totalCount nodes { name } } } } }", json!({ "c": coalition }))
        .await;
    assert_eq!(data["node"]["actionGroups"]["totalCount"], 2);
}
