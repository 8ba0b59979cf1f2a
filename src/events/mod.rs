//! Events: what happened, append-only, in streams (an action group, a commitment,
//! a user's feed). Each stream has a gapless sequence taken under a row lock, so
//! the order in a stream is the commit order. Services append events in the same
//! transaction as the change and hand them back, so the caller can publish them
//! after commit.
mod bus;
mod hub;
pub mod kinds;
mod live;
mod store;
mod stream;

pub use bus::Bus;
pub use hub::{Hub, SharedEvent};
pub use live::{follow, MAX_REPLAY};
pub use store::{append, count, page_newest_first, NewEvent};
pub use stream::{Stream, Subject};
