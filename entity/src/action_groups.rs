//! Action groups: collaboration spaces within a coalition.
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub coalition_id: i64,
    pub thematic_area_id: Option<i64>,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
