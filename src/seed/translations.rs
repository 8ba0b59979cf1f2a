//! French names of the demo coalitions and of their thematic areas, as the
//! source documents (in French) call them.
use entity::{coalitions, thematic_areas};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    domain::{CoalitionName, Description, Locale},
    error::AppResult,
    services::translations::{self, Translated},
};

/// (slug, French name, French description).
const COALITIONS: &[(&str, &str, &str)] = &[
    (
        "global-coalition-social-justice",
        "Coalition mondiale pour la justice sociale",
        "Plateforme volontaire, créée par le Conseil d'administration du BIT en novembre 2023, \
         qui réunit gouvernements, organisations d'employeurs et de travailleurs, organisations \
         internationales et régionales, institutions financières, entreprises, ONG et milieux \
         universitaires pour combler les déficits de justice sociale.",
    ),
    (
        "alliance-8-7",
        "Alliance 8.7",
        "Partenariat mondial engagé à atteindre la cible 8.7 des objectifs de développement \
         durable à l'horizon 2030 : mettre fin au travail forcé, à l'esclavage moderne, à la \
         traite des êtres humains et au travail des enfants.",
    ),
    (
        "ilo-iom-migration-cooperation",
        "Coopération OIT–OIM sur les migrations",
        "Coopération de l'OIT et de l'OIM pour une migration de main-d'œuvre équitable.",
    ),
];

/// (English name, French name) of thematic areas.
const AREAS: &[(&str, &str)] = &[
    (
        "Inequality, discrimination and exclusion",
        "Inégalités, discrimination et exclusion",
    ),
    (
        "Rights at work and basic needs",
        "Droits au travail et besoins essentiels",
    ),
    (
        "Productive employment and sustainable enterprises",
        "Emploi productif et entreprises durables",
    ),
    ("Protection and resilience", "Protection et résilience"),
    ("Just transitions", "Transitions justes"),
    (
        "Institutions of social dialogue",
        "Institutions du dialogue social",
    ),
    ("Supply chains", "Chaînes d'approvisionnement"),
    ("Migration", "Migrations"),
    ("Rule of law and governance", "État de droit et gouvernance"),
    (
        "Conflict and humanitarian settings",
        "Conflits et situations humanitaires",
    ),
    (
        "Research and knowledge sharing",
        "Recherche et partage des connaissances",
    ),
    ("Migration governance", "Gouvernance des migrations"),
    ("Capacity building", "Renforcement des capacités"),
    ("Policy coherence", "Cohérence des politiques"),
    (
        "Migrants' rights and decent work",
        "Droits des migrants et travail décent",
    ),
];

/// Sets the French translations (again: setting one replaces it).
pub async fn seed(db: &DatabaseConnection) -> AppResult<()> {
    for (slug, name, description) in COALITIONS {
        let Some(coalition) = coalitions::Entity::find()
            .filter(coalitions::Column::Slug.eq(*slug))
            .one(db)
            .await?
        else {
            continue;
        };
        translations::set(
            db,
            Translated::Coalition,
            coalition.id,
            Locale::En,
            Locale::Fr,
            CoalitionName::parse("name", name)?,
            Some(Description::parse("description", description)?),
        )
        .await?;
    }
    for (english, french) in AREAS {
        for area in thematic_areas::Entity::find()
            .filter(thematic_areas::Column::Name.eq(*english))
            .all(db)
            .await?
        {
            translations::set(
                db,
                Translated::ThematicArea,
                area.id,
                Locale::En,
                Locale::Fr,
                CoalitionName::parse("name", french)?,
                None,
            )
            .await?;
        }
    }
    Ok(())
}
