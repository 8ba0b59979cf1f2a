//! Highlights built by the server (PostgreSQL): the passage of a document
//! with the most words of the query, those words marked.
//!
//! `ts_headline` parses and stems every word it is given, about 0.15 ms per
//! thousand characters: on a page of 20 results it cost the database more
//! than the search itself. The server does the same work with PostgreSQL's
//! own lexemes for the query (so stop words, quotes and minus signs are
//! PostgreSQL's): it folds each word of the text as the documents were
//! folded (accents off, lower case), stems it with the same Snowball
//! algorithm, and marks it when the stem is one of the query's lexemes.
use rust_stemmers::{Algorithm, Stemmer};

use super::{START, STOP};
use crate::domain::{fold, Locale};

/// Words in a passage (as `ts_headline`'s `MaxWords`).
const PASSAGE_WORDS: usize = 30;
/// Words of a passage before its first match, when the text has them.
const LEAD_WORDS: usize = 5;

/// Marks the words of a document whose stems are `lexemes`.
pub struct Highlighter<'a> {
    stemmer: Stemmer,
    lexemes: &'a [String],
    /// What a word must start with to be each lexeme.
    prefixes: Vec<String>,
}

/// A word of the text: where it is, and which lexeme it is, if any.
struct Word {
    start: usize,
    end: usize,
    lexeme: Option<usize>,
}

impl<'a> Highlighter<'a> {
    /// For a document in `locale`, whose query's lexemes (in that language's
    /// configuration) are `lexemes`.
    pub fn new(locale: Locale, lexemes: &'a [String]) -> Self {
        let algorithm = match locale {
            Locale::En => Algorithm::English,
            Locale::Fr => Algorithm::French,
            Locale::Es => Algorithm::Spanish,
        };
        Self {
            stemmer: Stemmer::create(algorithm),
            prefixes: lexemes.iter().map(|lexeme| stem_prefix(lexeme)).collect(),
            lexemes,
        }
    }

    /// The passage of `text` with the most lexemes (the most different ones
    /// first), with `START` and `STOP` around each matched word, and `…`
    /// where it cuts the text; the beginning of the text when nothing
    /// matches.
    pub fn passage(&self, text: &str) -> String {
        let words = self.words(text);
        let Some(last) = words.len().checked_sub(1) else {
            return text.chars().take(super::MAX_HIGHLIGHT_CHARS).collect();
        };
        let first = self.best_window(&words);
        let end = (first + PASSAGE_WORDS).min(words.len());
        let mut passage = String::new();
        if first > 0 {
            passage.push('…');
        }
        let mut at = words[first].start;
        for word in &words[first..end] {
            passage.push_str(&text[at..word.start]);
            let written = &text[word.start..word.end];
            match word.lexeme {
                Some(_) => {
                    passage.push(START);
                    passage.push_str(written);
                    passage.push(STOP);
                }
                None => passage.push_str(written),
            }
            at = word.end;
        }
        if end - 1 < last {
            passage.push('…');
        }
        passage
    }

    /// The first word of the window of `PASSAGE_WORDS` words that holds the
    /// most different lexemes, then the most matches (the earliest of
    /// equals); windows start a few words before a match, for context.
    fn best_window(&self, words: &[Word]) -> usize {
        let starts = words
            .iter()
            .enumerate()
            .filter(|(_, word)| word.lexeme.is_some())
            .map(|(at, _)| at.saturating_sub(LEAD_WORDS));
        let mut best = (0, 0, 0usize);
        for first in starts {
            let window = &words[first..(first + PASSAGE_WORDS).min(words.len())];
            // The lexemes seen, as bits (a query has few; past 128 they count
            // as one).
            let mut seen = 0u128;
            let mut matches = 0;
            for lexeme in window.iter().filter_map(|w| w.lexeme) {
                seen |= 1 << lexeme.min(127);
                matches += 1;
            }
            let distinct = seen.count_ones();
            if (distinct, matches) > (best.0, best.1) {
                best = (distinct, matches, first);
            }
        }
        best.2
    }

    /// The words of `text` (runs of letters and digits), each with the
    /// lexeme it stems to, if the query has it.
    fn words(&self, text: &str) -> Vec<Word> {
        let mut words = Vec::with_capacity(text.len() / 6);
        let mut start = None;
        let mut at = 0;
        // Byte by byte where the text is ASCII; a character at a time elsewhere.
        while at <= text.len() {
            let (in_word, width) = match text.as_bytes().get(at) {
                None => (false, 1),
                Some(byte) if byte.is_ascii() => (byte.is_ascii_alphanumeric(), 1),
                Some(_) => text[at..]
                    .chars()
                    .next()
                    .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
            };
            match (in_word, start) {
                (true, None) => start = Some(at),
                (false, Some(from)) => {
                    words.push(Word {
                        start: from,
                        end: at,
                        lexeme: self.lexeme_of(&text[from..at]),
                    });
                    start = None;
                }
                _ => {}
            }
            at += width;
        }
        words
    }

