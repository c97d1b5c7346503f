//! Who may see and do what in running a cluster (学区运行): activities, attendance, training
//! hours, work plans, the council and budgets.
//!
//! An activity is open to the schools of its cluster, its host and the schools invited to it;
//! the bureau and inspectors see every activity of the county. It is scheduled by the bureau, by
//! the head of its cluster, by the admin of its host school (for a cluster their school belongs
//! to), and — for a 名师工作室 session only — by a teacher at their own school. Its organiser, the
//! head of its cluster, the host school's admin and the bureau manage it: edit, cancel, show the
//! check-in code, mark attendance by hand, write the record. A school's admin assigns their own
//! teachers to an activity open to their school. Every teacher it is open to signs up for
//! themselves.
//!
//! Training hours are a person's own; leaders read them as they read exchange figures (the
//! bureau and inspectors the county, a head their cluster, a principal their school); a school's
//! admin enters hours earned elsewhere for their teachers.
//!
//! A cluster's plan, council and minutes are read by everyone at its schools and by the bureau
//! and inspectors, and written by its head and the bureau (a task's owner school's admin
//! reports the task's progress). Its budget is read by its head, its schools' admins, the
//! bureau and inspectors; the bureau sets it; the head and member schools' admins ask to spend;
//! the head approves, and the bureau too above the county's limit; nobody decides their own
//! request (the bureau decides the head's).

use super::{Actor, Visibility, leaders_scope};
use crate::Role;
use crate::activity::ActivityKind;

/// An activity as the policy sees it.
#[derive(Debug, Clone)]
pub struct Held {
    pub county_id: i64,
    pub cluster_id: Option<i64>,
    pub host_school_id: i64,
    pub organiser_id: i64,
    /// The schools it is open to: its cluster's, its host, the invited.
    pub open_to: Vec<i64>,
}

fn county_wide(actor: &Actor) -> bool {
    matches!(actor.role, Role::BureauAdmin | Role::Inspector)
}

/// Whether `actor` may see the activity (and its attendance count).
pub fn may_see(actor: &Actor, a: &Held) -> bool {
    actor.county_id == a.county_id
        && (county_wide(actor)
            || actor.user_id == a.organiser_id
            || (actor.role == Role::ClusterHead && (a.cluster_id.is_some() && a.cluster_id == actor.cluster_id))
            || actor.school_id.is_some_and(|s| a.open_to.contains(&s)))
}

/// Whether `actor` may schedule an activity of `kind` hosted at `host` for `cluster`, whose
/// schools are `cluster_schools` (empty for a county-wide activity without a cluster).
pub fn may_schedule(actor: &Actor, kind: ActivityKind, host: i64, cluster: Option<i64>, cluster_schools: &[i64]) -> bool {
    let host_in_cluster = cluster.is_none() || cluster_schools.contains(&host);
    match actor.role {
        Role::BureauAdmin => host_in_cluster,
        Role::Inspector => false,
        Role::ClusterHead => cluster.is_some() && cluster == actor.cluster_id && host_in_cluster,
        Role::SchoolAdmin => actor.school_id == Some(host) && cluster.is_some() && host_in_cluster,
        Role::Teacher => kind == ActivityKind::MasterStudio && actor.school_id == Some(host) && cluster.is_some() && host_in_cluster,
    }
}

/// Whether `actor` may schedule some activity at all (the form is offered then).
pub fn may_schedule_some(actor: &Actor) -> bool {
    match actor.role {
        Role::BureauAdmin | Role::ClusterHead | Role::SchoolAdmin => true,
        // A teacher schedules 名师工作室 sessions at their school.
        Role::Teacher => actor.school_id.is_some(),
        Role::Inspector => false,
    }
}

/// The schools `actor` may offer as an activity's host on the form (each choice is still
/// checked by [`may_schedule`]).
pub fn may_host(actor: &Actor, school: i64) -> bool {
    match actor.role {
        Role::BureauAdmin => true,
        Role::ClusterHead => actor.cluster_school_ids.contains(&school),
        Role::SchoolAdmin | Role::Teacher => actor.school_id == Some(school),
        Role::Inspector => false,
    }
}

