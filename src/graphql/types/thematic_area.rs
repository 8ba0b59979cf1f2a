use async_graphql::{Context, Object, ID};
use entity::thematic_areas;

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
        let Some(wanted) = locale::wanted(ctx, locale) else {
            return Ok(None);
        };
        if self.0.original_locale == wanted.as_str() {
            return Ok(None);
        }
        let rows = ctx
            .loaders()?
            .load_one(ThematicAreaTranslations(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(locale::pick(Some(wanted), &self.0.original_locale, &rows)
            .and_then(TextTranslation::from_row))
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
        self.0
            .original_locale
            .parse::<crate::domain::Locale>()
            .unwrap_or_default()
            .into()
    }

    /// Its translations (the original is not among them).
    async fn translations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TextTranslation>> {
        let rows = ctx
            .loaders()?
            .load_one(ThematicAreaTranslations(self.0.id))
            .await?
            .unwrap_or_default();
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
