//! Commitments, progress reports, reviews, roll-ups and the activity trail.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app, TestApp, TestUser};

struct Setup {
    app: TestApp,
    coalition: String,
    group: String,
    ilo: String,
    ilo_admin: TestUser,
    focal: TestUser,
    other_focal: TestUser,
    secretariat: TestUser,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let ilo = app
        .create_partner("ILO", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    let iom = app
        .create_partner("IOM", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    app.add_coalition_partner(&coalition, &ilo).await;
    app.add_coalition_partner(&coalition, &iom).await;
    let group = app.create_group(&coalition, "Supply Chains").await;
    app.add_group_member(&group, &ilo, "LEAD").await;
    let ilo_admin = app.create_user("admin@ilo.example", &ilo, "ADMIN").await;
    let focal = app
        .create_user("focal@ilo.example", &ilo, "FOCAL_POINT")
        .await;
    let other_focal = app
        .create_user("focal2@ilo.example", &ilo, "FOCAL_POINT")
        .await;
    let secretariat = app.create_secretariat(&iom).await;
    Setup {
        app,
        coalition,
        group,
        ilo,
        ilo_admin,
        focal,
        other_focal,
        secretariat,
    }
}

const CREATE: &str = "mutation($input: CreateCommitmentInput!) { createCommitment(input: $input) { commitment { id title status progress version visibility dueOn focalPoint { displayName } actionGroup { name } coalition { slug } } } }";
const REPORT: &str = "mutation($input: ReportProgressInput!) { reportProgress(input: $input) { progressReport { id progress status narrative reviewState commitmentVersion author { displayName } } commitment { progress status version currentValue } } }";

async fn commitment(s: &Setup) -> String {
    let data = s
        .app
        .ok(
            Some(&s.ilo_admin.token),
            CREATE,
            json!({ "input": { "partnerId": s.ilo, "title": "Remove child labour from cocoa supply chains", "actionGroupId": s.group, "indicator": "Children removed", "unit": "children", "baseline": 0.0, "targetValue": 500.0, "dueOn": "2030-12-31", "focalPointId": s.focal.id } }),
        )
        .await;
    data["createCommitment"]["commitment"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_partner_admin_commits_in_a_group_and_names_a_focal_point() {
    let s = setup().await;
    let data = s
        .app
        .ok(Some(&s.ilo_admin.token), CREATE, json!({ "input": { "partnerId": s.ilo, "title": "Ratify C182", "actionGroupId": s.group, "focalPointId": s.focal.id } }))
        .await;
    let c = &data["createCommitment"]["commitment"];
    assert_eq!(c["status"], "PLANNED");
    assert_eq!(c["progress"], 0);
    assert_eq!(c["visibility"], "PUBLIC");
    assert_eq!(c["focalPoint"]["displayName"], "focal@ilo.example");
    assert_eq!(c["coalition"]["slug"], "alliance-8-7");

    // A member (not ADMIN) cannot commit for the partner; a non-member partner cannot commit in the group.
    let member = s
        .app
        .create_user("member@ilo.example", &s.ilo, "MEMBER")
        .await;
    let refused = s
        .app
        .graphql(
            Some(&member.token),
            CREATE,
            json!({ "input": { "partnerId": s.ilo, "title": "X" } }),
        )
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
    let outsider = s.app.create_partner("Outsider", "NGO", None).await;
    let not_in_group = s
        .app
        .graphql(
            Some(&s.app.admin_token),
            CREATE,
            json!({ "input": { "partnerId": outsider, "title": "X", "actionGroupId": s.group } }),
        )
        .await;
    assert_eq!(
        not_in_group["errors"][0]["extensions"]["field"],
        "actionGroupId"
    );
    let member_as_focal = s
        .app
        .graphql(
            Some(&s.ilo_admin.token),
            CREATE,
            json!({ "input": { "partnerId": s.ilo, "title": "X", "focalPointId": member.id } }),
        )
        .await;
    assert_eq!(
        member_as_focal["errors"][0]["extensions"]["field"],
        "userId"
    );
    let group_without_group = s
        .app
        .graphql(
            Some(&s.ilo_admin.token),
            CREATE,
            json!({ "input": { "partnerId": s.ilo, "title": "X", "visibility": "GROUP" } }),
        )
        .await;
    assert_eq!(
        group_without_group["errors"][0]["extensions"]["field"],
        "visibility"
    );
}

#[tokio::test]
async fn the_focal_point_reports_progress_and_the_commitment_moves_with_it() {
    let s = setup().await;
    let id = commitment(&s).await;
    let data = s
        .app
        .ok(Some(&s.focal.token), REPORT, json!({ "input": { "commitmentId": id, "progress": 40, "status": "ON_TRACK", "narrative": "Two districts covered", "value": 180.0, "expectedVersion": 1 } }))
        .await;
    let reported = &data["reportProgress"];
    assert_eq!(reported["progressReport"]["reviewState"], "SUBMITTED");
    assert_eq!(reported["progressReport"]["commitmentVersion"], 2);
    // Nothing public moves before the review; the version does.
    assert_eq!(reported["commitment"]["progress"], 0);
    assert_eq!(reported["commitment"]["status"], "PLANNED");
    assert_eq!(reported["commitment"]["version"], 2);
    assert_eq!(reported["commitment"]["currentValue"], Value::Null);
    s.app.approve_pending(&json!(id)).await;
    let approved = s
        .app
        .ok(None, "query($id: ID!) { node(id: $id) { ... on Commitment { progress status currentValue version } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        approved["node"],
        json!({ "progress": 40, "status": "ON_TRACK", "currentValue": 180.0, "version": 3 })
    );

    // Another focal point of the same partner is not this commitment's; its admin is.
    let refused = s
        .app
        .graphql(
            Some(&s.other_focal.token),
            REPORT,
            json!({ "input": { "commitmentId": id, "progress": 50, "status": "ON_TRACK" } }),
        )
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
    s.app
        .ok(
            Some(&s.ilo_admin.token),
            REPORT,
            json!({ "input": { "commitmentId": id, "progress": 55, "status": "AT_RISK" } }),
        )
        .await;

    for (progress, field) in [(101, "progress"), (-1, "progress")] {
        let bad = s.app.graphql(Some(&s.focal.token), REPORT, json!({ "input": { "commitmentId": id, "progress": progress, "status": "ON_TRACK" } })).await;
        assert_eq!(bad["errors"][0]["extensions"]["field"], field);
    }
    let long = s
        .app
        .graphql(Some(&s.focal.token), REPORT, json!({ "input": { "commitmentId": id, "progress": 60, "status": "ON_TRACK", "narrative": "n".repeat(10_001) } }))
        .await;
    assert_eq!(long["errors"][0]["extensions"]["field"], "narrative");

    let data = s
        .app
        .ok(Some(&s.focal.token), "query($id: ID!) { node(id: $id) { ... on Commitment { version reports(first: 10) { totalCount nodes { progress } } latestReport { progress } } } }", json!({ "id": id }))
        .await;
    assert_eq!(data["node"]["version"], 4);
    assert_eq!(data["node"]["reports"]["totalCount"], 2);
    // Newest first.
    assert_eq!(
        data["node"]["reports"]["nodes"],
        json!([{ "progress": 55 }, { "progress": 40 }])
    );
    assert_eq!(data["node"]["latestReport"]["progress"], 55);
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_and_writes_nothing() {
    let s = setup().await;
    let id = commitment(&s).await;
    s.app.ok(Some(&s.focal.token), REPORT, json!({ "input": { "commitmentId": id, "progress": 10, "status": "ON_TRACK", "expectedVersion": 1 } })).await;
    let stale = s
        .app
        .graphql(Some(&s.focal.token), REPORT, json!({ "input": { "commitmentId": id, "progress": 99, "status": "COMPLETED", "expectedVersion": 1 } }))
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT");
    assert_eq!(stale["errors"][0]["extensions"]["field"], "expectedVersion");
    let data = s
        .app
        .ok(Some(&s.focal.token), "query($id: ID!) { node(id: $id) { ... on Commitment { progress status version reports { totalCount } } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        data["node"],
        json!({ "progress": 0, "status": "PLANNED", "version": 2, "reports": { "totalCount": 1 } })
    );
}

#[tokio::test]
async fn the_same_idempotency_key_twice_makes_one_report_and_the_same_answer() {
    let s = setup().await;
    let id = commitment(&s).await;
    let input = json!({ "input": { "commitmentId": id, "progress": 30, "status": "ON_TRACK", "idempotencyKey": "report-2025-q1", "expectedVersion": 1 } });
    let first = s.app.ok(Some(&s.focal.token), REPORT, input.clone()).await;
    let second = s.app.ok(Some(&s.focal.token), REPORT, input).await;
    assert_eq!(first, second);
    let data = s
        .app
        .ok(Some(&s.focal.token), "query($id: ID!) { node(id: $id) { ... on Commitment { version reports { totalCount } } } }", json!({ "id": id }))
        .await;
    assert_eq!(data["node"]["version"], 2);
    assert_eq!(data["node"]["reports"]["totalCount"], 1);
    // Someone else reusing the key does not get the focal point's answer.
    let other = s
        .app
        .graphql(Some(&s.ilo_admin.token), REPORT, json!({ "input": { "commitmentId": id, "progress": 31, "status": "ON_TRACK", "idempotencyKey": "report-2025-q1" } }))
        .await;
    assert_eq!(first_error_code(&other), "CONFLICT");
}

#[tokio::test]
async fn the_secretariat_approves_or_returns_reports_with_a_reason() {
    let s = setup().await;
    let id = commitment(&s).await;
    let report = |progress: i32| {
        let s = &s;
        let id = id.clone();
        async move {
            let data = s.app.ok(Some(&s.focal.token), REPORT, json!({ "input": { "commitmentId": id, "progress": progress, "status": "ON_TRACK" } })).await;
            data["reportProgress"]["progressReport"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let first = report(20).await;
    let second = report(25).await;
    let review = "mutation($input: ReviewProgressReportInput!) { reviewProgressReport(input: $input) { progressReport { reviewState reviewReason reviewedAt } } }";
    let by_partner = s
        .app
        .graphql(
            Some(&s.ilo_admin.token),
            review,
            json!({ "input": { "progressReportId": first, "decision": "APPROVE" } }),
        )
        .await;
    assert_eq!(first_error_code(&by_partner), "FORBIDDEN");
    let data = s
        .app
        .ok(
            Some(&s.secretariat.token),
            review,
            json!({ "input": { "progressReportId": first, "decision": "APPROVE" } }),
        )
        .await;
    assert_eq!(
        data["reviewProgressReport"]["progressReport"]["reviewState"],
        "APPROVED"
    );
    let twice = s
        .app
        .graphql(
            Some(&s.secretariat.token),
            review,
            json!({ "input": { "progressReportId": first, "decision": "RETURN", "reason": "x" } }),
        )
        .await;
    assert_eq!(first_error_code(&twice), "CONFLICT");
    let no_reason = s
        .app
        .graphql(
            Some(&s.secretariat.token),
            review,
            json!({ "input": { "progressReportId": second, "decision": "RETURN" } }),
        )
        .await;
    assert_eq!(no_reason["errors"][0]["extensions"]["field"], "reason");
    let data = s
        .app
        .ok(Some(&s.secretariat.token), review, json!({ "input": { "progressReportId": second, "decision": "RETURN", "reason": "Please attach the district figures" } }))
        .await;
    assert_eq!(
        data["reviewProgressReport"]["progressReport"]["reviewReason"],
        "Please attach the district figures"
    );

    // The public sees only the approved report; the partner sees both.
    let reports = "query($id: ID!) { node(id: $id) { ... on Commitment { reports { nodes { progress reviewState } } } } }";
    let public = s.app.ok(None, reports, json!({ "id": id })).await;
    assert_eq!(
        public["node"]["reports"]["nodes"],
        json!([{ "progress": 20, "reviewState": "APPROVED" }])
    );
    let own = s
        .app
        .ok(Some(&s.focal.token), reports, json!({ "id": id }))
        .await;
    assert_eq!(own["node"]["reports"]["nodes"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn commitments_are_updated_reassigned_and_withdrawn_with_version_checks() {
    let s = setup().await;
    let id = commitment(&s).await;
    let update = "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { commitment { title targetValue version } } }";
    let data = s
        .app
        .ok(
            Some(&s.ilo_admin.token),
            update,
            json!({ "input": { "commitmentId": id, "expectedVersion": 1, "targetValue": 750.0 } }),
        )
        .await;
    assert_eq!(data["updateCommitment"]["commitment"]["version"], 2);
    let stale = s
        .app
        .graphql(
            Some(&s.ilo_admin.token),
            update,
            json!({ "input": { "commitmentId": id, "expectedVersion": 1, "title": "X" } }),
        )
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT");
    let by_focal = s
        .app
        .graphql(
            Some(&s.focal.token),
            update,
            json!({ "input": { "commitmentId": id, "title": "X" } }),
        )
        .await;
    assert_eq!(first_error_code(&by_focal), "FORBIDDEN");

    let assign = "mutation($input: AssignFocalPointInput!) { assignFocalPoint(input: $input) { commitment { focalPoint { displayName } version } } }";
    let data = s
        .app
        .ok(
            Some(&s.ilo_admin.token),
            assign,
            json!({ "input": { "commitmentId": id, "userId": s.other_focal.id } }),
        )
        .await;
    assert_eq!(
        data["assignFocalPoint"]["commitment"]["focalPoint"]["displayName"],
        "focal2@ilo.example"
    );
    // The former focal point can no longer report.
    let former = s
        .app
        .graphql(
            Some(&s.focal.token),
            REPORT,
            json!({ "input": { "commitmentId": id, "progress": 5, "status": "ON_TRACK" } }),
        )
        .await;
    assert_eq!(first_error_code(&former), "FORBIDDEN");

    let withdraw = "mutation($id: ID!) { withdrawCommitment(input: {commitmentId: $id}) { commitment { status } } }";
    let data = s
        .app
        .ok(Some(&s.ilo_admin.token), withdraw, json!({ "id": id }))
        .await;
    assert_eq!(
        data["withdrawCommitment"]["commitment"]["status"],
        "WITHDRAWN"
    );
    let after = s
        .app
        .graphql(
            Some(&s.other_focal.token),
            REPORT,
            json!({ "input": { "commitmentId": id, "progress": 5, "status": "ON_TRACK" } }),
        )
        .await;
    assert_eq!(first_error_code(&after), "CONFLICT");
}

#[tokio::test]
async fn commitments_filter_by_partner_group_status_and_due_date() {
    let s = setup().await;
    let iom = s
        .app
        .create_partner("UNICEF", "INTERNATIONAL_ORGANIZATION", None)
        .await;
    s.app.add_coalition_partner(&s.coalition, &iom).await;
    s.app
        .create_commitment(
            &s.ilo,
            "Overdue",
            json!({ "actionGroupId": s.group, "dueOn": "2020-01-01" }),
        )
        .await;
    s.app
        .create_commitment(
            &s.ilo,
            "Later",
            json!({ "dueOn": "2099-01-01", "coalitionId": s.coalition }),
        )
        .await;
    let done = s
        .app
        .create_commitment(&s.ilo, "Done long ago", json!({ "dueOn": "2020-01-01" }))
        .await;
    s.app
        .create_commitment(&iom, "UNICEF pledge", json!({}))
        .await;
    s.app
        .ok(Some(&s.ilo_admin.token), REPORT, json!({ "input": { "commitmentId": done["id"], "progress": 100, "status": "COMPLETED" } }))
        .await;
    s.app.approve_pending(&done["id"]).await;

    let titles = |filter: Value| {
        let app = &s.app;
        async move {
            let data = app.ok(None, "query($f: CommitmentFilter) { commitments(filter: $f) { totalCount nodes { title } } }", json!({ "f": filter })).await;
            let titles: Vec<String> = data["commitments"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["title"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(data["commitments"]["totalCount"], titles.len());
            titles
        }
    };
    assert_eq!(titles(json!({ "partnerId": iom })).await, ["UNICEF pledge"]);
    assert_eq!(
        titles(json!({ "actionGroupId": s.group })).await,
        ["Overdue"]
    );
    assert_eq!(
        titles(json!({ "status": "COMPLETED" })).await,
        ["Done long ago"]
    );
    assert_eq!(
        titles(json!({ "dueBefore": "2021-01-01" })).await,
        ["Overdue", "Done long ago"]
    );
    assert_eq!(titles(json!({ "overdue": true })).await, ["Overdue"]);
    assert_eq!(
        titles(json!({ "overdue": false, "partnerId": s.ilo })).await,
        ["Later", "Done long ago"]
    );
}

#[tokio::test]
async fn visibility_limits_who_sees_a_commitment() {
    let s = setup().await;
    let group_only = s
        .app
        .create_commitment(
            &s.ilo,
            "Group only",
            json!({ "actionGroupId": s.group, "visibility": "GROUP" }),
        )
        .await;
    let coalition_only = s
        .app
        .create_commitment(
            &s.ilo,
            "Coalition only",
            json!({ "coalitionId": s.coalition, "visibility": "COALITION" }),
        )
        .await;
    s.app.create_commitment(&s.ilo, "Public", json!({})).await;
    let outsider_partner = s.app.create_partner("Outsider", "NGO", None).await;
    let outsider = s
        .app
        .create_user("x@outsider.example", &outsider_partner, "ADMIN")
        .await;
    let coalition_peer_partner = s.app.create_partner("Peer", "NGO", None).await;
    s.app
        .add_coalition_partner(&s.coalition, &coalition_peer_partner)
        .await;
    let peer = s
        .app
        .create_user("x@peer.example", &coalition_peer_partner, "MEMBER")
        .await;

    let listed = |token: Option<String>| {
        let app = &s.app;
        async move {
            let data = app
                .ok(
                    token.as_deref(),
                    "{ commitments { totalCount nodes { title } } }",
                    Value::Null,
                )
                .await;
            data["commitments"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(None).await, ["Public"]);
    assert_eq!(listed(Some(outsider.token.clone())).await, ["Public"]);
    assert_eq!(
        listed(Some(peer.token.clone())).await,
        ["Coalition only", "Public"]
    );
    assert_eq!(
        listed(Some(s.focal.token.clone())).await,
        ["Group only", "Coalition only", "Public"]
    );
    assert_eq!(
        listed(Some(s.secretariat.token.clone())).await,
        ["Group only", "Coalition only", "Public"]
    );
    let node = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(
        s.app
            .ok(Some(&peer.token), node, json!({ "id": group_only["id"] }))
            .await["node"],
        Value::Null
    );
    assert_eq!(
        s.app
            .ok(
                Some(&peer.token),
                node,
                json!({ "id": coalition_only["id"] })
            )
            .await["node"]["id"],
        coalition_only["id"]
    );
}

#[tokio::test]
async fn group_and_coalition_roll_ups_count_statuses_average_progress_and_overdue() {
    let s = setup().await;
    let a = s
        .app
        .create_commitment(
            &s.ilo,
            "A",
            json!({ "actionGroupId": s.group, "dueOn": "2020-01-01" }),
        )
        .await;
    let b = s
        .app
        .create_commitment(
            &s.ilo,
            "B",
            json!({ "actionGroupId": s.group, "dueOn": "2099-01-01" }),
        )
        .await;
    let c = s
        .app
        .create_commitment(&s.ilo, "C", json!({ "actionGroupId": s.group }))
        .await;
    for (commitment, progress, status) in [(&a, 20, "AT_RISK"), (&b, 60, "ON_TRACK")] {
        s.app.ok(Some(&s.ilo_admin.token), REPORT, json!({ "input": { "commitmentId": commitment["id"], "progress": progress, "status": status } })).await;
        s.app.approve_pending(&commitment["id"]).await;
    }
    s.app.ok(Some(&s.ilo_admin.token), "mutation($id: ID!) { withdrawCommitment(input: {commitmentId: $id}) { commitment { id } } }", json!({ "id": c["id"] })).await;
    let summary = "{ total byStatus { status count } averageProgress overdue }";
    let data = s
        .app
        .ok(None, &format!("query($g: ID!, $c: ID!) {{ g: node(id: $g) {{ ... on ActionGroup {{ progress {summary} }} }} c: node(id: $c) {{ ... on Coalition {{ progress {summary} }} }} }}"), json!({ "g": s.group, "c": s.coalition }))
        .await;
    let group = &data["g"]["progress"];
    assert_eq!(group["total"], 3);
    assert_eq!(group["overdue"], 1);
    assert_eq!(group["averageProgress"], 40.0);
    let mut by_status = group["byStatus"].as_array().unwrap().clone();
    by_status.sort_by_key(|s| s["status"].as_str().unwrap().to_owned());
    assert_eq!(
        by_status,
        vec![
            json!({ "status": "AT_RISK", "count": 1 }),
            json!({ "status": "ON_TRACK", "count": 1 }),
            json!({ "status": "WITHDRAWN", "count": 1 })
        ]
    );
    assert_eq!(data["c"]["progress"], *group);
}

#[tokio::test]
async fn every_change_is_an_event_the_group_pages_through_newest_first() {
    let s = setup().await;
    let id = commitment(&s).await;
    s.app
        .ok(
            Some(&s.focal.token),
            REPORT,
            json!({ "input": { "commitmentId": id, "progress": 10, "status": "ON_TRACK" } }),
        )
        .await;
    let events = "query($g: ID!, $after: String) { node(id: $g) { ... on ActionGroup { events(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { sequence kind cursor actor { displayName } subject { __typename id } payload } } } } }";
    let first = s
        .app
        .ok(Some(&s.focal.token), events, json!({ "g": s.group }))
        .await;
    let page = &first["node"]["events"];
    // created, LEAD added, commitment created, progress reported
    assert_eq!(page["totalCount"], 4);
    let nodes = page["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["kind"], "commitment.progress_reported");
    assert_eq!(nodes[0]["sequence"], 4);
    assert_eq!(nodes[0]["actor"]["displayName"], "focal@ilo.example");
    assert_eq!(nodes[0]["subject"]["__typename"], "ProgressReport");
    // What the report says is the report's, not the event's.
    assert_eq!(nodes[0]["payload"]["progress"], Value::Null);
    assert_eq!(nodes[0]["payload"]["commitmentId"], id.as_str());
    assert_eq!(nodes[1]["kind"], "commitment.created");
    let rest = s
        .app
        .ok(
            Some(&s.focal.token),
            events,
            json!({ "g": s.group, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    let kinds: Vec<&str> = rest["node"]["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["action_group.member_added", "action_group.created"]);
    assert_eq!(rest["node"]["events"]["pageInfo"]["hasNextPage"], false);

    let outsider_partner = s.app.create_partner("Outsider", "NGO", None).await;
    let outsider = s
        .app
        .create_user("x@outsider.example", &outsider_partner, "ADMIN")
        .await;
    let refused = s
        .app
        .graphql(Some(&outsider.token), events, json!({ "g": s.group }))
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
}

#[tokio::test]
async fn roll_ups_count_only_the_commitments_the_viewer_may_see() {
    let s = setup().await;
    s.app
        .create_commitment(&s.ilo, "Public", json!({ "actionGroupId": s.group }))
        .await;
    let hidden = s
        .app
        .create_commitment(
            &s.ilo,
            "Hidden",
            json!({ "actionGroupId": s.group, "visibility": "GROUP" }),
        )
        .await;
    s.app
        .ok(Some(&s.ilo_admin.token), REPORT, json!({ "input": { "commitmentId": hidden["id"], "progress": 80, "status": "ON_TRACK" } }))
        .await;
    s.app.approve_pending(&hidden["id"]).await;
    let query = "query($g: ID!) { node(id: $g) { ... on ActionGroup { progress { total averageProgress } } } }";
    let public = s.app.ok(None, query, json!({ "g": s.group })).await;
    assert_eq!(
        public["node"]["progress"],
        json!({ "total": 1, "averageProgress": 0.0 })
    );
    let member = s
        .app
        .ok(Some(&s.focal.token), query, json!({ "g": s.group }))
        .await;
    assert_eq!(
        member["node"]["progress"],
        json!({ "total": 2, "averageProgress": 40.0 })
    );
}

#[tokio::test]
async fn dates_and_payloads_carry_the_names_api_md_gives_them() {
    let s = setup().await;
    let create = "mutation($p: ID!, $due: Date) { createCommitment(input: {partnerId: $p, title: \"Ratify C182\", dueOn: $due}) { __typename commitment { id dueOn } } }";
    let data = s
        .app
        .ok(
            Some(&s.ilo_admin.token),
            create,
            json!({ "p": s.ilo, "due": "2030-12-31" }),
        )
        .await;
    assert_eq!(
        data["createCommitment"]["__typename"],
        "CreateCommitmentPayload"
    );
    assert_eq!(
        data["createCommitment"]["commitment"]["dueOn"],
        "2030-12-31"
    );

    let assign = "mutation($c: ID!, $u: ID!) { assignFocalPoint(input: {commitmentId: $c, userId: $u}) { __typename } }";
    let data = s
        .app
        .ok(
            Some(&s.ilo_admin.token),
            assign,
            json!({ "c": data["createCommitment"]["commitment"]["id"], "u": s.focal.id }),
        )
        .await;
    assert_eq!(
        data["assignFocalPoint"]["__typename"],
        "AssignFocalPointPayload"
    );

    // A date that is not YYYY-MM-DD is refused before anything runs.
    let response = s
        .app
        .graphql(
            Some(&s.ilo_admin.token),
            create,
            json!({ "p": s.ilo, "due": "31/12/2030" }),
        )
        .await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
}
