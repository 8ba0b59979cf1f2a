//! Joining a coalition: applications, by anyone (or a partner's ADMIN), and
//! the secretariat's decisions on them.
use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use entity::partnership_applications;

use crate::{
    auth::policy,
    domain::{
        Acronym, ApplicationKind as Kind, ApplicationText, CountryCode, Email, InstitutionName,
        JobTitle, PartnerName, PersonName, Reason, Website,
    },
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{self, NodeKind},
        inputs::optional,
        types::{
            ApplicationDecision, ApplicationKind, Locale, PartnerKind, PartnershipApplication,
        },
    },
    services::{
        applications::{
            self as application_service, Applicant, ApplicationPatch, Contact, NewApplication,
            Nominee, Organisation, Pathfinder,
        },
        partners as partner_service,
    },
};

#[derive(Default)]
pub struct ApplicationMutations;

#[derive(InputObject)]
pub struct ApplicantOrganisationInput {
    pub name: String,
    pub acronym: Option<String>,
    pub kind: PartnerKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    pub website: Option<String>,
}

#[derive(InputObject)]
pub struct ApplicationContactInput {
    pub name: String,
    pub title: Option<String>,
    pub email: String,
}

#[derive(InputObject)]
pub struct FocalPointNomineeInput {
    pub name: String,
    pub title: Option<String>,
    pub institution: String,
    pub email: String,
}

#[derive(InputObject)]
pub struct SubmitPartnershipApplicationInput {
    pub coalition_id: ID,
    pub kind: ApplicationKind,
    /// The language the applicant is written to in (EN when not given).
    pub locale: Option<Locale>,
    /// The organisation, for an applicant without an account.
    pub organisation: Option<ApplicantOrganisationInput>,
    /// Instead of `organisation`: the partner a signed-in ADMIN applies for.
    pub partner_id: Option<ID>,
    pub contact: ApplicationContactInput,
    pub motivation: String,
    pub intended_commitments: Option<String>,
    /// PATHFINDER_COUNTRY: the country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// PATHFINDER_COUNTRY: why the country is interested.
    pub reasons_for_interest: Option<String>,
    /// PATHFINDER_COUNTRY: its commitment to intensify its efforts towards target 8.7.
    pub intensification_commitment: Option<String>,
    /// PATHFINDER_COUNTRY: its recent successes and national initiatives.
    pub recent_successes: Option<String>,
    /// PATHFINDER_COUNTRY: the senior government official nominated as focal point.
    pub focal_point_nominee: Option<FocalPointNomineeInput>,
}

#[derive(SimpleObject)]
pub struct SubmitPartnershipApplicationPayload {
    pub application: PartnershipApplication,
    /// Opens the application to its applicant: shown once, and e-mailed to the contact.
    pub access_token: String,
}

/// Parts left out stay as they are. The applicant names the application by
/// its access token, or, signed in, by its id.
#[derive(InputObject)]
pub struct UpdatePartnershipApplicationInput {
    pub access_token: Option<String>,
    pub application_id: Option<ID>,
    pub locale: Option<Locale>,
    pub organisation: Option<ApplicantOrganisationInput>,
    pub contact: Option<ApplicationContactInput>,
    pub motivation: Option<String>,
    pub intended_commitments: MaybeUndefined<String>,
    pub country: Option<String>,
    pub reasons_for_interest: Option<String>,
    pub intensification_commitment: Option<String>,
    pub recent_successes: Option<String>,
    pub focal_point_nominee: Option<FocalPointNomineeInput>,
}

#[derive(InputObject)]
pub struct WithdrawPartnershipApplicationInput {
    pub access_token: Option<String>,
    pub application_id: Option<ID>,
}

