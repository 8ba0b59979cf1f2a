//! Applications to join a coalition, from organisations that want to become
//! partners and from governments that want to be pathfinder countries.
//!
//! An applicant without an account follows its application with an access
//! token (random, stored hashed, revoked by withdrawal); a partner ADMIN who is
//! signed in applies for its partner. The secretariat reviews. Every change is
//! an event in the application's own stream, a notification for the
//! secretariat and the applicant's user (if any), and an e-mail to the contact
//! — all in the transaction of the change.
use std::collections::HashMap;

use chrono::Utc;
use entity::{
    coalition_partners, coalitions, partners, partnership_applications, pathfinder_countries,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::json;

use super::{
    accounts,
    notifications::{self, reasons, Notice},
    partners as partner_service, Changed,
};
use crate::{
    auth::token,
    domain::{
        partner_search_text, Acronym, ApplicationDecision, ApplicationKind, ApplicationState,
        ApplicationText, CountryCode, Email, InstitutionName, JobTitle, Locale, MembershipStatus,
        PartnerKind, PartnerName, PartnerRole, PersonName, Reason, Website,
    },
    error::{AppError, AppResult},
    events::{self as event_log, kinds, NewEvent, Stream, Subject},
    ids::{global_id, NodeKind},
    mail::{self, templates},
    pagination::{Cursor, Page, PageArgs},
    state::AppState,
};

type Application = partnership_applications::Model;

#[derive(Debug, Clone)]
pub struct Organisation {
    pub name: PartnerName,
    pub acronym: Option<Acronym>,
    pub kind: PartnerKind,
    pub country: Option<CountryCode>,
    pub website: Option<Website>,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub name: PersonName,
    pub title: Option<JobTitle>,
    pub email: Email,
}

/// The senior government official a pathfinder country names as focal point.
#[derive(Debug, Clone)]
pub struct Nominee {
    pub name: PersonName,
    pub title: Option<JobTitle>,
    pub institution: InstitutionName,
    pub email: Email,
}

/// What a pathfinder country application states, beyond a partner's.
#[derive(Debug, Clone)]
pub struct Pathfinder {
    pub country: CountryCode,
    pub reasons_for_interest: ApplicationText,
    pub intensification_commitment: ApplicationText,
    pub recent_successes: ApplicationText,
    pub nominee: Nominee,
}

/// Who submits: someone without an account, or a partner's ADMIN for it.
#[derive(Debug, Clone, Copy)]
pub enum Applicant {
    Anonymous,
    Partner { user_id: i64, partner_id: i64 },
}

pub struct NewApplication {
    pub coalition_id: i64,
    pub kind: ApplicationKind,
    pub locale: Locale,
    pub organisation: Organisation,
    pub contact: Contact,
    pub motivation: ApplicationText,
    pub intended_commitments: Option<ApplicationText>,
    pub pathfinder: Option<Pathfinder>,
}

/// An applicant's change: `None` leaves a part as it is.
#[derive(Default)]
pub struct ApplicationPatch {
    pub organisation: Option<Organisation>,
    pub contact: Option<Contact>,
    pub motivation: Option<ApplicationText>,
    pub intended_commitments: Option<Option<ApplicationText>>,
    pub pathfinder: Option<Pathfinder>,
    pub locale: Option<Locale>,
}

#[derive(Default, Clone)]
pub struct ApplicationFilter {
    pub coalition_id: Option<i64>,
    pub state: Option<ApplicationState>,
    pub kind: Option<ApplicationKind>,
}

/// What `submit` answers: the application and its access token (shown once).
pub struct Submitted {
    pub application: Application,
    pub access_token: String,
}

fn state_of(application: &Application) -> AppResult<ApplicationState> {
    application.state.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "stored application state {:?}",
            application.state
        ))
    })
}

pub fn kind_of(application: &Application) -> AppResult<ApplicationKind> {
    application.kind.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "stored application kind {:?}",
            application.kind
        ))
    })
}

