//! Commitments: what partners pledge, who reports on them, who may see them.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{commitments, partner_users, thematic_areas, work_plan_items, work_plans};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    TransactionTrait,
};
use serde_json::json;

use super::{
    groups,
    notifications::{self, reasons, Notice},
    Changed,
};
use crate::{
    auth::Actor,
    domain::{
        CommitmentStatus, Description, Indicator, MembershipStatus, PartnerRole, Title, Unit,
        Visibility,
    },
    error::{AppError, AppResult},
    events::{self, kinds, NewEvent, Stream, Subject},
    ids::{global_id, NodeKind},
    pagination::{Cursor, Page, PageArgs},
    sql::{ChildList, Columns, Direction, Join, SqlBuilder},
};

pub struct NewCommitment {
    pub partner_id: i64,
    pub title: Title,
    pub description: Option<Description>,
    pub action_group_id: Option<i64>,
    pub coalition_id: Option<i64>,
    pub thematic_area_id: Option<i64>,
    pub work_plan_item_id: Option<i64>,
    pub indicator: Option<Indicator>,
    pub unit: Option<Unit>,
    pub baseline: Option<f64>,
    pub target_value: Option<f64>,
    pub due_on: Option<NaiveDate>,
    pub visibility: Visibility,
    pub focal_point_user_id: Option<i64>,
}

/// `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Default)]
pub struct CommitmentPatch {
    pub title: Option<Title>,
    pub description: Option<Option<Description>>,
    pub indicator: Option<Option<Indicator>>,
    pub unit: Option<Option<Unit>>,
    pub baseline: Option<Option<f64>>,
    pub target_value: Option<Option<f64>>,
    pub due_on: Option<Option<NaiveDate>>,
    pub visibility: Option<Visibility>,
}

#[derive(Default, Clone)]
pub struct CommitmentFilter {
    pub partner_id: Option<i64>,
    pub action_group_id: Option<i64>,
    pub coalition_id: Option<i64>,
    pub status: Option<CommitmentStatus>,
    pub due_before: Option<NaiveDate>,
    /// Past due and neither completed nor withdrawn.
    pub overdue: Option<bool>,
}

const OF_GROUP: ChildList<'static> = ChildList {
    table: "commitments",
    parent_column: "action_group_id",
    direction: Direction::Oldest,
};

const OF_PARTNER: ChildList<'static> = ChildList {
    table: "commitments",
    parent_column: "partner_id",
    direction: Direction::Oldest,
};

/// Appends ` AND (…)`: the commitments (alias `t`) that `viewer` may see. The SQL
/// twin of `policy::read_commitment`.
pub fn visible_to(sql: &mut SqlBuilder, viewer: Option<&Actor>) {
    if viewer.is_some_and(Actor::is_staff) {
        return;
    }
    sql.push(" AND (t.visibility = ")
        .bind(Visibility::Public.as_str());
    if let Some(actor) = viewer {
        let partners: Vec<i64> = actor.partner_ids().collect();
        if !partners.is_empty() {
            sql.push(" OR ").is_in("t.partner_id", &partners);
        }
        if !actor.coalitions.is_empty() {
            sql.push(" OR (t.visibility = ")
                .bind(Visibility::Coalition.as_str())
                .push(" AND ")
                .is_in("t.coalition_id", &actor.coalitions)
                .push(")");
        }
        let groups: Vec<i64> = actor.group_ids().collect();
        if !groups.is_empty() {
            sql.push(" OR (t.visibility = ")
                .bind(Visibility::Group.as_str())
                .push(" AND ")
                .is_in("t.action_group_id", &groups)
                .push(")");
        }
    }
    sql.push(")");
}

/// Statuses that no longer count as overdue.
fn final_statuses() -> [&'static str; 2] {
    [
        CommitmentStatus::Completed.as_str(),
        CommitmentStatus::Withdrawn.as_str(),
    ]
}

