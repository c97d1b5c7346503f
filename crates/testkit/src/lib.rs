//! Test support: starts the real `xuequ` binary on a free loopback port against a temporary
//! SQLite file or a fresh PostgreSQL database (dropped afterwards, also when a test panics), and
//! a typed client for the API that every integration test shares.

pub mod hostile;

use anyhow::{Context, Result, bail};
pub use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
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
    /// The command line, to start the server again on the same data.
    command: Launch,
}

/// The binary, its arguments and extra environment variables.
type Launch = (String, Vec<String>, Vec<(String, String)>);

impl TestServer {
    /// Starts `xuequ serve --demo` and waits until `/healthz` answers.
    pub async fn start(binary: &str, backend: &Backend) -> Result<TestServer> {
        TestServer::start_with(binary, backend, &[], &[]).await
    }

    /// Starts it with more arguments (`--max-file-mb 2`) and environment variables (the S3
    /// endpoint's).
    pub async fn start_with(binary: &str, backend: &Backend, more: &[&str], env: &[(&str, &str)]) -> Result<TestServer> {
        let data_dir = tempfile::tempdir()?;
        let mut args: Vec<String> = ["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"].iter().map(|s| s.to_string()).collect();
        args.push(data_dir.path().display().to_string());
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres(admin_url) => {
                let name = format!("xuequ_test_{}_{}", std::process::id(), rand::random::<u32>());
                let admin = Database::connect(admin_url.as_str()).await?;
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
                args.extend(["--database-url".to_string(), database_url(admin_url, &name)]);
                Some((admin_url.clone(), name))
            }
        };
        args.extend(more.iter().map(|a| a.to_string()));
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let command = (binary.to_string(), args, env);
        let (child, base) = launch(&command).await?;
        let server = TestServer { base, child, data_dir, pg, command };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&self) -> Result<()> {
        for _ in 0..600 {
            let ready = reqwest::get(format!("{}/healthz", self.base)).await.is_ok_and(|r| r.status().is_success());
            if ready {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        bail!("xuequ did not become healthy")
    }

    /// Kills the server at once (SIGKILL: no shutdown, no flush), as a power cut would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same data (after [`TestServer::kill`]); it listens on a
    /// new port.
    pub async fn restart(&mut self) -> Result<()> {
        self.kill();
        let (child, base) = launch(&self.command).await?;
        (self.child, self.base) = (child, base);
        self.wait_healthy().await
    }

    /// `--data-dir …` and `--database-url …` of this server, for another `xuequ` command on its
    /// data (with the same environment).
    pub fn data_args(&self) -> (Vec<String>, Vec<(String, String)>) {
        let args = &self.command.1;
        let mut out = Vec::new();
        for flag in ["--data-dir", "--database-url"] {
            if let Some(i) = args.iter().position(|a| a == flag) {
                out.extend([flag.to_string(), args[i + 1].clone()]);
            }
        }
        (out, self.command.2.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs one SQL statement on the server's database, for what only time would do otherwise
    /// (a request left undecided for days, a booking that has begun); how many rows it changed.
    pub async fn execute_sql(&self, sql: &str) -> Result<u64> {
        let url = match &self.pg {
            Some((admin_url, name)) => database_url(admin_url, name),
            None => format!("sqlite://{}?mode=rw", self.data_dir.path().join("xuequ.db").display()),
        };
        let db = Database::connect(url.as_str()).await?;
        let done = db.execute_unprepared(sql).await?.rows_affected();
        db.close().await?;
        Ok(done)
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

    /// A client signed in as `username` (demo password unless told otherwise).
    pub async fn client(&self, username: &str) -> Result<Api> {
        self.client_with(username, DEMO_PASSWORD).await
    }

    pub async fn client_with(&self, username: &str, password: &str) -> Result<Api> {
        Ok(Api { http: reqwest::Client::new(), base: self.base.clone(), token: Some(self.token(username, password).await?) })
    }

    /// A client of this server with a token from anywhere (another instance's sign-in).
    pub fn with_token(&self, token: &str) -> Api {
        Api { http: reqwest::Client::new(), base: self.base.clone(), token: Some(token.to_string()) }
    }

    /// A client without a session.
    pub fn anonymous(&self) -> Api {
        Api { http: reqwest::Client::new(), base: self.base.clone(), token: None }
    }

    /// Another instance of the server on this one's PostgreSQL database, with a data
    /// directory (local caches, the library's index) of its own, as a deployment of several
    /// instances runs it. `None` on SQLite, whose file one server holds.
    pub async fn another_instance(&self) -> Result<Option<TestServer>> {
        if self.pg.is_none() {
            return Ok(None);
        }
        let data_dir = tempfile::tempdir()?;
        let (binary, mut args, env) = self.command.clone();
        let at = args.iter().position(|a| a == "--data-dir").context("--data-dir")?;
        args[at + 1] = data_dir.path().display().to_string();
        let command = (binary, args, env);
        let (child, base) = launch(&command).await?;
        // Not the owner of the database: stopping it leaves the database to the first.
        let server = TestServer { base, child, data_dir, pg: None, command };
        server.wait_healthy().await?;
        Ok(Some(server))
    }

    /// Stops the server and drops a PostgreSQL test database.
    pub async fn stop(mut self) -> Result<()> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((admin_url, name)) = self.pg.take() {
            drop_database(&admin_url, &name).await?;
        }
        Ok(())
    }
}

/// Spawns the server and reads the address it listens on.
async fn launch((binary, args, env): &Launch) -> Result<(Child, String)> {
    let mut child = Command::new(binary)
        .args(args)
        .env_remove("XUEQU_DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting xuequ")?;
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
    Ok((child, base))
}

async fn drop_database(admin_url: &str, name: &str) -> Result<()> {
    let admin = Database::connect(admin_url).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    Ok(())
}

impl Drop for TestServer {
    /// A test that panics before `stop` still leaves no server and no database behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop may run inside the test's runtime, which cannot be blocked on: a thread of
            // its own with a runtime of its own drops the database.
            let dropped = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread().enable_all().build().map(|rt| rt.block_on(drop_database(&admin_url, &name)))
            })
            .join();
            if !matches!(dropped, Ok(Ok(Ok(())))) {
                eprintln!("could not drop a PostgreSQL test database");
            }
        }
    }
}