fn name_key(name: &PartnerName) -> String {
    name.as_str().to_lowercase()
}

/// The checks a new application must pass besides its fields' own.
async fn check_new(
    db: &DatabaseConnection,
    new: &NewApplication,
    partner: Option<&partners::Model>,
) -> AppResult<coalitions::Model> {
    let coalition = super::coalitions::find(db, new.coalition_id).await?;
    if let Some(pathfinder) = &new.pathfinder {
        if new.organisation.kind != PartnerKind::Government {
            return Err(AppError::bad_input(
                "organisation.kind",
                "a pathfinder country application comes from a GOVERNMENT",
            ));
        }
        if let Some(country) = &new.organisation.country {
            if country != &pathfinder.country {
                return Err(AppError::bad_input(
                    "country",
                    "must be the country of the applying government",
                ));
            }
        }
    }
    // An ACTIVE partner is in already; it may still apply as a pathfinder.
    let existing = match partner {
        Some(partner) => Some(partner.clone()),
        None => by_name(db, &new.organisation.name).await?,
    };
    if let Some(existing) = existing {
        let active = coalition_partners::Entity::find()
            .filter(coalition_partners::Column::CoalitionId.eq(coalition.id))
            .filter(coalition_partners::Column::PartnerId.eq(existing.id))
            .filter(coalition_partners::Column::Status.eq(MembershipStatus::Active.as_str()))
            .one(db)
            .await?
            .is_some();
        if active && new.kind == ApplicationKind::Partner {
            return Err(AppError::conflict(
                "coalitionId",
                "the organisation is already an active partner of this coalition",
            ));
        }
        if new.kind == ApplicationKind::PathfinderCountry {
            let already = pathfinder_countries::Entity::find()
                .filter(pathfinder_countries::Column::CoalitionId.eq(coalition.id))
                .filter(pathfinder_countries::Column::PartnerId.eq(existing.id))
                .one(db)
                .await?
                .is_some();
            if already {
                return Err(AppError::conflict(
                    "coalitionId",
                    "the country is already a pathfinder of this coalition",
                ));
            }
        }
    }
    Ok(coalition)
}

/// The partner with this name, whatever its case.
async fn by_name(
    db: &impl sea_orm::ConnectionTrait,
    name: &PartnerName,
) -> AppResult<Option<partners::Model>> {
    Ok(partners::Entity::find()
        .filter(
            Condition::any()
                .add(partners::Column::Name.eq(name.as_str()))
                .add(Expr::expr(Func::lower(Expr::col(partners::Column::Name))).eq(name_key(name))),
        )
        .order_by_asc(partners::Column::Id)
        .one(db)
        .await?)
}

/// The open-application indexes say CONFLICT in the applicant's words.
fn open_conflict(error: AppError) -> AppError {
    match error {
        AppError::Conflict { .. } => AppError::conflict(
            "organisation",
            "this organisation already has an open application to this coalition",
        ),
        other => other,
    }
}

