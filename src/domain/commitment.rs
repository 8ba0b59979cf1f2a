//! Commitments and progress reports.
use strum::{EnumString, IntoStaticStr};

use super::{bounded_text, group::as_str, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum CommitmentStatus {
    Planned,
    OnTrack,
    AtRisk,
    OffTrack,
    Completed,
    Withdrawn,
}

/// Who may see a commitment besides its own partner and the secretariat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Visibility {
    /// Everyone, signed in or not.
    Public,
    /// Users of the coalition's active partners.
    Coalition,
    /// Users of the action group's member partners.
    Group,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewState {
    Submitted,
    Approved,
    Returned,
}

as_str!(CommitmentStatus, Visibility, ReviewState);

impl CommitmentStatus {
    /// Statuses in which a commitment is no longer expected to progress.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Withdrawn)
    }
}

/// Progress in percent, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress(i32);

impl Progress {
    pub fn parse(field: &'static str, value: i32) -> Result<Self, ValidationError> {
        if (0..=100).contains(&value) {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(field, "must be between 0 and 100"))
        }
    }

    pub fn value(self) -> i32 {
        self.0
    }
}

/// A finite number for indicator values (baseline, target, reported value).
pub fn finite(field: &'static str, value: f64) -> Result<f64, ValidationError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ValidationError::new(field, "must be a finite number"))
    }
}

bounded_text!(
    /// What a progress report says happened.
    Narrative,
    0,
    10_000
);

bounded_text!(
    /// Why a report was returned.
    Reason,
    1,
    2_000
);

bounded_text!(
    /// How progress is measured, e.g. "Children removed from hazardous work".
    Indicator,
    1,
    500
);

bounded_text!(
    /// The unit of the indicator, e.g. "people" or "%".
    Unit,
    1,
    50
);

/// A client-chosen key that makes a retried mutation apply once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let valid = (1..=100).contains(&value.len()) && value.chars().all(|c| c.is_ascii_graphic());
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(ValidationError::new(
                field,
                "must be 1-100 printable ASCII characters",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_a_percentage() {
        assert!(Progress::parse("progress", 0).is_ok());
        assert!(Progress::parse("progress", 100).is_ok());
        assert!(Progress::parse("progress", 101).is_err());
        assert!(Progress::parse("progress", -1).is_err());
    }

    #[test]
    fn idempotency_keys_are_short_printable_ascii() {
        assert!(IdempotencyKey::parse("k", "report-2025-06-01#3").is_ok());
        assert!(IdempotencyKey::parse("k", "").is_err());
        assert!(IdempotencyKey::parse("k", "with space").is_err());
        assert!(IdempotencyKey::parse("k", &"k".repeat(101)).is_err());
    }

    #[test]
    fn only_completed_and_withdrawn_are_final() {
        assert!(CommitmentStatus::Completed.is_final());
        assert!(!CommitmentStatus::AtRisk.is_final());
    }
}
