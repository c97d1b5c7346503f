//! The API keeps the promise of its OpenAPI document, as judged by a tool nobody here wrote:
//! schemathesis generates requests for every operation from the document — valid ones and
//! deliberately invalid ones — sends them to a real server on SQLite and on PostgreSQL, and runs
//! all of its checks on the answers (no 5xx; every status, content type, header and body as
//! documented; what the document calls valid accepted, what it calls invalid refused; …).
//! Without schemathesis the test is skipped with a printed reason — except under CI, where
//! `.ci/run` installs it.

use std::process::Command;
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/schemathesis.toml");

/// Operations left out of the run (by operation id), each with its reason.
const LEFT_OUT: &[&str] = &[
    // Signing out ends the very session the run is signed in with: every later request would be
    // a 401. Signing out is tested in the API tests.
    "delete_session",
];

fn schemathesis() -> Option<String> {
    let found = Command::new("st").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var("CI").is_err(), "schemathesis is missing: .ci/run installs it (pip install schemathesis)");
        eprintln!("skipping: schemathesis is not installed (pip install schemathesis)");
        return None;
    }
    Some("st".into())
}

/// How many generated cases per operation: a few in a normal run, more with
/// `XUEQU_CONFORMANCE_EXAMPLES` (a deeper run before a release).
fn examples() -> String {
    std::env::var("XUEQU_CONFORMANCE_EXAMPLES").unwrap_or_else(|_| "6".into())
}

/// A bureau account of the run's own. Generated requests change accounts by id (reset a
/// password, disable, change a role); had the run signed in as the demo's first account, the
/// one small ids name, one of them would end the run's session half-way.
async fn run_account(server: &TestServer) -> String {
    let admin = server.client("admin").await.expect("the bureau signs in");
    let password = "Kq7-vault-Maple-91x-Ridge";
    let (status, body) = admin
        .post(
            "/api/v1/users",
            serde_json::json!({"username": "conformance", "display_name": "接口一致性检查", "password": password, "role": "bureau_admin"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    server.token("conformance", password).await.expect("the run's account signs in")
}

#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_the_server_keeping_its_document() {
    let Some(st) = schemathesis() else { return };
    for backend in Backend::all() {
        let server = TestServer::start(BIN, &backend).await.expect("server starts");
        let token = run_account(&server).await;
        let reports = tempfile::tempdir().unwrap();
        let mut command = Command::new(&st);
        command
            .args(["--config-file", CONFIG, "run"])
            .arg(server.url("/api/v1/openapi.json"))
            .args(["--url", &server.base])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args(["--checks", "all", "--max-examples", &examples(), "--seed", "20261207", "--workers", "2"])
            .args(["--no-color", "--generation-database", "none", "--request-timeout", "30"])
            .args(["--report", "junit", "--report-dir"])
            .arg(reports.path());
        for operation in LEFT_OUT {
            command.args(["--exclude-operation-id", operation]);
        }
        let out = command.output().expect("schemathesis runs");
        server.stop().await.unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "schemathesis on {backend:?} found the API disagreeing with its document:\n{said}");
        assert!(said.contains("passed"), "schemathesis ran operations on {backend:?}:\n{said}");
        eprintln!("{backend:?}: {}", said.lines().rev().find(|l| l.contains("passed")).unwrap_or_default());
    }
}