pub async fn submit(
    state: &AppState,
    applicant: Applicant,
    new: NewApplication,
) -> AppResult<Changed<Submitted>> {
    let db = &state.db;
    let partner = match applicant {
        Applicant::Partner { partner_id, .. } => Some(partner_service::find(db, partner_id).await?),
        Applicant::Anonymous => None,
    };
    let coalition = check_new(db, &new, partner.as_ref()).await?;
    let (access_token, token_hash) = token::generate("app");
    let now = Utc::now();
    let org = &new.organisation;
    let pathfinder = new.pathfinder.as_ref();
    let txn = db.begin().await?;
    let application = partnership_applications::ActiveModel {
        coalition_id: Set(coalition.id),
        kind: Set(new.kind.as_str().to_owned()),
        state: Set(ApplicationState::Submitted.as_str().to_owned()),
        locale: Set(new.locale.as_str().to_owned()),
        org_name: Set(org.name.as_str().to_owned()),
        org_name_key: Set(name_key(&org.name)),
        org_acronym: Set(org.acronym.as_ref().map(|a| a.as_str().to_owned())),
        org_kind: Set(org.kind.as_str().to_owned()),
        org_country: Set(org
            .country
            .as_ref()
            .or(pathfinder.map(|p| &p.country))
            .map(|c| c.as_str().to_owned())),
        org_website: Set(org.website.as_ref().map(|w| w.as_str().to_owned())),
        partner_id: Set(partner.as_ref().map(|p| p.id)),
        contact_name: Set(new.contact.name.as_str().to_owned()),
        contact_title: Set(new.contact.title.as_ref().map(|t| t.as_str().to_owned())),
        contact_email: Set(new.contact.email.as_str().to_owned()),
        motivation: Set(new.motivation.as_str().to_owned()),
        intended_commitments: Set(new
            .intended_commitments
            .as_ref()
            .map(|t| t.as_str().to_owned())),
        country: Set(pathfinder.map(|p| p.country.as_str().to_owned())),
        reasons_for_interest: Set(pathfinder.map(|p| p.reasons_for_interest.as_str().to_owned())),
        intensification_commitment: Set(
            pathfinder.map(|p| p.intensification_commitment.as_str().to_owned())
        ),
        recent_successes: Set(pathfinder.map(|p| p.recent_successes.as_str().to_owned())),
        nominee_name: Set(pathfinder.map(|p| p.nominee.name.as_str().to_owned())),
        nominee_title: Set(
            pathfinder.and_then(|p| p.nominee.title.as_ref().map(|t| t.as_str().to_owned()))
        ),
        nominee_institution: Set(pathfinder.map(|p| p.nominee.institution.as_str().to_owned())),
        nominee_email: Set(pathfinder.map(|p| p.nominee.email.as_str().to_owned())),
        decision_reason: Set(None),
        access_token_hash: Set(Some(token_hash)),
        submitted_by_user_id: Set(match applicant {
            Applicant::Partner { user_id, .. } => Some(user_id),
            Applicant::Anonymous => None,
        }),
        version: Set(1),
        submitted_at: Set(now),
        updated_at: Set(now),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|error| open_conflict(error.into()))?;
    let actor = application.submitted_by_user_id;
    let follow = follow_link(state, Some(&access_token));
    let events = record(
        &txn,
        &application,
        &coalition,
        actor,
        Recorded {
            kind: kinds::APPLICATION_SUBMITTED,
            staff_reason: reasons::APPLICATION_SUBMITTED,
            tell_applicant_user: false,
            follow_link: &follow,
            invitation_link: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(Changed::new(
        Submitted {
            application,
            access_token,
        },
        events,
    ))
}

/// What one change records besides itself.
struct Recorded<'a> {
    kind: &'static str,
    staff_reason: &'static str,
    /// Notify the user who applied (a change they did not make).
    tell_applicant_user: bool,
    follow_link: &'a str,
    invitation_link: Option<&'a str>,
}

/// The event, the notifications and the e-mail to the contact of a change to
/// `application` (as it now is), in `txn`.
async fn record(
    txn: &DatabaseTransaction,
    application: &Application,
    coalition: &coalitions::Model,
    actor: Option<i64>,
    what: Recorded<'_>,
) -> AppResult<Vec<entity::events::Model>> {
    let current = state_of(application)?;
    let payload = json!({
        "applicationId": global_id(NodeKind::PartnershipApplication, application.id),
        "coalitionId": global_id(NodeKind::Coalition, application.coalition_id),
        "kind": application.kind,
        "state": application.state,
    });
    let subject = Subject::partnership_application(application.id);
    let mut recorded = event_log::append(
        txn,
        &[Stream::Application(application.id)],
        NewEvent {
            kind: what.kind,
            actor,
            subject,
            payload: payload.clone(),
        },
    )
    .await?;
    let staff = notifications::staff(txn).await?;
    recorded.extend(
        notifications::notify(
            txn,
            staff,
            Notice {
                reason: what.staff_reason,
                kind: what.kind,
                actor,
                subject,
                payload: payload.clone(),
            },
        )
        .await?,
    );
    if let (true, Some(user_id)) = (what.tell_applicant_user, application.submitted_by_user_id) {
        let mut payload = payload;
        if let Some(reason) = &application.decision_reason {
            payload["decisionReason"] = json!(reason);
        }
        recorded.extend(
            notifications::notify(
                txn,
                [user_id],
                Notice {
                    reason: reasons::APPLICATION_REVIEWED,
                    kind: what.kind,
                    actor,
                    subject,
                    payload,
                },
            )
            .await?,
        );
    }
    let locale = application.locale.parse().unwrap_or_default();
    let reason = matches!(
        current,
        ApplicationState::MoreInfoRequested | ApplicationState::Rejected
    )
    .then_some(application.decision_reason.as_deref())
    .flatten();
    let mail = templates::application_news(templates::ApplicationNews {
        locale,
        recipient: &application.contact_email,
        organisation: &application.org_name,
        coalition: &coalition.name,
        state: current,
        reason,
        follow_link: what.follow_link,
        invitation_link: what.invitation_link,
    });
    mail::enqueue(txn, mail, recorded.first().map(|e| e.id)).await?;
    Ok(recorded)
}

/// Where the applicant follows an application: with its token in the first
/// e-mail (the only time the token is known), the applications page after.
fn follow_link(state: &AppState, access_token: Option<&str>) -> String {
    let base = state.config.public_url.trim_end_matches('/');
    match access_token {
        Some(token) => format!("{base}/applications/follow?token={token}"),
        None => format!("{base}/applications"),
    }
}

pub async fn find(db: &DatabaseConnection, id: i64) -> AppResult<Application> {
    partnership_applications::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("application"))
}

