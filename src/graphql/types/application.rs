//! Applications to join a coalition, and the pathfinder countries they make.
//!
//! A `PartnershipApplication` is only ever handed to someone who may read all
//! of it (the secretariat, the applicant by token or session; see
//! `policy::read_application`), so its contacts' e-mails need no check of
//! their own here.
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{partnership_applications, pathfinder_countries};

use super::{
    enums::stored, ApplicationKind, ApplicationState, Coalition, Date, Locale, Partner,
    PartnerKind, User,
};
use crate::graphql::{
    context::ContextExt,
    ids::{encode, NodeKind},
    loaders::{CoalitionKey, FocalPointKey, PartnerKey},
};

/// (Boxed: a row of 30 columns would make every `Node` as large.)
pub struct PartnershipApplication(pub Box<partnership_applications::Model>);

impl PartnershipApplication {
    pub fn new(row: partnership_applications::Model) -> Self {
        Self(Box::new(row))
    }
}

/// A row the foreign keys promise is not there: a bug, not bad input.
fn missing(what: &str) -> async_graphql::Error {
    crate::error::AppError::Internal(anyhow::anyhow!("the {what} of a row is missing")).into()
}

/// The organisation as the application describes it.
#[derive(SimpleObject)]
pub struct ApplicantOrganisation {
    pub name: String,
    pub acronym: Option<String>,
    pub kind: PartnerKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    pub website: Option<String>,
}

/// The person the coalition writes to about the application.
#[derive(SimpleObject)]
pub struct ApplicationContact {
    pub name: String,
    pub title: Option<String>,
    /// The secretariat's and the applicant's only.
    pub email: String,
}

/// The senior government official a pathfinder country names as focal point.
#[derive(SimpleObject)]
pub struct FocalPointNominee {
    pub name: String,
    pub title: Option<String>,
    pub institution: String,
    /// The secretariat's and the applicant's only.
    pub email: String,
}

#[Object]
impl PartnershipApplication {
    pub async fn id(&self) -> ID {
        encode(NodeKind::PartnershipApplication, self.0.id)
    }

    async fn coalition(&self, ctx: &Context<'_>) -> async_graphql::Result<Coalition> {
        ctx.loaders()?
            .load_one(CoalitionKey(self.0.coalition_id))
            .await?
            .map(Coalition)
            .ok_or_else(|| missing("coalition"))
    }

    async fn kind(&self) -> async_graphql::Result<ApplicationKind> {
        stored::<crate::domain::ApplicationKind>(&self.0.kind).map(Into::into)
    }

    async fn state(&self) -> async_graphql::Result<ApplicationState> {
        stored::<crate::domain::ApplicationState>(&self.0.state).map(Into::into)
    }

    /// The language the applicant is written to in.
    async fn locale(&self) -> Locale {
        crate::graphql::locale::original(&self.0.locale)
    }

    async fn organisation(&self) -> async_graphql::Result<ApplicantOrganisation> {
        let a = &self.0;
        Ok(ApplicantOrganisation {
            name: a.org_name.clone(),
            acronym: a.org_acronym.clone(),
            kind: stored::<crate::domain::PartnerKind>(&a.org_kind)?.into(),
            country: a.org_country.clone(),
            website: a.org_website.clone(),
        })
    }

    /// The existing partner applied for, or the one approval created or linked.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Partner>> {
        let Some(partner_id) = self.0.partner_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(PartnerKey(partner_id))
            .await?
            .map(Partner))
    }

    async fn contact(&self) -> ApplicationContact {
        ApplicationContact {
            name: self.0.contact_name.clone(),
            title: self.0.contact_title.clone(),
            email: self.0.contact_email.clone(),
        }
    }

    async fn motivation(&self) -> &str {
        &self.0.motivation
    }

    async fn intended_commitments(&self) -> Option<&str> {
        self.0.intended_commitments.as_deref()
    }

    /// A pathfinder country: its ISO 3166-1 alpha-2 code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }

    /// A pathfinder country: why it is interested.
    async fn reasons_for_interest(&self) -> Option<&str> {
        self.0.reasons_for_interest.as_deref()
    }

    /// A pathfinder country: its commitment to intensify its efforts towards target 8.7.
    async fn intensification_commitment(&self) -> Option<&str> {
        self.0.intensification_commitment.as_deref()
    }

    /// A pathfinder country: its recent successes and national initiatives.
    async fn recent_successes(&self) -> Option<&str> {
        self.0.recent_successes.as_deref()
    }

    async fn focal_point_nominee(&self) -> Option<FocalPointNominee> {
        let a = &self.0;
        Some(FocalPointNominee {
            name: a.nominee_name.clone()?,
            title: a.nominee_title.clone(),
            institution: a.nominee_institution.clone()?,
            email: a.nominee_email.clone()?,
        })
    }

    /// Why more information was asked for, or why it was rejected.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }

    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// When it was approved, rejected or withdrawn.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
}

/// A government recorded as a pathfinder country of a coalition.
pub struct PathfinderCountry(pub pathfinder_countries::Model);

#[Object]
impl PathfinderCountry {
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Partner> {
        ctx.loaders()?
            .load_one(PartnerKey(self.0.partner_id))
            .await?
            .map(Partner)
            .ok_or_else(|| missing("partner"))
    }

    /// ISO 3166-1 alpha-2 code.
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// The day its application was approved.
    async fn since(&self) -> Date {
        Date(self.0.since)
    }

    /// The nominated official, once they have accepted their invitation.
    async fn focal_point(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(email) = &self.0.focal_point_email else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(FocalPointKey(self.0.partner_id, email.clone()))
            .await?
            .map(User::new))
    }
}
