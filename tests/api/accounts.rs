//! Logging in and out, invitations, passwords and rate limits.
use serde_json::{json, Value};

use crate::helpers::{
    assert_rate_limited, first_error_code, spawn_app, ADMIN_PASSWORD, USER_PASSWORD,
};

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { token user { email } } }";
const ME: &str = "{ me { id email displayName platformRole } }";

#[tokio::test]
async fn login_returns_a_token_that_identifies_the_user() {
    let app = spawn_app().await;
    let data = app
        .ok(
            None,
            LOGIN,
            json!({ "email": "ADMIN@test.example", "password": ADMIN_PASSWORD }),
        )
        .await;
    let token = data["login"]["token"].as_str().unwrap();
    assert_eq!(data["login"]["user"]["email"], "admin@test.example");
    let me = app.ok(Some(token), ME, Value::Null).await;
    assert_eq!(me["me"]["email"], "admin@test.example");
    assert_eq!(me["me"]["platformRole"], "ADMIN");
    let anonymous = app.ok(None, ME, Value::Null).await;
    assert_eq!(anonymous["me"], Value::Null);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "admin@test.example", "password": "wrong password!!" }),
        )
        .await;
    let unknown = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "nobody@test.example", "password": "wrong password!!" }),
        )
        .await;
    assert_eq!(first_error_code(&wrong), "UNAUTHENTICATED");
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(first_error_code(&unknown), "UNAUTHENTICATED");
}

#[tokio::test]
async fn failed_logins_are_rate_limited_per_email() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let response = app
            .graphql(
                None,
                LOGIN,
                json!({ "email": "admin@test.example", "password": "wrong password!!" }),
            )
            .await;
        assert_eq!(first_error_code(&response), "UNAUTHENTICATED");
    }
    // Even the right password is refused now, with a hint when to retry.
    let response = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "admin@test.example", "password": ADMIN_PASSWORD }),
        )
        .await;
    assert_rate_limited(&response);
}

#[tokio::test]
async fn failed_logins_are_rate_limited_per_client_address() {
    let app = spawn_app().await;
    for i in 0..30 {
        let response = app
            .graphql(None, LOGIN, json!({ "email": format!("guess{i}@test.example"), "password": "wrong password!!" }))
            .await;
        assert_eq!(
            first_error_code(&response),
            "UNAUTHENTICATED",
            "attempt {i}"
        );
    }
    let response = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": "another@test.example", "password": "wrong password!!" }),
        )
        .await;
    assert_eq!(first_error_code(&response), "RATE_LIMITED");
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_app().await;
    let token = app.login("admin@test.example", ADMIN_PASSWORD).await;
    let data = app
        .ok(Some(&token), "mutation { logout }", Value::Null)
        .await;
    assert_eq!(data["logout"], true);
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let code = app
        .error_code(None, "mutation { logout }", Value::Null)
        .await;
    assert_eq!(code, "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_invitation_becomes_an_account_once() {
    let app = spawn_app().await;
    let partner = app
        .create_partner(
            "International Labour Organization",
            "INTERNATIONAL_ORGANIZATION",
            None,
        )
        .await;
    let data = app
        .ok(
            Some(&app.admin_token),
            "mutation($input: InviteUserInput!) { inviteUser(input: $input) { invitationToken } }",
            json!({ "input": { "email": "Focal@ILO.example", "partnerId": partner, "role": "FOCAL_POINT" } }),
        )
        .await;
    let invitation = data["inviteUser"]["invitationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let accept = "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token user { email displayName } } }";
    let input = |password: &str| json!({ "input": { "invitationToken": invitation, "password": password, "displayName": "Ana Focal" } });

    let short = app.graphql(None, accept, input(&"x".repeat(11))).await;
    assert_eq!(first_error_code(&short), "BAD_USER_INPUT");
    assert_eq!(short["errors"][0]["extensions"]["field"], "password");
    let long = app.graphql(None, accept, input(&"x".repeat(257))).await;
    assert_eq!(first_error_code(&long), "BAD_USER_INPUT");

    let data = app.ok(None, accept, input(&"é".repeat(12))).await;
    assert_eq!(
        data["acceptInvitation"]["user"]["email"],
        "focal@ilo.example"
    );
    app.login("focal@ilo.example", &"é".repeat(12)).await;

    let again = app.graphql(None, accept, input(&"y".repeat(20))).await;
    assert_eq!(first_error_code(&again), "NOT_FOUND");
}

