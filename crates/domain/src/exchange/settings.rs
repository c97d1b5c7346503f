//! What a county sets for teacher exchange: the rotation rules, the staffing norm, the rural
//! allowance's tiers, which schools send besides the urban schools and cluster leads, and the
//! reasons a school may give to leave a teacher out of a year's rotation.

use serde::{Deserialize, Serialize};

use super::{RotationRules, StaffingNorm, SubsidyRules};
use crate::Problem;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ExchangeSettings {
    #[serde(default)]
    pub rules: RotationRules,
    #[serde(default)]
    pub norm: StaffingNorm,
    #[serde(default)]
    pub subsidy: SubsidyRules,
    /// Schools the county marks as sending although they are neither urban nor a lead.
    #[serde(default)]
    pub extra_sending: Vec<i64>,
    /// Whether the rotation plan may send a teacher to a school of another section (a primary
    /// teacher to a junior school). Off unless the bureau allows it.
    #[serde(default)]
    pub cross_stage: bool,
}

impl ExchangeSettings {
    /// The first field that is out of range, with its problem.
    pub fn check(&self) -> Result<(), (&'static str, Problem)> {
        let r = &self.rules;
        let range = |field: &'static str, v: f64, min: f64, max: f64| {
            if v.is_finite() && (min..=max).contains(&v) {
                Ok(())
            } else {
                Err((field, Problem::OutOfRange { value: v.to_string(), min: min.to_string(), max: max.to_string() }))
            }
        };
        range("years_teacher", r.years_teacher as f64, 1.0, 30.0)?;
        range("years_leader", r.years_leader as f64, 1.0, 30.0)?;
        range("quota", r.quota, 0.0, 1.0)?;
        range("backbone_share", r.backbone_share, 0.0, 1.0)?;
        range("retiring_within_years", r.retiring_within_years as f64, 0.0, 10.0)?;
        range("students_per_teacher_primary", self.norm.students_per_teacher_primary, 5.0, 60.0)?;
        range("students_per_teacher_junior", self.norm.students_per_teacher_junior, 5.0, 60.0)?;
        if self.subsidy.tiers.len() > 20 {
            return Err(("tiers", Problem::OutOfRange { value: self.subsidy.tiers.len().to_string(), min: "0".into(), max: "20".into() }));
        }
        for t in &self.subsidy.tiers {
            if t.name.trim().is_empty() {
                return Err(("tier_name", Problem::Required));
            }
            range("tier_min_km", t.min_km, 0.0, 500.0)?;
            range("tier_monthly_yuan", t.monthly_yuan as f64, 0.0, 10_000.0)?;
        }
        Ok(())
    }
}

/// Why a school leaves a due teacher out of a year's rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    Illness,
    Retiring,
    Pregnancy,
    AlreadyRotated,
    Other,
}

sea_orm_code!(ExclusionReason);

impl ExclusionReason {
    pub const ALL: &'static [ExclusionReason] = &[
        ExclusionReason::Illness,
        ExclusionReason::Retiring,
        ExclusionReason::Pregnancy,
        ExclusionReason::AlreadyRotated,
        ExclusionReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ExclusionReason::Illness => "illness",
            ExclusionReason::Retiring => "retiring",
            ExclusionReason::Pregnancy => "pregnancy",
            ExclusionReason::AlreadyRotated => "already_rotated",
            ExclusionReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ExclusionReason> {
        ExclusionReason::ALL.iter().copied().find(|r| r.code() == s.trim())
    }
}
