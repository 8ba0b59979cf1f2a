//! What the cost of a selection depends on, read once from the schema's SDL:
//! for each field of each output type, what it returns, whether it is a list
//! (and whether `first` sizes it), and how many SQL statements resolving it
//! can run.
use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

/// Objects an unpaged list (`workPlans`, `items`, `memberships`, …) is taken to
/// hold when costing the statements of per-object fields selected under it: as
/// many as a work plan may hold items.
pub const UNPAGED_LIST_ESTIMATE: u64 = 500;

/// Statements a root mutation field's transaction is charged (reads, writes,
/// event rows, commit), before its payload's own fields.
pub const MUTATION_STATEMENTS: u64 = 20;

/// Fields that run their own statements once for every object they are asked
/// on, instead of one batched statement per level through a loader. Their
/// statements are charged per object; every other field that reaches the
/// database is charged once per occurrence.
const PER_OBJECT_FIELDS: &[(&str, &str, u64)] = &[
    ("ActionGroup", "events", 1),
    ("EventConnection", "totalCount", 1),
    ("User", "notifications", 1),
    ("NotificationConnection", "totalCount", 1),
    ("User", "unreadNotificationCount", 1),
    // A node is loaded, then checked against what it belongs to.
    ("Query", "node", 2),
];

/// Fields that load through loaders but more than once per level: a node of
/// any kind (one batch per kind, some chained), an item and then its plan, a
/// user's partners to decide what of them is shown.
const MULTI_BATCH_FIELDS: &[(&str, &str, u64)] = &[
    ("Event", "subject", 8),
    ("Commitment", "workPlanItem", 2),
    ("User", "email", 1),
    ("User", "platformRole", 1),
    // Translated text loads the translations (when asked in another language).
    ("Coalition", "name", 1),
    ("Coalition", "description", 1),
    ("ThematicArea", "name", 1),
    ("ThematicArea", "description", 1),
];

/// Objects that come with their parent's row: no statement of their own.
const EMBEDDED_FIELDS: &[(&str, &str)] = &[
    ("PartnershipApplication", "organisation"),
    ("PartnershipApplication", "contact"),
    ("PartnershipApplication", "focalPointNominee"),
];

/// How a field's results multiply what is selected under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplicity {
    One,
    /// A connection field: one connection object, whose items are a page of
    /// `first` (default and bounds in `pagination`).
    Paged,
    /// A connection's `nodes` or `edges`: the page its field asked for.
    PageItems,
    /// A list without `first`.
    Unpaged,
}

/// The statements one occurrence of a field can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statements {
    None,
    /// This many, whatever the number of objects it is asked on (loaders batch).
    Batched(u64),
    /// This many for every object it is asked on.
    PerObject(u64),
}

#[derive(Debug, Clone)]
pub struct FieldShape {
    pub returns: String,
    pub multiplicity: Multiplicity,
    pub statements: Statements,
}

#[derive(Debug, Default)]
pub struct SchemaShape {
    /// Output type name → field name → shape.
    types: HashMap<String, HashMap<String, FieldShape>>,
    pub query: String,
    pub mutation: String,
    pub subscription: String,
}

