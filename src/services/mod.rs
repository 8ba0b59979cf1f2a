//! Services: one per aggregate. They own transactions and are the only code that
//! writes. Access checks happen before them, in the resolvers, through `auth::policy`.
//! A write returns what it changed with the events it recorded in the same
//! transaction, for the caller to publish once committed.
pub mod accounts;
pub mod coalitions;
pub mod commitments;
pub mod groups;
pub mod lookup;
pub mod notifications;
pub mod partners;
pub mod reports;
pub mod rollup;
pub mod work_plans;

use entity::events;

/// The result of a committed write and the events it recorded.
#[derive(Debug)]
pub struct Changed<T> {
    pub value: T,
    pub events: Vec<events::Model>,
}

impl<T> Changed<T> {
    pub fn new(value: T, events: Vec<events::Model>) -> Self {
        Self { value, events }
    }
}
