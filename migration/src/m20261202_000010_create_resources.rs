//! The knowledge platform: resources (good practices, research, data, policies,
//! tools, news), their translations, what they concern, and their full-text
//! search documents (one per resource and language).
//!
//! Search differs per backend, so this migration writes some SQL of its own:
//! PostgreSQL keeps a weighted `tsvector` per document (GIN-indexed, built with
//! the language's text-search configuration over `unaccent`ed text); SQLite
//! keeps an FTS5 table (Porter stemming over unicode61 without diacritics).
use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

use crate::m20261123_000005_create_data_revisions::watch;
use crate::support::{index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Resources::Table)
                    .col(big_pk_auto(Resources::Id))
                    .col(string_len(Resources::Kind, 20))
                    .col(string_len(Resources::State, 20))
                    .col(string_len(Resources::OriginalLocale, 8))
                    .col(string_len(Resources::Title, 300))
                    .col(text_null(Resources::Summary))
                    .col(text_null(Resources::Body))
                    .col(string_len_null(Resources::Url, 500))
                    .col(date_null(Resources::PublishedOn))
                    .col(big_integer_null(Resources::CoalitionId))
                    .col(string_len(Resources::GeoCoverage, 20))
                    // Lists as ",A,B," so that one portable LIKE finds an element.
                    .col(string_len(Resources::Countries, 1000))
                    .col(string_len(Resources::SdgTargets, 500))
                    .col(string_len(Resources::Tags, 1000))
                    // The partner that submitted it: its users edit it.
                    .col(big_integer(Resources::PartnerId))
                    .col(big_integer_null(Resources::SubmittedByUserId))
                    .col(text_null(Resources::DecisionReason))
                    .col(integer(Resources::Version))
                    .col(timestamp_with_time_zone(Resources::CreatedAt))
                    .col(timestamp_with_time_zone(Resources::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resources_partner")
                            .from(Resources::Table, Resources::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resources_coalition")
                            .from(Resources::Table, Resources::CoalitionId)
                            .to(Coalitions::Table, Coalitions::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_resources_state",
            Resources::Table,
            &[Resources::State, Resources::Id],
        )
        .await?;
        index(
            manager,
            "ix_resources_partner",
            Resources::Table,
            &[Resources::PartnerId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResourceTranslations::Table)
                    .col(big_pk_auto(ResourceTranslations::Id))
                    .col(big_integer(ResourceTranslations::ResourceId))
                    .col(string_len(ResourceTranslations::Locale, 8))
                    .col(string_len(ResourceTranslations::Title, 300))
                    .col(text_null(ResourceTranslations::Summary))
                    .col(text_null(ResourceTranslations::Body))
                    .col(timestamp_with_time_zone(ResourceTranslations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resource_translations_resource")
                            .from(
                                ResourceTranslations::Table,
                                ResourceTranslations::ResourceId,
                            )
                            .to(Resources::Table, Resources::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_resource_translations_resource_locale",
            ResourceTranslations::Table,
            &[
                ResourceTranslations::ResourceId,
                ResourceTranslations::Locale,
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResourceLinks::Table)
                    .col(big_pk_auto(ResourceLinks::Id))
                    .col(big_integer(ResourceLinks::ResourceId))
                    // "Partner", "Commitment" or "ThematicArea".
                    .col(string_len(ResourceLinks::TargetType, 20))
                    .col(big_integer(ResourceLinks::TargetId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resource_links_resource")
                            .from(ResourceLinks::Table, ResourceLinks::ResourceId)
                            .to(Resources::Table, Resources::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_resource_links",
            ResourceLinks::Table,
            &[
                ResourceLinks::ResourceId,
                ResourceLinks::TargetType,
                ResourceLinks::TargetId,
            ],
        )
        .await?;
        index(
            manager,
            "ix_resource_links_target",
            ResourceLinks::Table,
            &[ResourceLinks::TargetType, ResourceLinks::TargetId],
        )
        .await?;

        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS unaccent")
                    .await?;
                db.execute_unprepared(
                    "CREATE TABLE resource_search (\
                       resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE, \
                       locale VARCHAR(8) NOT NULL, \
                       title_key TEXT NOT NULL, \
                       title TEXT NOT NULL, summary TEXT, body TEXT, \
                       document TSVECTOR NOT NULL, \
                       PRIMARY KEY (resource_id, locale))",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX ix_resource_search_document ON resource_search USING GIN (document)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE resource_search USING fts5(\
                       title, summary, body, \
                       resource_id UNINDEXED, locale UNINDEXED, title_key UNINDEXED, \
                       tokenize = 'porter unicode61 remove_diacritics 2')",
                )
                .await?;
                // Its `rank` column is bm25 with title above summary above body
                // (the column can be read where the bm25 function cannot: in a
                // subquery joined to other tables).
                db.execute_unprepared(
                    "INSERT INTO resource_search (resource_search, rank) \
                     VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
                )
                .await?;
            }
        }
        for table in ["resources", "resource_translations", "resource_links"] {
            watch(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE IF EXISTS resource_search")
            .await?;
        for table in [
            ResourceLinks::Table.into_iden(),
            ResourceTranslations::Table.into_iden(),
            Resources::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Resources {
    Table,
    Id,
    Kind,
    State,
    OriginalLocale,
    Title,
    Summary,
    Body,
    Url,
    PublishedOn,
    CoalitionId,
    GeoCoverage,
    Countries,
    SdgTargets,
    Tags,
    PartnerId,
    SubmittedByUserId,
    DecisionReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResourceTranslations {
    Table,
    Id,
    ResourceId,
    Locale,
    Title,
    Summary,
    Body,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResourceLinks {
    Table,
    Id,
    ResourceId,
    TargetType,
    TargetId,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Coalitions {
    Table,
    Id,
}
