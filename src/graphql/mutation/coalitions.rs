use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::{
    auth::policy,
    domain::{self, CoalitionName, Description, SdgTarget, Slug},
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{self, NodeKind},
        loaders::{CoalitionKey, ThematicAreaKey},
        types::{Coalition, CoalitionMembership, Locale, MembershipStatus, ThematicArea},
    },
    services::{
        coalitions::{self as coalition_service, NewCoalition},
        translations::{self, Translated},
    },
};

#[derive(Default)]
pub struct CoalitionMutations;

/// A coalition's name and description in another language.
#[derive(InputObject)]
pub struct SetCoalitionTranslationInput {
    pub coalition_id: ID,
    pub locale: Locale,
    pub name: String,
    pub description: Option<String>,
}

#[derive(SimpleObject)]
pub struct SetCoalitionTranslationPayload {
    pub coalition: Coalition,
}

/// A thematic area's name and description in another language.
#[derive(InputObject)]
pub struct SetThematicAreaTranslationInput {
    pub thematic_area_id: ID,
    pub locale: Locale,
    pub name: String,
    pub description: Option<String>,
}

#[derive(SimpleObject)]
pub struct SetThematicAreaTranslationPayload {
    pub thematic_area: ThematicArea,
}

#[derive(InputObject)]
pub struct CreateCoalitionInput {
    pub name: String,
    /// Lower-case letters, digits and hyphens, e.g. "alliance-8-7".
    pub slug: String,
    pub description: Option<String>,
    /// SDG targets such as "8.7" (at most 20).
    pub sdg_targets: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct CreateCoalitionPayload {
    pub coalition: Coalition,
}

#[derive(InputObject)]
pub struct AddCoalitionPartnerInput {
    pub coalition_id: ID,
    pub partner_id: ID,
    /// Default ACTIVE (dated now); PENDING for an application under review.
    pub status: Option<MembershipStatus>,
}

#[derive(SimpleObject)]
pub struct AddCoalitionPartnerPayload {
    pub membership: CoalitionMembership,
}

#[derive(InputObject)]
pub struct UpdateCoalitionPartnerInput {
    pub coalition_id: ID,
    pub partner_id: ID,
    pub status: MembershipStatus,
}

#[derive(SimpleObject)]
pub struct UpdateCoalitionPartnerPayload {
    pub membership: CoalitionMembership,
}

#[derive(InputObject)]
pub struct CreateThematicAreaInput {
    pub coalition_id: ID,
    pub name: String,
    pub description: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreateThematicAreaPayload {
    pub thematic_area: ThematicArea,
}

const MAX_SDG_TARGETS: usize = 20;

#[Object]
impl CoalitionMutations {
    /// Creates a coalition. Secretariat only.
    async fn create_coalition(
        &self,
        ctx: &Context<'_>,
        input: CreateCoalitionInput,
    ) -> async_graphql::Result<CreateCoalitionPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        policy::create_coalition(actor)?;
        let targets = input.sdg_targets.unwrap_or_default();
        if targets.len() > MAX_SDG_TARGETS {
            return Err(crate::error::AppError::bad_input(
                "sdgTargets",
                format!("at most {MAX_SDG_TARGETS} targets"),
            )
            .into());
        }
        let new = NewCoalition {
            name: CoalitionName::parse("name", &input.name)?,
            slug: Slug::parse("slug", &input.slug)?,
            description: input
                .description
                .as_deref()
                .map(|d| Description::parse("description", d))
                .transpose()?,
            sdg_targets: targets
                .iter()
                .map(|t| SdgTarget::parse("sdgTargets", t))
                .collect::<Result<_, _>>()?,
        };
        let coalition = coalition_service::create(&ctx.app()?.db, new).await?;
        Ok(CreateCoalitionPayload {
            coalition: Coalition(coalition),
        })
    }

