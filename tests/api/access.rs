//! The access policy, each rule both ways, through the API.
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, TestUser};

struct World {
    app: TestApp,
    ilo: String,
    iom: String,
    coalition: String,
    secretariat: TestUser,
    ilo_admin: TestUser,
    ilo_member: TestUser,
    ilo_focal: TestUser,
    iom_admin: TestUser,
}

async fn world() -> World {
    let app = spawn_app().await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let iom = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let secretariat = app.create_secretariat(&ilo).await;
    let ilo_admin = app.create_user("admin@ilo.example", &ilo, "ADMIN").await;
    let ilo_member = app.create_user("member@ilo.example", &ilo, "MEMBER").await;
    let ilo_focal = app
        .create_user("focal@ilo.example", &ilo, "FOCAL_POINT")
        .await;
    let iom_admin = app.create_user("admin@iom.example", &iom, "ADMIN").await;
    World {
        app,
        ilo,
        iom,
        coalition,
        secretariat,
        ilo_admin,
        ilo_member,
        ilo_focal,
        iom_admin,
    }
}

/// Runs `query` as `token` and returns "ok" or the error code.
async fn outcome(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> String {
    let response = app.graphql(token, query, variables).await;
    match response.get("errors") {
        None => "ok".to_owned(),
        Some(_) => crate::helpers::first_error_code(&response),
    }
}

#[tokio::test]
async fn only_staff_create_partners() {
    let w = world().await;
    let create = "mutation($name: String!) { createPartner(input: {name: $name, kind: NGO}) { partner { id } } }";
    let cases = [
        (Some(w.app.admin_token.as_str()), "ok"),
        (Some(w.secretariat.token.as_str()), "ok"),
        (Some(w.ilo_admin.token.as_str()), "FORBIDDEN"),
        (Some(w.ilo_member.token.as_str()), "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ];
    for (i, (token, expected)) in cases.into_iter().enumerate() {
        let got = outcome(&w.app, token, create, json!({ "name": format!("NGO {i}") })).await;
        assert_eq!(got, expected, "case {i}");
    }
    let data = w
        .app
        .ok(
            None,
            "{ partners(filter: {kind: NGO}) { totalCount } }",
            Value::Null,
        )
        .await;
    assert_eq!(data["partners"]["totalCount"], 2);
}

#[tokio::test]
async fn a_partner_profile_is_edited_by_its_admins_and_the_secretariat_only() {
    let w = world().await;
    let update = "mutation($id: ID!, $region: String) { updatePartner(input: {partnerId: $id, region: $region}) { partner { region } } }";
    let cases = [
        (&w.ilo_admin.token, "ok"),
        (&w.secretariat.token, "ok"),
        (&w.iom_admin.token, "FORBIDDEN"),
        (&w.ilo_member.token, "FORBIDDEN"),
        (&w.ilo_focal.token, "FORBIDDEN"),
    ];
    for (token, expected) in cases {
        let got = outcome(
            &w.app,
            Some(token),
            update,
            json!({ "id": w.ilo, "region": format!("set by {expected}") }),
        )
        .await;
        assert_eq!(got, expected);
    }
    let data = w
        .app
        .ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Partner { region version } } }",
            json!({ "id": w.ilo }),
        )
        .await;
    // Two successful edits, the refused ones changed nothing.
    assert_eq!(data["node"]["version"], 3);
    assert_eq!(data["node"]["region"], "set by ok");
}

