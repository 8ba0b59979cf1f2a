//! Turning optional input fields into domain values.
use async_graphql::MaybeUndefined;

/// A present value parsed, an absent one left absent.
pub fn optional<T, U, E>(
    value: Option<T>,
    parse: impl Fn(T) -> Result<U, E>,
) -> async_graphql::Result<Option<U>>
where
    async_graphql::Error: From<E>,
{
    Ok(value.map(parse).transpose()?)
}

/// An update field: left out → `None` (unchanged); null → `Some(None)` (cleared);
/// a value → `Some(Some(parsed))`.
pub fn patch<T, U, E>(
    value: &MaybeUndefined<T>,
    parse: impl Fn(&T) -> Result<U, E>,
) -> async_graphql::Result<Option<Option<U>>>
where
    async_graphql::Error: From<E>,
{
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(parse(v)?)),
    })
}
