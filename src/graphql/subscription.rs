//! The root Subscription: live streams, each authorized exactly like the
//! matching query, each resumable from a cursor with nothing lost or repeated.
use async_graphql::{Context, Subscription, ID};
use futures_util::{Stream, StreamExt};

use super::{
    access,
    context::ContextExt,
    types::{Commitment, Event, Notification},
};
use crate::{
    auth::policy,
    error::AppError,
    events::{self, Stream as EventStream},
    pagination::Cursor,
    services::{commitments as commitment_service, notifications as notification_service},
};

#[derive(Default)]
pub struct Subscription;

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
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Event>>> {
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &action_group_id).await?;
        if !policy::read_group_internals(Some(actor), group.id) {
            return Err(
                AppError::forbidden("only the group's members can follow its activity").into(),
            );
        }
        let after = after_sequence(after.as_deref())?;
        let app = ctx.app()?;
        let live = events::follow(
            app.db.clone(),
            app.bus.hub().clone(),
            EventStream::ActionGroup(group.id),
            after,
        );
        Ok(live.map(|event| {
            Ok(Event(
                event.map_err(async_graphql::Error::from)?.as_ref().clone(),
            ))
        }))
    }

    /// The commitment each time it changes (from now on), while you may see it.
    async fn commitment_updated(
        &self,
        ctx: &Context<'_>,
        commitment_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Commitment>>> {
        let commitment = access::commitment(ctx, "commitmentId", &commitment_id).await?;
        let app = ctx.app()?;
        let db = app.db.clone();
        let viewer = ctx.viewer().cloned();
        let live = events::follow(
            db.clone(),
            app.bus.hub().clone(),
            EventStream::Commitment(commitment.id),
            None,
        );
        Ok(live
            // Boxed: `then` keeps its pending future inline, and this one is a query.
            .then(move |event| {
                let db = db.clone();
                let viewer = viewer.clone();
                Box::pin(async move {
                    event?;
                    let current = commitment_service::find(&db, commitment.id).await?;
                    if !policy::read_commitment(viewer.as_ref(), &current) {
                        return Err(AppError::NotFound("commitment"));
                    }
                    Ok(current)
                })
            })
            // Losing sight of it ends the subscription, with the error.
            .scan(false, |ended, result| {
                let item = (!*ended).then_some(());
                *ended |= result.is_err();
                std::future::ready(
                    item.map(|()| result.map(Commitment).map_err(async_graphql::Error::from)),
                )
            }))
    }

    /// Your notifications as they come; with `after` (a notification event's
    /// cursor), first everything since.
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Notification>>> {
        let actor = policy::authenticated(ctx.viewer())?;
        let after = after_sequence(after.as_deref())?;
        let app = ctx.app()?;
        let db = app.db.clone();
        let live = events::follow(
            db.clone(),
            app.bus.hub().clone(),
            EventStream::User(actor.user_id),
            after,
        );
        Ok(live.then(move |event| {
            let db = db.clone();
            Box::pin(async move {
                let event = event?;
                let mut found = notification_service::by_event_ids(&db, &[event.id]).await?;
                found
                    .remove(&event.id)
                    .map(Notification)
                    .ok_or(AppError::NotFound("notification").into())
            })
        }))
    }
}
