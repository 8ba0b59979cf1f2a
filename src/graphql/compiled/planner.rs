//! From a parsed document to a [`Plan`], or None when the document asks for
//! anything the compiled path does not know: then the resolvers answer it.
//!
//! The planner is strict on purpose. It admits one query operation without
//! directives, fields it knows with the arguments it knows, fragments whose type
//! condition it can decide, variables of the declared types, and no response
//! key twice. A plan is only kept for a document the resolvers have already
//! answered without errors (see `Plans::learn`), so validation has passed once.
use std::collections::HashSet;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field as DocField, OperationDefinition, OperationType,
    Selection as DocSelection, SelectionSet, Type,
};
use async_graphql::Positioned;
use async_graphql_value::Value as DocValue;

use super::plan::*;

/// Fragments nest at most this deep (the document limits refuse deeper ones first).
const MAX_FRAGMENT_NESTING: usize = 16;

/// Object types that implement `Node`: a fragment on one of them inside a
/// node's selection applies only when the node is of that type.
const NODE_TYPES: &[&str] = &[
    "ActionGroup",
    "Coalition",
    "CoalitionMembership",
    "Commitment",
    "Event",
    "Notification",
    "Partner",
    "PartnershipApplication",
    "ProgressReport",
    "Resource",
    "ThematicArea",
    "User",
    "WorkPlan",
    "WorkPlanItem",
];

pub fn plan(document: &ExecutableDocument, operation_name: Option<&str>) -> Option<Plan> {
    let operation = pick_operation(document, operation_name)?;
    if operation.ty != OperationType::Query || !operation.directives.is_empty() {
        return None;
    }
    let mut planner = Planner {
        document,
        variables: Vec::new(),
        used_variables: HashSet::new(),
        used_fragments: HashSet::new(),
        slots: 0,
    };
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        if !definition.directives.is_empty() {
            return None;
        }
        let kind = VariableKind::of(&definition.var_type.node)?;
        planner
            .variables
            .push((definition.name.node.to_string(), kind));
    }
    let root = planner.root(&operation.selection_set.node)?;
    let all_variables_used = planner
        .variables
        .iter()
        .all(|(name, _)| planner.used_variables.contains(name));
    let all_fragments_used = document
        .fragments
        .keys()
        .all(|name| planner.used_fragments.contains(name.as_str()));
    (all_variables_used && all_fragments_used).then_some(Plan {
        root,
        slots: planner.slots,
    })
}

fn pick_operation<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), None) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        _ => None,
    }
}

/// The declared type of a variable, as far as the compiled path takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VariableKind {
    Int,
    String,
    RequiredId,
}

impl VariableKind {
    fn of(ty: &Type) -> Option<Self> {
        use async_graphql::parser::types::BaseType;
        let BaseType::Named(name) = &ty.base else {
            return None;
        };
        match (name.as_str(), ty.nullable) {
            ("Int", _) => Some(Self::Int),
            ("String", _) => Some(Self::String),
            ("ID", false) => Some(Self::RequiredId),
            _ => None,
        }
    }
}

struct Planner<'d> {
    document: &'d ExecutableDocument,
    variables: Vec<(String, VariableKind)>,
    used_variables: HashSet<String>,
    used_fragments: HashSet<&'d str>,
    slots: usize,
}

/// Fields of an object type, with fragments flattened and each response key once.
type Collected<'d> = Vec<&'d DocField>;

impl<'d> Planner<'d> {
    fn slot(&mut self) -> Slot {
        self.slots += 1;
        self.slots - 1
    }

    fn root(&mut self, set: &'d SelectionSet) -> Option<Selection<RootField>> {
        let mut selection = Vec::new();
        for field in self.collect(set, "Query")? {
            let kind = match field.name.node.as_str() {
                "__typename" => self.leaf(field, RootField::Typename)?,
                "actionGroups" => RootField::ActionGroups(self.connection(
                    field,
                    "ActionGroup",
                    Self::group,
                    false,
                )?),
                "partners" => {
                    RootField::Partners(self.connection(field, "Partner", Self::partner, false)?)
                }
                "node" => {
                    let [(name, value)] = field.arguments.as_slice() else {
                        return None;
                    };
                    if name.node != "id" {
                        return None;
                    }
                    let id = self.argument(value, VariableKind::RequiredId)?;
                    let selection = self.group_in_node(&field.selection_set.node)?;
                    RootField::Node { id, selection }
                }
                _ => return None,
            };
            selection.push(Field {
                key: field.response_key().node.to_string(),
                kind,
            });
        }
        Some(selection)
    }