/// Edit, cancel, show the check-in code, mark attendance, write the record.
pub fn may_manage(actor: &Actor, a: &Held) -> bool {
    actor.county_id == a.county_id
        && (actor.role == Role::BureauAdmin
            || actor.user_id == a.organiser_id
            || (actor.role == Role::ClusterHead && a.cluster_id.is_some() && a.cluster_id == actor.cluster_id)
            || (actor.role == Role::SchoolAdmin && actor.school_id == Some(a.host_school_id)))
}

/// Whether `actor` sees who goes: those who manage it, and the leaders of schools it is open to
/// (a principal sees their own school's teachers only — the app filters by `attendee_schools`).
pub fn may_see_attendees(actor: &Actor, a: &Held) -> bool {
    may_manage(actor, a) || (may_see(actor, a) && actor.role != Role::Teacher)
}

/// The schools whose attendees `actor` sees on the list of the activity.
pub fn attendee_schools(actor: &Actor, a: &Held) -> Visibility {
    if may_manage(actor, a) || county_wide(actor) || actor.role == Role::ClusterHead {
        Visibility::County
    } else if actor.role == Role::SchoolAdmin {
        Visibility::Schools(actor.school_id.into_iter().collect())
    } else {
        Visibility::Nothing
    }
}

/// Whether `actor` may put a teacher of `teacher_school` on the activity's list (assign).
pub fn may_assign(actor: &Actor, a: &Held, teacher_school: i64) -> bool {
    a.open_to.contains(&teacher_school)
        && (may_manage(actor, a) || (actor.role == Role::SchoolAdmin && actor.school_id == Some(teacher_school)))
}

/// Whether `actor` puts anyone on the activity's list: those who manage it, and the admin of a
/// school it is open to (their own teachers, see [`may_assign`]).
pub fn may_assign_some(actor: &Actor, a: &Held) -> bool {
    may_manage(actor, a) || (actor.role == Role::SchoolAdmin && actor.school_id.is_some_and(|s| a.open_to.contains(&s)))
}

/// Whether `actor` links an account of `account_school` to a teacher record of
/// `teacher_school` (None: the account alone is asked about): the bureau any; a school's admin
/// their own school's accounts to their own school's teachers.
pub fn may_link_account(actor: &Actor, account_school: Option<i64>, teacher_school: Option<i64>) -> bool {
    let own = |s: Option<i64>| actor.role == Role::SchoolAdmin && actor.school_id.is_some() && actor.school_id == s;
    actor.role == Role::BureauAdmin || (own(account_school) && teacher_school.is_none_or(|t| own(Some(t))))
}

/// The county's settings for running clusters (hours required, the bureau's limit): the bureau.
pub fn may_set_settings(actor: &Actor) -> bool {
    actor.role == Role::BureauAdmin
}

/// Whether budgets exist for `actor` at all (teachers read none).
pub fn reads_budgets(actor: &Actor) -> bool {
    actor.role != Role::Teacher
}

/// Whether `actor` reads the affairs of clusters beyond their own (the cluster choice offered).
pub fn reads_all_affairs(actor: &Actor) -> bool {
    county_wide(actor)
}

/// Whose training hours `actor` reads besides their own.
pub fn hours_scope(actor: &Actor) -> Visibility {
    leaders_scope(actor)
}

/// Whether `actor` may enter hours earned elsewhere for a teacher of `school`.
pub fn may_enter_hours(actor: &Actor, school: i64) -> bool {
    actor.role == Role::BureauAdmin || (actor.role == Role::SchoolAdmin && actor.school_id == Some(school))
}

/// A cluster as this policy sees it.
#[derive(Debug, Clone)]
pub struct Affairs<'a> {
    pub county_id: i64,
    pub cluster_id: i64,
    pub schools: &'a [i64],
}

