//! Services: one per aggregate. They own transactions and are the only code that
//! writes. Access checks happen before them, in the resolvers, through `auth::policy`.
//! A write returns what it changed with the events it recorded in the same
//! transaction, for the caller to publish once committed.
pub mod accounts;
pub mod applications;
pub mod coalitions;
pub mod commitments;
pub mod groups;
pub mod lookup;
pub mod notifications;
pub mod partners;
pub mod reports;
pub mod resources;
pub mod rollup;
pub mod search;
pub mod translations;
pub mod work_plans;

use entity::events;

use crate::error::{AppError, AppResult};

/// The result of a committed write and the events it recorded.
#[derive(Debug)]
pub struct Changed<T> {
    pub value: T,
    pub events: Vec<events::Model>,
}

/// The version a row moves to from `version`. An `expectedVersion` no row can
/// have (the largest one) is stale like any other, never an overflow.
pub(crate) fn next_version(version: i32, what: &str) -> AppResult<i32> {
    version.checked_add(1).ok_or_else(|| AppError::stale(what))
}

impl<T> Changed<T> {
    pub fn new(value: T, events: Vec<events::Model>) -> Self {
        Self { value, events }
    }
}
