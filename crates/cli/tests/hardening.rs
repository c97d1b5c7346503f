//! Hostile and careless input through HTTP against the real binary, on SQLite and PostgreSQL:
//! every case answers 4xx with the JSON error body (or a page), the server stays up, and
//! nothing is written that should not be.

use reqwest::StatusCode;
use serde_json::{Value, json};
use xuequ_testkit::{Backend, DEMO_PASSWORD, TestServer, hostile};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

/// The error body every API error has.
/// A refusal the tests below call "400 invalid" is, under the API contract, either 422 `invalid`
/// (well-formed, a rule refuses it) or 400 `malformed` (the document does not allow it); both name
/// what is wrong. The conformance test holds the server to the exact split.
fn assert_error(what: &str, status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    let rule = |c: &str| ["invalid", "import_invalid", "booking_refused"].contains(&c);
    let (want, code) = match (want, code) {
        (StatusCode::BAD_REQUEST, c) if rule(c) && status == StatusCode::BAD_REQUEST => (want, "malformed"),
        (StatusCode::BAD_REQUEST, c) if rule(c) => (StatusCode::UNPROCESSABLE_ENTITY, c),
        other => other,
    };
    assert_eq!(status, want, "{what}: {body}");
    assert_eq!(body["error"]["code"], code, "{what}: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: a message: {body}");
}

/// Refused with a named error: 400 (not what the document allows) or 422 (a rule says no).
fn refused(status: StatusCode) -> bool {
    status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY
}

async fn alive(server: &TestServer) {
    let ok = reqwest::get(server.url("/healthz")).await.is_ok_and(|r| r.status() == StatusCode::OK);
    assert!(ok, "the server is still up");
}

