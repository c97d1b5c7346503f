//! Teacher exchange (教师交流轮岗, DOMAIN.md §4.6): who is due to rotate, how many must, and
//! where teachers are short — the rules the rotation planner and the pages rest on — and how a
//! move goes from proposal to return, and the rural allowance.
//!
//! Policy (教育部等《关于推进县（区）域内义务教育学校校长教师交流轮岗的意见》, 2014): a teacher who has
//! taught at one school for six years (a principal or vice-principal ten) is due to rotate; each
//! year at least 10 % of those due at the sending schools rotate, and backbone teachers (county
//! level or higher) are at least 20 % of those who rotate. The county sets the numbers.

pub mod eligibility;
pub mod moves;
pub mod settings;
pub mod staffing;
pub mod subsidy;

coded_enum! {
    /// How a move was made: from a rotation plan or by hand.
    MoveOrigin {
        Plan => ("plan", "来自轮岗方案"),
        Hand => ("hand", "手工新建"),
    }
}

coded_enum! {
    /// Whether a mentorship pair is still under way.
    MentorshipStatus {
        Active => ("active", "进行中"),
        Ended => ("ended", "已结束"),
    }
}

coded_enum! {
    /// What a mentorship meeting was.
    MeetingKind {
        Observation => ("observation", "听课"),
        Demonstration => ("demonstration", "示范课"),
        Planning => ("planning", "集体备课"),
        Review => ("review", "评课"),
        Other => ("other", "其他"),
    }
}

pub use eligibility::{Exclusion, RotationRules, TeacherFacts, eligibility, required_backbone, required_moves};
pub use moves::{Form, MoveState, MoveStatus, Side, Step};
pub use settings::{ExchangeSettings, ExclusionReason};
pub use staffing::{StaffingNorm, SubjectGap, gaps};
pub use subsidy::{SubsidyRules, SubsidyTier};
