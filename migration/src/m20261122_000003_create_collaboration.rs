//! Action groups, work plans, commitments, progress reports, and the event log.
use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    m20261122_000001_create_identity::Users,
    m20261122_000002_create_partners_and_coalitions::{Coalitions, Partners, ThematicAreas},
    support::{index, unique},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        manager
            .create_table(
                Table::create()
                    .table(ActionGroups::Table)
                    .col(big_pk_auto(ActionGroups::Id))
                    .col(big_integer(ActionGroups::CoalitionId))
                    .col(big_integer_null(ActionGroups::ThematicAreaId))
                    .col(string_len(ActionGroups::Name, 200))
                    .col(text_null(ActionGroups::Description))
                    .col(string_len(ActionGroups::Status, 20))
                    .col(string_len(ActionGroups::SearchText, 200))
                    .col(integer(ActionGroups::Version))
                    .col(timestamp_with_time_zone(ActionGroups::CreatedAt))
                    .col(timestamp_with_time_zone(ActionGroups::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_action_groups_coalition",
                        (ActionGroups::Table, ActionGroups::CoalitionId),
                        (Coalitions::Table, Coalitions::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_action_groups_thematic_area",
                        (ActionGroups::Table, ActionGroups::ThematicAreaId),
                        (ThematicAreas::Table, ThematicAreas::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_action_groups_coalition_name",
            ActionGroups::Table,
            &[ActionGroups::CoalitionId, ActionGroups::Name],
        )
        .await?;
        index(
            manager,
            "ix_action_groups_thematic_area",
            ActionGroups::Table,
            &[ActionGroups::ThematicAreaId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActionGroupMembers::Table)
                    .col(big_pk_auto(ActionGroupMembers::Id))
                    .col(big_integer(ActionGroupMembers::ActionGroupId))
                    .col(big_integer(ActionGroupMembers::PartnerId))
                    .col(string_len(ActionGroupMembers::Role, 20))
                    .col(timestamp_with_time_zone(ActionGroupMembers::JoinedAt))
                    .foreign_key(&mut fk(
                        "fk_action_group_members_group",
                        (ActionGroupMembers::Table, ActionGroupMembers::ActionGroupId),
                        (ActionGroups::Table, ActionGroups::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_action_group_members_partner",
                        (ActionGroupMembers::Table, ActionGroupMembers::PartnerId),
                        (Partners::Table, Partners::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_action_group_members_group_partner",
            ActionGroupMembers::Table,
            &[
                ActionGroupMembers::ActionGroupId,
                ActionGroupMembers::PartnerId,
            ],
        )
        .await?;
        index(
            manager,
            "ix_action_group_members_partner",
            ActionGroupMembers::Table,
            &[ActionGroupMembers::PartnerId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(WorkPlans::Table)
                    .col(big_pk_auto(WorkPlans::Id))
                    .col(big_integer(WorkPlans::ActionGroupId))
                    .col(string_len(WorkPlans::Title, 200))
                    .col(string_len(WorkPlans::Level, 20))
                    .col(string_len_null(WorkPlans::Region, 100))
                    .col(string_len_null(WorkPlans::Country, 2))
                    .col(date(WorkPlans::StartsOn))
                    .col(date(WorkPlans::EndsOn))
                    .col(string_len(WorkPlans::Status, 20))
                    .col(integer(WorkPlans::Version))
                    .col(timestamp_with_time_zone_null(WorkPlans::AdoptedAt))
                    .col(timestamp_with_time_zone(WorkPlans::CreatedAt))
                    .col(timestamp_with_time_zone(WorkPlans::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_work_plans_group",
                        (WorkPlans::Table, WorkPlans::ActionGroupId),
                        (ActionGroups::Table, ActionGroups::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_work_plans_group",
            WorkPlans::Table,
            &[WorkPlans::ActionGroupId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(WorkPlanItems::Table)
                    .col(big_pk_auto(WorkPlanItems::Id))
                    .col(big_integer(WorkPlanItems::WorkPlanId))
                    .col(string_len(WorkPlanItems::Title, 200))
                    .col(text_null(WorkPlanItems::Description))
                    .col(big_integer_null(WorkPlanItems::LeadPartnerId))
                    .col(date_null(WorkPlanItems::DueOn))
                    .col(string_len(WorkPlanItems::Status, 20))
                    .col(integer(WorkPlanItems::Position))
                    .col(timestamp_with_time_zone(WorkPlanItems::CreatedAt))
                    .col(timestamp_with_time_zone(WorkPlanItems::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_work_plan_items_plan",
                        (WorkPlanItems::Table, WorkPlanItems::WorkPlanId),
                        (WorkPlans::Table, WorkPlans::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_work_plan_items_lead",
                        (WorkPlanItems::Table, WorkPlanItems::LeadPartnerId),
                        (Partners::Table, Partners::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_work_plan_items_plan_position",
            WorkPlanItems::Table,
            &[WorkPlanItems::WorkPlanId, WorkPlanItems::Position],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Commitments::Table)
                    .col(big_pk_auto(Commitments::Id))
                    .col(big_integer(Commitments::PartnerId))
                    .col(big_integer_null(Commitments::CoalitionId))
                    .col(big_integer_null(Commitments::ActionGroupId))
                    .col(big_integer_null(Commitments::ThematicAreaId))
                    .col(big_integer_null(Commitments::WorkPlanItemId))
                    .col(string_len(Commitments::Title, 200))
                    .col(text_null(Commitments::Description))
                    .col(string_len_null(Commitments::Indicator, 500))
                    .col(string_len_null(Commitments::Unit, 50))
                    .col(double_null(Commitments::Baseline))
                    .col(double_null(Commitments::TargetValue))
                    .col(double_null(Commitments::CurrentValue))
                    .col(date_null(Commitments::DueOn))
                    .col(string_len(Commitments::Status, 20))
                    .col(integer(Commitments::Progress))
                    .col(big_integer_null(Commitments::FocalPointUserId))
                    .col(string_len(Commitments::Visibility, 20))
                    .col(integer(Commitments::Version))
                    .col(timestamp_with_time_zone(Commitments::CreatedAt))
                    .col(timestamp_with_time_zone(Commitments::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_commitments_partner",
                        (Commitments::Table, Commitments::PartnerId),
                        (Partners::Table, Partners::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_commitments_coalition",
                        (Commitments::Table, Commitments::CoalitionId),
                        (Coalitions::Table, Coalitions::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_commitments_group",
                        (Commitments::Table, Commitments::ActionGroupId),
                        (ActionGroups::Table, ActionGroups::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_commitments_thematic_area",
                        (Commitments::Table, Commitments::ThematicAreaId),
                        (ThematicAreas::Table, ThematicAreas::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_commitments_item",
                        (Commitments::Table, Commitments::WorkPlanItemId),
                        (WorkPlanItems::Table, WorkPlanItems::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_commitments_focal_point",
                        (Commitments::Table, Commitments::FocalPointUserId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_commitments_partner",
            Commitments::Table,
            &[Commitments::PartnerId],
        )
        .await?;
        index(
            manager,
            "ix_commitments_group",
            Commitments::Table,
            &[Commitments::ActionGroupId],
        )
        .await?;
        index(
            manager,
            "ix_commitments_coalition",
            Commitments::Table,
            &[Commitments::CoalitionId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProgressReports::Table)
                    .col(big_pk_auto(ProgressReports::Id))
                    .col(big_integer(ProgressReports::CommitmentId))
                    .col(big_integer(ProgressReports::AuthorUserId))
                    .col(integer(ProgressReports::Progress))
                    .col(string_len(ProgressReports::Status, 20))
                    .col(text_null(ProgressReports::Narrative))
                    .col(double_null(ProgressReports::Value))
                    .col(string_len(ProgressReports::ReviewState, 20))
                    .col(text_null(ProgressReports::ReviewReason))
                    .col(big_integer_null(ProgressReports::ReviewerUserId))
                    .col(timestamp_with_time_zone_null(ProgressReports::ReviewedAt))
                    .col(string_len_null(ProgressReports::IdempotencyKey, 100))
                    .col(integer(ProgressReports::CommitmentVersion))
                    .col(timestamp_with_time_zone(ProgressReports::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_progress_reports_commitment",
                        (ProgressReports::Table, ProgressReports::CommitmentId),
                        (Commitments::Table, Commitments::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_progress_reports_author",
                        (ProgressReports::Table, ProgressReports::AuthorUserId),
                        (Users::Table, Users::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_progress_reports_reviewer",
                        (ProgressReports::Table, ProgressReports::ReviewerUserId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_progress_reports_commitment",
            ProgressReports::Table,
            &[ProgressReports::CommitmentId, ProgressReports::Id],
        )
        .await?;
        unique(
            manager,
            "ux_progress_reports_idempotency",
            ProgressReports::Table,
            &[
                ProgressReports::CommitmentId,
                ProgressReports::IdempotencyKey,
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(EventStreams::Table)
                    .col(string_len(EventStreams::Stream, 64).primary_key())
                    .col(big_integer(EventStreams::LastSequence))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_pk_auto(Events::Id))
                    .col(string_len(Events::Stream, 64))
                    .col(big_integer(Events::Sequence))
                    .col(string_len(Events::Kind, 64))
                    .col(big_integer_null(Events::ActorUserId))
                    .col(string_len(Events::SubjectType, 32))
                    .col(big_integer(Events::SubjectId))
                    .col(text(Events::Payload))
                    .col(timestamp_with_time_zone(Events::OccurredAt))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "ux_events_stream_sequence",
            Events::Table,
            &[Events::Stream, Events::Sequence],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Events::Table.into_iden(),
            EventStreams::Table.into_iden(),
            ProgressReports::Table.into_iden(),
            Commitments::Table.into_iden(),
            WorkPlanItems::Table.into_iden(),
            WorkPlans::Table.into_iden(),
            ActionGroupMembers::Table.into_iden(),
            ActionGroups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ActionGroups {
    Table,
    Id,
    CoalitionId,
    ThematicAreaId,
    Name,
    Description,
    Status,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActionGroupMembers {
    Table,
    Id,
    ActionGroupId,
    PartnerId,
    Role,
    JoinedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WorkPlans {
    Table,
    Id,
    ActionGroupId,
    Title,
    Level,
    Region,
    Country,
    StartsOn,
    EndsOn,
    Status,
    Version,
    AdoptedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WorkPlanItems {
    Table,
    Id,
    WorkPlanId,
    Title,
    Description,
    LeadPartnerId,
    DueOn,
    Status,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Commitments {
    Table,
    Id,
    PartnerId,
    CoalitionId,
    ActionGroupId,
    ThematicAreaId,
    WorkPlanItemId,
    Title,
    Description,
    Indicator,
    Unit,
    Baseline,
    TargetValue,
    CurrentValue,
    DueOn,
    Status,
    Progress,
    FocalPointUserId,
    Visibility,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgressReports {
    Table,
    Id,
    CommitmentId,
    AuthorUserId,
    Progress,
    Status,
    Narrative,
    Value,
    ReviewState,
    ReviewReason,
    ReviewerUserId,
    ReviewedAt,
    IdempotencyKey,
    CommitmentVersion,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EventStreams {
    Table,
    Stream,
    LastSequence,
}

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    Table,
    Id,
    Stream,
    Sequence,
    Kind,
    ActorUserId,
    SubjectType,
    SubjectId,
    Payload,
    OccurredAt,
}
