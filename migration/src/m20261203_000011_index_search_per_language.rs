//! One GIN index per language instead of one for all search documents
//! (PostgreSQL only).
//!
//! A search runs each language's query against that language's documents.
//! With one index, the English query's bitmap also holds every French and
//! Spanish document that happens to contain the same lexemes, and each of
//! them was fetched from the heap only to be filtered out by `locale`: three
//! times the heap work on broad searches. A partial index per language finds
//! exactly the documents its query is meant for.
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The locales and their index names (the search service names the same locales).
const LOCALES: [(&str, &str); 3] = [
    ("EN", "ix_resource_search_document_en"),
    ("FR", "ix_resource_search_document_fr"),
    ("ES", "ix_resource_search_document_es"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for (locale, name) in LOCALES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON resource_search USING GIN (document) \
                 WHERE locale = '{locale}'"
            ))
            .await?;
        }
        db.execute_unprepared("DROP INDEX ix_resource_search_document")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX ix_resource_search_document ON resource_search USING GIN (document)",
        )
        .await?;
        for (_, name) in LOCALES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
