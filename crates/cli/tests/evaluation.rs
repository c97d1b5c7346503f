//! The bundled cluster evaluation through HTTP on SQLite and PostgreSQL: the demo's closed and
//! open rounds, totals that add up from the weights, computed leaves equal to the figures
//! registry and scored by their rules, a closed round frozen against later records, evaluators
//! scoped to their clusters, results hidden until the round closes, the indicator system
//! refused with the level named, pupils' scores imported all or nothing and read only by those
//! who lead their schools, and the other county seeing none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use xuequ_testkit::{Api, Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

fn detail(body: &Value) -> (String, String) {
    let d = &body["error"]["details"][0];
    (d["field"].as_str().unwrap_or_default().to_string(), d["code"].as_str().unwrap_or_default().to_string())
}

/// The rounds as the bureau sees them: (closed year's id, open year's id, open year).
async fn demo_rounds(admin: &Api) -> (i64, i64, i32) {
    let (status, rounds) = admin.get("/api/v1/evaluation/rounds").await;
    assert_eq!(status, StatusCode::OK, "{rounds}");
    let items = rounds["items"].as_array().unwrap();
    let closed = items.iter().find(|r| r["status"] == "closed").expect("last year's round is closed");
    let open = items.iter().find(|r| r["status"] == "open").expect("this year's round is open");
    assert_eq!(open["year"].as_i64().unwrap(), closed["year"].as_i64().unwrap() + 1);
    (closed["id"].as_i64().unwrap(), open["id"].as_i64().unwrap(), open["year"].as_i64().unwrap() as i32)
}

/// Checks that every group's score is the weighted sum of its children's and the total the
/// weighted sum of the top level, by hand from the API's rows.
fn check_arithmetic(view: &Value) {
    let rows = view["indicators"].as_array().unwrap();
    let score = |code: &str| rows.iter().find(|r| r["code"] == code).unwrap()["score"].as_f64();
    for r in rows.iter().filter(|r| r["kind"] == "group") {
        let children: Vec<&Value> = rows.iter().filter(|c| c["parent"] == r["code"]).collect();
        let weights: f64 = children.iter().map(|c| c["weight"].as_f64().unwrap()).sum();
        assert!((weights - 100.0).abs() < 1e-9, "{} children weigh {weights}", r["code"]);
        let sum: Option<f64> = children.iter().map(|c| c["score"].as_f64().map(|s| s * c["weight"].as_f64().unwrap() / 100.0)).sum();
        match (sum, r["score"].as_f64()) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{}: {a} ≠ {b}", r["code"]),
            (None, None) => {}
            other => panic!("{}: a group is missing exactly when a child is: {other:?}", r["code"]),
        }
    }
    let top: Option<f64> = rows
        .iter()
        .filter(|r| r["parent"].is_null())
        .map(|r| score(r["code"].as_str().unwrap()).map(|s| s * r["weight"].as_f64().unwrap() / 100.0))
        .sum();
    match (top, view["total"].as_f64()) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "total {a} ≠ {b}"),
        (None, None) => assert!(!view["missing"].as_array().unwrap().is_empty()),
        other => panic!("the total is missing exactly when a leaf is: {other:?}"),
    }
}

