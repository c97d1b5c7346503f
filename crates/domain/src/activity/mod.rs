//! Running a cluster (学区运行, DOMAIN.md §4.7–4.8): the activities schools hold together —
//! joint research and training for teachers, joint activities for students — with their
//! check-in at the venue ([`checkin`]) and the training hours they give ([`hours`]).

pub mod checkin;
pub mod hours;

coded_enum! {
    /// What an activity is. The first eight are teachers' research and training; the last four
    /// are students' joint activities.
    ActivityKind {
        JointResearch => ("joint_research", "联合教研"),
        CollectivePreparation => ("collective_preparation", "集体备课"),
        SameLesson => ("same_lesson", "同课异构"),
        Observation => ("observation", "听课观摩"),
        SendLessons => ("send_lessons", "送教下乡"),
        Lecture => ("lecture", "专题讲座"),
        MasterStudio => ("master_studio", "名师工作室"),
        Training => ("training", "培训"),
        StudentAcademic => ("student_academic", "学业活动"),
        StudentArtsSports => ("student_arts_sports", "文体活动"),
        StudentPractice => ("student_practice", "社会实践"),
        StudyTour => ("study_tour", "研学"),
    }
}

coded_enum! {
    /// Whether an activity still takes place.
    ActivityStatus {
        Scheduled => ("scheduled", "已安排"),
        Cancelled => ("cancelled", "已取消"),
    }
}

coded_enum! {
    /// How a teacher came to be on an activity's list.
    AttendeeOrigin {
        Signup => ("signup", "自主报名"),
        Assigned => ("assigned", "学校指派"),
        WalkIn => ("walk_in", "现场签到"),
    }
}

coded_enum! {
    /// How an attendee's presence was recorded: not yet (the empty code), by the check-in code
    /// on the screen, or by hand.
    CheckIn {
        NotYet => ("", "未签到"),
        Code => ("code", "签到码"),
        Hand => ("hand", "手工登记"),
    }
}

impl ActivityKind {
    /// Students' activities give no training hours and have no teacher check-in record.
    pub fn for_students(self) -> bool {
        matches!(
            self,
            ActivityKind::StudentAcademic | ActivityKind::StudentArtsSports | ActivityKind::StudentPractice | ActivityKind::StudyTour
        )
    }

    /// The category of training hours the activity counts towards (None for students').
    pub fn hours_category(self) -> Option<hours::Category> {
        use ActivityKind as K;
        match self {
            K::JointResearch | K::CollectivePreparation | K::SameLesson | K::Observation | K::MasterStudio => {
                Some(hours::Category::SchoolBased)
            }
            K::SendLessons | K::Lecture | K::Training => Some(hours::Category::Training),
            K::StudentAcademic | K::StudentArtsSports | K::StudentPractice | K::StudyTour => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teachers_activities_count_for_hours_and_students_do_not() {
        for kind in ActivityKind::ALL {
            assert_eq!(kind.for_students(), kind.hours_category().is_none(), "{kind:?}");
        }
        assert_eq!(ActivityKind::parse("同课异构"), Some(ActivityKind::SameLesson));
    }
}
