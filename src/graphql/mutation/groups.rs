use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use crate::graphql::inputs::{optional, patch};

use crate::{
    auth::policy,
    domain::{Description, Title},
    graphql::{
        access,
        context::ContextExt,
        ids::{self, NodeKind},
        types::{ActionGroup, ActionGroupMember, GroupRole, Partner},
    },
    services::groups::{self as group_service, ActionGroupPatch, NewActionGroup},
};

#[derive(Default)]
pub struct GroupMutations;

#[derive(InputObject)]
pub struct CreateActionGroupInput {
    pub coalition_id: ID,
    pub name: String,
    pub description: Option<String>,
    pub thematic_area_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct CreateActionGroupPayload {
    pub action_group: ActionGroup,
}

/// Fields left out stay as they are; fields set to null are cleared.
#[derive(InputObject)]
pub struct UpdateActionGroupInput {
    pub action_group_id: ID,
    pub expected_version: Option<i32>,
    pub name: Option<String>,
    pub description: MaybeUndefined<String>,
    pub thematic_area_id: MaybeUndefined<ID>,
}

#[derive(SimpleObject)]
pub struct UpdateActionGroupPayload {
    pub action_group: ActionGroup,
}

#[derive(InputObject)]
pub struct ArchiveActionGroupInput {
    pub action_group_id: ID,
}

#[derive(SimpleObject)]
pub struct ArchiveActionGroupPayload {
    pub action_group: ActionGroup,
}

#[derive(InputObject)]
pub struct AddActionGroupMemberInput {
    pub action_group_id: ID,
    pub partner_id: ID,
    pub role: GroupRole,
}

#[derive(SimpleObject)]
pub struct AddActionGroupMemberPayload {
    pub member: ActionGroupMember,
}

#[derive(InputObject)]
pub struct UpdateActionGroupMemberInput {
    pub action_group_id: ID,
    pub partner_id: ID,
    pub role: GroupRole,
}

#[derive(SimpleObject)]
pub struct UpdateActionGroupMemberPayload {
    pub member: ActionGroupMember,
}

#[derive(InputObject)]
pub struct RemoveActionGroupMemberInput {
    pub action_group_id: ID,
    pub partner_id: ID,
}

#[derive(SimpleObject)]
pub struct RemoveActionGroupMemberPayload {
    pub action_group: ActionGroup,
    /// The partner that left.
    pub partner: Partner,
}

#[Object]
impl GroupMutations {
    /// Opens an action group in a coalition. Secretariat only.
    async fn create_action_group(
        &self,
        ctx: &Context<'_>,
        input: CreateActionGroupInput,
    ) -> async_graphql::Result<CreateActionGroupPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        policy::create_action_group(actor)?;
        let new = NewActionGroup {
            coalition_id: ids::expect("coalitionId", &input.coalition_id, NodeKind::Coalition)?,
            thematic_area_id: access::optional_id(
                "thematicAreaId",
                &input.thematic_area_id,
                NodeKind::ThematicArea,
            )?,
            name: Title::parse("name", &input.name)?,
            description: optional(input.description.as_deref(), |d| {
                Description::parse("description", d)
            })?,
        };
        let changed = group_service::create(&ctx.app()?.db, actor.user_id, new).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(CreateActionGroupPayload {
            action_group: ActionGroup(changed.value),
        })
    }

    /// Edits a group. For its lead partners and the secretariat.
    async fn update_action_group(
        &self,
        ctx: &Context<'_>,
        input: UpdateActionGroupInput,
    ) -> async_graphql::Result<UpdateActionGroupPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &input.action_group_id).await?;
        policy::manage_group(actor, group.id)?;
        let patch = ActionGroupPatch {
            name: input
                .name
                .as_deref()
                .map(|n| Title::parse("name", n))
                .transpose()?,
            description: patch(&input.description, |d| Description::parse("description", d))?,
            thematic_area_id: patch(&input.thematic_area_id, |id| {
                ids::expect("thematicAreaId", id, NodeKind::ThematicArea)
            })?,
        };
        let changed = group_service::update(
            &ctx.app()?.db,
            actor.user_id,
            group.id,
            patch,
            input.expected_version,
        )
        .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(UpdateActionGroupPayload {
            action_group: ActionGroup(changed.value),
        })
    }

    /// Archives a group: it stays readable and stops changing. For its leads and the secretariat.
    async fn archive_action_group(
        &self,
        ctx: &Context<'_>,
        input: ArchiveActionGroupInput,
    ) -> async_graphql::Result<ArchiveActionGroupPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &input.action_group_id).await?;
        policy::manage_group(actor, group.id)?;
        let changed = group_service::archive(&ctx.app()?.db, actor.user_id, group.id).await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(ArchiveActionGroupPayload {
            action_group: ActionGroup(changed.value),
        })
    }

    /// Adds a partner (an active member of the group's coalition) to a group.
    /// For the group's leads and the secretariat.
    async fn add_action_group_member(
        &self,
        ctx: &Context<'_>,
        input: AddActionGroupMemberInput,
    ) -> async_graphql::Result<AddActionGroupMemberPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &input.action_group_id).await?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        policy::manage_group(actor, group.id)?;
        let changed = group_service::add_member(
            &ctx.app()?.db,
            actor.user_id,
            group.id,
            partner_id,
            input.role.into(),
        )
        .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(AddActionGroupMemberPayload {
            member: ActionGroupMember(changed.value),
        })
    }

    /// Changes a member's role; a group keeps at least one lead.
    async fn update_action_group_member(
        &self,
        ctx: &Context<'_>,
        input: UpdateActionGroupMemberInput,
    ) -> async_graphql::Result<UpdateActionGroupMemberPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &input.action_group_id).await?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        policy::manage_group(actor, group.id)?;
        let changed = group_service::set_member_role(
            &ctx.app()?.db,
            actor.user_id,
            group.id,
            partner_id,
            input.role.into(),
        )
        .await?;
        ctx.app()?.bus.publish(&changed.events);
        Ok(UpdateActionGroupMemberPayload {
            member: ActionGroupMember(changed.value),
        })
    }

    /// Removes a partner from a group; a group keeps at least one lead.
    async fn remove_action_group_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveActionGroupMemberInput,
    ) -> async_graphql::Result<RemoveActionGroupMemberPayload> {
        let actor = policy::authenticated(ctx.viewer())?;
        let group = access::action_group(ctx, "actionGroupId", &input.action_group_id).await?;
        let partner_id = ids::expect("partnerId", &input.partner_id, NodeKind::Partner)?;
        policy::manage_group(actor, group.id)?;
        let db = &ctx.app()?.db;
        let changed = group_service::remove_member(db, actor.user_id, group.id, partner_id).await?;
        ctx.app()?.bus.publish(&changed.events);
        let partner = crate::services::partners::find(db, partner_id).await?;
        Ok(RemoveActionGroupMemberPayload {
            action_group: ActionGroup(group),
            partner: Partner(partner),
        })
    }
}