#[derive(InputObject)]
pub struct ReviewPartnershipApplicationInput {
    pub application_id: ID,
    pub decision: ApplicationDecision,
    /// Required to REQUEST_INFO and to REJECT; the applicant is told it.
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct PartnershipApplicationPayload {
    pub application: PartnershipApplication,
}

fn organisation(input: &ApplicantOrganisationInput) -> async_graphql::Result<Organisation> {
    Ok(Organisation {
        name: PartnerName::parse("organisation.name", &input.name)?,
        acronym: optional(input.acronym.as_deref(), |v| {
            Acronym::parse("organisation.acronym", v)
        })?,
        kind: input.kind.into(),
        country: optional(input.country.as_deref(), |v| {
            CountryCode::parse("organisation.country", v)
        })?,
        website: optional(input.website.as_deref(), |v| {
            Website::parse("organisation.website", v)
        })?,
    })
}

fn contact(input: &ApplicationContactInput) -> async_graphql::Result<Contact> {
    Ok(Contact {
        name: PersonName::parse("contact.name", &input.name)?,
        title: optional(input.title.as_deref(), |v| {
            JobTitle::parse("contact.title", v)
        })?,
        email: Email::parse("contact.email", &input.email)?,
    })
}

fn nominee(input: &FocalPointNomineeInput) -> async_graphql::Result<Nominee> {
    Ok(Nominee {
        name: PersonName::parse("focalPointNominee.name", &input.name)?,
        title: optional(input.title.as_deref(), |v| {
            JobTitle::parse("focalPointNominee.title", v)
        })?,
        institution: InstitutionName::parse("focalPointNominee.institution", &input.institution)?,
        email: Email::parse("focalPointNominee.email", &input.email)?,
    })
}

/// Whether any of the pathfinder items is given.
fn any_pathfinder_item(
    texts: &[&Option<String>],
    nominee: &Option<FocalPointNomineeInput>,
) -> bool {
    texts.iter().any(|t| t.is_some()) || nominee.is_some()
}

fn required<'a>(field: &'static str, value: Option<&'a str>) -> async_graphql::Result<&'a str> {
    value.ok_or_else(|| {
        AppError::bad_input(field, "is required for a PATHFINDER_COUNTRY application").into()
    })
}

/// The pathfinder items of a submission: all of them for a pathfinder
/// country, none for a partner.
fn pathfinder(
    kind: Kind,
    input: &SubmitPartnershipApplicationInput,
) -> async_graphql::Result<Option<Pathfinder>> {
    let given = any_pathfinder_item(
        &[
            &input.country,
            &input.reasons_for_interest,
            &input.intensification_commitment,
            &input.recent_successes,
        ],
        &input.focal_point_nominee,
    );
    if kind == Kind::Partner {
        if given {
            return Err(AppError::bad_input(
                "kind",
                "only a PATHFINDER_COUNTRY application states pathfinder items",
            )
            .into());
        }
        return Ok(None);
    }
    let Some(nominee_input) = &input.focal_point_nominee else {
        return Err(AppError::bad_input(
            "focalPointNominee",
            "is required for a PATHFINDER_COUNTRY application",
        )
        .into());
    };
    Ok(Some(Pathfinder {
        country: CountryCode::parse("country", required("country", input.country.as_deref())?)?,
        reasons_for_interest: ApplicationText::parse(
            "reasonsForInterest",
            required("reasonsForInterest", input.reasons_for_interest.as_deref())?,
        )?,
        intensification_commitment: ApplicationText::parse(
            "intensificationCommitment",
            required(
                "intensificationCommitment",
                input.intensification_commitment.as_deref(),
            )?,
        )?,
        recent_successes: ApplicationText::parse(
            "recentSuccesses",
            required("recentSuccesses", input.recent_successes.as_deref())?,
        )?,
        nominee: nominee(nominee_input)?,
    }))
}

/// The pathfinder items after an update: what is given over what is stored.
fn merged_pathfinder(
    stored: &partnership_applications::Model,
    input: &UpdatePartnershipApplicationInput,
) -> async_graphql::Result<Option<Pathfinder>> {
    let given = any_pathfinder_item(
        &[
            &input.country,
            &input.reasons_for_interest,
            &input.intensification_commitment,
            &input.recent_successes,
        ],
        &input.focal_point_nominee,
    );
    if !given {
        return Ok(None);
    }
    let text = |field: &'static str, given: &Option<String>, stored: &Option<String>| {
        let value = given.as_deref().or(stored.as_deref()).unwrap_or_default();
        ApplicationText::parse(field, value)
    };
    let nominee = match &input.focal_point_nominee {
        Some(given) => nominee(given)?,
        None => Nominee {
            name: PersonName::parse(
                "focalPointNominee.name",
                stored.nominee_name.as_deref().unwrap_or_default(),
            )?,
            title: optional(stored.nominee_title.as_deref(), |v| {
                JobTitle::parse("focalPointNominee.title", v)
            })?,
            institution: InstitutionName::parse(
                "focalPointNominee.institution",
                stored.nominee_institution.as_deref().unwrap_or_default(),
            )?,
            email: Email::parse(
                "focalPointNominee.email",
                stored.nominee_email.as_deref().unwrap_or_default(),
            )?,
        },
    };
    Ok(Some(Pathfinder {
        country: CountryCode::parse(
            "country",
            input
                .country
                .as_deref()
                .or(stored.country.as_deref())
                .unwrap_or_default(),
        )?,
        reasons_for_interest: text(
            "reasonsForInterest",
            &input.reasons_for_interest,
            &stored.reasons_for_interest,
        )?,
        intensification_commitment: text(
            "intensificationCommitment",
            &input.intensification_commitment,
            &stored.intensification_commitment,
        )?,
        recent_successes: text(
            "recentSuccesses",
            &input.recent_successes,
            &stored.recent_successes,
        )?,
        nominee,
    }))
}

