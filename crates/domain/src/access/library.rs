//! Who may find, use and change resources of the teaching-resource library (教学资源库).
//!
//! A resource is shared with its own school, its school's cluster, or the whole county; its own
//! school always sees it. The bureau and inspectors see the whole county's library (it is the
//! county's filing cabinet). Anyone who may see a resource may preview and download it, and
//! rate and comment on it unless they are an inspector (read-only). Its uploader and their school's admin edit, replace and withdraw it; the
//! bureau does not edit it but takes it down with a reason (and alone brings it back). Withdrawn and taken-down resources are never found;
//! their page is left to those who may change them and to the bureau and inspectors.
//! Figures of sharing and use are read like the registry's: the bureau and inspectors the
//! county, a cluster head their cluster's schools, a principal their school.

use super::{Actor, Resource, Visibility};
use crate::Role;
use crate::library::{ResourceStatus, Sharing};

/// A resource as the policy sees it.
#[derive(Debug, Clone, Copy)]
pub struct Shared {
    pub county_id: i64,
    /// None for the bureau's own uploads (shared with the county).
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub uploader_id: i64,
    pub sharing: Sharing,
    pub status: ResourceStatus,
}

/// What a person may find: everything in the county, or what is shared county-wide plus their
/// schools' own and their clusters' resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shelf {
    pub county_id: i64,
    pub everything: bool,
    pub schools: Vec<i64>,
    pub clusters: Vec<i64>,
}

/// The shelf of `actor`, whose school belongs to `school_clusters` now.
pub fn shelf(actor: &Actor, school_clusters: &[i64]) -> Shelf {
    let everything = matches!(actor.role, Role::BureauAdmin | Role::Inspector);
    let mut clusters: Vec<i64> = school_clusters.to_vec();
    clusters.extend(actor.cluster_id);
    clusters.sort_unstable();
    clusters.dedup();
    Shelf { county_id: actor.county_id, everything, schools: actor.school_id.into_iter().collect(), clusters }
}

/// Whether the resource is on the shelf (status aside).
fn on_shelf(shelf: &Shelf, item: &Shared) -> bool {
    shelf.county_id == item.county_id
        && (shelf.everything
            || item.sharing == Sharing::County
            || item.school_id.is_some_and(|s| shelf.schools.contains(&s))
            || (item.sharing == Sharing::Cluster && item.cluster_id.is_some_and(|k| shelf.clusters.contains(&k))))
}

/// Whether `actor` may open, preview, download, rate and comment on the resource. A withdrawn
/// or taken-down one stays open to its uploader and their school's admin (who read why) and to
/// the bureau and inspectors.
pub fn may_see(actor: &Actor, shelf: &Shelf, item: &Shared) -> bool {
    match item.status {
        ResourceStatus::Active => on_shelf(shelf, item),
        ResourceStatus::Withdrawn | ResourceStatus::TakenDown => {
            answers_for(actor, item) || (shelf.everything && shelf.county_id == item.county_id)
        }
    }
}

/// Rate and comment on it: whoever may see it, except inspectors, who read and change nothing
/// (their stars and words would count as a school's use).
pub fn may_discuss(actor: &Actor, shelf: &Shelf, item: &Shared) -> bool {
    actor.role != Role::Inspector && may_see(actor, shelf, item)
}

/// The uploader, their school's admin, the bureau.
fn answers_for(actor: &Actor, item: &Shared) -> bool {
    owns(actor, item) || (actor.county_id == item.county_id && actor.role == Role::BureauAdmin)
}

/// The uploader and their school's admin (the bureau for its own uploads, which belong to no
/// school): those whose resource it is.
fn owns(actor: &Actor, item: &Shared) -> bool {
    actor.county_id == item.county_id
        && (actor.user_id == item.uploader_id
            || (actor.role == Role::SchoolAdmin && actor.school_id.is_some() && actor.school_id == item.school_id)
            || (actor.role == Role::BureauAdmin && item.school_id.is_none()))
}

