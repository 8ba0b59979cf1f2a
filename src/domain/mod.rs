//! Pure domain types and rules: every external input becomes one of these at the
//! edge (parse, don't validate), so the inside never checks again.
//! No sea_orm, no async_graphql here.
mod application;
mod coalition;
mod commitment;
mod group;
mod identity;
mod locale;
mod partner;
mod resource;
mod roles;
mod text;

pub use application::{
    ApplicationDecision, ApplicationKind, ApplicationState, ApplicationText, InstitutionName,
    JobTitle, PersonName,
};
pub use coalition::{CoalitionName, MembershipStatus, SdgTarget, Slug};
pub use commitment::{
    finite, CommitmentStatus, IdempotencyKey, Indicator, Narrative, Progress, Reason, ReviewState,
    Unit, Visibility,
};
pub use group::{
    ActionGroupStatus, GroupRole, Period, Title, WorkPlanItemStatus, WorkPlanLevel, WorkPlanStatus,
};
pub use identity::{DisplayName, Email, Password};
pub use locale::Locale;
pub use partner::{
    partner_search_text, Acronym, CountryCode, PartnerKind, PartnerName, Region, Website,
};
pub use resource::{
    fold, GeoCoverage, ResourceBody, ResourceDecision, ResourceKind, ResourceState,
    ResourceSummary, ResourceTitle, Tag, MAX_LIST,
};
pub use roles::{PartnerRole, PlatformRole};
pub use text::{Description, SearchTerm};

/// An input that does not satisfy a domain rule, and the input field it came from.
/// (No `Display` on purpose: see `AppError`. It becomes a BAD_USER_INPUT.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Trims `value` and checks its length in characters.
pub(crate) fn bounded(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    if length < min {
        return Err(if min == 1 {
            ValidationError::new(field, "must not be empty")
        } else {
            ValidationError::new(field, format!("must be at least {min} characters"))
        });
    }
    if length > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Declares a newtype around a bounded, trimmed string.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(field: &'static str, value: &str) -> Result<Self, $crate::domain::ValidationError> {
                $crate::domain::bounded(field, value, $min, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}
pub(crate) use bounded_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_trims_and_counts_characters_not_bytes() {
        assert_eq!(bounded("f", "  é  ", 1, 1).unwrap(), "é");
        assert!(bounded("f", "   ", 1, 5).is_err());
        assert!(bounded("f", "abcdef", 1, 5).is_err());
        assert!(bounded("f", "a\u{0}b", 1, 5).is_err());
    }
}
