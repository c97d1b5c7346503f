//! The demo county's year of running its clusters: activities every few weeks in every cluster
//! with sign-ups, check-ins and records (and a few still to come, one of them today), training
//! entered by schools, a work plan per cluster with tasks at every stage, councils with minutes
//! and decisions, and budgets with expenditures at every step of approval. The demo teacher
//! account is linked to a teacher of its school, so sign-up and check-in work at once.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use xuequ_domain::Role;
use xuequ_domain::activity::{ActivityKind, AttendeeOrigin, CheckIn, hours};
use xuequ_domain::booking::to_utc;
use xuequ_domain::budget::{Source, SpendCategory};
use xuequ_domain::running::{CouncilRole, DecisionStatus, SpendStatus, TaskStatus};
use xuequ_store::Ctx;
use xuequ_store::running::activities::{ActivityFields, Attendance, Going, NewTraining};
use xuequ_store::running::affairs::{NewDecision, NewMeeting, NewMember, TaskFields};
use xuequ_store::running::budgets::{NewExpenditure, NewSource, Step};

use crate::{App, Result};

/// A number in `0..n` that depends on `seed` alone (the demo is the same on every machine).
fn pick(seed: usize, n: usize) -> usize {
    (seed.wrapping_mul(2_654_435_761) >> 7) % n.max(1)
}

const TOPICS: &[(&str, &str)] = &[
    ("math", "一次函数的图像"),
    ("chinese", "《背影》中的父爱"),
    ("english", "Unit 3 阅读课"),
    ("math", "分数的初步认识"),
    ("science", "植物的光合作用"),
    ("chinese", "小学习作起步"),
    ("physics", "浮力"),
    ("math", "勾股定理"),
    ("music", "合唱教学"),
    ("pe", "大课间活动设计"),
    ("chemistry", "酸和碱"),
    ("history", "辛亥革命"),
];

const KINDS: &[ActivityKind] = &[
    ActivityKind::SameLesson,
    ActivityKind::JointResearch,
    ActivityKind::CollectivePreparation,
    ActivityKind::Observation,
    ActivityKind::SendLessons,
    ActivityKind::Lecture,
    ActivityKind::Training,
    ActivityKind::MasterStudio,
    ActivityKind::StudentArtsSports,
];

fn title(kind: ActivityKind, i: usize) -> (String, &'static str) {
    let (subject, topic) = TOPICS[pick(i, TOPICS.len())];
    let text = match kind {
        ActivityKind::SameLesson => format!("“{topic}”同课异构"),
        ActivityKind::JointResearch => format!("“{topic}”联合教研"),
        ActivityKind::CollectivePreparation => format!("“{topic}”集体备课"),
        ActivityKind::Observation => format!("“{topic}”听课观摩"),
        ActivityKind::SendLessons => format!("送教下乡：{topic}"),
        ActivityKind::Lecture => "专题讲座：大单元教学设计".to_string(),
        ActivityKind::Training => "新课标解读培训".to_string(),
        ActivityKind::MasterStudio => format!("名师工作室研讨：{topic}"),
        _ => "学区学生合唱与运动会".to_string(),
    };
    (text, subject)
}

/// Loads the running year into every county that has no activities yet.
pub async fn load(app: &App) -> Result<()> {
    for county in app.store.counties().await? {
        if !app.store.activities(county.id, &Default::default()).await?.is_empty() {
            continue;
        }
        county_year(app, county.id).await?;
    }
    Ok(())
}

