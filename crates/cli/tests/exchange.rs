//! Teacher exchange through HTTP on SQLite and PostgreSQL: the teachers due at a school counted
//! by hand from the registry, the quota rounded up, a cluster's rotation plan that keeps the
//! rules, and who may see and plan.

use chrono::{Datelike, NaiveDate};
use reqwest::StatusCode;
use serde_json::json;
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

async fn exchange(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let head = server.client("head").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let teacher = server.client("teacher").await.unwrap();

    // 城关第一小学 in the school year 2026–2027, by hand: due after six full years by
    // 1 September 2026, unless retiring by 2028 (men at 60, women at 55).
    let (status, view) = admin.get("/api/v1/exchange?year=2026").await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let row = view["schools"].as_array().unwrap().iter().find(|s| s["name"] == "城关第一小学").unwrap().clone();
    let (_, list) = admin.get(&format!("/api/v1/teachers?school_id={}&per_page=500", row["school_id"])).await;
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let (mut due, mut retiring, mut young) = (0, 0, 0);
    for t in list["items"].as_array().unwrap() {
        let joined: NaiveDate = t["joined_school_on"].as_str().unwrap().parse().unwrap();
        let retires = t["birth_year"].as_i64().map(|b| b + if t["gender"] == "male" { 60 } else { 55 });
        let mut years = start.year() - joined.year();
        if (start.month(), start.day()) < (joined.month(), joined.day()) {
            years -= 1;
        }
        if retires.is_some_and(|r| r <= 2028) {
            retiring += 1;
        } else if years >= 6 {
            due += 1;
        } else {
            young += 1;
        }
    }
    assert_eq!(
        (row["eligible"].as_u64(), row["retiring"].as_u64(), row["too_few_years"].as_u64()),
        (Some(due), Some(retiring), Some(young)),
        "{row}"
    );
    assert!(due > 0 && row["sending"] == true, "an urban school with teachers due: {row}");
    let at_sending: u64 =
        view["schools"].as_array().unwrap().iter().filter(|s| s["sending"] == true).map(|s| s["eligible"].as_u64().unwrap()).sum();
    assert_eq!(view["eligible_at_sending"].as_u64(), Some(at_sending));
    assert_eq!(view["required_moves"].as_u64(), Some(at_sending.div_ceil(10)), "10 %, rounded up");
    let math = row["gaps"].as_array().unwrap().iter().find(|g| g["subject"] == "math").unwrap();
    assert_eq!(math["short"].as_i64(), Some(math["need"].as_i64().unwrap() - math["have"].as_i64().unwrap()));

    // Teachers see none of it; another year than a calendar knows is named.
    assert_eq!(teacher.get("/api/v1/exchange").await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/api/v1/exchange?year=99999").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(principal.get("/api/v1/exchange").await.1["schools"].as_array().unwrap().len(), 1, "a principal sees their school");

    // The head plans the cluster: every move within it and within reach; the bound holds.
    let district = head.get("/api/v1/me").await.1["user"]["cluster_id"].as_i64().unwrap();
    let (_, cluster_view) = head.get(&format!("/api/v1/exchange?cluster={district}")).await;
    let members: Vec<i64> = cluster_view["schools"].as_array().unwrap().iter().map(|s| s["school_id"].as_i64().unwrap()).collect();
    let (status, plan) = head.post("/api/v1/exchange/plan", json!({"cluster": district, "max_km": 30})).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    for m in plan["moves"].as_array().unwrap() {
        assert!(members.contains(&m["from"].as_i64().unwrap()) && members.contains(&m["to"].as_i64().unwrap()), "{m}");
        assert!(m["km"].as_f64().unwrap() <= 30.0 + 1e-9, "{m}");
    }
    assert!(plan["objective"].as_f64().unwrap() >= plan["lower_bound"].as_f64().unwrap() - 1e-6);
    assert_eq!(
        head.post("/api/v1/exchange/plan", json!({"max_km": 30})).await.0,
        StatusCode::FORBIDDEN,
        "the county's plan is the bureau's"
    );
    assert_eq!(principal.post("/api/v1/exchange/plan", json!({"cluster": district})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(head.post("/api/v1/exchange/plan", json!({"cluster": district, "max_km": -1})).await.0, StatusCode::BAD_REQUEST);

    // The page: the quota, the shortage table, and a plan on request.
    let (status, page) = head.page(&format!("/exchange?cluster={district}")).await;
    assert!(status == StatusCode::OK && page.contains("id=\"heat\"") && page.contains("id=\"plan-form\""), "{status}");
    let status = head.form("/exchange/plan", &[("cluster", district.to_string()), ("max_km", "30".into())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(teacher.page("/exchange").await.0, StatusCode::FORBIDDEN);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn exchange_on_every_backend() {
    for backend in Backend::all() {
        exchange(backend).await;
    }
}
