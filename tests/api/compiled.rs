//! The compiled read path answers byte for byte what the resolvers answer.
//!
//! Two nodes share one database: one with the compiled path, one without, both
//! without the answer cache. Every query of the corpus is sent by every kind of
//! viewer (anonymous, the secretariat, an admin, a member and an outsider of
//! the groups) to the resolvers' node, then twice to the compiled node: the
//! first time the resolvers answer and the document is planned, the second time
//! the compiled path answers. All three bodies must be identical, and the
//! compiled node's metrics must show that it answered the second time.
use coalition::graphql::ids::{encode, NodeKind};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp, TestUser};

struct World {
    compiled: TestApp,
    resolvers: TestApp,
    viewers: Vec<(&'static str, Option<String>)>,
    group: String,
    partner_b: String,
    outsider: TestUser,
}

const REPORT: &str = "mutation($input: ReportProgressInput!) { reportProgress(input: $input) { commitment { version } } }";

async fn world() -> World {
    let compiled = spawn_app_with(|config| config.query_cache_mb = 0).await;
    let resolvers = compiled
        .spawn_node(|config| {
            config.query_cache_mb = 0;
            config.compiled_reads = false;
        })
        .await;
    let app = &compiled;
    let coalition = app.create_coalition("Alliance 8.7", "alliance-8-7").await;
    let a = app
        .create_partner(
            "International Labour Organization",
            "INTERNATIONAL_ORGANIZATION",
            Some("CH"),
        )
        .await;
    let b = app
        .create_partner(
            "Confédération syndicale \"CSI\" — ITUC",
            "WORKERS_ORGANIZATION",
            None,
        )
        .await;
    let c = app
        .create_partner("Ministry of Labour", "GOVERNMENT", Some("GH"))
        .await;
    for partner in [&a, &b, &c] {
        app.add_coalition_partner(&coalition, partner).await;
    }
    let admin_a = app.create_user("admin@ilo.example", &a, "ADMIN").await;
    let member_b = app.create_user("member@ituc.example", &b, "MEMBER").await;
    let outsider = app.create_user("focal@labour.example", &c, "ADMIN").await;

    let group = app.create_group(&coalition, "Supply chains").await;
    let other_group = app.create_group(&coalition, "Migration").await;
    app.add_group_member(&group, &a, "LEAD").await;
    app.add_group_member(&group, &b, "MEMBER").await;
    app.add_group_member(&other_group, &c, "LEAD").await;
    app.add_group_member(&other_group, &a, "OBSERVER").await;

    let public = app
        .create_commitment(
            &a,
            "Remove child labour from cocoa supply chains",
            json!({ "actionGroupId": group, "dueOn": "2030-12-31", "indicator": "Children removed", "unit": "children", "description": "Line one\nline two <b>" }),
        )
        .await;
    app.create_commitment(
        &a,
        "Group-only audit plan",
        json!({ "actionGroupId": group, "visibility": "GROUP" }),
    )
    .await;
    app.create_commitment(
        &b,
        "Coalition-wide training",
        json!({ "coalitionId": coalition, "visibility": "COALITION" }),
    )
    .await;
    app.create_commitment(
        &b,
        "Organise cocoa workers",
        json!({ "actionGroupId": group }),
    )
    .await;
    app.create_commitment(
        &c,
        "National action plan",
        json!({ "actionGroupId": other_group, "visibility": "GROUP" }),
    )
    .await;
    // An approved report, then one in review: insiders see the newer one.
    app.ok(
        Some(&admin_a.token),
        REPORT,
        json!({ "input": { "commitmentId": public["id"], "progress": 40, "status": "ON_TRACK", "narrative": "Two districts", "expectedVersion": 1 } }),
    )
    .await;
    app.approve_pending(&public["id"]).await;
    app.ok(
        Some(&admin_a.token),
        REPORT,
        json!({ "input": { "commitmentId": public["id"], "progress": 55, "status": "AT_RISK", "narrative": "Flooding", "expectedVersion": 3 } }),
    )
    .await;

    let viewers = vec![
        ("anonymous", None),
        ("secretariat", Some(app.admin_token.clone())),
        ("admin of A", Some(admin_a.token.clone())),
        ("member of B", Some(member_b.token.clone())),
        ("outsider", Some(outsider.token.clone())),
    ];
    World {
        compiled,
        resolvers,
        viewers,
        group,
        partner_b: b,
        outsider,
    }
}

/// An answer: status, content type and body as sent.
struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

impl Answer {
    /// What must agree between the paths: everything but the order of keys.
    fn meaning(&self) -> (u16, &str, Value) {
        let body = serde_json::from_str(&self.body).expect("a JSON body");
        (self.status, &self.content_type, body)
    }
}

async fn raw(app: &TestApp, token: Option<&str>, body: &Value) -> Answer {
    let mut request = app.client.post(app.url("/graphql")).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.text().await.unwrap();
    Answer {
        status,
        content_type,
        body,
    }
}

/// Sends `body` as every viewer to both nodes; returns the compiled answers.
/// `compiled` says whether the compiled path must have answered the repeats.
async fn agree(world: &World, body: Value, compiled: bool) -> Vec<String> {
    let mut answers = Vec::new();
    for (viewer, token) in &world.viewers {
        let token = token.as_deref();
        let expected = raw(&world.resolvers, token, &body).await;
        let learned = raw(&world.compiled, token, &body).await;
        let before = world.compiled.metrics.compiled_reads();
        let repeated = raw(&world.compiled, token, &body).await;
        let answered = world.compiled.metrics.compiled_reads() - before;
        assert_eq!(
            expected.meaning(),
            learned.meaning(),
            "first answer differs for {viewer}: {body}"
        );
        assert_eq!(
            expected.meaning(),
            repeated.meaning(),
            "compiled answer differs for {viewer}: {body}"
        );
        assert_eq!(
            answered,
            u64::from(compiled),
            "compiled path {} for {viewer}: {body}",
            if compiled {
                "did not answer"
            } else {
                "answered"
            }
        );
        answers.push(repeated.body);
    }
    answers
}

fn query(text: &str, variables: Value) -> Value {
    json!({ "query": text, "variables": variables })
}

const GROUP_LIST: &str = "{ actionGroups(first: 20) { nodes { members(first: 50) { edges { role node { partner { name kind } } } } commitments(first: 50) { nodes { title progress partner { name } } } } } }";
const SINGLE_GROUP: &str = "query($id: ID!) { node(id: $id) { ... on ActionGroup { name commitments(first: 50) { nodes { title progress status latestReport { progress narrative createdAt } } } } } }";

#[tokio::test]
async fn the_compiled_path_answers_the_corpus_as_the_resolvers_do() {
    let w = world().await;
    let group = json!({ "id": w.group });
    let corpus = [
        query(GROUP_LIST, Value::Null),
        query(SINGLE_GROUP, group.clone()),
        query(
            "{ list: actionGroups(first: 1) { __typename totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename } edges { __typename cursor node { __typename id name description status version createdAt } } } }",
            Value::Null,
        ),
        query(
            "query Page($n: Int, $after: String) { actionGroups(first: $n, after: $after) { nodes { name } pageInfo { endCursor hasNextPage } } }",
            json!({ "n": 1 }),
        ),
        query(
            "query Page($n: Int, $after: String) { actionGroups(first: $n, after: $after) { nodes { name } pageInfo { endCursor hasNextPage } } }",
            json!({}),
        ),
        query(
            "{ actionGroups { ...Groups } } fragment Groups on ActionGroupConnection { nodes { ...Named members(first: 1) { totalCount edges { role joinedAt cursor __typename node { __typename role joinedAt partner { ...Profile } } } pageInfo { hasNextPage endCursor startCursor } } } } fragment Named on ActionGroup { id name } fragment Profile on Partner { id name acronym kind country region website description version createdAt updatedAt }",
            Value::Null,
        ),
        query(
            "{ partners(first: 10) { totalCount pageInfo { endCursor } nodes { id name kind commitments(first: 5) { totalCount nodes { id title description indicator unit status progress dueOn visibility version createdAt updatedAt latestReport { __typename id progress status narrative reviewState reviewReason reviewedAt commitmentVersion createdAt } } } } } }",
            Value::Null,
        ),
        query(
            "query($id: ID!) { node(id: $id) { id __typename ... on Node { again: id } ... on Partner { name } ... on ActionGroup { commitments(first: 2, after: null) { edges { cursor node { title partner { name commitments(first: 1) { totalCount nodes { title } } } } } } } } }",
            group.clone(),
        ),
        query(
            "query($id: ID!) { node(id: $id) { ... on ActionGroup { name } } }",
            json!({ "id": encode(NodeKind::ActionGroup, 999_999) }),
        ),
        json!({
            "query": "query Other { __typename } query Groups { __typename actionGroups { totalCount nodes { members { nodes { role joinedAt partner { name } } } } } }",
            "operationName": "Groups",
        }),
    ];
    for body in corpus {
        let answers = agree(&w, body.clone(), true).await;
        for answer in answers {
            assert!(answer.starts_with("{\"data\":"), "{answer}");
            assert!(!answer.contains("\"errors\""), "{body}: {answer}");
        }
    }
}

#[tokio::test]
async fn a_page_of_the_compiled_path_continues_where_the_cursor_says() {
    let w = world().await;
    let text = "query($after: String) { actionGroups(first: 1, after: $after) { nodes { name } pageInfo { endCursor hasNextPage } } }";
    let first = agree(&w, query(text, json!({})), true).await;
    let first: Value = serde_json::from_str(&first[0]).unwrap();
    let cursor = first["data"]["actionGroups"]["pageInfo"]["endCursor"].clone();
    let second = agree(&w, query(text, json!({ "after": cursor })), true).await;
    let second: Value = serde_json::from_str(&second[0]).unwrap();
    assert_eq!(
        first["data"]["actionGroups"]["nodes"][0]["name"],
        "Migration"
    );
    assert_eq!(
        second["data"]["actionGroups"]["nodes"][0]["name"],
        "Supply chains"
    );
    assert_eq!(
        second["data"]["actionGroups"]["pageInfo"]["hasNextPage"],
        false
    );
}

#[tokio::test]
async fn what_the_compiled_path_shows_each_viewer_is_what_they_may_see() {
    let w = world().await;
    let text = "query($id: ID!) { node(id: $id) { ... on ActionGroup { commitments { totalCount nodes { title latestReport { progress reviewState } } } } } }";
    let answers = agree(&w, query(text, json!({ "id": w.group })), true).await;
    let titles = |answer: &str| -> Vec<String> {
        let answer: Value = serde_json::from_str(answer).unwrap();
        answer["data"]["node"]["commitments"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let everyone = [
        "Remove child labour from cocoa supply chains",
        "Organise cocoa workers",
    ];
    let with_group = [
        "Remove child labour from cocoa supply chains",
        "Group-only audit plan",
        "Organise cocoa workers",
    ];
    // anonymous, secretariat, admin of A, member of B, outsider
    assert_eq!(titles(&answers[0]), everyone);
    assert_eq!(titles(&answers[1]), with_group);
    assert_eq!(titles(&answers[2]), with_group);
    assert_eq!(titles(&answers[3]), with_group);
    assert_eq!(titles(&answers[4]), everyone);
    // The report in review is the insiders' latest; others see the approved one.
    let latest = |answer: &str| -> Value {
        let answer: Value = serde_json::from_str(answer).unwrap();
        answer["data"]["node"]["commitments"]["nodes"][0]["latestReport"].clone()
    };
    assert_eq!(
        latest(&answers[0]),
        json!({ "progress": 40, "reviewState": "APPROVED" })
    );
    assert_eq!(
        latest(&answers[2]),
        json!({ "progress": 55, "reviewState": "SUBMITTED" })
    );
    assert_eq!(
        latest(&answers[3]),
        json!({ "progress": 40, "reviewState": "APPROVED" })
    );
    // The outsider's own group-only commitment is theirs, not the other group's readers'.
    let partner_list =
        "{ partners(first: 10) { nodes { name commitments { totalCount nodes { title } } } } }";
    let answers = agree(&w, query(partner_list, Value::Null), true).await;
    assert!(
        answers[4].contains("National action plan"),
        "{}",
        answers[4]
    );
    assert!(
        !answers[3].contains("National action plan"),
        "{}",
        answers[3]
    );
    assert!(
        !answers[0].contains("Group-only audit plan"),
        "{}",
        answers[0]
    );
    let _ = (&w.outsider, &w.partner_b);
}

#[tokio::test]
async fn bad_arguments_and_other_shapes_fall_back_to_the_resolvers_and_their_errors() {
    let w = world().await;
    let page = "query($n: Int, $after: String) { actionGroups(first: $n, after: $after) { nodes { name } } }";
    // Planned once with good variables…
    agree(&w, query(page, json!({ "n": 2 })), true).await;
    // …then sent with variables the compiled path leaves to the resolvers.
    for variables in [
        json!({ "n": 0 }),
        json!({ "n": 101 }),
        json!({ "n": 5_000_000_000_i64 }),
        json!({ "n": "ten" }),
        json!({ "n": 1.5 }),
        json!({ "after": "not a cursor" }),
        json!({ "after": 12 }),
        json!({ "after": "eyJpIjoxfQ" }),
    ] {
        let body = query(page, variables.clone());
        for (viewer, token) in &w.viewers {
            let token = token.as_deref();
            let expected = raw(&w.resolvers, token, &body).await;
            let answered = raw(&w.compiled, token, &body).await;
            assert_eq!(
                expected.meaning(),
                answered.meaning(),
                "{viewer}: {variables}"
            );
            assert!(
                expected.body.contains("\"errors\""),
                "{variables}: {}",
                expected.body
            );
        }
    }
    // A node of another kind, and a malformed id, on a planned document.
    agree(&w, query(SINGLE_GROUP, json!({ "id": w.group })), true).await;
    for id in [json!(w.partner_b), json!("garbage"), json!(12)] {
        let body = query(SINGLE_GROUP, json!({ "id": id }));
        let expected = raw(&w.resolvers, None, &body).await;
        let answered = raw(&w.compiled, None, &body).await;
        assert_eq!(expected.meaning(), answered.meaning(), "{id}");
    }
    // Shapes the compiled path does not take are never answered by it.
    for text in [
        "{ actionGroups(filter: { search: \"chains\" }) { nodes { name } } }",
        "{ actionGroups { nodes { name @include(if: true) } } }",
        "{ actionGroups { nodes { name name } } }",
        "{ actionGroups { nodes { coalition { name } } } }",
        "{ a: actionGroups { totalCount } b: actionGroups { totalCount } a: actionGroups { totalCount } }",
        "mutation { logout }",
    ] {
        let body = query(text, Value::Null);
        let before = w.compiled.metrics.compiled_reads();
        for _ in 0..2 {
            let expected = raw(&w.resolvers, Some(&w.outsider.token), &body).await;
            let answered = raw(&w.compiled, Some(&w.outsider.token), &body).await;
            if text.starts_with("mutation") {
                continue;
            }
            assert_eq!(expected.meaning(), answered.meaning(), "{text}");
        }
        assert_eq!(w.compiled.metrics.compiled_reads(), before, "{text}");
    }
}

#[tokio::test]
async fn the_compiled_group_list_runs_the_same_statements_for_2_or_12_groups() {
    let w = world().await;
    let statements = |app: &TestApp| app.statements();
    let list = query(GROUP_LIST, Value::Null);
    raw(&w.compiled, None, &list).await; // planned
    let before = statements(&w.compiled);
    let small = raw(&w.compiled, None, &list).await;
    let few = statements(&w.compiled) - before;
    let coalition = w
        .compiled
        .ok(None, "{ coalitions { nodes { id } } }", Value::Null)
        .await["coalitions"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for i in 0..10 {
        let group = w
            .compiled
            .create_group(&coalition, &format!("Group {i:02}"))
            .await;
        w.compiled
            .add_group_member(&group, &w.partner_b, "MEMBER")
            .await;
        w.compiled
            .create_commitment(
                &w.partner_b,
                &format!("Commitment {i}"),
                json!({ "actionGroupId": group }),
            )
            .await;
    }
    let before = statements(&w.compiled);
    let large = raw(&w.compiled, None, &list).await;
    let many = statements(&w.compiled) - before;
    assert!(large.body.len() > small.body.len());
    assert_eq!(few, many, "statements grew with the number of groups");
    // groups, members, their partners, commitments, their partners
    assert_eq!(many, 5, "{many} statements");
}

#[tokio::test]
async fn a_compiled_group_reads_its_commitments_and_their_latest_reports_in_one_statement() {
    let w = world().await;
    let single = query(SINGLE_GROUP, json!({ "id": w.group }));
    raw(&w.compiled, None, &single).await; // planned
    let before = w.compiled.statements();
    let answer = raw(&w.compiled, None, &single).await;
    let statements = w.compiled.statements() - before;
    assert_eq!(answer.status, 200);
    // the group, then its commitments joined with their latest reports
    assert_eq!(statements, 2, "{statements} statements");
}

#[tokio::test]
async fn a_compiled_partner_directory_counts_commitments_beside_their_pages() {
    let w = world().await;
    let directory = query(
        "{ partners(first: 50) { nodes { name commitments(first: 10) { totalCount nodes { title status progress } } } } }",
        Value::Null,
    );
    raw(&w.compiled, None, &directory).await; // planned
    let before = w.compiled.statements();
    let answer = raw(&w.compiled, None, &directory).await;
    let statements = w.compiled.statements() - before;
    assert_eq!(answer.status, 200);
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    let partners = body["data"]["partners"]["nodes"].as_array().unwrap();
    let counted: u64 = partners
        .iter()
        .map(|p| p["commitments"]["totalCount"].as_u64().unwrap())
        .sum();
    assert!(counted > 0, "{body}");
    // Partners without a visible commitment are counted 0, with no nodes.
    assert!(partners
        .iter()
        .any(|p| p["commitments"]["totalCount"] == 0 && p["commitments"]["nodes"] == json!([])));
    // The partners, then their commitments with their counts: one statement
    // on PostgreSQL, two on SQLite (a count apart).
    let expected = match w.compiled.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => 2,
        _ => 3,
    };
    assert_eq!(statements, expected, "{statements} statements");
}

#[tokio::test]
async fn the_compiled_path_writes_keys_in_the_documents_order() {
    let w = world().await;
    let text = "{ actionGroups(first: 1) { totalCount nodes { version name __typename id commitments(first: 1) { nodes { title partner { name kind } progress } } } } }";
    let answers = agree(&w, query(text, Value::Null), true).await;
    let order = [
        "\"totalCount\"",
        "\"nodes\"",
        "\"version\"",
        "\"name\"",
        "\"__typename\"",
        "\"id\"",
        "\"commitments\"",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|key| {
            answers[0]
                .find(key)
                .unwrap_or_else(|| panic!("{key} in {}", answers[0]))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}", answers[0]);
}

#[tokio::test]
async fn a_padded_document_is_never_planned_or_kept() {
    let w = world().await;
    let limit = coalition::graphql::compiled::MAX_PLANNED_DOCUMENT_BYTES;
    let padding = "#".repeat(limit);
    let text = format!("{{ actionGroups {{ nodes {{ name }} }} }}\n{padding}");
    let body = query(&text, Value::Null);
    let answers = agree(&w, body, false).await;
    assert!(answers[0].contains("Supply chains"), "{}", answers[0]);
}

#[tokio::test]
async fn a_planned_document_is_costed_again_with_each_requests_variables() {
    let w = world().await;
    // 20 groups × 100 members × (a partner and its 100 commitments) is far
    // over the work budget; with 2 of each it is cheap and gets planned.
    let text = "query($n: Int) { actionGroups(first: $n) { nodes { members(first: $n) { nodes { partner { commitments(first: $n) { nodes { title } } } } } } } }";
    let cheap = query(text, json!({ "n": 2 }));
    raw(&w.compiled, None, &cheap).await; // planned
    let before = w.compiled.metrics.compiled_reads();
    let answered = raw(&w.compiled, None, &cheap).await;
    assert_eq!(answered.status, 200);
    assert_eq!(w.compiled.metrics.compiled_reads() - before, 1, "planned");
    let statements = w.compiled.statements();
    let costly = raw(&w.compiled, None, &query(text, json!({ "n": 100 }))).await;
    let expected = raw(&w.resolvers, None, &query(text, json!({ "n": 100 }))).await;
    assert_eq!(costly.meaning(), expected.meaning());
    assert!(costly.body.contains("BAD_USER_INPUT"), "{}", costly.body);
    assert!(costly.body.contains("costs"), "{}", costly.body);
    assert_eq!(
        w.compiled.statements(),
        statements,
        "refused before any SQL"
    );
    assert_eq!(w.compiled.metrics.compiled_reads() - before, 1);
}
