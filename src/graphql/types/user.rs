use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::users;

use super::{enums::stored, PlatformRole};
use crate::graphql::ids::{encode, NodeKind};

/// A person with a login. Only visible to themselves, their colleagues at a
/// shared partner, and the secretariat.
pub struct User(pub users::Model);

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        encode(NodeKind::User, self.0.id)
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// ADMIN or SECRETARIAT for platform staff; null for everyone else.
    async fn platform_role(
        &self,
        _ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PlatformRole>> {
        self.0
            .platform_role
            .as_deref()
            .map(stored::<crate::domain::PlatformRole>)
            .transpose()
            .map(|role| role.map(Into::into))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
