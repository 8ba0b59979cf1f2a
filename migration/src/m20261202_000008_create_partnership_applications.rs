//! Joining a coalition: applications from organisations (to become a partner,
//! or, for a government, a pathfinder country) and the pathfinder countries
//! that approved applications record.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000005_create_data_revisions::watch;
use crate::support::{index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// States in which an application is still open (one per organisation and
/// coalition), as the partial unique index below spells them.
const OPEN_STATES: &str = "'SUBMITTED', 'UNDER_REVIEW', 'MORE_INFO_REQUESTED'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PartnershipApplications::Table)
                    .col(big_pk_auto(PartnershipApplications::Id))
                    .col(big_integer(PartnershipApplications::CoalitionId))
                    .col(string_len(PartnershipApplications::Kind, 24))
                    .col(string_len(PartnershipApplications::State, 24))
                    .col(string_len(PartnershipApplications::Locale, 8))
                    .col(string_len(PartnershipApplications::OrgName, 200))
                    // Lower-cased name: one open application per organisation,
                    // whatever the case a second one is typed in.
                    .col(string_len(PartnershipApplications::OrgNameKey, 200))
                    .col(string_len_null(PartnershipApplications::OrgAcronym, 32))
                    .col(string_len(PartnershipApplications::OrgKind, 40))
                    .col(string_len_null(PartnershipApplications::OrgCountry, 2))
                    .col(string_len_null(PartnershipApplications::OrgWebsite, 500))
                    // The existing partner it applies for, or the one approval made.
                    .col(big_integer_null(PartnershipApplications::PartnerId))
                    .col(string_len(PartnershipApplications::ContactName, 120))
                    .col(string_len_null(PartnershipApplications::ContactTitle, 120))
                    .col(string_len(PartnershipApplications::ContactEmail, 320))
                    .col(text(PartnershipApplications::Motivation))
                    .col(text_null(PartnershipApplications::IntendedCommitments))
                    .col(string_len_null(PartnershipApplications::Country, 2))
                    .col(text_null(PartnershipApplications::ReasonsForInterest))
                    .col(text_null(
                        PartnershipApplications::IntensificationCommitment,
                    ))
                    .col(text_null(PartnershipApplications::RecentSuccesses))
                    .col(string_len_null(PartnershipApplications::NomineeName, 120))
                    .col(string_len_null(PartnershipApplications::NomineeTitle, 120))
                    .col(string_len_null(
                        PartnershipApplications::NomineeInstitution,
                        200,
                    ))
                    .col(string_len_null(PartnershipApplications::NomineeEmail, 320))
                    .col(text_null(PartnershipApplications::DecisionReason))
                    // SHA-256 of the applicant's access token; null once revoked.
                    .col(string_len_null(
                        PartnershipApplications::AccessTokenHash,
                        64,
                    ))
                    // The partner ADMIN who applied while signed in, if one did.
                    .col(big_integer_null(PartnershipApplications::SubmittedByUserId))
                    .col(integer(PartnershipApplications::Version))
                    .col(timestamp_with_time_zone(
                        PartnershipApplications::SubmittedAt,
                    ))
                    .col(timestamp_with_time_zone(PartnershipApplications::UpdatedAt))
                    .col(timestamp_with_time_zone_null(
                        PartnershipApplications::DecidedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_applications_coalition")
                            .from(
                                PartnershipApplications::Table,
                                PartnershipApplications::CoalitionId,
                            )
                            .to(Coalitions::Table, Coalitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_applications_partner")
                            .from(
                                PartnershipApplications::Table,
                                PartnershipApplications::PartnerId,
                            )
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_applications_access_token",
            PartnershipApplications::Table,
            &[PartnershipApplications::AccessTokenHash],
        )
        .await?;
        // The secretariat's queue: by coalition and state, oldest first.
        index(
            manager,
            "ix_applications_queue",
            PartnershipApplications::Table,
            &[
                PartnershipApplications::CoalitionId,
                PartnershipApplications::State,
                PartnershipApplications::Id,
            ],
        )
        .await?;
        // Partial unique indexes read the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX ux_applications_open_by_name \
                 ON partnership_applications (coalition_id, org_name_key) \
                 WHERE state IN ({OPEN_STATES})"
            ))
            .await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX ux_applications_open_by_partner \
                 ON partnership_applications (coalition_id, partner_id) \
                 WHERE state IN ({OPEN_STATES}) AND partner_id IS NOT NULL"
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PathfinderCountries::Table)
                    .col(big_pk_auto(PathfinderCountries::Id))
                    .col(big_integer(PathfinderCountries::CoalitionId))
                    .col(big_integer(PathfinderCountries::PartnerId))
                    .col(string_len(PathfinderCountries::Country, 2))
                    .col(date(PathfinderCountries::Since))
                    // The nominated official: the partner's user with this e-mail,
                    // once they accept their invitation.
                    .col(string_len_null(PathfinderCountries::FocalPointEmail, 320))
                    .col(big_integer_null(PathfinderCountries::ApplicationId))
                    .col(timestamp_with_time_zone(PathfinderCountries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pathfinders_coalition")
                            .from(PathfinderCountries::Table, PathfinderCountries::CoalitionId)
                            .to(Coalitions::Table, Coalitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pathfinders_partner")
                            .from(PathfinderCountries::Table, PathfinderCountries::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_pathfinder_countries_coalition_partner",
            PathfinderCountries::Table,
            &[
                PathfinderCountries::CoalitionId,
                PathfinderCountries::PartnerId,
            ],
        )
        .await?;
        index(
            manager,
            "ix_pathfinder_countries_partner",
            PathfinderCountries::Table,
            &[PathfinderCountries::PartnerId],
        )
        .await?;
        watch(manager, "partnership_applications").await?;
        watch(manager, "pathfinder_countries").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PathfinderCountries::Table).to_owned())
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(PartnershipApplications::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnershipApplications {
    Table,
    Id,
    CoalitionId,
    Kind,
    State,
    Locale,
    OrgName,
    OrgNameKey,
    OrgAcronym,
    OrgKind,
    OrgCountry,
    OrgWebsite,
    PartnerId,
    ContactName,
    ContactTitle,
    ContactEmail,
    Motivation,
    IntendedCommitments,
    Country,
    ReasonsForInterest,
    IntensificationCommitment,
    RecentSuccesses,
    NomineeName,
    NomineeTitle,
    NomineeInstitution,
    NomineeEmail,
    DecisionReason,
    AccessTokenHash,
    SubmittedByUserId,
    Version,
    SubmittedAt,
    UpdatedAt,
    DecidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PathfinderCountries {
    Table,
    Id,
    CoalitionId,
    PartnerId,
    Country,
    Since,
    FocalPointEmail,
    ApplicationId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Coalitions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
}
