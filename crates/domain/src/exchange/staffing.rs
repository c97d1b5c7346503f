//! Where teachers are short: the staffing norm (students per teacher by stage) spread over the
//! subjects by their share of lessons, against the teachers a school has.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Section, Subject};

/// Students per teacher by stage, and each subject's share of a stage's lessons (the county
/// may change both; the defaults follow 《义务教育课程方案（2022年版）》 and the staffing
/// norm of 中央编办 2014: 小学 1:19, 初中 1:13.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffingNorm {
    pub students_per_teacher_primary: f64,
    pub students_per_teacher_junior: f64,
    pub shares_primary: BTreeMap<Subject, f64>,
    pub shares_junior: BTreeMap<Subject, f64>,
}

impl Default for StaffingNorm {
    fn default() -> Self {
        use Subject::*;
        // Shares of the nine years' lessons in the 2022 plan, by stage, rounded; 综合实践 and
        // 劳动 are taught by the other subjects' teachers and are left out.
        let primary = [
            (Chinese, 0.26),
            (Math, 0.17),
            (English, 0.07),
            (Politics, 0.07),
            (Science, 0.08),
            (Pe, 0.12),
            (Music, 0.09),
            (Art, 0.09),
            (It, 0.05),
        ];
        let junior = [
            (Chinese, 0.15),
            (Math, 0.14),
            (English, 0.12),
            (Politics, 0.07),
            (History, 0.05),
            (Geography, 0.05),
            (Physics, 0.07),
            (Chemistry, 0.04),
            (Biology, 0.06),
            (Pe, 0.11),
            (Music, 0.05),
            (Art, 0.05),
            (It, 0.04),
        ];
        StaffingNorm {
            students_per_teacher_primary: 19.0,
            students_per_teacher_junior: 13.5,
            shares_primary: primary.into_iter().collect(),
            shares_junior: junior.into_iter().collect(),
        }
    }
}

impl StaffingNorm {
    /// Teachers a school needs per subject for its students of each stage (fractions kept:
    /// a small school needs 0.4 of a music teacher, which 走教 can give).
    pub fn needed(&self, students_primary: u32, students_junior: u32) -> BTreeMap<Subject, f64> {
        let mut need = BTreeMap::new();
        let stages = [
            (students_primary as f64 / self.students_per_teacher_primary, &self.shares_primary),
            (students_junior as f64 / self.students_per_teacher_junior, &self.shares_junior),
        ];
        for (teachers, shares) in stages.into_iter().filter(|(teachers, _)| *teachers > 0.0) {
            let total: f64 = shares.values().sum();
            for (subject, share) in shares {
                if total > 0.0 {
                    *need.entry(*subject).or_insert(0.0) += teachers * share / total;
                }
            }
        }
        need
    }

    /// Whole teachers needed per subject and section, each rounded as [`gaps`] rounds: what a
    /// plan that keeps teachers in their section fills.
    pub fn needed_by_section(&self, students_primary: u32, students_junior: u32) -> BTreeMap<(Subject, Section), u32> {
        let mut out = BTreeMap::new();
        for (section, needed) in [(Section::Primary, self.needed(students_primary, 0)), (Section::Junior, self.needed(0, students_junior))]
        {
            for g in gaps(&needed, &BTreeMap::new()) {
                out.insert((g.subject, section), g.need);
            }
        }
        out
    }

    /// The section a teacher teaches: the one the registry gives, else the school's only one,
    /// else (a 九年一贯制 school) the one their subject is taught in, primary when both.
    pub fn section_of(&self, taught: &[Section], own: Option<Section>, subject: Subject) -> Section {
        match (own, taught) {
            (Some(section), _) => section,
            (None, [only]) => *only,
            _ if !self.shares_primary.contains_key(&subject) && self.shares_junior.contains_key(&subject) => Section::Junior,
            _ => Section::Primary,
        }
    }

    pub fn students_per_teacher(&self, section: Section) -> f64 {
        match section {
            Section::Primary => self.students_per_teacher_primary,
            Section::Junior => self.students_per_teacher_junior,
        }
    }
}

/// One subject of one school: what it needs (rounded to whole teachers, at least one where
/// any is needed), what it has, and the difference (positive: short; negative: surplus).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectGap {
    pub subject: Subject,
    pub need: u32,
    pub have: u32,
    pub short: i64,
}

/// The subjects the seeds name as rural shortages (体育, 音乐, 美术, 科学, 英语, 信息技术).
pub fn rural_shortage_subject(subject: Subject) -> bool {
    matches!(subject, Subject::Pe | Subject::Music | Subject::Art | Subject::Science | Subject::English | Subject::It)
}

/// Need against have, per subject a school needs or has.
pub fn gaps(needed: &BTreeMap<Subject, f64>, have: &BTreeMap<Subject, u32>) -> Vec<SubjectGap> {
    let mut subjects: Vec<Subject> = needed.keys().chain(have.keys()).copied().collect();
    subjects.sort();
    subjects.dedup();
    subjects
        .into_iter()
        .map(|subject| {
            let exact = needed.get(&subject).copied().unwrap_or(0.0);
            let need = if exact > 0.0 { exact.round().max(1.0) as u32 } else { 0 };
            let have = have.get(&subject).copied().unwrap_or(0);
            SubjectGap { subject, need, have, short: need as i64 - have as i64 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_primary_school_of_380_needs_20_teachers_spread_by_lessons() {
        let norm = StaffingNorm::default();
        let need = norm.needed(380, 0);
        let total: f64 = need.values().sum();
        assert!((total - 20.0).abs() < 1e-9, "380 / 19 = 20: {total}");
        assert!((need[&Subject::Chinese] - 20.0 * 0.26 / 1.0).abs() < 1e-9);
        assert!((need[&Subject::Pe] - 2.4).abs() < 1e-9);
        assert!(!need.contains_key(&Subject::Physics), "no physics in primary school");
    }

    #[test]
    fn gaps_round_to_whole_teachers_and_keep_one_where_any_is_needed() {
        let need = BTreeMap::from([(Subject::Music, 0.4), (Subject::Math, 3.6), (Subject::Pe, 2.4)]);
        let have = BTreeMap::from([(Subject::Math, 5), (Subject::Other, 1)]);
        let g = gaps(&need, &have);
        let by: BTreeMap<Subject, (u32, u32, i64)> = g.iter().map(|x| (x.subject, (x.need, x.have, x.short))).collect();
        assert_eq!(by[&Subject::Music], (1, 0, 1), "0.4 of a music teacher is one to find");
        assert_eq!(by[&Subject::Math], (4, 5, -1), "one math teacher to spare");
        assert_eq!(by[&Subject::Pe], (2, 0, 2));
        assert_eq!(by[&Subject::Other], (0, 1, -1));
        assert!(rural_shortage_subject(Subject::Pe) && !rural_shortage_subject(Subject::Math));
    }
}
