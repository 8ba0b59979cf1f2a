//! What a resolver can take from the request: the caller, the client address, the
//! application state and the per-request loaders.
use std::{collections::HashMap, hash::Hash, net::IpAddr, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context,
};

use super::loaders::DbLoader;
use crate::{auth::Actor, error::AppError, state::AppState};

/// The signed-in caller of this request, if any.
pub struct Viewer(pub Option<Actor>);

/// The client's network address (for rate limits).
pub struct ClientAddr(pub IpAddr);

/// The request's loaders. A batch's values are shared with the fields that
/// wait on them by `Arc` (DataLoader clones a value for each of them); a field
/// then takes its value out without copying it once the batch has let go of
/// it, which it has by the time the field runs again (the batch finishes in
/// the same poll that sends), and copies it only if it is still shared.
#[derive(Clone)]
pub struct Loaders(Arc<DataLoader<DbLoader>>);

impl Loaders {
    pub fn new(loader: DataLoader<DbLoader>) -> Self {
        Self(Arc::new(loader))
    }

    pub async fn load_one<K, V>(&self, key: K) -> async_graphql::Result<Option<V>>
    where
        DbLoader: Loader<K, Value = Arc<V>, Error = async_graphql::Error>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
        V: Send + Sync + Clone + 'static,
    {
        Ok(self.0.load_one(key).await?.map(Arc::unwrap_or_clone))
    }

    /// Forgets what was loaded for `K` (a write in this request changed it).
    pub fn clear<K>(&self)
    where
        DbLoader: Loader<K>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        self.0.clear::<K>();
    }

    pub async fn load_many<K, V>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> async_graphql::Result<HashMap<K, V>>
    where
        DbLoader: Loader<K, Value = Arc<V>, Error = async_graphql::Error>,
        K: Send + Sync + Hash + Eq + Clone + 'static,
        V: Send + Sync + Clone + 'static,
    {
        Ok(self
            .0
            .load_many(keys)
            .await?
            .into_iter()
            .map(|(key, value)| (key, Arc::unwrap_or_clone(value)))
            .collect())
    }
}

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
