//! The last sequence number of each event stream (locked to append).
//!
//! Generated-style sea-orm entity: no behaviour here, see the services.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_streams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub stream: String,
    pub last_sequence: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
