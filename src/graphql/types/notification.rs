use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::notifications;

use super::Event;
use crate::{
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::EventKey,
    },
};

/// An event that concerns you, and why.
pub struct Notification(pub notifications::Model);

#[Object]
impl Notification {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Notification, self.0.id)
    }

    /// What happened (an event of your own feed).
    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Event> {
        let event = ctx.loaders()?.load_one(EventKey(self.0.event_id)).await?;
        Ok(Event(event.ok_or(AppError::NotFound("event"))?))
    }

    /// Why you are told, e.g. `focal_point_assigned`, `report_returned`.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
