//! The access policy, in one place: one named check per operation, deny by default.
//!
//! Reads of the public directory (coalitions, partners, thematic areas) need no
//! session. Everything else does. A check on something the caller may see but not
//! change answers FORBIDDEN; something internal to another partner answers
//! NOT_FOUND, so its existence is not revealed.
use entity::{commitments, partnership_applications, progress_reports, resources, work_plans};

use super::Actor;
use crate::{
    domain::{GroupRole, PartnerRole, ResourceState, ReviewState, Visibility, WorkPlanStatus},
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

/// Creating action groups belongs to the secretariat.
pub fn create_action_group(actor: &Actor) -> AppResult<()> {
    staff(actor, "create action groups")
}

/// Managing a group (its profile, members and work plans): the secretariat and
/// users of the group's LEAD partners.
pub fn manage_group(actor: &Actor, group_id: i64) -> AppResult<()> {
    if actor.is_staff() || actor.group_role(group_id) == Some(GroupRole::Lead) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the group's lead partners or the secretariat can manage it",
        ))
    }
}

/// A group's internal data (draft plans, activity): its members and the secretariat.
pub fn read_group_internals(viewer: Option<&Actor>, group_id: i64) -> bool {
    viewer.is_some_and(|actor| actor.is_staff() || actor.in_group(group_id))
}

/// Adopted and closed plans are public; drafts are internal to the group.
pub fn read_work_plan(viewer: Option<&Actor>, plan: &work_plans::Model) -> bool {
    plan.status != WorkPlanStatus::Draft.as_str()
        || read_group_internals(viewer, plan.action_group_id)
}

pub fn create_commitment(actor: &Actor, partner_id: i64) -> AppResult<()> {
    staff_or_partner_admin(actor, partner_id, "make commitments for a partner")
}

/// Editing, withdrawing and naming the focal point of a commitment.
pub fn edit_commitment(actor: &Actor, commitment: &commitments::Model) -> AppResult<()> {
    staff_or_partner_admin(
        actor,
        commitment.partner_id,
        "change a partner's commitments",
    )
}

/// Who sees a commitment: everyone when PUBLIC; else its own partner, the
/// secretariat, and the coalition's or group's partners as its visibility says.
pub fn read_commitment(viewer: Option<&Actor>, commitment: &commitments::Model) -> bool {
    if commitment.visibility == Visibility::Public.as_str() {
        return true;
    }
    let Some(actor) = viewer else {
        return false;
    };
    if actor.is_staff() || actor.belongs_to(commitment.partner_id) {
        return true;
    }
    match commitment.visibility.parse::<Visibility>() {
        Ok(Visibility::Coalition) => commitment
            .coalition_id
            .is_some_and(|id| actor.in_coalition(id)),
        Ok(Visibility::Group) => commitment
            .action_group_id
            .is_some_and(|id| actor.in_group(id)),
        _ => false,
    }
}

/// The commitment's focal point, or an ADMIN of its partner.
pub fn report_progress(actor: &Actor, commitment: &commitments::Model) -> AppResult<()> {
    let is_focal_point = commitment.focal_point_user_id == Some(actor.user_id);
    if is_focal_point || actor.role_in(commitment.partner_id) == Some(PartnerRole::Admin) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the commitment's focal point or its partner's administrators can report progress",
        ))
    }
}

pub fn review_progress_report(actor: &Actor) -> AppResult<()> {
    staff(actor, "review progress reports")
}

/// Approved reports are seen with their commitment; reports still in review
/// only by the commitment's partner and the secretariat.
pub fn read_progress_report(
    viewer: Option<&Actor>,
    commitment: &commitments::Model,
    report: &progress_reports::Model,
) -> bool {
    if !read_commitment(viewer, commitment) {
        return false;
    }
    report.review_state == ReviewState::Approved.as_str()
        || viewer.is_some_and(|a| a.is_staff() || a.belongs_to(commitment.partner_id))
}

/// An application, with its contacts' e-mails: the secretariat, the user who
/// submitted it, and the ADMINs of the partner it is for (or that approval
/// made). An anonymous applicant reads it by its access token instead.
pub fn read_application(
    viewer: Option<&Actor>,
    application: &partnership_applications::Model,
) -> bool {
    viewer.is_some_and(|actor| {
        actor.is_staff()
            || application.submitted_by_user_id == Some(actor.user_id)
            || application
                .partner_id
                .is_some_and(|partner_id| actor.role_in(partner_id) == Some(PartnerRole::Admin))
    })
}

/// Updating or withdrawing an application by session: its applicant (the
/// secretariat decides, it does not edit).
pub fn change_application(
    actor: &Actor,
    application: &partnership_applications::Model,
) -> AppResult<()> {
    let applicant = application.submitted_by_user_id == Some(actor.user_id)
        || application
            .partner_id
            .is_some_and(|partner_id| actor.role_in(partner_id) == Some(PartnerRole::Admin));
    if applicant {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the applicant can change or withdraw an application",
        ))
    }
}

