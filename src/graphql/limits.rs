//! Limits on what one query may ask, beyond async-graphql's own depth and
//! complexity limits: a cap on aliases (which otherwise let one small query ask
//! for the same expensive field thousands of times). Checked by the HTTP handler
//! on the parsed document, which it also reads the operation type from for
//! metrics. (Not a schema extension: any extension makes async-graphql wrap every
//! field's resolution, a cost paid thousands of times per list.)
use async_graphql::{
    parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet},
    ErrorExtensionValues, ServerError, Value,
};

pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 20_000;
pub const MAX_ALIASES: usize = 30;

/// Refuses a document with too many aliases.
pub fn check_aliases(document: &ExecutableDocument) -> Result<(), ServerError> {
    let aliases = count_aliases(document);
    if aliases > MAX_ALIASES {
        let mut error = ServerError::new(
            format!("the query uses {aliases} aliases; at most {MAX_ALIASES} are allowed"),
            None,
        );
        let mut extensions = ErrorExtensionValues::default();
        extensions.set("code", Value::from(crate::error::codes::BAD_USER_INPUT));
        error.extensions = Some(extensions);
        return Err(error);
    }
    Ok(())
}

/// "query", "mutation" or "subscription": what the named (or only) operation is.
pub fn operation_kind(document: &ExecutableDocument, name: Option<&str>) -> Option<&'static str> {
    let operation = document
        .operations
        .iter()
        .find(|(op_name, _)| name.is_none() || op_name.map(|n| n.as_str()) == name)?;
    Some(match operation.1.node.ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    })
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
    fn counts_aliases_in_operations_inline_fragments_and_fragments() {
        let document = async_graphql::parser::parse_query(
            "query { a: me { id } b: me { ... on User { c: id } } ...F } fragment F on Query { d: me { id } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&document), 4);
        assert_eq!(operation_kind(&document, None), Some("query"));
    }
}
