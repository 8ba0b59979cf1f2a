use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use secrecy::SecretString;

use crate::{
    auth::policy,
    domain::{DisplayName, Email, Password},
    error::AppError,
    graphql::{
        context::ContextExt,
        ids::{self, NodeKind},
        loaders::UserKey,
        types::{Locale, PartnerRole, PlatformRole, User},
    },
    services::{accounts, notifications as notification_service},
};

#[derive(Default)]
pub struct AccountMutations;

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
    pub user: User,
}

#[derive(InputObject)]
pub struct InviteUserInput {
    pub email: String,
    pub partner_id: ID,
    pub role: PartnerRole,
    /// The language of the invitation e-mail (EN when not given).
    pub locale: Option<Locale>,
}

#[derive(SimpleObject)]
pub struct InviteUserPayload {
    /// Give this to the invitee; it is shown once and expires in 7 days.
    pub invitation_token: String,
}

#[derive(InputObject)]
pub struct AcceptInvitationInput {
    pub invitation_token: String,
    /// The new account's password: 12 to 256 characters.
    pub password: String,
    pub display_name: String,
}

#[derive(InputObject)]
pub struct ClaimInvitationInput {
    pub invitation_token: String,
}

#[derive(SimpleObject)]
pub struct ClaimInvitationPayload {
    /// You, with the new role.
    pub user: User,
    /// The partner you now work for.
    pub partner: crate::graphql::types::Partner,
    pub role: PartnerRole,
}

#[derive(InputObject)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(SimpleObject)]
pub struct ChangePasswordPayload {
    pub user: User,
}

#[derive(InputObject)]
pub struct SetPlatformRoleInput {
    pub user_id: ID,
    /// Null takes the role away.
    pub role: Option<PlatformRole>,
}

#[derive(SimpleObject)]
pub struct SetPlatformRolePayload {
    pub user: User,
}

#[derive(InputObject)]
pub struct MarkNotificationsReadInput {
    /// These notifications (yours; others' ids match nothing).
    pub ids: Option<Vec<ID>>,
    /// All your unread notifications.
    pub all: Option<bool>,
}

#[derive(SimpleObject)]
pub struct MarkNotificationsReadPayload {
    /// How many notifications became read.
    pub marked: i64,
    pub unread_count: i64,
}

const MAX_IDS_PER_MARK: usize = 500;

#[Object]
impl AccountMutations {
    /// Marks some of your notifications, or all of them, read.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        input: MarkNotificationsReadInput,
    ) -> async_graphql::Result<MarkNotificationsReadPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let ids = match (input.ids, input.all.unwrap_or(false)) {
            (Some(_), true) | (None, false) => {
                return Err(AppError::bad_input("ids", "give either ids or all: true").into())
            }
            (Some(ids), false) => {
                if ids.len() > MAX_IDS_PER_MARK {
                    return Err(AppError::bad_input(
                        "ids",
                        format!("at most {MAX_IDS_PER_MARK} ids"),
                    )
                    .into());
                }
                let ids = ids
                    .iter()
                    .map(|id| ids::expect("ids", id, NodeKind::Notification))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(ids)
            }
            (None, true) => None,
        };
        let db = &ctx.app()?.db;
        let marked = notification_service::mark_read(db, actor.user_id, ids.as_deref()).await?;
        let unread_count = notification_service::count(db, actor.user_id, true).await?;
        Ok(MarkNotificationsReadPayload {
            marked: marked as i64,
            unread_count: unread_count as i64,
        })
    }

    /// Exchanges an e-mail and password for a session token. Failed attempts are
    /// limited per e-mail and per client address (RATE_LIMITED).
    async fn login(
        &self,
        ctx: &Context<'_>,
        input: LoginInput,
    ) -> async_graphql::Result<LoginPayload> {
        let app = ctx.app()?;
        let signed_in = accounts::login(
            app,
            &input.email,
            SecretString::from(input.password),
            ctx.client_addr()?,
        )
        .await?;
        Ok(LoginPayload {
            token: signed_in.token,
            user: User::disclosed(signed_in.user),
        })
    }

    /// Ends the current session.
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let actor = policy::authenticated(ctx.viewer())?;
        accounts::logout(&ctx.app()?.db, actor).await?;
        Ok(true)
    }

    /// Changes your password and signs out your other sessions.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> async_graphql::Result<ChangePasswordPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let new = Password::parse("newPassword", &input.new_password)?;
        let current = SecretString::from(input.current_password);
        accounts::change_password(ctx.app()?, actor, current, new, ctx.client_addr()?).await?;
        let user = ctx.loaders()?.load_one(UserKey(actor.user_id)).await?;
        let user = user.ok_or(AppError::NotFound("user"))?;
        Ok(ChangePasswordPayload {
            user: User::disclosed(user),
        })
    }

    /// Invites someone to a partner with a role, by e-mail. For the partner's
    /// ADMINs and the secretariat.
    async fn invite_user(
        &self,
        ctx: &Context<'_>,
        input: InviteUserInput,
    ) -> async_graphql::Result<InviteUserPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        policy::invite_user(actor, partner_id)?;
        let email = Email::parse("email", &input.email)?;
        let locale = input.locale.map(Into::into).unwrap_or_default();
        let invitation_token = accounts::invite(
            ctx.app()?,
            actor,
            email,
            partner_id,
            input.role.into(),
            locale,
        )
        .await?;
        Ok(InviteUserPayload { invitation_token })
    }

    /// Turns an invitation into a new account and signs in. An invitation for an
    /// e-mail that already has an account is accepted with `claimInvitation`,
    /// signed in as that account; here it is NOT_FOUND, like any invalid one.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        input: AcceptInvitationInput,
    ) -> async_graphql::Result<LoginPayload> {
        // Checked first, so that the answer never depends on the invitation.
        let password = Password::parse("password", &input.password)?;
        let display_name = DisplayName::parse("displayName", &input.display_name)?;
        let signed_in = accounts::accept_invitation(
            ctx.app()?,
            &input.invitation_token,
            password,
            display_name,
        )
        .await?;
        Ok(LoginPayload {
            token: signed_in.token,
            user: User::disclosed(signed_in.user),
        })
    }

    /// Accepts, signed in, an invitation sent to your e-mail: you get its role in
    /// its partner. Another address's invitation is NOT_FOUND.
    async fn claim_invitation(
        &self,
        ctx: &Context<'_>,
        input: ClaimInvitationInput,
    ) -> async_graphql::Result<ClaimInvitationPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let db = &ctx.app()?.db;
        let claimed = accounts::claim_invitation(db, actor, &input.invitation_token).await?;
        let partner = crate::services::partners::find(db, claimed.partner_id).await?;
        Ok(ClaimInvitationPayload {
            user: User::disclosed(claimed.user),
            partner: crate::graphql::types::Partner(partner),
            role: claimed.role.into(),
        })
    }

    /// Grants or removes a platform role. Platform ADMIN only.
    async fn set_platform_role(
        &self,
        ctx: &Context<'_>,
        input: SetPlatformRoleInput,
    ) -> async_graphql::Result<SetPlatformRolePayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        policy::set_platform_role(actor)?;
        let user_id = ids::expect("userId", &input.user_id, NodeKind::User)?;
        let user = accounts::set_platform_role(&ctx.app()?.db, user_id, input.role.map(Into::into))
            .await?;
        Ok(SetPlatformRolePayload {
            user: User::new(user),
        })
    }
}
