//! What a parsed document costs, counted as it would run, before async-graphql
//! validates it (its validation expands every fragment spread inline, so a
//! document of nested spreads is exponential work before any limit applies).
//!
//! Every occurrence of a field is charged, including repeated ones with the same
//! response name (async-graphql executes each), and a fragment is charged at
//! every spread for what it expands to. Each fragment's summary is computed once
//! and reused, so the count itself stays linear in the document.
//!
//! - **work**: every field resolved counts 1 on each object it is resolved on;
//!   a connection's `nodes` and `edges` are the `first` objects its field
//!   asked for; an unpaged list (a partner's memberships, a plan's items) counts
//!   as one, as async-graphql counted it.
//! - **statements**: the SQL statements resolving it can run: a field that loads
//!   counts once per occurrence (loaders batch a level into one statement), a
//!   field in `shape`'s per-object list counts once per object, an unpaged list
//!   taken to hold [`UNPAGED_LIST_ESTIMATE`].
//! - **depth**: the nesting of data fields; introspection is not counted (the
//!   standard introspection query nests 15 deep), it is bounded by its own rule.
use std::collections::{HashMap, HashSet};

use async_graphql::{
    parser::types::{
        ExecutableDocument, Field, FragmentDefinition, OperationDefinition, OperationType,
        Selection, SelectionSet,
    },
    Variables,
};
// The parser's values may hold variables; async-graphql re-exports only constants.
use async_graphql_value::{ConstValue, Name, Value};

use super::{
    introspection,
    shape::{Multiplicity, SchemaShape, Statements, UNPAGED_LIST_ESTIMATE},
    Refusal,
};
use crate::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// What one operation (or fragment) costs when resolved on one object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    pub work: u64,
    /// Statements run however many objects it is resolved on.
    pub fixed_statements: u64,
    /// Statements run once for each object it is resolved on.
    pub per_object_statements: u64,
    pub depth: u64,
    /// Field occurrences after expanding fragments: what validation visits.
    pub occurrences: u64,
}

impl Cost {
    /// The statements the selection runs on one object (an operation's root).
    pub fn statements(&self) -> u64 {
        self.fixed_statements
            .saturating_add(self.per_object_statements)
    }

    fn add(&mut self, other: Cost) {
        self.work = self.work.saturating_add(other.work);
        self.fixed_statements = self.fixed_statements.saturating_add(other.fixed_statements);
        self.per_object_statements = self
            .per_object_statements
            .saturating_add(other.per_object_statements);
        self.depth = self.depth.max(other.depth);
        self.occurrences = self.occurrences.saturating_add(other.occurrences);
    }
}

/// Costs the selections of one document, against one schema and request.
pub struct Costing<'a> {
    shape: &'a SchemaShape,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// The executing operation's variable defaults.
    defaults: HashMap<&'a str, &'a ConstValue>,
    /// Keyed by the page size of the connection they are spread in (which
    /// only matters for fragments on a connection type).
    fragments: HashMap<(&'a str, u64), Cost>,
    expanding: HashSet<&'a str>,
    introspection: introspection::Checker<'a>,
}

impl<'a> Costing<'a> {
    pub fn new(
        shape: &'a SchemaShape,
        document: &'a ExecutableDocument,
        variables: &'a Variables,
    ) -> Self {
        Self {
            shape,
            document,
            variables,
            defaults: HashMap::new(),
            fragments: HashMap::new(),
            expanding: HashSet::new(),
            introspection: introspection::Checker::new(document),
        }
    }

    /// The cost of an operation, resolved once on its root type.
    pub fn operation(&mut self, operation: &'a OperationDefinition) -> Result<Cost, Refusal> {
        let shape = self.shape;
        let root = match operation.ty {
            OperationType::Query => shape.query.as_str(),
            OperationType::Mutation => shape.mutation.as_str(),
            OperationType::Subscription => shape.subscription.as_str(),
        };
        // Defaults belong to the operation, and fragments may read them: a
        // fragment's cost is only reused within one operation.
        self.fragments.clear();
        self.defaults = operation
            .variable_definitions
            .iter()
            .filter_map(|definition| {
                let default = definition.node.default_value.as_ref()?;
                Some((definition.node.name.node.as_str(), &default.node))
            })
            .collect();
        self.selection_set(&operation.selection_set.node, root, 1)
    }

    /// The cost of a fragment definition on its own (what validation visits).
    pub fn fragment(&mut self, name: &'a str) -> Result<Cost, Refusal> {
        self.spread(name, DEFAULT_PAGE_SIZE)
    }

