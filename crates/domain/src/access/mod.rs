//! The access policy: the one place that decides who may do what (DOMAIN.md §2).
//!
//! Use cases describe the request as an [`Action`] on a [`Resource`] at a [`Target`] and ask
//! [`can`]; list queries ask [`visibility`] which schools' records to include. Nothing else in
//! the code base decides a permission.
//!
//! The rules are kept per feature (`registry.rs`, `clusters.rs`, `accounts.rs`); this module
//! holds what they share and sends each resource to its feature's rules. A new feature adds its
//! resources to [`Resource`], a file of rules, and one arm in each of [`visibility`],
//! [`can_change`] and [`may_import`].

mod accounts;
pub mod booking;
mod clusters;
pub mod evaluation;
mod exchange;
pub mod library;
mod registry;
pub mod running;

use crate::Role;
use serde::Serialize;

/// Who is asking: the signed-in user with the scope their role is bound to.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub county_id: i64,
    pub role: Role,
    /// The school of a school admin or teacher.
    pub school_id: Option<i64>,
    /// The cluster of a cluster head.
    pub cluster_id: Option<i64>,
    /// The schools currently in the cluster head's cluster (empty for other roles).
    pub cluster_school_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Create,
    Update,
    Retire,
    Export,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    School,
    SchoolStats,
    Teacher,
    Facility,
    Cluster,
    Account,
    AuditLog,
    /// Cluster plans: the bureau plans and applies; inspectors read.
    Plan,
    /// Bookings of shared facilities, at the school they concern (see `booking.rs`).
    Booking,
    /// Teacher exchange: who is due, shortages, rotation plans, moves, exclusions, mentorships
    /// (see `exchange.rs`).
    Exchange,
    /// A decision on a teacher's move: a school agrees, the bureau confirms (see `exchange.rs`).
    MoveDecision,
    /// The resource library's figures of sharing and use; single resources are decided by
    /// their sharing (see `library.rs`).
    Library,
}

/// Where the record lives: its county, and the school or cluster it belongs to, if any.
#[derive(Debug, Clone, Copy, Default)]
pub struct Target {
    pub county_id: i64,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
}

impl Target {
    pub fn county(county_id: i64) -> Self {
        Target { county_id, school_id: None, cluster_id: None }
    }
    pub fn school(county_id: i64, school_id: i64) -> Self {
        Target { county_id, school_id: Some(school_id), cluster_id: None }
    }
    pub fn cluster(county_id: i64, cluster_id: i64) -> Self {
        Target { county_id, school_id: None, cluster_id: Some(cluster_id) }
    }
}

/// Which schools' records a list may include for this actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    County,
    Schools(Vec<i64>),
    Nothing,
}

impl Visibility {
    pub fn includes(&self, school_id: i64) -> bool {
        match self {
            Visibility::County => true,
            Visibility::Schools(ids) => ids.contains(&school_id),
            Visibility::Nothing => false,
        }
    }
}

/// The records of `resource` this actor may read, as a set of schools of their county.
pub fn visibility(actor: &Actor, resource: Resource) -> Visibility {
    use Resource as R;
    match resource {
        R::School | R::SchoolStats | R::Teacher | R::Facility => registry::visibility(actor, resource),
        R::Cluster | R::Plan => clusters::visibility(actor, resource),
        R::Account | R::AuditLog => accounts::visibility(actor, resource),
        R::Booking => booking::visibility(actor, resource),
        R::Exchange | R::MoveDecision => exchange::visibility(actor, resource),
        R::Library => library::visibility(actor, resource),
    }
}

/// Figures about people and their use of things, read by those who lead: the bureau and
/// inspectors the county, a cluster head the cluster's schools, a principal their school, a
/// teacher none (exchange and library figures).
fn leaders_scope(actor: &Actor) -> Visibility {
    match actor.role {
        Role::BureauAdmin | Role::Inspector => Visibility::County,
        Role::ClusterHead => Visibility::Schools(actor.cluster_school_ids.clone()),
        Role::SchoolAdmin => Visibility::Schools(actor.school_id.into_iter().collect()),
        Role::Teacher => Visibility::Nothing,
    }
}

/// Whether `actor` may perform `action` on `resource` at `target`.
pub fn can(actor: &Actor, action: Action, resource: Resource, target: &Target) -> bool {
    if actor.county_id != target.county_id {
        return false;
    }
    match action {
        Action::Read | Action::Export => match visibility(actor, resource) {
            Visibility::County => true,
            Visibility::Nothing => false,
            // A list-level request (no school) is allowed and then filtered by visibility.
            Visibility::Schools(ids) => target.school_id.is_none_or(|s| ids.contains(&s)),
        },
        Action::Create | Action::Update | Action::Retire => can_change(actor, action, resource, target),
    }
}

/// Whether the actor may import a file of `resource` at all; each row is then checked with
/// [`can`] at its own school.
pub fn may_import(actor: &Actor, resource: Resource) -> bool {
    use Resource as R;
    match resource {
        R::School | R::SchoolStats | R::Teacher | R::Facility => registry::may_import(actor, resource),
        R::Cluster | R::Plan | R::Account | R::AuditLog | R::Booking | R::Exchange | R::MoveDecision | R::Library => {
            actor.role == Role::BureauAdmin
        }
    }
}

