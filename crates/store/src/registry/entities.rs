//! The registry's tables: counties (the tenant), schools, yearly statistics, teachers, facilities.

pub mod county {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "county")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub created_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod school {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "school")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub code: String,
        pub name: String,
        pub school_type: xuequ_domain::SchoolType,
        pub locality: xuequ_domain::Locality,
        pub township: String,
        pub address: String,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
        pub legal_person: bool,
        pub campus_of: Option<i64>,
        pub principal: String,
        pub phone: String,
        pub status: xuequ_domain::Status,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod school_stat {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "school_stat")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub school_id: i64,
        pub year: i32,
        pub students_primary: i32,
        pub students_junior: i32,
        pub classes_primary: i32,
        pub classes_junior: i32,
        pub max_class_size: Option<i32>,
        pub teaching_area: f64,
        pub sports_area: f64,
        pub equipment_value: f64,
        pub multimedia_rooms: i32,
        pub books: i32,
        pub computers: i32,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod teacher {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "teacher")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub school_id: i64,
        pub staff_no: String,
        pub name: String,
        pub gender: xuequ_domain::Gender,
        pub subject: xuequ_domain::Subject,
        pub section: Option<xuequ_domain::Section>,
        pub degree: xuequ_domain::Degree,
        pub title: xuequ_domain::Title,
        pub backbone: xuequ_domain::Backbone,
        pub post: xuequ_domain::Post,
        pub joined_school_on: Date,
        pub birth_year: Option<i32>,
        pub status: xuequ_domain::Status,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}

pub mod facility {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "facility")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub county_id: i64,
        pub school_id: i64,
        pub name: String,
        pub kind: xuequ_domain::FacilityKind,
        pub capacity: i32,
        pub area: Option<f64>,
        pub open_hours: String,
        pub shareable: bool,
        pub status: xuequ_domain::Status,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    entity_boilerplate!();
}
