//! Schools, teachers and facilities: lists, detail pages and forms.

use super::*;
use xuequ_app::records::{Facility, ListFilter, School, SchoolCodes, Teacher, school_codes};
use xuequ_app::registry::Record;
use xuequ_domain::drafts::{FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
use xuequ_domain::*;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/schools", get(schools))
        .route("/schools/new", get(school_new).post(school_create))
        .route("/schools/{id}", get(school_page))
        .route("/schools/{id}/edit", get(school_edit).post(school_update))
        .route("/schools/{id}/stats", get(stats_form).post(stats_save))
        .route("/schools/{id}/retire", get(school_retire_confirm).post(school_retire))
        .route("/teachers", get(teachers))
        .route("/teachers/new", get(teacher_new).post(teacher_create))
        .route("/teachers/{id}", get(teacher_page).post(teacher_update))
        .route("/teachers/{id}/retire", get(teacher_retire_confirm).post(teacher_retire))
        .route("/facilities", get(facilities))
        .route("/facilities/new", get(facility_new).post(facility_create))
        .route("/facilities/{id}", get(facility_page).post(facility_update))
        .route("/facilities/{id}/retire", get(facility_retire_confirm).post(facility_retire))
}

type Q = Query<HashMap<String, String>>;
type Id = Path<i64>;

fn select<T: Copy>(t: &Tr, kind: &str, all: &[T], code: fn(T) -> &'static str) -> FieldKind {
    FieldKind::Select(code_options(t, kind, all.iter().map(|v| code(*v))))
}

fn school_specs(t: &Tr) -> Vec<FieldSpec> {
    vec![
        field("code", FieldKind::Text, true),
        field("name", FieldKind::Text, true),
        field("school_type", select(t, "school_type", SchoolType::ALL, SchoolType::code), true),
        field("locality", select(t, "locality", Locality::ALL, Locality::code), true),
        field("township", FieldKind::Text, false),
        field("address", FieldKind::Text, false),
        field("latitude", FieldKind::Number, false),
        field("longitude", FieldKind::Number, false),
        field("legal_person", FieldKind::Check, false),
        field("campus_of", FieldKind::Text, false),
        field("principal", FieldKind::Text, false),
        field("phone", FieldKind::Text, false),
    ]
}

fn teacher_specs(t: &Tr, schools: Vec<(String, String)>) -> Vec<FieldSpec> {
    vec![
        field("staff_no", FieldKind::Text, true),
        field("name", FieldKind::Text, true),
        field("gender", select(t, "gender", Gender::ALL, Gender::code), true),
        field("school_code", FieldKind::Select(schools), true),
        field("subject", select(t, "subject", Subject::ALL, Subject::code), true),
        field("section", select(t, "section", Section::ALL, Section::code), false),
        field("degree", select(t, "degree", Degree::ALL, Degree::code), true),
        field("title", select(t, "title", Title::ALL, Title::code), true),
        field("backbone", select(t, "backbone", Backbone::ALL, Backbone::code), true),
        field("post", select(t, "post", Post::ALL, Post::code), true),
        field("joined_school_on", FieldKind::Date, true),
        field("birth_year", FieldKind::Number, false),
    ]
}

fn facility_specs(t: &Tr, schools: Vec<(String, String)>) -> Vec<FieldSpec> {
    vec![
        field("school_code", FieldKind::Select(schools), true),
        field("name", FieldKind::Text, true),
        field("kind", select(t, "facility_kind", FacilityKind::ALL, FacilityKind::code), true),
        field("capacity", FieldKind::Number, true),
        field("area", FieldKind::Number, false),
        field("open_hours", FieldKind::Text, false),
        field("shareable", FieldKind::Check, false),
    ]
}

fn shape<'a>(title: String, path: &'a str, entity: &'a str, cancel: &'a str) -> FormShape<'a> {
    FormShape { title, path, entity, cancel, readonly: false, extra: None }
}

fn school_cell(names: &HashMap<i64, (String, String)>, id: i64) -> CellView {
    match names.get(&id) {
        Some((_, name)) => link(name.clone(), format!("/schools/{id}")),
        None => cell(""),
    }
}

async fn all_school_names(app: &App, v: &Viewer) -> Result<HashMap<i64, (String, String)>, PageError> {
    Ok(xuequ_app::registry::all_schools(app, v).await?.into_iter().map(|s| (s.id, (s.code, s.name))).collect())
}

// ---- schools ----

