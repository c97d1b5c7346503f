//! What a person reads after a bad upload and in the audit log, snapshotted (insta): every
//! problem of every row in one list, in Chinese, and the log's sentences with before → after.

use xuequ_app::accounts::{self, SessionKind};
use xuequ_app::{App, Caller, operator};
use xuequ_i18n::{Lang, Tr};
use xuequ_sheets::Kind;

async fn demo_admin() -> (tempfile::TempDir, App, Caller) {
    let dir = tempfile::tempdir().unwrap();
    let store = operator::open(&operator::sqlite_url(dir.path())).await.unwrap();
    operator::load_demo(&store, false).await.unwrap();
    let app = App::new(store);
    let opened = accounts::sign_in(&app, "admin", "xuequ-demo", SessionKind::Api, "test").await.unwrap();
    let caller = accounts::resolve(&app, &opened.token).await.unwrap().unwrap().caller;
    (dir, app, caller)
}

/// Problems as the import page lists them: row, column, what is wrong.
fn listed(e: xuequ_app::AppError) -> String {
    let tr = Tr::new(Lang::Zh);
    let xuequ_app::AppError::Import(problems) = e else { panic!("not an import error: {e:?}") };
    let place = |row: usize, column: &str| if row == 0 { "整个文件".to_string() } else { format!("第 {row} 行 · {column}") };
    problems.iter().map(|p| format!("{} · {}", place(p.row, &p.column), tr.problem(&p.problem))).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn an_import_lists_every_problem_of_every_row() {
    let (_dir, app, admin) = demo_admin().await;
    // Row 2: empty name and a gender that is not one; row 3: an unknown school and a date in
    // words; row 4: the staff number of row 2 again, an unknown degree; row 5 is good.
    let csv = "教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间\n\
               N1,,未知,3141000001,语文,本科,一级教师,无,2020-09-01\n\
               N2,新教师乙,男,NOPE,数学,本科,一级教师,无,明天\n\
               N1,新教师丙,女,3141000001,英语,博士后,二级教师,无,2019-09-01\n\
               N5,新教师戊,女,3141000001,英语,本科,二级教师,无,2019-09-01\n";
    let e = xuequ_app::sheets::import(&app, &admin, Kind::Teachers, csv.as_bytes(), "教师.csv", false).await.unwrap_err();
    insta::assert_snapshot!("teachers_import_problems", listed(e));
    let schools = "学校代码,学校名称,学校类型,城乡类别,纬度,经度\n\
                   ,,小学,镇区,200,110.3\n\
                   X1,新学校,大学,城区,34.5,abc\n";
    let e = xuequ_app::sheets::import(&app, &admin, Kind::Schools, schools.as_bytes(), "学校.csv", false).await.unwrap_err();
    insta::assert_snapshot!("schools_import_problems", listed(e));
    let e = xuequ_app::sheets::import(&app, &admin, Kind::Teachers, b"hello", "teachers.xlsx", false).await.unwrap_err();
    insta::assert_snapshot!("not_a_spreadsheet", listed(e));
}

#[tokio::test]
async fn the_audit_log_reads_as_sentences() {
    let (_dir, app, admin) = demo_admin().await;
    let schools = xuequ_app::registry::all_schools(&app, &admin).await.unwrap();
    let school = schools.iter().find(|s| s.name == "东坪镇中心小学").unwrap().clone();
    let mut draft = school.to_draft(&xuequ_store::registry::convert::school_codes(&schools)).unwrap();
    draft.principal = "王新".into();
    draft.locality = xuequ_domain::Locality::Rural;
    xuequ_app::registry::update::<xuequ_store::entities::school::Model>(&app, &admin, school.id, &draft, None).await.unwrap();
    let csv = "教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间\n\
               N7,新教师庚,女,3141000024,语文,本科,一级教师,无,2020-09-01\n";
    xuequ_app::sheets::import(&app, &admin, Kind::Teachers, csv.as_bytes(), "教师.csv", false).await.unwrap();
    let clusters = xuequ_app::clusters::all(&app, &admin).await.unwrap();
    let district = clusters.iter().find(|c| c.name == "城关第二学区").unwrap();
    let detail = xuequ_app::clusters::get(&app, &admin, district.id).await.unwrap();
    let member =
        detail.members.iter().find(|m| m.membership.role == xuequ_domain::MemberRole::Member && m.membership.left_on.is_none()).unwrap();
    let on = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    xuequ_app::clusters::remove_member(&app, &admin, district.id, member.school.id, on).await.unwrap();

    let page = accounts::audit_entries(&app, &admin, &Default::default(), xuequ_store::Paging::new(None, Some(3))).await.unwrap();
    let names = accounts::audit_names(&app, &admin).await.unwrap();
    let maps = xuequ_i18n::audit::NameMaps {
        schools: &names.schools,
        clusters: &names.clusters,
        teachers: &names.teachers,
        people: &names.people,
    };
    let tr = Tr::new(Lang::Zh);
    let told: Vec<xuequ_i18n::audit::Sentence> = page
        .items
        .iter()
        .map(|e| xuequ_i18n::audit::describe_stored(&tr, &e.username, &e.action, &e.entity, e.before.as_deref(), e.after.as_deref(), &maps))
        .collect();
    insta::assert_yaml_snapshot!("audit_sentences", told);
}
