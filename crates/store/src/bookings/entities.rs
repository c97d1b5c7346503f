//! Facility sharing as stored.

/// A facility's sharing rules (JSON of `xuequ_domain::booking::SharingRules`).
pub mod facility_rule {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "facility_rule")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub facility_id: i64,
        pub county_id: i64,
        pub rules: String,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A school year's calendar: the county's (no school) or one school's own closed days.
pub mod school_calendar {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "school_calendar")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub county_id: i64,
        pub school_id: Option<i64>,
        pub year: i32,
        /// JSON of `xuequ_domain::booking::SchoolCalendar`.
        pub calendar: String,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A school's bell schedule for one stage (JSON list of periods).
pub mod bell_schedule {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "bell_schedule")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub county_id: i64,
        pub school_id: i64,
        pub section: xuequ_domain::Section,
        pub periods: String,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// One booking of a facility by a school, for one stretch of time (a repeat is a series of them).
pub mod booking {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "booking")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub facility_id: i64,
        /// The school that owns the facility (and decides).
        pub owner_school_id: i64,
        /// The school that books it.
        pub school_id: i64,
        #[serde(skip)]
        pub requested_by: Option<i64>,
        pub requested_by_name: String,
        /// The first booking of the request this one belongs to (a repeat).
        pub series_id: Option<i64>,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub status: xuequ_domain::booking::BookingStatus,
        pub purpose: String,
        pub group_name: String,
        pub attendees: Option<i32>,
        pub decided_by: Option<String>,
        pub decided_at: Option<DateTimeUtc>,
        /// Why it was declined or cancelled.
        pub reason: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

/// A message in a person's notification centre (站内消息): what happened (`kind` and its
/// arguments, worded by the reader's language) and the page it concerns.
pub mod notification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "notification")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        #[serde(skip)]
        pub user_id: i64,
        pub kind: String,
        /// JSON object of the message's arguments.
        pub args: String,
        pub link: String,
        pub created_at: DateTimeUtc,
        pub read_at: Option<DateTimeUtc>,
    }
    entity_boilerplate!();
}

/// A calendar feed's secret address (only its hash is kept): a person's bookings, or one
/// facility's.
pub mod feed_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "feed_token")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        #[serde(skip)]
        pub user_id: i64,
        pub facility_id: Option<i64>,
        #[serde(skip)]
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }
    entity_boilerplate!();
}
