//! No id internal to one partner can be read or changed by another. Each
//! operation that takes an id is tried by every role of partner A, and
//! anonymously, against partner B's group-only commitment, its progress reports
//! and a draft work plan. Hidden ids answer NOT_FOUND and visible ones FORBIDDEN.
//! Nothing is written.
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app, TestApp, TestUser};

/// Part of every title and narrative internal to B: no refusal may echo it.
const SECRET: &str = "Secret";

/// Tables a refused attempt must not write to.
const TABLES: [&str; 7] = [
    "progress_reports",
    "commitments",
    "work_plans",
    "work_plan_items",
    "action_group_members",
    "events",
    "invitations",
];

const LISTS: &str = "query($b: ID!, $group: ID!, $pc: ID!) {
  commitments(filter: {partnerId: $b}) { totalCount nodes { id } }
  partner: node(id: $b) { ... on Partner { commitments { totalCount nodes { id } } } }
  group: node(id: $group) {
    ... on ActionGroup { workPlans { id } commitments { totalCount nodes { id } } }
  }
  public: node(id: $pc) { ... on Commitment { reports { totalCount } latestReport { id } } }
}";

const EVENTS: &str =
    "query($group: ID!) { node(id: $group) { ... on ActionGroup { events { totalCount } } } }";

const SNAPSHOT: &str = "query(
  $gc: ID!, $pc: ID!, $cc: ID!, $plan: ID!, $gr: ID!, $pr: ID!, $group: ID!, $b: ID!
) {
  gc: node(id: $gc) { ...C }
  pc: node(id: $pc) { ...C }
  cc: node(id: $cc) { ...C }
  plan: node(id: $plan) { ... on WorkPlan { status version title items { id title position } } }
  gr: node(id: $gr) { ... on ProgressReport { reviewState progress } }
  pr: node(id: $pr) { ... on ProgressReport { reviewState progress } }
  group: node(id: $group) {
    ... on ActionGroup { name version status members { nodes { role partner { id } } } }
  }
  b: node(id: $b) { ... on Partner { name version } }
}
fragment C on Commitment { title version progress status visibility focalPoint { id } }";

struct World {
    app: TestApp,
    a: String,
    b: String,
    a_admin: TestUser,
    a_focal: TestUser,
    a_member: TestUser,
    b_admin: TestUser,
    b_focal: TestUser,
    b_member: TestUser,
    /// B's action group: B is its LEAD, A is not a member.
    group: String,
    /// A DRAFT plan of the group, with one item.
    plan: String,
    item: String,
    /// B's commitments: GROUP and PUBLIC ones in the group, a COALITION one.
    group_commitment: String,
    coalition_commitment: String,
    public_commitment: String,
    /// SUBMITTED reports on the group and the public commitment.
    group_report: String,
    public_report: String,
}

