//! Debian's chromium, driven through chromedriver: sign in and open a school page, as a person
//! would. Screenshots of each step go to the test's temporary directory (and stay there when a
//! step fails). Skipped with a printed reason when chromium or chromedriver is missing.

use fantoccini::{ClientBuilder, Locator, elements::Element};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn screenshot(client: &fantoccini::Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screens");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

type Error = Box<dyn std::error::Error>;
type Step = Result<(), Error>;

/// How long a new page may take to come (fantoccini's own waits allow as long).
const PAGE_WAIT: Duration = Duration::from_secs(30);

/// Does the address fit `pattern`? `*` stands for one segment of the path, a `/**` at the end for
/// that path or any below it (a menu entry may lead on to its first tab); a `?text` at the end
/// asks the query to contain `text`.
fn at(url: &url::Url, pattern: &str) -> bool {
    let (path, query) = pattern.split_once('?').unwrap_or((pattern, ""));
    let path_fits = match path.strip_suffix("/**") {
        Some(base) => url.path() == base || url.path().starts_with(&format!("{base}/")),
        None => {
            let (want, got): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), url.path().split('/').collect());
            want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| *w == *g || (*w == "*" && !g.is_empty()))
        }
    };
    path_fits && url.query().unwrap_or("").contains(query)
}

/// Does `action` (a click on a link or a submit button, an address typed) and returns `only`
/// on the page it opens, once that page is there: a new document (not the page the action
/// started from), loaded, at an address that fits `path` (see `at`), showing `only`.
///
/// Why not just wait for an element: a click returns before the browser has moved on, so an
/// element the old page also has (a table, a flash, the same form, the same address after a
/// save) was found on the old page, and the next use of it failed once the new page replaced
/// it ("stale element reference", about one run in three). So every navigation of these walks
/// goes through here: the page is marked with a number first, and the wait starts only once the
/// browser shows a document without that mark.
async fn opens(
    client: &fantoccini::Client,
    action: impl std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    path: &str,
    only: Locator<'_>,
) -> Result<Element, Error> {
    opens_within(client, PAGE_WAIT, action, path, only).await
}

