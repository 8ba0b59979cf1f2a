//! Partner organisations: the public directory and its profiles.

use chrono::Utc;
use entity::{coalition_partners, partners};
use sea_orm::{
    sea_query::{Expr, LikeExpr, Query},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::{
    domain::{
        partner_search_text, Acronym, CountryCode, Description, MembershipStatus, PartnerKind,
        PartnerName, Region, SearchTerm, Website,
    },
    error::{AppError, AppResult},
    pagination::{Cursor, Page, PageArgs},
    sql::{all_by_position, Columns},
};

pub struct NewPartner {
    pub name: PartnerName,
    pub kind: PartnerKind,
    pub acronym: Option<Acronym>,
    pub country: Option<CountryCode>,
    pub region: Option<Region>,
    pub website: Option<Website>,
    pub description: Option<Description>,
}

/// A change to a partner profile: `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Default)]
pub struct PartnerPatch {
    pub name: Option<PartnerName>,
    pub kind: Option<PartnerKind>,
    pub acronym: Option<Option<Acronym>>,
    pub country: Option<Option<CountryCode>>,
    pub region: Option<Option<Region>>,
    pub website: Option<Option<Website>>,
    pub description: Option<Option<Description>>,
}

#[derive(Default, Clone)]
pub struct PartnerFilter {
    pub kind: Option<PartnerKind>,
    pub country: Option<CountryCode>,
    pub coalition_id: Option<i64>,
    pub search: Option<SearchTerm>,
}

pub async fn create(db: &DatabaseConnection, new: NewPartner) -> AppResult<partners::Model> {
    let now = Utc::now();
    let name = new.name.into_inner();
    let acronym = new.acronym.map(|a| a.as_str().to_owned());
    partners::ActiveModel {
        search_text: Set(partner_search_text(&name, acronym.as_deref())),
        name: Set(name),
        acronym: Set(acronym),
        kind: Set(new.kind.as_str().to_owned()),
        country: Set(new.country.map(|c| c.as_str().to_owned())),
        region: Set(new.region.map(Region::into_inner)),
        website: Set(new.website.map(|w| w.as_str().to_owned())),
        description: Set(new.description.map(Description::into_inner)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(AppError::from)
}

/// Applies `patch` if the partner is still at `expected_version` (when given);
/// a stale version is a CONFLICT and changes nothing.
pub async fn update(
    db: &DatabaseConnection,
    partner_id: i64,
    patch: PartnerPatch,
    expected_version: Option<i32>,
) -> AppResult<partners::Model> {
    let current = find(db, partner_id).await?;
    let version = expected_version.unwrap_or(current.version);
    let name = patch
        .name
        .map(PartnerName::into_inner)
        .unwrap_or(current.name.clone());
    let acronym = match patch.acronym {
        Some(acronym) => acronym.map(|a| a.as_str().to_owned()),
        None => current.acronym.clone(),
    };
    let mut update = partners::Entity::update_many()
        .col_expr(
            partners::Column::SearchText,
            Expr::value(partner_search_text(&name, acronym.as_deref())),
        )
        .col_expr(partners::Column::Name, Expr::value(name))
        .col_expr(partners::Column::Acronym, Expr::value(acronym))
        .col_expr(
            partners::Column::Version,
            Expr::value(super::next_version(version, "partner")?),
        )
        .col_expr(partners::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(kind) = patch.kind {
        update = update.col_expr(partners::Column::Kind, Expr::value(kind.as_str()));
    }
    if let Some(country) = patch.country {
        update = update.col_expr(
            partners::Column::Country,
            Expr::value(country.map(|c| c.as_str().to_owned())),
        );
    }
    if let Some(region) = patch.region {
        update = update.col_expr(
            partners::Column::Region,
            Expr::value(region.map(Region::into_inner)),
        );
    }
    if let Some(website) = patch.website {
        update = update.col_expr(
            partners::Column::Website,
            Expr::value(website.map(|w| w.as_str().to_owned())),
        );
    }
    if let Some(description) = patch.description {
        update = update.col_expr(
            partners::Column::Description,
            Expr::value(description.map(Description::into_inner)),
        );
    }
    // The version check and the write are one statement: no lost update.
    let result = update
        .filter(partners::Column::Id.eq(partner_id))
        .filter(partners::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("partner"));
    }
    find(db, partner_id).await
}

pub async fn find(db: &DatabaseConnection, partner_id: i64) -> AppResult<partners::Model> {
    partners::Entity::find_by_id(partner_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("partner"))
}

fn filtered(filter: &PartnerFilter) -> Select<partners::Entity> {
    let mut select = partners::Entity::find();
    if let Some(kind) = filter.kind {
        select = select.filter(partners::Column::Kind.eq(kind.as_str()));
    }
    if let Some(country) = &filter.country {
        select = select.filter(partners::Column::Country.eq(country.as_str()));
    }
    if let Some(coalition_id) = filter.coalition_id {
        select = select.filter(
            partners::Column::Id.in_subquery(
                Query::select()
                    .column(coalition_partners::Column::PartnerId)
                    .from(coalition_partners::Entity)
                    .and_where(coalition_partners::Column::CoalitionId.eq(coalition_id))
                    .and_where(
                        coalition_partners::Column::Status.ne(MembershipStatus::Withdrawn.as_str()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(search) = &filter.search {
        select = select.filter(
            partners::Column::SearchText.like(LikeExpr::new(search.like_pattern()).escape('\\')),
        );
    }
    select
}

/// Partners in name order (then id, for a stable order among equal names).
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &PartnerFilter,
    args: &PageArgs,
    columns: Columns<'_>,
) -> AppResult<Page<partners::Model>> {
    let mut select = filtered(filter);
    if let Some(Cursor {
        key: Some(name),
        id,
    }) = &args.after
    {
        select = select.filter(
            Condition::any()
                .add(partners::Column::Name.gt(name.as_str()))
                .add(
                    Condition::all()
                        .add(partners::Column::Name.eq(name.as_str()))
                        .add(partners::Column::Id.gt(*id)),
                ),
        );
    } else if args.after.is_some() {
        return Err(AppError::bad_input("after", "is not a cursor of this list"));
    }
    let select = select
        .order_by_asc(partners::Column::Name)
        .order_by_asc(partners::Column::Id)
        .limit(args.limit());
    let rows = all_by_position(db, select, columns).await?;
    Ok(Page::from_rows(rows, args, |p| {
        Cursor::by_key(p.name.clone(), p.id)
    }))
}

pub async fn count(db: &impl ConnectionTrait, filter: &PartnerFilter) -> AppResult<u64> {
    Ok(filtered(filter).count(db).await?)
}
