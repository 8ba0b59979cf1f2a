//! Joining a coalition: partnership and pathfinder country applications, from
//! submission to decision, with the e-mails of each step, the workflow's rules
//! both ways, who may see what, and approval as one transaction.
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::{
    helpers::{first_error_code, spawn_app, spawn_app_with, TestApp, TestUser, USER_PASSWORD},
    smtp_process::{self, Received},
};

pub const SUBMIT: &str = "mutation($input: SubmitPartnershipApplicationInput!) {
  submitPartnershipApplication(input: $input) {
    accessToken
    application { id state kind locale partner { id } contact { email } organisation { name kind country } }
  }
}";
pub const REVIEW: &str = "mutation($input: ReviewPartnershipApplicationInput!) {
  reviewPartnershipApplication(input: $input) { application { id state decisionReason decidedAt partner { id name } } }
}";
const UPDATE: &str = "mutation($input: UpdatePartnershipApplicationInput!) {
  updatePartnershipApplication(input: $input) { application { id state motivation version } }
}";
const WITHDRAW: &str = "mutation($input: WithdrawPartnershipApplicationInput!) {
  withdrawPartnershipApplication(input: $input) { application { id state decidedAt } }
}";
const BY_TOKEN: &str = "query($token: String!) {
  partnershipApplication(accessToken: $token) {
    id state motivation decisionReason contact { name email } focalPointNominee { email }
  }
}";
const BY_ID: &str = "query($id: ID!) {
  node(id: $id) { ... on PartnershipApplication { id state contact { email } } }
}";

/// A partner application from an organisation without an account.
pub fn partner_application(coalition: &str, name: &str, locale: &str) -> Value {
    json!({ "input": {
        "coalitionId": coalition,
        "kind": "PARTNER",
        "locale": locale,
        "organisation": { "name": name, "acronym": "CSI", "kind": "WORKERS_ORGANIZATION", "country": "BE", "website": "https://www.ituc-csi.org" },
        "contact": { "name": "Amina Diallo", "title": "Responsable des politiques", "email": "Amina.Diallo@ituc.example" },
        "motivation": "Faire progresser la justice sociale par le dialogue social.",
        "intendedCommitments": "Former 500 syndicalistes au travail décent d'ici 2027.",
    }})
}

/// A pathfinder country application from a government without an account.
fn pathfinder_application(coalition: &str, name: &str, country: &str) -> Value {
    json!({ "input": {
        "coalitionId": coalition,
        "kind": "PATHFINDER_COUNTRY",
        "locale": "ES",
        "organisation": { "name": name, "kind": "GOVERNMENT" },
        "contact": { "name": "Lucía Pérez", "title": "Directora de Asuntos Internacionales", "email": "lucia.perez@trabajo.example" },
        "motivation": "Acelerar la eliminación del trabajo infantil y del trabajo forzoso.",
        "country": country,
        "reasonsForInterest": "Un plan nacional contra el trabajo infantil que busca socios.",
        "intensificationCommitment": "Duplicar las inspecciones laborales en la agricultura para 2026.",
        "recentSuccesses": "Ley de 2023 sobre la debida diligencia en las cadenas de suministro.",
        "focalPointNominee": { "name": "Jorge Ramírez", "title": "Viceministro de Trabajo", "institution": "Ministerio de Trabajo", "email": "jorge.ramirez@trabajo.example" },
    }})
}

async fn alliance(app: &TestApp) -> String {
    app.create_coalition("Alliance 8.7", "alliance-8-7").await
}

async fn review(app: &TestApp, id: &str, decision: &str, reason: Option<&str>) -> Value {
    app.graphql(
        Some(&app.admin_token),
        REVIEW,
        json!({ "input": { "applicationId": id, "decision": decision, "reason": reason } }),
    )
    .await
}

async fn reviewed(app: &TestApp, id: &str, decision: &str, reason: Option<&str>) -> Value {
    let response = review(app, id, decision, reason).await;
    assert!(response["errors"].is_null(), "{decision}: {response:#}");
    response["data"]["reviewPartnershipApplication"]["application"].clone()
}