/// Plans, tasks, council and minutes: everyone at its schools, the bureau and inspectors.
pub fn may_read_affairs(actor: &Actor, c: &Affairs) -> bool {
    actor.county_id == c.county_id
        && (county_wide(actor)
            || (actor.role == Role::ClusterHead && actor.cluster_id == Some(c.cluster_id))
            || actor.school_id.is_some_and(|s| c.schools.contains(&s)))
}

/// Write the plan, its tasks, the council and minutes: the head and the bureau.
pub fn may_write_affairs(actor: &Actor, c: &Affairs) -> bool {
    actor.county_id == c.county_id
        && (actor.role == Role::BureauAdmin || (actor.role == Role::ClusterHead && actor.cluster_id == Some(c.cluster_id)))
}

/// Report a task's progress: who writes the plan, and the admin of the task's owner school.
pub fn may_report_task(actor: &Actor, c: &Affairs, owner_school: Option<i64>) -> bool {
    may_write_affairs(actor, c) || (actor.role == Role::SchoolAdmin && owner_school.is_some() && actor.school_id == owner_school)
}

/// Read the budget: the head, the schools' admins, the bureau and inspectors.
pub fn may_read_budget(actor: &Actor, c: &Affairs) -> bool {
    may_read_affairs(actor, c) && actor.role != Role::Teacher
}

/// Set the budget (its sources and categories): the bureau.
pub fn may_set_budget(actor: &Actor, c: &Affairs) -> bool {
    actor.county_id == c.county_id && actor.role == Role::BureauAdmin
}

/// Ask to spend: the head and the schools' admins (and the bureau).
pub fn may_request_spending(actor: &Actor, c: &Affairs) -> bool {
    may_read_budget(actor, c) && actor.role != Role::Inspector
}

/// Approve or decline spending as the cluster: its head (and the bureau, which may act for it).
pub fn may_approve_as_cluster(actor: &Actor, c: &Affairs) -> bool {
    may_write_affairs(actor, c)
}

/// Approve spending above the county's limit: the bureau.
pub fn may_approve_as_bureau(actor: &Actor, c: &Affairs) -> bool {
    may_set_budget(actor, c)
}

