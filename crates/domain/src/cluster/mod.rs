//! Rules of cluster membership that hold for every form (DOMAIN.md §3), and what applying a
//! plan changes ([`plan`]).

pub mod plan;

use crate::ClusterForm;
use crate::problem::Problem;

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