/// Applying while signed in: for a partner one is an ADMIN of.
pub fn apply_for_partner(actor: &Actor, partner_id: i64) -> AppResult<()> {
    if actor.role_in(partner_id) == Some(PartnerRole::Admin) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the partner's administrators can apply on its behalf",
        ))
    }
}

/// The queue of applications and the decisions on them.
pub fn review_applications(actor: &Actor) -> AppResult<()> {
    staff(actor, "review applications")
}

/// A resource of the knowledge platform: PUBLISHED ones are everyone's; the
/// others are the submitting partner's users' and the secretariat's.
pub fn read_resource(viewer: Option<&Actor>, resource: &resources::Model) -> bool {
    resource.state == ResourceState::Published.as_str()
        || viewer.is_some_and(|a| a.is_staff() || a.belongs_to(resource.partner_id))
}

/// Submitting a resource: for a partner one works for.
pub fn submit_resource(actor: &Actor, partner_id: i64) -> AppResult<()> {
    if actor.is_staff() || actor.belongs_to(partner_id) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "you submit resources for a partner you work for",
        ))
    }
}

/// Editing, translating and archiving a resource (not deciding on it).
pub fn change_resource(actor: &Actor, resource: &resources::Model) -> AppResult<()> {
    if actor.is_staff() || actor.belongs_to(resource.partner_id) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the submitting partner's users and the secretariat can change a resource",
        ))
    }
}

/// Publishing or rejecting resources.
pub fn review_resources(actor: &Actor) -> AppResult<()> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the secretariat reviews resources",
        ))
    }
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
            groups: Vec::new(),
            coalitions: Vec::new(),
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

    fn commitment(partner_id: i64, visibility: Visibility) -> commitments::Model {
        let now = chrono::Utc::now();
        commitments::Model {
            id: 1,
            partner_id,
            coalition_id: Some(10),
            action_group_id: Some(20),
            thematic_area_id: None,
            work_plan_item_id: None,
            title: "t".into(),
            description: None,
            indicator: None,
            unit: None,
            baseline: None,
            target_value: None,
            current_value: None,
            due_on: None,
            status: "PLANNED".into(),
            progress: 0,
            focal_point_user_id: Some(99),
            visibility: visibility.as_str().into(),
            version: 1,
            published_report_id: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn commitment_visibility_follows_its_setting() {
        let outsider = actor(None, vec![(8, PartnerRole::Member)]);
        let coalition_peer = Actor {
            coalitions: vec![10],
            ..actor(None, vec![(8, PartnerRole::Member)])
        };
        let group_peer = Actor {
            groups: vec![(20, GroupRole::Observer)],
            ..actor(None, vec![(8, PartnerRole::Member)])
        };
        let own = actor(None, vec![(7, PartnerRole::Member)]);

        assert!(read_commitment(None, &commitment(7, Visibility::Public)));
        let coalition_only = commitment(7, Visibility::Coalition);
        assert!(!read_commitment(None, &coalition_only));
        assert!(!read_commitment(Some(&outsider), &coalition_only));
        assert!(read_commitment(Some(&coalition_peer), &coalition_only));
        assert!(read_commitment(Some(&own), &coalition_only));
        let group_only = commitment(7, Visibility::Group);
        assert!(!read_commitment(Some(&coalition_peer), &group_only));
        assert!(read_commitment(Some(&group_peer), &group_only));
    }

    #[test]
    fn progress_is_reported_by_the_focal_point_or_a_partner_admin() {
        let c = commitment(7, Visibility::Public);
        let focal = Actor {
            user_id: 99,
            ..actor(None, vec![(7, PartnerRole::FocalPoint)])
        };
        let other_focal = Actor {
            user_id: 98,
            ..actor(None, vec![(7, PartnerRole::FocalPoint)])
        };
        let admin = Actor {
            user_id: 50,
            ..actor(None, vec![(7, PartnerRole::Admin)])
        };
        let secretariat = actor(Some(PlatformRole::Secretariat), vec![]);
        assert!(report_progress(&focal, &c).is_ok());
        assert!(report_progress(&admin, &c).is_ok());
        assert!(report_progress(&other_focal, &c).is_err());
        assert!(report_progress(&secretariat, &c).is_err());
    }

    #[test]
    fn groups_are_managed_by_leads_and_staff() {
        let lead = Actor {
            groups: vec![(20, GroupRole::Lead)],
            ..actor(None, vec![])
        };
        let member = Actor {
            groups: vec![(20, GroupRole::Member)],
            ..actor(None, vec![])
        };
        assert!(manage_group(&lead, 20).is_ok());
        assert!(manage_group(&lead, 21).is_err());
        assert!(manage_group(&member, 20).is_err());
        assert!(read_group_internals(Some(&member), 20));
        assert!(!read_group_internals(Some(&member), 21));
        assert!(!read_group_internals(None, 20));
    }
}
