//! Global ids as the API takes and gives them (see `crate::ids`).
use async_graphql::ID;

use crate::error::{AppError, AppResult};
pub use crate::ids::{decode, NodeKind};

pub fn encode(kind: NodeKind, id: i64) -> ID {
    ID(crate::ids::global_id(kind, id))
}

/// The row id of an input id that must be of `kind`. A malformed id is a
/// BAD_USER_INPUT naming `field`; an id of another kind cannot name anything of
/// this kind, so it is NOT_FOUND, like a well-formed id of nothing.
pub fn expect(field: &str, id: &ID, kind: NodeKind) -> AppResult<i64> {
    match decode(id.as_str()) {
        Some((found, row_id)) if found == kind => Ok(row_id),
        Some(_) => Err(AppError::NotFound(kind.into())),
        None => Err(AppError::bad_input(field, "is not a valid id")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_check_their_kind() {
        let id = encode(NodeKind::Partner, 42);
        assert_eq!(decode(id.as_str()), Some((NodeKind::Partner, 42)));
        assert_eq!(expect("partnerId", &id, NodeKind::Partner).unwrap(), 42);
        assert!(matches!(
            expect("coalitionId", &id, NodeKind::Coalition),
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            expect("partnerId", &ID("garbage!".into()), NodeKind::Partner),
            Err(AppError::BadInput { .. })
        ));
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Partner:-1")), None);
    }
}
