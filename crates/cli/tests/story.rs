//! The platform's story through HTTP against the real binary: sign in, browse, change records
//! within scope, import and export — on SQLite, and on PostgreSQL when `DATABASE_URL_PG` is set.

use reqwest::{Client, StatusCode};
use serde_json::json;
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");
use xuequ_testkit::DEMO_PASSWORD as PASSWORD;

async fn story(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();

    // Browsing: the demo county is there, lists filter, sort and page.
    let (status, schools) = admin.get("/api/v1/schools?per_page=200").await;
    assert_eq!(status, StatusCode::OK);
    let total = schools["total"].as_u64().unwrap();
    assert!(total >= 160, "demo schools: {total}");
    let (_, junior) = admin.get("/api/v1/schools?school_type=junior&sort=name&desc=1&per_page=5").await;
    assert_eq!(junior["items"].as_array().unwrap().len(), 5);
    assert!(junior["items"].as_array().unwrap().iter().all(|s| s["school_type"] == "junior"));
    let names: Vec<&str> = junior["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted, "sorted by name descending");
    let (_, found) = admin.get(&format!("/api/v1/schools?q={}", "东坪镇中心小学")).await;
    assert_eq!(found["total"], 1);
    // Search as people type: characters left out, pinyin initials, full pinyin, part of a code.
    for typed in ["东坪中心", "dpzx", "dongpingzhenzhongxin", "东坪zx", "000024"] {
        let (_, hit) = admin.get(&format!("/api/v1/schools?q={}", urlencoding::encode(typed))).await;
        let names: Vec<&str> = hit["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"东坪镇中心小学"), "{typed}: {names:?}");
    }
    let (_, zhang) = admin.get(&format!("/api/v1/teachers?q={}&per_page=200", urlencoding::encode("张"))).await;
    let zhang_total = zhang["total"].as_u64().unwrap();
    assert!(zhang_total > 0 && zhang["items"].as_array().unwrap().iter().all(|t| t["name"].as_str().unwrap().contains('张')));
    let (_, by_pinyin) = admin.get("/api/v1/teachers?q=zhang&per_page=1").await;
    assert!(by_pinyin["total"].as_u64().unwrap() >= zhang_total, "zhang finds every 张 (and 章, 长...)");
    let (_, teachers) = admin.get("/api/v1/teachers?per_page=1").await;
    assert!(teachers["total"].as_u64().unwrap() > 3000);

    // A school with several years of statistics and a cluster with members and dates.
    let school_id = found["items"][0]["id"].as_i64().unwrap();
    let (_, stats) = admin.items(&format!("/api/v1/schools/{school_id}/stats")).await;
    assert_eq!(stats.as_array().unwrap().len(), 3);
    let (_, clusters) = admin.get("/api/v1/clusters?form=district").await;
    let district = clusters["items"].as_array().unwrap().iter().find(|c| c["name"] == "城关第二学区").unwrap().clone();
    let (_, detail) = admin.get(&format!("/api/v1/clusters/{}", district["id"])).await;
    assert!(detail["members"].as_array().unwrap().len() >= 5);
    assert!(detail["members"][0]["membership"]["joined_on"].is_string());

    // Creating: good input is saved; a duplicate code conflicts; bad input names the field.
    let draft = json!({"code": "T9001", "name": "测试新建小学", "school_type": "primary", "locality": "rural", "latitude": 34.6, "longitude": 110.4});
    assert_eq!(admin.post("/api/v1/schools", draft.clone()).await.0, StatusCode::CREATED);
    assert_eq!(admin.post("/api/v1/schools", draft).await.0, StatusCode::CONFLICT);
    let bad = json!({"code": "T 9002", "name": "", "school_type": "primary", "locality": "rural", "latitude": 110.4, "longitude": 34.6});
    let (status, body) = admin.post("/api/v1/schools", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["code", "name", "latitude", "longitude"]);

    // Export → import round trip: the export re-imports unchanged (as updates) in both formats.
    for format in ["csv", "xlsx"] {
        let before = admin.export("teachers", format).await;
        let (status, summary) = admin.import("teachers", &format!("teachers.{format}"), before.clone(), true).await;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(summary["created"], 0);
        assert!(summary["updated"].as_u64().unwrap() > 3000);
        let after = admin.export("teachers", format).await;
        if format == "csv" {
            assert_eq!(before, after, "CSV export is stable across a round trip");
        }
    }
    // An export of what a list shows: its search and filters, every page of it.
    let (_, listed) = admin.get("/api/v1/teachers?q=%E5%BC%A0&per_page=1").await;
    let zhang = admin.export_listed("teachers", "csv", "q=%E5%BC%A0&sort=name").await;
    let rows = String::from_utf8_lossy(&zhang).lines().count() as u64 - 1;
    assert_eq!(rows, listed["total"].as_u64().unwrap(), "the file holds the whole list");
    assert!(rows > 20, "more than one page of 张: {rows}");
    let names: Vec<String> =
        String::from_utf8_lossy(&zhang).lines().skip(1).map(|l| l.split(',').nth(1).unwrap_or("").to_string()).collect();
    assert!(names.iter().all(|n| n.contains('张')), "only 张: {names:?}");
    let (_, schools) = admin.get("/api/v1/schools?school_type=junior&per_page=1").await;
    let juniors = admin.export_listed("schools", "csv", "school_type=junior").await;
    assert_eq!(String::from_utf8_lossy(&juniors).lines().count() as u64 - 1, schools["total"].as_u64().unwrap());
    let stats_csv = admin.export("stats", "csv").await;
    let (status, _) = admin.import("stats", "stats.csv", stats_csv, true).await;
    assert_eq!(status, StatusCode::OK);

    // A broken file: every problem reported with row and column; nothing written.
    let count_before = admin.get("/api/v1/teachers?per_page=1").await.1["total"].clone();
    let csv = "教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间\n\
               N1,新教师甲,女,3141000001,语文,本科,一级教师,无,2020-09-01\n\
               N2,新教师乙,男,NOPE,数学,本科,一级教师,无,2020-09-01\n\
               N1,新教师丙,女,3141000001,英语,本科,二级教师,无,明天\n\
               N1,新教师丁,女,3141000001,英语,大专,二级教师,无,2019-09-01\n\
               N5,新教师戊,女,3141000001,英语,本科,二级教师,无,2019-09-01\n";
    let (status, body) = admin.import("teachers", "bad.csv", csv.as_bytes().to_vec(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let details = body["error"]["details"].as_array().unwrap();
    let places: Vec<(u64, String)> =
        details.iter().map(|d| (d["row"].as_u64().unwrap(), d["column"].as_str().unwrap().to_string())).collect();
    // Every problem of every row in one pass, in row and column order: a row whose date or
    // degree does not read is still checked for its repeated staff number.
    let expected: Vec<(u64, String)> = [(3, "D 学校代码"), (4, "A 教师编号"), (4, "I 到校时间"), (5, "A 教师编号"), (5, "F 最高学历")]
        .iter()
        .map(|(r, c)| (*r, c.to_string()))
        .collect();
    assert_eq!(places, expected, "the good row 6 is not an error");
    let count_after = admin.get("/api/v1/teachers?per_page=1").await.1["total"].clone();
    assert_eq!(count_before, count_after, "a bad file writes nothing");
    let (status, body) = admin.import("teachers", "missing.csv", "姓名\n张三\n".as_bytes().to_vec(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["code"], "missing_column");

    // A new account: a one-time password, shown once; pages wait until it is changed.
    let body = json!({"username": "wang.li", "display_name": "王力", "role": "school_admin", "school_id": school_id});
    let (status, created) = admin.post("/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED);
    let one_time = created["password"].as_str().unwrap().to_string();
    let browser = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::limited(5)).build().unwrap();
    let r = browser.post(server.url("/login")).form(&[("username", "wang.li"), ("password", one_time.as_str())]).send().await.unwrap();
    assert_eq!(r.url().path(), "/account/password", "a one-time password must be changed first");
    let page = r.text().await.unwrap();
    let csrf = page.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let change = [
        ("_csrf", csrf.as_str()),
        ("current_password", one_time.as_str()),
        ("new_password", "校长的新密码123"),
        ("confirm_password", "校长的新密码123"),
    ];
    let r = browser.post(server.url("/account/password")).form(&change).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = browser.get(server.url("/schools")).send().await.unwrap();
    assert_eq!(r.url().path(), "/schools");
    let principal = server.client_with("wang.li", "校长的新密码123").await.unwrap();
    let wrong = json!({"current_password": "not-it", "new_password": "whatever-123"});
    let (status, body) = principal.post("/api/v1/me/password", wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"][0]["code"], "wrong_password");

    // The balance assessment of the registry: the latest year, both stages, the trend.
    let (status, assessment) = admin.get("/api/v1/assessment").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(assessment["year"], 2024);
    assert_eq!(assessment["source"], "registry");
    assert_eq!(assessment["sections"]["primary"]["cv_limit"], 0.5);
    assert_eq!(assessment["sections"]["junior"]["cv_limit"], 0.45);
    assert!(assessment["sections"]["primary"]["cv"]["composite"].as_f64().unwrap() > 0.0);
    assert!(assessment["excluded"].as_array().unwrap().iter().all(|e| e["reason"] == "small_teaching_point"));
    assert_eq!(assessment["trend"].as_array().unwrap().len(), 3);
    let (_, junior_only) = admin.get("/api/v1/assessment?stage=junior&year=2023").await;
    assert!(junior_only["sections"]["primary"].is_null() && junior_only["sections"]["junior"].is_object());
    assert!(junior_only["schools"].as_array().unwrap().iter().all(|s| s["section"] == "junior"));
    let (_, cluster_only) = admin.get(&format!("/api/v1/assessment?cluster={}", district["id"])).await;
    let in_cluster = cluster_only["schools"].as_array().unwrap().len();
    assert!((5..=10).contains(&in_cluster), "{in_cluster} school sections in the district");
    let (status, _) = admin.get("/api/v1/assessment?year=1999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The audit log saw the changes.
    let (_, audit) = admin.get("/api/v1/audit?entity=school").await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "create"));

    // Pages: sign in with the form, see a school page in Chinese, switch to English.
    let browser = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::limited(5)).build().unwrap();
    let r = browser.post(server.url("/login")).form(&[("username", "admin"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = browser.get(server.url(&format!("/schools/{school_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("东坪镇中心小学") && page.contains("学年统计"));
    browser.get(server.url("/lang/en?back=/schools")).send().await.unwrap();
    let page = browser.get(server.url("/schools")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Schools") && page.contains("in all"));
    let cluster_page = browser.get(server.url(&format!("/clusters/{}", district["id"]))).send().await.unwrap().text().await.unwrap();
    assert!(cluster_page.contains("<svg") && cluster_page.contains("<circle"));
    browser.get(server.url("/lang/zh-CN?back=/")).send().await.unwrap();
    let page = browser.get(server.url("/assessment")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("差异系数") && page.contains("<svg") && page.contains("综合差异系数"));
    assert!(page.contains("变化"), "year-on-year change per indicator");
    assert!(page.contains("href=\"/assessment\""), "均衡评估 is in the menu");
    let trend = page.split("id=\"trend\"").nth(1).unwrap().split("</table>").next().unwrap();
    let headers = trend.split("</thead>").next().unwrap().matches("<th>").count();
    let first_row = trend.split("<tbody>").nth(1).unwrap().split("</tr>").next().unwrap().matches("<td").count();
    assert_eq!(headers, first_row, "the trend's header has a column for every cell, the school year first");
    let login = reqwest::get(server.url("/login")).await.unwrap().text().await.unwrap();
    assert!(login.contains("other-admin") && login.contains("石桥县"), "the demo table lists the second county's admin");
    let printable = browser.get(server.url("/assessment/report?year=2024")).send().await.unwrap().text().await.unwrap();
    assert!(
        printable.contains("云岭县义务教育优质均衡发展评估报告")
            && printable.contains("五、存在问题与改进建议")
            && printable.contains("@page")
    );
    let school = browser.get(server.url(&format!("/schools/{school_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(school.contains("均衡指标（2024–2025 学年）") && school.contains("100%"), "the school against the thresholds");
    let xlsx = browser.get(server.url("/assessment.xlsx?year=2023")).send().await.unwrap().bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX file");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn story_on_every_backend() {
    for backend in Backend::all() {
        story(backend).await;
    }
}

/// An import from the page answers a redirect to its result (post/redirect/get): reloading the
/// result shows it again and imports nothing a second time.
#[tokio::test(flavor = "multi_thread")]
async fn a_page_import_redirects_to_its_result() {
    let server = TestServer::start(BIN, &Backend::Sqlite).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let csv = admin.export("facilities", "csv").await;
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("kind", "facilities")
        .text("update_existing", "true")
        .part("file", reqwest::multipart::Part::bytes(csv).file_name("facilities.csv"));
    let r = no_redirect.post(server.url("/import")).bearer_auth(admin.token().unwrap()).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/import?kind=facilities&created=0&updated="), "{location}");
    let (status, html) = admin.page(&location).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(html.contains("导入完成：新增 0 条"), "the result is shown after the redirect");
    server.stop().await.unwrap();
}
