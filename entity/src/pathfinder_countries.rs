//! Governments recorded as pathfinder countries of a coalition (Alliance 8.7).
//!
//! Generated-style sea-orm entity: no behaviour here, see `services::applications`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pathfinder_countries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub coalition_id: i64,
    pub partner_id: i64,
    pub country: String,
    pub since: Date,
    pub focal_point_email: Option<String>,
    pub application_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
