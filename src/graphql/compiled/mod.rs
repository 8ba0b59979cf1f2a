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

use std::{
    hash::{BuildHasher, RandomState},
    sync::Arc,
};

use async_graphql::{parser::types::ExecutableDocument, Variables};
use sea_orm::DatabaseConnection;

use crate::{auth::Actor, db::HeldConnection, metrics::Metrics};

/// Memory for the documents kept, planned or found unsupported, weighed by
/// their text: enough for an application's fixed set of queries; clients
/// sending ever new texts only churn the cache.
const MAX_KEPT_BYTES: u64 = 8 * 1024 * 1024;

/// Longer documents are never planned: an application's queries are short,
/// and a client padding its documents to the body limit (1 MiB) must not make
/// the cache hold its padding.
pub const MAX_PLANNED_DOCUMENT_BYTES: usize = 16 * 1024;

/// What an entry is counted for besides its text (the plan, the key).
const ENTRY_OVERHEAD_BYTES: u32 = 1024;

/// How many bytes of parsed document a byte of text becomes, about: a planned
/// document is kept parsed (its plan's requests are not parsed again), and
/// weighed so.
const PARSED_BYTES_PER_TEXT_BYTE: u32 = 16;

/// A document as kept: its text and operation name (compared on every hit,
/// since entries are found by a hash of them), and its plan, or None for a
/// document the compiled path does not take.
struct Entry {
    query: Box<str>,
    operation_name: Option<Box<str>>,
    plan: Option<Arc<Planned>>,
}

/// A planned document: its plan, and the document as parsed, which the
/// limits cost again for each request's variables instead of parsing its
/// text again.
pub struct Planned {
    pub plan: plan::Plan,
    pub document: ExecutableDocument,
}

/// The plans of the documents seen. Looking one up hashes the request's text
/// instead of copying it into a key: the lookup is on every query's path.
pub struct Plans {
    plans: moka::sync::Cache<u64, Arc<Entry>>,
    /// Keyed per process, so that no client can aim collisions at a document.
    hasher: RandomState,
}

/// What looking a document up says.
pub enum Lookup {
    /// Planned: run it with [`answer`].
    Planned(Arc<Planned>),
    /// Known not to be for this path.
    Unsupported,
    /// Not seen yet (or not answered without errors yet).
    Unknown,
}

impl Plans {
    pub fn new() -> Self {
        let plans = moka::sync::Cache::builder()
            .max_capacity(MAX_KEPT_BYTES)
            .weigher(|_, entry: &Arc<Entry>| {
                let text = entry.query.len() + entry.operation_name.as_ref().map_or(0, |n| n.len());
                let text = u32::try_from(text).unwrap_or(u32::MAX);
                let parsed = match entry.plan {
                    Some(_) => text.saturating_mul(PARSED_BYTES_PER_TEXT_BYTE),
                    None => 0,
                };
                text.saturating_add(parsed)
                    .saturating_add(ENTRY_OVERHEAD_BYTES)
            })
            .build();
        Self {
            plans,
            hasher: RandomState::new(),
        }
    }

    pub fn lookup(&self, query: &str, operation_name: Option<&str>) -> Lookup {
        if query.len() > MAX_PLANNED_DOCUMENT_BYTES {
            return Lookup::Unsupported;
        }
        let Some(entry) = self.plans.get(&self.hash(query, operation_name)) else {
            return Lookup::Unknown;
        };
        // A hash collision is another document: this one is not known yet.
        if &*entry.query != query || entry.operation_name.as_deref() != operation_name {
            return Lookup::Unknown;
        }
        match &entry.plan {
            Some(plan) => Lookup::Planned(plan.clone()),
            None => Lookup::Unsupported,
        }
    }

    /// Plans a document (`query`, parsed) the resolvers have just answered
    /// without errors (so it passed validation), or records that it is not
    /// for this path.
    pub fn learn(&self, query: &str, operation_name: Option<&str>, document: ExecutableDocument) {
        if query.len() > MAX_PLANNED_DOCUMENT_BYTES {
            return;
        }
        let plan = planner::plan(&document, operation_name)
            .map(|plan| Arc::new(Planned { plan, document }));
        let entry = Entry {
            query: query.into(),
            operation_name: operation_name.map(Into::into),
            plan,
        };
        self.plans
            .insert(self.hash(query, operation_name), Arc::new(entry));
    }

    fn hash(&self, query: &str, operation_name: Option<&str>) -> u64 {
        self.hasher.hash_one((query, operation_name))
    }
}

impl Default for Plans {
    fn default() -> Self {
        Self::new()
    }
}

/// The response body for a planned document, or None when the resolvers must
/// answer this request.
///
/// The plan's statements run one after another on one connection held for
/// the request (see [`HeldConnection`]).
pub async fn answer(
    plan: &plan::Plan,
    db: &DatabaseConnection,
    metrics: &Arc<Metrics>,
    viewer: Option<&Actor>,
    variables: &Variables,
) -> Option<Vec<u8>> {
    let connection = HeldConnection::acquire(db, metrics.clone()).await.ok()?;
    let mut run = fetch::Run::new(&connection, viewer, variables, plan);
    let roots = run.root(plan).await.ok()?;
    write::response(plan, &roots, &run.batches).ok()
}
