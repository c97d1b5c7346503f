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

/// A backup holds what a restore needs: after the data directory is lost, a restore of the
/// backup folder serves every library file again; a bare database copy is refused at restore
/// with the missing files counted.
#[tokio::test(flavor = "multi_thread")]
async fn a_backup_folder_restores_the_library_files_too() {
    let mut server = TestServer::start(BIN, &Backend::Sqlite).await.expect("server starts");
    let data = server.data_dir.path().to_path_buf();
    let work = tempfile::tempdir().unwrap();
    let backup = work.path().join("backup");
    let out = xuequ(&["backup", "--to", backup.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(backup.join("manifest.json")).unwrap()).unwrap();
    let files = manifest["files"].as_array().unwrap().len();
    assert!(files > 100, "the demo library's files are in the backup: {said}");
    assert!(said.contains(&format!("{files} files")), "{said}");

    let admin = server.client("admin").await.unwrap();
    let (_, found) = admin.get("/api/v1/resources?per_page=5").await;
    let ids: Vec<i64> = found["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    let mut before = Vec::new();
    for id in &ids {
        let (status, _, bytes) = admin.bytes(&format!("/api/v1/resources/{id}/download")).await;
        assert_eq!(status, 200);
        before.push(bytes);
    }

    // The disk is lost: database, files and index.
    server.kill();
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { std::fs::remove_dir_all(&path).unwrap() } else { std::fs::remove_file(&path).unwrap() }
    }
    // A bare database copy (what `backup` wrote before) is refused, saying files are missing.
    let bare = work.path().join("bare");
    let bare_out = Command::new(BIN)
        .args(["restore", "--from", backup.join("xuequ.db").to_str().unwrap(), "--data-dir", bare.to_str().unwrap()])
        .env_remove("XUEQU_DATABASE_URL")
        .output()
        .unwrap();
    let refused = String::from_utf8_lossy(&bare_out.stderr);
    assert!(!bare_out.status.success() && refused.contains("files it points at are missing"), "{refused}");

    // A damaged file in the backup is named and nothing is restored.
    let damaged = work.path().join("damaged");
    copy_dir(&backup, &damaged);
    let first = manifest["files"][0][0].as_str().unwrap();
    let victim = damaged.join("files").join(&first[..2]).join(&first[2..4]).join(first);
    std::fs::write(&victim, b"not the file").unwrap();
    let damaged_out = Command::new(BIN)
        .args(["restore", "--from", damaged.to_str().unwrap(), "--data-dir", data.to_str().unwrap()])
        .env_remove("XUEQU_DATABASE_URL")
        .output()
        .unwrap();
    let named = String::from_utf8_lossy(&damaged_out.stderr);
    assert!(!damaged_out.status.success() && named.contains(first), "{named}");
    assert!(!data.join("xuequ.db").exists(), "nothing restored from a damaged backup");

    let out = xuequ(&["restore", "--from", backup.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{files} files")));
    server.restart().await.unwrap();
    let admin = server.client("admin").await.unwrap();
    for (id, bytes) in ids.iter().zip(before) {
        let (status, _, again) = admin.bytes(&format!("/api/v1/resources/{id}/download")).await;
        assert_eq!(status, 200, "resource {id} downloads after the restore");
        assert_eq!(again, bytes);
    }
    let (status, found) = admin.get("/api/v1/resources?per_page=5").await;
    assert_eq!(status, 200);
    assert!(found["total"].as_u64().unwrap() > 100, "the index is rebuilt from the restored database");
    server.stop().await.unwrap();
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() { copy_dir(&path, &target) } else { std::fs::copy(&path, &target).map(|_| ()).unwrap() }
    }
}
