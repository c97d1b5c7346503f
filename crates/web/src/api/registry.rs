//! The registry over the API: schools, their yearly statistics, teachers and facilities.

use super::{Body, Ids, ListOf, ListParams, PageParams, Params, codes, created, optional_codes};
use crate::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::query::api_list_request;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuequ_app::records;
use xuequ_app::registry::{self, Record};
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::*;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(schools::list, schools::create))
        .routes(routes!(schools::get, schools::update, schools::retire))
        .routes(routes!(school_stats))
        .routes(routes!(save_stats))
        .routes(routes!(teachers::list, teachers::create))
        .routes(routes!(teachers::get, teachers::update, teachers::retire))
        .routes(routes!(facilities::list, facilities::create))
        .routes(routes!(facilities::get, facilities::update, facilities::retire))
}

// ---- what the API answers ----

#[derive(Serialize, ToSchema)]
pub struct School {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[schema(schema_with = codes::<SchoolType>)]
    pub school_type: String,
    #[schema(schema_with = codes::<Locality>)]
    pub locality: String,
    pub township: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub legal_person: bool,
    /// The id of the school this one is a campus of.
    pub campus_of: Option<i64>,
    pub principal: String,
    pub phone: String,
    #[schema(schema_with = codes::<Status>)]
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<records::School> for School {
    fn from(m: records::School) -> Self {
        School {
            id: m.id,
            code: m.code,
            name: m.name,
            school_type: m.school_type.to_string(),
            locality: m.locality.to_string(),
            township: m.township,
            address: m.address,
            latitude: m.latitude,
            longitude: m.longitude,
            legal_person: m.legal_person,
            campus_of: m.campus_of,
            principal: m.principal,
            phone: m.phone,
            status: m.status.to_string(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A school's figures for one school year (学年统计).
#[derive(Serialize, ToSchema)]
pub struct SchoolStat {
    pub id: i64,
    pub school_id: i64,
    pub year: i32,
    pub students_primary: i32,
    pub students_junior: i32,
    pub classes_primary: i32,
    pub classes_junior: i32,
    pub max_class_size: Option<i32>,
    /// m² of teaching and auxiliary rooms.
    pub teaching_area: f64,
    /// m² of sports grounds and halls.
    pub sports_area: f64,
    /// Yuan.
    pub equipment_value: f64,
    pub multimedia_rooms: i32,
    pub books: i32,
    pub computers: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<records::SchoolStat> for SchoolStat {
    fn from(m: records::SchoolStat) -> Self {
        SchoolStat {
            id: m.id,
            school_id: m.school_id,
            year: m.year,
            students_primary: m.students_primary,
            students_junior: m.students_junior,
            classes_primary: m.classes_primary,
            classes_junior: m.classes_junior,
            max_class_size: m.max_class_size,
            teaching_area: m.teaching_area,
            sports_area: m.sports_area,
            equipment_value: m.equipment_value,
            multimedia_rooms: m.multimedia_rooms,
            books: m.books,
            computers: m.computers,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Teacher {
    pub id: i64,
    pub school_id: i64,
    pub staff_no: String,
    pub name: String,
    #[schema(schema_with = codes::<Gender>)]
    pub gender: String,
    #[schema(schema_with = codes::<Subject>)]
    pub subject: String,
    #[schema(schema_with = optional_codes::<Section>)]
    pub section: Option<String>,
    #[schema(schema_with = codes::<Degree>)]
    pub degree: String,
    #[schema(schema_with = codes::<Title>)]
    pub title: String,
    #[schema(schema_with = codes::<Backbone>)]
    pub backbone: String,
    /// 职务: teacher, vice_principal or principal.
    #[schema(schema_with = codes::<Post>)]
    pub post: String,
    pub joined_school_on: NaiveDate,
    pub birth_year: Option<i32>,
    #[schema(schema_with = codes::<Status>)]
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<records::Teacher> for Teacher {
    fn from(m: records::Teacher) -> Self {
        Teacher {
            id: m.id,
            school_id: m.school_id,
            staff_no: m.staff_no,
            name: m.name,
            gender: m.gender.to_string(),
            subject: m.subject.to_string(),
            section: m.section.map(|s| s.to_string()),
            degree: m.degree.to_string(),
            title: m.title.to_string(),
            backbone: m.backbone.to_string(),
            post: m.post.to_string(),
            joined_school_on: m.joined_school_on,
            birth_year: m.birth_year,
            status: m.status.to_string(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Facility {
    pub id: i64,
    pub school_id: i64,
    pub name: String,
    #[schema(schema_with = codes::<FacilityKind>)]
    pub kind: String,
    pub capacity: i32,
    /// m².
    pub area: Option<f64>,
    pub open_hours: String,
    pub shareable: bool,
    #[schema(schema_with = codes::<Status>)]
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<records::Facility> for Facility {
    fn from(m: records::Facility) -> Self {
        Facility {
            id: m.id,
            school_id: m.school_id,
            name: m.name,
            kind: m.kind.to_string(),
            capacity: m.capacity,
            area: m.area,
            open_hours: m.open_hours,
            shareable: m.shareable,
            status: m.status.to_string(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

// ---- what the API takes ----

/// A school as entered; coded values by code (or their Chinese name).
#[derive(Deserialize, ToSchema)]
pub struct SchoolInput {
    pub code: String,
    pub name: String,
    #[schema(schema_with = codes::<SchoolType>)]
    pub school_type: SchoolType,
    #[schema(schema_with = codes::<Locality>)]
    pub locality: Locality,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Default true.
    #[serde(default = "yes")]
    pub legal_person: bool,
    /// The code of the school this one is a campus of.
    #[serde(default)]
    pub campus_of: Option<String>,
    #[serde(default)]
    pub principal: String,
    #[serde(default)]
    pub phone: String,
}

fn yes() -> bool {
    true
}

impl From<SchoolInput> for SchoolDraft {
    fn from(i: SchoolInput) -> Self {
        SchoolDraft {
            code: i.code,
            name: i.name,
            school_type: i.school_type,
            locality: i.locality,
            township: i.township,
            address: i.address,
            latitude: i.latitude,
            longitude: i.longitude,
            legal_person: i.legal_person,
            campus_of: i.campus_of,
            principal: i.principal,
            phone: i.phone,
        }
    }
}

/// A school's figures for one school year, replacing any recorded for that year.
#[derive(Deserialize, ToSchema)]
pub struct StatsInput {
    pub school_code: String,
    pub year: i32,
    pub students_primary: i32,
    pub students_junior: i32,
    pub classes_primary: i32,
    pub classes_junior: i32,
    #[serde(default)]
    pub max_class_size: Option<i32>,
    pub teaching_area: f64,
    pub sports_area: f64,
    pub equipment_value: f64,
    pub multimedia_rooms: i32,
    pub books: i32,
    pub computers: i32,
}

impl From<StatsInput> for StatsDraft {
    fn from(i: StatsInput) -> Self {
        StatsDraft {
            school_code: i.school_code,
            year: i.year,
            students_primary: i.students_primary,
            students_junior: i.students_junior,
            classes_primary: i.classes_primary,
            classes_junior: i.classes_junior,
            max_class_size: i.max_class_size,
            teaching_area: i.teaching_area,
            sports_area: i.sports_area,
            equipment_value: i.equipment_value,
            multimedia_rooms: i.multimedia_rooms,
            books: i.books,
            computers: i.computers,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TeacherInput {
    pub staff_no: String,
    pub name: String,
    #[schema(schema_with = codes::<Gender>)]
    pub gender: Gender,
    pub school_code: String,
    #[schema(schema_with = codes::<Subject>)]
    pub subject: Subject,
    /// For teachers of a nine-year school: the stage they teach.
    #[serde(default)]
    #[schema(schema_with = optional_codes::<Section>)]
    pub section: Option<Section>,
    #[schema(schema_with = codes::<Degree>)]
    pub degree: Degree,
    #[schema(schema_with = codes::<Title>)]
    pub title: Title,
    #[schema(schema_with = codes::<Backbone>)]
    pub backbone: Backbone,
    /// 职务. Left out: a new teacher is a teacher, and an update keeps the stored post.
    #[serde(default)]
    #[schema(schema_with = optional_codes::<Post>)]
    pub post: Option<Post>,
    pub joined_school_on: NaiveDate,
    #[serde(default)]
    pub birth_year: Option<i32>,
}

impl From<TeacherInput> for TeacherDraft {
    fn from(i: TeacherInput) -> Self {
        TeacherDraft {
            staff_no: i.staff_no,
            name: i.name,
            gender: i.gender,
            school_code: i.school_code,
            subject: i.subject,
            section: i.section,
            degree: i.degree,
            title: i.title,
            backbone: i.backbone,
            post: i.post,
            joined_school_on: i.joined_school_on,
            birth_year: i.birth_year,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct FacilityInput {
    pub school_code: String,
    pub name: String,
    #[schema(schema_with = codes::<FacilityKind>)]
    pub kind: FacilityKind,
    pub capacity: i32,
    #[serde(default)]
    pub area: Option<f64>,
    #[serde(default)]
    pub open_hours: String,
    #[serde(default)]
    pub shareable: bool,
}

impl From<FacilityInput> for FacilityDraft {
    fn from(i: FacilityInput) -> Self {
        FacilityDraft {
            school_code: i.school_code,
            name: i.name,
            kind: i.kind,
            capacity: i.capacity,
            area: i.area,
            open_hours: i.open_hours,
            shareable: i.shareable,
        }
    }
}

/// Filters of the school list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the query map by `crate::query::list_request`
pub struct SchoolFilters {
    school_type: Option<String>,
    locality: Option<String>,
    township: Option<String>,
    status: Option<String>,
}

/// Filters of the teacher list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct TeacherFilters {
    school_id: Option<i64>,
    subject: Option<String>,
    degree: Option<String>,
    title: Option<String>,
    backbone: Option<String>,
    gender: Option<String>,
    section: Option<String>,
    status: Option<String>,
}

/// Filters of the facility list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FacilityFilters {
    school_id: Option<i64>,
    kind: Option<String>,
    status: Option<String>,
}

type Map = Query<HashMap<String, String>>;

/// The five routes of a registry record kind — list, read, create, update, retire — declared
/// once for every kind: `record_api!(module, plural, singular, Model, Output, Input, Filters,
/// "/list/path", "/list/path/{id}")`. Each calls the app's generic record path.
macro_rules! record_api {
    ($module:ident, $plural:ident, $singular:ident, $model:path, $out:ident, $input:ident, $filters:ident, $list:literal, $one:literal) => {
        mod $module {
            use super::*;

            /// The records the caller may see, filtered, sorted and paged.
            #[utoipa::path(get, path = $list, operation_id = concat!("list_", stringify!($plural)), params(ListParams, $filters), responses((status = 200, body = ListOf<$out>)), tag = "registry")]
            pub async fn list(State(app): State<App>, v: Viewer, Query(q): Map) -> ApiResult<Json<ListOf<$out>>> {
                let (filter, paging) = api_list_request(&q)?;
                Ok(Json(ListOf::of(registry::list::<$model>(&app, &v, &filter, paging).await?, paging)))
            }

            /// The record, with its version as `ETag`.
            #[utoipa::path(get, path = $one, operation_id = concat!("get_", stringify!($singular)), params(("id" = i64, Path)), responses((status = 200, body = $out, headers(("ETag" = String, description = "the record's version, for If-Match"))), (status = 404)), tag = "registry")]
            pub async fn get(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Response> {
                let record = registry::get::<$model>(&app, &v, id.first()).await?;
                Ok(super::super::tagged(record.version(), $out::from(record)))
            }

            #[utoipa::path(post, path = $list, operation_id = concat!("create_", stringify!($singular)), request_body = $input, responses((status = 201, body = $out), (status = 400), (status = 403), (status = 409)), tag = "registry")]
            pub async fn create(State(app): State<App>, v: Viewer, Body(d): Body<$input>) -> ApiResult<Response> {
                Ok(created($out::from(registry::create::<$model>(&app, &v, &d.into()).await?)))
            }

            /// Saves the record; with `If-Match` (the `ETag` read), only if nobody changed it
            /// meanwhile — otherwise 412 and nothing is saved.
            #[utoipa::path(put, path = $one, operation_id = concat!("update_", stringify!($singular)), params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")), request_body = $input, responses((status = 200, body = $out), (status = 412, description = "changed meanwhile")), tag = "registry")]
            pub async fn update(State(app): State<App>, v: Viewer, id: Ids, if_match: super::super::IfMatch, Body(d): Body<$input>) -> ApiResult<Response> {
                let record = registry::update::<$model>(&app, &v, id.first(), &d.into(), if_match.version()?).await?;
                Ok(super::super::tagged(record.version(), $out::from(record)))
            }

            /// Retires the record (kept in history, hidden from lists).
            #[utoipa::path(delete, path = $one, operation_id = concat!("retire_", stringify!($singular)), params(("id" = i64, Path)), responses((status = 200, body = $out)), tag = "registry")]
            pub async fn retire(State(app): State<App>, v: Viewer, id: Ids) -> ApiResult<Json<$out>> {
                Ok(Json(registry::retire::<$model>(&app, &v, id.first(), xuequ_app::today()).await?.into()))
            }
        }
    };
}

record_api!(schools, schools, school, records::School, School, SchoolInput, SchoolFilters, "/schools", "/schools/{id}");
record_api!(teachers, teachers, teacher, records::Teacher, Teacher, TeacherInput, TeacherFilters, "/teachers", "/teachers/{id}");
record_api!(
    facilities,
    facilities,
    facility,
    records::Facility,
    Facility,
    FacilityInput,
    FacilityFilters,
    "/facilities",
    "/facilities/{id}"
);

// ---- statistics ----

/// A school's statistics, one entry per school year, newest first.
#[utoipa::path(get, path = "/schools/{id}/stats", params(("id" = i64, Path), PageParams), responses((status = 200, body = ListOf<SchoolStat>)), tag = "registry")]
async fn school_stats(State(app): State<App>, v: Viewer, id: Ids, Params(p): Params<PageParams>) -> ApiResult<Json<ListOf<SchoolStat>>> {
    let paging = p.paging()?;
    Ok(Json(ListOf::cut(registry::school_stats(&app, &v, id.first()).await?.into_iter().map(SchoolStat::from), paging)))
}

/// Records (or replaces) a school's statistics for one school year; with `If-Match` (the `ETag`
/// of that year's figures), only if nobody changed them meanwhile.
#[utoipa::path(post, path = "/stats", params(("If-Match" = Option<String>, Header, description = "the ETag of the year's figures last read")), request_body = StatsInput, responses((status = 200, body = SchoolStat), (status = 412, description = "changed meanwhile")), tag = "registry")]
async fn save_stats(State(app): State<App>, v: Viewer, if_match: super::IfMatch, Body(d): Body<StatsInput>) -> ApiResult<Response> {
    let saved = registry::save_stats(&app, &v, &d.into(), if_match.version()?).await?;
    Ok(super::tagged(xuequ_app::Version(saved.updated_at), SchoolStat::from(saved)))
}
