//! Stream names and event subjects.
use std::fmt;

/// A sequence of events that subscribers follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stream {
    ActionGroup(i64),
    Commitment(i64),
    User(i64),
    /// An application's history: the secretariat's and the applicant's only.
    Application(i64),
    /// A resource's history: read by whoever may read the resource.
    Resource(i64),
}

impl Stream {
    /// The stored name, e.g. "group:12".
    pub fn key(&self) -> String {
        self.to_string()
    }

    pub fn parse(key: &str) -> Option<Self> {
        let (kind, id) = key.split_once(':')?;
        let id = id.parse().ok()?;
        match kind {
            "group" => Some(Self::ActionGroup(id)),
            "commitment" => Some(Self::Commitment(id)),
            "user" => Some(Self::User(id)),
            "application" => Some(Self::Application(id)),
            "resource" => Some(Self::Resource(id)),
            _ => None,
        }
    }
}

impl fmt::Display for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ActionGroup(id) => write!(f, "group:{id}"),
            Self::Commitment(id) => write!(f, "commitment:{id}"),
            Self::User(id) => write!(f, "user:{id}"),
            Self::Application(id) => write!(f, "application:{id}"),
            Self::Resource(id) => write!(f, "resource:{id}"),
        }
    }
}

/// What an event is about: the type name of a Node and its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub kind: &'static str,
    pub id: i64,
}

impl Subject {
    pub fn action_group(id: i64) -> Self {
        Self {
            kind: "ActionGroup",
            id,
        }
    }

    pub fn partner(id: i64) -> Self {
        Self {
            kind: "Partner",
            id,
        }
    }

    pub fn work_plan(id: i64) -> Self {
        Self {
            kind: "WorkPlan",
            id,
        }
    }

    pub fn work_plan_item(id: i64) -> Self {
        Self {
            kind: "WorkPlanItem",
            id,
        }
    }

    pub fn commitment(id: i64) -> Self {
        Self {
            kind: "Commitment",
            id,
        }
    }

    pub fn partnership_application(id: i64) -> Self {
        Self {
            kind: "PartnershipApplication",
            id,
        }
    }

    pub fn resource(id: i64) -> Self {
        Self {
            kind: "Resource",
            id,
        }
    }

    pub fn progress_report(id: i64) -> Self {
        Self {
            kind: "ProgressReport",
            id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_keys_round_trip() {
        for stream in [
            Stream::ActionGroup(3),
            Stream::Commitment(4),
            Stream::User(5),
            Stream::Application(6),
            Stream::Resource(7),
        ] {
            assert_eq!(Stream::parse(&stream.key()), Some(stream));
        }
        assert_eq!(Stream::parse("group:x"), None);
        assert_eq!(Stream::parse("other:1"), None);
    }
}
