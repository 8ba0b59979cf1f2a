//! Limits on what one document may ask, checked before async-graphql parses or
//! validates it, the same way over HTTP and over WebSocket:
//!
//! 1. the text: at most [`MAX_TOKENS`] tokens and [`MAX_NESTING`] levels of
//!    brackets, braces and parentheses (`lexer`), before the recursive parser
//!    sees it; JSON bodies and messages are bounded likewise (`json`);
//! 2. the parsed document: aliases, the depth of data fields, and its cost
//!    counted as it would run (`cost`), with the fragments it spreads expanded,
//!    and the introspection rule (`introspection`);
//! 3. a subscription selects one root field, and each delivery is costed too.
//!
//! Not a schema extension: any extension makes async-graphql wrap every
//! field's resolution, a cost paid thousands of times per list.
mod cost;
mod introspection;
pub mod json;
mod lexer;
mod shape;
pub mod shapes;

use async_graphql::{
    parser::types::{ExecutableDocument, OperationDefinition, OperationType, Selection},
    ErrorExtensionValues, Name, Positioned, ServerError, Value, Variables,
};

pub use cost::Cost;
pub use shape::SchemaShape;

/// Tokens in one document (GraphQL Armor's default; the standard introspection
/// query has 184).
pub const MAX_TOKENS: usize = 1_000;
/// Nesting of `(`, `[` and `{` in one document (the introspection query: 10).
pub const MAX_NESTING: usize = 24;
/// Nesting of arrays and objects in a JSON body or message, its own object included.
pub const MAX_JSON_NESTING: usize = 20;
/// Values in a JSON body or message (variables included).
pub const MAX_JSON_VALUES: usize = 10_000;
/// Depth of data fields (introspection is bounded by its own rule).
pub const MAX_DEPTH: u64 = 12;
pub const MAX_ALIASES: usize = 30;
/// Field occurrences validation may visit, every fragment spread expanded.
pub const MAX_EXPANDED_FIELDS: u64 = 10_000;

/// Keys one loader batch may take: as many objects as a request may resolve, so
/// that a level is always one statement, as the statement budget counts it.
pub const MAX_BATCH_KEYS: usize = Budget::REQUEST.work as usize;

/// What one execution may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub work: u64,
    pub statements: u64,
}

impl Budget {
    /// A query or mutation over HTTP or WebSocket.
    pub const REQUEST: Budget = Budget {
        work: 20_000,
        statements: 100,
    };
    /// One delivery of a subscription: run again for every event, for every
    /// subscriber, so it must stay small.
    pub const DELIVERY: Budget = Budget {
        work: 1_000,
        statements: 10,
    };
}

