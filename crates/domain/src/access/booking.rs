//! Who may see, make and decide bookings of shared facilities.
//!
//! A booking concerns two schools: the one that borrows (its teachers and admin make the
//! request) and the one that lends (its admin approves or declines). A booking is cancelled
//! only by the person who asked for it, their school's admin, or the lending side — never by a
//! colleague. Each sees the bookings that involve it; a cluster head those of the cluster's
//! schools; the bureau and inspectors the county's.

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
/// `Retire` (cancel anyone's booking) at the borrowing school: its admin only; a teacher
/// cancels only what they asked for themselves (see [`may_cancel`]).
/// The bureau may do everything (handled by the caller).
pub(super) fn can_change(actor: &Actor, action: Action, target: &Target) -> bool {
    let Some(school) = target.school_id else { return false };
    let own = actor.school_id == Some(school);
    let in_cluster = actor.cluster_school_ids.contains(&school);
    match (action, actor.role) {
        (Action::Create, Role::Teacher | Role::SchoolAdmin) => own,
        (Action::Update | Action::Retire, Role::SchoolAdmin) => own,
        (Action::Create | Action::Update, Role::ClusterHead) => in_cluster,
        _ => false,
    }
}

/// The parties of one booking, as the policy sees them.
#[derive(Debug, Clone, Copy)]
pub struct Parties {
    pub county_id: i64,
    /// The borrowing school.
    pub school_id: i64,
    /// The lending school (the facility's).
    pub owner_school_id: i64,
    /// Who asked for it (none for bookings made by the system).
    pub requested_by: Option<i64>,
}

/// Cancel a booking (or its series): the person who asked for it, the borrowing school's
/// admin, and the lending side (who may decide it: the facility's school admin, the head of its
/// cluster, the bureau). A colleague at the same school may not: the booking is not theirs.
pub fn may_cancel(actor: &Actor, b: &Parties) -> bool {
    if actor.county_id != b.county_id {
        return false;
    }
    let requester = b.requested_by == Some(actor.user_id);
    requester
        || super::can(actor, Action::Retire, Resource::Booking, &Target::school(b.county_id, b.school_id))
        || super::can(actor, Action::Update, Resource::Booking, &Target::school(b.county_id, b.owner_school_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(user_id: i64, role: Role, school: Option<i64>) -> Actor {
        Actor { user_id, county_id: 1, role, school_id: school, cluster_id: Some(5), cluster_school_ids: vec![20] }
    }

    #[test]
    fn only_the_requester_their_admin_and_the_lender_cancel() {
        let b = Parties { county_id: 1, school_id: 10, owner_school_id: 20, requested_by: Some(7) };
        assert!(may_cancel(&actor(7, Role::Teacher, Some(10)), &b), "the requester");
        assert!(!may_cancel(&actor(8, Role::Teacher, Some(10)), &b), "a colleague");
        assert!(may_cancel(&actor(9, Role::SchoolAdmin, Some(10)), &b), "the borrowing school's admin");
        assert!(!may_cancel(&actor(9, Role::SchoolAdmin, Some(11)), &b), "another school's admin");
        assert!(may_cancel(&actor(10, Role::SchoolAdmin, Some(20)), &b), "the lender's admin");
        assert!(may_cancel(&actor(11, Role::ClusterHead, None), &b), "the head of the lender's cluster");
        assert!(may_cancel(&actor(12, Role::BureauAdmin, None), &b), "the bureau");
        assert!(!may_cancel(&actor(13, Role::Inspector, None), &b), "inspectors change nothing");
        assert!(!may_cancel(&actor(14, Role::Teacher, Some(20)), &b), "a teacher of the lender");
        let other = Actor { county_id: 2, ..actor(7, Role::Teacher, Some(10)) };
        assert!(!may_cancel(&other, &b), "another county");
    }
}