/// The error part of an answer, without where in the document it points.
fn refusal(response: &Value) -> Value {
    let mut error = response["errors"][0].clone();
    if let Some(error) = error.as_object_mut() {
        error.remove("locations");
    }
    assert!(response["data"].is_null(), "{response:#}");
    error
}

#[tokio::test]
async fn an_invitation_for_an_existing_account_never_checks_a_password() {
    let app = spawn_app().await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let iom = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    // A partner ADMIN of the IOM is the one guessing.
    let guesser = app
        .create_user("iom.admin@test.example", &iom, "ADMIN")
        .await;
    let user = app.create_user("both@test.example", &ilo, "MEMBER").await;
    let invite =
        "mutation($input: InviteUserInput!) { inviteUser(input: $input) { invitationToken } }";
    let invitation_for =
        |email: &str| json!({ "input": { "email": email, "partnerId": iom, "role": "ADMIN" } });
    // The same answer whether the e-mail has an account or not.
    let existing = app
        .ok(Some(&guesser.token), invite, invitation_for(&user.email))
        .await;
    let fresh = app
        .ok(
            Some(&guesser.token),
            invite,
            invitation_for("nobody@test.example"),
        )
        .await;
    let keys = |data: &Value| {
        data["inviteUser"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&existing), keys(&fresh));

    let accept =
        "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token } }";
    let attempt = |token: &str, password: &str| json!({ "input": { "invitationToken": token, "password": password, "displayName": "x" } });
    let garbage = refusal(
        &app.graphql(
            None,
            accept,
            attempt("inv_garbage", "a long enough password"),
        )
        .await,
    );
    assert_eq!(garbage["extensions"]["code"], "NOT_FOUND");
    let token = existing["inviteUser"]["invitationToken"].as_str().unwrap();
    // Twelve wrong guesses, then the right password: all answered as the garbage
    // token is, none rate limited, no session given, the invitation untouched.
    for guess in 0..12 {
        let answer = app
            .graphql(
                None,
                accept,
                attempt(token, &format!("guess number {guess:04}")),
            )
            .await;
        assert_eq!(refusal(&answer), garbage, "guess {guess}");
    }
    let right = app
        .graphql(None, accept, attempt(token, USER_PASSWORD))
        .await;
    assert_eq!(refusal(&right), garbage);
    // The platform ADMIN's password cannot be tried this way either.
    let admin_invite = app
        .ok(
            Some(&guesser.token),
            invite,
            invitation_for("admin@test.example"),
        )
        .await;
    let admin_token = admin_invite["inviteUser"]["invitationToken"]
        .as_str()
        .unwrap();
    let answer = app
        .graphql(None, accept, attempt(admin_token, ADMIN_PASSWORD))
        .await;
    assert_eq!(refusal(&answer), garbage);

    // The user, signed in, claims it; nobody else can, nor twice.
    let claim = "mutation($t: String!) { claimInvitation(input: {invitationToken: $t}) { role partner { name } user { id } } }";
    let by_other = app
        .graphql(Some(&guesser.token), claim, json!({ "t": token }))
        .await;
    assert_eq!(
        refusal(&by_other),
        refusal(
            &app.graphql(Some(&guesser.token), claim, json!({ "t": "inv_garbage" }))
                .await
        )
    );
    let data = app
        .ok(Some(&user.token), claim, json!({ "t": token }))
        .await;
    assert_eq!(data["claimInvitation"]["role"], "ADMIN");
    assert_eq!(data["claimInvitation"]["partner"]["name"], "IOM");
    assert_eq!(data["claimInvitation"]["user"]["id"], user.id.as_str());
    let again = app
        .graphql(Some(&user.token), claim, json!({ "t": token }))
        .await;
    assert_eq!(first_error_code(&again), "NOT_FOUND");
    // Now an ADMIN of the IOM: may edit it.
    app.ok(
        Some(&user.token),
        "mutation($id: ID!) { updatePartner(input: {partnerId: $id, region: \"Europe\"}) { partner { region } } }",
        json!({ "id": iom }),
    )
    .await;
    // A signed-out claim needs a session.
    let anonymous = app.graphql(None, claim, json!({ "t": token })).await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
}