/// Approve or decline a request for spending by `requested_by`, at the cluster's step or —
/// `awaiting_bureau` — the bureau's. Nobody decides their own request: the next level does (the
/// bureau, acting for the cluster, for the head's own; another bureau account for the bureau's).
pub fn may_decide_spending(actor: &Actor, c: &Affairs, requested_by: i64, awaiting_bureau: bool) -> bool {
    actor.user_id != requested_by && if awaiting_bureau { may_approve_as_bureau(actor, c) } else { may_approve_as_cluster(actor, c) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, school: Option<i64>, cluster: Option<i64>) -> Actor {
        Actor { user_id: 9, county_id: 1, role, school_id: school, cluster_id: cluster, cluster_school_ids: vec![] }
    }

    fn held() -> Held {
        Held { county_id: 1, cluster_id: Some(5), host_school_id: 10, organiser_id: 3, open_to: vec![10, 11, 12] }
    }

    #[test]
    fn an_activity_is_seen_by_its_schools_and_managed_by_its_organisers() {
        let a = held();
        assert!(may_see(&actor(Role::Teacher, Some(11), None), &a));
        assert!(!may_see(&actor(Role::Teacher, Some(20), None), &a));
        assert!(!may_see(&Actor { county_id: 2, ..actor(Role::BureauAdmin, None, None) }, &a));
        assert!(may_manage(&actor(Role::ClusterHead, None, Some(5)), &a));
        assert!(!may_manage(&actor(Role::ClusterHead, None, Some(6)), &a));
        assert!(may_manage(&actor(Role::SchoolAdmin, Some(10), None), &a));
        assert!(!may_manage(&actor(Role::SchoolAdmin, Some(11), None), &a));
        assert!(may_assign(&actor(Role::SchoolAdmin, Some(11), None), &a, 11));
        assert!(!may_assign(&actor(Role::SchoolAdmin, Some(11), None), &a, 12));
        assert_eq!(attendee_schools(&actor(Role::SchoolAdmin, Some(11), None), &a), Visibility::Schools(vec![11]));
        assert!(!may_see_attendees(&actor(Role::Teacher, Some(11), None), &a));
    }

    #[test]
    fn who_schedules_what() {
        let k = ActivityKind::SameLesson;
        assert!(may_schedule(&actor(Role::ClusterHead, None, Some(5)), k, 10, Some(5), &[10, 11]));
        assert!(!may_schedule(&actor(Role::ClusterHead, None, Some(5)), k, 10, Some(6), &[10, 11]));
        assert!(!may_schedule(&actor(Role::ClusterHead, None, Some(5)), k, 30, Some(5), &[10, 11]), "the host is in the cluster");
        assert!(may_schedule(&actor(Role::SchoolAdmin, Some(10), None), k, 10, Some(5), &[10, 11]));
        assert!(!may_schedule(&actor(Role::Teacher, Some(10), None), k, 10, Some(5), &[10, 11]));
        assert!(may_schedule(&actor(Role::Teacher, Some(10), None), ActivityKind::MasterStudio, 10, Some(5), &[10, 11]));
        assert!(!may_schedule(&actor(Role::Inspector, None, None), k, 10, None, &[]));
    }

    #[test]
    fn budgets_are_for_leaders_and_the_bureau_approves_above_its_limit() {
        let c = Affairs { county_id: 1, cluster_id: 5, schools: &[10, 11] };
        assert!(may_read_affairs(&actor(Role::Teacher, Some(11), None), &c));
        assert!(!may_read_budget(&actor(Role::Teacher, Some(11), None), &c));
        assert!(may_request_spending(&actor(Role::SchoolAdmin, Some(11), None), &c));
        assert!(!may_approve_as_cluster(&actor(Role::SchoolAdmin, Some(11), None), &c));
        assert!(may_approve_as_cluster(&actor(Role::ClusterHead, None, Some(5)), &c));
        assert!(!may_approve_as_bureau(&actor(Role::ClusterHead, None, Some(5)), &c));
        assert!(!may_request_spending(&actor(Role::Inspector, None, None), &c));
        assert!(may_report_task(&actor(Role::SchoolAdmin, Some(11), None), &c, Some(11)));
        assert!(may_link_account(&actor(Role::SchoolAdmin, Some(11), None), Some(11), Some(11)));
        assert!(!may_link_account(&actor(Role::SchoolAdmin, Some(11), None), Some(11), Some(12)));
        assert!(!may_link_account(&actor(Role::ClusterHead, None, Some(5)), Some(11), None));
        assert!(!may_report_task(&actor(Role::SchoolAdmin, Some(11), None), &c, Some(10)));
    }

    #[test]
    fn nobody_decides_their_own_request_for_spending() {
        let c = Affairs { county_id: 1, cluster_id: 5, schools: &[10, 11] };
        let head = actor(Role::ClusterHead, None, Some(5));
        let bureau = Actor { user_id: 2, ..actor(Role::BureauAdmin, None, None) };
        assert!(may_decide_spending(&head, &c, 4, false), "a school's request: the head");
        assert!(!may_decide_spending(&head, &c, head.user_id, false), "the head's own: not the head…");
        assert!(may_decide_spending(&bureau, &c, head.user_id, false), "…but the bureau");
        assert!(!may_decide_spending(&head, &c, 4, true), "the bureau's step is the bureau's");
        assert!(may_decide_spending(&bureau, &c, head.user_id, true));
        assert!(!may_decide_spending(&bureau, &c, bureau.user_id, true), "the bureau's own: another account");
        assert!(!may_decide_spending(&actor(Role::SchoolAdmin, Some(11), None), &c, 4, false));
    }
}
