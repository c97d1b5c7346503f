//! Clusters: list, detail with members, officers and map, forms, membership changes.

use super::*;
use crate::map::{MapPoint, cluster_svg};
use xuequ_app::records::school_codes;
use xuequ_domain::drafts::ClusterDraft;
use xuequ_domain::*;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/clusters", get(clusters))
        .route("/clusters/new", get(cluster_new).post(cluster_create))
        .route("/clusters/{id}", get(cluster_page))
        .route("/clusters/{id}/edit", get(cluster_edit).post(cluster_update))
        .route("/clusters/{id}/dissolve", get(dissolve_confirm).post(cluster_dissolve))
        .route("/clusters/{id}/members", post(member_add))
        .route("/clusters/{id}/members/{school_id}/remove", get(member_remove_confirm).post(member_remove))
}

type Id = Path<i64>;

fn specs(t: &Tr, schools: Vec<(String, String)>) -> Vec<FieldSpec> {
    vec![
        field("name", FieldKind::Text, true),
        field("form", FieldKind::Select(code_options(t, "cluster_form", ClusterForm::ALL.iter().map(|f| f.code()))), true),
        field("level", FieldKind::Select(code_options(t, "cluster_level", ClusterLevel::ALL.iter().map(|f| f.code()))), true),
        field("lead_school_code", FieldKind::Select(schools), true),
        field("founded_on", FieldKind::Date, true),
        field("description", FieldKind::TextArea, false),
    ]
}

fn shape<'a>(title: String, path: &'a str) -> FormShape<'a> {
    FormShape { title, path, entity: "cluster", cancel: "/clusters", readonly: false, extra: None }
}

async fn clusters(State(app): State<App>, v: Viewer, Query(q): Query<HashMap<String, String>>) -> PageResult {
    let t = v.tr();
    let (filter, paging) = crate::query::list_request(&q);
    let page = xuequ_app::clusters::list(&app, &v, &filter, paging).await?;
    let names: HashMap<i64, String> = xuequ_app::registry::all_schools(&app, &v).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let shape = ListShape { path: "/clusters", query: &q, total: page.total, paging };
    let columns = [("name", true), ("form", true), ("level", true), ("lead_school_code", false), ("founded_on", true)]
        .iter()
        .map(|(k, s)| shape.column(field_label(&t, "cluster", k), s.then_some(*k)))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                link(&c.name, format!("/clusters/{}", c.id)),
                cell(t.code("cluster_form", c.form.code())),
                cell(t.code("cluster_level", c.level.code())),
                link(names.get(&c.lead_school_id).cloned().unwrap_or_default(), format!("/schools/{}", c.lead_school_id)),
                cell(c.founded_on.to_string()),
            ]
        })
        .collect();
    let mut actions = vec![];
    if v.can(Action::Create, Resource::Cluster, &Target::county(v.county())) {
        actions.push(Link { label: t.get("action-new"), href: "/clusters/new".into() });
    }
    Ok(ListPage {
        chrome: Chrome::new(&v, t.get("nav-clusters"), "/clusters"),
        total_label: shape.total_label(&t),
        actions,
        q: q.get("q").cloned().unwrap_or_default(),
        filters: vec![
            shape.filter(
                "form",
                field_label(&t, "cluster", "form"),
                code_options(&t, "cluster_form", ClusterForm::ALL.iter().map(|f| f.code())),
            ),
            shape.filter(
                "level",
                field_label(&t, "cluster", "level"),
                code_options(&t, "cluster_level", ClusterLevel::ALL.iter().map(|f| f.code())),
            ),
            shape.filter("status", field_label(&t, "cluster", "status"), code_options(&t, "status", Status::ALL.iter().map(|f| f.code()))),
        ],
        hidden: vec![],
        columns,
        rows,
        pager: shape.pager(&t),
    }
    .into_response())
}

async fn cluster_new(State(app): State<App>, v: Viewer) -> PageResult {
    v.require(Action::Create, Resource::Cluster, &Target::county(v.county()))?;
    let values = HashMap::from([("founded_on".to_string(), xuequ_app::today().to_string()), ("level".to_string(), "county".to_string())]);
    Ok(record_form(&v, shape(v.tr().get("cluster-new"), "/clusters/new"), &specs(&v.tr(), school_options(&app, &v).await?), &values, &[]))
}

async fn cluster_create(State(app): State<App>, v: Viewer, Posted(form): Posted<Values>) -> PageResult {
    let specs = specs(&v.tr(), school_options(&app, &v).await?);
    let shape = shape(v.tr().get("cluster-new"), "/clusters/new");
    save_form(
        &v,
        shape,
        &specs,
        &form,
        async |d: ClusterDraft| xuequ_app::clusters::create(&app, &v, &d).await,
        |c| format!("/clusters/{}", c.id),
    )
    .await
}

