//! Global ids: opaque to clients, `base64url("Type:id")` inside (as GitHub
//! does). What the API shows and what event payloads carry: never a row id.
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use strum::{EnumString, IntoStaticStr};

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
    PartnershipApplication,
    Resource,
}

/// The global id of row `id` of `kind`.
pub fn global_id(kind: NodeKind, id: i64) -> String {
    let kind: &'static str = kind.into();
    URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
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