/// One county's running year: activities, plans, councils, budgets and trainings of its clusters.
pub async fn county_year(app: &App, county: i64) -> Result<()> {
    let users = app.store.users(county, xuequ_store::Paging::new(Some(1), Some(100))).await?.items;
    let Some(bureau) = users.iter().find(|u| u.role == Role::BureauAdmin) else { return Ok(()) };
    let ctx_of = |u: &xuequ_store::entities::user::Model| Ctx { county_id: county, user_id: Some(u.id), username: u.display_name.clone() };
    let bureau_ctx = ctx_of(bureau);
    let teachers = app.store.active_teachers(county).await?;
    // The demo teacher is a teacher of their school, and goes to some of their cluster's
    // activities.
    let mut demo_teacher = None;
    if let Some(u) = users.iter().find(|u| u.role == Role::Teacher)
        && let Some(t) = teachers.iter().find(|t| Some(t.school_id) == u.school_id)
    {
        app.store.link_teacher(&bureau_ctx, u.id, Some(t.id)).await?;
        demo_teacher = Some(t.clone());
    }
    let head = users.iter().find(|u| u.role == Role::ClusterHead);
    let now_cluster = head.and_then(|h| h.cluster_id);
    let clusters: Vec<_> = app.store.all_clusters(county).await?.into_iter().filter(|c| c.dissolved_on.is_none()).collect();
    let memberships = app.store.current_memberships(county).await?;
    let today = Utc::now().date_naive();
    let year = today.year();
    let mut n = 0usize;
    for (ci, c) in clusters.iter().enumerate() {
        let schools = memberships.get(&c.id).cloned().unwrap_or_default();
        if schools.is_empty() {
            continue;
        }
        let organiser = match head {
            Some(h) if h.cluster_id == Some(c.id) => ctx_of(h),
            _ => bureau_ctx.clone(),
        };
        let mut staff: Vec<_> = teachers.iter().filter(|t| schools.contains(&t.school_id)).collect();
        if let Some(t) = demo_teacher.as_ref().filter(|t| schools.contains(&t.school_id)) {
            staff.retain(|x| x.id != t.id);
            staff.insert(0, t);
        }
        // Every three weeks or so from last December to two months ahead, and one today.
        let mut day = today - Duration::days(360 - (ci as i64 * 3));
        let mut k = 0usize;
        while day <= today + Duration::days(60) {
            k += 1;
            n += 1;
            let kind = KINDS[pick(n + ci, KINDS.len())];
            activity(app, &organiser, c.id, &schools, &staff, kind, day, n, today, k.is_multiple_of(2)).await?;
            day += Duration::days(18 + pick(n, 9) as i64);
        }
        if now_cluster.map_or(ci == 0, |k| k == c.id) {
            // One happening now, so that the check-in screen shows a code.
            activity(app, &organiser, c.id, &schools, &staff, ActivityKind::SameLesson, today, 0, today, false).await?;
        }
        plan(app, &organiser, c.id, &schools, year, today).await?;
        council(app, &organiser, c.id, &schools, &staff, today, ci).await?;
        budget(app, &bureau_ctx, &organiser, c.id, &schools, year, today, ci).await?;
    }
    trainings(app, &bureau_ctx, &teachers, year, today).await
}

#[allow(clippy::too_many_arguments)]
async fn activity(
    app: &App,
    ctx: &Ctx,
    cluster: i64,
    schools: &[i64],
    staff: &[&xuequ_store::entities::teacher::Model],
    kind: ActivityKind,
    day: NaiveDate,
    n: usize,
    today: NaiveDate,
    with_first: bool,
) -> Result<()> {
    let host = schools[pick(n, schools.len())];
    // `n` 0 is the activity happening now.
    let now_one = n == 0;
    let start = if now_one {
        let now = xuequ_domain::booking::to_local(Utc::now());
        now - Duration::minutes(20)
    } else {
        day.and_hms_opt(14, 0, 0).expect("time")
    };
    let minutes = if kind == ActivityKind::Training { 240 } else { 150 };
    let (text, subject) = title(kind, n);
    let fields = ActivityFields {
        cluster_id: Some(cluster),
        kind,
        title: text,
        description: "学区内各校同学科教师参加；请提前准备听课记录表。".to_string(),
        host_school_id: host,
        place: ["录播教室", "三楼会议室", "多功能厅", "报告厅"][pick(n, 4)].to_string(),
        facility_id: None,
        booking_id: None,
        starts_at: to_utc(start),
        ends_at: to_utc(start + Duration::minutes(minutes)),
        subject: if kind.for_students() { String::new() } else { subject.to_string() },
        grade: 0,
        capacity: if pick(n, 3) == 0 { Some(40) } else { None },
        signup_deadline: None,
        credit: if kind.for_students() { 0 } else { hours::default_credit(minutes) },
        invited: Vec::new(),
    };
    let created_at = to_utc((start - Duration::days(10)).min(xuequ_domain::booking::to_local(Utc::now())));
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
    let a = app.store.create_activity(ctx, &fields, &ctx.username, &hex::encode(secret), created_at).await?;
    // 8–22 teachers of the cluster's schools; those of past activities mostly came.
    let count = (8 + pick(n * 7, 15)).min(staff.len());
    let past = day < today;
    let first = with_first.then_some(0).into_iter();
    let list: Vec<Attendance> = first
        .chain((0..count).map(|j| pick(n * 131 + j * 17, staff.len())))
        .map(|j| staff[j])
        .fold(Vec::<&xuequ_store::entities::teacher::Model>::new(), |mut acc, t| {
            if !acc.iter().any(|x| x.id == t.id) {
                acc.push(t);
            }
            acc
        })
        .into_iter()
        .enumerate()
        .map(|(j, t)| {
            let came = past && pick(n + j * 3, 10) < 9;
            Attendance {
                going: Going {
                    teacher_id: t.id,
                    school_id: t.school_id,
                    origin: if j % 3 == 0 { AttendeeOrigin::Assigned } else { AttendeeOrigin::Signup },
                },
                checked_in_at: came.then(|| to_utc(start + Duration::minutes(pick(j, 25) as i64 - 10))),
                how: if j % 5 == 0 { CheckIn::Hand } else { CheckIn::Code },
                credit: if came { fields.credit } else { 0 },
            }
        })
        .collect();
    app.store.record_attendance(ctx, a.id, &list).await?;
    if past {
        let summary = format!(
            "{}。承办学校执教教师展示，参与教师分组评课，围绕教学目标、学生活动与课堂评价展开讨论；形成改进建议 3 条，下次活动跟进落实。",
            a.title
        );
        app.store.write_record(ctx, a.id, &summary, a.revision, a.ends_at).await?;
        for (j, att) in list.iter().filter(|x| x.checked_in_at.is_some()).take(4).enumerate() {
            let stars = 3 + pick(n + j, 3) as i32;
            app.store
                .review(ctx, a.id, att.going.teacher_id, stars, ["很有收获", "评课环节可以更长一些", "希望多安排此类活动", ""][j % 4])
                .await?;
        }
    }
    Ok(())
}

