//! Every table, by the feature that owns it: the one place a new feature's entities are
//! registered. Every row but a county carries `county_id`, and every query filters by it; coded
//! values are stored by their stable code (see `xuequ_domain::codes`) and checked by the schema.

pub use crate::accounts::entities::{audit_log, session, user};
pub use crate::bookings::entities::{bell_schedule, booking, facility_rule, notification, school_calendar};
pub use crate::clusters::entities::{cluster, cluster_member, cluster_officer};
pub use crate::evaluation::entities::{
    evaluation_assignment, evaluation_evidence, evaluation_round, evaluation_score, evaluation_tree, student_score,
};
pub use crate::exchange::entities::{exchange_exclusion, exchange_move, exchange_settings, mentorship, mentorship_meeting};
pub use crate::library::entities::{
    library_collection, library_collection_item, library_comment, library_download, library_file, library_rating, library_resource,
};
pub use crate::plans::entities::plan;
pub use crate::registry::entities::{county, facility, school, school_stat, teacher};
pub use crate::running::entities::{
    activity, activity_attendee, activity_invite, activity_review, budget, budget_line, budget_source, checkin_failure, council_meeting,
    council_member, expenditure, meeting_decision, plan_task, running_file, running_settings, teacher_account, training_record, work_plan,
};
