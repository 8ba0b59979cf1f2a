//! Schema migrations. Every migration but the data-revision triggers is written
//! with sea-query builders only, so the same steps run on SQLite (the embedded
//! default) and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_identity;
mod m20261122_000002_create_partners_and_coalitions;
mod m20261122_000003_create_collaboration;
mod m20261122_000004_create_notifications;
mod m20261123_000005_create_data_revisions;
mod m20261202_000006_publish_reviewed_progress;
mod m20261202_000007_create_mail_outbox;
mod m20261202_000008_create_partnership_applications;
mod m20261202_000009_create_translations;
mod m20261202_000010_create_resources;
mod m20261203_000011_index_search_per_language;
mod m20261204_000012_index_commitment_pages;
mod m20261206_000013_add_search_facets;
mod support;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_identity::Migration),
            Box::new(m20261122_000002_create_partners_and_coalitions::Migration),
            Box::new(m20261122_000003_create_collaboration::Migration),
            Box::new(m20261122_000004_create_notifications::Migration),
            Box::new(m20261123_000005_create_data_revisions::Migration),
            Box::new(m20261202_000006_publish_reviewed_progress::Migration),
            Box::new(m20261202_000007_create_mail_outbox::Migration),
            Box::new(m20261202_000008_create_partnership_applications::Migration),
            Box::new(m20261202_000009_create_translations::Migration),
            Box::new(m20261202_000010_create_resources::Migration),
            Box::new(m20261203_000011_index_search_per_language::Migration),
            Box::new(m20261204_000012_index_commitment_pages::Migration),
            Box::new(m20261206_000013_add_search_facets::Migration),
        ]
    }
}
