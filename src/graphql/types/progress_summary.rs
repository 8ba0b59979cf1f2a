use async_graphql::{Object, SimpleObject};

use super::CommitmentStatus;
use crate::services::rollup;

/// A roll-up of the progress of the commitments you may see.
pub struct ProgressSummary(pub rollup::ProgressSummary);

/// How many commitments have one status.
#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: CommitmentStatus,
    pub count: i64,
}

#[Object]
impl ProgressSummary {
    /// All commitments, withdrawn ones included.
    async fn total(&self) -> i64 {
        self.0.total as i64
    }

    async fn by_status(&self) -> Vec<StatusCount> {
        self.0
            .by_status
            .iter()
            .map(|(status, count)| StatusCount {
                status: (*status).into(),
                count: *count as i64,
            })
            .collect()
    }

    /// Mean progress (0-100) of commitments that are not withdrawn; null if none.
    async fn average_progress(&self) -> Option<f64> {
        self.0.average_progress
    }

    /// Past their due date and neither completed nor withdrawn.
    async fn overdue(&self) -> i64 {
        self.0.overdue as i64
    }
}
