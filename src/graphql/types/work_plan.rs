use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::{work_plan_items, work_plans};

use super::{
    enums::stored, ActionGroup, Date, Partner, WorkPlanItemStatus, WorkPlanLevel, WorkPlanStatus,
};
use crate::{
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{ActionGroupKey, ItemsOfPlan, PartnerKey, WorkPlanKey},
    },
};

/// An action group's plan of joint work at global, regional or national level.
pub struct WorkPlan(pub work_plans::Model);

/// An activity or deliverable of a work plan.
pub struct WorkPlanItem(pub work_plan_items::Model);

#[Object]
impl WorkPlan {
    pub async fn id(&self) -> ID {
        encode(NodeKind::WorkPlan, self.0.id)
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn level(&self) -> async_graphql::Result<WorkPlanLevel> {
        stored::<crate::domain::WorkPlanLevel>(&self.0.level).map(Into::into)
    }

    async fn status(&self) -> async_graphql::Result<WorkPlanStatus> {
        stored::<crate::domain::WorkPlanStatus>(&self.0.status).map(Into::into)
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }

    /// For REGIONAL and NATIONAL plans.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }

    /// ISO 3166-1 alpha-2, for NATIONAL plans.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn adopted_at(&self) -> Option<DateTime<Utc>> {
        self.0.adopted_at
    }

    async fn action_group(&self, ctx: &Context<'_>) -> async_graphql::Result<ActionGroup> {
        let group = ctx
            .loaders()?
            .load_one(ActionGroupKey(self.0.action_group_id))
            .await?;
        Ok(ActionGroup(
            group.ok_or(AppError::NotFound("action group"))?,
        ))
    }

    /// The plan's items, in their order.
    async fn items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<WorkPlanItem>> {
        let items = ctx
            .loaders()?
            .load_one(ItemsOfPlan(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(items.into_iter().map(WorkPlanItem).collect())
    }
}

#[Object]
impl WorkPlanItem {
    pub async fn id(&self) -> ID {
        encode(NodeKind::WorkPlanItem, self.0.id)
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn lead_partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Partner>> {
        let Some(partner_id) = self.0.lead_partner_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(PartnerKey(partner_id))
            .await?
            .map(Partner))
    }

    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    async fn status(&self) -> async_graphql::Result<WorkPlanItemStatus> {
        stored::<crate::domain::WorkPlanItemStatus>(&self.0.status).map(Into::into)
    }

    /// 0-based place in the plan.
    async fn position(&self) -> i32 {
        self.0.position
    }

    async fn work_plan(&self, ctx: &Context<'_>) -> async_graphql::Result<WorkPlan> {
        let plan = ctx
            .loaders()?
            .load_one(WorkPlanKey(self.0.work_plan_id))
            .await?;
        Ok(WorkPlan(plan.ok_or(AppError::NotFound("work plan"))?))
    }
}