    /// A scalar field: no arguments, no selection.
    fn leaf<F>(&self, field: &DocField, kind: F) -> Option<F> {
        (field.arguments.is_empty() && field.selection_set.node.items.is_empty()).then_some(kind)
    }

    /// An argument of the expected kind: a literal of that kind, or a variable
    /// declared with it.
    fn argument(&mut self, value: &Positioned<DocValue>, expected: VariableKind) -> Option<Arg> {
        match &value.node {
            DocValue::Variable(name) => {
                let declared = self
                    .variables
                    .iter()
                    .find(|(declared, _)| declared == name.as_str())?
                    .1;
                if declared != expected {
                    return None;
                }
                self.used_variables.insert(name.to_string());
                Some(Arg::Variable(name.to_string()))
            }
            DocValue::Null if expected != VariableKind::RequiredId => {
                Some(Arg::Literal(async_graphql::Value::Null))
            }
            DocValue::Number(n) if expected == VariableKind::Int && n.is_i64() => {
                Some(Arg::Literal(async_graphql::Value::Number(n.clone())))
            }
            DocValue::String(text) if expected != VariableKind::Int => {
                Some(Arg::Literal(async_graphql::Value::String(text.clone())))
            }
            _ => None,
        }
    }

    fn connection<N>(
        &mut self,
        field: &'d DocField,
        item_type: &str,
        node: fn(&mut Self, &'d SelectionSet) -> Option<Selection<N>>,
        member_edges: bool,
    ) -> Option<Connection<N>> {
        let mut args = PageArgSources {
            first: Arg::Absent,
            after: Arg::Absent,
        };
        for (name, value) in &field.arguments {
            let (slot, kind) = match name.node.as_str() {
                "first" => (&mut args.first, VariableKind::Int),
                "after" => (&mut args.after, VariableKind::String),
                _ => return None,
            };
            if !matches!(slot, Arg::Absent) {
                return None;
            }
            *slot = self.argument(value, kind)?;
        }
        let connection_type = format!("{item_type}Connection");
        let edge_type = format!("{item_type}Edge");
        let mut selection = Vec::new();
        for field in self.collect(&field.selection_set.node, &connection_type)? {
            let set = &field.selection_set.node;
            let kind = match field.name.node.as_str() {
                "__typename" => self.leaf(field, ConnectionField::Typename)?,
                "totalCount" => self.leaf(field, ConnectionField::TotalCount)?,
                "nodes" if field.arguments.is_empty() => ConnectionField::Nodes(node(self, set)?),
                "pageInfo" if field.arguments.is_empty() => {
                    ConnectionField::PageInfo(self.page_info(set)?)
                }
                "edges" if field.arguments.is_empty() => {
                    let mut edge = Vec::new();
                    for field in self.collect(set, &edge_type)? {
                        let kind = match field.name.node.as_str() {
                            "__typename" => self.leaf(field, EdgeField::Typename)?,
                            "cursor" => self.leaf(field, EdgeField::Cursor)?,
                            "role" if member_edges => self.leaf(field, EdgeField::Role)?,
                            "joinedAt" if member_edges => self.leaf(field, EdgeField::JoinedAt)?,
                            "node" if field.arguments.is_empty() => {
                                EdgeField::Node(node(self, &field.selection_set.node)?)
                            }
                            _ => return None,
                        };
                        edge.push(self.keyed(field, kind));
                    }
                    ConnectionField::Edges(edge)
                }
                _ => return None,
            };
            selection.push(self.keyed(field, kind));
        }
        Some(Connection {
            args,
            pages: self.slot(),
            counts: self.slot(),
            selection,
        })
    }

    fn page_info(&mut self, set: &'d SelectionSet) -> Option<Selection<PageInfoField>> {
        let fields = self.collect(set, "PageInfo")?;
        self.object(fields, page_info_scalar, |_, _| None)
    }

    fn keyed<F>(&self, field: &DocField, kind: F) -> Field<F> {
        Field {
            key: field.response_key().node.to_string(),
            kind,
        }
    }

    /// Plans each of `fields`: a scalar that `scalar` names (taken without
    /// arguments or selection), else what `nested` makes of it.
    fn object<F>(
        &mut self,
        fields: Collected<'d>,
        scalar: fn(&str) -> Option<F>,
        mut nested: impl FnMut(&mut Self, &'d DocField) -> Option<F>,
    ) -> Option<Selection<F>> {
        let mut selection = Vec::with_capacity(fields.len());
        for field in fields {
            let kind = match scalar(field.name.node.as_str()) {
                Some(kind) => self.leaf(field, kind)?,
                None => nested(self, field)?,
            };
            selection.push(self.keyed(field, kind));
        }
        Some(selection)
    }

    /// `node(id)`'s selection, planned for an action group.
    fn group_in_node(&mut self, set: &'d SelectionSet) -> Option<Selection<GroupField>> {
        let fields = self.collect_in(set, "ActionGroup", true)?;
        self.group_fields(fields)
    }

    fn group(&mut self, set: &'d SelectionSet) -> Option<Selection<GroupField>> {
        let fields = self.collect(set, "ActionGroup")?;
        self.group_fields(fields)
    }

    fn group_fields(&mut self, fields: Collected<'d>) -> Option<Selection<GroupField>> {
        self.object(fields, group_scalar, |planner, field| {
            match field.name.node.as_str() {
                "members" => Some(GroupField::Members(Box::new(planner.connection(
                    field,
                    "ActionGroupMember",
                    Self::member,
                    true,
                )?))),
                "commitments" => Some(GroupField::Commitments(Box::new(planner.connection(
                    field,
                    "Commitment",
                    Self::commitment,
                    false,
                )?))),
                _ => None,
            }
        })
    }

    fn member(&mut self, set: &'d SelectionSet) -> Option<Selection<MemberField>> {
        let fields = self.collect(set, "ActionGroupMember")?;
        self.object(fields, member_scalar, |planner, field| {
            match field.name.node.as_str() {
                "partner" if field.arguments.is_empty() => Some(MemberField::Partner(Box::new(
                    planner.reference(field, Self::partner)?,
                ))),
                _ => None,
            }
        })
    }

    fn reference<F>(
        &mut self,
        field: &'d DocField,
        plan: fn(&mut Self, &'d SelectionSet) -> Option<Selection<F>>,
    ) -> Option<Reference<F>> {
        let selection = plan(self, &field.selection_set.node)?;
        Some(Reference {
            slot: self.slot(),
            selection,
        })
    }

    fn partner(&mut self, set: &'d SelectionSet) -> Option<Selection<PartnerField>> {
        let fields = self.collect(set, "Partner")?;
        self.object(fields, partner_scalar, |planner, field| {
            match field.name.node.as_str() {
                "commitments" => Some(PartnerField::Commitments(Box::new(planner.connection(
                    field,
                    "Commitment",
                    Self::commitment,
                    false,
                )?))),
                _ => None,
            }
        })
    }

    fn commitment(&mut self, set: &'d SelectionSet) -> Option<Selection<CommitmentField>> {
        let fields = self.collect(set, "Commitment")?;
        self.object(fields, commitment_scalar, |planner, field| {
            if !field.arguments.is_empty() {
                return None;
            }
            match field.name.node.as_str() {
                "partner" => Some(CommitmentField::Partner(Box::new(
                    planner.reference(field, Self::partner)?,
                ))),
                "latestReport" => Some(CommitmentField::LatestReport(Box::new(
                    planner.reference(field, Self::report)?,
                ))),
                _ => None,
            }
        })
    }

    fn report(&mut self, set: &'d SelectionSet) -> Option<Selection<ReportField>> {
        let fields = self.collect(set, "ProgressReport")?;
        self.object(fields, report_scalar, |_, _| None)
    }

    fn collect(&mut self, set: &'d SelectionSet, type_name: &str) -> Option<Collected<'d>> {
        self.collect_in(set, type_name, false)
    }

    /// The fields of `set` on `type_name`, fragments flattened. `in_node` says
    /// the set is a node's, where fragments on other Node types are skipped.
    fn collect_in(
        &mut self,
        set: &'d SelectionSet,
        type_name: &str,
        in_node: bool,
    ) -> Option<Collected<'d>> {
        let mut fields = Vec::new();
        self.flatten(set, type_name, in_node, 0, &mut fields)?;
        let mut keys = HashSet::new();
        fields
            .iter()
            .all(|field| keys.insert(field.response_key().node.as_str()))
            .then_some(fields)
    }

    fn flatten(
        &mut self,
        set: &'d SelectionSet,
        type_name: &str,
        in_node: bool,
        nesting: usize,
        fields: &mut Collected<'d>,
    ) -> Option<()> {
        if nesting > MAX_FRAGMENT_NESTING {
            return None;
        }
        for selection in &set.items {
            if !selection.node.directives().is_empty() {
                return None;
            }
            match &selection.node {
                DocSelection::Field(field) => fields.push(&field.node),
                DocSelection::InlineFragment(fragment) => {
                    let condition = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|condition| condition.node.on.node.as_str());
                    if applies(condition, type_name, in_node)? {
                        let set = &fragment.node.selection_set.node;
                        self.flatten(set, type_name, in_node, nesting + 1, fields)?;
                    }
                }
                DocSelection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let (name, fragment) = self.document.fragments.get_key_value(name)?;
                    self.used_fragments.insert(name.as_str());
                    let condition = fragment.node.type_condition.node.on.node.as_str();
                    if !fragment.node.directives.is_empty() {
                        return None;
                    }
                    if applies(Some(condition), type_name, in_node)? {
                        let set = &fragment.node.selection_set.node;
                        self.flatten(set, type_name, in_node, nesting + 1, fields)?;
                    }
                }
            }
        }
        Some(())
    }
}

/// Whether a fragment with `condition` applies to `type_name`; None when the
/// planner cannot tell (the document then runs on the resolvers).
fn applies(condition: Option<&str>, type_name: &str, in_node: bool) -> Option<bool> {
    match condition {
        None => Some(true),
        Some(condition) if condition == type_name => Some(true),
        Some("Node") if NODE_TYPES.contains(&type_name) => Some(true),
        Some(other) if in_node && NODE_TYPES.contains(&other) => Some(false),
        Some(_) => None,
    }
}

// The scalar fields of each type the compiled path knows, by GraphQL name.

fn page_info_scalar(name: &str) -> Option<PageInfoField> {
    Some(match name {
        "__typename" => PageInfoField::Typename,
        "hasNextPage" => PageInfoField::HasNextPage,
        "hasPreviousPage" => PageInfoField::HasPreviousPage,
        "startCursor" => PageInfoField::StartCursor,
        "endCursor" => PageInfoField::EndCursor,
        _ => return None,
    })
}

fn group_scalar(name: &str) -> Option<GroupField> {
    Some(match name {
        "__typename" => GroupField::Typename,
        "id" => GroupField::Id,
        "name" => GroupField::Name,
        "description" => GroupField::Description,
        "status" => GroupField::Status,
        "version" => GroupField::Version,
        "createdAt" => GroupField::CreatedAt,
        _ => return None,
    })
}

fn member_scalar(name: &str) -> Option<MemberField> {
    Some(match name {
        "__typename" => MemberField::Typename,
        "role" => MemberField::Role,
        "joinedAt" => MemberField::JoinedAt,
        _ => return None,
    })
}

fn partner_scalar(name: &str) -> Option<PartnerField> {
    Some(match name {
        "__typename" => PartnerField::Typename,
        "id" => PartnerField::Id,
        "name" => PartnerField::Name,
        "acronym" => PartnerField::Acronym,
        "kind" => PartnerField::Kind,
        "country" => PartnerField::Country,
        "region" => PartnerField::Region,
        "website" => PartnerField::Website,
        "description" => PartnerField::Description,
        "version" => PartnerField::Version,
        "createdAt" => PartnerField::CreatedAt,
        "updatedAt" => PartnerField::UpdatedAt,
        _ => return None,
    })
}

fn commitment_scalar(name: &str) -> Option<CommitmentField> {
    Some(match name {
        "__typename" => CommitmentField::Typename,
        "id" => CommitmentField::Id,
        "title" => CommitmentField::Title,
        "description" => CommitmentField::Description,
        "indicator" => CommitmentField::Indicator,
        "unit" => CommitmentField::Unit,
        "status" => CommitmentField::Status,
        "progress" => CommitmentField::Progress,
        "dueOn" => CommitmentField::DueOn,
        "visibility" => CommitmentField::Visibility,
        "version" => CommitmentField::Version,
        "createdAt" => CommitmentField::CreatedAt,
        "updatedAt" => CommitmentField::UpdatedAt,
        _ => return None,
    })
}

fn report_scalar(name: &str) -> Option<ReportField> {
    Some(match name {
        "__typename" => ReportField::Typename,
        "id" => ReportField::Id,
        "progress" => ReportField::Progress,
        "status" => ReportField::Status,
        "narrative" => ReportField::Narrative,
        "reviewState" => ReportField::ReviewState,
        "reviewReason" => ReportField::ReviewReason,
        "reviewedAt" => ReportField::ReviewedAt,
        "commitmentVersion" => ReportField::CommitmentVersion,
        "createdAt" => ReportField::CreatedAt,
        _ => return None,
    })
}