impl World {
    fn a_users(&self) -> [(&'static str, &TestUser); 3] {
        [
            ("A's ADMIN", &self.a_admin),
            ("A's FOCAL_POINT", &self.a_focal),
            ("A's MEMBER", &self.a_member),
        ]
    }

    fn b_users(&self) -> [(&'static str, &TestUser); 3] {
        [
            ("B's ADMIN", &self.b_admin),
            ("B's FOCAL_POINT", &self.b_focal),
            ("B's MEMBER", &self.b_member),
        ]
    }

    /// Partner A's users, then an anonymous caller.
    fn a_viewers(&self) -> Vec<(&'static str, Option<&str>)> {
        let mut viewers: Vec<_> = self
            .a_users()
            .into_iter()
            .map(|(who, user)| (who, Some(user.token.as_str())))
            .collect();
        viewers.push(("anonymous", None));
        viewers
    }

    /// Ids that B's users see and A's users must not.
    fn hidden(&self) -> [(&'static str, &str); 8] {
        [
            ("B's group commitment", self.group_commitment.as_str()),
            ("its progress report", self.group_report.as_str()),
            ("B's public report in review", self.public_report.as_str()),
            ("B's draft plan", self.plan.as_str()),
            ("the draft plan's item", self.item.as_str()),
            ("B's ADMIN user", self.b_admin.id.as_str()),
            ("B's FOCAL_POINT user", self.b_focal.id.as_str()),
            ("B's MEMBER user", self.b_member.id.as_str()),
        ]
    }
}

/// The mutation `field` taking `input: $input`, answering `selection`.
fn mutation(field: &str, selection: &str) -> String {
    let input_type = match field {
        "adoptWorkPlan" | "closeWorkPlan" => "WorkPlanInput".to_owned(),
        _ => format!("{}{}Input", field[..1].to_uppercase(), &field[1..]),
    };
    format!("mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} }} }}")
}

/// Runs `field` as `token` and returns the id of its `payload` object.
async fn create(app: &TestApp, token: &str, field: &str, payload: &str, input: Value) -> String {
    let query = mutation(field, &format!("{payload} {{ id }}"));
    let data = app.ok(Some(token), &query, json!({ "input": input })).await;
    let pointer = format!("/{field}/{payload}/id");
    data.pointer(&pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no id at {pointer} in {data:#}"))
        .to_owned()
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin_token.clone();
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let a = app.create_partner("Partner A", "NGO", None).await;
    let b = app.create_partner("Partner B", "NGO", None).await;
    for partner in [&a, &b] {
        let membership = app.add_coalition_partner(&coalition, partner).await;
        assert_eq!(membership["status"], "ACTIVE");
    }
    let a_admin = app.create_user("admin@a.example", &a, "ADMIN").await;
    let a_focal = app.create_user("focal@a.example", &a, "FOCAL_POINT").await;
    let a_member = app.create_user("member@a.example", &a, "MEMBER").await;
    let b_admin = app.create_user("admin@b.example", &b, "ADMIN").await;
    let b_focal = app.create_user("focal@b.example", &b, "FOCAL_POINT").await;
    let b_member = app.create_user("member@b.example", &b, "MEMBER").await;

    let input = json!({ "coalitionId": coalition, "name": "Group of B" });
    let group = create(&app, &admin, "createActionGroup", "actionGroup", input).await;
    let input = json!({ "actionGroupId": group, "partnerId": b, "role": "LEAD" });
    let query = mutation("addActionGroupMember", "member { role }");
    let variables = json!({ "input": input });
    app.ok(Some(&admin), &query, variables).await;
    let input = json!({ "actionGroupId": group, "title": "Secret plan", "level": "GLOBAL",
                        "startsOn": "2025-01-01", "endsOn": "2025-12-31" });
    let plan = create(&app, &admin, "createWorkPlan", "workPlan", input).await;
    let input = json!({ "workPlanId": plan, "title": "Secret item" });
    let item = create(&app, &admin, "addWorkPlanItem", "item", input).await;

    let mut commitments = Vec::new();
    for (title, place, id, visibility) in [
        ("Secret pledge", "actionGroupId", &group, "GROUP"),
        ("Coalition pledge", "coalitionId", &coalition, "COALITION"),
        ("Public pledge", "actionGroupId", &group, "PUBLIC"),
    ] {
        let input = json!({ "partnerId": b, "title": title, place: id,
                            "visibility": visibility, "focalPointId": b_focal.id });
        commitments.push(create(&app, &admin, "createCommitment", "commitment", input).await);
    }
    let [group_commitment, coalition_commitment, public_commitment]: [String; 3] =
        commitments.try_into().expect("three commitments");
    let mut reports = Vec::new();
    for (commitment, progress) in [(&group_commitment, 40), (&public_commitment, 10)] {
        let input = json!({ "commitmentId": commitment, "progress": progress,
                            "status": "ON_TRACK", "narrative": "Secret narrative" });
        let token = &b_focal.token;
        reports.push(create(&app, token, "reportProgress", "progressReport", input).await);
    }
    let [group_report, public_report]: [String; 2] = reports.try_into().expect("two reports");
    World {
        app,
        a,
        b,
        a_admin,
        a_focal,
        a_member,
        b_admin,
        b_focal,
        b_member,
        group,
        plan,
        item,
        group_commitment,
        coalition_commitment,
        public_commitment,
        group_report,
        public_report,
    }
}

/// Runs `query` as `token` and returns "ok" or the error code. A refusal must
/// not carry anything internal to B.
async fn outcome(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> String {
    let response = app.graphql(token, query, variables).await;
    if response.get("errors").is_none() {
        return "ok".to_owned();
    }
    assert!(
        !response.to_string().contains(SECRET),
        "a refusal leaked internal data: {response:#}"
    );
    first_error_code(&response)
}

/// `node(id:)` as `token`: the id when visible, null otherwise.
async fn node(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    let query = "query($id: ID!) { node(id: $id) { id } }";
    let data = app.ok(token, query, json!({ "id": id })).await;
    data["node"]["id"].clone()
}

async fn row_count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let statement = Statement::from_string(app.db.get_database_backend(), sql);
    let row = app
        .db
        .query_one_raw(statement)
        .await
        .unwrap_or_else(|error| panic!("counting {table}: {error}"))
        .unwrap_or_else(|| panic!("no count row for {table}"));
    row.try_get::<i64>("", "n")
        .unwrap_or_else(|error| panic!("reading the count of {table}: {error}"))
}

async fn row_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push((table, row_count(app, table).await));
    }
    counts
}

/// What the platform admin sees of everything the attempts aim at.
async fn snapshot(w: &World) -> Value {
    let variables = json!({
        "gc": w.group_commitment, "pc": w.public_commitment, "cc": w.coalition_commitment,
        "plan": w.plan, "gr": w.group_report, "pr": w.public_report, "group": w.group, "b": w.b,
    });
    let admin = Some(w.app.admin_token.as_str());
    w.app.ok(admin, SNAPSHOT, variables).await
}

/// The sorted ids of a connection's nodes.
fn ids(connection: &Value) -> Vec<&str> {
    let nodes = connection["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("a connection, got {connection:#}"));
    let mut ids: Vec<&str> = nodes
        .iter()
        .map(|node| node["id"].as_str().expect("a node id"))
        .collect();
    ids.sort_unstable();
    ids
}

struct Attempt {
    label: String,
    query: String,
    variables: Value,
}

fn attempt(field: &str, target: &str, input: Value) -> Attempt {
    Attempt {
        label: format!("{field} on {target}"),
        query: mutation(field, "__typename"),
        variables: json!({ "input": input }),
    }
}

/// Attempts from rows of `[field, target, input]`.
fn attempts(rows: Value) -> Vec<Attempt> {
    let rows = rows.as_array().expect("rows of attempts");
    rows.iter()
        .map(|row| {
            let field = row[0].as_str().expect("a mutation field");
            attempt(field, row[1].as_str().expect("a target"), row[2].clone())
        })
        .collect()
}

async fn run(app: &TestApp, token: Option<&str>, attempt: &Attempt) -> String {
    outcome(app, token, &attempt.query, attempt.variables.clone()).await
}

/// Operations on ids that A may not see at all.
fn not_found_attempts(w: &World) -> Vec<Attempt> {
    let (gc, plan, item) = (&w.group_commitment, &w.plan, &w.item);
    let (c, p, i) = ("B's group commitment", "B's draft plan", "B's draft item");
    attempts(json!([
        ["updateCommitment", c, { "commitmentId": gc, "title": "Renamed" }],
        ["assignFocalPoint", c, { "commitmentId": gc, "userId": w.b_admin.id }],
        ["withdrawCommitment", c, { "commitmentId": gc }],
        ["reportProgress", c, { "commitmentId": gc, "progress": 99, "status": "AT_RISK" }],
        ["updateWorkPlan", p, { "workPlanId": plan, "title": "Renamed" }],
        ["adoptWorkPlan", p, { "workPlanId": plan }],
        ["closeWorkPlan", p, { "workPlanId": plan }],
        ["addWorkPlanItem", p, { "workPlanId": plan, "title": "Added" }],
        ["reorderWorkPlanItems", p, { "workPlanId": plan, "itemIds": [item] }],
        ["updateWorkPlanItem", i, { "itemId": item, "title": "Renamed" }],
        ["removeWorkPlanItem", i, { "itemId": item }],
        ["reviewProgressReport", "B's group report",
            { "progressReportId": w.group_report, "decision": "APPROVE" }],
        ["reviewProgressReport", "B's public report in review",
            { "progressReportId": w.public_report, "decision": "APPROVE" }],
    ]))
}

/// Operations on things A may see but not change.
fn forbidden_attempts(w: &World) -> Vec<Attempt> {
    let (g, pc, cc) = (&w.group, &w.public_commitment, &w.coalition_commitment);
    let (group, p, c) = ("B's group", "B's public pledge", "B's coalition pledge");
    attempts(json!([
        ["updateActionGroup", group, { "actionGroupId": g, "name": "Renamed" }],
        ["archiveActionGroup", group, { "actionGroupId": g }],
        ["addActionGroupMember", group, { "actionGroupId": g, "partnerId": w.a, "role": "LEAD" }],
        ["updateActionGroupMember", group,
            { "actionGroupId": g, "partnerId": w.b, "role": "OBSERVER" }],
        ["removeActionGroupMember", group, { "actionGroupId": g, "partnerId": w.b }],
        ["createWorkPlan", group, { "actionGroupId": g, "title": "Plan", "level": "GLOBAL",
            "startsOn": "2025-01-01", "endsOn": "2025-12-31" }],
        ["updatePartner", "partner B", { "partnerId": w.b, "name": "Renamed" }],
        ["inviteUser", "partner B",
            { "email": "intruder@a.example", "partnerId": w.b, "role": "ADMIN" }],
        ["createCommitment", "partner B", { "partnerId": w.b, "title": "Forged" }],
        ["updateCommitment", p, { "commitmentId": pc, "title": "Renamed" }],
        ["updateCommitment", c, { "commitmentId": cc, "title": "Renamed" }],
        ["assignFocalPoint", p, { "commitmentId": pc, "userId": w.b_admin.id }],
        ["withdrawCommitment", p, { "commitmentId": pc }],
        ["withdrawCommitment", c, { "commitmentId": cc }],
        ["reportProgress", p, { "commitmentId": pc, "progress": 99, "status": "AT_RISK" }],
    ]))
}

/// Every attempt answers `expected` to each of A's users, UNAUTHENTICATED anonymously.
async fn expect_all(w: &World, attempts: &[Attempt], expected: &str) {
    for attempt in attempts {
        for (who, token) in w.a_viewers() {
            let expected = token.map_or("UNAUTHENTICATED", |_| expected);
            let got = run(&w.app, token, attempt).await;
            assert_eq!(got, expected, "{} as {who}", attempt.label);
        }
    }
}

/// An attempt on A's own behalf that names something of B's. Only A's ADMIN may
/// make it at all, so only A's ADMIN reaches the id, which is NOT_FOUND.
async fn expect_not_found_for_a_admin(w: &World, attempt: &Attempt) {
    for (who, token) in w.a_viewers() {
        let expected = match who {
            "A's ADMIN" => "NOT_FOUND",
            "anonymous" => "UNAUTHENTICATED",
            _ => "FORBIDDEN",
        };
        let got = run(&w.app, token, attempt).await;
        assert_eq!(got, expected, "{} as {who}", attempt.label);
    }
}

fn commitment_on_draft_item(w: &World) -> Attempt {
    let input = json!({ "partnerId": w.a, "title": "Pledge", "workPlanItemId": w.item });
    attempt("createCommitment", "partner A, with B's draft item", input)
}

#[tokio::test]
async fn partner_a_reads_nothing_internal_to_partner_b() {
    let w = world().await;
    let pc = w.public_commitment.as_str();
    let variables = json!({ "b": w.b, "group": w.group, "pc": pc });
    for (who, token) in w.a_viewers() {
        for (what, id) in w.hidden() {
            let seen = node(&w.app, token, id).await;
            assert!(seen.is_null(), "{what} is visible to {who}");
        }
        // A is ACTIVE in the coalition, so it sees the COALITION commitment too.
        let coalition = w.coalition_commitment.as_str();
        let mut expected = token.map_or(vec![pc], |_| vec![pc, coalition]);
        expected.sort_unstable();
        let data = w.app.ok(token, LISTS, variables.clone()).await;
        for list in [&data["commitments"], &data["partner"]["commitments"]] {
            assert_eq!(ids(list), expected, "B's commitments as seen by {who}");
            assert_eq!(list["totalCount"], expected.len(), "count for {who}");
        }
        let group = &data["group"];
        assert_eq!(ids(&group["commitments"]), vec![pc], "group's, for {who}");
        assert_eq!(group["commitments"]["totalCount"], 1, "for {who}");
        assert_eq!(group["workPlans"], json!([]), "a draft is listed for {who}");
        assert_eq!(data["public"]["reports"]["totalCount"], 0, "for {who}");
        assert!(data["public"]["latestReport"].is_null(), "for {who}");
        let got = outcome(&w.app, token, EVENTS, json!({ "group": w.group })).await;
        assert_eq!(got, "FORBIDDEN", "group events as {who}");
    }
}

/// The lists of the compiled read path (see `compiled.rs`), in one document.
const COMPILED_LISTS: &str = "query($group: ID!) {
  group: node(id: $group) { ... on ActionGroup {
    commitments { totalCount nodes { id title latestReport { id narrative } } }
    members { nodes { partner { commitments { totalCount nodes { id title } } } } }
  } }
  actionGroups { nodes { commitments { totalCount nodes { id latestReport { id } } } } }
  partners(first: 100) { nodes { commitments { totalCount nodes { id latestReport { narrative } } } } }
}";

#[tokio::test]
async fn partner_a_reads_nothing_internal_to_partner_b_on_the_compiled_path() {
    let w = world().await;
    // A node without the answer cache, so that every repeat runs the plan.
    let reader = w.app.spawn_node(|config| config.query_cache_mb = 0).await;
    let pc = w.public_commitment.as_str();
    let variables = json!({ "group": w.group });
    for (who, token) in w.a_viewers() {
        for attempt in ["first", "repeated"] {
            let before = reader.metrics.compiled_reads();
            let response = reader
                .graphql(token, COMPILED_LISTS, variables.clone())
                .await;
            let compiled = reader.metrics.compiled_reads() - before;
            assert!(response.get("errors").is_none(), "{response:#}");
            assert!(
                !response.to_string().contains(SECRET),
                "{who} reads B's internals ({attempt}): {response:#}"
            );
            let data = &response["data"];
            let group = &data["group"]["commitments"];
            assert_eq!(ids(group), vec![pc], "group's, for {who} ({attempt})");
            assert_eq!(group["totalCount"], 1, "for {who} ({attempt})");
            // B's public report is still in review: A sees no report.
            assert!(group["nodes"][0]["latestReport"].is_null(), "for {who}");
            let coalition = w.coalition_commitment.as_str();
            let mut expected = token.map_or(vec![pc], |_| vec![pc, coalition]);
            expected.sort_unstable();
            let of_b = &data["group"]["members"]["nodes"][0]["partner"]["commitments"];
            assert_eq!(ids(of_b), expected, "B's, for {who} ({attempt})");
            assert_eq!(of_b["totalCount"], expected.len(), "for {who} ({attempt})");
            // Only the very first request is the resolvers' (and plans the document).
            let expected = u64::from(attempt == "repeated" || who != "A's ADMIN");
            assert_eq!(compiled, expected, "compiled answers for {who} ({attempt})");
        }
    }
}

#[tokio::test]
async fn every_mutation_on_an_id_internal_to_partner_b_answers_not_found() {
    let w = world().await;
    expect_all(&w, &not_found_attempts(&w), "NOT_FOUND").await;
    expect_not_found_for_a_admin(&w, &commitment_on_draft_item(&w)).await;
}

#[tokio::test]
async fn what_partner_a_may_see_but_not_change_answers_forbidden() {
    let w = world().await;
    // Visible, so FORBIDDEN (not NOT_FOUND) is the right answer.
    let visible = [
        &w.group,
        &w.b,
        &w.public_commitment,
        &w.coalition_commitment,
    ];
    for (who, user) in w.a_users() {
        for id in visible {
            let seen = node(&w.app, Some(&user.token), id).await;
            assert_eq!(seen, id.as_str(), "as {who}");
        }
    }
    expect_all(&w, &forbidden_attempts(&w), "FORBIDDEN").await;
}

#[tokio::test]
async fn a_user_of_partner_b_cannot_be_made_focal_point_of_partner_a() {
    let w = world().await;
    let (app, admin) = (&w.app, &w.app.admin_token);
    let input = json!({ "partnerId": w.a, "title": "Pledge of A" });
    let own = create(app, admin, "createCommitment", "commitment", input).await;
    let commitments = row_count(app, "commitments").await;
    for stranger in [&w.b_focal, &w.b_admin] {
        let naming = format!("A's commitment, naming {}", stranger.email);
        let input = json!({ "commitmentId": own, "userId": stranger.id });
        expect_not_found_for_a_admin(&w, &attempt("assignFocalPoint", &naming, input)).await;
        let input = json!({ "partnerId": w.a, "title": "Pledge", "focalPointId": stranger.id });
        expect_not_found_for_a_admin(&w, &attempt("createCommitment", &naming, input)).await;
    }
    assert_eq!(row_count(app, "commitments").await, commitments);
    let query =
        "query($id: ID!) { node(id: $id) { ... on Commitment { version focalPoint { id } } } }";
    let data = app.ok(Some(admin), query, json!({ "id": own })).await;
    assert_eq!(data["node"], json!({ "version": 1, "focalPoint": null }));
    // Control: A's own focal point is accepted.
    let input = json!({ "commitmentId": own, "userId": w.a_focal.id });
    let assign = attempt("assignFocalPoint", "A's commitment", input);
    assert_eq!(run(app, Some(&w.a_admin.token), &assign).await, "ok");
}

#[tokio::test]
async fn refused_attempts_leave_everything_of_partner_b_as_it_was() {
    let w = world().await;
    let rows_before = row_counts(&w.app).await;
    let before = snapshot(&w).await;

    expect_all(&w, &not_found_attempts(&w), "NOT_FOUND").await;
    expect_all(&w, &forbidden_attempts(&w), "FORBIDDEN").await;
    expect_not_found_for_a_admin(&w, &commitment_on_draft_item(&w)).await;

    let after = snapshot(&w).await;
    assert_eq!(after, before, "B's data changed");
    assert_eq!(row_counts(&w.app).await, rows_before, "rows were written");
    // And it is the world as built, so the comparisons above are not between nulls.
    let focal = json!({ "id": w.b_focal.id });
    // One report each, still in review: nothing public moved.
    let expected = json!({ "title": "Secret pledge", "version": 2, "progress": 0,
                           "status": "PLANNED", "visibility": "GROUP", "focalPoint": focal });
    assert_eq!(after["gc"], expected, "created, then one report");
    let expected = json!({ "title": "Public pledge", "version": 2, "progress": 0,
                           "status": "PLANNED", "visibility": "PUBLIC", "focalPoint": focal });
    assert_eq!(after["pc"], expected);
    assert_eq!(after["cc"]["version"], 1);
    let plan = &after["plan"];
    assert_eq!(plan["status"], "DRAFT");
    assert_eq!(plan["title"], "Secret plan");
    assert!(plan["version"].is_i64(), "{plan:#}");
    let items = json!([{ "id": w.item, "title": "Secret item", "position": 0 }]);
    assert_eq!(plan["items"], items);
    let submitted = json!({ "reviewState": "SUBMITTED", "progress": 40 });
    assert_eq!(after["gr"], submitted);
    assert_eq!(after["pr"]["reviewState"], "SUBMITTED");
    let group = &after["group"];
    assert_eq!(group["name"], "Group of B");
    assert_eq!(group["status"], "ACTIVE");
    assert!(group["version"].is_i64(), "{group:#}");
    let members = json!([{ "role": "LEAD", "partner": { "id": w.b } }]);
    assert_eq!(group["members"]["nodes"], members);
    assert_eq!(after["b"], json!({ "name": "Partner B", "version": 1 }));
    let tables = [
        ("progress_reports", 2),
        ("commitments", 3),
        ("work_plan_items", 1),
    ];
    for (table, n) in tables {
        assert_eq!(row_count(&w.app, table).await, n, "{table}");
    }
}

#[tokio::test]
async fn partner_b_sees_its_internal_data_and_may_change_it() {
    let w = world().await;
    let gc = w.group_commitment.as_str();
    let (pc, cc) = (
        w.public_commitment.as_str(),
        w.coalition_commitment.as_str(),
    );
    let mut all = vec![gc, pc, cc];
    all.sort_unstable();
    let plans = json!([{ "id": w.plan }]);
    let variables = json!({ "b": w.b, "group": w.group, "pc": pc });
    for (who, user) in w.b_users() {
        let token = Some(user.token.as_str());
        for (what, id) in w.hidden() {
            assert_eq!(node(&w.app, token, id).await, id, "{what} as {who}");
        }
        let data = w.app.ok(token, LISTS, variables.clone()).await;
        assert_eq!(ids(&data["commitments"]), all, "as {who}");
        assert_eq!(data["group"]["workPlans"], plans, "as {who}");
        assert_eq!(data["public"]["reports"]["totalCount"], 1, "as {who}");
        let got = outcome(&w.app, token, EVENTS, json!({ "group": w.group })).await;
        assert_eq!(got, "ok", "group events as {who}");
    }
    // B's focal point reports on the commitment A got NOT_FOUND for.
    let query = mutation("reportProgress", "commitment { version progress }");
    let input = json!({ "commitmentId": gc, "progress": 60, "status": "ON_TRACK",
                        "expectedVersion": 2 });
    let variables = json!({ "input": input });
    let data = w.app.ok(Some(&w.b_focal.token), &query, variables).await;
    // In review: the version moves, the public progress waits for approval.
    let expected = json!({ "version": 3, "progress": 0 });
    assert_eq!(data["reportProgress"]["commitment"], expected);
    // The very operations refused to A succeed for B's ADMIN (of the group's LEAD).
    let mut attempts = not_found_attempts(&w);
    attempts.extend(forbidden_attempts(&w));
    let find = |label: &str| {
        attempts
            .iter()
            .find(|a| a.label == label)
            .unwrap_or_else(|| panic!("no attempt labelled {label}"))
    };
    for label in [
        "updateWorkPlan on B's draft plan",
        "addWorkPlanItem on B's draft plan",
        "updateWorkPlanItem on B's draft item",
        "updateCommitment on B's group commitment",
        "updateActionGroup on B's group",
        "updatePartner on partner B",
    ] {
        let got = run(&w.app, Some(&w.b_admin.token), find(label)).await;
        assert_eq!(got, "ok", "{label} as B's ADMIN");
    }
    // The staff approve both reports. The one on the public commitment becomes
    // visible to A (reviewing it is then FORBIDDEN); the group report stays hidden.
    for label in [
        "reviewProgressReport on B's group report",
        "reviewProgressReport on B's public report in review",
    ] {
        let got = run(&w.app, Some(&w.app.admin_token), find(label)).await;
        assert_eq!(got, "ok", "{label} as the platform admin");
    }
    let a_token = Some(w.a_admin.token.as_str());
    let public_report = w.public_report.as_str();
    assert_eq!(node(&w.app, a_token, public_report).await, public_report);
    assert!(node(&w.app, a_token, &w.group_report).await.is_null());
    let input = json!({ "progressReportId": public_report, "decision": "RETURN",
                        "reason": "Not good enough" });
    let review = attempt("reviewProgressReport", "an approved report", input);
    assert_eq!(run(&w.app, a_token, &review).await, "FORBIDDEN");
}