/// The application its applicant names (by access token, or signed in by id),
/// and the user acting, if any.
async fn applicants_application(
    ctx: &Context<'_>,
    access_token: Option<&str>,
    application_id: Option<&ID>,
) -> async_graphql::Result<(partnership_applications::Model, Option<i64>)> {
    let db = &ctx.app()?.db;
    match (access_token, application_id) {
        (Some(token), None) => {
            let application = application_service::by_access_token(db, token)
                .await?
                .ok_or(AppError::NotFound("application"))?;
            Ok((application, ctx.viewer().map(|v| v.user_id)))
        }
        (None, Some(id)) => {
            let actor = policy::authenticated(ctx.viewer())?;
            let row_id = ids::expect("applicationId", id, NodeKind::PartnershipApplication)?;
            let application = application_service::find(db, row_id)
                .await
                .ok()
                .filter(|a| policy::read_application(Some(actor), a))
                .ok_or(AppError::NotFound("application"))?;
            policy::change_application(actor, &application)?;
            Ok((application, Some(actor.user_id)))
        }
        _ => Err(AppError::bad_input(
            "accessToken",
            "give the application's accessToken or, signed in, its applicationId",
        )
        .into()),
    }
}

#[Object]
impl ApplicationMutations {
    /// Applies to join a coalition, as a partner or (a government) as a
    /// pathfinder country. Without an account: the contact gets an e-mail with
    /// a private link. Signed in, a partner's ADMIN applies for it with `partnerId`.
    async fn submit_partnership_application(
        &self,
        ctx: &Context<'_>,
        input: SubmitPartnershipApplicationInput,
    ) -> async_graphql::Result<SubmitPartnershipApplicationPayload> {
        let app = ctx.app()?;
        let coalition_id = ids::expect("coalitionId", &input.coalition_id, NodeKind::Coalition)?;
        let kind: Kind = input.kind.into();
        let (applicant, organisation) = match (&input.partner_id, &input.organisation) {
            (Some(partner_id), None) => {
                let actor = policy::authenticated(ctx.viewer())?;
                let partner_id = ids::expect("partnerId", partner_id, NodeKind::Partner)?;
                policy::apply_for_partner(actor, partner_id)?;
                let partner = partner_service::find(&app.db, partner_id).await?;
                let organisation = Organisation {
                    name: PartnerName::parse("organisation.name", &partner.name)?,
                    acronym: optional(partner.acronym.as_deref(), |v| {
                        Acronym::parse("organisation.acronym", v)
                    })?,
                    kind: partner.kind.parse().map_err(|_| {
                        AppError::Internal(anyhow::anyhow!(
                            "stored partner kind {:?}",
                            partner.kind
                        ))
                    })?,
                    country: optional(partner.country.as_deref(), |v| {
                        CountryCode::parse("organisation.country", v)
                    })?,
                    website: optional(partner.website.as_deref(), |v| {
                        Website::parse("organisation.website", v)
                    })?,
                };
                let applicant = Applicant::Partner {
                    user_id: actor.user_id,
                    partner_id,
                };
                (applicant, organisation)
            }
            (None, Some(given)) => {
                let organisation = organisation(given)?;
                // Anyone may apply: each address may only do so a few times an hour.
                let client = crate::http::limit_key(ctx.client_addr()?).to_string();
                if let Err(retry_after) = app.application_limits.reserve(&client) {
                    return Err(AppError::RateLimited {
                        retry_after_secs: retry_after.as_secs().max(1),
                    }
                    .into());
                }
                (Applicant::Anonymous, organisation)
            }
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input(
                    "partnerId",
                    "give the organisation or the partnerId, not both",
                )
                .into())
            }
            (None, None) => {
                return Err(AppError::bad_input(
                    "organisation",
                    "is required (or, signed in as a partner's ADMIN, a partnerId)",
                )
                .into())
            }
        };
        let new = NewApplication {
            coalition_id,
            kind,
            locale: input.locale.map(Into::into).unwrap_or_default(),
            organisation,
            contact: contact(&input.contact)?,
            motivation: ApplicationText::parse("motivation", &input.motivation)?,
            intended_commitments: optional(input.intended_commitments.as_deref(), |v| {
                ApplicationText::parse("intendedCommitments", v)
            })?,
            pathfinder: pathfinder(kind, &input)?,
        };
        let changed = application_service::submit(app, applicant, new).await?;
        app.bus.publish(&changed.events);
        Ok(SubmitPartnershipApplicationPayload {
            application: PartnershipApplication::new(changed.value.application),
            access_token: changed.value.access_token,
        })
    }

    /// Changes an application while it is SUBMITTED or MORE_INFO_REQUESTED
    /// (an answer to a request for more information goes back to review).
    async fn update_partnership_application(
        &self,
        ctx: &Context<'_>,
        input: UpdatePartnershipApplicationInput,
    ) -> async_graphql::Result<PartnershipApplicationPayload> {
        let (application, actor) = applicants_application(
            ctx,
            input.access_token.as_deref(),
            input.application_id.as_ref(),
        )
        .await?;
        let patch = ApplicationPatch {
            organisation: input.organisation.as_ref().map(organisation).transpose()?,
            contact: input.contact.as_ref().map(contact).transpose()?,
            motivation: optional(input.motivation.as_deref(), |v| {
                ApplicationText::parse("motivation", v)
            })?,
            intended_commitments: crate::graphql::inputs::patch(
                &input.intended_commitments,
                |v| ApplicationText::parse("intendedCommitments", v),
            )?,
            pathfinder: merged_pathfinder(&application, &input)?,
            locale: input.locale.map(Into::into),
        };
        let app = ctx.app()?;
        let changed = application_service::update(app, &application, actor, patch).await?;
        app.bus.publish(&changed.events);
        Ok(PartnershipApplicationPayload {
            application: PartnershipApplication::new(changed.value),
        })
    }

    /// Withdraws an open application; its access token stops working.
    async fn withdraw_partnership_application(
        &self,
        ctx: &Context<'_>,
        input: WithdrawPartnershipApplicationInput,
    ) -> async_graphql::Result<PartnershipApplicationPayload> {
        let (application, actor) = applicants_application(
            ctx,
            input.access_token.as_deref(),
            input.application_id.as_ref(),
        )
        .await?;
        let app = ctx.app()?;
        let changed = application_service::withdraw(app, &application, actor).await?;
        app.bus.publish(&changed.events);
        Ok(PartnershipApplicationPayload {
            application: PartnershipApplication::new(changed.value),
        })
    }

    /// The secretariat's decision: START_REVIEW, REQUEST_INFO (with a reason),
    /// APPROVE (creates or links the partner, makes it ACTIVE, records a
    /// pathfinder country, sends the invitations) or REJECT (with a reason).
    async fn review_partnership_application(
        &self,
        ctx: &Context<'_>,
        input: ReviewPartnershipApplicationInput,
    ) -> async_graphql::Result<PartnershipApplicationPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let row_id = ids::expect(
            "applicationId",
            &input.application_id,
            NodeKind::PartnershipApplication,
        )?;
        let app = ctx.app()?;
        let application = application_service::find(&app.db, row_id)
            .await
            .ok()
            .filter(|a| policy::read_application(Some(actor), a))
            .ok_or(AppError::NotFound("application"))?;
        policy::review_applications(actor)?;
        let reason = optional(input.reason.as_deref(), |r| Reason::parse("reason", r))?;
        let changed = application_service::review(
            app,
            actor.user_id,
            &application,
            input.decision.into(),
            reason,
        )
        .await?;
        app.bus.publish(&changed.events);
        Ok(PartnershipApplicationPayload {
            application: PartnershipApplication::new(changed.value),
        })
    }
}
