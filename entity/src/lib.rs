//! Database entities, one module per table, in sea-orm's generated style.
//! They carry no GraphQL derives: the API is shaped in `src/graphql`, not by the tables.

pub mod action_group_members;
pub mod action_groups;
pub mod coalition_partners;
pub mod coalitions;
pub mod commitments;
pub mod event_streams;
pub mod events;
pub mod invitations;
pub mod mail_outbox;
pub mod notifications;
pub mod partner_users;
pub mod partners;
pub mod partnership_applications;
pub mod pathfinder_countries;
pub mod progress_reports;
pub mod resource_links;
pub mod resource_translations;
pub mod resources;
pub mod sessions;
pub mod text_translations;
pub mod thematic_areas;
pub mod users;
pub mod work_plan_items;
pub mod work_plans;
