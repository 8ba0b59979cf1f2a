use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::commitments;

use super::{
    enums::stored, ActionGroup, Coalition, CommitmentStatus, Date, Partner, ProgressReport,
    ThematicArea, User, Visibility, WorkPlanItem,
};
use crate::{
    error::AppError,
    graphql::{
        connection::{connection, loaded_page, page_complexity, CountedConnection},
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{
            ActionGroupKey, CoalitionKey, LatestReport, PartnerKey, ReportCount, ReportsPage,
            ThematicAreaKey, UserKey, WorkPlanItemKey,
        },
    },
    pagination::PageArgs,
};

/// What a partner pledges, how it is measured, and how far it has come.
pub struct Commitment(pub commitments::Model);

#[Object]
impl Commitment {
    /// Resources of the knowledge platform that concern the commitment and that you
    /// may see, newest first.
    async fn resources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::Resource>> {
        let rows = ctx
            .loaders()?
            .load_one(crate::graphql::loaders::ResourcesOfCommitment(self.0.id))
            .await?
            .unwrap_or_default();
        let viewer = ctx.viewer();
        Ok(rows
            .into_iter()
            .filter(|r| crate::auth::policy::read_resource(viewer, r))
            .map(super::Resource::new)
            .collect())
    }

    pub async fn id(&self) -> ID {
        encode(NodeKind::Commitment, self.0.id)
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Partner> {
        let partner = ctx
            .loaders()?
            .load_one(PartnerKey(self.0.partner_id))
            .await?;
        Ok(Partner(partner.ok_or(AppError::NotFound("partner"))?))
    }

    async fn coalition(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Coalition>> {
        let Some(id) = self.0.coalition_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(CoalitionKey(id))
            .await?
            .map(Coalition))
    }

    async fn action_group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ActionGroup>> {
        let Some(id) = self.0.action_group_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(ActionGroupKey(id))
            .await?
            .map(ActionGroup))
    }

    async fn thematic_area(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ThematicArea>> {
        let Some(id) = self.0.thematic_area_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(ThematicAreaKey(id))
            .await?
            .map(ThematicArea))
    }

    /// The work plan item this commitment delivers, if any (hidden while its plan is a draft you may not see).
    async fn work_plan_item(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<WorkPlanItem>> {
        let Some(id) = self.0.work_plan_item_id else {
            return Ok(None);
        };
        let Some(item) = ctx.loaders()?.load_one(WorkPlanItemKey(id)).await? else {
            return Ok(None);
        };
        let plan = ctx
            .loaders()?
            .load_one(crate::graphql::loaders::WorkPlanKey(item.work_plan_id))
            .await?;
        let visible = plan.is_some_and(|p| crate::auth::policy::read_work_plan(ctx.viewer(), &p));
        Ok(visible.then_some(WorkPlanItem(item)))
    }

    /// How progress is measured.
    async fn indicator(&self) -> Option<&str> {
        self.0.indicator.as_deref()
    }

    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    async fn baseline(&self) -> Option<f64> {
        self.0.baseline
    }

    async fn target_value(&self) -> Option<f64> {
        self.0.target_value
    }

    /// The indicator's value in the latest APPROVED report.
    async fn current_value(&self) -> Option<f64> {
        self.0.current_value
    }

    /// As of the latest APPROVED report (PLANNED before one), or WITHDRAWN.
    async fn status(&self) -> async_graphql::Result<CommitmentStatus> {
        stored::<crate::domain::CommitmentStatus>(&self.0.status).map(Into::into)
    }

    /// 0 to 100, as of the latest APPROVED report (0 before one).
    async fn progress(&self) -> i32 {
        self.0.progress
    }

    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    /// Who reports on this commitment for its partner.
    async fn focal_point(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(user_id) = self.0.focal_point_user_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(UserKey(user_id))
            .await?
            .map(User::new))
    }

    async fn visibility(&self) -> async_graphql::Result<Visibility> {
        stored::<crate::domain::Visibility>(&self.0.visibility).map(Into::into)
    }

    /// Increases with every change; pass it as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Progress reports you may see, newest first.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<ProgressReport>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (page, total) = loaded_page(
            ctx.loaders()?,
            ReportsPage(self.0.id, args),
            ReportCount(self.0.id),
        )
        .await?;
        Ok(connection(page, total, ProgressReport))
    }

    /// The report in review (SUBMITTED, newer than anything approved since), for
    /// the commitment's partner and the secretariat; null for everyone else.
    /// `progress`, `status` and `currentValue` stay those of the latest
    /// APPROVED report until the secretariat approves this one.
    async fn pending_report(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ProgressReport>> {
        let insider = ctx
            .viewer()
            .is_some_and(|a| a.is_staff() || a.belongs_to(self.0.partner_id));
        if !insider {
            return Ok(None);
        }
        // For insiders the newest visible report is the newest of all.
        let latest = ctx.loaders()?.load_one(LatestReport(self.0.id)).await?;
        Ok(latest
            .filter(|report| report.review_state == crate::domain::ReviewState::Submitted.as_str())
            .map(ProgressReport))
    }

    /// The newest report you may see.
    async fn latest_report(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ProgressReport>> {
        Ok(ctx
            .loaders()?
            .load_one(LatestReport(self.0.id))
            .await?
            .map(ProgressReport))
    }
}
