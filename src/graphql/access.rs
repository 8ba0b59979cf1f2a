//! Loading what a mutation names by id, through the read rules: something the
//! caller may not see is NOT_FOUND, exactly like something that does not exist.
//! Write permission is checked after, by the resolver (FORBIDDEN).
use async_graphql::{Context, ID};
use entity::{action_groups, commitments, progress_reports, work_plan_items, work_plans};

use super::{
    context::ContextExt,
    ids::{self, NodeKind},
    loaders::{ActionGroupKey, CommitmentKey, ProgressReportKey, WorkPlanItemKey, WorkPlanKey},
};
use crate::{auth::policy, error::AppError};

type Result<T> = async_graphql::Result<T>;

/// Action groups are public: any existing one is visible.
pub async fn action_group(ctx: &Context<'_>, field: &str, id: &ID) -> Result<action_groups::Model> {
    let row_id = ids::expect(field, id, NodeKind::ActionGroup)?;
    let group = ctx.loaders()?.load_one(ActionGroupKey(row_id)).await?;
    Ok(group.ok_or(AppError::NotFound("action group"))?)
}

pub async fn work_plan(ctx: &Context<'_>, field: &str, id: &ID) -> Result<work_plans::Model> {
    let row_id = ids::expect(field, id, NodeKind::WorkPlan)?;
    let plan = ctx.loaders()?.load_one(WorkPlanKey(row_id)).await?;
    Ok(plan
        .filter(|p| policy::read_work_plan(ctx.viewer(), p))
        .ok_or(AppError::NotFound("work plan"))?)
}

pub async fn work_plan_item(
    ctx: &Context<'_>,
    field: &str,
    id: &ID,
) -> Result<(work_plan_items::Model, work_plans::Model)> {
    let row_id = ids::expect(field, id, NodeKind::WorkPlanItem)?;
    let loaders = ctx.loaders()?;
    let item = loaders
        .load_one(WorkPlanItemKey(row_id))
        .await?
        .ok_or(AppError::NotFound("work plan item"))?;
    let plan = loaders
        .load_one(WorkPlanKey(item.work_plan_id))
        .await?
        .filter(|p| policy::read_work_plan(ctx.viewer(), p))
        .ok_or(AppError::NotFound("work plan item"))?;
    Ok((item, plan))
}

pub async fn commitment(ctx: &Context<'_>, field: &str, id: &ID) -> Result<commitments::Model> {
    let row_id = ids::expect(field, id, NodeKind::Commitment)?;
    let commitment = ctx.loaders()?.load_one(CommitmentKey(row_id)).await?;
    Ok(commitment
        .filter(|c| policy::read_commitment(ctx.viewer(), c))
        .ok_or(AppError::NotFound("commitment"))?)
}

pub async fn progress_report(
    ctx: &Context<'_>,
    field: &str,
    id: &ID,
) -> Result<(progress_reports::Model, commitments::Model)> {
    let row_id = ids::expect(field, id, NodeKind::ProgressReport)?;
    let loaders = ctx.loaders()?;
    let report = loaders
        .load_one(ProgressReportKey(row_id))
        .await?
        .ok_or(AppError::NotFound("progress report"))?;
    let commitment = loaders
        .load_one(CommitmentKey(report.commitment_id))
        .await?
        .filter(|c| policy::read_progress_report(ctx.viewer(), c, &report))
        .ok_or(AppError::NotFound("progress report"))?;
    Ok((report, commitment))
}

/// An optional id input of `kind`.
pub fn optional_id(field: &str, id: &Option<ID>, kind: NodeKind) -> Result<Option<i64>> {
    Ok(id
        .as_ref()
        .map(|id| ids::expect(field, id, kind))
        .transpose()?)
}
