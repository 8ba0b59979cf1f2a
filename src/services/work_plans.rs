//! Work plans of action groups and their items.
//!
//! A DRAFT plan changes freely. Once ADOPTED its period and its list of items are
//! fixed (so they cannot move silently); only item statuses still change. A
//! CLOSED plan does not change.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{work_plan_items, work_plans};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde_json::json;

use super::{
    groups,
    notifications::{self, reasons, Notice},
    Changed,
};
use crate::{
    domain::{
        CountryCode, Description, Period, Region, Title, WorkPlanItemStatus, WorkPlanLevel,
        WorkPlanStatus,
    },
    error::{AppError, AppResult},
    events::{self, kinds, NewEvent, Stream, Subject},
    ids::{global_id, NodeKind},
};

/// Items one work plan may hold (what `reorderWorkPlanItems` accepts in one list).
pub const MAX_ITEMS_PER_PLAN: u64 = 500;

pub struct NewWorkPlan {
    pub action_group_id: i64,
    pub title: Title,
    pub level: WorkPlanLevel,
    pub period: Period,
    pub region: Option<Region>,
    pub country: Option<CountryCode>,
}

#[derive(Default)]
pub struct WorkPlanPatch {
    pub title: Option<Title>,
    pub period: Option<Period>,
    pub region: Option<Option<Region>>,
    pub country: Option<Option<CountryCode>>,
}

pub struct NewItem {
    pub title: Title,
    pub description: Option<Description>,
    pub lead_partner_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub status: WorkPlanItemStatus,
}

#[derive(Default)]
pub struct ItemPatch {
    pub title: Option<Title>,
    pub description: Option<Option<Description>>,
    pub lead_partner_id: Option<Option<i64>>,
    pub due_on: Option<Option<NaiveDate>>,
    pub status: Option<WorkPlanItemStatus>,
}

impl ItemPatch {
    fn changes_more_than_status(&self) -> bool {
        self.title.is_some()
            || self.description.is_some()
            || self.lead_partner_id.is_some()
            || self.due_on.is_some()
    }
}

/// Region and country must fit the level: none for GLOBAL, a region for
/// REGIONAL, a country (and optionally its region) for NATIONAL.
fn check_scope(
    level: WorkPlanLevel,
    region: Option<&Region>,
    country: Option<&CountryCode>,
) -> AppResult<()> {
    match (level, region, country) {
        (WorkPlanLevel::Global, None, None) => Ok(()),
        (WorkPlanLevel::Global, _, _) => Err(AppError::bad_input(
            "level",
            "a GLOBAL plan has no region or country",
        )),
        (WorkPlanLevel::Regional, _, Some(_)) => Err(AppError::bad_input(
            "country",
            "a REGIONAL plan has a region, not a country",
        )),
        (WorkPlanLevel::Regional, _, None) | (WorkPlanLevel::National, _, _) => Ok(()),
    }
}

pub async fn find(db: &DatabaseConnection, plan_id: i64) -> AppResult<work_plans::Model> {
    work_plans::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("work plan"))
}

pub async fn find_item(db: &DatabaseConnection, item_id: i64) -> AppResult<work_plan_items::Model> {
    work_plan_items::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("work plan item"))
}

fn status_of(plan: &work_plans::Model) -> AppResult<WorkPlanStatus> {
    plan.status.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!("unknown work plan status {}", plan.status))
    })
}

fn period_of(plan: &work_plans::Model) -> Period {
    // Stored plans always satisfy start <= end (checked when written).
    Period::new(plan.starts_on, plan.ends_on).unwrap_or_else(|_| {
        Period::new(plan.starts_on, plan.starts_on).expect("a one-day period is valid")
    })
}

