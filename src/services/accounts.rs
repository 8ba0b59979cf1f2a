//! Accounts: logging in and out, sessions, invitations, passwords, admins.
use std::net::IpAddr;

use chrono::{Duration as ChronoDuration, Utc};
use entity::{invitations, partner_users, partners, sessions, users};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    auth::{password, token, Actor},
    domain::{
        DisplayName, Email, GroupRole, Locale, MembershipStatus, PartnerRole, Password,
        PlatformRole,
    },
    error::{AppError, AppResult},
    mail::{self, templates},
    sql::SqlBuilder,
    state::AppState,
};

const INVITATION_TTL_DAYS: i64 = 7;

pub struct SignedIn {
    pub token: String,
    pub user: users::Model,
}

/// Runs a password `check` under the failed-attempt limits of the e-mail and the
/// client address: a wrong password (`Ok(None)`) stays counted, a right one is
/// taken back and clears the e-mail's failures, one that could not be checked
/// (a database error, a node too busy hashing) is taken back.
async fn under_login_limits<T>(
    state: &AppState,
    email_key: &str,
    client: IpAddr,
    check: impl std::future::Future<Output = AppResult<Option<T>>>,
) -> AppResult<Option<T>> {
    let attempt = match state
        .login_limits
        .attempt(email_key, &crate::http::limit_key(client).to_string())
        .await
    {
        Ok(attempt) => attempt,
        Err(retry_after) => {
            return Err(AppError::RateLimited {
                // Rounded up: a client that waits this long is let in.
                retry_after_secs: u64::try_from(retry_after.as_millis().div_ceil(1000))
                    .unwrap_or(u64::MAX)
                    .max(1),
            });
        }
    };
    match check.await {
        Err(error) => {
            attempt.abandoned().await;
            Err(error)
        }
        Ok(None) => {
            tracing::info!(client.address = %client, "wrong password");
            Ok(None)
        }
        Ok(Some(found)) => {
            attempt.succeeded().await;
            Ok(Some(found))
        }
    }
}

/// The key an e-mail is limited under: normalised like stored addresses, so
/// `Ana@X.org ` and `ana@x.org` share one budget; anything that is not an
/// address shares one key (it can never sign in anyway).
fn email_key(email_text: &str) -> String {
    Email::parse("email", email_text)
        .map(|email| email.as_str().to_owned())
        .unwrap_or_default()
}

pub async fn login(
    state: &AppState,
    email_text: &str,
    password_text: SecretString,
    client: IpAddr,
) -> AppResult<SignedIn> {
    let key = email_key(email_text);
    let check = verified_user(state, email_text, password_text);
    let Some(user) = under_login_limits(state, &key, client, check).await? else {
        // The same answer whether the e-mail exists or not.
        return Err(AppError::InvalidCredentials);
    };
    let token = start_session(&state.db, user.id, state.config.session_ttl()).await?;
    Ok(SignedIn { token, user })
}

/// The user with this e-mail and password, if both are right.
async fn verified_user(
    state: &AppState,
    email_text: &str,
    password_text: SecretString,
) -> AppResult<Option<users::Model>> {
    let length = password_text.expose_secret().chars().count();
    let user = match Email::parse("email", email_text) {
        Ok(email) if length <= Password::MAX_CHARS => {
            users::Entity::find()
                .filter(users::Column::Email.eq(email.as_str()))
                .one(&state.db)
                .await?
        }
        _ => None,
    };
    // An oversized password is never hashed, but still costs one dummy verification.
    let candidate = if length <= Password::MAX_CHARS {
        password_text
    } else {
        SecretString::from(String::new())
    };
    let matches =
        password::verify(candidate, user.as_ref().map(|u| u.password_hash.clone())).await?;
    Ok(user.filter(|_| matches))
}

