//! Running a cluster: activities and attendance, training hours, attachments, work plans,
//! the council, budgets and expenditures.

/// What the county sets for running clusters (JSON of `RunningSettings`).
pub mod running_settings {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "running_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub county_id: i64,
        pub settings: String,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// Which registry teacher an account belongs to (for sign-ups, attendance and hours).
pub mod teacher_account {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "teacher_account")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub user_id: i64,
        pub teacher_id: i64,
        pub linked_by: String,
        pub linked_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A check-in code typed wrong (or still being checked) at an activity, by an account: what
/// the throttle counts.
pub mod checkin_failure {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "checkin_failure")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub user_id: i64,
        pub activity_id: i64,
        pub at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A cluster activity: what, where, when, for whom, and its record afterwards.
pub mod activity {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "activity")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub cluster_id: Option<i64>,
        pub kind: xuequ_domain::activity::ActivityKind,
        pub title: String,
        pub description: String,
        pub host_school_id: i64,
        pub place: String,
        pub facility_id: Option<i64>,
        pub booking_id: Option<i64>,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub subject: String,
        pub grade: i32,
        pub capacity: Option<i32>,
        pub signup_deadline: Option<DateTimeUtc>,
        /// Training hours credited for attending, in tenths.
        pub credit: i32,
        #[serde(skip)]
        pub secret: String,
        pub organiser_id: i64,
        pub organiser_name: String,
        pub status: xuequ_domain::activity::ActivityStatus,
        pub status_reason: String,
        pub summary: String,
        pub summary_by: String,
        pub summary_at: Option<DateTimeUtc>,
        pub revision: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A school invited to an activity.
pub mod activity_invite {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "activity_invite")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub activity_id: i64,
        pub school_id: i64,
    }
    entity_boilerplate!();
}

/// A teacher going to an activity (signed up, assigned or walked in) and whether they came.
pub mod activity_attendee {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "activity_attendee")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub activity_id: i64,
        pub teacher_id: i64,
        pub school_id: i64,
        pub origin: xuequ_domain::activity::AttendeeOrigin,
        pub added_by: String,
        pub added_at: DateTimeUtc,
        pub checked_in_at: Option<DateTimeUtc>,
        /// `code`, `hand`, or empty while not there.
        pub checkin: xuequ_domain::activity::CheckIn,
        pub marked_by: String,
        pub credit: i32,
    }
    entity_boilerplate!();
}

/// An attendee's evaluation of a session.
pub mod activity_review {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "activity_review")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub activity_id: i64,
        pub teacher_id: i64,
        pub stars: i32,
        pub comment: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// Training hours earned outside the platform's activities (a course, 国培, a lecture elsewhere).
pub mod training_record {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "training_record")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub teacher_id: i64,
        pub school_id: i64,
        pub category: xuequ_domain::activity::hours::Category,
        pub title: String,
        pub provider: String,
        pub on_date: Date,
        /// In tenths of an hour.
        pub hours: i32,
        pub entered_by: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A file attached to an activity, a task, a meeting or an expenditure.
pub mod running_file {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "running_file")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub owner_kind: xuequ_domain::running::AttachmentOwner,
        pub owner_id: i64,
        pub name: String,
        pub hash: String,
        pub size: i64,
        pub mime: String,
        pub family: String,
        pub uploaded_by: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A cluster's plan for a year.
pub mod work_plan {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "work_plan")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub cluster_id: i64,
        pub year: i32,
        pub title: String,
        pub goals: String,
        pub updated_by: String,
        pub revision: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A key task of a work plan.
pub mod plan_task {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "plan_task")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub plan_id: i64,
        pub title: String,
        pub owner_school_id: Option<i64>,
        pub due_on: Date,
        pub status: xuequ_domain::running::TaskStatus,
        pub done_on: Option<Date>,
        pub note: String,
        pub updated_by: String,
        pub revision: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A member of a cluster's council.
pub mod council_member {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "council_member")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub cluster_id: i64,
        pub name: String,
        pub school_id: Option<i64>,
        pub role: xuequ_domain::running::CouncilRole,
        pub since: Date,
        pub until: Option<Date>,
    }
    entity_boilerplate!();
}

/// A council meeting with its minutes.
pub mod council_meeting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "council_meeting")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub cluster_id: i64,
        pub held_on: Date,
        pub title: String,
        pub place: String,
        pub present: String,
        pub minutes: String,
        pub recorded_by: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A decision taken at a meeting and who carries it out.
pub mod meeting_decision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "meeting_decision")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub meeting_id: i64,
        pub text: String,
        pub owner_school_id: Option<i64>,
        pub due_on: Option<Date>,
        pub status: xuequ_domain::running::DecisionStatus,
        pub done_on: Option<Date>,
    }
    entity_boilerplate!();
}

/// A cluster's budget for a year.
pub mod budget {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "budget")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub cluster_id: i64,
        pub year: i32,
        pub updated_by: String,
        pub revision: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// Where a budget's money comes from.
pub mod budget_source {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "budget_source")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub budget_id: i64,
        pub source: xuequ_domain::budget::Source,
        pub school_id: Option<i64>,
        /// Fen.
        pub amount: i64,
        pub note: String,
    }
    entity_boilerplate!();
}

/// A budget's allotment to one category and what approved spending used of it (never more).
pub mod budget_line {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "budget_line")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub budget_id: i64,
        pub category: xuequ_domain::budget::SpendCategory,
        /// Fen.
        pub amount: i64,
        /// Fen, approved expenditures only.
        pub spent: i64,
    }
    entity_boilerplate!();
}

/// Money spent from a budget line, and its approval.
pub mod expenditure {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "expenditure")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub budget_id: i64,
        pub line_id: i64,
        pub spent_on: Date,
        /// Fen.
        pub amount: i64,
        pub payee: String,
        pub voucher: String,
        pub purpose: String,
        pub activity_id: Option<i64>,
        pub status: xuequ_domain::running::SpendStatus,
        pub requested_by: i64,
        pub requested_by_name: String,
        pub requested_at: DateTimeUtc,
        pub head_by: Option<String>,
        pub head_at: Option<DateTimeUtc>,
        pub bureau_by: Option<String>,
        pub bureau_at: Option<DateTimeUtc>,
        pub reason: String,
        pub revision: i64,
    }
    entity_boilerplate!();
}
