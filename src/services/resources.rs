//! The knowledge platform's resources: submitted by a partner's user, published
//! or rejected by the secretariat, archived when outdated, translated, linked to
//! the partners, commitments and thematic areas they concern, and searched.
//!
//! Anyone reads PUBLISHED resources; the submitting partner's users and the
//! secretariat read the others, and only they change them. Every change is an
//! event in the resource's stream; the secretariat is told of submissions and
//! the submitter of decisions.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{commitments, resource_links, resource_translations, resources, thematic_areas};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use super::{
    notifications::{self, reasons, Notice},
    search::{self, Document, Search},
    Changed,
};
use crate::{
    auth::Actor,
    domain::{
        CountryCode, GeoCoverage, Locale, Reason, ResourceBody, ResourceDecision, ResourceKind,
        ResourceState, ResourceSummary, ResourceTitle, SdgTarget, Tag, Website,
    },
    error::{AppError, AppResult},
    events::{self as event_log, kinds, NewEvent, Stream, Subject},
    ids::{global_id, NodeKind},
    pagination::{Cursor, Page, PageArgs},
    sql::SqlBuilder,
};

type Resource = resources::Model;

/// A title, summary and body in one language.
#[derive(Debug, Clone)]
pub struct ResourceText {
    pub title: ResourceTitle,
    pub summary: Option<ResourceSummary>,
    pub body: Option<ResourceBody>,
}

/// What a resource concerns.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub partner_ids: Vec<i64>,
    pub commitment_ids: Vec<i64>,
    pub thematic_area_ids: Vec<i64>,
}

pub struct NewResource {
    pub partner_id: i64,
    pub kind: ResourceKind,
    pub locale: Locale,
    pub text: ResourceText,
    pub url: Option<Website>,
    pub published_on: Option<NaiveDate>,
    pub coalition_id: Option<i64>,
    pub geo_coverage: GeoCoverage,
    pub countries: Vec<CountryCode>,
    pub sdg_targets: Vec<SdgTarget>,
    pub tags: Vec<Tag>,
    pub links: Links,
}

/// A change: `None` leaves a field as it is; lists given replace the old ones.
#[derive(Default)]
pub struct ResourcePatch {
    pub kind: Option<ResourceKind>,
    pub title: Option<ResourceTitle>,
    pub summary: Option<Option<ResourceSummary>>,
    pub body: Option<Option<ResourceBody>>,
    pub url: Option<Option<Website>>,
    pub published_on: Option<Option<NaiveDate>>,
    pub coalition_id: Option<Option<i64>>,
    pub geo_coverage: Option<GeoCoverage>,
    pub countries: Option<Vec<CountryCode>>,
    pub sdg_targets: Option<Vec<SdgTarget>>,
    pub tags: Option<Vec<Tag>>,
    pub links: Option<Links>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Relevance,
    Newest,
}

#[derive(Default, Clone)]
pub struct ResourceFilter {
    pub search: Option<String>,
    pub kind: Option<ResourceKind>,
    pub coalition_id: Option<i64>,
    pub country: Option<CountryCode>,
    pub sdg_target: Option<SdgTarget>,
    pub thematic_area_id: Option<i64>,
    pub tag: Option<Tag>,
    pub locale: Option<Locale>,
    /// PUBLISHED when not given.
    pub state: Option<ResourceState>,
}

/// A page item: the resource and, in a search, its rank and highlight.
#[derive(Debug, Clone)]
pub struct Hit {
    pub resource: Resource,
    pub rank: Option<f64>,
    pub highlight: Option<String>,
}

/// Lists are stored as ",A,B," so that one portable LIKE finds an element.
pub(crate) fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut stored = String::from(",");
    for item in items {
        stored.push_str(item);
        stored.push(',');
    }
    stored
}

pub fn unlist(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn state_of(resource: &Resource) -> AppResult<ResourceState> {
    resource.state.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "stored resource state {:?}",
            resource.state
        ))
    })
}

pub async fn find(db: &DatabaseConnection, id: i64) -> AppResult<Resource> {
    resources::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("resource"))
}

