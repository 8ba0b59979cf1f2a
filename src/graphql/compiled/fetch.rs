//! Running a plan's statements: one per nested list, count or reference of
//! the plan, each for all the parents of its level at once (the same service
//! functions the resolvers' loaders call, so both paths read the same rows).
use std::collections::{HashMap, HashSet};

use async_graphql::{Value, Variables};
use entity::{action_group_members, action_groups, commitments, partners, progress_reports};
use futures_util::future::BoxFuture;

use super::plan::*;
use crate::{
    auth::Actor,
    db::HeldConnection,
    graphql::{
        ids::{decode, NodeKind},
        limits::MAX_BATCH_KEYS,
    },
    pagination::{Page, PageArgs},
    services::{
        commitments::{self as commitment_service, Holder},
        groups as group_service, lookup, partners as partner_service, reports as report_service,
    },
    sql::{Columns, Join, RowsBy},
};

/// The compiled path gives up on this request: the resolvers answer it, with
/// whatever error or null they give. Raised for anything unusual (a bad
/// argument, a missing row, a failed statement), never sent to a client.
#[derive(Debug)]
pub struct Fallback;

impl From<crate::error::AppError> for Fallback {
    fn from(_: crate::error::AppError) -> Self {
        Fallback
    }
}

pub type Fetched<T> = Result<T, Fallback>;

/// What one slot of the plan holds once fetched.
pub enum Batch {
    MemberPages(HashMap<i64, Page<action_group_members::Model>>),
    CommitmentPages(HashMap<i64, Page<commitments::Model>>),
    Counts(HashMap<i64, u64>),
    Partners(HashMap<i64, partners::Model>),
    Reports(HashMap<i64, progress_reports::Model>),
}

/// What a root field fetched.
pub enum RootData {
    Typename,
    Groups(Page<action_groups::Model>, Option<u64>),
    Partners(Page<partners::Model>, Option<u64>),
    Node(Option<action_groups::Model>),
}

pub struct Run<'a> {
    db: &'a HeldConnection,
    viewer: Option<&'a Actor>,
    variables: &'a Variables,
    pub batches: Vec<Option<Batch>>,
}

impl<'a> Run<'a> {
    pub fn new(
        db: &'a HeldConnection,
        viewer: Option<&'a Actor>,
        variables: &'a Variables,
        plan: &Plan,
    ) -> Self {
        Self {
            db,
            viewer,
            variables,
            batches: (0..plan.slots).map(|_| None).collect(),
        }
    }

    pub async fn root(&mut self, plan: &Plan) -> Fetched<Vec<RootData>> {
        let mut data = Vec::with_capacity(plan.root.len());
        for field in &plan.root {
            data.push(match &field.kind {
                RootField::Typename => RootData::Typename,
                RootField::ActionGroups(connection) => {
                    let args = self.page_args(&connection.args)?;
                    let filter = group_service::ActionGroupFilter::default();
                    let columns = group_columns(connection.node_selections());
                    let columns = Columns::Only(&columns);
                    let page = group_service::page(self.db, &filter, &args, columns).await?;
                    let count = match connection.wants_total_count() {
                        true => Some(group_service::count(self.db, &filter).await?),
                        false => None,
                    };
                    let groups = items(&page);
                    for selection in connection.node_selections() {
                        self.groups(&groups, selection).await?;
                    }
                    RootData::Groups(page, count)
                }
                RootField::Partners(connection) => {
                    let args = self.page_args(&connection.args)?;
                    let filter = partner_service::PartnerFilter::default();
                    let mut columns = partner_columns(connection.node_selections());
                    // The cursor holds the name.
                    columns.push("name");
                    let columns = Columns::Only(&columns);
                    let page = partner_service::page(self.db, &filter, &args, columns).await?;
                    let count = match connection.wants_total_count() {
                        true => Some(partner_service::count(self.db, &filter).await?),
                        false => None,
                    };
                    let partners = items(&page);
                    for selection in connection.node_selections() {
                        self.partners(&partners, selection).await?;
                    }
                    RootData::Partners(page, count)
                }
                RootField::Node { id, selection } => {
                    let Value::String(id) = self.value(id)? else {
                        return Err(Fallback);
                    };
                    let Some((NodeKind::ActionGroup, group_id)) = decode(&id) else {
                        return Err(Fallback);
                    };
                    let columns = group_columns(std::iter::once(selection));
                    let mut found = lookup::rows_by_ids(
                        self.db,
                        "action_groups",
                        &[group_id],
                        Columns::Only(&columns),
                        |g: &action_groups::Model| g.id,
                    )
                    .await?;
                    let group = found.remove(&group_id);
                    if let Some(group) = &group {
                        self.groups(&[group], selection).await?;
                    }
                    RootData::Node(group)
                }
            });
        }
        Ok(data)
    }

    /// An argument's value: the literal, the variable's value (or its
    /// declared default, which the planner does not admit), or null.
    fn value(&self, arg: &Arg) -> Fetched<Value> {
        match arg {
            Arg::Absent => Ok(Value::Null),
            Arg::Literal(value) => Ok(value.clone()),
            Arg::Variable(name) => Ok(self
                .variables
                .get(name.as_str())
                .cloned()
                .unwrap_or(Value::Null)),
        }
    }

