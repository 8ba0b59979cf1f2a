use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use crate::graphql::inputs::{optional, patch};

use crate::{
    auth::policy,
    domain::{
        self, finite, Description, IdempotencyKey, Indicator, Narrative, Progress, Reason, Title,
        Unit,
    },
    graphql::{
        access,
        context::ContextExt,
        ids::{self, NodeKind},
        types::{Commitment, CommitmentStatus, Date, ProgressReport, ReviewDecision, Visibility},
    },
    services::{
        commitments::{self as commitment_service, CommitmentPatch, NewCommitment},
        reports::{self as report_service, Decision, NewReport},
    },
};

#[derive(Default)]
pub struct CommitmentMutations;

#[derive(InputObject)]
pub struct CreateCommitmentInput {
    pub partner_id: ID,
    pub title: String,
    pub description: Option<String>,
    /// The group it is made in (the partner must be a member).
    pub action_group_id: Option<ID>,
    /// The coalition it is made in, when not in a group (the partner must be active in it).
    pub coalition_id: Option<ID>,
    pub thematic_area_id: Option<ID>,
    /// A work plan item of the group that this commitment delivers.
    pub work_plan_item_id: Option<ID>,
    pub indicator: Option<String>,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub target_value: Option<f64>,
    pub due_on: Option<Date>,
    /// Default PUBLIC.
    pub visibility: Option<Visibility>,
    /// A FOCAL_POINT or ADMIN user of the partner.
    pub focal_point_id: Option<ID>,
}

/// The commitment as a mutation left it: one payload type per mutation, named
/// as API.md names them.
macro_rules! commitment_payloads {
    ($($name:ident),*) => {$(
        #[derive(SimpleObject)]
        pub struct $name {
            pub commitment: Commitment,
        }
    )*};
}

commitment_payloads!(
    CreateCommitmentPayload,
    UpdateCommitmentPayload,
    AssignFocalPointPayload,
    WithdrawCommitmentPayload
);

/// Fields left out stay as they are; fields set to null are cleared.
#[derive(InputObject)]
pub struct UpdateCommitmentInput {
    pub commitment_id: ID,
    pub expected_version: Option<i32>,
    pub title: Option<String>,
    pub description: MaybeUndefined<String>,
    pub indicator: MaybeUndefined<String>,
    pub unit: MaybeUndefined<String>,
    pub baseline: MaybeUndefined<f64>,
    pub target_value: MaybeUndefined<f64>,
    pub due_on: MaybeUndefined<Date>,
    pub visibility: Option<Visibility>,
}

#[derive(InputObject)]
pub struct AssignFocalPointInput {
    pub commitment_id: ID,
    pub user_id: ID,
    pub expected_version: Option<i32>,
}

#[derive(InputObject)]
pub struct WithdrawCommitmentInput {
    pub commitment_id: ID,
    pub expected_version: Option<i32>,
}

#[derive(InputObject)]
pub struct ReportProgressInput {
    pub commitment_id: ID,
    /// 0 to 100.
    pub progress: i32,
    pub status: CommitmentStatus,
    /// At most 10,000 characters.
    pub narrative: Option<String>,
    /// The indicator's value now.
    pub value: Option<f64>,
    /// The commitment version you read; a newer one is a CONFLICT and nothing is written.
    pub expected_version: Option<i32>,
    /// Retrying with the same key returns the first answer and writes nothing more.
    pub idempotency_key: Option<String>,
}

#[derive(SimpleObject)]
pub struct ReportProgressPayload {
    pub progress_report: ProgressReport,
    pub commitment: Commitment,
}

#[derive(InputObject)]
pub struct ReviewProgressReportInput {
    pub progress_report_id: ID,
    pub decision: ReviewDecision,
    /// Required to RETURN a report.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct ReviewProgressReportPayload {
    pub progress_report: ProgressReport,
}