async fn schools(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let (filter, paging) = crate::query::list_request(&q);
    let page = xuequ_app::registry::list::<School>(&app, &v, &filter, paging).await?;
    let shape = ListShape { path: "/schools", query: &q, total: page.total, paging };
    let townships = xuequ_app::registry::townships(&app, &v).await?;
    let columns = [("code", true), ("name", true), ("school_type", true), ("locality", true), ("township", true), ("principal", false)]
        .iter()
        .map(|(k, sortable)| shape.column(field_label(&t, "school", k), sortable.then_some(*k)))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|s| {
            vec![
                cell(&s.code),
                link(&s.name, format!("/schools/{}", s.id)),
                cell(t.code("school_type", s.school_type.code())),
                cell(t.code("locality", s.locality.code())),
                cell(&s.township),
                cell(&s.principal),
            ]
        })
        .collect();
    let mut actions = vec![];
    if v.can(Action::Export, Resource::School, &Target::county(v.county())) {
        actions.push(shape.export(&t, "schools"));
    }
    if v.can(Action::Create, Resource::School, &Target::county(v.county())) {
        actions.push(Link { label: t.get("action-new"), href: "/schools/new".into() });
    }
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("nav-schools"), "/schools"),
        total_label: shape.total_label(&t),
        actions,
        q: q.get("q").cloned().unwrap_or_default(),
        filters: vec![
            shape.filter(
                "school_type",
                field_label(&t, "school", "school_type"),
                code_options(&t, "school_type", SchoolType::ALL.iter().map(|s| s.code())),
            ),
            shape.filter(
                "locality",
                field_label(&t, "school", "locality"),
                code_options(&t, "locality", Locality::ALL.iter().map(|s| s.code())),
            ),
            shape.filter("township", field_label(&t, "school", "township"), townships.into_iter().map(|s| (s.clone(), s)).collect()),
        ],
        hidden: vec![],
        columns,
        rows,
        pager: shape.pager(&t),
    }
    .into_response())
}

async fn school_new(v: Viewer) -> PageResult {
    v.require(Action::Create, Resource::School, &Target::county(v.county()))?;
    let values = HashMap::from([("legal_person".to_string(), "true".to_string())]);
    Ok(record_form(&v, shape(v.tr().get("school-new"), "/schools/new", "school", "/schools"), &school_specs(&v.tr()), &values, &[]))
}

