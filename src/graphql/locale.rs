//! Which language a translatable field answers in: its `locale` argument, else
//! the request's `Accept-Language` (EN, FR or ES), else the text's original.
use std::sync::Arc;

use async_graphql::{dataloader::Loader, Context, SimpleObject};
use entity::text_translations;

use super::{context::ContextExt, loaders::DbLoader, types::Locale as GqlLocale};
use crate::domain::Locale;

/// The language the request prefers (from `Accept-Language`), if it names one
/// of the platform's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestLocale(pub Option<Locale>);

impl RequestLocale {
    /// The best of EN, FR and ES by the header's weights (a regional tag such
    /// as `fr-CH` counts as its language). A header longer than any browser
    /// sends is ignored.
    pub fn from_header(value: Option<&str>) -> Self {
        let Some(value) = value.filter(|v| v.len() <= 512) else {
            return Self(None);
        };
        // Ordered by quality, highest first.
        let tags = accept_language::parse(value);
        Self(tags.iter().find_map(|tag| tag.parse().ok()))
    }
}

/// The language a field is asked in, if any.
pub fn wanted(ctx: &Context<'_>, argument: Option<GqlLocale>) -> Option<Locale> {
    argument
        .map(Into::into)
        .or_else(|| ctx.data_opt::<RequestLocale>().and_then(|l| l.0))
}

/// A translation into one language of a name and a description.
#[derive(SimpleObject, Clone)]
pub struct TextTranslation {
    pub locale: GqlLocale,
    pub name: String,
    pub description: Option<String>,
}

impl TextTranslation {
    pub fn from_row(row: &text_translations::Model) -> Option<Self> {
        Some(Self {
            locale: row.locale.parse::<Locale>().ok()?.into(),
            name: row.name.clone(),
            description: row.description.clone(),
        })
    }
}

/// The stored original locale of a translatable text, as the API shows it.
pub fn original(stored: &str) -> GqlLocale {
    stored.parse::<Locale>().unwrap_or_default().into()
}

/// The translations behind `key` (a coalition's, a thematic area's, a
/// resource's), loaded for the whole level at once.
pub async fn all<K, M>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<M>>
where
    DbLoader: Loader<K, Value = Arc<Vec<M>>, Error = async_graphql::Error>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
{
    Ok(ctx.loaders()?.load_one(key).await?.unwrap_or_default())
}

/// The translation a field asked in `argument` (or the request's language)
/// answers with: none when no language is asked, when it is the original's
/// (then nothing is loaded), or when there is no translation into it.
pub async fn translation<K, M>(
    ctx: &Context<'_>,
    argument: Option<GqlLocale>,
    original: &str,
    key: K,
    locale_of: impl Fn(&M) -> &str,
) -> async_graphql::Result<Option<M>>
where
    DbLoader: Loader<K, Value = Arc<Vec<M>>, Error = async_graphql::Error>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
{
    let Some(wanted) = wanted(ctx, argument) else {
        return Ok(None);
    };
    if original == wanted.as_str() {
        return Ok(None);
    }
    Ok(all(ctx, key)
        .await?
        .into_iter()
        .find(|t| locale_of(t) == wanted.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_picks_the_best_supported_language() {
        let pick = |h| RequestLocale::from_header(Some(h)).0;
        assert_eq!(pick("fr-CH, fr;q=0.9, en;q=0.8"), Some(Locale::Fr));
        assert_eq!(pick("de-DE, es;q=0.5, en;q=0.4"), Some(Locale::Es));
        assert_eq!(pick("en;q=0.1, fr;q=0.2"), Some(Locale::Fr));
        assert_eq!(pick("de, it"), None);
        assert_eq!(pick("*"), None);
        assert_eq!(
            RequestLocale::from_header(Some(&"fr,".repeat(1000))).0,
            None
        );
        assert_eq!(RequestLocale::from_header(None).0, None);
    }
}