fn can_change(actor: &Actor, action: Action, resource: Resource, target: &Target) -> bool {
    use Resource as R;
    // A move is agreed by each school for itself: nobody, not even the bureau, agrees for it.
    if resource == R::MoveDecision {
        return exchange::can_decide(actor, action, target);
    }
    // The bureau decides everything in its county; inspectors change nothing; teachers book.
    match actor.role {
        Role::BureauAdmin => return true,
        Role::Inspector => return false,
        Role::Teacher if resource != R::Booking => return false,
        Role::Teacher | Role::ClusterHead | Role::SchoolAdmin => {}
    }
    match resource {
        R::School | R::SchoolStats | R::Teacher | R::Facility => registry::can_change(actor, action, resource, target),
        R::Cluster | R::Plan => clusters::can_change(actor, action, resource, target),
        R::Account | R::AuditLog => false,
        R::Booking => booking::can_change(actor, action, target),
        R::Exchange => exchange::can_change(actor, action, target),
        R::MoveDecision | R::Library => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor { user_id: 1, county_id: 1, role, school_id: Some(10), cluster_id: Some(5), cluster_school_ids: vec![10, 11] }
    }

    #[test]
    fn exchange_figures_are_not_for_teachers_and_heads_plan_their_cluster() {
        assert_eq!(visibility(&actor(Role::Teacher), Resource::Exchange), Visibility::Nothing);
        assert_eq!(visibility(&actor(Role::SchoolAdmin), Resource::Exchange), Visibility::Schools(vec![10]));
        let head = actor(Role::ClusterHead);
        assert!(can(&head, Action::Create, Resource::Exchange, &Target::cluster(1, 5)));
        assert!(!can(&head, Action::Create, Resource::Exchange, &Target::cluster(1, 6)));
        assert!(!can(&head, Action::Create, Resource::Exchange, &Target::county(1)));
        assert!(!can(&actor(Role::SchoolAdmin), Action::Create, Resource::Exchange, &Target::cluster(1, 5)));
        assert!(can(&actor(Role::BureauAdmin), Action::Create, Resource::Exchange, &Target::county(1)));
    }

    #[test]
    fn only_the_two_schools_agree_to_a_move_and_only_the_bureau_confirms() {
        let admin = actor(Role::SchoolAdmin);
        let at = |s| Target::school(1, s);
        assert!(can(&admin, Action::Update, Resource::MoveDecision, &at(10)));
        assert!(!can(&admin, Action::Update, Resource::MoveDecision, &at(11)), "another school's admin");
        assert!(!can(&admin, Action::Update, Resource::MoveDecision, &Target::county(1)), "a school does not confirm");
        for role in [Role::BureauAdmin, Role::ClusterHead, Role::Inspector, Role::Teacher] {
            assert!(!can(&actor(role), Action::Update, Resource::MoveDecision, &at(10)), "{role:?} agrees for a school");
        }
        assert!(can(&actor(Role::BureauAdmin), Action::Update, Resource::MoveDecision, &Target::county(1)));
        assert!(!can(&actor(Role::ClusterHead), Action::Update, Resource::MoveDecision, &Target::county(1)));
        assert!(!can(&actor(Role::BureauAdmin), Action::Update, Resource::MoveDecision, &Target::county(2)), "another county");
    }

    #[test]
    fn nobody_crosses_a_county() {
        for role in Role::ALL {
            for resource in [Resource::School, Resource::Teacher, Resource::Facility] {
                assert!(!can(&actor(*role), Action::Read, resource, &Target::school(2, 10)));
            }
        }
    }

    #[test]
    fn inspector_reads_everything_and_changes_nothing() {
        let a = actor(Role::Inspector);
        assert!(can(&a, Action::Read, Resource::Teacher, &Target::school(1, 99)));
        assert!(can(&a, Action::Read, Resource::AuditLog, &Target::county(1)));
        for action in [Action::Create, Action::Update, Action::Retire] {
            assert!(!can(&a, action, Resource::School, &Target::school(1, 10)));
        }
        assert!(!can(&a, Action::Read, Resource::Account, &Target::county(1)));
    }

    #[test]
    fn school_admin_changes_only_their_school() {
        let a = actor(Role::SchoolAdmin);
        assert!(can(&a, Action::Update, Resource::School, &Target::school(1, 10)));
        assert!(!can(&a, Action::Update, Resource::School, &Target::school(1, 11)));
        assert!(!can(&a, Action::Create, Resource::School, &Target::school(1, 10)));
        assert!(can(&a, Action::Create, Resource::Teacher, &Target::school(1, 10)));
        assert!(!can(&a, Action::Read, Resource::Teacher, &Target::school(1, 11)));
        assert_eq!(visibility(&a, Resource::Teacher), Visibility::Schools(vec![10]));
    }

    #[test]
    fn cluster_head_runs_member_facilities_and_own_cluster() {
        let a = actor(Role::ClusterHead);
        assert!(can(&a, Action::Update, Resource::Facility, &Target::school(1, 11)));
        assert!(!can(&a, Action::Update, Resource::Facility, &Target::school(1, 12)));
        assert!(can(&a, Action::Update, Resource::Cluster, &Target::cluster(1, 5)));
        assert!(!can(&a, Action::Update, Resource::Cluster, &Target::cluster(1, 6)));
        assert!(!can(&a, Action::Create, Resource::Cluster, &Target::county(1)));
        assert!(can(&a, Action::Read, Resource::Teacher, &Target::school(1, 11)));
        assert!(!can(&a, Action::Read, Resource::Teacher, &Target::school(1, 12)));
    }

    #[test]
    fn teacher_reads_registry_but_changes_nothing() {
        let a = actor(Role::Teacher);
        assert!(can(&a, Action::Read, Resource::Facility, &Target::school(1, 40)));
        assert!(!can(&a, Action::Update, Resource::Teacher, &Target::school(1, 10)));
        assert!(!can(&a, Action::Read, Resource::AuditLog, &Target::county(1)));
    }
}