async fn school_create(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let specs = school_specs(&v.tr());
    let shape = shape(v.tr().get("school-new"), "/schools/new", "school", "/schools");
    save_form(
        &v,
        shape,
        &specs,
        &form,
        async |d: SchoolDraft| xuequ_app::registry::create::<School>(&app, &v, &d).await,
        |s| format!("/schools/{}", s.id),
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/school.html")]
struct SchoolPage {
    chrome: Chrome,
    school: School,
    edit_href: Option<String>,
    facts: Vec<(String, String)>,
    stats_headers: Vec<String>,
    stats_rows: Vec<Vec<String>>,
    /// The school year of each row, for its 更正 link.
    stats_years: Vec<i32>,
    /// Where statistics are entered, for those who may.
    stats_href: Option<String>,
    clusters: Vec<Vec<CellView>>,
    facilities: Vec<Vec<CellView>>,
    teachers: Vec<Vec<CellView>>,
    teacher_total: u64,
    teachers_href: Option<String>,
    balance_title: String,
    balance: Vec<BalanceView>,
}

/// One section of a school against the 2017 thresholds.
struct BalanceView {
    title: String,
    passed: bool,
    verdict: String,
    rows: Vec<(usize, String, String, String, bool)>,
    lacks: Vec<String>,
    chart: String,
}

/// The school's sections in the latest assessment of the county (none without statistics).
async fn balance_views(app: &App, v: &Viewer, code: &str) -> Result<(String, Vec<BalanceView>), PageError> {
    use xuequ_assess::standard::SET_2017;
    let t = v.tr();
    let a = match xuequ_app::assessment::assess(app, v, None, None).await {
        Ok(a) => a,
        Err(AppError::NotFound) => return Ok((String::new(), vec![])),
        Err(e) => return Err(e.into()),
    };
    let views = a
        .report
        .schools
        .iter()
        .filter(|s| s.code == code)
        .map(|s| {
            let shares: Vec<f64> = SET_2017.iter().map(|i| s.values[i.key()] / i.threshold(s.section).unwrap_or(1.0)).collect();
            let rows = SET_2017
                .iter()
                .enumerate()
                .map(|(n, i)| {
                    let threshold = i.threshold(s.section).unwrap_or_default();
                    (
                        n + 1,
                        xuequ_i18n::assessment::indicator_name(&t, i.key()),
                        format!("{:.2}", s.values[i.key()]),
                        format!("≥ {threshold}"),
                        s.met[i.key()],
                    )
                })
                .collect();
            BalanceView {
                title: t.code("section", s.section.code()),
                passed: s.passed,
                verdict: t.get(if s.passed { "assess-passed" } else { "assess-failed" }),
                rows,
                lacks: s.shortfalls.iter().map(|f| xuequ_i18n::assessment::shortfall_text(&t, f)).collect(),
                chart: crate::charts::threshold_bars(&shares),
            }
        })
        .collect();
    Ok((t.with("school-balance", &[("year", format!("{}–{}", a.year, a.year + 1))]), views))
}

const STAT_FIELDS: [&str; 12] = [
    "year",
    "students_primary",
    "students_junior",
    "classes_primary",
    "classes_junior",
    "max_class_size",
    "teaching_area",
    "sports_area",
    "equipment_value",
    "multimedia_rooms",
    "books",
    "computers",
];

/// `2193.0` → `2193`: areas and amounts are stored as decimals but mostly whole.
fn whole(text: String) -> String {
    match text.strip_suffix(".0") {
        Some(w) => w.to_string(),
        None => text,
    }
}

async fn school_page(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let t = v.tr();
    let s = xuequ_app::registry::get::<School>(&app, &v, id).await?;
    let names = all_school_names(&app, &v).await?;
    let yes_no = |b: bool| t.get(if b { "yes" } else { "no" });
    let mut facts = vec![
        (field_label(&t, "school", "school_type"), t.code("school_type", s.school_type.code())),
        (field_label(&t, "school", "locality"), t.code("locality", s.locality.code())),
        (field_label(&t, "school", "township"), s.township.clone()),
        (field_label(&t, "school", "address"), s.address.clone()),
        (field_label(&t, "school", "principal"), s.principal.clone()),
        (field_label(&t, "school", "phone"), s.phone.clone()),
        (field_label(&t, "school", "legal_person"), yes_no(s.legal_person)),
        (field_label(&t, "school", "status"), t.code("status", s.status.code())),
    ];
    if let (Some(lat), Some(lon)) = (s.latitude, s.longitude) {
        facts.push((t.get("school-location"), format!("{lat:.5}, {lon:.5}")));
    }
    if let Some(campus_of) = s.campus_of.and_then(|c| names.get(&c)) {
        facts.push((field_label(&t, "school", "campus_of"), campus_of.1.clone()));
    }
    let stats = xuequ_app::registry::school_stats(&app, &v, id).await?;
    let stats_rows = stats
        .iter()
        .map(|st| {
            let values = values_of(st);
            STAT_FIELDS
                .iter()
                .map(|f| {
                    if *f == "year" { format!("{}–{}", st.year, st.year + 1) } else { whole(values.get(*f).cloned().unwrap_or_default()) }
                })
                .collect()
        })
        .collect();
    let clusters = directory::clusters_of_school(&app, &v, id)
        .await?
        .into_iter()
        .map(|sc| {
            vec![
                link(&sc.cluster.name, format!("/clusters/{}", sc.cluster.id)),
                cell(t.code("cluster_form", sc.cluster.form.code())),
                cell(t.code("member_role", sc.membership.role.code())),
                cell(sc.membership.joined_on.to_string()),
                cell(sc.membership.left_on.map(|d| d.to_string()).unwrap_or_else(|| t.get("cluster-current"))),
            ]
        })
        .collect();
    let facility_filter = ListFilter { school_id: Some(id), ..Default::default() };
    let facilities = xuequ_app::registry::list::<Facility>(&app, &v, &facility_filter, xuequ_app::Paging::new(None, Some(200)))
        .await?
        .items
        .iter()
        .map(|f| {
            vec![
                link(&f.name, format!("/facilities/{}", f.id)),
                cell(t.code("facility_kind", f.kind.code())),
                cell(f.capacity.to_string()),
                cell(if f.shareable { t.get("facility-shared") } else { String::new() }),
            ]
        })
        .collect();
    let can_see_teachers = v.can(Action::Read, Resource::Teacher, &Target::school(v.county(), id));
    let (teachers, teacher_total) = if can_see_teachers {
        let filter = ListFilter { school_id: Some(id), ..Default::default() };
        let page = xuequ_app::registry::list::<Teacher>(&app, &v, &filter, xuequ_app::Paging::new(None, Some(20))).await?;
        let rows = page
            .items
            .iter()
            .map(|te| {
                vec![
                    link(&te.name, format!("/teachers/{}", te.id)),
                    cell(t.code("subject", te.subject.code())),
                    cell(t.code("degree", te.degree.code())),
                    cell(t.code("title", te.title.code())),
                    cell(t.code("backbone", te.backbone.code())),
                ]
            })
            .collect();
        (rows, page.total)
    } else {
        (vec![], 0)
    };
    let (balance_title, balance) = balance_views(&app, &v, &s.code).await?;
    Ok(SchoolPage {
        chrome: Chrome::new(&v, s.name.clone(), "/schools"),
        balance_title,
        balance,
        edit_href: v.can(Action::Update, Resource::School, &Target::school(v.county(), id)).then(|| format!("/schools/{id}/edit")),
        facts,
        stats_headers: STAT_FIELDS.iter().map(|f| field_label(&t, "stats", f)).collect(),
        stats_rows,
        stats_years: stats.iter().map(|st| st.year).collect(),
        stats_href: v.can(Action::Update, Resource::SchoolStats, &Target::school(v.county(), id)).then(|| format!("/schools/{id}/stats")),
        clusters,
        facilities,
        teachers,
        teacher_total,
        teachers_href: can_see_teachers.then(|| format!("/teachers?school_id={id}")),
        school: s,
    }
    .into_response())
}

async fn school_edit(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let s = xuequ_app::registry::get::<School>(&app, &v, id).await?;
    v.require(Action::Update, Resource::School, &Target::school(v.county(), id))?;
    let codes = school_codes(&xuequ_app::registry::all_schools(&app, &v).await?);
    let path = format!("/schools/{id}/edit");
    let mut shape = shape(s.name.clone(), &path, "school", "/schools");
    if v.can(Action::Retire, Resource::School, &Target::school(v.county(), id)) {
        shape.extra = Some((format!("/schools/{id}/retire"), v.tr().get("action-retire")));
    }
    Ok(record_form(
        &v,
        shape,
        &school_specs(&v.tr()),
        &with_version(values_of(&s.to_draft(&codes).map_err(AppError::from)?), s.version()),
        &[],
    ))
}

async fn school_update(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Values>) -> PageResult {
    let specs = school_specs(&v.tr());
    let path = format!("/schools/{id}/edit");
    let shape = shape(v.tr().get("action-edit"), &path, "school", "/schools");
    save_edit(
        &v,
        shape,
        &specs,
        &form,
        async |d: SchoolDraft, expected| xuequ_app::registry::update::<School>(&app, &v, id, &d, expected).await,
        async || current_values::<School>(&app, &v, id).await,
        |_| format!("/schools/{id}"),
    )
    .await
}

// ---- a school year's statistics, entered or corrected in the browser ----

fn stats_specs(school: &School) -> Vec<FieldSpec> {
    let mut specs =
        vec![field("school_code", FieldKind::Select(vec![(school.code.clone(), format!("{} ({})", school.name, school.code))]), true)];
    specs.extend(STAT_FIELDS.iter().map(|f| field(f, FieldKind::Number, *f != "max_class_size")));
    specs
}

fn stats_shape<'a>(t: &Tr, school: &School, path: &'a str, cancel: &'a str) -> FormShape<'a> {
    FormShape {
        title: t.with("stats-form-title", &[("school", school.name.clone())]),
        path,
        entity: "stats",
        cancel,
        readonly: false,
        extra: None,
    }
}

/// The statistics of one school year: that year's figures to correct (`?year=`), or an empty
/// form for a new year.
async fn stats_form(State(app): State<App>, v: Viewer, Path(id): Id, Query(q): Q) -> PageResult {
    let t = v.tr();
    let school = xuequ_app::registry::get::<School>(&app, &v, id).await?;
    v.require(Action::Update, Resource::SchoolStats, &Target::school(v.county(), id))?;
    let year: Option<i32> = q.get("year").and_then(|y| y.parse().ok());
    let existing = xuequ_app::registry::school_stats(&app, &v, id).await?.into_iter().find(|s| Some(s.year) == year);
    let mut values = match &existing {
        Some(st) => with_version(values_of(st), xuequ_app::Version(st.updated_at)),
        None => HashMap::new(),
    };
    values.insert("school_code".into(), school.code.clone());
    if let Some(year) = year {
        values.insert("year".into(), year.to_string());
    }
    let (path, cancel) = (format!("/schools/{id}/stats"), format!("/schools/{id}"));
    Ok(record_form(&v, stats_shape(&t, &school, &path, &cancel), &stats_specs(&school), &values, &[]))
}

async fn stats_save(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Values>) -> PageResult {
    let t = v.tr();
    let school = xuequ_app::registry::get::<School>(&app, &v, id).await?;
    let (path, cancel) = (format!("/schools/{id}/stats"), format!("/schools/{id}"));
    let specs = stats_specs(&school);
    save_edit(
        &v,
        stats_shape(&t, &school, &path, &cancel),
        &specs,
        &form,
        async |d: StatsDraft, expected| xuequ_app::registry::save_stats(&app, &v, &d, expected).await,
        async || {
            let year: Option<i32> = form.get("year").and_then(|y| y.trim().parse().ok());
            let now = xuequ_app::registry::school_stats(&app, &v, id).await?.into_iter().find(|s| Some(s.year) == year);
            Ok(now.map(|st| with_version(values_of(&st), xuequ_app::Version(st.updated_at))).unwrap_or_default())
        },
        |_| format!("/schools/{id}"),
    )
    .await
}

/// Before a school is retired: it leaves its clusters on the chosen day; its teachers and
/// facilities stay where they are until moved.
async fn school_retire_confirm(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let t = v.tr();
    let school = xuequ_app::registry::get::<School>(&app, &v, id).await?;
    v.require(Action::Retire, Resource::School, &Target::school(v.county(), id))?;
    let clusters: Vec<String> = directory::clusters_of_school(&app, &v, id)
        .await?
        .into_iter()
        .filter(|sc| sc.membership.left_on.is_none())
        .map(|sc| sc.cluster.name)
        .collect();
    let facts = [("school", format!("{} ({})", school.name, school.code))];
    let mut lines = vec![t.with("confirm-retire-school", &facts)];
    if !clusters.is_empty() {
        lines.push(t.with("confirm-retire-school-clusters", &[("clusters", clusters.join("、"))]));
    }
    lines.push(t.get("confirm-retire-school-rest"));
    Ok(retire_page(&v, t.with("confirm-retire-title", &facts), lines, format!("/schools/{id}/retire"), format!("/schools/{id}"), true))
}

/// The confirmation before retiring a record; a date where memberships end with it.
fn retire_page(v: &Viewer, title: String, lines: Vec<String>, action: String, cancel: String, dated: bool) -> Response {
    let t = v.tr();
    let list = action.split('/').nth(1).map(|l| format!("/{l}")).unwrap_or_default();
    ConfirmPage {
        chrome: Chrome::new(v, title, &list),
        lines,
        action,
        date: dated.then(|| DateField {
            name: "on",
            label: t.get("confirm-retire-date"),
            value: xuequ_app::today().to_string(),
            hint: t.get("confirm-date-hint"),
        }),
        reason: None,
        keep: Vec::new(),
        button: t.get("action-retire"),
        cancel,
    }
    .into_response()
}

/// The retirement itself, once confirmed.
async fn retire_confirmed<R: xuequ_app::registry::Record>(app: &App, v: &Viewer, id: i64, form: &Confirm, list: &str) -> PageResult {
    if !form.confirmed() {
        return Ok(ask_first(&format!("{list}/{id}/retire")));
    }
    let on = form.on()?;
    xuequ_app::registry::retire::<R>(app, v, id, on).await?;
    Ok(saved(list))
}

async fn school_retire(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Confirm>) -> PageResult {
    retire_confirmed::<School>(&app, &v, id, &form, "/schools").await
}

// ---- teachers ----

async fn teachers(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let (filter, paging) = crate::query::list_request(&q);
    let page = xuequ_app::registry::list::<Teacher>(&app, &v, &filter, paging).await?;
    let names = all_school_names(&app, &v).await?;
    let shape = ListShape { path: "/teachers", query: &q, total: page.total, paging };
    let columns = [
        ("staff_no", true),
        ("name", true),
        ("school_code", false),
        ("subject", true),
        ("degree", true),
        ("title", true),
        ("backbone", true),
        ("joined_school_on", true),
    ]
    .iter()
    .map(|(k, s)| shape.column(field_label(&t, "teacher", k), s.then_some(*k)))
    .collect();
    let rows = page
        .items
        .iter()
        .map(|te| {
            vec![
                cell(&te.staff_no),
                link(&te.name, format!("/teachers/{}", te.id)),
                school_cell(&names, te.school_id),
                cell(t.code("subject", te.subject.code())),
                cell(t.code("degree", te.degree.code())),
                cell(t.code("title", te.title.code())),
                cell(t.code("backbone", te.backbone.code())),
                cell(te.joined_school_on.to_string()),
            ]
        })
        .collect();
    let visible = v.visibility(Resource::Teacher);
    let mut school_opts: Vec<(String, String)> =
        names.iter().filter(|(id, _)| visible.includes(**id)).map(|(id, (_, n))| (id.to_string(), n.clone())).collect();
    school_opts.sort_by(|a, b| a.1.cmp(&b.1));
    let mut actions = vec![];
    if v.can(Action::Export, Resource::Teacher, &Target::county(v.county())) {
        actions.push(shape.export(&t, "teachers"));
    }
    if !writable_schools(&app, &v, Resource::Teacher).await?.is_empty() {
        actions.push(Link { label: t.get("action-new"), href: "/teachers/new".into() });
    }
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("nav-teachers"), "/teachers"),
        total_label: shape.total_label(&t),
        actions,
        q: q.get("q").cloned().unwrap_or_default(),
        filters: vec![
            shape.filter("school_id", field_label(&t, "teacher", "school_code"), school_opts),
            shape.filter(
                "subject",
                field_label(&t, "teacher", "subject"),
                code_options(&t, "subject", Subject::ALL.iter().map(|s| s.code())),
            ),
            shape.filter("degree", field_label(&t, "teacher", "degree"), code_options(&t, "degree", Degree::ALL.iter().map(|s| s.code()))),
            shape.filter("title", field_label(&t, "teacher", "title"), code_options(&t, "title", Title::ALL.iter().map(|s| s.code()))),
            shape.filter(
                "backbone",
                field_label(&t, "teacher", "backbone"),
                code_options(&t, "backbone", Backbone::ALL.iter().map(|s| s.code())),
            ),
        ],
        hidden: vec![],
        columns,
        rows,
        pager: shape.pager(&t),
    }
    .into_response())
}

