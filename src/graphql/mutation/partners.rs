use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use crate::graphql::inputs::{optional, patch};

use crate::{
    auth::policy,
    domain::{Acronym, CountryCode, Description, PartnerName, Region, Website},
    graphql::{
        context::ContextExt,
        ids::{self, NodeKind},
        types::{Partner, PartnerKind},
    },
    services::partners::{self as partner_service, NewPartner, PartnerPatch},
};

#[derive(Default)]
pub struct PartnerMutations;

#[derive(InputObject)]
pub struct CreatePartnerInput {
    pub name: String,
    pub kind: PartnerKind,
    pub acronym: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    pub region: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreatePartnerPayload {
    pub partner: Partner,
}

/// Fields left out stay as they are; fields set to null are cleared.
#[derive(InputObject)]
pub struct UpdatePartnerInput {
    pub partner_id: ID,
    /// The version you read; a newer one on the server is a CONFLICT.
    pub expected_version: Option<i32>,
    pub name: Option<String>,
    pub kind: Option<PartnerKind>,
    pub acronym: MaybeUndefined<String>,
    pub country: MaybeUndefined<String>,
    pub region: MaybeUndefined<String>,
    pub website: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
}

#[derive(SimpleObject)]
pub struct UpdatePartnerPayload {
    pub partner: Partner,
}

#[Object]
impl PartnerMutations {
    /// Adds an organisation to the directory. Secretariat only.
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        input: CreatePartnerInput,
    ) -> async_graphql::Result<CreatePartnerPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        policy::create_partner(actor)?;
        let new = NewPartner {
            name: PartnerName::parse("name", &input.name)?,
            kind: input.kind.into(),
            acronym: optional(input.acronym.as_deref(), |v| Acronym::parse("acronym", v))?,
            country: optional(input.country.as_deref(), |v| {
                CountryCode::parse("country", v)
            })?,
            region: optional(input.region.as_deref(), |v| Region::parse("region", v))?,
            website: optional(input.website.as_deref(), |v| Website::parse("website", v))?,
            description: optional(input.description.as_deref(), |v| {
                Description::parse("description", v)
            })?,
        };
        let partner = partner_service::create(&ctx.app()?.db, new).await?;
        Ok(CreatePartnerPayload {
            partner: Partner(partner),
        })
    }

    /// Edits a partner's profile. For the partner's ADMINs and the secretariat.
    async fn update_partner(
        &self,
        ctx: &Context<'_>,
        input: UpdatePartnerInput,
    ) -> async_graphql::Result<UpdatePartnerPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        let db = &ctx.app()?.db;
        partner_service::find(db, partner_id).await?;
        policy::update_partner(actor, partner_id)?;
        let changes = PartnerPatch {
            name: optional(input.name.as_deref(), |v| PartnerName::parse("name", v))?,
            kind: input.kind.map(Into::into),
            acronym: patch(&input.acronym, |v| Acronym::parse("acronym", v))?,
            country: patch(&input.country, |v| CountryCode::parse("country", v))?,
            region: patch(&input.region, |v| Region::parse("region", v))?,
            website: patch(&input.website, |v| Website::parse("website", v))?,
            description: patch(&input.description, |v| Description::parse("description", v))?,
        };
        let partner =
            partner_service::update(db, partner_id, changes, input.expected_version).await?;
        Ok(UpdatePartnerPayload {
            partner: Partner(partner),
        })
    }
}