/// `opens`, for a page that may take up to `within` (a plan is computed behind a page that
/// reloads itself until the plan is ready).
async fn opens_within(
    client: &fantoccini::Client,
    within: Duration,
    action: impl std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    path: &str,
    only: Locator<'_>,
) -> Result<Element, Error> {
    static PAGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    // A new number for each navigation: a page brought back from the browser's back-forward
    // cache carries an older number, never this one.
    let mark = PAGES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    client.execute("window.__xuequ_page = arguments[0];", vec![mark.into()]).await?;
    action.await?;
    let deadline = std::time::Instant::now() + within;
    let mut seen = String::from("the page it started from");
    loop {
        // While the browser is between documents a script may fail: that is "not yet".
        let moved =
            client.execute("return window.__xuequ_page !== arguments[0] && document.readyState === 'complete';", vec![mark.into()]).await;
        if let Ok(serde_json::Value::Bool(true)) = moved {
            let url = client.current_url().await?;
            seen = url.to_string();
            if at(&url, path) {
                match client.find(only).await {
                    Ok(element) => return Ok(element),
                    Err(e) if e.is_no_such_element() || e.is_stale_element_reference() => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("the page at {path} with {only:?} never came (the browser shows {seen})").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks what `target` finds on this page and waits for the page that opens (see `opens`).
async fn click_to(client: &fantoccini::Client, target: Locator<'_>, path: &str, only: Locator<'_>) -> Result<Element, Error> {
    opens(client, async { client.find(target).await?.click().await }, path, only).await
}

/// Opens `url` and waits for its page (see `opens`): redirects end at `path`.
async fn goto_to(client: &fantoccini::Client, url: &str, path: &str, only: Locator<'_>) -> Result<Element, Error> {
    opens(client, client.goto(url), path, only).await
}

/// The text of what `locator` finds, read again if the page replaced it meanwhile (a page that
/// reloads itself, such as the check-in screen).
async fn read(client: &fantoccini::Client, locator: Locator<'_>) -> Result<String, Error> {
    let mut tries = 0;
    loop {
        match client.wait().for_element(locator).await?.text().await {
            Err(e) if e.is_stale_element_reference() && tries < 20 => tries += 1,
            answer => return Ok(answer?),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bureau_admin_signs_in_and_opens_a_school() {
    let (Ok(_), Ok(_)) = (which("chromium"), which("chromedriver")) else {
        eprintln!("skipping the browser test: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)");
        return;
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = TestServer::start(BIN, &Backend::Sqlite).await.expect("server starts");
    let port = free_port();
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1366,900",
                     format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let mut client = None;
    for _ in 0..50 {
        match ClientBuilder::rustls().expect("tls").capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let client = client.expect("chromedriver answers");
    let mut result = steps(&client, &server).await;
    if result.is_ok() {
        result = admin_forms(&client, &server).await;
    }
    if result.is_ok() {
        result = role_walks(&client, &server).await;
    }
    if result.is_ok() {
        result = booking_walk(&client, &server).await;
    }
    if result.is_ok() {
        result = exchange_walk(&client, &server).await;
    }
    if result.is_ok() {
        result = move_walk(&client, &server).await;
    }
    if result.is_ok() {
        result = library_walk(&client, &server).await;
    }
    if result.is_ok() {
        result = running_walk(&client, &server).await;
    }
    if result.is_ok() {
        result = evaluation_walk(&client, &server).await;
    }
    if let Err(e) = &result {
        screenshot(&client, "failure").await;
        eprintln!("browser step failed: {e}; screenshot in {}/screens", env!("CARGO_TARGET_TMPDIR"));
    }
    let _ = client.close().await;
    server.stop().await.unwrap();
    result.unwrap();
}

async fn steps(client: &fantoccini::Client, server: &TestServer) -> Step {
    // Not signed in: the login page, in Chinese.
    goto_to(client, &server.url("/schools"), "/login", Locator::Id("username")).await?;
    assert!(client.source().await?.contains("演示账号"));
    screenshot(client, "login").await;
    client.find(Locator::Id("username")).await?.send_keys("admin").await?;
    client.find(Locator::Id("password")).await?.send_keys("xuequ-demo").await?;
    // Back where the browser was going, now signed in (the login page has a table too).
    click_to(client, Locator::Id("login"), "/schools", Locator::Css("table.list")).await?;
    goto_to(client, &server.url("/"), "/", Locator::Css("div.cards")).await?;
    screenshot(client, "dashboard").await;
    let link = goto_to(client, &server.url("/schools?q=东坪镇中心小学"), "/schools", Locator::LinkText("东坪镇中心小学")).await?;
    screenshot(client, "schools").await;
    opens(client, link.click(), "/schools/*", Locator::Id("stats")).await?;
    let heading = read(client, Locator::Css("h1")).await?;
    assert!(heading.starts_with("东坪镇中心小学"), "{heading}");
    let years = client.find_all(Locator::Css("#stats tbody tr")).await?.len();
    assert_eq!(years, 3, "three school years of statistics");
    screenshot(client, "school").await;
    // The cluster page draws its map.
    click_to(client, Locator::LinkText("城关第二学区"), "/clusters/*", Locator::Css(".map svg circle")).await?;
    screenshot(client, "cluster").await;
    // An import with mistakes: every problem listed with its row and column, nothing written.
    let bad = tempfile::Builder::new().suffix(".csv").tempfile()?;
    std::fs::write(bad.path(), "学校代码,设施名称,设施类型,容纳人数\n3141000001,新实验室,实验室,很多\n3141000001,新操场,操场,100\n")?;
    goto_to(client, &server.url("/import"), "/import", Locator::Css("form[enctype]")).await?;
    client.find(Locator::Css("select[name=kind] option[value=facilities]")).await?.click().await?;
    client.find(Locator::Css("input[type=file]")).await?.send_keys(&bad.path().display().to_string()).await?;
    click_to(client, Locator::Css("form[enctype] button[type=submit]"), "/import", Locator::Id("import-errors")).await?;
    let errors = read(client, Locator::Id("import-errors")).await?;
    screenshot(client, "import-errors").await;
    assert!(errors.contains("D 容纳人数") && errors.contains("C 设施类型"), "{errors}");
    assert_eq!(client.find_all(Locator::Css("#import-errors tbody tr")).await?.len(), 2);
    // A hostile workbook (cells at A1 and XFD1048576) is refused with the limit named, in Chinese.
    let far = tempfile::Builder::new().suffix(".xlsx").tempfile()?;
    std::fs::write(far.path(), xuequ_testkit::hostile::xlsx_with_far_cell(1_048_575, 16_383))?;
    goto_to(client, &server.url("/import"), "/import", Locator::Css("form[enctype]")).await?;
    client.find(Locator::Css("input[type=file]")).await?.send_keys(&far.path().display().to_string()).await?;
    click_to(client, Locator::Css("form[enctype] button[type=submit]"), "/import", Locator::Id("import-errors")).await?;
    let errors = read(client, Locator::Id("import-errors")).await?;
    screenshot(client, "import-hostile").await;
    assert!(errors.contains("XFD") && errors.contains("256"), "{errors}");
    // Two people edit one school: the second save comes back with both values, nothing saved.
    let link = goto_to(client, &server.url("/schools?q=东坪镇中心小学"), "/schools", Locator::LinkText("东坪镇中心小学")).await?;
    opens(client, link.click(), "/schools/*", Locator::Id("stats")).await?;
    let edit_url = format!("{}/edit", client.current_url().await?.path());
    let principal = goto_to(client, &server.url(&edit_url), "/schools/*/edit", Locator::Css("input[name=principal]")).await?;
    let api = server.client("admin").await?;
    let id = edit_url.split('/').nth(2).unwrap_or_default();
    let (_, mut record) = api.get(&format!("/api/v1/schools/{id}")).await;
    for key in ["id", "status", "created_at", "updated_at", "campus_of"] {
        record.as_object_mut().map(|o| o.remove(key));
    }
    record["principal"] = "另一位管理员改的".into();
    api.put(&format!("/api/v1/schools/{id}"), record).await;
    principal.clear().await?;
    principal.send_keys("我在页面上改的").await?;
    click_to(client, Locator::Css("form.record button[type=submit]"), "/schools/*/edit", Locator::Css("div.errors")).await?;
    let page = read(client, Locator::Css("div.errors")).await?;
    screenshot(client, "edit-conflict").await;
    assert!(page.contains("他人已修改"), "{page}");
    assert!(client.source().await?.contains("他人已改为：另一位管理员改的"));
    // The same at phone width.
    let (w, h) = client.get_window_size().await?;
    client.set_window_size(390, 844).await?;
    screenshot(client, "edit-conflict-phone").await;
    client.set_window_size(w as u32, h as u32).await?;
    // Plan the primary schools: the form, the progress page, then the plan on a map, compared
    // with today's districts; then move a school by hand.
    let form = goto_to(client, &server.url("/plans"), "/plans", Locator::Id("plan-form")).await?;
    screenshot(client, "plans").await;
    // The computing time is an advanced setting, folded until opened.
    form.find(Locator::Css("details:last-of-type summary")).await?.click().await?;
    let limit = form.find(Locator::Css("input[name=time_limit]")).await?;
    limit.clear().await?;
    limit.send_keys("2").await?;
    let submit = form.find(Locator::Css("button[type=submit]")).await?;
    opens_within(client, Duration::from_secs(90), submit.click(), "/plans/*", Locator::Css("#plan-map svg circle")).await?;
    screenshot(client, "plan").await;
    let compare = read(client, Locator::Id("compare")).await?;
    assert!(compare.contains("现有学区") && compare.contains("调整学校数"), "{compare}");
    assert!(read(client, Locator::Id("strength-source")).await?.contains("均衡评估"));
    let clusters = client.find_all(Locator::Css("table.plan-cluster")).await?.len();
    assert!((8..=20).contains(&clusters), "a sensible number of districts for 100 primary schools: {clusters}");
    // The moved plan is at the same address with the same map: only a new page tells them apart.
    click_to(client, Locator::Css("#move-form button"), "/plans/*", Locator::Css("#plan-map svg circle")).await?;
    screenshot(client, "plan-moved").await;
    // The language switch.
    click_to(client, Locator::Id("lang-switch"), "/plans/*", Locator::LinkText("Schools")).await?;
    Ok(())
}

/// As the bureau admin: a confirmation before a destructive action, a form with three wrong
/// fields, an import with several problems in one row, and a plan map with a colour per district.
async fn admin_forms(client: &fantoccini::Client, server: &TestServer) -> Step {
    goto_to(client, &server.url("/lang/zh-CN?back=/"), "/", Locator::Css("div.cards")).await?;
    client.set_window_size(1366, 900).await?;
    // 移出学区 asks first, names the school and the cluster, and takes a date; 取消 changes nothing.
    let link = goto_to(client, &server.url("/clusters?q=城关第二学区"), "/clusters", Locator::LinkText("城关第二学区")).await?;
    let members = opens(client, link.click(), "/clusters/*", Locator::Id("members")).await?;
    let before = members.find_all(Locator::Css("tbody tr:not(.past)")).await?.len();
    click_to(client, Locator::Css("#members a[href$=\"/remove\"]"), "/clusters/*/members/*/remove", Locator::Css("ul.consequences"))
        .await?;
    let asked = read(client, Locator::Css("ul.consequences")).await?;
    assert!(asked.contains("城关第二学区"), "{asked}");
    client.find(Locator::Css("input[type=date][name=left_on]")).await?;
    screenshot(client, "confirm-leave").await;
    let members = click_to(client, Locator::LinkText("取消"), "/clusters/*", Locator::Id("members")).await?;
    let after = members.find_all(Locator::Css("tbody tr:not(.past)")).await?.len();
    assert_eq!(before, after, "cancelled: nobody left");
    // A school with an empty name, latitude 200 and longitude 500: three problems, next to their
    // fields, and what was typed is still there.
    goto_to(client, &server.url("/schools/new"), "/schools/new", Locator::Css("form.record")).await?;
    client.execute("document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))", vec![]).await?;
    client.find(Locator::Css("input[name=code]")).await?.send_keys("3149999999").await?;
    client.find(Locator::Css("input[name=latitude]")).await?.send_keys("200").await?;
    client.find(Locator::Css("input[name=longitude]")).await?.send_keys("500").await?;
    click_to(client, Locator::Css("form.record button[type=submit]"), "/schools/new", Locator::Css("label.invalid")).await?;
    let invalid = client.find_all(Locator::Css("label.invalid")).await?.len();
    screenshot(client, "form-three-problems").await;
    assert_eq!(invalid, 3, "name, latitude and longitude");
    assert_eq!(client.find(Locator::Css("input[name=latitude]")).await?.prop("value").await?.as_deref(), Some("200"));
    assert_eq!(client.find(Locator::Css("input[name=code]")).await?.prop("value").await?.as_deref(), Some("3149999999"));
    // One row with three problems: all three listed.
    let bad = tempfile::Builder::new().suffix(".csv").tempfile()?;
    std::fs::write(
        bad.path(),
        "教师编号,姓名,性别,学校代码,任教学科,最高学历,职称,骨干教师级别,到校时间\nB1,,未知,NOPE,语文,本科,一级教师,无,2020-09-01\n",
    )?;
    goto_to(client, &server.url("/import"), "/import", Locator::Css("form[enctype]")).await?;
    client.find(Locator::Css("select[name=kind] option[value=teachers]")).await?.click().await?;
    client.find(Locator::Css("input[type=file]")).await?.send_keys(&bad.path().display().to_string()).await?;
    click_to(client, Locator::Css("form[enctype] button[type=submit]"), "/import", Locator::Id("import-errors")).await?;
    screenshot(client, "import-row-problems").await;
    assert_eq!(client.find_all(Locator::Css("#import-errors tbody tr")).await?.len(), 3, "姓名, 性别 and 学校代码 of row 2");
    // The planner form with three wrong settings — 12 schools per district (the limit is 10), a
    // lead school that does not exist, picked through the school finder, and a time that is not
    // a number — shows all three next to their fields, keeps what was typed, and opens the
    // folded group holding a problem. The finder finds 东坪镇中心小学 by its initials.
    let form = goto_to(client, &server.url("/plans"), "/plans", Locator::Id("plan-form")).await?;
    let finder = form.find(Locator::Css("[data-pick-into=plan-fixed] input")).await?;
    finder.send_keys("dpzx").await?;
    let found = client
        .wait()
        .for_element(Locator::XPath("//datalist[@id='school-names']/option[@value='东坪镇中心小学']"))
        .await?
        .attr("value")
        .await?;
    assert_eq!(found.as_deref(), Some("东坪镇中心小学"));
    finder.clear().await?;
    finder.send_keys("东坪镇中心小学").await?;
    form.find(Locator::Css("[data-pick-into=plan-fixed] button")).await?.click().await?;
    assert_eq!(form.find(Locator::Id("plan-fixed")).await?.prop("value").await?.as_deref(), Some("东坪镇中心小学"));
    let max = form.find(Locator::Css("input[name=max_schools]")).await?;
    max.clear().await?;
    max.send_keys("12").await?;
    let pick = form.find(Locator::Css("[data-pick-into=plan-designated] input")).await?;
    pick.send_keys("不存在的学校").await?;
    form.find(Locator::Css("[data-pick-into=plan-designated] button")).await?.click().await?;
    form.find(Locator::Css("details:last-of-type summary")).await?.click().await?;
    let limit = form.find(Locator::Css("input[name=time_limit]")).await?;
    limit.clear().await?;
    limit.send_keys("abc").await?;
    let submit = form.find(Locator::Css("button[type=submit]")).await?;
    opens(client, submit.click(), "/plans", Locator::Css("#plan-form .field.invalid")).await?;
    screenshot(client, "plan-form-three-problems").await;
    let invalid = client.find_all(Locator::Css("#plan-form .field.invalid")).await?;
    let mut wrong = Vec::new();
    for field in &invalid {
        wrong.push(field.find(Locator::Css("input, textarea")).await?.attr("name").await?.unwrap_or_default());
    }
    wrong.sort();
    assert_eq!(wrong, ["designated", "fixed", "max_schools", "time_limit"], "the fixed pair misses its member too");
    assert_eq!(client.find(Locator::Css("input[name=max_schools]")).await?.prop("value").await?.as_deref(), Some("12"));
    assert_eq!(client.find(Locator::Css("input[name=time_limit]")).await?.prop("value").await?.as_deref(), Some("abc"));
    assert_eq!(client.find(Locator::Id("plan-designated")).await?.prop("value").await?.as_deref(), Some("不存在的学校"));
    assert!(client.find(Locator::Css("input[name=time_limit]")).await?.is_displayed().await?, "the advanced group is open");
    client.execute("document.getElementById('plan-designated').scrollIntoView()", vec![]).await?;
    screenshot(client, "plan-form-problems-below").await;
    client.set_window_size(390, 844).await?;
    client.execute("document.getElementById('plan-designated').scrollIntoView()", vec![]).await?;
    screenshot(client, "plan-form-phone").await;
    check_page(client, "the planner form at phone width").await?;
    client.set_window_size(1366, 900).await?;
    // The assessment's school table: only the schools that fall short, sorted by standards met,
    // fifty to a page; and the list of teachers exported as the list shows them.
    let failed =
        goto_to(client, &server.url("/assessment"), "/assessment", Locator::Css("select[name=result] option[value=failed]")).await?;
    failed.click().await?;
    click_to(
        client,
        Locator::XPath("//select[@name='result']/following::button[1]"),
        "/assessment?result=failed",
        Locator::Css("#schools tbody tr"),
    )
    .await?;
    click_to(
        client,
        Locator::XPath("//table[@id='schools']//th/a[contains(., '达标项')]"),
        "/assessment?sort=met",
        Locator::Css("#schools th a"),
    )
    .await?;
    screenshot(client, "assessment-failed-only").await;
    let url = client.current_url().await?;
    assert!(url.query().unwrap_or("").contains("result=failed") && url.query().unwrap_or("").contains("sort=met"), "{url}");
    let verdicts = client.find_all(Locator::Css("#schools tbody td:nth-child(5)")).await?;
    assert!(!verdicts.is_empty() && verdicts.len() <= 50);
    for v in &verdicts {
        assert_eq!(v.text().await?, "未达标");
    }
    let export = goto_to(client, &server.url("/teachers?q=张"), "/teachers", Locator::LinkText("导出 Excel")).await?;
    let export = export.attr("href").await?.unwrap_or_default();
    assert!(export.starts_with("/export/teachers.xlsx?q="), "{export}");
    // The plan made earlier: as many colours on its map as it has districts.
    let plan = goto_to(client, &server.url("/plans"), "/plans", Locator::Css("table.list tbody a")).await?;
    opens(client, plan.click(), "/plans/*", Locator::Css("#plan-map svg circle")).await?;
    let districts = client.find_all(Locator::Css("table.plan-cluster")).await?.len();
    let colours = client
        .execute(
            "return new Set([...document.querySelectorAll('#plan-map circle[r=\"9\"]')].map(c => c.getAttribute('fill'))).size",
            vec![],
        )
        .await?;
    assert_eq!(colours.as_u64(), Some(districts as u64), "a colour per district");
    client.find(Locator::Css("#plan-map svg")).await?.click().await?;
    screenshot(client, "plan-map-enlarged").await;
    Ok(())
}

/// Controls without a label, the lowest contrast of visible text, and whether the page
/// overflows its width — measured in the page.
const A11Y: &str = r#"
const labelled = (e) => e.getAttribute('aria-label') || e.closest('label') || (e.id && document.querySelector(`label[for="${e.id}"]`))
  || (e.tagName === 'BUTTON' && e.textContent.trim());
const unlabelled = [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(e => e.offsetParent !== null && !labelled(e)).map(e => e.outerHTML.slice(0, 80));
const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const background = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3); } return [255, 255, 255]; };
let worst = 21, where = '';
for (const e of document.querySelectorAll('a, p, td, th, li, span, label, h1, h2, dt, dd, button, small, em')) {
  if (e.offsetParent === null || !e.textContent.trim()) continue;
  const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < worst) { worst = ratio; where = e.outerHTML.slice(0, 80); }
}
return { unlabelled, worst, where, overflow: document.documentElement.scrollWidth - window.innerWidth };
"#;

/// The actions at the end of table rows that lie past the window's right edge.
const ACTIONS_OFF_SCREEN: &str = r#"
  return [...document.querySelectorAll("table.list tbody td:last-child :is(a, button, input, select)")]
    .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1; })
    .slice(0, 5).map((e) => (e.textContent || e.value || e.name || "").trim() + " @" + Math.round(e.getBoundingClientRect().right));
"#;

async fn check_page(client: &fantoccini::Client, what: &str) -> Step {
    let found = client.execute(A11Y, vec![]).await?;
    assert_eq!(found["unlabelled"].as_array().map(Vec::len), Some(0), "{what}: controls without a label: {found}");
    assert!(found["worst"].as_f64().unwrap_or(0.0) >= 4.5, "{what}: text contrast below 4.5:1: {found}");
    assert!(found["overflow"].as_i64().unwrap_or(0) <= 1, "{what}: the page is wider than the window: {found}");
    Ok(())
}

/// Each role at desk and phone width: home starts from its scope, the menu opens only pages
/// the role may use (each opens without an error), nothing of the bureau's is in another's menu,
/// Each role at desk and phone width: home starts from its scope, the menu opens only pages
/// the role may use (each opens without an error), nothing of the bureau's is in another's menu,
/// and the basics of accessibility hold (labels, contrast, keyboard, no sideways scrolling).
async fn role_walks(client: &fantoccini::Client, server: &TestServer) -> Step {
    let bureau_only = ["/admin/users"];
    for (user, home_has) in
        [("admin", "全县概况"), ("inspector", "全县概况"), ("head", "我的学区"), ("principal", "我的学校"), ("teacher", "我任教的学校")]
    {
        client.set_window_size(1366, 900).await?;
        sign_in(client, server, user).await?;
        let heading = read(client, Locator::Css("h1")).await?;
        assert!(heading.contains(home_has), "{user}'s home: {heading}");
        screenshot(client, &format!("home-{user}")).await;
        check_page(client, &format!("{user} home")).await?;
        // The keyboard reaches the menu: the first Tab lands on a link.
        client.find(Locator::Css("body")).await?.send_keys("\u{E004}").await?;
        let focused = client.active_element().await?.tag_name().await?;
        assert!(focused == "a" || focused == "button", "{user}: Tab focuses {focused}");
        let mut menu = Vec::new();
        for link in client.find_all(Locator::Css("nav#menu a")).await? {
            menu.push(link.attr("href").await?.unwrap_or_default());
        }
        if user != "admin" {
            assert!(!menu.iter().any(|h| bureau_only.contains(&h.as_str())), "{user}'s menu: {menu:?}");
            goto_to(client, &server.url("/admin/users"), "/admin/users", Locator::Css("h1")).await?;
            let refused = read(client, Locator::Css("h1")).await?;
            assert_eq!(refused, "出错了", "{user} may not open the accounts page");
            assert!(client.find(Locator::Css("nav#menu")).await.is_ok(), "an error page keeps the menu");
        }
        for href in &menu {
            let below = format!("{}/**", href.trim_end_matches('/'));
            goto_to(client, &server.url(href), &below, Locator::Css("h1")).await?;
            let h1 = read(client, Locator::Css("h1")).await?;
            assert_ne!(h1, "出错了", "{user}: the menu's {href} opens");
        }
        goto_to(client, &server.url("/teachers"), "/teachers", Locator::Css("table.list")).await?;
        check_page(client, &format!("{user} teachers")).await?;
        // At phone width: no sideways scrolling, the menu behind a button that opens it.
        client.set_window_size(390, 844).await?;
        goto_to(client, &server.url("/"), "/", Locator::Css("h1")).await?;
        check_page(client, &format!("{user} home at 390 px")).await?;
        screenshot(client, &format!("home-{user}-phone")).await;
        assert!(!client.find(Locator::Css("nav#menu")).await?.is_displayed().await?, "{user}: the menu is folded on a phone");
        client.find(Locator::Id("menu-toggle")).await?.click().await?;
        assert!(client.find(Locator::Css("nav#menu")).await?.is_displayed().await?);
        screenshot(client, &format!("menu-{user}-phone")).await;
        goto_to(client, &server.url("/teachers"), "/teachers", Locator::Css("table.list")).await?;
        check_page(client, &format!("{user} teachers at 390 px")).await?;
        screenshot(client, &format!("teachers-{user}-phone")).await;
        // Every page of the menu at phone width: nothing wider than the screen, and a row's
        // action (its last cell's link, button or form) in view, not past the screen's edge.
        for href in &menu {
            let below = format!("{}/**", href.trim_end_matches('/'));
            goto_to(client, &server.url(href), &below, Locator::Css("h1")).await?;
            check_page(client, &format!("{user} {href} at 390 px")).await?;
            let hidden = client.execute(ACTIONS_OFF_SCREEN, vec![]).await?;
            assert_eq!(hidden.as_array().map(Vec::len), Some(0), "{user} {href} at 390 px: actions off the screen: {hidden}");
            screenshot(client, &format!("{}-{user}-phone", href.trim_matches('/').replace('/', "-"))).await;
        }
    }
    client.set_window_size(1366, 900).await?;
    Ok(())
}

fn which(program: &str) -> std::io::Result<std::process::Output> {
    Command::new("which").arg(program).output().and_then(|o| if o.status.success() { Ok(o) } else { Err(std::io::Error::other("missing")) })
}

/// Signs `user` in from the login page and waits for their home page.
async fn sign_in(client: &fantoccini::Client, server: &TestServer, user: &str) -> Step {
    client.delete_all_cookies().await?;
    goto_to(client, &server.url("/login"), "/login", Locator::Id("username")).await?.send_keys(user).await?;
    client.find(Locator::Id("password")).await?.send_keys("xuequ-demo").await?;
    // Only a signed-in page has the menu.
    click_to(client, Locator::Id("login"), "/", Locator::Css("nav#menu")).await?;
    Ok(())
}

/// A teacher of 东坪镇中心小学 finds the lead school's lab free for periods 5–6 next Tuesday and
/// books it; the cluster head approves it from the bell; the teacher sees it confirmed on the
/// week grid. At desk width, with the pages checked at phone width too.
/// The cluster head opens 教师交流 from the menu, reads the quota and the shortage table, and
/// asks for the cluster's rotation plan; a wrong distance is named and kept.
async fn exchange_walk(client: &fantoccini::Client, server: &TestServer) -> Step {
    client.set_window_size(1366, 900).await?;
    sign_in(client, server, "head").await?;
    click_to(client, Locator::LinkText("教师交流"), "/exchange", Locator::Id("heat")).await?;
    let quota = read(client, Locator::Id("quota")).await?;
    assert!(quota.contains("至少交流 10%"), "{quota}");
    // The head's own cluster by default; a distance that does not read first.
    let chosen = read(client, Locator::Css("select[name=cluster] option[selected]")).await?;
    assert_eq!(chosen, "城关第二学区");
    let km = client.find(Locator::Css("#plan-form input[name=max_km]")).await?;
    km.clear().await?;
    km.send_keys("三十").await?;
    click_to(client, Locator::Css("#plan-form button[type=submit]"), "/exchange/plan", Locator::Css("p.error")).await?;
    let error = read(client, Locator::Css("p.error")).await?;
    assert!(error.contains("最远距离"), "{error}");
    let km = client.find(Locator::Css("#plan-form input[name=max_km]")).await?;
    assert_eq!(km.prop("value").await?.as_deref(), Some("三十"), "what was typed is kept");
    km.clear().await?;
    km.send_keys("30").await?;
    click_to(client, Locator::Css("#plan-form button[type=submit]"), "/exchange/plan", Locator::Id("moves")).await?;
    screenshot(client, "exchange-plan").await;
    check_page(client, "教师交流").await?;
    client.set_window_size(390, 844).await?;
    screenshot(client, "exchange-plan-phone").await;
    check_page(client, "教师交流 at phone width").await?;
    client.set_window_size(1366, 900).await?;
    Ok(())
}

/// The bureau plans next year's rotation for the county and proposes it, then proposes by hand
/// a move starting today of a teacher of 东坪镇中心小学 to 青石乡初级中学 (a wrong period named
/// first); the principal agrees from the inbox (调出), the receiving school's admin agrees (调入),
/// the bureau confirms, and the teacher's working school is 青石乡初级中学 at once while the home
/// school stays. Pages looked at desk and phone width.
async fn move_walk(client: &fantoccini::Client, server: &TestServer) -> Step {
    client.set_window_size(1366, 900).await?;
    let admin = server.client("admin").await?;
    let far = admin.get(&format!("/api/v1/schools?q={}", "青石乡初级中学")).await.1["items"][0]["id"].as_i64().unwrap();
    let body = serde_json::json!({"username": "qingshi", "display_name": "青石乡初中校长", "password": "xuequ-demo", "role": "school_admin", "school_id": far});
    assert_eq!(admin.post("/api/v1/users", body).await.0, reqwest::StatusCode::CREATED);
    let own = admin.get(&format!("/api/v1/schools?q={}", "东坪镇中心小学")).await.1["items"][0]["id"].as_i64().unwrap();
    let teacher = admin.get(&format!("/api/v1/teachers?school_id={own}&per_page=1")).await.1["items"][0].clone();
    let (name, staff_no) = (teacher["name"].as_str().unwrap().to_string(), teacher["staff_no"].as_str().unwrap().to_string());

    // The bureau: next year's plan for the county, proposed as it stands.
    sign_in(client, server, "admin").await?;
    click_to(client, Locator::LinkText("教师交流"), "/exchange", Locator::Id("heat")).await?;
    let next = chrono::Datelike::year(&chrono::Local::now().date_naive()) + 1;
    let next_year = format!("/exchange?year={next}");
    goto_to(client, &server.url(&next_year), &next_year, Locator::Css("#plan-form input[name=max_km]")).await?;
    click_to(client, Locator::Css("#plan-form button[type=submit]"), "/exchange/plan", Locator::Id("moves")).await?;
    // Every planned move is ticked; one is left out, and the question says how many go.
    let ticks = client.find_all(Locator::Css("#moves input[name=pick]")).await?;
    assert!(ticks.len() > 1, "the plan's moves can be picked");
    ticks[0].click().await?;
    click_to(client, Locator::Id("propose"), "/exchange/plan/propose", Locator::Css("form.confirm-form")).await?;
    let asked = read(client, Locator::Css("ul.consequences")).await?;
    assert!(asked.contains(&format!("将提交 {} 项轮岗交流", ticks.len() - 1)), "how many are proposed: {asked}");
    screenshot(client, "propose-confirm").await;
    let start = client.find(Locator::Css("form.confirm-form input[name=starts_on]")).await?.prop("value").await?.unwrap_or_default();
    let start = chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").expect("a start date is offered");
    assert!(start >= chrono::Local::now().date_naive(), "proposals never start in the past: {start}");
    click_to(client, Locator::Css("form.confirm-form button[type=submit]"), "/exchange/moves", Locator::Css("p.flash")).await?;
    let all = read(client, Locator::Id("all-moves")).await?;
    assert!(all.contains("待审批") && all.contains("轮岗"), "the plan's moves wait for the schools: {all}");
    screenshot(client, "moves-bureau").await;
    check_page(client, "交流安排").await?;

    // A move by hand: a period too short for 轮岗 is named and what was typed kept.
    let form = click_to(client, Locator::Id("new-move"), "/exchange/moves/new", Locator::Css("form.record")).await?;
    form.find(Locator::Css("input[name=staff_no]")).await?.send_keys(&staff_no).await?;
    client.find(Locator::Css(&format!("select[name=to_school] option[value='{far}']"))).await?.click().await?;
    let today = chrono::Local::now().date_naive();
    let set_date = async |name: &str, day: chrono::NaiveDate| -> Step {
        let script = format!("document.querySelector('input[name={name}]').value = '{day}';");
        client.execute(&script, vec![]).await?;
        Ok(())
    };
    set_date("starts_on", today).await?;
    set_date("ends_on", today + chrono::Days::new(90)).await?;
    click_to(client, Locator::Css("form.record button[type=submit]"), "/exchange/moves/new", Locator::Css("label.invalid em")).await?;
    let problem = read(client, Locator::Css("label.invalid em")).await?;
    assert!(problem.contains("12–36 个月"), "{problem}");
    let kept = client.find(Locator::Css("input[name=staff_no]")).await?.prop("value").await?;
    assert_eq!(kept.as_deref(), Some(staff_no.as_str()));
    screenshot(client, "move-form-error").await;
    set_date("ends_on", today.checked_add_months(chrono::Months::new(12)).unwrap().pred_opt().unwrap()).await?;
    click_to(client, Locator::Css("form.record button[type=submit]"), "/exchange/moves/*", Locator::Id("steps")).await?;
    let move_url = client.current_url().await?;
    let facts = read(client, Locator::Id("move")).await?;
    assert!(facts.contains(&name) && facts.contains("等待两校同意"), "{facts}");
    assert!(client.find(Locator::Id("approve")).await.is_err(), "the bureau does not agree for a school");

    // The principal (sending school): the inbox shows it under 调出; 同意.
    sign_in(client, server, "principal").await?;
    click_to(client, Locator::LinkText("教师交流"), "/exchange", Locator::Id("heat")).await?;
    let outgoing = click_to(client, Locator::LinkText("交流安排"), "/exchange/moves", Locator::Id("outgoing")).await?;
    screenshot(client, "moves-principal").await;
    let row = outgoing.find(Locator::XPath(&format!(".//tr[td[1][normalize-space()='{name}']]"))).await?;
    let agree = row.find(Locator::Css("button[type=submit]")).await?;
    opens(client, agree.click(), "/exchange/moves", Locator::Css("p.flash")).await?;
    client.set_window_size(390, 844).await?;
    screenshot(client, "moves-principal-phone").await;
    check_page(client, "交流安排 at phone width").await?;
    client.set_window_size(1366, 900).await?;

    // The receiving school agrees from the move's page; the bureau confirms from its inbox.
    sign_in(client, server, "qingshi").await?;
    let approve = goto_to(client, move_url.as_str(), move_url.path(), Locator::Id("approve")).await?;
    opens(client, approve.click(), move_url.path(), Locator::Css("p.flash")).await?;
    let mut done = Vec::new();
    for step in client.find_all(Locator::Css("#steps li.done")).await? {
        done.push(step.text().await?);
    }
    assert_eq!(done, ["调出学校同意", "调入学校同意"], "both schools' steps are done, the bureau's not yet");
    sign_in(client, server, "admin").await?;
    let confirm = goto_to(client, &server.url("/exchange/moves"), "/exchange/moves", Locator::Id("to-confirm")).await?;
    let row = confirm.find(Locator::XPath(&format!(".//tr[td[1][normalize-space()='{name}']]"))).await?;
    let agree = row.find(Locator::Css("button[type=submit]")).await?;
    opens(client, agree.click(), "/exchange/moves", Locator::Css("p.flash")).await?;

    // It began today: the teacher works at 青石乡初级中学, employed by 东坪镇中心小学.
    goto_to(client, move_url.as_str(), move_url.path(), Locator::Id("move")).await?;
    let facts = read(client, Locator::Id("move")).await?;
    assert!(facts.contains("交流中"), "{facts}");
    screenshot(client, "move-active").await;
    click_to(client, Locator::LinkText("交流记录"), "/exchange/teachers/*", Locator::Id("placement")).await?;
    let placement = read(client, Locator::Id("placement")).await?;
    let lines: Vec<&str> = placement.lines().map(str::trim).collect();
    let fact = |label: &str| lines.windows(2).find(|w| w[0] == label).map(|w| w[1]);
    assert_eq!(fact("目前任教学校"), Some("青石乡初级中学"), "{placement}");
    assert_eq!(fact("人事关系所在学校"), Some("东坪镇中心小学"), "the home school stays: {placement}");
    screenshot(client, "teacher-history").await;
    check_page(client, "交流记录").await?;
    client.set_window_size(390, 844).await?;
    screenshot(client, "teacher-history-phone").await;
    check_page(client, "交流记录 at phone width").await?;
    client.set_window_size(1366, 900).await?;

    // The other tabs, reached from the first: each readable at desk and phone width.
    for (tab, path, id, shot) in [
        ("不参加交流名单", "/exchange/exclusions", "exclusions", "exchange-exclusions"),
        ("师徒结对", "/exchange/mentorships", "pairs", "exchange-pairs"),
        ("乡村教师补助", "/exchange/subsidy", "tiers", "exchange-subsidy"),
        ("统计报表", "/exchange/report", "report-quota", "exchange-report"),
        ("设置", "/exchange/settings", "settings-form", "exchange-settings"),
    ] {
        click_to(client, Locator::LinkText(tab), path, Locator::Id(id)).await?;
        screenshot(client, shot).await;
        check_page(client, tab).await?;
        client.set_window_size(390, 844).await?;
        screenshot(client, &format!("{shot}-phone")).await;
        check_page(client, &format!("{tab} at phone width")).await?;
        client.set_window_size(1366, 900).await?;
    }
    // A pair's page: its meetings, and a meeting recorded (a wrong length named first).
    let pair = click_to(client, Locator::LinkText("师徒结对"), "/exchange/mentorships", Locator::Css("#pairs tbody a")).await?;
    let form = opens(client, pair.click(), "/exchange/mentorships/*", Locator::Id("meeting-form")).await?;
    let minutes = form.find(Locator::Css("input[name=minutes]")).await?;
    minutes.clear().await?;
    client.execute("document.querySelector('#meeting-form input[name=minutes]').removeAttribute('max');", vec![]).await?;
    minutes.send_keys("9999").await?;
    form.find(Locator::Css("textarea[name=notes]")).await?.send_keys("示范课《分数的意义》").await?;
    let submit = form.find(Locator::Css("button[type=submit]")).await?;
    opens(client, submit.click(), "/exchange/mentorships/*", Locator::Css("div.errors")).await?;
    let problem = read(client, Locator::Css("div.errors")).await?;
    assert!(problem.contains("时长"), "{problem}");
    let notes = client.find(Locator::Css("#meeting-form textarea[name=notes]")).await?.prop("value").await?;
    assert_eq!(notes.as_deref(), Some("示范课《分数的意义》"), "what was typed is kept");
    let minutes = client.find(Locator::Css("#meeting-form input[name=minutes]")).await?;
    minutes.clear().await?;
    minutes.send_keys("40").await?;
    click_to(client, Locator::Css("#meeting-form button[type=submit]"), "/exchange/mentorships/*", Locator::Css("p.flash")).await?;
    let meetings = read(client, Locator::Id("meetings")).await?;
    assert!(meetings.contains("示范课《分数的意义》"), "{meetings}");
    screenshot(client, "exchange-pair").await;
    check_page(client, "师徒结对").await?;
    Ok(())
}

async fn booking_walk(client: &fantoccini::Client, server: &TestServer) -> Step {
    use chrono::Datelike;
    client.set_window_size(1366, 900).await?;
    sign_in(client, server, "teacher").await?;
    click_to(client, Locator::LinkText("场馆预约"), "/bookings", Locator::Id("find-form")).await?;
    let mut tuesday = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() + chrono::Duration::days(3);
    while tuesday.weekday() != chrono::Weekday::Tue {
        tuesday += chrono::Duration::days(1);
    }
    // The period links fill the times; 5–6 is 14:00–15:30 at a primary school.
    let find = server.url(&format!("/bookings?date={tuesday}&from=14:00&to=15:30&kind=lab"));
    let table = goto_to(client, &find, "/bookings?kind=lab", Locator::Id("free")).await?;
    screenshot(client, "booking-find").await;
    let row = table.find(Locator::XPath(".//tr[td[2][normalize-space()='城关第二小学']][.//a[contains(@class,'button')]]")).await?;
    let book = row.find(Locator::Css("a.button")).await?;
    let form = opens(client, book.click(), "/bookings/new", Locator::Id("booking-form")).await?;
    form.find(Locator::Css("input[name=purpose]")).await?.send_keys("科学实验：简单电路").await?;
    form.find(Locator::Css("input[name=group_name]")).await?.send_keys("五(2)班").await?;
    form.find(Locator::Css("input[name=attendees]")).await?.send_keys("38").await?;
    let check = form.find(Locator::Css("button[value=check]")).await?;
    opens(client, check.click(), "/bookings/new", Locator::Css("#dates .tag.good")).await?;
    screenshot(client, "booking-checked").await;
    click_to(client, Locator::Id("book"), "/bookings/*", Locator::Css("p.flash")).await?;
    let facts = read(client, Locator::Id("booking")).await?;
    screenshot(client, "booking-pending").await;
    assert!(facts.contains("待审批") && facts.contains("14:00–15:30"), "{facts}");
    let booking_url = client.current_url().await?;
    // The cluster head: the bell counts the request; the message opens it; 批准.
    sign_in(client, server, "head").await?;
    let count: u32 = read(client, Locator::Css("#bell .count")).await?.trim().parse()?;
    assert!(count >= 1, "the bell counts the request: {count}");
    let messages = click_to(client, Locator::Id("bell"), "/notifications", Locator::Id("notifications")).await?;
    screenshot(client, "notifications").await;
    assert!(messages.text().await?.contains("东坪镇中心小学"), "{}", messages.text().await?);
    let open = messages
        .find(Locator::XPath(".//li[contains(@class,'unread')][contains(., '科学实验室')][contains(., '东坪镇中心小学')]//button"))
        .await?;
    let approve = opens(client, open.click(), booking_url.path(), Locator::Id("approve")).await?;
    // The page after the decision says 已保存.
    opens(client, approve.click(), booking_url.path(), Locator::Css("p.flash")).await?;
    let facts = read(client, Locator::Id("booking")).await?;
    assert!(facts.contains("已确认"), "{facts}");
    // 共享统计 from 场馆预约: the demo term's hours lent and borrowed, as a chart and tables.
    let usage = click_to(client, Locator::LinkText("场馆预约"), "/bookings", Locator::LinkText("共享统计")).await?;
    opens(client, usage.click(), "/bookings/usage", Locator::Css("#usage-chart svg")).await?;
    screenshot(client, "usage").await;
    check_page(client, "共享统计").await?;
    click_to(client, Locator::LinkText("本月"), "/bookings/usage?from=", Locator::Css("#usage-periods a.on")).await?;
    // The teacher: told, and the week grid shows the periods held.
    sign_in(client, server, "teacher").await?;
    assert!(read(client, Locator::Id("bell")).await?.contains('1'));
    let week = goto_to(client, booking_url.as_str(), booking_url.path(), Locator::LinkText("周视图")).await?;
    let grid = opens(client, week.click(), "/facilities/*/week", Locator::Id("week")).await?;
    screenshot(client, "booking-week").await;
    // Tuesday is the second day column; periods 5 and 6 the fifth and sixth rows.
    for period in [5, 6] {
        let cell = grid.find(Locator::XPath(&format!("./tbody/tr[{period}]/td[2]"))).await?;
        assert_eq!(cell.attr("class").await?.as_deref(), Some("slot taken"), "period {period}");
        assert!(cell.text().await?.contains("东坪镇中心小学 · 已确认"), "period {period}");
    }
    let free = grid.find(Locator::XPath("./tbody/tr[4]/td[2]")).await?;
    assert_eq!(free.attr("class").await?.as_deref(), Some("slot free"), "period 4 stays free");
    check_page(client, "the week grid").await?;
    client.set_window_size(390, 844).await?;
    screenshot(client, "booking-week-phone").await;
    check_page(client, "the week grid at phone width").await?;
    goto_to(client, &find, "/bookings?kind=lab", Locator::Id("free")).await?;
    screenshot(client, "booking-find-phone").await;
    check_page(client, "finding a facility at phone width").await?;
    // The lab's month, from its week grid: the booking on its Tuesday.
    let week = goto_to(client, booking_url.as_str(), booking_url.path(), Locator::LinkText("周视图")).await?;
    let month = opens(client, week.click(), "/facilities/*/week", Locator::Id("month-view")).await?;
    opens(client, month.click(), "/bookings/schedule?view=month", Locator::Id("schedule")).await?;
    screenshot(client, "schedule-month-phone").await;
    check_page(client, "the month at phone width").await?;
    client.set_window_size(1366, 900).await?;
    screenshot(client, "schedule-month").await;
    let month = read(client, Locator::Id("schedule")).await?;
    assert!(month.contains("14:00–15:30 东坪镇中心小学"), "{month}");
    // The principal sets the sharing rules of the school's lab from its week grid: two wrong
    // entries come back named with what was typed kept; corrected, they are saved.
    sign_in(client, server, "principal").await?;
    let own = Locator::XPath("//table[@id='free']//tr[td[2][normalize-space()='东坪镇中心小学']]//a");
    let own = goto_to(client, &find, "/bookings?kind=lab", own).await?;
    let rules = opens(client, own.click(), "/facilities/*/week", Locator::Id("rules-link")).await?;
    let form = opens(client, rules.click(), "/facilities/*/rules", Locator::Id("rules-form")).await?;
    let quota = form.find(Locator::Css("input[name=weekly_quota_hours]")).await?;
    quota.clear().await?;
    quota.send_keys("三小时").await?;
    let blackouts = form.find(Locator::Css("textarea[name=blackouts]")).await?;
    blackouts.clear().await?;
    blackouts.send_keys("每周三下午").await?;
    let submit = form.find(Locator::Css("button[type=submit]")).await?;
    opens(client, submit.click(), "/facilities/*/rules", Locator::Css("#rules-form .invalid em")).await?;
    screenshot(client, "rules-problems").await;
    assert_eq!(client.find_all(Locator::Css("#rules-form .invalid")).await?.len(), 2, "the quota and the blackout line");
    assert_eq!(client.find(Locator::Css("input[name=weekly_quota_hours]")).await?.prop("value").await?.as_deref(), Some("三小时"));
    let quota = client.find(Locator::Css("input[name=weekly_quota_hours]")).await?;
    quota.clear().await?;
    quota.send_keys("4").await?;
    let blackouts = client.find(Locator::Css("textarea[name=blackouts]")).await?;
    blackouts.clear().await?;
    blackouts.send_keys("wed 14:00-15:30 本校实验课").await?;
    click_to(client, Locator::Css("#rules-form button[type=submit]"), "/facilities/*/week", Locator::Css("p.flash")).await?;
    let grid = read(client, Locator::Id("week")).await?;
    assert!(grid.contains("本校实验课"), "the blackout shows on the week grid");
    let rules_url = format!("{}/rules", client.current_url().await?.as_str().split("/week").next().unwrap_or_default());
    // The principal's own closed days: a sports day on the school calendar.
    let calendar = goto_to(client, &server.url("/bookings"), "/bookings", Locator::Id("calendar-link")).await?;
    let closures = opens(client, calendar.click(), "/bookings/calendar", Locator::Css("#calendar-form textarea[name=closures]")).await?;
    closures.send_keys("2027-04-20 2027-04-20 春季运动会").await?;
    click_to(client, Locator::Css("#calendar-form button[type=submit]"), "/bookings/calendar", Locator::Css("p.flash")).await?;
    screenshot(client, "school-calendar").await;
    let saved = client.find(Locator::Css("#calendar-form textarea[name=closures]")).await?.prop("value").await?.unwrap_or_default();
    assert!(saved.contains("春季运动会"), "{saved}");
    // And the school's bell schedule, from the calendar page: a period that ends before it starts
    // is refused with the line named; corrected, it is saved.
    let periods =
        click_to(client, Locator::Id("bells-link"), "/schools/*/bells", Locator::Css("#bells-form textarea[name=periods]")).await?;
    let text = periods.prop("value").await?.unwrap_or_default();
    assert!(text.contains("5 14:00-14:40"), "{text}");
    periods.clear().await?;
    periods.send_keys(&text.replace("5 14:00-14:40", "5 14:40-14:00")).await?;
    click_to(client, Locator::Css("#bells-form button[type=submit]"), "/schools/*/bells", Locator::Css("#bells-form .invalid em")).await?;
    let problem = read(client, Locator::Css("#bells-form .invalid em")).await?;
    screenshot(client, "bells-problem").await;
    assert!(problem.contains("5 14:40-14:00"), "the line is named: {problem}");
    let periods = client.find(Locator::Css("#bells-form textarea[name=periods]")).await?;
    periods.clear().await?;
    periods.send_keys(&text.replace("5 14:00-14:40", "5 14:05-14:45")).await?;
    click_to(client, Locator::Css("#bells-form button[type=submit]"), "/schools/*/bells", Locator::Css("p.flash")).await?;
    let now = client.find(Locator::Css("#bells-form textarea[name=periods]")).await?.prop("value").await?.unwrap_or_default();
    assert!(now.contains("5 14:05-14:45"), "{now}");
    client.set_window_size(390, 844).await?;
    goto_to(client, &rules_url, "/facilities/*/rules", Locator::Id("rules-form")).await?;
    screenshot(client, "rules-phone").await;
    check_page(client, "the sharing rules at phone width").await?;
    client.set_window_size(1366, 900).await?;
    Ok(())
}

/// A teacher of 东坪镇中心小学 uploads a Word lesson plan shared with the 学区 (with the
/// progress bar); a teacher of another school of the 学区 finds it by a phrase from inside it,
/// opens it and reads it in the preview; a teacher of a school outside the 学区 does not find
/// it. At desk and phone width.
async fn library_walk(client: &fantoccini::Client, server: &TestServer) -> Step {
    client.set_window_size(1366, 900).await?;
    let admin = server.client("admin").await?;
    let (_, found) = admin.get(&format!("/api/v1/clusters?q={}", "城关第二学区")).await;
    let (_, district) = admin.get(&format!("/api/v1/clusters/{}", found["items"][0]["id"])).await;
    let own = admin.get(&format!("/api/v1/schools?q={}", "东坪镇中心小学")).await.1["items"][0]["id"].as_i64().unwrap();
    let member = district["members"].as_array().unwrap().iter().map(|m| m["school"]["id"].as_i64().unwrap()).find(|s| *s != own).unwrap();
    let far = admin.get(&format!("/api/v1/schools?q={}", "青石乡初级中学")).await.1["items"][0]["id"].as_i64().unwrap();
    for (name, school) in [("member.teacher", member), ("far.teacher", far)] {
        let body =
            serde_json::json!({"username": name, "display_name": name, "password": "xuequ-demo", "role": "teacher", "school_id": school});
        assert_eq!(admin.post("/api/v1/users", body).await.0, reqwest::StatusCode::CREATED);
    }
    let phrase = "借助数轴理解绝对值的几何意义";
    let plan = tempfile::Builder::new().prefix("绝对值教案").suffix(".docx").tempfile()?;
    std::fs::write(plan.path(), xuequ_demo::files::docx("绝对值", &["一、教学目标", phrase, "二、教学过程"]))?;

    // The teacher uploads from the menu: 资源库 → 上传资源.
    sign_in(client, server, "teacher").await?;
    click_to(client, Locator::LinkText("资源库"), "/library", Locator::Css("form.search-bar")).await?;
    check_page(client, "library").await?;
    click_to(client, Locator::LinkText("上传资源"), "/library/upload", Locator::Id("files")).await?;
    client.find(Locator::Id("files")).await?.send_keys(&plan.path().display().to_string()).await?;
    client.find(Locator::Css("input[name=title]")).await?.send_keys("绝对值（第一课时）教案").await?;
    client.find(Locator::Css("select[name=subject] option[value=math]")).await?.click().await?;
    client.find(Locator::Css("select[name=grade] option[value='7']")).await?.click().await?;
    client.find(Locator::Css("select[name=kind] option[value=lesson_plan]")).await?.click().await?;
    client.find(Locator::Css("input[name=edition]")).await?.send_keys("人教版").await?;
    assert!(client.find(Locator::Css("input[name=sharing][value=cluster]")).await?.prop("checked").await?.is_some_and(|c| c == "true"));
    check_page(client, "upload form").await?;
    screenshot(client, "library-upload").await;
    // The page's script sends the files, then opens the new resource's page.
    click_to(client, Locator::Css("#resource-form button[type=submit]"), "/library/*", Locator::Id("preview")).await?;
    let page = client.source().await?;
    assert!(page.contains("绝对值（第一课时）教案") && page.contains(phrase), "the new resource's page shows its text");
    screenshot(client, "library-uploaded").await;

    // A teacher of another school of the 学区 finds it by the phrase and reads it.
    sign_in(client, server, "member.teacher").await?;
    click_to(client, Locator::LinkText("资源库"), "/library", Locator::Css("form.search-bar")).await?;
    client.find(Locator::Css("input[type=search]")).await?.send_keys("数轴理解绝对值").await?;
    // The page before the search has a list of results too: the search's own page has `q=`.
    click_to(client, Locator::Css("form.search-bar button"), "/library?q=", Locator::Id("results")).await?;
    let results = read(client, Locator::Id("results")).await?;
    assert!(results.contains("绝对值（第一课时）教案"), "{results}");
    screenshot(client, "library-found").await;
    check_page(client, "search results").await?;
    client.set_window_size(390, 844).await?;
    screenshot(client, "library-found-phone").await;
    check_page(client, "search results at phone width").await?;
    click_to(client, Locator::Css("#results a.result-title"), "/library/*", Locator::Id("preview")).await?;
    let preview = read(client, Locator::Id("preview")).await?;
    assert!(preview.contains(phrase), "{preview}");
    screenshot(client, "library-resource-phone").await;
    check_page(client, "a resource at phone width").await?;
    client.set_window_size(1366, 900).await?;
    screenshot(client, "library-resource").await;

    // A teacher outside the 学区 finds nothing of it.
    sign_in(client, server, "far.teacher").await?;
    goto_to(client, &server.url(&format!("/library?q={}", "数轴理解绝对值")), "/library?q=", Locator::Id("results")).await?;
    let found = read(client, Locator::Id("results")).await?;
    assert!(!found.contains("绝对值（第一课时）教案") && found.contains("没有找到资源"), "{found}");
    screenshot(client, "library-not-found").await;
    Ok(())
}

/// The cluster head schedules a 同课异构 at the lead school from the menu; a teacher of a member
/// school signs up and checks in with the code shown at the venue, on a phone-width window; the
/// head writes the record; the teacher's training hours go up by the session's three hours.
async fn running_walk(client: &fantoccini::Client, server: &TestServer) -> Step {
    client.set_window_size(1366, 900).await?;
    let admin = server.client("admin").await?;
    let (_, found) = admin.get(&format!("/api/v1/clusters?q={}", "城关第二学区")).await;
    let (_, district) = admin.get(&format!("/api/v1/clusters/{}", found["items"][0]["id"])).await;
    let schools: Vec<i64> = district["members"].as_array().unwrap().iter().map(|m| m["school"]["id"].as_i64().unwrap()).collect();
    let (lead, member) = (schools[0], schools[schools.len() - 1]);
    let body = serde_json::json!({"username": "walk.member", "display_name": "成员校教师", "password": "xuequ-demo", "role": "teacher", "school_id": member});
    let (_, user) = admin.post("/api/v1/users", body).await;
    let (_, teachers) = admin.get(&format!("/api/v1/teachers?school_id={member}&per_page=5")).await;
    let staff = teachers["items"][3]["staff_no"].clone();
    let teacher_id = teachers["items"][3]["id"].as_i64().unwrap();
    let (status, _) = admin.put(&format!("/api/v1/users/{}/teacher", user["user"]["id"]), serde_json::json!({"staff_no": staff})).await;
    assert_eq!(status, reqwest::StatusCode::OK);

    // The head: 学区活动 → 安排活动; the form starts at the head's 学区 and its lead school.
    sign_in(client, server, "head").await?;
    click_to(client, Locator::LinkText("学区活动"), "/activities", Locator::Id("new-activity")).await?;
    check_page(client, "activities").await?;
    let host = click_to(client, Locator::Id("new-activity"), "/activities/new", Locator::Css("#host_school_id option:checked")).await?;
    assert_eq!(host.attr("value").await?, Some(lead.to_string()), "the lead school is the default host");
    client.find(Locator::Css("#kind option[value=same_lesson]")).await?.click().await?;
    client.find(Locator::Id("title")).await?.send_keys("七年级语文《春》同课异构").await?;
    // Starts in 20 minutes (check-in opens half an hour before), two hours long, 3 hours' credit.
    let at = |minutes: i64| {
        (chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).naive_local() + chrono::Duration::minutes(minutes))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    client
        .execute(
            "document.getElementById('starts_at').value = arguments[0]; document.getElementById('ends_at').value = arguments[1];",
            vec![at(20).into(), at(140).into()],
        )
        .await?;
    client.find(Locator::Css("input[name=hours]")).await?.send_keys("3").await?;
    client.find(Locator::Css("input[name=place]")).await?.send_keys("录播教室").await?;
    check_page(client, "activity form").await?;
    screenshot(client, "activity-form").await;
    click_to(client, Locator::Id("save-activity"), "/activities/*", Locator::Id("facts")).await?;
    let path = client.current_url().await?.path().to_string();
    let id: i64 = path.trim_start_matches("/activities/").parse()?;
    check_page(client, "activity page").await?;
    screenshot(client, "activity-head").await;
    // The screen reloads itself as the code changes: its code is read again if it was replaced.
    click_to(client, Locator::Id("screen"), &format!("/activities/{id}/screen"), Locator::Id("venue-code")).await?;
    let code = read(client, Locator::Id("venue-code")).await?;
    assert_eq!(code.trim().len(), 6, "{code}");
    assert!(client.find(Locator::Css("#qr svg")).await.is_ok(), "a QR code of the check-in address");
    screenshot(client, "checkin-screen").await;

    // The member teacher at phone width: the menu, the activity, sign-up, check-in with the code.
    sign_in(client, server, "walk.member").await?;
    client.set_window_size(390, 844).await?;
    let own_hours = format!("/hours/teachers/{teacher_id}");
    goto_to(client, &server.url(&own_hours), &own_hours, Locator::Id("hours-total")).await?;
    let before = read(client, Locator::Id("hours-total")).await?;
    let toggle = goto_to(client, &server.url("/"), "/", Locator::Id("menu-toggle")).await?;
    toggle.click().await?;
    let title = Locator::LinkText("七年级语文《春》同课异构");
    let activity = click_to(client, Locator::LinkText("学区活动"), "/activities", title).await?;
    let signup = opens(client, activity.click(), &format!("/activities/{id}"), Locator::Id("signup")).await?;
    check_page(client, "activity at phone width").await?;
    // The page after signing up says 已保存 (the page before has the status line too).
    opens(client, signup.click(), &format!("/activities/{id}"), Locator::Css("p.flash")).await?;
    let status = read(client, Locator::Id("my-status")).await?;
    assert!(status.contains("已报名"), "{status}");
    screenshot(client, "activity-signed-up-phone").await;
    let checkin = format!("/activities/{id}/checkin");
    let field = click_to(client, Locator::Id("checkin"), &checkin, Locator::Id("code")).await?;
    // A wrong code first: it is named, and the form stays.
    field.send_keys(if code.trim() == "000000" { "111111" } else { "000000" }).await?;
    click_to(client, Locator::Id("checkin-submit"), &checkin, Locator::Id("errors")).await?;
    let errors = read(client, Locator::Id("errors")).await?;
    assert!(errors.contains("签到码"), "{errors}");
    check_page(client, "check-in at phone width").await?;
    screenshot(client, "checkin-wrong-phone").await;
    let code = server.client("head").await?.get(&format!("/api/v1/activities/{id}/code")).await.1["code"].as_str().unwrap().to_string();
    client.find(Locator::Id("code")).await?.send_keys(&code).await?;
    click_to(client, Locator::Id("checkin-submit"), &format!("/activities/{id}"), Locator::Css("p.flash")).await?;
    let status = read(client, Locator::Id("my-status")).await?;
    assert!(status.contains("签到") && status.contains("3 学时"), "{status}");
    screenshot(client, "checked-in-phone").await;

    // The session is over (two hours on); the head writes the record.
    server.execute_sql(&format!("UPDATE activity SET starts_at = '{}', ends_at = '{}' WHERE id = {id}", utc(-150), utc(-30))).await?;
    client.set_window_size(1366, 900).await?;
    sign_in(client, server, "head").await?;
    let summary =
        goto_to(client, &server.url(&format!("/activities/{id}")), &format!("/activities/{id}"), Locator::Id("summary-text")).await?;
    summary.send_keys("两位教师执教《春》，课后分组评课，形成三条改进建议。").await?;
    click_to(client, Locator::Id("save-record"), &format!("/activities/{id}"), Locator::Id("summary")).await?;
    let summary = read(client, Locator::Id("summary")).await?;
    assert!(summary.contains("三条改进建议"), "{summary}");
    let attendees = read(client, Locator::Id("attendees")).await?;
    assert!(attendees.contains("扫码签到"), "{attendees}");
    screenshot(client, "activity-recorded").await;
    click_to(client, Locator::LinkText("学区日历"), "/activities/calendar", Locator::Id("calendar")).await?;
    check_page(client, "calendar").await?;
    screenshot(client, "calendar-month").await;

    // The teacher's hours went up by three.
    sign_in(client, server, "walk.member").await?;
    client.set_window_size(390, 844).await?;
    goto_to(client, &server.url("/hours"), &own_hours, Locator::Id("hours-total")).await?;
    let after = read(client, Locator::Id("hours-total")).await?;
    let tenths = |t: &str| (t.trim().parse::<f64>().unwrap_or(0.0) * 10.0).round() as i64;
    assert_eq!(tenths(&after), tenths(&before) + 30, "{before} → {after}");
    let entries = read(client, Locator::Id("entries")).await?;
    assert!(entries.contains("七年级语文《春》同课异构"), "{entries}");
    check_page(client, "hours at phone width").await?;
    screenshot(client, "hours-phone").await;
    client.set_window_size(1366, 900).await?;
    affairs_walk(client, server).await
}

/// The cluster's affairs as each role meets them: the head's plan, council and budget (with a
/// request that passes 80 % of its category), the principal reporting a task done, the bureau's
/// view across clusters; each page checked at desk and phone width.
async fn affairs_walk(client: &fantoccini::Client, server: &TestServer) -> Step {
    sign_in(client, server, "head").await?;
    let plan = click_to(client, Locator::LinkText("学区事务"), "/running/plans", Locator::Css("#plans tbody a")).await?;
    check_page(client, "plans").await?;
    screenshot(client, "affairs-plans").await;
    opens(client, plan.click(), "/running/plans/*", Locator::Id("tasks")).await?;
    check_page(client, "a plan").await?;
    screenshot(client, "affairs-plan").await;
    click_to(client, Locator::LinkText("理事会与议事"), "/running/council", Locator::Id("council")).await?;
    check_page(client, "council").await?;
    screenshot(client, "affairs-council").await;
    let budget = click_to(client, Locator::LinkText("学区经费"), "/running/budgets", Locator::Css("#budgets tbody a")).await?;
    opens(client, budget.click(), "/running/budgets/*", Locator::Id("lines")).await?;
    check_page(client, "a budget").await?;
    // Asking for too much is refused with the balance named, and the form keeps the values.
    client.find(Locator::Css("#spend-form select[name=category] option[value=office]")).await?.click().await?;
    client.find(Locator::Css("#spend-form input[name=amount]")).await?.send_keys("99999999").await?;
    client.find(Locator::Css("#spend-form input[name=payee]")).await?.send_keys("城关印务").await?;
    client.find(Locator::Css("#spend-form input[name=purpose]")).await?.send_keys("理事会会议资料").await?;
    click_to(client, Locator::Css("#spend-form button[type=submit]"), "/running/budgets/*/spend", Locator::Id("errors")).await?;
    let errors = read(client, Locator::Id("errors")).await?;
    assert!(errors.contains("余额") || errors.contains("超过"), "{errors}");
    let kept = client.find(Locator::Css("#spend-form input[name=payee]")).await?.prop("value").await?;
    assert_eq!(kept.as_deref(), Some("城关印务"));
    screenshot(client, "affairs-budget-refused").await;
    client.set_window_size(390, 844).await?;
    check_page(client, "a budget at phone width").await?;
    screenshot(client, "affairs-budget-phone").await;
    client.set_window_size(1366, 900).await?;

    // The principal reports their school's task done.
    sign_in(client, server, "principal").await?;
    let plan = goto_to(client, &server.url("/running/plans"), "/running/plans", Locator::Css("#plans tbody a")).await?;
    opens(client, plan.click(), "/running/plans/*", Locator::Id("tasks")).await?;
    let forms = client.find_all(Locator::Css("form.task-status")).await?;
    assert!(!forms.is_empty(), "the principal reports on their school's tasks");
    client.find(Locator::Css("form.task-status select[name=status] option[value=done]")).await?.click().await?;
    click_to(client, Locator::Css("form.task-status button[type=submit]"), "/running/plans/*", Locator::Css("p.flash")).await?;
    screenshot(client, "affairs-task-done").await;

    // The bureau: budgets and figures across clusters, settings.
    sign_in(client, server, "admin").await?;
    for (path, what) in
        [("/running/budgets", "budgets"), ("/running/figures", "figures"), ("/running/settings", "settings"), ("/hours", "hours")]
    {
        goto_to(client, &server.url(path), path, Locator::Css("h1")).await?;
        check_page(client, what).await?;
        screenshot(client, &format!("affairs-{what}")).await;
    }
    client.set_window_size(390, 844).await?;
    goto_to(client, &server.url("/running/figures"), "/running/figures", Locator::Id("figures")).await?;
    check_page(client, "figures at phone width").await?;
    screenshot(client, "affairs-figures-phone").await;
    client.set_window_size(1366, 900).await?;
    Ok(())
}

/// A time `minutes` from now as the database keeps it.
fn utc(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(minutes)).format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// The dashboard as the bureau, a cluster head and a principal at desk and phone width: three
/// figures followed to their pages, the ranking to the round, and each one's report opened.
async fn evaluation_walk(client: &fantoccini::Client, server: &TestServer) -> Step {
    for width in [1366u32, 390] {
        client.set_window_size(width, 900).await?;
        sign_in(client, server, "admin").await?;
        client.find(Locator::Id("home-dashboard")).await?;
        screenshot(client, &format!("dashboard-county-{width}")).await;
        check_page(client, &format!("the county's dashboard at {width}")).await?;
        // Three figures, each to the page it comes from.
        for (figure, path, there) in [
            ("clusters.count", "/clusters", Locator::Css("table.list")),
            ("exchange.quota_share", "/exchange", Locator::Id("quota")),
            ("activities.held", "/activities", Locator::Css("main h1")),
        ] {
            goto_to(client, &server.url("/"), "/", Locator::Id("home-dashboard")).await?;
            let tile = format!("a[data-figure='{figure}']");
            click_to(client, Locator::Css(&tile), path, there).await?;
        }
    }
    // The bureau: 考核评价 → a round → a cluster's report, printable.
    client.set_window_size(1366, 900).await?;
    click_to(client, Locator::LinkText("考核评价"), "/evaluation", Locator::Id("rounds")).await?;
    check_page(client, "evaluation").await?;
    let round = client.find(Locator::Css("#rounds tbody tr:last-child a")).await?;
    round.click().await?;
    let first = client.wait().for_element(Locator::Css("#ranking tbody tr td a")).await?;
    screenshot(client, "evaluation-round").await;
    first.click().await?;
    client.wait().for_element(Locator::Id("indicators")).await?;
    check_page(client, "a cluster's report").await?;
    screenshot(client, "evaluation-report").await;
    // A head and a principal: their place in the latest round, then its report.
    for (user, width) in [("head", 1366u32), ("head", 390), ("principal", 1366), ("principal", 390)] {
        client.set_window_size(width, 900).await?;
        sign_in(client, server, user).await?;
        let standing = client.find(Locator::Css("#standing a")).await?;
        let text = standing.text().await?;
        assert!(text.contains("第") && text.contains("名"), "{user}: {text}");
        standing.click().await?;
        let total = client.wait().for_element(Locator::Id("total")).await?.text().await?;
        assert!(text.contains(&total), "{user}: the home's total {text} is the report's {total}");
        screenshot(client, &format!("evaluation-report-{user}-{width}")).await;
        check_page(client, &format!("{user}'s report at {width}")).await?;
    }
    Ok(())
}