/// The shape of a teacher's or facility's page: editable where the policy allows, else read-only.
struct RecordPage {
    title: String,
    path: String,
    entity: &'static str,
    cancel: String,
    readonly: bool,
    retire: Option<(String, String)>,
}

impl RecordPage {
    fn as_shape(&self) -> FormShape<'_> {
        FormShape {
            title: self.title.clone(),
            path: &self.path,
            entity: self.entity,
            cancel: &self.cancel,
            readonly: self.readonly,
            extra: self.retire.clone(),
        }
    }
}

/// The school options and page shape of a record of `resource` at `school_id`.
async fn record_page(
    app: &App,
    v: &Viewer,
    resource: Resource,
    school_id: i64,
    title: &str,
    entity: &'static str,
    id: i64,
) -> Result<(Vec<(String, String)>, RecordPage), PageError> {
    let target = Target::school(v.county(), school_id);
    let readonly = !v.can(Action::Update, resource, &target);
    let schools = if readonly { school_options(app, v).await? } else { writable_schools(app, v, resource).await? };
    let list = match resource {
        Resource::Teacher => "/teachers",
        _ => "/facilities",
    };
    let retire = v.can(Action::Retire, resource, &target).then(|| (format!("{list}/{id}/retire"), v.tr().get("action-retire")));
    Ok((schools, RecordPage { title: title.to_string(), path: format!("{list}/{id}"), entity, cancel: list.to_string(), readonly, retire }))
}