/// Checks that what a resource links to exists and may be seen by `actor`
/// (an id of a commitment internal to another partner is NOT_FOUND).
async fn check_links(db: &DatabaseConnection, actor: &Actor, links: &Links) -> AppResult<()> {
    for (field, count) in [
        ("partnerIds", links.partner_ids.len()),
        ("commitmentIds", links.commitment_ids.len()),
        ("thematicAreaIds", links.thematic_area_ids.len()),
    ] {
        if count > crate::domain::MAX_LIST {
            return Err(AppError::bad_input(
                field,
                format!("must hold at most {} ids", crate::domain::MAX_LIST),
            ));
        }
    }
    let partners =
        super::lookup::by_ids::<entity::partners::Entity>(db, &links.partner_ids, |r| r.id).await?;
    if partners.len() != dedup(&links.partner_ids).len() {
        return Err(AppError::NotFound("partner"));
    }
    let found =
        super::lookup::by_ids::<commitments::Entity>(db, &links.commitment_ids, |r| r.id).await?;
    let visible = found
        .values()
        .filter(|c| crate::auth::policy::read_commitment(Some(actor), c))
        .count();
    if visible != dedup(&links.commitment_ids).len() {
        return Err(AppError::NotFound("commitment"));
    }
    let areas =
        super::lookup::by_ids::<thematic_areas::Entity>(db, &links.thematic_area_ids, |r| r.id)
            .await?;
    if areas.len() != dedup(&links.thematic_area_ids).len() {
        return Err(AppError::NotFound("thematic area"));
    }
    Ok(())
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

async fn write_links(txn: &DatabaseTransaction, resource_id: i64, links: &Links) -> AppResult<()> {
    resource_links::Entity::delete_many()
        .filter(resource_links::Column::ResourceId.eq(resource_id))
        .exec(txn)
        .await?;
    let rows: Vec<resource_links::ActiveModel> = [
        ("Partner", &links.partner_ids),
        ("Commitment", &links.commitment_ids),
        ("ThematicArea", &links.thematic_area_ids),
    ]
    .into_iter()
    .flat_map(|(target, ids)| {
        dedup(ids)
            .into_iter()
            .map(move |id| resource_links::ActiveModel {
                resource_id: Set(resource_id),
                target_type: Set(target.to_owned()),
                target_id: Set(id),
                ..Default::default()
            })
    })
    .collect();
    if !rows.is_empty() {
        resource_links::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

/// Rewrites the resource's search documents: its original and each
/// translation, with the facets its filters are narrowed by.
async fn reindex(txn: &DatabaseTransaction, resource: &Resource) -> AppResult<()> {
    let translations = resource_translations::Entity::find()
        .filter(resource_translations::Column::ResourceId.eq(resource.id))
        .all(txn)
        .await?;
    let original: Locale = resource.original_locale.parse().unwrap_or_default();
    let mut documents = vec![Document {
        locale: original,
        title: &resource.title,
        summary: resource.summary.as_deref(),
        body: resource.body.as_deref(),
    }];
    for t in &translations {
        if let Ok(locale) = t.locale.parse::<Locale>() {
            documents.push(Document {
                locale,
                title: &t.title,
                summary: t.summary.as_deref(),
                body: t.body.as_deref(),
            });
        }
    }
    let areas: Vec<i64> = resource_links::Entity::find()
        .filter(resource_links::Column::ResourceId.eq(resource.id))
        .filter(resource_links::Column::TargetType.eq("ThematicArea"))
        .all(txn)
        .await?
        .into_iter()
        .map(|link| link.target_id)
        .collect();
    let facets = search::facet::of(resource, &areas);
    search::reindex(txn, resource.id, &documents, &facets).await
}

/// The event of a change and its notifications, in `txn`.
async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    resource: &Resource,
    kind: &'static str,
) -> AppResult<Vec<entity::events::Model>> {
    let payload = json!({
        "resourceId": global_id(NodeKind::Resource, resource.id),
        "state": resource.state,
        "version": resource.version,
    });
    let subject = Subject::resource(resource.id);
    let mut recorded = event_log::append(
        txn,
        &[Stream::Resource(resource.id)],
        NewEvent {
            kind,
            actor: Some(actor.user_id),
            subject,
            payload: payload.clone(),
        },
    )
    .await?;
    let (recipients, reason, payload) = match kind {
        kinds::RESOURCE_SUBMITTED => (
            notifications::staff(txn).await?,
            reasons::RESOURCE_SUBMITTED,
            payload,
        ),
        kinds::RESOURCE_PUBLISHED | kinds::RESOURCE_REJECTED => {
            let mut payload = payload;
            if let Some(reason) = &resource.decision_reason {
                payload["decisionReason"] = json!(reason);
            }
            (
                resource.submitted_by_user_id.into_iter().collect(),
                reasons::RESOURCE_REVIEWED,
                payload,
            )
        }
        _ => (Vec::new(), reasons::RESOURCE_REVIEWED, payload),
    };
    recorded.extend(
        notifications::notify(
            txn,
            recipients,
            Notice {
                reason,
                kind,
                actor: Some(actor.user_id),
                subject,
                payload,
            },
        )
        .await?,
    );
    Ok(recorded)
}

pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewResource,
) -> AppResult<Changed<Resource>> {
    let mut links = new.links;
    // The submitting partner is among those it concerns.
    links.partner_ids.push(new.partner_id);
    check_links(db, actor, &links).await?;
    if let Some(coalition_id) = new.coalition_id {
        super::coalitions::find(db, coalition_id).await?;
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let resource = resources::ActiveModel {
        kind: Set(new.kind.as_str().to_owned()),
        state: Set(ResourceState::Submitted.as_str().to_owned()),
        original_locale: Set(new.locale.as_str().to_owned()),
        title: Set(new.text.title.into_inner()),
        summary: Set(new.text.summary.map(ResourceSummary::into_inner)),
        body: Set(new.text.body.map(ResourceBody::into_inner)),
        url: Set(new.url.map(|w| w.as_str().to_owned())),
        published_on: Set(new.published_on),
        coalition_id: Set(new.coalition_id),
        geo_coverage: Set(new.geo_coverage.as_str().to_owned()),
        countries: Set(list(new.countries.iter().map(CountryCode::as_str))),
        sdg_targets: Set(list(new.sdg_targets.iter().map(SdgTarget::as_str))),
        tags: Set(list(new.tags.iter().map(Tag::as_str))),
        partner_id: Set(new.partner_id),
        submitted_by_user_id: Set(Some(actor.user_id)),
        decision_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_links(&txn, resource.id, &links).await?;
    reindex(&txn, &resource).await?;
    let events = record(&txn, actor, &resource, kinds::RESOURCE_SUBMITTED).await?;
    txn.commit().await?;
    Ok(Changed::new(resource, events))
}

/// Moves `resource` (as read) to `to` with the columns `set`, if it has not
/// changed meanwhile (`expected_version`, else the version read): one statement.
async fn write(
    txn: &DatabaseTransaction,
    resource: &Resource,
    expected_version: Option<i32>,
    to: ResourceState,
    set: Vec<(resources::Column, sea_orm::sea_query::SimpleExpr)>,
) -> AppResult<Resource> {
    let version = expected_version.unwrap_or(resource.version);
    let mut update = resources::Entity::update_many()
        .col_expr(resources::Column::State, Expr::value(to.as_str()))
        .col_expr(
            resources::Column::Version,
            Expr::value(super::next_version(version, "resource")?),
        )
        .col_expr(resources::Column::UpdatedAt, Expr::value(Utc::now()));
    for (column, value) in set {
        update = update.col_expr(column, value);
    }
    let result = update
        .filter(resources::Column::Id.eq(resource.id))
        .filter(resources::Column::Version.eq(version))
        .filter(resources::Column::State.eq(resource.state.as_str()))
        .exec(txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("resource"));
    }
    resources::Entity::find_by_id(resource.id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("resource"))
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    resource: &Resource,
    patch: ResourcePatch,
    expected_version: Option<i32>,
) -> AppResult<Changed<Resource>> {
    use resources::Column as C;
    let state = state_of(resource)?;
    let Some(next) = state.after_update() else {
        return Err(AppError::conflict(
            "resourceId",
            "an archived resource is not changed",
        ));
    };
    if let Some(links) = &patch.links {
        check_links(db, actor, links).await?;
    }
    if let Some(Some(coalition_id)) = patch.coalition_id {
        super::coalitions::find(db, coalition_id).await?;
    }
    let mut set: Vec<(C, sea_orm::sea_query::SimpleExpr)> = Vec::new();
    if let Some(kind) = patch.kind {
        set.push((C::Kind, Expr::value(kind.as_str())));
    }
    if let Some(title) = &patch.title {
        set.push((C::Title, Expr::value(title.as_str())));
    }
    if let Some(summary) = &patch.summary {
        set.push((
            C::Summary,
            Expr::value(summary.as_ref().map(|s| s.as_str().to_owned())),
        ));
    }
    if let Some(body) = &patch.body {
        set.push((
            C::Body,
            Expr::value(body.as_ref().map(|s| s.as_str().to_owned())),
        ));
    }
    if let Some(url) = &patch.url {
        set.push((
            C::Url,
            Expr::value(url.as_ref().map(|s| s.as_str().to_owned())),
        ));
    }
    if let Some(published_on) = patch.published_on {
        set.push((C::PublishedOn, Expr::value(published_on)));
    }
    if let Some(coalition_id) = patch.coalition_id {
        set.push((C::CoalitionId, Expr::value(coalition_id)));
    }
    if let Some(geo) = patch.geo_coverage {
        set.push((C::GeoCoverage, Expr::value(geo.as_str())));
    }
    if let Some(countries) = &patch.countries {
        set.push((
            C::Countries,
            Expr::value(list(countries.iter().map(CountryCode::as_str))),
        ));
    }
    if let Some(targets) = &patch.sdg_targets {
        set.push((
            C::SdgTargets,
            Expr::value(list(targets.iter().map(SdgTarget::as_str))),
        ));
    }
    if let Some(tags) = &patch.tags {
        set.push((C::Tags, Expr::value(list(tags.iter().map(Tag::as_str)))));
    }
    if next == ResourceState::Submitted {
        set.push((C::DecisionReason, Expr::value(None::<String>)));
    }
    let txn = db.begin().await?;
    let updated = write(&txn, resource, expected_version, next, set).await?;
    if let Some(links) = &patch.links {
        let mut links = links.clone();
        links.partner_ids.push(resource.partner_id);
        write_links(&txn, resource.id, &links).await?;
    }
    reindex(&txn, &updated).await?;
    let events = record(&txn, actor, &updated, kinds::RESOURCE_UPDATED).await?;
    txn.commit().await?;
    Ok(Changed::new(updated, events))
}

/// Sets (or replaces) the translation into `locale`, not the original's.
pub async fn set_translation(
    db: &DatabaseConnection,
    actor: &Actor,
    resource: &Resource,
    locale: Locale,
    text: ResourceText,
) -> AppResult<Changed<Resource>> {
    if resource.original_locale == locale.as_str() {
        return Err(AppError::bad_input(
            "locale",
            "is the original language; edit the resource itself",
        ));
    }
    let state = state_of(resource)?;
    if state == ResourceState::Archived {
        return Err(AppError::conflict(
            "resourceId",
            "an archived resource is not changed",
        ));
    }
    let txn = db.begin().await?;
    // Takes the resource's row first (version +1), so translations of one
    // resource are written one after the other.
    let updated = write(&txn, resource, None, state, Vec::new()).await?;
    resource_translations::Entity::insert(resource_translations::ActiveModel {
        resource_id: Set(resource.id),
        locale: Set(locale.as_str().to_owned()),
        title: Set(text.title.into_inner()),
        summary: Set(text.summary.map(ResourceSummary::into_inner)),
        body: Set(text.body.map(ResourceBody::into_inner)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            resource_translations::Column::ResourceId,
            resource_translations::Column::Locale,
        ])
        .update_columns([
            resource_translations::Column::Title,
            resource_translations::Column::Summary,
            resource_translations::Column::Body,
            resource_translations::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(&txn)
    .await?;
    reindex(&txn, &updated).await?;
    let events = record(&txn, actor, &updated, kinds::RESOURCE_TRANSLATED).await?;
    txn.commit().await?;
    Ok(Changed::new(updated, events))
}

pub async fn review(
    db: &DatabaseConnection,
    actor: &Actor,
    resource: &Resource,
    decision: ResourceDecision,
    reason: Option<Reason>,
) -> AppResult<Changed<Resource>> {
    if decision == ResourceDecision::Reject && reason.is_none() {
        return Err(AppError::bad_input(
            "reason",
            "is required to reject a resource",
        ));
    }
    let state = state_of(resource)?;
    let Some(next) = state.after(decision) else {
        return Err(AppError::conflict(
            "resourceId",
            format!("a {} resource is not reviewed", state.as_str()),
        ));
    };
    let txn = db.begin().await?;
    let updated = write(
        &txn,
        resource,
        None,
        next,
        vec![(
            resources::Column::DecisionReason,
            Expr::value(reason.map(Reason::into_inner)),
        )],
    )
    .await?;
    // The state is a facet of the search documents.
    reindex(&txn, &updated).await?;
    let kind = match decision {
        ResourceDecision::Publish => kinds::RESOURCE_PUBLISHED,
        ResourceDecision::Reject => kinds::RESOURCE_REJECTED,
    };
    let events = record(&txn, actor, &updated, kind).await?;
    txn.commit().await?;
    Ok(Changed::new(updated, events))
}

pub async fn archive(
    db: &DatabaseConnection,
    actor: &Actor,
    resource: &Resource,
) -> AppResult<Changed<Resource>> {
    if state_of(resource)? == ResourceState::Archived {
        return Err(AppError::conflict(
            "resourceId",
            "the resource is archived already",
        ));
    }
    let txn = db.begin().await?;
    let updated = write(&txn, resource, None, ResourceState::Archived, Vec::new()).await?;
    reindex(&txn, &updated).await?;
    let events = record(&txn, actor, &updated, kinds::RESOURCE_ARCHIVED).await?;
    txn.commit().await?;
    Ok(Changed::new(updated, events))
}

/// The SQL predicate of who may see which resources (as `policy::read_resource`).
fn push_visibility(sql: &mut SqlBuilder, viewer: Option<&Actor>) {
    match viewer {
        Some(actor) if actor.is_staff() => {
            sql.push("1 = 1");
        }
        Some(actor) => {
            let partners: Vec<i64> = actor.partner_ids().collect();
            sql.push("(r.state = 'PUBLISHED'");
            if !partners.is_empty() {
                sql.push(" OR r.partner_id IN ").bind_list(&partners);
            }
            sql.push(")");
        }
        None => {
            sql.push("r.state = 'PUBLISHED'");
        }
    }
}

fn like_element(value: &str) -> String {
    let mut pattern = String::from("%,");
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push_str(",%");
    pattern
}

fn push_filters(sql: &mut SqlBuilder, filter: &ResourceFilter) {
    sql.push(" AND r.state = ")
        .bind(filter.state.unwrap_or(ResourceState::Published).as_str());
    if let Some(kind) = filter.kind {
        sql.push(" AND r.kind = ").bind(kind.as_str());
    }
    if let Some(coalition_id) = filter.coalition_id {
        sql.push(" AND r.coalition_id = ").bind(coalition_id);
    }
    if let Some(country) = &filter.country {
        sql.push(" AND r.countries LIKE ")
            .bind(like_element(country.as_str()))
            .push(" ESCAPE '\\'");
    }
    if let Some(target) = &filter.sdg_target {
        sql.push(" AND r.sdg_targets LIKE ")
            .bind(like_element(target.as_str()))
            .push(" ESCAPE '\\'");
    }
    if let Some(tag) = &filter.tag {
        sql.push(" AND r.tags LIKE ")
            .bind(like_element(tag.as_str()))
            .push(" ESCAPE '\\'");
    }
    if let Some(area) = filter.thematic_area_id {
        sql.push(
            " AND EXISTS (SELECT 1 FROM resource_links l WHERE l.resource_id = r.id \
             AND l.target_type = 'ThematicArea' AND l.target_id = ",
        )
        .bind(area)
        .push(")");
    }
    if let Some(locale) = filter.locale {
        sql.push(" AND (r.original_locale = ")
            .bind(locale.as_str())
            .push(
                " OR EXISTS (SELECT 1 FROM resource_translations t \
                 WHERE t.resource_id = r.id AND t.locale = ",
            )
            .bind(locale.as_str())
            .push("))");
    }
}

/// The facets a search with `filter` is narrowed to by the index (see
/// [`search::facet`]); the same filters are also checked on the resources.
fn facets_of(filter: &ResourceFilter) -> Vec<String> {
    use search::facet;
    let mut facets = Vec::new();
    facets.extend(filter.kind.map(|kind| facet::kind(kind.as_str())));
    facets.extend(filter.coalition_id.map(facet::coalition));
    facets.extend(filter.country.as_ref().map(|c| facet::country(c.as_str())));
    facets.extend(
        filter
            .sdg_target
            .as_ref()
            .map(|t| facet::sdg_target(t.as_str())),
    );
    facets.extend(filter.tag.as_ref().map(|t| facet::tag(t.as_str())));
    facets.extend(filter.thematic_area_id.map(facet::thematic_area));
    facets
}

/// The search of `filter`, if it has one, narrowed to its facets and to
/// what `viewer` may see (as `push_visibility`): published resources to
/// everyone, the others to the secretariat and their partner's people.
fn search_of(filter: &ResourceFilter, viewer: Option<&Actor>) -> Option<Search> {
    use search::facet;
    let text = filter.search.as_deref()?;
    let mut facets: Vec<String> = facets_of(filter).iter().map(|f| facet::quoted(f)).collect();
    match filter.state.unwrap_or(ResourceState::Published) {
        ResourceState::Published => facets.push(format!("!{}", facet::quoted(facet::UNPUBLISHED))),
        state => {
            facets.push(facet::quoted(&facet::state(state.as_str())));
            match viewer {
                Some(actor) if actor.is_staff() => {}
                Some(actor) if actor.partner_ids().next().is_some() => {
                    let partners: Vec<String> = actor.partner_ids().map(facet::partner).collect();
                    facets.push(facet::any_of(&partners));
                }
                _ => facets.push(facet::quoted(facet::NOTHING)),
            }
        }
    }
    Some(Search::new(text).narrowed_to(facets.join(" & ")))
}

#[derive(FromQueryResult)]
struct RankedRow {
    search_rank: f64,
}

/// `SELECT r.*, search_rank FROM … WHERE …` of the resources `filter` and the
/// viewer's rights let through; None when the search can match nothing.
fn base_select(
    mut sql: SqlBuilder,
    viewer: Option<&Actor>,
    filter: &ResourceFilter,
    search: Option<&Search>,
) -> Option<SqlBuilder> {
    let backend = sql.backend();
    match search {
        Some(search) => {
            if search.is_empty() {
                return None;
            }
            sql.push("SELECT r.*, h.rank AS search_rank FROM ");
            search.push_hits(&mut sql, backend, filter.locale);
            sql.push(" h JOIN resources r ON r.id = h.resource_id WHERE ");
        }
        None => {
            sql.push(
                "SELECT r.*, CAST(0 AS DOUBLE PRECISION) AS search_rank FROM resources r WHERE ",
            );
        }
    }
    push_visibility(&mut sql, viewer);
    push_filters(&mut sql, filter);
    Some(sql)
}

/// How many resources a list holds (all pages).
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    filter: &ResourceFilter,
) -> AppResult<u64> {
    let backend = db.get_database_backend();
    let search = search_of(filter, viewer);
    let mut outer = SqlBuilder::new(backend);
    outer.push("SELECT COUNT(*) AS n FROM (");
    let Some(mut sql) = base_select(outer, viewer, filter, search.as_ref()) else {
        return Ok(0);
    };
    sql.push(") AS counted");
    let row = db.query_one_raw(sql.build()).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0) as u64)
}

/// Where a page starts: after the cursor's rank and id (by relevance), or
/// before its id (newest first).
enum After {
    Start,
    Rank(f64, i64),
    Id(i64),
}

impl After {
    fn of(args: &PageArgs, relevance: bool) -> AppResult<Self> {
        match (&args.after, relevance) {
            (None, _) => Ok(Self::Start),
            (
                Some(Cursor {
                    key: Some(rank),
                    id,
                }),
                true,
            ) => Ok(Self::Rank(decode_rank(rank)?, *id)),
            (Some(Cursor { key: None, id }), false) => Ok(Self::Id(*id)),
            _ => Err(AppError::bad_input("after", "is not a cursor of this list")),
        }
    }

    /// ` AND …` on the columns `rank` and `id`, then the page's order and size.
    fn push_page(&self, sql: &mut SqlBuilder, relevance: bool, rank: &str, id: &str, limit: u64) {
        match self {
            Self::Start => {}
            Self::Rank(after, after_id) => {
                sql.push(&format!(" AND ({rank} < "))
                    .bind(*after)
                    .push(&format!(" OR ({rank} = "))
                    .bind(*after)
                    .push(&format!(" AND {id} > "))
                    .bind(*after_id)
                    .push("))");
            }
            Self::Id(before) => {
                sql.push(&format!(" AND {id} < ")).bind(*before);
            }
        }
        match relevance {
            true => sql.push(&format!(" ORDER BY {rank} DESC, {id} ASC")),
            false => sql.push(&format!(" ORDER BY {id} DESC")),
        };
        sql.push(" LIMIT ").bind(limit as i64);
    }
}

/// A page of resources: newest first, or with a search by relevance (then by
/// id), with stable cursors either way (the rank is part of the cursor).
pub async fn page(
    db: &impl ConnectionTrait,
    viewer: Option<&Actor>,
    filter: &ResourceFilter,
    order: Order,
    args: &PageArgs,
) -> AppResult<Page<Hit>> {
    let backend = db.get_database_backend();
    let search = search_of(filter, viewer);
    let relevance = search.is_some() && order == Order::Relevance;
    let after = After::of(args, relevance)?;
    let sql = match &search {
        Some(search) if backend == DbBackend::Postgres && !search.is_empty() => {
            // The index applies the filters and the viewer's rights (as
            // facets), so the page is cut from the ranked hits before any
            // resource is read; the resources are then checked all the same.
            // Each row also carries what its highlight is made of: the query's
            // lexemes in the language of the best document, and that
            // document's text when it is a translation.
            let mut sql = SqlBuilder::new(backend);
            search.push_lexemes(&mut sql);
            sql.push(
                "SELECT r.*, h.rank AS search_rank, h.locale AS match_locale, \
                 l.lexemes AS match_lexemes, t.title AS match_title, \
                 t.summary AS match_summary, t.body AS match_body \
                 FROM (SELECT g.resource_id, g.rank, g.locale FROM ",
            );
            search.push_hits(&mut sql, backend, filter.locale);
            sql.push(" g WHERE 1 = 1");
            after.push_page(&mut sql, relevance, "g.rank", "g.resource_id", args.limit());
            sql.push(
                ") h JOIN resources r ON r.id = h.resource_id \
                 JOIN query_lexemes l ON l.locale = h.locale \
                 LEFT JOIN resource_translations t ON t.resource_id = h.resource_id \
                 AND t.locale = h.locale WHERE ",
            );
            push_visibility(&mut sql, viewer);
            push_filters(&mut sql, filter);
            match relevance {
                true => sql.push(" ORDER BY h.rank DESC, r.id ASC"),
                false => sql.push(" ORDER BY r.id DESC"),
            };
            sql
        }
        _ => {
            let Some(mut sql) =
                base_select(SqlBuilder::new(backend), viewer, filter, search.as_ref())
            else {
                return Ok(Page::from_rows(Vec::new(), args, |_: &Hit| {
                    Cursor::by_id(0)
                }));
            };
            after.push_page(&mut sql, relevance, "h.rank", "r.id", args.limit());
            sql
        }
    };
    let rows = db.query_all_raw(sql.build()).await?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows {
        let resource = Resource::from_query_result(&row, "")?;
        let rank = RankedRow::from_query_result(&row, "")?.search_rank;
        let highlight = match &search {
            Some(search) if backend == DbBackend::Postgres => {
                Some(search.highlight_row(&row, &resource)?)
            }
            _ => None,
        };
        hits.push(Hit {
            resource,
            rank: search.as_ref().map(|_| rank),
            highlight,
        });
    }
    // SQLite: FTS5 snippets, in a statement of their own.
    if let Some(search) = search.as_ref().filter(|_| backend != DbBackend::Postgres) {
        let ids: Vec<i64> = hits.iter().map(|h| h.resource.id).collect();
        let mut highlights = search.highlights(db, &ids).await?;
        for hit in &mut hits {
            hit.highlight = highlights.remove(&hit.resource.id);
        }
    }
    Ok(Page::from_rows(hits, args, |hit| {
        match (relevance, hit.rank) {
            (true, Some(rank)) => Cursor::by_key(encode_rank(rank), hit.resource.id),
            _ => Cursor::by_id(hit.resource.id),
        }
    }))
}

/// Ranks go into cursors exactly (their bits), so the next page starts where
/// this one ended even between equal ranks.
fn encode_rank(rank: f64) -> String {
    format!("{:016x}", rank.to_bits())
}

fn decode_rank(key: &str) -> AppResult<f64> {
    u64::from_str_radix(key, 16)
        .ok()
        .map(f64::from_bits)
        .filter(|r| r.is_finite())
        .ok_or_else(|| AppError::bad_input("after", "is not a cursor of this list"))
}

/// The translations of some resources, by resource id, in locale order.
pub async fn translations_of(
    db: &DatabaseConnection,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<resource_translations::Model>>> {
    let rows = resource_translations::Entity::find()
        .filter(resource_translations::Column::ResourceId.is_in(ids.iter().copied()))
        .order_by_asc(resource_translations::Column::Locale)
        .all(db)
        .await?;
    let mut by_resource: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        by_resource.entry(row.resource_id).or_default().push(row);
    }
    Ok(by_resource)
}

/// What some resources are linked to, by resource id.
pub async fn links_of(
    db: &DatabaseConnection,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<resource_links::Model>>> {
    let rows = resource_links::Entity::find()
        .filter(resource_links::Column::ResourceId.is_in(ids.iter().copied()))
        .order_by_asc(resource_links::Column::Id)
        .all(db)
        .await?;
    let mut by_resource: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        by_resource.entry(row.resource_id).or_default().push(row);
    }
    Ok(by_resource)
}

/// The resources linked to some targets of one type, by target id, newest first
/// (unfiltered: callers keep those the viewer may see).
pub async fn linked_to(
    db: &DatabaseConnection,
    target_type: &'static str,
    target_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<Resource>>> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT r.*, l.target_id AS linked_target_id FROM resources r \
         JOIN resource_links l ON l.resource_id = r.id WHERE l.target_type = ",
    )
    .bind(target_type)
    .push(" AND l.target_id IN ")
    .bind_list(target_ids)
    .push(" ORDER BY r.id DESC");
    let mut by_target: HashMap<i64, Vec<Resource>> = HashMap::new();
    for row in db.query_all_raw(sql.build()).await? {
        let target: i64 = row.try_get("", "linked_target_id")?;
        by_target
            .entry(target)
            .or_default()
            .push(Resource::from_query_result(&row, "")?);
    }
    Ok(by_target)
}
