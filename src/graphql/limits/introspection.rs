//! The rule that bounds introspection, which the depth limit does not count.
//!
//! Listing a type's members (`fields`, `inputFields`, `enumValues`,
//! `interfaces`, `possibleTypes`) enumerates the schema once when the type is
//! reached from `__schema.types`, a root type or `__type(name:)`. Reached again
//! through a reference (a field's or argument's `type`, `ofType`, an interface
//! or possible type), it would enumerate the schema again at every level: ten
//! levels of `type { fields { type { fields … } } }` are 40^10 objects. So
//! members are listed only where a type is reached directly; through a
//! reference, only its `kind`, `name` and the like, and `ofType`, may be asked.
//! That is all the standard introspection query (graphql-js'
//! `getIntrospectionQuery`) and the tools built on it ask.
use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};

use super::Refusal;

/// Work charged for each `__schema` or `__type` field: about what listing the
/// whole schema once resolves.
pub const COST: u64 = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Meta {
    Schema,
    /// A type reached directly: its members may be listed.
    Type,
    /// A type reached through a reference: only what names it.
    TypeRef,
    Field,
    InputValue,
    EnumValue,
    Directive,
    /// A leaf, or something validation will refuse.
    Other,
}

/// What a selection set of introspection holds: the field occurrences it
/// expands to, and the response keys at its own level (fragments flattened).
#[derive(Clone, Default)]
struct Found<'a> {
    occurrences: u64,
    keys: Vec<&'a str>,
}

/// Checks the introspection fields of one document; fragments are checked once
/// for each kind of place they are spread in. A response key may appear once
/// per selection set: listing the same members twice would list the schema
/// twice, and no introspection tool asks for that.
pub struct Checker<'a> {
    document: &'a ExecutableDocument,
    fragments: HashMap<(&'a str, Meta), Found<'a>>,
    expanding: HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    pub fn new(document: &'a ExecutableDocument) -> Self {
        Self {
            document,
            fragments: HashMap::new(),
            expanding: HashSet::new(),
        }
    }

    /// Checks a root `__schema` or `__type` field; gives the field occurrences
    /// it expands to.
    pub fn root_field(&mut self, field: &'a Field) -> Result<u64, Refusal> {
        let meta = match field.name.node.as_str() {
            "__schema" => Meta::Schema,
            "__type" => Meta::Type,
            _ => Meta::Other,
        };
        let found = self.selection_set(&field.selection_set.node, meta)?;
        Ok(found.occurrences.saturating_add(1))
    }

    fn selection_set(&mut self, set: &'a SelectionSet, meta: Meta) -> Result<Found<'a>, Refusal> {
        let mut found = Found::default();
        for item in &set.items {
            let (occurrences, keys) = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let next = step(meta, name)?;
                    let below = self.selection_set(&field.node.selection_set.node, next)?;
                    let key = field.node.response_key().node.as_str();
                    (below.occurrences.saturating_add(1), vec![key])
                }
                Selection::InlineFragment(fragment) => {
                    let inner = self.selection_set(&fragment.node.selection_set.node, meta)?;
                    (inner.occurrences, inner.keys)
                }
                Selection::FragmentSpread(spread) => {
                    let inner = self.spread(spread.node.fragment_name.node.as_str(), meta)?;
                    (inner.occurrences, inner.keys)
                }
            };
            found.occurrences = found.occurrences.saturating_add(occurrences);
            for key in keys {
                if found.keys.contains(&key) {
                    return Err(Refusal::IntrospectionRepeats(key.to_owned()));
                }
                found.keys.push(key);
            }
        }
        Ok(found)
    }

    fn spread(&mut self, name: &'a str, meta: Meta) -> Result<Found<'a>, Refusal> {
        if let Some(found) = self.fragments.get(&(name, meta)) {
            return Ok(found.clone());
        }
        let Some((name, fragment)) = self.document.fragments.get_key_value(name) else {
            return Ok(Found::default());
        };
        let name = name.as_str();
        if !self.expanding.insert(name) {
            return Err(Refusal::FragmentCycle(name.to_owned()));
        }
        let found = self.selection_set(&fragment.node.selection_set.node, meta);
        self.expanding.remove(name);
        let found = found?;
        self.fragments.insert((name, meta), found.clone());
        Ok(found)
    }
}

