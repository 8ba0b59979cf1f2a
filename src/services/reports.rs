//! Progress reports: a focal point's report updates its commitment atomically;
//! the secretariat approves it or returns it with a reason.
use std::collections::HashMap;

use chrono::Utc;
use entity::{commitments, progress_reports};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde_json::json;

use super::{
    commitments as commitment_service,
    notifications::{self, reasons, Notice},
    Changed,
};
use crate::{
    auth::Actor,
    domain::{CommitmentStatus, IdempotencyKey, Narrative, Progress, Reason, ReviewState},
    error::{AppError, AppResult},
    events::{kinds, Subject},
    ids::{global_id, NodeKind},
    pagination::{Page, PageArgs},
    sql::{ChildList, Columns, Direction, Join, RowsBy, SqlBuilder},
};

pub struct NewReport {
    pub progress: Progress,
    pub status: CommitmentStatus,
    pub narrative: Option<Narrative>,
    pub value: Option<f64>,
    pub expected_version: Option<i32>,
    pub idempotency_key: Option<IdempotencyKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return,
}

/// What `reportProgress` answers: the report and the commitment as it stands.
pub struct Reported {
    pub report: progress_reports::Model,
    pub commitment: commitments::Model,
}

const OF_COMMITMENT: ChildList<'static> = ChildList {
    table: "progress_reports",
    parent_column: "commitment_id",
    direction: Direction::Newest,
};

pub async fn find(db: &DatabaseConnection, id: i64) -> AppResult<progress_reports::Model> {
    progress_reports::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("progress report"))
}

async fn by_idempotency_key(
    db: &DatabaseConnection,
    commitment_id: i64,
    key: &IdempotencyKey,
) -> AppResult<Option<progress_reports::Model>> {
    Ok(progress_reports::Entity::find()
        .filter(progress_reports::Column::CommitmentId.eq(commitment_id))
        .filter(progress_reports::Column::IdempotencyKey.eq(key.as_str()))
        .one(db)
        .await?)
}

/// The answer to a retried request: the report it made, if the same author made it.
async fn replay(
    db: &DatabaseConnection,
    actor: &Actor,
    existing: progress_reports::Model,
) -> AppResult<Changed<Reported>> {
    if existing.author_user_id != actor.user_id {
        return Err(AppError::conflict(
            "idempotencyKey",
            "was already used by someone else",
        ));
    }
    let commitment = commitment_service::find(db, existing.commitment_id).await?;
    Ok(Changed::new(
        Reported {
            report: existing,
            commitment,
        },
        Vec::new(),
    ))
}

