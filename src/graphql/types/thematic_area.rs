use async_graphql::{Context, Object, ID};
use entity::thematic_areas;

use super::Coalition;
use crate::{
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::CoalitionKey,
    },
};

/// A priority of a coalition, e.g. "Just transitions".
pub struct ThematicArea(pub thematic_areas::Model);

#[Object]
impl ThematicArea {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ThematicArea, self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn coalition(&self, ctx: &Context<'_>) -> async_graphql::Result<Coalition> {
        let coalition = ctx
            .loaders()?
            .load_one(CoalitionKey(self.0.coalition_id))
            .await?;
        Ok(Coalition(coalition.ok_or(AppError::NotFound("coalition"))?))
    }
}