async fn plan(app: &App, ctx: &Ctx, cluster: i64, schools: &[i64], year: i32, today: NaiveDate) -> Result<()> {
    let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).expect("date");
    let tasks = [
        ("制定学区教研活动安排表", 2, 28),
        ("学区内骨干教师交流轮岗 10%", 8, 31),
        ("建设学区共享课程资源 200 件", 6, 30),
        ("开展送教下乡活动 8 次", 11, 30),
        ("学区学生艺术节", 5, 20),
        ("完成年度学区评估自评报告", 12, 20),
    ];
    let fields: Vec<TaskFields> = tasks
        .iter()
        .enumerate()
        .map(|(i, (title, m, d))| {
            let due = date(*m, *d);
            let (status, done_on) = if due < today {
                match i % 3 {
                    0 => (TaskStatus::Done, Some(due - Duration::days(3))),
                    1 => (TaskStatus::Done, Some(due + Duration::days(12))),
                    _ => (TaskStatus::InProgress, None),
                }
            } else {
                (if i % 2 == 0 { TaskStatus::InProgress } else { TaskStatus::Planned }, None)
            };
            TaskFields {
                title: title.to_string(),
                owner_school_id: Some(schools[i % schools.len()]),
                due_on: due,
                status,
                done_on,
                note: String::new(),
            }
        })
        .collect();
    let goals = "以学区为单位推进义务教育优质均衡：统一教研、共享资源、教师流动、质量共评。";
    app.store.create_work_plan(ctx, cluster, year, &format!("{year} 年学区工作计划"), goals, &fields).await?;
    Ok(())
}

