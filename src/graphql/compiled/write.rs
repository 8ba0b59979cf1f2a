//! Writing a fetched plan as the response JSON, byte for byte what
//! async-graphql writes for the same document: keys in document order, the
//! same scalar formats (RFC 3339 times, `YYYY-MM-DD` dates, enum names).
use std::collections::HashMap;

use async_graphql::InputType;
use chrono::{DateTime, Utc};
use entity::{action_group_members, action_groups, commitments, partners, progress_reports};

use super::{
    fetch::{Batch, Fallback, Fetched, RootData},
    plan::*,
};
use crate::{
    graphql::{
        ids::{encode, NodeKind},
        types::{stored, Date},
    },
    pagination::{Cursor, Page},
};

pub struct Writer<'a> {
    out: Vec<u8>,
    batches: &'a [Option<Batch>],
}

/// `{"data":{…}}` for a plan whose batches are fetched.
pub fn response(plan: &Plan, roots: &[RootData], batches: &[Option<Batch>]) -> Fetched<Vec<u8>> {
    let mut writer = Writer {
        out: Vec::with_capacity(16 * 1024),
        batches,
    };
    writer.raw("{\"data\":");
    writer.object(&plan.root, |w, field, index| {
        match (&field.kind, &roots[index]) {
            (RootField::Typename, _) => w.string("Query"),
            (RootField::ActionGroups(connection), RootData::Groups(page, count)) => w.connection(
                connection,
                page,
                *count,
                "ActionGroup",
                Writer::group,
                Writer::no_edge_fields,
            )?,
            (RootField::Partners(connection), RootData::Partners(page, count)) => w.connection(
                connection,
                page,
                *count,
                "Partner",
                Writer::partner,
                Writer::no_edge_fields,
            )?,
            (RootField::Node { selection, .. }, RootData::Node(group)) => match group {
                Some(group) => w.group(group, selection)?,
                None => w.raw("null"),
            },
            _ => return Err(Fallback),
        }
        Ok(())
    })?;
    writer.raw("}");
    Ok(writer.out)
}

impl<'a> Writer<'a> {
    fn raw(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
    }

    fn string(&mut self, text: &str) {
        // serde_json escapes strings as async-graphql's serializer does.
        serde_json::to_writer(&mut self.out, text).expect("writing to a Vec cannot fail");
    }

