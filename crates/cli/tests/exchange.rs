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
    let (_, list) = admin.get(&format!("/api/v1/teachers?school_id={}&per_page=200", row["school_id"])).await;
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    // The demo leaves out some teachers who rotated the year before: the school's reason wins.
    let (_, left_out) = admin.items("/api/v1/exchange/exclusions?year=2026").await;
    let left_out: Vec<i64> = left_out.as_array().unwrap().iter().map(|e| e["teacher_id"].as_i64().unwrap()).collect();
    let (mut due, mut retiring, mut young, mut excluded) = (0, 0, 0, 0);
    let mut leaders_due = Vec::new();
    for t in list["items"].as_array().unwrap() {
        let joined: NaiveDate = t["joined_school_on"].as_str().unwrap().parse().unwrap();
        let retires = t["birth_year"].as_i64().map(|b| b + if t["gender"] == "male" { 60 } else { 55 });
        if t["post"] != "teacher" {
            // Principals and vice-principals are due after ten years, and listed apart.
            let years = start.year() - joined.year() - i32::from((start.month(), start.day()) < (joined.month(), joined.day()));
            if !left_out.contains(&t["id"].as_i64().unwrap()) && retires.is_none_or(|r| r > 2028) && years >= 10 {
                leaders_due.push(t["id"].as_i64().unwrap());
            }
            continue;
        }
        if left_out.contains(&t["id"].as_i64().unwrap()) {
            excluded += 1;
            continue;
        }
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
        (row["eligible"].as_u64(), row["retiring"].as_u64(), row["too_few_years"].as_u64(), row["excluded"].as_u64()),
        (Some(due), Some(retiring), Some(young), Some(excluded)),
        "{row}"
    );
    assert!(due > 0 && row["sending"] == true, "an urban school with teachers due: {row}");
    assert!(list["items"].as_array().unwrap().iter().any(|t| t["post"] == "principal"), "the demo names the school's principal");
    let mut listed: Vec<i64> = view["leaders_due"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["school_id"] == row["school_id"])
        .map(|l| l["teacher_id"].as_i64().unwrap())
        .collect();
    listed.sort();
    leaders_due.sort();
    assert_eq!(listed, leaders_due, "the school's leaders due to rotate");
    let at_sending: u64 =
        view["schools"].as_array().unwrap().iter().filter(|s| s["sending"] == true).map(|s| s["eligible"].as_u64().unwrap()).sum();
    assert_eq!(view["eligible_at_sending"].as_u64(), Some(at_sending));
    assert_eq!(view["required_moves"].as_u64(), Some(at_sending.div_ceil(10)), "10 %, rounded up");
    let math = row["gaps"].as_array().unwrap().iter().find(|g| g["subject"] == "math").unwrap();
    assert_eq!(math["short"].as_i64(), Some(math["need"].as_i64().unwrap() - math["have"].as_i64().unwrap()));

    // Teachers see none of it; another year than a calendar knows is named.
    assert_eq!(teacher.get("/api/v1/exchange").await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/api/v1/exchange?year=99999").await.0, StatusCode::UNPROCESSABLE_ENTITY);
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
    county_plan_keeps_the_platform_rules(&admin).await;
    assert_eq!(
        head.post("/api/v1/exchange/plan", json!({"max_km": 30})).await.0,
        StatusCode::FORBIDDEN,
        "the county's plan is the bureau's"
    );
    assert_eq!(principal.post("/api/v1/exchange/plan", json!({"cluster": district})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(head.post("/api/v1/exchange/plan", json!({"cluster": district, "max_km": -1})).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // The page: the quota, the shortage table, and a plan on request.
    let (status, page) = head.page(&format!("/exchange?cluster={district}")).await;
    assert!(status == StatusCode::OK && page.contains("id=\"heat\"") && page.contains("id=\"plan-form\""), "{status}");
    let status = head.form("/exchange/plan", &[("cluster", district.to_string()), ("max_km", "30".into())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(teacher.page("/exchange").await.0, StatusCode::FORBIDDEN);
    server.stop().await.unwrap();
}

/// The county's plan never has two teachers of one subject trade places between the same two
/// schools, never sends a teacher to a school without their section (a primary teacher to a
/// junior school) and never plans a principal or vice-principal; once the bureau allows
/// crossing sections, the plan may.
async fn county_plan_keeps_the_platform_rules(admin: &xuequ_testkit::Api) {
    let (_, schools) = admin.items("/api/v1/schools").await;
    let sections = |school_type: &str| match school_type {
        "primary" | "teaching_point" => vec!["primary"],
        "junior" => vec!["junior"],
        _ => vec!["primary", "junior"],
    };
    let taught: std::collections::HashMap<i64, Vec<&str>> =
        schools.as_array().unwrap().iter().map(|s| (s["id"].as_i64().unwrap(), sections(s["school_type"].as_str().unwrap()))).collect();
    let (_, teachers) = admin.items("/api/v1/teachers").await;
    let by_id: std::collections::HashMap<i64, &serde_json::Value> =
        teachers.as_array().unwrap().iter().map(|t| (t["id"].as_i64().unwrap(), t)).collect();
    // The section a teacher teaches: their own, or their school's only one, or (a nine-year
    // school) the subject's: junior-only subjects are junior, the rest primary.
    let section_of = |t: &serde_json::Value| -> String {
        if let Some(s) = t["section"].as_str() {
            return s.to_string();
        }
        let own = &taught[&t["school_id"].as_i64().unwrap()];
        if own.len() == 1 {
            return own[0].to_string();
        }
        if ["physics", "chemistry", "biology", "history", "geography"].contains(&t["subject"].as_str().unwrap()) {
            "junior"
        } else {
            "primary"
        }
        .to_string()
    };
    let (status, plan) = admin.post("/api/v1/exchange/plan", json!({"max_km": 30})).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let moves = plan["moves"].as_array().unwrap();
    assert!(!moves.is_empty(), "the county's plan moves teachers");
    let mut crossing = 0;
    for m in moves {
        let back = moves.iter().any(|n| n["subject"] == m["subject"] && n["from"] == m["to"] && n["to"] == m["from"]);
        assert!(!back, "two teachers of one subject trade places: {m}");
        let t = by_id[&m["teacher"].as_i64().unwrap()];
        assert_eq!(t["post"], "teacher", "a leader is not planned: {m}");
        let to = &taught[&m["to"].as_i64().unwrap()];
        crossing += usize::from(!to.contains(&section_of(t).as_str()));
    }
    assert_eq!(crossing, 0, "no teacher is sent to a school without their section");
    assert_eq!(plan["quota"]["moves_short"], 0, "rings of three schools still meet the quota: {}", plan["quota"]);
    // The bureau allows crossing sections: the same county's plan now may, and does.
    let (_, mut settings) = admin.get("/api/v1/exchange/settings").await;
    settings["cross_stage"] = json!(true);
    assert_eq!(admin.put("/api/v1/exchange/settings", settings.clone()).await.0, StatusCode::OK);
    let (_, plan) = admin.post("/api/v1/exchange/plan", json!({"max_km": 30})).await;
    let crossing = plan["moves"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !taught[&m["to"].as_i64().unwrap()].contains(&section_of(by_id[&m["teacher"].as_i64().unwrap()]).as_str()))
        .count();
    assert!(crossing > 0, "with crossing allowed, the cheapest plan sends some teacher to another section");
    settings["cross_stage"] = json!(false);
    assert_eq!(admin.put("/api/v1/exchange/settings", settings).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn exchange_on_every_backend() {
    for backend in Backend::all() {
        exchange(backend).await;
    }
}

/// A move from proposal to return, by hand, through the API: both schools' admins agree (and
/// nobody else can agree for them), the bureau confirms, the working school changes on the
/// start date while the home school stays, the move ends early and the history shows both.
/// Then exclusions, a mentorship with its meetings, and the allowance counted by hand.
async fn workflow(backend: Backend) {
    let server = TestServer::start(BIN, &backend).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let principal = server.client("principal").await.unwrap();
    let other = server.client("other-admin").await.unwrap();
    let today = chrono::Local::now().date_naive();

    // The principal's school sends one of its teachers to 青石乡初级中学, whose admin we create.
    let own = principal.get("/api/v1/me").await.1["user"]["school_id"].as_i64().unwrap();
    let far = admin.get(&format!("/api/v1/schools?q={}", "青石乡初级中学")).await.1["items"][0]["id"].as_i64().unwrap();
    let body = json!({"username": "qs.admin", "display_name": "青石乡初中校长", "password": "青石乡的密码123", "role": "school_admin", "school_id": far});
    assert_eq!(admin.post("/api/v1/users", body).await.0, StatusCode::CREATED);
    let receiving = server.client_with("qs.admin", "青石乡的密码123").await.unwrap();
    let (_, teachers) = admin.get(&format!("/api/v1/teachers?school_id={own}&per_page=200")).await;
    let teacher = teachers["items"][0].clone();
    let t = teacher["id"].as_i64().unwrap();
    let ends = today.checked_add_months(chrono::Months::new(12)).unwrap().pred_opt().unwrap();
    let proposal = json!({"teacher_id": t, "to_school_id": far, "form": "rotation", "starts_on": today, "ends_on": ends});

    // Terms that do not fit the form are named; a teacher cannot be in two places.
    let short =
        json!({"teacher_id": t, "to_school_id": far, "form": "rotation", "starts_on": today, "ends_on": today + chrono::Days::new(60)});
    let (status, body) = admin.post("/api/v1/exchange/moves", short).await;
    assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ends_on")), "{body}");
    let same = json!({"teacher_id": t, "to_school_id": own, "form": "rotation", "starts_on": today, "ends_on": ends});
    assert_eq!(admin.post("/api/v1/exchange/moves", same).await.1["error"]["details"][0]["code"], "same_school");
    let partial =
        json!({"teacher_id": t, "to_school_id": far, "form": "itinerant", "starts_on": today, "ends_on": ends, "load_percent": 40});
    assert_eq!(
        admin.post("/api/v1/exchange/moves", partial).await.1["error"]["details"][0]["field"],
        "weekdays",
        "走教 needs its weekdays"
    );
    let (status, mv) = admin.post("/api/v1/exchange/moves", proposal.clone()).await;
    assert_eq!(status, StatusCode::OK, "{mv}");
    assert_eq!((mv["status"].as_str(), mv["from_school_id"].as_i64()), (Some("proposed"), Some(own)));
    let id = mv["id"].as_i64().unwrap();
    let (status, busy) = admin.post("/api/v1/exchange/moves", proposal).await;
    assert_eq!((status, busy["error"]["details"][0]["code"].as_str()), (StatusCode::CONFLICT, Some("teacher_busy")), "{busy}");

    // Each school finds it in its inbox, on its side; the bureau has nothing to confirm yet.
    let ids = |v: &serde_json::Value, key: &str| v[key].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect::<Vec<_>>();
    let (_, inbox) = principal.get("/api/v1/exchange/inbox").await;
    assert!(ids(&inbox, "outgoing").contains(&id) && !ids(&inbox, "incoming").contains(&id), "{inbox}");
    let (_, inbox) = receiving.get("/api/v1/exchange/inbox").await;
    assert!(ids(&inbox, "incoming").contains(&id), "{inbox}");
    assert!(!ids(&admin.get("/api/v1/exchange/inbox").await.1, "to_confirm").contains(&id));

    // Nobody agrees for a school; the bureau waits for both.
    let decide = |d: &str| json!({"decision": d});
    assert_eq!(admin.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("approve"))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("confirm"))).await.0, StatusCode::CONFLICT);
    assert_eq!(receiving.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("confirm"))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(other.get(&format!("/api/v1/exchange/moves/{id}")).await.0, StatusCode::NOT_FOUND, "another county");
    assert_eq!(other.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("confirm"))).await.0, StatusCode::NOT_FOUND);
    let (status, after) = principal.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("approve"))).await;
    assert_eq!(
        (status, after["status"].as_str(), after["sending_agreed_by"].as_str()),
        (StatusCode::OK, Some("proposed"), Some("principal"))
    );
    assert_eq!(
        principal.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("approve"))).await.0,
        StatusCode::FORBIDDEN,
        "once"
    );
    let (_, after) = receiving.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("approve"))).await;
    assert_eq!(after["status"], "approved");
    assert!(ids(&admin.get("/api/v1/exchange/inbox").await.1, "to_confirm").contains(&id));
    let (_, notes) = admin.get("/api/v1/notifications").await;
    assert!(notes.to_string().contains(teacher["name"].as_str().unwrap()), "the bureau hears both schools agreed: {notes}");

    // Confirmed on its start date: it begins now; the teacher works at the receiving school,
    // employed by the home school.
    let (status, after) = admin.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("confirm"))).await;
    assert_eq!((status, after["status"].as_str()), (StatusCode::OK, Some("active")), "{after}");
    let (_, history) = admin.get(&format!("/api/v1/exchange/teachers/{t}/history")).await;
    assert_eq!((history["home_school_id"].as_i64(), history["working_school_id"].as_i64()), (Some(own), Some(far)), "{history}");
    assert_eq!(admin.get(&format!("/api/v1/teachers/{t}")).await.1["school_id"].as_i64(), Some(own), "the home school stays");

    // The bureau ends it early, with a reason: back home, and the history keeps the move.
    assert_eq!(
        admin.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(decide("end_early"))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, after) =
        admin.call("PATCH", &format!("/api/v1/exchange/moves/{id}"), Some(json!({"decision": "end_early", "reason": "家中有事"}))).await;
    assert_eq!(after["status"], "returned");
    let (_, history) = admin.get(&format!("/api/v1/exchange/teachers/{t}/history")).await;
    assert_eq!(history["working_school_id"].as_i64(), Some(own));
    assert_eq!(history["moves"][0]["id"].as_i64(), Some(id));
    let year = if chrono::Datelike::month(&today) >= 9 { today.year() } else { today.year() - 1 };
    let (_, report) = admin.get(&format!("/api/v1/exchange/report?year={year}")).await;
    assert!(report["by_form"]["rotation"]["done"].as_u64().unwrap() >= 1, "{}", report["by_form"]);

    // The school leaves a due teacher out: one fewer due, one more left out; once per year.
    let (_, before) = principal.get(&format!("/api/v1/exchange?year={year}")).await;
    let due = |v: &serde_json::Value, key: &str| v["schools"][0][key].as_u64().unwrap();
    let start = NaiveDate::from_ymd_opt(year, 9, 1).unwrap();
    let eligible = teachers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            let joined: NaiveDate = x["joined_school_on"].as_str().unwrap().parse().unwrap();
            let retires = x["birth_year"].as_i64().map(|b| b + if x["gender"] == "male" { 60 } else { 55 });
            x["post"] == "teacher"
                && joined <= NaiveDate::from_ymd_opt(year - 6, 9, 1).unwrap()
                && retires.is_none_or(|r| r > (start.year() + 2) as i64)
        })
        .expect("a due teacher at the principal's school")["id"]
        .as_i64()
        .unwrap();
    let leave_out = json!({"teacher_id": eligible, "year": year, "reason": "illness"});
    let (status, ex) = principal.post("/api/v1/exchange/exclusions", leave_out.clone()).await;
    assert_eq!(status, StatusCode::OK, "{ex}");
    assert_eq!(principal.post("/api/v1/exchange/exclusions", leave_out).await.0, StatusCode::CONFLICT);
    let other_reason = json!({"teacher_id": eligible, "year": year + 1, "reason": "other"});
    assert_eq!(principal.post("/api/v1/exchange/exclusions", other_reason).await.1["error"]["details"][0]["field"], "note");
    let (_, now) = principal.get(&format!("/api/v1/exchange?year={year}")).await;
    assert_eq!((due(&now, "eligible"), due(&now, "excluded")), (due(&before, "eligible") - 1, due(&before, "excluded") + 1));
    let far_teacher = admin.get(&format!("/api/v1/teachers?school_id={far}&per_page=1")).await.1["items"][0]["id"].as_i64().unwrap();
    let elsewhere = json!({"teacher_id": far_teacher, "year": year, "reason": "illness"});
    assert_eq!(principal.post("/api/v1/exchange/exclusions", elsewhere).await.0, StatusCode::NOT_FOUND, "not their teacher");
    let ex_id = ex["id"].as_i64().unwrap();
    assert_eq!(receiving.delete(&format!("/api/v1/exchange/exclusions/{ex_id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(principal.delete(&format!("/api/v1/exchange/exclusions/{ex_id}")).await.0, StatusCode::OK);
    assert_eq!(due(&principal.get(&format!("/api/v1/exchange?year={year}")).await.1, "eligible"), due(&before, "eligible"));

    // A mentorship across the two schools; its meetings within its period, not in the future.
    let pair = json!({"mentor_id": t, "mentee_id": far_teacher, "starts_on": today - chrono::Days::new(30), "ends_on": today + chrono::Days::new(300)});
    let (status, pair) = principal.post("/api/v1/exchange/mentorships", pair).await;
    assert_eq!(status, StatusCode::OK, "{pair}");
    let pair_id = pair["id"].as_i64().unwrap();
    let meeting = |day: NaiveDate| json!({"held_on": day, "minutes": 45, "kind": "observation", "notes": "听课"});
    let path = format!("/api/v1/exchange/mentorships/{pair_id}/meetings");
    assert_eq!(receiving.post(&path, meeting(today - chrono::Days::new(3))).await.0, StatusCode::OK, "either school records");
    assert_eq!(receiving.post(&path, meeting(today + chrono::Days::new(3))).await.1["error"]["details"][0]["code"], "future_date");
    assert_eq!(receiving.post(&path, meeting(today - chrono::Days::new(40))).await.1["error"]["details"][0]["field"], "held_on");
    assert_eq!(other.get(&format!("/api/v1/exchange/mentorships/{pair_id}")).await.0, StatusCode::NOT_FOUND);
    let (_, figures) = principal.get(&format!("/api/v1/exchange/figures?year={year}")).await;
    assert_eq!(
        (figures["mentorship_pairs"].as_u64().unwrap() >= 1, figures["mentorship_meetings"].as_u64().unwrap() >= 1),
        (true, true),
        "{figures}"
    );

    // The allowance by hand: one tier of 300 yuan for every non-urban school; in 2025 each
    // teacher working at the (rural) principal's school on a month's 15th is paid for it —
    // its own teachers since they joined, unless rotated away, and those rotated here.
    let tiers = json!({"subsidy": {"tiers": [{"name": "一类", "min_km": 0, "monthly_yuan": 300}]}});
    assert_eq!(principal.put("/api/v1/exchange/settings", tiers.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.put("/api/v1/exchange/settings", tiers).await.0, StatusCode::OK);
    let (_, paid) = principal.items("/api/v1/exchange/subsidy?year=2025").await;
    // Moves of the whole post that began: the months away are paid where the teacher was.
    let (_, moves) = admin.items(&format!("/api/v1/exchange/moves?school={own}")).await;
    let away = |id: i64, day: NaiveDate| -> Option<i64> {
        moves.as_array().unwrap().iter().find_map(|m| {
            let (from, to): (NaiveDate, NaiveDate) = (m["starts_on"].as_str()?.parse().ok()?, m["ends_on"].as_str()?.parse().ok()?);
            let began = m["status"] == "active" || m["status"] == "returned";
            (m["teacher_id"].as_i64() == Some(id) && began && from <= day && day <= to).then(|| m["to_school_id"].as_i64().unwrap())
        })
    };
    let mut expected = std::collections::BTreeMap::new();
    for x in teachers["items"].as_array().unwrap() {
        let joined: NaiveDate = x["joined_school_on"].as_str().unwrap().parse().unwrap();
        let id = x["id"].as_i64().unwrap();
        let months = (1..=12)
            .map(|m| NaiveDate::from_ymd_opt(2025, m, 15).unwrap())
            .filter(|mid| *mid >= joined && away(id, *mid).is_none())
            .count() as u64;
        if months > 0 {
            expected.insert(id, months * 300);
        }
    }
    // Teachers of other schools placed here.
    let placed: std::collections::BTreeSet<i64> = moves
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to_school_id"].as_i64() == Some(own))
        .map(|m| m["teacher_id"].as_i64().unwrap())
        .collect();
    for id in placed {
        let months = (1..=12).filter(|mo| away(id, NaiveDate::from_ymd_opt(2025, *mo, 15).unwrap()) == Some(own)).count() as u64;
        if months > 0 {
            *expected.entry(id).or_default() += months * 300;
        }
    }
    let got: std::collections::BTreeMap<i64, u64> =
        paid.as_array().unwrap().iter().map(|a| (a["teacher_id"].as_i64().unwrap(), a["total_yuan"].as_u64().unwrap())).collect();
    assert_eq!(got, expected, "every teacher working at the school, months × 300");
    let bad = json!({"rules": {"years_teacher": 0, "years_leader": 10, "quota": 0.1, "backbone_share": 0.2, "retiring_within_years": 2, "retirement_age_male": 60, "retirement_age_female": 55}});
    assert_eq!(admin.put("/api/v1/exchange/settings", bad).await.1["error"]["details"][0]["field"], "years_teacher");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn workflow_on_every_backend() {
    for backend in Backend::all() {
        workflow(backend).await;
    }
}

/// A file made from the template before 职务 existed (no such column), imported over the
/// registry, leaves each principal a principal; a file with the column sets it.
#[tokio::test(flavor = "multi_thread")]
async fn an_older_teacher_file_keeps_the_principals() {
    let server = TestServer::start(BIN, &Backend::Sqlite).await.expect("server starts");
    let admin = server.client("admin").await.unwrap();
    let (_, list) = admin.items("/api/v1/teachers").await;
    let principal = list.as_array().unwrap().iter().find(|t| t["post"] == "principal").expect("the demo has principals").clone();
    let (_, school) = admin.get(&format!("/api/v1/schools/{}", principal["school_id"])).await;
    let row = |post: Option<&str>| {
        let mut cells = vec![
            principal["staff_no"].as_str().unwrap().to_string(),
            principal["name"].as_str().unwrap().to_string(),
            if principal["gender"] == "male" { "男" } else { "女" }.to_string(),
            school["code"].as_str().unwrap().to_string(),
            "数学".into(),
            "本科".into(),
            "一级教师".into(),
            "无".into(),
            principal["joined_school_on"].as_str().unwrap().to_string(),
        ];
        cells.extend(post.map(String::from));
        cells.join(",")
    };
    let header = "教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间";
    let post_of = |api: &xuequ_testkit::Api, id: i64| {
        let api = api.clone();
        async move { api.get(&format!("/api/v1/teachers/{id}")).await.1["post"].as_str().unwrap().to_string() }
    };
    let id = principal["id"].as_i64().unwrap();
    let older = format!("{header}\n{}\n", row(None));
    let (status, body) =
        admin.multipart("POST", "/api/v1/import/teachers?update_existing=true", &[], &[("old.csv", older.as_bytes())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(post_of(&admin, id).await, "principal", "a file without 职务 keeps the post");
    let newer = format!("{header},职务\n{}\n", row(Some("副校长")));
    let (status, body) =
        admin.multipart("POST", "/api/v1/import/teachers?update_existing=true", &[], &[("new.csv", newer.as_bytes())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(post_of(&admin, id).await, "vice_principal", "a file with 职务 sets it");
    server.stop().await.unwrap();
}
