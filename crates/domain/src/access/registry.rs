//! Who may see and change the registry: schools, their statistics, teachers and facilities.

use super::{Action, Actor, Resource, Target, Visibility};
use crate::Role;

/// The registry of schools, facilities and statistics is open to everyone of the county (a
/// teacher books facilities of other schools, a principal compares with the cluster); teachers'
/// personal records are visible only within the reader's own scope.
pub(super) fn visibility(actor: &Actor, resource: Resource) -> Visibility {
    match (actor.role, resource) {
        (Role::BureauAdmin | Role::Inspector, _) => Visibility::County,
        (_, Resource::School | Resource::SchoolStats | Resource::Facility) => Visibility::County,
        (Role::ClusterHead, _) => Visibility::Schools(actor.cluster_school_ids.clone()),
        (Role::SchoolAdmin | Role::Teacher, _) => Visibility::Schools(actor.school_id.into_iter().collect()),
    }
}

/// A school admin keeps their own school's records (creating or retiring a school is the
/// bureau's decision); a cluster head runs the shared facilities of the member schools.
pub(super) fn can_change(actor: &Actor, action: Action, resource: Resource, target: &Target) -> bool {
    let own_school = target.school_id.is_some() && target.school_id == actor.school_id;
    let in_own_cluster = target.school_id.is_some_and(|s| actor.cluster_school_ids.contains(&s));
    match (actor.role, resource) {
        (Role::ClusterHead, Resource::Facility) => in_own_cluster,
        (Role::SchoolAdmin, Resource::School) => action == Action::Update && own_school,
        (Role::SchoolAdmin, Resource::SchoolStats | Resource::Teacher | Resource::Facility) => own_school,
        _ => false,
    }
}

pub(super) fn may_import(actor: &Actor, resource: Resource) -> bool {
    match actor.role {
        Role::BureauAdmin | Role::SchoolAdmin => true,
        Role::ClusterHead => resource == Resource::Facility,
        Role::Inspector | Role::Teacher => false,
    }
}