async fn plan_event(
    txn: &DatabaseTransaction,
    actor_id: i64,
    plan: &work_plans::Model,
    kind: &'static str,
    subject: Subject,
    payload: serde_json::Value,
) -> AppResult<Vec<entity::events::Model>> {
    events::append(
        txn,
        &[Stream::ActionGroup(plan.action_group_id)],
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
    new: NewWorkPlan,
) -> AppResult<Changed<work_plans::Model>> {
    groups::find_active(db, new.action_group_id).await?;
    check_scope(new.level, new.region.as_ref(), new.country.as_ref())?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let plan = work_plans::ActiveModel {
        action_group_id: Set(new.action_group_id),
        title: Set(new.title.into_inner()),
        level: Set(new.level.as_str().to_owned()),
        region: Set(new.region.map(Region::into_inner)),
        country: Set(new.country.map(|c| c.as_str().to_owned())),
        starts_on: Set(new.period.starts_on()),
        ends_on: Set(new.period.ends_on()),
        status: Set(WorkPlanStatus::Draft.as_str().to_owned()),
        version: Set(1),
        adopted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let recorded = plan_event(
        &txn,
        actor_id,
        &plan,
        kinds::WORK_PLAN_CREATED,
        Subject::work_plan(plan.id),
        json!({ "title": plan.title, "level": plan.level }),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(plan, recorded))
}

pub async fn update(
    db: &DatabaseConnection,
    actor_id: i64,
    plan_id: i64,
    patch: WorkPlanPatch,
    expected_version: Option<i32>,
) -> AppResult<Changed<work_plans::Model>> {
    let plan = find(db, plan_id).await?;
    groups::find_active(db, plan.action_group_id).await?;
    let status = status_of(&plan)?;
    if status == WorkPlanStatus::Closed {
        return Err(AppError::conflict(
            "workPlanId",
            "a closed work plan does not change",
        ));
    }
    if let Some(period) = &patch.period {
        if status == WorkPlanStatus::Adopted && *period != period_of(&plan) {
            return Err(AppError::conflict(
                "startsOn",
                "an adopted work plan's period cannot move; close it and draft a new one",
            ));
        }
        let items = items_of(db, &[plan_id])
            .await?
            .remove(&plan_id)
            .unwrap_or_default();
        if items
            .iter()
            .filter_map(|i| i.due_on)
            .any(|due| !period.contains(due))
        {
            return Err(AppError::bad_input(
                "endsOn",
                "some items would fall due outside the new period",
            ));
        }
    }
    let level: WorkPlanLevel = plan
        .level
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("bad level")))?;
    let region = match &patch.region {
        Some(region) => region.clone(),
        None => plan
            .region
            .as_deref()
            .map(|r| Region::parse("region", r))
            .transpose()?,
    };
    let country = match &patch.country {
        Some(country) => *country,
        None => plan
            .country
            .as_deref()
            .map(|c| CountryCode::parse("country", c))
            .transpose()?,
    };
    check_scope(level, region.as_ref(), country.as_ref())?;

    let version = expected_version.unwrap_or(plan.version);
    let period = patch.period.unwrap_or_else(|| period_of(&plan));
    let txn = db.begin().await?;
    let result = work_plans::Entity::update_many()
        .col_expr(
            work_plans::Column::Title,
            Expr::value(patch.title.map_or(plan.title.clone(), Title::into_inner)),
        )
        .col_expr(
            work_plans::Column::StartsOn,
            Expr::value(period.starts_on()),
        )
        .col_expr(work_plans::Column::EndsOn, Expr::value(period.ends_on()))
        .col_expr(
            work_plans::Column::Region,
            Expr::value(region.map(Region::into_inner)),
        )
        .col_expr(
            work_plans::Column::Country,
            Expr::value(country.map(|c| c.as_str().to_owned())),
        )
        .col_expr(
            work_plans::Column::Version,
            Expr::value(super::next_version(version, "work plan")?),
        )
        .col_expr(work_plans::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(work_plans::Column::Id.eq(plan_id))
        .filter(work_plans::Column::Version.eq(version))
        .filter(work_plans::Column::Status.eq(plan.status.clone()))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("work plan"));
    }
    let recorded = plan_event(
        &txn,
        actor_id,
        &plan,
        kinds::WORK_PLAN_UPDATED,
        Subject::work_plan(plan_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(find(db, plan_id).await?, recorded))
}

