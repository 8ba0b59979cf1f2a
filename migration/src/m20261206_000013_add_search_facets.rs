//! Search documents with their resource's facets, kept in the row (PostgreSQL
//! only).
//!
//! - Facets: each attribute a search filters on (kind, countries, SDG
//!   targets, tags, coalition, thematic areas; the state and "not published"
//!   when it is not published) and the submitting partner (whose people may
//!   see it in any state) becomes a lexeme of every document of the resource
//!   ("kind POLICY", "country FR"; a space keeps them apart from words). A search ANDs the ones its filters and its viewer ask for into
//!   its query, and the GIN index itself narrows the matches to the
//!   resources they let through: only those are read and ranked, and a page
//!   is cut before any resource row is read. The search service writes the
//!   same facets (`search::facet`); this rewrites the documents there are.
//! - Storage: a document of a few hundred words is about 2 KB, and beside the
//!   title, summary and body it went out of line into TOAST, uncompressed
//!   (tsvectors compress badly): ranking a match cost a TOAST index lookup and
//!   another page. `MAIN` keeps it in the row and moves the texts out first.
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each resource's facets, as the search service names them.
const FACETS_OF_RESOURCES: &str = "\
    SELECT r.id, ARRAY(\
        SELECT 'state ' || r.state WHERE r.state <> 'PUBLISHED' \
        UNION ALL SELECT 'not published' WHERE r.state <> 'PUBLISHED' \
        UNION ALL SELECT 'partner ' || r.partner_id \
        UNION ALL SELECT 'kind ' || r.kind \
        UNION ALL SELECT 'country ' || x FROM unnest(string_to_array(r.countries, ',')) x WHERE x <> '' \
        UNION ALL SELECT 'sdg ' || x FROM unnest(string_to_array(r.sdg_targets, ',')) x WHERE x <> '' \
        UNION ALL SELECT 'tag ' || x FROM unnest(string_to_array(r.tags, ',')) x WHERE x <> '' \
        UNION ALL SELECT 'coalition ' || r.coalition_id WHERE r.coalition_id IS NOT NULL \
        UNION ALL SELECT 'area ' || l.target_id FROM resource_links l \
            WHERE l.resource_id = r.id AND l.target_type = 'ThematicArea'\
    ) AS facets FROM resources r";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE resource_search ALTER COLUMN document SET STORAGE MAIN")
            .await?;
        // A new value is stored by the new rule: every document is rewritten.
        db.execute_unprepared(&format!(
            "UPDATE resource_search s SET document = s.document || array_to_tsvector(f.facets) \
             FROM ({FACETS_OF_RESOURCES}) f WHERE f.id = s.resource_id"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE resource_search ALTER COLUMN document SET STORAGE EXTENDED",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE resource_search SET document = ts_delete(document, \
             ARRAY(SELECT lexeme FROM unnest(document) u WHERE strpos(u.lexeme, ' ') > 0))",
        )
        .await?;
        Ok(())
    }
}
