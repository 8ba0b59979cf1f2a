//! Partners in an action group, with their role.
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_group_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action_group_id: i64,
    pub partner_id: i64,
    pub role: String,
    pub joined_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
