//! What a resolver can take from the request: the caller, the client address, the
//! application state and the per-request loaders.
use std::{net::IpAddr, sync::Arc};

use async_graphql::{dataloader::DataLoader, Context};

use super::loaders::DbLoader;
use crate::{auth::Actor, error::AppError, state::AppState};

/// The signed-in caller of this request, if any.
pub struct Viewer(pub Option<Actor>);

/// The client's network address (for rate limits).
pub struct ClientAddr(pub IpAddr);

pub type Loaders = Arc<DataLoader<DbLoader>>;

fn missing(what: &str) -> async_graphql::Error {
    AppError::Internal(anyhow::anyhow!("{what} missing from the GraphQL context")).into()
}

pub trait ContextExt {
    fn viewer(&self) -> Option<&Actor>;
    fn app(&self) -> async_graphql::Result<&AppState>;
    fn loaders(&self) -> async_graphql::Result<&Loaders>;
    fn client_addr(&self) -> async_graphql::Result<IpAddr>;
}

impl ContextExt for Context<'_> {
    fn viewer(&self) -> Option<&Actor> {
        self.data_opt::<Viewer>()
            .and_then(|viewer| viewer.0.as_ref())
    }

    fn app(&self) -> async_graphql::Result<&AppState> {
        self.data_opt::<AppState>()
            .ok_or_else(|| missing("application state"))
    }

    fn loaders(&self) -> async_graphql::Result<&Loaders> {
        self.data_opt::<Loaders>().ok_or_else(|| missing("loaders"))
    }

    fn client_addr(&self) -> async_graphql::Result<IpAddr> {
        self.data_opt::<ClientAddr>()
            .map(|addr| addr.0)
            .ok_or_else(|| missing("client address"))
    }
}
