//! Work plans: drafting, adopting, closing, and their items.
use serde_json::{json, Value};

use crate::helpers::{first_error_code, spawn_app, TestApp, TestUser};

struct Setup {
    app: TestApp,
    group: String,
    ilo: String,
    iom: String,
    lead: TestUser,
    member: TestUser,
}

/// A group led by ILO with IOM as a member; a user of each.
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
    let group = app.create_group(&coalition, "Migration").await;
    app.add_group_member(&group, &ilo, "LEAD").await;
    app.add_group_member(&group, &iom, "MEMBER").await;
    let lead = app.create_user("lead@ilo.example", &ilo, "MEMBER").await;
    let member = app.create_user("member@iom.example", &iom, "MEMBER").await;
    Setup {
        app,
        group,
        ilo,
        iom,
        lead,
        member,
    }
}

const CREATE: &str = "mutation($input: CreateWorkPlanInput!) { createWorkPlan(input: $input) { workPlan { id status level version startsOn endsOn } } }";
const ADD_ITEM: &str = "mutation($input: AddWorkPlanItemInput!) { addWorkPlanItem(input: $input) { item { id title position status dueOn leadPartner { name } } } }";

async fn draft(s: &Setup) -> String {
    let data = s
        .app
        .ok(
            Some(&s.lead.token),
            CREATE,
            json!({ "input": { "actionGroupId": s.group, "title": "Joint work plan 2025", "level": "NATIONAL", "country": "NP", "startsOn": "2025-01-01", "endsOn": "2025-12-31" } }),
        )
        .await;
    data["createWorkPlan"]["workPlan"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn add_item(s: &Setup, plan: &str, title: &str, due: &str) -> String {
    let data = s
        .app
        .ok(Some(&s.lead.token), ADD_ITEM, json!({ "input": { "workPlanId": plan, "title": title, "dueOn": due, "leadPartnerId": s.iom } }))
        .await;
    data["addWorkPlanItem"]["item"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_period_must_start_before_it_ends_and_the_level_fits_its_scope() {
    let s = setup().await;
    let input = |level: &str, starts: &str, ends: &str, extra: Value| {
        let mut input = json!({ "actionGroupId": s.group, "title": "Plan", "level": level, "startsOn": starts, "endsOn": ends });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": input })
    };
    let backwards = s
        .app
        .graphql(
            Some(&s.lead.token),
            CREATE,
            input("GLOBAL", "2025-12-31", "2025-01-01", json!({})),
        )
        .await;
    assert_eq!(first_error_code(&backwards), "BAD_USER_INPUT");
    assert_eq!(backwards["errors"][0]["extensions"]["field"], "endsOn");
    let global_with_country = s
        .app
        .graphql(
            Some(&s.lead.token),
            CREATE,
            input(
                "GLOBAL",
                "2025-01-01",
                "2025-12-31",
                json!({ "country": "NP" }),
            ),
        )
        .await;
    assert_eq!(first_error_code(&global_with_country), "BAD_USER_INPUT");
    let regional_with_country = s
        .app
        .graphql(
            Some(&s.lead.token),
            CREATE,
            input(
                "REGIONAL",
                "2025-01-01",
                "2025-12-31",
                json!({ "country": "NP" }),
            ),
        )
        .await;
    assert_eq!(
        regional_with_country["errors"][0]["extensions"]["field"],
        "country"
    );
    let data = s
        .app
        .ok(
            Some(&s.lead.token),
            CREATE,
            input(
                "REGIONAL",
                "2025-01-01",
                "2025-01-01",
                json!({ "region": "Asia and the Pacific" }),
            ),
        )
        .await;
    assert_eq!(data["createWorkPlan"]["workPlan"]["status"], "DRAFT");
    let member = s
        .app
        .graphql(
            Some(&s.member.token),
            CREATE,
            input("GLOBAL", "2025-01-01", "2025-12-31", json!({})),
        )
        .await;
    assert_eq!(first_error_code(&member), "FORBIDDEN");
}

#[tokio::test]
async fn items_have_a_member_lead_and_a_due_date_inside_the_period() {
    let s = setup().await;
    let plan = draft(&s).await;
    let outside = s
        .app
        .graphql(
            Some(&s.lead.token),
            ADD_ITEM,
            json!({ "input": { "workPlanId": plan, "title": "Late", "dueOn": "2026-01-01" } }),
        )
        .await;
    assert_eq!(outside["errors"][0]["extensions"]["field"], "dueOn");
    let stranger = s.app.create_partner("Stranger", "NGO", None).await;
    let not_member = s
        .app
        .graphql(
            Some(&s.lead.token),
            ADD_ITEM,
            json!({ "input": { "workPlanId": plan, "title": "X", "leadPartnerId": stranger } }),
        )
        .await;
    assert_eq!(
        not_member["errors"][0]["extensions"]["field"],
        "leadPartnerId"
    );

    let first = add_item(&s, &plan, "Baseline survey", "2025-03-31").await;
    let second = add_item(&s, &plan, "National action plan", "2025-09-30").await;
    let third = add_item(&s, &plan, "Validation workshop", "2025-11-15").await;
    let reorder = "mutation($p: ID!, $ids: [ID!]!) { reorderWorkPlanItems(input: {workPlanId: $p, itemIds: $ids}) { workPlan { items { title position } } } }";
    let missing = s
        .app
        .graphql(
            Some(&s.lead.token),
            reorder,
            json!({ "p": plan, "ids": [third, first] }),
        )
        .await;
    assert_eq!(missing["errors"][0]["extensions"]["field"], "itemIds");
    let data = s
        .app
        .ok(
            Some(&s.lead.token),
            reorder,
            json!({ "p": plan, "ids": [third, first, second] }),
        )
        .await;
    let titles: Vec<&str> = data["reorderWorkPlanItems"]["workPlan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Validation workshop",
            "Baseline survey",
            "National action plan"
        ]
    );

    let data = s
        .app
        .ok(Some(&s.lead.token), "mutation($i: ID!) { removeWorkPlanItem(input: {itemId: $i}) { workPlan { items { title } } } }", json!({ "i": first }))
        .await;
    assert_eq!(
        data["removeWorkPlanItem"]["workPlan"]["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn an_adopted_plan_keeps_its_period_and_items_but_item_statuses_change() {
    let s = setup().await;
    let plan = draft(&s).await;
    let item = add_item(&s, &plan, "Baseline survey", "2025-03-31").await;
    let data = s
        .app
        .ok(Some(&s.lead.token), "mutation($p: ID!) { adoptWorkPlan(input: {workPlanId: $p}) { workPlan { status version } } }", json!({ "p": plan }))
        .await;
    assert_eq!(data["adoptWorkPlan"]["workPlan"]["status"], "ADOPTED");
    let again = s
        .app
        .graphql(
            Some(&s.lead.token),
            "mutation($p: ID!) { adoptWorkPlan(input: {workPlanId: $p}) { workPlan { status } } }",
            json!({ "p": plan }),
        )
        .await;
    assert_eq!(first_error_code(&again), "CONFLICT");

    let move_period = s
        .app
        .graphql(
            Some(&s.lead.token),
            "mutation($p: ID!) { updateWorkPlan(input: {workPlanId: $p, endsOn: \"2026-06-30\"}) { workPlan { endsOn } } }",
            json!({ "p": plan }),
        )
        .await;
    assert_eq!(first_error_code(&move_period), "CONFLICT");
    let retitle = s
        .app
        .ok(Some(&s.lead.token), "mutation($p: ID!) { updateWorkPlan(input: {workPlanId: $p, title: \"Joint plan\"}) { workPlan { title endsOn } } }", json!({ "p": plan }))
        .await;
    assert_eq!(
        retitle["updateWorkPlan"]["workPlan"]["endsOn"],
        "2025-12-31"
    );

    let add = s
        .app
        .graphql(
            Some(&s.lead.token),
            ADD_ITEM,
            json!({ "input": { "workPlanId": plan, "title": "More" } }),
        )
        .await;
    assert_eq!(first_error_code(&add), "CONFLICT");
    let update_item = "mutation($input: UpdateWorkPlanItemInput!) { updateWorkPlanItem(input: $input) { item { status title } } }";
    let reschedule = s
        .app
        .graphql(
            Some(&s.lead.token),
            update_item,
            json!({ "input": { "itemId": item, "dueOn": "2025-04-30" } }),
        )
        .await;
    assert_eq!(first_error_code(&reschedule), "CONFLICT");
    let data = s
        .app
        .ok(
            Some(&s.lead.token),
            update_item,
            json!({ "input": { "itemId": item, "status": "DONE" } }),
        )
        .await;
    assert_eq!(data["updateWorkPlanItem"]["item"]["status"], "DONE");

    s.app
        .ok(
            Some(&s.lead.token),
            "mutation($p: ID!) { closeWorkPlan(input: {workPlanId: $p}) { workPlan { status } } }",
            json!({ "p": plan }),
        )
        .await;
    let closed = s
        .app
        .graphql(
            Some(&s.lead.token),
            update_item,
            json!({ "input": { "itemId": item, "status": "PLANNED" } }),
        )
        .await;
    assert_eq!(first_error_code(&closed), "CONFLICT");
}

#[tokio::test]
async fn drafts_are_visible_to_group_members_only() {
    let s = setup().await;
    let plan = draft(&s).await;
    add_item(&s, &plan, "Baseline survey", "2025-03-31").await;
    let outsider_partner = s.app.create_partner("Outsider", "NGO", None).await;
    let outsider = s
        .app
        .create_user("someone@outsider.example", &outsider_partner, "ADMIN")
        .await;
    let plans = "query($g: ID!, $p: ID!) { node(id: $p) { id } group: node(id: $g) { ... on ActionGroup { workPlans { title status items { title } } } } }";
    let vars = json!({ "g": s.group, "p": plan });
    for token in [
        Some(s.lead.token.as_str()),
        Some(s.member.token.as_str()),
        Some(s.app.admin_token.as_str()),
    ] {
        let data = s.app.ok(token, plans, vars.clone()).await;
        assert_eq!(data["node"]["id"], plan.as_str());
        assert_eq!(
            data["group"]["workPlans"][0]["items"][0]["title"],
            "Baseline survey"
        );
    }
    for token in [Some(outsider.token.as_str()), None] {
        let data = s.app.ok(token, plans, vars.clone()).await;
        assert_eq!(data["node"], Value::Null);
        assert_eq!(data["group"]["workPlans"], json!([]));
    }
    s.app
        .ok(
            Some(&s.lead.token),
            "mutation($p: ID!) { adoptWorkPlan(input: {workPlanId: $p}) { workPlan { status } } }",
            json!({ "p": plan }),
        )
        .await;
    let data = s.app.ok(None, plans, vars).await;
    assert_eq!(data["node"]["id"], plan.as_str());
    assert_eq!(data["group"]["workPlans"][0]["status"], "ADOPTED");
    let _ = s.ilo;
}
