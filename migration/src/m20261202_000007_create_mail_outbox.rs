//! The mail outbox: every e-mail is a row written in the same transaction as
//! the change that causes it, and sent afterwards by a worker on some node.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(big_pk_auto(MailOutbox::Id))
                    .col(string_len(MailOutbox::Recipient, 320))
                    .col(string_len(MailOutbox::Locale, 8))
                    .col(string_len(MailOutbox::Subject, 300))
                    .col(text(MailOutbox::TextBody))
                    .col(text(MailOutbox::HtmlBody))
                    // The event that caused it, if any (for the record).
                    .col(big_integer_null(MailOutbox::CauseEventId))
                    .col(integer(MailOutbox::Attempts).default(0))
                    .col(text_null(MailOutbox::LastError))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    // A worker holds a message until then; another may take it after.
                    .col(timestamp_with_time_zone_null(MailOutbox::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_mail_outbox_due",
            MailOutbox::Table,
            &[MailOutbox::SentAt, MailOutbox::NextAttemptAt],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailOutbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum MailOutbox {
    Table,
    Id,
    Recipient,
    Locale,
    Subject,
    TextBody,
    HtmlBody,
    CauseEventId,
    Attempts,
    LastError,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    CreatedAt,
}
