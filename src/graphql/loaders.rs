//! DataLoaders: every nested field of a list is fetched for the whole list in one
//! statement, so the statement count of a request does not grow with page size.
//! One loader per request: it knows the viewer, so lists that depend on who is
//! asking (commitments, reports) are filtered in the same statement.
//!
//! Every value comes back in an `Arc`: async-graphql's DataLoader hands each
//! field waiting on a batch its own clone of what the batch loaded, and an
//! `Arc`'s clone is a count, not a copy of the rows (see `context::Loaders`).
use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use entity::{
    action_group_members, action_groups, coalition_partners, coalitions, commitments, events,
    partners, partnership_applications, pathfinder_countries, progress_reports, resource_links,
    resource_translations, resources, text_translations, thematic_areas, users, work_plan_items,
    work_plans,
};
use sea_orm::DatabaseConnection;

use crate::{
    auth::Actor,
    pagination::{Page, PageArgs},
    services::{
        applications as application_service, coalitions as coalition_service,
        coalitions::MemberPartner,
        commitments::{self as commitment_service, Holder},
        groups as group_service, lookup, reports as report_service,
        rollup::{self, ProgressSummary, Scope},
        work_plans as work_plan_service,
    },
    sql::Columns,
};

pub struct DbLoader {
    db: DatabaseConnection,
    viewer: Option<Actor>,
}

