use async_graphql::{Context, Json, Object, ID};
use chrono::{DateTime, Utc};
use entity::events;

use super::{node::resolve, Node, User};
use crate::{
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::UserKey,
    },
    pagination::Cursor,
};

/// Something that happened, in a stream's commit order.
pub struct Event(pub events::Model);

#[Object]
impl Event {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Event, self.0.id)
    }

    /// Its place in its stream: pass it as `after` to resume from here.
    async fn cursor(&self) -> String {
        Cursor::by_id(self.0.sequence).encode()
    }

    /// The gapless position in its stream, from 1.
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }

    /// e.g. `commitment.progress_reported`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(user_id) = self.0.actor_user_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(UserKey(user_id))
            .await?
            .map(User::new))
    }

    /// What the event is about; null if it is gone or you may not see it.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        let Ok(kind) = self.0.subject_type.parse::<NodeKind>() else {
            return Ok(None);
        };
        resolve(ctx, kind, self.0.subject_id).await
    }

    /// Details of the change (JSON).
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.payload).unwrap_or(serde_json::Value::Null))
    }

    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}