/// The application an access token opens, unless withdrawn (revoked).
pub async fn by_access_token(
    db: &DatabaseConnection,
    access_token: &str,
) -> AppResult<Option<Application>> {
    if access_token.len() > 200 {
        return Ok(None);
    }
    Ok(partnership_applications::Entity::find()
        .filter(partnership_applications::Column::AccessTokenHash.eq(token::hash(access_token)))
        .one(db)
        .await?)
}

/// Moves `application` from the state it was read in to `to`, with the other
/// columns `set`; the state and version checks and the write are one
/// statement, so two racing changes cannot both pass.
async fn transition(
    txn: &DatabaseTransaction,
    application: &Application,
    to: ApplicationState,
    set: Vec<(
        partnership_applications::Column,
        sea_orm::sea_query::SimpleExpr,
    )>,
) -> AppResult<Application> {
    let now = Utc::now();
    let mut update = partnership_applications::Entity::update_many()
        .col_expr(
            partnership_applications::Column::State,
            Expr::value(to.as_str()),
        )
        .col_expr(
            partnership_applications::Column::Version,
            Expr::value(super::next_version(application.version, "application")?),
        )
        .col_expr(
            partnership_applications::Column::UpdatedAt,
            Expr::value(now),
        );
    for (column, value) in set {
        update = update.col_expr(column, value);
    }
    let result = update
        .filter(partnership_applications::Column::Id.eq(application.id))
        .filter(partnership_applications::Column::State.eq(application.state.as_str()))
        .filter(partnership_applications::Column::Version.eq(application.version))
        .exec(txn)
        .await
        .map_err(|error| open_conflict(error.into()))?;
    if result.rows_affected == 0 {
        return Err(AppError::conflict(
            "applicationId",
            "the application changed meanwhile; read it again",
        ));
    }
    partnership_applications::Entity::find_by_id(application.id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("application"))
}

