//! Every protected route as every role and as a user of another county, through HTTP, on SQLite
//! and (with `DATABASE_URL_PG`) PostgreSQL.

use reqwest::{Client, Method, StatusCode};
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

#[tokio::test(flavor = "multi_thread")]
async fn each_role_gets_what_the_policy_allows() {
    for backend in Backend::all() {
        each_role_on(backend).await;
    }
}

async fn each_role_on(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let client = Client::new();
    let admin = server.token("admin", "xuequ-demo").await.unwrap();
    let get_json = |path: String, token: String| {
        let client = client.clone();
        let url = server.url(&path);
        async move { client.get(url).bearer_auth(token).send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    // Ids the table refers to: the principal's own school, a school outside the district, a teacher of each.
    let own = get_json(format!("/api/v1/schools?q={}", "东坪镇中心小学"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let far = get_json(format!("/api/v1/schools?q={}", "青石乡初级中学"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let own_teacher =
        get_json(format!("/api/v1/teachers?school_id={own}&per_page=1"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let far_teacher =
        get_json(format!("/api/v1/teachers?school_id={far}&per_page=1"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let users = ["admin", "inspector", "head", "principal", "teacher", "other-admin"];
    let mut tokens = Vec::new();
    for u in users {
        tokens.push(server.token(u, "xuequ-demo").await.unwrap());
    }
    use StatusCode as S;
    let find = |kind: &str, q: &str| get_json(format!("/api/v1/{kind}?q={}", urlencoding(q)), admin.clone());
    let district = find("clusters", "城关第二学区").await["items"][0].clone();
    let loose = find("clusters", "云岭一中教育集团").await["items"][0]["id"].as_i64().unwrap();
    let free = find("schools", "白水乡初级中学").await["items"][0].clone();
    let free_id = free["id"].as_i64().unwrap();
    let own_code = get_json(format!("/api/v1/schools/{own}"), admin.clone()).await["code"].as_str().unwrap().to_string();
    let own_facility =
        get_json(format!("/api/v1/facilities?school_id={own}&per_page=1"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let district_id = district["id"].as_i64().unwrap();
    // The demo's evaluation rounds: last year's closed, this year's open (the inspector
    // evaluates every cluster).
    let rounds = get_json("/api/v1/evaluation/rounds".into(), admin.clone()).await;
    let round = |status: &str| rounds["items"].as_array().unwrap().iter().find(|r| r["status"] == status).unwrap().clone();
    let (closed_round, open_round) = (round("closed"), round("open"));
    let (closed_id, last_year) = (closed_round["id"].as_i64().unwrap(), closed_round["year"].as_i64().unwrap());
    let (open_id, round_year) = (open_round["id"].as_i64().unwrap(), open_round["year"].as_i64().unwrap());
    // The district's evidence in the closed round (the demo's minutes).
    let evidence = get_json(format!("/api/v1/evaluation/rounds/{closed_id}/clusters/{district_id}/evidence"), admin.clone()).await;
    let evidence_id = evidence["items"][0]["id"].as_i64().expect("the demo's evidence");
    // The record of `path` as the admin sees it, sent back unchanged by PUT: only the permission decides.
    let unchanged = |path: String, fields: &'static [&'static str]| {
        let get = get_json(path, admin.clone());
        async move {
            let current = get.await;
            serde_json::Value::Object(fields.iter().map(|f| (f.to_string(), current[*f].clone())).collect())
        }
    };
    let school_body =
        unchanged(format!("/api/v1/schools/{own}"), &["code", "name", "school_type", "locality", "latitude", "longitude"]).await;
    let far_body = unchanged(format!("/api/v1/schools/{far}"), &["code", "name", "school_type", "locality", "latitude", "longitude"]).await;
    let mut teacher_body = unchanged(
        format!("/api/v1/teachers/{own_teacher}"),
        &["staff_no", "name", "gender", "subject", "degree", "title", "backbone", "joined_school_on"],
    )
    .await;
    teacher_body["school_code"] = own_code.clone().into();
    let mut facility_body =
        unchanged(format!("/api/v1/facilities/{own_facility}"), &["name", "kind", "capacity", "open_hours", "shareable"]).await;
    facility_body["school_code"] = own_code.clone().into();
    let cluster_body = serde_json::json!({
        "name": district["name"], "form": district["form"], "level": district["level"],
        "lead_school_code": get_json(format!("/api/v1/schools/{}", district["lead_school_id"]), admin.clone()).await["code"],
        "description": district["description"], "founded_on": district["founded_on"]
    });
    let mut restructured = cluster_body.clone();
    restructured["form"] = "alliance".into();
    restructured["lead_school_code"] = free["code"].clone();
    // Pages are signed in with the form, as a browser would.
    let mut cookies = Vec::new();
    let no_redirect = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for u in users {
        let r = no_redirect.post(server.url("/login")).form(&[("username", u), ("password", "xuequ-demo")]).send().await.unwrap();
        cookies.push(r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string());
    }
    const OK: u16 = 200;
    const NEW: u16 = 201;
    const GONE: u16 = 204;
    const BAD: u16 = 422;
    const NO: u16 = 403;
    const NF: u16 = 404;
    type Build<'a> = Box<dyn Fn(usize) -> reqwest::RequestBuilder + 'a>;
    let api = |method: Method, path: String, body: Option<serde_json::Value>| -> Build<'_> {
        let client = client.clone();
        let tokens = tokens.clone();
        let url = server.url(&path);
        Box::new(move |i| {
            let r = client.request(method.clone(), &url).bearer_auth(&tokens[i]);
            match &body {
                Some(b) => r.json(b),
                None => r,
            }
        })
    };
    let per_user = |method: Method, path: String, body: fn(usize, &str) -> serde_json::Value, code: String| -> Build<'_> {
        let client = client.clone();
        let tokens = tokens.clone();
        let url = server.url(&path);
        Box::new(move |i| client.request(method.clone(), &url).bearer_auth(&tokens[i]).json(&body(i, &code)))
    };
    let page = |path: String| -> Build<'_> {
        let url = server.url(&path);
        let cookies = cookies.clone();
        let client = no_redirect.clone();
        Box::new(move |i| client.get(&url).header("cookie", &cookies[i]))
    };
    let upload = |csv: String| -> Build<'_> {
        let client = client.clone();
        let tokens = tokens.clone();
        let url = server.url("/api/v1/import/facilities");
        Box::new(move |i| {
            let body = csv.replace("{i}", &i.to_string());
            let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(body.into_bytes()).file_name("f.csv"));
            client.post(&url).bearer_auth(&tokens[i]).multipart(form)
        })
    };
    let library_upload = |sharing: &'static str| -> Build<'_> {
        let client = client.clone();
        let tokens = tokens.clone();
        let url = server.url("/api/v1/resources");
        Box::new(move |i| {
            let form = reqwest::multipart::Form::new()
                .text("title", format!("上传测试{i}"))
                .text("subject", "chinese")
                .text("kind", "courseware")
                .text("sharing", sharing)
                .part("file", reqwest::multipart::Part::bytes("《背影》朱自清".as_bytes().to_vec()).file_name("a.txt"));
            client.post(&url).bearer_auth(&tokens[i]).multipart(form)
        })
    };
    let replace_file = |id: i64| -> Build<'_> {
        let client = client.clone();
        let tokens = tokens.clone();
        let url = server.url(&format!("/api/v1/resources/{id}/file"));
        Box::new(move |i| {
            let form = reqwest::multipart::Form::new()
                .text("revision", "0")
                .part("file", reqwest::multipart::Part::bytes("新版本".as_bytes().to_vec()).file_name("b.txt"));
            client.put(&url).bearer_auth(&tokens[i]).multipart(form)
        })
    };
    let retire_me = get_json(format!("/api/v1/schools?q={}", urlencoding("测试撤销学校")), admin.clone()).await;
    assert_eq!(retire_me["total"], 0);
    let r = client
        .post(server.url("/api/v1/schools"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"code": "RET1", "name": "测试撤销学校", "school_type": "primary", "locality": "rural"}))
        .send()
        .await
        .unwrap();
    let retire_id = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    // The library: a school-only and a cluster resource of the principal's school, two
    // school-only ones of a far school (one for the bureau to take down).
    let share = |token: String, sharing: &'static str, school: Option<i64>, title: &'static str| {
        let client = client.clone();
        let url = server.url("/api/v1/resources");
        async move {
            let mut form = reqwest::multipart::Form::new()
                .text("title", title)
                .text("subject", "math")
                .text("kind", "lesson_plan")
                .text("sharing", sharing)
                .part("file", reqwest::multipart::Part::bytes(format!("{title}：配方法与求根公式").into_bytes()).file_name("plan.txt"));
            if let Some(s) = school {
                form = form.text("school_id", s.to_string());
            }
            let r = client.post(url).bearer_auth(token).multipart(form).send().await.unwrap();
            assert_eq!(r.status(), S::CREATED, "{title}");
            r.json::<serde_json::Value>().await.unwrap()[0]["id"].as_i64().unwrap()
        }
    };
    let principal_token = server.token("principal", "xuequ-demo").await.unwrap();
    let r_school = share(principal_token.clone(), "school", None, "本校教案").await;
    let r_cluster = share(principal_token.clone(), "cluster", None, "学区教案").await;
    let r_far = share(admin.clone(), "school", Some(far), "外校教案").await;
    let r_down = share(admin.clone(), "school", Some(far), "待下架教案").await;
    // (what, request, expected status for admin, inspector, head, principal, teacher, other county)
    // Facility sharing: a lab of the district's lead school, open to the county at any hour, and
    // one booking of it by the principal's school.
    let lead = find("schools", "城关第二小学").await["items"][0]["id"].as_i64().unwrap();
    let lab = get_json(format!("/api/v1/facilities?school_id={lead}&per_page=1"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let always = serde_json::json!({"share_with": "county", "needs_approval": true, "min_notice_hours": 0, "horizon_days": 366, "max_minutes": 600,
        "opening": [["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"]],
        "capacity": null, "weekly_quota_hours": null, "blackouts": []});
    let r = client.put(server.url(&format!("/api/v1/facilities/{lab}/rules"))).bearer_auth(&admin).json(&always).send().await.unwrap();
    assert_eq!(r.status(), S::OK);
    let day = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let booked: serde_json::Value = client
        .post(server.url("/api/v1/bookings"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"facility_id": lab, "school_id": own, "start": format!("{day}T06:00:00"), "end": format!("{day}T07:00:00")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let booking = booked["bookings"][0]["id"].as_i64().unwrap();
    fn slot(i: usize, day: &str, lab: i64, school: i64) -> serde_json::Value {
        serde_json::json!({"facility_id": lab, "school_id": school, "start": format!("{day}T{:02}:00:00", 8 + i), "end": format!("{day}T{:02}:30:00", 8 + i)})
    }
    let (day_text, far_day) = (day.to_string(), (day + chrono::Duration::days(1)).to_string());
    // A move proposed by the bureau from the principal's school (in the head's district) to a
    // school outside it.
    let next_year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) + 1;
    let proposed: serde_json::Value = client
        .post(server.url("/api/v1/exchange/moves"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"teacher_id": own_teacher, "to_school_id": far, "form": "rotation", "starts_on": format!("{next_year}-09-01"), "ends_on": format!("{}-08-31", next_year + 1)}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mv = proposed["id"].as_i64().unwrap_or_else(|| panic!("{proposed}"));
    const CONFLICT: u16 = 409;
    // Running a cluster: an activity of the district going on now at its lead school, one next
    // week, one of another cluster; this year's demo budget of the district and a request on it.
    let post_admin = |path: &str, body: serde_json::Value| {
        let r = client.post(server.url(path)).bearer_auth(&admin).json(&body);
        async move { r.send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let local = |minutes: i64| {
        (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::minutes(minutes)).format("%Y-%m-%dT%H:%M:%S").to_string()
    };
    let activity = |cluster: i64, host: i64, from: i64| {
        serde_json::json!({"kind": "joint_research", "title": "权限测试教研", "cluster_id": cluster, "host_school_id": host,
            "starts_at": local(from), "ends_at": local(from + 120)})
    };
    let act_now = post_admin("/api/v1/activities", activity(district_id, lead, -10)).await["id"].as_i64().unwrap();
    let act_next = post_admin("/api/v1/activities", activity(district_id, lead, 7 * 24 * 60)).await["id"].as_i64().unwrap();
    let loose_school = get_json(format!("/api/v1/clusters/{loose}"), admin.clone()).await["members"][0]["school"]["id"].as_i64().unwrap();
    let act_far = post_admin("/api/v1/activities", activity(loose, loose_school, 60)).await["id"].as_i64().unwrap();
    let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let budget = get_json(format!("/api/v1/budgets?year={this_year}&cluster={district_id}"), admin.clone()).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let spend = serde_json::json!({"category": "office", "spent_on": format!("{this_year}-06-01"), "amount": "10", "payee": "城关印务", "purpose": "打印"});
    // Asked for by the principal (a member school's admin), and by the head: nobody decides
    // their own request.
    let post_as = |token: &String, path: String, body: serde_json::Value| {
        let r = client.post(server.url(&path)).bearer_auth(token).json(&body);
        async move { r.send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let spend_path = format!("/api/v1/budgets/{budget}/expenditures");
    let pending = post_as(&tokens[3], spend_path.clone(), spend.clone()).await["id"].as_i64().unwrap();
    let heads_own = post_as(&tokens[2], spend_path, spend.clone()).await["id"].as_i64().unwrap();
    let demo_teacher = get_json("/api/v1/users?per_page=50".into(), admin.clone()).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "teacher")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let own_staff = get_json(format!("/api/v1/teachers?school_id={own}&per_page=1"), admin.clone()).await["items"][0]["staff_no"].clone();
    let budget_body = serde_json::json!({"sources": [{"source": "county_per_cluster", "amount": "100"}], "lines": {"research": "100"}});
    fn plan(i: usize, _: &str) -> serde_json::Value {
        serde_json::json!({"year": 2040 + i, "title": "权限测试计划"})
    }
    let meeting = serde_json::json!({"held_on": "2026-01-05", "title": "理事会", "minutes": "纪要"});
    let schedule = serde_json::json!({"kind": "joint_research", "title": "本校教研", "cluster_id": district_id, "host_school_id": own,
        "starts_at": local(3 * 24 * 60), "ends_at": local(3 * 24 * 60 + 90)});
    let training =
        serde_json::json!({"teacher_id": own_teacher, "category": "training", "title": "国培", "on_date": "2026-03-01", "hours": "12"});
    fn exclusion(i: usize, teacher: &str) -> serde_json::Value {
        serde_json::json!({"teacher_id": teacher.parse::<i64>().unwrap(), "year": 2030 + i, "reason": "illness"})
    }
    let table: Vec<(&str, Build<'_>, [u16; 6])> = vec![
        (
            "book for own school",
            {
                let (client, tokens, url, day) = (client.clone(), tokens.clone(), server.url("/api/v1/bookings"), day_text.clone());
                Box::new(move |i| client.post(&url).bearer_auth(&tokens[i]).json(&slot(i, &day, lab, own)))
            },
            [NEW, NO, NEW, NEW, NEW, NF],
        ),
        (
            "book for a school outside the district",
            {
                let (client, tokens, url, day) = (client.clone(), tokens.clone(), server.url("/api/v1/bookings"), far_day.clone());
                Box::new(move |i| client.post(&url).bearer_auth(&tokens[i]).json(&slot(i, &day, lab, far)))
            },
            [NEW, NO, NO, NO, NO, NF],
        ),
        ("list bookings", api(Method::GET, "/api/v1/bookings".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("read a booking of own school", api(Method::GET, format!("/api/v1/bookings/{booking}"), None), [OK, OK, OK, OK, OK, NF]),
        (
            "decline without a reason (the lender only)",
            api(Method::PATCH, format!("/api/v1/bookings/{booking}"), Some(serde_json::json!({"decision": "decline"}))),
            [BAD, NO, BAD, NO, NO, NF],
        ),
        (
            "mark a no-show before it begins (the lender only)",
            api(Method::PATCH, format!("/api/v1/bookings/{booking}"), Some(serde_json::json!({"decision": "no_show"}))),
            [BAD, NO, BAD, NO, NO, NF],
        ),
        ("read a facility's sharing rules", api(Method::GET, format!("/api/v1/facilities/{lab}/rules"), None), [OK, OK, OK, OK, OK, NF]),
        (
            "set a facility's sharing rules",
            api(Method::PUT, format!("/api/v1/facilities/{lab}/rules"), Some(always.clone())),
            [OK, NO, OK, NO, NO, NF],
        ),
        ("notifications", api(Method::GET, "/api/v1/notifications".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("usage figures", api(Method::GET, "/api/v1/usage".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("usage of a cluster", api(Method::GET, format!("/api/v1/usage?cluster={district_id}"), None), [OK, OK, OK, OK, OK, NF]),
        ("read the calendar", api(Method::GET, "/api/v1/calendar?year=2026".into(), None), [OK, OK, OK, OK, OK, OK]),
        (
            "set the county's calendar",
            api(Method::PUT, "/api/v1/calendar?year=2030".into(), Some(serde_json::json!({"terms": [], "closures": []}))),
            [OK, NO, NO, NO, NO, OK],
        ),
        (
            "set own school's closed days",
            api(Method::PUT, format!("/api/v1/calendar?year=2030&school_id={own}"), Some(serde_json::json!({"terms": [], "closures": []}))),
            [OK, NO, NO, OK, NO, NF],
        ),
        ("read a bell schedule", api(Method::GET, format!("/api/v1/schools/{own}/bells"), None), [OK, OK, OK, OK, OK, NF]),
        (
            "set own school's bells",
            api(
                Method::PUT,
                format!("/api/v1/schools/{own}/bells?section=primary"),
                Some(serde_json::json!({"periods": [{"number": 1, "start": "08:00:00", "end": "08:40:00"}]})),
            ),
            [OK, NO, OK, OK, NO, NF],
        ),
        ("page: bookings", page("/bookings".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: a booking of own school", page(format!("/bookings/{booking}")), [OK, OK, OK, OK, OK, NF]),
        ("page: inbox", page("/bookings/inbox".into()), [OK, NO, OK, OK, NO, OK]),
        ("page: usage", page("/bookings/usage".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: usage workbook", page("/bookings/usage.xlsx".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: usage of a cluster", page(format!("/bookings/usage?cluster={district_id}")), [OK, OK, OK, OK, OK, NF]),
        ("page: a facility's week", page(format!("/facilities/{lab}/week")), [OK, OK, OK, OK, OK, NF]),
        ("exchange figures", api(Method::GET, "/api/v1/exchange".into(), None), [OK, OK, OK, OK, NO, OK]),
        (
            "exchange figures of a cluster",
            api(Method::GET, format!("/api/v1/exchange?cluster={district_id}"), None),
            [OK, OK, OK, OK, NO, NF],
        ),
        (
            "a rotation plan of a cluster",
            api(Method::POST, "/api/v1/exchange/plan".into(), Some(serde_json::json!({"cluster": district_id, "max_km": 10}))),
            [OK, NO, OK, NO, NO, NF],
        ),
        (
            "a rotation plan of the county",
            api(Method::POST, "/api/v1/exchange/plan".into(), Some(serde_json::json!({"max_km": 5}))),
            [OK, NO, NO, NO, NO, OK],
        ),
        ("page: exchange", page("/exchange".into()), [OK, OK, OK, OK, NO, OK]),
        ("exchange figures for the evaluation", api(Method::GET, "/api/v1/exchange/figures".into(), None), [OK, OK, OK, OK, NO, OK]),
        ("list moves", api(Method::GET, "/api/v1/exchange/moves".into(), None), [OK, OK, OK, OK, NO, OK]),
        ("a move of own school", api(Method::GET, format!("/api/v1/exchange/moves/{mv}"), None), [OK, OK, OK, OK, NO, NF]),
        ("my inbox of moves", api(Method::GET, "/api/v1/exchange/inbox".into(), None), [OK, OK, OK, OK, NO, OK]),
        (
            "agree to a move (only the two schools' admins)",
            api(Method::PATCH, format!("/api/v1/exchange/moves/{mv}"), Some(serde_json::json!({"decision": "approve"}))),
            [NO, NO, NO, OK, NO, NF],
        ),
        (
            "confirm a move (the bureau, once both schools agreed)",
            api(Method::PATCH, format!("/api/v1/exchange/moves/{mv}"), Some(serde_json::json!({"decision": "confirm"}))),
            [CONFLICT, NO, NO, NO, NO, NF],
        ),
        (
            "propose a move by hand",
            api(
                Method::POST,
                "/api/v1/exchange/moves".into(),
                Some(
                    serde_json::json!({"teacher_id": far_teacher, "to_school_id": own, "form": "support", "starts_on": format!("{next_year}-09-01"), "ends_on": format!("{}-03-31", next_year + 1)}),
                ),
            ),
            [OK, NO, NO, NO, NO, BAD],
        ),
        (
            "a teacher's exchange history",
            api(Method::GET, format!("/api/v1/exchange/teachers/{own_teacher}/history"), None),
            [OK, OK, OK, OK, NO, NF],
        ),
        (
            "leave a teacher of own school out of rotation",
            per_user(Method::POST, "/api/v1/exchange/exclusions".into(), exclusion, own_teacher.to_string()),
            [OK, NO, OK, OK, NO, NF],
        ),
        ("list exclusions", api(Method::GET, "/api/v1/exchange/exclusions".into(), None), [OK, OK, OK, OK, NO, OK]),
        (
            "pair a mentor and a mentee",
            api(
                Method::POST,
                "/api/v1/exchange/mentorships".into(),
                Some(
                    serde_json::json!({"mentor_id": own_teacher, "mentee_id": far_teacher, "starts_on": "2026-09-01", "ends_on": "2027-08-31"}),
                ),
            ),
            [OK, NO, OK, OK, NO, BAD],
        ),
        ("list mentorships", api(Method::GET, "/api/v1/exchange/mentorships".into(), None), [OK, OK, OK, OK, NO, OK]),
        ("the rural allowance", api(Method::GET, "/api/v1/exchange/subsidy?year=2025".into(), None), [OK, OK, OK, OK, NO, OK]),
        ("the exchange report", api(Method::GET, "/api/v1/exchange/report".into(), None), [OK, OK, OK, OK, NO, OK]),
        ("exchange settings", api(Method::GET, "/api/v1/exchange/settings".into(), None), [OK, OK, OK, OK, NO, OK]),
        (
            "change the exchange settings",
            api(Method::PUT, "/api/v1/exchange/settings".into(), Some(serde_json::json!({}))),
            [OK, NO, NO, NO, NO, OK],
        ),
        ("page: moves", page("/exchange/moves".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: a move of own school", page(format!("/exchange/moves/{mv}")), [OK, OK, OK, OK, NO, NF]),
        ("page: propose a move", page("/exchange/moves/new".into()), [OK, NO, OK, NO, NO, OK]),
        ("page: exclusions", page("/exchange/exclusions".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: mentorships", page("/exchange/mentorships".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: new mentorship", page("/exchange/mentorships/new".into()), [OK, NO, OK, OK, NO, OK]),
        ("page: rural allowance", page("/exchange/subsidy".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: rural allowance workbook", page("/exchange/subsidy.xlsx".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: exchange report", page("/exchange/report".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: exchange report workbook", page("/exchange/report.xlsx".into()), [OK, OK, OK, OK, NO, OK]),
        ("search the library", api(Method::GET, "/api/v1/resources?q=求根公式".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("a school-only resource of own school", api(Method::GET, format!("/api/v1/resources/{r_school}"), None), [OK, OK, NF, OK, OK, NF]),
        ("a cluster resource", api(Method::GET, format!("/api/v1/resources/{r_cluster}"), None), [OK, OK, OK, OK, OK, NF]),
        ("a far school's own resource", api(Method::GET, format!("/api/v1/resources/{r_far}"), None), [OK, OK, NF, NF, NF, NF]),
        ("download it", api(Method::GET, format!("/api/v1/resources/{r_far}/download"), None), [OK, OK, NF, NF, NF, NF]),
        ("preview it", api(Method::GET, format!("/api/v1/resources/{r_far}/preview"), None), [OK, OK, NF, NF, NF, NF]),
        ("its comments", api(Method::GET, format!("/api/v1/resources/{r_far}/comments"), None), [OK, OK, NF, NF, NF, NF]),
        (
            "rate it",
            api(Method::POST, format!("/api/v1/resources/{r_far}/ratings"), Some(serde_json::json!({"stars": 4}))),
            [OK, NO, NF, NF, NF, NF],
        ),
        (
            "comment on a cluster resource",
            api(Method::POST, format!("/api/v1/resources/{r_cluster}/comments"), Some(serde_json::json!({"body": "很实用"}))),
            [NEW, NO, NEW, NEW, NEW, NF],
        ),
        ("upload a resource", library_upload("county"), [NEW, NO, NO, NEW, NEW, NEW]),
        (
            "edit a far school's resource",
            api(
                Method::PATCH,
                format!("/api/v1/resources/{r_far}"),
                Some(serde_json::json!({"title": "x", "subject": "math", "kind": "test", "sharing": "school", "revision": 0})),
            ),
            [412, NO, NF, NF, NF, NF],
        ),
        (
            "take a resource down",
            api(
                Method::POST,
                format!("/api/v1/resources/{r_down}/take-down"),
                Some(serde_json::json!({"reason": "版权不明", "revision": 1})),
            ),
            [OK, NO, NF, NF, NF, NF],
        ),
        (
            "withdraw another's resource",
            api(Method::DELETE, format!("/api/v1/resources/{r_cluster}?revision=0"), None),
            [NO, NO, NO, 412, NO, NF],
        ),
        // Issue 23: the bureau takes down; it does not edit, replace or withdraw another's resource.
        (
            "edit another's resource",
            api(
                Method::PATCH,
                format!("/api/v1/resources/{r_cluster}"),
                Some(serde_json::json!({"title": "x", "subject": "math", "kind": "test", "sharing": "cluster", "revision": 0})),
            ),
            [NO, NO, NO, 412, NO, NF],
        ),
        ("a new version of another's resource", replace_file(r_cluster), [NO, NO, NO, 412, NO, NF]),
        ("my collections", api(Method::GET, "/api/v1/collections".into(), None), [OK, OK, OK, OK, OK, OK]),
        (
            "a cluster's curated collection",
            api(
                Method::POST,
                "/api/v1/collections".into(),
                Some(serde_json::json!({"name": "一元二次方程单元", "cluster_id": district_id})),
            ),
            [NEW, NO, NEW, NO, NO, NF],
        ),
        ("library figures", api(Method::GET, "/api/v1/library/figures".into(), None), [OK, OK, OK, OK, NO, OK]),
        ("page: library", page("/library?q=求根公式".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: a far school's own resource", page(format!("/library/{r_far}")), [OK, OK, NF, NF, NF, NF]),
        ("page: its file", page(format!("/library/{r_far}/download")), [OK, OK, NF, NF, NF, NF]),
        ("page: upload", page("/library/upload".into()), [OK, NO, NO, OK, OK, OK]),
        ("page: edit own school's resource", page(format!("/library/{r_school}/edit")), [NO, NO, NF, OK, NO, NF]),
        ("page: library figures", page("/library/figures".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: library figures workbook", page("/library/figures.xlsx".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: collections", page("/library/collections".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: exchange settings", page("/exchange/settings".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: a teacher's exchange history", page(format!("/exchange/teachers/{own_teacher}")), [OK, OK, OK, OK, NO, NF]),
        ("page: a facility's month", page(format!("/bookings/schedule?facility={lab}")), [OK, OK, OK, OK, OK, NF]),
        ("page: own school's schedule", page(format!("/bookings/schedule?school={own}&view=week")), [OK, OK, OK, OK, OK, NF]),
        ("page: a cluster's schedule", page(format!("/bookings/schedule?cluster={district_id}")), [OK, OK, OK, OK, OK, NF]),
        ("page: book a facility", page(format!("/bookings/new?facility={lab}")), [OK, NO, OK, OK, OK, NF]),
        ("page: messages", page("/notifications".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: a facility's sharing rules", page(format!("/facilities/{lab}/rules")), [OK, NO, OK, NO, NO, NF]),
        ("page: the county's calendar", page("/bookings/calendar".into()), [OK, NO, NO, OK, NO, OK]),
        ("page: a school's closed days", page(format!("/bookings/calendar?school={own}")), [OK, NO, NO, OK, NO, NF]),
        ("page: own school's bell schedule", page(format!("/schools/{own}/bells")), [OK, NO, OK, OK, NO, NF]),
        ("a feed of my bookings", api(Method::POST, "/api/v1/feeds".into(), Some(serde_json::json!({}))), [NEW, NEW, NEW, NEW, NEW, NEW]),
        (
            "a feed of a facility",
            api(Method::POST, "/api/v1/feeds".into(), Some(serde_json::json!({"facility_id": lab}))),
            [NEW, NEW, NEW, NEW, NEW, NF],
        ),
        ("list my feeds", api(Method::GET, "/api/v1/feeds".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("list schools", api(Method::GET, "/api/v1/schools".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("read own school", api(Method::GET, format!("/api/v1/schools/{own}"), None), [OK, OK, OK, OK, OK, NF]),
        (
            "create school",
            per_user(
                Method::POST,
                "/api/v1/schools".into(),
                |i, _| serde_json::json!({"code": format!("NEW{i}"), "name": format!("新学校{i}"), "school_type": "primary", "locality": "urban"}),
                String::new(),
            ),
            [NEW, NO, NO, NO, NO, NEW],
        ),
        ("update own school", api(Method::PUT, format!("/api/v1/schools/{own}"), Some(school_body.clone())), [OK, NO, NO, OK, NO, NF]),
        ("update another school", api(Method::PUT, format!("/api/v1/schools/{far}"), Some(far_body.clone())), [OK, NO, NO, NO, NO, NF]),
        ("retire school", api(Method::DELETE, format!("/api/v1/schools/{retire_id}"), None), [OK, NO, NO, NO, NO, NF]),
        ("read statistics", api(Method::GET, format!("/api/v1/schools/{own}/stats"), None), [OK, OK, OK, OK, OK, NF]),
        (
            "record statistics",
            api(
                Method::POST,
                "/api/v1/stats".into(),
                Some(
                    serde_json::json!({"school_code": own_code, "year": 2025, "students_primary": 600, "students_junior": 0, "classes_primary": 14, "classes_junior": 0, "teaching_area": 2300.0, "sports_area": 4000.0, "equipment_value": 1.2e6, "multimedia_rooms": 15, "books": 15000, "computers": 60}),
                ),
            ),
            [OK, NO, NO, OK, NO, BAD],
        ),
        ("list teachers", api(Method::GET, "/api/v1/teachers".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("read own teacher", api(Method::GET, format!("/api/v1/teachers/{own_teacher}"), None), [OK, OK, OK, OK, OK, NF]),
        ("read far teacher", api(Method::GET, format!("/api/v1/teachers/{far_teacher}"), None), [OK, OK, NO, NO, NO, NF]),
        (
            "create teacher",
            per_user(
                Method::POST,
                "/api/v1/teachers".into(),
                |i, code| serde_json::json!({"staff_no": format!("NT{i}"), "name": "新教师", "gender": "female", "school_code": code, "subject": "math", "degree": "bachelor", "title": "second", "backbone": "none", "joined_school_on": "2020-09-01"}),
                own_code.clone(),
            ),
            [NEW, NO, NO, NEW, NO, BAD],
        ),
        (
            "update own teacher",
            api(Method::PUT, format!("/api/v1/teachers/{own_teacher}"), Some(teacher_body.clone())),
            [OK, NO, NO, OK, NO, NF],
        ),
        ("retire far teacher", api(Method::DELETE, format!("/api/v1/teachers/{far_teacher}"), None), [OK, NO, NO, NO, NO, NF]),
        ("list facilities", api(Method::GET, "/api/v1/facilities".into(), None), [OK, OK, OK, OK, OK, OK]),
        (
            "create facility",
            per_user(
                Method::POST,
                "/api/v1/facilities".into(),
                |i, code| serde_json::json!({"school_code": code, "name": format!("新设施{i}"), "kind": "lab", "capacity": 40}),
                own_code.clone(),
            ),
            [NEW, NO, NEW, NEW, NO, BAD],
        ),
        (
            "update facility",
            api(Method::PUT, format!("/api/v1/facilities/{own_facility}"), Some(facility_body.clone())),
            [OK, NO, OK, OK, NO, NF],
        ),
        (
            "import facilities",
            upload(format!("学校代码,设施名称,设施类型,容纳人数\n{own_code},导入设施{{i}},实验室,40\n")),
            [OK, NO, OK, OK, NO, BAD],
        ),
        ("list clusters", api(Method::GET, "/api/v1/clusters".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("read cluster", api(Method::GET, format!("/api/v1/clusters/{district_id}"), None), [OK, OK, OK, OK, OK, NF]),
        (
            "update own cluster",
            api(Method::PUT, format!("/api/v1/clusters/{district_id}"), Some(cluster_body.clone())),
            [OK, NO, OK, NO, NO, NF],
        ),
        // Form, level, lead and founding date are the bureau's: the head may not change them (the
        // admin's request names a lead that is no member, so it is refused as invalid and the
        // district stays as it is for the rows below).
        (
            "change own cluster's form and lead",
            api(Method::PUT, format!("/api/v1/clusters/{district_id}"), Some(restructured.clone())),
            [BAD, NO, NO, NO, NO, NF],
        ),
        // (the district's lead is no member of the group: the admin's request is refused as invalid)
        (
            "update another cluster",
            api(Method::PUT, format!("/api/v1/clusters/{loose}"), Some(cluster_body.clone())),
            [BAD, NO, NO, NO, NO, NF],
        ),
        (
            "add member",
            api(Method::POST, format!("/api/v1/clusters/{loose}/members"), Some(serde_json::json!({"school_code": free["code"]}))),
            [GONE, NO, NO, NO, NO, NF],
        ),
        ("remove member", api(Method::DELETE, format!("/api/v1/clusters/{loose}/members/{free_id}"), None), [GONE, NO, NO, NO, NO, NF]),
        (
            "create cluster",
            api(
                Method::POST,
                "/api/v1/clusters".into(),
                Some(
                    serde_json::json!({"name": "白水联盟", "form": "alliance", "level": "county", "lead_school_code": free["code"], "founded_on": "2025-09-01"}),
                ),
            ),
            [NEW, NO, NO, NO, NO, BAD],
        ),
        ("list accounts", api(Method::GET, "/api/v1/users".into(), None), [OK, NO, NO, NO, NO, OK]),
        ("an account", api(Method::GET, format!("/api/v1/users/{demo_teacher}"), None), [OK, NO, NO, NO, NO, NF]),
        (
            "create account",
            per_user(
                Method::POST,
                "/api/v1/users".into(),
                |i, _| serde_json::json!({"username": format!("new-user-{i}"), "display_name": "新用户", "role": "inspector"}),
                String::new(),
            ),
            [NEW, NO, NO, NO, NO, NEW],
        ),
        ("read audit log", api(Method::GET, "/api/v1/audit".into(), None), [OK, OK, NO, NO, NO, OK]),
        ("export teachers", api(Method::GET, "/api/v1/export/teachers?format=csv".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("county assessment", api(Method::GET, "/api/v1/assessment".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("cluster assessment", api(Method::GET, format!("/api/v1/assessment?cluster={district_id}"), None), [OK, OK, OK, OK, OK, NF]),
        ("page: assessment", page(format!("/assessment?cluster={district_id}")), [OK, OK, OK, OK, OK, NF]),
        ("page: new school", page("/schools/new".into()), [OK, NO, NO, NO, NO, OK]),
        ("page: edit own school", page(format!("/schools/{own}/edit")), [OK, NO, NO, OK, NO, NF]),
        ("page: new teacher", page("/teachers/new".into()), [OK, NO, NO, OK, NO, OK]),
        ("page: far teacher", page(format!("/teachers/{far_teacher}")), [OK, OK, NO, NO, NO, NF]),
        ("page: new cluster", page("/clusters/new".into()), [OK, NO, NO, NO, NO, OK]),
        ("page: edit own cluster", page(format!("/clusters/{district_id}/edit")), [OK, NO, OK, NO, NO, NF]),
        ("page: accounts", page("/admin/users".into()), [OK, NO, NO, NO, NO, OK]),
        ("page: audit log", page("/admin/audit".into()), [OK, OK, NO, NO, NO, OK]),
        ("page: import", page("/import".into()), [OK, OK, OK, OK, OK, OK]),
        ("list activities", api(Method::GET, "/api/v1/activities".into(), None), [OK, OK, OK, OK, OK, OK]),
        ("an activity of own cluster", api(Method::GET, format!("/api/v1/activities/{act_now}"), None), [OK, OK, OK, OK, OK, NF]),
        ("an activity of another cluster", api(Method::GET, format!("/api/v1/activities/{act_far}"), None), [OK, OK, NF, NF, NF, NF]),
        ("its check-in code", api(Method::GET, format!("/api/v1/activities/{act_now}/code"), None), [OK, NO, OK, NO, NO, NF]),
        ("schedule an activity", api(Method::POST, "/api/v1/activities".into(), Some(schedule.clone())), [NEW, NO, NEW, NEW, NO, BAD]),
        (
            "sign up",
            api(Method::POST, format!("/api/v1/activities/{act_next}/signups"), Some(serde_json::json!({}))),
            [CONFLICT, CONFLICT, CONFLICT, CONFLICT, NEW, NF],
        ),
        (
            "check in with a wrong code",
            api(Method::POST, format!("/api/v1/activities/{act_now}/checkin"), Some(serde_json::json!({"code": "abc"}))),
            [CONFLICT, CONFLICT, CONFLICT, CONFLICT, BAD, NF],
        ),
        (
            "mark attendance by hand",
            api(
                Method::POST,
                format!("/api/v1/activities/{act_now}/attendance"),
                Some(serde_json::json!({"teacher_id": own_teacher, "present": true})),
            ),
            [GONE, NO, GONE, NO, NO, NF],
        ),
        (
            "write the record on an old revision",
            api(Method::PATCH, format!("/api/v1/activities/{act_now}"), Some(serde_json::json!({"revision": 0, "summary": "纪要"}))),
            [412, NO, 412, NO, NO, NF],
        ),
        (
            "a file of another cluster's activity",
            api(Method::GET, format!("/api/v1/activities/{act_far}/files/1"), None),
            [NF, NF, NF, NF, NF, NF],
        ),
        ("training hours of own school", api(Method::GET, format!("/api/v1/training-hours?school={own}"), None), [OK, OK, OK, OK, OK, OK]),
        (
            "a far teacher's hours",
            api(Method::GET, format!("/api/v1/training-hours?teacher={far_teacher}"), None),
            [OK, OK, NF, NF, NF, NF],
        ),
        (
            "enter training for own teacher",
            api(Method::POST, "/api/v1/training-hours".into(), Some(training.clone())),
            [NEW, NO, NO, NEW, NF, NF],
        ),
        (
            "the district's calendar",
            api(Method::GET, format!("/api/v1/cluster-calendar?cluster={district_id}"), None),
            [OK, OK, OK, OK, OK, NF],
        ),
        (
            "the district's work plans",
            api(Method::GET, format!("/api/v1/clusters/{district_id}/work-plans"), None),
            [OK, OK, OK, OK, OK, NF],
        ),
        (
            "write a work plan",
            per_user(Method::POST, format!("/api/v1/clusters/{district_id}/work-plans"), plan, String::new()),
            [NEW, NO, NEW, NO, NO, NF],
        ),
        ("the district's council", api(Method::GET, format!("/api/v1/clusters/{district_id}/council"), None), [OK, OK, OK, OK, OK, NF]),
        (
            "record minutes",
            api(Method::POST, format!("/api/v1/clusters/{district_id}/meetings"), Some(meeting.clone())),
            [NEW, NO, NEW, NO, NO, NF],
        ),
        ("budgets", api(Method::GET, "/api/v1/budgets".into(), None), [OK, OK, OK, OK, OK, OK]),
        (
            "set a budget",
            api(Method::PUT, format!("/api/v1/clusters/{district_id}/budgets/2041"), Some(budget_body.clone())),
            [OK, NO, NO, NO, NF, NF],
        ),
        (
            "ask to spend",
            api(Method::POST, format!("/api/v1/budgets/{budget}/expenditures"), Some(spend.clone())),
            [NEW, NO, NEW, NEW, NF, NF],
        ),
        (
            "decline spending without a reason",
            api(Method::PATCH, format!("/api/v1/expenditures/{pending}"), Some(serde_json::json!({"approve": false}))),
            [BAD, NO, BAD, NO, NF, NF],
        ),
        (
            "decide one's own request for spending (the bureau decides the head's)",
            api(Method::PATCH, format!("/api/v1/expenditures/{heads_own}"), Some(serde_json::json!({"approve": false}))),
            [BAD, NO, NO, NO, NF, NF],
        ),
        ("running settings", api(Method::GET, "/api/v1/running/settings".into(), None), [OK, OK, OK, OK, OK, OK]),
        (
            "save running settings",
            api(
                Method::PUT,
                "/api/v1/running/settings".into(),
                Some(serde_json::json!({"hours_total": "72", "hours_school_based": "24", "hours_training": "24", "bureau_limit": "5000"})),
            ),
            [OK, NO, NO, NO, NO, OK],
        ),
        ("running figures", api(Method::GET, "/api/v1/running/figures".into(), None), [OK, OK, OK, OK, OK, OK]),
        (
            "link an account to its teacher",
            api(Method::PUT, format!("/api/v1/users/{demo_teacher}/teacher"), Some(serde_json::json!({"staff_no": own_staff}))),
            [OK, NO, NO, OK, NO, NF],
        ),
        ("page: activities", page("/activities".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: an activity of own cluster", page(format!("/activities/{act_now}")), [OK, OK, OK, OK, OK, NF]),
        ("page: an activity of another cluster", page(format!("/activities/{act_far}")), [OK, OK, NF, NF, NF, NF]),
        ("page: the check-in screen", page(format!("/activities/{act_now}/screen")), [OK, NO, OK, NO, NO, NF]),
        ("page: edit an activity", page(format!("/activities/{act_now}/edit")), [OK, NO, OK, NO, NO, NF]),
        ("page: check in", page(format!("/activities/{act_now}/checkin")), [OK, OK, OK, OK, OK, NF]),
        ("page: schedule", page("/activities/new".into()), [OK, NO, OK, OK, OK, OK]),
        ("page: cluster calendar", page(format!("/activities/calendar?cluster={district_id}")), [OK, OK, OK, OK, OK, NF]),
        ("page: training hours", page("/hours".into()), [OK, OK, OK, OK, 303, OK]),
        ("page: training hours workbook", page("/hours.xlsx".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: a far teacher's hours", page(format!("/hours/teachers/{far_teacher}")), [OK, OK, NF, NF, NF, NF]),
        ("page: work plans", page("/running/plans".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: the district's council", page(format!("/running/council?cluster={district_id}")), [OK, OK, OK, OK, OK, NF]),
        ("page: budgets", page("/running/budgets".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: the district's budget", page(format!("/running/budgets/{budget}")), [OK, OK, OK, OK, NF, NF]),
        ("page: its ledger", page(format!("/running/budgets/{budget}/ledger.xlsx")), [OK, OK, OK, OK, NF, NF]),
        ("page: set a budget", page(format!("/running/budgets/set?cluster={district_id}&year=2042")), [OK, NO, NO, NO, NO, NF]),
        ("page: running settings", page("/running/settings".into()), [OK, NO, NO, NO, NO, OK]),
        ("page: running figures", page("/running/figures".into()), [OK, OK, OK, OK, OK, OK]),
        ("page: export", page("/export/teachers.csv".into()), [OK, OK, OK, OK, OK, OK]),
        ("evaluation rounds", api(Method::GET, "/api/v1/evaluation/rounds".into(), None), [OK, OK, OK, OK, NO, OK]),
        (
            "a closed round's ranking",
            api(Method::GET, format!("/api/v1/evaluation/rounds/{closed_id}/results"), None),
            [OK, OK, NO, NO, NO, NF],
        ),
        (
            "an open round's ranking",
            api(Method::GET, format!("/api/v1/evaluation/rounds/{open_id}/results"), None),
            [OK, OK, NO, NO, NO, NF],
        ),
        (
            "the district's closed evaluation",
            api(Method::GET, format!("/api/v1/clusters/{district_id}/evaluation?year={last_year}"), None),
            [OK, OK, OK, OK, NF, NF],
        ),
        (
            "the district's open evaluation",
            api(Method::GET, format!("/api/v1/clusters/{district_id}/evaluation?year={round_year}"), None),
            [OK, OK, NF, NF, NF, NF],
        ),
        (
            "a far cluster's evaluation",
            api(Method::GET, format!("/api/v1/clusters/{loose}/evaluation?year={last_year}"), None),
            [OK, OK, NF, NF, NF, NF],
        ),
        (
            "the district's evidence, closed",
            api(Method::GET, format!("/api/v1/evaluation/rounds/{closed_id}/clusters/{district_id}/evidence"), None),
            [OK, OK, OK, OK, NF, NF],
        ),
        (
            "the district's evidence, open",
            api(Method::GET, format!("/api/v1/evaluation/rounds/{open_id}/clusters/{district_id}/evidence"), None),
            [OK, OK, NF, NF, NF, NF],
        ),
        ("an evidence file", api(Method::GET, format!("/api/v1/evaluation/evidence/{evidence_id}"), None), [OK, OK, OK, OK, NF, NF]),
        ("page: an evidence file", page(format!("/evaluation/evidence/{evidence_id}")), [OK, OK, OK, OK, NF, NF]),
        (
            "page: remove evidence of a closed round",
            page(format!("/evaluation/evidence/{evidence_id}/remove")),
            [CONFLICT, CONFLICT, NO, NO, NF, NF],
        ),
        ("the county's figures", api(Method::GET, "/api/v1/figures".into(), None), [OK, OK, NO, NO, NO, OK]),
        ("the district's figures", api(Method::GET, format!("/api/v1/figures?cluster={district_id}"), None), [OK, OK, OK, NF, NF, NF]),
        ("a school's figures", api(Method::GET, format!("/api/v1/figures?school={own}"), None), [OK, OK, OK, OK, NF, NF]),
        ("a far school's figures", api(Method::GET, format!("/api/v1/figures?school={far}"), None), [OK, OK, NF, NF, NF, NF]),
        ("the indicator system", api(Method::GET, format!("/api/v1/evaluation/trees/{round_year}"), None), [OK, OK, NO, NO, NO, OK]),
        ("value-added", api(Method::GET, format!("/api/v1/value-added?year={last_year}"), None), [OK, OK, OK, OK, NO, OK]),
        ("the dashboard", api(Method::GET, "/api/v1/dashboard".into(), None), [OK, OK, OK, OK, NO, OK]),
        ("page: evaluation", page("/evaluation".into()), [OK, OK, OK, OK, NO, OK]),
        ("page: a closed round", page(format!("/evaluation/rounds/{closed_id}")), [OK, OK, NO, NO, NO, NF]),
        ("page: a round's workbook", page(format!("/evaluation/rounds/{closed_id}/export")), [OK, OK, NO, NO, NO, NF]),
        ("page: the district's report", page(format!("/clusters/{district_id}/evaluation?year={last_year}")), [OK, OK, OK, OK, NF, NF]),
        ("page: the indicator system", page(format!("/evaluation/trees/{round_year}")), [OK, OK, NO, NO, NO, OK]),
        ("page: value-added", page(format!("/value-added?year={last_year}")), [OK, OK, OK, OK, NO, OK]),
    ];
    let mut wrong = Vec::new();
    for (what, request, expected) in &table {
        for (i, user) in users.iter().enumerate() {
            let status = request(i).send().await.unwrap().status().as_u16();
            if status != expected[i] {
                wrong.push(format!("{what} as {user}: {status}, expected {}", expected[i]));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Lists are filtered by scope: a principal sees exactly the teachers of their own school.
    let own_count = get_json(format!("/api/v1/teachers?school_id={own}&per_page=1"), admin.clone()).await["total"].clone();
    assert_eq!(get_json("/api/v1/teachers?per_page=1".into(), tokens[3].clone()).await["total"], own_count);
    assert_eq!(
        get_json("/api/v1/teachers?per_page=1".into(), tokens[5].clone()).await["items"][0]["school_id"].as_i64().map(|s| s == own),
        Some(false)
    );
    // Without a token: 401 with a JSON error.
    let r = client.get(server.url("/api/v1/schools")).send().await.unwrap();
    assert_eq!(r.status(), S::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    // Unknown addresses: a JSON 404 under the API, a page elsewhere.
    let r = client.get(server.url("/api/v1/nothing-here")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_found");
    let r = client.get(server.url("/nothing-here")).send().await.unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("找不到"));
    let r = client.get(server.url("/api/v1/schools/abc")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);
    // A page without a session sends the browser to sign in, and back afterwards.
    let r = no_redirect.get(server.url("/teachers?subject=math")).send().await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=%2Fteachers%3Fsubject%3Dmath");
    // Pages ask the same policy: a teacher may not open the accounts page.
    let r = no_redirect.post(server.url("/login")).form(&[("username", "teacher"), ("password", "xuequ-demo")]).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let r = no_redirect.get(server.url("/admin/users")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    // A form posted without the session's CSRF token is refused.
    let r = no_redirect.post(server.url("/logout")).header("cookie", &cookie).form(&[("_csrf", "forged")]).send().await.unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    // A teacher cannot import; a principal cannot import rows of another school.
    let form = || {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes("学校代码,设施名称,设施类型,容纳人数\n3141000015,新实验室,实验室,40\n".as_bytes().to_vec())
                .file_name("f.csv"),
        )
    };
    let r = client.post(server.url("/api/v1/import/facilities")).bearer_auth(&tokens[4]).multipart(form()).send().await.unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    let r = client.post(server.url("/api/v1/import/facilities")).bearer_auth(&tokens[3]).multipart(form()).send().await.unwrap();
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["details"][0]["code"], "out_of_scope");
    // Disabling an account ends its sessions at once, even a busy (cached) one.
    let teacher_token = &tokens[4];
    let me = client.get(server.url("/api/v1/me")).bearer_auth(teacher_token).send().await.unwrap();
    assert_eq!(me.status(), S::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    let update = serde_json::json!({"display_name": "停用", "role": "teacher", "school_id": me["user"]["school_id"], "disabled": true});
    let r = client.put(server.url(&format!("/api/v1/users/{}", me["user"]["id"]))).bearer_auth(&admin).json(&update).send().await.unwrap();
    assert_eq!(r.status(), S::OK);
    let r = client.get(server.url("/api/v1/me")).bearer_auth(teacher_token).send().await.unwrap();
    assert_eq!(r.status(), S::UNAUTHORIZED);
    server.stop().await.unwrap();
}

fn urlencoding(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// A strong password for accounts the tests make (the demo's are created by the demo itself).
const STRONG: &str = "Lan-qiu-shi-2026!";

/// Ids the booking rows need: the principal's school, the district's lead school and a lab of it
/// open to the county at any hour (approval needed), and a colleague of the demo teacher.
async fn booking_setup(server: &TestServer) -> (i64, i64) {
    let admin = server.client("admin").await.unwrap();
    let find = |q: &str| {
        let admin = admin.clone();
        let q = urlencoding(q);
        async move { admin.get(&format!("/api/v1/schools?q={q}")).await.1["items"][0]["id"].as_i64().unwrap() }
    };
    let own = find("东坪镇中心小学").await;
    let lead = find("城关第二小学").await;
    let lab = admin.get(&format!("/api/v1/facilities?school_id={lead}&per_page=1")).await.1["items"][0]["id"].as_i64().unwrap();
    let always = serde_json::json!({"share_with": "county", "needs_approval": true, "min_notice_hours": 0, "horizon_days": 366, "max_minutes": 600,
        "opening": [["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"]],
        "capacity": null, "weekly_quota_hours": null, "blackouts": []});
    let (status, body) = admin.put(&format!("/api/v1/facilities/{lab}/rules"), always).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let colleague =
        serde_json::json!({"username": "colleague", "display_name": "同校教师", "password": STRONG, "role": "teacher", "school_id": own});
    let (status, body) = admin.post("/api/v1/users", colleague).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (own, lab)
}

/// The first day from three weeks ahead on which the lab is open three weeks running (no
/// holiday, no closed day), so the rows do not depend on today's date.
async fn open_day(api: &xuequ_testkit::Api, lab: i64, own: i64) -> chrono::NaiveDate {
    let start = (chrono::Utc::now() + chrono::Duration::days(20)).date_naive();
    for d in 0..60 {
        let day = start + chrono::Duration::days(d);
        let body = serde_json::json!({"facility_id": lab, "school_id": own, "start": format!("{day}T06:00:00"), "end": format!("{day}T06:30:00"),
            "repeat": {"every_weeks": 1, "until": day + chrono::Duration::weeks(2)}});
        let (status, checks) = api.post("/api/v1/bookings/check", body).await;
        if status == StatusCode::OK
            && checks.as_array().is_some_and(|c| c.len() == 3 && c.iter().all(|d| d["problems"].as_array().is_some_and(|p| p.is_empty())))
        {
            return day;
        }
    }
    panic!("no open day for the lab in two months");
}

/// Issue 23: a teacher cancelled a colleague's bookings (a series too) and the colleague was
/// not told. Only the requester, their school's admin and the lending side cancel; the
/// requester hears of it when someone else does.
#[tokio::test(flavor = "multi_thread")]
async fn only_the_requester_their_admin_and_the_lender_cancel_a_booking() {
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let (own, lab) = booking_setup(&server).await;
        let teacher = server.client("teacher").await.unwrap();
        let mut cancellers = Vec::new();
        for u in ["admin", "inspector", "head", "principal", "teacher", "other-admin"] {
            cancellers.push((u, server.client(u).await.unwrap()));
        }
        cancellers.push(("colleague", server.client_with("colleague", STRONG).await.unwrap()));
        // (admin, inspector, head of the lender's district, principal, the requester, another county, a colleague)
        let expected = [200, 403, 200, 200, 200, 404, 403];
        let day = open_day(&teacher, lab, own).await;
        let book = |hour: usize, repeat: Option<serde_json::Value>| {
            let teacher = teacher.clone();
            async move {
                let mut body = serde_json::json!({"facility_id": lab, "school_id": own, "start": format!("{day}T{:02}:00:00", 6 + hour), "end": format!("{day}T{:02}:30:00", 6 + hour), "purpose": "实验课"});
                if let Some(r) = repeat {
                    body["repeat"] = r;
                }
                let (status, booked) = teacher.post("/api/v1/bookings", body).await;
                assert_eq!(status, StatusCode::CREATED, "{booked}");
                booked["bookings"].as_array().unwrap().iter().map(|b| b["id"].as_i64().unwrap()).collect::<Vec<_>>()
            }
        };
        let cancelled_notices = |teacher: xuequ_testkit::Api| async move {
            let (_, n) = teacher.get("/api/v1/notifications").await;
            n["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["kind"] == "booking-cancelled")
                .map(|m| m["link"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let mut wrong = Vec::new();
        for (i, (who, api)) in cancellers.iter().enumerate() {
            let id = book(i, None).await[0];
            // The cancel button is offered exactly to those who may cancel.
            let (_, html) = api.page(&format!("/bookings/{id}")).await;
            if html.contains("id=\"cancel-link\"") != (expected[i] == 200) {
                wrong.push(format!("{who}: cancel offered on the page: {}", html.contains("id=\"cancel-link\"")));
            }
            let (status, body) =
                api.call("PATCH", &format!("/api/v1/bookings/{id}"), Some(serde_json::json!({"decision": "cancel"}))).await;
            if status.as_u16() != expected[i] {
                wrong.push(format!("cancel as {who}: {status}, expected {} {body}", expected[i]));
            }
            let (_, after) = teacher.get(&format!("/api/v1/bookings/{id}")).await;
            let cancelled = after["status"] == "cancelled";
            assert_eq!(cancelled, expected[i] == 200, "{who}: {after}");
            // Someone else cancelled: the requester is told, with a link to it.
            let told = cancelled_notices(teacher.clone()).await.contains(&format!("/bookings/{id}"));
            assert_eq!(told, cancelled && *who != "teacher", "{who} cancelled; told: {told}");
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // A whole series: the colleague may not cancel it, the principal may; the requester is told once.
        let series = book(8, Some(serde_json::json!({"every_weeks": 1, "until": day + chrono::Duration::weeks(2)}))).await;
        assert_eq!(series.len(), 3);
        let colleague = &cancellers[6].1;
        let cancel_series = serde_json::json!({"decision": "cancel", "series": true});
        let (status, body) = colleague.call("PATCH", &format!("/api/v1/bookings/{}", series[0]), Some(cancel_series.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
        for id in &series {
            assert_eq!(teacher.get(&format!("/api/v1/bookings/{id}")).await.1["status"], "pending");
        }
        let (status, body) = cancellers[3].1.call("PATCH", &format!("/api/v1/bookings/{}", series[0]), Some(cancel_series)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body.as_array().unwrap().len(), 3);
        let told = cancelled_notices(teacher.clone()).await.iter().filter(|l| **l == format!("/bookings/{}", series[0])).count();
        assert_eq!(told, 1, "one message for the series");
        server.stop().await.unwrap();
    }
}

/// Signs in through the login form as a browser would: the session cookie and the page's CSRF
/// token (read from a form of the library's upload page).
async fn browser_session(server: &TestServer, username: &str) -> (String, String) {
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.post(server.url("/login")).form(&[("username", username), ("password", "xuequ-demo")]).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let html = client.get(server.url("/library/upload")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let at = html.find("name=\"_csrf\" value=\"").expect("a form with the CSRF token") + "name=\"_csrf\" value=\"".len();
    let csrf = html[at..].split('"').next().unwrap().to_string();
    (cookie, csrf)
}

/// Issue 23: `POST /api/v1/resources` with only the page's session cookie made a resource (a
/// multipart form needs no preflight, so any site could). With the cookie, every API request
/// that changes something needs the session's CSRF token in `X-CSRF-Token`; bearer tokens are
/// unaffected; reading needs no token.
#[tokio::test(flavor = "multi_thread")]
async fn api_changes_with_the_page_cookie_need_the_csrf_token() {
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let (cookie, csrf) = browser_session(&server, "principal").await;
        // No kept-alive connections: a refused upload is answered before its body is read, and the
        // server then closes that connection; a pooled client could send the next request on it.
        let client = Client::builder().pool_max_idle_per_host(0).build().unwrap();
        let upload = || {
            reqwest::multipart::Form::new()
                .text("title", "跨站上传")
                .text("subject", "chinese")
                .text("kind", "courseware")
                .text("sharing", "school")
                .part("file", reqwest::multipart::Part::bytes("《背影》朱自清".as_bytes().to_vec()).file_name("a.txt"))
        };
        let with_cookie = |method: Method, path: &str| client.request(method, server.url(path)).header("cookie", &cookie);
        // A resource of the principal's to change and withdraw.
        let principal = server.client("principal").await.unwrap();
        let (status, made) = principal
            .multipart(
                "POST",
                "/api/v1/resources",
                &[("title", "本校教案"), ("subject", "math"), ("kind", "lesson_plan"), ("sharing", "school")],
                &[("a.txt", "一元二次方程".as_bytes())],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let id = made[0]["id"].as_i64().unwrap();
        let edit = serde_json::json!({"title": "改过的教案", "subject": "math", "kind": "lesson_plan", "sharing": "school", "revision": made[0]["revision"]});
        let collection = serde_json::json!({"name": "跨站收藏"});
        // The cookie alone: refused, with a clear error, and nothing changes.
        let refused = [
            ("upload (multipart)", with_cookie(Method::POST, "/api/v1/resources").multipart(upload())),
            ("make a collection", with_cookie(Method::POST, "/api/v1/collections").json(&collection)),
            ("edit a resource", with_cookie(Method::PATCH, &format!("/api/v1/resources/{id}")).json(&edit)),
            ("withdraw it", with_cookie(Method::DELETE, &format!("/api/v1/resources/{id}?revision=0"))),
            ("a calendar feed", with_cookie(Method::POST, "/api/v1/feeds").json(&serde_json::json!({}))),
            ("a wrong token", with_cookie(Method::POST, "/api/v1/collections").header("x-csrf-token", "forged").json(&collection)),
        ];
        for (what, request) in refused {
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{what}");
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["error"]["code"], "csrf_required", "{what}: {body}");
            assert!(body["error"]["message"].as_str().unwrap().contains("X-CSRF-Token"), "{what}: {body}");
        }
        let (_, collections) = principal.items("/api/v1/collections").await;
        assert!(!collections.to_string().contains("跨站收藏"), "{collections}");
        let (_, still) = principal.get(&format!("/api/v1/resources/{id}")).await;
        assert_eq!((still["title"].as_str(), still["status"].as_str()), (Some("本校教案"), Some("active")), "{still}");
        // Reading with the cookie needs no token.
        assert_eq!(with_cookie(Method::GET, "/api/v1/collections").send().await.unwrap().status(), StatusCode::OK);
        // With the session's token: accepted.
        let accepted = [
            ("upload (multipart)", with_cookie(Method::POST, "/api/v1/resources").header("x-csrf-token", &csrf).multipart(upload()), 201),
            ("make a collection", with_cookie(Method::POST, "/api/v1/collections").header("x-csrf-token", &csrf).json(&collection), 201),
            (
                "edit a resource",
                with_cookie(Method::PATCH, &format!("/api/v1/resources/{id}")).header("x-csrf-token", &csrf).json(&edit),
                200,
            ),
        ];
        for (what, request, expected) in accepted {
            let r = request.send().await.unwrap();
            assert_eq!(r.status().as_u16(), expected, "{what}: {}", r.text().await.unwrap());
        }
        // A bearer token needs none.
        let (status, body) = principal.post("/api/v1/collections", serde_json::json!({"name": "令牌收藏"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // Signing out through the API with the cookie needs it too.
        assert_eq!(with_cookie(Method::DELETE, "/api/v1/session").send().await.unwrap().status(), StatusCode::FORBIDDEN);
        server.stop().await.unwrap();
    }
}

/// Issue 23: a resource's page offers only what the reader may do. Inspectors read only (no
/// stars, no comments, and the API refuses them); a 学区's curated collection is offered to
/// those who keep it, not to its readers (a teacher's “加入 …（学区精选）” answered 404).
#[tokio::test(flavor = "multi_thread")]
async fn a_resource_page_offers_only_what_one_may_do() {
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let admin = server.client("admin").await.unwrap();
        let (_, district) = admin.get(&format!("/api/v1/clusters?q={}", urlencoding("城关第二学区"))).await;
        let district = district["items"][0]["id"].as_i64().unwrap();
        let [principal, teacher, head, inspector] = ["principal", "teacher", "head", "inspector"].map(|u| server.client(u));
        let (principal, teacher, head, inspector) =
            (principal.await.unwrap(), teacher.await.unwrap(), head.await.unwrap(), inspector.await.unwrap());
        let fields = [("title", "学区教案"), ("subject", "math"), ("kind", "lesson_plan"), ("sharing", "cluster")];
        let (status, made) = principal.multipart("POST", "/api/v1/resources", &fields, &[("a.txt", "一元二次方程".as_bytes())]).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let id = made[0]["id"].as_i64().unwrap();
        let (status, curated) = head.post("/api/v1/collections", serde_json::json!({"name": "方程精选单元", "cluster_id": district})).await;
        assert_eq!(status, StatusCode::CREATED, "{curated}");
        let curated = curated["id"].as_i64().unwrap();
        let page = format!("/library/{id}");
        // The inspector reads the page but is offered neither stars nor a comment box.
        let (status, html) = inspector.page(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("id=\"rate\"") && !html.contains("id=\"comment\""), "the inspector is offered to rate or comment");
        let (status, html) = teacher.page(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("id=\"rate\"") && html.contains("id=\"comment\""), "a teacher rates and comments");
        for (path, body) in [("ratings", serde_json::json!({"stars": 5})), ("comments", serde_json::json!({"body": "督导意见"}))] {
            let (status, answer) = inspector.post(&format!("/api/v1/resources/{id}/{path}"), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
        }
        assert_eq!(inspector.form(&format!("/library/{id}/rate"), &[("stars", "4".into())]).await, StatusCode::FORBIDDEN);
        assert_eq!(inspector.form(&format!("/library/{id}/comment"), &[("body", "督导意见".into())]).await, StatusCode::FORBIDDEN);
        let (_, comments) = teacher.items(&format!("/api/v1/resources/{id}/comments")).await;
        assert!(!comments.to_string().contains("督导意见"), "{comments}");
        // The curated collection: offered to its head, who puts the resource in; not to a
        // teacher of the district, who may only read it (and is still refused if they post).
        let (_, html) = teacher.page(&page).await;
        assert!(!html.contains("方程精选单元"), "a teacher is offered the district's curated collection");
        assert!(html.contains("id=\"favourite\""), "a teacher keeps their own favourites");
        let (_, html) = head.page(&page).await;
        assert!(html.contains("方程精选单元（学区精选）"), "the head is offered their curated collection");
        let put = [("collection", curated.to_string()), ("inside", "1".to_string())];
        assert_eq!(head.form(&format!("/library/{id}/collect"), &put).await, StatusCode::OK);
        let (_, inside) = teacher.get(&format!("/api/v1/collections/{curated}")).await;
        assert!(inside.to_string().contains("学区教案"), "{inside}");
        let take_out = [("collection", curated.to_string()), ("inside", "0".to_string())];
        assert_eq!(teacher.form(&format!("/library/{id}/collect"), &take_out).await, StatusCode::NOT_FOUND);
        server.stop().await.unwrap();
    }
}

/// The unread messages of `kind` about `link` in a person's notification centre, and the read ones.
async fn messages(api: &xuequ_testkit::Api, kind: &str, link: &str) -> (usize, usize) {
    let (_, n) = api.get("/api/v1/notifications").await;
    let of: Vec<&serde_json::Value> = n["items"].as_array().unwrap().iter().filter(|m| m["kind"] == kind && m["link"] == link).collect();
    (of.iter().filter(|m| m["read"] == false).count(), of.iter().filter(|m| m["read"] == true).count())
}

/// Issue 23: "待你审批" stayed in the other deciders' bells after one of them had decided.
/// Once a request (a booking, a series, a move) is decided, the messages asking others to
/// decide it are done for everyone.
#[tokio::test(flavor = "multi_thread")]
async fn messages_asking_for_a_decision_are_done_once_it_is_decided() {
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let (own, lab) = booking_setup(&server).await;
        let admin = server.client("admin").await.unwrap();
        let lead_school = admin.get(&format!("/api/v1/facilities/{lab}")).await.1["school_id"].as_i64().unwrap();
        let body = serde_json::json!({"username": "lead.admin", "display_name": "城关二小校长", "password": STRONG, "role": "school_admin", "school_id": lead_school});
        assert_eq!(admin.post("/api/v1/users", body).await.0, StatusCode::CREATED);
        let lead_admin = server.client_with("lead.admin", STRONG).await.unwrap();
        let head = server.client("head").await.unwrap();
        let teacher = server.client("teacher").await.unwrap();
        let day = open_day(&teacher, lab, own).await;
        let book = |hour: u32, repeat: Option<serde_json::Value>| {
            let teacher = teacher.clone();
            async move {
                let mut body = serde_json::json!({"facility_id": lab, "school_id": own, "start": format!("{day}T{hour:02}:00:00"), "end": format!("{day}T{hour:02}:45:00")});
                if let Some(r) = repeat {
                    body["repeat"] = r;
                }
                let (status, booked) = teacher.post("/api/v1/bookings", body).await;
                assert_eq!(status, StatusCode::CREATED, "{booked}");
                booked["bookings"].as_array().unwrap().iter().map(|b| b["id"].as_i64().unwrap()).collect::<Vec<i64>>()
            }
        };
        // One request: both deciders are asked; the lender's admin approves; the head's message is done.
        let one = book(7, None).await[0];
        let link = format!("/bookings/{one}");
        assert_eq!(messages(&head, "booking-requested", &link).await, (1, 0), "the head is asked");
        assert_eq!(messages(&lead_admin, "booking-requested", &link).await, (1, 0), "the lender's admin is asked");
        let (status, body) = lead_admin
            .call("PATCH", &link.replace("/bookings", "/api/v1/bookings"), Some(serde_json::json!({"decision": "approve"})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(messages(&head, "booking-requested", &link).await, (0, 1), "done for the head too");
        assert_eq!(messages(&lead_admin, "booking-requested", &link).await, (0, 1));
        // A request the teacher withdraws waits for nobody either.
        let two = book(9, None).await[0];
        let link = format!("/bookings/{two}");
        assert_eq!(
            teacher.call("PATCH", &format!("/api/v1/bookings/{two}"), Some(serde_json::json!({"decision": "cancel"}))).await.0,
            StatusCode::OK
        );
        assert_eq!(messages(&head, "booking-requested", &link).await, (0, 1), "a withdrawn request is done");
        // A series: deciding one date leaves the request open; deciding the rest closes it.
        let series = book(11, Some(serde_json::json!({"every_weeks": 1, "until": day + chrono::Duration::weeks(2)}))).await;
        let link = format!("/bookings/{}", series[0]);
        let decide = |series: bool| serde_json::json!({"decision": "decline", "reason": "场地检修", "series": series});
        assert_eq!(head.call("PATCH", &format!("/api/v1/bookings/{}", series[0]), Some(decide(false))).await.0, StatusCode::OK);
        assert_eq!(messages(&lead_admin, "booking-requested", &link).await, (1, 0), "two dates still wait");
        assert_eq!(head.call("PATCH", &format!("/api/v1/bookings/{}", series[1]), Some(decide(true))).await.0, StatusCode::OK);
        assert_eq!(messages(&lead_admin, "booking-requested", &link).await, (0, 1), "nothing of the series waits");
        // A move: the receiving school is asked once the sending one agreed; the bureau once both
        // did; each message is done when its step is taken.
        let far = admin.get(&format!("/api/v1/schools?q={}", urlencoding("青石乡初级中学"))).await.1["items"][0]["id"].as_i64().unwrap();
        let body = serde_json::json!({"username": "far.admin", "display_name": "青石乡初中校长", "password": STRONG, "role": "school_admin", "school_id": far});
        assert_eq!(admin.post("/api/v1/users", body).await.0, StatusCode::CREATED);
        let far_admin = server.client_with("far.admin", STRONG).await.unwrap();
        let principal = server.client("principal").await.unwrap();
        let t = admin.get(&format!("/api/v1/teachers?school_id={own}&per_page=1")).await.1["items"][0]["id"].as_i64().unwrap();
        let next_year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) + 1;
        let proposal = serde_json::json!({"teacher_id": t, "to_school_id": far, "form": "rotation", "starts_on": format!("{next_year}-09-01"), "ends_on": format!("{}-08-31", next_year + 1)});
        let (status, mv) = admin.post("/api/v1/exchange/moves", proposal).await;
        assert_eq!(status, StatusCode::OK, "{mv}");
        let id = mv["id"].as_i64().unwrap();
        let link = format!("/exchange/moves/{id}");
        let approve = serde_json::json!({"decision": "approve"});
        assert_eq!(messages(&far_admin, "exchange-proposed", "/exchange/moves").await, (1, 0), "the receiving school is asked");
        assert_eq!(principal.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(approve.clone())).await.0, StatusCode::OK);
        assert_eq!(messages(&far_admin, "exchange-agreed-by-one", &link).await, (1, 0));
        assert_eq!(far_admin.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(approve)).await.0, StatusCode::OK);
        assert_eq!(messages(&far_admin, "exchange-agreed-by-one", &link).await, (0, 1), "agreed: done");
        assert_eq!(messages(&far_admin, "exchange-proposed", "/exchange/moves").await, (0, 1), "nothing waits for that school");
        assert_eq!(messages(&admin, "exchange-agreed", &link).await, (1, 0), "the bureau is asked to confirm");
        let (status, body) =
            admin.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(serde_json::json!({"decision": "confirm"}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(messages(&admin, "exchange-agreed", &link).await, (0, 1), "confirmed: done");
        server.stop().await.unwrap();
    }
}

/// Issue 24: every page form checks the session's CSRF token in one place. A form of each
/// feature area posted with the page cookie but without the token, or with a wrong one, is
/// refused (403) and writes nothing; the same forms with the token go through.
#[tokio::test(flavor = "multi_thread")]
async fn page_forms_without_the_session_token_are_refused() {
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let (cookie, csrf) = browser_session(&server, "admin").await;
        let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let admin = server.client("admin").await.unwrap();
        let (_, teachers) = admin.get("/api/v1/teachers?per_page=1").await;
        let (teacher, staff_no) =
            (teachers["items"][0]["id"].as_i64().unwrap(), teachers["items"][0]["staff_no"].as_str().unwrap().to_string());
        let (_, clusters) = admin.get("/api/v1/clusters?per_page=1").await;
        let cluster = clusters["items"][0]["id"].as_i64().unwrap();
        let today = chrono::Local::now().date_naive().to_string();
        let fields = |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, v.to_string())).collect::<Vec<_>>();
        let forms: Vec<(String, Vec<(&str, String)>)> = vec![
            (format!("/teachers/{teacher}/retire"), fields(&[("confirmed", "yes"), ("on", &today)])),
            (format!("/clusters/{cluster}/dissolve"), fields(&[("confirmed", "yes"), ("on", &today)])),
            (
                "/account/password".into(),
                fields(&[("current_password", "xuequ-demo"), ("new_password", "Zq7!forged-pw"), ("confirm_password", "Zq7!forged-pw")]),
            ),
            ("/bookings/calendar".into(), fields(&[("year", "2031"), ("terms", "2031-09-01 2032-01-20"), ("closures", "")])),
            ("/exchange/exclusions".into(), fields(&[("year", "2031"), ("staff_no", &staff_no), ("reason", "illness")])),
            ("/library/collections".into(), fields(&[("name", "跨站收藏夹")])),
            (
                "/running/settings".into(),
                fields(&[("hours_total", "999"), ("hours_school_based", "1"), ("hours_training", "1"), ("bureau_limit", "1")]),
            ),
            ("/plans".into(), fields(&[("name", "跨站方案")])),
        ];
        let (_, calendar_before) = admin.get("/api/v1/calendar?year=2031").await;
        let (_, exclusions_before) = admin.items("/api/v1/exchange/exclusions?year=2031").await;
        let (_, plans_before) = admin.items("/api/v1/plans").await;
        for (path, body) in &forms {
            for token in [None, Some("forged"), Some("")] {
                let mut body = body.clone();
                if let Some(token) = token {
                    body.push(("_csrf", token.to_string()));
                }
                let r = client.post(server.url(path)).header("cookie", &cookie).form(&body).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path} with token {token:?}");
            }
        }
        // A multipart form (the spreadsheet import) is refused the same way.
        let import = reqwest::multipart::Form::new()
            .text("kind", "facilities")
            .text("_csrf", "forged")
            .part("file", reqwest::multipart::Part::bytes(b"name\n".to_vec()).file_name("a.csv"));
        let r = client.post(server.url("/import")).header("cookie", &cookie).multipart(import).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "import with a forged token");
        // Nothing was written.
        assert_eq!(admin.get(&format!("/api/v1/teachers/{teacher}")).await.1["status"], "active", "the teacher is not retired");
        assert_eq!(admin.get(&format!("/api/v1/clusters/{cluster}")).await.1["cluster"]["status"], "active", "the cluster stays");
        assert!(server.client_with("admin", "xuequ-demo").await.is_ok(), "the password is unchanged");
        assert_eq!(admin.get("/api/v1/calendar?year=2031").await.1, calendar_before, "the calendar is unchanged");
        assert_eq!(admin.items("/api/v1/exchange/exclusions?year=2031").await.1, exclusions_before, "no exclusion");
        assert!(!admin.items("/api/v1/collections").await.1.to_string().contains("跨站收藏夹"), "no collection");
        assert!(!admin.page("/running/settings").await.1.contains("value=\"999\""), "the settings are unchanged");
        assert_eq!(admin.items("/api/v1/plans").await.1, plans_before, "no plan started");
        // With the session's token the same forms go through, so the refusals were the token's.
        for path in ["/bookings/calendar", "/library/collections"] {
            let (_, body) = forms.iter().find(|(p, _)| p == path).unwrap();
            let mut body = body.clone();
            body.push(("_csrf", csrf.clone()));
            let r = client.post(server.url(path)).header("cookie", &cookie).form(&body).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path} with the token");
        }
        assert_ne!(admin.get("/api/v1/calendar?year=2031").await.1, calendar_before, "the calendar is saved with the token");
        server.stop().await.unwrap();
    }
}

/// A page form with a value that does not read comes back with the value as typed and the
/// problem named at its field; a list of check boxes (repeated keys) keeps every box ticked.
#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_form_value_comes_back_named_and_kept() {
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let (cookie, csrf) = browser_session(&server, "admin").await;
        let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let post =
            |path: &str, body: Vec<(&'static str, String)>| client.post(server.url(path)).header("cookie", &cookie).form(&body).send();
        let settings = vec![
            ("_csrf", csrf.clone()),
            ("hours_total", "七十二".to_string()),
            ("hours_school_based", "30".to_string()),
            ("hours_training", "20".to_string()),
            ("bureau_limit", "5000".to_string()),
        ];
        let r = post("/running/settings", settings).await.unwrap();
        assert_ne!(r.status(), StatusCode::SEE_OTHER, "not saved");
        let html = r.text().await.unwrap();
        assert!(html.contains("value=\"七十二\""), "the value as typed");
        assert!(html.contains("每年应完成学时："), "the problem at its field");
        // The activity form: a start that does not read, and two invited schools.
        let admin = server.client("admin").await.unwrap();
        let (_, schools) = admin.get("/api/v1/schools?per_page=2").await;
        let (a, b) = (schools["items"][0]["id"].as_i64().unwrap(), schools["items"][1]["id"].as_i64().unwrap());
        let activity = vec![
            ("_csrf", csrf.clone()),
            ("kind", "lesson_study".to_string()),
            ("title", "同课异构".to_string()),
            ("starts_at", "下周三".to_string()),
            ("ends_at", "2031-03-05T11:00".to_string()),
            ("invite", a.to_string()),
            ("invite", b.to_string()),
        ];
        let r = post("/activities/new", activity).await.unwrap();
        assert_ne!(r.status(), StatusCode::SEE_OTHER, "not saved");
        let html = r.text().await.unwrap();
        assert!(html.contains("下周三"), "the start as typed");
        for id in [a, b] {
            assert!(html.contains(&format!("name=\"invite\" value=\"{id}\" checked")), "school {id} still invited");
        }
        server.stop().await.unwrap();
    }
}
