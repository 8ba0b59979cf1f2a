//! What a compiled query is: for each response key, the field that fills it,
//! down to the leaves. Plans are built once per document (see `planner`) and
//! run many times with different variables and viewers (see `fetch`, `write`).
use async_graphql::Value;

/// Where a fetched batch is kept while a plan runs: one slot per nested list,
/// count or reference in the plan, numbered by the planner.
pub type Slot = usize;

/// An argument as written in the document: a literal, or a variable to read
/// from the request's variables.
#[derive(Debug, Clone)]
pub enum Arg {
    Absent,
    Literal(Value),
    Variable(String),
}

/// `first` and `after` of a connection field.
#[derive(Debug, Clone)]
pub struct PageArgSources {
    pub first: Arg,
    pub after: Arg,
}

/// One response key and what fills it, in document order.
#[derive(Debug)]
pub struct Field<F> {
    pub key: String,
    pub kind: F,
}

pub type Selection<F> = Vec<Field<F>>;

#[derive(Debug)]
pub struct Plan {
    pub root: Selection<RootField>,
    /// How many slots the plan's batches need.
    pub slots: usize,
}

#[derive(Debug)]
pub enum RootField {
    Typename,
    /// `actionGroups(first, after)`, without a filter.
    ActionGroups(Connection<GroupField>),
    /// `partners(first, after)`, without a filter.
    Partners(Connection<PartnerField>),
    /// `node(id)` when the id names an action group; other kinds run on the
    /// resolvers.
    Node {
        id: Arg,
        selection: Selection<GroupField>,
    },
}

/// A Relay connection: its page arguments and what is read of it.
#[derive(Debug)]
pub struct Connection<N> {
    pub args: PageArgSources,
    /// The pages of a nested connection, one per parent.
    pub pages: Slot,
    /// The `totalCount` of each parent, when asked for.
    pub counts: Slot,
    pub selection: Selection<ConnectionField<N>>,
}

impl<N> Connection<N> {
    /// Every selection on the connection's items, through `nodes` or `edges.node`.
    pub fn node_selections(&self) -> impl Iterator<Item = &Selection<N>> {
        self.selection.iter().flat_map(|field| match &field.kind {
            ConnectionField::Nodes(selection) => vec![selection],
            ConnectionField::Edges(edge) => edge
                .iter()
                .filter_map(|field| match &field.kind {
                    EdgeField::Node(selection) => Some(selection),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
    }

    pub fn wants_total_count(&self) -> bool {
        self.selection
            .iter()
            .any(|field| matches!(field.kind, ConnectionField::TotalCount))
    }
}

#[derive(Debug)]
pub enum ConnectionField<N> {
    Typename,
    TotalCount,
    Nodes(Selection<N>),
    Edges(Selection<EdgeField<N>>),
    PageInfo(Selection<PageInfoField>),
}

#[derive(Debug)]
pub enum EdgeField<N> {
    Typename,
    Cursor,
    Node(Selection<N>),
    /// On member edges only: the member's role and joining date.
    Role,
    JoinedAt,
}

#[derive(Debug)]
pub enum PageInfoField {
    Typename,
    HasNextPage,
    HasPreviousPage,
    StartCursor,
    EndCursor,
}

/// A field that reads one row by a foreign key, fetched for all parents at once.
#[derive(Debug)]
pub struct Reference<F> {
    pub slot: Slot,
    pub selection: Selection<F>,
}

#[derive(Debug)]
pub enum GroupField {
    Typename,
    Id,
    Name,
    Description,
    Status,
    Version,
    CreatedAt,
    Members(Box<Connection<MemberField>>),
    Commitments(Box<Connection<CommitmentField>>),
}

#[derive(Debug)]
pub enum MemberField {
    Typename,
    Partner(Box<Reference<PartnerField>>),
    Role,
    JoinedAt,
}

#[derive(Debug)]
pub enum PartnerField {
    Typename,
    Id,
    Name,
    Acronym,
    Kind,
    Country,
    Region,
    Website,
    Description,
    Version,
    CreatedAt,
    UpdatedAt,
    Commitments(Box<Connection<CommitmentField>>),
}

#[derive(Debug)]
pub enum CommitmentField {
    Typename,
    Id,
    Title,
    Description,
    Indicator,
    Unit,
    Status,
    Progress,
    DueOn,
    Visibility,
    Version,
    CreatedAt,
    UpdatedAt,
    Partner(Box<Reference<PartnerField>>),
    LatestReport(Box<Reference<ReportField>>),
}

#[derive(Debug)]
pub enum ReportField {
    Typename,
    Id,
    Progress,
    Status,
    Narrative,
    ReviewState,
    ReviewReason,
    ReviewedAt,
    CommitmentVersion,
    CreatedAt,
}
