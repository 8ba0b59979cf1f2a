//! Translatable text: coalitions and thematic areas keep their original locale,
//! and translations of their name and description live beside them.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000005_create_data_revisions::watch;
use crate::support::unique;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Coalitions::Table.into_iden(),
            ThematicAreas::Table.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(string_len(Coalitions::OriginalLocale, 8).default("EN"))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(TextTranslations::Table)
                    .col(big_pk_auto(TextTranslations::Id))
                    // The Node type it translates: "Coalition" or "ThematicArea".
                    .col(string_len(TextTranslations::SubjectType, 32))
                    .col(big_integer(TextTranslations::SubjectId))
                    .col(string_len(TextTranslations::Locale, 8))
                    .col(string_len(TextTranslations::Name, 200))
                    .col(text_null(TextTranslations::Description))
                    .col(timestamp_with_time_zone(TextTranslations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_text_translations_subject_locale",
            TextTranslations::Table,
            &[
                TextTranslations::SubjectType,
                TextTranslations::SubjectId,
                TextTranslations::Locale,
            ],
        )
        .await?;
        watch(manager, "text_translations").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TextTranslations::Table).to_owned())
            .await?;
        for table in [
            Coalitions::Table.into_iden(),
            ThematicAreas::Table.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Coalitions::OriginalLocale)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Coalitions {
    Table,
    OriginalLocale,
}

#[derive(DeriveIden)]
enum ThematicAreas {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum TextTranslations {
    Table,
    Id,
    SubjectType,
    SubjectId,
    Locale,
    Name,
    Description,
    UpdatedAt,
}