    fn page_args(&self, sources: &PageArgSources) -> Fetched<PageArgs> {
        let first = match self.value(&sources.first)? {
            Value::Null => None,
            Value::Number(n) => Some(
                n.as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or(Fallback)?,
            ),
            _ => return Err(Fallback),
        };
        let after = match self.value(&sources.after)? {
            Value::Null => None,
            Value::String(after) => Some(after),
            _ => return Err(Fallback),
        };
        Ok(PageArgs::parse(first, after.as_deref())?)
    }

    fn store(&mut self, slot: Slot, batch: Batch) {
        self.batches[slot] = Some(batch);
    }

    fn groups<'s>(
        &'s mut self,
        groups: &'s [&'s action_groups::Model],
        selection: &'s Selection<GroupField>,
    ) -> BoxFuture<'s, Fetched<()>> {
        Box::pin(async move {
            let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
            for field in selection {
                match &field.kind {
                    GroupField::Members(connection) => {
                        self.member_connection(connection, &ids).await?;
                    }
                    GroupField::Commitments(connection) => {
                        self.commitment_connection(connection, Holder::Group, &ids)
                            .await?;
                    }
                    _ => {}
                }
            }
            Ok(())
        })
    }

    /// Fetches a page of members per group (and their counts, when asked
    /// for), then their partners.
    async fn member_connection(
        &mut self,
        connection: &Connection<MemberField>,
        ids: &[i64],
    ) -> Fetched<()> {
        let args = self.page_args(&connection.args)?;
        let pages = chunked(ids, |chunk| {
            group_service::member_pages(self.db, chunk, &args, &mut [])
        })
        .await?;
        let partner_ids = distinct(
            pages
                .values()
                .flat_map(|page| page.items.iter())
                .map(|(_, m)| m.partner_id),
        );
        for field in connection.node_selections().flatten() {
            if let MemberField::Partner(reference) = &field.kind {
                self.partner_reference(reference, &partner_ids).await?;
            }
        }
        self.store(connection.pages, Batch::MemberPages(pages));
        if connection.wants_total_count() {
            let counts = chunked(ids, |chunk| group_service::member_counts(self.db, chunk)).await?;
            self.store(connection.counts, Batch::Counts(counts));
        }
        Ok(())
    }

    /// Fetches a page of commitments per parent with their latest reports
    /// (and their counts, when asked for), then their partners.
    async fn commitment_connection(
        &mut self,
        connection: &Connection<CommitmentField>,
        holder: Holder,
        ids: &[i64],
    ) -> Fetched<()> {
        let args = &self.page_args(&connection.args)?;
        let (db, viewer) = (self.db, self.viewer);
        let columns = commitment_columns(connection);
        let columns = Columns::Only(&columns);
        let fields = || connection.node_selections().flatten();
        // A commitment has one latest report: read with its row. Partners
        // are shared by many commitments: read apart, once each (joining
        // them to every row cost PostgreSQL more than the round trip).
        let mut reports: Vec<(&Reference<ReportField>, RowsBy<progress_reports::Model>)> = fields()
            .filter_map(|field| match &field.kind {
                CommitmentField::LatestReport(reference) => {
                    let columns = report_columns(&reference.selection);
                    let rows =
                        RowsBy::new(Columns::Only(&columns), |r: &progress_reports::Model| {
                            r.commitment_id
                        });
                    Some((&**reference, rows))
                }
                _ => None,
            })
            .collect();
        let mut joins: Vec<Join<'_>> = reports
            .iter_mut()
            .map(|(_, rows)| report_service::latest_join(viewer, rows))
            .collect();
        // The page and, when asked for, the count: one statement on
        // PostgreSQL (see `ChildList::counted_pages`).
        let counted = connection.wants_total_count();
        let mut pages = HashMap::new();
        let mut counts = HashMap::new();
        for chunk in ids.chunks(MAX_BATCH_KEYS) {
            if counted {
                let (found, totals) = commitment_service::counted_pages_of(
                    db, viewer, holder, chunk, args, columns, &mut joins,
                )
                .await?;
                pages.extend(found);
                counts.extend(totals);
            } else {
                pages.extend(
                    commitment_service::pages_of(
                        db, viewer, holder, chunk, args, columns, &mut joins,
                    )
                    .await?,
                );
            }
        }
        drop(joins);
        for (reference, rows) in reports {
            self.store(reference.slot, Batch::Reports(rows.rows));
        }
        let partner_ids = distinct(
            pages
                .values()
                .flat_map(|page| page.items.iter())
                .map(|(_, c)| c.partner_id),
        );
        for field in fields() {
            if let CommitmentField::Partner(reference) = &field.kind {
                self.partner_reference(reference, &partner_ids).await?;
            }
        }
        self.store(connection.pages, Batch::CommitmentPages(pages));
        if counted {
            self.store(connection.counts, Batch::Counts(counts));
        }
        Ok(())
    }

    /// Reads the partners `ids` for `reference`, then what its selection
    /// needs of them.
    async fn partner_reference(
        &mut self,
        reference: &Reference<PartnerField>,
        ids: &[i64],
    ) -> Fetched<()> {
        let db = self.db;
        let columns = partner_columns(std::iter::once(&reference.selection));
        let columns = Columns::Only(&columns);
        let found = chunked(ids, |chunk| {
            lookup::rows_by_ids(db, "partners", chunk, columns, |p: &partners::Model| p.id)
        })
        .await?;
        let partners: Vec<&partners::Model> = found.values().collect();
        self.partners(&partners, &reference.selection).await?;
        self.store(reference.slot, Batch::Partners(found));
        Ok(())
    }

    fn partners<'s>(
        &'s mut self,
        partners: &'s [&'s partners::Model],
        selection: &'s Selection<PartnerField>,
    ) -> BoxFuture<'s, Fetched<()>> {
        Box::pin(async move {
            let ids: Vec<i64> = partners.iter().map(|p| p.id).collect();
            for field in selection {
                if let PartnerField::Commitments(connection) = &field.kind {
                    self.commitment_connection(connection, Holder::Partner, &ids)
                        .await?;
                }
            }
            Ok(())
        })
    }
}

