//! The append-only event log: what happened, in each stream's commit order.
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub stream: String,
    pub sequence: i64,
    pub kind: String,
    pub actor_user_id: Option<i64>,
    pub subject_type: String,
    pub subject_id: i64,
    pub payload: String,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
