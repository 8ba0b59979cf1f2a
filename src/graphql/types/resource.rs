//! A resource of the knowledge platform, as the API shows it. Only those who
//! may read it (`policy::read_resource`) are ever handed one.
use async_graphql::{
    connection::{Connection, Edge},
    Context, Object, SimpleObject, ID,
};
use chrono::{DateTime, Utc};
use entity::{resource_links, resource_translations, resources};

use super::{
    enums::stored, Coalition, Commitment, Date, GeoCoverage, Locale, Partner, ResourceKind,
    ResourceState, ThematicArea, User,
};
use crate::{
    auth::policy,
    graphql::{
        connection::{connection, CountedConnection, TotalCount},
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{
            CoalitionKey, CommitmentKey, PartnerKey, ResourceLinksOf, ResourceTranslationsOf,
            ThematicAreaKey, UserKey,
        },
        locale,
    },
    pagination::{Cursor, Page, PageArgs},
    services::resources::{unlist, Hit},
};

pub struct Resource(pub Box<resources::Model>);

impl Resource {
    pub fn new(row: resources::Model) -> Self {
        Self(Box::new(row))
    }
}

/// A resource's title, summary and body in one language.
#[derive(SimpleObject, Clone)]
pub struct ResourceTranslation {
    pub locale: Locale,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
}

/// What a search says of a resource on its edge.
#[derive(SimpleObject, Clone, Default)]
pub struct SearchHit {
    /// How well it matches (larger is better; comparable within one search only).
    pub rank: Option<f64>,
    /// A short passage of the best matching text, HTML-escaped, with the
    /// matched words in `<mark>`; at most 300 characters of text.
    pub highlight: Option<String>,
}

pub type ResourceConnection = Connection<Cursor, Resource, TotalCount, SearchHit>;

/// A page of search hits as a connection whose edges carry rank and highlight.
pub fn hits_connection(page: Page<Hit>, total: TotalCount) -> ResourceConnection {
    let mut connection = Connection::with_additional_fields(false, page.has_next_page, total);
    connection
        .edges
        .extend(page.items.into_iter().map(|(cursor, hit)| {
            Edge::with_additional_fields(
                cursor,
                Resource::new(hit.resource),
                SearchHit {
                    rank: hit.rank,
                    highlight: hit.highlight,
                },
            )
        }));
    connection
}

/// Pages an in-memory list of rows ordered by id (a resource links at most 50).
fn page_of<T>(mut rows: Vec<T>, args: &PageArgs, id: impl Fn(&T) -> i64) -> Page<T> {
    rows.sort_by_key(&id);
    if let Some(after) = args.after_id() {
        rows.retain(|row| id(row) > after);
    }
    rows.truncate(args.limit() as usize);
    Page::from_rows(rows, args, |row| Cursor::by_id(id(row)))
}

fn fixed_count(count: usize) -> TotalCount {
    TotalCount::new(move || async move { Ok(count as u64) })
}

impl Resource {
    async fn translation(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
    ) -> async_graphql::Result<Option<resource_translations::Model>> {
        locale::translation(
            ctx,
            locale,
            &self.0.original_locale,
            ResourceTranslationsOf(self.0.id),
            |t: &resource_translations::Model| t.locale.as_str(),
        )
        .await
    }