async fn hardening(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();

    // Numbers out of range: no panic, no dropped connection; the API names the parameter outside
    // the range its document declares (a page past the last one answers an empty page).
    for (query, field) in [
        ("page=18446744073709551615", "page"),
        ("page=18446744073709551616", "page"),
        ("per_page=99999999999&page=9999999999", "page"),
        ("page=-1", "page"),
        ("per_page=201", "per_page"),
    ] {
        let (status, body) = admin.get(&format!("/api/v1/teachers?{query}")).await;
        assert_error(query, status, &body, StatusCode::BAD_REQUEST, "malformed");
        assert_eq!(body["error"]["details"][0]["field"], field, "{query}: {body}");
    }
    let (status, body) = admin.get("/api/v1/teachers?page=10000000").await;
    assert_eq!((status, body["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "past the last page: {body}");
    let (status, page) = admin.page("/teachers?page=18446744073709551615").await;
    assert_eq!(status, StatusCode::OK, "the page too: {page:.200}");

    // A query value that does not fit its type is a JSON error naming the parameter.
    for (path, field) in [
        ("/api/v1/assessment?year=99999999999", "year"),
        ("/api/v1/assessment?cluster=abc", "cluster"),
        ("/api/v1/clusters/1?on=2024-02-30", "on"),
        ("/api/v1/import/teachers?update_existing=perhaps", "update_existing"),
    ] {
        let method = if path.contains("clusters") {
            "DELETE"
        } else if path.contains("import") {
            "POST"
        } else {
            "GET"
        };
        let (status, body) = admin.call(method, path, None).await;
        assert_error(path, status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["details"][0]["field"], field, "{path}: {body}");
    }

    // The audit log's filters: a day that does not read is a problem naming its parameter (API)
    // and a message on the page, which still shows the log.
    for (query, field) in [("from=yesterday", "from"), ("to=2024-13-40", "to"), ("from=2024-01-01&to=%00", "to")] {
        let (status, body) = admin.get(&format!("/api/v1/audit?{query}")).await;
        assert_error(query, status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["details"][0]["field"], field, "{query}: {body}");
        let (status, page) = admin.page(&format!("/admin/audit?{query}&action=%27%3B--&username=%E0%A4")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page:.200}");
    }

    // The library's search parameters: a value that does not fit is a problem naming it; any
    // text is an answer (the page shows the search again).
    for (query, field) in
        [("sort=best", "sort"), ("since=2024-13-40", "since"), ("until=yesterday", "until"), ("page=18446744073709551616", "page")]
    {
        let (status, body) = admin.get(&format!("/api/v1/resources?{query}")).await;
        assert_error(query, status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["details"][0]["field"], field, "{query}: {body}");
        let (status, page) = admin.page(&format!("/library?{query}&q=%E2%80%AE&school=abc&grade=%00")).await;
        assert!(status == StatusCode::OK || refused(status), "{query}: {page:.200}");
    }
    let long = "方程".repeat(300);
    for q in [long.as_str(), "\"", "\"\"\"", "*", "AND OR NOT", "title:x", "'; DROP TABLE library_resource; --", "\u{0}"] {
        let encoded = urlencoding::encode(q);
        let (status, body) = admin.get(&format!("/api/v1/resources?q={encoded}")).await;
        assert_eq!(status, StatusCode::OK, "{q:.20}: {body:.200}");
        // A subject the document does not list, or a page size outside 1–200, is named.
        let (status, body) = admin.get(&format!("/api/v1/resources?subject={encoded}")).await;
        assert!(refused(status) && body["error"]["details"][0]["field"] == "subject", "{q:.20}: {body:.200}");
        let (status, body) = admin.get("/api/v1/resources?per_page=0").await;
        assert_error("per_page=0", status, &body, StatusCode::BAD_REQUEST, "malformed");
        let (status, _) = admin.page(&format!("/library?q={encoded}&page=99999")).await;
        assert_eq!(status, StatusCode::OK, "{q:.20}");
    }
    // Library uploads without files, with unknown codes, or not multipart at all.
    let (status, body) = admin.multipart("POST", "/api/v1/resources", &[("title", "x"), ("sharing", "county")], &[]).await;
    assert_error("an upload without files", status, &body, StatusCode::BAD_REQUEST, "invalid");
    let fields = [("title", "x"), ("subject", "法术"), ("kind", "咒语"), ("sharing", "宇宙"), ("grade", "十")];
    let (status, body) = admin.multipart("POST", "/api/v1/resources", &fields, &[("a.txt", b"x")]).await;
    assert_error("unknown codes", status, &body, StatusCode::BAD_REQUEST, "invalid");
    let named: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(named, vec!["subject", "kind", "sharing", "grade"], "{body}");
    let (status, body) = admin.post("/api/v1/resources", json!({"title": "not multipart"})).await;
    assert!(refused(status) || status == StatusCode::UNSUPPORTED_MEDIA_TYPE, "{status}: {body}");
    let (status, body) = admin.post("/api/v1/resources/1/ratings", json!({"stars": "five"})).await;
    assert!(refused(status) || status == StatusCode::NOT_FOUND, "{status}: {body}");
    // A resource to send nonsense about: empty and oversized comments, a reason left out, a
    // collection without a name, a version and dates that do not read; each named, nothing saved.
    let (_, made) = admin
        .multipart(
            "POST",
            "/api/v1/resources",
            &[("title", "检验"), ("subject", "math"), ("kind", "test"), ("sharing", "county")],
            &[("a.txt", "检验".as_bytes())],
        )
        .await;
    let id = made[0]["id"].as_i64().unwrap();
    let too_long = "评".repeat(1_001);
    for (path, body, field) in [
        (format!("/api/v1/resources/{id}/comments"), json!({"body": "  "}), "comment"),
        (format!("/api/v1/resources/{id}/comments"), json!({"body": too_long}), "comment"),
        // A NUL is refused before anything reads the text, named by its JSON field.
        (format!("/api/v1/resources/{id}/comments"), json!({"body": "a\u{0}b"}), "body"),
        (format!("/api/v1/resources/{id}/take-down"), json!({"reason": "", "revision": 1}), "reason"),
        ("/api/v1/collections".to_string(), json!({"name": ""}), "name"),
    ] {
        let (status, answer) = admin.post(&path, body).await;
        assert_error(&path, status, &answer, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(answer["error"]["details"][0]["field"], field, "{path}: {answer}");
    }
    assert_eq!(admin.items(&format!("/api/v1/resources/{id}/comments")).await.1, json!([]), "no comment was saved");
    for (path, field) in [
        (format!("/api/v1/resources/{id}/download?version=first"), "version"),
        ("/api/v1/library/figures?from=2026-02-30".to_string(), "from"),
        (format!("/api/v1/resources/{id}?revision=x"), "revision"),
    ] {
        let method = if path.contains("revision") { "DELETE" } else { "GET" };
        let (status, answer) = admin.call(method, &path, None).await;
        assert_error(&path, status, &answer, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(answer["error"]["details"][0]["field"], field, "{path}: {answer}");
    }
    let (status, _) = admin.page("/library/figures?from=junk&to=2026-13-01").await;
    assert_eq!(status, StatusCode::OK, "the page falls back to the last twelve months");
    alive(&server).await;

    running(&server, &admin).await;
    evaluation(&server, &admin).await;
    alive(&server).await;

    // Search text of any length and content: an answer, never an error or a slow scan.
    let long = "张".repeat(2_000);
    for q in [long.as_str(), "%", "_", "'; DROP TABLE teacher; --", "\u{0}\u{1b}[31m", "🙂🙂", "ｚｈａｎｇ"] {
        let encoded = urlencoding::encode(q);
        let (status, body) = admin.get(&format!("/api/v1/teachers?q={encoded}")).await;
        assert_eq!(status, StatusCode::OK, "{q:.20}: {body:.200}");
        let (status, _) = admin.page(&format!("/schools?q={encoded}&per_page=0&page=-3")).await;
        assert_eq!(status, StatusCode::OK, "{q:.20}");
    }

    // The statistics form with nonsense in every field: the form again with the problems, nothing saved.
    let (_, found) = admin.get("/api/v1/schools?q=3141000001").await;
    let school_id = found["items"][0]["id"].as_i64().unwrap();
    let (_, before) = admin.items(&format!("/api/v1/schools/{school_id}/stats")).await;
    let junk: Vec<(&str, String)> = [
        "year",
        "students_primary",
        "students_junior",
        "classes_primary",
        "classes_junior",
        "teaching_area",
        "sports_area",
        "equipment_value",
        "multimedia_rooms",
        "books",
        "computers",
    ]
    .iter()
    .map(|f| (*f, "1e400".to_string()))
    .chain([("school_code", "3141000001".to_string()), ("max_class_size", "-7".to_string()), ("_version", "garbage".to_string())])
    .collect();
    let status = admin.form(&format!("/schools/{school_id}/stats"), &junk).await;
    assert_eq!(status, StatusCode::OK, "the form comes back");
    let (_, after) = admin.items(&format!("/api/v1/schools/{school_id}/stats")).await;
    assert_eq!(before, after, "nothing saved");
    let (status, _) = admin.page(&format!("/schools/{school_id}/stats?year=99999999999999")).await;
    assert_eq!(status, StatusCode::OK, "an impossible year opens an empty form");

    // The planner form with nonsense in every field: the form again (422) with a problem on each
    // field, and no plan started.
    let (_, plans_before) = admin.items("/api/v1/plans").await;
    let nonsense: Vec<(&str, String)> = [
        ("stage", "'; DROP TABLE plan; --"),
        ("clusters", "1e400"),
        ("min_schools", "-1"),
        ("max_schools", "NaN"),
        ("max_students", "∞"),
        ("lead_rule", "\u{0}"),
        ("lead_value", "inf"),
        ("designated", "不存在 %00 <script>"),
        ("fixed", "一 二 三\n四"),
        ("forbidden", &"x ".repeat(5_000)),
        ("balance_weight", "-5"),
        ("move_penalty_km", "1e9"),
        ("time_limit", "0"),
        ("scores", "3141000001 abc\n3141000001 500"),
        ("year", "二〇二六"),
        ("missing_as_zero", "'; --"),
    ]
    .iter()
    .map(|(k, v)| (*k, v.to_string()))
    .collect();
    let status = admin.form("/plans", &nonsense).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the form comes back with its problems");
    let (_, html) = admin.page("/plans").await;
    assert!(html.contains("id=\"plan-form\""));
    let (_, plans_after) = admin.items("/api/v1/plans").await;
    assert_eq!(plans_before, plans_after, "no plan started");
    // The planner's year and the assessment's: junk is named or answered as not found, never 500.
    for year in ["-1", "99999999999", "abc", "2024.5"] {
        let (status, body) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": {"year": year}}))).await;
        assert!(refused(status), "{status}: year {year}: {body}");
        let (status, _) = admin.get(&format!("/api/v1/assessment?year={year}")).await;
        assert!(refused(status) || status == StatusCode::NOT_FOUND, "assessment year {year}: {status}");
    }
    let (status, body) = admin.call("POST", "/api/v1/plans", Some(json!({"settings": {"year": 1900, "missing_as_zero": true}}))).await;
    assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("year")), "{body}");
    // The list export and the assessment's school table take the list's query, whatever it holds.
    for query in ["q=%27%3B--&sort=%00&desc=x&school_id=abc", "page=-1&per_page=1e9&township=%E0%A4", "q=zzzz-none"] {
        // The API names a parameter its document types (`desc`, `school_id`, `page`) that does
        // not read; the page's export reads what it can.
        let (status, _) = admin.page(&format!("/api/v1/export/teachers?format=csv&{query}")).await;
        let want = if query.starts_with("q=zzzz") { StatusCode::OK } else { StatusCode::BAD_REQUEST };
        assert_eq!(status, want, "{query}");
        let (status, _) = admin.page(&format!("/export/teachers.csv?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        let (status, _) = admin.page(&format!("/assessment?{query}&result=%27&stage=x&sort=met")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
    }

    // Facility sharing with nonsense everywhere: a clear 400 (or 404 for what does not exist),
    // never a 500, and nothing booked.
    let (_, before) = admin.items("/api/v1/bookings").await;
    let (_, facilities) = admin.get("/api/v1/facilities?per_page=1").await;
    let facility = facilities["items"][0]["id"].as_i64().unwrap();
    let bodies = [
        json!({"facility_id": "x"}),
        json!({"facility_id": facility, "start": "not-a-time", "end": "2026-01-01T10:00:00"}),
        json!({"facility_id": facility, "date": "2026-13-45", "periods": [1, 2]}),
        json!({"facility_id": facility, "date": "2030-01-08", "periods": [0, 255]}),
        json!({"facility_id": facility, "date": "2030-01-08", "periods": [1, 2], "repeat": {"every_weeks": 4_000_000_000u64, "until": "2031-01-01"}}),
        json!({"facility_id": facility, "date": "2030-01-08", "periods": [1, 2], "repeat": {"every_weeks": 1, "until": "9999-12-31"}}),
        json!({"facility_id": facility, "start": "2030-01-08T10:00:00", "end": "2030-01-08T09:00:00", "attendees": -5}),
        json!([1, 2, 3]),
    ];
    let (status, _) = admin.post("/api/v1/bookings", json!({"facility_id": i64::MAX, "date": "2030-01-08", "periods": [1, 2]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a facility that does not exist");
    for body in bodies {
        let (status, answer) = admin.post("/api/v1/bookings", body.clone()).await;
        assert!(refused(status), "{status}: {body}: {answer}");
        assert!(answer["error"]["code"].is_string(), "{body}: {answer}");
    }
    for body in [json!({"max_km": "far"}), json!({"max_km": 1e308}), json!({"cluster": "x"}), json!({"year": -1, "max_km": 5})] {
        let (status, answer) = admin.post("/api/v1/exchange/plan", body.clone()).await;
        assert!(refused(status), "{status}: {body}: {answer}");
    }
    assert_eq!(admin.form("/exchange/plan", &[("max_km", "%00".into()), ("year", "x".into())]).await, StatusCode::OK, "named on the page");
    // Teacher exchange: every field of a move, an exclusion, a pair, a meeting and the settings
    // named when wrong, nothing written.
    let (_, moves_before) = admin.items("/api/v1/exchange/moves").await;
    let (_, a_teacher) = admin.get("/api/v1/teachers?per_page=2").await;
    let (t1, t2) = (a_teacher["items"][0]["id"].as_i64().unwrap(), a_teacher["items"][1]["id"].as_i64().unwrap());
    let long = "长".repeat(300_000);
    for body in [
        json!({"teacher_id": i64::MAX, "to_school_id": 1, "form": "rotation", "starts_on": "2030-09-01", "ends_on": "2031-08-31"}),
        json!({"teacher_id": t1, "to_school_id": "x", "form": "rotation", "starts_on": "2030-09-01", "ends_on": "2031-08-31"}),
        json!({"teacher_id": t1, "to_school_id": i64::MAX, "form": "rotation", "starts_on": "2030-09-01", "ends_on": "2031-08-31"}),
        json!({"teacher_id": t1, "to_school_id": 2, "form": "teleport", "starts_on": "2030-09-01", "ends_on": "2031-08-31"}),
        json!({"teacher_id": t1, "to_school_id": 2, "form": "rotation", "starts_on": "9999-99-99", "ends_on": "2031-08-31"}),
        json!({"teacher_id": t1, "to_school_id": 2, "form": "rotation", "starts_on": "2031-08-31", "ends_on": "2030-09-01"}),
        json!({"teacher_id": t1, "to_school_id": 2, "form": "itinerant", "starts_on": "2030-09-01", "ends_on": "2031-01-31", "load_percent": -5, "weekdays": [1]}),
        json!({"teacher_id": t1, "to_school_id": 2, "form": "itinerant", "starts_on": "2030-09-01", "ends_on": "2031-01-31", "load_percent": 40, "weekdays": [99]}),
        json!({"teacher_id": t1, "to_school_id": 2, "form": "rotation", "starts_on": "2030-09-01", "ends_on": "2031-08-31", "load_percent": 4_000_000_000u64}),
        json!({"teacher_id": t1, "to_school_id": 2, "form": "rotation", "starts_on": "-262143-01-01", "ends_on": "+262142-12-31"}),
        json!([1, 2]),
    ] {
        let (status, answer) = admin.post("/api/v1/exchange/moves", body.clone()).await;
        assert!(refused(status), "{status}: {body}: {answer}");
    }
    let (status, _) = admin.post("/api/v1/exchange/moves", json!({"teacher_id": t1, "to_school_id": 2, "form": "rotation", "starts_on": "2030-09-01", "ends_on": "2031-08-31", "fills": long})).await;
    assert!(
        status == StatusCode::OK || status == StatusCode::PAYLOAD_TOO_LARGE || refused(status),
        "a long note is cut or refused: {status}"
    );
    for body in [
        json!({"teacher_id": t1, "year": 99999, "reason": "illness"}),
        json!({"teacher_id": t1, "year": 2030, "reason": "%00"}),
        json!({"teacher_id": t1, "year": 2030, "reason": "other", "note": "说".repeat(201)}),
        json!({"teacher_id": "x", "year": 2030, "reason": "illness"}),
    ] {
        let (status, answer) = admin.post("/api/v1/exchange/exclusions", body.clone()).await;
        assert!(refused(status), "{status}: {body}: {answer}");
    }
    for body in [
        json!({"mentor_id": t1, "mentee_id": t1, "starts_on": "2030-09-01", "ends_on": "2031-08-31"}),
        json!({"mentor_id": t1, "mentee_id": t2, "starts_on": "2031-09-01", "ends_on": "2030-08-31"}),
        json!({"mentor_id": t1, "mentee_id": t2, "starts_on": "2030-09-01", "ends_on": "2039-08-31"}),
        json!({"mentor_id": t1, "mentee_id": t2, "starts_on": "2030-09-01", "ends_on": "2031-08-31", "goal": "目".repeat(501)}),
        json!({"mentor_id": t1, "mentee_id": t2, "starts_on": "2030-09-01", "ends_on": "2031-08-31", "subject": "%00"}),
    ] {
        let (status, answer) = admin.post("/api/v1/exchange/mentorships", body.clone()).await;
        assert!(refused(status), "{status}: {body}: {answer}");
    }
    let today = chrono::Local::now().date_naive();
    let (_, pair) = admin.post("/api/v1/exchange/mentorships", json!({"mentor_id": t1, "mentee_id": t2, "starts_on": today - chrono::Days::new(10), "ends_on": today + chrono::Days::new(100)})).await;
    let meetings = format!("/api/v1/exchange/mentorships/{}/meetings", pair["id"]);
    for body in [
        json!({"held_on": today, "minutes": 100_000, "kind": "observation"}),
        json!({"held_on": today, "minutes": 0, "kind": "observation"}),
        json!({"held_on": today, "minutes": 45, "kind": "%27"}),
        json!({"held_on": "2030-02-30", "minutes": 45, "kind": "observation"}),
        json!({"held_on": today, "minutes": 45, "kind": "observation", "notes": "记".repeat(2001)}),
    ] {
        let (status, answer) = admin.post(&meetings, body.clone()).await;
        assert!(refused(status), "{status}: {body}: {answer}");
    }
    let tiers: Vec<serde_json::Value> = (0..100).map(|i| json!({"name": format!("档{i}"), "min_km": 0, "monthly_yuan": 1})).collect();
    for body in [
        json!({"rules": {"years_teacher": 6, "years_leader": 10, "quota": 5.0, "backbone_share": 0.2, "retiring_within_years": 2, "retirement_age_male": 60, "retirement_age_female": 55}}),
        json!({"subsidy": {"tiers": tiers}}),
        json!({"subsidy": {"tiers": [{"name": "x", "min_km": -1, "monthly_yuan": 1}]}}),
        json!({"subsidy": {"tiers": [{"name": "x", "min_km": 1, "monthly_yuan": -1}]}}),
        json!({"subsidy": {"tiers": [{"name": " ", "min_km": 1, "monthly_yuan": 1}]}}),
        json!({"extra_sending": [i64::MAX]}),
        json!({"norm": {"students_per_teacher_primary": 0, "students_per_teacher_junior": 13.5, "shares_primary": {}, "shares_junior": {}}}),
    ] {
        let (status, answer) = admin.put("/api/v1/exchange/settings", body.clone()).await;
        assert!(refused(status), "{status}: {body}: {answer}");
    }
    for query in [
        "/api/v1/exchange/moves?status=junk",
        "/api/v1/exchange/moves?year=abc",
        "/api/v1/exchange/subsidy?year=-262143",
        "/api/v1/exchange/report?year=99999",
        "/api/v1/exchange/exclusions?year=1",
    ] {
        assert!(refused(admin.get(query).await.0), "{query}");
    }
    let (status, body) = admin.call("PATCH", "/api/v1/exchange/moves/1", Some(json!({"decision": "explode"}))).await;
    assert!(refused(status), "{status}: an unknown decision is named: {body}");
    for path in [
        "/exchange/moves?year=x&status=%27",
        "/exchange/exclusions?year=99999",
        "/exchange/subsidy?year=abc",
        "/exchange/subsidy.xlsx?year=%00",
        "/exchange/report?year=-262143",
        "/exchange/report.xlsx?year=garbage",
    ] {
        assert_eq!(admin.page(path).await.0, StatusCode::OK, "{path}: the default year instead");
    }
    for path in ["/exchange/moves/abc", "/exchange/moves/99999999999", "/exchange/mentorships/-1", "/exchange/teachers/x"] {
        let status = admin.page(path).await.0;
        assert!(status == StatusCode::NOT_FOUND || refused(status), "{path}: {status}");
    }
    let junk = |fields: &[(&'static str, &str)]| fields.iter().map(|(k, v)| (*k, v.to_string())).collect::<Vec<_>>();
    for (path, fields) in [
        (
            "/exchange/moves/new",
            junk(&[
                ("staff_no", "%00"),
                ("to_school", "x"),
                ("form", "teleport"),
                ("starts_on", "never"),
                ("ends_on", "9999-99-99"),
                ("load_percent", "lots"),
                ("weekdays", "周八"),
            ]),
        ),
        ("/exchange/exclusions", junk(&[("staff_no", "'; drop table teacher; --"), ("reason", "%00"), ("year", "x")])),
        (
            "/exchange/mentorships/new",
            junk(&[("mentor_staff_no", "x"), ("mentee_staff_no", ""), ("starts_on", "2030-13-01"), ("ends_on", "")]),
        ),
        (
            "/exchange/settings",
            junk(&[
                ("years_teacher", "六"),
                ("quota_percent", "NaN"),
                ("tier0_name", "一类"),
                ("tier0_km", "far"),
                ("tier0_yuan", "-3"),
                ("extra_sending", "NOPE"),
            ]),
        ),
        ("/exchange/plan/propose", junk(&[("max_km", "inf"), ("year", "99999")])),
        // The ticked moves, their start and the bulk decisions: nothing proposed or decided.
        ("/exchange/plan/propose", junk(&[("max_km", "20"), ("pick", "%00"), ("starts_on", "never"), ("confirmed", "yes")])),
        ("/exchange/plan/propose", junk(&[("max_km", "20"), ("pick", "-1"), ("starts_on", "1900-01-01"), ("confirmed", "yes")])),
        ("/exchange/moves/decide-all", junk(&[("part", "%27; DROP"), ("confirmed", "yes")])),
    ] {
        let status = admin.form(path, &fields).await;
        assert!(status == StatusCode::OK || refused(status) || status == StatusCode::UNPROCESSABLE_ENTITY, "{path}: {status}");
    }
    // Confirmations of what does not exist are the page that is not there.
    for path in ["/running/expenditures/9223372036854775807/approve", "/activities/9223372036854775807/withdraw"] {
        assert_eq!(admin.form(path, &junk(&[("confirmed", "yes")])).await, StatusCode::NOT_FOUND, "{path}");
    }
    let pair_page = format!("/exchange/mentorships/{}", pair["id"]);
    assert_eq!(
        admin.form(&pair_page, &junk(&[("held_on", "x"), ("minutes", "1e9"), ("kind", "%27")])).await,
        StatusCode::OK,
        "the form again"
    );
    let (_, moves_after) = admin.items("/api/v1/exchange/moves").await;
    let grew = moves_after.as_array().unwrap().len() - moves_before.as_array().unwrap().len();
    assert!(grew <= 1, "at most the one move with a long note was saved, nothing from the junk: {grew}");
    let (_, settings) = admin.get("/api/v1/exchange/settings").await;
    assert_eq!(settings["rules"]["years_teacher"], 6, "the settings kept");
    let (status, _) = admin.get("/api/v1/usage?from=-262143-01-01&to=-262143-01-01").await;
    assert!(refused(status), "{status}: a year no calendar is about is named, not a crash");
    for query in ["from=garbage", "status=%00", "facility=abc", "to=2026-02-30", "status=pending,%27"] {
        let (status, _) = admin.items(&format!("/api/v1/bookings?{query}")).await;
        assert!(refused(status), "{status}: {query}");
    }
    let (status, _) = admin.put(&format!("/api/v1/facilities/{facility}/rules"), json!({"share_with": "everyone"})).await;
    assert!(refused(status), "{status}");
    let (status, body) = admin.call("PATCH", "/api/v1/bookings/1", Some(json!({"decision": "explode"}))).await;
    assert!(refused(status), "{status}: an unknown decision is named, whatever the id: {body}");
    for (path, want) in [
        ("/bookings?date=garbage&from=99:99&to=%00&capacity=-1&kind=%27".to_string(), StatusCode::OK),
        ("/bookings?date=2026-12-08&period=999&kind=lab".to_string(), StatusCode::OK),
        ("/bookings?date=2026-12-08&period=%00-1&from=08:00".to_string(), StatusCode::OK),
        (format!("/facilities/{facility}/week?week=garbage"), StatusCode::OK),
        ("/bookings/new?facility=abc".to_string(), StatusCode::NOT_FOUND),
        ("/bookings/usage.xlsx?from=garbage&to=%00&cluster=abc".to_string(), StatusCode::OK),
        ("/bookings/usage?from=2030-01-01&to=2020-01-01".to_string(), StatusCode::OK),
        ("/bookings/schedule?facility=abc&view=%00&date=garbage".to_string(), StatusCode::OK),
        ("/bookings/schedule?cluster=-1".to_string(), StatusCode::NOT_FOUND),
        ("/exchange?year=abc&cluster=%00".to_string(), StatusCode::OK),
        ("/exchange?cluster=-5".to_string(), StatusCode::NOT_FOUND),
        ("/exchange?year=99999".to_string(), StatusCode::BAD_REQUEST),
        ("/bookings/schedule?school=99999999&date=9999-99-99".to_string(), StatusCode::NOT_FOUND),
        (format!("/bookings/schedule?facility={facility}&view=month&date=2026-02-30"), StatusCode::OK),
        // A date chrono reads but no arithmetic survives: the page's default day instead.
        ("/bookings/schedule?date=-262143-01-01&view=week".to_string(), StatusCode::OK),
        ("/bookings/usage?to=-262143-01-01".to_string(), StatusCode::OK),
        (format!("/facilities/{facility}/week?week=-262143-01-01"), StatusCode::OK),
        (format!("/bookings/new?facility={facility}&date=x&from=y"), StatusCode::OK),
    ] {
        let (status, _) = admin.page(&path).await;
        assert_eq!(status, want, "{path}");
    }
    let junk: Vec<(&str, String)> = [
        ("facility", facility.to_string()),
        ("date", "3000-99-99".into()),
        ("from", "25:61".into()),
        ("to", "%".into()),
        ("attendees", "many".into()),
        ("every_weeks", "9".into()),
        ("until", "never".into()),
        ("action", "book".into()),
    ]
    .into_iter()
    .collect();
    assert_eq!(admin.form("/bookings/new", &junk).await, StatusCode::UNPROCESSABLE_ENTITY, "the form again with its problems");
    let (_, after) = admin.items("/api/v1/bookings").await;
    assert_eq!(before, after, "nothing booked");
    let (_, rules_before) = admin.get(&format!("/api/v1/facilities/{facility}/rules")).await;
    let rules_junk: Vec<(&str, String)> = [
        ("share_with", "everyone".to_string()),
        ("min_notice_hours", "-1".into()),
        ("max_minutes", "1e400".into()),
        ("open_mon", "25:00".into()),
        ("close_mon", "x".into()),
        ("blackouts", "someday 99:99-00:00\n%00".into()),
    ]
    .into_iter()
    .collect();
    assert_eq!(admin.form(&format!("/facilities/{facility}/rules"), &rules_junk).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(admin.get(&format!("/api/v1/facilities/{facility}/rules")).await.1, rules_before, "rules unchanged");
    let (_, calendar_before) = admin.get("/api/v1/calendar?year=2026").await;
    let calendar_junk: Vec<(&str, String)> = [
        ("year", "2026".to_string()),
        ("terms", "2026-09-01\nnot a term 2027".into()),
        ("closures", "2026-10-01 国庆节\n%00 %00 %00".into()),
    ]
    .into_iter()
    .collect();
    assert_eq!(admin.form("/bookings/calendar", &calendar_junk).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(admin.get("/api/v1/calendar?year=2026").await.1, calendar_before, "calendar unchanged");
    assert_eq!(admin.form("/bookings/calendar", &[("year", "abc".to_string())]).await, StatusCode::BAD_REQUEST);
    let (_, bells_before) = admin.get(&format!("/api/v1/schools/{school_id}/bells")).await;
    for junk in ["1 08:00", "x 08:00-08:40", "1 09:00-08:00", "2 08:00-08:40\n1 09:00-09:40", &"1 08:00-08:40\n".repeat(20)] {
        let status =
            admin.form(&format!("/schools/{school_id}/bells"), &[("section", "primary".to_string()), ("periods", junk.to_string())]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{junk:.30}");
    }
    assert_eq!(admin.get(&format!("/api/v1/schools/{school_id}/bells")).await.1, bells_before, "bells unchanged");
    // Calendar feeds: unknown or mangled addresses find nothing; bad bodies are named.
    for path in ["/ical/%00", "/ical/nothing.ics", &format!("/ical/{}.ics", "f".repeat(4_000)), "/ical/..%2F..%2Fetc%2Fpasswd"] {
        let r = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = admin.post("/api/v1/feeds", json!({"facility_id": "x"})).await;
    assert!(refused(status), "{status}");
    let (status, _) = admin.post("/api/v1/feeds", json!({"facility_id": 999_999_999})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(admin.delete("/api/v1/feeds/abc").await.0, StatusCode::NOT_FOUND);
    assert_eq!(admin.delete("/api/v1/feeds/999999").await.0, StatusCode::NOT_FOUND);
    for (query, field) in [("year=abc", "year"), ("year=2026&school_id=x", "school_id")] {
        let (status, body) = admin.get(&format!("/api/v1/calendar?{query}")).await;
        assert!(refused(status), "{status}: {query}: {body}");
        assert!(body["error"]["message"].is_string() && body.to_string().contains(field), "{query}: {body}");
    }
    let (status, _) = admin.put("/api/v1/calendar?year=2026", json!({"terms": [["2026-09-01", "2026-01-01"]], "closures": []})).await;
    assert!(refused(status), "{status}: a term that ends before it starts");
    let (status, _) = admin.put("/api/v1/calendar?year=99999", json!({"terms": [], "closures": []})).await;
    assert!(refused(status), "{status}");
    let (status, _) = admin.get("/api/v1/usage?from=2026-01-01&to=2030-01-01").await;
    assert!(refused(status), "{status}: at most 400 days");
    let (status, _) = admin.get("/api/v1/usage?from=garbage").await;
    assert!(refused(status), "{status}");

    // A destructive post that skipped its confirmation is sent to it, and nothing happens.
    let (_, clusters) = admin.get("/api/v1/clusters?per_page=1").await;
    let cluster_id = clusters["items"][0]["id"].as_i64().unwrap();
    let status = admin.form(&format!("/clusters/{cluster_id}/dissolve"), &[("on", "2026-01-01".to_string())]).await;
    assert_eq!(status, StatusCode::OK, "the confirmation page");
    let (_, cluster) = admin.get(&format!("/api/v1/clusters/{cluster_id}")).await;
    assert_eq!(cluster["cluster"]["status"], "active", "not dissolved without confirmation: {cluster:.300}");
    let status =
        admin.form(&format!("/clusters/{cluster_id}/dissolve"), &[("confirmed", "yes".to_string()), ("on", "not-a-day".to_string())]).await;
    assert!(refused(status), "{status}: an unreadable day is refused, not taken as today");
    let (_, cluster) = admin.get(&format!("/api/v1/clusters/{cluster_id}")).await;
    assert_eq!(cluster["cluster"]["status"], "active", "still active: {cluster:.300}");

    // A JSON body over the API's limit is 413 with the JSON error, not 400.
    let huge = json!({"code": "X1", "name": "x".repeat(2 * 1024 * 1024), "school_type": "primary", "locality": "rural"});
    let (status, body) = admin.post_oversized("/api/v1/schools", &huge).await;
    assert_error("a 2 MB JSON body", status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");

    // An upload over 2 MB (the old limit) is taken: 40,000 teachers in CSV, about 3 MB.
    let mut csv = String::from("教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间\n");
    for i in 0..40_000 {
        csv.push_str(&format!("H{i:06},教师{i},女,3141000001,语文,本科,一级教师,无,2020-09-01\n"));
    }
    assert!(csv.len() > 2 * 1024 * 1024, "{} bytes", csv.len());
    let (status, body) = admin.import("teachers", "big.csv", csv.into_bytes(), false).await;
    assert_eq!(status, StatusCode::OK, "a 3 MB upload: {body}");
    assert_eq!(body["created"], 40_000);
    // Beyond the upload limit: 413 with the limit named, before the body is read (a client that
    // keeps sending would see the connection close, so this one announces the size and waits).
    let answer = announce_upload(&server, admin.token().unwrap(), 65 * 1024 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"too_large\"") && answer.contains("64 MB"), "{answer}");
    alive(&server).await;

    // Hostile spreadsheets: each is refused with the limit named, nothing is written, and the
    // server stays up (the first of them used to abort the process).
    let teachers_before = admin.get("/api/v1/teachers?per_page=1").await.1["total"].clone();
    let principal = server.client("principal").await.unwrap();
    for (name, bytes, code) in [
        ("far.xlsx", hostile::xlsx_with_far_cell(1_048_575, 16_383), "too_many_columns"),
        ("tall.xlsx", hostile::xlsx_with_far_cell(1_048_575, 2), "too_many_rows"),
        ("bomb.xlsx", hostile::zip_bomb(600), "too_large_unpacked"),
        ("wide.ods", hostile::ods_repeating(16_384, 1), "too_many_columns"),
        ("many.ods", hostile::ods_repeating(200, 100_000), "too_many_cells"),
        ("text.xlsx", b"not a spreadsheet".to_vec(), "not_a_spreadsheet"),
        ("ole.xls", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0], "bad_file"),
        ("wide.csv", format!("a\n{}\n", vec!["x"; 5000].join(",")).into_bytes(), "too_many_columns"),
    ] {
        for who in [&admin, &principal] {
            let (status, body) = who.import("teachers", name, bytes.clone(), false).await;
            assert_error(name, status, &body, StatusCode::BAD_REQUEST, "import_invalid");
            assert_eq!(body["error"]["details"][0]["code"], code, "{name}: {body}");
        }
    }
    alive(&server).await;
    assert_eq!(admin.get("/api/v1/teachers?per_page=1").await.1["total"], teachers_before, "nothing was written");

    // A cluster head keeps the name and description of their cluster, not its form or lead; a
    // new lead takes over on a date and the history still says who led before.
    let head = server.client("head").await.unwrap();
    let (_, clusters) = admin.get("/api/v1/clusters?form=district").await;
    let district = clusters["items"].as_array().unwrap().iter().find(|c| c["name"] == "城关第二学区").unwrap().clone();
    let id = district["id"].as_i64().unwrap();
    let (_, detail) = admin.get(&format!("/api/v1/clusters/{id}")).await;
    let members = detail["members"].as_array().unwrap().clone();
    let lead = members.iter().find(|m| m["membership"]["role"] == "lead").unwrap()["school"].clone();
    let other =
        members.iter().find(|m| m["membership"]["role"] == "member" && m["membership"]["left_on"].is_null()).unwrap()["school"].clone();
    let body = |form: &str, lead_code: &Value, description: &str| {
        json!({"name": district["name"], "form": form, "level": district["level"], "lead_school_code": lead_code,
               "description": description, "founded_on": district["founded_on"]})
    };
    let (status, body_) = head.put(&format!("/api/v1/clusters/{id}"), body("alliance", &lead["code"], "")).await;
    assert_error("a head changing the form", status, &body_, StatusCode::FORBIDDEN, "forbidden");
    let (status, body_) = head.put(&format!("/api/v1/clusters/{id}"), body("district", &other["code"], "")).await;
    assert_error("a head changing the lead", status, &body_, StatusCode::FORBIDDEN, "forbidden");
    let (status, _) = head.put(&format!("/api/v1/clusters/{id}"), body("district", &lead["code"], "学区长写的简介")).await;
    assert_eq!(status, StatusCode::OK, "the head keeps the description");
    let (status, changed) = admin.put(&format!("/api/v1/clusters/{id}?on=2025-09-01"), body("district", &other["code"], "")).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let (_, after) = admin.get(&format!("/api/v1/clusters/{id}")).await;
    let rows = |school: &Value| -> Vec<(String, String, Value)> {
        after["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["school"]["id"] == school["id"])
            .map(|m| {
                (
                    m["membership"]["role"].as_str().unwrap().to_string(),
                    m["membership"]["joined_on"].as_str().unwrap().to_string(),
                    m["membership"]["left_on"].clone(),
                )
            })
            .collect()
    };
    assert!(
        rows(&lead).iter().any(|(role, _, left)| role == "lead" && left == "2025-09-01"),
        "the old lead led until the date: {:?}",
        rows(&lead)
    );
    assert!(rows(&lead).iter().any(|(role, joined, left)| role == "member" && joined == "2025-09-01" && left.is_null()));
    assert!(
        rows(&other).iter().any(|(role, joined, left)| role == "lead" && joined == "2025-09-01" && left.is_null()),
        "{:?}",
        rows(&other)
    );

    // Unvalidated writes are refused with the field named.
    let (_, other_county) = server.client("other-admin").await.unwrap().get("/api/v1/schools?per_page=1").await;
    let foreign_school = other_county["items"][0]["id"].as_i64().unwrap();
    for (what, officers, field) in [
        ("another county's school", json!([{"role": "head", "person_name": "王", "school_id": foreign_school}]), "school_id"),
        ("a school that does not exist", json!([{"role": "head", "person_name": "王", "school_id": 999_999}]), "school_id"),
        ("a 100,000-character name", json!([{"role": "head", "person_name": "王".repeat(100_000)}]), "person_name"),
    ] {
        let (status, body) = admin.put(&format!("/api/v1/clusters/{id}/officers"), officers).await;
        assert_error(what, status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["details"][0]["field"], field, "{what}: {body}");
    }
    let me = admin.get("/api/v1/me").await.1;
    let (status, body) = admin
        .put(&format!("/api/v1/users/{}", me["user"]["id"]), json!({"display_name": "x".repeat(300_000), "role": "bureau_admin"}))
        .await;
    assert_error("a 300,000-character display name", status, &body, StatusCode::BAD_REQUEST, "invalid");
    let nul = json!({"code": "NUL01", "name": "有\u{0}空字符的学校", "school_type": "primary", "locality": "rural"});
    let (status, body) = admin.post("/api/v1/schools", nul).await;
    assert_error("a NUL byte", status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["details"][0]["code"], "control_character", "{body}");
    let stats = json!({"school_code": lead["code"], "year": 2024, "students_primary": 1, "students_junior": 0, "classes_primary": 1000,
                       "classes_junior": 0, "teaching_area": 1000.0, "sports_area": 1000.0, "equipment_value": 1.0, "multimedia_rooms": 1,
                       "books": 1, "computers": 1});
    let (status, body) = admin.post("/api/v1/stats", stats).await;
    assert_error("1,000 classes for 1 pupil", status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["details"][0]["field"], "classes_primary", "{body}");

    // Lost updates: a record's version is its ETag; a save with a stale If-Match is 412 and
    // changes nothing; of two saves of one version exactly one wins.
    let school = format!("/api/v1/schools/{}", lead["id"]);
    let etag = |h: &reqwest::header::HeaderMap| h.get("etag").map(|v| v.to_str().unwrap().to_string()).expect("an ETag");
    let raw = reqwest::Client::new();
    let token = admin.token().unwrap().to_string();
    let read = raw.get(admin.url(&school)).bearer_auth(&token).send().await.unwrap();
    let first = etag(read.headers());
    let mut record: Value = read.json().await.unwrap();
    let put = async |body: &Value, if_match: Option<&str>| {
        let mut r = raw.put(admin.url(&school)).bearer_auth(&token).json(body);
        if let Some(tag) = if_match {
            r = r.header("if-match", tag);
        }
        let r = r.send().await.unwrap();
        (r.status(), r.headers().get("etag").map(|v| v.to_str().unwrap().to_string()), r.json::<Value>().await.unwrap_or(Value::Null))
    };
    for key in ["id", "status", "created_at", "updated_at", "campus_of"] {
        record.as_object_mut().unwrap().remove(key);
    }
    record["principal"] = "甲改的校长".into();
    let (status, second, _) = put(&record, Some(&first)).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(second.as_deref(), Some(first.as_str()), "a save gives a new version");
    record["principal"] = "乙改的校长".into();
    let (status, _, body) = put(&record, Some(&first)).await;
    assert_error("a save with the version before the last save", status, &body, StatusCode::PRECONDITION_FAILED, "stale");
    assert_eq!(admin.get(&school).await.1["principal"], "甲改的校长", "the stale save changed nothing");
    let (status, _, body) = put(&record, Some("\"not-a-version\"")).await;
    assert_error("an If-Match this server never gave", status, &body, StatusCode::PRECONDITION_FAILED, "stale");
    let second = second.unwrap();
    let mut racers = Vec::new();
    for i in 0..8 {
        let (client, url, token, tag) = (raw.clone(), admin.url(&school), token.clone(), second.clone());
        let mut body = record.clone();
        body["principal"] = format!("并发{i}").into();
        racers.push(tokio::spawn(async move {
            client.put(url).bearer_auth(token).header("if-match", tag).json(&body).send().await.unwrap().status()
        }));
    }
    let mut race = Vec::new();
    for r in racers {
        race.push(r.await.unwrap());
    }
    assert_eq!(race.iter().filter(|s| **s == StatusCode::OK).count(), 1, "one of eight saves of one version wins: {race:?}");
    assert!(race.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::PRECONDITION_FAILED), "{race:?}");
    let (status, _, _) = put(&record, None).await;
    assert_eq!(status, StatusCode::OK, "without If-Match a save goes through, as before");
    // A year's statistics too: If-Match takes the ETag or the `updated_at` a list shows.
    let (_, years) = admin.items(&format!("/api/v1/schools/{}/stats", lead["id"])).await;
    let year = years[0].clone();
    let mut stats = year.clone();
    for key in ["id", "school_id", "updated_at"] {
        stats.as_object_mut().unwrap().remove(key);
    }
    stats["school_code"] = lead["code"].clone();
    stats["books"] = (year["books"].as_i64().unwrap() + 1).into();
    let post_stats = async |body: &Value, tag: &str| {
        let r = raw.post(admin.url("/api/v1/stats")).bearer_auth(&token).header("if-match", tag).json(body).send().await.unwrap();
        (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
    };
    let (status, saved) = post_stats(&stats, year["updated_at"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    stats["books"] = 1.into();
    let (status, body) = post_stats(&stats, year["updated_at"].as_str().unwrap()).await;
    assert_error("statistics saved over a newer version", status, &body, StatusCode::PRECONDITION_FAILED, "stale");

    // Accounts too: the version is the updated_at the list shows.
    let (_, users) = admin.get("/api/v1/users?per_page=200").await;
    let principal_account = users["items"].as_array().unwrap().iter().find(|u| u["username"] == "principal").unwrap().clone();
    let account = format!("/api/v1/users/{}", principal_account["id"]);
    let change = json!({"display_name": "东坪校长", "role": "school_admin", "school_id": principal_account["school_id"]});
    let put_user = async |tag: &str| {
        raw.put(admin.url(&account)).bearer_auth(&token).header("if-match", tag).json(&change).send().await.unwrap().status()
    };
    let read_at = principal_account["updated_at"].as_str().unwrap().to_string();
    assert_eq!(put_user(&read_at).await, StatusCode::OK);
    assert_eq!(put_user(&read_at).await, StatusCode::PRECONDITION_FAILED, "an account saved over a newer version");

    // The edit page carries the version: a stale form comes back with both values and saves nothing.
    let edit = format!("/schools/{}/edit", lead["id"]);
    let (_, html) = admin.page(&edit).await;
    let version = html.split("name=\"_version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    record["principal"] = "丙改的校长".into();
    assert_eq!(put(&record, None).await.0, StatusCode::OK);
    let mut form: Vec<(&str, String)> = ["code", "name", "school_type", "locality", "township", "address", "latitude", "longitude"]
        .iter()
        .map(|k| (*k, record[*k].as_str().map(str::to_string).unwrap_or_else(|| record[*k].to_string())))
        .collect();
    form.extend([("principal", "丁在页面上改的".to_string()), ("legal_person", "true".into()), ("_version", version)]);
    let status = admin.form(&edit, &form).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale form is not saved");
    assert_eq!(admin.get(&school).await.1["principal"], "丙改的校长");

    // A name a spreadsheet would run as a formula leaves the CSV export neutralised and comes
    // back unchanged through an import.
    let formula = "=HYPERLINK(\"http://evil.example\",\"点我\")";
    let school = json!({"code": "F0RMULA", "name": formula, "school_type": "primary", "locality": "rural"});
    assert_eq!(admin.post("/api/v1/schools", school).await.0, StatusCode::CREATED);
    let csv = String::from_utf8(admin.export("schools", "csv").await).unwrap();
    let line = csv.lines().find(|l| l.starts_with("F0RMULA")).unwrap().to_string();
    assert!(line.contains("'=HYPERLINK"), "{line}");
    let (status, body) = admin.import("schools", "schools.csv", csv.into_bytes(), true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, found) = admin.get("/api/v1/schools?q=F0RMULA").await;
    assert_eq!(found["items"][0]["name"], formula, "the round trip keeps the name");

    // Security headers on pages, the API, errors and static files.
    for path in ["/login", "/api/v1/openapi.json", "/nothing-here", "/static/app.css", "/api/v1/schools"] {
        let r = reqwest::get(server.url(path)).await.unwrap();
        let h = r.headers();
        let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(h.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{path}");
        assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{path}");
        assert!(h.get("referrer-policy").is_some(), "{path}");
    }
    // No page carries an inline script (the CSP would block it).
    for path in ["/", "/schools", "/assessment", "/assessment/report", "/plans", "/import"] {
        let (_, html) = admin.page(path).await;
        assert!(!html.contains("<script>") && !html.contains(" onclick="), "{path} has an inline script");
    }

    // Redirects stay on the site: after sign-in and after the language switch.
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for target in ["/\\/evil.example", "//evil.example", "/%5Cevil.example", "https://evil.example/", "/\r\nSet-Cookie: x=1", "/%0d%0aX: y"]
    {
        let r = no_redirect
            .post(server.url("/login"))
            .form(&[("username", "inspector"), ("password", DEMO_PASSWORD), ("next", target)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/", "next={target:?}");
        let r = no_redirect.get(server.url(&format!("/lang/en?back={}", urlencoding::encode(target)))).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/", "back={target:?}");
    }
    let r = no_redirect.get(server.url("/lang/en?back=/schools%3Fpage%3D2")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/schools?page=2", "a path of the site is followed");

    // A one-time password opens nothing but changing it, through the API too.
    let (_, created) = admin.post("/api/v1/users", json!({"username": "otp.user", "display_name": "一次性", "role": "bureau_admin"})).await;
    let one_time = created["password"].as_str().unwrap().to_string();
    let otp = server.client_with("otp.user", &one_time).await.unwrap();
    let (status, body) = otp.post("/api/v1/users", json!({"username": "evil2", "display_name": "x", "role": "bureau_admin"})).await;
    assert_error("creating an admin with a one-time password", status, &body, StatusCode::FORBIDDEN, "password_change_required");
    let (status, body) = otp.get("/api/v1/schools").await;
    assert_error("reading with a one-time password", status, &body, StatusCode::FORBIDDEN, "password_change_required");
    let (status, _) = otp.post("/api/v1/me/password", json!({"current_password": one_time, "new_password": "新的长密码-2026"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let changed = server.client_with("otp.user", "新的长密码-2026").await.unwrap();
    assert_eq!(changed.get("/api/v1/schools").await.0, StatusCode::OK, "after the change everything opens");

    // Sign-in throttling: ten wrong passwords lock `admin` for that address only…
    let sign_in = async |from: &str, username: &str, password: &str| {
        let client = reqwest::Client::builder().local_address(from.parse::<std::net::IpAddr>().unwrap()).build().unwrap();
        let r = client.post(server.url("/api/v1/session")).json(&json!({"username": username, "password": password})).send().await.unwrap();
        r.status()
    };
    for _ in 0..10 {
        assert_eq!(sign_in("127.0.0.2", "admin", "wrong-guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(sign_in("127.0.0.2", "admin", DEMO_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "the guessing address waits");
    assert_eq!(sign_in("127.0.0.3", "admin", DEMO_PASSWORD).await, StatusCode::OK, "the admin elsewhere signs in");
    // … and thirty wrong passwords over many names stop that address for every name.
    for i in 0..30 {
        assert_eq!(sign_in("127.0.0.4", &format!("nobody{i}"), "x").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(sign_in("127.0.0.4", "head", DEMO_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "password spraying is slowed");
    alive(&server).await;
    server.stop().await.unwrap();
}

/// Sends the head of an upload of `length` bytes and returns what the server answers.
/// Running a cluster: every query parameter, body field and upload that does not fit is named,
/// and nothing is saved; pages fall back to their defaults.
async fn running(server: &TestServer, admin: &xuequ_testkit::Api) {
    let everything = "/api/v1/activities?from=2000-01-01&to=2100-12-31";
    let before = admin.items(everything).await.1.as_array().map(Vec::len);
    for (path, field) in [
        ("/api/v1/activities?kind=party", "kind"),
        ("/api/v1/activities?from=2026-13-40", "from"),
        ("/api/v1/activities?to=yesterday", "to"),
        ("/api/v1/activities?from=1066-10-14", "from"),
        ("/api/v1/activities?mine=perhaps", "mine"),
        ("/api/v1/activities?cluster=abc", "cluster"),
        ("/api/v1/activities?school=%00", "school"),
        ("/api/v1/training-hours?year=99999", "year"),
        ("/api/v1/training-hours?teacher=abc", "teacher"),
        ("/api/v1/cluster-calendar?from=2026-01-01&to=2030-01-01", "to"),
        ("/api/v1/running/figures?year=1066", "year"),
        ("/api/v1/budgets?year=abc", "year"),
    ] {
        let (status, body) = admin.get(path).await;
        assert_error(path, status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["details"][0]["field"], field, "{path}: {body}");
    }
    let (_, found) = admin.get(&format!("/api/v1/clusters?q={}", urlencoding::encode("城关第二学区"))).await;
    let district = found["items"][0]["id"].as_i64().unwrap();
    let (_, cluster) = admin.get(&format!("/api/v1/clusters/{district}")).await;
    let lead = cluster["members"][0]["school"]["id"].as_i64().unwrap();
    let good = json!({"kind": "same_lesson", "title": "检验", "cluster_id": district, "host_school_id": lead,
        "starts_at": "2030-05-06T14:00:00", "ends_at": "2030-05-06T16:00:00"});
    let with = |field: &str, value: Value| {
        let mut b = good.clone();
        b[field] = value;
        b
    };
    for (body, field) in [
        (with("title", json!("")), "title"),
        (with("title", json!("a\u{0}b")), "title"),
        (with("title", json!("课".repeat(101))), "title"),
        (with("capacity", json!(0)), "capacity"),
        (with("grade", json!(99)), "grade"),
        (with("subject", json!("法术")), "subject"),
        (with("hours", json!("abc")), "hours"),
        (with("invited", json!([999_999_999])), "invited"),
        (with("host_school_id", json!(999_999_999)), "host_school_id"),
        (with("cluster_id", json!(999_999_999)), "cluster_id"),
        (with("starts_at", json!("2030-05-06T18:00:00")), "ends_at"),
        (with("ends_at", json!("2031-05-06T18:00:00")), "ends_at"),
        (with("signup_deadline", json!("2030-06-01T00:00:00")), "signup_deadline"),
        (with("starts_at", json!("not a time")), "starts_at"),
        (with("facility_id", json!(999_999_999)), "facility_id"),
    ] {
        let (status, answer) = admin.post("/api/v1/activities", body.clone()).await;
        assert_error(&body.to_string(), status, &answer, StatusCode::BAD_REQUEST, "invalid");
        let fields: Vec<&str> = answer["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{field}: {answer}");
    }
    assert_eq!(admin.items(everything).await.1.as_array().map(Vec::len), before, "no refused activity was saved");
    // An activity going on now: codes of any shape, uploads that are not files.
    let now = (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc();
    let current = json!({"kind": "same_lesson", "title": "检验签到", "cluster_id": district, "host_school_id": lead,
        "starts_at": (now - chrono::Duration::minutes(5)).format("%Y-%m-%dT%H:%M:%S").to_string(),
        "ends_at": (now + chrono::Duration::minutes(60)).format("%Y-%m-%dT%H:%M:%S").to_string()});
    let (status, made) = admin.post("/api/v1/activities", current).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_i64().unwrap();
    let teacher = server.client("teacher").await.unwrap();
    for code in ["", "x".repeat(10_000).as_str(), "12345\u{0}", "'; DROP TABLE activity; --", "９９９９９９"] {
        let (status, answer) = teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": code})).await;
        assert_error(&format!("code {code:.12}"), status, &answer, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(answer["error"]["details"][0]["field"], "code", "{answer}");
    }
    let (status, answer) = teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": 123456})).await;
    assert_error("a number for the code", status, &answer, StatusCode::BAD_REQUEST, "invalid");
    let (status, answer) = admin.multipart("POST", &format!("/api/v1/activities/{id}/files"), &[], &[]).await;
    assert_error("no files", status, &answer, StatusCode::BAD_REQUEST, "invalid");
    let (status, answer) =
        admin.multipart("POST", &format!("/api/v1/activities/{id}/files"), &[], &[("setup.exe", b"MZ\x90\x00\x03")]).await;
    assert_error("a program", status, &answer, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(admin.get(&format!("/api/v1/activities/{id}")).await.1["files"], json!([]));
    for (body, field) in [
        (json!({"revision": made["revision"], "status": "maybe"}), "status"),
        (json!({"revision": made["revision"], "summary": ""}), "summary"),
        (json!({"revision": made["revision"], "hours": "8.5"}), "hours"),
    ] {
        let (status, answer) = admin.call("PATCH", &format!("/api/v1/activities/{id}"), Some(body)).await;
        assert_error(field, status, &answer, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(answer["error"]["details"][0]["field"], field, "{answer}");
    }
    // Hours, settings, plans, council, budgets: each field named.
    let (_, teachers) = admin.get(&format!("/api/v1/teachers?school_id={lead}&per_page=1")).await;
    let teacher_id = teachers["items"][0]["id"].as_i64().unwrap();
    let training = json!({"teacher_id": teacher_id, "category": "training", "title": "国培", "on_date": "2026-03-01", "hours": "12"});
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let (_, budgets) = admin.items(&format!("/api/v1/budgets?year={year}&cluster={district}")).await;
    let budget = budgets[0]["id"].as_i64().unwrap();
    let spend = json!({"category": "office", "spent_on": format!("{year}-06-01"), "amount": "10", "payee": "印务", "purpose": "打印"});
    let edit = |base: &Value, field: &str, value: Value| {
        let mut b = base.clone();
        b[field] = value;
        b
    };
    for (method, path, body, field) in [
        ("POST", "/api/v1/training-hours".to_string(), edit(&training, "hours", json!("-1")), "hours"),
        ("POST", "/api/v1/training-hours".to_string(), edit(&training, "hours", json!("999")), "hours"),
        ("POST", "/api/v1/training-hours".to_string(), edit(&training, "title", json!("")), "title"),
        ("POST", "/api/v1/training-hours".to_string(), edit(&training, "category", json!("magic")), "category"),
        ("POST", "/api/v1/training-hours".to_string(), edit(&training, "on_date", json!("2999-01-01")), "on_date"),
        (
            "PUT",
            "/api/v1/running/settings".to_string(),
            json!({"hours_total": "abc", "hours_school_based": "24", "hours_training": "24", "bureau_limit": "5000"}),
            "hours_total",
        ),
        (
            "PUT",
            "/api/v1/running/settings".to_string(),
            json!({"hours_total": "72", "hours_school_based": "24", "hours_training": "80", "bureau_limit": "5000"}),
            "hours_training",
        ),
        (
            "PUT",
            "/api/v1/running/settings".to_string(),
            json!({"hours_total": "72", "hours_school_based": "24", "hours_training": "24", "bureau_limit": "-5"}),
            "bureau_limit",
        ),
        ("POST", format!("/api/v1/clusters/{district}/work-plans"), json!({"year": 99999, "title": "x"}), "year"),
        ("POST", format!("/api/v1/clusters/{district}/work-plans"), json!({"year": 2044, "title": ""}), "title"),
        (
            "POST",
            format!("/api/v1/clusters/{district}/work-plans"),
            json!({"year": 2044, "title": "x", "tasks": [{"title": "t"}]}),
            "due_on",
        ),
        (
            "POST",
            format!("/api/v1/clusters/{district}/work-plans"),
            json!({"year": 2044, "title": "x", "tasks": [{"title": "t", "due_on": "2044-01-01", "owner_school_id": 999_999_999}]}),
            "owner_school_id",
        ),
        (
            "POST",
            format!("/api/v1/clusters/{district}/meetings"),
            json!({"held_on": "2026-01-01", "title": "会", "minutes": ""}),
            "minutes",
        ),
        (
            "POST",
            format!("/api/v1/clusters/{district}/meetings"),
            json!({"held_on": "2999-01-01", "title": "会", "minutes": "纪要"}),
            "held_on",
        ),
        ("POST", format!("/api/v1/clusters/{district}/council/members"), json!({"name": "张", "role": "boss"}), "role"),
        ("POST", format!("/api/v1/clusters/{district}/council/members"), json!({"name": "", "role": "member"}), "name"),
        (
            "PUT",
            format!("/api/v1/clusters/{district}/budgets/2044"),
            json!({"sources": [{"source": "county_per_cluster", "amount": "1e9"}], "lines": {"research": "1e9"}}),
            "sources",
        ),
        (
            "PUT",
            format!("/api/v1/clusters/{district}/budgets/2044"),
            json!({"sources": [{"source": "county_per_cluster", "amount": "10"}], "lines": {"luxury": "10"}}),
            "lines",
        ),
        ("POST", format!("/api/v1/budgets/{budget}/expenditures"), edit(&spend, "amount", json!("1.234")), "amount"),
        ("POST", format!("/api/v1/budgets/{budget}/expenditures"), edit(&spend, "amount", json!("-10")), "amount"),
        ("POST", format!("/api/v1/budgets/{budget}/expenditures"), edit(&spend, "payee", json!("")), "payee"),
        ("POST", format!("/api/v1/budgets/{budget}/expenditures"), edit(&spend, "spent_on", json!("1999-01-01")), "spent_on"),
        ("POST", format!("/api/v1/budgets/{budget}/expenditures"), edit(&spend, "category", json!("luxury")), "category"),
        ("POST", format!("/api/v1/budgets/{budget}/expenditures"), edit(&spend, "activity_id", json!(999_999_999)), "activity_id"),
        ("PUT", "/api/v1/users/1/teacher".to_string(), json!({"staff_no": "NOBODY"}), "staff_no"),
    ] {
        let (status, answer) = admin.call(method, &path, Some(body)).await;
        assert_error(&path, status, &answer, StatusCode::BAD_REQUEST, "invalid");
        let fields: Vec<&str> = answer["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{path} {field}: {answer}");
    }
    assert_eq!(admin.items("/api/v1/budgets?year=2044").await.1, json!([]), "no refused budget was saved");
    // Pages take any query and show their defaults.
    for path in [
        "/activities?range=%00&cluster=abc&kind=%E2%80%AE",
        "/activities/calendar?date=junk&view=%00&cluster=abc",
        "/activities/calendar?date=9999-99-99",
        "/hours?year=abc&school=x&behind=%00",
        "/running/plans?year=-1",
        "/running/budgets?year=99999999999",
        "/running/figures?year=1066",
    ] {
        let (status, page) = admin.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page:.300}");
    }
    for path in ["/hours/teachers/abc", "/running/budgets/set?cluster=abc", "/activities/999999999", "/running/plans/-1"] {
        let status = admin.page(path).await.0;
        assert!(status == StatusCode::NOT_FOUND || refused(status), "{path}: {status}");
    }
}

/// The evaluation's parameters, files and bodies: each refused with the field named, nothing
/// written, the server up.
async fn evaluation(server: &TestServer, admin: &xuequ_testkit::Api) {
    for (path, field) in [
        ("/api/v1/figures?year=99999", "year"),
        ("/api/v1/figures?cluster=abc", "cluster"),
        ("/api/v1/figures?school=%00", "school"),
        ("/api/v1/value-added?year=abc", "year"),
        ("/api/v1/value-added?year=1066", "year"),
        ("/api/v1/dashboard?cluster=1e99", "cluster"),
        ("/api/v1/evaluation/trees/1066", "year"),
    ] {
        let (status, body) = admin.get(path).await;
        assert_error(path, status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["details"][0]["field"], field, "{path}: {body}");
    }
    let (_, rounds) = admin.get("/api/v1/evaluation/rounds").await;
    let open = rounds["items"].as_array().unwrap().iter().find(|r| r["status"] == "open").unwrap()["id"].clone();
    let year = rounds["items"][0]["year"].as_i64().unwrap();
    let (_, clusters) = admin.items("/api/v1/clusters?per_page=1").await;
    let cluster = clusters[0]["id"].clone();
    let scores = format!("/api/v1/evaluation/rounds/{open}/clusters/{cluster}/scores");
    // The bureau evaluates this cluster itself, so that each score is judged on its merits.
    let me = admin.get("/api/v1/me").await.1["user"]["id"].clone();
    let evaluators = format!("/api/v1/evaluation/rounds/{open}/clusters/{cluster}/evaluators");
    assert_eq!(admin.put(&evaluators, json!({"users": [me]})).await.0, StatusCode::NO_CONTENT);
    for (body, field) in [
        (json!({"scores": [{"code": "1.3", "score": "ninety"}]}), "scores[0].score"),
        (json!({"scores": [{"code": "1.3", "score": 1e308}]}), "score"),
        (json!({"scores": [{"code": "1.3", "score": -1}]}), "score"),
        (json!({"scores": [{"code": "1.3", "score": 80, "comment": "x".repeat(3000)}]}), "comment"),
    ] {
        let (status, answer) = admin.post(&scores, body.clone()).await;
        assert!(refused(status), "{body}: {status} {answer}");
        assert!(answer["error"]["details"][0]["field"].as_str().is_some_and(|f| f.starts_with(field)), "{field}: {answer}");
    }
    let (status, body) = admin.post("/api/v1/evaluation/rounds", json!({"year": 2099, "lead_share": 5})).await;
    assert_error("lead share", status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["details"][0]["field"], "lead_share");
    // Trees: bounds that overflow, too deep, a thousand siblings — each named, none kept.
    let leaf = |code: String, weight: f64| json!({"code": code, "name_zh": "指标", "name_en": "x", "weight": weight});
    let mut deep = leaf("1.1.1.1.1".into(), 100.0);
    for code in ["1.1.1.1", "1.1.1", "1.1", "1"] {
        let mut parent = leaf(code.into(), 100.0);
        parent["children"] = json!([deep]);
        deep = parent;
    }
    let wide: Vec<Value> = (0..1000).map(|i| leaf(format!("w{i}"), 0.05)).collect();
    let huge = json!([{"code": "1", "name_zh": "x", "name_en": "x", "weight": 100, "figure": "activities.held",
                       "rule": {"kind": "linear", "zero": -1e300, "full": 1e300}}]);
    for (what, indicators, code) in
        [("deep", json!([deep]), "bad_indicator"), ("wide", json!(wide), "top_weights_not100"), ("huge", huge, "bad_indicator")]
    {
        let (status, body) = admin.put(&format!("/api/v1/evaluation/trees/{}", year + 2), json!({"indicators": indicators})).await;
        assert_error(what, status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["details"][0]["code"], code, "{what}: {body}");
    }
    assert_eq!(admin.get(&format!("/api/v1/evaluation/trees/{}", year + 2)).await.1["source"], "copied_from", "nothing was kept");
    // Hostile scores files: refused with the limit named, nothing written.
    let before = admin.get(&format!("/api/v1/value-added?year={year}")).await.1;
    for (name, bytes, code) in [
        ("bomb.xlsx", hostile::zip_bomb(600), "too_large_unpacked"),
        ("tall.xlsx", hostile::xlsx_with_far_cell(1_048_575, 2), "too_many_rows"),
        ("text.xlsx", b"not a spreadsheet".to_vec(), "not_a_spreadsheet"),
        ("wide.csv", format!("a\n{}\n", vec!["x"; 5000].join(",")).into_bytes(), "too_many_columns"),
    ] {
        let (status, body) = admin.multipart("POST", &format!("/api/v1/value-added/scores?year={year}"), &[], &[(name, &bytes)]).await;
        assert_error(name, status, &body, StatusCode::BAD_REQUEST, "import_invalid");
        assert_eq!(body["error"]["details"][0]["code"], code, "{name}: {body}");
    }
    assert_eq!(admin.get(&format!("/api/v1/value-added?year={year}")).await.1, before, "nothing was written");
    // Hostile evidence: a zip bomb dressed as Word, a file that lies about its type, too many
    // files, a code that is no leaf — each refused with the field named, nothing kept.
    let evidence = format!("/api/v1/evaluation/rounds/{open}/clusters/{cluster}/evidence");
    let before = admin.get(&evidence).await.1["total"].clone();
    let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    let bomb = hostile::zip_bomb(600);
    let many: Vec<(String, Vec<u8>)> = (0..21).map(|i| (format!("{i}.pdf"), pdf.clone())).collect();
    let many: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let long_code = "1".repeat(10_000);
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<(&'a str, &'a [u8])>, &'a str);
    let cases: Vec<Case> = vec![
        ("bomb", vec![("code", "1.3")], vec![("纪要.docx", &bomb)], "files"),
        ("lies", vec![("code", "1.3")], vec![("照片.jpg", b"MZ\x90\x00 a program")], "files"),
        ("many", vec![("code", "1.3")], many, "files"),
        ("long code", vec![("code", &long_code)], vec![("a.pdf", &pdf)], "code"),
        ("no file", vec![("code", "1.3")], vec![], "files"),
    ];
    for (what, fields, files, field) in cases {
        let (status, body) = admin.multipart("POST", &evidence, &fields, &files).await;
        assert!(refused(status), "{what}: {status} {body}");
        assert_eq!(body["error"]["details"][0]["field"], field, "{what}: {body}");
    }
    assert_eq!(admin.get(&evidence).await.1["total"], before, "nothing was kept");
    // The indicator form is read only for the bureau: a teacher's post is refused unread.
    let teacher = server.client("teacher").await.unwrap();
    let many: Vec<(&str, String)> = (0..5000).map(|i| ("code", format!("x{i}"))).collect();
    assert_eq!(teacher.form(&format!("/evaluation/trees/{year}"), &many).await, StatusCode::FORBIDDEN);
    alive(server).await;
}

async fn announce_upload(server: &TestServer, token: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/import/teachers HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}}") {
            break;
        }
    }
    String::from_utf8_lossy(&answer).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_requests_get_clear_errors_on_every_backend() {
    for backend in Backend::all() {
        hardening(backend).await;
    }
}

/// Issue 23: "12345678" was accepted as a password. Common and guessable passwords (zxcvbn score
/// below 3, or built from the person's user name or name) are refused wherever a person chooses
/// one — an account the bureau makes, one's own change through the API and the page, the first
/// admin's `XUEQU_ADMIN_PASSWORD` — with the reason in the reader's language.
#[tokio::test(flavor = "multi_thread")]
async fn guessable_passwords_are_refused_with_the_reason() {
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let admin = server.client("admin").await.unwrap();
        let school = admin.get("/api/v1/schools?per_page=1").await.1["items"][0]["id"].as_i64().unwrap();
        let account = |username: &str, password: &str| json!({"username": username, "display_name": "李明", "password": password, "role": "teacher", "school_id": school});
        let detail = |body: &Value| body["error"]["details"][0].clone();
        for (password, why, words) in [
            ("12345678", "common", "常见密码"),
            ("password1", "common", "常见密码"),
            ("qwertyuiop", "common", "常见密码"),
            ("aaaaaaaaaaaa", "repeat", "重复"),
            ("li.ming.2026", "personal", "用户名或姓名"),
        ] {
            let (status, body) = admin.post("/api/v1/users", account("li.ming", password)).await;
            assert_error(password, status, &body, StatusCode::BAD_REQUEST, "invalid");
            let d = detail(&body);
            assert_eq!((d["field"].as_str(), d["code"].as_str()), (Some("password"), Some("guessable_password")), "{password}: {body}");
            let message = d["message"].as_str().unwrap();
            assert!(message.contains(words) && message.contains("/4"), "{password} ({why}): {message}");
        }
        assert!(!admin.get("/api/v1/users?per_page=100").await.1.to_string().contains("li.ming"), "nothing was made");
        let strong = "Lan-qiu-shi-2026!";
        let (status, body) = admin.post("/api/v1/users", account("li.ming", strong)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // One's own change, through the API (in English when the reader chose it) and the page.
        let li = server.client_with("li.ming", strong).await.unwrap();
        let r = reqwest::Client::new()
            .post(li.url("/api/v1/me/password"))
            .bearer_auth(li.token().unwrap())
            .header("cookie", "xuequ_lang=en")
            .json(&json!({"current_password": strong, "new_password": "12345678"}))
            .send()
            .await
            .unwrap();
        let (status, body) = (r.status(), r.json::<Value>().await.unwrap());
        assert_error("a common new password", status, &body, StatusCode::BAD_REQUEST, "invalid");
        let d = detail(&body);
        assert_eq!(d["field"], "new_password", "{body}");
        assert!(d["message"].as_str().unwrap().contains("common password"), "{body}");
        let fields = [
            ("current_password", strong.to_string()),
            ("new_password", "li.ming123".to_string()),
            ("confirm_password", "li.ming123".to_string()),
        ];
        let r =
            reqwest::Client::new().post(li.url("/account/password")).bearer_auth(li.token().unwrap()).form(&fields).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains("密码不能包含用户名或姓名"), "the page says why");
        assert!(server.client_with("li.ming", "li.ming123").await.is_err(), "the guessable password was not set");
        let (status, _) = li.post("/api/v1/me/password", json!({"current_password": strong, "new_password": "Zhu-ye-qing-88#"})).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "a strong one is taken");
        alive(&server).await;
        server.stop().await.unwrap();
    }
    // The first admin's password from the environment: a guessable one stops the start, saying why.
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .env("XUEQU_ADMIN_PASSWORD", "12345678")
        .env_remove("XUEQU_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success(), "a server with a guessable admin password must not start");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("XUEQU_ADMIN_PASSWORD") && stderr.contains("常见密码"), "{stderr}");
}

// ---- Dates of running a cluster lie near their year (issue 23: a task due 0000-01-01) ----

async fn running_dates(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let (_, found) = admin.get(&format!("/api/v1/clusters?q={}", urlencoding::encode("城关第二学区"))).await;
    let district = found["items"][0]["id"].as_i64().unwrap();
    let (_, cluster) = admin.get(&format!("/api/v1/clusters/{district}")).await;
    let member = cluster["members"][1]["school"]["id"].as_i64().unwrap();
    let teacher = admin.get(&format!("/api/v1/teachers?school_id={member}&per_page=1")).await.1["items"][0]["id"].as_i64().unwrap();
    let year: i32 = chrono::Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let plan = json!({"year": year, "title": "日期检验", "tasks": [{"title": "好任务", "due_on": format!("{year}-06-30")}]});
    let (status, plan) = admin.post(&format!("/api/v1/clusters/{district}/work-plans"), plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let task = &plan["tasks"][0];
    let with_task = |due: &str| json!({"year": year + 1, "title": "x", "tasks": [{"title": "t", "due_on": due}]});
    let patch = |field: &str, value: &str| {
        let mut b = json!({"revision": task["revision"], "title": "好任务", "status": "done", "due_on": format!("{year}-06-30")});
        b[field] = json!(value);
        b
    };
    let too_far = format!("{}-01-01", year + 3);
    for (method, path, body, field) in [
        ("POST", format!("/api/v1/clusters/{district}/work-plans"), with_task("0000-01-01"), "due_on"),
        ("POST", format!("/api/v1/clusters/{district}/work-plans"), with_task("9999-12-31"), "due_on"),
        ("POST", format!("/api/v1/work-plans/{}/tasks", plan["id"]), json!({"title": "t", "due_on": "0000-01-01"}), "due_on"),
        ("POST", format!("/api/v1/work-plans/{}/tasks", plan["id"]), json!({"title": "t", "due_on": too_far}), "due_on"),
        ("PATCH", format!("/api/v1/tasks/{}", task["id"]), patch("due_on", "0000-01-01"), "due_on"),
        ("PATCH", format!("/api/v1/tasks/{}", task["id"]), patch("done_on", "0001-01-01"), "done_on"),
        (
            "POST",
            format!("/api/v1/clusters/{district}/meetings"),
            json!({"held_on": "0000-01-01", "title": "会", "minutes": "纪要"}),
            "held_on",
        ),
        (
            "POST",
            format!("/api/v1/clusters/{district}/meetings"),
            json!({"held_on": format!("{}-01-05", year - 1), "title": "会", "minutes": "纪要", "decisions": [{"text": "共建题库", "due_on": "0000-01-01"}]}),
            "decisions",
        ),
        (
            "POST",
            format!("/api/v1/clusters/{district}/council/members"),
            json!({"name": "张", "role": "member", "since": "0000-01-01"}),
            "since",
        ),
        (
            "POST",
            "/api/v1/training-hours".to_string(),
            json!({"teacher_id": teacher, "category": "training", "title": "国培", "on_date": "1000-01-01", "hours": "12"}),
            "on_date",
        ),
        (
            "POST",
            "/api/v1/activities".to_string(),
            json!({"kind": "joint_research", "title": "x", "cluster_id": district, "host_school_id": member, "starts_at": "0000-01-01T09:00:00", "ends_at": "0000-01-01T10:00:00"}),
            "starts_at",
        ),
    ] {
        let (status, answer) = admin.call(method, &path, Some(body)).await;
        assert_error(&path, status, &answer, StatusCode::BAD_REQUEST, "invalid");
        let fields: Vec<&str> = answer["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{path} {field}: {answer}");
    }
    // Nothing of it was saved.
    let (_, after) = admin.get(&format!("/api/v1/work-plans/{}", plan["id"])).await;
    assert_eq!(after["tasks"].as_array().unwrap().len(), 1, "{after}");
    assert_eq!(after["tasks"][0]["due_on"], format!("{year}-06-30"));
    assert_eq!(admin.items(&format!("/api/v1/clusters/{district}/work-plans?year={}", year + 1)).await.1, json!([]));
    alive(&server).await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn running_dates_lie_near_their_year_on_every_backend() {
    for backend in Backend::all() {
        running_dates(backend).await;
    }
}