/// Schools the viewer may add records to, for the school select of a form.
async fn writable_schools(app: &App, v: &Viewer, resource: Resource) -> Result<Vec<(String, String)>, PageError> {
    let all = xuequ_app::registry::all_schools(app, v).await?;
    Ok(all
        .into_iter()
        .filter(|s| s.status == Status::Active && v.can(Action::Create, resource, &Target::school(v.county(), s.id)))
        .map(|s| (s.code.clone(), format!("{} ({})", s.name, s.code)))
        .collect())
}

async fn teacher_new(State(app): State<App>, v: Viewer) -> PageResult {
    let schools = writable_schools(&app, &v, Resource::Teacher).await?;
    if schools.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let specs = teacher_specs(&v.tr(), schools);
    let values = HashMap::from([
        ("joined_school_on".to_string(), xuequ_app::today().to_string()),
        ("backbone".to_string(), "none".to_string()),
        ("post".to_string(), "teacher".to_string()),
        ("title".to_string(), "none".to_string()),
    ]);
    Ok(record_form(&v, shape(v.tr().get("teacher-new"), "/teachers/new", "teacher", "/teachers"), &specs, &values, &[]))
}

async fn teacher_create(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let specs = teacher_specs(&v.tr(), writable_schools(&app, &v, Resource::Teacher).await?);
    let shape = shape(v.tr().get("teacher-new"), "/teachers/new", "teacher", "/teachers");
    save_form(
        &v,
        shape,
        &specs,
        &form,
        async |d: TeacherDraft| xuequ_app::registry::create::<Teacher>(&app, &v, &d).await,
        |t| format!("/teachers/{}", t.id),
    )
    .await
}

