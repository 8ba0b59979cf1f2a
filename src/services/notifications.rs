//! Who is told about what, and why. A notification is an event in the user's own
//! stream (`user:<id>`) plus a row that records the reason and whether it was
//! read, written in the same transaction as the change it is about.
use std::collections::HashMap;

use chrono::Utc;
use entity::{events, notifications, users};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

use crate::{
    error::AppResult,
    events::{self as event_log, NewEvent, Stream, Subject},
    pagination::{Cursor, Page, PageArgs},
    sql::SqlBuilder,
};

/// Why someone is notified: stable names clients can match on.
pub mod reasons {
    /// You were named focal point of a commitment.
    pub const FOCAL_POINT_ASSIGNED: &str = "focal_point_assigned";
    /// A progress report awaits review (the secretariat).
    pub const REPORT_SUBMITTED: &str = "report_submitted";
    /// Your report was approved.
    pub const REPORT_APPROVED: &str = "report_approved";
    /// Your report was returned, with a reason.
    pub const REPORT_RETURNED: &str = "report_returned";
    /// A work plan of your group was adopted.
    pub const WORK_PLAN_ADOPTED: &str = "work_plan_adopted";
    /// A partner joined your group.
    pub const MEMBER_JOINED: &str = "member_joined";
    /// An application to a coalition was submitted (the secretariat).
    pub const APPLICATION_SUBMITTED: &str = "application_submitted";
    /// An applicant changed its application (the secretariat).
    pub const APPLICATION_UPDATED: &str = "application_updated";
    /// An applicant withdrew its application (the secretariat).
    pub const APPLICATION_WITHDRAWN: &str = "application_withdrawn";
    /// The secretariat decided something about an application (the
    /// secretariat, and the partner user who applied).
    pub const APPLICATION_REVIEWED: &str = "application_reviewed";
    /// A resource was submitted to the knowledge platform (the secretariat).
    pub const RESOURCE_SUBMITTED: &str = "resource_submitted";
    /// Your resource was published or rejected (with a reason).
    pub const RESOURCE_REVIEWED: &str = "resource_reviewed";
}

/// What happened, to tell each recipient about.
pub struct Notice {
    pub reason: &'static str,
    pub kind: &'static str,
    pub actor: Option<i64>,
    pub subject: Subject,
    pub payload: Value,
}

/// Notifies `recipients` (the actor excluded: nobody is told about their own act).
pub async fn notify(
    txn: &DatabaseTransaction,
    recipients: impl IntoIterator<Item = i64>,
    notice: Notice,
) -> AppResult<Vec<events::Model>> {
    let mut recipients: Vec<i64> = recipients
        .into_iter()
        .filter(|id| Some(*id) != notice.actor)
        .collect();
    recipients.sort_unstable();
    recipients.dedup();
    let mut payload = notice.payload;
    if let Value::Object(map) = &mut payload {
        map.insert("reason".into(), Value::from(notice.reason));
    }
    let now = Utc::now();
    let mut recorded = Vec::with_capacity(recipients.len());
    for user_id in recipients {
        let appended = event_log::append(
            txn,
            &[Stream::User(user_id)],
            NewEvent {
                kind: notice.kind,
                actor: notice.actor,
                subject: notice.subject,
                payload: payload.clone(),
            },
        )
        .await?;
        for event in &appended {
            notifications::ActiveModel {
                user_id: Set(user_id),
                event_id: Set(event.id),
                reason: Set(notice.reason.to_owned()),
                read_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        recorded.extend(appended);
    }
    Ok(recorded)
}

/// Users with a platform role (the secretariat and admins).
pub async fn staff(txn: &DatabaseTransaction) -> AppResult<Vec<i64>> {
    Ok(users::Entity::find()
        .filter(users::Column::PlatformRole.is_not_null())
        .all(txn)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

#[derive(FromQueryResult)]
struct UserRow {
    user_id: i64,
}

/// Users of the partners that are members of a group.
pub async fn people_of_group(txn: &DatabaseTransaction, group_id: i64) -> AppResult<Vec<i64>> {
    let mut sql = SqlBuilder::new(txn.get_database_backend());
    sql.push(
        "SELECT DISTINCT pu.user_id FROM partner_users pu \
         JOIN action_group_members m ON m.partner_id = pu.partner_id WHERE m.action_group_id = ",
    )
    .bind(group_id);
    Ok(UserRow::find_by_statement(sql.build())
        .all(txn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect())
}

/// A user's notifications, newest first.
pub async fn page(
    db: &DatabaseConnection,
    user_id: i64,
    unread_only: bool,
    args: &PageArgs,
) -> AppResult<Page<notifications::Model>> {
    let mut select =
        notifications::Entity::find().filter(notifications::Column::UserId.eq(user_id));
    if unread_only {
        select = select.filter(notifications::Column::ReadAt.is_null());
    }
    if let Some(before) = args.after_id() {
        select = select.filter(notifications::Column::Id.lt(before));
    }
    let rows = select
        .order_by_desc(notifications::Column::Id)
        .limit(args.limit())
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, args, |n| Cursor::by_id(n.id)))
}

pub async fn count(db: &DatabaseConnection, user_id: i64, unread_only: bool) -> AppResult<u64> {
    let mut select =
        notifications::Entity::find().filter(notifications::Column::UserId.eq(user_id));
    if unread_only {
        select = select.filter(notifications::Column::ReadAt.is_null());
    }
    Ok(select.count(db).await?)
}

/// Marks some (or all) of a user's notifications read; returns how many changed.
/// Ids of other users' notifications are ignored, not errors: they match nothing.
pub async fn mark_read(
    db: &DatabaseConnection,
    user_id: i64,
    ids: Option<&[i64]>,
) -> AppResult<u64> {
    let mut update = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        update = update.filter(notifications::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// The notifications behind some user-stream events.
pub async fn by_event_ids(
    db: &DatabaseConnection,
    event_ids: &[i64],
) -> AppResult<HashMap<i64, notifications::Model>> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::EventId.is_in(event_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.event_id, n))
        .collect())
}

pub async fn find(db: &DatabaseConnection, id: i64) -> AppResult<Option<notifications::Model>> {
    Ok(notifications::Entity::find_by_id(id).one(db).await?)
}
