//! Progress reports by focal points, and their review.
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub commitment_id: i64,
    pub author_user_id: i64,
    pub progress: i32,
    pub status: String,
    pub narrative: Option<String>,
    pub value: Option<f64>,
    pub review_state: String,
    pub review_reason: Option<String>,
    pub reviewer_user_id: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub idempotency_key: Option<String>,
    pub commitment_version: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
