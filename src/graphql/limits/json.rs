//! A cheap pass over a JSON text (a request body, a WebSocket message) before
//! serde reads it: how deep its arrays and objects nest and how many values it
//! holds, refused as soon as either passes its limit. serde_json would refuse
//! nesting past 128 by itself; this keeps variables to the shapes GraphQL inputs
//! need, and bounds the values a client can make the server build and convert.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonRefusal {
    TooDeep,
    TooManyValues,
}

/// Scans `bytes`, which need not be valid JSON (serde reports that afterwards).
pub fn scan(bytes: &[u8], max_nesting: usize, max_values: usize) -> Result<(), JsonRefusal> {
    let mut depth = 0usize;
    // Every value but the first follows a comma or opens a container: counting
    // those bounds the values from above.
    let mut values = 1usize;
    let mut at = 0usize;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                at = skip_string(bytes, at + 1);
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                values += 1;
                if depth > max_nesting {
                    return Err(JsonRefusal::TooDeep);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' => values += 1,
            _ => {}
        }
        if values > max_values {
            return Err(JsonRefusal::TooManyValues);
        }
        at += 1;
    }
    Ok(())
}

/// After the opening quote: to just past the closing one.
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    while let Some(offset) = memchr::memchr2(b'"', b'\\', &bytes[at.min(bytes.len())..]) {
        at += offset;
        if bytes[at] == b'\\' {
            at += 2;
        } else {
            return at + 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_outside_strings_is_counted() {
        let body = br#"{"query": "{ a { b } } [[[[", "variables": {"a": [[1, {"b": "]]]\"[["}]]}}"#;
        assert_eq!(scan(body, 5, 100), Ok(()));
        assert_eq!(scan(body, 4, 100), Err(JsonRefusal::TooDeep));
    }

    #[test]
    fn values_are_bounded() {
        let list = format!("[{}1]", "1,".repeat(99));
        assert_eq!(scan(list.as_bytes(), 5, 101), Ok(()));
        assert_eq!(
            scan(list.as_bytes(), 5, 100),
            Err(JsonRefusal::TooManyValues)
        );
    }

    #[test]
    fn a_million_brackets_end_at_the_limit() {
        let deep = "[".repeat(1_000_000);
        assert_eq!(scan(deep.as_bytes(), 20, 10_000), Err(JsonRefusal::TooDeep));
        assert_eq!(scan(b"\"\\", 20, 10_000), Ok(()));
        assert_eq!(scan(b"\"abc", 20, 10_000), Ok(()));
    }
}