    fn optional_string(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.string(text),
            None => self.raw("null"),
        }
    }

    fn int(&mut self, n: impl Into<i64>) {
        self.raw(&n.into().to_string());
    }

    fn bool(&mut self, value: bool) {
        self.raw(if value { "true" } else { "false" });
    }

    fn time(&mut self, time: &DateTime<Utc>) {
        self.string(&time.to_rfc3339());
    }

    fn optional_time(&mut self, time: Option<&DateTime<Utc>>) {
        match time {
            Some(time) => self.time(time),
            None => self.raw("null"),
        }
    }

    fn id(&mut self, kind: NodeKind, id: i64) {
        let id = encode(kind, id);
        self.string(id.as_str());
    }

    /// A stored enum value as its GraphQL name (`D` the domain enum, `G` the API's).
    fn enumeration<D, G>(&mut self, stored_value: &str) -> Fetched<()>
    where
        D: std::str::FromStr,
        G: From<D> + InputType,
    {
        let value: G = stored::<D>(stored_value).map_err(|_| Fallback)?.into();
        match value.to_value() {
            async_graphql::Value::Enum(name) => self.string(name.as_str()),
            _ => return Err(Fallback),
        }
        Ok(())
    }

    /// `{"key":value,…}` for each field of `selection`, `value` written by `each`.
    fn object<F>(
        &mut self,
        selection: &Selection<F>,
        mut each: impl FnMut(&mut Self, &Field<F>, usize) -> Fetched<()>,
    ) -> Fetched<()> {
        self.raw("{");
        for (index, field) in selection.iter().enumerate() {
            if index > 0 {
                self.raw(",");
            }
            // Response keys are GraphQL names: nothing to escape.
            self.raw("\"");
            self.raw(&field.key);
            self.raw("\":");
            each(self, field, index)?;
        }
        self.raw("}");
        Ok(())
    }

    /// A connection over `page`; `edge_field` writes the fields some edges add
    /// to `cursor` and `node` (a member's role and date).
    fn connection<M, N>(
        &mut self,
        connection: &Connection<N>,
        page: &Page<M>,
        count: Option<u64>,
        item_type: &str,
        item: fn(&mut Self, &M, &Selection<N>) -> Fetched<()>,
        edge_field: fn(&mut Self, &M, &EdgeField<N>) -> Fetched<()>,
    ) -> Fetched<()> {
        self.object(&connection.selection, |w, field, _| {
            match &field.kind {
                ConnectionField::Typename => w.string(&format!("{item_type}Connection")),
                ConnectionField::TotalCount => w.int(count.ok_or(Fallback)? as i64),
                ConnectionField::Nodes(selection) => {
                    w.list(&page.items, |w, (_, model)| item(w, model, selection))?
                }
                ConnectionField::Edges(selection) => {
                    w.list(&page.items, |w, (cursor, model)| {
                        w.object(selection, |w, field, _| {
                            match &field.kind {
                                EdgeField::Typename => w.string(&format!("{item_type}Edge")),
                                EdgeField::Cursor => w.string(&cursor.encode()),
                                EdgeField::Node(selection) => item(w, model, selection)?,
                                extra @ (EdgeField::Role | EdgeField::JoinedAt) => {
                                    edge_field(w, model, extra)?
                                }
                            }
                            Ok(())
                        })
                    })?
                }
                ConnectionField::PageInfo(selection) => w.page_info(page, selection)?,
            }
            Ok(())
        })
    }

    fn list<T>(
        &mut self,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T) -> Fetched<()>,
    ) -> Fetched<()> {
        self.raw("[");
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.raw(",");
            }
            each(self, item)?;
        }
        self.raw("]");
        Ok(())
    }

    fn page_info<M>(
        &mut self,
        page: &Page<M>,
        selection: &Selection<PageInfoField>,
    ) -> Fetched<()> {
        let cursor = |c: Option<&(Cursor, M)>| c.map(|(cursor, _)| cursor.encode());
        self.object(selection, |w, field, _| {
            match field.kind {
                PageInfoField::Typename => w.string("PageInfo"),
                PageInfoField::HasNextPage => w.bool(page.has_next_page),
                PageInfoField::HasPreviousPage => w.bool(false),
                PageInfoField::StartCursor => {
                    w.optional_string(cursor(page.items.first()).as_deref())
                }
                PageInfoField::EndCursor => w.optional_string(cursor(page.items.last()).as_deref()),
            }
            Ok(())
        })
    }

    /// Edges that carry only `cursor` and `node`.
    fn no_edge_fields<M, N>(&mut self, _: &M, _: &EdgeField<N>) -> Fetched<()> {
        Err(Fallback)
    }

    /// A nested connection of `parent`: its page from `pages`, its count from `counts`.
    fn nested<M, N>(
        &mut self,
        connection: &Connection<N>,
        parent: i64,
        pages: Fetched<&HashMap<i64, Page<M>>>,
        item_type: &str,
        item: fn(&mut Self, &M, &Selection<N>) -> Fetched<()>,
        edge_field: fn(&mut Self, &M, &EdgeField<N>) -> Fetched<()>,
    ) -> Fetched<()> {
        let empty = Page::default();
        let page = pages?.get(&parent).unwrap_or(&empty);
        let count = match connection.wants_total_count() {
            true => Some(
                self.counts(connection.counts)?
                    .get(&parent)
                    .copied()
                    .unwrap_or(0),
            ),
            false => None,
        };
        self.connection(connection, page, count, item_type, item, edge_field)
    }

    fn batch(&self, slot: Slot) -> Fetched<&'a Batch> {
        self.batches[slot].as_ref().ok_or(Fallback)
    }

    fn counts(&self, slot: Slot) -> Fetched<&'a HashMap<i64, u64>> {
        match self.batch(slot)? {
            Batch::Counts(counts) => Ok(counts),
            _ => Err(Fallback),
        }
    }

    fn commitment_pages(&self, slot: Slot) -> Fetched<&'a HashMap<i64, Page<commitments::Model>>> {
        match self.batch(slot)? {
            Batch::CommitmentPages(pages) => Ok(pages),
            _ => Err(Fallback),
        }
    }

    fn group(
        &mut self,
        group: &action_groups::Model,
        selection: &Selection<GroupField>,
    ) -> Fetched<()> {
        use crate::graphql::types::ActionGroupStatus;
        self.object(selection, |w, field, _| {
            match &field.kind {
                GroupField::Typename => w.string("ActionGroup"),
                GroupField::Id => w.id(NodeKind::ActionGroup, group.id),
                GroupField::Name => w.string(&group.name),
                GroupField::Description => w.optional_string(group.description.as_deref()),
                GroupField::Status => w
                    .enumeration::<crate::domain::ActionGroupStatus, ActionGroupStatus>(
                        &group.status,
                    )?,
                GroupField::Version => w.int(group.version),
                GroupField::CreatedAt => w.time(&group.created_at),
                GroupField::Members(connection) => {
                    let pages = match w.batch(connection.pages)? {
                        Batch::MemberPages(pages) => Ok(pages),
                        _ => Err(Fallback),
                    };
                    w.nested(
                        connection,
                        group.id,
                        pages,
                        "ActionGroupMember",
                        Writer::member,
                        Writer::member_edge_field,
                    )?
                }
                GroupField::Commitments(connection) => {
                    let pages = w.commitment_pages(connection.pages);
                    w.nested(
                        connection,
                        group.id,
                        pages,
                        "Commitment",
                        Writer::commitment,
                        Writer::no_edge_fields,
                    )?
                }
            }
            Ok(())
        })
    }

    /// What a member edge adds: the member's role and joining date.
    fn member_edge_field(
        &mut self,
        member: &action_group_members::Model,
        field: &EdgeField<MemberField>,
    ) -> Fetched<()> {
        match field {
            EdgeField::Role => self.group_role(&member.role),
            EdgeField::JoinedAt => {
                self.time(&member.joined_at);
                Ok(())
            }
            _ => Err(Fallback),
        }
    }

    fn group_role(&mut self, role: &str) -> Fetched<()> {
        self.enumeration::<crate::domain::GroupRole, crate::graphql::types::GroupRole>(role)
    }

    fn member(
        &mut self,
        member: &action_group_members::Model,
        selection: &Selection<MemberField>,
    ) -> Fetched<()> {
        self.object(selection, |w, field, _| {
            match &field.kind {
                MemberField::Typename => w.string("ActionGroupMember"),
                MemberField::Role => w.group_role(&member.role)?,
                MemberField::JoinedAt => w.time(&member.joined_at),
                MemberField::Partner(reference) => {
                    w.partner_reference(reference, member.partner_id)?
                }
            }
            Ok(())
        })
    }

    /// A non-null partner reference: a partner that is not there is the
    /// resolvers' error to report.
    fn partner_reference(
        &mut self,
        reference: &Reference<PartnerField>,
        partner_id: i64,
    ) -> Fetched<()> {
        let Batch::Partners(partners) = self.batch(reference.slot)? else {
            return Err(Fallback);
        };
        let partner = partners.get(&partner_id).ok_or(Fallback)?;
        self.partner(partner, &reference.selection)
    }

    fn partner(
        &mut self,
        partner: &partners::Model,
        selection: &Selection<PartnerField>,
    ) -> Fetched<()> {
        use crate::graphql::types::PartnerKind;
        self.object(selection, |w, field, _| {
            match &field.kind {
                PartnerField::Typename => w.string("Partner"),
                PartnerField::Id => w.id(NodeKind::Partner, partner.id),
                PartnerField::Name => w.string(&partner.name),
                PartnerField::Acronym => w.optional_string(partner.acronym.as_deref()),
                PartnerField::Kind => {
                    w.enumeration::<crate::domain::PartnerKind, PartnerKind>(&partner.kind)?
                }
                PartnerField::Country => w.optional_string(partner.country.as_deref()),
                PartnerField::Region => w.optional_string(partner.region.as_deref()),
                PartnerField::Website => w.optional_string(partner.website.as_deref()),
                PartnerField::Description => w.optional_string(partner.description.as_deref()),
                PartnerField::Version => w.int(partner.version),
                PartnerField::CreatedAt => w.time(&partner.created_at),
                PartnerField::UpdatedAt => w.time(&partner.updated_at),
                PartnerField::Commitments(connection) => {
                    let pages = w.commitment_pages(connection.pages);
                    w.nested(
                        connection,
                        partner.id,
                        pages,
                        "Commitment",
                        Writer::commitment,
                        Writer::no_edge_fields,
                    )?
                }
            }
            Ok(())
        })
    }

    fn commitment(
        &mut self,
        commitment: &commitments::Model,
        selection: &Selection<CommitmentField>,
    ) -> Fetched<()> {
        use crate::graphql::types::{CommitmentStatus, Visibility};
        self.object(selection, |w, field, _| {
            match &field.kind {
                CommitmentField::Typename => w.string("Commitment"),
                CommitmentField::Id => w.id(NodeKind::Commitment, commitment.id),
                CommitmentField::Title => w.string(&commitment.title),
                CommitmentField::Description => {
                    w.optional_string(commitment.description.as_deref())
                }
                CommitmentField::Indicator => w.optional_string(commitment.indicator.as_deref()),
                CommitmentField::Unit => w.optional_string(commitment.unit.as_deref()),
                CommitmentField::Status => w
                    .enumeration::<crate::domain::CommitmentStatus, CommitmentStatus>(
                        &commitment.status,
                    )?,
                CommitmentField::Progress => w.int(commitment.progress),
                CommitmentField::DueOn => match commitment.due_on {
                    Some(date) => match Date(date).to_value() {
                        async_graphql::Value::String(text) => w.string(&text),
                        _ => return Err(Fallback),
                    },
                    None => w.raw("null"),
                },
                CommitmentField::Visibility => {
                    w.enumeration::<crate::domain::Visibility, Visibility>(&commitment.visibility)?
                }
                CommitmentField::Version => w.int(commitment.version),
                CommitmentField::CreatedAt => w.time(&commitment.created_at),
                CommitmentField::UpdatedAt => w.time(&commitment.updated_at),
                CommitmentField::Partner(reference) => {
                    w.partner_reference(reference, commitment.partner_id)?
                }
                CommitmentField::LatestReport(reference) => {
                    let Batch::Reports(reports) = w.batch(reference.slot)? else {
                        return Err(Fallback);
                    };
                    match reports.get(&commitment.id) {
                        Some(report) => w.report(report, &reference.selection)?,
                        None => w.raw("null"),
                    }
                }
            }
            Ok(())
        })
    }

    fn report(
        &mut self,
        report: &progress_reports::Model,
        selection: &Selection<ReportField>,
    ) -> Fetched<()> {
        use crate::graphql::types::{CommitmentStatus, ReviewState};
        self.object(selection, |w, field, _| {
            match &field.kind {
                ReportField::Typename => w.string("ProgressReport"),
                ReportField::Id => w.id(NodeKind::ProgressReport, report.id),
                ReportField::Progress => w.int(report.progress),
                ReportField::Status => w
                    .enumeration::<crate::domain::CommitmentStatus, CommitmentStatus>(
                        &report.status,
                    )?,
                ReportField::Narrative => w.optional_string(report.narrative.as_deref()),
                ReportField::ReviewState => {
                    w.enumeration::<crate::domain::ReviewState, ReviewState>(&report.review_state)?
                }
                ReportField::ReviewReason => w.optional_string(report.review_reason.as_deref()),
                ReportField::ReviewedAt => w.optional_time(report.reviewed_at.as_ref()),
                ReportField::CommitmentVersion => w.int(report.commitment_version),
                ReportField::CreatedAt => w.time(&report.created_at),
            }
            Ok(())
        })
    }
}