impl DbLoader {
    pub fn new(db: DatabaseConnection, viewer: Option<Actor>) -> Self {
        Self { db, viewer }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

/// A loader keyed by a row id: `$fetch(db, viewer, ids)` returns a map by id;
/// ids missing from it load as None. `$default` fills them instead when given.
macro_rules! id_loader {
    ($(#[$doc:meta])* $key:ident => $value:ty, |$db:ident, $viewer:ident, $ids:ident| $fetch:expr $(, default)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for DbLoader {
            type Value = Arc<$value>;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Arc<$value>> {
                let $db = &self.db;
                #[allow(unused_variables)]
                let $viewer = self.viewer.as_ref();
                let $ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let mut found: HashMap<i64, $value> = $fetch.await?;
                Ok(keys
                    .iter()
                    .filter_map(|k| Some((*k, Arc::new(found.remove(&k.0)?))))
                    .collect())
            }
        }
    };
}

/// A loader of one page of children per parent: `$fetch(db, viewer, ids, args)`.
macro_rules! page_loader {
    ($(#[$doc:meta])* $key:ident => $value:ty, |$db:ident, $viewer:ident, $ids:ident, $args:ident| $fetch:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub i64, pub PageArgs);

        impl Loader<$key> for DbLoader {
            type Value = Arc<Page<$value>>;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Arc<Page<$value>>> {
                // Parents asking for the same page shape share one statement.
                let mut by_args: HashMap<&PageArgs, Vec<i64>> = HashMap::new();
                for key in keys {
                    by_args.entry(&key.1).or_default().push(key.0);
                }
                let $db = &self.db;
                #[allow(unused_variables)]
                let $viewer = self.viewer.as_ref();
                let mut pages = HashMap::new();
                for ($args, $ids) in by_args {
                    let found: HashMap<i64, Page<$value>> = $fetch.await?;
                    for (parent, page) in found {
                        pages.insert($key(parent, $args.clone()), Arc::new(page));
                    }
                }
                Ok(pages)
            }
        }
    };
}

id_loader!(/// A partner by id.
    PartnerKey => partners::Model, |db, viewer, ids| lookup::rows_by_ids(db, "partners", &ids, Columns::All, |r: &partners::Model| r.id));
id_loader!(/// A coalition by id.
    CoalitionKey => coalitions::Model, |db, viewer, ids| lookup::by_ids::<coalitions::Entity>(db, &ids, |r| r.id));
id_loader!(/// A thematic area by id.
    ThematicAreaKey => thematic_areas::Model, |db, viewer, ids| lookup::by_ids::<thematic_areas::Entity>(db, &ids, |r| r.id));
id_loader!(/// A user by id.
    UserKey => users::Model, |db, viewer, ids| lookup::by_ids::<users::Entity>(db, &ids, |r| r.id));
id_loader!(/// An action group by id.
    ActionGroupKey => action_groups::Model, |db, viewer, ids| lookup::by_ids::<action_groups::Entity>(db, &ids, |r| r.id));
id_loader!(/// A work plan by id.
    WorkPlanKey => work_plans::Model, |db, viewer, ids| lookup::by_ids::<work_plans::Entity>(db, &ids, |r| r.id));
id_loader!(/// A work plan item by id.
    WorkPlanItemKey => work_plan_items::Model, |db, viewer, ids| lookup::by_ids::<work_plan_items::Entity>(db, &ids, |r| r.id));
id_loader!(/// A commitment by id (unfiltered: callers check visibility).
    CommitmentKey => commitments::Model, |db, viewer, ids| lookup::by_ids::<commitments::Entity>(db, &ids, |r| r.id));
id_loader!(/// A progress report by id (unfiltered: callers check visibility).
    ProgressReportKey => progress_reports::Model, |db, viewer, ids| lookup::by_ids::<progress_reports::Entity>(db, &ids, |r| r.id));
id_loader!(/// An event by id (unfiltered: callers reach it through something they may see).
    EventKey => events::Model, |db, viewer, ids| lookup::by_ids::<events::Entity>(db, &ids, |r| r.id));
id_loader!(/// The thematic areas of a coalition.
    ThematicAreasOf => Vec<thematic_areas::Model>, |db, viewer, ids| coalition_service::thematic_areas_of(db, &ids));
id_loader!(/// The coalition memberships of a partner.
    MembershipsOfPartner => Vec<coalition_partners::Model>, |db, viewer, ids| coalition_service::memberships_of_partners(db, &ids));
id_loader!(/// How many current partners a coalition has.
    CoalitionPartnerCount => u64, |db, viewer, ids| coalition_service::partner_counts(db, &ids));
id_loader!(/// How many active groups a coalition has.
    CoalitionGroupCount => u64, |db, viewer, ids| group_service::counts_of_coalitions(db, &ids));
id_loader!(/// How many members a group has.
    GroupMemberCount => u64, |db, viewer, ids| group_service::member_counts(db, &ids));
id_loader!(/// How many commitments of a group the viewer may see.
    GroupCommitmentCount => u64, |db, viewer, ids| commitment_service::counts_of(db, viewer, Holder::Group, &ids));
id_loader!(/// How many commitments of a partner the viewer may see.
    PartnerCommitmentCount => u64, |db, viewer, ids| commitment_service::counts_of(db, viewer, Holder::Partner, &ids));
id_loader!(/// How many reports of a commitment the viewer may see.
    ReportCount => u64, |db, viewer, ids| report_service::counts_of_commitments(db, viewer, &ids));
id_loader!(/// The newest report of a commitment the viewer may see.
    LatestReport => progress_reports::Model, |db, viewer, ids| report_service::latest_of_commitments(db, viewer, &ids, Columns::All));
id_loader!(/// The work plans of a group (all of them: callers hide drafts).
    PlansOfGroup => Vec<work_plans::Model>, |db, viewer, ids| work_plan_service::plans_of(db, &ids));
id_loader!(/// The items of a work plan, in order.
    ItemsOfPlan => Vec<work_plan_items::Model>, |db, viewer, ids| work_plan_service::items_of(db, &ids));
id_loader!(/// The progress roll-up of a group, over the commitments the viewer may see.
    GroupProgress => ProgressSummary, |db, viewer, ids| rollup::summaries(db, viewer, Scope::ActionGroup, &ids));
id_loader!(/// The progress roll-up of a coalition.
    CoalitionProgress => ProgressSummary, |db, viewer, ids| rollup::summaries(db, viewer, Scope::Coalition, &ids));

page_loader!(/// One page of a coalition's partners.
    CoalitionPartnersPage => MemberPartner, |db, viewer, ids, args| coalition_service::partner_pages(db, &ids, args));
page_loader!(/// One page of a coalition's active groups.
    CoalitionGroupsPage => action_groups::Model, |db, viewer, ids, args| group_service::pages_of_coalitions(db, &ids, args));
page_loader!(/// One page of a group's members.
    GroupMembersPage => action_group_members::Model, |db, viewer, ids, args| group_service::member_pages(db, &ids, args, &mut []));
page_loader!(/// One page of a group's commitments the viewer may see.
    GroupCommitmentsPage => commitments::Model, |db, viewer, ids, args| commitment_service::pages_of(db, viewer, Holder::Group, &ids, args, Columns::All, &mut []));
page_loader!(/// One page of a partner's commitments the viewer may see.
    PartnerCommitmentsPage => commitments::Model, |db, viewer, ids, args| commitment_service::pages_of(db, viewer, Holder::Partner, &ids, args, Columns::All, &mut []));
page_loader!(/// One page of a commitment's reports the viewer may see, newest first.
    ReportsPage => progress_reports::Model, |db, viewer, ids, args| report_service::pages_of_commitments(db, viewer, &ids, args));
id_loader!(/// The partners a user works for.
    UserPartnerIds => Vec<i64>, |db, viewer, ids| crate::services::accounts::partner_ids_of_users(db, &ids));
id_loader!(/// An application by id (unfiltered: callers check `policy::read_application`).
    ApplicationKey => partnership_applications::Model, |db, viewer, ids| lookup::by_ids::<partnership_applications::Entity>(db, &ids, |r| r.id));
id_loader!(/// The pathfinder countries of a coalition.
    PathfindersOf => Vec<pathfinder_countries::Model>, |db, viewer, ids| application_service::pathfinders_of_coalitions(db, &ids));
id_loader!(/// The coalitions a partner is a pathfinder country of.
    PathfinderCoalitionsOf => Vec<coalitions::Model>, |db, viewer, ids| application_service::pathfinder_coalitions_of_partners(db, &ids));

/// The user with this e-mail who works for this partner: a pathfinder
/// country's focal point, once the nominee has accepted their invitation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FocalPointKey(pub i64, pub String);

impl Loader<FocalPointKey> for DbLoader {
    type Value = Arc<users::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[FocalPointKey]) -> LoadResult<FocalPointKey, Arc<users::Model>> {
        let pairs: Vec<(i64, String)> = keys.iter().map(|k| (k.0, k.1.clone())).collect();
        let found = crate::services::accounts::users_of_partners_by_email(&self.db, &pairs).await?;
        Ok(found
            .into_iter()
            .map(|((partner_id, email), user)| (FocalPointKey(partner_id, email), Arc::new(user)))
            .collect())
    }
}
id_loader!(/// The translations of a coalition's name and description.
    CoalitionTranslations => Vec<text_translations::Model>, |db, viewer, ids| crate::services::translations::of(db, crate::services::translations::Translated::Coalition, &ids));
id_loader!(/// The translations of a thematic area's name and description.
    ThematicAreaTranslations => Vec<text_translations::Model>, |db, viewer, ids| crate::services::translations::of(db, crate::services::translations::Translated::ThematicArea, &ids));
id_loader!(/// A resource by id (unfiltered: callers check `policy::read_resource`).
    ResourceKey => resources::Model, |db, viewer, ids| lookup::by_ids::<resources::Entity>(db, &ids, |r| r.id));
id_loader!(/// The translations of a resource.
    ResourceTranslationsOf => Vec<resource_translations::Model>, |db, viewer, ids| crate::services::resources::translations_of(db, &ids));
id_loader!(/// What a resource is linked to.
    ResourceLinksOf => Vec<resource_links::Model>, |db, viewer, ids| crate::services::resources::links_of(db, &ids));
id_loader!(/// The resources linked to a commitment (unfiltered).
    ResourcesOfCommitment => Vec<resources::Model>, |db, viewer, ids| crate::services::resources::linked_to(db, "Commitment", &ids));
id_loader!(/// The resources linked to a partner (unfiltered).
    ResourcesOfPartner => Vec<resources::Model>, |db, viewer, ids| crate::services::resources::linked_to(db, "Partner", &ids));