async fn teacher_page(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let te = xuequ_app::registry::get::<Teacher>(&app, &v, id).await?;
    let codes = school_codes(&xuequ_app::registry::all_schools(&app, &v).await?);
    let (specs, shape) = record_page(&app, &v, Resource::Teacher, te.school_id, &te.name, "teacher", id).await?;
    let specs = teacher_specs(&v.tr(), specs);
    Ok(record_form(
        &v,
        shape.as_shape(),
        &specs,
        &with_version(values_of(&te.to_draft(&codes).map_err(AppError::from)?), te.version()),
        &[],
    ))
}

async fn teacher_update(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Values>) -> PageResult {
    let specs = teacher_specs(&v.tr(), writable_schools(&app, &v, Resource::Teacher).await?);
    let path = format!("/teachers/{id}");
    let shape = shape(v.tr().get("action-edit"), &path, "teacher", "/teachers");
    save_edit(
        &v,
        shape,
        &specs,
        &form,
        async |d: TeacherDraft, expected| xuequ_app::registry::update::<Teacher>(&app, &v, id, &d, expected).await,
        async || current_values::<Teacher>(&app, &v, id).await,
        |_| format!("/teachers/{id}"),
    )
    .await
}

async fn teacher_retire_confirm(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let t = v.tr();
    let teacher = xuequ_app::registry::get::<Teacher>(&app, &v, id).await?;
    v.require(Action::Retire, Resource::Teacher, &Target::school(v.county(), teacher.school_id))?;
    let facts = [("teacher", format!("{} ({})", teacher.name, teacher.staff_no))];
    let lines = vec![t.with("confirm-retire-teacher", &facts), t.get("confirm-retire-kept")];
    Ok(retire_page(
        &v,
        t.with("confirm-retire-title", &[("school", facts[0].1.clone())]),
        lines,
        format!("/teachers/{id}/retire"),
        format!("/teachers/{id}"),
        false,
    ))
}

