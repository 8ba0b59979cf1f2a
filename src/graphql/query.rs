//! The root Query.
use async_graphql::{Context, InputObject, Object, ID};

use super::{
    connection::{connection, page_complexity, CountedConnection, TotalCount},
    context::ContextExt,
    ids::{self, NodeKind},
    loaders::UserKey,
    types::{
        resolve_node, ActionGroup, ApplicationKind, ApplicationState, Coalition, Commitment,
        CommitmentStatus, Date, Locale, Node, Partner, PartnerKind, PartnershipApplication,
        ResourceConnection, ResourceKind, ResourceOrder, ResourceState, User,
    },
};
use crate::{
    auth::policy,
    db::HeldConnection,
    domain::{CountryCode, SearchTerm},
    error::AppError,
    pagination::PageArgs,
    services::{
        applications as application_service, coalitions as coalition_service,
        commitments as commitment_service, groups as group_service, partners as partner_service,
        resources as resource_service,
    },
    sql::Columns,
};

#[derive(Default)]
pub struct Query;

/// Narrows the partner directory; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct PartnerFilter {
    pub kind: Option<PartnerKind>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// Only current (pending or active) partners of this coalition.
    pub coalition_id: Option<ID>,
    /// Case-insensitive match anywhere in the name or acronym.
    pub search: Option<String>,
}

impl PartnerFilter {
    fn parse(self) -> async_graphql::Result<partner_service::PartnerFilter> {
        Ok(partner_service::PartnerFilter {
            kind: self.kind.map(Into::into),
            country: self
                .country
                .as_deref()
                .map(|c| CountryCode::parse("filter.country", c))
                .transpose()?,
            coalition_id: self
                .coalition_id
                .as_ref()
                .map(|id| ids::expect("filter.coalitionId", id, NodeKind::Coalition))
                .transpose()?,
            search: self
                .search
                .as_deref()
                .map(|s| SearchTerm::parse("filter.search", s))
                .transpose()?,
        })
    }
}

/// Narrows the list of action groups; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ActionGroupFilter {
    pub coalition_id: Option<ID>,
    pub thematic_area_id: Option<ID>,
    /// Groups this partner is a member of.
    pub partner_id: Option<ID>,
    /// Case-insensitive match anywhere in the name.
    pub search: Option<String>,
    /// Also list archived groups (default false).
    pub include_archived: Option<bool>,
}

impl ActionGroupFilter {
    fn parse(self) -> async_graphql::Result<group_service::ActionGroupFilter> {
        let id = |field, id: &Option<ID>, kind| {
            id.as_ref()
                .map(|id| ids::expect(field, id, kind))
                .transpose()
        };
        Ok(group_service::ActionGroupFilter {
            coalition_id: id(
                "filter.coalitionId",
                &self.coalition_id,
                NodeKind::Coalition,
            )?,
            thematic_area_id: id(
                "filter.thematicAreaId",
                &self.thematic_area_id,
                NodeKind::ThematicArea,
            )?,
            partner_id: id("filter.partnerId", &self.partner_id, NodeKind::Partner)?,
            search: self
                .search
                .as_deref()
                .map(|s| SearchTerm::parse("filter.search", s))
                .transpose()?,
            include_archived: self.include_archived.unwrap_or(false),
        })
    }
}

/// Narrows the list of commitments; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct CommitmentFilter {
    pub partner_id: Option<ID>,
    pub action_group_id: Option<ID>,
    pub coalition_id: Option<ID>,
    pub status: Option<CommitmentStatus>,
    /// Due strictly before this date.
    pub due_before: Option<Date>,
    /// True: past due and neither completed nor withdrawn; false: the others.
    pub overdue: Option<bool>,
}

impl CommitmentFilter {
    fn parse(self) -> async_graphql::Result<commitment_service::CommitmentFilter> {
        let id = |field, id: &Option<ID>, kind| {
            id.as_ref()
                .map(|id| ids::expect(field, id, kind))
                .transpose()
        };
        Ok(commitment_service::CommitmentFilter {
            partner_id: id("filter.partnerId", &self.partner_id, NodeKind::Partner)?,
            action_group_id: id(
                "filter.actionGroupId",
                &self.action_group_id,
                NodeKind::ActionGroup,
            )?,
            coalition_id: id(
                "filter.coalitionId",
                &self.coalition_id,
                NodeKind::Coalition,
            )?,
            status: self.status.map(Into::into),
            due_before: self.due_before.map(Into::into),
            overdue: self.overdue,
        })
    }
}