fn apply_filter(sql: &mut SqlBuilder, filter: &CommitmentFilter, today: NaiveDate) {
    if let Some(id) = filter.partner_id {
        sql.push(" AND t.partner_id = ").bind(id);
    }
    if let Some(id) = filter.action_group_id {
        sql.push(" AND t.action_group_id = ").bind(id);
    }
    if let Some(id) = filter.coalition_id {
        sql.push(" AND t.coalition_id = ").bind(id);
    }
    if let Some(status) = filter.status {
        sql.push(" AND t.status = ").bind(status.as_str());
    }
    if let Some(day) = filter.due_before {
        sql.push(" AND t.due_on < ").bind(day);
    }
    match filter.overdue {
        Some(true) => {
            sql.push(" AND t.due_on < ")
                .bind(today)
                .push(" AND t.status NOT IN ")
                .bind_list(&final_statuses());
        }
        Some(false) => {
            sql.push(" AND (t.due_on IS NULL OR t.due_on >= ")
                .bind(today)
                .push(" OR t.status IN ")
                .bind_list(&final_statuses())
                .push(")");
        }
        None => {}
    }
}

pub async fn find(db: &DatabaseConnection, id: i64) -> AppResult<commitments::Model> {
    commitments::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("commitment"))
}

/// Commitments the viewer may see, oldest first.
pub async fn page(
    db: &DatabaseConnection,
    viewer: Option<&Actor>,
    filter: &CommitmentFilter,
    args: &PageArgs,
) -> AppResult<Page<commitments::Model>> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push("SELECT t.* FROM commitments t WHERE 1 = 1");
    apply_filter(&mut sql, filter, Utc::now().date_naive());
    visible_to(&mut sql, viewer);
    if let Some(after) = args.after_id() {
        sql.push(" AND t.id > ").bind(after);
    }
    sql.push(" ORDER BY t.id LIMIT ").bind(args.limit() as i64);
    let rows = commitments::Model::find_by_statement(sql.build())
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, args, |c| Cursor::by_id(c.id)))
}

pub async fn count(
    db: &DatabaseConnection,
    viewer: Option<&Actor>,
    filter: &CommitmentFilter,
) -> AppResult<u64> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push("SELECT COUNT(*) AS total FROM commitments t WHERE 1 = 1");
    apply_filter(&mut sql, filter, Utc::now().date_naive());
    visible_to(&mut sql, viewer);
    let row = db.query_one_raw(sql.build()).await?;
    let total: i64 = match row {
        Some(row) => row.try_get("", "total")?,
        None => 0,
    };
    Ok(total as u64)
}

/// Whose commitments a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Group,
    Partner,
}

impl Holder {
    fn list(self) -> &'static ChildList<'static> {
        match self {
            Holder::Group => &OF_GROUP,
            Holder::Partner => &OF_PARTNER,
        }
    }
}

/// One page of visible commitments per group or partner (with the rows of
/// `joins`).
pub async fn pages_of(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    holder: Holder,
    ids: &[i64],
    args: &PageArgs,
    columns: Columns<'_>,
    joins: &mut [Join<'_>],
) -> AppResult<HashMap<i64, Page<commitments::Model>>> {
    holder
        .list()
        .joined_pages(db, ids, args, columns, |sql| visible_to(sql, viewer), joins)
        .await
}

/// How many commitments each group or partner has that `viewer` may see.
pub async fn counts_of(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    holder: Holder,
    ids: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    holder
        .list()
        .counts(db, ids, |sql| visible_to(sql, viewer))
        .await
}

/// [`pages_of`] and [`counts_of`], in one statement on PostgreSQL.
pub async fn counted_pages_of(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    holder: Holder,
    ids: &[i64],
    args: &PageArgs,
    columns: Columns<'_>,
    joins: &mut [Join<'_>],
) -> AppResult<(HashMap<i64, Page<commitments::Model>>, HashMap<i64, u64>)> {
    holder
        .list()
        .counted_pages(db, ids, args, columns, |sql| visible_to(sql, viewer), joins)
        .await
}

/// The user must be a FOCAL_POINT or ADMIN of the partner. A user who does not
/// work for the partner at all is NOT_FOUND (others' people are not revealed).
async fn check_focal_point(
    db: &DatabaseConnection,
    partner_id: i64,
    user_id: i64,
) -> AppResult<()> {
    let role = partner_users::Entity::find()
        .filter(partner_users::Column::PartnerId.eq(partner_id))
        .filter(partner_users::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("user"))?
        .role;
    let eligible = [
        PartnerRole::FocalPoint.as_str(),
        PartnerRole::Admin.as_str(),
    ];
    if eligible.contains(&role.as_str()) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "userId",
            "must be a FOCAL_POINT or ADMIN of the commitment's partner",
        ))
    }
}

