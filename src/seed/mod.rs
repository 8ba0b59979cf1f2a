//! `seed-demo`: loads the coalitions and partners of the source documents and
//! creates demo logins with random passwords (printed once). Running it again
//! adds only what is missing.
mod applications;
pub mod data;
mod resources;
mod translations;

use std::{collections::HashMap, fmt};

use chrono::Utc;
use entity::{coalitions, partner_users, partners, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::{
    auth::{password, token},
    domain::{
        Acronym, CoalitionName, CountryCode, Description, MembershipStatus, PartnerName,
        PartnerRole, Password, PlatformRole, Region, SdgTarget, Slug, Website,
    },
    error::AppResult,
    services::{coalitions as coalition_service, partners as partner_service},
};

pub struct DemoLogin {
    pub email: &'static str,
    pub password: Option<String>,
    pub role: &'static str,
}

#[derive(Default)]
pub struct DemoReport {
    pub partners_created: usize,
    pub coalitions_created: usize,
    pub logins: Vec<DemoLogin>,
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Demo data: {} partners and {} coalitions created.",
            self.partners_created, self.coalitions_created
        )?;
        writeln!(f, "Demo logins (passwords are shown only this once):")?;
        for login in &self.logins {
            match &login.password {
                Some(password) => {
                    writeln!(f, "  {:<34} {:<26} {}", login.email, password, login.role)?
                }
                None => writeln!(
                    f,
                    "  {:<34} {:<26} {}",
                    login.email, "(already existed)", login.role
                )?,
            }
        }
        Ok(())
    }
}

/// A demo login: who they are and what they may do.
struct DemoUser {
    email: &'static str,
    name: &'static str,
    platform_role: Option<PlatformRole>,
    /// The partner (by acronym) and the role there.
    partner_role: Option<(&'static str, PartnerRole)>,
    description: &'static str,
}

const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        email: "admin@demo.coalition.example",
        name: "Demo Administrator",
        platform_role: Some(PlatformRole::Admin),
        partner_role: None,
        description: "platform ADMIN",
    },
    DemoUser {
        email: "secretariat@demo.coalition.example",
        name: "Demo Secretariat",
        platform_role: Some(PlatformRole::Secretariat),
        partner_role: Some(("ILO", PartnerRole::Member)),
        description: "SECRETARIAT (ILO staff)",
    },
    DemoUser {
        email: "ilo.admin@demo.coalition.example",
        name: "Demo ILO Administrator",
        platform_role: None,
        partner_role: Some(("ILO", PartnerRole::Admin)),
        description: "ADMIN of the ILO",
    },
    DemoUser {
        email: "iom.focal@demo.coalition.example",
        name: "Demo IOM Focal Point",
        platform_role: None,
        partner_role: Some(("IOM", PartnerRole::FocalPoint)),
        description: "FOCAL_POINT of the IOM",
    },
];

pub async fn seed_demo(db: &DatabaseConnection) -> AppResult<DemoReport> {
    let mut report = DemoReport::default();
    let partner_ids = seed_partners(db, &mut report).await?;
    seed_coalitions(db, &partner_ids, &mut report).await?;
    seed_users(db, &partner_ids, &mut report).await?;
    applications::seed(db, &partner_ids).await?;
    translations::seed(db).await?;
    resources::seed(db, &partner_ids).await?;
    Ok(report)
}

/// Partner ids by the key the data uses to refer to them (acronym, else name).
async fn seed_partners(
    db: &DatabaseConnection,
    report: &mut DemoReport,
) -> AppResult<HashMap<&'static str, i64>> {
    let mut ids = HashMap::new();
    for demo in data::PARTNERS {
        let existing = partners::Entity::find()
            .filter(partners::Column::Name.eq(demo.name))
            .one(db)
            .await?;
        let partner = match existing {
            Some(partner) => partner,
            None => {
                report.partners_created += 1;
                partner_service::create(
                    db,
                    partner_service::NewPartner {
                        name: PartnerName::parse("name", demo.name)?,
                        kind: demo.kind,
                        acronym: demo
                            .acronym
                            .map(|a| Acronym::parse("acronym", a))
                            .transpose()?,
                        country: demo
                            .country
                            .map(|c| CountryCode::parse("country", c))
                            .transpose()?,
                        region: demo
                            .region
                            .map(|r| Region::parse("region", r))
                            .transpose()?,
                        website: demo
                            .website
                            .map(|w| Website::parse("website", w))
                            .transpose()?,
                        description: Some(Description::parse("description", demo.description)?),
                    },
                )
                .await?
            }
        };
        ids.insert(demo.acronym.unwrap_or(demo.name), partner.id);
    }
    Ok(ids)
}

async fn seed_coalitions(
    db: &DatabaseConnection,
    partner_ids: &HashMap<&'static str, i64>,
    report: &mut DemoReport,
) -> AppResult<()> {
    for demo in data::COALITIONS {
        let exists = coalitions::Entity::find()
            .filter(coalitions::Column::Slug.eq(demo.slug))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        report.coalitions_created += 1;
        let coalition = coalition_service::create(
            db,
            coalition_service::NewCoalition {
                name: CoalitionName::parse("name", demo.name)?,
                slug: Slug::parse("slug", demo.slug)?,
                description: Some(Description::parse("description", demo.description)?),
                sdg_targets: demo
                    .sdg_targets
                    .iter()
                    .map(|t| SdgTarget::parse("sdgTargets", t))
                    .collect::<Result<_, _>>()?,
            },
        )
        .await?;
        for area in demo.thematic_areas {
            coalition_service::create_thematic_area(
                db,
                coalition.id,
                CoalitionName::parse("name", area.name)?,
                Some(Description::parse("description", area.description)?),
            )
            .await?;
        }
        for key in demo.partner_acronyms_or_names {
            if let Some(partner_id) = partner_ids.get(key) {
                coalition_service::add_partner(
                    db,
                    coalition.id,
                    *partner_id,
                    MembershipStatus::Active,
                )
                .await?;
            }
        }
    }
    Ok(())
}

async fn seed_users(
    db: &DatabaseConnection,
    partner_ids: &HashMap<&'static str, i64>,
    report: &mut DemoReport,
) -> AppResult<()> {
    for demo in DEMO_USERS {
        let DemoUser {
            email,
            name,
            platform_role,
            partner_role,
            description,
        } = demo;
        let exists = users::Entity::find()
            .filter(users::Column::Email.eq(*email))
            .one(db)
            .await?
            .is_some();
        if exists {
            report.logins.push(DemoLogin {
                email,
                password: None,
                role: description,
            });
            continue;
        }
        let clear = token::random_password();
        let hash = password::hash(&Password::parse("password", &clear)?).await?;
        let now = Utc::now();
        let user = users::ActiveModel {
            email: Set((*email).to_owned()),
            display_name: Set((*name).to_owned()),
            password_hash: Set(hash),
            platform_role: Set(platform_role.map(|r| r.as_str().to_owned())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        if let Some((partner_key, role)) = partner_role {
            if let Some(partner_id) = partner_ids.get(partner_key) {
                partner_users::ActiveModel {
                    partner_id: Set(*partner_id),
                    user_id: Set(user.id),
                    role: Set(role.as_str().to_owned()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
        report.logins.push(DemoLogin {
            email,
            password: Some(clear),
            role: description,
        });
    }
    Ok(())
}
