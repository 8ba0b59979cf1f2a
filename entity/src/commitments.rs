//! What a partner pledges, and how far it has come.
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partner_id: i64,
    pub coalition_id: Option<i64>,
    pub action_group_id: Option<i64>,
    pub thematic_area_id: Option<i64>,
    pub work_plan_item_id: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub indicator: Option<String>,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub target_value: Option<f64>,
    pub current_value: Option<f64>,
    pub due_on: Option<Date>,
    pub status: String,
    pub progress: i32,
    pub focal_point_user_id: Option<i64>,
    pub visibility: String,
    pub version: i32,
    /// The APPROVED report whose values are the public ones, if any.
    pub published_report_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
