//! The root Mutation: one module per area, merged. Every mutation takes one
//! `input` and returns a payload object.
mod accounts;
mod applications;
mod coalitions;
mod commitments;
mod groups;
mod partners;
mod resources;
mod work_plans;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountMutations,
    partners::PartnerMutations,
    coalitions::CoalitionMutations,
    groups::GroupMutations,
    work_plans::WorkPlanMutations,
    commitments::CommitmentMutations,
    applications::ApplicationMutations,
    resources::ResourceMutations,
);