/// Resolves and checks where a new commitment belongs: its group (the partner
/// must be a member), coalition (the partner must be active in it), thematic area
/// (of that coalition) and work plan item (of that group).
async fn placement(db: &DatabaseConnection, new: &NewCommitment) -> AppResult<Option<i64>> {
    let mut coalition_id = new.coalition_id;
    if let Some(group_id) = new.action_group_id {
        let group = groups::find_active(db, group_id).await?;
        if coalition_id.is_some_and(|id| id != group.coalition_id) {
            return Err(AppError::bad_input(
                "coalitionId",
                "must be the action group's coalition",
            ));
        }
        coalition_id = Some(group.coalition_id);
        if !groups::is_member(db, group_id, new.partner_id).await? {
            return Err(AppError::bad_input(
                "actionGroupId",
                "the partner must be a member of the action group",
            ));
        }
    } else if let Some(id) = coalition_id {
        crate::services::coalitions::find(db, id).await?;
        let active = entity::coalition_partners::Entity::find()
            .filter(entity::coalition_partners::Column::CoalitionId.eq(id))
            .filter(entity::coalition_partners::Column::PartnerId.eq(new.partner_id))
            .filter(
                entity::coalition_partners::Column::Status.eq(MembershipStatus::Active.as_str()),
            )
            .one(db)
            .await?;
        if active.is_none() {
            return Err(AppError::bad_input(
                "coalitionId",
                "the partner must be an active member of the coalition",
            ));
        }
    }
    if let Some(area_id) = new.thematic_area_id {
        let area = thematic_areas::Entity::find_by_id(area_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("thematic area"))?;
        if Some(area.coalition_id) != coalition_id {
            return Err(AppError::bad_input(
                "thematicAreaId",
                "must belong to the commitment's coalition",
            ));
        }
    }
    if let Some(item_id) = new.work_plan_item_id {
        let item = work_plan_items::Entity::find_by_id(item_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("work plan item"))?;
        let plan = work_plans::Entity::find_by_id(item.work_plan_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("work plan item"))?;
        if Some(plan.action_group_id) != new.action_group_id {
            return Err(AppError::bad_input(
                "workPlanItemId",
                "must belong to a work plan of the commitment's action group",
            ));
        }
    }
    match new.visibility {
        Visibility::Coalition if coalition_id.is_none() => Err(AppError::bad_input(
            "visibility",
            "COALITION visibility needs a coalition or action group",
        )),
        Visibility::Group if new.action_group_id.is_none() => Err(AppError::bad_input(
            "visibility",
            "GROUP visibility needs an action group",
        )),
        _ => Ok(coalition_id),
    }
}

fn streams_of(commitment: &commitments::Model) -> Vec<Stream> {
    let mut streams = vec![Stream::Commitment(commitment.id)];
    if let Some(group_id) = commitment.action_group_id {
        streams.push(Stream::ActionGroup(group_id));
    }
    streams
}

pub(crate) async fn commitment_event(
    txn: &sea_orm::DatabaseTransaction,
    actor_id: i64,
    commitment: &commitments::Model,
    kind: &'static str,
    subject: Subject,
    payload: serde_json::Value,
) -> AppResult<Vec<entity::events::Model>> {
    events::append(
        txn,
        &streams_of(commitment),
        NewEvent {
            kind,
            actor: Some(actor_id),
            subject,
            payload,
        },
    )
    .await
}