#[Object]
impl CommitmentMutations {
    /// Makes a commitment for a partner. For the partner's ADMINs and the secretariat.
    async fn create_commitment(
        &self,
        ctx: &Context<'_>,
        input: CreateCommitmentInput,
    ) -> async_graphql::Result<CreateCommitmentPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        crate::services::partners::find(&ctx.app()?.db, partner_id).await?;
        policy::create_commitment(actor, partner_id)?;
        let action_group_id = match &input.action_group_id {
            Some(id) => Some(access::action_group(ctx, "actionGroupId", id).await?.id),
            None => None,
        };
        let work_plan_item_id = match &input.work_plan_item_id {
            Some(id) => Some(
                access::work_plan_item(ctx, "workPlanItemId", id)
                    .await?
                    .0
                    .id,
            ),
            None => None,
        };
        let new = NewCommitment {
            partner_id,
            title: Title::parse("title", &input.title)?,
            description: optional(input.description.as_deref(), |d| {
                Description::parse("description", d)
            })?,
            action_group_id,
            coalition_id: access::optional_id(
                "coalitionId",
                &input.coalition_id,
                NodeKind::Coalition,
            )?,
            thematic_area_id: access::optional_id(
                "thematicAreaId",
                &input.thematic_area_id,
                NodeKind::ThematicArea,
            )?,
            work_plan_item_id,
            indicator: optional(input.indicator.as_deref(), |i| {
                Indicator::parse("indicator", i)
            })?,
            unit: optional(input.unit.as_deref(), |u| Unit::parse("unit", u))?,
            baseline: input.baseline.map(|v| finite("baseline", v)).transpose()?,
            target_value: input
                .target_value
                .map(|v| finite("targetValue", v))
                .transpose()?,
            due_on: input.due_on.map(Into::into),
            visibility: input
                .visibility
                .map_or(domain::Visibility::Public, Into::into),
            focal_point_user_id: access::optional_id(
                "focalPointId",
                &input.focal_point_id,
                NodeKind::User,
            )?,
        };
        let changed = commitment_service::create(&ctx.app()?.db, actor.user_id, new).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(CreateCommitmentPayload {
            commitment: Commitment(changed.value),
        })
    }

    /// Edits a commitment. For its partner's ADMINs and the secretariat.
    async fn update_commitment(
        &self,
        ctx: &Context<'_>,
        input: UpdateCommitmentInput,
    ) -> async_graphql::Result<UpdateCommitmentPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let commitment = access::commitment(ctx, "commitmentId", &input.commitment_id).await?;
        policy::edit_commitment(actor, &commitment)?;
        let changes = CommitmentPatch {
            title: optional(input.title.as_deref(), |t| Title::parse("title", t))?,
            description: patch(&input.description, |d| Description::parse("description", d))?,
            indicator: patch(&input.indicator, |i| Indicator::parse("indicator", i))?,
            unit: patch(&input.unit, |u| Unit::parse("unit", u))?,
            baseline: patch(&input.baseline, |v| finite("baseline", *v))?,
            target_value: patch(&input.target_value, |v| finite("targetValue", *v))?,
            due_on: patch(&input.due_on, |d| Ok::<_, crate::error::AppError>(d.0))?,
            visibility: input.visibility.map(Into::into),
        };
        let changed = commitment_service::update(
            &ctx.app()?.db,
            actor.user_id,
            &commitment,
            changes,
            input.expected_version,
        )
        .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(UpdateCommitmentPayload {
            commitment: Commitment(changed.value),
        })
    }

    /// Names the focal point (a FOCAL_POINT or ADMIN user of the same partner).
    async fn assign_focal_point(
        &self,
        ctx: &Context<'_>,
        input: AssignFocalPointInput,
    ) -> async_graphql::Result<AssignFocalPointPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let commitment = access::commitment(ctx, "commitmentId", &input.commitment_id).await?;
        policy::edit_commitment(actor, &commitment)?;
        let user_id = ids::expect("userId", &input.user_id, NodeKind::User)?;
        let changed = commitment_service::assign_focal_point(
            &ctx.app()?.db,
            actor.user_id,
            &commitment,
            user_id,
            input.expected_version,
        )
        .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(AssignFocalPointPayload {
            commitment: Commitment(changed.value),
        })
    }

    /// Withdraws a commitment: it stays on record and no longer changes.
    async fn withdraw_commitment(
        &self,
        ctx: &Context<'_>,
        input: WithdrawCommitmentInput,
    ) -> async_graphql::Result<WithdrawCommitmentPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let commitment = access::commitment(ctx, "commitmentId", &input.commitment_id).await?;
        policy::edit_commitment(actor, &commitment)?;
        let changed = commitment_service::withdraw(
            &ctx.app()?.db,
            actor.user_id,
            &commitment,
            input.expected_version,
        )
        .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(WithdrawCommitmentPayload {
            commitment: Commitment(changed.value),
        })
    }

    /// Reports progress on a commitment: by its focal point or its partner's ADMINs.
    async fn report_progress(
        &self,
        ctx: &Context<'_>,
        input: ReportProgressInput,
    ) -> async_graphql::Result<ReportProgressPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let commitment = access::commitment(ctx, "commitmentId", &input.commitment_id).await?;
        policy::report_progress(actor, &commitment)?;
        let new = NewReport {
            progress: Progress::parse("progress", input.progress)?,
            status: input.status.into(),
            narrative: optional(input.narrative.as_deref(), |n| {
                Narrative::parse("narrative", n)
            })?,
            value: input.value.map(|v| finite("value", v)).transpose()?,
            expected_version: input.expected_version,
            idempotency_key: optional(input.idempotency_key.as_deref(), |k| {
                IdempotencyKey::parse("idempotencyKey", k)
            })?,
        };
        let changed =
            report_service::report_progress(&ctx.app()?.db, actor, &commitment, new).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(ReportProgressPayload {
            progress_report: ProgressReport(changed.value.report),
            commitment: Commitment(changed.value.commitment),
        })
    }

    /// Approves a submitted report, or returns it with a reason. Secretariat only.
    async fn review_progress_report(
        &self,
        ctx: &Context<'_>,
        input: ReviewProgressReportInput,
    ) -> async_graphql::Result<ReviewProgressReportPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let (report, _) =
            access::progress_report(ctx, "progressReportId", &input.progress_report_id).await?;
        policy::review_progress_report(actor)?;
        let decision = match input.decision {
            ReviewDecision::Approve => Decision::Approve,
            ReviewDecision::Return => Decision::Return,
        };
        let reason = optional(input.reason.as_deref(), |r| Reason::parse("reason", r))?;
        let changed =
            report_service::review(&ctx.app()?.db, actor.user_id, &report, decision, reason)
                .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(ReviewProgressReportPayload {
            progress_report: ProgressReport(changed.value),
        })
    }
}
