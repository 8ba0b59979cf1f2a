//! Full-text search of resources, one document per resource and language.
//!
//! - PostgreSQL: a `tsvector` per document, built with the language's
//!   text-search configuration (english, french, spanish) over `unaccent`ed
//!   text and weighted title A, summary B, body C; queries through
//!   `websearch_to_tsquery` (quotes and minus signs work), ranked by
//!   `ts_rank_cd`, highlighted by `ts_headline`.
//! - SQLite: an FTS5 table (Porter stemming over unicode61 without
//!   diacritics), ranked by `bm25` with the same weights, highlighted by
//!   `snippet`; the user's query is rewritten into FTS5 syntax with the same
//!   quotes, minus signs and OR.
//!
//! Either way an exact title match (case and accents aside) ranks first, and
//! the highlight is the stored text escaped, with `<mark>` around matches.
//!
//! On PostgreSQL each document also holds its resource's [`facet`]s, so that
//! a filtered search is narrowed by the index before anything is read or
//! ranked.
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};

use crate::{
    domain::{fold, Locale},
    error::AppResult,
    sql::SqlBuilder,
};

/// Markers the engines put around matches, replaced by `<mark>` after escaping.
const START: char = '\u{1}';
const STOP: char = '\u{2}';
/// Longest highlight, in characters, before escaping.
pub const MAX_HIGHLIGHT_CHARS: usize = 300;
/// The passage of a document `ts_headline` is given (PostgreSQL): this many
/// characters, from this many before the first match found.
const PASSAGE_CHARS: usize = 450;
const PASSAGE_LEAD: usize = 150;
/// Rank added to a resource whose title is the query (case and accents aside).
const EXACT_TITLE_BONUS: f64 = 100.0;

/// One language's text of a resource.
pub struct Document<'a> {
    pub locale: Locale,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub body: Option<&'a str>,
}

fn config(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "english",
        Locale::Fr => "french",
        Locale::Es => "spanish",
    }
}

fn locale_index(locale: Locale) -> i64 {
    match locale {
        Locale::En => 0,
        Locale::Fr => 1,
        Locale::Es => 2,
    }
}

/// What a search can be narrowed to inside the index (PostgreSQL): each
/// attribute a filter names, as a lexeme of the resource's documents beside
/// their words. A lexeme with a space can come from no text, so a word never
/// matches a facet. The index only narrows: the filters are still checked on
/// the resources themselves.
pub mod facet {
    use entity::resources;

    use crate::services::resources::unlist;

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
        if resource.state != PUBLISHED {
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

    const PUBLISHED: &str = "PUBLISHED";

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
}

/// Replaces the search documents of a resource, in its write's transaction:
/// one per language, each with the resource's `facets` (see [`facet::of`]).
pub async fn reindex(
    txn: &DatabaseTransaction,
    resource_id: i64,
    documents: &[Document<'_>],
    facets: &[String],
) -> AppResult<()> {
    let backend = txn.get_database_backend();
    let mut delete = SqlBuilder::new(backend);
    match backend {
        DbBackend::Postgres => {
            delete
                .push("DELETE FROM resource_search WHERE resource_id = ")
                .bind(resource_id);
        }
        // FTS5 finds rows fast only by rowid: each document's is derived from its
        // resource and language.
        _ => {
            let rowids: Vec<i64> = Locale::ALL
                .iter()
                .map(|l| resource_id * 4 + locale_index(*l))
                .collect();
            delete
                .push("DELETE FROM resource_search WHERE rowid IN ")
                .bind_list(&rowids);
        }
    }
    txn.execute_raw(delete.build()).await?;
    for document in documents {
        let mut insert = SqlBuilder::new(backend);
        let title_key = fold(document.title);
        match backend {
            DbBackend::Postgres => {
                let config = config(document.locale);
                insert
                    .push(
                        "INSERT INTO resource_search \
                         (resource_id, locale, title_key, title, summary, body, document) VALUES (",
                    )
                    .bind(resource_id)
                    .push(", ")
                    .bind(document.locale.as_str())
                    .push(", ")
                    .bind(title_key)
                    .push(", ")
                    .bind(document.title)
                    .push(", ")
                    .bind(document.summary.map(str::to_owned))
                    .push(", ")
                    .bind(document.body.map(str::to_owned))
                    .push(&format!(", setweight(to_tsvector('{config}', unaccent("))
                    .bind(document.title)
                    .push(&format!(
                        ")), 'A') || setweight(to_tsvector('{config}', unaccent(coalesce("
                    ))
                    .bind(document.summary.map(str::to_owned))
                    .push(&format!(
                        ", ''))), 'B') || setweight(to_tsvector('{config}', unaccent(coalesce("
                    ))
                    .bind(document.body.map(str::to_owned))
                    .push(", ''))), 'C') || array_to_tsvector(CAST(")
                    .bind(facets.to_vec())
                    .push(" AS TEXT[])))");
            }
            _ => {
                insert
                    .push(
                        "INSERT INTO resource_search \
                         (rowid, title, summary, body, resource_id, locale, title_key) VALUES (",
                    )
                    .bind(resource_id * 4 + locale_index(document.locale))
                    .push(", ")
                    .bind(document.title)
                    .push(", ")
                    .bind(document.summary.map(str::to_owned))
                    .push(", ")
                    .bind(document.body.map(str::to_owned))
                    .push(", ")
                    .bind(resource_id)
                    .push(", ")
                    .bind(document.locale.as_str())
                    .push(", ")
                    .bind(title_key)
                    .push(")");
            }
        }
        txn.execute_raw(insert.build()).await?;
    }
    Ok(())
}

/// A search as the query's SQL needs it.
pub struct Search {
    /// What the user typed (bounded by the caller).
    pub text: String,
    /// FTS5's rewriting of it (SQLite); None when it has no word to look for.
    fts5: Option<String>,
    title_key: String,
    /// What the index narrows the matches to (PostgreSQL), as a `tsquery`.
    facets: Option<String>,
}

impl Search {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            fts5: fts5_query(text),
            title_key: fold(text.trim()),
            facets: None,
        }
    }

