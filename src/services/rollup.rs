//! Progress roll-ups of groups and coalitions, computed by the database in one
//! grouped statement (never a loop over rows).
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{DatabaseConnection, FromQueryResult};

use crate::{
    auth::Actor, domain::CommitmentStatus, error::AppResult, services::commitments::visible_to,
    sql::SqlBuilder,
};

/// Commitment counts per status, average progress and how many are overdue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressSummary {
    pub total: u64,
    pub by_status: Vec<(CommitmentStatus, u64)>,
    /// Over commitments that are not withdrawn; None when there are none.
    pub average_progress: Option<f64>,
    pub overdue: u64,
}

#[derive(FromQueryResult)]
struct Row {
    parent_key: i64,
    status: String,
    total: i64,
    progress_sum: i64,
    overdue: i64,
}

/// Which commitments a roll-up groups by.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    ActionGroup,
    Coalition,
}

/// Summaries over the commitments `viewer` may see (an aggregate over hidden
/// commitments would reveal them: with one visible, the rest can be worked out).
pub async fn summaries(
    db: &DatabaseConnection,
    viewer: Option<&Actor>,
    scope: Scope,
    ids: &[i64],
) -> AppResult<HashMap<i64, ProgressSummary>> {
    let column = match scope {
        Scope::ActionGroup => "action_group_id",
        Scope::Coalition => "coalition_id",
    };
    let today = Utc::now().date_naive();
    let finals = [
        CommitmentStatus::Completed.as_str(),
        CommitmentStatus::Withdrawn.as_str(),
    ];
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(&format!(
        "SELECT t.{column} AS parent_key, t.status, COUNT(*) AS total, \
         COALESCE(SUM(t.progress), 0) AS progress_sum, COALESCE(SUM(CASE WHEN t.due_on < "
    ))
    .bind(today)
    .push(" AND t.status NOT IN ")
    .bind_list(&finals)
    .push(&format!(
        " THEN 1 ELSE 0 END), 0) AS overdue FROM commitments t WHERE t.{column} IN "
    ))
    .bind_list(ids);
    visible_to(&mut sql, viewer);
    sql.push(&format!(" GROUP BY t.{column}, t.status"));
    let mut summaries: HashMap<i64, ProgressSummary> = ids
        .iter()
        .map(|id| (*id, ProgressSummary::default()))
        .collect();
    let mut progress: HashMap<i64, (i64, i64)> = HashMap::new();
    for row in Row::find_by_statement(sql.build()).all(db).await? {
        let Ok(status) = row.status.parse::<CommitmentStatus>() else {
            continue;
        };
        let summary = summaries.entry(row.parent_key).or_default();
        summary.total += row.total as u64;
        summary.overdue += row.overdue as u64;
        summary.by_status.push((status, row.total as u64));
        if status != CommitmentStatus::Withdrawn {
            let entry = progress.entry(row.parent_key).or_default();
            entry.0 += row.progress_sum;
            entry.1 += row.total;
        }
    }
    for (id, (sum, count)) in progress {
        if let Some(summary) = summaries.get_mut(&id) {
            summary.average_progress = (count > 0).then(|| sum as f64 / count as f64);
        }
    }
    Ok(summaries)
}
