//! The GraphQL API: schema assembly, types, loaders and limits.
pub mod access;
pub mod batching;
pub mod compiled;
pub mod connection;
pub mod context;
pub mod ids;
pub mod inputs;
pub mod limits;
pub mod live;
pub mod loaders;
pub mod locale;
pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;

use async_graphql::Schema;

use crate::{config::Config, state::AppState};

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

pub fn build_schema(state: Option<AppState>, config: &Config) -> AppSchema {
    let mut builder = Schema::build(
        query::Query,
        mutation::Mutation::default(),
        subscription::Subscription,
    )
    // Depth and cost are checked by `limits` before async-graphql sees a
    // document (its own limits count introspection as depth, and run after
    // validation has expanded every fragment).
    .limit_recursive_depth(32)
    .limit_directives(10);
    if !config.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The SDL that `schema.graphql` must equal.
pub fn sdl() -> String {
    build_schema(None, &Config::default()).sdl()
}
