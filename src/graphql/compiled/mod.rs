//! The compiled read path: queries of the shapes that dominate reads (lists of
//! action groups and partners with their members, commitments and reports, and
//! one group by `node(id)`) are planned once per document and then answered by
//! a fixed number of statements and a writer that produces the JSON directly,
//! without async-graphql's per-field futures and loaders.
//!
//! Anything else, and anything unusual at run time (a bad argument, a node of
//! another kind, a failed statement), is answered by the resolvers, which give
//! the errors. Both paths read rows through the same service functions and
//! write the same bytes; `tests/api/compiled.rs` checks that on a corpus.
mod fetch;
mod plan;
mod planner;
mod write;

use std::sync::Arc;

use async_graphql::Variables;
use sea_orm::DatabaseConnection;

use crate::auth::Actor;

/// Documents kept, planned or found unsupported: enough for an application's
/// fixed set of queries; clients sending ever new texts only churn the cache.
const MAX_DOCUMENTS: u64 = 2_000;

/// A document's text and the operation name sent with it.
type DocumentKey = (Arc<str>, Option<Arc<str>>);

/// The plans of the documents seen, keyed by document text and operation name.
/// `None` marks a document the compiled path does not take.
pub struct Plans {
    plans: moka::sync::Cache<DocumentKey, Option<Arc<plan::Plan>>>,
}

/// What looking a document up says.
pub enum Lookup {
    /// Planned: run it with [`answer`].
    Planned(Arc<plan::Plan>),
    /// Known not to be for this path.
    Unsupported,
    /// Not seen yet (or not answered without errors yet).
    Unknown,
}

impl Plans {
    pub fn new() -> Self {
        Self {
            plans: moka::sync::Cache::new(MAX_DOCUMENTS),
        }
    }

    pub fn lookup(&self, query: &str, operation_name: Option<&str>) -> Lookup {
        match self.plans.get(&key(query, operation_name)) {
            Some(Some(plan)) => Lookup::Planned(plan),
            Some(None) => Lookup::Unsupported,
            None => Lookup::Unknown,
        }
    }

    /// Plans a document the resolvers have just answered without errors (so it
    /// passed validation), or records that it is not for this path.
    pub fn learn(&self, query: &str, operation_name: Option<&str>) {
        let plan = async_graphql::parser::parse_query(query)
            .ok()
            .and_then(|document| planner::plan(&document, operation_name))
            .map(Arc::new);
        self.plans.insert(key(query, operation_name), plan);
    }
}

impl Default for Plans {
    fn default() -> Self {
        Self::new()
    }
}

fn key(query: &str, operation_name: Option<&str>) -> DocumentKey {
    (Arc::from(query), operation_name.map(Arc::from))
}

/// The response body for a planned document, or None when the resolvers must
/// answer this request.
pub async fn answer(
    plan: &plan::Plan,
    db: &DatabaseConnection,
    viewer: Option<&Actor>,
    variables: &Variables,
) -> Option<Vec<u8>> {
    let mut run = fetch::Run::new(db, viewer, variables, plan);
    let roots = run.root(plan).await.ok()?;
    write::response(plan, &roots, &run.batches).ok()
}
