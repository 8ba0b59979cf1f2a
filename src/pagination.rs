//! Keyset pagination shared by every list: a page is "the first N rows after this
//! cursor" in a stable order, so inserts between requests never shift a page.
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// Where a row sits in its list's order: an optional sort key, then the row id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "k", skip_serializing_if = "Option::is_none", default)]
    pub key: Option<String>,
    #[serde(rename = "i")]
    pub id: i64,
}

impl Cursor {
    pub fn by_id(id: i64) -> Self {
        Self { key: None, id }
    }

    pub fn by_key(key: impl Into<String>, id: i64) -> Self {
        Self {
            key: Some(key.into()),
            id,
        }
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(text: &str) -> AppResult<Self> {
        let invalid = || AppError::bad_input("after", "is not a cursor from this API");
        if text.len() > 512 {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        serde_json::from_slice(&bytes).map_err(|_| invalid())
    }
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageArgs {
    pub first: u64,
    pub after: Option<Cursor>,
}

impl PageArgs {
    pub fn parse(first: Option<i32>, after: Option<&str>) -> AppResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=MAX_PAGE_SIZE as i32).contains(&n) => n as u64,
            Some(_) => {
                return Err(AppError::bad_input(
                    "first",
                    format!("must be between 1 and {MAX_PAGE_SIZE}"),
                ))
            }
        };
        let after = after.map(Cursor::decode).transpose()?;
        Ok(Self { first, after })
    }

    /// Rows to fetch: one more than the page, to learn whether a next page exists.
    pub fn limit(&self) -> u64 {
        self.first + 1
    }

    pub fn after_id(&self) -> Option<i64> {
        self.after.as_ref().map(|cursor| cursor.id)
    }
}

/// One page of rows with their cursors.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(Cursor, T)>,
    pub has_next_page: bool,
}

impl<T> Page<T> {
    /// Builds a page from up to `args.limit()` rows fetched in list order.
    pub fn from_rows(mut rows: Vec<T>, args: &PageArgs, cursor: impl Fn(&T) -> Cursor) -> Self {
        let has_next_page = rows.len() as u64 > args.first;
        rows.truncate(args.first as usize);
        Self {
            items: rows.into_iter().map(|row| (cursor(&row), row)).collect(),
            has_next_page,
        }
    }

    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_next_page: self.has_next_page,
        }
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            has_next_page: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_is_bounded() {
        assert_eq!(PageArgs::parse(None, None).unwrap().first, 20);
        assert_eq!(PageArgs::parse(Some(1), None).unwrap().first, 1);
        assert_eq!(PageArgs::parse(Some(100), None).unwrap().first, 100);
        assert!(PageArgs::parse(Some(0), None).is_err());
        assert!(PageArgs::parse(Some(101), None).is_err());
        assert!(PageArgs::parse(Some(-1), None).is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor::by_key("International Labour Organization", 42);
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        assert!(Cursor::decode("not a cursor").is_err());
        assert!(Cursor::decode(&"A".repeat(600)).is_err());
    }
}
