use async_graphql::{Context, Interface, ID};

use super::{Coalition, CoalitionMembership, Partner, ThematicArea, User};
use crate::{
    auth::policy,
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{decode, NodeKind},
        loaders::{CoalitionKey, PartnerKey, ThematicAreaKey, UserKey},
    },
    services::accounts,
};

/// Anything with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "An opaque global id."))]
pub enum Node {
    User(User),
    Partner(Partner),
    Coalition(Coalition),
    CoalitionMembership(CoalitionMembership),
    ThematicArea(ThematicArea),
}

/// The node behind a global id, or None when there is none the caller may see.
pub async fn resolve_node(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let Some((kind, row_id)) = decode(id.as_str()) else {
        return Err(AppError::bad_input("id", "is not a valid id").into());
    };
    let loaders = ctx.loaders()?;
    let node = match kind {
        NodeKind::Partner => loaders
            .load_one(PartnerKey(row_id))
            .await?
            .map(|p| Node::Partner(Partner(p))),
        NodeKind::Coalition => loaders
            .load_one(CoalitionKey(row_id))
            .await?
            .map(|c| Node::Coalition(Coalition(c))),
        NodeKind::ThematicArea => loaders
            .load_one(ThematicAreaKey(row_id))
            .await?
            .map(|t| Node::ThematicArea(ThematicArea(t))),
        NodeKind::CoalitionMembership => {
            use entity::coalition_partners;
            use sea_orm::EntityTrait;
            coalition_partners::Entity::find_by_id(row_id)
                .one(&ctx.app()?.db)
                .await
                .map_err(AppError::from)?
                .map(|m| Node::CoalitionMembership(CoalitionMembership(m)))
        }
        NodeKind::User => {
            let Some(viewer) = ctx.viewer() else {
                return Ok(None);
            };
            let partner_ids = accounts::partner_ids_of_user(&ctx.app()?.db, row_id).await?;
            if !policy::read_user(viewer, row_id, &partner_ids) {
                return Ok(None);
            }
            loaders
                .load_one(UserKey(row_id))
                .await?
                .map(|u| Node::User(User(u)))
        }
    };
    Ok(node)
}
