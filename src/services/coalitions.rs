//! Coalitions, their partner memberships and thematic areas.
use std::collections::HashMap;

use chrono::Utc;
use entity::{coalition_partners, coalitions, partners, thematic_areas};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::{
    domain::{CoalitionName, Description, Locale, MembershipStatus, SdgTarget, Slug},
    error::{AppError, AppResult},
    pagination::{Cursor, Page, PageArgs},
    services::partners as partner_service,
    sql::SqlBuilder,
};

pub struct NewCoalition {
    pub name: CoalitionName,
    pub slug: Slug,
    pub description: Option<Description>,
    pub sdg_targets: Vec<SdgTarget>,
}

pub async fn create(db: &DatabaseConnection, new: NewCoalition) -> AppResult<coalitions::Model> {
    let now = Utc::now();
    let targets: Vec<&str> = new.sdg_targets.iter().map(SdgTarget::as_str).collect();
    coalitions::ActiveModel {
        name: Set(new.name.into_inner()),
        slug: Set(new.slug.as_str().to_owned()),
        description: Set(new.description.map(Description::into_inner)),
        sdg_targets: Set(serde_json::to_string(&targets).map_err(anyhow::Error::from)?),
        // Written in English; other languages are translations.
        original_locale: Set(Locale::En.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(AppError::from)
}

pub fn sdg_targets(coalition: &coalitions::Model) -> Vec<String> {
    serde_json::from_str(&coalition.sdg_targets).unwrap_or_default()
}

pub async fn find(db: &DatabaseConnection, coalition_id: i64) -> AppResult<coalitions::Model> {
    coalitions::Entity::find_by_id(coalition_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("coalition"))
}

/// Coalitions in creation order.
pub async fn page(db: &DatabaseConnection, args: &PageArgs) -> AppResult<Page<coalitions::Model>> {
    let mut select = coalitions::Entity::find();
    if let Some(after) = args.after_id() {
        select = select.filter(coalitions::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(coalitions::Column::Id)
        .limit(args.limit())
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, args, |c| Cursor::by_id(c.id)))
}

pub async fn count(db: &DatabaseConnection) -> AppResult<u64> {
    Ok(coalitions::Entity::find().count(db).await?)
}

/// Admits a partner to a coalition; ACTIVE memberships are dated now.
pub async fn add_partner(
    db: &DatabaseConnection,
    coalition_id: i64,
    partner_id: i64,
    status: MembershipStatus,
) -> AppResult<coalition_partners::Model> {
    find(db, coalition_id).await?;
    partner_service::find(db, partner_id).await?;
    let now = Utc::now();
    coalition_partners::ActiveModel {
        coalition_id: Set(coalition_id),
        partner_id: Set(partner_id),
        status: Set(status.as_str().to_owned()),
        joined_at: Set((status == MembershipStatus::Active).then_some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|error| match AppError::from(error) {
        AppError::Conflict { .. } => {
            AppError::conflict("partnerId", "the partner is already in this coalition")
        }
        other => other,
    })
}

/// Changes a membership's status; becoming ACTIVE dates the membership.
pub async fn set_membership_status(
    db: &DatabaseConnection,
    coalition_id: i64,
    partner_id: i64,
    status: MembershipStatus,
) -> AppResult<coalition_partners::Model> {
    let membership = coalition_partners::Entity::find()
        .filter(coalition_partners::Column::CoalitionId.eq(coalition_id))
        .filter(coalition_partners::Column::PartnerId.eq(partner_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("membership"))?;
    let joined_at = match (status, membership.joined_at) {
        (MembershipStatus::Active, None) => Some(Utc::now()),
        (_, joined_at) => joined_at,
    };
    let mut active: coalition_partners::ActiveModel = membership.into();
    active.status = Set(status.as_str().to_owned());
    active.joined_at = Set(joined_at);
    Ok(active.update(db).await?)
}

pub async fn create_thematic_area(
    db: &DatabaseConnection,
    coalition_id: i64,
    name: CoalitionName,
    description: Option<Description>,
) -> AppResult<thematic_areas::Model> {
    find(db, coalition_id).await?;
    thematic_areas::ActiveModel {
        coalition_id: Set(coalition_id),
        name: Set(name.into_inner()),
        description: Set(description.map(Description::into_inner)),
        original_locale: Set(Locale::En.as_str().to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(AppError::from)
}

/// The thematic areas of each coalition, in creation order.
pub async fn thematic_areas_of(
    db: &DatabaseConnection,
    coalition_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<thematic_areas::Model>>> {
    let mut grouped: HashMap<i64, Vec<thematic_areas::Model>> = HashMap::new();
    for area in thematic_areas::Entity::find()
        .filter(thematic_areas::Column::CoalitionId.is_in(coalition_ids.iter().copied()))
        .order_by_asc(thematic_areas::Column::Id)
        .all(db)
        .await?
    {
        grouped.entry(area.coalition_id).or_default().push(area);
    }
    Ok(grouped)
}

/// The memberships of each partner (withdrawn ones included: they are history).
pub async fn memberships_of_partners(
    db: &DatabaseConnection,
    partner_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<coalition_partners::Model>>> {
    let mut grouped: HashMap<i64, Vec<coalition_partners::Model>> = HashMap::new();
    for membership in coalition_partners::Entity::find()
        .filter(coalition_partners::Column::PartnerId.is_in(partner_ids.iter().copied()))
        .order_by_asc(coalition_partners::Column::Id)
        .all(db)
        .await?
    {
        grouped
            .entry(membership.partner_id)
            .or_default()
            .push(membership);
    }
    Ok(grouped)
}

/// A current member partner of a coalition, with its membership.
#[derive(Debug, Clone)]
pub struct MemberPartner {
    pub membership_id: i64,
    pub status: String,
    pub joined_at: Option<chrono::DateTime<Utc>>,
    pub partner: partners::Model,
}

#[derive(FromQueryResult)]
struct MemberRow {
    parent_id: i64,
    membership_id: i64,
    membership_status: String,
    membership_joined_at: Option<chrono::DateTime<Utc>>,
}

/// One page of current (not withdrawn) partners for each coalition, in order of
/// admission, in a single statement whatever the number of coalitions.
pub async fn partner_pages(
    db: &DatabaseConnection,
    coalition_ids: &[i64],
    args: &PageArgs,
) -> AppResult<HashMap<i64, Page<MemberPartner>>> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT * FROM (SELECT cp.coalition_id AS parent_id, cp.id AS membership_id, \
         cp.status AS membership_status, cp.joined_at AS membership_joined_at, p.*, \
         ROW_NUMBER() OVER (PARTITION BY cp.coalition_id ORDER BY cp.id) AS rn \
         FROM coalition_partners cp JOIN partners p ON p.id = cp.partner_id \
         WHERE cp.coalition_id IN ",
    )
    .bind_list(coalition_ids)
    .push(" AND cp.status <> ")
    .bind(MembershipStatus::Withdrawn.as_str());
    if let Some(after) = args.after_id() {
        sql.push(" AND cp.id > ").bind(after);
    }
    sql.push(") ranked WHERE rn <= ")
        .bind(args.limit() as i64)
        .push(" ORDER BY parent_id, rn");

    let mut rows: HashMap<i64, Vec<MemberPartner>> = HashMap::new();
    for row in db.query_all_raw(sql.build()).await? {
        let member = MemberRow::from_query_result(&row, "")?;
        let partner = partners::Model::from_query_result(&row, "")?;
        rows.entry(member.parent_id)
            .or_default()
            .push(MemberPartner {
                membership_id: member.membership_id,
                status: member.membership_status,
                joined_at: member.membership_joined_at,
                partner,
            });
    }
    Ok(coalition_ids
        .iter()
        .map(|id| {
            let members = rows.remove(id).unwrap_or_default();
            (
                *id,
                Page::from_rows(members, args, |m| Cursor::by_id(m.membership_id)),
            )
        })
        .collect())
}

#[derive(FromQueryResult)]
struct CountRow {
    parent_id: i64,
    total: i64,
}

/// How many current partners each coalition has.
pub async fn partner_counts(
    db: &DatabaseConnection,
    coalition_ids: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push("SELECT coalition_id AS parent_id, COUNT(*) AS total FROM coalition_partners WHERE coalition_id IN ")
        .bind_list(coalition_ids)
        .push(" AND status <> ")
        .bind(MembershipStatus::Withdrawn.as_str())
        .push(" GROUP BY coalition_id");
    let counts = CountRow::find_by_statement(sql.build()).all(db).await?;
    Ok(coalition_ids
        .iter()
        .map(|id| {
            let total = counts
                .iter()
                .find(|c| c.parent_id == *id)
                .map_or(0, |c| c.total);
            (*id, total as u64)
        })
        .collect())
}
