//! The batch commands against a running server's SQLite database: backup while it serves,
//! restore, export and import; and the first start of a real installation.

use std::process::Command;
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

fn xuequ(args: &[&str]) -> std::process::Output {
    let out = Command::new(BIN).args(args).env_remove("XUEQU_DATABASE_URL").output().expect("run xuequ");
    assert!(out.status.success(), "xuequ {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_while_serving_then_restore_and_the_export_round_trip() {
    let server = TestServer::start(BIN, &Backend::Sqlite).await.expect("server starts");
    let data = server.data_dir.path().to_str().unwrap().to_string();
    let work = tempfile::tempdir().unwrap();
    let path = |name: &str| work.path().join(name).to_str().unwrap().to_string();

    // A consistent copy while the server is up, then the same data in a fresh directory.
    xuequ(&["backup", "--to", &path("backup.db"), "--data-dir", &data]);
    let refused = Command::new(BIN).args(["backup", "--to", &path("backup.db"), "--data-dir", &data]).output().unwrap();
    assert!(!refused.status.success(), "an existing backup file is never overwritten");
    let restored = path("restored");
    xuequ(&["restore", "--from", &path("backup.db"), "--data-dir", &restored]);
    // Restoring under the running server is refused and changes nothing: the server would
    // overwrite the restored file with its next writes.
    let under = Command::new(BIN)
        .args(["restore", "--from", &path("backup.db"), "--data-dir", &data])
        .env_remove("XUEQU_DATABASE_URL")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&under.stderr);
    assert!(!under.status.success() && said.contains("正在被运行中的服务器使用") && said.contains("pid"), "{said}");
    let second = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &data])
        .env_remove("XUEQU_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!second.status.success(), "a second server on the same data is refused too");
    let live = xuequ(&["export", "teachers", "--format", "csv", "--data-dir", &data]).stdout;
    let copy = xuequ(&["export", "teachers", "--format", "csv", "--data-dir", &restored]).stdout;
    assert!(live.len() > 100_000, "the demo teachers are exported");
    assert_eq!(live, copy, "the restored database holds the same teachers");

    // CLI export → import with --update-existing changes nothing; without it, every row exists.
    xuequ(&["export", "facilities", "--format", "xlsx", "--out", &path("f.xlsx"), "--data-dir", &restored]);
    let out = xuequ(&["import", "facilities", "--file", &path("f.xlsx"), "--update-existing", "--data-dir", &restored]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("新增 0 条"), "{}", String::from_utf8_lossy(&out.stdout));
    let again = Command::new(BIN).args(["import", "facilities", "--file", &path("f.xlsx"), "--data-dir", &restored]).output().unwrap();
    assert!(!again.status.success());
    let errors = String::from_utf8_lossy(&again.stderr);
    assert!(errors.contains("已存在") && errors.contains("f.xlsx"), "{errors}");
    assert_eq!(
        xuequ(&["export", "facilities", "--format", "csv", "--data-dir", &restored]).stdout,
        xuequ(&["export", "facilities", "--format", "csv", "--data-dir", &data]).stdout
    );

    // The API documents itself.
    let doc: serde_json::Value = reqwest::get(server.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    for path in ["/api/v1/session", "/api/v1/schools", "/api/v1/schools/{id}", "/api/v1/teachers", "/api/v1/facilities", "/api/v1/clusters"]
    {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    server.stop().await.unwrap();
}

/// What `xuequ serve` prints before it listens.
async fn startup_lines(data: &std::path::Path) -> Vec<String> {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env_remove("XUEQU_ADMIN_PASSWORD")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout).lines().map_while(Result::ok).take_while(|l| !l.starts_with("xuequ listening")).collect()
    })
    .await
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_start_creates_an_admin_with_a_one_time_password() {
    let data = tempfile::tempdir().unwrap();
    let lines = startup_lines(data.path()).await;
    let line = lines.iter().find(|l| l.contains("one-time password")).expect("the password is printed");
    let password = line.rsplit(' ').next().unwrap().to_string();
    assert_eq!(password.len(), 16);
    assert!(startup_lines(data.path()).await.iter().all(|l| !l.contains("password")), "printed once only");
    // The password works (on a server of the same data directory).
    let server_data = data.path().to_path_buf();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&server_data)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let mut status = None;
    for _ in 0..100 {
        if let Ok(r) = client
            .post(format!("http://127.0.0.1:{port}/api/v1/session"))
            .json(&serde_json::json!({"username": "admin", "password": password}))
            .send()
            .await
        {
            status = Some(r.status());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, Some(reqwest::StatusCode::OK));
}