    /// Only documents with the facets `facets` asks for can match (a
    /// `tsquery` of [`facet`]s): the filters of the search and the viewer's
    /// rights, applied by the index (PostgreSQL).
    pub fn narrowed_to(mut self, facets: String) -> Self {
        self.facets = Some(facets);
        self
    }

    /// Whether nothing can match: a query without a word to look for (only
    /// exclusions, or only punctuation) finds nothing on either backend
    /// (PostgreSQL alone would find everything that lacks the excluded words).
    pub fn is_empty(&self) -> bool {
        self.fts5.is_none()
    }

    /// Appends a subquery `(resource_id, rank)` of the resources whose
    /// documents (in `locale`, if given) match, one row per resource with its
    /// best document's rank (larger is better).
    pub fn push_hits(&self, sql: &mut SqlBuilder, backend: DbBackend, locale: Option<Locale>) {
        match backend {
            DbBackend::Postgres => {
                // One branch per language, with its locale written as a literal
                // so that the planner picks that language's partial index (see
                // the `index_search_per_language` migration).
                let locales = match locale {
                    Some(locale) => vec![locale],
                    None => Locale::ALL.to_vec(),
                };
                sql.push("(SELECT resource_id, MAX(rank) AS rank FROM (");
                for (i, locale) in locales.into_iter().enumerate() {
                    if i > 0 {
                        sql.push(" UNION ALL ");
                    }
                    sql.push(
                        "SELECT s.resource_id, (ts_rank_cd(s.document, q) + \
                         CASE WHEN s.title_key = ",
                    )
                    .bind(self.title_key.clone())
                    .push(&format!(
                        " THEN {EXACT_TITLE_BONUS} ELSE 0 END)::float8 AS rank \
                         FROM resource_search s, websearch_to_tsquery('{}', unaccent(",
                        config(locale)
                    ))
                    .bind(self.text.clone())
                    .push(&format!(
                        ")) AS q WHERE s.locale = '{}' AND ",
                        locale.as_str()
                    ));
                    match &self.facets {
                        // A query of stop words only is empty: it must not
                        // leave the facets matching on their own.
                        Some(facets) => sql
                            .push("numnode(q) > 0 AND s.document @@ (q && CAST(")
                            .bind(facets.clone())
                            .push(" AS tsquery))"),
                        None => sql.push("s.document @@ q"),
                    };
                }
                sql.push(") AS matched GROUP BY resource_id)");
            }
            _ => {
                // FTS5's `rank` column is bm25 with the weights the migration
                // configured (smaller is better); the best document per
                // resource is taken around the matching rows.
                sql.push(
                    "(SELECT resource_id, MAX(rank) AS rank FROM \
                     (SELECT CAST(resource_id AS INTEGER) AS resource_id, \
                     -rank + CASE WHEN title_key = ",
                )
                .bind(self.title_key.clone())
                .push(&format!(
                    " THEN {EXACT_TITLE_BONUS} ELSE 0 END AS rank \
                     FROM resource_search WHERE resource_search MATCH "
                ))
                .bind(self.fts5.clone().unwrap_or_default());
                if let Some(locale) = locale {
                    sql.push(" AND locale = ").bind(locale.as_str());
                }
                sql.push(") AS matched GROUP BY resource_id)");
            }
        }
    }