async fn teacher_retire(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Confirm>) -> PageResult {
    retire_confirmed::<Teacher>(&app, &v, id, &form, "/teachers").await
}

// ---- facilities ----

async fn facilities(State(app): State<App>, v: Viewer, Query(q): Q) -> PageResult {
    let t = v.tr();
    let (filter, paging) = crate::query::list_request(&q);
    let page = xuequ_app::registry::list::<Facility>(&app, &v, &filter, paging).await?;
    let names = all_school_names(&app, &v).await?;
    let shape = ListShape { path: "/facilities", query: &q, total: page.total, paging };
    let columns = [("name", true), ("school_code", true), ("kind", true), ("capacity", true), ("open_hours", false), ("shareable", false)]
        .iter()
        .map(|(k, s)| shape.column(field_label(&t, "facility", k), s.then_some(if *k == "school_code" { "school_id" } else { *k })))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|f| {
            vec![
                link(&f.name, format!("/facilities/{}", f.id)),
                school_cell(&names, f.school_id),
                cell(t.code("facility_kind", f.kind.code())),
                cell(f.capacity.to_string()),
                cell(&f.open_hours),
                cell(if f.shareable { t.get("yes") } else { t.get("no") }),
            ]
        })
        .collect();
    let mut school_opts: Vec<(String, String)> = names.iter().map(|(id, (_, n))| (id.to_string(), n.clone())).collect();
    school_opts.sort_by(|a, b| a.1.cmp(&b.1));
    let mut actions = vec![];
    if v.can(Action::Export, Resource::Facility, &Target::county(v.county())) {
        actions.push(shape.export(&t, "facilities"));
    }
    if !writable_schools(&app, &v, Resource::Facility).await?.is_empty() {
        actions.push(Link { label: t.get("action-new"), href: "/facilities/new".into() });
    }
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("nav-facilities"), "/facilities"),
        total_label: shape.total_label(&t),
        actions,
        q: q.get("q").cloned().unwrap_or_default(),
        filters: vec![
            shape.filter("school_id", field_label(&t, "facility", "school_code"), school_opts),
            shape.filter(
                "kind",
                field_label(&t, "facility", "kind"),
                code_options(&t, "facility_kind", FacilityKind::ALL.iter().map(|s| s.code())),
            ),
        ],
        hidden: vec![],
        columns,
        rows,
        pager: shape.pager(&t),
    }
    .into_response())
}

