//! GraphQL object types, one file each. They wrap entity rows; the API's shape
//! is decided here, not by the tables.
mod coalition;
mod enums;
mod membership;
mod node;
mod partner;
mod thematic_area;
mod user;

pub use coalition::Coalition;
pub use enums::{MembershipStatus, PartnerKind, PartnerRole, PlatformRole};
pub use membership::CoalitionMembership;
pub use node::{resolve_node, Node};
pub use partner::Partner;
pub use thematic_area::ThematicArea;
pub use user::User;