/// Where selecting `field` on `meta` leads.
fn step(meta: Meta, field: &str) -> Result<Meta, Refusal> {
    Ok(match (meta, field) {
        (Meta::Schema, "types" | "queryType" | "mutationType" | "subscriptionType") => Meta::Type,
        (Meta::Schema, "directives") => Meta::Directive,
        (Meta::Type, "fields") => Meta::Field,
        (Meta::Type, "inputFields") => Meta::InputValue,
        (Meta::Type, "enumValues") => Meta::EnumValue,
        (Meta::Type | Meta::TypeRef, "interfaces" | "possibleTypes" | "ofType") => {
            if meta == Meta::TypeRef && field != "ofType" {
                return Err(Refusal::IntrospectionReentry);
            }
            Meta::TypeRef
        }
        (Meta::TypeRef, "fields" | "inputFields" | "enumValues") => {
            return Err(Refusal::IntrospectionReentry)
        }
        (Meta::Field, "args") | (Meta::Directive, "args") => Meta::InputValue,
        (Meta::Field | Meta::InputValue, "type") => Meta::TypeRef,
        _ => Meta::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> Result<u64, Refusal> {
        let document = async_graphql::parser::parse_query(query).unwrap();
        let mut checker = Checker::new(&document);
        let operation = document.operations.iter().next().unwrap().1;
        let mut total = 0;
        for item in &operation.node.selection_set.node.items {
            if let Selection::Field(field) = &item.node {
                total += checker.root_field(&field.node)?;
            }
        }
        Ok(total)
    }

    #[test]
    fn the_standard_query_passes() {
        let query = include_str!("../../../tests/http_audit/introspection-query.graphql");
        let occurrences = check(query).expect("the standard introspection query is allowed");
        assert!(occurrences > 100 && occurrences < 1_000, "{occurrences}");
    }

    #[test]
    fn members_of_a_referenced_type_are_refused() {
        for query in [
            "{ __type(name: \"Query\") { fields { type { fields { name } } } } }",
            "{ __type(name: \"Query\") { fields { type { ofType { fields { name } } } } } }",
            "{ __schema { types { interfaces { fields { name } } } } }",
            "{ __schema { types { possibleTypes { possibleTypes { name } } } } }",
            "{ __schema { types { fields { args { type { inputFields { name } } } } } } }",
            "{ __type(name: \"Query\") { fields { type { ...T } } } } fragment T on __Type { enumValues { name } }",
        ] {
            assert_eq!(check(query), Err(Refusal::IntrospectionReentry), "{query}");
        }
    }

    #[test]
    fn a_repeated_key_is_refused_however_it_is_spelled() {
        for query in [
            "{ __schema { types { fields { name } fields { name } } } }",
            "{ __schema { types { ...F ...F } } } fragment F on __Type { fields { name } }",
            "{ __schema { types { name ... on __Type { name } } } }",
        ] {
            assert!(
                matches!(check(query), Err(Refusal::IntrospectionRepeats(_))),
                "{query}"
            );
        }
        let chain = format!(
            "{{ __schema {{ types {{ ...F0 }} }} }}{}",
            crate::graphql::limits::shapes::fragment_chain("__Type", 64, 2, "name")
        );
        assert!(matches!(
            check(&chain),
            Err(Refusal::IntrospectionRepeats(_))
        ));
        assert!(check("{ __schema { types { a: fields { name } b: fields { name } } } }").is_ok());
    }

    #[test]
    fn a_fragment_is_judged_where_it_is_spread() {
        let fine = "{ __type(name: \"Query\") { ...T } } fragment T on __Type { fields { name } }";
        assert!(check(fine).is_ok());
        let cycle = "{ __schema { ...A } } fragment A on __Schema { ...A }";
        assert_eq!(check(cycle), Err(Refusal::FragmentCycle("A".into())));
    }
}