async fn start_session(
    db: &impl ConnectionTrait,
    user_id: i64,
    ttl: std::time::Duration,
) -> AppResult<String> {
    let (token, token_hash) = token::generate("coa");
    let now = Utc::now();
    let ttl = ChronoDuration::from_std(ttl).map_err(|e| AppError::Internal(e.into()))?;
    sessions::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

#[derive(FromQueryResult)]
struct SessionRow {
    session_id: i64,
    user_id: i64,
    platform_role: Option<String>,
}

/// The actor behind a bearer token, if the session is live.
pub async fn authenticate(db: &DatabaseConnection, bearer: &str) -> AppResult<Option<Actor>> {
    if bearer.len() > 200 {
        return Ok(None);
    }
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT s.id AS session_id, s.user_id, u.platform_role \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ",
    )
    .bind(token::hash(bearer))
    .push(" AND s.revoked_at IS NULL AND s.expires_at > ")
    .bind(Utc::now());
    let Some(row) = SessionRow::find_by_statement(sql.build()).one(db).await? else {
        return Ok(None);
    };
    actor_of(db, row).await.map(Some)
}

/// The actor of a session as it is now, if the session is still live: for
/// long-lived WebSocket connections, which authenticated once and whose roles
/// and memberships may have changed since.
pub async fn session_actor(db: &DatabaseConnection, session_id: i64) -> AppResult<Option<Actor>> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT s.id AS session_id, s.user_id, u.platform_role \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = ",
    )
    .bind(session_id)
    .push(" AND s.revoked_at IS NULL AND s.expires_at > ")
    .bind(Utc::now());
    let Some(row) = SessionRow::find_by_statement(sql.build()).one(db).await? else {
        return Ok(None);
    };
    actor_of(db, row).await.map(Some)
}

/// The user of a live session, with their partner roles, groups and coalitions.
async fn actor_of(db: &DatabaseConnection, row: SessionRow) -> AppResult<Actor> {
    let partner_roles: Vec<(i64, PartnerRole)> = partner_users::Entity::find()
        .filter(partner_users::Column::UserId.eq(row.user_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.partner_id, m.role.parse::<PartnerRole>().ok()?)))
        .collect();
    let partner_ids: Vec<i64> = partner_roles.iter().map(|(id, _)| *id).collect();
    let (groups, coalitions) = scope_of_partners(db, &partner_ids).await?;
    Ok(Actor {
        user_id: row.user_id,
        session_id: row.session_id,
        platform_role: row.platform_role.and_then(|r| r.parse().ok()),
        partner_roles,
        groups,
        coalitions,
    })
}

#[derive(FromQueryResult)]
struct ScopeRow {
    scope: String,
    scope_id: i64,
    role: String,
}

/// The groups (with the best role held, where the partner is active in the
/// group's coalition) and coalitions (active memberships) of some partners, in
/// one statement.
async fn scope_of_partners(
    db: &DatabaseConnection,
    partner_ids: &[i64],
) -> AppResult<(Vec<(i64, GroupRole)>, Vec<i64>)> {
    if partner_ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut sql = SqlBuilder::new(db.get_database_backend());
    // A group counts only while the partner is an ACTIVE member of the group's
    // coalition: a withdrawn (or pending) partner keeps its rows, not its rights.
    sql.push(
        "SELECT 'group' AS scope, m.action_group_id AS scope_id, m.role AS role \
         FROM action_group_members m \
         JOIN action_groups g ON g.id = m.action_group_id \
         JOIN coalition_partners cp ON cp.coalition_id = g.coalition_id \
         AND cp.partner_id = m.partner_id AND cp.status = ",
    )
    .bind(MembershipStatus::Active.as_str())
    .push(" WHERE m.partner_id IN ")
    .bind_list(partner_ids)
    .push(" UNION ALL SELECT 'coalition' AS scope, coalition_id AS scope_id, status AS role FROM coalition_partners WHERE partner_id IN ")
        .bind_list(partner_ids)
        .push(" AND status = ")
        .bind(MembershipStatus::Active.as_str());
    let mut groups: Vec<(i64, GroupRole)> = Vec::new();
    let mut coalitions = Vec::new();
    for row in ScopeRow::find_by_statement(sql.build()).all(db).await? {
        if row.scope == "coalition" {
            coalitions.push(row.scope_id);
            continue;
        }
        let Ok(role) = row.role.parse::<GroupRole>() else {
            continue;
        };
        match groups.iter_mut().find(|(id, _)| *id == row.scope_id) {
            // Lead beats member beats observer (declaration order).
            Some((_, best)) => *best = strongest(*best, role),
            None => groups.push((row.scope_id, role)),
        }
    }
    coalitions.sort_unstable();
    coalitions.dedup();
    Ok((groups, coalitions))
}

