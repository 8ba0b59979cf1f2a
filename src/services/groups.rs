//! Action groups and their member partners.
use std::collections::HashMap;

use chrono::Utc;
use entity::{action_group_members, action_groups, coalition_partners, thematic_areas};
use sea_orm::{
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, TransactionTrait,
};
use serde_json::json;

use super::{
    notifications::{self, reasons, Notice},
    Changed,
};
use crate::{
    domain::{ActionGroupStatus, Description, GroupRole, MembershipStatus, SearchTerm, Title},
    error::{AppError, AppResult},
    events::{self, kinds, NewEvent, Stream, Subject},
    ids::{global_id, NodeKind},
    pagination::{Cursor, Page, PageArgs},
    services::coalitions as coalition_service,
    sql::{all_by_position, no_filter, ChildList, Columns, Direction, Join, SqlBuilder},
};

pub struct NewActionGroup {
    pub coalition_id: i64,
    pub thematic_area_id: Option<i64>,
    pub name: Title,
    pub description: Option<Description>,
}

/// `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Default)]
pub struct ActionGroupPatch {
    pub name: Option<Title>,
    pub description: Option<Option<Description>>,
    pub thematic_area_id: Option<Option<i64>>,
}

#[derive(Default, Clone)]
pub struct ActionGroupFilter {
    pub coalition_id: Option<i64>,
    pub thematic_area_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub search: Option<SearchTerm>,
    pub include_archived: bool,
}

const MEMBERS: ChildList<'static> = ChildList {
    table: "action_group_members",
    parent_column: "action_group_id",
    direction: Direction::Oldest,
};

const GROUPS_OF_COALITION: ChildList<'static> = ChildList {
    table: "action_groups",
    parent_column: "coalition_id",
    direction: Direction::Oldest,
};

pub async fn find(db: &DatabaseConnection, group_id: i64) -> AppResult<action_groups::Model> {
    action_groups::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("action group"))
}

/// The group, if it can still change.
pub async fn find_active(
    db: &DatabaseConnection,
    group_id: i64,
) -> AppResult<action_groups::Model> {
    let group = find(db, group_id).await?;
    if group.status == ActionGroupStatus::Archived.as_str() {
        return Err(AppError::conflict(
            "actionGroupId",
            "the action group is archived",
        ));
    }
    Ok(group)
}

async fn check_thematic_area(
    db: &DatabaseConnection,
    coalition_id: i64,
    area_id: i64,
) -> AppResult<()> {
    let area = thematic_areas::Entity::find_by_id(area_id).one(db).await?;
    match area {
        Some(area) if area.coalition_id == coalition_id => Ok(()),
        Some(_) => Err(AppError::bad_input(
            "thematicAreaId",
            "belongs to another coalition",
        )),
        None => Err(AppError::NotFound("thematic area")),
    }
}