    async fn links(&self, ctx: &Context<'_>, target: &str) -> async_graphql::Result<Vec<i64>> {
        let links: Vec<resource_links::Model> = ctx
            .loaders()?
            .load_one(ResourceLinksOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(links
            .into_iter()
            .filter(|l| l.target_type == target)
            .map(|l| l.target_id)
            .collect())
    }
}

#[Object]
impl Resource {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Resource, self.0.id)
    }

    async fn kind(&self) -> async_graphql::Result<ResourceKind> {
        stored::<crate::domain::ResourceKind>(&self.0.kind).map(Into::into)
    }

    async fn state(&self) -> async_graphql::Result<ResourceState> {
        stored::<crate::domain::ResourceState>(&self.0.state).map(Into::into)
    }

    /// In `locale`, else in the request's `Accept-Language`, else in the original.
    async fn title(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
    ) -> async_graphql::Result<String> {
        Ok(match self.translation(ctx, locale).await? {
            Some(t) => t.title,
            None => self.0.title.clone(),
        })
    }

    /// As `title` picks its language.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
    ) -> async_graphql::Result<Option<String>> {
        Ok(match self.translation(ctx, locale).await? {
            Some(t) => t.summary,
            None => self.0.summary.clone(),
        })
    }

    /// As `title` picks its language.
    async fn body(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
    ) -> async_graphql::Result<Option<String>> {
        Ok(match self.translation(ctx, locale).await? {
            Some(t) => t.body,
            None => self.0.body.clone(),
        })
    }

    async fn original_locale(&self) -> Locale {
        locale::original(&self.0.original_locale)
    }

    /// Its translations (the original is not among them).
    async fn translations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ResourceTranslation>> {
        let rows: Vec<resource_translations::Model> =
            locale::all(ctx, ResourceTranslationsOf(self.0.id)).await?;
        Ok(rows
            .into_iter()
            .filter_map(|t| {
                Some(ResourceTranslation {
                    locale: t.locale.parse::<crate::domain::Locale>().ok()?.into(),
                    title: t.title,
                    summary: t.summary,
                    body: t.body,
                })
            })
            .collect())
    }

    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    async fn published_on(&self) -> Option<Date> {
        self.0.published_on.map(Date)
    }

    async fn coalition(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Coalition>> {
        let Some(id) = self.0.coalition_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(CoalitionKey(id))
            .await?
            .map(Coalition))
    }

    async fn geo_coverage(&self) -> async_graphql::Result<GeoCoverage> {
        stored::<crate::domain::GeoCoverage>(&self.0.geo_coverage).map(Into::into)
    }

    /// ISO 3166-1 alpha-2 codes.
    async fn countries(&self) -> Vec<String> {
        unlist(&self.0.countries)
    }

    async fn sdg_targets(&self) -> Vec<String> {
        unlist(&self.0.sdg_targets)
    }

    /// Lower-cased.
    async fn tags(&self) -> Vec<String> {
        unlist(&self.0.tags)
    }

    async fn thematic_areas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ThematicArea>> {
        let ids = self.links(ctx, "ThematicArea").await?;
        let keys: Vec<ThematicAreaKey> = ids.into_iter().map(ThematicAreaKey).collect();
        let found = ctx.loaders()?.load_many(keys.clone()).await?;
        Ok(keys
            .iter()
            .filter_map(|k| found.get(k).cloned().map(ThematicArea))
            .collect())
    }

    /// The partners it concerns (the submitting partner among them), by id.
    async fn partners(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Partner>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let keys: Vec<PartnerKey> = self
            .links(ctx, "Partner")
            .await?
            .into_iter()
            .map(PartnerKey)
            .collect();
        let found = ctx.loaders()?.load_many(keys).await?;
        let rows: Vec<_> = found.into_values().collect();
        let total = rows.len();
        let page = page_of(rows, &args, |p| p.id);
        Ok(connection(page, fixed_count(total), Partner))
    }

    /// The commitments it concerns that you may see, by id.
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Commitment>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let keys: Vec<CommitmentKey> = self
            .links(ctx, "Commitment")
            .await?
            .into_iter()
            .map(CommitmentKey)
            .collect();
        let found = ctx.loaders()?.load_many(keys).await?;
        let viewer = ctx.viewer();
        let rows: Vec<_> = found
            .into_values()
            .filter(|c| policy::read_commitment(viewer, c))
            .collect();
        let total = rows.len();
        let page = page_of(rows, &args, |c| c.id);
        Ok(connection(page, fixed_count(total), Commitment))
    }

    /// Who submitted it (by name; e-mail as `User.email` allows).
    async fn submitted_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.submitted_by_user_id else {
            return Ok(None);
        };
        Ok(ctx.loaders()?.load_one(UserKey(id)).await?.map(User::new))
    }

    /// Why it was rejected.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }

    /// Increases with every change; pass it as `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
