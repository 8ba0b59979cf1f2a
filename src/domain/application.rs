//! Applications to join a coalition: what they are, what they hold, and the
//! workflow their state follows.
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::bounded_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationKind {
    /// An organisation asks to become a partner.
    Partner,
    /// A government asks to be a pathfinder country (Alliance 8.7).
    PathfinderCountry,
}

impl ApplicationKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationState {
    Submitted,
    UnderReview,
    MoreInfoRequested,
    Approved,
    Rejected,
    Withdrawn,
}

/// What the secretariat decides about an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationDecision {
    StartReview,
    RequestInfo,
    Approve,
    Reject,
}

impl ApplicationState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Still open: counts as the organisation's one application to a coalition.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::UnderReview | Self::MoreInfoRequested
        )
    }

    /// The applicant may change the application: as submitted, or when asked for more.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Submitted | Self::MoreInfoRequested)
    }

    /// Where the applicant's update takes it: an answer to a request for more
    /// information goes back to the reviewer.
    pub fn after_update(self) -> Option<Self> {
        match self {
            Self::Submitted => Some(Self::Submitted),
            Self::MoreInfoRequested => Some(Self::UnderReview),
            _ => None,
        }
    }

    /// Where `decision` takes an application in this state; None when the
    /// workflow does not allow it (a CONFLICT).
    pub fn after(self, decision: ApplicationDecision) -> Option<Self> {
        use ApplicationDecision::*;
        match (self, decision) {
            (Self::Submitted, StartReview) => Some(Self::UnderReview),
            (Self::Submitted | Self::UnderReview, RequestInfo) => Some(Self::MoreInfoRequested),
            (Self::UnderReview, Approve) => Some(Self::Approved),
            (Self::Submitted | Self::UnderReview | Self::MoreInfoRequested, Reject) => {
                Some(Self::Rejected)
            }
            _ => None,
        }
    }
}

impl ApplicationDecision {
    /// REQUEST_INFO and REJECT tell the applicant why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::RequestInfo | Self::Reject)
    }
}

bounded_text!(
    /// A person's name, as they write it.
    PersonName,
    1,
    120
);

bounded_text!(
    /// A person's job title, e.g. "Director, Ministry of Labour".
    JobTitle,
    1,
    120
);

bounded_text!(
    /// The institution a nominee works for.
    InstitutionName,
    1,
    200
);

bounded_text!(
    /// A motivation, an intention or one of the pathfinder items.
    ApplicationText,
    1,
    5_000
);

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn the_workflow_allows_only_its_own_steps() {
        use ApplicationDecision::*;
        use ApplicationState::*;
        assert_eq!(Submitted.after(StartReview), Some(UnderReview));
        assert_eq!(UnderReview.after(RequestInfo), Some(MoreInfoRequested));
        assert_eq!(UnderReview.after(Approve), Some(Approved));
        assert_eq!(MoreInfoRequested.after(Reject), Some(Rejected));
        // Approval follows a review; a decided application stays decided.
        assert_eq!(Submitted.after(Approve), None);
        assert_eq!(MoreInfoRequested.after(Approve), None);
        for decision in [StartReview, RequestInfo, Approve, Reject] {
            for closed in [Approved, Rejected, Withdrawn] {
                assert_eq!(closed.after(decision), None);
            }
        }
        assert_eq!(MoreInfoRequested.after_update(), Some(UnderReview));
        assert_eq!(UnderReview.after_update(), None);
        for state in ApplicationState::iter() {
            assert_eq!(state.as_str().parse::<ApplicationState>(), Ok(state));
            assert!(!state.is_editable() || state.is_open());
        }
    }
}
