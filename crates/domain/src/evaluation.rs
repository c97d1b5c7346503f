//! The bundled cluster evaluation (捆绑考核): the records it reads that no other module keeps.

/// One student's entry and exit scores in one grade and subject (学生成绩), as a county enters
/// them for value-added (增值评价). Grade and subject are kept as written in the file: the
/// model groups by them and reports them back unchanged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StudentScore {
    pub student: String,
    pub school: String,
    pub grade: String,
    pub subject: String,
    pub entry: f64,
    pub exit: f64,
}

/// What a figure or an evaluation is about: the whole county, one cluster or one school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    County,
    Cluster(i64),
    School(i64),
}

/// An evaluation round's state (考核轮次): open while evaluators score, closed (frozen) once the
/// bureau has closed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Open,
    Closed,
}

impl RoundStatus {
    pub fn code(self) -> &'static str {
        match self {
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<RoundStatus> {
        match code {
            "open" => Some(RoundStatus::Open),
            "closed" => Some(RoundStatus::Closed),
            _ => None,
        }
    }
}

/// A score an evaluator gives a leaf: 0–100, at most one decimal place is kept.
pub fn check_score(score: f64) -> Result<f64, crate::Problem> {
    if score.is_finite() && (0.0..=100.0).contains(&score) {
        Ok((score * 10.0).round() / 10.0)
    } else {
        Err(crate::Problem::OutOfRange { value: score.to_string(), min: "0".into(), max: "100".into() })
    }
}

/// The lead school's share of its members' results when the bureau names none: the seeds ask
/// that a lead school answer for its members without its own work counting for little.
pub const DEFAULT_LEAD_SHARE: f64 = 0.3;

/// The share (0–1) of its members' results a lead school's result takes (强弱同考).
pub fn check_lead_share(share: f64) -> Result<f64, crate::Problem> {
    if share.is_finite() && (0.0..=0.5).contains(&share) {
        Ok(share)
    } else {
        Err(crate::Problem::OutOfRange { value: share.to_string(), min: "0".into(), max: "0.5".into() })
    }
}
