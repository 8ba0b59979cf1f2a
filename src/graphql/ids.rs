//! Global ids: opaque to clients, `base64url("Type:id")` inside (as GitHub does).
use async_graphql::ID;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use strum::{EnumString, IntoStaticStr};

use crate::error::{AppError, AppResult};

/// Every type that implements `Node`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
pub enum NodeKind {
    User,
    Partner,
    Coalition,
    CoalitionMembership,
    ThematicArea,
    ActionGroup,
    WorkPlan,
    WorkPlanItem,
    Commitment,
    ProgressReport,
    Event,
    Notification,
}

pub fn encode(kind: NodeKind, id: i64) -> ID {
    let kind: &'static str = kind.into();
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// The kind and row id behind a global id, or None for anything malformed.
pub fn decode(id: &str) -> Option<(NodeKind, i64)> {
    if id.len() > 64 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (kind, raw) = text.split_once(':')?;
    let row_id: i64 = raw.parse().ok()?;
    (row_id > 0).then_some((kind.parse().ok()?, row_id))
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
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Partner:-1")), None);
    }
}
