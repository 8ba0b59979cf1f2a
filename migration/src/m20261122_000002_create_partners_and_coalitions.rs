//! Partner organisations, their people, coalitions, memberships and thematic areas.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_create_identity::Users;
use crate::support::{index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(big_pk_auto(Partners::Id))
                    .col(string_len(Partners::Name, 200))
                    .col(string_len_null(Partners::Acronym, 32))
                    .col(string_len(Partners::Kind, 40))
                    .col(string_len_null(Partners::Country, 2))
                    .col(string_len_null(Partners::Region, 100))
                    .col(string_len_null(Partners::Website, 500))
                    .col(text_null(Partners::Description))
                    // Lower-cased "name acronym", so a case-insensitive search is one
                    // portable LIKE on both SQLite and PostgreSQL.
                    .col(string_len(Partners::SearchText, 240))
                    .col(integer(Partners::Version))
                    .col(timestamp_with_time_zone(Partners::CreatedAt))
                    .col(timestamp_with_time_zone(Partners::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_partners_name",
            Partners::Table,
            &[Partners::Name],
        )
        .await?;
        index(
            manager,
            "ix_partners_kind",
            Partners::Table,
            &[Partners::Kind],
        )
        .await?;
        index(
            manager,
            "ix_partners_country",
            Partners::Table,
            &[Partners::Country],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PartnerUsers::Table)
                    .col(big_pk_auto(PartnerUsers::Id))
                    .col(big_integer(PartnerUsers::PartnerId))
                    .col(big_integer(PartnerUsers::UserId))
                    .col(string_len(PartnerUsers::Role, 20))
                    .col(timestamp_with_time_zone(PartnerUsers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_partner_users_partner")
                            .from(PartnerUsers::Table, PartnerUsers::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_partner_users_user")
                            .from(PartnerUsers::Table, PartnerUsers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_partner_users_partner_user",
            PartnerUsers::Table,
            &[PartnerUsers::PartnerId, PartnerUsers::UserId],
        )
        .await?;
        index(
            manager,
            "ix_partner_users_user",
            PartnerUsers::Table,
            &[PartnerUsers::UserId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Coalitions::Table)
                    .col(big_pk_auto(Coalitions::Id))
                    .col(string_len(Coalitions::Name, 200))
                    .col(string_len(Coalitions::Slug, 64))
                    .col(text_null(Coalitions::Description))
                    // JSON array of SDG target codes, e.g. ["8.7"].
                    .col(string_len(Coalitions::SdgTargets, 500))
                    .col(timestamp_with_time_zone(Coalitions::CreatedAt))
                    .col(timestamp_with_time_zone(Coalitions::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_coalitions_slug",
            Coalitions::Table,
            &[Coalitions::Slug],
        )
        .await?;
        unique(
            manager,
            "ux_coalitions_name",
            Coalitions::Table,
            &[Coalitions::Name],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CoalitionPartners::Table)
                    .col(big_pk_auto(CoalitionPartners::Id))
                    .col(big_integer(CoalitionPartners::CoalitionId))
                    .col(big_integer(CoalitionPartners::PartnerId))
                    .col(string_len(CoalitionPartners::Status, 20))
                    .col(timestamp_with_time_zone_null(CoalitionPartners::JoinedAt))
                    .col(timestamp_with_time_zone(CoalitionPartners::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_coalition_partners_coalition")
                            .from(CoalitionPartners::Table, CoalitionPartners::CoalitionId)
                            .to(Coalitions::Table, Coalitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_coalition_partners_partner")
                            .from(CoalitionPartners::Table, CoalitionPartners::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_coalition_partners_coalition_partner",
            CoalitionPartners::Table,
            &[CoalitionPartners::CoalitionId, CoalitionPartners::PartnerId],
        )
        .await?;
        index(
            manager,
            "ix_coalition_partners_partner",
            CoalitionPartners::Table,
            &[CoalitionPartners::PartnerId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ThematicAreas::Table)
                    .col(big_pk_auto(ThematicAreas::Id))
                    .col(big_integer(ThematicAreas::CoalitionId))
                    .col(string_len(ThematicAreas::Name, 200))
                    .col(text_null(ThematicAreas::Description))
                    .col(timestamp_with_time_zone(ThematicAreas::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_thematic_areas_coalition")
                            .from(ThematicAreas::Table, ThematicAreas::CoalitionId)
                            .to(Coalitions::Table, Coalitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_thematic_areas_coalition_name",
            ThematicAreas::Table,
            &[ThematicAreas::CoalitionId, ThematicAreas::Name],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ThematicAreas::Table.into_iden(),
            CoalitionPartners::Table.into_iden(),
            Coalitions::Table.into_iden(),
            PartnerUsers::Table.into_iden(),
            Partners::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Partners {
    Table,
    Id,
    Name,
    Acronym,
    Kind,
    Country,
    Region,
    Website,
    Description,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerUsers {
    Table,
    Id,
    PartnerId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Coalitions {
    Table,
    Id,
    Name,
    Slug,
    Description,
    SdgTargets,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CoalitionPartners {
    Table,
    Id,
    CoalitionId,
    PartnerId,
    Status,
    JoinedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum ThematicAreas {
    Table,
    Id,
    CoalitionId,
    Name,
    Description,
    CreatedAt,
}
