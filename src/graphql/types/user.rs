use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::users;

use super::{enums::stored, PlatformRole};
use crate::{
    auth::policy,
    graphql::{
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::UserPartnerIds,
    },
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
}
