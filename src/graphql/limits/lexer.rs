//! A cheap pass over a document's text before anything parses it.
//!
//! async-graphql's parser recurses once per nesting level of a value, and a
//! 4 KB document of nested brackets (`[[[[…]]]]`, `{a:{a:…}}`) overflows the
//! stack of the thread running it, which aborts the whole process. This scan
//! keeps no stack: it counts tokens as GraphQL's lexer would split them, and
//! the nesting of `(`, `[` and `{` outside strings and comments, and gives up
//! as soon as either passes its limit. It does not validate anything else; the
//! parser still reports syntax errors.

/// What was found in a document that passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextShape {
    pub tokens: usize,
    pub nesting: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRefusal {
    TooManyTokens,
    TooDeep,
}

/// Scans `text`, refusing it as soon as it has more than `max_tokens` tokens or
/// nests brackets, braces or parentheses more than `max_nesting` deep.
pub fn scan(text: &str, max_tokens: usize, max_nesting: usize) -> Result<TextShape, TextRefusal> {
    let bytes = text.as_bytes();
    let mut shape = TextShape {
        tokens: 0,
        nesting: 0,
    };
    let mut depth = 0usize;
    let mut at = 0usize;
    while at < bytes.len() {
        let byte = bytes[at];
        at = match byte {
            // Ignored tokens: white space, line terminators, commas, the BOM's bytes.
            b' ' | b'\t' | b'\n' | b'\r' | b',' => at + 1,
            b'#' => skip_comment(bytes, at),
            _ if bytes[at..].starts_with(BOM) => at + BOM.len(),
            _ => {
                shape.tokens += 1;
                if shape.tokens > max_tokens {
                    return Err(TextRefusal::TooManyTokens);
                }
                match byte {
                    b'(' | b'[' | b'{' => {
                        depth += 1;
                        if depth > max_nesting {
                            return Err(TextRefusal::TooDeep);
                        }
                        shape.nesting = shape.nesting.max(depth);
                        at + 1
                    }
                    b')' | b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        at + 1
                    }
                    // An unterminated `"""` is not a block string to the parser: it
                    // backtracks and reads `""`, an empty string, then goes on. So
                    // does this scan, or nesting after it would hide from it.
                    b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                        skip_block_string(bytes, at + 3).unwrap_or(at + 2)
                    }
                    b'"' => skip_string(bytes, at + 1),
                    b'.' if bytes[at..].starts_with(b"...") => at + 3,
                    b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                        skip_word(bytes, at + 1)
                    }
                    // Other punctuators, and characters the parser will refuse:
                    // one token each (a multi-byte character as a whole).
                    _ => at + utf8_len(byte),
                }
            }
        };
    }
    Ok(shape)
}

const BOM: &[u8] = "\u{feff}".as_bytes();

fn skip_comment(bytes: &[u8], from: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &bytes[from..]).map_or(bytes.len(), |end| from + end)
}

/// After the opening quote: to just past the closing one (or the end of the
/// line or text, where the parser will report the unterminated string).
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// After the opening `"""`: to just past the closing one; `\"""` does not
/// close. None when nothing closes it.
fn skip_block_string(bytes: &[u8], mut at: usize) -> Option<usize> {
    while at < bytes.len() {
        if bytes[at..].starts_with(b"\\\"\"\"") {
            at += 4;
        } else if bytes[at..].starts_with(b"\"\"\"") {
            return Some(at + 3);
        } else {
            at += 1;
        }
    }
    None
}

/// Names and numbers (`-1.5e3`): one token each.
fn skip_word(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len()
        && matches!(bytes[at], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'+' | b'-')
    {
        // A spread right after a name (`a...F`) is its own token.
        if bytes[at] == b'.' && bytes[at..].starts_with(b"...") {
            break;
        }
        at += 1;
    }
    at
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> TextShape {
        scan(text, usize::MAX, usize::MAX).unwrap()
    }

    #[test]
    fn counts_tokens_as_graphql_splits_them() {
        // { me ( x : -1.5e3 ) { id } ...F } = 13 tokens
        assert_eq!(shape("{ me(x: -1.5e3) { id } ...F }").tokens, 13);
        assert_eq!(shape("query Q($a: [Int!]! = [1, 2]) { a }").tokens, 20);
        assert_eq!(shape("# a comment { { {\n{ a }").tokens, 3);
        assert_eq!(shape(",,, \u{feff}{a}").tokens, 3);
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_nest() {
        let text = r#"{ a(s: "[[[{{{(((\"", t: """ {{{ \""" [[[ """) # ((((
        }"#;
        assert_eq!(shape(text).nesting, 2);
        assert_eq!(shape(text).tokens, 11);
    }

    #[test]
    fn every_kind_of_bracket_counts_towards_nesting() {
        assert_eq!(shape("{ a(x: [[{ b: [1] }]]) { c { d } } }").nesting, 6);
        assert_eq!(
            shape("query($v: [[Int]] = [[1]]) @x(if: [[[1]]]) { a }").nesting,
            4
        );
    }

    #[test]
    fn refuses_as_soon_as_a_limit_is_passed() {
        let deep = "[".repeat(1_000_000);
        assert_eq!(scan(&deep, usize::MAX, 32), Err(TextRefusal::TooDeep));
        let long = "a ".repeat(5_000);
        assert_eq!(scan(&long, 1_000, 32), Err(TextRefusal::TooManyTokens));
        assert!(scan(&"[".repeat(32), 1_000, 32).is_ok());
        assert!(scan(&"a ".repeat(1_000), 1_000, 32).is_ok());
    }

    #[test]
    fn unterminated_strings_and_odd_characters_end_cleanly() {
        assert_eq!(shape("{ a(s: \"[[[").tokens, 6);
        // The parser reads an unclosed `"""` as `""` and goes on (here into an
        // unterminated string, where it stops): so does the scan.
        assert_eq!(shape("{ a(s: \"\"\"[[[").tokens, 7);
        let hidden = format!("{{ a(x: [ \"\"\"\" {}", "[".repeat(100_000));
        assert_eq!(scan(&hidden, usize::MAX, 24), Err(TextRefusal::TooDeep));
        assert_eq!(shape("é ü 日本 \\").tokens, 5);
        assert_eq!(shape("\"\\").tokens, 1);
    }
}