/// Records a report and moves the commitment to its progress and status, in one
/// transaction. A stale `expectedVersion` is a CONFLICT and writes nothing; a
/// repeated `idempotencyKey` returns the first answer and writes nothing.
pub async fn report_progress(
    db: &DatabaseConnection,
    actor: &Actor,
    commitment: &commitments::Model,
    new: NewReport,
) -> AppResult<Changed<Reported>> {
    if let Some(key) = &new.idempotency_key {
        if let Some(existing) = by_idempotency_key(db, commitment.id, key).await? {
            return replay(db, actor, existing).await;
        }
    }
    commitment_service::not_withdrawn(commitment)?;
    if new.status == CommitmentStatus::Withdrawn {
        return Err(AppError::bad_input(
            "status",
            "withdraw a commitment with withdrawCommitment",
        ));
    }

    let txn = db.begin().await?;
    // A report is reviewed before anything public moves: the commitment only
    // takes a new version, which keeps concurrent reports from crossing.
    let columns = Vec::new();
    // The first statement writes: it takes the commitment's row lock at once, so
    // racing reports queue here and the version check sees the winner's version.
    if !commitment_service::bump(&txn, commitment, new.expected_version, columns).await? {
        return Err(AppError::stale("commitment"));
    }
    let updated = commitments::Entity::find_by_id(commitment.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("commitment"))?;
    let inserted = progress_reports::ActiveModel {
        commitment_id: Set(commitment.id),
        author_user_id: Set(actor.user_id),
        progress: Set(new.progress.value()),
        status: Set(new.status.as_str().to_owned()),
        narrative: Set(new.narrative.map(Narrative::into_inner)),
        value: Set(new.value),
        review_state: Set(ReviewState::Submitted.as_str().to_owned()),
        review_reason: Set(None),
        reviewer_user_id: Set(None),
        reviewed_at: Set(None),
        idempotency_key: Set(new.idempotency_key.as_ref().map(|k| k.as_str().to_owned())),
        commitment_version: Set(updated.version),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let report = match inserted {
        Ok(report) => report,
        Err(error) => {
            let error = AppError::from(error);
            // The same key raced us and won: its answer is ours.
            if let (AppError::Conflict { .. }, Some(key)) = (&error, &new.idempotency_key) {
                txn.rollback().await?;
                if let Some(existing) = by_idempotency_key(db, commitment.id, key).await? {
                    return replay(db, actor, existing).await;
                }
            }
            return Err(error);
        }
    };
    // Whoever follows the commitment learns that a report came in, not what it
    // says: that is the report's, read under its own access rule.
    let mut recorded = commitment_service::commitment_event(
        &txn,
        actor.user_id,
        &updated,
        kinds::PROGRESS_REPORTED,
        Subject::progress_report(report.id),
        json!({
            "commitmentId": global_id(NodeKind::Commitment, updated.id),
            "progressReportId": global_id(NodeKind::ProgressReport, report.id),
            "version": updated.version,
        }),
    )
    .await?;
    let reviewers = notifications::staff(&txn).await?;
    let notice = Notice {
        reason: reasons::REPORT_SUBMITTED,
        kind: kinds::PROGRESS_REPORTED,
        actor: Some(actor.user_id),
        subject: Subject::progress_report(report.id),
        // Only the secretariat reads this feed.
        payload: json!({
            "commitmentId": global_id(NodeKind::Commitment, updated.id),
            "progressReportId": global_id(NodeKind::ProgressReport, report.id),
            "progress": report.progress,
        }),
    };
    recorded.extend(notifications::notify(&txn, reviewers, notice).await?);
    txn.commit().await?;
    Ok(Changed::new(
        Reported {
            report,
            commitment: updated,
        },
        recorded,
    ))
}

/// APPROVE, or RETURN with a reason. Only a SUBMITTED report can be reviewed.
pub async fn review(
    db: &DatabaseConnection,
    actor_id: i64,
    report: &progress_reports::Model,
    decision: Decision,
    reason: Option<Reason>,
) -> AppResult<Changed<progress_reports::Model>> {
    let (state, kind, reason_code) = match decision {
        Decision::Approve => (
            ReviewState::Approved,
            kinds::REPORT_APPROVED,
            reasons::REPORT_APPROVED,
        ),
        Decision::Return => (
            ReviewState::Returned,
            kinds::REPORT_RETURNED,
            reasons::REPORT_RETURNED,
        ),
    };
    if decision == Decision::Return && reason.is_none() {
        return Err(AppError::bad_input(
            "reason",
            "is required to return a report",
        ));
    }
    let commitment = commitment_service::find(db, report.commitment_id).await?;
    let reason = reason.map(Reason::into_inner);
    let txn = db.begin().await?;
    let result = progress_reports::Entity::update_many()
        .col_expr(
            progress_reports::Column::ReviewState,
            Expr::value(state.as_str()),
        )
        .col_expr(
            progress_reports::Column::ReviewReason,
            Expr::value(reason.clone()),
        )
        .col_expr(
            progress_reports::Column::ReviewerUserId,
            Expr::value(actor_id),
        )
        .col_expr(
            progress_reports::Column::ReviewedAt,
            Expr::value(Utc::now()),
        )
        .filter(progress_reports::Column::Id.eq(report.id))
        .filter(progress_reports::Column::ReviewState.eq(ReviewState::Submitted.as_str()))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::conflict(
            "progressReportId",
            "the report has already been reviewed",
        ));
    }
    let ids = json!({
        "commitmentId": global_id(NodeKind::Commitment, commitment.id),
        "progressReportId": global_id(NodeKind::ProgressReport, report.id),
    });
    let (payload, commitment) = match decision {
        Decision::Approve => match publish(&txn, &commitment, report).await? {
            // What the report says is now what everyone sees.
            Some(published) => (
                json!({
                    "commitmentId": ids["commitmentId"],
                    "progressReportId": ids["progressReportId"],
                    "published": true,
                    "progress": published.progress,
                    "status": published.status,
                    "value": published.current_value,
                    "version": published.version,
                }),
                published,
            ),
            // A newer report is already public: this one is on record only.
            None => (
                json!({
                    "commitmentId": ids["commitmentId"],
                    "progressReportId": ids["progressReportId"],
                    "published": false,
                }),
                commitment,
            ),
        },
        // A returned report changes nothing public, and its reason is the
        // report's (ProgressReport.reviewReason) and its author's.
        Decision::Return => (ids.clone(), commitment),
    };
    let mut recorded = commitment_service::commitment_event(
        &txn,
        actor_id,
        &commitment,
        kind,
        Subject::progress_report(report.id),
        payload,
    )
    .await?;
    let mut to_author = ids;
    if let Some(reason) = &reason {
        to_author["returnReason"] = json!(reason);
    }
    let notice = Notice {
        reason: reason_code,
        kind,
        actor: Some(actor_id),
        subject: Subject::progress_report(report.id),
        // The author's own feed: the one place the reason travels.
        payload: to_author,
    };
    recorded.extend(notifications::notify(&txn, [report.author_user_id], notice).await?);
    txn.commit().await?;
    Ok(Changed::new(find(db, report.id).await?, recorded))
}