/// The demo accounts' password.
pub const DEMO_PASSWORD: &str = "xuequ-demo";

/// A client of the JSON API: every call answers its status and its body as JSON (`Null` when
/// the body is not JSON).
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Api {
    /// The bearer token, for requests the client cannot make (raw sockets).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends a body the server refuses for its size before reading it all: the server may answer
    /// 413 and close while the body is still being written, which the client sees as a broken
    /// pipe, so it tries a few times for the answer.
    pub async fn post_oversized(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        for _ in 0..5 {
            match self.request(reqwest::Method::POST, path).json(body).send().await {
                Ok(response) => {
                    let status = response.status();
                    return (status, response.json().await.unwrap_or(Value::Null));
                }
                Err(e) if e.is_request() => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
                Err(e) => panic!("the server answers: {e}"),
            }
        }
        panic!("the server closed the connection five times without an answer");
    }

    async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A multipart form: text fields, then each file as a `file` part with its name.
    pub async fn multipart(&self, method: &str, path: &str, fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (name, bytes) in files {
            form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
        }
        Self::answer(self.request(method, path).multipart(form)).await
    }

    /// The raw answer to a GET (files).
    pub async fn bytes(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self.request(reqwest::Method::GET, path).send().await.expect("the server answers");
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
    }

    /// Any method by name (`GET`, `POST`, `PUT`, `DELETE`), with an optional JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let request = self.request(method, path);
        Self::answer(match body {
            Some(body) => request.json(&body),
            None => request,
        })
        .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call("GET", path, None).await
    }

    /// Every item of a list, over all its pages (`{"items", "total", "page", "per_page"}`), as one
    /// JSON array; an error answer as it came.
    pub async fn items(&self, path: &str) -> (StatusCode, Value) {
        let mut all = Vec::new();
        for page in 1.. {
            let sep = if path.contains('?') { '&' } else { '?' };
            let (status, body) = self.get(&format!("{path}{sep}page={page}&per_page=200")).await;
            if status != StatusCode::OK {
                return (status, body);
            }
            let items = body["items"].as_array().cloned().unwrap_or_default();
            let done = items.is_empty() || (all.len() + items.len()) as u64 >= body["total"].as_u64().unwrap_or(0);
            all.extend(items);
            if done {
                break;
            }
        }
        (StatusCode::OK, Value::Array(all))
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call("PUT", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call("DELETE", path, None).await
    }

    /// A page as HTML, with the bearer token standing in for a browser's session.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.request(reqwest::Method::GET, path).send().await.expect("the server answers");
        (response.status(), response.text().await.unwrap_or_default())
    }

    /// Posts a page's form (a bearer token needs no CSRF token); answers the status.
    pub async fn form(&self, path: &str, fields: &[(&str, String)]) -> StatusCode {
        self.request(reqwest::Method::POST, path).form(fields).send().await.expect("the server answers").status()
    }

    /// Posts a page's form; answers the status and the page it renders (a form with problems
    /// comes back with them).
    pub async fn form_page(&self, path: &str, fields: &[(&str, String)]) -> (StatusCode, String) {
        let response = self.request(reqwest::Method::POST, path).form(fields).send().await.expect("the server answers");
        (response.status(), response.text().await.unwrap_or_default())
    }

    /// Uploads a file to `/api/v1/import/{kind}`.
    pub async fn import(&self, kind: &str, file_name: &str, bytes: Vec<u8>, update_existing: bool) -> (StatusCode, Value) {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()));
        let path = format!("/api/v1/import/{kind}?update_existing={update_existing}");
        Self::answer(self.request(reqwest::Method::POST, &path).multipart(form)).await
    }

    /// Downloads `/api/v1/export/{kind}?format=`; panics unless the answer is 200.
    pub async fn export(&self, kind: &str, format: &str) -> Vec<u8> {
        self.export_listed(kind, format, "").await
    }

    /// Downloads `/api/v1/export/{kind}?format=&{list_query}`: what the list with that query
    /// shows; panics unless the answer is 200.
    pub async fn export_listed(&self, kind: &str, format: &str, list_query: &str) -> Vec<u8> {
        let path = format!("/api/v1/export/{kind}?format={format}&{list_query}");
        let response = self.request(reqwest::Method::GET, &path).send().await.expect("answer");
        assert_eq!(response.status(), StatusCode::OK, "export {kind} {format}");
        response.bytes().await.expect("the file").to_vec()
    }
}

/// The URL of database `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    match admin_url.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && server.len() > "postgres://".len() => format!("{server}/{name}"),
        _ => format!("{}/{name}", admin_url.trim_end_matches('/')),
    }
}
