use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::users;

use super::{enums::stored, Notification, PlatformRole};
use crate::{
    auth::policy,
    graphql::{
        connection::{connection, CountedConnection, TotalCount},
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::UserPartnerIds,
    },
    pagination::PageArgs,
    services::notifications as notification_service,
};

/// A person with a login. Their name is shown wherever their work is (as focal
/// point, report author, event actor); their e-mail and role only to themselves,
/// colleagues at a shared partner, and the secretariat.
pub struct User {
    row: users::Model,
    /// Set where the caller is known to be this user (login, `me`): the answer
    /// discloses everything even before a session exists.
    disclosed: bool,
}

impl User {
    pub fn new(row: users::Model) -> Self {
        Self {
            row,
            disclosed: false,
        }
    }

    /// A user the caller is entitled to see in full, e.g. themselves after login.
    pub fn disclosed(row: users::Model) -> Self {
        Self {
            row,
            disclosed: true,
        }
    }

    async fn visible_in_full(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        if self.disclosed {
            return Ok(true);
        }
        let Some(viewer) = ctx.viewer() else {
            return Ok(false);
        };
        if viewer.user_id == self.row.id || viewer.is_staff() {
            return Ok(true);
        }
        let partner_ids = ctx
            .loaders()?
            .load_one(UserPartnerIds(self.row.id))
            .await?
            .unwrap_or_default();
        Ok(policy::read_user(viewer, self.row.id, &partner_ids))
    }
}

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        encode(NodeKind::User, self.row.id)
    }

    /// Null unless you are this user, a colleague at a shared partner, or staff.
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        Ok(self
            .visible_in_full(ctx)
            .await?
            .then_some(self.row.email.as_str()))
    }

    async fn display_name(&self) -> &str {
        &self.row.display_name
    }

    /// ADMIN or SECRETARIAT for platform staff; null for everyone else (and for
    /// those who may not see this user in full).
    async fn platform_role(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PlatformRole>> {
        if !self.visible_in_full(ctx).await? {
            return Ok(None);
        }
        self.row
            .platform_role
            .as_deref()
            .map(stored::<crate::domain::PlatformRole>)
            .transpose()
            .map(|role| role.map(Into::into))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// Your notifications, newest first (only on yourself, e.g. `me`).
    #[graphql(complexity = "crate::graphql::connection::page_complexity(child_complexity, first)")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        unread_only: Option<bool>,
    ) -> async_graphql::Result<CountedConnection<Notification>> {
        let user_id = self.own(ctx)?;
        let args = PageArgs::parse(first, after.as_deref())?;
        let unread_only = unread_only.unwrap_or(false);
        let db = ctx.app()?.db.clone();
        let page = notification_service::page(&db, user_id, unread_only, &args).await?;
        let total = TotalCount::new(move || {
            let db = db.clone();
            async move { notification_service::count(&db, user_id, unread_only).await }
        });
        Ok(connection(page, total, Notification))
    }

    /// How many of your notifications are unread (only on yourself).
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let user_id = self.own(ctx)?;
        Ok(notification_service::count(&ctx.app()?.db, user_id, true).await? as i64)
    }
}

impl User {
    /// This user's id if the caller is this user; a feed is nobody else's business.
    fn own(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        match ctx.viewer() {
            Some(viewer) if viewer.user_id == self.row.id => Ok(self.row.id),
            Some(_) => Err(crate::error::AppError::forbidden(
                "only your own notifications are visible",
            )
            .into()),
            None => Err(crate::error::AppError::Unauthenticated.into()),
        }
    }
}