/// Narrows the secretariat's queue of applications.
#[derive(InputObject, Default)]
pub struct PartnershipApplicationFilter {
    pub coalition_id: Option<ID>,
    pub state: Option<ApplicationState>,
    pub kind: Option<ApplicationKind>,
}

impl PartnershipApplicationFilter {
    fn parse(self) -> async_graphql::Result<application_service::ApplicationFilter> {
        Ok(application_service::ApplicationFilter {
            coalition_id: self
                .coalition_id
                .as_ref()
                .map(|id| ids::expect("filter.coalitionId", id, NodeKind::Coalition))
                .transpose()?,
            state: self.state.map(Into::into),
            kind: self.kind.map(Into::into),
        })
    }
}

/// Narrows the library; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ResourceFilter {
    /// Words to find in titles, summaries and bodies, in any language:
    /// `"a phrase"`, `-excluded`, `this or that`. Case and accents do not matter.
    pub search: Option<String>,
    pub kind: Option<ResourceKind>,
    pub coalition_id: Option<ID>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    pub sdg_target: Option<String>,
    pub thematic_area_id: Option<ID>,
    pub tag: Option<String>,
    /// Resources written in, or translated into, this language (a search
    /// looks at that language's text only).
    pub locale: Option<Locale>,
    /// PUBLISHED when not given; others list only what you may see of them.
    pub state: Option<ResourceState>,
}

impl ResourceFilter {
    fn parse(self) -> async_graphql::Result<resource_service::ResourceFilter> {
        use crate::domain::{SdgTarget, Tag};
        let search = match self.search.as_deref().map(str::trim) {
            Some(text) if text.chars().count() > 200 => {
                return Err(crate::error::AppError::bad_input(
                    "filter.search",
                    "must be at most 200 characters",
                )
                .into())
            }
            Some("") | None => None,
            Some(text) => Some(text.to_owned()),
        };
        Ok(resource_service::ResourceFilter {
            search,
            kind: self.kind.map(Into::into),
            coalition_id: self
                .coalition_id
                .as_ref()
                .map(|id| ids::expect("filter.coalitionId", id, NodeKind::Coalition))
                .transpose()?,
            country: self
                .country
                .as_deref()
                .map(|c| CountryCode::parse("filter.country", c))
                .transpose()?,
            sdg_target: self
                .sdg_target
                .as_deref()
                .map(|t| SdgTarget::parse("filter.sdgTarget", t))
                .transpose()?,
            thematic_area_id: self
                .thematic_area_id
                .as_ref()
                .map(|id| ids::expect("filter.thematicAreaId", id, NodeKind::ThematicArea))
                .transpose()?,
            tag: self
                .tag
                .as_deref()
                .map(|t| Tag::parse("filter.tag", t))
                .transpose()?,
            locale: self.locale.map(Into::into),
            state: self.state.map(Into::into),
        })
    }
}

