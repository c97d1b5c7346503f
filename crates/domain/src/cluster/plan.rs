//! Applying a cluster plan, decided without I/O: given the plan and today's county-level
//! districts, which memberships end, which districts keep their identity, which are dissolved,
//! which are founded and who joins where. The store carries the decision out in one transaction.
//!
//! A district whose lead leads a planned district keeps its identity and changes members; a
//! district whose lead is in the plan but leads nothing there is dissolved; a planned district
//! with a new lead is founded. Districts none of whose leads are in the plan are not touched.

use crate::ClusterForm;
use crate::problem::Problem;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// One district of a plan: its lead and its other members (school ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedCluster {
    pub lead: i64,
    pub members: Vec<i64>,
}

/// A district as it is today: its id, its lead, and every school now in it (lead included).
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub id: i64,
    pub lead: i64,
    pub schools: Vec<i64>,
}

/// Where a school joins: a district that stays, or the one founded for a planned lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Home {
    Existing(i64),
    Founded { lead: i64 },
}

/// The changes, in the order they are carried out: every membership that ends first, so that
/// schools are free to join their new district.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// `(district, school)` memberships that end.
    pub leave: Vec<(i64, i64)>,
    /// Districts that keep their identity (their members may change).
    pub kept: Vec<i64>,
    /// Districts dissolved.
    pub dissolved: Vec<i64>,
    /// Leads of districts founded.
    pub founded: Vec<i64>,
    /// `(where, school)` memberships that begin; a founded district's lead is not listed.
    pub join: Vec<(Home, i64)>,
}

/// What applying `planned` to today's `districts` changes. A planned district above the
/// district form's size limit refuses the whole plan.
pub fn changes(planned: &[PlannedCluster], districts: &[District]) -> Result<Changes, Problem> {
    if let Some(max) = super::max_schools(ClusterForm::District)
        && planned.iter().any(|c| 1 + c.members.len() > max)
    {
        return Err(Problem::ClusterFull { max });
    }
    let in_plan: HashSet<i64> = planned.iter().flat_map(|c| std::iter::once(c.lead).chain(c.members.iter().copied())).collect();
    let by_lead: HashMap<i64, &PlannedCluster> = planned.iter().map(|c| (c.lead, c)).collect();
    let mut out = Changes::default();
    let mut kept: HashMap<i64, &District> = HashMap::new();
    for d in districts.iter().filter(|d| in_plan.contains(&d.lead)) {
        let keep = by_lead.get(&d.lead);
        for &school in &d.schools {
            let stays = keep.is_some_and(|pc| school == pc.lead || pc.members.contains(&school));
            if !stays {
                out.leave.push((d.id, school));
            }
        }
        match keep {
            Some(_) => {
                kept.insert(d.lead, d);
                out.kept.push(d.id);
            }
            None => out.dissolved.push(d.id),
        }
    }
    for pc in planned {
        let (home, already): (Home, &[i64]) = match kept.get(&pc.lead) {
            Some(d) => (Home::Existing(d.id), &d.schools),
            None => {
                out.founded.push(pc.lead);
                (Home::Founded { lead: pc.lead }, &[])
            }
        };
        out.join.extend(pc.members.iter().filter(|s| !already.contains(s)).map(|&s| (home, s)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(lead: i64, members: &[i64]) -> PlannedCluster {
        PlannedCluster { lead, members: members.to_vec() }
    }

    fn district(id: i64, lead: i64, others: &[i64]) -> District {
        District { id, lead, schools: std::iter::once(lead).chain(others.iter().copied()).collect() }
    }

    #[test]
    fn a_district_whose_lead_still_leads_keeps_its_identity_and_changes_members() {
        let c = changes(&[planned(1, &[2, 4])], &[district(10, 1, &[2, 3])]).unwrap();
        assert_eq!(c.kept, vec![10]);
        assert_eq!(c.leave, vec![(10, 3)], "3 is not in the planned district");
        assert_eq!(c.join, vec![(Home::Existing(10), 4)], "2 stays and is not joined again");
        assert!(c.dissolved.is_empty() && c.founded.is_empty());
    }

    #[test]
    fn a_district_whose_lead_becomes_a_member_is_dissolved_and_the_new_lead_founds_one() {
        let c = changes(&[planned(2, &[1, 3])], &[district(10, 1, &[2, 3])]).unwrap();
        assert_eq!(c.dissolved, vec![10]);
        assert_eq!(c.leave, vec![(10, 1), (10, 2), (10, 3)], "every membership of a dissolved district ends");
        assert_eq!(c.founded, vec![2]);
        assert_eq!(c.join, vec![(Home::Founded { lead: 2 }, 1), (Home::Founded { lead: 2 }, 3)]);
    }

    #[test]
    fn districts_without_a_planned_school_are_left_alone() {
        let c = changes(&[planned(1, &[2])], &[district(10, 1, &[2]), district(20, 7, &[8, 9])]).unwrap();
        assert_eq!(c, Changes { kept: vec![10], ..Default::default() });
    }

    #[test]
    fn a_planned_district_over_ten_schools_refuses_the_plan() {
        let members: Vec<i64> = (2..=11).collect();
        assert_eq!(changes(&[planned(1, &members)], &[]), Err(Problem::ClusterFull { max: 10 }));
        assert!(changes(&[planned(1, &members[..9])], &[]).is_ok());
    }

    #[test]
    fn after_the_changes_every_planned_school_is_in_exactly_its_planned_district() {
        // Today: 10 = {1, 2, 3}, 20 = {4, 5}. Plan: {1: 5}, {4: 2, 3}, {6: 7}.
        let today = [district(10, 1, &[2, 3]), district(20, 4, &[5])];
        let plan = [planned(1, &[5]), planned(4, &[2, 3]), planned(6, &[7])];
        let c = changes(&plan, &today).unwrap();
        let mut homes: HashMap<i64, Home> = HashMap::new();
        for d in &today {
            for s in &d.schools {
                homes.insert(*s, Home::Existing(d.id));
            }
        }
        for (d, s) in &c.leave {
            assert_eq!(homes.remove(s), Some(Home::Existing(*d)), "a school leaves the district it is in");
        }
        for lead in &c.founded {
            assert!(homes.insert(*lead, Home::Founded { lead: *lead }).is_none(), "a founding lead is free");
        }
        for (home, s) in &c.join {
            assert!(homes.insert(*s, *home).is_none(), "school {s} joins only once it is free");
        }
        let lead_of = |home: &Home| match home {
            Home::Existing(id) => today.iter().find(|d| d.id == *id).unwrap().lead,
            Home::Founded { lead } => *lead,
        };
        for pc in &plan {
            for s in std::iter::once(&pc.lead).chain(&pc.members) {
                assert_eq!(lead_of(&homes[s]), pc.lead, "school {s}");
            }
        }
    }
}
