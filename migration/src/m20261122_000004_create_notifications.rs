//! Notifications: an event that concerns one user, and why.
use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261122_000001_create_identity::Users, support::index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(big_integer(Notifications::UserId))
                    // The event in the user's own stream ("user:<id>").
                    .col(big_integer(Notifications::EventId))
                    .col(string_len(Notifications::Reason, 64))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_user")
                            .from(Notifications::Table, Notifications::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_notifications_user",
            Notifications::Table,
            &[Notifications::UserId, Notifications::Id],
        )
        .await?;
        index(
            manager,
            "ix_notifications_event",
            Notifications::Table,
            &[Notifications::EventId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    UserId,
    EventId,
    Reason,
    ReadAt,
    CreatedAt,
}
