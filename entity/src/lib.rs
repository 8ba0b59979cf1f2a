//! Database entities, one module per table, in sea-orm's generated style.
//! They carry no GraphQL derives: the API is shaped in `src/graphql`, not by the tables.

pub mod coalition_partners;
pub mod coalitions;
pub mod invitations;
pub mod partner_users;
pub mod partners;
pub mod sessions;
pub mod thematic_areas;
pub mod users;
