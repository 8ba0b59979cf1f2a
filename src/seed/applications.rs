//! Demo applications, one or more in each state, and the pathfinder countries
//! of Alliance 8.7 that the source documents name among its partners (the
//! seed counts 21; these three are the ones it names, the others can be
//! added by applying as a pathfinder country).
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use entity::{coalition_partners, coalitions, partnership_applications, pathfinder_countries};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use crate::{
    domain::{ApplicationKind, ApplicationState, MembershipStatus},
    error::AppResult,
};

struct DemoPathfinder {
    partner: &'static str,
    country: &'static str,
    since: (i32, u32, u32),
}

const ALLIANCE: &str = "alliance-8-7";
const GCSJ: &str = "global-coalition-social-justice";

const PATHFINDERS: &[DemoPathfinder] = &[
    DemoPathfinder {
        partner: "Government of Argentina",
        country: "AR",
        since: (2017, 11, 14),
    },
    DemoPathfinder {
        partner: "Government of Côte d'Ivoire",
        country: "CI",
        since: (2019, 6, 20),
    },
    DemoPathfinder {
        partner: "Government of Nepal",
        country: "NP",
        since: (2018, 7, 1),
    },
];

struct DemoApplication {
    coalition: &'static str,
    kind: ApplicationKind,
    state: ApplicationState,
    locale: &'static str,
    name: &'static str,
    org_kind: &'static str,
    country: Option<&'static str>,
    contact: (&'static str, &'static str),
    motivation: &'static str,
    reason: Option<&'static str>,
    /// Pathfinder items: reasons, intensification, successes, nominee (name, email).
    pathfinder: Option<(
        &'static str,
        &'static str,
        &'static str,
        (&'static str, &'static str),
    )>,
}

const APPLICATIONS: &[DemoApplication] = &[
    DemoApplication {
        coalition: ALLIANCE,
        kind: ApplicationKind::Partner,
        state: ApplicationState::Submitted,
        locale: "EN",
        name: "Fair Supply Chains Network",
        org_kind: "NGO",
        country: Some("NL"),
        contact: ("Eva de Vries", "eva.devries@example.org"),
        motivation: "We audit cocoa and garment supply chains for forced and child labour and \
                     want to share our data with the Supply Chains Action Group.",
        reason: None,
        pathfinder: None,
    },
    DemoApplication {
        coalition: GCSJ,
        kind: ApplicationKind::Partner,
        state: ApplicationState::UnderReview,
        locale: "FR",
        name: "Réseau des universités pour le travail décent",
        org_kind: "ACADEMIC_INSTITUTION",
        country: Some("SN"),
        contact: ("Awa Ndiaye", "awa.ndiaye@example.org"),
        motivation: "Mettre nos recherches sur la protection sociale au service de la \
                     Coalition et de ses groupes d'action.",
        reason: None,
        pathfinder: None,
    },
    DemoApplication {
        coalition: GCSJ,
        kind: ApplicationKind::Partner,
        state: ApplicationState::MoreInfoRequested,
        locale: "ES",
        name: "Cámara de Comercio del Pacífico",
        org_kind: "EMPLOYERS_ORGANIZATION",
        country: Some("PE"),
        contact: ("Rosa Quispe", "rosa.quispe@example.org"),
        motivation: "Promover la formalización de las pequeñas empresas y el diálogo social.",
        reason: Some("Indique los compromisos concretos que su organización asumirá."),
        pathfinder: None,
    },
    DemoApplication {
        coalition: ALLIANCE,
        kind: ApplicationKind::PathfinderCountry,
        state: ApplicationState::UnderReview,
        locale: "ES",
        name: "Gobierno de Chile",
        org_kind: "GOVERNMENT",
        country: Some("CL"),
        contact: ("Lucía Pérez", "lucia.perez@example.org"),
        motivation: "Acelerar la eliminación del trabajo infantil y del trabajo forzoso.",
        reason: None,
        pathfinder: Some((
            "Un plan nacional contra el trabajo infantil 2024-2030 que busca socios.",
            "Duplicar las inspecciones laborales en la agricultura para 2026.",
            "Una ley de 2023 sobre la debida diligencia en las cadenas de suministro.",
            ("Jorge Ramírez", "jorge.ramirez@example.org"),
        )),
    },
    DemoApplication {
        coalition: ALLIANCE,
        kind: ApplicationKind::PathfinderCountry,
        state: ApplicationState::Approved,
        locale: "EN",
        name: "Government of Nepal",
        org_kind: "GOVERNMENT",
        country: Some("NP"),
        contact: ("Sita Sharma", "sita.sharma@example.org"),
        motivation: "To end bonded labour and child labour with the support of the Alliance.",
        reason: None,
        pathfinder: Some((
            "Bonded labour persists in agriculture and brick kilns despite its abolition.",
            "A national master plan to end child labour by 2025, with labour inspection.",
            "The freed Kamaiya and Haliya rehabilitation programmes.",
            ("Ram Thapa", "ram.thapa@example.org"),
        )),
    },
    DemoApplication {
        coalition: ALLIANCE,
        kind: ApplicationKind::Partner,
        state: ApplicationState::Rejected,
        locale: "EN",
        name: "Quick Recruitment Agency Ltd",
        org_kind: "ENTERPRISE",
        country: None,
        contact: ("Sam Lee", "sam.lee@example.org"),
        motivation: "We would like to advertise our recruitment services to partners.",
        reason: Some(
            "Alliance 8.7 partners commit to action towards target 8.7; \
                      advertising is outside its scope.",
        ),
        pathfinder: None,
    },
    DemoApplication {
        coalition: GCSJ,
        kind: ApplicationKind::Partner,
        state: ApplicationState::Withdrawn,
        locale: "FR",
        name: "Association pour l'économie sociale et solidaire",
        org_kind: "CIVIL_SOCIETY",
        country: Some("FR"),
        contact: ("Claire Martin", "claire.martin@example.org"),
        motivation: "Faire connaître les coopératives comme voie vers le travail décent.",
        reason: None,
        pathfinder: None,
    },
];