/// Edit, replace with a new version, withdraw and share again: the uploader and their school's
/// admin only. The bureau does not edit other people's resources; it takes them down (and
/// brings them back, see [`may_restore`]). A taken-down resource is changed by nobody.
pub fn may_change(actor: &Actor, item: &Shared) -> bool {
    owns(actor, item) && item.status != ResourceStatus::TakenDown
}

/// Share again: a withdrawn resource by those who may change it, a taken-down one by the
/// bureau only.
pub fn may_restore(actor: &Actor, item: &Shared) -> bool {
    match item.status {
        ResourceStatus::TakenDown => may_take_down(actor, item),
        ResourceStatus::Active | ResourceStatus::Withdrawn => may_change(actor, item),
    }
}

/// Take down with a reason: the bureau only.
pub fn may_take_down(actor: &Actor, item: &Shared) -> bool {
    actor.role == Role::BureauAdmin && actor.county_id == item.county_id
}

/// Upload for `school` (None: the bureau's own): teachers, principals and cluster heads for
/// their own school, the bureau for any school of the county or itself; inspectors do not.
pub fn may_upload(actor: &Actor, school: Option<i64>) -> bool {
    match actor.role {
        Role::BureauAdmin => true,
        Role::Inspector => false,
        Role::Teacher | Role::SchoolAdmin | Role::ClusterHead => school.is_some() && school == actor.school_id,
    }
}

/// Keep a cluster's curated collection: the bureau, and the cluster's head.
pub fn may_curate(actor: &Actor, county_id: i64, cluster_id: i64) -> bool {
    actor.county_id == county_id
        && (actor.role == Role::BureauAdmin || (actor.role == Role::ClusterHead && actor.cluster_id == Some(cluster_id)))
}

/// A collection: a person's own (`owner`), or a cluster's curated one.
#[derive(Debug, Clone, Copy)]
pub struct Collection {
    pub county_id: i64,
    pub owner_id: Option<i64>,
    pub cluster_id: Option<i64>,
}

/// Put resources in or take them out: its owner; for a cluster's, those who curate it.
pub fn may_fill(actor: &Actor, c: &Collection) -> bool {
    match (c.owner_id, c.cluster_id) {
        (Some(owner), _) => actor.county_id == c.county_id && owner == actor.user_id,
        (None, Some(k)) => may_curate(actor, c.county_id, k),
        _ => false,
    }
}

/// Open it: a person's only its owner; a cluster's everyone who finds that cluster's resources.
pub fn may_open(actor: &Actor, shelf: &Shelf, c: &Collection) -> bool {
    match (c.owner_id, c.cluster_id) {
        (Some(owner), _) => actor.county_id == c.county_id && owner == actor.user_id,
        (None, Some(k)) => shelf.county_id == c.county_id && (shelf.everything || shelf.clusters.contains(&k)),
        _ => false,
    }
}

