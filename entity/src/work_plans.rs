//! An action group's plan at global, regional or national level.
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action_group_id: i64,
    pub title: String,
    pub level: String,
    pub region: Option<String>,
    pub country: Option<String>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: String,
    pub version: i32,
    pub adopted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