#[tokio::test]
async fn people_are_invited_by_their_partner_admins_and_the_secretariat_only() {
    let w = world().await;
    let invite = "mutation($email: String!, $partner: ID!) { inviteUser(input: {email: $email, partnerId: $partner, role: MEMBER}) { invitationToken } }";
    let cases = [
        (Some(&w.ilo_admin.token), &w.ilo, "ok"),
        (Some(&w.secretariat.token), &w.iom, "ok"),
        (Some(&w.iom_admin.token), &w.ilo, "FORBIDDEN"),
        (Some(&w.ilo_admin.token), &w.iom, "FORBIDDEN"),
        (Some(&w.ilo_member.token), &w.ilo, "FORBIDDEN"),
        (Some(&w.ilo_focal.token), &w.ilo, "FORBIDDEN"),
        (None, &w.ilo, "UNAUTHENTICATED"),
    ];
    for (i, (token, partner, expected)) in cases.into_iter().enumerate() {
        let got = outcome(
            &w.app,
            token.map(String::as_str),
            invite,
            json!({ "email": format!("new{i}@test.example"), "partner": partner }),
        )
        .await;
        assert_eq!(got, expected, "case {i}");
    }
}

#[tokio::test]
async fn coalitions_are_managed_by_the_secretariat_only() {
    let w = world().await;
    let operations = [
        ("mutation { createCoalition(input: {name: \"New\", slug: \"new-x\"}) { coalition { id } } }".to_owned(), Value::Null),
        (
            "mutation($c: ID!, $p: ID!) { addCoalitionPartner(input: {coalitionId: $c, partnerId: $p}) { membership { id } } }".to_owned(),
            json!({ "c": w.coalition, "p": w.ilo }),
        ),
        (
            "mutation($c: ID!) { createThematicArea(input: {coalitionId: $c, name: \"Migration\"}) { thematicArea { id } } }".to_owned(),
            json!({ "c": w.coalition }),
        ),
    ];
    for (query, variables) in &operations {
        for token in [&w.ilo_admin.token, &w.iom_admin.token, &w.ilo_member.token] {
            assert_eq!(
                outcome(&w.app, Some(token), query, variables.clone()).await,
                "FORBIDDEN",
                "{query}"
            );
        }
        assert_eq!(
            outcome(&w.app, None, query, variables.clone()).await,
            "UNAUTHENTICATED",
            "{query}"
        );
        assert_eq!(
            outcome(&w.app, Some(&w.secretariat.token), query, variables.clone()).await,
            "ok",
            "{query}"
        );
    }
    let update = "mutation($c: ID!, $p: ID!) { updateCoalitionPartner(input: {coalitionId: $c, partnerId: $p, status: WITHDRAWN}) { membership { status } } }";
    let variables = json!({ "c": w.coalition, "p": w.ilo });
    assert_eq!(
        outcome(&w.app, Some(&w.ilo_admin.token), update, variables.clone()).await,
        "FORBIDDEN"
    );
    assert_eq!(
        outcome(&w.app, Some(&w.secretariat.token), update, variables).await,
        "ok"
    );
}

#[tokio::test]
async fn users_are_visible_to_themselves_their_colleagues_and_staff_only() {
    let w = world().await;
    let lookup = "query($id: ID!) { node(id: $id) { ... on User { email } } }";
    let target = json!({ "id": w.ilo_member.id });
    for token in [
        &w.ilo_member.token,
        &w.ilo_admin.token,
        &w.secretariat.token,
        &w.app.admin_token,
    ] {
        let data = w.app.ok(Some(token), lookup, target.clone()).await;
        assert_eq!(data["node"]["email"], "member@ilo.example");
    }
    let data = w
        .app
        .ok(Some(&w.iom_admin.token), lookup, target.clone())
        .await;
    assert_eq!(data["node"], Value::Null);
    let data = w.app.ok(None, lookup, target).await;
    assert_eq!(data["node"], Value::Null);
}

#[tokio::test]
async fn the_directory_is_public() {
    let w = world().await;
    w.app.add_coalition_partner(&w.coalition, &w.ilo).await;
    let data = w
        .app
        .ok(None, "{ coalitions { nodes { name partners { nodes { name memberships { status } } } } } partners { totalCount } }", Value::Null)
        .await;
    assert_eq!(data["partners"]["totalCount"], 2);
    assert_eq!(
        data["coalitions"]["nodes"][0]["partners"]["nodes"][0]["name"],
        "ILO"
    );
}
