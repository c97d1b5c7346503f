//! Who may see teacher exchange (轮岗交流) figures and ask for a rotation plan.
//!
//! Who is due to rotate is personnel information: the bureau and inspectors see the county, a
//! cluster head the cluster's schools, a principal their own school; teachers see none of it.
//! The bureau plans the county's rotation, a cluster head their cluster's.

use super::{Action, Actor, Resource, Target, Visibility};
use crate::Role;

pub(super) fn visibility(actor: &Actor, _resource: Resource) -> Visibility {
    match actor.role {
        Role::BureauAdmin | Role::Inspector => Visibility::County,
        Role::ClusterHead => Visibility::Schools(actor.cluster_school_ids.clone()),
        Role::SchoolAdmin => Visibility::Schools(actor.school_id.into_iter().collect()),
        Role::Teacher => Visibility::Nothing,
    }
}

/// `Create` (a plan) for a cluster: its head. The bureau may do everything (handled by the
/// caller).
pub(super) fn can_change(actor: &Actor, action: Action, target: &Target) -> bool {
    matches!((action, actor.role), (Action::Create, Role::ClusterHead))
        && target.cluster_id.is_some()
        && target.cluster_id == actor.cluster_id
}
