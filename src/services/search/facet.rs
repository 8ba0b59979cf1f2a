//! What a search can be narrowed to inside the index (PostgreSQL): each
//! attribute a filter names, as a lexeme of the resource's documents beside
//! their words. A lexeme with a space can come from no text, so a word never
//! matches a facet. The index only narrows: the filters are still checked on
//! the resources themselves.
use entity::resources;

use crate::{domain::ResourceState, services::resources::unlist};

pub fn kind(kind: &str) -> String {
    format!("kind {kind}")
}

pub fn country(code: &str) -> String {
    format!("country {code}")
}

pub fn sdg_target(target: &str) -> String {
    format!("sdg {target}")
}

pub fn tag(tag: &str) -> String {
    format!("tag {tag}")
}

pub fn coalition(id: i64) -> String {
    format!("coalition {id}")
}

pub fn thematic_area(id: i64) -> String {
    format!("area {id}")
}

/// The facets of a stored resource linked to `thematic_area_ids`.
pub fn of(resource: &resources::Model, thematic_area_ids: &[i64]) -> Vec<String> {
    let mut facets = vec![partner(resource.partner_id), kind(&resource.kind)];
    // Most documents are published: only the others carry their state,
    // so that "not unpublished" is a short list to read, not a long one.
    if resource.state != ResourceState::Published.as_str() {
        facets.push(state(&resource.state));
        facets.push(UNPUBLISHED.to_owned());
    }
    facets.extend(unlist(&resource.countries).iter().map(|c| country(c)));
    facets.extend(unlist(&resource.sdg_targets).iter().map(|t| sdg_target(t)));
    facets.extend(unlist(&resource.tags).iter().map(|t| tag(t)));
    facets.extend(resource.coalition_id.map(coalition));
    facets.extend(thematic_area_ids.iter().copied().map(thematic_area));
    facets
}

/// The state of a resource that is not published (published ones have
/// none).
pub fn state(state: &str) -> String {
    format!("state {state}")
}

/// What every resource that is not published carries.
pub const UNPUBLISHED: &str = "not published";

/// What no resource carries: a search narrowed to it finds nothing.
pub const NOTHING: &str = "no resource";

/// The partner whose people may see the resource in any state.
pub fn partner(id: i64) -> String {
    format!("partner {id}")
}

/// A facet as a `tsquery` operand: quoted, with quotes and backslashes
/// doubled as the `tsquery` syntax wants.
pub fn quoted(facet: &str) -> String {
    format!("'{}'", facet.replace('\\', "\\\\").replace('\'', "''"))
}

/// Any of `facets`, as a `tsquery`.
pub fn any_of(facets: &[String]) -> String {
    let quoted: Vec<String> = facets.iter().map(|f| quoted(f)).collect();
    format!("({})", quoted.join(" | "))
}
