use async_graphql::{Context, Interface, ID};

use super::{
    ActionGroup, Coalition, CoalitionMembership, Commitment, Event, Notification, Partner,
    PartnershipApplication, ProgressReport, Resource, ThematicArea, User, WorkPlan, WorkPlanItem,
};
use crate::{
    auth::policy,
    error::AppError,
    events::Stream,
    graphql::{
        context::ContextExt,
        ids::{decode, NodeKind},
        loaders::{
            ActionGroupKey, ApplicationKey, CoalitionKey, CommitmentKey, PartnerKey,
            ProgressReportKey, ResourceKey, ThematicAreaKey, UserKey, UserPartnerIds,
            WorkPlanItemKey, WorkPlanKey,
        },
    },
};

/// Anything with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "An opaque global id."))]
pub enum Node {
    User(User),
    Partner(Partner),
    Coalition(Coalition),
    CoalitionMembership(CoalitionMembership),
    ThematicArea(ThematicArea),
    ActionGroup(ActionGroup),
    WorkPlan(WorkPlan),
    WorkPlanItem(WorkPlanItem),
    Commitment(Commitment),
    ProgressReport(ProgressReport),
    Event(Event),
    Notification(Notification),
    PartnershipApplication(PartnershipApplication),
    Resource(Resource),
}

/// The node behind a global id, or None when there is none the caller may see.
pub async fn resolve_node(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let Some((kind, row_id)) = decode(id.as_str()) else {
        return Err(AppError::bad_input("id", "is not a valid id").into());
    };
    resolve(ctx, kind, row_id).await
}

/// The object of `kind` with row id `row_id`, if the caller may see it. Every
/// read by id goes through here, so an id of something internal to someone
/// else is indistinguishable from an id of nothing.
pub async fn resolve(
    ctx: &Context<'_>,
    kind: NodeKind,
    row_id: i64,
) -> async_graphql::Result<Option<Node>> {
    let loaders = ctx.loaders()?;
    let viewer = ctx.viewer();
    let node = match kind {
        NodeKind::Partner => loaders
            .load_one(PartnerKey(row_id))
            .await?
            .map(|p| Node::Partner(Partner(p))),
        NodeKind::Coalition => loaders
            .load_one(CoalitionKey(row_id))
            .await?
            .map(|c| Node::Coalition(Coalition(c))),
        NodeKind::ThematicArea => loaders
            .load_one(ThematicAreaKey(row_id))
            .await?
            .map(|t| Node::ThematicArea(ThematicArea(t))),
        NodeKind::CoalitionMembership => {
            use entity::coalition_partners;
            use sea_orm::EntityTrait;
            coalition_partners::Entity::find_by_id(row_id)
                .one(&ctx.app()?.db)
                .await
                .map_err(AppError::from)?
                .map(|m| Node::CoalitionMembership(CoalitionMembership(m)))
        }
        NodeKind::ActionGroup => loaders
            .load_one(ActionGroupKey(row_id))
            .await?
            .map(|g| Node::ActionGroup(ActionGroup(g))),
        NodeKind::WorkPlan => loaders
            .load_one(WorkPlanKey(row_id))
            .await?
            .filter(|plan| policy::read_work_plan(viewer, plan))
            .map(|plan| Node::WorkPlan(WorkPlan(plan))),
        NodeKind::WorkPlanItem => {
            let Some(item) = loaders.load_one(WorkPlanItemKey(row_id)).await? else {
                return Ok(None);
            };
            let plan = loaders.load_one(WorkPlanKey(item.work_plan_id)).await?;
            plan.filter(|plan| policy::read_work_plan(viewer, plan))
                .map(|_| Node::WorkPlanItem(WorkPlanItem(item)))
        }
        NodeKind::Commitment => loaders
            .load_one(CommitmentKey(row_id))
            .await?
            .filter(|c| policy::read_commitment(viewer, c))
            .map(|c| Node::Commitment(Commitment(c))),
        NodeKind::ProgressReport => {
            let Some(report) = loaders.load_one(ProgressReportKey(row_id)).await? else {
                return Ok(None);
            };
            let commitment = loaders
                .load_one(CommitmentKey(report.commitment_id))
                .await?;
            commitment
                .filter(|c| policy::read_progress_report(viewer, c, &report))
                .map(|_| Node::ProgressReport(ProgressReport(report)))
        }
        NodeKind::Event => {
            use entity::events;
            use sea_orm::EntityTrait;
            let Some(event) = events::Entity::find_by_id(row_id)
                .one(&ctx.app()?.db)
                .await
                .map_err(AppError::from)?
            else {
                return Ok(None);
            };
            let visible = match Stream::parse(&event.stream) {
                Some(Stream::ActionGroup(group_id)) => {
                    policy::read_group_internals(viewer, group_id)
                }
                Some(Stream::Commitment(commitment_id)) => loaders
                    .load_one(CommitmentKey(commitment_id))
                    .await?
                    .is_some_and(|c| policy::read_commitment(viewer, &c)),
                Some(Stream::User(user_id)) => viewer.is_some_and(|v| v.user_id == user_id),
                Some(Stream::Resource(resource_id)) => loaders
                    .load_one(ResourceKey(resource_id))
                    .await?
                    .is_some_and(|r| crate::auth::policy::read_resource(viewer, &r)),
                Some(Stream::Application(application_id)) => loaders
                    .load_one(ApplicationKey(application_id))
                    .await?
                    .is_some_and(|a| policy::read_application(viewer, &a)),
                None => false,
            };
            visible.then_some(Node::Event(Event(event)))
        }
        NodeKind::PartnershipApplication => loaders
            .load_one(ApplicationKey(row_id))
            .await?
            .filter(|a| policy::read_application(viewer, a))
            .map(|a| Node::PartnershipApplication(PartnershipApplication::new(a))),
        NodeKind::Resource => loaders
            .load_one(ResourceKey(row_id))
            .await?
            .filter(|r| crate::auth::policy::read_resource(viewer, r))
            .map(|r| Node::Resource(Resource::new(r))),
        NodeKind::Notification => {
            let Some(viewer) = viewer else {
                return Ok(None);
            };
            crate::services::notifications::find(&ctx.app()?.db, row_id)
                .await?
                .filter(|n| n.user_id == viewer.user_id)
                .map(|n| Node::Notification(Notification(n)))
        }
        NodeKind::User => {
            let Some(viewer) = viewer else {
                return Ok(None);
            };
            let partner_ids = loaders
                .load_one(UserPartnerIds(row_id))
                .await?
                .unwrap_or_default();
            if !policy::read_user(viewer, row_id, &partner_ids) {
                return Ok(None);
            }
            loaders
                .load_one(UserKey(row_id))
                .await?
                .map(|u| Node::User(User::new(u)))
        }
    };
    Ok(node)
}
