//! Applications to join a coalition, as a partner or a pathfinder country.
//!
//! Generated-style sea-orm entity: no behaviour here, see `services::applications`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership_applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub coalition_id: i64,
    pub kind: String,
    pub state: String,
    pub locale: String,
    pub org_name: String,
    pub org_name_key: String,
    pub org_acronym: Option<String>,
    pub org_kind: String,
    pub org_country: Option<String>,
    pub org_website: Option<String>,
    pub partner_id: Option<i64>,
    pub contact_name: String,
    pub contact_title: Option<String>,
    pub contact_email: String,
    pub motivation: String,
    pub intended_commitments: Option<String>,
    pub country: Option<String>,
    pub reasons_for_interest: Option<String>,
    pub intensification_commitment: Option<String>,
    pub recent_successes: Option<String>,
    pub nominee_name: Option<String>,
    pub nominee_title: Option<String>,
    pub nominee_institution: Option<String>,
    pub nominee_email: Option<String>,
    pub decision_reason: Option<String>,
    pub access_token_hash: Option<String>,
    pub submitted_by_user_id: Option<i64>,
    pub version: i32,
    pub submitted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
