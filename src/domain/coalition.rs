//! Coalitions and their memberships.
use strum::{EnumString, IntoStaticStr};

use super::{bounded_text, ValidationError};

bounded_text!(
    /// The name of a coalition, e.g. "Global Coalition for Social Justice".
    CoalitionName,
    1,
    200
);

/// A URL-friendly identifier: lower-case letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let value = value.trim();
        let well_formed = (2..=64).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if well_formed {
            Ok(Self(value.to_owned()))
        } else {
            Err(ValidationError::new(
                field,
                "must be 2-64 lower-case letters, digits and single hyphens",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Sustainable Development Goal target such as "8.7" or "16.a".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdgTarget(String);

impl SdgTarget {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let value = value.trim();
        let valid = value.split_once('.').is_some_and(|(goal, target)| {
            goal.parse::<u8>().is_ok_and(|g| (1..=17).contains(&g))
                && !target.is_empty()
                && target.len() <= 2
                && target
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        });
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(ValidationError::new(
                field,
                "must be an SDG target such as \"8.7\"",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The state of a partner's membership in a coalition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum MembershipStatus {
    Pending,
    Active,
    Withdrawn,
}

impl MembershipStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_with_single_hyphens() {
        assert!(Slug::parse("slug", "alliance-8-7").is_ok());
        for bad in ["A", "Alliance", "-a", "a-", "a--b", "a b", "é"] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn sdg_targets_follow_goal_dot_target() {
        for good in ["8.7", "16.a", "1.1"] {
            assert!(
                SdgTarget::parse("sdgTargets", good).is_ok(),
                "{good} refused"
            );
        }
        for bad in ["8", "18.1", "0.1", "8.", "8.777"] {
            assert!(
                SdgTarget::parse("sdgTargets", bad).is_err(),
                "{bad} accepted"
            );
        }
    }
}