/// Makes an approved report's values the commitment's public ones, unless a
/// newer report is public already or the commitment was withdrawn. The
/// commitment as it is then, or None when nothing was published.
async fn publish(
    txn: &sea_orm::DatabaseTransaction,
    commitment: &commitments::Model,
    report: &progress_reports::Model,
) -> AppResult<Option<commitments::Model>> {
    let published = commitments::Entity::update_many()
        .col_expr(commitments::Column::Progress, Expr::value(report.progress))
        .col_expr(
            commitments::Column::Status,
            Expr::value(report.status.as_str()),
        )
        .col_expr(commitments::Column::CurrentValue, Expr::value(report.value))
        .col_expr(
            commitments::Column::PublishedReportId,
            Expr::value(report.id),
        )
        .col_expr(
            commitments::Column::Version,
            Expr::col(commitments::Column::Version).add(1),
        )
        .col_expr(commitments::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(commitments::Column::Id.eq(commitment.id))
        .filter(commitments::Column::Status.ne(CommitmentStatus::Withdrawn.as_str()))
        .filter(
            Condition::any()
                .add(commitments::Column::PublishedReportId.is_null())
                .add(commitments::Column::PublishedReportId.lt(report.id)),
        )
        .exec(txn)
        .await?;
    if published.rows_affected == 0 {
        return Ok(None);
    }
    Ok(commitments::Entity::find_by_id(commitment.id)
        .one(txn)
        .await?)
}

/// Appends ` AND …`: the reports (alias `t`) `viewer` may see among those of
/// commitments they may see: approved ones, or all for staff and the
/// commitment's own partner.
fn reports_visible_to(sql: &mut SqlBuilder, viewer: Option<&Actor>) {
    if viewer.is_some_and(Actor::is_staff) {
        return;
    }
    sql.push(" AND (t.review_state = ")
        .bind(ReviewState::Approved.as_str());
    let partners: Vec<i64> = viewer
        .map(|a| a.partner_ids().collect())
        .unwrap_or_default();
    if !partners.is_empty() {
        sql.push(" OR t.commitment_id IN (SELECT id FROM commitments WHERE ")
            .is_in("partner_id", &partners)
            .push(")");
    }
    sql.push(")");
}

/// One page of reports per commitment, newest first.
pub async fn pages_of_commitments(
    db: &DatabaseConnection,
    viewer: Option<&Actor>,
    commitment_ids: &[i64],
    args: &PageArgs,
) -> AppResult<HashMap<i64, Page<progress_reports::Model>>> {
    OF_COMMITMENT
        .pages(db, commitment_ids, args, Columns::All, |sql| {
            reports_visible_to(sql, viewer)
        })
        .await
}

pub async fn counts_of_commitments(
    db: &DatabaseConnection,
    viewer: Option<&Actor>,
    commitment_ids: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    OF_COMMITMENT
        .counts(db, commitment_ids, |sql| reports_visible_to(sql, viewer))
        .await
}

/// The newest report of each commitment that `viewer` may see, read with a
/// page of commitments into `rows` (keyed by commitment).
pub fn latest_join<'a>(
    viewer: Option<&'a Actor>,
    rows: &'a mut RowsBy<progress_reports::Model>,
) -> Join<'a> {
    Join {
        list: &OF_COMMITMENT,
        filter: Box::new(move |sql| reports_visible_to(sql, viewer)),
        rows,
    }
}

/// The newest visible report of each commitment (with the `columns` a list shows).
pub async fn latest_of_commitments(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    commitment_ids: &[i64],
    columns: Columns<'_>,
) -> AppResult<HashMap<i64, progress_reports::Model>> {
    OF_COMMITMENT
        .firsts(db, commitment_ids, columns, |sql| {
            reports_visible_to(sql, viewer)
        })
        .await
}