struct MemberView {
    name: String,
    href: String,
    role: String,
    joined: String,
    left: String,
    past: bool,
    lead: bool,
    remove_action: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "clusters/cluster.html")]
struct ClusterPage {
    chrome: Chrome,
    cluster: xuequ_app::records::Cluster,
    form_label: String,
    edit_href: Option<String>,
    facts: Vec<(String, String)>,
    member_headers: Vec<String>,
    members: Vec<MemberView>,
    can_manage: bool,
    add_action: String,
    school_options: Vec<Opt>,
    today: String,
    officers: Vec<(String, String)>,
    map: String,
}

async fn cluster_page(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let t = v.tr();
    let detail = xuequ_app::clusters::get(&app, &v, id).await?;
    let c = detail.cluster;
    let lead = detail.members.iter().find(|m| m.school.id == c.lead_school_id).map(|m| m.school.name.clone()).unwrap_or_default();
    let current: Vec<_> = detail.members.iter().filter(|m| m.membership.left_on.is_none()).collect();
    let students = xuequ_app::registry::all_stats(&app, &v).await?;
    let latest_students: i64 = current
        .iter()
        .filter_map(|m| {
            students
                .iter()
                .filter(|s| s.school_id == m.school.id)
                .max_by_key(|s| s.year)
                .map(|s| (s.students_primary + s.students_junior) as i64)
        })
        .sum();
    let facts = vec![
        (field_label(&t, "cluster", "form"), t.code("cluster_form", c.form.code())),
        (field_label(&t, "cluster", "level"), t.code("cluster_level", c.level.code())),
        (field_label(&t, "cluster", "lead_school_code"), lead),
        (field_label(&t, "cluster", "founded_on"), c.founded_on.to_string()),
        (t.get("cluster-school-count"), current.len().to_string()),
        (t.get("cluster-students"), latest_students.to_string()),
        (field_label(&t, "cluster", "status"), t.code("status", c.status.code())),
    ];
    let members = detail
        .members
        .iter()
        .map(|m| MemberView {
            name: m.school.name.clone(),
            href: format!("/schools/{}", m.school.id),
            role: t.code("member_role", m.membership.role.code()),
            joined: m.membership.joined_on.to_string(),
            left: m.membership.left_on.map(|d| d.to_string()).unwrap_or_default(),
            past: m.membership.left_on.is_some(),
            lead: m.membership.role == MemberRole::Lead,
            remove_action: format!("/clusters/{id}/members/{}/remove", m.school.id),
        })
        .collect();
    let points: Vec<MapPoint> = current
        .iter()
        .filter_map(|m| match (m.school.latitude, m.school.longitude) {
            (Some(lat), Some(lon)) => Some(MapPoint { lat, lon, label: m.school.name.clone(), lead: m.school.id == c.lead_school_id }),
            _ => None,
        })
        .collect();
    let officers = detail.officers.iter().map(|o| (t.code("officer_role", o.role.code()), o.person_name.clone())).collect();
    let active = c.status == Status::Active;
    let can_manage = active && v.can(Action::Create, Resource::Cluster, &Target::county(v.county()));
    let school_options = school_options(&app, &v).await?.into_iter().map(|(value, label)| Opt { value, label, selected: false }).collect();
    Ok(ClusterPage {
        chrome: Chrome::new(&v, c.name.clone(), "/clusters"),
        form_label: t.code("cluster_form", c.form.code()),
        edit_href: (active && v.can(Action::Update, Resource::Cluster, &Target::cluster(v.county(), id)))
            .then(|| format!("/clusters/{id}/edit")),
        facts,
        member_headers: ["member-school", "member-role", "member-joined", "member-left", "member-actions"]
            .iter()
            .map(|k| t.get(k))
            .collect(),
        members,
        can_manage,
        add_action: format!("/clusters/{id}/members"),
        school_options,
        today: xuequ_app::today().to_string(),
        officers,
        map: cluster_svg(&points),
        cluster: c,
    }
    .into_response())
}

async fn cluster_edit(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let detail = xuequ_app::clusters::get(&app, &v, id).await?;
    v.require(Action::Update, Resource::Cluster, &Target::cluster(v.county(), id))?;
    let codes = school_codes(&xuequ_app::registry::all_schools(&app, &v).await?);
    let specs = specs(&v.tr(), school_options(&app, &v).await?);
    let path = format!("/clusters/{id}/edit");
    let mut shape = shape(detail.cluster.name.clone(), &path);
    if v.can(Action::Retire, Resource::Cluster, &Target::cluster(v.county(), id)) {
        shape.extra = Some((format!("/clusters/{id}/dissolve"), v.tr().get("cluster-dissolve")));
    }
    let version = xuequ_app::Version(detail.cluster.updated_at);
    Ok(record_form(&v, shape, &specs, &with_version(values_of(&detail.cluster.to_draft(&codes).map_err(AppError::from)?), version), &[]))
}

