//! The authenticated caller of one request.
use crate::domain::{GroupRole, PartnerRole, PlatformRole};

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub session_id: i64,
    pub platform_role: Option<PlatformRole>,
    /// The caller's roles in partner organisations: (partner id, role).
    pub partner_roles: Vec<(i64, PartnerRole)>,
    /// Action groups the caller's partners belong to, with the best role held.
    pub groups: Vec<(i64, GroupRole)>,
    /// Coalitions in which one of the caller's partners is an ACTIVE member.
    pub coalitions: Vec<i64>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.platform_role == Some(PlatformRole::Admin)
    }

    /// Platform ADMIN or SECRETARIAT.
    pub fn is_staff(&self) -> bool {
        self.platform_role.is_some()
    }

    pub fn role_in(&self, partner_id: i64) -> Option<PartnerRole> {
        self.partner_roles
            .iter()
            .find(|(id, _)| *id == partner_id)
            .map(|(_, role)| *role)
    }

    pub fn belongs_to(&self, partner_id: i64) -> bool {
        self.role_in(partner_id).is_some()
    }

    pub fn partner_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.partner_roles.iter().map(|(id, _)| *id)
    }

    pub fn group_role(&self, group_id: i64) -> Option<GroupRole> {
        self.groups
            .iter()
            .find(|(id, _)| *id == group_id)
            .map(|(_, role)| *role)
    }

    pub fn in_group(&self, group_id: i64) -> bool {
        self.group_role(group_id).is_some()
    }

    pub fn in_coalition(&self, coalition_id: i64) -> bool {
        self.coalitions.contains(&coalition_id)
    }

    pub fn group_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.groups.iter().map(|(id, _)| *id)
    }
}
