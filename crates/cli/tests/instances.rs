//! Several instances of the server on one PostgreSQL database behave as one (issue 27): a token
//! from one is good on another; a sign-out or a disabled account on one is refused by the
//! others within a second; failed sign-ins spread over the instances lock a name at the same
//! count as one instance would. Skipped, with the reason printed, without `DATABASE_URL_PG`.

use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

/// How long `call` takes to answer `want`, polling every 20 ms for up to five seconds.
async fn until<F, Fut>(want: StatusCode, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = StatusCode>,
{
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        if call().await == want {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("still not {want} after five seconds");
}

#[tokio::test(flavor = "multi_thread")]
async fn instances_on_one_database_share_sessions_and_throttling() {
    let Some(url) = std::env::var("DATABASE_URL_PG").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipping: DATABASE_URL_PG is not set (several instances share a PostgreSQL database)");
        return;
    };
    let first = TestServer::start(BIN, &Backend::Postgres(url)).await.expect("the first instance starts");
    let second = first.another_instance().await.unwrap().expect("a second instance on the same database");
    for server in [&first, &second] {
        let ready = reqwest::get(server.url("/readyz")).await.unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        assert_eq!(ready.json::<serde_json::Value>().await.unwrap(), json!({"ready": true, "waiting_for": []}));
    }

    // A token from the first is good on the second; signing out on the second ends it on the
    // first within a second, though the first had it cached.
    let head = first.client("head").await.unwrap();
    let token = head.token().unwrap().to_string();
    assert_eq!(second.with_token(&token).get("/api/v1/me").await.0, StatusCode::OK);
    assert_eq!(head.get("/api/v1/me").await.0, StatusCode::OK, "cached on the first");
    assert_eq!(second.with_token(&token).delete("/api/v1/session").await.0, StatusCode::NO_CONTENT);
    let took = until(StatusCode::UNAUTHORIZED, || async { head.get("/api/v1/me").await.0 }).await;
    assert!(took < Duration::from_secs(1), "the first refused the signed-out token after {took:?}");

    // An account disabled through one instance is refused by the other within a second.
    let admin = first.client("admin").await.unwrap();
    let teacher = second.client("teacher").await.unwrap();
    assert_eq!(teacher.get("/api/v1/me").await.0, StatusCode::OK, "cached on the second");
    let (_, me) = teacher.get("/api/v1/me").await;
    let id = me["user"]["id"].as_i64().unwrap();
    let (_, user) = admin.get(&format!("/api/v1/users/{id}")).await;
    let body = json!({"display_name": user["display_name"], "role": user["role"], "school_id": user["school_id"], "cluster_id": user["cluster_id"], "disabled": true});
    let (status, answer) = admin.put(&format!("/api/v1/users/{id}"), body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let took = until(StatusCode::UNAUTHORIZED, || async { teacher.get("/api/v1/me").await.0 }).await;
    assert!(took < Duration::from_secs(1), "the second refused the disabled account after {took:?}");

    // Wrong passwords spread over both instances lock the name at the count one would.
    let wrong = |server: &TestServer| {
        let request =
            reqwest::Client::new().post(server.url("/api/v1/session")).json(&json!({"username": "principal", "password": "wrong"}));
        async move { request.send().await.unwrap().status() }
    };
    for i in 0..10 {
        let status = wrong(if i % 2 == 0 { &first } else { &second }).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {} is counted", i + 1);
    }
    for server in [&first, &second] {
        assert_eq!(wrong(server).await, StatusCode::TOO_MANY_REQUESTS, "the eleventh try waits, wherever it goes");
        assert!(server.token("principal", xuequ_testkit::DEMO_PASSWORD).await.is_err(), "the right password waits too");
    }
    second.stop().await.unwrap();
    first.stop().await.unwrap();
}
