//! Test support: starts the real `xuequ` binary on a free loopback port against a temporary
//! SQLite file or a fresh PostgreSQL database (dropped afterwards), and signs in through the API.

use anyhow::{Context, Result, bail};
use sea_orm::{ConnectionTrait, Database};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Which database a test server runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// SQLite always; PostgreSQL too when `DATABASE_URL_PG` is set (otherwise a printed skip).
    pub fn all() -> Vec<Backend> {
        let mut out = vec![Backend::Sqlite];
        match std::env::var("DATABASE_URL_PG") {
            Ok(url) if !url.is_empty() => out.push(Backend::Postgres(url)),
            _ => eprintln!("skipping PostgreSQL: DATABASE_URL_PG is not set"),
        }
        out
    }
}

pub struct TestServer {
    pub base: String,
    child: Child,
    pub data_dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestServer {
    /// Starts `xuequ serve --demo` and waits until `/healthz` answers.
    pub async fn start(binary: &str, backend: &Backend) -> Result<TestServer> {
        let data_dir = tempfile::tempdir()?;
        let mut command = Command::new(binary);
        command.args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"]).arg(data_dir.path());
        command.env_remove("XUEQU_DATABASE_URL");
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres(admin_url) => {
                let name = format!("xuequ_test_{}_{}", std::process::id(), rand::random::<u32>());
                let admin = Database::connect(admin_url.as_str()).await?;
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
                let url = database_url(admin_url, &name);
                command.args(["--database-url", &url]);
                Some((admin_url.clone(), name))
            }
        };
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().context("starting xuequ")?;
        let stdout = child.stdout.take().context("stdout")?;
        let base = tokio::task::spawn_blocking(move || -> Result<String> {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                let line = line?;
                if let Some(url) = line.strip_prefix("xuequ listening on ") {
                    let url = url.trim().to_string();
                    // Keep draining stdout so the server never blocks on a full pipe.
                    std::thread::spawn(move || for _ in lines {});
                    return Ok(url);
                }
            }
            bail!("xuequ exited before listening")
        })
        .await??;
        let server = TestServer { base, child, data_dir, pg };
        for _ in 0..600 {
            let ready = reqwest::get(format!("{}/healthz", server.base)).await.is_ok_and(|r| r.status().is_success());
            if ready {
                return Ok(server);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        bail!("xuequ did not become healthy")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in through the API and returns a bearer token.
    pub async fn token(&self, username: &str, password: &str) -> Result<String> {
        let response = reqwest::Client::new()
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("login of {username} failed: {}", response.status());
        }
        let body: serde_json::Value = response.json().await?;
        Ok(body["token"].as_str().context("token")?.to_string())
    }

    /// Stops the server and drops a PostgreSQL test database.
    pub async fn stop(mut self) -> Result<()> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((admin_url, name)) = self.pg.take() {
            let admin = Database::connect(admin_url.as_str()).await?;
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
        }
        Ok(())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The URL of database `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    match admin_url.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && server.len() > "postgres://".len() => format!("{server}/{name}"),
        _ => format!("{}/{name}", admin_url.trim_end_matches('/')),
    }
}