/// Moves a plan from `from` to `to`, or answers CONFLICT if it is elsewhere.
async fn transition(
    db: &DatabaseConnection,
    actor_id: i64,
    plan_id: i64,
    from: &[WorkPlanStatus],
    to: WorkPlanStatus,
    kind: &'static str,
) -> AppResult<Changed<work_plans::Model>> {
    let plan = find(db, plan_id).await?;
    groups::find_active(db, plan.action_group_id).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut update = work_plans::Entity::update_many()
        .col_expr(work_plans::Column::Status, Expr::value(to.as_str()))
        .col_expr(
            work_plans::Column::Version,
            Expr::value(super::next_version(plan.version, "work plan")?),
        )
        .col_expr(work_plans::Column::UpdatedAt, Expr::value(now));
    if to == WorkPlanStatus::Adopted {
        update = update.col_expr(work_plans::Column::AdoptedAt, Expr::value(now));
    }
    // The state check and the write are one statement: two racing transitions
    // cannot both succeed.
    let result = update
        .filter(work_plans::Column::Id.eq(plan_id))
        .filter(work_plans::Column::Version.eq(plan.version))
        .filter(work_plans::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::conflict(
            "workPlanId",
            format!(
                "the work plan is {} and cannot become {}",
                plan.status,
                to.as_str()
            ),
        ));
    }
    let mut recorded = plan_event(
        &txn,
        actor_id,
        &plan,
        kind,
        Subject::work_plan(plan_id),
        json!({ "status": to.as_str() }),
    )
    .await?;
    if to == WorkPlanStatus::Adopted {
        let people = notifications::people_of_group(&txn, plan.action_group_id).await?;
        let notice = Notice {
            reason: reasons::WORK_PLAN_ADOPTED,
            kind,
            actor: Some(actor_id),
            subject: Subject::work_plan(plan_id),
            payload: json!({ "workPlanId": global_id(NodeKind::WorkPlan, plan_id), "title": plan.title }),
        };
        recorded.extend(notifications::notify(&txn, people, notice).await?);
    }
    txn.commit().await?;
    Ok(Changed::new(find(db, plan_id).await?, recorded))
}

pub async fn adopt(
    db: &DatabaseConnection,
    actor_id: i64,
    plan_id: i64,
) -> AppResult<Changed<work_plans::Model>> {
    transition(
        db,
        actor_id,
        plan_id,
        &[WorkPlanStatus::Draft],
        WorkPlanStatus::Adopted,
        kinds::WORK_PLAN_ADOPTED,
    )
    .await
}

pub async fn close(
    db: &DatabaseConnection,
    actor_id: i64,
    plan_id: i64,
) -> AppResult<Changed<work_plans::Model>> {
    transition(
        db,
        actor_id,
        plan_id,
        &[WorkPlanStatus::Draft, WorkPlanStatus::Adopted],
        WorkPlanStatus::Closed,
        kinds::WORK_PLAN_CLOSED,
    )
    .await
}

/// Checks what an item may point at: a lead partner of the group, a due date
/// inside the plan's period.
async fn check_item_fields(
    db: &DatabaseConnection,
    plan: &work_plans::Model,
    lead_partner_id: Option<i64>,
    due_on: Option<NaiveDate>,
) -> AppResult<()> {
    if let Some(partner_id) = lead_partner_id {
        if !groups::is_member(db, plan.action_group_id, partner_id).await? {
            return Err(AppError::bad_input(
                "leadPartnerId",
                "must be a member of the action group",
            ));
        }
    }
    if let Some(due) = due_on {
        if !period_of(plan).contains(due) {
            return Err(AppError::bad_input(
                "dueOn",
                "must fall inside the work plan's period",
            ));
        }
    }
    Ok(())
}