/// Why a document was refused; each is a BAD_USER_INPUT with a short message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooManyTokens,
    TooDeepText,
    Syntax(String),
    TooManyAliases(usize),
    TooDeep(u64),
    TooCostly { work: u64, limit: u64 },
    TooManyStatements { statements: u64, limit: u64 },
    TooManyExpandedFields,
    FragmentCycle(String),
    IntrospectionReentry,
    IntrospectionRepeats(String),
    NotOneRootField,
    JsonTooDeep,
    JsonTooManyValues,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Self::TooManyTokens => format!("the document has more than {MAX_TOKENS} tokens"),
            Self::TooDeepText => format!(
                "the document nests brackets, braces or parentheses more than {MAX_NESTING} deep"
            ),
            Self::Syntax(message) => message.clone(),
            Self::TooManyAliases(n) => {
                format!("the query uses {n} aliases; at most {MAX_ALIASES} are allowed")
            }
            Self::TooDeep(depth) => {
                format!("the query nests fields {depth} deep; at most {MAX_DEPTH} are allowed")
            }
            Self::TooCostly { work, limit } => format!(
                "the query costs {work}; at most {limit} is allowed (each field counts once \
                 per object it is resolved on; a page counts `first` objects)"
            ),
            Self::TooManyStatements { statements, limit } => format!(
                "the query could run {statements} SQL statements; at most {limit} are allowed"
            ),
            Self::TooManyExpandedFields => {
                format!("the document's fragments expand to more than {MAX_EXPANDED_FIELDS} fields")
            }
            Self::FragmentCycle(name) => {
                format!("fragment {} spreads itself", truncate(name, 40))
            }
            Self::IntrospectionReentry => "introspection lists a type's fields, input fields, \
                 enum values, interfaces or possible types only where the type is reached from \
                 __schema or __type(name:), not through type, ofType, interfaces or possibleTypes"
                .into(),
            Self::IntrospectionRepeats(key) => format!(
                "introspection selects {} twice in one selection set",
                truncate(key, 40)
            ),
            Self::NotOneRootField => {
                "a subscription selects exactly one root field, without fragments".into()
            }
            Self::JsonTooDeep => {
                format!("the JSON nests arrays and objects more than {MAX_JSON_NESTING} deep")
            }
            Self::JsonTooManyValues => {
                format!("the JSON holds more than {MAX_JSON_VALUES} values")
            }
        }
    }

    /// The name of the limit, for metrics.
    pub fn limit(&self) -> &'static str {
        match self {
            Self::TooManyTokens => "tokens",
            Self::TooDeepText => "nesting",
            Self::Syntax(_) => "syntax",
            Self::TooManyAliases(_) => "aliases",
            Self::TooDeep(_) => "depth",
            Self::TooCostly { .. } => "cost",
            Self::TooManyStatements { .. } => "statements",
            Self::TooManyExpandedFields | Self::FragmentCycle(_) => "fragments",
            Self::IntrospectionReentry | Self::IntrospectionRepeats(_) => "introspection",
            Self::NotOneRootField => "subscription_root",
            Self::JsonTooDeep | Self::JsonTooManyValues => "json",
        }
    }

    pub fn into_server_error(self) -> ServerError {
        bad_input(self.message())
    }
}

/// A document that passed every limit, parsed.
#[derive(Debug)]
pub struct Admitted {
    pub document: ExecutableDocument,
    /// "query", "mutation" or "subscription"; None when the operation to run
    /// cannot be told (async-graphql then reports why).
    pub kind: Option<&'static str>,
    pub cost: Cost,
}

