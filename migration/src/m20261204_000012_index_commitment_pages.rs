//! Commitment pages read in id order per group and per partner: index them
//! that way, so that a page is an index range and not a sort of every
//! commitment of the parents.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (new index, its columns, the single-column index it replaces)
const INDEXES: [(&str, &str, &str, &str); 2] = [
    (
        "ix_commitments_group_id",
        "action_group_id, id",
        "ix_commitments_group",
        "action_group_id",
    ),
    (
        "ix_commitments_partner_id",
        "partner_id, id",
        "ix_commitments_partner",
        "partner_id",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, columns, replaced, _) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON commitments ({columns})"))
                .await?;
            db.execute_unprepared(&format!("DROP INDEX {replaced}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _, replaced, column) in INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {replaced} ON commitments ({column})"
            ))
            .await?;
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
