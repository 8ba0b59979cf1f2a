//! Services: one per aggregate. They own transactions and are the only code that
//! writes. Access checks happen before them, in the resolvers, through `auth::policy`.
pub mod accounts;
pub mod coalitions;
pub mod partners;
