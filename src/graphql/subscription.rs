//! The root Subscription: live streams, each authorized exactly like the
//! matching query, each resumable from a cursor with nothing lost or repeated.
//! Each resolver runs in two phases (see `live`): opening authorizes and hands
//! over the event source; delivering turns one event into the field's value.
use async_graphql::{Context, Subscription, ID};

use super::{
    access,
    context::ContextExt,
    ids::{self, NodeKind},
    live::{self, LiveItems, LivePhase},
    types::{Commitment, Event, Notification},
};
use crate::{
    auth::policy,
    error::AppError,
    events::{self, Stream as EventStream},
    pagination::Cursor,
    services::notifications as notification_service,
};

#[derive(Default)]
pub struct Subscription;

fn members_only() -> AppError {
    AppError::forbidden("only the group's members can follow its activity")
}

fn after_sequence(after: Option<&str>) -> async_graphql::Result<Option<i64>> {
    Ok(after
        .map(Cursor::decode)
        .transpose()?
        .map(|cursor| cursor.id))
}

#[Subscription]
impl Subscription {
    /// A group's events as they happen; with `after` (an event's cursor), first
    /// everything since. For the group's members and the secretariat.
    async fn action_group_events(
        &self,
        ctx: &Context<'_>,
        action_group_id: ID,
        after: Option<String>,
    ) -> async_graphql::Result<LiveItems<Event>> {
        let phase = LivePhase::of(ctx)?;
        if let Some(event) = phase.delivered() {
            // Checked again at each delivery, against the viewer's memberships
            // of the moment: a partner that leaves the group stops following it.
            let group_id = ids::expect("actionGroupId", &action_group_id, NodeKind::ActionGroup)?;
            let event = if policy::read_group_internals(ctx.viewer(), group_id) {
                event.map(|event| Event(event.as_ref().clone()))
            } else {
                Err(members_only())
            };
            return Ok(live::item(event.map_err(Into::into)));
        }
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &action_group_id).await?;
        if !policy::read_group_internals(Some(actor), group.id) {
            return Err(members_only().into());
        }
        let after = after_sequence(after.as_deref())?;
        let app = ctx.app()?;
        phase.keep(events::follow(
            app.db.clone(),
            app.bus.hub().clone(),
            EventStream::ActionGroup(group.id),
            after,
        ))
    }

    /// The commitment each time it changes (from now on), while you may see it:
    /// losing sight of it ends the subscription, with the error.
    async fn commitment_updated(
        &self,
        ctx: &Context<'_>,
        commitment_id: ID,
    ) -> async_graphql::Result<LiveItems<Commitment>> {
        let phase = LivePhase::of(ctx)?;
        let delivered = phase.delivered();
        if let Some(Err(error)) = delivered {
            return Ok(live::item(Err(error.into())));
        }
        // Opening, or an event to deliver: either way the commitment as it is
        // now, if the viewer may still see it.
        let commitment = access::commitment(ctx, "commitmentId", &commitment_id).await;
        if delivered.is_some() {
            return Ok(live::item(commitment.map(Commitment)));
        }
        let commitment = commitment?;
        let app = ctx.app()?;
        phase.keep(events::follow(
            app.db.clone(),
            app.bus.hub().clone(),
            EventStream::Commitment(commitment.id),
            None,
        ))
    }

    /// Your notifications as they come; with `after` (a notification event's
    /// cursor), first everything since.
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
    ) -> async_graphql::Result<LiveItems<Notification>> {
        let phase = LivePhase::of(ctx)?;
        let actor = policy::authenticated(ctx.viewer())?;
        let app = ctx.app()?;
        if let Some(event) = phase.delivered() {
            let notification = match event {
                Ok(event) => notification_service::by_event_ids(&app.db, &[event.id])
                    .await
                    .map(|mut found| found.remove(&event.id))
                    .and_then(|found| found.ok_or(AppError::NotFound("notification"))),
                Err(error) => Err(error),
            };
            return Ok(live::item(
                notification.map(Notification).map_err(Into::into),
            ));
        }
        let after = after_sequence(after.as_deref())?;
        phase.keep(events::follow(
            app.db.clone(),
            app.bus.hub().clone(),
            EventStream::User(actor.user_id),
            after,
        ))
    }
}