    /// `WITH q (locale, query, config) AS (VALUES …), ql AS (…)`: each
    /// language's query and its text-search configuration, and in `ql` also
    /// the lexemes the query looks for (PostgreSQL).
    fn push_queries(&self, sql: &mut SqlBuilder) {
        sql.push("WITH q (locale, query, config) AS (VALUES ");
        for (i, locale) in Locale::ALL.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let config = config(*locale);
            sql.push("(")
                .bind(locale.as_str())
                .push(&format!(", websearch_to_tsquery('{config}', unaccent("))
                .bind(self.text.clone())
                .push(&format!(")), '{config}'::regconfig)"));
        }
        sql.push(
            "), ql AS (SELECT q.*, ARRAY(SELECT m[1] FROM \
             regexp_matches(querytree(q.query), '''([^'']+)''', 'g') AS m) AS lexemes FROM q) ",
        );
    }

    /// The highlight of each of `resource_ids`: a short passage of its best
    /// matching document, escaped, with the matches in `<mark>`.
    pub async fn highlights(
        &self,
        db: &impl ConnectionTrait,
        resource_ids: &[i64],
    ) -> AppResult<HashMap<i64, String>> {
        let mut found = HashMap::new();
        if resource_ids.is_empty() {
            return Ok(found);
        }
        let backend = db.get_database_backend();
        let mut sql = SqlBuilder::new(backend);
        match backend {
            DbBackend::Postgres => {
                // `ts_headline` parses and stems every word it is given (about
                // 0.15 ms for a thousand characters): it gets only the best
                // document of each resource, and of it a passage around the
                // first place where a lexeme of the query appears as written
                // (case aside; from the start when none does, as for a word
                // whose accents the query dropped).
                self.push_queries(&mut sql);
                sql.push(&format!(
                    "SELECT s.resource_id, CAST(0 AS DOUBLE PRECISION) AS rank, ts_headline(ql.config, \
                     substr(t.text, greatest(1, coalesce(f.at, 1) - {PASSAGE_LEAD}), {PASSAGE_CHARS}), \
                     ql.query, 'StartSel=\u{1}, StopSel=\u{2}, MaxWords=30, MinWords=12, \
                     MaxFragments=1') AS highlight \
                     FROM (SELECT DISTINCT ON (s.resource_id) s.resource_id, s.locale \
                     FROM resource_search s JOIN q ON q.locale = s.locale \
                     WHERE s.document @@ q.query AND "
                ))
                .is_in("s.resource_id", resource_ids)
                .push(
                    " ORDER BY s.resource_id, ts_rank_cd(s.document, q.query) DESC, s.locale) best \
                     JOIN resource_search s ON s.resource_id = best.resource_id \
                     AND s.locale = best.locale \
                     JOIN ql ON ql.locale = s.locale \
                     CROSS JOIN LATERAL (SELECT s.title || ' — ' || coalesce(s.summary, '') \
                     || ' ' || coalesce(s.body, '') AS text) t \
                     CROSS JOIN LATERAL (SELECT min(nullif(strpos(lower(t.text), l), 0)) AS at \
                     FROM unnest(ql.lexemes) AS l) f",
                );
            }
            _ => {
                let Some(fts5) = &self.fts5 else {
                    return Ok(found);
                };
                let rowids: Vec<i64> = resource_ids
                    .iter()
                    .flat_map(|id| Locale::ALL.iter().map(move |l| id * 4 + locale_index(*l)))
                    .collect();
                sql.push(
                    "SELECT CAST(resource_id AS INTEGER) AS resource_id, \
                     -rank AS rank, \
                     snippet(resource_search, -1, char(1), char(2), '…', 24) AS highlight \
                     FROM resource_search WHERE resource_search MATCH ",
                )
                .bind(fts5.clone())
                .push(" AND rowid IN ")
                .bind_list(&rowids);
            }
        }
        let mut best: HashMap<i64, (f64, String)> = HashMap::new();
        for row in db.query_all_raw(sql.build()).await? {
            let id: i64 = row.try_get("", "resource_id")?;
            let rank: f64 = row.try_get("", "rank")?;
            let text: String = row.try_get("", "highlight")?;
            if best.get(&id).is_none_or(|(r, _)| rank > *r) {
                best.insert(id, (rank, text));
            }
        }
        for (id, (_, text)) in best {
            found.insert(id, marked(&text));
        }
        Ok(found)
    }
}

