//! Facility sharing through HTTP against the real binary, on SQLite and on PostgreSQL: every
//! rule of a booking named with its value, a term's repeat with a collision, the approval flow
//! with its notifications, scopes, and fifty requests racing for one slot.

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use reqwest::StatusCode;
use serde_json::{Value, json};
use xuequ_testkit::{Api, Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

/// The next `weekday` at least `after` days from today (local dates are UTC+8; a week's margin
/// keeps the notice rule out of the way).
fn next(weekday: Weekday, after: i64) -> NaiveDate {
    let mut day = (Utc::now() + Duration::hours(8)).date_naive() + Duration::days(after);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    day
}

fn codes(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .map(|d| d.iter().map(|x| x["code"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

async fn id_of(api: &Api, path: &str) -> i64 {
    let (_, found) = api.get(path).await;
    found["items"][0]["id"].as_i64().unwrap_or_else(|| panic!("{path}: {found}"))
}

async fn bookings(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let teacher = server.client("teacher").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let head = server.client("head").await.unwrap();
    let other = server.client("other-admin").await.unwrap();

    // The lead school of 城关第二学区 lends a lab to its member 东坪镇中心小学 (the teacher's school).
    let lead = id_of(&admin, "/api/v1/schools?q=%E5%9F%8E%E5%85%B3%E7%AC%AC%E4%BA%8C%E5%B0%8F%E5%AD%A6").await;
    let (_, labs) = admin.get(&format!("/api/v1/facilities?school_id={lead}&per_page=50")).await;
    let lab = labs["items"].as_array().unwrap()[0]["id"].as_i64().unwrap();
    let outsider =
        id_of(&admin, "/api/v1/schools?q=%E4%BA%91%E5%B2%AD%E5%8E%BF%E7%AC%AC%E4%B8%80%E5%88%9D%E7%BA%A7%E4%B8%AD%E5%AD%A6").await;
    let (_, far_facilities) = admin.get(&format!("/api/v1/facilities?school_id={outsider}")).await;
    let not_shared = far_facilities["items"][0]["id"].as_i64().unwrap();
    let rules = json!({
        "share_with": "cluster", "needs_approval": true, "min_notice_hours": 24, "horizon_days": 120, "max_minutes": 240,
        "opening": [["08:00:00", "17:30:00"], ["08:00:00", "17:30:00"], ["08:00:00", "17:30:00"], ["08:00:00", "17:30:00"], ["08:00:00", "17:30:00"], null, null],
        "capacity": 45, "weekly_quota_hours": 3.0,
        "blackouts": [{"kind": "weekly", "weekday": 3, "start": "14:00:00", "end": "15:30:00", "reason": "本校实验课"}]
    });
    let (status, body) = teacher.put(&format!("/api/v1/facilities/{lab}/rules"), rules.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a teacher does not set the lender's rules: {body}");
    let (status, body) = admin.put(&format!("/api/v1/facilities/{lab}/rules"), rules).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = admin.put(&format!("/api/v1/facilities/{not_shared}/rules"), json!({"share_with": "nobody", "needs_approval": true, "min_notice_hours": 0, "horizon_days": 60, "max_minutes": 240, "opening": [null, null, null, null, null, null, null], "capacity": null, "weekly_quota_hours": null, "blackouts": []})).await;
    assert_eq!(status, StatusCode::OK);

    // The county's calendar: one long term around the test's dates, with a sports day on the
    // third Tuesday of the repeat below. A school may add closed days but not terms.
    let tuesday = next(Weekday::Tue, 7);
    let sports_day = tuesday + Duration::weeks(2);
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let year = if today.month() >= 8 { today.year() } else { today.year() - 1 };
    let calendar = json!({"terms": [[today - Duration::days(60), today + Duration::days(300)]], "closures": [{"from": sports_day, "to": sports_day, "reason": "运动会"}]});
    let (status, body) = admin.put(&format!("/api/v1/calendar?year={year}"), calendar.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = principal.put(&format!("/api/v1/calendar?year={year}"), calendar.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the county's calendar is the bureau's");
    let own = teacher.get("/api/v1/me").await.1["user"]["school_id"].as_i64().unwrap();
    let (status, body) = principal.put(&format!("/api/v1/calendar?year={year}&school_id={own}"), calendar).await;
    assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("terms")), "{body}");

    // 周二 第5–6节 next week: 14:00–15:30 by the primary bell schedule, waiting for approval.
    let (status, booked) = teacher
        .post("/api/v1/bookings", json!({"facility_id": lab, "date": tuesday, "periods": [5, 6], "purpose": "科学实验：电路", "group_name": "五(2)班", "attendees": 40}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let first = &booked["bookings"][0];
    assert_eq!(first["start"], format!("{tuesday}T14:00:00+08:00"));
    assert_eq!(first["end"], format!("{tuesday}T15:30:00+08:00"));
    assert_eq!(first["status"], "pending");
    let booking_id = first["id"].as_i64().unwrap();

    // Every rule, named with its value; nothing written.
    let at = |day: NaiveDate, from: &str, to: &str| json!({"facility_id": lab, "start": format!("{day}T{from}"), "end": format!("{day}T{to}"), "attendees": 30});
    let thursday = next(Weekday::Thu, 7);
    let cases = [
        ("end before start", at(thursday, "10:00:00", "09:00:00"), "end_before_start"),
        ("a Saturday", at(next(Weekday::Sat, 7), "09:00:00", "10:00:00"), "outside_opening_hours"),
        ("in the evening", at(thursday, "17:00:00", "18:30:00"), "outside_opening_hours"),
        (
            "across midnight",
            at(thursday, "16:00:00", "16:00:00")
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o["end"] = json!(format!("{}T09:00:00", thursday + Duration::days(1)));
                    Value::Object(o)
                })
                .unwrap(),
            "outside_opening_hours",
        ),
        ("too long", at(thursday, "08:00:00", "13:00:00"), "booking_too_long"),
        ("too soon", at((Utc::now() + Duration::hours(9)).date_naive(), "08:00:00", "08:30:00"), "too_short_notice"),
        ("too far", at(next(Weekday::Thu, 130), "09:00:00", "10:00:00"), "too_far_ahead"),
        ("the owner's lesson", at(next(Weekday::Wed, 7), "14:00:00", "15:00:00"), "in_blackout"),
    ];
    for (what, body, code) in cases {
        let (status, answer) = teacher.post("/api/v1/bookings", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {answer}");
        assert!(codes(&answer).contains(&code.to_string()), "{what}: {answer}");
    }
    let mut crowd = at(thursday, "09:00:00", "10:00:00");
    crowd["attendees"] = json!(100);
    let (status, answer) = teacher.post("/api/v1/bookings", crowd).await;
    assert_eq!((status, codes(&answer)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["over_capacity".to_string()]), "{answer}");
    // The weekly quota of 3 hours: 1.5 held on Tuesday, 1 more on Thursday is fine, 1 more is not.
    let (status, answer) = teacher.post("/api/v1/bookings", at(thursday, "09:00:00", "10:00:00")).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (status, answer) = teacher.post("/api/v1/bookings", at(thursday, "10:00:00", "11:00:00")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer["error"]["details"][0]["message"].as_str().unwrap().contains("2.5"), "the hours already held: {answer}");
    let (status, answer) = teacher
        .post(
            "/api/v1/bookings",
            json!({"facility_id": not_shared, "start": format!("{thursday}T09:00:00"), "end": format!("{thursday}T10:00:00")}),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["details"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_shared")),
        "{answer}"
    );
    let (status, answer) = teacher.post("/api/v1/bookings", json!({"facility_id": lab, "date": tuesday, "periods": [5, 9]})).await;
    assert_eq!((status, answer["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("periods")), "{answer}");
    let (status, _) = teacher.post("/api/v1/bookings", json!({"facility_id": 999_999_999, "date": tuesday, "periods": [1, 2]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A repeat over ten Tuesdays meets the first booking on its first date: 409 naming it,
    // nothing booked; with keep_rest the other nine are booked and the first listed as skipped.
    let series = json!({"facility_id": lab, "school_id": null, "date": tuesday, "periods": [5, 6], "purpose": "兴趣小组", "repeat": {"every_weeks": 1, "until": tuesday + Duration::weeks(9)}});
    let (status, answer) = principal.post("/api/v1/bookings/check", series.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer.as_array().unwrap().len(), 10);
    let (status, answer) = principal.post("/api/v1/bookings", series.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    // The first Tuesday collides (and the school's weekly quota is spent there too); the third is
    // the sports day.
    let details = answer["error"]["details"].as_array().unwrap();
    let detail = details.iter().find(|d| d["code"] == "collides").expect("a collision listed");
    assert_eq!(detail["date"].as_str(), Some(tuesday.to_string().as_str()));
    let off = details.iter().find(|d| d["code"] == "day_off").expect("the sports day listed");
    assert_eq!(off["date"].as_str(), Some(sports_day.to_string().as_str()));
    assert!(off["message"].as_str().unwrap().contains("运动会"), "{off}");
    let refused: std::collections::BTreeSet<&str> = details.iter().filter_map(|d| d["date"].as_str()).collect();
    assert_eq!(refused.len(), 2, "only those two dates are refused: {answer}");
    // Who holds the room and for what, not a booking number.
    let said = detail["message"].as_str().unwrap();
    assert!(said.contains("科学实验：电路") && !said.contains('#'), "names who holds it: {detail}");
    let mut keep = series.clone();
    keep["keep_rest"] = json!(true);
    keep["repeat"]["until"] = json!(tuesday + Duration::weeks(1));
    keep["purpose"] = json!("兴趣小组（保留其余日期）");
    let (status, answer) = principal.post("/api/v1/bookings", keep).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["bookings"].as_array().unwrap().len(), 1, "the second Tuesday: {answer}");
    assert!(answer["skipped"][0]["problems"].as_array().unwrap().iter().any(|p| p["code"] == "collides"), "{answer}");

    // A calendar feed of the principal's bookings: a five-Tuesday repeat that keeps the dates it
    // can (the first is over the weekly quota, the third is the sports day) is one event whose
    // RRULE and EXDATE, expanded by an iCalendar library, give the very dates booked.
    let mut five = json!({"facility_id": lab, "date": tuesday, "periods": [1, 2], "purpose": "晨读", "keep_rest": true, "repeat": {"every_weeks": 1, "until": tuesday + Duration::weeks(4)}});
    let (status, answer) = principal.post("/api/v1/bookings", five.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let booked: Vec<String> = answer["bookings"].as_array().unwrap().iter().map(|b| b["start"].as_str().unwrap().to_string()).collect();
    let weeks = |n: i64| format!("{}T08:00:00+08:00", tuesday + Duration::weeks(n));
    assert_eq!(booked, [weeks(1), weeks(3), weeks(4)], "{answer}");
    five["keep_rest"] = json!(false);
    let (status, feed) = principal.post("/api/v1/feeds", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{feed}");
    let path = feed["url"].as_str().unwrap().split_once("/ical/").map(|(_, t)| format!("/ical/{t}")).unwrap();
    let text = reqwest::get(server.url(&path)).await.unwrap().text().await.unwrap();
    let parsed: icalendar::Calendar = text.parse().expect("a calendar program reads it");
    assert!(!parsed.components.is_empty());
    let block = text.split("BEGIN:VEVENT").find(|e| e.contains("晨读")).expect("the repeat's event");
    let rule: String = block
        .lines()
        .filter(|l| l.starts_with("DTSTART") || l.starts_with("RRULE") || l.starts_with("EXDATE"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(rule.contains("TZID=Asia/Shanghai") && rule.contains("EXDATE"), "{rule}");
    let set: rrule::RRuleSet = rule.parse().expect("an RRULE set");
    let expanded: Vec<String> = set.all(100).dates.iter().map(|d| d.format("%Y-%m-%dT%H:%M:%S%:z").to_string()).collect();
    assert_eq!(expanded, booked, "the feed's repeat expands to the dates booked");
    let feed_id = feed["id"].as_i64().unwrap();
    assert_eq!(teacher.delete(&format!("/api/v1/feeds/{feed_id}")).await.0, StatusCode::NOT_FOUND, "only its owner revokes it");
    assert_eq!(principal.delete(&format!("/api/v1/feeds/{feed_id}")).await.0, StatusCode::NO_CONTENT);
    assert_eq!(reqwest::get(server.url(&path)).await.unwrap().status(), StatusCode::NOT_FOUND, "a revoked address finds nothing");

    // The lender's side: the cluster head sees the pending requests of the lead school and
    // approves one; the teacher is told. A teacher cannot approve; declining needs a reason.
    let (_, inbox) = head.items(&format!("/api/v1/bookings?owner={lead}&status=pending")).await;
    assert!(inbox.as_array().unwrap().iter().any(|b| b["id"] == booking_id), "{inbox}");
    let (status, _) = teacher.call("PATCH", &format!("/api/v1/bookings/{booking_id}"), Some(json!({"decision": "approve"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) = head.call("PATCH", &format!("/api/v1/bookings/{booking_id}"), Some(json!({"decision": "decline"}))).await;
    assert_eq!((status, answer["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
    let (status, answer) = head.call("PATCH", &format!("/api/v1/bookings/{booking_id}"), Some(json!({"decision": "approve"}))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer[0]["status"], "confirmed");
    let (status, answer) = head.call("PATCH", &format!("/api/v1/bookings/{booking_id}"), Some(json!({"decision": "approve"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "decided already: {answer}");
    let (_, notes) = teacher.get("/api/v1/notifications").await;
    assert!(notes["unread"].as_u64().unwrap() >= 1, "{notes}");
    assert!(notes["items"][0]["text"].as_str().unwrap().contains("已由"), "{notes}");
    let (_, read) = teacher.post("/api/v1/notifications/read", json!({})).await;
    assert!(read.as_u64().unwrap() >= 1);
    assert_eq!(teacher.get("/api/v1/notifications").await.1["unread"], 0);

    // What is free on Tuesday 14:00–15:30: the lab is listed, held by the booking just approved;
    // the teacher's own school's facilities come first (0 km).
    let (status, free) = teacher.items(&format!("/api/v1/facilities/free?free_from={tuesday}T14:00:00&free_to={tuesday}T15:30:00")).await;
    assert_eq!(status, StatusCode::OK, "{free}");
    let found = free.as_array().unwrap();
    let listed = found.iter().find(|f| f["facility_id"] == lab).expect("the lab is listed");
    assert_eq!((listed["free"].as_bool(), listed["taken_by"].as_i64()), (Some(false), Some(booking_id)));
    assert_eq!(found[0]["school_id"].as_i64(), Some(own), "nearest first: the teacher's own school");
    assert!(found.iter().all(|f| f["facility_id"] != not_shared), "a facility shared with nobody is not offered");
    // A change of rules shows at once (what is free keeps facilities and rules in memory).
    let (_, mut closed) = admin.get(&format!("/api/v1/facilities/{lab}/rules")).await;
    let kept = closed.clone();
    closed["share_with"] = json!("nobody");
    assert_eq!(admin.put(&format!("/api/v1/facilities/{lab}/rules"), closed).await.0, StatusCode::OK);
    let (_, free) = teacher.items(&format!("/api/v1/facilities/free?free_from={tuesday}T14:00:00&free_to={tuesday}T15:30:00")).await;
    assert!(free.as_array().unwrap().iter().all(|f| f["facility_id"] != lab), "no longer shared: {free}");
    assert_eq!(admin.put(&format!("/api/v1/facilities/{lab}/rules"), kept).await.0, StatusCode::OK);

    // The sharing figures of that Tuesday: the lead lent 1.5 hours, the teacher's school borrowed
    // them (the other requests of the day are still pending); the same as a workbook.
    let (status, usage) = admin.get(&format!("/api/v1/usage?from={tuesday}&to={tuesday}")).await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    assert_eq!(usage["lent"][lead.to_string()].as_f64(), Some(1.5), "{usage}");
    assert_eq!(usage["borrowed"][own.to_string()].as_f64(), Some(1.5), "{usage}");
    let row = usage["facilities"].as_array().unwrap().iter().find(|f| f["facility_id"] == lab).expect("the lab's figures");
    assert_eq!((row["confirmed"].as_u64(), row["hours_lent"].as_f64()), (Some(1), Some(1.5)), "{row}");
    let (status, xlsx) = admin.page(&format!("/bookings/usage.xlsx?from={tuesday}&to={tuesday}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with("PK"), "a workbook");

    // Scopes: another county's admin finds nothing; the bureau sees the county.
    assert_eq!(other.get(&format!("/api/v1/bookings/{booking_id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.items("/api/v1/bookings").await.1.as_array().map(Vec::len), Some(0));
    let (status, _) =
        other.post("/api/v1/bookings", json!({"facility_id": lab, "school_id": lead, "date": thursday, "periods": [1, 1]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, answer) = admin.items("/api/v1/bookings?status=bogus").await;
    assert_eq!((status, answer["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")));

    // Fifty requests for one slot at once: exactly one is booked, every other is told which
    // booking it collides with.
    let (_, mut open) = admin.get(&format!("/api/v1/facilities/{lab}/rules")).await;
    open["weekly_quota_hours"] = Value::Null;
    assert_eq!(admin.put(&format!("/api/v1/facilities/{lab}/rules"), open).await.0, StatusCode::OK, "no quota for the race");
    let friday = next(Weekday::Fri, 14);
    let token = teacher.token().unwrap().to_string();
    let client = reqwest::Client::new();
    let body = json!({"facility_id": lab, "date": friday, "periods": [3, 4], "purpose": "抢同一时段"});
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (client, url, token, body) = (client.clone(), server.url("/api/v1/bookings"), token.clone(), body.clone());
            tokio::spawn(async move {
                let r = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
                (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let winners: Vec<&Value> = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).map(|(_, b)| b).collect();
    assert_eq!(winners.len(), 1, "{:?}", answers.iter().map(|(s, _)| s.as_u16()).collect::<Vec<_>>());
    assert!(winners[0]["bookings"][0]["id"].as_i64().is_some(), "the winner holds a booking");
    for (status, answer) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CONFLICT, "{answer}");
        // The loser learns who holds the room and for what (the winner's school and purpose).
        let said = answer["error"]["details"][0]["message"].as_str().unwrap();
        assert!(said.contains("抢同一时段") && !said.contains('#'), "{answer}");
    }
    let (_, held) = admin.items(&format!("/api/v1/bookings?facility={lab}&from={friday}&to={friday}&status=pending,confirmed")).await;
    assert_eq!(held.as_array().unwrap().len(), 1, "one booking holds the slot: {held}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bookings_on_every_backend() {
    for backend in Backend::all() {
        bookings(backend).await;
    }
}

/// A stored time as both databases read it back (RFC 3339, as sqlx writes it on SQLite).
fn stamp(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

/// What happens to a booking after it is made: a request nobody decides lets its slot go after
/// three days (at once when someone else wants the slot, or by the server's sweep), a booking
/// nobody came to is marked a no-show by the lender — and both count in the usage figures and
/// show on the facility's month.
async fn outcomes(backend: Backend) {
    let mut server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let teacher = server.client("teacher").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let lead = id_of(&admin, "/api/v1/schools?q=%E5%9F%8E%E5%85%B3%E7%AC%AC%E4%BA%8C%E5%B0%8F%E5%AD%A6").await;
    let (_, found) = admin.get(&format!("/api/v1/facilities?school_id={lead}&per_page=50")).await;
    // The library: the demo county books labs and computer rooms, never libraries.
    let lab = found["items"].as_array().unwrap().iter().find(|f| f["kind"] == "library").expect("a library")["id"].as_i64().unwrap();
    let open = json!(["07:00:00", "21:00:00"]);
    let rules = json!({"share_with": "cluster", "needs_approval": true, "min_notice_hours": 0, "horizon_days": 120, "max_minutes": 240,
        "opening": [open, open, open, open, open, open, open], "capacity": null, "weekly_quota_hours": null, "blackouts": []});
    assert_eq!(admin.put(&format!("/api/v1/facilities/{lab}/rules"), rules).await.0, StatusCode::OK);
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let year = if today.month() >= 8 { today.year() } else { today.year() - 1 };
    let calendar = json!({"terms": [[today - Duration::days(60), today + Duration::days(300)]], "closures": []});
    assert_eq!(admin.put(&format!("/api/v1/calendar?year={year}"), calendar).await.0, StatusCode::OK);
    let wednesday = next(Weekday::Wed, 7);
    let slot = json!({"facility_id": lab, "start": format!("{wednesday}T18:00:00"), "end": format!("{wednesday}T19:00:00"), "purpose": "生物观察"});

    // A pending request holds its slot; once three days old it lets go the moment another wants it.
    let (status, first) = teacher.post("/api/v1/bookings", slot.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let first = first["bookings"][0]["id"].as_i64().unwrap();
    let (status, refused) = principal.post("/api/v1/bookings", slot.clone()).await;
    assert_eq!((status, codes(&refused)), (StatusCode::CONFLICT, vec!["collides".to_string()]), "{refused}");
    let made = stamp(Utc::now() - Duration::hours(73));
    assert_eq!(server.execute_sql(&format!("UPDATE booking SET created_at = '{made}' WHERE id = {first}")).await.unwrap(), 1);
    let (status, second) = principal.post("/api/v1/bookings", slot.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "the expired request no longer holds the slot: {second}");
    let second = second["bookings"][0]["id"].as_i64().unwrap();
    assert_eq!(teacher.get(&format!("/api/v1/bookings/{first}")).await.1["status"], "expired");
    let (_, notes) = teacher.get("/api/v1/notifications").await;
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["text"].as_str().unwrap().contains("已过期")), "{notes}");

    // The sweep: a request left three days expires when the server looks (at start, then every
    // minute) without anyone asking for its slot.
    let thursday = format!("{}", wednesday + Duration::days(1));
    let (status, third) = teacher
        .post(
            "/api/v1/bookings",
            json!({"facility_id": lab, "start": format!("{thursday}T18:00:00"), "end": format!("{thursday}T19:00:00"), "purpose": "复习"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{third}");
    let third = third["bookings"][0]["id"].as_i64().unwrap();
    server.execute_sql(&format!("UPDATE booking SET created_at = '{made}' WHERE id = {third}")).await.unwrap();
    server.restart().await.unwrap();
    let (teacher, principal, head, admin) = (
        server.client("teacher").await.unwrap(),
        server.client("principal").await.unwrap(),
        server.client("head").await.unwrap(),
        server.client("admin").await.unwrap(),
    );
    assert_eq!(teacher.get(&format!("/api/v1/bookings/{third}")).await.1["status"], "expired");

    // A no-show: only the lender marks it, only once the booking has begun, and may take it back.
    let patch = |d: &str| Some(json!({"decision": d}));
    assert_eq!(head.call("PATCH", &format!("/api/v1/bookings/{second}"), patch("approve")).await.0, StatusCode::OK);
    let (status, early) = head.call("PATCH", &format!("/api/v1/bookings/{second}"), patch("no_show")).await;
    assert_eq!((status, codes(&early)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_begun_yet".to_string()]), "{early}");
    // Yesterday 10:00–11:00 in the county (UTC+8).
    let begun = (today - Duration::days(1)).and_hms_opt(2, 0, 0).unwrap().and_utc();
    let (from, to) = (stamp(begun), stamp(begun + Duration::hours(1)));
    server.execute_sql(&format!("UPDATE booking SET starts_at = '{from}', ends_at = '{to}' WHERE id = {second}")).await.unwrap();
    assert_eq!(teacher.call("PATCH", &format!("/api/v1/bookings/{second}"), patch("no_show")).await.0, StatusCode::FORBIDDEN);
    let (status, marked) = head.call("PATCH", &format!("/api/v1/bookings/{second}"), patch("no_show")).await;
    assert_eq!((status, marked[0]["status"].as_str()), (StatusCode::OK, Some("no_show")), "{marked}");
    let (_, undone) = head.call("PATCH", &format!("/api/v1/bookings/{second}"), patch("attended")).await;
    assert_eq!(undone[0]["status"], "confirmed");
    assert_eq!(head.call("PATCH", &format!("/api/v1/bookings/{second}"), patch("no_show")).await.0, StatusCode::OK);
    let (_, notes) = principal.get("/api/v1/notifications").await;
    assert!(notes["items"][0]["text"].as_str().unwrap().contains("未到场"), "{notes}");

    // The usage figures count both outcomes; a cluster's totals add its schools' facilities.
    let yesterday = today - Duration::days(1);
    let (status, usage) = admin.get(&format!("/api/v1/usage?from={yesterday}&to={}", wednesday + Duration::days(7))).await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    let row = usage["facilities"].as_array().unwrap().iter().find(|f| f["facility_id"] == lab).unwrap().clone();
    assert_eq!((row["expired"].as_u64(), row["no_show"].as_u64(), row["hours_lent"].as_f64()), (Some(2), Some(1), Some(0.0)), "{row}");
    let month = yesterday.format("%Y-%m").to_string();
    assert_eq!(usage["months"][&month]["no_show"], 1, "{usage}");
    let (status, page) = head.page(&format!("/bookings/usage?from={yesterday}&to={}", wednesday + Duration::days(7))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"usage-chart\"") && page.contains("id=\"usage-clusters\"") && page.contains("未到场"), "usage page");

    // The facility's month shows the no-show and the term's days; the schedule of a facility
    // or cluster the viewer cannot see is not found.
    let (status, page) = head.page(&format!("/bookings/schedule?facility={lab}&view=month&date={yesterday}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("href=\"/bookings/{second}\"")), "the no-show on the month");
    let (status, page) = teacher.page(&format!("/bookings/schedule?view=week&date={wednesday}")).await;
    assert_eq!(status, StatusCode::OK, "the teacher's school by default");
    assert!(page.contains("id=\"schedule\""));
    let other = server.client("other-admin").await.unwrap();
    assert_eq!(other.page(&format!("/bookings/schedule?facility={lab}")).await.0, StatusCode::NOT_FOUND, "another county's facility");
    assert_eq!(teacher.page("/bookings/schedule?cluster=999999").await.0, StatusCode::NOT_FOUND);

    // Cancelling from the booking's page asks first; the confirmed form cancels it.
    let (status, fourth) = teacher
        .post(
            "/api/v1/bookings",
            json!({"facility_id": lab, "start": format!("{thursday}T19:30:00"), "end": format!("{thursday}T20:30:00"), "purpose": "复习"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{fourth}");
    let fourth = fourth["bookings"][0]["id"].as_i64().unwrap();
    let (status, asked) = teacher.page(&format!("/bookings/{fourth}")).await;
    assert!(status == StatusCode::OK && asked.contains("id=\"cancel\""));
    assert_eq!(teacher.form(&format!("/bookings/{fourth}/decide"), &[("decision", "cancel".into())]).await, StatusCode::OK);
    assert_eq!(teacher.get(&format!("/api/v1/bookings/{fourth}")).await.1["status"], "pending", "asked, not yet cancelled");
    teacher.form(&format!("/bookings/{fourth}/decide?decision=cancel"), &[("confirmed", "yes".into())]).await;
    assert_eq!(teacher.get(&format!("/api/v1/bookings/{fourth}")).await.1["status"], "cancelled");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn outcomes_on_every_backend() {
    for backend in Backend::all() {
        outcomes(backend).await;
    }
}
