//! Full-text search of resources, one document per resource and language.
//!
//! - PostgreSQL: a `tsvector` per document, built with the language's
//!   text-search configuration (english, french, spanish) over `unaccent`ed
//!   text and weighted title A, summary B, body C; queries through
//!   `websearch_to_tsquery` (quotes and minus signs work), ranked by
//!   `ts_rank_cd`; highlighted by the server with the lexemes PostgreSQL
//!   makes of the query (see [`highlight`]: `ts_headline` cost more than the
//!   search).
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
pub mod facet;
mod highlight;

use std::collections::HashMap;

use entity::resources::Model as Resource;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, QueryResult};

use self::highlight::Highlighter;
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
    /// best document's rank (larger is better); on PostgreSQL also the
    /// `locale` of that document.
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
                // Each resource's best document: its rank, and its language
                // (the largest of the pairs [rank, language], the language
                // as its `locale_index` + 1).
                let mut by_index = Locale::ALL;
                by_index.sort_by_key(|l| locale_index(*l));
                let names: Vec<String> = by_index
                    .iter()
                    .map(|l| format!("'{}'", l.as_str()))
                    .collect();
                sql.push(&format!(
                    "(SELECT resource_id, best[1] AS rank, \
                     (ARRAY[{}])[CAST(best[2] AS INTEGER)] AS locale \
                     FROM (SELECT resource_id, MAX(ARRAY[rank, language]) AS best FROM (",
                    names.join(", ")
                ));
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
                        " THEN {EXACT_TITLE_BONUS} ELSE 0 END)::float8 AS rank, \
                         CAST({} AS FLOAT8) AS language \
                         FROM resource_search s, websearch_to_tsquery('{}', unaccent(",
                        locale_index(locale) + 1,
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
                sql.push(") AS matched GROUP BY resource_id) AS grouped)");
            }
            _ => {
                // FTS5's `rank` column is bm25 with the weights the migration
                // configured (smaller is better); the best document per
                // resource is taken around the matching rows. A document's
                // rowid is its resource's id × 4 + its language (`reindex`):
                // reading `resource_id`, `locale` or `title_key` of every match
                // instead cost a lookup in FTS5's content table each, two
                // thirds of a broad search. Exact titles are the few documents
                // whose title starts with the query's words (FTS5 tokenizes the
                // quoted text as it did the titles), of those whose title_key
                // is the query's.
                sql.push(
                    "(SELECT resource_id, MAX(rank) AS rank FROM \
                     (SELECT rowid / 4 AS resource_id, -rank + CASE WHEN rowid IN \
                     (SELECT rowid FROM resource_search WHERE resource_search MATCH ",
                )
                .bind(format!("title : ^\"{}\"", self.text.replace('"', "\"\"")))
                .push(" AND title_key = ")
                .bind(self.title_key.clone())
                .push(&format!(
                    ") THEN {EXACT_TITLE_BONUS} ELSE 0 END AS rank \
                     FROM resource_search WHERE resource_search MATCH "
                ))
                .bind(self.fts5.clone().unwrap_or_default());
                if let Some(locale) = locale {
                    sql.push(" AND rowid % 4 = ").bind(locale_index(locale));
                }
                sql.push(") AS matched GROUP BY resource_id)");
            }
        }
    }

    /// `WITH query_lexemes (locale, lexemes) AS (…) `: for each language, the
    /// lexemes its configuration makes of the query (stop words dropped,
    /// stemmed), which the server marks in highlights (PostgreSQL).
    pub fn push_lexemes(&self, sql: &mut SqlBuilder) {
        sql.push("WITH query_lexemes (locale, lexemes) AS MATERIALIZED (VALUES ");
        for (i, locale) in Locale::ALL.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(&format!(
                "('{}', ARRAY(SELECT m[1] FROM regexp_matches(querytree(\
                 websearch_to_tsquery('{}', unaccent(",
                locale.as_str(),
                config(*locale)
            ))
            .bind(self.text.clone())
            .push(")))::text, '''([^'']+)''', 'g') AS m))");
        }
        sql.push(") ");
    }

    /// The highlight of a row of a PostgreSQL search page (see
    /// `resources::page`): a passage of the resource's best matching
    /// document, its own text or the translation the row carries, escaped,
    /// with the matches in `<mark>`.
    pub fn highlight_row(&self, row: &QueryResult, resource: &Resource) -> AppResult<String> {
        let lexemes: Vec<String> = row.try_get("", "match_lexemes")?;
        let locale: String = row.try_get("", "match_locale")?;
        let translated: Option<String> = row.try_get("", "match_title")?;
        let text = match translated {
            Some(title) => {
                let summary: Option<String> = row.try_get("", "match_summary")?;
                let body: Option<String> = row.try_get("", "match_body")?;
                joined(&title, summary.as_deref(), body.as_deref())
            }
            None => joined(
                &resource.title,
                resource.summary.as_deref(),
                resource.body.as_deref(),
            ),
        };
        let locale = locale.parse().unwrap_or_default();
        Ok(marked(&Highlighter::new(locale, &lexemes).passage(&text)))
    }

    /// The highlight of each of `resource_ids` (SQLite): FTS5's snippet of
    /// its best matching document, escaped, with the matches in `<mark>`.
    pub async fn highlights(
        &self,
        db: &impl ConnectionTrait,
        resource_ids: &[i64],
    ) -> AppResult<HashMap<i64, String>> {
        let mut found = HashMap::new();
        let Some(fts5) = &self.fts5 else {
            return Ok(found);
        };
        if resource_ids.is_empty() {
            return Ok(found);
        }
        let rowids: Vec<i64> = resource_ids
            .iter()
            .flat_map(|id| Locale::ALL.iter().map(move |l| id * 4 + locale_index(*l)))
            .collect();
        let mut sql = SqlBuilder::new(db.get_database_backend());
        sql.push(
            "SELECT rowid / 4 AS resource_id, -rank AS rank, \
             snippet(resource_search, -1, char(1), char(2), '…', 24) AS highlight \
             FROM resource_search WHERE resource_search MATCH ",
        )
        .bind(fts5.clone())
        .push(" AND rowid IN ")
        .bind_list(&rowids);
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

/// What a highlight is taken from: the title, the summary and the body.
fn joined(title: &str, summary: Option<&str>, body: Option<&str>) -> String {
    format!(
        "{title} — {} {}",
        summary.unwrap_or_default(),
        body.unwrap_or_default()
    )
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
