//! The rotation model as the CLI reads it (`xuequ plan rotation --input FILE.json`).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// A school: where it is, whether it sends teachers under the quota (urban schools and cluster
/// leads), and how many teachers of each subject it needs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct School {
    pub id: i64,
    pub x_km: f64,
    pub y_km: f64,
    #[serde(default)]
    pub sending: bool,
    #[serde(default)]
    pub need: BTreeMap<String, u32>,
    /// The school's cluster, for the platform's preference to move within one (not in the
    /// CLI's model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<i64>,
}

/// A teacher of one subject at one school; only eligible teachers may move.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Teacher {
    pub id: i64,
    pub school: i64,
    pub subject: String,
    #[serde(default)]
    pub eligible: bool,
    #[serde(default)]
    pub backbone: bool,
}

/// What to plan: the schools and teachers, the longest move, the quotas and the weight of a
/// teacher still missing against a kilometre moved.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Input {
    pub max_km: f64,
    /// Share of the eligible teachers of sending schools that must move (0.10).
    #[serde(default)]
    pub quota: f64,
    /// Share of the moves that must be backbone teachers (0.20).
    #[serde(default)]
    pub backbone_share: f64,
    /// The cost of one teacher missing, in kilometres.
    pub shortage_weight: f64,
    /// Kilometres added to a move between two clusters (0 on the CLI: the model as published).
    #[serde(default)]
    pub cross_cluster_km: f64,
    /// The platform's rule: the quotas are never met by two teachers of one subject trading
    /// places between the same two schools (a clerk reads that as a pointless swap), but by a
    /// rotation through three schools. Off on the CLI: the model as published allows swaps.
    /// Subjects written `subject@section` count as one subject for this rule.
    #[serde(default)]
    pub no_swaps: bool,
    pub schools: Vec<School>,
    pub teachers: Vec<Teacher>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProblemError {
    #[error("school {0} appears twice")]
    DuplicateSchool(i64),
    #[error("teacher {0} appears twice")]
    DuplicateTeacher(i64),
    #[error("teacher {teacher} works at school {school}, which is not in the input")]
    UnknownSchool { teacher: i64, school: i64 },
    #[error("{field} must be a number from {min} to {max}, not {value}")]
    OutOfRange { field: &'static str, value: f64, min: f64, max: f64 },
}

impl Input {
    /// Checks what the solver relies on: known schools, unique ids, numbers in range.
    pub fn validate(&self) -> Result<(), ProblemError> {
        let ranges: [(&'static str, f64, f64, f64); 5] = [
            ("cross_cluster_km", self.cross_cluster_km, 0.0, 10_000.0),
            ("max_km", self.max_km, 0.0, 10_000.0),
            ("quota", self.quota, 0.0, 1.0),
            ("backbone_share", self.backbone_share, 0.0, 1.0),
            ("shortage_weight", self.shortage_weight, 0.0, 1e9),
        ];
        for (field, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                return Err(ProblemError::OutOfRange { field, value, min, max });
            }
        }
        let mut schools = HashMap::new();
        for s in &self.schools {
            if schools.insert(s.id, ()).is_some() {
                return Err(ProblemError::DuplicateSchool(s.id));
            }
        }
        let mut teachers = HashMap::new();
        for t in &self.teachers {
            if teachers.insert(t.id, ()).is_some() {
                return Err(ProblemError::DuplicateTeacher(t.id));
            }
            if !schools.contains_key(&t.school) {
                return Err(ProblemError::UnknownSchool { teacher: t.id, school: t.school });
            }
        }
        Ok(())
    }

    /// Kilometres between two schools (by index), straight.
    pub fn km(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (&self.schools[a], &self.schools[b]);
        ((p.x_km - q.x_km).powi(2) + (p.y_km - q.y_km).powi(2)).sqrt()
    }

    /// What a move between two schools (by index) costs: its kilometres, plus the penalty for
    /// leaving a cluster when both schools have one and they differ.
    pub fn cost(&self, a: usize, b: usize) -> f64 {
        let (p, q) = (&self.schools[a], &self.schools[b]);
        let crossing = p.cluster != q.cluster;
        self.km(a, b) + if crossing { self.cross_cluster_km } else { 0.0 }
    }

    /// How many eligible teachers the sending schools have, and so how many must move.
    pub fn required_moves(&self) -> (usize, usize) {
        let sending: HashMap<i64, bool> = self.schools.iter().map(|s| (s.id, s.sending)).collect();
        let eligible = self.teachers.iter().filter(|t| t.eligible && sending[&t.school]).count();
        (eligible, (self.quota * eligible as f64 - 1e-9).ceil().max(0.0) as usize)
    }
}
