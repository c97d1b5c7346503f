//! Debian's chromium, driven through chromedriver: sign in and open a school page, as a person
//! would. Screenshots of each step go to the test's temporary directory (and stay there when a
//! step fails). Skipped with a printed reason when chromium or chromedriver is missing.

use fantoccini::{ClientBuilder, Locator};
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

#[tokio::test(flavor = "multi_thread")]
async fn a_bureau_admin_signs_in_and_opens_a_school() {
    let (Ok(_), Ok(_)) = (which("chromium"), which("chromedriver")) else {
        eprintln!("skipping the browser test: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)");
        return;
    };
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
    let result = steps(&client, &server).await;
    if let Err(e) = &result {
        screenshot(&client, "failure").await;
        eprintln!("browser step failed: {e}; screenshot in {}/screens", env!("CARGO_TARGET_TMPDIR"));
    }
    let _ = client.close().await;
    server.stop().await.unwrap();
    result.unwrap();
}

async fn steps(client: &fantoccini::Client, server: &TestServer) -> Result<(), Box<dyn std::error::Error>> {
    client.goto(&server.url("/schools")).await?;
    // Not signed in: the login page, in Chinese.
    assert!(client.current_url().await?.path().starts_with("/login"));
    assert!(client.source().await?.contains("演示账号"));
    screenshot(client, "login").await;
    client.find(Locator::Id("username")).await?.send_keys("admin").await?;
    client.find(Locator::Id("password")).await?.send_keys("xuequ-demo").await?;
    client.find(Locator::Id("login")).await?.click().await?;
    // Back where the browser was going, now signed in. (Wait for the address, not for a table:
    // the login page has a table too, so a table can be found before the browser moved on.)
    let schools = url::Url::parse(&server.url("/schools"))?;
    client.wait().for_url(&schools).await?;
    client.wait().for_element(Locator::Css("table.list")).await?;
    assert_eq!(client.current_url().await?.path(), "/schools");
    client.goto(&server.url("/")).await?;
    client.wait().for_element(Locator::Css("div.cards")).await?;
    screenshot(client, "dashboard").await;
    client.goto(&server.url("/schools?q=东坪镇中心小学")).await?;
    let link = client.wait().for_element(Locator::LinkText("东坪镇中心小学")).await?;
    screenshot(client, "schools").await;
    link.click().await?;
    client.wait().for_element(Locator::Id("stats")).await?;
    let heading = client.find(Locator::Css("h1")).await?.text().await?;
    assert!(heading.starts_with("东坪镇中心小学"), "{heading}");
    let years = client.find_all(Locator::Css("#stats tbody tr")).await?.len();
    assert_eq!(years, 3, "three school years of statistics");
    screenshot(client, "school").await;
    // The cluster page draws its map.
    client.find(Locator::LinkText("城关第二学区")).await?.click().await?;
    client.wait().for_element(Locator::Css(".map svg circle")).await?;
    screenshot(client, "cluster").await;
    // An import with mistakes: every problem listed with its row and column, nothing written.
    let bad = tempfile::Builder::new().suffix(".csv").tempfile()?;
    std::fs::write(bad.path(), "学校代码,设施名称,设施类型,容纳人数\n3141000001,新实验室,实验室,很多\n3141000001,新操场,操场,100\n")?;
    client.goto(&server.url("/import")).await?;
    client.find(Locator::Css("select[name=kind] option[value=facilities]")).await?.click().await?;
    client.find(Locator::Css("input[type=file]")).await?.send_keys(&bad.path().display().to_string()).await?;
    client.find(Locator::Css("form[enctype] button[type=submit]")).await?.click().await?;
    let errors = client.wait().for_element(Locator::Id("import-errors")).await?.text().await?;
    screenshot(client, "import-errors").await;
    assert!(errors.contains("D 容纳人数") && errors.contains("C 设施类型"), "{errors}");
    assert_eq!(client.find_all(Locator::Css("#import-errors tbody tr")).await?.len(), 2);
    // A hostile workbook (cells at A1 and XFD1048576) is refused with the limit named, in Chinese.
    let far = tempfile::Builder::new().suffix(".xlsx").tempfile()?;
    std::fs::write(far.path(), xuequ_testkit::hostile::xlsx_with_far_cell(1_048_575, 16_383))?;
    client.goto(&server.url("/import")).await?;
    client.find(Locator::Css("input[type=file]")).await?.send_keys(&far.path().display().to_string()).await?;
    client.find(Locator::Css("form[enctype] button[type=submit]")).await?.click().await?;
    let errors = client.wait().for_element(Locator::Id("import-errors")).await?.text().await?;
    screenshot(client, "import-hostile").await;
    assert!(errors.contains("XFD") && errors.contains("256"), "{errors}");
    // Two people edit one school: the second save comes back with both values, nothing saved.
    client.goto(&server.url("/schools?q=东坪镇中心小学")).await?;
    client.wait().for_element(Locator::LinkText("东坪镇中心小学")).await?.click().await?;
    client.wait().for_element(Locator::Id("stats")).await?;
    let edit_url = format!("{}/edit", client.current_url().await?.path());
    client.goto(&server.url(&edit_url)).await?;
    let principal = client.wait().for_element(Locator::Css("input[name=principal]")).await?;
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
    client.find(Locator::Css("form.record button[type=submit]")).await?.click().await?;
    let page = client.wait().for_element(Locator::Css("div.errors")).await?.text().await?;
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
    client.goto(&server.url("/plans")).await?;
    let form = client.wait().for_element(Locator::Id("plan-form")).await?;
    screenshot(client, "plans").await;
    let limit = form.find(Locator::Css("input[name=time_limit]")).await?;
    limit.clear().await?;
    limit.send_keys("2").await?;
    form.find(Locator::Css("button[type=submit]")).await?.click().await?;
    client.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css("#plan-map svg circle")).await?;
    screenshot(client, "plan").await;
    let compare = client.find(Locator::Id("compare")).await?.text().await?;
    assert!(compare.contains("现有学区") && compare.contains("调整学校数"), "{compare}");
    assert!(client.find(Locator::Id("strength-source")).await?.text().await?.contains("均衡评估"));
    let clusters = client.find_all(Locator::Css("table.plan-cluster")).await?.len();
    assert!((8..=20).contains(&clusters), "a sensible number of districts for 100 primary schools: {clusters}");
    client.find(Locator::Css("#move-form button")).await?.click().await?;
    client.wait().for_element(Locator::Css("#plan-map svg circle")).await?;
    screenshot(client, "plan-moved").await;
    // The language switch.
    client.find(Locator::Id("lang-switch")).await?.click().await?;
    client.wait().for_element(Locator::LinkText("Schools")).await?;
    Ok(())
}

fn which(program: &str) -> std::io::Result<std::process::Output> {
    Command::new("which").arg(program).output().and_then(|o| if o.status.success() { Ok(o) } else { Err(std::io::Error::other("missing")) })
}
