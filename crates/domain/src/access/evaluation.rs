//! Who may see and do what in the bundled cluster evaluation (捆绑考核) and the figures it reads.
//!
//! Figures are read by those who lead: the bureau and inspectors the county and every cluster
//! and school, a cluster head their cluster and its schools, a principal their school; a
//! teacher none. The bureau keeps the indicator system and the rounds: it opens a round,
//! assigns evaluators (inspectors' accounts) to clusters and closes it. While a round is open an
//! evaluator sees and scores only the clusters assigned to them, and the bureau sees all; once
//! it is closed its results are read by the bureau and inspectors, by each cluster's head and by
//! the principals of its schools.

use super::Actor;
use crate::Role;
use crate::evaluation::Scope;

/// Whether `actor` may read the figures of `scope`; `cluster_schools` are the schools now in
/// the cluster when the scope is one.
pub fn may_read_figures(actor: &Actor, scope: Scope) -> bool {
    match (actor.role, scope) {
        (Role::BureauAdmin | Role::Inspector, _) => true,
        (Role::ClusterHead, Scope::Cluster(id)) => actor.cluster_id == Some(id),
        (Role::ClusterHead, Scope::School(id)) => actor.cluster_school_ids.contains(&id),
        (Role::SchoolAdmin, Scope::School(id)) => actor.school_id == Some(id),
        _ => false,
    }
}

/// The indicator system and the rounds: the bureau only.
pub fn may_manage(actor: &Actor) -> bool {
    actor.role == Role::BureauAdmin
}

/// Whether `actor` may score a cluster in an open round: an evaluator assigned to it.
pub fn may_score(actor: &Actor, assigned: bool) -> bool {
    assigned && matches!(actor.role, Role::Inspector | Role::BureauAdmin)
}

/// Whether `actor` may read a cluster's evaluation in a round: `cluster_schools` are its
/// schools now, `assigned` whether the actor evaluates it in this round.
pub fn may_read(actor: &Actor, cluster: i64, cluster_schools: &[i64], closed: bool, assigned: bool) -> bool {
    match actor.role {
        Role::BureauAdmin => true,
        Role::Inspector => closed || assigned,
        Role::ClusterHead => closed && actor.cluster_id == Some(cluster),
        Role::SchoolAdmin => closed && actor.school_id.is_some_and(|s| cluster_schools.contains(&s)),
        Role::Teacher => false,
    }
}

/// Students' scores (value-added's input): the bureau, and a school its own pupils'.
pub fn may_read_scores(actor: &Actor, school: Option<i64>) -> bool {
    match actor.role {
        Role::BureauAdmin => true,
        Role::SchoolAdmin => school.is_some() && actor.school_id == school,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, school: Option<i64>, cluster: Option<i64>, cluster_schools: Vec<i64>) -> Actor {
        Actor { user_id: 1, county_id: 1, role, school_id: school, cluster_id: cluster, cluster_school_ids: cluster_schools }
    }

    #[test]
    fn figures_follow_who_leads_what() {
        let head = actor(Role::ClusterHead, None, Some(7), vec![10, 11]);
        assert!(may_read_figures(&head, Scope::Cluster(7)));
        assert!(!may_read_figures(&head, Scope::Cluster(8)));
        assert!(may_read_figures(&head, Scope::School(11)));
        assert!(!may_read_figures(&head, Scope::School(12)));
        assert!(!may_read_figures(&head, Scope::County));
        let principal = actor(Role::SchoolAdmin, Some(10), None, vec![]);
        assert!(may_read_figures(&principal, Scope::School(10)));
        assert!(!may_read_figures(&principal, Scope::School(11)));
        assert!(!may_read_figures(&principal, Scope::Cluster(7)));
        assert!(!may_read_figures(&actor(Role::Teacher, Some(10), None, vec![]), Scope::School(10)));
        assert!(may_read_figures(&actor(Role::Inspector, None, None, vec![]), Scope::County));
    }

    #[test]
    fn results_wait_for_the_round_to_close() {
        let head = actor(Role::ClusterHead, None, Some(7), vec![10, 11]);
        assert!(!may_read(&head, 7, &[10, 11], false, false));
        assert!(may_read(&head, 7, &[10, 11], true, false));
        assert!(!may_read(&head, 8, &[12], true, false));
        let principal = actor(Role::SchoolAdmin, Some(11), None, vec![]);
        assert!(may_read(&principal, 7, &[10, 11], true, false));
        assert!(!may_read(&principal, 7, &[10, 11], false, false));
        let inspector = actor(Role::Inspector, None, None, vec![]);
        assert!(!may_read(&inspector, 7, &[10, 11], false, false));
        assert!(may_read(&inspector, 7, &[10, 11], false, true));
        assert!(may_score(&inspector, true) && !may_score(&inspector, false));
        assert!(!may_score(&head, true));
    }
}