async fn evaluation(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let inspector = server.client("inspector").await.unwrap();
    let head = server.client("head").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let teacher = server.client("teacher").await.unwrap();
    let other_county = server.client("other-admin").await.unwrap();
    let (closed, open, year) = demo_rounds(&admin).await;
    let last = year - 1;
    let district = head.get("/api/v1/me").await.1["user"]["cluster_id"].as_i64().expect("the head's cluster");

    // The closed round ranks every cluster with a total; the arithmetic holds for each.
    let (status, ranking) = admin.get(&format!("/api/v1/evaluation/rounds/{closed}/results")).await;
    assert_eq!(status, StatusCode::OK, "{ranking}");
    let clusters = ranking["items"].as_array().unwrap().clone();
    assert!(clusters.len() >= 5 && clusters.iter().all(|k| k["total"].is_number()), "{ranking}");
    assert_eq!(clusters[0]["rank"], 1);
    for k in &clusters {
        let (status, view) = admin.get(&format!("/api/v1/clusters/{}/evaluation?year={last}", k["cluster_id"])).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        check_arithmetic(&view);
        assert_eq!(view["total"], k["total"]);
    }

    // The open round: computed leaves read the registry, scored by their rules.
    let (_, view) = admin.get(&format!("/api/v1/clusters/{district}/evaluation?year={year}")).await;
    check_arithmetic(&view);
    let (status, figures) = admin.get(&format!("/api/v1/figures?year={year}&cluster={district}")).await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    let figure = |key: &str| figures["items"].as_array().unwrap().iter().find(|f| f["key"] == key).unwrap()["value"].clone();
    let leaf = |code: &str| view["indicators"].as_array().unwrap().iter().find(|r| r["code"] == code).unwrap().clone();
    for code in ["1.1", "2.1", "5.1"] {
        let row = leaf(code);
        assert_eq!(row["raw"], figure(row["figure"].as_str().unwrap()), "{code} reads the registry's figure");
    }
    // 1.1 is linear from 50 (0 points) to 100 (full marks); 2.1 a target of 100.
    let raw = leaf("1.1")["raw"].as_f64().unwrap();
    assert!((leaf("1.1")["score"].as_f64().unwrap() - (100.0 * (raw - 50.0) / 50.0).clamp(0.0, 100.0)).abs() < 1e-9);
    let raw = leaf("2.1")["raw"].as_f64().unwrap();
    assert!((leaf("2.1")["score"].as_f64().unwrap() - raw.min(100.0)).abs() < 1e-9);

    // The quota's share is the exchange page's own count for the cluster.
    let (_, exchange) = admin.get(&format!("/api/v1/exchange?year={year}&cluster={district}")).await;
    let (required, agreed) = (exchange["required_moves"].as_f64().unwrap(), exchange["agreed"].as_f64().unwrap());
    let expected = if required == 0.0 { 100.0 } else { agreed * 100.0 / required };
    assert!((figure("exchange.quota_share").as_f64().unwrap() - expected).abs() < 1e-9, "{exchange}");
    // A figure the records cannot give is missing, never 0: no statistics in 2001.
    let (_, old) = admin.get("/api/v1/figures?year=2001").await;
    let cv = old["items"].as_array().unwrap().iter().find(|f| f["key"] == "balance.cv_primary").unwrap();
    assert!(cv["value"].is_null(), "{cv}");
    // The registry's count of clusters is the clusters list's.
    let (_, county) = admin.get(&format!("/api/v1/figures?year={year}")).await;
    let (_, list) = admin.items("/api/v1/clusters?per_page=100").await;
    let active = list.as_array().unwrap().iter().filter(|c| c["status"] == "active").count() as f64;
    let count = county["items"].as_array().unwrap().iter().find(|f| f["key"] == "clusters.count").unwrap()["value"].as_f64();
    assert_eq!(count, Some(active));

    // Figures follow who leads what.
    assert_eq!(head.get(&format!("/api/v1/figures?year={year}&cluster={district}")).await.0, StatusCode::OK);
    assert_eq!(head.get(&format!("/api/v1/figures?year={year}")).await.0, StatusCode::FORBIDDEN);
    let elsewhere = clusters.iter().map(|k| k["cluster_id"].as_i64().unwrap()).find(|k| *k != district).unwrap();
    assert_eq!(head.get(&format!("/api/v1/figures?year={year}&cluster={elsewhere}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(teacher.get(&format!("/api/v1/figures?year={year}&cluster={district}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other_county.get(&format!("/api/v1/figures?year={year}&cluster={district}")).await.0, StatusCode::NOT_FOUND);
    let school = principal.get("/api/v1/me").await.1["user"]["school_id"].as_i64().unwrap();
    assert_eq!(principal.get(&format!("/api/v1/figures?year={year}&school={school}")).await.0, StatusCode::OK);

    // Results wait for the round to close: the head and the principal see last year's only.
    let (_, theirs) = head.get("/api/v1/evaluation/rounds").await;
    assert!(theirs["items"].as_array().unwrap().iter().all(|r| r["status"] == "closed"), "{theirs}");
    assert_eq!(head.get(&format!("/api/v1/clusters/{district}/evaluation?year={last}")).await.0, StatusCode::OK);
    assert_eq!(head.get(&format!("/api/v1/clusters/{district}/evaluation?year={year}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(head.get(&format!("/api/v1/clusters/{elsewhere}/evaluation?year={last}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(teacher.get("/api/v1/evaluation/rounds").await.0, StatusCode::FORBIDDEN);
    assert_eq!(other_county.get(&format!("/api/v1/clusters/{district}/evaluation?year={last}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other_county.get(&format!("/api/v1/evaluation/rounds/{closed}/results")).await.0, StatusCode::NOT_FOUND);

    // Evaluators score only their clusters: a new inspector sees and scores nothing until assigned.
    let body = json!({"username": "pinggu", "display_name": "评估员", "password": "xuequ-demo", "role": "inspector"});
    let (status, user) = admin.post("/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let evaluator = server.client("pinggu").await.unwrap();
    let scores = |code: &str, score: f64| json!({"scores": [{"code": code, "score": score, "comment": "资源共享扎实"}]});
    let path = format!("/api/v1/evaluation/rounds/{open}/clusters/{district}/scores");
    assert_eq!(evaluator.post(&path, scores("1.3", 80.0)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(evaluator.get(&format!("/api/v1/clusters/{district}/evaluation?year={year}")).await.0, StatusCode::NOT_FOUND);
    let assign = format!("/api/v1/evaluation/rounds/{open}/clusters/{district}/evaluators");
    assert_eq!(head.put(&assign, json!({"users": [user["user"]["id"]]})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.put(&assign, json!({"users": [user["user"]["id"], 999_999]})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = admin.put(&assign, json!({"users": [user["user"]["id"]]})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = evaluator.post(&path, scores("1.3", 120.0)).await;
    assert_eq!((status, detail(&body).0.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "score"), "{body}");
    let (status, body) = evaluator.post(&path, scores("1.1", 80.0)).await;
    assert_eq!((status, detail(&body).1.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "not_scored"), "a computed leaf: {body}");
    let (status, body) = evaluator.post(&path, scores("1.3", 80.0)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, after) = evaluator.get(&format!("/api/v1/clusters/{district}/evaluation?year={year}")).await;
    assert_eq!(after["indicators"].as_array().unwrap().iter().find(|r| r["code"] == "1.3").unwrap()["score"], 80.0);
    assert!(after["may_score"] == true && after["comments"].as_array().unwrap().iter().any(|c| c["comment"] == "资源共享扎实"));
    assert_eq!(
        evaluator.post(&format!("/api/v1/evaluation/rounds/{open}/clusters/{elsewhere}/scores"), scores("1.3", 80.0)).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, mine) = evaluator.get(&format!("/api/v1/evaluation/rounds/{open}/results")).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "an inspector sees the clusters they evaluate while it is open");

    // A closed round is frozen: no scores, and later records change nothing in it.
    let (_, before) = admin.get(&format!("/api/v1/evaluation/rounds/{closed}/results")).await;
    let (status, body) =
        inspector.post(&format!("/api/v1/evaluation/rounds/{closed}/clusters/{district}/scores"), scores("1.3", 10.0)).await;
    assert_eq!((status, detail(&body).1.as_str()), (StatusCode::CONFLICT, "round_closed"), "{body}");
    let (_, schools) = admin.items("/api/v1/schools?per_page=500").await;
    let codes: Vec<String> = schools.as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap().to_string()).collect();
    let mut csv = String::from("学号,学校代码,年级,学科,入口成绩,出口成绩\n");
    for (i, code) in codes.iter().take(6).enumerate() {
        for p in 0..5 {
            // The first school's pupils all gain 20 points over the others'.
            let entry = 60 + p * 5;
            csv.push_str(&format!("{code}-{p},{code},六年级,数学,{entry},{}\n", entry + if i == 0 { 20 } else { p % 3 }));
        }
    }
    let (status, body) =
        admin.multipart("POST", &format!("/api/v1/value-added/scores?year={last}"), &[], &[("scores.csv", csv.as_bytes())]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["rows"], 30);
    let (_, now) = admin.get(&format!("/api/v1/evaluation/rounds/{closed}/results")).await;
    assert_eq!(now["items"], before["items"], "a closed round never moves");
    assert_eq!(now["computed_at"], before["computed_at"]);

    // Value-added: the first school is marked above; readers see only the schools they lead.
    let (status, va) = admin.get(&format!("/api/v1/value-added?year={last}")).await;
    assert_eq!(status, StatusCode::OK, "{va}");
    let group = &va["groups"][0];
    let first = group["schools"].as_array().unwrap().iter().find(|s| s["code"] == codes[0].as_str()).unwrap();
    assert!(first["shrunk"].as_f64().unwrap() > 0.0, "{first}");
    let (_, seen) = principal.get(&format!("/api/v1/value-added?year={last}")).await;
    for g in seen["groups"].as_array().unwrap() {
        assert!(g["schools"].as_array().unwrap().iter().all(|s| s["school_id"] == school), "{g}");
    }
    assert_eq!(teacher.get(&format!("/api/v1/value-added?year={last}")).await.0, StatusCode::FORBIDDEN);
    let (_, theirs) = other_county.get(&format!("/api/v1/value-added?year={last}")).await;
    assert!(theirs["groups"].as_array().unwrap().is_empty(), "{theirs}");
    // All or nothing: an unknown school names its row and column, and nothing changes.
    let bad = format!("学号,学校代码,年级,学科,入口成绩,出口成绩\n1,{},六年级,数学,60,70\n2,NOPE,六年级,数学,61,71\n", codes[0]);
    let (status, body) =
        admin.multipart("POST", &format!("/api/v1/value-added/scores?year={last}"), &[], &[("bad.csv", bad.as_bytes())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let d = &body["error"]["details"][0];
    assert_eq!(
        (d["row"].as_i64(), d["column"].as_str(), d["code"].as_str()),
        (Some(3), Some("B 学校代码"), Some("unknown_school")),
        "{body}"
    );
    assert_eq!(admin.get(&format!("/api/v1/value-added?year={last}")).await.1, va, "nothing was written");
    assert_eq!(
        principal.multipart("POST", &format!("/api/v1/value-added/scores?year={last}"), &[], &[("s.csv", csv.as_bytes())]).await.0,
        StatusCode::FORBIDDEN
    );

    // The indicator system: weights not summing to 100 are refused with the level named.
    let (status, tree) = admin.get(&format!("/api/v1/evaluation/trees/{}", year + 1)).await;
    assert_eq!(status, StatusCode::OK, "{tree}");
    assert_eq!(
        (tree["source"].as_str(), tree["from"].as_i64()),
        (Some("copied_from"), Some(year as i64)),
        "next year starts from this year's"
    );
    let mut indicators = tree["indicators"].clone();
    indicators[1]["children"][0]["weight"] = json!(20.0);
    let (status, body) = admin.put(&format!("/api/v1/evaluation/trees/{}", year + 1), json!({"indicators": indicators})).await;
    assert_eq!((status, detail(&body).1.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "weights_not100"), "{body}");
    assert!(body["error"]["details"][0]["message"].as_str().unwrap().contains("指标 2 下"), "the level is named: {body}");
    indicators[1]["children"][0]["weight"] = json!(30.0);
    indicators[0]["children"][0]["figure"] = json!("no.such.figure");
    let (status, body) = admin.put(&format!("/api/v1/evaluation/trees/{}", year + 1), json!({"indicators": indicators})).await;
    assert_eq!((status, detail(&body).1.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "bad_indicator"), "{body}");
    indicators[0]["children"][0]["figure"] = json!("tasks.on_time_share");
    assert_eq!(
        admin.put(&format!("/api/v1/evaluation/trees/{}", year + 1), json!({"indicators": indicators.clone()})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(admin.get(&format!("/api/v1/evaluation/trees/{}", year + 1)).await.1["source"], "kept");
    assert_eq!(
        head.put(&format!("/api/v1/evaluation/trees/{}", year + 1), json!({"indicators": indicators.clone()})).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = admin.put(&format!("/api/v1/evaluation/trees/{last}"), json!({"indicators": indicators})).await;
    assert_eq!((status, detail(&body).1.as_str()), (StatusCode::CONFLICT, "round_closed"), "{body}");

    // Closing: the bureau only, once; then the head reads this year's result.
    // Evidence: the evaluator attaches files to a scored leaf while the round is open; only
    // scored leaves take them, every file is checked, readers of the report read them.
    let scored_leaf =
        view["indicators"].as_array().unwrap().iter().find(|r| r["kind"] == "scored").unwrap()["code"].as_str().unwrap().to_string();
    let route = format!("/api/v1/evaluation/rounds/{open}/clusters/{district}/evidence");
    let pdf = xuequ_demo::files::pdf("理事会会议纪要", &["学区理事会按期议事", "成员校执行到位"]);
    let had = admin.get(&route).await.1["total"].as_i64().unwrap();
    let (status, added) =
        evaluator.multipart("POST", &route, &[("code", &scored_leaf)], &[("会议纪要.pdf", &pdf), ("复印件.pdf", &pdf)]).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let (first, second) = (added[0]["id"].as_i64().unwrap(), added[1]["id"].as_i64().unwrap());
    assert_eq!(added[0]["url"], format!("/api/v1/evaluation/evidence/{first}"));
    let (status, body) = evaluator.multipart("POST", &route, &[("code", "1.1")], &[("a.pdf", &pdf)]).await;
    assert_eq!((status, detail(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ("code".into(), "not_scored".into())), "{body}");
    let (status, body) = evaluator.multipart("POST", &route, &[], &[("a.pdf", &pdf)]).await;
    assert_eq!((status, detail(&body).0), (StatusCode::UNPROCESSABLE_ENTITY, "code".into()), "{body}");
    let (status, body) = evaluator.multipart("POST", &route, &[("code", &scored_leaf)], &[("照片.jpg", b"MZ\x90\x00not a picture")]).await;
    assert_eq!((status, detail(&body).0), (StatusCode::UNPROCESSABLE_ENTITY, "files".into()), "{body}");
    assert_eq!(evaluator.get(&route).await.1["total"], had + 2, "a refused upload leaves nothing behind");
    assert_eq!(
        inspector.multipart("POST", &route, &[("code", &scored_leaf)], &[("a.pdf", &pdf)]).await.0,
        StatusCode::NOT_FOUND,
        "not their cluster any more"
    );
    assert_eq!(head.multipart("POST", &route, &[("code", &scored_leaf)], &[("a.pdf", &pdf)]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        admin.multipart("POST", &route, &[("code", &scored_leaf)], &[("a.pdf", &pdf)]).await.0,
        StatusCode::FORBIDDEN,
        "the bureau is not this cluster's evaluator"
    );
    assert_eq!(principal.get(&route).await.0, StatusCode::NOT_FOUND, "the report is not theirs while the round is open");
    assert_eq!(principal.bytes(&format!("/api/v1/evaluation/evidence/{first}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other_county.bytes(&format!("/api/v1/evaluation/evidence/{first}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(head.delete(&format!("/api/v1/evaluation/evidence/{second}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(evaluator.delete(&format!("/api/v1/evaluation/evidence/{second}")).await.0, StatusCode::NO_CONTENT);
    let (_, listed) = admin.get(&route).await;
    assert_eq!(listed["total"].as_i64(), Some(had + 1), "{listed}");
    assert!(listed["items"].as_array().unwrap().iter().any(|f| f["id"] == first && f["name"] == "会议纪要.pdf"), "{listed}");
    assert_eq!(inspector.post(&format!("/api/v1/evaluation/rounds/{open}/close"), json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, body) = admin.post(&format!("/api/v1/evaluation/rounds/{open}/close"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(admin.post(&format!("/api/v1/evaluation/rounds/{open}/close"), json!({})).await.0, StatusCode::CONFLICT);
    let (status, view) = head.get(&format!("/api/v1/clusters/{district}/evaluation?year={year}")).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert!(view["last_year"].is_number(), "compared with last year: {view}");
    assert_eq!(admin.post("/api/v1/evaluation/rounds", json!({"year": year})).await.0, StatusCode::CONFLICT, "one round a year");
    // Closed: the evidence stays with the round, read by the cluster's head, and no file gets in or out.
    assert!(view["evidence"].as_array().unwrap().iter().any(|f| f["id"] == first), "the report lists the evidence: {view}");
    let (status, _, bytes) = head.bytes(&format!("/api/v1/evaluation/evidence/{first}")).await;
    assert_eq!((status, bytes == pdf), (StatusCode::OK, true));
    assert_eq!(evaluator.multipart("POST", &route, &[("code", &scored_leaf)], &[("a.pdf", &pdf)]).await.0, StatusCode::CONFLICT);
    assert_eq!(admin.delete(&format!("/api/v1/evaluation/evidence/{first}")).await.0, StatusCode::CONFLICT);

    // The dashboard: each leader's scope, its figures equal to the registry's, the ranking.
    let (status, board) = admin.get("/api/v1/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{board}");
    assert_eq!(board["scope"], "county");
    let (_, registry) = admin.get(&format!("/api/v1/figures?year={}", board["year"])).await;
    assert_eq!(board["figures"], registry["items"], "the dashboard reads the registry");
    assert!(board["trend"].as_array().unwrap().len() >= 2 && !board["by_form"].as_array().unwrap().is_empty(), "{board}");
    assert_eq!(board["ranking"]["year"], year, "the latest closed round: {board}");
    let (_, theirs) = head.get("/api/v1/dashboard").await;
    assert_eq!((theirs["scope"].as_str(), theirs["id"].as_i64()), (Some("cluster"), Some(district)), "{theirs}");
    assert_eq!(theirs["ranking"]["clusters"].as_array().unwrap().len(), 1, "a head sees their own place: {theirs}");
    let (_, theirs) = principal.get("/api/v1/dashboard").await;
    assert_eq!((theirs["scope"].as_str(), theirs["id"].as_i64()), (Some("school"), Some(school)), "{theirs}");
    assert_eq!(head.get(&format!("/api/v1/dashboard?cluster={elsewhere}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(teacher.get("/api/v1/dashboard").await.0, StatusCode::FORBIDDEN);
    let (_, home) = admin.page("/").await;
    assert!(home.contains("id=\"home-dashboard\"") && home.contains("data-figure=\"clusters.count\""), "the home shows the figures");
    assert!(!teacher.page("/").await.1.contains("home-dashboard"), "a teacher's home lists their day, not the county's figures");

    // The pages: the report prints the same total, and the workbook lists every cluster.
    let (status, page) = head.page(&format!("/clusters/{district}/evaluation?year={year}")).await;
    assert_eq!(status, StatusCode::OK);
    let total = view["total"].as_f64().map_or("—".to_string(), |t| format!("{t:.1}"));
    assert!(page.contains(&format!("id=\"total\">{total}<")), "the report's total {total}");
    let (status, headers, bytes) = admin.bytes(&format!("/evaluation/rounds/{closed}/export")).await;
    assert_eq!(status, StatusCode::OK, "{headers:?}");
    assert!(bytes.starts_with(b"PK"), "an XLSX workbook");

    // `xuequ evaluate` reads the same rounds from the database: last year's frozen ranking with
    // the API's totals, a readable table, a year without a round as a preview, a bad year named.
    let (args, env) = server.data_args();
    let evaluate =
        |more: &[&str]| std::process::Command::new(BIN).arg("evaluate").args(more).args(&args).envs(env.clone()).output().unwrap();
    let out = evaluate(&["--year", &last.to_string(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&out.stdout).expect("JSON on standard output");
    assert_eq!(cli["round"]["status"], "closed");
    let of = |list: &Value, total: &dyn Fn(&Value) -> Value| {
        let mut pairs: Vec<(i64, String)> =
            list.as_array().unwrap().iter().map(|k| (k["cluster_id"].as_i64().unwrap(), total(k).to_string())).collect();
        pairs.sort();
        pairs
    };
    assert_eq!(
        of(&cli["results"]["clusters"], &|k| k["result"]["total"].clone()),
        of(&Value::from(clusters.clone()), &|k| k["total"].clone())
    );
    let out = evaluate(&["--year", &last.to_string()]);
    let table = String::from_utf8_lossy(&out.stdout);
    let first = clusters[0]["name"].as_str().unwrap();
    assert!(
        out.status.success()
            && table.contains("已结束")
            && table.lines().nth(3).is_some_and(|l| l.trim_start().starts_with('1') && l.contains(first)),
        "{table}"
    );
    let out = evaluate(&["--year", &(year + 1).to_string(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let preview: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(preview["round"].is_null() && !preview["results"]["clusters"].as_array().unwrap().is_empty(), "{preview}");
    assert!(
        preview["results"]["clusters"].as_array().unwrap().iter().all(|k| k["comments"].as_array().unwrap().is_empty()),
        "no scores yet"
    );
    let out = evaluate(&["--year", "1990"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("year"), "{}", String::from_utf8_lossy(&out.stderr));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bundled_evaluation_on_every_backend() {
    for backend in Backend::all() {
        evaluation(backend).await;
    }
}
