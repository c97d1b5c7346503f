//! Who may see teacher exchange (轮岗交流) figures and moves, plan, propose, and decide.
//!
//! Who is due to rotate is personnel information: the bureau and inspectors see the county, a
//! cluster head the cluster's schools, a principal their own school; teachers see none of it.
//! The bureau plans and proposes for the county, a cluster head for their cluster; a school's
//! admin (and its cluster's head) keeps its exclusions and mentorship records. A move is
//! agreed by the two schools' admins only — nobody agrees for a school — and confirmed by the
//! bureau only.

use super::{Action, Actor, Resource, Target, Visibility};
use crate::Role;

pub(super) fn visibility(actor: &Actor, _resource: Resource) -> Visibility {
    super::leaders_scope(actor)
}

/// `Create` (a plan, a proposal) for a cluster, or at one of its schools: its head.
/// `Update`/`Retire` (exclusions, mentorships) at a school: its admin, its cluster's head.
/// The bureau may do everything (handled by the caller).
pub(super) fn can_change(actor: &Actor, action: Action, target: &Target) -> bool {
    let own = target.school_id.is_some() && actor.school_id == target.school_id;
    let in_cluster = target.school_id.is_some_and(|s| actor.cluster_school_ids.contains(&s));
    match (action, actor.role) {
        (Action::Create, Role::ClusterHead) => (target.cluster_id.is_some() && target.cluster_id == actor.cluster_id) || in_cluster,
        (Action::Update | Action::Retire, Role::ClusterHead) => in_cluster,
        (Action::Update | Action::Retire, Role::SchoolAdmin) => own,
        _ => false,
    }
}

/// A decision on a move (`Update`): at a school, that school's admin agrees or declines; at the
/// county, the bureau confirms or declines. Checked before the bureau's general right, so the
/// bureau cannot agree for a school.
pub(super) fn can_decide(actor: &Actor, action: Action, target: &Target) -> bool {
    if action != Action::Update {
        return false;
    }
    match target.school_id {
        Some(school) => actor.role == Role::SchoolAdmin && actor.school_id == Some(school),
        None => actor.role == Role::BureauAdmin,
    }
}