    /// `page`: when `owner` is a connection, the page size its field asked for.
    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        owner: &'a str,
        page: u64,
    ) -> Result<Cost, Refusal> {
        let mut cost = Cost::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => cost.add(self.field(&field.node, owner, page)?),
                Selection::InlineFragment(fragment) => {
                    let owner = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(owner, |condition| condition.node.on.node.as_str());
                    cost.add(self.selection_set(&fragment.node.selection_set.node, owner, page)?);
                }
                Selection::FragmentSpread(spread) => {
                    cost.add(self.spread(spread.node.fragment_name.node.as_str(), page)?);
                }
            }
        }
        Ok(cost)
    }

    fn spread(&mut self, name: &'a str, page: u64) -> Result<Cost, Refusal> {
        if let Some(cost) = self.fragments.get(&(name, page)) {
            return Ok(*cost);
        }
        let Some((name, fragment)) = self.document.fragments.get_key_value(name) else {
            return Ok(Cost::default()); // validation reports the unknown fragment
        };
        let name = name.as_str();
        if !self.expanding.insert(name) {
            return Err(Refusal::FragmentCycle(name.to_owned()));
        }
        let cost = self.fragment_body(&fragment.node, page);
        self.expanding.remove(name);
        let cost = cost?;
        self.fragments.insert((name, page), cost);
        Ok(cost)
    }

    fn fragment_body(
        &mut self,
        fragment: &'a FragmentDefinition,
        page: u64,
    ) -> Result<Cost, Refusal> {
        let owner = fragment.type_condition.node.on.node.as_str();
        self.selection_set(&fragment.selection_set.node, owner, page)
    }

    fn field(&mut self, field: &'a Field, owner: &'a str, page: u64) -> Result<Cost, Refusal> {
        let name = field.name.node.as_str();
        if name == "__typename" {
            return Ok(Cost {
                work: 1,
                occurrences: 1,
                ..Cost::default()
            });
        }
        if name.starts_with("__") {
            let occurrences = self.introspection.root_field(field)?;
            return Ok(Cost {
                work: introspection::COST,
                occurrences,
                ..Cost::default()
            });
        }
        let schema: &'a SchemaShape = self.shape;
        let shape = schema.field(owner, name);
        let returns = shape.map_or("", |s| s.returns.as_str());
        let multiplicity = shape.map_or(Multiplicity::One, |s| s.multiplicity);
        // A connection field is one connection object; the page it asks for is
        // what its `nodes` and `edges` hold.
        let child_page = match multiplicity {
            Multiplicity::Paged => self.page_size(field),
            _ => 1,
        };
        let children = if field.selection_set.node.items.is_empty() {
            Cost::default()
        } else {
            self.selection_set(&field.selection_set.node, returns, child_page)?
        };
        // How many objects the children are resolved on: for work, and for
        // the statements of per-object fields (counted more cautiously).
        let (objects, statement_objects) = match multiplicity {
            Multiplicity::PageItems => (page, page),
            Multiplicity::Unpaged => (1, UNPAGED_LIST_ESTIMATE),
            Multiplicity::Paged | Multiplicity::One => (1, 1),
        };
        let statements = match shape {
            Some(shape) => shape.statements,
            // An unknown field fails validation; until then, charge it as a load.
            None if children.occurrences > 0 => Statements::Batched(1),
            None => Statements::None,
        };
        let (own_fixed, own_per_object) = match statements {
            Statements::None => (0, 0),
            Statements::Batched(n) => (n, 0),
            Statements::PerObject(n) => (0, n),
        };
        Ok(Cost {
            work: 1u64.saturating_add(objects.saturating_mul(children.work)),
            fixed_statements: own_fixed.saturating_add(children.fixed_statements),
            per_object_statements: own_per_object
                .saturating_add(statement_objects.saturating_mul(children.per_object_statements)),
            depth: children.depth.saturating_add(1),
            occurrences: children.occurrences.saturating_add(1),
        })
    }

    /// The page a connection field asks for, as its resolver will read it.
    fn page_size(&self, field: &Field) -> u64 {
        let first = field
            .arguments
            .iter()
            .find(|(name, _)| name.node == "first")
            .map(|(_, value)| &value.node);
        let number = match first {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::Variable(variable)) => self.variable_number(variable),
            _ => None,
        };
        number.map_or(DEFAULT_PAGE_SIZE, |n| {
            n.clamp(1, MAX_PAGE_SIZE as i64) as u64
        })
    }

    fn variable_number(&self, variable: &Name) -> Option<i64> {
        let value = self
            .variables
            .get(variable)
            .or_else(|| self.defaults.get(variable.as_str()).copied());
        match value {
            Some(ConstValue::Number(n)) => n.as_i64(),
            _ => None,
        }
    }
}