/// Whose sharing and use figures a person reads.
pub(super) fn visibility(actor: &Actor, _resource: Resource) -> Visibility {
    super::leaders_scope(actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(user_id: i64, role: Role, school: Option<i64>, cluster: Option<i64>) -> Actor {
        Actor { user_id, county_id: 1, role, school_id: school, cluster_id: cluster, cluster_school_ids: vec![] }
    }

    fn item(sharing: Sharing, status: ResourceStatus) -> Shared {
        Shared { county_id: 1, school_id: Some(10), cluster_id: Some(5), uploader_id: 7, sharing, status }
    }

    #[test]
    fn sharing_decides_who_finds_it() {
        let uploader = actor(7, Role::Teacher, Some(10), None);
        let colleague = actor(8, Role::Teacher, Some(10), None);
        let member = actor(9, Role::Teacher, Some(11), None);
        let outsider = actor(12, Role::Teacher, Some(30), None);
        let inspector = actor(13, Role::Inspector, None, None);
        let other_county = Actor { county_id: 2, ..actor(14, Role::BureauAdmin, None, None) };
        let sees = |a: &Actor, clusters: &[i64], s| may_see(a, &shelf(a, clusters), &item(s, ResourceStatus::Active));
        for s in Sharing::ALL {
            assert!(sees(&uploader, &[5], *s) && sees(&colleague, &[], *s) && sees(&inspector, &[], *s), "{s:?}");
            assert!(!sees(&other_county, &[], *s));
        }
        assert!(!sees(&member, &[5], Sharing::School));
        assert!(sees(&member, &[5], Sharing::Cluster) && sees(&member, &[5], Sharing::County));
        assert!(!sees(&outsider, &[6], Sharing::Cluster) && sees(&outsider, &[6], Sharing::County));
        let head = actor(15, Role::ClusterHead, None, Some(5));
        assert!(sees(&head, &[], Sharing::Cluster) && !sees(&head, &[], Sharing::School));
    }

    #[test]
    fn withdrawn_resources_are_left_to_those_who_may_change_them() {
        let gone = item(Sharing::County, ResourceStatus::Withdrawn);
        let uploader = actor(7, Role::Teacher, Some(10), None);
        let colleague = actor(8, Role::Teacher, Some(10), None);
        let principal = actor(20, Role::SchoolAdmin, Some(10), None);
        let bureau = actor(21, Role::BureauAdmin, None, None);
        assert!(may_see(&uploader, &shelf(&uploader, &[]), &gone));
        assert!(!may_see(&colleague, &shelf(&colleague, &[]), &gone));
        assert!(may_change(&principal, &gone) && !may_change(&colleague, &gone));
        let inspector = actor(13, Role::Inspector, None, None);
        let open = item(Sharing::County, ResourceStatus::Active);
        assert!(may_see(&inspector, &shelf(&inspector, &[]), &open) && !may_discuss(&inspector, &shelf(&inspector, &[]), &open));
        assert!(may_discuss(&colleague, &shelf(&colleague, &[]), &open) && may_discuss(&bureau, &shelf(&bureau, &[]), &open));
        let down = item(Sharing::County, ResourceStatus::TakenDown);
        assert!(!may_change(&uploader, &down) && !may_change(&bureau, &down));
        assert!(!may_restore(&uploader, &down) && may_restore(&bureau, &down));
        assert!(may_restore(&principal, &gone) && !may_restore(&bureau, &gone));
        let active = item(Sharing::County, ResourceStatus::Active);
        assert!(!may_change(&bureau, &active), "the bureau takes down, it does not edit");
        assert!(may_change(&uploader, &active) && may_change(&principal, &active));
        let own = Shared { school_id: None, uploader_id: 21, ..active };
        let colleague_at_bureau = actor(22, Role::BureauAdmin, None, None);
        assert!(may_change(&colleague_at_bureau, &own), "the bureau's own uploads are the bureau's");
        assert!(may_see(&uploader, &shelf(&uploader, &[]), &down), "the uploader reads why");
        assert!(!may_see(&colleague, &shelf(&colleague, &[]), &down));
        assert!(may_take_down(&bureau, &gone) && !may_take_down(&principal, &gone));
        assert!(may_upload(&uploader, Some(10)) && !may_upload(&uploader, Some(11)) && !may_upload(&uploader, None));
        assert!(may_upload(&bureau, None) && !may_upload(&actor(13, Role::Inspector, None, None), None));
        assert!(may_curate(&actor(15, Role::ClusterHead, None, Some(5)), 1, 5));
        let mine = Collection { county_id: 1, owner_id: Some(7), cluster_id: None };
        let cluster = Collection { county_id: 1, owner_id: None, cluster_id: Some(5) };
        let head = actor(15, Role::ClusterHead, None, Some(5));
        assert!(may_fill(&uploader, &mine) && !may_fill(&colleague, &mine) && !may_open(&colleague, &shelf(&colleague, &[5]), &mine));
        assert!(may_fill(&head, &cluster) && !may_fill(&uploader, &cluster));
        assert!(may_open(&uploader, &shelf(&uploader, &[5]), &cluster) && !may_open(&uploader, &shelf(&uploader, &[6]), &cluster));
        assert!(!may_curate(&actor(15, Role::ClusterHead, None, Some(5)), 1, 6));
    }
}