#[Object]
impl Query {
    /// Any object by its global id; null when there is none you may see.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        resolve_node(ctx, &id).await
    }

    /// The signed-in user; null without a session.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(viewer) = ctx.viewer() else {
            return Ok(None);
        };
        let user = ctx.loaders()?.load_one(UserKey(viewer.user_id)).await?;
        Ok(user.map(User::disclosed))
    }

    /// All coalitions, oldest first.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn coalitions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Coalition>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let db = ctx.app()?.db.clone();
        let page = coalition_service::page(&db, &args).await?;
        let total = TotalCount::new(move || {
            let db = db.clone();
            async move { coalition_service::count(&db).await }
        });
        Ok(connection(page, total, Coalition))
    }

    /// A coalition by its slug, e.g. "alliance-8-7".
    async fn coalition(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Coalition>> {
        use entity::coalitions;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        if slug.len() > 64 {
            return Ok(None);
        }
        let found = coalitions::Entity::find()
            .filter(coalitions::Column::Slug.eq(slug))
            .one(&ctx.app()?.db)
            .await
            .map_err(crate::error::AppError::from)?;
        Ok(found.map(Coalition))
    }

    /// The partner directory, in name order.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PartnerFilter>,
    ) -> async_graphql::Result<CountedConnection<Partner>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default().parse()?;
        let db = ctx.app()?.db.clone();
        let page = partner_service::page(&db, &filter, &args, Columns::All).await?;
        let total = TotalCount::new(move || {
            let db = db.clone();
            let filter = filter.clone();
            async move { partner_service::count(&db, &filter).await }
        });
        Ok(connection(page, total, Partner))
    }

    /// Action groups, in name order (archived ones only when asked).
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn action_groups(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ActionGroupFilter>,
    ) -> async_graphql::Result<CountedConnection<ActionGroup>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default().parse()?;
        let db = ctx.app()?.db.clone();
        let page = group_service::page(&db, &filter, &args, Columns::All).await?;
        let total = TotalCount::new(move || {
            let db = db.clone();
            let filter = filter.clone();
            async move { group_service::count(&db, &filter).await }
        });
        Ok(connection(page, total, ActionGroup))
    }

    /// Commitments you may see, oldest first.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<CommitmentFilter>,
    ) -> async_graphql::Result<CountedConnection<Commitment>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default().parse()?;
        let db = ctx.app()?.db.clone();
        let viewer = ctx.viewer().cloned();
        let page = commitment_service::page(&db, viewer.as_ref(), &filter, &args).await?;
        let total = TotalCount::new(move || {
            let db = db.clone();
            let filter = filter.clone();
            let viewer = viewer.clone();
            async move { commitment_service::count(&db, viewer.as_ref(), &filter).await }
        });
        Ok(connection(page, total, Commitment))
    }

    /// An application, for its applicant: by the access token it was given.
    /// Null for a token that opens nothing (or no longer: a withdrawn one).
    async fn partnership_application(
        &self,
        ctx: &Context<'_>,
        access_token: String,
    ) -> async_graphql::Result<Option<PartnershipApplication>> {
        let found = application_service::by_access_token(&ctx.app()?.db, &access_token).await?;
        Ok(found.map(PartnershipApplication::new))
    }

    /// The secretariat's queue of applications, oldest submitted first.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn partnership_applications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PartnershipApplicationFilter>,
    ) -> async_graphql::Result<CountedConnection<PartnershipApplication>> {
        let actor = policy::authenticated(ctx.viewer())?;
        policy::review_applications(actor)?;
        let args = PageArgs::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default().parse()?;
        let db = ctx.app()?.db.clone();
        let page = application_service::page(&db, &filter, &args).await?;
        let total = TotalCount::new(move || {
            let db = db.clone();
            let filter = filter.clone();
            async move { application_service::count(&db, &filter).await }
        });
        Ok(connection(page, total, PartnershipApplication::new))
    }

    /// The knowledge platform's library: PUBLISHED resources (others by
    /// `filter.state`, as far as you may see them); with `filter.search`, by
    /// relevance, each edge with its `rank` and `highlight`.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn resources(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ResourceFilter>,
        order_by: Option<ResourceOrder>,
    ) -> async_graphql::Result<ResourceConnection> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default().parse()?;
        let order = match order_by.unwrap_or_default() {
            ResourceOrder::Relevance => resource_service::Order::Relevance,
            ResourceOrder::Newest => resource_service::Order::Newest,
        };
        let app = ctx.app()?;
        let db = app.db.clone();
        let viewer = ctx.viewer().cloned();
        // The page and its highlights, one after the other on one connection.
        let connection = HeldConnection::acquire(&db, app.metrics.clone())
            .await
            .map_err(AppError::from)?;
        let page =
            resource_service::page(&connection, viewer.as_ref(), &filter, order, &args).await?;
        drop(connection);
        let total = TotalCount::new(move || {
            let db = db.clone();
            let filter = filter.clone();
            let viewer = viewer.clone();
            async move { resource_service::count(&db, viewer.as_ref(), &filter).await }
        });
        Ok(crate::graphql::types::hits_connection(page, total))
    }
}
