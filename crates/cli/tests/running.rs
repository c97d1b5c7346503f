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
    let (status, body) = api.get(&format!("/api/v1/training-hours?year={year}&teacher={teacher}")).await;
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
    assert_eq!(status, StatusCode::BAD_REQUEST);
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
    let (_, listed) = outsider.get("/api/v1/activities").await;
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
    assert_eq!((status, field(&body)), (StatusCode::BAD_REQUEST, "code".to_string()));
    let (status, _) = member_teacher.post(&format!("/api/v1/activities/{id}/checkin"), json!({"code": other_code["code"]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "another activity's code");
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
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
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
    assert_eq!(second_teacher.get(&format!("/api/v1/training-hours?teacher={member_teacher_id}")).await.0, StatusCode::NOT_FOUND);
    let (_, school_list) = member_admin.get(&format!("/api/v1/training-hours?school={member}")).await;
    assert!(school_list.as_array().unwrap().iter().any(|h| h["teacher_id"] == member_teacher_id));
    assert_eq!(member_admin.get(&format!("/api/v1/training-hours?school={lead}")).await.0, StatusCode::NOT_FOUND);

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
    assert_eq!((status, field(&body)), (StatusCode::BAD_REQUEST, "reason".to_string()));
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
    let day = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d").to_string();
    let (status, events) = head.get(&format!("/api/v1/cluster-calendar?cluster={district}&from={day}&to={day}")).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    assert!(events.as_array().unwrap().iter().any(|e| e["kind"] == "activity" && e["id"] == id));
    assert_eq!(other_county.get(&format!("/api/v1/cluster-calendar?cluster={district}")).await.0, StatusCode::NOT_FOUND);

    // The figures for the evaluation count it.
    let (_, figures) = admin.get(&format!("/api/v1/running/figures?year={}", &day[..4])).await;
    let mine = figures.as_array().unwrap().iter().find(|f| f["cluster_id"] == district).expect("the district's figures").clone();
    assert!(mine["activities_held"].as_i64().unwrap() >= 1 && mine["budget_total"].as_i64().unwrap() > 0, "{mine}");
    let (_, none) = other_county.get(&format!("/api/v1/running/figures?year={}", &day[..4])).await;
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
    assert_eq!((status, field(&body)), (StatusCode::BAD_REQUEST, "lines".to_string()), "they must add up: {body}");
    lines["office"] = json!("0.20");
    let (status, budget) = admin.put(&path, json!({"sources": sources, "lines": lines})).await;
    assert_eq!(status, StatusCode::OK, "{budget}");
    assert_eq!(budget["total"], "100000.30", "exact to the fen: 10000.00 + 90000.10 + 0.20");
    let id = budget["id"].as_i64().unwrap();
    let spend = |amount: &str, category: &str| json!({"category": category, "spent_on": format!("{next}-03-01"), "amount": amount, "payee": "县教师发展中心", "purpose": "专家讲课费"});
    // Teachers neither read nor ask; the other county sees nothing.
    assert!(teacher.get(&format!("/api/v1/budgets?year={next}")).await.1.as_array().unwrap().is_empty());
    assert_eq!(teacher.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("10", "research")).await.0, StatusCode::NOT_FOUND);
    assert!(other_county.get(&format!("/api/v1/budgets?year={next}")).await.1.as_array().unwrap().is_empty());
    assert_eq!(other_county.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("10", "research")).await.0, StatusCode::NOT_FOUND);
    // Past 100 % is refused when asked; 80 % warns.
    let (status, body) = head.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("10000.01", "research")).await;
    assert_eq!((status, problem(&body)), (StatusCode::BAD_REQUEST, "over_budget".to_string()), "{body}");
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
    let (_, after) = head.get(&format!("/api/v1/budgets?year={next}&cluster={district}")).await;
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
    let (_, big) = head.post(&format!("/api/v1/budgets/{id}/expenditures"), spend("6000.50", "training")).await;
    let big_id = big["id"].as_i64().unwrap();
    let (status, waiting) = head.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await;
    assert_eq!((status, waiting["status"].as_str()), (StatusCode::OK, Some("awaiting_bureau")));
    assert_eq!(
        head.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = admin.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": false}))).await;
    assert_eq!((status, field(&body)), (StatusCode::BAD_REQUEST, "reason".to_string()), "declining needs a reason");
    let (status, done) = admin.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await;
    assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("approved")));
    assert_eq!(
        problem(&admin.call("PATCH", &format!("/api/v1/expenditures/{big_id}"), Some(json!({"approve": true}))).await.1),
        "wrong_step"
    );
    // The budget cannot go below what was spent.
    lines["research"] = json!("9999.99");
    lines["training"] = json!("90000.11");
    assert_eq!(admin.put(&path, json!({"sources": sources, "lines": lines})).await.0, StatusCode::CONFLICT);
    let (_, ledger) = head.get(&format!("/api/v1/budgets?year={next}&cluster={district}")).await;
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
    let report =
        json!({"revision": task["revision"], "title": "改名", "status": "done", "done_on": format!("{next}-01-20"), "note": "已印发"});
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
    let decision = council["meetings"].as_array().unwrap().iter().find(|x| x["id"] == m["id"]).unwrap()["decisions"][0]["decision"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(principal.call("PATCH", &format!("/api/v1/decisions/{decision}"), Some(json!({"status": "done"}))).await.0, StatusCode::OK);
    assert_eq!(other_county.get(&format!("/api/v1/clusters/{district}/council")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn running_a_cluster_on_every_backend() {
    for backend in Backend::all() {
        running(backend).await;
    }
}
