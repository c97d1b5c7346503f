//! The cluster planner end to end: `xuequ plan cpmp` on a literature instance (objective checked
//! against a recomputation from the printed assignment), and the platform's plans through HTTP —
//! run, read, compare, move a school by hand, apply with dated history, permissions — on SQLite,
//! and on PostgreSQL when `DATABASE_URL_PG` is set.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");
const CPMP01: &str = "../../../shared/bench/cpmp/orlib/cpmp01.txt";

#[test]
fn plan_cpmp_prints_a_solution_whose_objective_is_its_own() {
    let out =
        Command::new(BIN).args(["plan", "cpmp", CPMP01, "--distance", "euclidean_floor", "--time-limit", "5", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let medians: Vec<usize> = v["medians"].as_array().unwrap().iter().map(|m| m.as_u64().unwrap() as usize).collect();
    let assignment: Vec<usize> = v["assignment"].as_array().unwrap().iter().map(|m| m.as_u64().unwrap() as usize).collect();
    assert_eq!(medians.len(), 5);
    assert_eq!(assignment.len(), 50);
    // Recompute from the file: floor of the Euclidean distance, capacities respected.
    let text = std::fs::read_to_string(CPMP01).unwrap();
    let rows: Vec<Vec<f64>> = text.lines().skip(1).map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect()).collect();
    let mut load = [0.0; 5];
    let mut total = 0.0;
    for (i, &a) in assignment.iter().enumerate() {
        let (p, m) = (&rows[i], &rows[medians[a]]);
        total += ((p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2)).sqrt().floor();
        load[a] += p[3];
    }
    for (a, &m) in medians.iter().enumerate() {
        assert_eq!(assignment[m], a, "a median serves itself");
        assert!(load[a] <= rows[m][2], "capacity of median {m}");
    }
    assert_eq!(v["objective"].as_f64().unwrap(), total);
    assert_eq!(total, 713.0, "the proven optimum of OR-Library cpmp01");
}

#[test]
fn plan_cpmp_exact_proves_the_optimum() {
    let out = Command::new(BIN)
        .args(["plan", "cpmp", CPMP01, "--distance", "euclidean_floor", "--time-limit", "1", "--exact", "120", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["proven_optimal"], true, "{v}");
    assert_eq!(v["objective"].as_f64(), Some(713.0));
    assert!(v["lower_bound"].as_f64().is_some_and(|b| (b - 713.0).abs() < 1e-6), "{v}");
}

#[test]
fn plan_cpmp_names_the_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.txt");
    std::fs::write(&path, "3 1\n0 0 10 1\n1 1 ten 1\n2 2 10 1\n").unwrap();
    let out = Command::new(BIN).args(["plan", "cpmp", path.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.txt: line 3: `ten` is not a number"), "{err}");
}

async fn planning_story(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();

    // Plan the demo county's primary schools.
    let settings = json!({"stage": "primary", "time_limit": 3, "min_schools": 3, "max_schools": 10, "lead_rule": "top", "lead_value": 20, "balance_weight": 1});
    let (status, plan) = admin.call("POST", "/api/v1/plans", Some(json!({"name": "测试方案", "settings": settings}))).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let id = plan["plan"]["id"].as_i64().unwrap();
    let m = &plan["measures"];
    assert_eq!(m["unclustered"], 0);
    assert_eq!(m["violations"].as_array().unwrap().len(), 0, "{m}");
    let clusters = plan["clusters"].as_array().unwrap();
    let planned: usize = clusters.iter().map(|c| 1 + c["members"].as_array().unwrap().len()).sum();
    assert!(planned >= 80, "the demo's primary and nine-year schools are planned: {planned}");
    assert!(clusters.iter().all(|c| c["members"].as_array().unwrap().len() < 10), "at most 10 schools per district");
    assert_eq!(m["clusters"].as_u64().unwrap() as usize, clusters.len());
    assert!(plan["strength_source"]["assessment"].as_u64().unwrap() > 0, "strength from the assessment: {}", plan["strength_source"]);
    // A sensible county plan: schools travel on average well under the county's width.
    let mean_km = m["total"].as_f64().unwrap() / planned as f64;
    assert!(mean_km > 0.5 && mean_km < 15.0, "mean distance to the lead {mean_km} km");

    // Bad settings are named.
    let (status, err) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": {"stage": "primary", "max_schools": 12}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["details"][0]["field"], "max_schools", "{err}");
    let (status, err) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": {"fixed": [["NOPE", "X"]]}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["details"][0]["field"], "fixed", "{err}");

    // The page shows the map, the comparison and every cluster.
    let (status, html) = admin.page(&format!("/plans/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg") && html.contains("id=\"compare\"") && html.contains("测试方案"));
    assert_eq!(html.matches("class=\"list plan-cluster\"").count(), clusters.len());

    // Move a member to another cluster by hand: the plan changes and the measures follow.
    let from = &clusters[0];
    let to =
        clusters.iter().find(|c| c["lead"] != from["lead"] && c["members"].as_array().unwrap().len() < 9).expect("a district with room");
    let school = from["members"][0].as_i64().unwrap();
    let status = admin.form(&format!("/plans/{id}/move"), &[("school", school.to_string()), ("lead", to["lead"].to_string())]).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let (_, moved) = admin.call("GET", &format!("/api/v1/plans/{id}"), None).await;
    let target = moved["clusters"].as_array().unwrap().iter().find(|c| c["lead"] == to["lead"]).unwrap();
    assert!(target["members"].as_array().unwrap().iter().any(|s| s.as_i64() == Some(school)));
    assert_ne!(moved["measures"]["total"], plan["measures"]["total"]);

    // Who may see and do what.
    let teacher = server.client("teacher").await.unwrap();
    let inspector = server.client("inspector").await.unwrap();
    let other = server.client("other-admin").await.unwrap();
    assert_eq!(teacher.call("GET", "/api/v1/plans", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(inspector.call("GET", &format!("/api/v1/plans/{id}"), None).await.0, StatusCode::OK);
    assert_eq!(inspector.call("POST", &format!("/api/v1/plans/{id}/apply"), Some(json!({}))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(other.call("GET", &format!("/api/v1/plans/{id}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.call("POST", &format!("/api/v1/plans/{id}/apply"), Some(json!({}))).await.0, StatusCode::NOT_FOUND);

    // A district edited beyond ten schools is refused on apply, and nothing changes.
    let hand_move = async |school: i64, lead: &Value| {
        let status = admin.form(&format!("/plans/{id}/move"), &[("school", school.to_string()), ("lead", lead.to_string())]).await;
        assert!(status.is_success() || status.is_redirection(), "{status}");
    };
    let (_, now) = admin.call("GET", &format!("/api/v1/plans/{id}"), None).await;
    let now = now["clusters"].as_array().unwrap().clone();
    let full = now.iter().find(|c| c["members"].as_array().unwrap().len() == 9).expect("a district of ten schools");
    let donor = now.iter().find(|c| c["lead"] != full["lead"] && c["members"].as_array().unwrap().len() > 3).unwrap();
    let extra = donor["members"][0].as_i64().unwrap();
    hand_move(extra, &full["lead"]).await;
    let (status, err) = admin.call("POST", &format!("/api/v1/plans/{id}/apply"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"]["details"][0]["code"], "plan_breaks_rules", "a plan that breaks a rule is not applied: {err}");
    hand_move(extra, &donor["lead"]).await;

    // Apply: districts follow the plan from the date; the old ones stay in the history.
    let (_, before) = admin.call("GET", "/api/v1/clusters?form=district&status=active&per_page=100", None).await;
    let (status, applied) = admin.call("POST", &format!("/api/v1/plans/{id}/apply"), Some(json!({"on": "2025-09-01"}))).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    let (_, after) = admin.call("GET", "/api/v1/clusters?form=district&status=active&per_page=100", None).await;
    let (_, final_plan) = admin.call("GET", &format!("/api/v1/plans/{id}"), None).await;
    let n_planned = final_plan["clusters"].as_array().unwrap().len();
    let active_leads: Vec<i64> = after["items"].as_array().unwrap().iter().map(|c| c["lead_school_id"].as_i64().unwrap()).collect();
    for c in final_plan["clusters"].as_array().unwrap() {
        assert!(active_leads.contains(&c["lead"].as_i64().unwrap()), "a district led by {}", c["lead"]);
    }
    assert!(after["total"].as_u64().unwrap() as usize >= n_planned);
    let dissolved = applied["dissolved"].as_array().unwrap().len();
    assert_eq!(
        after["total"].as_u64().unwrap() as usize,
        before["total"].as_u64().unwrap() as usize + applied["created"].as_array().unwrap().len() - dissolved
    );
    assert_eq!(final_plan["plan"]["applied_on"], "2025-09-01");
    // Every planned school is now a current member of its planned district.
    let some = &final_plan["clusters"][0];
    let district = after["items"].as_array().unwrap().iter().find(|c| c["lead_school_id"] == some["lead"]).unwrap();
    let (_, detail) = admin.call("GET", &format!("/api/v1/clusters/{}", district["id"]), None).await;
    let current: Vec<i64> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["membership"]["left_on"].is_null())
        .map(|m| m["school"]["id"].as_i64().unwrap())
        .collect();
    for s in some["members"].as_array().unwrap() {
        assert!(current.contains(&s.as_i64().unwrap()), "{s} joined");
    }
    // An applied plan is history: applying or editing again is refused.
    assert_eq!(admin.call("POST", &format!("/api/v1/plans/{id}/apply"), Some(json!({}))).await.0, StatusCode::CONFLICT);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn planning_on_sqlite() {
    planning_story(Backend::Sqlite).await;
}

#[tokio::test]
async fn planning_on_postgres() {
    match Backend::all().into_iter().find(|b| matches!(b, Backend::Postgres(_))) {
        Some(pg) => planning_story(pg).await,
        None => eprintln!("skipped: DATABASE_URL_PG is not set"),
    }
}

/// One principal enters this year's figures for one school: the county's assessment of that
/// year says how little it covers and gives no verdict, the default stays on the latest complete
/// year, and the planner refuses to count the schools without figures as 0 unless told to.
async fn a_partial_year_is_never_judged(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let (_, before) = admin.get("/api/v1/assessment").await;
    let latest = before["year"].as_i64().unwrap();
    assert_eq!(before["complete"], true, "the demo's latest year is complete");
    let expected = before["coverage"]["schools_expected"].as_u64().unwrap();
    assert_eq!(before["coverage"]["schools_with"].as_u64().unwrap(), expected);
    assert!(before["sections"]["primary"]["passed"].is_boolean());

    let (_, me) = principal.get("/api/v1/me").await;
    let school = me["actor"]["school_id"].as_i64().unwrap();
    let (_, own) = principal.get(&format!("/api/v1/schools/{school}")).await;
    let year = latest + 2;
    let stats = json!({"school_code": own["code"], "year": year, "students_primary": 640, "students_junior": 0,
        "classes_primary": 14, "classes_junior": 0, "max_class_size": 45, "teaching_area": 4000.0, "sports_area": 6000.0,
        "equipment_value": 1500000.0, "multimedia_rooms": 16, "books": 30000, "computers": 80});
    let (status, saved) = principal.post("/api/v1/stats", stats).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    // The default is still the latest complete year, with its verdict.
    let (_, after) = admin.get("/api/v1/assessment").await;
    assert_eq!(after["year"].as_i64(), Some(latest));
    assert_eq!(after["complete"], true);
    assert_eq!(after["years"][0].as_i64(), Some(year), "the new year is offered");
    // The new year: one school of all, no verdict, the others named.
    let (_, partial) = admin.get(&format!("/api/v1/assessment?year={year}")).await;
    assert_eq!(partial["complete"], false, "{}", partial["coverage"]);
    assert_eq!(partial["coverage"]["schools_with"], 1);
    assert_eq!(partial["coverage"]["schools_expected"].as_u64(), Some(expected));
    assert_eq!(partial["coverage"]["pupils_with"], 640);
    assert!(partial["coverage"]["pupils_expected"].as_u64().unwrap() > 10_000, "missing schools count with their last figures");
    assert_eq!(partial["missing"].as_array().unwrap().len() as u64, expected - 1);
    assert!(partial["missing"].as_array().unwrap().iter().all(|m| m["id"].as_i64() != Some(school)));
    assert!(partial["sections"]["primary"]["passed"].is_null(), "no verdict: {}", partial["sections"]["primary"]);
    let trend = partial["trend"].as_array().unwrap();
    let last = trend.last().unwrap();
    assert_eq!((last["year"].as_i64(), last["complete"].as_bool()), (Some(year), Some(false)));
    assert!(last["sections"]["primary"]["passed"].is_null());
    assert!(trend[..trend.len() - 1].iter().all(|y| y["complete"] == true));

    // The page says the same in words, with no 达标 for the year.
    let (status, html) = admin.page(&format!("/assessment?year={year}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("统计数据还不完整") && html.contains("已填报 1 所"), "coverage stated");
    assert!(html.contains("数据不完整，不作结论"));
    let stage_heading = html.split("<section class=\"stage\"").nth(1).unwrap().split("</h2>").next().unwrap();
    assert!(!stage_heading.contains("达标"), "{stage_heading}");
    assert!(html.contains(&format!("{year}–{}（数据不完整）", year + 1)), "the year list marks it");
    let (_, page) = admin.page("/assessment").await;
    assert!(page.contains("统计数据完整"), "the default page is the complete year");

    // The planner: the default year is the complete one; the partial year names what is missing.
    let settings = json!({"stage": "primary", "time_limit": 1, "year": year});
    let (status, err) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": settings}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["details"][0]["field"], "missing_as_zero", "{err}");
    assert!(err["error"]["details"][0]["message"].as_str().unwrap().contains("没有统计数据"), "{err}");
    let settings = json!({"stage": "primary", "time_limit": 1, "year": year, "missing_as_zero": true});
    let (status, plan) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": settings}))).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    assert!(plan["strength_source"]["missing"].as_u64().unwrap() > 50, "{}", plan["strength_source"]);
    assert_eq!(plan["strength_source"]["assessment_year"].as_i64(), Some(year));
    let (status, plan) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": {"stage": "primary", "time_limit": 1}}))).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    assert_eq!(plan["strength_source"]["assessment_year"].as_i64(), Some(latest), "{}", plan["strength_source"]);
    assert_eq!(plan["strength_source"]["missing"], 0);
    let (status, err) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": {"year": 1990}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["details"][0]["field"], "year", "{err}");
    // The form says it too, next to the field, with what was typed kept.
    let (status, html) = admin
        .form_page(
            "/plans",
            &[("stage", "primary".into()), ("year", year.to_string()), ("missing_as_zero", "no".into()), ("time_limit", "1".into())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("没有统计数据") && html.contains("按 0 分计"), "the problem is named on the form");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partial_year_is_never_judged_on_every_database() {
    for backend in Backend::all() {
        a_partial_year_is_never_judged(backend).await;
    }
}
