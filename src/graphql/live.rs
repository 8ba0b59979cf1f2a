//! Subscriptions without a GraphQL execution kept open per subscriber.
//!
//! async-graphql keeps, for every open subscription, its whole execution alive:
//! the parsed document, the request's data, the operation's environment and the
//! resolver's stream — over 8 KB per idle subscriber, which is most of what a
//! node with thousands of them holds. So the WebSocket layer runs a subscription
//! in two phases, and keeps only the event source in between:
//!
//! - **open**: the operation is executed once with [`LivePhase::Open`]; the root
//!   resolver authorizes, hands its event source back through the phase, and
//!   returns no items.
//! - **deliver**: for each event the operation is executed again with
//!   [`LivePhase::Deliver`] holding that event; the root resolver turns it into
//!   its field's value, and the selection set is resolved like any query's.
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use futures_util::{stream::BoxStream, Stream, StreamExt};

use crate::{
    error::{AppError, AppResult},
    events::SharedEvent,
};

/// The events a subscription follows, in order (an error ends it).
pub type LiveEvents = BoxStream<'static, AppResult<SharedEvent>>;

/// What a subscription resolver returns: the items of its field.
pub type LiveItems<T> = BoxStream<'static, async_graphql::Result<T>>;

/// Request data that says which phase of a subscription is executing.
pub enum LivePhase {
    /// Opening: the resolver leaves its event source here.
    Open(Mutex<Option<LiveEvents>>),
    /// Delivering: the one event to turn into the field's value.
    Deliver(Mutex<Option<AppResult<SharedEvent>>>),
}

impl LivePhase {
    pub fn open() -> Arc<Self> {
        Arc::new(Self::Open(Mutex::new(None)))
    }

    pub fn deliver(event: AppResult<SharedEvent>) -> Arc<Self> {
        Arc::new(Self::Deliver(Mutex::new(Some(event))))
    }

    /// The phase of the executing subscription; none outside the WebSocket layer.
    pub fn of<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Self> {
        ctx.data_opt::<Arc<Self>>().map(Arc::as_ref).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("a subscription ran outside /graphql/ws")).into()
        })
    }

    /// When delivering: the event to deliver (taken; a second root field finds none).
    pub fn delivered(&self) -> Option<AppResult<SharedEvent>> {
        match self {
            Self::Deliver(event) => Some(lock(event).take().unwrap_or(Err(one_root_field()))),
            Self::Open(_) => None,
        }
    }

    /// When opening: keeps the resolver's event source for the caller, and
    /// gives async-graphql a stream with no items.
    pub fn keep<T: Send + 'static>(
        &self,
        events: impl Stream<Item = AppResult<SharedEvent>> + Send + 'static,
    ) -> async_graphql::Result<LiveItems<T>> {
        let Self::Open(slot) = self else {
            return Err(one_root_field().into());
        };
        let mut slot = lock(slot);
        if slot.is_some() {
            return Err(one_root_field().into());
        }
        *slot = Some(events.boxed());
        Ok(futures_util::stream::empty().boxed())
    }

    /// After opening: the event source a resolver left, if any.
    pub fn take_events(&self) -> Option<LiveEvents> {
        match self {
            Self::Open(slot) => lock(slot).take(),
            Self::Deliver(_) => None,
        }
    }
}

/// The item of a delivery: the resolver's value for the event.
pub fn item<T: Send + 'static>(value: async_graphql::Result<T>) -> LiveItems<T> {
    futures_util::stream::once(std::future::ready(value)).boxed()
}

fn one_root_field() -> AppError {
    AppError::bad_input(
        "subscription",
        "a subscription selects exactly one root field",
    )
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
