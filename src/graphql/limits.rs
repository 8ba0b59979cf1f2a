//! Limits on what one query may ask, beyond async-graphql's own depth and
//! complexity limits: a cap on aliases (which otherwise let one small query ask
//! for the same expensive field thousands of times), and one root field per
//! subscription (which async-graphql does not check). Checked on the parsed
//! document, which it also reads the operation type from for
//! metrics. (Not a schema extension: any extension makes async-graphql wrap every
//! field's resolution, a cost paid thousands of times per list.)
use async_graphql::{
    parser::{
        types::{ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet},
        Positioned,
    },
    ErrorExtensionValues, Name, ServerError, Value,
};

pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 20_000;
pub const MAX_ALIASES: usize = 30;

/// Refuses a document with too many aliases.
pub fn check_aliases(document: &ExecutableDocument) -> Result<(), ServerError> {
    let aliases = count_aliases(document);
    if aliases > MAX_ALIASES {
        return Err(bad_input(format!(
            "the query uses {aliases} aliases; at most {MAX_ALIASES} are allowed"
        )));
    }
    Ok(())
}

/// Refuses a subscription that selects anything but exactly one root field (the
/// GraphQL spec's "single root field" rule): each follows one source of events.
pub fn check_single_root_field(
    document: &ExecutableDocument,
    name: Option<&str>,
) -> Result<(), ServerError> {
    let Some((_, operation)) = find_operation(document, name) else {
        return Ok(()); // async-graphql reports the missing operation
    };
    let items = &operation.node.selection_set.node.items;
    let single_field =
        matches!(items.as_slice(), [item] if matches!(item.node, Selection::Field(_)));
    if operation.node.ty == OperationType::Subscription && !single_field {
        return Err(bad_input(
            "a subscription selects exactly one root field, without fragments".into(),
        ));
    }
    Ok(())
}

fn bad_input(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", Value::from(crate::error::codes::BAD_USER_INPUT));
    error.extensions = Some(extensions);
    error
}

/// "query", "mutation" or "subscription": what the named (or only) operation is.
pub fn operation_kind(document: &ExecutableDocument, name: Option<&str>) -> Option<&'static str> {
    let (_, operation) = find_operation(document, name)?;
    Some(match operation.node.ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    })
}

fn find_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(Option<&'a Name>, &'a Positioned<OperationDefinition>)> {
    document
        .operations
        .iter()
        .find(|(op_name, _)| name.is_none() || op_name.map(|n| n.as_str()) == name)
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

fn aliases_in(selection_set: &SelectionSet) -> usize {
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
mod tests {
    use super::*;

    #[test]
    fn a_subscription_selects_exactly_one_root_field() {
        let check = |query: &str| {
            let document = async_graphql::parser::parse_query(query).unwrap();
            check_single_root_field(&document, None).is_ok()
        };
        assert!(check("subscription { myNotifications { reason } }"));
        assert!(!check(
            "subscription { a: myNotifications { reason } b: myNotifications { reason } }"
        ));
        assert!(!check(
            "subscription { ... on Subscription { myNotifications { reason } } }"
        ));
        assert!(!check(
            "subscription { ...F } fragment F on Subscription { myNotifications { reason } }"
        ));
        assert!(check("query { a: me { id } b: me { id } }"));
    }

    #[test]
    fn counts_aliases_in_operations_inline_fragments_and_fragments() {
        let document = async_graphql::parser::parse_query(
            "query { a: me { id } b: me { ... on User { c: id } } ...F } fragment F on Query { d: me { id } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&document), 4);
        assert_eq!(operation_kind(&document, None), Some("query"));
    }
}
