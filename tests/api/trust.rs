//! Trust rules: what the public sees of progress, what events tell, what a
//! withdrawn partner keeps, whose address a limit counts, and how much hashing
//! a burst of requests can cause.
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{
    helpers::{first_error_code, spawn_app, spawn_app_with, TestApp, TestUser, USER_PASSWORD},
    ws_client::{Received, WsClient},
};

/// Two partners in one coalition and group: the ILO (LEAD, with an ADMIN and
/// a focal point) and the IOM (MEMBER, with an ADMIN), a secretariat user
/// from a third partner, and an outsider partner outside the coalition.
struct World {
    app: TestApp,
    coalition: String,
    group: String,
    ilo: String,
    iom: String,
    ilo_admin: TestUser,
    ilo_focal: TestUser,
    iom_admin: TestUser,
    secretariat: TestUser,
    outsider: TestUser,
}

async fn world(app: TestApp) -> World {
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let iom = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let issa = app
        .create_partner("ISSA", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let other = app.create_partner("Elsewhere", "NGO", None).await;
    app.add_coalition_partner(&coalition, &ilo).await;
    app.add_coalition_partner(&coalition, &iom).await;
    let group = app.create_group(&coalition, "Supply Chains").await;
    app.add_group_member(&group, &ilo, "LEAD").await;
    app.add_group_member(&group, &iom, "MEMBER").await;
    World {
        ilo_admin: app.create_user("admin@ilo.example", &ilo, "ADMIN").await,
        ilo_focal: app
            .create_user("focal@ilo.example", &ilo, "FOCAL_POINT")
            .await,
        iom_admin: app.create_user("admin@iom.example", &iom, "ADMIN").await,
        secretariat: app.create_secretariat(&issa).await,
        outsider: app
            .create_user("x@elsewhere.example", &other, "ADMIN")
            .await,
        app,
        coalition,
        group,
        ilo,
        iom,
    }
}

const REPORT: &str = "mutation($input: ReportProgressInput!) { reportProgress(input: $input) { progressReport { id } commitment { version } } }";
const REVIEW: &str = "mutation($input: ReviewProgressReportInput!) { reviewProgressReport(input: $input) { progressReport { reviewState } } }";
const CREATE_PLAN: &str = "mutation($g: ID!, $t: String!) { createWorkPlan(input: {actionGroupId: $g, title: $t, level: GLOBAL, startsOn: \"2026-01-01\", endsOn: \"2026-12-31\"}) { workPlan { id } } }";
const SECRET_REASON: &str = "the figures do not match the district registers";

impl World {
    /// Everyone the tests read as: each role of two partners, staff, an
    /// outsider, and anonymous.
    fn readers(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("anonymous", None),
            ("outsider", Some(&self.outsider.token)),
            ("IOM admin", Some(&self.iom_admin.token)),
            ("ILO focal point", Some(&self.ilo_focal.token)),
            ("ILO admin", Some(&self.ilo_admin.token)),
            ("secretariat", Some(&self.secretariat.token)),
        ]
    }

    /// A DRAFT work plan of the group, made by `token`; its id.
    async fn create_plan(&self, token: &str, title: &str) -> Value {
        let data = self
            .app
            .ok(
                Some(token),
                CREATE_PLAN,
                json!({ "g": self.group, "t": title }),
            )
            .await;
        data["createWorkPlan"]["workPlan"]["id"].clone()
    }

    async fn public_commitment(&self) -> String {
        let commitment = self
            .app
            .create_commitment(
                &self.ilo,
                "Remove child labour from cocoa supply chains",
                json!({ "actionGroupId": self.group, "visibility": "PUBLIC", "focalPointId": self.ilo_focal.id }),
            )
            .await;
        commitment["id"].as_str().unwrap().to_owned()
    }

    async fn report(&self, commitment: &str, progress: i32, status: &str) -> String {
        let data = self
            .app
            .ok(
                Some(&self.ilo_focal.token),
                REPORT,
                json!({ "input": { "commitmentId": commitment, "progress": progress, "status": status, "value": f64::from(progress) } }),
            )
            .await;
        data["reportProgress"]["progressReport"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn review(&self, report: &str, decision: &str, reason: Option<&str>) {
        self.app
            .ok(
                Some(&self.secretariat.token),
                REVIEW,
                json!({ "input": { "progressReportId": report, "decision": decision, "reason": reason } }),
            )
            .await;
    }

    /// What `token` sees of the commitment, its pending report, and the group's roll-up.
    async fn sight(&self, token: Option<&str>, commitment: &str) -> Value {
        let data = self
            .app
            .ok(
                token,
                "query($c: ID!, $g: ID!) { c: node(id: $c) { ... on Commitment { progress status currentValue latestReport { progress } pendingReport { progress } } } g: node(id: $g) { ... on ActionGroup { progress { averageProgress } } } }",
                json!({ "c": commitment, "g": self.group }),
            )
            .await;
        json!({
            "progress": data["c"]["progress"],
            "status": data["c"]["status"],
            "value": data["c"]["currentValue"],
            "latest": data["c"]["latestReport"]["progress"],
            "pending": data["c"]["pendingReport"]["progress"],
            "average": data["g"]["progress"]["averageProgress"],
        })
    }
}

#[tokio::test]
async fn the_public_sees_reviewed_progress_only() {
    let w = world(spawn_app().await).await;
    let c = w.public_commitment().await;
    let nothing_yet = json!({ "progress": 0, "status": "PLANNED", "value": null, "latest": null, "pending": null, "average": 0.0 });
    let report = w.report(&c, 100, "COMPLETED").await;
    // Before any review: the public sees nothing of it; the partner and the
    // secretariat see the report in review.
    for (who, token) in [
        ("anonymous", None),
        ("outsider", Some(w.outsider.token.as_str())),
        ("IOM admin", Some(&w.iom_admin.token)),
    ] {
        assert_eq!(w.sight(token, &c).await, nothing_yet, "{who} before review");
    }
    for (who, token) in [
        ("ILO admin", &w.ilo_admin.token),
        ("secretariat", &w.secretariat.token),
    ] {
        let seen = w.sight(Some(token), &c).await;
        assert_eq!(seen["progress"], 0, "{who}");
        assert_eq!(seen["pending"], 100, "{who}");
        assert_eq!(seen["latest"], 100, "{who}");
    }
    // RETURN changes nothing public.
    w.review(&report, "RETURN", Some(SECRET_REASON)).await;
    for (who, token) in w.readers() {
        let seen = w.sight(token, &c).await;
        assert_eq!(seen["progress"], 0, "{who} after RETURN");
        assert_eq!(seen["status"], "PLANNED", "{who} after RETURN");
        assert_eq!(seen["pending"], Value::Null, "{who} after RETURN");
    }
    // A new report, approved: now everyone sees it.
    let second = w.report(&c, 60, "ON_TRACK").await;
    w.review(&second, "APPROVE", None).await;
    let published = json!({ "progress": 60, "status": "ON_TRACK", "value": 60.0, "latest": 60, "pending": null, "average": 60.0 });
    for (who, token) in w.readers() {
        assert_eq!(w.sight(token, &c).await, published, "{who} after APPROVE");
    }
    // Approving an older report after a newer one changes nothing public.
    let third = w.report(&c, 80, "ON_TRACK").await;
    let fourth = w.report(&c, 90, "AT_RISK").await;
    w.review(&fourth, "APPROVE", None).await;
    w.review(&third, "APPROVE", None).await;
    assert_eq!(w.sight(None, &c).await["progress"], 90);
    // The reason is the report's, for the partner and the secretariat.
    let reason = "query($r: ID!) { node(id: $r) { ... on ProgressReport { reviewReason } } }";
    for (who, token, sees) in [
        ("anonymous", None, false),
        ("IOM admin", Some(w.iom_admin.token.as_str()), false),
        ("ILO focal point", Some(&w.ilo_focal.token), true),
        ("secretariat", Some(&w.secretariat.token), true),
    ] {
        let data = w.app.ok(token, reason, json!({ "r": report })).await;
        let expected = if sees {
            json!({ "reviewReason": SECRET_REASON })
        } else {
            Value::Null
        };
        assert_eq!(data["node"], expected, "{who}");
    }
}

#[tokio::test]
async fn an_outsider_following_a_commitment_sees_only_approved_values() {
    let w = world(spawn_app().await).await;
    let c = w.public_commitment().await;
    let mut client = WsClient::ready(&w.app, None).await;
    client
        .subscribe(
            "c",
            "subscription($c: ID!) { commitmentUpdated(commitmentId: $c) { progress status } }",
            json!({ "c": c }),
        )
        .await;
    // Changed until the subscription, once set up, sees a change.
    let mut pending = Vec::new();
    loop {
        pending.push(w.report(&c, 90, "COMPLETED").await);
        if let Some(Received::Message(m)) = client.try_receive(Duration::from_millis(300)).await {
            assert_eq!(
                m["payload"]["data"]["commitmentUpdated"],
                json!({ "progress": 0, "status": "PLANNED" })
            );
            break;
        }
    }
    let approved = w.report(&c, 40, "ON_TRACK").await;
    w.review(&approved, "APPROVE", None).await;
    loop {
        let data = client.next_data("c").await["commitmentUpdated"].clone();
        if data["progress"] == 40 {
            assert_eq!(data["status"], "ON_TRACK");
            break;
        }
        assert_eq!(
            data,
            json!({ "progress": 0, "status": "PLANNED" }),
            "unreviewed values reached an outsider"
        );
    }
}

/// Every id in `payload`, at any depth, under a key ending in `Id` or `Ids`.
fn payload_ids(payload: &Value, found: &mut Vec<String>) {
    match payload {
        Value::Object(map) => {
            for (key, value) in map {
                if key.ends_with("Id") || key.ends_with("Ids") {
                    match value {
                        Value::Array(items) => found.extend(items.iter().map(|i| i.to_string())),
                        other => found.push(other.to_string()),
                    }
                }
                payload_ids(value, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| payload_ids(item, found)),
        _ => {}
    }
}

#[tokio::test]
async fn events_tell_their_readers_nothing_confidential_and_name_things_by_global_ids() {
    let w = world(spawn_app().await).await;
    // One of every kind of change, each with something that must not leak.
    let c = w.public_commitment().await;
    let returned = w.report(&c, 97, "COMPLETED").await;
    w.review(&returned, "RETURN", Some(SECRET_REASON)).await;
    let approved = w.report(&c, 30, "ON_TRACK").await;
    w.review(&approved, "APPROVE", None).await;
    w.report(&c, 77, "AT_RISK").await;
    w.app
        .ok(Some(&w.ilo_admin.token), "mutation($id: ID!) { updateCommitment(input: {commitmentId: $id, title: \"Renamed\"}) { commitment { id } } }", json!({ "id": c }))
        .await;
    let plan = w.create_plan(&w.ilo_admin.token, "Plan").await;
    let item = w
        .app
        .ok(Some(&w.ilo_admin.token), "mutation($p: ID!) { addWorkPlanItem(input: {workPlanId: $p, title: \"Item\"}) { item { id } } }", json!({ "p": plan }))
        .await;
    let item = item["addWorkPlanItem"]["item"]["id"].clone();
    w.app
        .ok(Some(&w.ilo_admin.token), "mutation($p: ID!, $i: ID!) { reorderWorkPlanItems(input: {workPlanId: $p, itemIds: [$i]}) { workPlan { id } } }", json!({ "p": plan, "i": item }))
        .await;
    w.app
        .ok(
            Some(&w.ilo_admin.token),
            "mutation($i: ID!) { removeWorkPlanItem(input: {itemId: $i}) { workPlan { id } } }",
            json!({ "i": item }),
        )
        .await;

    // The last event's sequence id bounds every event id (ids are sequential).
    let newest = w
        .app
        .ok(Some(&w.secretariat.token), "query($g: ID!) { node(id: $g) { ... on ActionGroup { events(first: 1) { nodes { id } } } } }", json!({ "g": w.group }))
        .await;
    let newest_id = newest["node"]["events"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, last_row) = coalition::ids::decode(&newest_id).unwrap();
    let event = "query($id: ID!) { node(id: $id) { ... on Event { kind payload } } }";
    let mut kinds = std::collections::BTreeSet::new();
    for (who, token) in w.readers() {
        let mut readable = 0;
        for row in 1..=last_row + 20 {
            let id = coalition::ids::global_id(coalition::ids::NodeKind::Event, row);
            let data = w.app.ok(token, event, json!({ "id": id })).await;
            let Some(payload) = data["node"]["payload"].as_object() else {
                continue;
            };
            readable += 1;
            let kind = data["node"]["kind"].as_str().unwrap().to_owned();
            let text = Value::Object(payload.clone()).to_string();
            // The author's own notification carries the reason; nothing else does.
            let author = who == "ILO focal point";
            assert!(
                !text.contains(SECRET_REASON) || author,
                "{who} reads the return reason in {kind}: {text}"
            );
            // What a report says travels only in the secretariat's own feed.
            if kind == "commitment.progress_reported" && who != "secretariat" {
                for key in ["progress", "status", "value", "narrative"] {
                    assert!(
                        payload.get(key).is_none(),
                        "{who} reads {key} of a report in review: {text}"
                    );
                }
            }
            if kind == "progress_report.returned" && !author {
                assert!(payload.get("returnReason").is_none(), "{who}: {text}");
            }
            let mut ids = Vec::new();
            payload_ids(&Value::Object(payload.clone()), &mut ids);
            for id in ids {
                let id = id.trim_matches('"');
                assert!(
                    coalition::ids::decode(id).is_some(),
                    "{kind}: {id} is not a global id ({text})"
                );
            }
            kinds.insert(kind);
        }
        assert!(
            readable > 0 || who == "anonymous" || who == "outsider",
            "{who} read nothing"
        );
    }
    // The checks above ran over every kind these changes make.
    for kind in [
        "commitment.progress_reported",
        "commitment.created",
        "work_plan.created",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} among {kinds:?}");
    }
    assert!(kinds.len() >= 8, "{kinds:?}");
}

#[tokio::test]
async fn the_return_reason_reaches_the_author_in_their_notifications() {
    let w = world(spawn_app().await).await;
    let c = w.public_commitment().await;
    let report = w.report(&c, 50, "ON_TRACK").await;
    w.review(&report, "RETURN", Some(SECRET_REASON)).await;
    let data = w
        .app
        .ok(Some(&w.ilo_focal.token), "{ me { notifications(first: 10) { nodes { reason event { payload subject { id } } } } } }", Value::Null)
        .await;
    let notes = data["me"]["notifications"]["nodes"].as_array().unwrap();
    let returned = notes
        .iter()
        .find(|n| n["reason"] == "report_returned")
        .expect("a notification");
    assert_eq!(returned["event"]["payload"]["returnReason"], SECRET_REASON);
    assert_eq!(returned["event"]["subject"]["id"], report.as_str());
}

#[tokio::test]
async fn a_withdrawn_partner_keeps_its_rows_and_loses_its_group_rights() {
    let w = world(spawn_app_with(|config| config.ws_session_check_secs = 1).await).await;
    let hidden = w
        .app
        .create_commitment(
            &w.iom,
            "IOM internal",
            json!({ "actionGroupId": w.group, "visibility": "GROUP" }),
        )
        .await;
    let plan = w.create_plan(&w.secretariat.token, "Draft plan").await;
    // The ILO, the group's LEAD, manages before it withdraws.
    let manage = "mutation($g: ID!) { updateActionGroup(input: {actionGroupId: $g, description: \"Managed\"}) { actionGroup { id } } }";
    w.app
        .ok(Some(&w.ilo_admin.token), manage, json!({ "g": w.group }))
        .await;
    let mut client = WsClient::ready(&w.app, Some(&w.ilo_admin.token)).await;

    w.app
        .ok(Some(&w.secretariat.token), "mutation($c: ID!, $p: ID!) { updateCoalitionPartner(input: {coalitionId: $c, partnerId: $p, status: WITHDRAWN}) { membership { status } } }", json!({ "c": w.coalition, "p": w.ilo }))
        .await;

    let token = Some(w.ilo_admin.token.as_str());
    // Reads of internal data.
    let internals = w
        .app
        .graphql(token, "query($g: ID!, $h: ID!, $p: ID!) { g: node(id: $g) { ... on ActionGroup { workPlans { id } events(first: 1) { totalCount } } } h: node(id: $h) { id } p: node(id: $p) { id } }", json!({ "g": w.group, "h": hidden["id"], "p": plan }))
        .await;
    assert_eq!(first_error_code(&internals), "FORBIDDEN", "{internals:#}");
    assert_eq!(
        internals["data"]["h"],
        Value::Null,
        "a GROUP commitment of another member"
    );
    assert_eq!(internals["data"]["p"], Value::Null, "a draft plan");
    // Management.
    assert_eq!(
        w.app
            .error_code(token, manage, json!({ "g": w.group }))
            .await,
        "FORBIDDEN"
    );
    let add_plan = json!({ "g": w.group, "t": "P" });
    assert_eq!(
        w.app.error_code(token, CREATE_PLAN, add_plan).await,
        "FORBIDDEN"
    );
    let add_member = "mutation($g: ID!, $p: ID!) { addActionGroupMember(input: {actionGroupId: $g, partnerId: $p, role: OBSERVER}) { member { role } } }";
    assert_ne!(
        w.app
            .graphql(token, add_member, json!({ "g": w.group, "p": w.iom }))
            .await["errors"],
        Value::Null
    );
    // New commitments in the group.
    let create = "mutation($p: ID!, $g: ID!) { createCommitment(input: {partnerId: $p, title: \"After leaving\", actionGroupId: $g}) { commitment { id } } }";
    let refused = w
        .app
        .graphql(token, create, json!({ "p": w.ilo, "g": w.group }))
        .await;
    assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{refused:#}");
    // The rows stay, for the record.
    let members = w
        .app
        .ok(None, "query($g: ID!) { node(id: $g) { ... on ActionGroup { members(first: 10) { totalCount } } } }", json!({ "g": w.group }))
        .await;
    assert_eq!(members["node"]["members"]["totalCount"], 2);
    // A connection opened before the withdrawal loses the group at its next
    // session check (every second here).
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    client
        .subscribe(
            "g",
            "subscription($g: ID!) { actionGroupEvents(actionGroupId: $g) { kind } }",
            json!({ "g": w.group }),
        )
        .await;
    client.expect_error("g", "FORBIDDEN").await;
}

#[tokio::test]
async fn the_client_address_is_counted_from_the_right_of_x_forwarded_for() {
    let app = spawn_app_with(|config| config.trust_forwarded_for = 1).await;
    let login = "mutation($e: String!) { login(input: {email: $e, password: \"wrong password here\"}) { token } }";
    // 30 failures per client address: each forged with a new first entry, all
    // from the same address as the one trusted proxy appended.
    let mut codes = Vec::new();
    for attempt in 0..32 {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("x-forwarded-for", format!("10.9.{}.{}, 203.0.113.7", attempt / 250, attempt % 250))
            .json(&json!({ "query": login, "variables": { "e": format!("user{attempt}@test.example") } }))
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        codes.push(first_error_code(&body));
    }
    assert!(
        codes[..30].iter().all(|c| c == "UNAUTHENTICATED"),
        "{codes:?}"
    );
    assert_eq!(codes[30], "RATE_LIMITED", "{codes:?}");
    // Another client behind the same proxy is not held up.
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", "203.0.113.7, 198.51.100.20")
        .json(&json!({ "query": login, "variables": { "e": "other@test.example" } }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
    assert_eq!(body["errors"][0]["message"], "invalid e-mail or password");
}

#[tokio::test]
async fn a_burst_of_password_checks_stays_bounded_and_others_are_answered() {
    let app = spawn_app().await;
    let partner = app.create_partner("Partner", "NGO", None).await;
    let user = app
        .create_user("burst@test.example", &partner, "ADMIN")
        .await;
    let change = json!({
        "query": "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { id } } }",
        "variables": { "input": { "currentPassword": "not the current password", "newPassword": "a brand new password" } },
    });
    let before = resident_kib();
    let burst: Vec<_> = (0..200)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/graphql");
            let token = user.token.clone();
            let body = change.clone();
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let body: Value = response.json().await.unwrap();
                first_error_code(&body)
            })
        })
        .collect();
    let started = Instant::now();
    let probe = app.ok(None, "{ __typename }", Value::Null).await;
    assert_eq!(probe["__typename"], "Query");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "a query waited {:?}",
        started.elapsed()
    );
    let mut codes = Vec::new();
    for task in burst {
        codes.push(task.await.unwrap());
    }
    let wrong = codes.iter().filter(|c| *c == "BAD_USER_INPUT").count();
    let limited = codes.iter().filter(|c| *c == "RATE_LIMITED").count();
    // Five wrong guesses per e-mail are checked; every other one is refused
    // before any hashing.
    assert_eq!(wrong, 5, "{codes:?}");
    assert_eq!(limited, 195, "{codes:?}");
    // At most a few hashes ran at once: far below 200 × 19 MiB.
    let grown = resident_kib().saturating_sub(before);
    assert!(grown < 400 * 1024, "the process grew {grown} KiB");
    // Those guesses count against the e-mail's login budget too.
    let login = app
        .graphql(None, "mutation($p: String!) { login(input: {email: \"burst@test.example\", password: $p}) { token } }", json!({ "p": USER_PASSWORD }))
        .await;
    assert_eq!(first_error_code(&login), "RATE_LIMITED");
    // The session is untouched: nothing was changed.
    let me = app
        .ok(Some(&user.token), "{ me { id } }", Value::Null)
        .await;
    assert_eq!(me["me"]["id"], user.id.as_str());
}

/// The test process's resident memory (the server runs in it), in KiB.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn an_absurd_expected_version_is_a_conflict() {
    let w = world(spawn_app().await).await;
    let plan = w.create_plan(&w.ilo_admin.token, "Plan").await;
    let c = w.public_commitment().await;
    let max = i32::MAX;
    for (name, query, variables) in [
        ("updateActionGroup", "mutation($id: ID!, $v: Int) { updateActionGroup(input: {actionGroupId: $id, name: \"N\", expectedVersion: $v}) { actionGroup { id } } }", json!({ "id": w.group, "v": max })),
        ("updatePartner", "mutation($id: ID!, $v: Int) { updatePartner(input: {partnerId: $id, region: \"R\", expectedVersion: $v}) { partner { id } } }", json!({ "id": w.ilo, "v": max })),
        ("updateWorkPlan", "mutation($id: ID!, $v: Int) { updateWorkPlan(input: {workPlanId: $id, title: \"T\", expectedVersion: $v}) { workPlan { id } } }", json!({ "id": plan, "v": max })),
        ("updateCommitment", "mutation($id: ID!, $v: Int) { updateCommitment(input: {commitmentId: $id, title: \"T\", expectedVersion: $v}) { commitment { id } } }", json!({ "id": c, "v": max })),
        ("updateActionGroup, negative", "mutation($id: ID!, $v: Int) { updateActionGroup(input: {actionGroupId: $id, name: \"N\", expectedVersion: $v}) { actionGroup { id } } }", json!({ "id": w.group, "v": i32::MIN })),
    ] {
        let response = w.app.graphql(Some(&w.secretariat.token), query, variables).await;
        assert_eq!(first_error_code(&response), "CONFLICT", "{name}: {response:#}");
    }
    let report = "mutation($id: ID!, $v: Int) { reportProgress(input: {commitmentId: $id, progress: 1, status: ON_TRACK, expectedVersion: $v}) { commitment { id } } }";
    let response = w
        .app
        .graphql(
            Some(&w.ilo_focal.token),
            report,
            json!({ "id": c, "v": max }),
        )
        .await;
    assert_eq!(
        first_error_code(&response),
        "CONFLICT",
        "reportProgress: {response:#}"
    );
}