impl SchemaShape {
    /// Reads the shape from the schema's SDL (what `schema.sdl()` prints).
    pub fn from_sdl(sdl: &str) -> Self {
        let mut shape = SchemaShape {
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
            ..Default::default()
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return shape;
        };
        // Scalars and enums; the built-in scalars are not in the SDL.
        let mut leaves: std::collections::HashSet<String> =
            ["String", "Int", "Float", "Boolean", "ID"]
                .map(String::from)
                .into();
        leaves.extend(
            document
                .definitions
                .iter()
                .filter_map(|definition| match definition {
                    TypeSystemDefinition::Type(ty)
                        if matches!(ty.node.kind, TypeKind::Scalar | TypeKind::Enum(_)) =>
                    {
                        Some(ty.node.name.node.to_string())
                    }
                    _ => None,
                }),
        );
        for definition in &document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let roots = &schema.node;
                    for (root, slot) in [
                        (&roots.query, &mut shape.query),
                        (&roots.mutation, &mut shape.mutation),
                        (&roots.subscription, &mut shape.subscription),
                    ] {
                        if let Some(name) = root {
                            *slot = name.node.to_string();
                        }
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let fields = match &ty.node.kind {
                        TypeKind::Object(object) => &object.fields,
                        TypeKind::Interface(interface) => &interface.fields,
                        _ => continue,
                    };
                    let type_name = ty.node.name.node.as_str();
                    for field in fields {
                        let field = &field.node;
                        let returns = named_type(&field.ty.node).to_owned();
                        let name = field.name.node.as_str();
                        let paged = field.arguments.iter().any(|a| a.node.name.node == "first");
                        // A connection's items are the page its field asked for.
                        let page_items =
                            type_name.ends_with("Connection") && matches!(name, "nodes" | "edges");
                        let multiplicity = match (paged, page_items, is_list(&field.ty.node)) {
                            (true, _, _) => Multiplicity::Paged,
                            (false, true, _) => Multiplicity::PageItems,
                            (false, false, true) => Multiplicity::Unpaged,
                            (false, false, false) => Multiplicity::One,
                        };
                        let leaf = leaves.contains(&returns);
                        let shaped = FieldShape {
                            statements: statements_of(type_name, name, leaf),
                            returns,
                            multiplicity,
                        };
                        shape
                            .types
                            .entry(type_name.to_owned())
                            .or_default()
                            .insert(field.name.node.to_string(), shaped);
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        // Mutations are charged their transaction on top of what their fields say.
        if let Some(mutations) = shape.types.get_mut(&shape.mutation) {
            for field in mutations.values_mut() {
                field.statements = Statements::PerObject(MUTATION_STATEMENTS);
            }
        }
        shape
    }

    pub fn field(&self, owner: &str, name: &str) -> Option<&FieldShape> {
        self.types.get(owner)?.get(name)
    }
}

/// What a field of `owner` costs in statements, when nothing overrides it: a
/// connection's `totalCount` is a count; the items, edges and page info of a
/// connection, and an edge's node, come with the page; any other object is
/// loaded; scalars come with their object.
fn statements_of(owner: &str, field: &str, leaf: bool) -> Statements {
    if let Some((_, _, count)) = PER_OBJECT_FIELDS
        .iter()
        .find(|(o, f, _)| *o == owner && *f == field)
    {
        return Statements::PerObject(*count);
    }
    if let Some((_, _, count)) = MULTI_BATCH_FIELDS
        .iter()
        .find(|(o, f, _)| *o == owner && *f == field)
    {
        return Statements::Batched(*count);
    }
    if EMBEDDED_FIELDS.contains(&(owner, field)) {
        return Statements::None;
    }
    let connection = owner.ends_with("Connection");
    let edge = owner.ends_with("Edge");
    match (leaf, field) {
        (true, "totalCount") if connection => Statements::Batched(1),
        (true, _) => Statements::None,
        (false, "nodes" | "edges" | "pageInfo") if connection => Statements::None,
        (false, "node") if edge => Statements::None,
        (false, _) => Statements::Batched(1),
    }
}

fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}

fn is_list(ty: &Type) -> bool {
    matches!(ty.base, BaseType::List(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lists_pages_and_statements_from_the_sdl() {
        let shape = SchemaShape::from_sdl(&crate::graphql::sdl());
        let field = |owner, name| shape.field(owner, name).cloned().unwrap();
        let commitments = field("Query", "commitments");
        assert_eq!(commitments.multiplicity, Multiplicity::Paged);
        assert_eq!(commitments.statements, Statements::Batched(1));
        assert_eq!(commitments.returns, "CommitmentConnection");
        assert_eq!(
            field("CommitmentConnection", "nodes").statements,
            Statements::None
        );
        assert_eq!(
            field("CommitmentConnection", "totalCount").statements,
            Statements::Batched(1)
        );
        assert_eq!(field("Commitment", "title").statements, Statements::None);
        assert_eq!(
            field("Commitment", "partner").statements,
            Statements::Batched(1)
        );
        assert_eq!(
            field("ActionGroup", "workPlans").multiplicity,
            Multiplicity::Unpaged
        );
        assert_eq!(
            field("CommitmentConnection", "nodes").multiplicity,
            Multiplicity::PageItems
        );
        assert_eq!(
            field("ActionGroup", "events").statements,
            Statements::PerObject(1)
        );
        assert_eq!(
            field("Mutation", "createPartner").statements,
            Statements::PerObject(MUTATION_STATEMENTS)
        );
        assert_eq!(field("Node", "id").statements, Statements::None);
    }

    #[test]
    fn every_per_object_field_exists() {
        let shape = SchemaShape::from_sdl(&crate::graphql::sdl());
        for (owner, name, _) in PER_OBJECT_FIELDS.iter().chain(MULTI_BATCH_FIELDS) {
            assert!(shape.field(owner, name).is_some(), "{owner}.{name}");
        }
    }
}
