use std::{sync::OnceLock, time::Instant};

use super::*;

fn shape() -> &'static SchemaShape {
    static SHAPE: OnceLock<SchemaShape> = OnceLock::new();
    SHAPE.get_or_init(|| SchemaShape::from_sdl(&crate::graphql::sdl()))
}

fn admit_query(query: &str) -> Result<Admitted, Refusal> {
    admit(shape(), query, None, &Variables::default())
}

fn refusal(query: &str) -> Refusal {
    match admit_query(query) {
        Ok(admitted) => panic!("admitted at {:?}: {}", admitted.cost, truncate(query, 200)),
        Err(refusal) => refusal,
    }
}

const GROUP_LIST: &str = "{ actionGroups(first: 20) { nodes { \
    members(first: 50) { edges { role node { partner { name kind } } } } \
    commitments(first: 50) { nodes { title progress partner { name } } } } } }";

#[test]
fn the_group_list_is_admitted_at_its_real_cost() {
    let admitted = admit_query(GROUP_LIST).expect("admitted");
    assert_eq!(admitted.kind, Some("query"));
    // Each group: members 1 + edges (1 + 50 × 5), commitments 1 + nodes (1 + 50 × 4);
    // the groups' connection and nodes: 1 + 1 + 20 × 454.
    assert_eq!(admitted.cost.work, 9_082);
    // groups, members, their partners, commitments, their partners.
    assert_eq!(admitted.cost.statements(), 5);
    assert_eq!(admitted.cost.depth, 7);
}

#[test]
fn the_standard_introspection_query_is_admitted() {
    let query = include_str!("../../../tests/http_audit/introspection-query.graphql");
    let admitted = admit_query(query).expect("admitted");
    assert_eq!(
        admitted.cost.depth, 0,
        "introspection does not count as depth"
    );
    assert_eq!(admitted.cost.statements(), 0);
}

#[test]
fn repeated_fields_are_each_charged() {
    // Within the token limit, 90 copies of a page and its count.
    let copies = "commitments(first: 1) { totalCount } ".repeat(90);
    let refused = refusal(&format!("{{ {copies} }}"));
    assert_eq!(
        refused,
        Refusal::TooManyStatements {
            statements: 180,
            limit: 100
        }
    );
    // The issue's 20,000 copies stop at the token count, at once.
    let copies = "commitments(first:1){totalCount} ".repeat(20_000);
    let started = Instant::now();
    assert_eq!(refusal(&format!("{{ {copies} }}")), Refusal::TooManyTokens);
    assert!(started.elapsed().as_millis() < 100);
}

#[test]
fn fragments_are_charged_for_what_they_expand_to() {
    // Each level spreads the next three times: 3^9 copies of the page.
    let query = format!(
        "{{ ...F0 }}{}",
        crate::graphql::limits::shapes::fragment_chain(
            "Query",
            9,
            3,
            "commitments(first: 1) { totalCount }"
        )
    );
    let started = Instant::now();
    let refused = refusal(&query);
    assert!(
        matches!(refused, Refusal::TooManyExpandedFields),
        "{refused:?}"
    );
    assert!(started.elapsed().as_millis() < 100);

    // The same bomb of __typename only, in an operation that does not run.
    let query = format!(
        "query A {{ me {{ id }} }} query B {{ ...F0 }}{}",
        crate::graphql::limits::shapes::fragment_chain("Query", 30, 2, "__typename")
    );
    let refused = admit(shape(), &query, Some("A"), &Variables::default());
    assert!(matches!(refused, Err(Refusal::TooManyExpandedFields)));
}