#[tokio::test]
async fn inviting_someone_already_at_the_partner_is_a_conflict() {
    let app = spawn_app().await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    app.create_user("member@test.example", &ilo, "MEMBER").await;
    let response = app
        .graphql(
            Some(&app.admin_token),
            "mutation($input: InviteUserInput!) { inviteUser(input: $input) { invitationToken } }",
            json!({ "input": { "email": "member@test.example", "partnerId": ilo, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(first_error_code(&response), "CONFLICT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "email");
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let app = spawn_app().await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let user = app.create_user("change@test.example", &ilo, "MEMBER").await;
    let other_session = app.login(&user.email, USER_PASSWORD).await;
    let change = "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { email } } }";

    let wrong = app
        .graphql(Some(&user.token), change, json!({ "input": { "currentPassword": "not it at all", "newPassword": "a brand new password" } }))
        .await;
    assert_eq!(first_error_code(&wrong), "BAD_USER_INPUT");
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "currentPassword");

    app.ok(Some(&user.token), change, json!({ "input": { "currentPassword": USER_PASSWORD, "newPassword": "a brand new password" } }))
        .await;
    // This session lives on; the other one is over; the new password works.
    app.ok(Some(&user.token), ME, Value::Null).await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&other_session)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    app.login(&user.email, "a brand new password").await;
    let old = app
        .graphql(
            None,
            LOGIN,
            json!({ "email": user.email, "password": USER_PASSWORD }),
        )
        .await;
    assert_eq!(first_error_code(&old), "UNAUTHENTICATED");
}

#[tokio::test]
async fn only_platform_admins_grant_platform_roles() {
    let app = spawn_app().await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let secretariat = app.create_secretariat(&ilo).await;
    let other = app.create_user("other@test.example", &ilo, "ADMIN").await;
    let grant = "mutation($input: SetPlatformRoleInput!) { setPlatformRole(input: $input) { user { platformRole } } }";
    let input = json!({ "input": { "userId": other.id, "role": "SECRETARIAT" } });
    assert_eq!(
        app.error_code(Some(&secretariat.token), grant, input.clone())
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.error_code(Some(&other.token), grant, input.clone())
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.error_code(None, grant, input.clone()).await,
        "UNAUTHENTICATED"
    );
    let data = app.ok(Some(&app.admin_token), grant, input).await;
    assert_eq!(
        data["setPlatformRole"]["user"]["platformRole"],
        "SECRETARIAT"
    );
}

#[tokio::test]
async fn successful_logins_do_not_use_up_the_budget() {
    let app = spawn_app().await;
    let login = |password: &'static str| {
        app.graphql(
            None,
            LOGIN,
            json!({ "email": "admin@test.example", "password": password }),
        )
    };
    // Every attempt is counted before its password is checked, and taken back
    // when it was right: ten right ones leave the whole budget.
    for _ in 0..10 {
        assert!(login(ADMIN_PASSWORD).await.get("errors").is_none());
    }
    for _ in 0..4 {
        assert_eq!(
            first_error_code(&login("wrong password!!").await),
            "UNAUTHENTICATED"
        );
    }
    assert!(login(ADMIN_PASSWORD).await.get("errors").is_none());
    // ... and a right one forgets the e-mail's failures.
    for _ in 0..4 {
        assert_eq!(
            first_error_code(&login("wrong password!!").await),
            "UNAUTHENTICATED"
        );
    }
    assert!(login(ADMIN_PASSWORD).await.get("errors").is_none());
}