async fn facility_new(State(app): State<App>, v: Viewer) -> PageResult {
    let schools = writable_schools(&app, &v, Resource::Facility).await?;
    if schools.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let specs = facility_specs(&v.tr(), schools);
    Ok(record_form(&v, shape(v.tr().get("facility-new"), "/facilities/new", "facility", "/facilities"), &specs, &HashMap::new(), &[]))
}

async fn facility_create(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let specs = facility_specs(&v.tr(), writable_schools(&app, &v, Resource::Facility).await?);
    let shape = shape(v.tr().get("facility-new"), "/facilities/new", "facility", "/facilities");
    save_form(
        &v,
        shape,
        &specs,
        &form,
        async |d: FacilityDraft| xuequ_app::registry::create::<Facility>(&app, &v, &d).await,
        |f| format!("/facilities/{}", f.id),
    )
    .await
}

async fn facility_page(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let f = xuequ_app::registry::get::<Facility>(&app, &v, id).await?;
    let codes = school_codes(&xuequ_app::registry::all_schools(&app, &v).await?);
    let (schools, shape) = record_page(&app, &v, Resource::Facility, f.school_id, &f.name, "facility", id).await?;
    let specs = facility_specs(&v.tr(), schools);
    Ok(record_form(&v, shape.as_shape(), &specs, &with_version(values_of(&f.to_draft(&codes).map_err(AppError::from)?), f.version()), &[]))
}

async fn facility_update(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Values>) -> PageResult {
    let specs = facility_specs(&v.tr(), writable_schools(&app, &v, Resource::Facility).await?);
    let path = format!("/facilities/{id}");
    let shape = shape(v.tr().get("action-edit"), &path, "facility", "/facilities");
    save_edit(
        &v,
        shape,
        &specs,
        &form,
        async |d: FacilityDraft, expected| xuequ_app::registry::update::<Facility>(&app, &v, id, &d, expected).await,
        async || current_values::<Facility>(&app, &v, id).await,
        |_| format!("/facilities/{id}"),
    )
    .await
}

async fn facility_retire_confirm(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let t = v.tr();
    let facility = xuequ_app::registry::get::<Facility>(&app, &v, id).await?;
    v.require(Action::Retire, Resource::Facility, &Target::school(v.county(), facility.school_id))?;
    let facts = [("facility", facility.name.clone())];
    let lines = vec![t.with("confirm-retire-facility", &facts), t.get("confirm-retire-kept")];
    Ok(retire_page(
        &v,
        t.with("confirm-retire-title", &[("school", facility.name.clone())]),
        lines,
        format!("/facilities/{id}/retire"),
        format!("/facilities/{id}"),
        false,
    ))
}

async fn facility_retire(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Confirm>) -> PageResult {
    retire_confirmed::<Facility>(&app, &v, id, &form, "/facilities").await
}

/// A record's form values as they are now, with its version (for a form whose save was stale).
async fn current_values<R>(app: &App, v: &Viewer, id: i64) -> Result<HashMap<String, String>, AppError>
where
    R: Record + ToDraft,
{
    let record = xuequ_app::registry::get::<R>(app, v, id).await?;
    let codes = school_codes(&xuequ_app::registry::all_schools(app, v).await?);
    Ok(with_version(record.values(&codes)?, record.version()))
}

/// A stored record as the values of its edit form.
trait ToDraft {
    fn values(&self, codes: &SchoolCodes) -> Result<HashMap<String, String>, AppError>;
}

impl ToDraft for School {
    fn values(&self, codes: &SchoolCodes) -> Result<HashMap<String, String>, AppError> {
        Ok(values_of(&self.to_draft(codes)?))
    }
}

impl ToDraft for Teacher {
    fn values(&self, codes: &SchoolCodes) -> Result<HashMap<String, String>, AppError> {
        Ok(values_of(&self.to_draft(codes)?))
    }
}

impl ToDraft for Facility {
    fn values(&self, codes: &SchoolCodes) -> Result<HashMap<String, String>, AppError> {
        Ok(values_of(&self.to_draft(codes)?))
    }
}
