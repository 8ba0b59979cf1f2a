//! E-mail that really goes out: `.eml` files without SMTP_URL, a real SMTP
//! server otherwise, the outbox holding messages while the server is down, and
//! two nodes never sending one message twice.
use std::time::{Duration, Instant};

use coalition::{domain::Locale, mail};
use entity::mail_outbox;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::{
    helpers::{spawn_app, spawn_app_with, TestApp},
    smtp_process::{self, SmtpProcess},
};

const INVITE: &str =
    "mutation($input: InviteUserInput!) { inviteUser(input: $input) { invitationToken } }";

async fn invite(app: &TestApp, partner: &str, email: &str, locale: &str) -> String {
    let data = app
        .ok(
            Some(&app.admin_token),
            INVITE,
            json!({ "input": { "email": email, "partnerId": partner, "role": "FOCAL_POINT", "locale": locale } }),
        )
        .await;
    data["inviteUser"]["invitationToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn smtp_app(smtp: &SmtpProcess) -> impl FnOnce(&mut coalition::config::Config) {
    let url = smtp.url();
    move |config| {
        config.smtp_url = Some(coalition::config::SecretUrl::new(&url));
        config.public_url = "https://coalition.example/".to_owned();
    }
}

#[tokio::test]
async fn without_smtp_an_invitation_is_written_as_an_eml_file_in_its_language() {
    let app = spawn_app().await;
    let partner = app
        .create_partner(
            "Organisation internationale du Travail",
            "INTERNATIONAL_ORGANIZATION",
            None,
        )
        .await;
    let token = invite(&app, &partner, "Ana@OIT.example", "FR").await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let file = loop {
        let files: Vec<_> = std::fs::read_dir(&app.mail_dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        if let Some(file) = files
            .into_iter()
            .find(|f| f.extension().is_some_and(|e| e == "eml"))
        {
            break file;
        }
        assert!(
            Instant::now() < deadline,
            "no .eml file in {}",
            app.mail_dir.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let message = smtp_process::parse(&std::fs::read(&file).unwrap());
    assert_eq!(message.to, "ana@oit.example");
    assert_eq!(message.content_language, "fr");
    assert!(
        message
            .subject
            .starts_with("Invitation à rejoindre Organisation internationale du Travail"),
        "{}",
        message.subject
    );
    let link = format!("http://127.0.0.1:8080/invitations/accept?token={token}");
    assert!(message.text.contains(&link), "{}", message.text);
    assert!(message.html.contains("point focal"), "{}", message.html);
}

#[tokio::test]
async fn invitations_reach_a_real_smtp_server_and_wait_in_the_outbox_while_it_is_down() {
    let Some(mut smtp) = SmtpProcess::start() else {
        return;
    };
    let app = spawn_app_with(smtp_app(&smtp)).await;
    let partner = app
        .create_partner(
            "Organización Internacional para las Migraciones",
            "INTERNATIONAL_ORGANIZATION",
            None,
        )
        .await;

    let token = invite(&app, &partner, "luis@oim.example", "ES").await;
    let received = smtp.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(received[0].to, "luis@oim.example");
    assert_eq!(received[0].content_language, "es");
    assert!(
        received[0].subject.starts_with("Invitación a unirse"),
        "{}",
        received[0].subject
    );
    assert!(
        received[0].text.contains(&format!(
            "https://coalition.example/invitations/accept?token={token}"
        )),
        "{}",
        received[0].text
    );

    smtp.stop();
    invite(&app, &partner, "maria@oim.example", "EN").await;
    // The attempt fails and is recorded; the message waits.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let waiting = mail_outbox::Entity::find().all(&app.db).await.unwrap();
        let failed = waiting
            .iter()
            .find(|m| m.recipient == "maria@oim.example" && m.attempts > 0);
        if let Some(failed) = failed {
            assert!(failed.sent_at.is_none());
            assert!(
                failed.last_error.as_deref().is_some_and(|e| !e.is_empty()),
                "{failed:?}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no failed attempt was recorded: {waiting:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    smtp.restart();
    let received = smtp.wait_for(2, Duration::from_secs(30)).await;
    let maria = received
        .iter()
        .find(|m| m.to == "maria@oim.example")
        .expect("the message that waited");
    assert_eq!(maria.content_language, "en");
}

#[tokio::test]
async fn two_nodes_on_one_database_send_each_message_once() {
    let Some(smtp) = SmtpProcess::start() else {
        return;
    };
    let first = spawn_app_with(smtp_app(&smtp)).await;
    let second = first.spawn_node(smtp_app(&smtp)).await;
    let partner = first
        .create_partner(
            "Alliance 8.7 Secretariat",
            "INTERNATIONAL_ORGANIZATION",
            None,
        )
        .await;

    const MESSAGES: usize = 300;
    let txn = sea_orm::TransactionTrait::begin(&first.db).await.unwrap();
    for n in 0..MESSAGES {
        let mail = mail::templates::invitation(
            Locale::En,
            &format!("person{n}@example.org"),
            "ILO",
            coalition::domain::PartnerRole::Member,
            "https://coalition.example/x",
        );
        mail::enqueue(&txn, mail, None).await.unwrap();
    }
    txn.commit().await.unwrap();
    // And one through each node's API.
    invite(&first, &partner, "one@example.org", "EN").await;
    invite(&second, &partner, "two@example.org", "FR").await;

    let received = smtp.wait_for(MESSAGES + 2, Duration::from_secs(60)).await;
    // Both workers keep polling for a while: nothing more may arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received_after = smtp.received();
    assert_eq!(
        received_after.len(),
        MESSAGES + 2,
        "a message was sent twice"
    );
    let mut recipients: Vec<_> = received.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), MESSAGES + 2);
    let unsent = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .count(&first.db)
        .await
        .unwrap();
    assert_eq!(unsent, 0);
}

/// Prints (does not assert) how fast one node's worker sends to a local SMTP
/// server that accepts and discards: `cargo test --release --test api
/// outbox_throughput -- --nocapture`. A message counts once the server has
/// accepted it and the outbox records it as sent.
#[tokio::test]
async fn outbox_throughput_to_a_local_smtp_server() {
    let Some(smtp) = SmtpProcess::start_sink() else {
        return;
    };
    let app = spawn_app_with(smtp_app(&smtp)).await;
    const MESSAGES: usize = 2_000;
    let txn = sea_orm::TransactionTrait::begin(&app.db).await.unwrap();
    for n in 0..MESSAGES {
        let mail = mail::templates::invitation(
            Locale::Fr,
            &format!("p{n}@example.org"),
            "OIT",
            coalition::domain::PartnerRole::Member,
            "https://coalition.example/x",
        );
        mail::enqueue(&txn, mail, None).await.unwrap();
    }
    let started = Instant::now();
    txn.commit().await.unwrap();
    let deadline = started + Duration::from_secs(120);
    loop {
        let unsent = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::SentAt.is_null())
            .count(&app.db)
            .await
            .unwrap();
        if unsent == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{unsent} e-mails still unsent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "outbox throughput: {MESSAGES} messages in {seconds:.2} s = {:.0} messages/s \
         (one node, aiosmtpd on localhost)",
        MESSAGES as f64 / seconds
    );
}

#[tokio::test]
async fn an_applicant_is_told_by_real_e_mail_at_each_step_in_its_language() {
    use crate::applications::{partner_application, REVIEW, SUBMIT};
    let Some(smtp) = SmtpProcess::start() else {
        return;
    };
    let app = spawn_app_with(smtp_app(&smtp)).await;
    let coalition = app.create_coalition("Alianza 8.7", "alliance-8-7").await;
    let submitted = app
        .ok(
            None,
            SUBMIT,
            partner_application(&coalition, "Fundación Trabajo Digno", "ES"),
        )
        .await;
    let token = submitted["submitPartnershipApplication"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = submitted["submitPartnershipApplication"]["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let decide = |decision: &'static str, reason: Option<&'static str>| {
        let app = &app;
        let id = id.clone();
        async move {
            app.ok(
                Some(&app.admin_token),
                REVIEW,
                json!({ "input": { "applicationId": id, "decision": decision, "reason": reason } }),
            )
            .await
        }
    };
    decide("START_REVIEW", None).await;
    decide("REQUEST_INFO", Some("Indique sus compromisos para 2026.")).await;
    decide("REJECT", Some("Fuera del ámbito de la Alianza.")).await;

    let received = smtp.wait_for(4, Duration::from_secs(20)).await;
    for message in &received {
        assert_eq!(message.to, "amina.diallo@ituc.example");
        assert_eq!(message.content_language, "es");
        assert!(message
            .html
            .contains("<a href=\"https://coalition.example/applications"));
    }
    // Messages go out concurrently: found by what they say, not by order.
    let about = |subject: &str| {
        received
            .iter()
            .find(|m| m.subject.contains(subject))
            .unwrap_or_else(|| panic!("no e-mail about {subject:?}: {received:#?}"))
    };
    let first = about("recibimos la candidatura de Fundación Trabajo Digno");
    assert!(first.text.contains(&format!(
        "https://coalition.example/applications/follow?token={token}"
    )));
    // Only the first message carries the token.
    assert_eq!(
        received.iter().filter(|m| m.text.contains(&token)).count(),
        1
    );
    about("está en examen");
    assert!(about("se necesita más información")
        .text
        .contains("Motivo: Indique sus compromisos para 2026."));
    assert!(about("decisión sobre la candidatura")
        .text
        .contains("Motivo: Fuera del ámbito de la Alianza."));
}
