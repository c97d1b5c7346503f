//! The records the application hands to pages and to the API, under the names people use, and
//! the filters and drafts its use cases take.
//!
//! They are the store's rows: plain data with no connection and no behaviour. The application
//! re-exports them here so that the web layer depends on the application alone (`.ci/run` checks
//! that `xuequ-web` has no direct `xuequ-store` dependency). The JSON API never serialises them:
//! each API module maps a record to its own documented type, so a renamed column is a compile
//! error in that mapping, never a silent change in the public contract.

pub use xuequ_store::accounts::{AuditFilter, UserUpdate};
pub use xuequ_store::bookings::{BookingFilter, booking::Model as Booking, feed_token::Model as Feed, notification::Model as Notification};
pub use xuequ_store::clusters::{OfficerDraft, SchoolCluster};
pub use xuequ_store::entities::{
    activity_attendee::Model as ActivityAttendee, activity_review::Model as ActivityReview, audit_log::Model as AuditEntry,
    cluster::Model as Cluster, cluster_member::Model as ClusterMember, cluster_officer::Model as ClusterOfficer,
    council_meeting::Model as CouncilMeeting, council_member::Model as CouncilMember, evaluation_evidence::Model as EvaluationEvidence,
    exchange_exclusion::Model as Exclusion, exchange_move::Model as Move, expenditure::Model as Expenditure, facility::Model as Facility,
    library_collection::Model as LibraryCollection, library_comment::Model as LibraryComment, library_file::Model as LibraryFile,
    library_resource::Model as LibraryResource, meeting_decision::Model as MeetingDecision, mentorship::Model as Mentorship,
    mentorship_meeting::Model as MentorshipMeeting, plan::Model as Plan, plan_task::Model as PlanTask, running_file::Model as RunningFile,
    school::Model as School, school_stat::Model as SchoolStat, teacher::Model as Teacher, training_record::Model as TrainingRecord,
    user::Model as User, work_plan::Model as WorkPlan,
};
pub use xuequ_store::exchange::{MoveFilter, NewMeeting, NewMentorship};
pub use xuequ_store::plans::PlannedCluster;
pub use xuequ_store::registry::convert::{SchoolCodes, school_codes};
pub use xuequ_store::registry::{ListFilter, SchoolFigures};
