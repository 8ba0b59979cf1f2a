use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::{coalitions, text_translations};

use super::{ActionGroup, Locale, Partner, PathfinderCountry, ProgressSummary, ThematicArea};
use crate::{
    graphql::{
        connection::{connection, loaded_page, page_complexity, CountedConnection},
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{
            CoalitionGroupCount, CoalitionGroupsPage, CoalitionPartnerCount, CoalitionPartnersPage,
            CoalitionProgress, CoalitionTranslations, PathfindersOf, ThematicAreasOf,
        },
        locale::{self, TextTranslation},
    },
    pagination::PageArgs,
    services::coalitions as coalition_service,
};

/// An alliance of partners, e.g. the Global Coalition for Social Justice.
pub struct Coalition(pub coalitions::Model);

impl Coalition {
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
            CoalitionTranslations(self.0.id),
            |t: &text_translations::Model| t.locale.as_str(),
        )
        .await?;
        Ok(row.as_ref().and_then(TextTranslation::from_row))
    }
}

#[Object]
impl Coalition {
    pub async fn id(&self) -> ID {
        encode(NodeKind::Coalition, self.0.id)
    }

    async fn slug(&self) -> &str {
        &self.0.slug
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
            locale::all(ctx, CoalitionTranslations(self.0.id)).await?;
        Ok(rows.iter().filter_map(TextTranslation::from_row).collect())
    }

    /// Sustainable Development Goal targets the coalition works towards, e.g. "8.7".
    async fn sdg_targets(&self) -> Vec<String> {
        coalition_service::sdg_targets(&self.0)
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The governments recorded as pathfinder countries (Alliance 8.7), by country code.
    async fn pathfinder_countries(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PathfinderCountry>> {
        let rows = ctx
            .loaders()?
            .load_one(PathfindersOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(PathfinderCountry).collect())
    }

    /// Current (pending or active) partners, in order of admission.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Partner>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (page, total) = loaded_page(
            ctx.loaders()?,
            CoalitionPartnersPage(self.0.id, args),
            CoalitionPartnerCount(self.0.id),
        )
        .await?;
        Ok(connection(page, total, |member| Partner(member.partner)))
    }

    async fn thematic_areas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ThematicArea>> {
        let areas = ctx.loaders()?.load_one(ThematicAreasOf(self.0.id)).await?;
        Ok(areas
            .unwrap_or_default()
            .into_iter()
            .map(ThematicArea)
            .collect())
    }

    /// Active action groups, oldest first.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn action_groups(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<ActionGroup>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (page, total) = loaded_page(
            ctx.loaders()?,
            CoalitionGroupsPage(self.0.id, args),
            CoalitionGroupCount(self.0.id),
        )
        .await?;
        Ok(connection(page, total, ActionGroup))
    }

    /// Commitment counts per status, average progress and overdue count.
    async fn progress(&self, ctx: &Context<'_>) -> async_graphql::Result<ProgressSummary> {
        let summary = ctx
            .loaders()?
            .load_one(CoalitionProgress(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(ProgressSummary(summary))
    }
}