pub async fn create(
    db: &DatabaseConnection,
    actor_id: i64,
    new: NewCommitment,
) -> AppResult<Changed<commitments::Model>> {
    let coalition_id = placement(db, &new).await?;
    if let Some(user_id) = new.focal_point_user_id {
        check_focal_point(db, new.partner_id, user_id).await?;
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let commitment = commitments::ActiveModel {
        partner_id: Set(new.partner_id),
        coalition_id: Set(coalition_id),
        action_group_id: Set(new.action_group_id),
        thematic_area_id: Set(new.thematic_area_id),
        work_plan_item_id: Set(new.work_plan_item_id),
        title: Set(new.title.into_inner()),
        description: Set(new.description.map(Description::into_inner)),
        indicator: Set(new.indicator.map(Indicator::into_inner)),
        unit: Set(new.unit.map(Unit::into_inner)),
        baseline: Set(new.baseline),
        target_value: Set(new.target_value),
        current_value: Set(None),
        due_on: Set(new.due_on),
        status: Set(CommitmentStatus::Planned.as_str().to_owned()),
        progress: Set(0),
        focal_point_user_id: Set(new.focal_point_user_id),
        visibility: Set(new.visibility.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut recorded = commitment_event(
        &txn,
        actor_id,
        &commitment,
        kinds::COMMITMENT_CREATED,
        Subject::commitment(commitment.id),
        json!({ "title": commitment.title, "partnerId": global_id(NodeKind::Partner, commitment.partner_id) }),
    )
    .await?;
    if let Some(user_id) = commitment.focal_point_user_id {
        recorded.extend(notify_focal_point(&txn, actor_id, &commitment, user_id).await?);
    }
    txn.commit().await?;
    Ok(Changed::new(commitment, recorded))
}

/// Bumps the version if it is still `expected` (or whatever it is, when None),
/// setting the given columns. False when someone else got there first.
pub(crate) async fn bump(
    txn: &sea_orm::DatabaseTransaction,
    current: &commitments::Model,
    expected: Option<i32>,
    columns: Vec<(commitments::Column, sea_orm::sea_query::SimpleExpr)>,
) -> AppResult<bool> {
    let mut update = commitments::Entity::update_many()
        .col_expr(
            commitments::Column::Version,
            Expr::col(commitments::Column::Version).add(1),
        )
        .col_expr(commitments::Column::UpdatedAt, Expr::value(Utc::now()));
    for (column, value) in columns {
        update = update.col_expr(column, value);
    }
    let mut update = update.filter(commitments::Column::Id.eq(current.id));
    if let Some(version) = expected {
        update = update.filter(commitments::Column::Version.eq(version));
    }
    Ok(update.exec(txn).await?.rows_affected == 1)
}

async fn notify_focal_point(
    txn: &sea_orm::DatabaseTransaction,
    actor_id: i64,
    commitment: &commitments::Model,
    user_id: i64,
) -> AppResult<Vec<entity::events::Model>> {
    let notice = Notice {
        reason: reasons::FOCAL_POINT_ASSIGNED,
        kind: kinds::FOCAL_POINT_ASSIGNED,
        actor: Some(actor_id),
        subject: Subject::commitment(commitment.id),
        payload: json!({ "commitmentId": global_id(NodeKind::Commitment, commitment.id), "title": commitment.title }),
    };
    notifications::notify(txn, [user_id], notice).await
}

pub(crate) fn not_withdrawn(commitment: &commitments::Model) -> AppResult<()> {
    if commitment.status == CommitmentStatus::Withdrawn.as_str() {
        Err(AppError::conflict(
            "commitmentId",
            "the commitment is withdrawn",
        ))
    } else {
        Ok(())
    }
}

pub async fn update(
    db: &DatabaseConnection,
    actor_id: i64,
    current: &commitments::Model,
    patch: CommitmentPatch,
    expected_version: Option<i32>,
) -> AppResult<Changed<commitments::Model>> {
    not_withdrawn(current)?;
    match patch.visibility {
        Some(Visibility::Coalition) if current.coalition_id.is_none() => {
            return Err(AppError::bad_input(
                "visibility",
                "COALITION visibility needs a coalition or action group",
            ))
        }
        Some(Visibility::Group) if current.action_group_id.is_none() => {
            return Err(AppError::bad_input(
                "visibility",
                "GROUP visibility needs an action group",
            ))
        }
        _ => {}
    }
    let mut columns = Vec::new();
    let mut changed = Vec::new();
    if let Some(title) = patch.title {
        columns.push((commitments::Column::Title, Expr::value(title.into_inner())));
        changed.push("title");
    }
    if let Some(description) = patch.description {
        columns.push((
            commitments::Column::Description,
            Expr::value(description.map(Description::into_inner)),
        ));
        changed.push("description");
    }
    if let Some(indicator) = patch.indicator {
        columns.push((
            commitments::Column::Indicator,
            Expr::value(indicator.map(Indicator::into_inner)),
        ));
        changed.push("indicator");
    }
    if let Some(unit) = patch.unit {
        columns.push((
            commitments::Column::Unit,
            Expr::value(unit.map(Unit::into_inner)),
        ));
        changed.push("unit");
    }
    if let Some(baseline) = patch.baseline {
        columns.push((commitments::Column::Baseline, Expr::value(baseline)));
        changed.push("baseline");
    }
    if let Some(target) = patch.target_value {
        columns.push((commitments::Column::TargetValue, Expr::value(target)));
        changed.push("targetValue");
    }
    if let Some(due) = patch.due_on {
        columns.push((commitments::Column::DueOn, Expr::value(due)));
        changed.push("dueOn");
    }
    if let Some(visibility) = patch.visibility {
        columns.push((
            commitments::Column::Visibility,
            Expr::value(visibility.as_str()),
        ));
        changed.push("visibility");
    }
    let txn = db.begin().await?;
    if !bump(&txn, current, expected_version, columns).await? {
        return Err(AppError::stale("commitment"));
    }
    let recorded = commitment_event(
        &txn,
        actor_id,
        current,
        kinds::COMMITMENT_UPDATED,
        Subject::commitment(current.id),
        json!({ "changed": changed }),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(find(db, current.id).await?, recorded))
}

pub async fn assign_focal_point(
    db: &DatabaseConnection,
    actor_id: i64,
    current: &commitments::Model,
    user_id: i64,
    expected_version: Option<i32>,
) -> AppResult<Changed<commitments::Model>> {
    not_withdrawn(current)?;
    check_focal_point(db, current.partner_id, user_id).await?;
    let txn = db.begin().await?;
    if !bump(
        &txn,
        current,
        expected_version,
        vec![(commitments::Column::FocalPointUserId, Expr::value(user_id))],
    )
    .await?
    {
        return Err(AppError::stale("commitment"));
    }
    let mut recorded = commitment_event(
        &txn,
        actor_id,
        current,
        kinds::FOCAL_POINT_ASSIGNED,
        Subject::commitment(current.id),
        json!({ "userId": global_id(NodeKind::User, user_id) }),
    )
    .await?;
    recorded.extend(notify_focal_point(&txn, actor_id, current, user_id).await?);
    txn.commit().await?;
    Ok(Changed::new(find(db, current.id).await?, recorded))
}

pub async fn withdraw(
    db: &DatabaseConnection,
    actor_id: i64,
    current: &commitments::Model,
    expected_version: Option<i32>,
) -> AppResult<Changed<commitments::Model>> {
    not_withdrawn(current)?;
    let txn = db.begin().await?;
    let status = Expr::value(CommitmentStatus::Withdrawn.as_str());
    if !bump(
        &txn,
        current,
        expected_version,
        vec![(commitments::Column::Status, status)],
    )
    .await?
    {
        return Err(AppError::stale("commitment"));
    }
    let recorded = commitment_event(
        &txn,
        actor_id,
        current,
        kinds::COMMITMENT_WITHDRAWN,
        Subject::commitment(current.id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(find(db, current.id).await?, recorded))
}
