use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use crate::graphql::inputs::patch;

use crate::{
    auth::policy,
    domain::{
        CountryCode, Description, Period, Region, Title, WorkPlanItemStatus as DomainItemStatus,
    },
    graphql::{
        access,
        context::ContextExt,
        ids::{self, NodeKind},
        types::{Date, WorkPlan, WorkPlanItem, WorkPlanItemStatus, WorkPlanLevel},
    },
    services::work_plans::{
        self as work_plan_service, ItemPatch, NewItem, NewWorkPlan, WorkPlanPatch,
    },
};

#[derive(Default)]
pub struct WorkPlanMutations;

#[derive(InputObject)]
pub struct CreateWorkPlanInput {
    pub action_group_id: ID,
    pub title: String,
    pub level: WorkPlanLevel,
    pub starts_on: Date,
    pub ends_on: Date,
    /// For REGIONAL and NATIONAL plans.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2, for NATIONAL plans.
    pub country: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreateWorkPlanPayload {
    pub work_plan: WorkPlan,
}

/// Fields left out stay as they are. An ADOPTED plan's period cannot move.
#[derive(InputObject)]
pub struct UpdateWorkPlanInput {
    pub work_plan_id: ID,
    pub expected_version: Option<i32>,
    pub title: Option<String>,
    /// Give both dates to change the period.
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub region: MaybeUndefined<String>,
    pub country: MaybeUndefined<String>,
}

#[derive(SimpleObject)]
pub struct UpdateWorkPlanPayload {
    pub work_plan: WorkPlan,
}

#[derive(InputObject)]
pub struct WorkPlanInput {
    pub work_plan_id: ID,
}

#[derive(SimpleObject)]
pub struct WorkPlanPayload {
    pub work_plan: WorkPlan,
}

#[derive(InputObject)]
pub struct AddWorkPlanItemInput {
    pub work_plan_id: ID,
    pub title: String,
    pub description: Option<String>,
    /// A member partner of the group.
    pub lead_partner_id: Option<ID>,
    /// Inside the plan's period.
    pub due_on: Option<Date>,
    /// Default PLANNED.
    pub status: Option<WorkPlanItemStatus>,
}

#[derive(SimpleObject)]
pub struct AddWorkPlanItemPayload {
    pub item: WorkPlanItem,
}

/// Fields left out stay as they are. On an ADOPTED plan only `status` may change.
#[derive(InputObject)]
pub struct UpdateWorkPlanItemInput {
    pub item_id: ID,
    pub title: Option<String>,
    pub description: MaybeUndefined<String>,
    pub lead_partner_id: MaybeUndefined<ID>,
    pub due_on: MaybeUndefined<Date>,
    pub status: Option<WorkPlanItemStatus>,
}

#[derive(SimpleObject)]
pub struct UpdateWorkPlanItemPayload {
    pub item: WorkPlanItem,
}

#[derive(InputObject)]
pub struct RemoveWorkPlanItemInput {
    pub item_id: ID,
}

#[derive(InputObject)]
pub struct ReorderWorkPlanItemsInput {
    pub work_plan_id: ID,
    /// Every item of the plan, in the new order.
    pub item_ids: Vec<ID>,
}

const MAX_ITEMS_IN_REORDER: usize = work_plan_service::MAX_ITEMS_PER_PLAN as usize;

#[Object]
impl WorkPlanMutations {
    /// Drafts a work plan for a group. For its leads and the secretariat.
    async fn create_work_plan(
        &self,
        ctx: &Context<'_>,
        input: CreateWorkPlanInput,
    ) -> async_graphql::Result<CreateWorkPlanPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &input.action_group_id).await?;
        policy::manage_group(actor, group.id)?;
        let new = NewWorkPlan {
            action_group_id: group.id,
            title: Title::parse("title", &input.title)?,
            level: input.level.into(),
            period: Period::new(input.starts_on.into(), input.ends_on.into())?,
            region: input
                .region
                .as_deref()
                .map(|r| Region::parse("region", r))
                .transpose()?,
            country: input
                .country
                .as_deref()
                .map(|c| CountryCode::parse("country", c))
                .transpose()?,
        };
        let changed = work_plan_service::create(&ctx.app()?.db, actor.user_id, new).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(CreateWorkPlanPayload {
            work_plan: WorkPlan(changed.value),
        })
    }

    /// Edits a plan. An ADOPTED plan's period cannot move; a CLOSED plan does not change.
    async fn update_work_plan(
        &self,
        ctx: &Context<'_>,
        input: UpdateWorkPlanInput,
    ) -> async_graphql::Result<UpdateWorkPlanPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let plan = access::work_plan(ctx, "workPlanId", &input.work_plan_id).await?;
        policy::manage_group(actor, plan.action_group_id)?;
        let period = match (input.starts_on, input.ends_on) {
            (None, None) => None,
            (starts_on, ends_on) => Some(Period::new(
                starts_on.map_or(plan.starts_on, Into::into),
                ends_on.map_or(plan.ends_on, Into::into),
            )?),
        };
        let patch = WorkPlanPatch {
            title: input
                .title
                .as_deref()
                .map(|t| Title::parse("title", t))
                .transpose()?,
            period,
            region: patch(&input.region, |r| Region::parse("region", r))?,
            country: patch(&input.country, |c| CountryCode::parse("country", c))?,
        };
        let changed = work_plan_service::update(
            &ctx.app()?.db,
            actor.user_id,
            plan.id,
            patch,
            input.expected_version,
        )
        .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(UpdateWorkPlanPayload {
            work_plan: WorkPlan(changed.value),
        })
    }

    /// DRAFT → ADOPTED. For the group's leads and the secretariat.
    async fn adopt_work_plan(
        &self,
        ctx: &Context<'_>,
        input: WorkPlanInput,
    ) -> async_graphql::Result<WorkPlanPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let plan = access::work_plan(ctx, "workPlanId", &input.work_plan_id).await?;
        policy::manage_group(actor, plan.action_group_id)?;
        let changed = work_plan_service::adopt(&ctx.app()?.db, actor.user_id, plan.id).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(WorkPlanPayload {
            work_plan: WorkPlan(changed.value),
        })
    }

    /// DRAFT or ADOPTED → CLOSED. For the group's leads and the secretariat.
    async fn close_work_plan(
        &self,
        ctx: &Context<'_>,
        input: WorkPlanInput,
    ) -> async_graphql::Result<WorkPlanPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let plan = access::work_plan(ctx, "workPlanId", &input.work_plan_id).await?;
        policy::manage_group(actor, plan.action_group_id)?;
        let changed = work_plan_service::close(&ctx.app()?.db, actor.user_id, plan.id).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(WorkPlanPayload {
            work_plan: WorkPlan(changed.value),
        })
    }

    /// Adds an activity or deliverable to a DRAFT plan.
    async fn add_work_plan_item(
        &self,
        ctx: &Context<'_>,
        input: AddWorkPlanItemInput,
    ) -> async_graphql::Result<AddWorkPlanItemPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let plan = access::work_plan(ctx, "workPlanId", &input.work_plan_id).await?;
        policy::manage_group(actor, plan.action_group_id)?;
        let new = NewItem {
            title: Title::parse("title", &input.title)?,
            description: input
                .description
                .as_deref()
                .map(|d| Description::parse("description", d))
                .transpose()?,
            lead_partner_id: access::optional_id(
                "leadPartnerId",
                &input.lead_partner_id,
                NodeKind::Partner,
            )?,
            due_on: input.due_on.map(Into::into),
            status: input.status.map_or(DomainItemStatus::Planned, Into::into),
        };
        let changed =
            work_plan_service::add_item(&ctx.app()?.db, actor.user_id, plan.id, new).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(AddWorkPlanItemPayload {
            item: WorkPlanItem(changed.value),
        })
    }

    /// Edits an item (on an ADOPTED plan, only its status).
    async fn update_work_plan_item(
        &self,
        ctx: &Context<'_>,
        input: UpdateWorkPlanItemInput,
    ) -> async_graphql::Result<UpdateWorkPlanItemPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let (item, plan) = access::work_plan_item(ctx, "itemId", &input.item_id).await?;
        policy::manage_group(actor, plan.action_group_id)?;
        let patch = ItemPatch {
            title: input
                .title
                .as_deref()
                .map(|t| Title::parse("title", t))
                .transpose()?,
            description: patch(&input.description, |d| Description::parse("description", d))?,
            lead_partner_id: patch(&input.lead_partner_id, |id| {
                ids::expect("leadPartnerId", id, NodeKind::Partner)
            })?,
            due_on: patch(&input.due_on, |d| Ok::<_, crate::error::AppError>(d.0))?,
            status: input.status.map(Into::into),
        };
        let changed =
            work_plan_service::update_item(&ctx.app()?.db, actor.user_id, item.id, patch).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(UpdateWorkPlanItemPayload {
            item: WorkPlanItem(changed.value),
        })
    }

    /// Removes an item from a DRAFT plan.
    async fn remove_work_plan_item(
        &self,
        ctx: &Context<'_>,
        input: RemoveWorkPlanItemInput,
    ) -> async_graphql::Result<WorkPlanPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let (item, plan) = access::work_plan_item(ctx, "itemId", &input.item_id).await?;
        policy::manage_group(actor, plan.action_group_id)?;
        let db = &ctx.app()?.db;
        let changed = work_plan_service::remove_item(db, actor.user_id, item.id).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(WorkPlanPayload {
            work_plan: WorkPlan(work_plan_service::find(db, plan.id).await?),
        })
    }

    /// Puts a DRAFT plan's items in a new order (list every item once).
    async fn reorder_work_plan_items(
        &self,
        ctx: &Context<'_>,
        input: ReorderWorkPlanItemsInput,
    ) -> async_graphql::Result<WorkPlanPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let plan = access::work_plan(ctx, "workPlanId", &input.work_plan_id).await?;
        policy::manage_group(actor, plan.action_group_id)?;
        if input.item_ids.len() > MAX_ITEMS_IN_REORDER {
            return Err(crate::error::AppError::bad_input(
                "itemIds",
                format!("at most {MAX_ITEMS_IN_REORDER} items"),
            )
            .into());
        }
        let order = input
            .item_ids
            .iter()
            .map(|id| ids::expect("itemIds", id, NodeKind::WorkPlanItem))
            .collect::<Result<Vec<_>, _>>()?;
        let changed =
            work_plan_service::reorder_items(&ctx.app()?.db, actor.user_id, plan.id, &order)
                .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(WorkPlanPayload {
            work_plan: WorkPlan(changed.value),
        })
    }
}