async fn council(
    app: &App,
    ctx: &Ctx,
    cluster: i64,
    schools: &[i64],
    staff: &[&xuequ_store::entities::teacher::Model],
    today: NaiveDate,
    ci: usize,
) -> Result<()> {
    let names = app.store.school_names(ctx.county_id, schools).await?;
    for (i, s) in schools.iter().take(4).enumerate() {
        // Each school sits on the council through its principal.
        let principal = staff.iter().find(|t| t.school_id == *s && t.post == xuequ_domain::Post::Principal);
        let name =
            principal.or_else(|| staff.iter().find(|t| t.school_id == *s)).map(|t| t.name.clone()).unwrap_or_else(|| "王校长".into());
        let role = if i == 0 {
            CouncilRole::Chair
        } else if i == 1 {
            CouncilRole::Secretary
        } else {
            CouncilRole::Member
        };
        let member = NewMember { name, school_id: Some(*s), role, since: today - Duration::days(400) };
        app.store.add_council_member(ctx, cluster, &member).await?;
    }
    for (i, months_ago) in [10i64, 4].iter().enumerate() {
        let held_on = today - Duration::days(months_ago * 30 + ci as i64);
        let present = schools.iter().filter_map(|s| names.get(s).map(|n| n.1.clone())).take(6).collect::<Vec<_>>().join("、");
        let meeting = NewMeeting {
            held_on,
            title: if i == 0 { "学区理事会第一次会议".into() } else { "学区理事会年中推进会".into() },
            place: "龙头学校会议室".into(),
            present,
            minutes: "会议听取了各校工作汇报，研究了学区教研安排、教师交流和经费使用，形成以下决议。".into(),
            decisions: vec![
                NewDecision {
                    text: "各成员校每学期至少承办一次学区教研活动".into(),
                    owner_school_id: None,
                    due_on: Some(held_on + Duration::days(120)),
                },
                NewDecision {
                    text: "龙头学校牵头建设学区共享题库".into(),
                    owner_school_id: schools.first().copied(),
                    due_on: Some(held_on + Duration::days(90)),
                },
            ],
        };
        let m = app.store.create_meeting(ctx, cluster, &meeting).await?;
        if i == 0 {
            for d in app.store.decisions(ctx.county_id, &[m.id]).await?.into_iter().take(1) {
                app.store.set_decision_status(ctx, d.id, DecisionStatus::Done, Some(held_on + Duration::days(60))).await?;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn budget(app: &App, bureau: &Ctx, head: &Ctx, cluster: i64, schools: &[i64], year: i32, today: NaiveDate, ci: usize) -> Result<()> {
    // 150,000 yuan for the cluster and 50,000 per member school (the seeds' figures, scaled).
    let per_cluster = 15_000_000;
    let per_school = 5_000_000;
    let mut sources = vec![NewSource { source: Source::CountyPerCluster, school_id: None, amount: per_cluster, note: String::new() }];
    sources.extend(schools.iter().map(|s| NewSource {
        source: Source::CountyPerSchool,
        school_id: Some(*s),
        amount: per_school,
        note: String::new(),
    }));
    let total: i64 = sources.iter().map(|s| s.amount).sum();
    let split = [
        (SpendCategory::Research, 30),
        (SpendCategory::Training, 25),
        (SpendCategory::ExchangeAllowance, 20),
        (SpendCategory::SharedEquipment, 10),
        (SpendCategory::StudentActivities, 10),
        (SpendCategory::Office, 5),
    ];
    let mut lines: Vec<(SpendCategory, i64)> = split.iter().map(|(k, p)| (*k, total * p / 100)).collect();
    let rest = total - lines.iter().map(|l| l.1).sum::<i64>();
    lines[0].1 += rest;
    let b = app.store.set_budget(bureau, cluster, year, &sources, &lines).await?;
    let stored = app.store.budget_lines(bureau.county_id, &[b.id]).await?;
    let line = |k: SpendCategory| stored.iter().find(|l| l.category == k).expect("line");
    let days_in = (today - NaiveDate::from_ymd_opt(year, 1, 1).expect("date")).num_days().max(1);
    let spend = [
        (SpendCategory::Research, 0.35, "学区教研活动专家讲课费", "县教师发展中心"),
        (SpendCategory::Research, 0.2, "同课异构活动资料印刷", "城关印务"),
        (SpendCategory::Training, 0.4, "新课标培训讲师费", "市教科院"),
        (SpendCategory::ExchangeAllowance, 0.5, "交流教师交通补助（上半年）", "交流教师"),
        (SpendCategory::SharedEquipment, if ci == 0 { 0.82 } else { 0.3 }, "录播设备维护", "华教科技"),
        (SpendCategory::StudentActivities, 0.25, "学生艺术节场地与器材", "县文化馆"),
        (SpendCategory::Office, 0.3, "理事会会议资料", "城关印务"),
        (SpendCategory::Training, 0.08, "送教下乡交通费", "县运输公司"),
    ];
    for (i, (category, share, purpose, payee)) in spend.iter().enumerate() {
        let l = line(*category);
        let amount = ((l.amount as f64) * share) as i64 / 100 * 100;
        let e = NewExpenditure {
            line_id: l.id,
            spent_on: NaiveDate::from_ymd_opt(year, 1, 1).expect("date")
                + Duration::days((days_in * (i as i64 + 1)) / (spend.len() as i64 + 1)),
            amount,
            payee: payee.to_string(),
            voucher: format!("{year}-{:03}", ci * 20 + i + 1),
            purpose: purpose.to_string(),
            activity_id: None,
        };
        let row = app.store.request_spending(head, b.id, &e, &head.username).await?;
        match i {
            7 => {}
            4 if ci != 0 => {
                app.store.decide_spending(head, row.id, SpendStatus::Pending, Step::ToBureau, false, "").await?;
            }
            6 => {
                app.store.decide_spending(head, row.id, SpendStatus::Pending, Step::Decline, false, "请补充会议通知和签到表").await?;
            }
            _ if amount > 500_000 => {
                app.store.decide_spending(head, row.id, SpendStatus::Pending, Step::ToBureau, false, "").await?;
                app.store.decide_spending(bureau, row.id, SpendStatus::AwaitingBureau, Step::Approve, true, "").await?;
            }
            _ => {
                app.store.decide_spending(head, row.id, SpendStatus::Pending, Step::Approve, false, "").await?;
            }
        }
    }
    Ok(())
}

async fn trainings(app: &App, ctx: &Ctx, teachers: &[xuequ_store::entities::teacher::Model], year: i32, today: NaiveDate) -> Result<()> {
    let list: Vec<NewTraining> = teachers
        .iter()
        .enumerate()
        .filter(|(i, _)| pick(*i, 10) < 6)
        .map(|(i, t)| {
            let on = (NaiveDate::from_ymd_opt(year, 1, 1).expect("date") + Duration::days(pick(i, 300) as i64)).min(today);
            NewTraining {
                teacher_id: t.id,
                school_id: t.school_id,
                category: hours::Category::Training,
                title: ["国培计划乡村教师能力提升", "省级骨干教师培训", "信息技术应用能力提升 2.0", "班主任专业能力培训"][pick(i, 4)]
                    .into(),
                provider: ["省教育厅", "市教科院", "县教师发展中心"][pick(i + 1, 3)].into(),
                on_date: on,
                hours: [120, 240, 300, 160][pick(i + 2, 4)],
            }
        })
        .collect();
    // Most schools also enter their own school-based research (校本研修) of the year.
    let mut list = list;
    list.extend(teachers.iter().enumerate().filter(|(i, _)| pick(i + 7, 10) < 7).map(|(i, t)| NewTraining {
        teacher_id: t.id,
        school_id: t.school_id,
        category: hours::Category::SchoolBased,
        title: "校本研修：教研组活动与读书分享".into(),
        provider: "本校".into(),
        on_date: (NaiveDate::from_ymd_opt(year, 6, 30).expect("date")).min(today),
        hours: [180, 200, 240][pick(i + 3, 3)],
    }));
    for chunk in list.chunks(1_000) {
        app.store.add_trainings(ctx, chunk).await?;
    }
    Ok(())
}

/// The plan and budget of an earlier calendar year in every cluster of a county, as they stood
/// at its end — what last year's evaluation round of the demo reads.
pub(crate) async fn past_year(app: &App, county: i64, year: i32) -> Result<()> {
    if !app.store.budgets(county, None, Some(year)).await?.is_empty() {
        return Ok(());
    }
    let users = app.store.users(county, xuequ_store::Paging::new(Some(1), Some(100))).await?.items;
    let Some(bureau) = users.iter().find(|u| u.role == Role::BureauAdmin) else { return Ok(()) };
    let ctx_of = |u: &xuequ_store::entities::user::Model| Ctx { county_id: county, user_id: Some(u.id), username: u.display_name.clone() };
    let bureau_ctx = ctx_of(bureau);
    let head = users.iter().find(|u| u.role == Role::ClusterHead);
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December");
    let memberships = app.store.current_memberships(county).await?;
    for (ci, c) in app.store.all_clusters(county).await?.into_iter().filter(|c| c.dissolved_on.is_none()).enumerate() {
        let schools = memberships.get(&c.id).cloned().unwrap_or_default();
        if schools.is_empty() {
            continue;
        }
        let organiser = match head {
            Some(h) if h.cluster_id == Some(c.id) => ctx_of(h),
            _ => bureau_ctx.clone(),
        };
        plan(app, &organiser, c.id, &schools, year, end).await?;
        budget(app, &bureau_ctx, &organiser, c.id, &schools, year, end, ci + 1).await?;
    }
    Ok(())
}