#[test]
fn fragment_cycles_are_refused_before_validation() {
    assert_eq!(
        refusal("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
        Refusal::FragmentCycle("A".into())
    );
    assert!(matches!(
        refusal("{ ...A } fragment A on Query { me { ...A } }"),
        Refusal::FragmentCycle(_)
    ));
}

#[test]
fn pages_multiply_work_by_first_from_a_literal_a_variable_or_a_default() {
    let nested = |first: &str| {
        format!(
            "query($n: Int = 100) {{ commitments(first: {first}) {{ nodes {{ \
             reports(first: {first}) {{ nodes {{ narrative author {{ displayName }} }} }} }} }} }}"
        )
    };
    let work = |query: &str, variables: Variables| {
        admit(shape(), query, None, &variables).map(|a| a.cost.work)
    };
    // commitments 1 + nodes (1 + n × (reports 1 + nodes (1 + n × 3))) = 2 + n (2 + 3n)
    assert_eq!(
        work(&nested("2"), Variables::default()),
        Ok(2 + 2 * (2 + 3 * 2))
    );
    assert!(matches!(
        work(&nested("$n"), Variables::default()),
        Err(Refusal::TooCostly { .. })
    ));
    let small = Variables::from_json(serde_json::json!({ "n": 3 }));
    assert_eq!(work(&nested("$n"), small), Ok(2 + 3 * (2 + 3 * 3)));
    // Out of range is charged as the largest page (the resolver refuses it anyway).
    assert!(work(&nested("1000000"), Variables::default()).is_err());
}

#[test]
fn per_object_fields_are_charged_per_object() {
    let query = "{ actionGroups(first: 60) { nodes { events(first: 1) { totalCount } } } }";
    assert_eq!(
        refusal(query),
        Refusal::TooManyStatements {
            statements: 1 + 60 * 2,
            limit: 100
        }
    );
}

#[test]
fn mutations_are_charged_their_transaction() {
    let one = "mutation { logout }";
    assert_eq!(
        admit_query(one).unwrap().cost.statements(),
        shape::MUTATION_STATEMENTS
    );
    let six = "mutation { a: logout b: logout c: logout d: logout e: logout f: logout }";
    assert!(matches!(refusal(six), Refusal::TooManyStatements { .. }));
}

#[test]
fn depth_counts_data_fields() {
    let nested = |levels: usize| {
        let mut query = String::from("{ partners(first: 1) { nodes { memberships { ");
        for _ in 0..levels {
            query.push_str("coalition { partners(first: 1) { nodes { memberships { ");
        }
        query.push_str("status");
        query.push_str(&" } } } }".repeat(levels));
        query.push_str(" } } } }");
        query
    };
    assert!(admit_query(&nested(1)).is_ok());
    assert!(matches!(refusal(&nested(3)), Refusal::TooDeep(_)));
}

#[test]
fn deep_values_are_refused_before_parsing_in_every_position() {
    let depth = 100_000;
    let open = |c: &str| c.repeat(depth);
    let shapes = [
        format!(
            "{{ partners(first: 1, filter: {{search: {}\"x\"{}}}) {{ totalCount }} }}",
            open("["),
            open("]")
        ),
        format!(
            "{{ partners(filter: {}) {{ totalCount }} }}",
            "{a:".repeat(depth)
        ),
        format!("query($v: [String] = {}) {{ me {{ id }} }}", open("[")),
        format!("{{ me @include(if: {}) {{ id }} }}", open("[")),
        format!("{{ me {} }}", open("{ id ")),
        format!("{{ me{} }}", open("(")),
    ];
    for query in shapes {
        assert_eq!(refusal(&query), Refusal::TooDeepText);
    }
}

#[test]
fn syntax_errors_are_short() {
    let long = format!("{{ me {{ id }} }} {}", "x".repeat(120_000));
    let message = refusal(&format!("{long} {{")).message();
    assert!(message.len() < 200, "{message}");
    assert!(message.starts_with("syntax error at line 1"), "{message}");
}

#[test]
fn aliases_are_counted() {
    let aliased: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
    assert_eq!(
        refusal(&format!("{{ {aliased} }}")),
        Refusal::TooManyAliases(31)
    );
}

#[test]
fn a_subscription_selects_exactly_one_root_field() {
    let check = |query: &str| admit(shape(), query, None, &Variables::default());
    assert!(check("subscription { myNotifications { reason } }").is_ok());
    for query in [
        "subscription { a: myNotifications { reason } b: myNotifications { reason } }",
        "subscription { ... on Subscription { myNotifications { reason } } }",
        "subscription { ...F } fragment F on Subscription { myNotifications { reason } }",
    ] {
        assert!(
            matches!(check(query), Err(Refusal::NotOneRootField)),
            "{query}"
        );
    }
    assert!(admit_query("query { a: me { id } b: me { id } }").is_ok());
}

#[test]
fn a_delivery_has_a_smaller_budget() {
    let query = "subscription { commitmentUpdated(commitmentId: \"x\") { \
        partner { commitments(first: 100) { nodes { partner { name } reports(first: 100) { nodes { narrative } } } } } } }";
    let refused = admit(shape(), query, None, &Variables::default());
    assert!(
        matches!(refused, Err(Refusal::TooCostly { .. })),
        "{refused:?}"
    );
}

#[test]
fn json_is_bounded_before_serde_reads_it() {
    assert!(check_json(br#"{"query": "{ me { id } }", "variables": {"a": [1, 2]}}"#).is_ok());
    let deep = format!("{{\"variables\": {}", "[".repeat(1_000_000));
    assert_eq!(check_json(deep.as_bytes()), Err(Refusal::JsonTooDeep));
    let wide = format!("{{\"variables\": {{\"a\": [{}1]}}}}", "1,".repeat(20_000));
    assert_eq!(check_json(wide.as_bytes()), Err(Refusal::JsonTooManyValues));
}