/// Checks a document and its variables against the limits and parses it. The
/// operation that runs is held to [`Budget::REQUEST`], or to
/// [`Budget::DELIVERY`] if it is a subscription.
pub fn admit(
    shape: &SchemaShape,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<Admitted, Refusal> {
    let document = parse_bounded(query)?;
    let (kind, cost) = cost_of(shape, &document, operation_name, variables)?;
    Ok(Admitted {
        document,
        kind,
        cost,
    })
}

/// The limits on a document's text (tokens, nesting, aliases), and its parse.
pub fn parse_bounded(query: &str) -> Result<ExecutableDocument, Refusal> {
    lexer::scan(query, MAX_TOKENS, MAX_NESTING).map_err(|refusal| match refusal {
        lexer::TextRefusal::TooManyTokens => Refusal::TooManyTokens,
        lexer::TextRefusal::TooDeep => Refusal::TooDeepText,
    })?;
    let document = async_graphql::parser::parse_query(query).map_err(syntax_refusal)?;
    let aliases = count_aliases(&document);
    if aliases > MAX_ALIASES {
        return Err(Refusal::TooManyAliases(aliases));
    }
    Ok(document)
}

/// The limits on what a parsed document expands to and on what the operation
/// that runs costs with `variables`: its kind and cost if admitted. A document
/// parsed once (and kept, as the compiled path keeps its plans') is costed
/// again for each request's variables.
pub fn cost_of(
    shape: &SchemaShape,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(Option<&'static str>, Cost), Refusal> {
    let selected = find_operation(document, operation_name);
    let mut costing = cost::Costing::new(shape, document, variables);
    // Validation visits every operation and every fragment definition with its
    // spreads expanded: all of them are bounded, not just the one that runs.
    let mut expanded = 0u64;
    let mut selected_cost = Cost::default();
    for (name, operation) in document.operations.iter() {
        let cost = costing.operation(&operation.node)?;
        expanded = expanded.saturating_add(cost.occurrences);
        if selected.is_some_and(|(selected, _)| selected == name) {
            selected_cost = cost;
        }
    }
    for name in document.fragments.keys() {
        expanded = expanded.saturating_add(costing.fragment(name.as_str())?.occurrences);
    }
    if expanded > MAX_EXPANDED_FIELDS {
        return Err(Refusal::TooManyExpandedFields);
    }
    let kind = selected.map(|(_, operation)| operation_type_name(operation.node.ty));
    if let Some((_, operation)) = selected {
        let subscription = operation.node.ty == OperationType::Subscription;
        if subscription && !single_root_field(&operation.node) {
            return Err(Refusal::NotOneRootField);
        }
        let budget = if subscription {
            Budget::DELIVERY
        } else {
            Budget::REQUEST
        };
        check_cost(&selected_cost, budget)?;
    }
    Ok((kind, selected_cost))
}

/// Bounds a JSON body or message before serde reads it.
pub fn check_json(bytes: &[u8]) -> Result<(), Refusal> {
    json::scan(bytes, MAX_JSON_NESTING, MAX_JSON_VALUES).map_err(|refusal| match refusal {
        json::JsonRefusal::TooDeep => Refusal::JsonTooDeep,
        json::JsonRefusal::TooManyValues => Refusal::JsonTooManyValues,
    })
}

fn check_cost(cost: &Cost, budget: Budget) -> Result<(), Refusal> {
    if cost.depth > MAX_DEPTH {
        return Err(Refusal::TooDeep(cost.depth));
    }
    if cost.work > budget.work {
        return Err(Refusal::TooCostly {
            work: cost.work,
            limit: budget.work,
        });
    }
    if cost.statements() > budget.statements {
        return Err(Refusal::TooManyStatements {
            statements: cost.statements(),
            limit: budget.statements,
        });
    }
    Ok(())
}

/// A parser error in a few words and a position: the parser's own message
/// quotes the offending line, which may be the whole document.
fn syntax_refusal(error: async_graphql::parser::Error) -> Refusal {
    use async_graphql::parser::Error;
    let at = error
        .positions()
        .next()
        .map(|pos| format!(" at line {}, column {}", pos.line, pos.column))
        .unwrap_or_default();
    let what = match &error {
        Error::Syntax { message, .. } => {
            // pest ends its message with "= expected …"; keep only that.
            let expected = message
                .lines()
                .rev()
                .find_map(|line| line.trim().strip_prefix("= "))
                .unwrap_or("syntax error");
            format!("syntax error{at}: {}", truncate(expected, 80))
        }
        Error::RecursionLimitExceeded => format!("the document nests too deep{at}"),
        other => format!("{}{at}", truncate(&other.to_string(), 80)),
    };
    Refusal::Syntax(what)
}

/// `text` cut to at most `max` characters, marked when cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A client error with the BAD_USER_INPUT code.
pub fn bad_input(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", Value::from(crate::error::codes::BAD_USER_INPUT));
    error.extensions = Some(extensions);
    error
}

/// A subscription selects exactly one root field (the GraphQL spec's "single
/// root field" rule): each follows one source of events.
fn single_root_field(operation: &OperationDefinition) -> bool {
    let items = &operation.selection_set.node.items;
    matches!(items.as_slice(), [item] if matches!(item.node, Selection::Field(_)))
}

fn operation_type_name(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

/// The operation that will run: the named one, or the only one.
fn find_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(Option<&'a Name>, &'a Positioned<OperationDefinition>)> {
    let mut operations = document.operations.iter();
    match name {
        Some(name) => operations.find(|(op_name, _)| op_name.map(|n| n.as_str()) == Some(name)),
        None => {
            let only = operations.next()?;
            operations.next().is_none().then_some(only)
        }
    }
}

fn count_aliases(document: &ExecutableDocument) -> usize {
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| aliases_in(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|fragment| aliases_in(&fragment.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

fn aliases_in(selection_set: &async_graphql::parser::types::SelectionSet) -> usize {
    selection_set
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases_in(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases_in(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests;
