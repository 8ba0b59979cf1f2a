use async_graphql::{Context, Object, ID};
use entity::{text_translations, thematic_areas};

use super::{Coalition, Locale};
use crate::{
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{CoalitionKey, ThematicAreaTranslations},
        locale::{self, TextTranslation},
    },
};

/// A priority of a coalition, e.g. "Just transitions".
pub struct ThematicArea(pub thematic_areas::Model);

impl ThematicArea {
    /// The translation a field asked in `locale` answers with, if any.
    async fn translation(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
    ) -> async_graphql::Result<Option<TextTranslation>> {
        let row = locale::translation(
            ctx,
            locale,
            &self.0.original_locale,
            ThematicAreaTranslations(self.0.id),
            |t: &text_translations::Model| t.locale.as_str(),
        )
        .await?;
        Ok(row.as_ref().and_then(TextTranslation::from_row))
    }
}

#[Object]
impl ThematicArea {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ThematicArea, self.0.id)
    }

    /// In `locale`, else in the request's `Accept-Language`, else in the original.
    async fn name(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
    ) -> async_graphql::Result<String> {
        Ok(match self.translation(ctx, locale).await? {
            Some(t) => t.name,
            None => self.0.name.clone(),
        })
    }

    /// In `locale`, else in the request's `Accept-Language`, else in the original.
    async fn description(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
    ) -> async_graphql::Result<Option<String>> {
        Ok(match self.translation(ctx, locale).await? {
            Some(t) => t.description,
            None => self.0.description.clone(),
        })
    }

    /// The language of the name and description as written.
    async fn original_locale(&self) -> Locale {
        locale::original(&self.0.original_locale)
    }

    /// Its translations (the original is not among them).
    async fn translations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TextTranslation>> {
        let rows: Vec<text_translations::Model> =
            locale::all(ctx, ThematicAreaTranslations(self.0.id)).await?;
        Ok(rows.iter().filter_map(TextTranslation::from_row).collect())
    }

    async fn coalition(&self, ctx: &Context<'_>) -> async_graphql::Result<Coalition> {
        let coalition = ctx
            .loaders()?
            .load_one(CoalitionKey(self.0.coalition_id))
            .await?;
        Ok(Coalition(coalition.ok_or(AppError::NotFound("coalition"))?))
    }
}
