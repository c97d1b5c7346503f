//! Teacher exchange: settings, exclusions, moves, mentorships and their meetings.

/// The county's exchange settings (JSON of `ExchangeSettings`).
pub mod exchange_settings {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "exchange_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub county_id: i64,
        pub settings: String,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A teacher a school leaves out of one school year's rotation, and why.
pub mod exchange_exclusion {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "exchange_exclusion")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub teacher_id: i64,
        pub school_id: i64,
        pub year: i32,
        pub reason: xuequ_domain::exchange::ExclusionReason,
        pub note: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A teacher's exchange from their home school to another, with each school's agreement, the
/// bureau's confirmation, and when it began and ended.
pub mod exchange_move {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "exchange_move")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub teacher_id: i64,
        pub from_school_id: i64,
        pub to_school_id: i64,
        pub form: xuequ_domain::exchange::Form,
        pub subject: xuequ_domain::Subject,
        /// The school year it belongs to (starting 1 September of this year).
        pub year: i32,
        pub starts_on: Date,
        pub ends_on: Date,
        pub load_percent: i32,
        /// Weekdays at the receiving school for 走教 and 跨校兼课, `1,3` (Monday = 1).
        pub weekdays: String,
        /// The shortage it fills, as the planner said (subject and school), or empty.
        pub fills: String,
        pub km: Option<f64>,
        /// `plan` (from the planner) or `hand`.
        pub origin: xuequ_domain::exchange::MoveOrigin,
        pub status: xuequ_domain::exchange::MoveStatus,
        #[serde(skip)]
        pub proposed_by: Option<i64>,
        pub proposed_by_name: String,
        pub sending_agreed_by: Option<String>,
        pub sending_agreed_at: Option<DateTimeUtc>,
        pub receiving_agreed_by: Option<String>,
        pub receiving_agreed_at: Option<DateTimeUtc>,
        pub confirmed_by: Option<String>,
        pub confirmed_at: Option<DateTimeUtc>,
        pub decided_by: Option<String>,
        pub reason: String,
        pub started_at: Option<DateTimeUtc>,
        pub returned_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A mentor and a mentee (师徒结对), usually at two schools of a cluster.
pub mod mentorship {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "mentorship")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub mentor_id: i64,
        pub mentee_id: i64,
        pub subject: xuequ_domain::Subject,
        pub starts_on: Date,
        pub ends_on: Date,
        pub goal: String,
        pub status: xuequ_domain::exchange::MentorshipStatus,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// One meeting of a mentorship pair: a lesson observed, a demonstration, planning together …
pub mod mentorship_meeting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "mentorship_meeting")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub mentorship_id: i64,
        pub held_on: Date,
        pub minutes: i32,
        pub kind: xuequ_domain::exchange::MeetingKind,
        pub notes: String,
        pub recorded_by: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}