/// Adds the pathfinder countries and the demo applications that are missing.
pub async fn seed(
    db: &DatabaseConnection,
    partner_ids: &HashMap<&'static str, i64>,
) -> AppResult<()> {
    let coalition_ids: HashMap<String, i64> = coalitions::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.slug, c.id))
        .collect();
    let now = Utc::now();
    if let Some(&alliance) = coalition_ids.get(ALLIANCE) {
        for demo in PATHFINDERS {
            let Some(&partner_id) = partner_ids.get(demo.partner) else {
                continue;
            };
            let exists = pathfinder_countries::Entity::find()
                .filter(pathfinder_countries::Column::CoalitionId.eq(alliance))
                .filter(pathfinder_countries::Column::PartnerId.eq(partner_id))
                .count(db)
                .await?
                > 0;
            if exists {
                continue;
            }
            let (y, m, d) = demo.since;
            let member = coalition_partners::Entity::find()
                .filter(coalition_partners::Column::CoalitionId.eq(alliance))
                .filter(coalition_partners::Column::PartnerId.eq(partner_id))
                .count(db)
                .await?
                > 0;
            if !member {
                crate::services::coalitions::add_partner(
                    db,
                    alliance,
                    partner_id,
                    MembershipStatus::Active,
                )
                .await?;
            }
            pathfinder_countries::ActiveModel {
                coalition_id: Set(alliance),
                partner_id: Set(partner_id),
                country: Set(demo.country.to_owned()),
                since: Set(NaiveDate::from_ymd_opt(y, m, d).unwrap_or(now.date_naive())),
                focal_point_email: Set(None),
                application_id: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if partnership_applications::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    for (age, demo) in APPLICATIONS.iter().enumerate() {
        let Some(&coalition_id) = coalition_ids.get(demo.coalition) else {
            continue;
        };
        let submitted = now - Duration::days(30 - age as i64 * 4);
        let decided = matches!(
            demo.state,
            ApplicationState::Approved | ApplicationState::Rejected | ApplicationState::Withdrawn
        )
        .then_some(submitted + Duration::days(3));
        let pathfinder = demo.pathfinder;
        partnership_applications::ActiveModel {
            coalition_id: Set(coalition_id),
            kind: Set(demo.kind.as_str().to_owned()),
            state: Set(demo.state.as_str().to_owned()),
            locale: Set(demo.locale.to_owned()),
            org_name: Set(demo.name.to_owned()),
            org_name_key: Set(demo.name.to_lowercase()),
            org_acronym: Set(None),
            org_kind: Set(demo.org_kind.to_owned()),
            org_country: Set(demo.country.map(str::to_owned)),
            org_website: Set(None),
            // An approved one made (or linked) its partner.
            partner_id: Set((demo.state == ApplicationState::Approved)
                .then(|| partner_ids.get(demo.name).copied())
                .flatten()),
            contact_name: Set(demo.contact.0.to_owned()),
            contact_title: Set(None),
            contact_email: Set(demo.contact.1.to_owned()),
            motivation: Set(demo.motivation.to_owned()),
            intended_commitments: Set(None),
            country: Set(pathfinder.and(demo.country).map(str::to_owned)),
            reasons_for_interest: Set(pathfinder.map(|p| p.0.to_owned())),
            intensification_commitment: Set(pathfinder.map(|p| p.1.to_owned())),
            recent_successes: Set(pathfinder.map(|p| p.2.to_owned())),
            nominee_name: Set(pathfinder.map(|p| p.3 .0.to_owned())),
            nominee_title: Set(pathfinder.map(|_| "Vice-Minister of Labour".to_owned())),
            nominee_institution: Set(pathfinder.map(|_| "Ministry of Labour".to_owned())),
            nominee_email: Set(pathfinder.map(|p| p.3 .1.to_owned())),
            decision_reason: Set(demo.reason.map(str::to_owned)),
            // Demo applications have no applicant to follow them.
            access_token_hash: Set(None),
            submitted_by_user_id: Set(None),
            version: Set(1),
            submitted_at: Set(submitted),
            updated_at: Set(decided.unwrap_or(submitted)),
            decided_at: Set(decided),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
