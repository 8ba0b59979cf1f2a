//! GraphQL enums, mirrored one-to-one from the domain.
use async_graphql::Enum;

use crate::domain;

/// What kind of organisation a partner is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PartnerKind")]
pub enum PartnerKind {
    Government,
    EmployersOrganization,
    WorkersOrganization,
    InternationalOrganization,
    FinancialInstitution,
    RegionalOrganization,
    Ngo,
    Enterprise,
    AcademicInstitution,
    CivilSociety,
    Other,
}

/// A user's role within a partner organisation.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PartnerRole")]
pub enum PartnerRole {
    Admin,
    FocalPoint,
    Member,
}

/// A language of the platform: English, French or Spanish.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Locale")]
pub enum Locale {
    En,
    Fr,
    Es,
}

/// A platform-wide role.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::PlatformRole")]
pub enum PlatformRole {
    Admin,
    Secretariat,
}

/// The state of a partner's membership in a coalition.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::MembershipStatus")]
pub enum MembershipStatus {
    Pending,
    Active,
    Withdrawn,
}

/// Parses a stored enum name, treating a value this build does not know as a bug.
pub(crate) fn stored<T: std::str::FromStr>(value: &str) -> async_graphql::Result<T> {
    value.parse().map_err(|_| {
        crate::error::AppError::Internal(anyhow::anyhow!("unknown stored enum value {value:?}"))
            .into()
    })
}

/// A partner's role in an action group.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::GroupRole")]
pub enum GroupRole {
    Lead,
    Member,
    Observer,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ActionGroupStatus")]
pub enum ActionGroupStatus {
    Active,
    Archived,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::WorkPlanLevel")]
pub enum WorkPlanLevel {
    Global,
    Regional,
    National,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::WorkPlanStatus")]
pub enum WorkPlanStatus {
    Draft,
    Adopted,
    Closed,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::WorkPlanItemStatus")]
pub enum WorkPlanItemStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::CommitmentStatus")]
pub enum CommitmentStatus {
    Planned,
    OnTrack,
    AtRisk,
    OffTrack,
    Completed,
    Withdrawn,
}

/// Who may see a commitment besides its partner and the secretariat.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::Visibility")]
pub enum Visibility {
    /// Everyone.
    Public,
    /// Users of the coalition's active partners.
    Coalition,
    /// Users of the action group's member partners.
    Group,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ReviewState")]
pub enum ReviewState {
    Submitted,
    Approved,
    Returned,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    Return,
}

/// What an application asks for.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ApplicationKind")]
pub enum ApplicationKind {
    /// To become a partner of the coalition.
    Partner,
    /// For a government: to be a pathfinder country (Alliance 8.7).
    PathfinderCountry,
}

/// Where an application stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ApplicationState")]
pub enum ApplicationState {
    Submitted,
    UnderReview,
    MoreInfoRequested,
    Approved,
    Rejected,
    Withdrawn,
}

/// What the secretariat decides about an application.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ApplicationDecision")]
pub enum ApplicationDecision {
    StartReview,
    /// Ask the applicant for more information (a reason is required).
    RequestInfo,
    Approve,
    /// A reason is required.
    Reject,
}

/// What a resource of the knowledge platform is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ResourceKind")]
pub enum ResourceKind {
    GoodPractice,
    Research,
    Data,
    Policy,
    Tool,
    News,
}

/// Where a resource applies.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::GeoCoverage")]
pub enum GeoCoverage {
    Global,
    Regional,
    National,
}

/// Where a resource stands: only PUBLISHED ones are public.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ResourceState")]
pub enum ResourceState {
    Submitted,
    Published,
    Rejected,
    Archived,
}

/// The secretariat's decision on a submitted resource.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::ResourceDecision")]
pub enum ResourceDecision {
    Publish,
    /// A reason is required.
    Reject,
}

/// How a list of resources is ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceOrder {
    /// Best match first (with a search; otherwise as NEWEST).
    #[default]
    Relevance,
    Newest,
}
