use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::coalition_partners;

use super::{enums::stored, Coalition, MembershipStatus, Partner};
use crate::{
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{CoalitionKey, PartnerKey},
    },
};

/// A partner's membership in a coalition.
pub struct CoalitionMembership(pub coalition_partners::Model);

#[Object]
impl CoalitionMembership {
    pub async fn id(&self) -> ID {
        encode(NodeKind::CoalitionMembership, self.0.id)
    }

    async fn coalition(&self, ctx: &Context<'_>) -> async_graphql::Result<Coalition> {
        let coalition = ctx
            .loaders()?
            .load_one(CoalitionKey(self.0.coalition_id))
            .await?;
        Ok(Coalition(coalition.ok_or(AppError::NotFound("coalition"))?))
    }

    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Partner> {
        let partner = ctx
            .loaders()?
            .load_one(PartnerKey(self.0.partner_id))
            .await?;
        Ok(Partner(partner.ok_or(AppError::NotFound("partner"))?))
    }

    async fn status(&self) -> async_graphql::Result<MembershipStatus> {
        stored::<crate::domain::MembershipStatus>(&self.0.status).map(Into::into)
    }

    /// When the membership became ACTIVE; null while PENDING.
    async fn joined_at(&self) -> Option<DateTime<Utc>> {
        self.0.joined_at
    }
}
