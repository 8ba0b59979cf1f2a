//! Action groups and their work plans.
use chrono::NaiveDate;
use strum::{EnumString, IntoStaticStr};

use super::{bounded_text, ValidationError};

/// A partner's role in an action group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum GroupRole {
    Lead,
    Member,
    Observer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionGroupStatus {
    Active,
    Archived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkPlanLevel {
    Global,
    Regional,
    National,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkPlanStatus {
    Draft,
    Adopted,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkPlanItemStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
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
as_str!(
    GroupRole,
    ActionGroupStatus,
    WorkPlanLevel,
    WorkPlanStatus,
    WorkPlanItemStatus
);
pub(crate) use as_str;

bounded_text!(
    /// A short title: of a group, plan, item or commitment.
    Title,
    1,
    200
);

/// A work plan's period: it starts on or before it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

impl Period {
    pub fn new(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<Self, ValidationError> {
        if starts_on > ends_on {
            return Err(ValidationError::new(
                "endsOn",
                "must not be before startsOn",
            ));
        }
        Ok(Self { starts_on, ends_on })
    }

    pub fn starts_on(&self) -> NaiveDate {
        self.starts_on
    }

    pub fn ends_on(&self) -> NaiveDate {
        self.ends_on
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_period_starts_on_or_before_its_end() {
        assert!(Period::new(day("2025-01-01"), day("2025-01-01")).is_ok());
        assert!(Period::new(day("2025-01-02"), day("2025-01-01")).is_err());
        let period = Period::new(day("2025-01-01"), day("2025-12-31")).unwrap();
        assert!(period.contains(day("2025-06-30")));
        assert!(!period.contains(day("2026-01-01")));
    }

    #[test]
    fn statuses_use_the_api_names() {
        assert_eq!(WorkPlanItemStatus::InProgress.as_str(), "IN_PROGRESS");
        assert_eq!(
            "OBSERVER".parse::<GroupRole>().unwrap(),
            GroupRole::Observer
        );
    }
}
