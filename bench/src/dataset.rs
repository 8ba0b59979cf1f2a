//! A realistic data set, written straight to the database in bulk (the API would
//! take minutes to build it, and the point is to measure reads).
use chrono::{Duration, NaiveDate, Utc};
use entity::{
    action_group_members, action_groups, coalition_partners, coalitions, commitments, partners,
    progress_reports, users,
};
use sea_orm::{ActiveValue::NotSet, ActiveValue::Set, DatabaseConnection, EntityTrait};

use coalition::domain::{
    ActionGroupStatus, CommitmentStatus, GroupRole, MembershipStatus, PartnerKind, ReviewState,
    Visibility,
};

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub partners: usize,
    pub groups: usize,
    pub members_per_group: usize,
    pub commitments_per_group: usize,
    pub reports_per_commitment: usize,
}

impl Size {
    /// The issue's numbers: 1,000 partners, 100 groups, 2,000 memberships,
    /// 5,000 commitments, 20,000 reports.
    pub const ISSUE: Size = Size {
        partners: 1_000,
        groups: 100,
        members_per_group: 20,
        commitments_per_group: 50,
        reports_per_commitment: 4,
    };
}

const CHUNK: usize = 500;

async fn insert_all<A>(db: &DatabaseConnection, rows: Vec<A>) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Builds the data set; returns the id of one group (for single-group queries).
pub async fn build(db: &DatabaseConnection, size: Size) -> anyhow::Result<i64> {
    let now = Utc::now();
    let kinds = [
        PartnerKind::Government,
        PartnerKind::EmployersOrganization,
        PartnerKind::WorkersOrganization,
        PartnerKind::InternationalOrganization,
        PartnerKind::Ngo,
        PartnerKind::Enterprise,
        PartnerKind::AcademicInstitution,
    ];
    users::Entity::insert(users::ActiveModel {
        id: Set(1),
        email: Set("reporter@bench.example".into()),
        display_name: Set("Bench Reporter".into()),
        password_hash: Set(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        ),
        platform_role: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    coalitions::Entity::insert(coalitions::ActiveModel {
        id: Set(1),
        name: Set("Alliance 8.7".into()),
        slug: Set("alliance-8-7".into()),
        description: Set(None),
        sdg_targets: Set("[\"8.7\"]".into()),
        original_locale: Set("EN".into()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;

    let partner_rows = (1..=size.partners as i64).map(|id| {
        let name = format!("Partner organisation {id:04}");
        partners::ActiveModel {
            id: Set(id),
            search_text: Set(name.to_lowercase()),
            name: Set(name),
            acronym: Set(Some(format!("P{id}"))),
            kind: Set(kinds[id as usize % kinds.len()].as_str().into()),
            country: Set(None),
            region: Set(None),
            website: Set(None),
            description: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
    });
    insert_all(db, partner_rows.collect()).await?;
    let memberships = (1..=size.partners as i64).map(|id| coalition_partners::ActiveModel {
        id: Set(id),
        coalition_id: Set(1),
        partner_id: Set(id),
        status: Set(MembershipStatus::Active.as_str().into()),
        joined_at: Set(Some(now)),
        created_at: Set(now),
    });
    insert_all(db, memberships.collect()).await?;

    let groups = (1..=size.groups as i64).map(|id| {
        let name = format!("Action group {id:03}");
        action_groups::ActiveModel {
            id: Set(id),
            coalition_id: Set(1),
            thematic_area_id: Set(None),
            search_text: Set(name.to_lowercase()),
            name: Set(name),
            description: Set(Some("A collaboration space".into())),
            status: Set(ActionGroupStatus::Active.as_str().into()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
    });
    insert_all(db, groups.collect()).await?;

    // Group g's members are a window of partners starting at g * members.
    let member_of = |group: usize, index: usize| {
        ((group * size.members_per_group + index) % size.partners) as i64 + 1
    };
    let mut members = Vec::new();
    for group in 0..size.groups {
        for index in 0..size.members_per_group {
            members.push(action_group_members::ActiveModel {
                id: Set((group * size.members_per_group + index) as i64 + 1),
                action_group_id: Set(group as i64 + 1),
                partner_id: Set(member_of(group, index)),
                role: Set(if index == 0 {
                    GroupRole::Lead
                } else {
                    GroupRole::Member
                }
                .as_str()
                .into()),
                joined_at: Set(now),
            });
        }
    }
    insert_all(db, members).await?;

    let statuses = [
        CommitmentStatus::Planned,
        CommitmentStatus::OnTrack,
        CommitmentStatus::AtRisk,
        CommitmentStatus::OffTrack,
        CommitmentStatus::Completed,
    ];
    let due = NaiveDate::from_ymd_opt(2030, 12, 31).unwrap_or_default();
    let mut commitment_rows = Vec::new();
    let mut report_rows = Vec::new();
    let mut report_id = 0i64;
    for group in 0..size.groups {
        for index in 0..size.commitments_per_group {
            let id = (group * size.commitments_per_group + index) as i64 + 1;
            let progress = ((id * 7) % 101) as i32;
            commitment_rows.push(commitments::ActiveModel {
                id: Set(id),
                partner_id: Set(member_of(group, index % size.members_per_group)),
                coalition_id: Set(Some(1)),
                action_group_id: Set(Some(group as i64 + 1)),
                thematic_area_id: Set(None),
                work_plan_item_id: Set(None),
                title: Set(format!(
                    "Commitment {id}: end forced labour in supply chain {index}"
                )),
                description: Set(None),
                indicator: Set(Some("Workers covered".into())),
                unit: Set(Some("workers".into())),
                baseline: Set(Some(0.0)),
                target_value: Set(Some(1000.0)),
                current_value: Set(Some(f64::from(progress) * 10.0)),
                due_on: Set(Some(due)),
                status: Set(statuses[id as usize % statuses.len()].as_str().into()),
                progress: Set(progress),
                focal_point_user_id: Set(Some(1)),
                visibility: Set(Visibility::Public.as_str().into()),
                version: Set(1 + size.reports_per_commitment as i32),
                // Left out, so that the data set also loads into the schema of
                // servers from before the column (`bench-queries --compare`); the
                // progress set here is the last approved report's anyway.
                published_report_id: NotSet,
                created_at: Set(now),
                updated_at: Set(now),
            });
            for n in 0..size.reports_per_commitment {
                report_id += 1;
                report_rows.push(progress_reports::ActiveModel {
                    id: Set(report_id),
                    commitment_id: Set(id),
                    author_user_id: Set(1),
                    progress: Set(progress * (n as i32 + 1) / size.reports_per_commitment as i32),
                    status: Set(CommitmentStatus::OnTrack.as_str().into()),
                    narrative: Set(Some(format!(
                        "Quarter {} report: activities carried out as planned.",
                        n + 1
                    ))),
                    value: Set(None),
                    review_state: Set(ReviewState::Approved.as_str().into()),
                    review_reason: Set(None),
                    reviewer_user_id: Set(None),
                    reviewed_at: Set(Some(now)),
                    idempotency_key: Set(None),
                    commitment_version: Set(n as i32 + 2),
                    created_at: Set(
                        now - Duration::days(90 * (size.reports_per_commitment - n) as i64)
                    ),
                });
            }
        }
    }
    insert_all(db, commitment_rows).await?;
    insert_all(db, report_rows).await?;
    reset_sequences(db).await?;
    Ok(1)
}

/// PostgreSQL's id sequences do not move when ids are given explicitly.
async fn reset_sequences(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    for table in [
        "users",
        "coalitions",
        "partners",
        "coalition_partners",
        "action_groups",
        "action_group_members",
        "commitments",
        "progress_reports",
    ] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))
        .await?;
    }
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}
