use async_graphql::{
    connection::{Connection, Edge},
    Context, Object, SimpleObject, ID,
};
use chrono::{DateTime, Utc};
use entity::{action_group_members, action_groups};

use super::{
    enums::stored, ActionGroupStatus, Coalition, Commitment, Event, GroupRole, Partner,
    ProgressSummary, ThematicArea, WorkPlan,
};
use crate::{
    auth::policy,
    error::AppError,
    events::{self, Stream},
    graphql::{
        connection::{connection, loaded_page, page_complexity, CountedConnection, TotalCount},
        context::ContextExt,
        ids::{encode, NodeKind},
        loaders::{
            CoalitionKey, GroupCommitmentCount, GroupCommitmentsPage, GroupMemberCount,
            GroupMembersPage, GroupProgress, PartnerKey, PlansOfGroup, ThematicAreaKey,
        },
    },
    pagination::{Cursor, PageArgs},
};

/// A collaboration space of a coalition, e.g. Alliance 8.7's action group on supply chains.
pub struct ActionGroup(pub action_groups::Model);

/// A partner in an action group.
pub struct ActionGroupMember(pub action_group_members::Model);

/// What an edge of `ActionGroup.members` says about the membership.
#[derive(SimpleObject)]
pub struct MemberEdgeFields {
    pub role: GroupRole,
    pub joined_at: DateTime<Utc>,
}

pub type ActionGroupMemberConnection =
    Connection<Cursor, ActionGroupMember, TotalCount, MemberEdgeFields>;

#[Object]
impl ActionGroup {
    pub async fn id(&self) -> ID {
        encode(NodeKind::ActionGroup, self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn status(&self) -> async_graphql::Result<ActionGroupStatus> {
        stored::<crate::domain::ActionGroupStatus>(&self.0.status).map(Into::into)
    }

    /// Increases with every change; pass it as `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn coalition(&self, ctx: &Context<'_>) -> async_graphql::Result<Coalition> {
        let coalition = ctx
            .loaders()?
            .load_one(CoalitionKey(self.0.coalition_id))
            .await?;
        Ok(Coalition(coalition.ok_or(AppError::NotFound("coalition"))?))
    }

    async fn thematic_area(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ThematicArea>> {
        let Some(area_id) = self.0.thematic_area_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders()?
            .load_one(ThematicAreaKey(area_id))
            .await?
            .map(ThematicArea))
    }

    /// Member partners, in joining order; each edge carries the role and date.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ActionGroupMemberConnection> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (page, total) = loaded_page(
            ctx.loaders()?,
            GroupMembersPage(self.0.id, args),
            GroupMemberCount(self.0.id),
        )
        .await?;
        let mut connection = Connection::with_additional_fields(false, page.has_next_page, total);
        for (cursor, member) in page.items {
            let role = stored::<crate::domain::GroupRole>(&member.role)?.into();
            let fields = MemberEdgeFields {
                role,
                joined_at: member.joined_at,
            };
            connection.edges.push(Edge::with_additional_fields(
                cursor,
                ActionGroupMember(member),
                fields,
            ));
        }
        Ok(connection)
    }

    /// Adopted and closed plans for everyone; drafts too for the group's members.
    async fn work_plans(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<WorkPlan>> {
        let plans = ctx
            .loaders()?
            .load_one(PlansOfGroup(self.0.id))
            .await?
            .unwrap_or_default();
        let viewer = ctx.viewer();
        Ok(plans
            .into_iter()
            .filter(|p| policy::read_work_plan(viewer, p))
            .map(WorkPlan)
            .collect())
    }

    /// The group's commitments that you may see, oldest first.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Commitment>> {
        let args = PageArgs::parse(first, after.as_deref())?;
        let (page, total) = loaded_page(
            ctx.loaders()?,
            GroupCommitmentsPage(self.0.id, args),
            GroupCommitmentCount(self.0.id),
        )
        .await?;
        Ok(connection(page, total, Commitment))
    }

    /// What happened in the group, newest first. For the group's members and the secretariat.
    #[graphql(complexity = "page_complexity(child_complexity, first)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<Event>> {
        if !policy::read_group_internals(ctx.viewer(), self.0.id) {
            return Err(
                AppError::forbidden("only the group's members can read its activity").into(),
            );
        }
        let args = PageArgs::parse(first, after.as_deref())?;
        let db = ctx.app()?.db.clone();
        let stream = Stream::ActionGroup(self.0.id);
        let page = events::page_newest_first(&db, stream, &args).await?;
        let total = TotalCount::new(move || {
            let db = db.clone();
            async move { events::count(&db, stream).await }
        });
        Ok(connection(page, total, Event))
    }

    /// Commitment counts per status, average progress and overdue count.
    async fn progress(&self, ctx: &Context<'_>) -> async_graphql::Result<ProgressSummary> {
        let summary = ctx
            .loaders()?
            .load_one(GroupProgress(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(ProgressSummary(summary))
    }
}

#[Object]
impl ActionGroupMember {
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Partner> {
        let partner = ctx
            .loaders()?
            .load_one(PartnerKey(self.0.partner_id))
            .await?;
        Ok(Partner(partner.ok_or(AppError::NotFound("partner"))?))
    }

    async fn role(&self) -> async_graphql::Result<GroupRole> {
        stored::<crate::domain::GroupRole>(&self.0.role).map(Into::into)
    }

    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.joined_at
    }
}
