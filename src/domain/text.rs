//! Free text shared by several aggregates.
use super::bounded_text;

bounded_text!(
    /// A description of a partner, coalition or group.
    Description,
    0,
    5_000
);

bounded_text!(
    /// A search term, as typed by a user.
    SearchTerm,
    1,
    100
);

impl SearchTerm {
    /// A LIKE pattern matching the term anywhere in lower-cased text, with the
    /// wildcards of the term itself escaped (used with `ESCAPE '\'`).
    pub fn like_pattern(&self) -> String {
        let mut pattern = String::from("%");
        for c in self.0.to_lowercase().chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        pattern
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards_and_lowercases() {
        let term = SearchTerm::parse("search", "ILO_100%").unwrap();
        assert_eq!(term.like_pattern(), "%ilo\\_100\\%%");
    }
}