    /// Admits a partner to a coalition. Secretariat only.
    async fn add_coalition_partner(
        &self,
        ctx: &Context<'_>,
        input: AddCoalitionPartnerInput,
    ) -> async_graphql::Result<AddCoalitionPartnerPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let coalition_id = ids::expect("coalitionId", &input.coalition_id, NodeKind::Coalition)?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        policy::manage_coalition(actor)?;
        let status = input
            .status
            .map_or(domain::MembershipStatus::Active, Into::into);
        let membership =
            coalition_service::add_partner(&ctx.app()?.db, coalition_id, partner_id, status)
                .await?;
        Ok(AddCoalitionPartnerPayload {
            membership: CoalitionMembership(membership),
        })
    }

    /// Activates, suspends to pending, or withdraws a membership. Secretariat only.
    async fn update_coalition_partner(
        &self,
        ctx: &Context<'_>,
        input: UpdateCoalitionPartnerInput,
    ) -> async_graphql::Result<UpdateCoalitionPartnerPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let coalition_id = ids::expect("coalitionId", &input.coalition_id, NodeKind::Coalition)?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        policy::manage_coalition(actor)?;
        let membership = coalition_service::set_membership_status(
            &ctx.app()?.db,
            coalition_id,
            partner_id,
            input.status.into(),
        )
        .await?;
        Ok(UpdateCoalitionPartnerPayload {
            membership: CoalitionMembership(membership),
        })
    }

    /// Adds a thematic area (a priority) to a coalition. Secretariat only.
    async fn create_thematic_area(
        &self,
        ctx: &Context<'_>,
        input: CreateThematicAreaInput,
    ) -> async_graphql::Result<CreateThematicAreaPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let coalition_id = ids::expect("coalitionId", &input.coalition_id, NodeKind::Coalition)?;
        policy::manage_coalition(actor)?;
        let area = coalition_service::create_thematic_area(
            &ctx.app()?.db,
            coalition_id,
            CoalitionName::parse("name", &input.name)?,
            input
                .description
                .as_deref()
                .map(|d| Description::parse("description", d))
                .transpose()?,
        )
        .await?;
        Ok(CreateThematicAreaPayload {
            thematic_area: ThematicArea(area),
        })
    }

    /// Sets a coalition's name and description in a language other than its
    /// original (replacing an earlier translation). Secretariat only.
    async fn set_coalition_translation(
        &self,
        ctx: &Context<'_>,
        input: SetCoalitionTranslationInput,
    ) -> async_graphql::Result<SetCoalitionTranslationPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let coalition_id = ids::expect("coalitionId", &input.coalition_id, NodeKind::Coalition)?;
        let app = ctx.app()?;
        let coalition = coalition_service::find(&app.db, coalition_id).await?;
        policy::manage_coalition(actor)?;
        translations::set(
            &app.db,
            Translated::Coalition,
            coalition.id,
            coalition.original_locale.parse().unwrap_or_default(),
            input.locale.into(),
            CoalitionName::parse("name", &input.name)?,
            input
                .description
                .as_deref()
                .map(|d| Description::parse("description", d))
                .transpose()?,
        )
        .await?;
        // The request's loaders may hold the translations as they were.
        ctx.loaders()?.clear::<CoalitionKey>();
        Ok(SetCoalitionTranslationPayload {
            coalition: Coalition(coalition),
        })
    }

    /// Sets a thematic area's name and description in a language other than
    /// its original. Secretariat only.
    async fn set_thematic_area_translation(
        &self,
        ctx: &Context<'_>,
        input: SetThematicAreaTranslationInput,
    ) -> async_graphql::Result<SetThematicAreaTranslationPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let area_id = ids::expect(
            "thematicAreaId",
            &input.thematic_area_id,
            NodeKind::ThematicArea,
        )?;
        let area = ctx
            .loaders()?
            .load_one(ThematicAreaKey(area_id))
            .await?
            .ok_or(AppError::NotFound("thematic area"))?;
        policy::manage_coalition(actor)?;
        translations::set(
            &ctx.app()?.db,
            Translated::ThematicArea,
            area.id,
            area.original_locale.parse().unwrap_or_default(),
            input.locale.into(),
            CoalitionName::parse("name", &input.name)?,
            input
                .description
                .as_deref()
                .map(|d| Description::parse("description", d))
                .transpose()?,
        )
        .await?;
        Ok(SetThematicAreaTranslationPayload {
            thematic_area: ThematicArea(area),
        })
    }
}