/// The commitment columns the items of `connection` show (the id always: it
/// makes the cursors and keys the references).
fn commitment_columns(connection: &Connection<CommitmentField>) -> Vec<&'static str> {
    let mut columns = vec!["id"];
    for field in connection.node_selections().flatten() {
        columns.push(match field.kind {
            CommitmentField::Typename | CommitmentField::Id | CommitmentField::LatestReport(_) => {
                continue
            }
            CommitmentField::Title => "title",
            CommitmentField::Description => "description",
            CommitmentField::Indicator => "indicator",
            CommitmentField::Unit => "unit",
            CommitmentField::Status => "status",
            CommitmentField::Progress => "progress",
            CommitmentField::DueOn => "due_on",
            CommitmentField::Visibility => "visibility",
            CommitmentField::Version => "version",
            CommitmentField::CreatedAt => "created_at",
            CommitmentField::UpdatedAt => "updated_at",
            CommitmentField::Partner(_) => "partner_id",
        });
    }
    columns
}

/// The group columns `selections` show (and the id and the name, which
/// the cursor holds).
fn group_columns<'p>(
    selections: impl Iterator<Item = &'p Selection<GroupField>>,
) -> Vec<&'static str> {
    let mut columns = vec!["id", "name"];
    for field in selections.flatten() {
        columns.push(match field.kind {
            GroupField::Typename
            | GroupField::Id
            | GroupField::Name
            | GroupField::Members(_)
            | GroupField::Commitments(_) => continue,
            GroupField::Description => "description",
            GroupField::Status => "status",
            GroupField::Version => "version",
            GroupField::CreatedAt => "created_at",
        });
    }
    columns
}

/// The partner columns `selections` show (and the id).
fn partner_columns<'p>(
    selections: impl Iterator<Item = &'p Selection<PartnerField>>,
) -> Vec<&'static str> {
    let mut columns = vec!["id"];
    for field in selections.flatten() {
        columns.push(match field.kind {
            PartnerField::Typename | PartnerField::Id | PartnerField::Commitments(_) => continue,
            PartnerField::Name => "name",
            PartnerField::Acronym => "acronym",
            PartnerField::Kind => "kind",
            PartnerField::Country => "country",
            PartnerField::Region => "region",
            PartnerField::Website => "website",
            PartnerField::Description => "description",
            PartnerField::Version => "version",
            PartnerField::CreatedAt => "created_at",
            PartnerField::UpdatedAt => "updated_at",
        });
    }
    columns
}

/// The report columns `selection` shows (and the id, and the commitment it
/// is kept by).
fn report_columns(selection: &Selection<ReportField>) -> Vec<&'static str> {
    let mut columns = vec!["id", "commitment_id"];
    for field in selection {
        columns.push(match field.kind {
            ReportField::Typename | ReportField::Id => continue,
            ReportField::Progress => "progress",
            ReportField::Status => "status",
            ReportField::Narrative => "narrative",
            ReportField::ReviewState => "review_state",
            ReportField::ReviewReason => "review_reason",
            ReportField::ReviewedAt => "reviewed_at",
            ReportField::CommitmentVersion => "commitment_version",
            ReportField::CreatedAt => "created_at",
        });
    }
    columns
}

fn items<T>(page: &Page<T>) -> Vec<&T> {
    page.items.iter().map(|(_, item)| item).collect()
}

/// `fetch` over `ids` in batches a statement can take (one batch in practice:
/// a request can never reach more objects than a batch holds).
async fn chunked<'c, V, F, Fut>(ids: &'c [i64], fetch: F) -> Fetched<HashMap<i64, V>>
where
    F: Fn(&'c [i64]) -> Fut,
    Fut: std::future::Future<Output = crate::error::AppResult<HashMap<i64, V>>>,
{
    let mut all = HashMap::new();
    for chunk in ids.chunks(MAX_BATCH_KEYS) {
        all.extend(fetch(chunk).await?);
    }
    Ok(all)
}

fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}
