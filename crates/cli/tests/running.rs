//! Running a cluster through HTTP on SQLite and PostgreSQL: an activity's life from scheduling
//! to record (sign-up, places, assignment, check-in with the code shown at the venue and its
//! window, replays, hand marks, files, reviews, cancellation), training hours worked out by
//! hand, work plans, the council, budgets with their limits and the approval race, iCal, the
//! figures for the evaluation, and the second county seeing none of it.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use xuequ_testkit::{Api, Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

fn local(minutes_from_now: i64) -> String {
    let t = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).naive_local() + Duration::minutes(minutes_from_now);
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn problem(body: &Value) -> String {
    body["error"]["details"][0]["code"].as_str().unwrap_or_default().to_string()
}

fn field(body: &Value) -> String {
    body["error"]["details"][0]["field"].as_str().unwrap_or_default().to_string()
}

/// Tenths of an hour from the API's `"52.5"`.
fn tenths(text: &Value) -> i64 {
    let t = text.as_str().expect("hours as text");
    let (whole, part) = t.split_once('.').unwrap_or((t, "0"));
    whole.parse::<i64>().unwrap() * 10 + part.parse::<i64>().unwrap()
}

/// A teacher account of `school`, linked to its first teacher not linked yet (`skip` others).
async fn teacher_account(admin: &Api, server: &TestServer, name: &str, school: i64, skip: usize) -> (Api, i64) {
    let (_, teachers) = admin.get(&format!("/api/v1/teachers?school_id={school}&per_page=50")).await;
    let staff = &teachers["items"].as_array().expect("teachers")[skip + 1];
    let body =
        json!({"username": name, "display_name": format!("{name}老师"), "password": "xuequ-demo", "role": "teacher", "school_id": school});
    let (status, user) = admin.post("/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let (status, linked) =
        admin.put(&format!("/api/v1/users/{}/teacher", user["user"]["id"]), json!({"staff_no": staff["staff_no"]})).await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    (server.client(name).await.unwrap(), staff["id"].as_i64().unwrap())
}

async fn hours_of(api: &Api, teacher: i64) -> Value {
    let year = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y").to_string();
    let (status, body) = api.items(&format!("/api/v1/training-hours?year={year}&teacher={teacher}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body[0].clone()
}

async fn running(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let head = server.client("head").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let other_county = server.client("other-admin").await.unwrap();

    // The head's 学区 and its schools; a school of no cluster of it.
    let (_, districts) = admin.get(&format!("/api/v1/clusters?q={}", urlencoding::encode("城关第二学区"))).await;
    let district = districts["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = admin.get(&format!("/api/v1/clusters/{district}")).await;
    let members: Vec<i64> = detail["members"].as_array().unwrap().iter().map(|m| m["school"]["id"].as_i64().unwrap()).collect();
    let lead = members[0];
    let (_, me) = principal.get("/api/v1/me").await;
    let principal_school = me["actor"]["school_id"].as_i64().unwrap();
    let member = *members.iter().find(|s| **s != lead && **s != principal_school).unwrap();
    let outsider_school =
        admin.get(&format!("/api/v1/schools?q={}", urlencoding::encode("青石乡初级中学"))).await.1["items"][0]["id"].as_i64().unwrap();
    assert!(!members.contains(&outsider_school));
    let (member_teacher, member_teacher_id) = teacher_account(&admin, &server, "run.member", member, 0).await;
    let (second_teacher, _) = teacher_account(&admin, &server, "run.second", member, 1).await;
    let (outsider, _) = teacher_account(&admin, &server, "run.outsider", outsider_school, 0).await;

    // A teacher record belongs to one account only.
    let (_, linked) = member_teacher.get("/api/v1/me").await;
    let (_, taken) = admin.get(&format!("/api/v1/teachers?school_id={member}&per_page=50")).await;
    let body = json!({"username": "run.dupe", "display_name": "重复", "password": "xuequ-demo", "role": "teacher", "school_id": member});
    let (_, dupe) = admin.post("/api/v1/users", body).await;
    let (status, refused) =
        admin.put(&format!("/api/v1/users/{}/teacher", dupe["user"]["id"]), json!({"staff_no": taken["items"][1]["staff_no"]})).await;
    assert_eq!((status, problem(&refused)), (StatusCode::CONFLICT, "teacher_linked".to_string()), "{linked} {refused}");
    // A principal links only their own school's accounts, to their own teachers.
    let (status, _) = principal.put(&format!("/api/v1/users/{}/teacher", dupe["user"]["id"]), json!({"staff_no": "T000001"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The head schedules a 同课异构 at the lead school, going on now, three places, 3 hours.
    let new = json!({
        "kind": "same_lesson", "title": "八年级数学“一次函数”同课异构", "cluster_id": district, "host_school_id": lead,
        "place": "录播教室", "starts_at": local(-10), "ends_at": local(110), "subject": "math", "grade": 8,
        "capacity": 3, "hours": "3",
    });
    let (status, activity) = head.post("/api/v1/activities", new.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{activity}");
    let id = activity["id"].as_i64().unwrap();
    assert_eq!(activity["hours"], "3");
    assert!(!activity["host_school_name"].as_str().unwrap().is_empty());
    // Bad input is named by field; nothing is saved.
    let mut bad = new.clone();
    bad["ends_at"] = json!(local(-20));
    bad["kind"] = json!("party");
    let (status, body) = head.post("/api/v1/activities", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"kind") && fields.contains(&"ends_at"), "{body}");
    let mut far = new.clone();
    far["hours"] = json!("9");
    assert_eq!(field(&head.post("/api/v1/activities", far).await.1), "hours");
    // Only the head's own cluster, and not by an inspector or a plain teacher.
    let inspector = server.client("inspector").await.unwrap();
    assert_eq!(inspector.post("/api/v1/activities", new.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(member_teacher.post("/api/v1/activities", new.clone()).await.0, StatusCode::FORBIDDEN);

    // Teachers of the cluster see it; the outsider and the other county do not.
    assert_eq!(member_teacher.get(&format!("/api/v1/activities/{id}")).await.0, StatusCode::OK);
    assert_eq!(outsider.get(&format!("/api/v1/activities/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other_county.get(&format!("/api/v1/activities/{id}")).await.0, StatusCode::NOT_FOUND);
    let (_, listed) = outsider.items("/api/v1/activities").await;
    assert!(!listed.as_array().unwrap().iter().any(|a| a["id"] == id), "not in the outsider's list");

    // Sign-up: once; the places run out; withdraw frees one (before it starts only).
    let hours_before = hours_of(&member_teacher, member_teacher_id).await;
    let (status, signed) = member_teacher.post(&format!("/api/v1/activities/{id}/signups"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "it has started: sign-up closed {signed}");
    assert_eq!(problem(&signed), "signup_closed");
    let mut later = new.clone();
    later["starts_at"] = json!(local(60 * 24));
    later["ends_at"] = json!(local(60 * 26));
    later["capacity"] = json!(2);
    let (_, future) = head.post("/api/v1/activities", later).await;
    let future_id = future["id"].as_i64().unwrap();
    assert_eq!(member_teacher.post(&format!("/api/v1/activities/{future_id}/signups"), json!({})).await.0, StatusCode::CREATED);
    let (status, again) = member_teacher.post(&format!("/api/v1/activities/{future_id}/signups"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(second_teacher.post(&format!("/api/v1/activities/{future_id}/signups"), json!({})).await.0, StatusCode::CREATED);
    let (status, full) = server.client("teacher").await.unwrap().post(&format!("/api/v1/activities/{future_id}/signups"), json!({})).await;
    assert_eq!((status, problem(&full)), (StatusCode::CONFLICT, "activity_full".to_string()));
    assert_eq!(member_teacher.delete(&format!("/api/v1/activities/{future_id}/signups")).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        server.client("teacher").await.unwrap().post(&format!("/api/v1/activities/{future_id}/signups"), json!({})).await.0,
        StatusCode::CREATED
    );

    // The check-in code: shown to those who manage it only.
    assert_eq!(member_teacher.get(&format!("/api/v1/activities/{id}/code")).await.0, StatusCode::FORBIDDEN);
    let (status, shown) = head.get(&format!("/api/v1/activities/{id}/code")).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    let code = shown["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);
    let (_, other_code) = head.get(&format!("/api/v1/activities/{future_id}/code")).await;
    // A wrong code, and another activity's code, are refused by field; the outsider cannot use it.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, body) = member_teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": wrong})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "code".to_string()));
    let (status, _) = member_teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": other_code["code"]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another activity's code");
    assert_eq!(outsider.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": code})).await.0, StatusCode::NOT_FOUND);
    // The member teacher walks in and checks in once; the same code from their account again is
    // refused with the time of the first; a colleague's account checks in only themself.
    let (status, came) = member_teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": format!(" {code} ")})).await;
    assert_eq!(status, StatusCode::OK, "{came}");
    assert_eq!(came["origin"], "walk_in");
    let (status, replay) = member_teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": code})).await;
    assert_eq!((status, problem(&replay)), (StatusCode::CONFLICT, "already_checked_in".to_string()));
    let (status, _) = second_teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": code})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = head.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(detail["present"], 2);
    // Once the window has closed the same code (and any) is refused.
    let moved = format!(
        "UPDATE activity SET starts_at = {}, ends_at = {} WHERE id = {id}",
        shift(&backend, "starts_at"),
        shift(&backend, "ends_at")
    );
    server.execute_sql(&moved).await.unwrap();
    let (third, _) = teacher_account(&admin, &server, "run.third", member, 2).await;
    let (status, closed) = third.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": code})).await;
    assert_eq!((status, problem(&closed)), (StatusCode::CONFLICT, "checkin_closed".to_string()), "{closed}");

    // The organiser marks a teacher by hand, and takes it back.
    let (_, roster) = admin.get(&format!("/api/v1/teachers?school_id={lead}&per_page=5")).await;
    let lead_teacher = roster["items"][0]["id"].as_i64().unwrap();
    let mark = |present: bool| json!({"teacher_id": lead_teacher, "present": present});
    assert_eq!(member_teacher.post(&format!("/api/v1/activities/{id}/attendance"), mark(true)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(head.post(&format!("/api/v1/activities/{id}/attendance"), mark(true)).await.0, StatusCode::NO_CONTENT);
    let (_, detail) = head.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(detail["present"], 3);
    assert!(detail["attendees"].as_array().unwrap().iter().any(|a| a["teacher_id"] == lead_teacher && a["checkin"] == "hand"));
    assert_eq!(head.post(&format!("/api/v1/activities/{id}/attendance"), mark(false)).await.0, StatusCode::NO_CONTENT);
    let (_, detail) = head.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(detail["present"], 2);
    // Teachers see counts but not the list; the principal of the member school sees their own.
    let (_, seen) = member_teacher.get(&format!("/api/v1/activities/{id}")).await;
    assert!(seen["attendees"].as_array().unwrap().is_empty());

    // The record: a summary, files checked like the library's, reviews by those who came.
    let revision = detail["revision"].as_i64().unwrap();
    let (status, recorded) = head
        .call("PATCH", &format!("/api/v1/activities/{id}"), Some(json!({"revision": revision, "summary": "两位教师同课异构，课后评课。"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    let (status, _) =
        head.call("PATCH", &format!("/api/v1/activities/{id}"), Some(json!({"revision": revision, "summary": "旧版本"}))).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "a stale revision changes nothing");
    let docx = xuequ_demo::files::docx("教学设计", &["一次函数的图像与性质"]);
    let (status, files) = head.multipart("POST", &format!("/api/v1/activities/{id}/files"), &[], &[("教学设计.docx", &docx)]).await;
    assert_eq!(status, StatusCode::CREATED, "{files}");
    let (status, refused) = head
        .multipart("POST", &format!("/api/v1/activities/{id}/files"), &[], &[("照片.jpg", b"MZ\x90\x00not a picture"), ("b.docx", &docx)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (_, detail) = head.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(detail["files"].as_array().unwrap().len(), 1, "the refused batch left nothing");
    let file_id = detail["files"][0]["id"].as_i64().unwrap();
    assert_eq!(member_teacher.bytes(&format!("/api/v1/activities/{id}/files/{file_id}")).await.2, docx);
    assert_eq!(outsider.bytes(&format!("/api/v1/activities/{id}/files/{file_id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        member_teacher.post(&format!("/api/v1/activities/{id}/reviews"), json!({"stars": 5, "comment": "很有收获"})).await.0,
        StatusCode::OK
    );
    assert_eq!(field(&member_teacher.post(&format!("/api/v1/activities/{id}/reviews"), json!({"stars": 6})).await.1), "stars");
    assert_eq!(
        third.post(&format!("/api/v1/activities/{id}/reviews"), json!({"stars": 4})).await.0,
        StatusCode::FORBIDDEN,
        "only those who came"
    );

    // Training hours by hand: 3 hours for the session, 12.5 entered by the school; the rest is
    // what the year needs (72, of which 24 school-based and 24 training).
    let after = hours_of(&member_teacher, member_teacher_id).await;
    assert_eq!(tenths(&after["school_based"]), tenths(&hours_before["school_based"]) + 30);
    assert_eq!(tenths(&after["total"]), tenths(&hours_before["total"]) + 30);
    let year = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d").to_string();
    let training = json!({"teacher_id": member_teacher_id, "category": "training", "title": "国培计划", "on_date": year, "hours": "12.5"});
    assert_eq!(principal.post("/api/v1/training-hours", training.clone()).await.0, StatusCode::NOT_FOUND, "not the principal's teacher");
    admin
        .post("/api/v1/users", json!({"username": "run.member.admin", "display_name": "成员校管理员", "password": "xuequ-demo", "role": "school_admin", "school_id": member}))
        .await;
    let member_admin = server.client("run.member.admin").await.unwrap();
    let (status, entered) = member_admin.post("/api/v1/training-hours", training.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{entered}");
    let mut bad_hours = training.clone();
    bad_hours["hours"] = json!("1.25");
    assert_eq!(field(&member_admin.post("/api/v1/training-hours", bad_hours).await.1), "hours");
    let done = hours_of(&member_teacher, member_teacher_id).await;
    let entries: i64 = done["entries"].as_array().unwrap().iter().map(|e| tenths(&e["hours"])).sum();
    assert_eq!(tenths(&done["total"]), entries, "the total is the sum of the entries");
    assert_eq!(tenths(&done["training"]), tenths(&after["training"]) + 125);
    let missing = (720 - tenths(&done["total"])).max(0);
    assert_eq!(tenths(&done["missing"]), missing);
    assert_eq!(tenths(&done["missing_school_based"]), (240 - tenths(&done["school_based"])).max(0));
    // A teacher reads only their own; the member school's admin their school.
    assert_eq!(second_teacher.items(&format!("/api/v1/training-hours?teacher={member_teacher_id}")).await.0, StatusCode::NOT_FOUND);
    let (_, school_list) = member_admin.items(&format!("/api/v1/training-hours?school={member}")).await;
    assert!(school_list.as_array().unwrap().iter().any(|h| h["teacher_id"] == member_teacher_id));
    assert_eq!(member_admin.items(&format!("/api/v1/training-hours?school={lead}")).await.0, StatusCode::NOT_FOUND);

    // The teacher's calendar feed holds their activities.
    let (_, feed) = member_teacher.post("/api/v1/feeds", json!({})).await;
    let path = feed["url"].as_str().unwrap().split_once("/ical/").map(|(_, t)| format!("/ical/{t}")).unwrap();
    let ics = String::from_utf8(server.anonymous().bytes(&path).await.2).unwrap();
    assert!(ics.contains(&format!("UID:activity-{id}@xuequ")), "{ics}");
    let parsed: icalendar::Calendar = ics.parse().expect("the feed parses as iCalendar");
    assert!(!parsed.components.is_empty());

    // Cancelling says why; the list shows it.
    let (_, f) = head.get(&format!("/api/v1/activities/{future_id}")).await;
    let (status, body) = head
        .call("PATCH", &format!("/api/v1/activities/{future_id}"), Some(json!({"revision": f["revision"], "status": "cancelled"})))
        .await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "reason".to_string()));
    let (status, cancelled) = head
        .call(
            "PATCH",
            &format!("/api/v1/activities/{future_id}"),
            Some(json!({"revision": f["revision"], "status": "cancelled", "reason": "与期中考试冲突"})),
        )
        .await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")));
    assert_eq!(problem(&second_teacher.post(&format!("/api/v1/activities/{future_id}/signups"), json!({})).await.1), "activity_cancelled");

    // A shared facility chosen on the form is booked through facility sharing; a second activity
    // at the same time there is refused with the booking it collides with.
    let (_, facilities) = admin.get(&format!("/api/v1/facilities?school_id={lead}&per_page=1")).await;
    let facility = facilities["items"][0]["id"].as_i64().unwrap();
    let always = json!({"share_with": "county", "needs_approval": false, "min_notice_hours": 0, "horizon_days": 366, "max_minutes": 600,
        "opening": [["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"], ["00:00:00", "23:59:00"]],
        "capacity": null, "weekly_quota_hours": null, "blackouts": []});
    assert_eq!(admin.put(&format!("/api/v1/facilities/{facility}/rules"), always).await.0, StatusCode::OK);
    let mut with_room = new.clone();
    with_room["facility_id"] = json!(facility);
    // A Tuesday afternoon a week or two ahead, when schools are open.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let tuesday = today + Duration::days(7 + (9 - chrono::Datelike::weekday(&today).number_from_monday() as i64) % 7);
    with_room["starts_at"] = json!(format!("{tuesday}T14:00:00"));
    with_room["ends_at"] = json!(format!("{tuesday}T15:30:00"));
    let (status, booked) = head.post("/api/v1/activities", with_room.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert!(booked["booking_id"].as_i64().is_some(), "{booked}");
    let (status, clash) = head.post("/api/v1/activities", with_room).await;
    assert_eq!((status, clash["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("booking_refused")), "{clash}");
    // Moved half an hour later (overlapping its own old slot): the earlier booking is cancelled,
    // a new one made; cancelling the activity frees the room.
    let first_booking = booked["booking_id"].as_i64().unwrap();
    let later =
        json!({"revision": booked["revision"], "starts_at": format!("{tuesday}T14:30:00"), "ends_at": format!("{tuesday}T16:00:00")});
    let (status, moved) = head.call("PATCH", &format!("/api/v1/activities/{}", booked["id"]), Some(later)).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let second_booking = moved["booking_id"].as_i64().unwrap();
    assert_ne!(second_booking, first_booking);
    assert_eq!(admin.get(&format!("/api/v1/bookings/{first_booking}")).await.1["status"], "cancelled");
    let cancel = json!({"revision": moved["revision"], "status": "cancelled", "reason": "改期"});
    assert_eq!(head.call("PATCH", &format!("/api/v1/activities/{}", booked["id"]), Some(cancel)).await.0, StatusCode::OK);
    assert_eq!(admin.get(&format!("/api/v1/bookings/{second_booking}")).await.1["status"], "cancelled");

    budgets_and_plans(&admin, &head, &principal, &member_admin, &member_teacher, &other_county, district, principal_school).await;

    // The calendar of the cluster holds the activity; the other county's holds none of it.
    // Around Beijing midnight the activity (begun half an hour ago) is on the day before: the
    // range covers the day either side.
    let beijing = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let day = beijing.format("%Y-%m-%d").to_string();
    let (from, to) = (beijing - Duration::days(1), beijing + Duration::days(1));
    let (status, events) = head.items(&format!("/api/v1/cluster-calendar?cluster={district}&from={from}&to={to}")).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    assert!(events.as_array().unwrap().iter().any(|e| e["kind"] == "activity" && e["id"] == id));
    assert_eq!(other_county.items(&format!("/api/v1/cluster-calendar?cluster={district}")).await.0, StatusCode::NOT_FOUND);

    // The figures for the evaluation count it.
    let (_, figures) = admin.items(&format!("/api/v1/running/figures?year={}", &day[..4])).await;
    let mine = figures.as_array().unwrap().iter().find(|f| f["cluster_id"] == district).expect("the district's figures").clone();
    assert!(mine["activities_held"].as_i64().unwrap() >= 1 && mine["budget_total"].as_i64().unwrap() > 0, "{mine}");
    let (_, none) = other_county.items(&format!("/api/v1/running/figures?year={}", &day[..4])).await;
    assert!(!none.as_array().unwrap().iter().any(|f| f["cluster_id"] == district));
    server.stop().await.unwrap();
}

/// `column - 3 hours` in the backend's SQL.
fn shift(backend: &Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', {column}, '-3 hours')"),
        Backend::Postgres(_) => format!("{column} - INTERVAL '3 hours'"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn budgets_and_plans(
    admin: &Api,
    head: &Api,
    principal: &Api,
    member_admin: &Api,
    teacher: &Api,
    other_county: &Api,
    district: i64,
    principal_school: i64,
) {
    let year: i32 = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y").to_string().parse().unwrap();
    let next = year + 1;
    // The bureau sets next year's budget: sources and categories must add up.
    let sources = json!([{"source": "county_per_cluster", "amount": "100,000"}, {"source": "other", "amount": "0.30"}]);
    let mut lines = json!({"research": "10000.00", "training": "90000.10", "office": "0.20"});
    let path = format!("/api/v1/clusters/{district}/budgets/{next}");
    assert_eq!(head.put(&path, json!({"sources": sources, "lines": lines})).await.0, StatusCode::FORBIDDEN);
    lines["office"] = json!("0.10");
    let (status, body) = admin.put(&path, json!({"sources": sources, "lines": lines})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "lines".to_string()), "they must add up: {body}");
    lines["office"] = json!("0.20");
    let (status, budget) = admin.put(&path, json!({"sources": sources, "lines": lines})).await;
    assert_eq!(status, StatusCode::OK, "{budget}");
    assert_eq!(budget["total"], "100000.30", "exact to the fen: 10000.00 + 90000.10 + 0.20");
    let id = budget["id"].as_i64().unwrap();
    let spend = |amount: &str, category: &str| json!({"category": category, "spent_on": format!("{next}-03-01"), "amount": amount, "payee": "县教师发展中心", "purpose": "专家讲课费"});
    // Teachers neither read nor ask; the other county sees nothing.
    assert!(teacher.items(&format!("/api/v1/budgets?year={next}")).await.1.as_array().unwrap().is_empty());
    assert_eq!(teacher.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("10", "research")).await.0, StatusCode::NOT_FOUND);
    assert!(other_county.items(&format!("/api/v1/budgets?year={next}")).await.1.as_array().unwrap().is_empty());
    assert_eq!(other_county.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("10", "research")).await.0, StatusCode::NOT_FOUND);
    // Past 100 % is refused when asked; 80 % warns.
    let (status, body) = head.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("10000.01", "research")).await;
    assert_eq!((status, problem(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "over_budget".to_string()), "{body}");
    let (status, first) = member_admin.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("8000", "research")).await;
    assert_eq!((status, first["used_percent"].as_i64()), (StatusCode::CREATED, Some(80)), "{first}");
    // Ten requests of 2,000 each, approved all at once by the head: the 8,000 goes first, then
    // exactly one of the ten fits; the rest are refused and the line ends at 10,000.00 exactly.
    let first_id = first["id"].as_i64().unwrap();
    // 8,000 is above the county's default limit (5,000): the bureau's approval is final.
    let (status, body) = admin.call("PATCH", &format!("/api/v1/expenditures/{first_id}"), Some(json!({"approve": true}))).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("approved")));
    let mut ids = Vec::new();
    for _ in 0..10 {
        // Asked before any of them is approved: each fits on its own.
        let (status, e) = member_admin.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("2000", "research")).await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
        ids.push(e["id"].as_i64().unwrap());
    }
    let approvals = ids.iter().map(|e| {
        let head = head.clone();
        let path = format!("/api/v1/expenditures/{e}");
        tokio::spawn(async move { head.call("PATCH", &path, Some(json!({"approve": true}))).await })
    });
    let answers: Vec<(StatusCode, Value)> = futures_util::future::join_all(approvals).await.into_iter().map(|r| r.unwrap()).collect();
    let approved = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(approved, 1, "{answers:?}");
    assert!(
        answers.iter().filter(|(s, _)| *s != StatusCode::OK).all(|(s, b)| *s == StatusCode::CONFLICT && problem(b) == "over_budget"),
        "{answers:?}"
    );
    let (_, after) = head.items(&format!("/api/v1/budgets?year={next}&cluster={district}")).await;
    let research = after[0]["lines"].as_array().unwrap().iter().find(|l| l["category"] == "research").unwrap().clone();
    assert_eq!((research["spent"].as_str(), research["balance"].as_str()), (Some("10000.00"), Some("0.00")));
    assert!(research["warning"].as_bool().unwrap());
    // The bureau's limit: above it the head's approval waits for the bureau.
    assert_eq!(
        admin
            .put(
                "/api/v1/running/settings",
                json!({"hours_total": "72", "hours_school_based": "24", "hours_training": "24", "bureau_limit": "5000"})
            )
            .await
            .0,
        StatusCode::OK
    );
    let (_, big) = member_admin.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("6000.50", "training")).await;
    let big_id = big["id"].as_i64().unwrap();
    let (status, waiting) = head.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await;
    assert_eq!((status, waiting["status"].as_str()), (StatusCode::OK, Some("awaiting_bureau")));
    assert_eq!(
        head.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = admin.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": false}))).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "reason".to_string()), "declining needs a reason");
    let (status, done) = admin.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await;
    assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("approved")));
    assert_eq!(
        problem(&admin.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await.1),
        "wrong_step"
    );
    // The budget cannot go below what was spent (the field is named).
    lines["research"] = json!("9999.99");
    lines["training"] = json!("90000.11");
    let (status, body) = admin.put(&path, json!({"sources": sources, "lines": lines})).await;
    assert_eq!((status, field(&body), problem(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "lines".to_string(), "below_spent".to_string()));
    let (_, ledger) = head.items(&format!("/api/v1/budgets?year={next}&cluster={district}")).await;
    assert_eq!(ledger[0]["spent"], "16000.50");
    assert_eq!(ledger[0]["balance"], "83999.80", "100000.30 - 10000.00 - 6000.50");
    let ledger_xlsx = head.bytes(&format!("/running/budgets/{id}/ledger.xlsx")).await;
    assert_eq!(ledger_xlsx.0, StatusCode::OK);

    // A work plan with key tasks; the owner school's admin reports progress; teachers read it.
    let plan = json!({"year": year, "title": "测试学区工作计划", "goals": "教研、交流、评价", "tasks": [
        {"title": "学区教研安排表", "owner_school_id": principal_school, "due_on": format!("{year}-01-31")},
        {"title": "共享课程资源 200 件", "due_on": format!("{year}-12-31")}]});
    let (status, created) = head.post(&format!("/api/v1/clusters/{district}/work-plans"), plan.clone()).await;
    // The demo has this year's plan already: one plan a year.
    assert_eq!(status, StatusCode::CONFLICT, "{created}");
    let mut plan = plan;
    plan["year"] = json!(next);
    plan["tasks"][0]["due_on"] = json!(format!("{next}-01-31"));
    plan["tasks"][1]["due_on"] = json!(format!("{next}-12-31"));
    let (status, created) = head.post(&format!("/api/v1/clusters/{district}/work-plans"), plan).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let task = created["tasks"][0].clone();
    // Done is a day that has come: a future one is refused, yesterday is taken.
    let future =
        json!({"revision": task["revision"], "title": "改名", "status": "done", "done_on": format!("{next}-01-20"), "note": "已印发"});
    let (status, refused) = principal.call("PATCH", &format!("/api/v1/tasks/{}", task["id"]), Some(future)).await;
    assert_eq!(
        (status, refused["error"]["details"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("future_date")),
        "{refused}"
    );
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    let report =
        json!({"revision": task["revision"], "title": "改名", "status": "done", "done_on": yesterday.to_string(), "note": "已印发"});
    let (status, reported) = principal.call("PATCH", &format!("/api/v1/tasks/{}", task["id"]), Some(report)).await;
    assert_eq!(status, StatusCode::OK, "{reported}");
    assert_eq!(
        (reported["status"].as_str(), reported["title"].as_str(), reported["on_time"].as_bool()),
        (Some("done"), Some("学区教研安排表"), Some(true)),
        "the owner reports progress but does not rename"
    );
    let other_task = &created["tasks"][1];
    let (status, _) = principal
        .call(
            "PATCH",
            &format!("/api/v1/tasks/{}", other_task["id"]),
            Some(json!({"revision": other_task["revision"], "title": "x", "status": "done"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not their task");
    let (_, read) = teacher.get(&format!("/api/v1/work-plans/{}", created["id"])).await;
    assert_eq!(read["progress"]["done"], 1);
    assert_eq!(other_county.get(&format!("/api/v1/work-plans/{}", created["id"])).await.0, StatusCode::NOT_FOUND);

    // The council: a member, minutes with a decision the owner school carries out.
    let (status, _) = head
        .post(
            &format!("/api/v1/clusters/{district}/council/members"),
            json!({"name": "李理事", "role": "member", "school_id": principal_school}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        field(&head.post(&format!("/api/v1/clusters/{district}/council/members"), json!({"name": "李理事", "role": "boss"})).await.1),
        "role"
    );
    let meeting = json!({"held_on": format!("{year}-03-01"), "title": "理事会", "minutes": "研究教研安排。", "decisions": [{"text": "共建题库", "owner_school_id": principal_school}]});
    assert_eq!(principal.post(&format!("/api/v1/clusters/{district}/meetings"), meeting.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, m) = head.post(&format!("/api/v1/clusters/{district}/meetings"), meeting).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let (_, council) = teacher.get(&format!("/api/v1/clusters/{district}/council")).await;
    let decision =
        council["meetings"].as_array().unwrap().iter().find(|x| x["id"] == m["id"]).unwrap()["decisions"][0]["id"].as_i64().unwrap();
    assert_eq!(principal.call("PATCH", &format!("/api/v1/decisions/{decision}"), Some(json!({"status": "done"}))).await.0, StatusCode::OK);
    assert_eq!(other_county.get(&format!("/api/v1/clusters/{district}/council")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn running_a_cluster_on_every_backend() {
    for backend in Backend::all() {
        running(backend).await;
    }
}

// ---- Holes found by a hostile probe (issue 23), each on its own server ----

/// The head's 学区 (城关第二学区) and its current schools, the lead first.
async fn district_of(admin: &Api) -> (i64, Vec<i64>) {
    let (_, districts) = admin.get(&format!("/api/v1/clusters?q={}", urlencoding::encode("城关第二学区"))).await;
    let district = districts["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = admin.get(&format!("/api/v1/clusters/{district}")).await;
    (district, detail["members"].as_array().unwrap().iter().map(|m| m["school"]["id"].as_i64().unwrap()).collect())
}

/// An activity of the district at its lead school, going on now, scheduled by the head.
async fn activity_now(head: &Api, district: i64, lead: i64, title: &str) -> i64 {
    let new = json!({
        "kind": "joint_research", "title": title, "cluster_id": district, "host_school_id": lead,
        "place": "会议室", "starts_at": local(-10), "ends_at": local(110), "hours": "2",
    });
    let (status, activity) = head.post("/api/v1/activities", new).await;
    assert_eq!(status, StatusCode::CREATED, "{activity}");
    activity["id"].as_i64().unwrap()
}

/// The code shown now, and a code that is not it.
async fn codes(head: &Api, activity: i64) -> (String, String) {
    let (status, shown) = head.get(&format!("/api/v1/activities/{activity}/code")).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    let right = shown["code"].as_str().unwrap().to_string();
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 500_000) % 1_000_000);
    (right, wrong)
}

/// A POST with the client's bearer token, answering the raw response (headers included).
async fn raw_post(api: &Api, path: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new().post(api.url(path)).bearer_auth(api.token().unwrap()).json(&body).send().await.unwrap()
}

async fn checkin_codes_cannot_be_guessed(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let head = server.client("head").await.unwrap();
    let (district, members) = district_of(&admin).await;
    let (lead, member) = (members[0], members[1]);
    let first = activity_now(&head, district, lead, "联合教研（签到一）").await;
    let second = activity_now(&head, district, lead, "联合教研（签到二）").await;
    let (guesser, _) = teacher_account(&admin, &server, "guess.one", member, 0).await;
    let (colleague, _) = teacher_account(&admin, &server, "guess.two", member, 1).await;
    let checkin = |a: i64| format!("/api/v1/activities/{a}/checkin");

    // Five wrong codes are told apart from the right one, by field…
    for _ in 0..5 {
        let (_, wrong) = codes(&head, first).await;
        let (status, body) = guesser.post(&checkin(first), json!({"code": wrong})).await;
        assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "code".to_string()), "{body}");
    }
    // …then every code is refused for ten minutes, the right one too, saying how long to wait.
    let (_, wrong) = codes(&head, first).await;
    let refused = raw_post(&guesser, &checkin(first), json!({"code": wrong})).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "Retry-After {wait}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(problem(&body), "too_many_checkin_attempts", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("分钟后再试"), "the wait is named: {body}");
    let (right, _) = codes(&head, first).await;
    let (status, body) = guesser.post(&checkin(first), json!({"code": right})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the right code after the limit is refused too: {body}");
    // The page's form is held back the same way.
    let page = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let (right, _) = codes(&head, first).await;
    let answer = page
        .post(guesser.url(&format!("/activities/{first}/checkin")))
        .bearer_auth(guesser.token().unwrap())
        .form(&[("code", right.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.headers().contains_key("retry-after"));
    assert!(answer.text().await.unwrap().contains("分钟后再试"));
    // Another activity, and a colleague at this one, are not held up.
    let (right, _) = codes(&head, second).await;
    assert_eq!(guesser.post(&checkin(second), json!({"code": right})).await.0, StatusCode::OK);
    let (right, _) = codes(&head, first).await;
    assert_eq!(colleague.post(&checkin(first), json!({"code": right})).await.0, StatusCode::OK);

    // Many accounts guessing at one activity: thirty wrong codes in a minute hold it for everyone
    // for the rest of that minute.
    let third = activity_now(&head, district, lead, "联合教研（签到三）").await;
    let mut crowd = Vec::new();
    for n in 0..6 {
        crowd.push(teacher_account(&admin, &server, &format!("guess.crowd{n}"), member, 2 + n).await.0);
    }
    for api in &crowd {
        for _ in 0..5 {
            let (_, wrong) = codes(&head, third).await;
            assert_eq!(api.post(&checkin(third), json!({"code": wrong})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
    let (right, _) = codes(&head, third).await;
    let (status, body) = colleague.post(&checkin(third), json!({"code": right})).await;
    assert_eq!((status, problem(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_checkin_attempts".to_string()), "{body}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn checkin_codes_cannot_be_guessed_on_every_backend() {
    for backend in Backend::all() {
        checkin_codes_cannot_be_guessed(backend).await;
    }
}

/// Sources and categories of a budget as the API answers them: (sum of sources, total, lines).
fn budget_sums(budget: &Value) -> (String, String, Vec<(String, String)>) {
    let fen = |v: &Value| {
        let (whole, part) = v.as_str().unwrap().split_once('.').unwrap();
        whole.parse::<i64>().unwrap() * 100 + part.parse::<i64>().unwrap()
    };
    let sources: i64 = budget["sources"].as_array().unwrap().iter().map(|s| fen(&s["amount"])).sum();
    let lines = budget["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["category"].as_str().unwrap().to_string(), l["amount"].as_str().unwrap().to_string()))
        .collect();
    (format!("{}.{:02}", sources / 100, sources % 100), budget["total"].as_str().unwrap().to_string(), lines)
}

async fn a_budget_always_adds_up(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let head = server.client("head").await.unwrap();
    let (district, _) = district_of(&admin).await;
    let year: i32 = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let path = format!("/api/v1/clusters/{district}/budgets/{year}");
    let read = || async { head.items(&format!("/api/v1/budgets?year={year}&cluster={district}")).await.1[0].clone() };
    let put = |sources: &str, lines: Value| {
        admin.put(&path, json!({"sources": [{"source": "county_per_cluster", "amount": sources}], "lines": lines}))
    };

    let (status, body) = put("610", json!({"research": "600", "office": "10"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Fewer categories replace the earlier ones: nothing is merged in silently.
    let (status, body) = put("10", json!({"office": "10"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (sources, total, lines) = budget_sums(&read().await);
    assert_eq!((sources.as_str(), total.as_str()), ("10.00", "10.00"), "sources equal categories: {lines:?}");
    assert_eq!(lines, vec![("office".to_string(), "10.00".to_string())]);
    // Blank amounts are no budget: refused by field, nothing changes.
    let (status, body) = put("", json!({"office": ""})).await;
    assert_eq!((status, field(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "sources".to_string()), "{body}");
    assert_eq!(budget_sums(&read().await).1, "10.00");
    // Sources that do not match the categories: refused, naming both sums.
    let (status, body) = put("20", json!({"office": "10"})).await;
    assert_eq!(
        (status, field(&body), problem(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines".to_string(), "budget_unbalanced".to_string())
    );
    assert!(body["error"]["details"][0]["message"].as_str().unwrap().contains("20.00"), "{body}");

    // With 300 spent of research, research cannot fall below 300 nor be left out.
    assert_eq!(put("610", json!({"research": "600", "office": "10"})).await.0, StatusCode::OK);
    let budget = read().await;
    let spend = json!({"category": "research", "spent_on": format!("{year}-03-01"), "amount": "300", "payee": "县教师发展中心", "purpose": "专家讲课费"});
    let (status, asked) = head.post(&format!("/api/v1/budgets/{}/expenditures", budget["id"]), spend).await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    let (status, approved) = admin.call("PATCH", &format!("/api/v1/expenditures/{}", asked["id"]), Some(json!({"approve": true}))).await;
    assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("approved")), "{approved}");
    for (sources, lines) in [("10", json!({"office": "10"})), ("210", json!({"research": "200", "office": "10"}))] {
        let (status, body) = put(sources, lines).await;
        assert_eq!(
            (status, field(&body), problem(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "lines".to_string(), "below_spent".to_string())
        );
        assert!(body["error"]["details"][0]["message"].as_str().unwrap().contains("300.00"), "names what was spent: {body}");
    }
    let (sources, total, lines) = budget_sums(&read().await);
    assert_eq!((sources.as_str(), total.as_str(), lines.len()), ("610.00", "610.00", 2), "unchanged");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_budget_always_adds_up_on_every_backend() {
    for backend in Backend::all() {
        a_budget_always_adds_up(backend).await;
    }
}

/// Files under the server's file store.
fn stored_files(server: &TestServer) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |d| d.filter_map(|e| e.ok()).map(|e| if e.path().is_dir() { count(&e.path()) } else { 1 }).sum())
    }
    count(&server.data_dir.path().join("files"))
}

async fn attachments_refuse_zip_bombs(backend: Backend) {
    use xuequ_testkit::hostile::zip_of;
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let head = server.client("head").await.unwrap();
    let (district, members) = district_of(&admin).await;
    let year: i32 = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y").to_string().parse::<i32>().unwrap() + 1;

    // One owner of each kind: an activity, a plan task, a meeting, an expenditure.
    let activity = activity_now(&head, district, members[0], "联合教研（附件）").await;
    let plan = json!({"year": year, "title": "附件测试计划", "tasks": [{"title": "教研安排表", "due_on": format!("{year}-03-01")}]});
    let (status, plan) = head.post(&format!("/api/v1/clusters/{district}/work-plans"), plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let task = plan["tasks"][0]["id"].as_i64().unwrap();
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d").to_string();
    let meeting = json!({"held_on": today, "title": "理事会", "minutes": "研究教研安排。"});
    let (status, meeting) = head.post(&format!("/api/v1/clusters/{district}/meetings"), meeting).await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    let budget = json!({"sources": [{"source": "county_per_cluster", "amount": "1000"}], "lines": {"research": "1000"}});
    let (status, budget) = admin.put(&format!("/api/v1/clusters/{district}/budgets/{year}"), budget).await;
    assert_eq!(status, StatusCode::OK, "{budget}");
    let spend = json!({"category": "research", "spent_on": format!("{year}-03-01"), "amount": "100", "payee": "县教师发展中心", "purpose": "资料费"});
    let (status, spent) = head.post(&format!("/api/v1/budgets/{}/expenditures", budget["id"]), spend).await;
    assert_eq!(status, StatusCode::CREATED, "{spent}");
    let routes = [
        format!("/api/v1/activities/{activity}/files"),
        format!("/api/v1/tasks/{task}/files"),
        format!("/api/v1/meetings/{}/files", meeting["id"]),
        format!("/api/v1/expenditures/{}/files", spent["id"]),
    ];

    // A DOCX and a PPTX that unpack to 100 MB from a few hundred KB, a DOCX of 10,001 parts, a
    // ZIP that unpacks to 100 MB.
    let zeros = vec![0u8; 100 * 1024 * 1024];
    let docx = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", &zeros)]);
    let pptx = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("ppt/slides/slide1.xml", &zeros)]);
    let zip = zip_of(&[("a.txt", &zeros)]);
    drop(zeros);
    let names: Vec<String> = (0..10_001).map(|i| format!("word/part{i}.xml")).collect();
    let mut parts: Vec<(&str, &[u8])> = vec![("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")];
    parts.extend(names.iter().map(|n| (n.as_str(), &b"<x/>"[..])));
    let many = zip_of(&parts);
    let bombs: [(&str, &[u8], &str); 4] = [
        ("炸弹.docx", &docx, "packed_bomb"),
        ("炸弹.pptx", &pptx, "packed_bomb"),
        ("万件.docx", &many, "packed_bomb"),
        ("炸弹.zip", &zip, "packed_bomb"),
    ];
    let good = xuequ_demo::files::docx("教学设计", &["一次函数"]);
    let before = stored_files(&server);
    for route in &routes {
        for (name, bytes, code) in &bombs {
            let (status, body) = head.multipart("POST", route, &[], &[("好的.docx", &good), (name, bytes)]).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{route} {name}: {body}");
            let detail = &body["error"]["details"][0];
            assert_eq!((detail["field"].as_str(), detail["code"].as_str()), (Some("files"), Some(*code)), "{route} {name}: {body}");
            assert!(detail["message"].as_str().unwrap().contains(name), "the file is named: {body}");
        }
    }
    assert_eq!(stored_files(&server), before, "nothing of a refused batch is stored");
    let (_, detail) = head.get(&format!("/api/v1/activities/{activity}")).await;
    assert!(detail["files"].as_array().unwrap().is_empty(), "{detail}");
    // The good file alone is taken on each route.
    for route in &routes {
        let (status, body) = head.multipart("POST", route, &[], &[("好的.docx", &good)]).await;
        assert_eq!(status, StatusCode::CREATED, "{route}: {body}");
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn attachments_refuse_zip_bombs_on_every_backend() {
    for backend in Backend::all() {
        attachments_refuse_zip_bombs(backend).await;
    }
}

async fn spending_is_decided_by_another_hand(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let head = server.client("head").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let (district, _) = district_of(&admin).await;
    let year: i32 = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let budget = json!({"sources": [{"source": "county_per_cluster", "amount": "1000"}], "lines": {"research": "1000"}});
    let (status, budget) = admin.put(&format!("/api/v1/clusters/{district}/budgets/{year}"), budget).await;
    assert_eq!(status, StatusCode::OK, "{budget}");
    let id = budget["id"].as_i64().unwrap();
    let spend = |amount: &str| json!({"category": "research", "spent_on": format!("{year}-03-01"), "amount": amount, "payee": "县教师发展中心", "purpose": "资料费"});
    let decide =
        |e: &Value, approve: bool| (format!("/api/v1/expenditures/{}", e["id"]), Some(json!({"approve": approve, "reason": "不符合规定"})));

    // Segregation of duties: the head never decides their own request; the bureau does.
    let (status, own) = head.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("100")).await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    for approve in [true, false] {
        let (path, body) = decide(&own, approve);
        assert_eq!(head.call("PATCH", &path, body).await.0, StatusCode::FORBIDDEN, "approve: {approve}");
    }
    let (path, body) = decide(&own, true);
    let (status, done) = admin.call("PATCH", &path, body).await;
    assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("approved")), "{done}");
    // A member school's request: its principal does not decide it; the head does.
    let (_, theirs) = principal.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("100")).await;
    let (path, body) = decide(&theirs, true);
    assert_eq!(principal.call("PATCH", &path, body.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(head.call("PATCH", &path, body).await.1["status"], "approved");
    // The page offers no buttons on one's own request.
    let (_, mine) = head.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("10")).await;
    let (_, page) = head.page(&format!("/running/budgets/{id}")).await;
    assert!(!page.contains(&format!("/running/expenditures/{}\"", mine["id"])), "no decision form for the head's own request");

    // Post/redirect/get: a request that passes 80 % answers 303 to the budget with the warning,
    // and loading that page again asks for nothing more.
    let count = || async {
        head.items(&format!("/api/v1/budgets?year={year}&cluster={district}")).await.1[0]["expenditures"].as_array().unwrap().len()
    };
    let before = count().await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let date = format!("{year}-04-01");
    let fields =
        [("category", "research"), ("spent_on", date.as_str()), ("amount", "700"), ("payee", "县教师发展中心"), ("purpose", "专家讲课费")];
    let answer = browser
        .post(head.url(&format!("/running/budgets/{id}/spend")))
        .bearer_auth(head.token().unwrap())
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let to = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/running/budgets/{id}?warned=")), "{to}");
    for _ in 0..2 {
        let (status, page) = head.page(&to).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("批准后将使用预算的 90%"), "the warning is shown after the redirect");
    }
    assert_eq!(count().await, before + 1, "one request, however often the page is loaded");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn spending_is_decided_by_another_hand_on_every_backend() {
    for backend in Backend::all() {
        spending_is_decided_by_another_hand(backend).await;
    }
}

/// A teacher marked present at two activities that overlap in time (a 2-hour session and a
/// 1-hour one inside it) is credited once, for the one worth more; the other entry says 0 and
/// names the one credited instead.
async fn overlapping_activities_are_credited_once(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let head = server.client("head").await.unwrap();
    let (district, schools) = district_of(&admin).await;
    let lead = schools[0];
    let (_, roster) = admin.get(&format!("/api/v1/teachers?school_id={lead}&per_page=5")).await;
    let teacher = roster["items"][1]["id"].as_i64().unwrap();
    let before = hours_of(&admin, teacher).await;
    let long = activity_now(&head, district, lead, "两小时的联合教研").await;
    let inside = json!({
        "kind": "joint_research", "title": "同时段的另一场", "cluster_id": district, "host_school_id": lead,
        "place": "录播教室", "starts_at": local(20), "ends_at": local(80), "hours": "1",
    });
    let (status, short) = head.post("/api/v1/activities", inside).await;
    assert_eq!(status, StatusCode::CREATED, "{short}");
    let short = short["id"].as_i64().unwrap();
    for id in [long, short] {
        let mark = json!({"teacher_id": teacher, "present": true});
        assert_eq!(head.post(&format!("/api/v1/activities/{id}/attendance"), mark).await.0, StatusCode::NO_CONTENT);
    }
    let after = hours_of(&admin, teacher).await;
    assert_eq!(tenths(&after["total"]), tenths(&before["total"]) + 20, "2 hours, not 3: {after}");
    let entries = after["entries"].as_array().unwrap();
    let entry = |id: i64| entries.iter().find(|e| e["activity_id"] == id).unwrap_or_else(|| panic!("{id} in {after}"));
    assert_eq!((entry(long)["credited"].as_str(), entry(long)["overlaps_activity_id"].as_i64()), (Some("2"), None));
    assert_eq!((entry(short)["credited"].as_str(), entry(short)["overlaps_activity_id"].as_i64()), (Some("0"), Some(long)));
    // The teacher's record page says why.
    let (status, page) = admin.page(&format!("/hours/teachers/{teacher}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("时间重叠") && page.contains("两小时的联合教研"), "the page names the overlap");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_activities_are_credited_once_on_every_backend() {
    for backend in Backend::all() {
        overlapping_activities_are_credited_once(backend).await;
    }
}
