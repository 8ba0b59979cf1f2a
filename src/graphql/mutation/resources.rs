//! The knowledge platform: submitting, editing, translating, reviewing and
//! archiving resources.
use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use crate::{
    auth::{policy, Actor},
    domain::{
        CountryCode, Reason, ResourceBody, ResourceSummary, ResourceTitle, SdgTarget, Tag, Website,
        MAX_LIST,
    },
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{self, NodeKind},
        inputs::{optional, patch},
        loaders::ResourceKey,
        types::{Date, GeoCoverage, Locale, Resource, ResourceDecision, ResourceKind},
    },
    services::resources::{
        self as resource_service, Links, NewResource, ResourcePatch, ResourceText,
    },
};

#[derive(Default)]
pub struct ResourceMutations;

#[derive(InputObject)]
pub struct SubmitResourceInput {
    /// The partner that submits it (one you work for).
    pub partner_id: ID,
    pub kind: ResourceKind,
    /// The language it is written in.
    pub locale: Locale,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
    pub published_on: Option<Date>,
    pub coalition_id: Option<ID>,
    pub geo_coverage: GeoCoverage,
    /// ISO 3166-1 alpha-2 codes (at most 50).
    pub countries: Option<Vec<String>>,
    /// SDG targets such as "8.7" (at most 50).
    pub sdg_targets: Option<Vec<String>>,
    pub thematic_area_ids: Option<Vec<ID>>,
    /// Free tags, lower-cased (at most 50).
    pub tags: Option<Vec<String>>,
    /// Other partners it concerns (the submitting one is always among them).
    pub partner_ids: Option<Vec<ID>>,
    pub commitment_ids: Option<Vec<ID>>,
}

/// Fields left out stay as they are; lists given replace the old ones.
#[derive(InputObject)]
pub struct UpdateResourceInput {
    pub resource_id: ID,
    pub expected_version: Option<i32>,
    pub kind: Option<ResourceKind>,
    pub title: Option<String>,
    pub summary: MaybeUndefined<String>,
    pub body: MaybeUndefined<String>,
    pub url: MaybeUndefined<String>,
    pub published_on: MaybeUndefined<Date>,
    pub coalition_id: MaybeUndefined<ID>,
    pub geo_coverage: Option<GeoCoverage>,
    pub countries: Option<Vec<String>>,
    pub sdg_targets: Option<Vec<String>>,
    pub thematic_area_ids: Option<Vec<ID>>,
    pub tags: Option<Vec<String>>,
    pub partner_ids: Option<Vec<ID>>,
    pub commitment_ids: Option<Vec<ID>>,
}

#[derive(InputObject)]
pub struct SetResourceTranslationInput {
    pub resource_id: ID,
    pub locale: Locale,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
}

