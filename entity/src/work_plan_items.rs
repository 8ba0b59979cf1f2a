//! Activities and deliverables of a work plan.
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_plan_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub work_plan_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub lead_partner_id: Option<i64>,
    pub due_on: Option<Date>,
    pub status: String,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