/// The e-mails a node without SMTP_URL has written, oldest first.
pub fn written_mails(app: &TestApp) -> Vec<Received> {
    let mut files: Vec<_> = std::fs::read_dir(&app.mail_dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|f| f.extension().is_some_and(|e| e == "eml"));
    files.sort();
    files
        .iter()
        .map(|f| smtp_process::parse(&std::fs::read(f).unwrap()))
        .collect()
}

/// Waits until the node has written `count` e-mails.
pub async fn wait_for_mails(app: &TestApp, count: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mails = written_mails(app);
        if mails.len() >= count {
            return mails;
        }
        assert!(
            Instant::now() < deadline,
            "expected {count} e-mails, found {}: {mails:#?}",
            mails.len()
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

async fn accept(app: &TestApp, invitation_link: &str, display_name: &str) -> TestUser {
    let token = invitation_link
        .split("token=")
        .nth(1)
        .expect("a token in the link")
        .trim();
    let data = app
        .ok(
            None,
            "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token user { id email } } }",
            json!({ "input": { "invitationToken": token, "password": USER_PASSWORD, "displayName": display_name } }),
        )
        .await;
    TestUser {
        id: data["acceptInvitation"]["user"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        email: data["acceptInvitation"]["user"]["email"]
            .as_str()
            .unwrap()
            .to_owned(),
        token: data["acceptInvitation"]["token"]
            .as_str()
            .unwrap()
            .to_owned(),
    }
}

/// The link that follows `label: ` in a plain-text e-mail.
fn link_after(text: &str, label: &str) -> String {
    let start = text
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {text}"))
        + label.len();
    text[start..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn an_organisation_applies_is_asked_for_more_and_becomes_an_active_partner() {
    let app = spawn_app().await;
    let coalition = app
        .create_coalition(
            "Coalition mondiale pour la justice sociale",
            "global-coalition",
        )
        .await;

    let submitted = app
        .ok(
            None,
            SUBMIT,
            partner_application(&coalition, "Confédération syndicale internationale", "FR"),
        )
        .await;
    let submitted = &submitted["submitPartnershipApplication"];
    let token = submitted["accessToken"].as_str().unwrap().to_owned();
    let id = submitted["application"]["id"].as_str().unwrap().to_owned();
    assert_eq!(submitted["application"]["state"], "SUBMITTED");
    assert_eq!(submitted["application"]["locale"], "FR");
    assert_eq!(
        submitted["application"]["contact"]["email"],
        "amina.diallo@ituc.example"
    );
    assert!(submitted["application"]["partner"].is_null());

    // The contact is told, in French, with the private link.
    let mails = wait_for_mails(&app, 1).await;
    assert_eq!(mails[0].to, "amina.diallo@ituc.example");
    assert_eq!(mails[0].content_language, "fr");
    assert!(
        mails[0]
            .subject
            .contains("nous avons reçu la candidature de Confédération syndicale internationale"),
        "{}",
        mails[0].subject
    );
    assert!(
        mails[0].text.contains(&format!(
            "http://127.0.0.1:8080/applications/follow?token={token}"
        )),
        "{}",
        mails[0].text
    );

    // The applicant reads it by its token; nobody else without a session does.
    let mine = app.ok(None, BY_TOKEN, json!({ "token": token })).await;
    assert_eq!(
        mine["partnershipApplication"]["contact"]["email"],
        "amina.diallo@ituc.example"
    );
    let anonymous = app.ok(None, BY_ID, json!({ "id": id })).await;
    assert!(anonymous["node"].is_null(), "{anonymous:#}");

    reviewed(&app, &id, "START_REVIEW", None).await;
    assert_eq!(
        first_error_code(&review(&app, &id, "REQUEST_INFO", None).await),
        "BAD_USER_INPUT"
    );
    let asked = reviewed(
        &app,
        &id,
        "REQUEST_INFO",
        Some("Précisez vos engagements chiffrés."),
    )
    .await;
    assert_eq!(asked["state"], "MORE_INFO_REQUESTED");
    assert_eq!(
        asked["decisionReason"],
        "Précisez vos engagements chiffrés."
    );
    // Approval follows a review, not a request for more.
    assert_eq!(
        first_error_code(&review(&app, &id, "APPROVE", None).await),
        "CONFLICT"
    );
    let mails = wait_for_mails(&app, 3).await;
    assert!(
        mails[1].subject.contains("est à l'examen"),
        "{}",
        mails[1].subject
    );
    assert!(
        mails[2]
            .text
            .contains("Motif: Précisez vos engagements chiffrés."),
        "{}",
        mails[2].text
    );

    // The applicant answers; the application goes back to review.
    let updated = app
        .ok(None, UPDATE, json!({ "input": { "accessToken": token, "motivation": "Former 500 syndicalistes par an, dans 40 pays." } }))
        .await;
    assert_eq!(
        updated["updatePartnershipApplication"]["application"]["state"],
        "UNDER_REVIEW"
    );

    let approved = reviewed(&app, &id, "APPROVE", None).await;
    assert_eq!(approved["state"], "APPROVED");
    assert!(approved["decidedAt"].is_string());
    assert_eq!(
        approved["partner"]["name"],
        "Confédération syndicale internationale"
    );
    let partner = approved["partner"]["id"].as_str().unwrap().to_owned();

    // ACTIVE from today, in the public directory.
    let directory = app
        .ok(None, "query($id: ID!) { node(id: $id) { ... on Partner { name country memberships { status joinedAt coalition { id } } } } }", json!({ "id": partner }))
        .await;
    let membership = &directory["node"]["memberships"][0];
    assert_eq!(membership["status"], "ACTIVE");
    assert_eq!(membership["coalition"]["id"], coalition.as_str());
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(
        membership["joinedAt"].as_str().unwrap().starts_with(&today),
        "{membership}"
    );
    assert_eq!(directory["node"]["country"], "BE");

    // The contact is invited to be the new partner's ADMIN, in the approval e-mail.
    let mails = wait_for_mails(&app, 5).await;
    let approval = mails
        .iter()
        .find(|m| m.subject.contains("est désormais partenaire"))
        .expect("the approval e-mail");
    let invitation = link_after(
        &approval.text,
        "Devenir administrateur·rice du partenaire: ",
    );
    let admin = accept(&app, &invitation, "Amina Diallo").await;
    // An ADMIN of the partner edits its profile.
    let edited = app
        .ok(
            Some(&admin.token),
            "mutation($input: UpdatePartnerInput!) { updatePartner(input: $input) { partner { id description } } }",
            json!({ "input": { "partnerId": partner, "description": "Organisation syndicale mondiale." } }),
        )
        .await;
    assert_eq!(
        edited["updatePartner"]["partner"]["description"],
        "Organisation syndicale mondiale."
    );
    // As the partner's ADMIN, the applicant reads its application by id now.
    let theirs = app.ok(Some(&admin.token), BY_ID, json!({ "id": id })).await;
    assert_eq!(theirs["node"]["state"], "APPROVED");

    // A decided application stays decided.
    let late = app
        .graphql(
            None,
            UPDATE,
            json!({ "input": { "accessToken": token, "motivation": "Trop tard" } }),
        )
        .await;
    assert_eq!(first_error_code(&late), "CONFLICT");
    let late = app
        .graphql(None, WITHDRAW, json!({ "input": { "accessToken": token } }))
        .await;
    assert_eq!(first_error_code(&late), "CONFLICT");
    assert_eq!(
        first_error_code(&review(&app, &id, "REJECT", Some("non")).await),
        "CONFLICT"
    );

    // The secretariat was notified of each step it did not take itself.
    let notifications = app
        .ok(
            Some(&app.admin_token),
            "{ me { notifications(first: 20) { nodes { reason event { kind } } } } }",
            json!({}),
        )
        .await;
    let reasons: Vec<&str> = notifications["me"]["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"application_submitted") && reasons.contains(&"application_updated"),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn a_government_becomes_a_pathfinder_country_and_its_nominee_its_focal_point() {
    let app = spawn_app().await;
    let coalition = alliance(&app).await;

    // A pathfinder application states everything, and comes from a government.
    for missing in [
        "country",
        "reasonsForInterest",
        "intensificationCommitment",
        "recentSuccesses",
        "focalPointNominee",
    ] {
        let mut input = pathfinder_application(&coalition, "Gobierno de Chile", "CL");
        input["input"].as_object_mut().unwrap().remove(missing);
        let response = app.graphql(None, SUBMIT, input).await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{missing}");
        assert_eq!(
            response["errors"][0]["extensions"]["field"], missing,
            "{response:#}"
        );
    }
    let mut not_a_government = pathfinder_application(&coalition, "Fundación Chile", "CL");
    not_a_government["input"]["organisation"]["kind"] = json!("NGO");
    assert_eq!(
        first_error_code(&app.graphql(None, SUBMIT, not_a_government).await),
        "BAD_USER_INPUT"
    );
    let bad_country = pathfinder_application(&coalition, "Gobierno de Chile", "XX");
    assert_eq!(
        first_error_code(&app.graphql(None, SUBMIT, bad_country).await),
        "BAD_USER_INPUT"
    );
    let mut partner_with_items = partner_application(&coalition, "Gobierno de Chile", "ES");
    partner_with_items["input"]["country"] = json!("CL");
    assert_eq!(
        first_error_code(&app.graphql(None, SUBMIT, partner_with_items).await),
        "BAD_USER_INPUT"
    );

    let submitted = app
        .ok(
            None,
            SUBMIT,
            pathfinder_application(&coalition, "Gobierno de Chile", "cl"),
        )
        .await;
    let id = submitted["submitPartnershipApplication"]["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        submitted["submitPartnershipApplication"]["application"]["organisation"]["country"],
        "CL"
    );
    reviewed(&app, &id, "START_REVIEW", None).await;
    let approved = reviewed(&app, &id, "APPROVE", None).await;
    let partner = approved["partner"]["id"].as_str().unwrap().to_owned();

    let directory = "query($slug: String!) { coalition(slug: $slug) { pathfinderCountries { country since partner { id name kind } focalPoint { id } } } }";
    let listed = app
        .ok(None, directory, json!({ "slug": "alliance-8-7" }))
        .await;
    let pathfinders = listed["coalition"]["pathfinderCountries"]
        .as_array()
        .unwrap();
    assert_eq!(pathfinders.len(), 1);
    assert_eq!(pathfinders[0]["country"], "CL");
    assert_eq!(
        pathfinders[0]["since"],
        chrono::Utc::now().date_naive().to_string()
    );
    assert_eq!(pathfinders[0]["partner"]["kind"], "GOVERNMENT");
    assert!(
        pathfinders[0]["focalPoint"].is_null(),
        "not before the nominee accepts"
    );

    // The nominee is invited as FOCAL_POINT (in Spanish) and, once in, is the focal point.
    let mails = wait_for_mails(&app, 4).await;
    let nominee_mail = mails
        .iter()
        .find(|m| m.to == "jorge.ramirez@trabajo.example")
        .expect("the nominee's invitation");
    assert_eq!(nominee_mail.content_language, "es");
    assert!(
        nominee_mail.text.contains("como punto focal"),
        "{}",
        nominee_mail.text
    );
    let link = link_after(&nominee_mail.text, "Aceptar la invitación: ");
    let focal_point = accept(&app, &link, "Jorge Ramírez").await;
    let listed = app
        .ok(None, directory, json!({ "slug": "alliance-8-7" }))
        .await;
    assert_eq!(
        listed["coalition"]["pathfinderCountries"][0]["focalPoint"]["id"],
        focal_point.id.as_str()
    );
    let pathfinder_in = app
        .ok(
            None,
            "query($id: ID!) { node(id: $id) { ... on Partner { pathfinderIn { slug } } } }",
            json!({ "id": partner }),
        )
        .await;
    assert_eq!(
        pathfinder_in["node"]["pathfinderIn"],
        json!([{ "slug": "alliance-8-7" }])
    );

    // The contact, ADMIN of the new partner, cannot make it a pathfinder twice.
    let approval = mails
        .iter()
        .find(|m| m.to == "lucia.perez@trabajo.example" && m.subject.contains("ya es socio"))
        .expect("the approval");
    let admin = accept(
        &app,
        &link_after(&approval.text, "Ser administrador/a del socio: "),
        "Lucía Pérez",
    )
    .await;
    let mut again = pathfinder_application(&coalition, "ignored", "CL");
    again["input"]
        .as_object_mut()
        .unwrap()
        .remove("organisation");
    again["input"]["partnerId"] = json!(partner);
    let response = app.graphql(Some(&admin.token), SUBMIT, again).await;
    assert_eq!(first_error_code(&response), "CONFLICT", "{response:#}");
}

#[tokio::test]
async fn one_open_application_per_organisation_and_none_from_an_active_partner() {
    let app = spawn_app().await;
    let coalition = alliance(&app).await;
    let other = app
        .create_coalition(
            "Coalition mondiale pour la justice sociale",
            "global-coalition",
        )
        .await;

    let first = app
        .ok(
            None,
            SUBMIT,
            partner_application(&coalition, "Walk Free", "EN"),
        )
        .await;
    let token = first["submitPartnershipApplication"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let duplicate = app
        .graphql(
            None,
            SUBMIT,
            partner_application(&coalition, "WALK FREE", "EN"),
        )
        .await;
    assert_eq!(first_error_code(&duplicate), "CONFLICT", "{duplicate:#}");
    // Another coalition is another application.
    app.ok(None, SUBMIT, partner_application(&other, "Walk Free", "EN"))
        .await;

    // Withdrawn, the token opens nothing, and the organisation may apply again.
    let withdrawn = app
        .ok(None, WITHDRAW, json!({ "input": { "accessToken": token } }))
        .await;
    assert_eq!(
        withdrawn["withdrawPartnershipApplication"]["application"]["state"],
        "WITHDRAWN"
    );
    let gone = app.ok(None, BY_TOKEN, json!({ "token": token })).await;
    assert!(gone["partnershipApplication"].is_null());
    let update = app
        .graphql(
            None,
            UPDATE,
            json!({ "input": { "accessToken": token, "motivation": "again" } }),
        )
        .await;
    assert_eq!(first_error_code(&update), "NOT_FOUND");
    let again = app
        .ok(
            None,
            SUBMIT,
            partner_application(&coalition, "Walk Free", "EN"),
        )
        .await;
    let id = again["submitPartnershipApplication"]["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The workflow's other steps that do not exist.
    reviewed(&app, &id, "START_REVIEW", None).await;
    assert_eq!(
        first_error_code(&review(&app, &id, "START_REVIEW", None).await),
        "CONFLICT"
    );
    assert_eq!(
        first_error_code(&review(&app, &id, "REJECT", None).await),
        "BAD_USER_INPUT"
    );
    let update = app.graphql(None, UPDATE, json!({ "input": { "accessToken": again["submitPartnershipApplication"]["accessToken"], "motivation": "in review" } })).await;
    assert_eq!(
        first_error_code(&update),
        "CONFLICT",
        "not editable under review"
    );
    let rejected = reviewed(&app, &id, "REJECT", Some("Hors du champ de l'Alliance.")).await;
    assert_eq!(rejected["state"], "REJECTED");

    // An ACTIVE partner is in already.
    let ilo = app
        .create_partner(
            "International Labour Organization",
            "INTERNATIONAL_ORGANIZATION",
            None,
        )
        .await;
    app.add_coalition_partner(&coalition, &ilo).await;
    let by_name = app
        .graphql(
            None,
            SUBMIT,
            partner_application(&coalition, "international labour organization", "EN"),
        )
        .await;
    assert_eq!(first_error_code(&by_name), "CONFLICT", "{by_name:#}");
    let admin = app.create_user("admin@ilo.example", &ilo, "ADMIN").await;
    let member = app.create_user("member@ilo.example", &ilo, "MEMBER").await;
    let for_partner = |coalition: &str| {
        let mut input = partner_application(coalition, "ignored", "EN");
        input["input"]
            .as_object_mut()
            .unwrap()
            .remove("organisation");
        input["input"]["partnerId"] = json!(ilo);
        input
    };
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&admin.token), SUBMIT, for_partner(&coalition))
                .await
        ),
        "CONFLICT"
    );
    // Signed in, an ADMIN applies for its partner elsewhere; a MEMBER may not; nobody anonymously.
    assert_eq!(
        first_error_code(
            &app.graphql(Some(&member.token), SUBMIT, for_partner(&other))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        first_error_code(&app.graphql(None, SUBMIT, for_partner(&other)).await),
        "UNAUTHENTICATED"
    );
    let applied = app
        .ok(Some(&admin.token), SUBMIT, for_partner(&other))
        .await;
    let application = &applied["submitPartnershipApplication"]["application"];
    assert_eq!(application["partner"]["id"], ilo.as_str());
    assert_eq!(
        application["organisation"]["name"],
        "International Labour Organization"
    );
    let mut both = for_partner(&other);
    both["input"]["organisation"] = json!({ "name": "X", "kind": "NGO" });
    assert_eq!(
        first_error_code(&app.graphql(Some(&admin.token), SUBMIT, both).await),
        "BAD_USER_INPUT"
    );
    // Approving an application for an existing partner keeps its administration.
    let id = application["id"].as_str().unwrap();
    reviewed(&app, id, "START_REVIEW", None).await;
    let approved = reviewed(&app, id, "APPROVE", None).await;
    assert_eq!(approved["partner"]["id"], ilo.as_str());
    let invitations = entity::invitations::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        !invitations
            .iter()
            .any(|i| i.email == "amina.diallo@ituc.example" && i.role == "ADMIN"),
        "{invitations:?}"
    );
}

#[tokio::test]
async fn applications_are_the_secretariats_and_the_applicants_only() {
    let app = spawn_app().await;
    let coalition = alliance(&app).await;
    let other_coalition = app
        .create_coalition(
            "Coalition mondiale pour la justice sociale",
            "global-coalition",
        )
        .await;
    let ours = app
        .create_partner("ISSA", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let theirs = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let our_admin = app.create_user("admin@issa.example", &ours, "ADMIN").await;
    let our_member = app
        .create_user("member@issa.example", &ours, "MEMBER")
        .await;
    let their_admin = app.create_user("admin@iom.example", &theirs, "ADMIN").await;
    let mut input = partner_application(&other_coalition, "ignored", "EN");
    input["input"]
        .as_object_mut()
        .unwrap()
        .remove("organisation");
    input["input"]["partnerId"] = json!(ours);
    let submitted = app.ok(Some(&our_admin.token), SUBMIT, input).await;
    let id = submitted["submitPartnershipApplication"]["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let anonymous = app
        .ok(
            None,
            SUBMIT,
            partner_application(&coalition, "Anti-Slavery International", "EN"),
        )
        .await;
    let anonymous_id = anonymous["submitPartnershipApplication"]["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The applicant and the secretariat see it, with the contact's e-mail.
    for token in [&our_admin.token, &app.admin_token] {
        let seen = app.ok(Some(token), BY_ID, json!({ "id": id })).await;
        assert_eq!(
            seen["node"]["contact"]["email"],
            "amina.diallo@ituc.example"
        );
    }
    // Another partner, a member who did not apply, and anonymous clients see nothing.
    for token in [Some(&their_admin.token), Some(&our_member.token), None] {
        for application in [&id, &anonymous_id] {
            let seen = app
                .ok(
                    token.map(|t| t.as_str()),
                    BY_ID,
                    json!({ "id": application }),
                )
                .await;
            assert!(seen["node"].is_null(), "{seen:#}");
        }
        let queue = app
            .graphql(
                token.map(|t| t.as_str()),
                "{ partnershipApplications(first: 5) { totalCount } }",
                json!({}),
            )
            .await;
        let code = first_error_code(&queue);
        assert!(
            code == "FORBIDDEN" || code == "UNAUTHENTICATED",
            "{queue:#}"
        );
        assert!(queue["data"].is_null() || queue["data"]["partnershipApplications"].is_null());
    }
    // Nor can they change, withdraw or decide it: it does not exist for them.
    let change = app
        .graphql(
            Some(&their_admin.token),
            UPDATE,
            json!({ "input": { "applicationId": id, "motivation": "mine now" } }),
        )
        .await;
    assert_eq!(first_error_code(&change), "NOT_FOUND");
    let withdraw = app
        .graphql(
            Some(&their_admin.token),
            WITHDRAW,
            json!({ "input": { "applicationId": id } }),
        )
        .await;
    assert_eq!(first_error_code(&withdraw), "NOT_FOUND");
    let decide = app
        .graphql(
            Some(&their_admin.token),
            REVIEW,
            json!({ "input": { "applicationId": id, "decision": "START_REVIEW" } }),
        )
        .await;
    assert_eq!(first_error_code(&decide), "NOT_FOUND");
    // The applicant changes it, but does not decide it.
    let decide = app
        .graphql(
            Some(&our_admin.token),
            REVIEW,
            json!({ "input": { "applicationId": id, "decision": "START_REVIEW" } }),
        )
        .await;
    assert_eq!(first_error_code(&decide), "FORBIDDEN");
    let change = app
        .ok(
            Some(&our_admin.token),
            UPDATE,
            json!({ "input": { "applicationId": id, "motivation": "Social protection for all." } }),
        )
        .await;
    assert_eq!(
        change["updatePartnershipApplication"]["application"]["motivation"],
        "Social protection for all."
    );
    // Guessed tokens open nothing.
    for guess in [
        "app_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "",
        &"x".repeat(10_000),
    ] {
        let found = app.ok(None, BY_TOKEN, json!({ "token": guess })).await;
        assert!(found["partnershipApplication"].is_null());
    }
    // Nothing an anonymous applicant wrote is public before approval.
    let directory = app
        .ok(
            None,
            "{ partners(first: 50, filter: { search: \"slavery\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(directory["partners"]["totalCount"], 0);
    // The secretariat's queue: oldest first, filtered.
    let queue = app
        .ok(Some(&app.admin_token), "query($c: ID!) { partnershipApplications(first: 10, filter: { coalitionId: $c, state: SUBMITTED, kind: PARTNER }) { totalCount nodes { id organisation { name } } } }", json!({ "c": coalition }))
        .await;
    assert_eq!(queue["partnershipApplications"]["totalCount"], 1);
    assert_eq!(
        queue["partnershipApplications"]["nodes"][0]["id"],
        anonymous_id.as_str()
    );
}

#[tokio::test]
async fn approval_does_everything_or_nothing() {
    let app = spawn_app().await;
    let coalition = alliance(&app).await;
    let submitted = app
        .ok(
            None,
            SUBMIT,
            pathfinder_application(&coalition, "Gouvernement du Niger", "NE"),
        )
        .await;
    let id = submitted["submitPartnershipApplication"]["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewed(&app, &id, "START_REVIEW", None).await;
    let mails_before = entity::mail_outbox::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    let events_before = entity::events::Entity::find().count(&app.db).await.unwrap();

    // The last write of approval fails: the pathfinder record.
    let (fail, unfail): (&[&str], &[&str]) = match app.db.get_database_backend() {
        DbBackend::Postgres => (
            &[
                "CREATE FUNCTION fail_pathfinder() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
                "CREATE TRIGGER fail_pathfinder BEFORE INSERT ON pathfinder_countries FOR EACH ROW EXECUTE FUNCTION fail_pathfinder()",
            ],
            &["DROP TRIGGER fail_pathfinder ON pathfinder_countries"],
        ),
        _ => (
            &["CREATE TRIGGER fail_pathfinder BEFORE INSERT ON pathfinder_countries BEGIN SELECT RAISE(ABORT, 'injected failure'); END"],
            &["DROP TRIGGER fail_pathfinder"],
        ),
    };
    for sql in fail {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    let failed = review(&app, &id, "APPROVE", None).await;
    assert_eq!(first_error_code(&failed), "INTERNAL", "{failed:#}");

    // Nothing of it is left: no partner, membership, invitation, e-mail or event.
    let state = app
        .ok(Some(&app.admin_token), BY_ID, json!({ "id": id }))
        .await;
    assert_eq!(state["node"]["state"], "UNDER_REVIEW");
    let partners = app
        .ok(None, "{ partners(first: 10) { totalCount } }", json!({}))
        .await;
    assert_eq!(partners["partners"]["totalCount"], 0);
    assert_eq!(
        entity::coalition_partners::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        entity::invitations::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        entity::mail_outbox::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        mails_before
    );
    assert_eq!(
        entity::events::Entity::find().count(&app.db).await.unwrap(),
        events_before
    );

    // Once the fault is gone, the same approval goes through.
    for sql in unfail {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    let approved = reviewed(&app, &id, "APPROVE", None).await;
    assert_eq!(approved["state"], "APPROVED");
    assert_eq!(
        entity::pathfinder_countries::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        entity::coalition_partners::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    // The contact as ADMIN and the nominee as FOCAL_POINT.
    assert_eq!(
        entity::invitations::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn anonymous_submissions_are_bounded_and_rate_limited_per_address() {
    let app = spawn_app_with(|config| config.applications_per_hour = 3).await;
    let coalition = alliance(&app).await;
    let mut huge = partner_application(&coalition, "Too Long", "EN");
    huge["input"]["motivation"] = json!("x".repeat(5_001));
    let response = app.graphql(None, SUBMIT, huge).await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "motivation");
    // A line break in a name cannot reach a header; one in an address is refused.
    let mut header_injection = partner_application(&coalition, "Evil\nBcc: all@example.org", "EN");
    header_injection["input"]["contact"]["email"] = json!("a@b.example\r\nBcc: all@example.org");
    let response = app.graphql(None, SUBMIT, header_injection).await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "contact.email"
    );

    // Counted: the two refused submissions above, then one more.
    let accepted = app
        .ok(
            None,
            SUBMIT,
            partner_application(&coalition, "Evil\nBcc: all@example.org", "EN"),
        )
        .await;
    assert_eq!(
        accepted["submitPartnershipApplication"]["application"]["state"],
        "SUBMITTED"
    );
    let limited = app
        .graphql(
            None,
            SUBMIT,
            partner_application(&coalition, "One Too Many", "EN"),
        )
        .await;
    crate::helpers::assert_rate_limited(&limited);
    // Nothing was written for it.
    let count = app
        .ok(
            Some(&app.admin_token),
            "{ partnershipApplications { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(count["partnershipApplications"]["totalCount"], 1);
    // The subject of the e-mail about the name with a line break is one line.
    let mails = wait_for_mails(&app, 1).await;
    assert!(
        mails[0].subject.contains("Evil Bcc: all@example.org"),
        "{}",
        mails[0].subject
    );
    assert_eq!(mails[0].to, "amina.diallo@ituc.example");
}

/// Puts `count` applications straight into the table (a queue as the
/// secretariat of a large coalition may face), in batches.
async fn fill_queue(app: &TestApp, coalition_row_id: i64, count: usize) {
    use entity::partnership_applications::ActiveModel;
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|n| ActiveModel {
            coalition_id: Set(coalition_row_id),
            kind: Set("PARTNER".into()),
            state: Set(if n % 2 == 0 {
                "SUBMITTED"
            } else {
                "UNDER_REVIEW"
            }
            .into()),
            locale: Set("EN".into()),
            org_name: Set(format!("Organisation {n:05}")),
            org_name_key: Set(format!("organisation {n:05}")),
            org_kind: Set("NGO".into()),
            contact_name: Set("Contact".into()),
            contact_email: Set(format!("contact{n}@example.org")),
            motivation: Set("Decent work for all.".into()),
            version: Set(1),
            submitted_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        entity::partnership_applications::Entity::insert_many(rows)
            .exec(&app.db)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_queue_of_ten_thousand_applications_pages_in_a_constant_number_of_statements() {
    let app = spawn_app().await;
    let coalition = alliance(&app).await;
    let row_id = coalition::ids::decode(&coalition).unwrap().1;
    fill_queue(&app, row_id, 10_000).await;
    let query = "query($after: String) { partnershipApplications(first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { id state organisation { name } contact { email } coalition { slug } partner { id } } } }";
    let mut after = Value::Null;
    let mut seen = 0;
    let mut statements = Vec::new();
    let mut previous = String::new();
    loop {
        let before = app.statements();
        let page = app
            .ok(Some(&app.admin_token), query, json!({ "after": after }))
            .await;
        statements.push(app.statements() - before);
        let connection = &page["partnershipApplications"];
        assert_eq!(connection["totalCount"], 10_000);
        for node in connection["nodes"].as_array().unwrap() {
            let name = node["organisation"]["name"].as_str().unwrap().to_owned();
            assert!(name > previous, "oldest first: {name} after {previous}");
            previous = name;
            seen += 1;
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, 10_000);
    statements.dedup();
    assert_eq!(statements.len(), 1, "statements per page: {statements:?}");
    println!(
        "10,000 applications in 100 pages of 100: {} statements per page",
        statements[0]
    );
    let filtered = app
        .ok(Some(&app.admin_token), "{ partnershipApplications(first: 100, filter: { state: UNDER_REVIEW }) { totalCount } }", json!({}))
        .await;
    assert_eq!(filtered["partnershipApplications"]["totalCount"], 5_000);
}
