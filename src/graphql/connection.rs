//! Relay connections with `totalCount`, built from service pages. The count runs
//! only when a client asks for it.
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{
    connection::{Connection, CursorType, Edge, EmptyFields},
    Object, OutputType,
};
use futures_util::future::BoxFuture;

use super::{context::Loaders, loaders::DbLoader};

use crate::{
    error::AppResult,
    pagination::{Cursor, Page},
};

type CountFn = Arc<dyn Fn() -> BoxFuture<'static, AppResult<u64>> + Send + Sync>;

/// The `totalCount` field of every connection.
pub struct TotalCount(CountFn);

impl TotalCount {
    pub fn new<F, Fut>(count: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = AppResult<u64>> + Send + 'static,
    {
        Self(Arc::new(move || Box::pin(count())))
    }
}

#[Object]
impl TotalCount {
    /// How many items the whole list has (all pages).
    async fn total_count(&self) -> async_graphql::Result<i64> {
        Ok((self.0)().await? as i64)
    }
}

pub type CountedConnection<T> = Connection<Cursor, T, TotalCount, EmptyFields>;

/// Cursors are encoded only when a client asks for one (`cursor`, `endCursor`):
/// a list of 1,400 items would otherwise encode 1,400 unread strings.
impl CursorType for Cursor {
    type Error = std::convert::Infallible;

    fn decode_cursor(_: &str) -> Result<Self, Self::Error> {
        // Never called: arguments are decoded by `PageArgs::parse`, with our errors.
        Ok(Cursor::by_id(0))
    }

    fn encode_cursor(&self) -> String {
        self.encode()
    }
}

pub fn connection<M, T: OutputType>(
    page: Page<M>,
    total: TotalCount,
    node: impl Fn(M) -> T,
) -> CountedConnection<T> {
    let mut connection = Connection::with_additional_fields(false, page.has_next_page, total);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, item)| Edge::new(cursor, node(item))),
    );
    connection
}

/// Complexity of a connection field: its page size times what each item costs.
pub fn page_complexity(child_complexity: usize, first: Option<i32>) -> usize {
    let first = first
        .unwrap_or(crate::pagination::DEFAULT_PAGE_SIZE as i32)
        .clamp(1, 100);
    (first as usize).saturating_mul(child_complexity.max(1))
}

/// A count from a loader, as the `totalCount` closure needs it.
pub fn loaded_count(result: Result<Option<u64>, async_graphql::Error>) -> AppResult<u64> {
    result
        .map(|count| count.unwrap_or(0))
        .map_err(|error| crate::error::AppError::Internal(anyhow::anyhow!(error.message)))
}

/// A nested list's page from `page_key`'s loader, and its `totalCount` from
/// `count_key`'s (loaded only if a client asks for it).
pub async fn loaded_page<P, C, M>(
    loaders: &Loaders,
    page_key: P,
    count_key: C,
) -> async_graphql::Result<(Page<M>, TotalCount)>
where
    DbLoader: Loader<P, Value = Arc<Page<M>>, Error = async_graphql::Error>
        + Loader<C, Value = Arc<u64>, Error = async_graphql::Error>,
    P: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    C: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
{
    let page = loaders.load_one(page_key).await?.unwrap_or_default();
    let loaders = loaders.clone();
    let total = TotalCount::new(move || {
        let loaders = loaders.clone();
        let key = count_key.clone();
        async move { loaded_count(loaders.load_one(key).await) }
    });
    Ok((page, total))
}