#[derive(InputObject)]
pub struct ReviewResourceInput {
    pub resource_id: ID,
    pub decision: ResourceDecision,
    /// Required to REJECT; the submitter is told it.
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct ArchiveResourceInput {
    pub resource_id: ID,
}

#[derive(SimpleObject)]
pub struct ResourcePayload {
    pub resource: Resource,
}

fn bounded_list<T>(
    field: &'static str,
    values: &[String],
    parse: impl Fn(&str) -> Result<T, crate::domain::ValidationError>,
) -> async_graphql::Result<Vec<T>> {
    if values.len() > MAX_LIST {
        return Err(
            AppError::bad_input(field, format!("must hold at most {MAX_LIST} items")).into(),
        );
    }
    Ok(values.iter().map(|v| parse(v)).collect::<Result<_, _>>()?)
}

fn id_list(field: &'static str, values: &[ID], kind: NodeKind) -> async_graphql::Result<Vec<i64>> {
    if values.len() > MAX_LIST {
        return Err(AppError::bad_input(field, format!("must hold at most {MAX_LIST} ids")).into());
    }
    Ok(values
        .iter()
        .map(|id| ids::expect(field, id, kind))
        .collect::<Result<_, _>>()?)
}

fn text(
    title: &str,
    summary: Option<&str>,
    body: Option<&str>,
) -> async_graphql::Result<ResourceText> {
    Ok(ResourceText {
        title: ResourceTitle::parse("title", title)?,
        summary: optional(summary, |v| ResourceSummary::parse("summary", v))?,
        body: optional(body, |v| ResourceBody::parse("body", v))?,
    })
}

/// The resource behind an id, if the caller may see it (NOT_FOUND otherwise),
/// and that the caller may change.
async fn changeable(
    ctx: &Context<'_>,
    actor: &Actor,
    id: &ID,
) -> async_graphql::Result<entity::resources::Model> {
    let resource = visible(ctx, id).await?;
    policy::change_resource(actor, &resource)?;
    Ok(resource)
}

async fn visible(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<entity::resources::Model> {
    let row_id = ids::expect("resourceId", id, NodeKind::Resource)?;
    Ok(ctx
        .loaders()?
        .load_one(ResourceKey(row_id))
        .await?
        .filter(|r| policy::read_resource(ctx.viewer(), r))
        .ok_or(AppError::NotFound("resource"))?)
}

fn links(
    partner_ids: &Option<Vec<ID>>,
    commitment_ids: &Option<Vec<ID>>,
    thematic_area_ids: &Option<Vec<ID>>,
) -> async_graphql::Result<Links> {
    let list = |field, ids: &Option<Vec<ID>>, kind| match ids {
        Some(ids) => id_list(field, ids, kind),
        None => Ok(Vec::new()),
    };
    Ok(Links {
        partner_ids: list("partnerIds", partner_ids, NodeKind::Partner)?,
        commitment_ids: list("commitmentIds", commitment_ids, NodeKind::Commitment)?,
        thematic_area_ids: list("thematicAreaIds", thematic_area_ids, NodeKind::ThematicArea)?,
    })
}

#[Object]
impl ResourceMutations {
    /// Submits a resource for review, for a partner you work for.
    async fn submit_resource(
        &self,
        ctx: &Context<'_>,
        input: SubmitResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        policy::submit_resource(actor, partner_id)?;
        let new = NewResource {
            partner_id,
            kind: input.kind.into(),
            locale: input.locale.into(),
            text: text(
                &input.title,
                input.summary.as_deref(),
                input.body.as_deref(),
            )?,
            url: optional(input.url.as_deref(), |v| Website::parse("url", v))?,
            published_on: input.published_on.map(Into::into),
            coalition_id: input
                .coalition_id
                .as_ref()
                .map(|id| ids::expect("coalitionId", id, NodeKind::Coalition))
                .transpose()?,
            geo_coverage: input.geo_coverage.into(),
            countries: bounded_list(
                "countries",
                input.countries.as_deref().unwrap_or_default(),
                |v| CountryCode::parse("countries", v),
            )?,
            sdg_targets: bounded_list(
                "sdgTargets",
                input.sdg_targets.as_deref().unwrap_or_default(),
                |v| SdgTarget::parse("sdgTargets", v),
            )?,
            tags: bounded_list("tags", input.tags.as_deref().unwrap_or_default(), |v| {
                Tag::parse("tags", v)
            })?,
            links: links(
                &input.partner_ids,
                &input.commitment_ids,
                &input.thematic_area_ids,
            )?,
        };
        let app = ctx.app()?;
        let changed = resource_service::submit(&app.db, actor, new).await?;
        app.bus.publish(&changed.events);
        Ok(ResourcePayload {
            resource: Resource::new(changed.value),
        })
    }

    /// Edits a resource (the submitting partner's users and the secretariat).
    /// A rejected resource goes back to review; an archived one is not changed.
    async fn update_resource(
        &self,
        ctx: &Context<'_>,
        input: UpdateResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let resource = changeable(ctx, actor, &input.resource_id).await?;
        let any_links = input.partner_ids.is_some()
            || input.commitment_ids.is_some()
            || input.thematic_area_ids.is_some();
        let changes = ResourcePatch {
            kind: input.kind.map(Into::into),
            title: optional(input.title.as_deref(), |v| ResourceTitle::parse("title", v))?,
            summary: patch(&input.summary, |v| ResourceSummary::parse("summary", v))?,
            body: patch(&input.body, |v| ResourceBody::parse("body", v))?,
            url: patch(&input.url, |v| Website::parse("url", v))?,
            published_on: match &input.published_on {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(date) => Some(Some((*date).into())),
            },
            coalition_id: patch(&input.coalition_id, |id| {
                ids::expect("coalitionId", id, NodeKind::Coalition)
            })?,
            geo_coverage: input.geo_coverage.map(Into::into),
            countries: input
                .countries
                .as_deref()
                .map(|v| bounded_list("countries", v, |c| CountryCode::parse("countries", c)))
                .transpose()?,
            sdg_targets: input
                .sdg_targets
                .as_deref()
                .map(|v| bounded_list("sdgTargets", v, |t| SdgTarget::parse("sdgTargets", t)))
                .transpose()?,
            tags: input
                .tags
                .as_deref()
                .map(|v| bounded_list("tags", v, |t| Tag::parse("tags", t)))
                .transpose()?,
            links: any_links
                .then(|| {
                    links(
                        &input.partner_ids,
                        &input.commitment_ids,
                        &input.thematic_area_ids,
                    )
                })
                .transpose()?,
        };
        let app = ctx.app()?;
        let changed =
            resource_service::update(&app.db, actor, &resource, changes, input.expected_version)
                .await?;
        app.bus.publish(&changed.events);
        Ok(ResourcePayload {
            resource: Resource::new(changed.value),
        })
    }

    /// Sets (or replaces) a resource's title, summary and body in another language.
    async fn set_resource_translation(
        &self,
        ctx: &Context<'_>,
        input: SetResourceTranslationInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let resource = changeable(ctx, actor, &input.resource_id).await?;
        let text = text(
            &input.title,
            input.summary.as_deref(),
            input.body.as_deref(),
        )?;
        let app = ctx.app()?;
        let changed =
            resource_service::set_translation(&app.db, actor, &resource, input.locale.into(), text)
                .await?;
        app.bus.publish(&changed.events);
        Ok(ResourcePayload {
            resource: Resource::new(changed.value),
        })
    }

    /// PUBLISH or REJECT (with a reason) a submitted resource. Secretariat only.
    async fn review_resource(
        &self,
        ctx: &Context<'_>,
        input: ReviewResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let resource = visible(ctx, &input.resource_id).await?;
        policy::review_resources(actor)?;
        let reason = optional(input.reason.as_deref(), |r| Reason::parse("reason", r))?;
        let app = ctx.app()?;
        let changed =
            resource_service::review(&app.db, actor, &resource, input.decision.into(), reason)
                .await?;
        app.bus.publish(&changed.events);
        Ok(ResourcePayload {
            resource: Resource::new(changed.value),
        })
    }

    /// Takes a resource out of the library (kept, for the record).
    async fn archive_resource(
        &self,
        ctx: &Context<'_>,
        input: ArchiveResourceInput,
    ) -> async_graphql::Result<ResourcePayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let resource = changeable(ctx, actor, &input.resource_id).await?;
        let app = ctx.app()?;
        let changed = resource_service::archive(&app.db, actor, &resource).await?;
        app.bus.publish(&changed.events);
        Ok(ResourcePayload {
            resource: Resource::new(changed.value),
        })
    }
}
