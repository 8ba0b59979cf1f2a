//! The root Mutation: one module per area, merged. Every mutation takes one
//! `input` and returns a payload object.
mod accounts;
mod coalitions;
mod partners;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountMutations,
    partners::PartnerMutations,
    coalitions::CoalitionMutations,
);
