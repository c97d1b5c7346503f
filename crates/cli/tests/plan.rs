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
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["field"], "max_schools", "{err}");
    let (status, err) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": {"fixed": [["NOPE", "X"]]}}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
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