async fn cluster_update(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Values>) -> PageResult {
    let specs = specs(&v.tr(), school_options(&app, &v).await?);
    let path = format!("/clusters/{id}/edit");
    let shape = shape(v.tr().get("action-edit"), &path);
    save_edit(
        &v,
        shape,
        &specs,
        &form,
        async |d: ClusterDraft, expected| xuequ_app::clusters::update(&app, &v, id, &d, xuequ_app::today(), expected).await,
        async || {
            let detail = xuequ_app::clusters::get(&app, &v, id).await?;
            let codes = school_codes(&xuequ_app::registry::all_schools(&app, &v).await?);
            Ok(with_version(
                values_of(&detail.cluster.to_draft(&codes).map_err(AppError::from)?),
                xuequ_app::Version(detail.cluster.updated_at),
            ))
        },
        |_| format!("/clusters/{id}"),
    )
    .await
}

/// Before a district is dissolved: which memberships end, and from which day.
async fn dissolve_confirm(State(app): State<App>, v: Viewer, Path(id): Id) -> PageResult {
    let t = v.tr();
    let detail = xuequ_app::clusters::get(&app, &v, id).await?;
    v.require(Action::Retire, Resource::Cluster, &Target::cluster(v.county(), id))?;
    let current: Vec<String> = detail.members.iter().filter(|m| m.membership.left_on.is_none()).map(|m| m.school.name.clone()).collect();
    let name = detail.cluster.name.clone();
    let lines = vec![
        t.with("confirm-dissolve-what", &[("cluster", name.clone())]),
        t.with("confirm-dissolve-members", &[("count", current.len().to_string()), ("schools", current.join("、"))]),
        t.get("confirm-history-kept"),
    ];
    let path = format!("/clusters/{id}/dissolve");
    Ok(ConfirmPage {
        chrome: Chrome::new(&v, t.with("confirm-dissolve-title", &[("cluster", name)]), "/clusters"),
        lines,
        action: path,
        date: Some(DateField {
            name: "on",
            label: t.get("confirm-dissolve-date"),
            value: xuequ_app::today().to_string(),
            hint: t.get("confirm-date-hint"),
        }),
        reason: None,
        keep: Vec::new(),
        button: t.get("cluster-dissolve"),
        cancel: format!("/clusters/{id}"),
    }
    .into_response())
}

async fn cluster_dissolve(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<Confirm>) -> PageResult {
    if !form.confirmed() {
        return Ok(ask_first(&format!("/clusters/{id}/dissolve")));
    }
    xuequ_app::clusters::dissolve(&app, &v, id, form.on()?).await?;
    Ok(saved(&format!("/clusters/{id}")))
}

/// Before a school leaves a cluster: which school, which cluster, from which day.
async fn member_remove_confirm(State(app): State<App>, v: Viewer, Path((id, school_id)): Path<(i64, i64)>) -> PageResult {
    let t = v.tr();
    let detail = xuequ_app::clusters::get(&app, &v, id).await?;
    xuequ_app::clusters::require_membership_right(&app, &v, id).await?;
    let member = detail.members.iter().find(|m| m.school.id == school_id && m.membership.left_on.is_none()).ok_or(AppError::NotFound)?;
    let facts = [("school", member.school.name.clone()), ("cluster", detail.cluster.name.clone())];
    Ok(ConfirmPage {
        chrome: Chrome::new(&v, t.with("confirm-leave-title", &facts), "/clusters"),
        lines: vec![t.with("confirm-leave-what", &facts), t.get("confirm-history-kept")],
        action: format!("/clusters/{id}/members/{school_id}/remove"),
        date: Some(DateField {
            name: "left_on",
            label: t.get("confirm-leave-date"),
            value: xuequ_app::today().to_string(),
            hint: t.get("confirm-date-hint"),
        }),
        reason: None,
        keep: Vec::new(),
        button: t.get("cluster-remove-member"),
        cancel: format!("/clusters/{id}"),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberAdd {
    school_code: String,
    joined_on: String,
}

async fn member_add(State(app): State<App>, v: Viewer, Path(id): Id, Posted(form): Posted<MemberAdd>) -> PageResult {
    xuequ_app::clusters::add_member(&app, &v, id, &form.school_code, effective_date(&form.joined_on, "joined_on")?).await?;
    Ok(saved(&format!("/clusters/{id}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberRemove {
    confirmed: String,
    left_on: String,
}

async fn member_remove(
    State(app): State<App>,
    v: Viewer,
    Path((id, school_id)): Path<(i64, i64)>,
    Posted(form): Posted<MemberRemove>,
) -> PageResult {
    if !confirmed(&form.confirmed) {
        return Ok(ask_first(&format!("/clusters/{id}/members/{school_id}/remove")));
    }
    xuequ_app::clusters::remove_member(&app, &v, id, school_id, effective_date(&form.left_on, "left_on")?).await?;
    Ok(saved(&format!("/clusters/{id}")))
}