    fn lexeme_of(&self, word: &str) -> Option<usize> {
        // Most words cannot be one: a Snowball stem is its folded word with at
        // most its last two letters rewritten ("policies" → "polici", "heureuse"
        // → "heureux"), so only the words that start with a lexeme but for
        // those are folded and stemmed.
        if !self
            .prefixes
            .iter()
            .any(|prefix| starts_with_folded(word, prefix))
        {
            return None;
        }
        let stem = self.stemmer.stem(&fold(word)).into_owned();
        self.lexemes.iter().position(|lexeme| *lexeme == stem)
    }
}

/// What a word must start with to stem to `lexeme`: all but its last two
/// letters (its first, at least).
fn stem_prefix(lexeme: &str) -> String {
    let letters = lexeme.chars().count();
    lexeme
        .chars()
        .take(letters.saturating_sub(2).max(1))
        .collect()
}

/// Whether `word`, accents off and lower case, starts with `prefix` (which
/// is folded): without folding when the start of the word is ASCII.
fn starts_with_folded(word: &str, prefix: &str) -> bool {
    match word.as_bytes().get(..prefix.len()) {
        Some(head) if head.is_ascii() => head.eq_ignore_ascii_case(prefix.as_bytes()),
        None if word.is_ascii() => false,
        _ => fold(word).starts_with(prefix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(locale: Locale, lexemes: &[&str], text: &str) -> String {
        let lexemes: Vec<String> = lexemes.iter().map(|l| l.to_string()).collect();
        Highlighter::new(locale, &lexemes)
            .passage(text)
            .replace(START, "[")
            .replace(STOP, "]")
    }

    #[test]
    fn words_are_marked_by_their_stems_accents_and_case_aside() {
        // What PostgreSQL's english, french and spanish configurations make of
        // "forced labour", "travail forcé" and "trabajo infantil" (unaccented).
        assert_eq!(
            marks(
                Locale::En,
                &["forc", "labour"],
                "Forced LABOUR in supply chains"
            ),
            "[Forced] [LABOUR] in supply chains"
        );
        assert_eq!(
            marks(
                Locale::Fr,
                &["travail", "forc"],
                "Le travail forcé — d'approvisionnement"
            ),
            "Le [travail] [forcé] — d'approvisionnement"
        );
        assert_eq!(
            marks(
                Locale::Es,
                &["trabaj", "infantil"],
                "Política nacional contra el trabajo infantil"
            ),
            "Política nacional contra el [trabajo] [infantil]"
        );
    }

    /// Words and the lexeme PostgreSQL 15 makes of each (`to_tsvector` over
    /// `unaccent` in the language's configuration): each is found and marked.
    #[test]
    fn words_stem_to_the_lexemes_postgresql_makes_of_them() {
        let cases = [
            (Locale::En, "policies", "polici"),
            (Locale::En, "Policy", "polici"),
            (Locale::En, "dying", "die"),
            (Locale::En, "generously", "generous"),
            (Locale::En, "organization", "organ"),
            (Locale::En, "sensibility", "sensibl"),
            (Locale::En, "labours", "labour"),
            (Locale::Fr, "heureuse", "heureux"),
            (Locale::Fr, "travaux", "traval"),
            (Locale::Fr, "approvisionnement", "approvision"),
            (Locale::Fr, "forcée", "force"),
            (Locale::Fr, "économie", "econom"),
            (Locale::Fr, "Côte", "cot"),
            (Locale::Es, "contratación", "contratacion"),
            (Locale::Es, "jóvenes", "joven"),
            (Locale::Es, "políticas", "polit"),
            (Locale::Es, "niños", "nin"),
            (Locale::Es, "trabajadores", "trabaj"),
        ];
        for (locale, word, lexeme) in cases {
            let text = format!("one {word} two");
            assert!(
                marks(locale, &[lexeme], &text).contains(&format!("[{word}]")),
                "{word} → {lexeme}"
            );
        }
        // An apostrophe ends a word, as PostgreSQL's parser has it.
        assert_eq!(marks(Locale::En, &["labour"], "labour's"), "[labour]'s");
    }

    #[test]
    fn the_passage_is_the_window_with_the_most_different_words() {
        let filler = "word ".repeat(100);
        let text = format!("labour at the start. {filler}forced labour here. {filler}the end");
        let passage = marks(Locale::En, &["forc", "labour"], &text);
        assert!(
            passage.starts_with('…') && passage.ends_with('…'),
            "{passage}"
        );
        assert!(passage.contains("[forced] [labour] here"), "{passage}");
        assert_eq!(
            passage.split_whitespace().filter(|w| *w != "…").count(),
            PASSAGE_WORDS
        );
    }

    #[test]
    fn without_a_match_the_passage_is_the_beginning() {
        let text = "one two three ".repeat(20);
        let passage = marks(Locale::En, &["labour"], &text);
        assert!(passage.starts_with("one two three") && passage.ends_with('…'));
        assert!(!passage.contains('['));
        assert_eq!(marks(Locale::En, &[], "…  —"), "…  —");
    }
}
