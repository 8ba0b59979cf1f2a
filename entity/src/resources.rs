//! Resources of the knowledge platform.
//!
//! Generated-style sea-orm entity: no behaviour here, see `services::resources`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub original_locale: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
    pub published_on: Option<Date>,
    pub coalition_id: Option<i64>,
    pub geo_coverage: String,
    pub countries: String,
    pub sdg_targets: String,
    pub tags: String,
    pub partner_id: i64,
    pub submitted_by_user_id: Option<i64>,
    pub decision_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
