//! Public progress is reviewed progress: a commitment's progress, status and
//! current value are those of its latest APPROVED report (or its initial ones),
//! and `published_report_id` says which report that is. Reports still in review
//! no longer move them; the commitment's existing values are recomputed so.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Commitments {
    Table,
    PublishedReportId,
}

/// Portable SQL (correlated subqueries in UPDATE): SQLite and PostgreSQL alike.
const PUBLISH_APPROVED: &str = "UPDATE commitments SET published_report_id = \
    (SELECT MAX(r.id) FROM progress_reports r \
     WHERE r.commitment_id = commitments.id AND r.review_state = 'APPROVED')";

const RECOMPUTE_VALUES: &str = "UPDATE commitments SET \
    progress = COALESCE((SELECT r.progress FROM progress_reports r WHERE r.id = commitments.published_report_id), 0), \
    status = CASE WHEN status = 'WITHDRAWN' THEN 'WITHDRAWN' ELSE \
        COALESCE((SELECT r.status FROM progress_reports r WHERE r.id = commitments.published_report_id), 'PLANNED') END, \
    current_value = (SELECT r.value FROM progress_reports r WHERE r.id = commitments.published_report_id) \
    WHERE EXISTS (SELECT 1 FROM progress_reports r WHERE r.commitment_id = commitments.id)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Commitments::Table)
                    .add_column(
                        ColumnDef::new(Commitments::PublishedReportId)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(PUBLISH_APPROVED).await?;
        db.execute_unprepared(RECOMPUTE_VALUES).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Commitments::Table)
                    .drop_column(Commitments::PublishedReportId)
                    .to_owned(),
            )
            .await
    }
}
