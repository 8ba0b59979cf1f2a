use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::partners;

use super::{enums::stored, Coalition, CoalitionMembership, Commitment, PartnerKind};
use crate::{
    graphql::{
        connection::{connection, loaded_page, page_complexity, CountedConnection},
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{
            MembershipsOfPartner, PartnerCommitmentCount, PartnerCommitmentsPage,
            PathfinderCoalitionsOf,
        },
    },
    pagination::PageArgs,
};

/// An organisation: a government, an employers' or workers' organisation, an
/// international body, an NGO, an enterprise, a university…
pub struct Partner(pub partners::Model);

#[Object]
impl Partner {
    /// Resources of the knowledge platform that concern the partner and that you
    /// may see, newest first.
    async fn resources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::Resource>> {
        let rows = ctx
            .loaders()?
            .load_one(crate::graphql::loaders::ResourcesOfPartner(self.0.id))
            .await?
            .unwrap_or_default();
        let viewer = ctx.viewer();
        Ok(rows
            .into_iter()
            .filter(|r| crate::auth::policy::read_resource(viewer, r))
            .map(super::Resource::new)
            .collect())
    }

    pub async fn id(&self) -> ID {
        encode(NodeKind::Partner, self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }

    async fn kind(&self) -> async_graphql::Result<PartnerKind> {
        stored::<crate::domain::PartnerKind>(&self.0.kind).map(Into::into)
    }

    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }

    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
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

    /// The coalitions this partner belongs to (or has applied to, or left).
    async fn memberships(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<CoalitionMembership>> {
        let memberships = ctx
            .loaders()?
            .load_one(MembershipsOfPartner(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(memberships.into_iter().map(CoalitionMembership).collect())
    }

    /// The coalitions this partner (a government) is a pathfinder country of.
    async fn pathfinder_in(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Coalition>> {
        let coalitions = ctx
            .loaders()?
            .load_one(PathfinderCoalitionsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(coalitions.into_iter().map(Coalition).collect())
    }

    /// The partner's commitments that you may see, oldest first.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Commitment>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (page, total) = loaded_page(
            ctx.loaders()?,
            PartnerCommitmentsPage(self.0.id, args),
            PartnerCommitmentCount(self.0.id),
        )
        .await?;
        Ok(connection(page, total, Commitment))
    }
}