fn not_in_state(what: &str, state: ApplicationState) -> AppError {
    AppError::conflict(
        "applicationId",
        format!("an application that is {} cannot be {what}", state.as_str()),
    )
}

/// The applicant's change, while the application is SUBMITTED or
/// MORE_INFO_REQUESTED (an answer sends it back to the reviewer).
pub async fn update(
    state: &AppState,
    application: &Application,
    actor: Option<i64>,
    patch: ApplicationPatch,
) -> AppResult<Changed<Application>> {
    use partnership_applications::Column as C;
    let db = &state.db;
    let current = state_of(application)?;
    let Some(next) = current.after_update() else {
        return Err(not_in_state("updated", current));
    };
    let kind = kind_of(application)?;
    if patch.pathfinder.is_some() && kind != ApplicationKind::PathfinderCountry {
        return Err(AppError::bad_input(
            "country",
            "only a PATHFINDER_COUNTRY application states pathfinder items",
        ));
    }
    let mut set: Vec<(C, sea_orm::sea_query::SimpleExpr)> = Vec::new();
    if let Some(org) = &patch.organisation {
        if application.partner_id.is_some() {
            return Err(AppError::bad_input(
                "organisation",
                "an application for an existing partner keeps the partner's profile",
            ));
        }
        if kind == ApplicationKind::PathfinderCountry && org.kind != PartnerKind::Government {
            return Err(AppError::bad_input(
                "organisation.kind",
                "a pathfinder country application comes from a GOVERNMENT",
            ));
        }
        set.extend([
            (C::OrgName, Expr::value(org.name.as_str())),
            (C::OrgNameKey, Expr::value(name_key(&org.name))),
            (
                C::OrgAcronym,
                Expr::value(org.acronym.as_ref().map(|a| a.as_str().to_owned())),
            ),
            (C::OrgKind, Expr::value(org.kind.as_str())),
            (
                C::OrgCountry,
                Expr::value(org.country.as_ref().map(|c| c.as_str().to_owned())),
            ),
            (
                C::OrgWebsite,
                Expr::value(org.website.as_ref().map(|w| w.as_str().to_owned())),
            ),
        ]);
    }
    if let Some(contact) = &patch.contact {
        set.extend([
            (C::ContactName, Expr::value(contact.name.as_str())),
            (
                C::ContactTitle,
                Expr::value(contact.title.as_ref().map(|t| t.as_str().to_owned())),
            ),
            (C::ContactEmail, Expr::value(contact.email.as_str())),
        ]);
    }
    if let Some(motivation) = &patch.motivation {
        set.push((C::Motivation, Expr::value(motivation.as_str())));
    }
    if let Some(intended) = &patch.intended_commitments {
        set.push((
            C::IntendedCommitments,
            Expr::value(intended.as_ref().map(|t| t.as_str().to_owned())),
        ));
    }
    if let Some(p) = &patch.pathfinder {
        set.extend([
            (C::Country, Expr::value(p.country.as_str())),
            (
                C::ReasonsForInterest,
                Expr::value(p.reasons_for_interest.as_str()),
            ),
            (
                C::IntensificationCommitment,
                Expr::value(p.intensification_commitment.as_str()),
            ),
            (C::RecentSuccesses, Expr::value(p.recent_successes.as_str())),
            (C::NomineeName, Expr::value(p.nominee.name.as_str())),
            (
                C::NomineeTitle,
                Expr::value(p.nominee.title.as_ref().map(|t| t.as_str().to_owned())),
            ),
            (
                C::NomineeInstitution,
                Expr::value(p.nominee.institution.as_str()),
            ),
            (C::NomineeEmail, Expr::value(p.nominee.email.as_str())),
        ]);
    }
    if let Some(locale) = patch.locale {
        set.push((C::Locale, Expr::value(locale.as_str())));
    }
    let coalition = super::coalitions::find(db, application.coalition_id).await?;
    let txn = db.begin().await?;
    let updated = transition(&txn, application, next, set).await?;
    if kind == ApplicationKind::PathfinderCountry {
        let country = updated.country.as_deref().unwrap_or_default();
        if updated.org_country.as_deref().is_some_and(|c| c != country) {
            return Err(AppError::bad_input(
                "country",
                "must be the country of the applying government",
            ));
        }
    }
    let follow = follow_link(state, None);
    let events = record(
        &txn,
        &updated,
        &coalition,
        actor,
        Recorded {
            kind: kinds::APPLICATION_UPDATED,
            staff_reason: reasons::APPLICATION_UPDATED,
            tell_applicant_user: false,
            follow_link: &follow,
            invitation_link: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(Changed::new(updated, events))
}

/// Withdraws an open application; its access token stops working.
pub async fn withdraw(
    state: &AppState,
    application: &Application,
    actor: Option<i64>,
) -> AppResult<Changed<Application>> {
    use partnership_applications::Column as C;
    let current = state_of(application)?;
    if !current.is_open() {
        return Err(not_in_state("withdrawn", current));
    }
    let coalition = super::coalitions::find(&state.db, application.coalition_id).await?;
    let txn = state.db.begin().await?;
    let updated = transition(
        &txn,
        application,
        ApplicationState::Withdrawn,
        vec![
            (C::AccessTokenHash, Expr::value(None::<String>)),
            (C::DecidedAt, Expr::value(Utc::now())),
        ],
    )
    .await?;
    let follow = follow_link(state, None);
    let events = record(
        &txn,
        &updated,
        &coalition,
        actor,
        Recorded {
            kind: kinds::APPLICATION_WITHDRAWN,
            staff_reason: reasons::APPLICATION_WITHDRAWN,
            tell_applicant_user: false,
            follow_link: &follow,
            invitation_link: None,
        },
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(Changed::new(updated, events))
}

/// The secretariat's decision. Approval does all it implies in one
/// transaction: the partner (created, or the existing one linked), its ACTIVE
/// membership from today, the pathfinder record, the invitations and e-mails.
pub async fn review(
    state: &AppState,
    reviewer_id: i64,
    application: &Application,
    decision: ApplicationDecision,
    reason: Option<Reason>,
) -> AppResult<Changed<Application>> {
    use partnership_applications::Column as C;
    if decision.needs_reason() && reason.is_none() {
        return Err(AppError::bad_input(
            "reason",
            "is required to ask for more information or to reject",
        ));
    }
    let current = state_of(application)?;
    let Some(next) = current.after(decision) else {
        return Err(AppError::conflict(
            "decision",
            format!(
                "an application that is {} cannot take this decision",
                current.as_str()
            ),
        ));
    };
    let coalition = super::coalitions::find(&state.db, application.coalition_id).await?;
    let now = Utc::now();
    let mut set = Vec::new();
    // A decision's reason replaces the last one (a request for more information
    // answered and then approved has none).
    if decision != ApplicationDecision::StartReview {
        set.push((
            C::DecisionReason,
            Expr::value(reason.as_ref().map(|r| r.as_str().to_owned())),
        ));
    }
    if matches!(
        next,
        ApplicationState::Approved | ApplicationState::Rejected
    ) {
        set.push((C::DecidedAt, Expr::value(now)));
    }
    let txn = state.db.begin().await?;
    // The first statement writes: it holds the application's row until commit.
    let mut updated = transition(&txn, application, next, set).await?;
    let mut invitation = None;
    if next == ApplicationState::Approved {
        let approved = approve(&txn, state, reviewer_id, &updated).await?;
        invitation = approved.contact_invitation;
        updated = approved.application;
    }
    let (kind, staff_reason) = match decision {
        ApplicationDecision::StartReview => (
            kinds::APPLICATION_REVIEW_STARTED,
            reasons::APPLICATION_REVIEWED,
        ),
        ApplicationDecision::RequestInfo => (
            kinds::APPLICATION_INFO_REQUESTED,
            reasons::APPLICATION_REVIEWED,
        ),
        ApplicationDecision::Approve => {
            (kinds::APPLICATION_APPROVED, reasons::APPLICATION_REVIEWED)
        }
        ApplicationDecision::Reject => (kinds::APPLICATION_REJECTED, reasons::APPLICATION_REVIEWED),
    };
    let follow = follow_link(state, None);
    let invitation_link = invitation
        .as_deref()
        .map(|t| accounts::invitation_link(state, t));
    let events = record(
        &txn,
        &updated,
        &coalition,
        Some(reviewer_id),
        Recorded {
            kind,
            staff_reason,
            tell_applicant_user: true,
            follow_link: &follow,
            invitation_link: invitation_link.as_deref(),
        },
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(Changed::new(updated, events))
}

struct Approved {
    application: Application,
    /// The token of the contact's ADMIN invitation, when approval made the partner.
    contact_invitation: Option<String>,
}

async fn approve(
    txn: &DatabaseTransaction,
    state: &AppState,
    reviewer_id: i64,
    application: &Application,
) -> AppResult<Approved> {
    let now = Utc::now();
    let locale: Locale = application.locale.parse().unwrap_or_default();
    let name = PartnerName::parse("organisation.name", &application.org_name)?;
    // The partner: the one applied for, else one of the same name, else a new one.
    let (partner, created) = match application.partner_id {
        Some(id) => (
            partners::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound("partner"))?,
            false,
        ),
        None => match by_name(txn, &name).await? {
            Some(existing) => (existing, false),
            None => {
                let partner = partners::ActiveModel {
                    search_text: Set(partner_search_text(
                        &application.org_name,
                        application.org_acronym.as_deref(),
                    )),
                    name: Set(application.org_name.clone()),
                    acronym: Set(application.org_acronym.clone()),
                    kind: Set(application.org_kind.clone()),
                    country: Set(application.org_country.clone()),
                    region: Set(None),
                    website: Set(application.org_website.clone()),
                    description: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                (partner, true)
            }
        },
    };
    // Its membership, ACTIVE from today.
    let membership = coalition_partners::Entity::find()
        .filter(coalition_partners::Column::CoalitionId.eq(application.coalition_id))
        .filter(coalition_partners::Column::PartnerId.eq(partner.id))
        .one(txn)
        .await?;
    match membership {
        Some(m) if m.status == MembershipStatus::Active.as_str() => {}
        Some(m) => {
            coalition_partners::Entity::update_many()
                .col_expr(
                    coalition_partners::Column::Status,
                    Expr::value(MembershipStatus::Active.as_str()),
                )
                .col_expr(coalition_partners::Column::JoinedAt, Expr::value(now))
                .filter(coalition_partners::Column::Id.eq(m.id))
                .exec(txn)
                .await?;
        }
        None => {
            coalition_partners::ActiveModel {
                coalition_id: Set(application.coalition_id),
                partner_id: Set(partner.id),
                status: Set(MembershipStatus::Active.as_str().to_owned()),
                joined_at: Set(Some(now)),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    if kind_of(application)? == ApplicationKind::PathfinderCountry {
        let country = application.country.clone().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "a pathfinder application without a country"
            ))
        })?;
        pathfinder_countries::ActiveModel {
            coalition_id: Set(application.coalition_id),
            partner_id: Set(partner.id),
            country: Set(country),
            since: Set(now.date_naive()),
            focal_point_email: Set(application.nominee_email.clone()),
            application_id: Set(Some(application.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|error| match AppError::from(error) {
            AppError::Conflict { .. } => AppError::conflict(
                "applicationId",
                "the country is already a pathfinder of this coalition",
            ),
            other => other,
        })?;
        if let Some(email) = &application.nominee_email {
            let email = Email::parse("focalPointNominee.email", email)?;
            if !accounts::works_for(txn, partner.id, &email).await? {
                accounts::write_invitation(
                    txn,
                    state,
                    reviewer_id,
                    &email,
                    &partner,
                    PartnerRole::FocalPoint,
                    locale,
                )
                .await?;
            }
        }
    }
    // Only a partner that approval made gets the contact as its ADMIN: an
    // existing partner's administration is not handed to whoever applied in its name.
    let contact_invitation = if created {
        let email = Email::parse("contact.email", &application.contact_email)?;
        Some(
            accounts::insert_invitation(txn, reviewer_id, &email, partner.id, PartnerRole::Admin)
                .await?,
        )
    } else {
        None
    };
    partnership_applications::Entity::update_many()
        .col_expr(
            partnership_applications::Column::PartnerId,
            Expr::value(partner.id),
        )
        .filter(partnership_applications::Column::Id.eq(application.id))
        .exec(txn)
        .await?;
    Ok(Approved {
        application: Application {
            partner_id: Some(partner.id),
            ..application.clone()
        },
        contact_invitation,
    })
}

fn filtered(filter: &ApplicationFilter) -> sea_orm::Select<partnership_applications::Entity> {
    use partnership_applications::Column as C;
    let mut select = partnership_applications::Entity::find();
    if let Some(coalition_id) = filter.coalition_id {
        select = select.filter(C::CoalitionId.eq(coalition_id));
    }
    if let Some(state) = filter.state {
        select = select.filter(C::State.eq(state.as_str()));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(C::Kind.eq(kind.as_str()));
    }
    select
}

/// The secretariat's queue, oldest submitted first (ids follow submission).
pub async fn page(
    db: &DatabaseConnection,
    filter: &ApplicationFilter,
    args: &PageArgs,
) -> AppResult<Page<Application>> {
    let mut select = filtered(filter);
    if let Some(after) = args.after_id() {
        select = select.filter(partnership_applications::Column::Id.gt(after));
    }
    let rows = select
        .order_by_asc(partnership_applications::Column::Id)
        .limit(args.limit())
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, args, |a| Cursor::by_id(a.id)))
}

pub async fn count(db: &DatabaseConnection, filter: &ApplicationFilter) -> AppResult<u64> {
    Ok(filtered(filter).count(db).await?)
}

/// The pathfinder countries of some coalitions, by country code.
pub async fn pathfinders_of_coalitions(
    db: &DatabaseConnection,
    coalition_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<pathfinder_countries::Model>>> {
    let rows = pathfinder_countries::Entity::find()
        .filter(pathfinder_countries::Column::CoalitionId.is_in(coalition_ids.iter().copied()))
        .order_by_asc(pathfinder_countries::Column::Country)
        .order_by_asc(pathfinder_countries::Column::Id)
        .all(db)
        .await?;
    let mut by_coalition: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        by_coalition.entry(row.coalition_id).or_default().push(row);
    }
    Ok(by_coalition)
}

/// The coalitions some partners are pathfinder countries of.
pub async fn pathfinder_coalitions_of_partners(
    db: &DatabaseConnection,
    partner_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<coalitions::Model>>> {
    use sea_orm::{ConnectionTrait, FromQueryResult};
    let mut sql = crate::sql::SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT c.*, p.partner_id AS pathfinder_partner_id FROM coalitions c \
         JOIN pathfinder_countries p ON p.coalition_id = c.id WHERE p.partner_id IN ",
    )
    .bind_list(partner_ids)
    .push(" ORDER BY c.id");
    let mut by_partner: HashMap<i64, Vec<coalitions::Model>> = HashMap::new();
    for row in db.query_all_raw(sql.build()).await? {
        let partner_id: i64 = row.try_get("", "pathfinder_partner_id")?;
        by_partner
            .entry(partner_id)
            .or_default()
            .push(coalitions::Model::from_query_result(&row, "")?);
    }
    Ok(by_partner)
}