/// The engine's passage, bounded, escaped, with its markers as `<mark>`.
pub fn marked(text: &str) -> String {
    let mut bounded: String = text.chars().take(MAX_HIGHLIGHT_CHARS).collect();
    // A cut inside a match leaves it open: close it.
    if bounded.matches(START).count() > bounded.matches(STOP).count() {
        bounded.push(STOP);
    }
    html_escape::encode_text(&bounded)
        .replace(START, "<mark>")
        .replace(STOP, "</mark>")
}

/// The user's query in FTS5 syntax, with the meaning `websearch_to_tsquery`
/// gives it: words are all required, `"…"` is a phrase, `-word` excludes,
/// `or` between two terms is either. Every term is quoted, so no character
/// the user types is FTS5 syntax. None when nothing is left to look for.
fn fts5_query(text: &str) -> Option<String> {
    let mut positives: Vec<String> = Vec::new();
    let mut negatives: Vec<String> = Vec::new();
    let mut pending_or = false;
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negative = c == '-';
        if negative {
            chars.next();
        }
        let phrase = chars.peek() == Some(&'"');
        let mut term = String::new();
        if phrase {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                term.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                term.push(c);
                chars.next();
            }
        }
        // Only letters and digits are searched (as the tokenizer sees them).
        let words: Vec<String> = term
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        if words.is_empty() {
            continue;
        }
        if !phrase && !negative && words.len() == 1 && words[0].eq_ignore_ascii_case("or") {
            pending_or = !positives.is_empty();
            continue;
        }
        let quoted = format!("\"{}\"", words.join(" "));
        if negative {
            negatives.push(quoted);
        } else if pending_or {
            let last = positives.pop().unwrap_or_default();
            positives.push(format!("({last} OR {quoted})"));
            pending_or = false;
        } else {
            positives.push(quoted);
        }
    }
    if positives.is_empty() {
        return None;
    }
    let mut query = positives.join(" AND ");
    for negative in negatives {
        query.push_str(" NOT ");
        query.push_str(&negative);
    }
    Some(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_queries_become_quoted_fts5_terms() {
        assert_eq!(
            fts5_query("travail forcé").as_deref(),
            Some("\"travail\" AND \"forcé\"")
        );
        assert_eq!(
            fts5_query("\"supply chains\" -cocoa").as_deref(),
            Some("\"supply chains\" NOT \"cocoa\"")
        );
        assert_eq!(
            fts5_query("migration or asile").as_deref(),
            Some("(\"migration\" OR \"asile\")")
        );
        // FTS5 syntax typed by a user is only text.
        assert_eq!(
            fts5_query("title:x* NEAR(a b) ^c").as_deref(),
            Some("\"title x\" AND \"NEAR a\" AND \"b\" AND \"c\"")
        );
        assert_eq!(fts5_query("-only -negatives"), None);
        assert_eq!(fts5_query("\"\" ( ) *"), None);
    }

    #[test]
    fn highlights_are_escaped_bounded_and_closed() {
        assert_eq!(
            marked("a <b>\u{1}forced\u{2}</b> & c"),
            "a &lt;b&gt;<mark>forced</mark>&lt;/b&gt; &amp; c"
        );
        let long = format!("\u{1}{}", "x".repeat(1_000));
        let marked = marked(&long);
        assert!(marked.ends_with("</mark>"));
        assert!(marked.chars().count() <= MAX_HIGHLIGHT_CHARS + "<mark></mark>".len());
    }
}
