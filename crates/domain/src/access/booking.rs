//! Who may see, make and decide bookings of shared facilities.
//!
//! A booking concerns two schools: the one that borrows (its teachers and admin make and cancel
//! the request) and the one that lends (its admin approves or declines). Each sees the bookings
//! that involve it; a cluster head those of the cluster's schools; the bureau and inspectors
//! the county's.

use super::{Action, Actor, Resource, Target, Visibility};
use crate::Role;

pub(super) fn visibility(actor: &Actor, _resource: Resource) -> Visibility {
    match actor.role {
        Role::BureauAdmin | Role::Inspector => Visibility::County,
        Role::ClusterHead => Visibility::Schools(actor.cluster_school_ids.clone()),
        Role::SchoolAdmin | Role::Teacher => Visibility::Schools(actor.school_id.into_iter().collect()),
    }
}

/// `Create` at the borrowing school: its teachers, its admin, the head of its cluster.
/// `Update` (approve, decline) at the lending school: its admin, the head of its cluster.
/// `Retire` (cancel) at either school: as for creating at the borrower, as for deciding at the
/// lender. The bureau may do everything (handled by the caller).
pub(super) fn can_change(actor: &Actor, action: Action, target: &Target) -> bool {
    let Some(school) = target.school_id else { return false };
    let own = actor.school_id == Some(school);
    let in_cluster = actor.cluster_school_ids.contains(&school);
    match (action, actor.role) {
        (Action::Create | Action::Retire, Role::Teacher | Role::SchoolAdmin) => own,
        (Action::Update, Role::SchoolAdmin) => own,
        (_, Role::ClusterHead) => in_cluster,
        _ => false,
    }
}
