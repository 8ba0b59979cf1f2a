//! The access policy, in one place: one named check per operation, deny by default.
//!
//! Reads of the public directory (coalitions, partners, thematic areas) need no
//! session. Everything else does. A check on something the caller may see but not
//! change answers FORBIDDEN; something internal to another partner answers
//! NOT_FOUND, so its existence is not revealed.
use super::Actor;
use crate::{
    domain::PartnerRole,
    error::{AppError, AppResult},
};

/// Any signed-in user.
pub fn authenticated(viewer: Option<&Actor>) -> AppResult<&Actor> {
    viewer.ok_or(AppError::Unauthenticated)
}

fn staff(actor: &Actor, what: &str) -> AppResult<()> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "only the secretariat can {what}"
        )))
    }
}

fn staff_or_partner_admin(actor: &Actor, partner_id: i64, what: &str) -> AppResult<()> {
    if actor.is_staff() || actor.role_in(partner_id) == Some(PartnerRole::Admin) {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "only the partner's administrators or the secretariat can {what}"
        )))
    }
}

pub fn set_platform_role(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only platform administrators can grant platform roles",
        ))
    }
}

pub fn create_partner(actor: &Actor) -> AppResult<()> {
    staff(actor, "create partners")
}

pub fn update_partner(actor: &Actor, partner_id: i64) -> AppResult<()> {
    staff_or_partner_admin(actor, partner_id, "edit a partner's profile")
}

pub fn invite_user(actor: &Actor, partner_id: i64) -> AppResult<()> {
    staff_or_partner_admin(actor, partner_id, "invite people to a partner")
}

/// Seeing who works for a partner (its people and their roles).
pub fn read_partner_people(actor: &Actor, partner_id: i64) -> bool {
    actor.is_staff() || actor.belongs_to(partner_id)
}

pub fn create_coalition(actor: &Actor) -> AppResult<()> {
    staff(actor, "create coalitions")
}

pub fn manage_coalition(actor: &Actor) -> AppResult<()> {
    staff(
        actor,
        "manage coalitions, their memberships and thematic areas",
    )
}

/// A user's profile: themselves, the secretariat, and colleagues of a shared partner.
pub fn read_user(actor: &Actor, user_id: i64, user_partner_ids: &[i64]) -> bool {
    actor.user_id == user_id
        || actor.is_staff()
        || user_partner_ids.iter().any(|id| actor.belongs_to(*id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PlatformRole;

    fn actor(platform_role: Option<PlatformRole>, partner_roles: Vec<(i64, PartnerRole)>) -> Actor {
        Actor {
            user_id: 1,
            session_id: 1,
            platform_role,
            partner_roles,
        }
    }

    #[test]
    fn only_staff_create_partners_and_coalitions() {
        let secretariat = actor(Some(PlatformRole::Secretariat), vec![]);
        let partner_admin = actor(None, vec![(7, PartnerRole::Admin)]);
        assert!(create_partner(&secretariat).is_ok());
        assert!(create_coalition(&secretariat).is_ok());
        assert!(matches!(
            create_partner(&partner_admin),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            create_coalition(&partner_admin),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn partner_admins_edit_and_invite_only_for_their_own_partner() {
        let admin_of_7 = actor(None, vec![(7, PartnerRole::Admin)]);
        let member_of_7 = actor(None, vec![(7, PartnerRole::Member)]);
        assert!(update_partner(&admin_of_7, 7).is_ok());
        assert!(invite_user(&admin_of_7, 7).is_ok());
        assert!(update_partner(&admin_of_7, 8).is_err());
        assert!(invite_user(&admin_of_7, 8).is_err());
        assert!(update_partner(&member_of_7, 7).is_err());
        assert!(invite_user(&member_of_7, 7).is_err());
    }

    #[test]
    fn users_are_visible_to_themselves_colleagues_and_staff() {
        let stranger = Actor {
            user_id: 2,
            ..actor(None, vec![(9, PartnerRole::Member)])
        };
        let colleague = Actor {
            user_id: 3,
            ..actor(None, vec![(7, PartnerRole::Member)])
        };
        assert!(read_user(&actor(None, vec![]), 1, &[7]));
        assert!(read_user(&colleague, 1, &[7]));
        assert!(!read_user(&stranger, 1, &[7]));
        assert!(read_user(
            &actor(Some(PlatformRole::Secretariat), vec![]),
            5,
            &[]
        ));
    }
}
