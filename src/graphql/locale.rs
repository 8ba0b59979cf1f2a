//! Which language a translatable field answers in: its `locale` argument, else
//! the request's `Accept-Language` (EN, FR or ES), else the text's original.
use async_graphql::{Context, SimpleObject};
use entity::text_translations;

use super::types::Locale as GqlLocale;
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

/// The translation of `translations` into `wanted`, unless that is the original.
pub fn pick<'a>(
    wanted: Option<Locale>,
    original: &str,
    translations: &'a [text_translations::Model],
) -> Option<&'a text_translations::Model> {
    let wanted = wanted?;
    if original.parse::<Locale>().ok() == Some(wanted) {
        return None;
    }
    translations.iter().find(|t| t.locale == wanted.as_str())
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