/// A plan whose list of items may change (DRAFT only).
async fn editable_plan(db: &DatabaseConnection, plan_id: i64) -> AppResult<work_plans::Model> {
    let plan = find(db, plan_id).await?;
    groups::find_active(db, plan.action_group_id).await?;
    if status_of(&plan)? != WorkPlanStatus::Draft {
        return Err(AppError::conflict(
            "workPlanId",
            "only a DRAFT work plan's items can be added, removed, reordered or rescheduled",
        ));
    }
    Ok(plan)
}

pub async fn add_item(
    db: &DatabaseConnection,
    actor_id: i64,
    plan_id: i64,
    new: NewItem,
) -> AppResult<Changed<work_plan_items::Model>> {
    let plan = editable_plan(db, plan_id).await?;
    check_item_fields(db, &plan, new.lead_partner_id, new.due_on).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    // The first statement writes the plan's row: concurrent adds queue on its
    // lock, so each counts and positions after the one before commits.
    let locked = work_plans::Entity::update_many()
        .col_expr(work_plans::Column::UpdatedAt, Expr::value(now))
        .filter(work_plans::Column::Id.eq(plan_id))
        .filter(work_plans::Column::Status.eq(WorkPlanStatus::Draft.as_str()))
        .exec(&txn)
        .await?;
    if locked.rows_affected != 1 {
        return Err(AppError::conflict(
            "workPlanId",
            "only a DRAFT work plan's items can be added",
        ));
    }
    let existing = work_plan_items::Entity::find()
        .filter(work_plan_items::Column::WorkPlanId.eq(plan_id))
        .count(&txn)
        .await?;
    if existing >= MAX_ITEMS_PER_PLAN {
        return Err(AppError::conflict(
            "workPlanId",
            format!("a work plan holds at most {MAX_ITEMS_PER_PLAN} items"),
        ));
    }
    let position = work_plan_items::Entity::find()
        .filter(work_plan_items::Column::WorkPlanId.eq(plan_id))
        .order_by_desc(work_plan_items::Column::Position)
        .one(&txn)
        .await?
        .map_or(0, |last| last.position + 1);
    let item = work_plan_items::ActiveModel {
        work_plan_id: Set(plan_id),
        title: Set(new.title.into_inner()),
        description: Set(new.description.map(Description::into_inner)),
        lead_partner_id: Set(new.lead_partner_id),
        due_on: Set(new.due_on),
        status: Set(new.status.as_str().to_owned()),
        position: Set(position),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let recorded = plan_event(
        &txn,
        actor_id,
        &plan,
        kinds::WORK_PLAN_ITEM_ADDED,
        Subject::work_plan_item(item.id),
        json!({ "workPlanId": global_id(NodeKind::WorkPlan, plan_id), "title": item.title }),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(item, recorded))
}

pub async fn update_item(
    db: &DatabaseConnection,
    actor_id: i64,
    item_id: i64,
    patch: ItemPatch,
) -> AppResult<Changed<work_plan_items::Model>> {
    let item = find_item(db, item_id).await?;
    let plan = if patch.changes_more_than_status() {
        editable_plan(db, item.work_plan_id).await?
    } else {
        let plan = find(db, item.work_plan_id).await?;
        groups::find_active(db, plan.action_group_id).await?;
        if status_of(&plan)? == WorkPlanStatus::Closed {
            return Err(AppError::conflict(
                "itemId",
                "a closed work plan does not change",
            ));
        }
        plan
    };
    let lead = patch.lead_partner_id.unwrap_or(item.lead_partner_id);
    let due = patch.due_on.unwrap_or(item.due_on);
    check_item_fields(db, &plan, lead, due).await?;
    let txn = db.begin().await?;
    let mut active: work_plan_items::ActiveModel = item.into();
    if let Some(title) = patch.title {
        active.title = Set(title.into_inner());
    }
    if let Some(description) = patch.description {
        active.description = Set(description.map(Description::into_inner));
    }
    if let Some(status) = patch.status {
        active.status = Set(status.as_str().to_owned());
    }
    active.lead_partner_id = Set(lead);
    active.due_on = Set(due);
    active.updated_at = Set(Utc::now());
    let item = active.update(&txn).await?;
    let recorded = plan_event(
        &txn,
        actor_id,
        &plan,
        kinds::WORK_PLAN_ITEM_UPDATED,
        Subject::work_plan_item(item.id),
        json!({ "workPlanId": global_id(NodeKind::WorkPlan, plan.id), "status": item.status }),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(item, recorded))
}

pub async fn remove_item(
    db: &DatabaseConnection,
    actor_id: i64,
    item_id: i64,
) -> AppResult<Changed<work_plan_items::Model>> {
    let item = find_item(db, item_id).await?;
    let plan = editable_plan(db, item.work_plan_id).await?;
    let txn = db.begin().await?;
    item.clone().delete(&txn).await?;
    let recorded = plan_event(
        &txn,
        actor_id,
        &plan,
        kinds::WORK_PLAN_ITEM_REMOVED,
        Subject::work_plan(plan.id),
        json!({ "itemId": global_id(NodeKind::WorkPlanItem, item.id), "title": item.title }),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(item, recorded))
}

/// Puts a plan's items in the given order; the ids must be exactly its items.
pub async fn reorder_items(
    db: &DatabaseConnection,
    actor_id: i64,
    plan_id: i64,
    order: &[i64],
) -> AppResult<Changed<work_plans::Model>> {
    let plan = editable_plan(db, plan_id).await?;
    let items = items_of(db, &[plan_id])
        .await?
        .remove(&plan_id)
        .unwrap_or_default();
    let mut current: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut wanted = order.to_vec();
    current.sort_unstable();
    wanted.sort_unstable();
    if current != wanted {
        return Err(AppError::bad_input(
            "itemIds",
            "must list every item of the work plan exactly once",
        ));
    }
    let txn = db.begin().await?;
    for (position, item_id) in order.iter().enumerate() {
        work_plan_items::Entity::update_many()
            .col_expr(
                work_plan_items::Column::Position,
                Expr::value(position as i32),
            )
            .filter(work_plan_items::Column::Id.eq(*item_id))
            .exec(&txn)
            .await?;
    }
    let recorded = plan_event(
        &txn,
        actor_id,
        &plan,
        kinds::WORK_PLAN_ITEMS_REORDERED,
        Subject::work_plan(plan_id),
        json!({ "itemIds": order.iter().map(|id| global_id(NodeKind::WorkPlanItem, *id)).collect::<Vec<_>>() }),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(plan, recorded))
}

/// The plans of each group, oldest first.
pub async fn plans_of(
    db: &DatabaseConnection,
    group_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<work_plans::Model>>> {
    let mut grouped: HashMap<i64, Vec<work_plans::Model>> = HashMap::new();
    for plan in work_plans::Entity::find()
        .filter(work_plans::Column::ActionGroupId.is_in(group_ids.iter().copied()))
        .order_by_asc(work_plans::Column::Id)
        .all(db)
        .await?
    {
        grouped.entry(plan.action_group_id).or_default().push(plan);
    }
    Ok(grouped)
}

/// The items of each plan, in their order.
pub async fn items_of(
    db: &DatabaseConnection,
    plan_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<work_plan_items::Model>>> {
    let mut grouped: HashMap<i64, Vec<work_plan_items::Model>> = HashMap::new();
    for item in work_plan_items::Entity::find()
        .filter(work_plan_items::Column::WorkPlanId.is_in(plan_ids.iter().copied()))
        .order_by_asc(work_plan_items::Column::Position)
        .order_by_asc(work_plan_items::Column::Id)
        .all(db)
        .await?
    {
        grouped.entry(item.work_plan_id).or_default().push(item);
    }
    Ok(grouped)
}