#[tokio::test]
async fn concurrent_item_adds_get_their_own_positions_and_a_plan_holds_at_most_500() {
    let w = world(spawn_app().await).await;
    let plan = w
        .create_plan(&w.ilo_admin.token, "Plan")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    let add = "mutation($p: ID!, $t: String!) { addWorkPlanItem(input: {workPlanId: $p, title: $t}) { item { id } } }";
    let adds: Vec<_> = (0..20)
        .map(|i| {
            let client = w.app.client.clone();
            let url = w.app.url("/graphql");
            let token = w.ilo_admin.token.clone();
            let body =
                json!({ "query": add, "variables": { "p": plan, "t": format!("Item {i}") } });
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                response.json::<Value>().await.unwrap()
            })
        })
        .collect();
    for task in adds {
        let answer = task.await.unwrap();
        assert!(answer.get("errors").is_none(), "{answer:#}");
    }
    let row_id = coalition::ids::decode(&plan).unwrap().1;
    let positions = item_positions(&w.app, row_id).await;
    assert_eq!(
        positions,
        (0..20).collect::<Vec<i64>>(),
        "each its own position"
    );

    // Filled to the cap in one statement, then one more is refused.
    fill_plan(&w.app, row_id, 480).await;
    let last = w
        .app
        .graphql(
            Some(&w.ilo_admin.token),
            add,
            json!({ "p": plan, "t": "One too many" }),
        )
        .await;
    assert_eq!(first_error_code(&last), "CONFLICT", "{last:#}");
    assert_eq!(item_positions(&w.app, row_id).await.len(), 500);
}

