//! The knowledge platform's resources: what they are, where they stand, and the
//! bounds of what they hold.
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::{bounded_text, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ResourceKind {
    GoodPractice,
    Research,
    Data,
    Policy,
    Tool,
    News,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum GeoCoverage {
    Global,
    Regional,
    National,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ResourceState {
    Submitted,
    Published,
    Rejected,
    Archived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceDecision {
    Publish,
    Reject,
}

macro_rules! as_str {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    )*};
}
as_str!(ResourceKind, GeoCoverage, ResourceState);

impl ResourceState {
    /// Where `decision` takes a resource in this state, if anywhere: the
    /// secretariat decides on what was submitted (a rejected one is submitted
    /// again by an update).
    pub fn after(self, decision: ResourceDecision) -> Option<Self> {
        match (self, decision) {
            (Self::Submitted, ResourceDecision::Publish) => Some(Self::Published),
            (Self::Submitted, ResourceDecision::Reject) => Some(Self::Rejected),
            _ => None,
        }
    }

    /// Where an update takes it: a rejected resource goes back to review; an
    /// archived one is not changed any more.
    pub fn after_update(self) -> Option<Self> {
        match self {
            Self::Submitted | Self::Rejected => Some(Self::Submitted),
            Self::Published => Some(Self::Published),
            Self::Archived => None,
        }
    }
}

bounded_text!(
    /// A resource's title.
    ResourceTitle,
    1,
    300
);

bounded_text!(
    /// A resource's summary.
    ResourceSummary,
    1,
    2_000
);

bounded_text!(
    /// A resource's body.
    ResourceBody,
    1,
    50_000
);

/// A tag: lower-cased, 1 to 50 characters, no commas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag(String);

impl Tag {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let value = super::bounded(field, value, 1, 50)?.to_lowercase();
        if value.contains([',', '\n', '\t']) {
            return Err(ValidationError::new(
                field,
                "must not contain commas or line breaks",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Most elements a list of a resource (countries, targets, tags, links) holds.
pub const MAX_LIST: usize = 50;

/// Text folded for comparison: lower-cased, without diacritics (each letter
/// decomposed, its combining marks dropped). Highlights fold many words per
/// search: ASCII letters are only lower-cased.
pub fn fold(text: &str) -> String {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
            continue;
        }
        decompose_canonical(c, |part| {
            if !is_combining_mark(part) {
                folded.extend(part.to_lowercase());
            }
        });
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(
            fold("Travail FORCÉ dans les chaînes"),
            "travail force dans les chaines"
        );
        assert_eq!(fold("Niño"), "nino");
        assert_eq!(fold("ÉCONOMÍA Côte d'Ivoire"), "economia cote d'ivoire");
        // Letters without a decomposition stay as they are, lower-cased.
        assert_eq!(fold("Œuvre ÆØ ß"), "œuvre æø ß");
    }

    #[test]
    fn decisions_follow_submission() {
        assert_eq!(
            ResourceState::Submitted.after(ResourceDecision::Publish),
            Some(ResourceState::Published)
        );
        assert_eq!(
            ResourceState::Published.after(ResourceDecision::Reject),
            None
        );
        assert_eq!(ResourceState::Archived.after_update(), None);
        assert_eq!(
            ResourceState::Rejected.after_update(),
            Some(ResourceState::Submitted)
        );
        assert!(Tag::parse("tags", "a,b").is_err());
        assert_eq!(
            Tag::parse("tags", " Forced Labour ").unwrap().as_str(),
            "forced labour"
        );
    }
}
