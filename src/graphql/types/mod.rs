//! GraphQL object types, one file each. They wrap entity rows; the API's shape
//! is decided here, not by the tables.
mod action_group;
mod application;
mod coalition;
mod commitment;
mod date;
mod enums;
mod event;
mod membership;
mod node;
mod notification;
mod partner;
mod progress_report;
mod progress_summary;
mod resource;
mod thematic_area;
mod user;
mod work_plan;

pub use action_group::{ActionGroup, ActionGroupMember};
pub use application::{PartnershipApplication, PathfinderCountry};
pub use coalition::Coalition;
pub use commitment::Commitment;
pub use date::Date;
pub(crate) use enums::stored;
pub use enums::{
    ActionGroupStatus, ApplicationDecision, ApplicationKind, ApplicationState, CommitmentStatus,
    GeoCoverage, GroupRole, Locale, MembershipStatus, PartnerKind, PartnerRole, PlatformRole,
    ResourceDecision, ResourceKind, ResourceOrder, ResourceState, ReviewDecision, ReviewState,
    Visibility, WorkPlanItemStatus, WorkPlanLevel, WorkPlanStatus,
};
pub use event::Event;
pub use membership::CoalitionMembership;
pub use node::{resolve, resolve_node, Node};
pub use notification::Notification;
pub use partner::Partner;
pub use progress_report::ProgressReport;
pub use progress_summary::ProgressSummary;
pub use resource::{hits_connection, Resource, ResourceConnection, SearchHit};
pub use thematic_area::ThematicArea;
pub use user::User;
pub use work_plan::{WorkPlan, WorkPlanItem};
