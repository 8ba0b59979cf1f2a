//! The data revision: a number that changes with every committed write to data a
//! query can show, so that a cached query answer can be checked in one cheap
//! statement. Triggers keep it, so no write path can forget it.
//!
//! The one migration written in SQL: triggers differ per backend.
//! - PostgreSQL: a deferred constraint trigger bumps one of 16 counter rows at
//!   COMMIT, once per transaction. Taken last, that row lock can join no
//!   deadlock cycle, and spread over 16 rows it does not queue writers behind
//!   each other. Being part of the transaction, the bump becomes visible exactly
//!   when the change does.
//! - SQLite: a plain trigger per row and operation; SQLite has one writer at a
//!   time anyway.
use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table whose rows a query could show when this migration was written
/// (later ones call `watch` for theirs). `sessions` is left out: no query
/// reads it (a request's session is resolved before any cached answer is used),
/// and logins would otherwise empty the cache. A test checks that each table but
/// `sessions`, `event_streams` (bumped with `events`) and the bookkeeping tables
/// has its trigger.
pub const WATCHED_TABLES: &[&str] = &[
    "users",
    "invitations",
    "partner_users",
    "partners",
    "coalitions",
    "coalition_partners",
    "thematic_areas",
    "action_groups",
    "action_group_members",
    "work_plans",
    "work_plan_items",
    "commitments",
    "progress_reports",
    "events",
    "notifications",
];

/// Gives `table` its data-revision trigger: a later migration that creates a
/// table a query can show calls this for it.
pub async fn watch(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "CREATE CONSTRAINT TRIGGER {table}_bump_data_revision \
                 AFTER INSERT OR UPDATE OR DELETE ON {table} \
                 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW \
                 EXECUTE FUNCTION bump_data_revision()"
            ))
            .await?;
        }
        _ => {
            for operation in ["insert", "update", "delete"] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_{operation}_bump_data_revision \
                     AFTER {operation} ON {table} \
                     BEGIN UPDATE data_revisions SET revision = revision + 1; END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

/// Counter rows on PostgreSQL (concurrent commits bump different ones).
const POSTGRES_SLOTS: i64 = 16;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataRevisions::Table)
                    .col(
                        ColumnDef::new(DataRevisions::Slot)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(DataRevisions::Revision)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "INSERT INTO data_revisions (slot, revision) \
                     SELECT s, 0 FROM generate_series(0, {}) AS s",
                    POSTGRES_SLOTS - 1
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION bump_data_revision() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                       IF current_setting('coalition.data_revision_bumped', true) IS DISTINCT FROM 'on' THEN
                         UPDATE data_revisions SET revision = revision + 1
                           WHERE slot = (txid_current() % {POSTGRES_SLOTS})::int;
                         PERFORM set_config('coalition.data_revision_bumped', 'on', true);
                       END IF;
                       RETURN NULL;
                     END $$"
                ))
                .await?;
            }
            _ => {
                db.execute_unprepared("INSERT INTO data_revisions (slot, revision) VALUES (0, 0)")
                    .await?;
            }
        }
        for table in WATCHED_TABLES {
            watch(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                for table in WATCHED_TABLES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_bump_data_revision ON {table}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS bump_data_revision()")
                    .await?;
            }
            _ => {
                for table in WATCHED_TABLES {
                    for operation in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_{operation}_bump_data_revision"
                        ))
                        .await?;
                    }
                }
            }
        }
        manager
            .drop_table(Table::drop().table(DataRevisions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DataRevisions {
    Table,
    Slot,
    Revision,
}
