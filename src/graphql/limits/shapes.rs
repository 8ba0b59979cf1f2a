//! Documents at the edge of what the limits admit, for the hostile-input tests
//! and the hostile-load benchmark. The costliest request the limits admit: as many aliased full pages of
//! commitments (each with its count, partner and group: four statements) as fit
//! under the cost and statement budgets, found by asking the limits themselves.
use async_graphql::Variables;

use super::{self as limits, SchemaShape};

const PAGE: &str = "commitments(first: 100) { totalCount nodes { title progress status dueOn \
     partner { name kind } actionGroup { name } } }";

/// Fragments `F0` … `F{levels}` on `on`, each spreading the next `spreads`
/// times and the last selecting `leaf`: `F0` expands to `spreads^levels`
/// copies of `leaf`, in a document of a few hundred bytes. For the tests and
/// benchmarks of what the limits refuse.
pub fn fragment_chain(on: &str, levels: usize, spreads: usize, leaf: &str) -> String {
    let mut chain = String::new();
    for level in 0..levels {
        let next = format!(" ...F{}", level + 1).repeat(spreads);
        chain.push_str(&format!(" fragment F{level} on {on} {{{next} }}"));
    }
    chain.push_str(&format!(" fragment F{levels} on {on} {{ {leaf} }}"));
    chain
}

pub fn worst_admitted_query() -> String {
    let shape = SchemaShape::from_sdl(&crate::graphql::sdl());
    let query_of = |pages: usize| {
        let pages: String = (0..pages).map(|i| format!("p{i}: {PAGE} ")).collect();
        format!("{{ {pages}}}")
    };
    let admitted = |query: &str| limits::admit(&shape, query, None, &Variables::default()).is_ok();
    let mut pages = 1;
    while pages < limits::MAX_ALIASES && admitted(&query_of(pages + 1)) {
        pages += 1;
    }
    query_of(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_admitted_and_one_more_page_is_not() {
        let shape = SchemaShape::from_sdl(&crate::graphql::sdl());
        let worst = worst_admitted_query();
        let cost = limits::admit(&shape, &worst, None, &Variables::default())
            .unwrap()
            .cost;
        let one_more = worst.replacen("{ ", &format!("{{ extra: {PAGE} "), 1);
        assert!(limits::admit(&shape, &one_more, None, &Variables::default()).is_err());
        assert!(cost.statements() > 80, "{cost:?}");
        assert!(cost.work > 15_000, "{cost:?}");
    }
}