async fn item_positions(app: &TestApp, plan_row: i64) -> Vec<i64> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT position FROM work_plan_items WHERE work_plan_id = {plan_row} ORDER BY position"),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.try_get::<i32>("", "position").unwrap().into())
        .collect()
}

async fn fill_plan(app: &TestApp, plan_row: i64, count: i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         INSERT INTO work_plan_items (work_plan_id, title, status, position, created_at, updated_at) \
         SELECT {plan_row}, 'Filler', 'PLANNED', 19 + i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n"
    );
    app.db
        .execute_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_wrong_password_says_so_and_a_missing_session_says_so() {
    let app = spawn_app().await;
    let login = "mutation { login(input: {email: \"admin@test.example\", password: \"not the password\"}) { token } }";
    let response = app.graphql(None, login, Value::Null).await;
    assert_eq!(first_error_code(&response), "UNAUTHENTICATED");
    assert_eq!(
        response["errors"][0]["message"],
        "invalid e-mail or password"
    );
    let unknown = "mutation { login(input: {email: \"nobody@test.example\", password: \"not the password\"}) { token } }";
    let response = app.graphql(None, unknown, Value::Null).await;
    assert_eq!(
        response["errors"][0]["message"],
        "invalid e-mail or password"
    );
    let response = app.graphql(None, "mutation { logout }", Value::Null).await;
    assert_eq!(first_error_code(&response), "UNAUTHENTICATED");
    assert_eq!(response["errors"][0]["message"], "authentication required");
}
