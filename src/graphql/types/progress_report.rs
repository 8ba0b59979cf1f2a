use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::progress_reports;

use super::{enums::stored, Commitment, CommitmentStatus, ReviewState, User};
use crate::{
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{CommitmentKey, UserKey},
    },
};

/// One report by a focal point on a commitment, and its review.
pub struct ProgressReport(pub progress_reports::Model);

#[Object]
impl ProgressReport {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ProgressReport, self.0.id)
    }

    async fn commitment(&self, ctx: &Context<'_>) -> async_graphql::Result<Commitment> {
        let commitment = ctx
            .loaders()?
            .load_one(CommitmentKey(self.0.commitment_id))
            .await?;
        Ok(Commitment(
            commitment.ok_or(AppError::NotFound("commitment"))?,
        ))
    }

    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let user = ctx
            .loaders()?
            .load_one(UserKey(self.0.author_user_id))
            .await?;
        Ok(User::new(user.ok_or(AppError::NotFound("user"))?))
    }

    /// 0 to 100, as reported.
    async fn progress(&self) -> i32 {
        self.0.progress
    }

    async fn status(&self) -> async_graphql::Result<CommitmentStatus> {
        stored::<crate::domain::CommitmentStatus>(&self.0.status).map(Into::into)
    }

    async fn narrative(&self) -> Option<&str> {
        self.0.narrative.as_deref()
    }

    /// The indicator's value, if reported.
    async fn value(&self) -> Option<f64> {
        self.0.value
    }

    async fn review_state(&self) -> async_graphql::Result<ReviewState> {
        stored::<crate::domain::ReviewState>(&self.0.review_state).map(Into::into)
    }

    /// Why the report was returned.
    async fn review_reason(&self) -> Option<&str> {
        self.0.review_reason.as_deref()
    }

    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.0.reviewed_at
    }

    /// The commitment's version this report produced.
    async fn commitment_version(&self) -> i32 {
        self.0.commitment_version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