pub async fn create(
    db: &DatabaseConnection,
    actor_id: i64,
    new: NewActionGroup,
) -> AppResult<Changed<action_groups::Model>> {
    coalition_service::find(db, new.coalition_id).await?;
    if let Some(area_id) = new.thematic_area_id {
        check_thematic_area(db, new.coalition_id, area_id).await?;
    }
    let now = Utc::now();
    let name = new.name.into_inner();
    let txn = db.begin().await?;
    let group = action_groups::ActiveModel {
        coalition_id: Set(new.coalition_id),
        thematic_area_id: Set(new.thematic_area_id),
        search_text: Set(name.to_lowercase()),
        name: Set(name),
        description: Set(new.description.map(Description::into_inner)),
        status: Set(ActionGroupStatus::Active.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let recorded = events::append(
        &txn,
        &[Stream::ActionGroup(group.id)],
        NewEvent {
            kind: kinds::ACTION_GROUP_CREATED,
            actor: Some(actor_id),
            subject: Subject::action_group(group.id),
            payload: json!({ "name": group.name }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(group, recorded))
}

pub async fn update(
    db: &DatabaseConnection,
    actor_id: i64,
    group_id: i64,
    patch: ActionGroupPatch,
    expected_version: Option<i32>,
) -> AppResult<Changed<action_groups::Model>> {
    let current = find_active(db, group_id).await?;
    if let Some(Some(area_id)) = patch.thematic_area_id {
        check_thematic_area(db, current.coalition_id, area_id).await?;
    }
    let version = expected_version.unwrap_or(current.version);
    let mut update = action_groups::Entity::update_many()
        .col_expr(
            action_groups::Column::Version,
            Expr::value(super::next_version(version, "action group")?),
        )
        .col_expr(action_groups::Column::UpdatedAt, Expr::value(Utc::now()));
    let mut changed = Vec::new();
    if let Some(name) = &patch.name {
        update = update
            .col_expr(action_groups::Column::Name, Expr::value(name.as_str()))
            .col_expr(
                action_groups::Column::SearchText,
                Expr::value(name.as_str().to_lowercase()),
            );
        changed.push("name");
    }
    if let Some(description) = patch.description {
        update = update.col_expr(
            action_groups::Column::Description,
            Expr::value(description.map(Description::into_inner)),
        );
        changed.push("description");
    }
    if let Some(area) = patch.thematic_area_id {
        update = update.col_expr(action_groups::Column::ThematicAreaId, Expr::value(area));
        changed.push("thematicArea");
    }
    let txn = db.begin().await?;
    let result = update
        .filter(action_groups::Column::Id.eq(group_id))
        .filter(action_groups::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("action group"));
    }
    let recorded = events::append(
        &txn,
        &[Stream::ActionGroup(group_id)],
        NewEvent {
            kind: kinds::ACTION_GROUP_UPDATED,
            actor: Some(actor_id),
            subject: Subject::action_group(group_id),
            payload: json!({ "changed": changed }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(find(db, group_id).await?, recorded))
}

/// Archives a group: it stays readable but no longer changes.
pub async fn archive(
    db: &DatabaseConnection,
    actor_id: i64,
    group_id: i64,
) -> AppResult<Changed<action_groups::Model>> {
    find_active(db, group_id).await?;
    let txn = db.begin().await?;
    action_groups::Entity::update_many()
        .col_expr(
            action_groups::Column::Status,
            Expr::value(ActionGroupStatus::Archived.as_str()),
        )
        .col_expr(
            action_groups::Column::Version,
            Expr::col(action_groups::Column::Version).add(1),
        )
        .col_expr(action_groups::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(action_groups::Column::Id.eq(group_id))
        .exec(&txn)
        .await?;
    let recorded = events::append(
        &txn,
        &[Stream::ActionGroup(group_id)],
        NewEvent {
            kind: kinds::ACTION_GROUP_ARCHIVED,
            actor: Some(actor_id),
            subject: Subject::action_group(group_id),
            payload: json!({}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(find(db, group_id).await?, recorded))
}

/// Adds a partner to a group. The partner must be an ACTIVE member of the
/// group's coalition.
pub async fn add_member(
    db: &DatabaseConnection,
    actor_id: i64,
    group_id: i64,
    partner_id: i64,
    role: GroupRole,
) -> AppResult<Changed<action_group_members::Model>> {
    let group = find_active(db, group_id).await?;
    crate::services::partners::find(db, partner_id).await?;
    let active_in_coalition = coalition_partners::Entity::find()
        .filter(coalition_partners::Column::CoalitionId.eq(group.coalition_id))
        .filter(coalition_partners::Column::PartnerId.eq(partner_id))
        .filter(coalition_partners::Column::Status.eq(MembershipStatus::Active.as_str()))
        .one(db)
        .await?
        .is_some();
    if !active_in_coalition {
        return Err(AppError::bad_input(
            "partnerId",
            "must be an active member of the group's coalition",
        ));
    }
    let txn = db.begin().await?;
    let member = action_group_members::ActiveModel {
        action_group_id: Set(group_id),
        partner_id: Set(partner_id),
        role: Set(role.as_str().to_owned()),
        joined_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|error| match AppError::from(error) {
        AppError::Conflict { .. } => {
            AppError::conflict("partnerId", "the partner is already in this group")
        }
        other => other,
    })?;
    let mut recorded = member_event(
        &txn,
        actor_id,
        group_id,
        partner_id,
        kinds::MEMBER_ADDED,
        json!({ "role": role.as_str() }),
    )
    .await?;
    let people = notifications::people_of_group(&txn, group_id).await?;
    let notice = Notice {
        reason: reasons::MEMBER_JOINED,
        kind: kinds::MEMBER_ADDED,
        actor: Some(actor_id),
        subject: Subject::partner(partner_id),
        payload: json!({ "actionGroupId": global_id(NodeKind::ActionGroup, group_id), "role": role.as_str() }),
    };
    recorded.extend(notifications::notify(&txn, people, notice).await?);
    txn.commit().await?;
    Ok(Changed::new(member, recorded))
}

async fn member_event(
    txn: &sea_orm::DatabaseTransaction,
    actor_id: i64,
    group_id: i64,
    partner_id: i64,
    kind: &'static str,
    payload: serde_json::Value,
) -> AppResult<Vec<entity::events::Model>> {
    events::append(
        txn,
        &[Stream::ActionGroup(group_id)],
        NewEvent {
            kind,
            actor: Some(actor_id),
            subject: Subject::partner(partner_id),
            payload,
        },
    )
    .await
}

async fn find_member(
    db: &DatabaseConnection,
    group_id: i64,
    partner_id: i64,
) -> AppResult<action_group_members::Model> {
    action_group_members::Entity::find()
        .filter(action_group_members::Column::ActionGroupId.eq(group_id))
        .filter(action_group_members::Column::PartnerId.eq(partner_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("group member"))
}

/// Refuses a change that would leave the group without a lead.
async fn keep_a_lead(
    db: &DatabaseConnection,
    member: &action_group_members::Model,
) -> AppResult<()> {
    if member.role != GroupRole::Lead.as_str() {
        return Ok(());
    }
    let leads = action_group_members::Entity::find()
        .filter(action_group_members::Column::ActionGroupId.eq(member.action_group_id))
        .filter(action_group_members::Column::Role.eq(GroupRole::Lead.as_str()))
        .count(db)
        .await?;
    if leads <= 1 {
        return Err(AppError::conflict(
            "partnerId",
            "a group keeps at least one lead partner",
        ));
    }
    Ok(())
}

pub async fn remove_member(
    db: &DatabaseConnection,
    actor_id: i64,
    group_id: i64,
    partner_id: i64,
) -> AppResult<Changed<action_group_members::Model>> {
    find_active(db, group_id).await?;
    let member = find_member(db, group_id, partner_id).await?;
    keep_a_lead(db, &member).await?;
    let txn = db.begin().await?;
    member.clone().delete(&txn).await?;
    let recorded = member_event(
        &txn,
        actor_id,
        group_id,
        partner_id,
        kinds::MEMBER_REMOVED,
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(member, recorded))
}

pub async fn set_member_role(
    db: &DatabaseConnection,
    actor_id: i64,
    group_id: i64,
    partner_id: i64,
    role: GroupRole,
) -> AppResult<Changed<action_group_members::Model>> {
    find_active(db, group_id).await?;
    let member = find_member(db, group_id, partner_id).await?;
    if role != GroupRole::Lead {
        keep_a_lead(db, &member).await?;
    }
    let txn = db.begin().await?;
    let previous = member.role.clone();
    let mut active: action_group_members::ActiveModel = member.into();
    active.role = Set(role.as_str().to_owned());
    let member = active.update(&txn).await?;
    let recorded = member_event(
        &txn,
        actor_id,
        group_id,
        partner_id,
        kinds::MEMBER_ROLE_CHANGED,
        json!({ "from": previous, "to": role.as_str() }),
    )
    .await?;
    txn.commit().await?;
    Ok(Changed::new(member, recorded))
}

fn filtered(filter: &ActionGroupFilter) -> Select<action_groups::Entity> {
    let mut select = action_groups::Entity::find();
    if !filter.include_archived {
        select =
            select.filter(action_groups::Column::Status.eq(ActionGroupStatus::Active.as_str()));
    }
    if let Some(coalition_id) = filter.coalition_id {
        select = select.filter(action_groups::Column::CoalitionId.eq(coalition_id));
    }
    if let Some(area_id) = filter.thematic_area_id {
        select = select.filter(action_groups::Column::ThematicAreaId.eq(area_id));
    }
    if let Some(partner_id) = filter.partner_id {
        select = select.filter(
            action_groups::Column::Id.in_subquery(
                Query::select()
                    .column(action_group_members::Column::ActionGroupId)
                    .from(action_group_members::Entity)
                    .and_where(action_group_members::Column::PartnerId.eq(partner_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(search) = &filter.search {
        select = select.filter(
            action_groups::Column::SearchText
                .like(LikeExpr::new(search.like_pattern()).escape('\\')),
        );
    }
    select
}

/// Groups in name order (then id).
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &ActionGroupFilter,
    args: &PageArgs,
    columns: Columns<'_>,
) -> AppResult<Page<action_groups::Model>> {
    let mut select = filtered(filter);
    match &args.after {
        Some(Cursor {
            key: Some(name),
            id,
        }) => {
            select = select.filter(
                Condition::any()
                    .add(action_groups::Column::Name.gt(name.as_str()))
                    .add(
                        Condition::all()
                            .add(action_groups::Column::Name.eq(name.as_str()))
                            .add(action_groups::Column::Id.gt(*id)),
                    ),
            );
        }
        Some(_) => return Err(AppError::bad_input("after", "is not a cursor of this list")),
        None => {}
    }
    let select = select
        .order_by_asc(action_groups::Column::Name)
        .order_by_asc(action_groups::Column::Id)
        .limit(args.limit());
    let rows = all_by_position(db, select, columns).await?;
    Ok(Page::from_rows(rows, args, |g| {
        Cursor::by_key(g.name.clone(), g.id)
    }))
}

pub async fn count(db: &impl ConnectionTrait, filter: &ActionGroupFilter) -> AppResult<u64> {
    Ok(filtered(filter).count(db).await?)
}

/// One page of members per group, in joining order (with the rows of `joins`).
pub async fn member_pages(
    db: &impl ConnectionTrait,
    group_ids: &[i64],
    args: &PageArgs,
    joins: &mut [Join<'_>],
) -> AppResult<HashMap<i64, Page<action_group_members::Model>>> {
    MEMBERS
        .joined_pages(db, group_ids, args, Columns::All, no_filter, joins)
        .await
}

pub async fn member_counts(
    db: &impl ConnectionTrait,
    group_ids: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    MEMBERS.counts(db, group_ids, no_filter).await
}

fn active_only(sql: &mut SqlBuilder) {
    sql.push(" AND t.status = ")
        .bind(ActionGroupStatus::Active.as_str());
}

/// One page of active groups per coalition, oldest first.
pub async fn pages_of_coalitions(
    db: &DatabaseConnection,
    coalition_ids: &[i64],
    args: &PageArgs,
) -> AppResult<HashMap<i64, Page<action_groups::Model>>> {
    GROUPS_OF_COALITION
        .pages(db, coalition_ids, args, Columns::All, active_only)
        .await
}

pub async fn counts_of_coalitions(
    db: &DatabaseConnection,
    coalition_ids: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    GROUPS_OF_COALITION
        .counts(db, coalition_ids, active_only)
        .await
}

/// Whether a partner is a member (of any role) of a group, with rights in it.
pub async fn is_member(db: &DatabaseConnection, group_id: i64, partner_id: i64) -> AppResult<bool> {
    // A member whose coalition membership is no longer ACTIVE is on record only.
    let mut sql = crate::sql::SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT m.id FROM action_group_members m \
         JOIN action_groups g ON g.id = m.action_group_id \
         JOIN coalition_partners cp ON cp.coalition_id = g.coalition_id \
         AND cp.partner_id = m.partner_id WHERE m.action_group_id = ",
    )
    .bind(group_id)
    .push(" AND m.partner_id = ")
    .bind(partner_id)
    .push(" AND cp.status = ")
    .bind(crate::domain::MembershipStatus::Active.as_str());
    Ok(db.query_one_raw(sql.build()).await?.is_some())
}