fn strongest(a: GroupRole, b: GroupRole) -> GroupRole {
    let rank = |role| match role {
        GroupRole::Lead => 0,
        GroupRole::Member => 1,
        GroupRole::Observer => 2,
    };
    if rank(a) <= rank(b) {
        a
    } else {
        b
    }
}

pub async fn logout(db: &DatabaseConnection, actor: &Actor) -> AppResult<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(sessions::Column::Id.eq(actor.session_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Creates an invitation, e-mails it to the invitee in `locale` (in the same
/// transaction, through the outbox), and returns its token (shown once).
pub async fn invite(
    state: &AppState,
    actor: &Actor,
    email: Email,
    partner_id: i64,
    role: PartnerRole,
    locale: Locale,
) -> AppResult<String> {
    let db = &state.db;
    let partner = partners::Entity::find_by_id(partner_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("partner"))?;
    if works_for(db, partner_id, &email).await? {
        return Err(AppError::conflict(
            "email",
            "already works for this partner",
        ));
    }
    let txn = db.begin().await?;
    let invitation_token =
        write_invitation(&txn, state, actor.user_id, &email, &partner, role, locale).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(invitation_token)
}

/// Whether the account with `email` already works for the partner.
pub(crate) async fn works_for(
    db: &impl ConnectionTrait,
    partner_id: i64,
    email: &Email,
) -> AppResult<bool> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT pu.id FROM partner_users pu JOIN users u ON u.id = pu.user_id \
         WHERE pu.partner_id = ",
    )
    .bind(partner_id)
    .push(" AND u.email = ")
    .bind(email.as_str());
    Ok(db.query_one_raw(sql.build()).await?.is_some())
}

/// Writes an invitation to `partner` with `role` and its e-mail, in the
/// caller's transaction; returns the token. The caller wakes the mailer once
/// it commits.
pub(crate) async fn write_invitation(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    invited_by: i64,
    email: &Email,
    partner: &partners::Model,
    role: PartnerRole,
    locale: Locale,
) -> AppResult<String> {
    let invitation_token = insert_invitation(txn, invited_by, email, partner.id, role).await?;
    let link = invitation_link(state, &invitation_token);
    let mail = templates::invitation(locale, email.as_str(), &partner.name, role, &link);
    mail::enqueue(txn, mail, None).await?;
    Ok(invitation_token)
}

/// Writes an invitation in the caller's transaction and returns its token; the
/// caller e-mails it (`write_invitation` does both).
pub(crate) async fn insert_invitation(
    txn: &sea_orm::DatabaseTransaction,
    invited_by: i64,
    email: &Email,
    partner_id: i64,
    role: PartnerRole,
) -> AppResult<String> {
    let (invitation_token, token_hash) = token::generate("inv");
    let now = Utc::now();
    invitations::ActiveModel {
        email: Set(email.as_str().to_owned()),
        partner_id: Set(partner_id),
        role: Set(role.as_str().to_owned()),
        token_hash: Set(token_hash),
        invited_by: Set(invited_by),
        created_at: Set(now),
        expires_at: Set(now + ChronoDuration::days(INVITATION_TTL_DAYS)),
        accepted_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(invitation_token)
}

/// Where the web client accepts an invitation.
pub fn invitation_link(state: &AppState, invitation_token: &str) -> String {
    format!(
        "{}/invitations/accept?token={invitation_token}",
        state.config.public_url.trim_end_matches('/')
    )
}

/// An invitation that can still be accepted, by its token.
async fn open_invitation(
    db: &DatabaseConnection,
    invitation_token: &str,
) -> AppResult<invitations::Model> {
    let invalid = || AppError::NotFound("invitation");
    if invitation_token.len() > 200 {
        return Err(invalid());
    }
    invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(token::hash(invitation_token)))
        .one(db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > Utc::now())
        .ok_or_else(invalid)
}

/// Marks the invitation accepted and gives `user_id` its role, in `txn`.
async fn consume_invitation(
    txn: &sea_orm::DatabaseTransaction,
    invitation: &invitations::Model,
    user_id: i64,
) -> AppResult<()> {
    let now = Utc::now();
    let claimed = invitations::Entity::update_many()
        .col_expr(invitations::Column::AcceptedAt, Expr::value(now))
        .filter(invitations::Column::Id.eq(invitation.id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .exec(txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::NotFound("invitation"));
    }
    partner_users::ActiveModel {
        partner_id: Set(invitation.partner_id),
        user_id: Set(user_id),
        role: Set(invitation.role.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Turns an invitation into a new account and signs in. It never checks a
/// password: an invitation for an e-mail that already has an account is
/// accepted by that user while signed in (`claim_invitation`), and here it is
/// refused exactly like an invitation that does not exist, so an inviter
/// holding the token learns nothing about the account.
pub async fn accept_invitation(
    state: &AppState,
    invitation_token: &str,
    password: Password,
    display_name: DisplayName,
) -> AppResult<SignedIn> {
    let db = &state.db;
    let invitation = open_invitation(db, invitation_token).await?;
    let existing = users::Entity::find()
        .filter(users::Column::Email.eq(&invitation.email))
        .one(db)
        .await?;
    if existing.is_some() {
        return Err(AppError::NotFound("invitation"));
    }
    // Hashing happens before the transaction: it is slow and needs no lock.
    let hash = password::hash(&password).await?;
    let txn = db.begin().await?;
    let now = Utc::now();
    let user = users::ActiveModel {
        email: Set(invitation.email.clone()),
        display_name: Set(display_name.into_inner()),
        password_hash: Set(hash),
        platform_role: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|error| match AppError::from(error) {
        // The account was made meanwhile: the same answer as above.
        AppError::Conflict { .. } => AppError::NotFound("invitation"),
        other => other,
    })?;
    consume_invitation(&txn, &invitation, user.id).await?;
    let token = start_session(&txn, user.id, state.config.session_ttl()).await?;
    txn.commit().await?;
    Ok(SignedIn { token, user })
}

/// What claiming an invitation gave its user.
pub struct Claimed {
    pub user: users::Model,
    pub partner_id: i64,
    pub role: PartnerRole,
}

/// A signed-in user accepts an invitation sent to their own e-mail: the
/// partner role is added and the invitation consumed. An invitation for
/// another address is NOT_FOUND, like one that does not exist.
pub async fn claim_invitation(
    db: &DatabaseConnection,
    actor: &Actor,
    invitation_token: &str,
) -> AppResult<Claimed> {
    let invitation = open_invitation(db, invitation_token).await?;
    let user = users::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if user.email != invitation.email {
        return Err(AppError::NotFound("invitation"));
    }
    let role = invitation
        .role
        .parse::<PartnerRole>()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("stored partner role is unknown")))?;
    let txn = db.begin().await?;
    consume_invitation(&txn, &invitation, user.id).await?;
    txn.commit().await?;
    Ok(Claimed {
        user,
        partner_id: invitation.partner_id,
        role,
    })
}

/// Changes the caller's password and ends every other session of theirs. The
/// current password is checked under the same failed-attempt limits as a login.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: SecretString,
    new: Password,
    client: IpAddr,
) -> AppResult<()> {
    let db = &state.db;
    let user = users::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let check = async {
        let right = password::verify(current, Some(user.password_hash.clone())).await?;
        Ok(right.then_some(()))
    };
    if under_login_limits(state, &user.email, client, check)
        .await?
        .is_none()
    {
        return Err(AppError::bad_input(
            "currentPassword",
            "is not your current password",
        ));
    }
    let hash = password::hash(&new).await?;
    let txn = db.begin().await?;
    let now = Utc::now();
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(hash))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(actor.user_id))
        .exec(&txn)
        .await?;
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .filter(sessions::Column::UserId.eq(actor.user_id))
        .filter(sessions::Column::Id.ne(actor.session_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Gives a user a platform role (or takes it away).
pub async fn set_platform_role(
    db: &DatabaseConnection,
    user_id: i64,
    role: Option<PlatformRole>,
) -> AppResult<users::Model> {
    let result = users::Entity::update_many()
        .col_expr(
            users::Column::PlatformRole,
            Expr::value(role.map(PlatformRole::as_str)),
        )
        .col_expr(users::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound("user"));
    }
    users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("user"))
}

/// Creates a platform admin, or makes an existing user one with this password.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: Email,
    password: Password,
    display_name: DisplayName,
) -> AppResult<users::Model> {
    let hash = password::hash(&password).await?;
    let now = Utc::now();
    let existing = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let user = match existing {
        Some(user) => {
            let mut active: users::ActiveModel = user.into();
            active.password_hash = Set(hash);
            active.platform_role = Set(Some(PlatformRole::Admin.as_str().to_owned()));
            active.updated_at = Set(now);
            active.update(db).await?
        }
        None => {
            users::ActiveModel {
                email: Set(email.as_str().to_owned()),
                display_name: Set(display_name.into_inner()),
                password_hash: Set(hash),
                platform_role: Set(Some(PlatformRole::Admin.as_str().to_owned())),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    Ok(user)
}

pub async fn any_admin_exists(db: &DatabaseConnection) -> AppResult<bool> {
    let admin = users::Entity::find()
        .filter(users::Column::PlatformRole.eq(PlatformRole::Admin.as_str()))
        .one(db)
        .await?;
    Ok(admin.is_some())
}

/// The partner ids of each of several users.
pub async fn partner_ids_of_users(
    db: &DatabaseConnection,
    user_ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<i64>>> {
    let mut grouped: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    for membership in partner_users::Entity::find()
        .filter(partner_users::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?
    {
        grouped
            .entry(membership.user_id)
            .or_default()
            .push(membership.partner_id);
    }
    Ok(grouped)
}

/// The users with these e-mails who work for these partners, by (partner, e-mail).
pub async fn users_of_partners_by_email(
    db: &DatabaseConnection,
    pairs: &[(i64, String)],
) -> AppResult<std::collections::HashMap<(i64, String), users::Model>> {
    let mut found = std::collections::HashMap::new();
    if pairs.is_empty() {
        return Ok(found);
    }
    let partner_ids: Vec<i64> = pairs.iter().map(|(p, _)| *p).collect();
    let emails: Vec<String> = pairs.iter().map(|(_, e)| e.clone()).collect();
    let mut sql = SqlBuilder::new(db.get_database_backend());
    sql.push(
        "SELECT u.*, pu.partner_id AS of_partner_id FROM users u \
         JOIN partner_users pu ON pu.user_id = u.id WHERE u.email IN ",
    )
    .bind_list(&emails)
    .push(" AND pu.partner_id IN ")
    .bind_list(&partner_ids);
    for row in db.query_all_raw(sql.build()).await? {
        let partner_id: i64 = row.try_get("", "of_partner_id")?;
        let user = users::Model::from_query_result(&row, "")?;
        let key = (partner_id, user.email.clone());
        if pairs.contains(&key) {
            found.insert(key, user);
        }
    }
    Ok(found)
}
