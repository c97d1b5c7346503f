//! Who may see and change clusters and plans.

use super::{Action, Actor, Resource, Target, Visibility};
use crate::Role;

/// Clusters are open to everyone of the county; plans are the bureau's (inspectors read them).
pub(super) fn visibility(actor: &Actor, resource: Resource) -> Visibility {
    match (actor.role, resource) {
        (Role::BureauAdmin | Role::Inspector, _) => Visibility::County,
        (_, Resource::Cluster) => Visibility::County,
        _ => Visibility::Nothing,
    }
}

/// A cluster head keeps the cluster's own record (officers, description); forming, dissolving,
/// membership and plans are the bureau's decisions.
pub(super) fn can_change(actor: &Actor, action: Action, resource: Resource, target: &Target) -> bool {
    match (actor.role, resource) {
        (Role::ClusterHead, Resource::Cluster) => {
            action == Action::Update && target.cluster_id.is_some() && target.cluster_id == actor.cluster_id
        }
        _ => false,
    }
}
