//! Rules of cluster membership that hold for every form (DOMAIN.md §3), and what applying a
//! plan changes ([`plan`]).

pub mod plan;

use crate::problem::{FieldProblem, Problem};
use crate::validate::Checker;
use crate::{ClusterForm, ClusterLevel};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A cluster as entered (学区 / 教育集团 / ...). Members are added separately, with dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterDraft {
    pub name: String,
    pub form: ClusterForm,
    pub level: ClusterLevel,
    pub lead_school_code: String,
    #[serde(default)]
    pub description: String,
    pub founded_on: NaiveDate,
}

impl ClusterDraft {
    pub fn validate(&self) -> Result<(), Vec<FieldProblem>> {
        let mut c = Checker::default();
        c.text("name", &self.name, true, 60);
        c.code("lead_school_code", &self.lead_school_code);
        c.text("description", &self.description, false, 2000);
        c.finish()
    }
}

/// The most schools (lead included) a cluster of this form may have, if the form sets a limit:
/// a 学区 has at most 10 schools; an urban–rural 1+1 bundle is exactly two.
pub fn max_schools(form: ClusterForm) -> Option<usize> {
    match form {
        ClusterForm::District => Some(10),
        ClusterForm::Bundle => Some(2),
        _ => None,
    }
}

/// Whether one more school may join a cluster that now has `current` schools.
pub fn check_room(form: ClusterForm, current: usize) -> Result<(), Problem> {
    match max_schools(form) {
        Some(max) if current >= max => Err(Problem::ClusterFull { max }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_district_takes_ten_schools_and_a_bundle_two() {
        assert!(check_room(ClusterForm::District, 9).is_ok());
        assert_eq!(check_room(ClusterForm::District, 10), Err(Problem::ClusterFull { max: 10 }));
        assert!(check_room(ClusterForm::Bundle, 1).is_ok());
        assert!(check_room(ClusterForm::Bundle, 2).is_err());
        assert!(check_room(ClusterForm::LooseGroup, 40).is_ok());
    }
}
