//! A day's work without a dead end: as each of the six demo roles, a crawler starts at the home
//! page and follows every link its pages offer (a few of each kind of page: `/schools/12` and
//! `/schools/40` are one kind), and starts every action that asks first (a button whose label
//! ends in “…”) up to its confirmation and back out through its cancel link. It fails on
//! - a link or an asks-first form that answers 4xx or 5xx,
//! - a confirmation that does not ask (no confirming form) or whose way out does not lead back,
//! - "Unknown localization key" anywhere, a raw record kind (`exchange_move`) or a bare login
//!   name (`申请人 teacher`) where people read names.
//!
//! It posts nothing that changes data: the confirmations are opened, never confirmed.

use regex::Regex;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::LazyLock;
use xuequ_testkit::{Api, Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

const ROLES: [&str; 6] = ["admin", "inspector", "head", "principal", "teacher", "other-admin"];
/// How many pages of one kind a role's crawl opens, and how many pages in all.
const PER_KIND: usize = 3;
const PER_ROLE: usize = 400;

static HREF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"<a\b[^>]*\bhref="([^"]+)""#).unwrap());
static FORM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?s)<form\b([^>]*)>(.*?)</form>"#).unwrap());
static ATTR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"\b(name|value|action|method|type|href)="([^"]*)""#).unwrap());
static INPUT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"<(input|textarea)\b[^>]*>"#).unwrap());
static BUTTON: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?s)<button\b[^>]*>(.*?)</button>"#).unwrap());
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<script.*?</script>|<style.*?</style>|<[^>]*>").unwrap());
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"/\d+").unwrap());
/// A login name of the demo standing alone in text (not in the （login） that follows a name).
static BARE_LOGIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s：:，,→])(admin|inspector|head|principal|teacher)(?:$|[\s，,。])").unwrap());

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

fn attrs(tag: &str) -> HashMap<String, String> {
    ATTR.captures_iter(tag).map(|c| (c[1].to_string(), unescape(&c[2]))).collect()
}

/// The kind of a page: its path with numbers as `{n}` and the names of its query parameters.
fn kind_of(path: &str) -> String {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let mut keys: Vec<&str> = q.split('&').filter_map(|kv| kv.split('=').next()).filter(|k| !k.is_empty()).collect();
    keys.sort();
    keys.dedup();
    format!("{}?{}", NUMBER.replace_all(p, "/{n}"), keys.join("&"))
}

/// A link worth following: ours, a page (not a download stream we cannot read, not the API).
fn followable(href: &str) -> Option<String> {
    let href = unescape(href);
    let href = href.split('#').next().unwrap_or("").to_string();
    let ours = href.starts_with('/') && !href.starts_with("//");
    let skipped = ["/static/", "/api/", "/logout", "/lang"].iter().any(|p| href.starts_with(p));
    (ours && !skipped && !href.is_empty()).then_some(href)
}

/// What a person reads on the page: its text without tags, scripts and styles.
fn text_of(html: &str) -> String {
    unescape(&TAG.replace_all(html, " "))
}

fn words_problems(role: &str, path: &str, html: &str, problems: &mut Vec<String>) {
    let text = text_of(html);
    if text.contains("Unknown localization key") {
        let at = text.find("Unknown localization key").unwrap_or(0);
        problems.push(format!("{role} {path}: {}", text[at..].chars().take(80).collect::<String>()));
    }
    for kind in xuequ_i18n::audit::KINDS.iter().filter(|k| k.contains('_')) {
        if text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|w| w == *kind) {
            problems.push(format!("{role} {path}: raw record kind {kind}"));
        }
    }
    // The accounts pages list logins on purpose; elsewhere a login is a name not looked up.
    if !path.starts_with("/admin/users")
        && !path.starts_with("/account")
        && let Some(m) = BARE_LOGIN.find(&text)
    {
        let start = m.start().saturating_sub(30);
        let around: String =
            text[text.floor_char_boundary(start)..text.ceil_char_boundary(m.end())].split_whitespace().collect::<Vec<_>>().join(" ");
        problems.push(format!("{role} {path}: a login where a name belongs: …{around}…"));
    }
}

/// The forms of a page that ask first (their button's label ends in “…”): action and fields.
fn asking_forms(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    FORM.captures_iter(html)
        .filter_map(|c| {
            let form = attrs(&c[1]);
            let body = &c[2];
            let posts = form.get("method").is_some_and(|m| m.eq_ignore_ascii_case("post"));
            let asks = BUTTON.captures_iter(body).any(|b| text_of(&b[1]).trim().ends_with('…'));
            let action = form.get("action")?.clone();
            (posts && asks).then(|| {
                let fields = INPUT
                    .find_iter(body)
                    .filter_map(|i| {
                        let a = attrs(i.as_str());
                        let name = a.get("name")?.clone();
                        let kind = a.get("type").map(String::as_str).unwrap_or("text");
                        // A text field the person fills in gets a plausible answer.
                        let value = a
                            .get("value")
                            .cloned()
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| if kind == "date" { "2026-09-01".into() } else { "巡检".into() });
                        (kind != "file").then_some((name, value))
                    })
                    .collect();
                (action, fields)
            })
        })
        .collect()
}

struct Crawl<'a> {
    role: &'a str,
    api: Api,
    seen: HashSet<String>,
    kinds: HashMap<String, usize>,
    asked: HashSet<String>,
    problems: Vec<String>,
    pages: usize,
}

impl Crawl<'_> {
    async fn run(&mut self) {
        let mut queue: VecDeque<(String, String)> = VecDeque::from([("/".to_string(), "(home)".to_string())]);
        while let Some((path, from)) = queue.pop_front() {
            if self.pages >= PER_ROLE {
                break;
            }
            self.pages += 1;
            let (status, html) = self.api.page(&path).await;
            if status.as_u16() >= 400 {
                self.problems.push(format!("{} {from} → {path}: {status}", self.role));
                continue;
            }
            if !html.contains("<html") {
                continue; // a download
            }
            words_problems(self.role, &path, &html, &mut self.problems);
            for c in HREF.captures_iter(&html) {
                let Some(next) = followable(&c[1]) else { continue };
                let kind = kind_of(&next);
                let n = self.kinds.entry(kind).or_default();
                if *n < PER_KIND && self.seen.insert(next.clone()) {
                    *n += 1;
                    queue.push_back((next, path.clone()));
                }
            }
            for (action, fields) in asking_forms(&html) {
                if self.asked.insert(kind_of(&action)) {
                    self.ask(&path, &action, &fields).await;
                }
            }
        }
    }

    /// Opens a confirmation and leaves it by its cancel link.
    async fn ask(&mut self, from: &str, action: &str, fields: &[(String, String)]) {
        let fields: Vec<(&str, String)> = fields.iter().filter(|(n, _)| n != "confirmed").map(|(n, v)| (n.as_str(), v.clone())).collect();
        let (status, html) = self.api.form_page(action, &fields).await;
        let role = self.role;
        if status.as_u16() >= 400 {
            self.problems.push(format!(
                "{role} {from} → asks {action}: {status} {}",
                text_of(&html).split_whitespace().take(30).collect::<Vec<_>>().join(" ")
            ));
            return;
        }
        words_problems(role, action, &html, &mut self.problems);
        if !html.contains(r#"name="confirmed" value="yes""#) {
            self.problems.push(format!("{role} {from} → {action}: the button says “…” but nothing is asked"));
            return;
        }
        let cancel = Regex::new(r#"<a class="button secondary" href="([^"]+)""#).unwrap();
        match cancel.captures(&html).and_then(|c| followable(&c[1])) {
            Some(back) => {
                let (status, _) = self.api.page(&back).await;
                if status.as_u16() >= 400 {
                    self.problems.push(format!("{role} {action}: the way out {back} answers {status}"));
                }
            }
            None => self.problems.push(format!("{role} {action}: the confirmation has no way out")),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_link_and_confirmation_of_every_role_leads_somewhere() {
    let server = TestServer::start(BIN, &Backend::Sqlite).await.expect("server starts");
    let mut problems = Vec::new();
    for role in ROLES {
        let api = server.client(role).await.expect("demo account signs in");
        let mut crawl = Crawl { role, api, seen: HashSet::new(), kinds: HashMap::new(), asked: HashSet::new(), problems: vec![], pages: 0 };
        crawl.run().await;
        println!("{role}: {} pages, {} confirmations, {} problems", crawl.pages, crawl.asked.len(), crawl.problems.len());
        assert!(crawl.pages > 5 || role == "other-admin", "{role} found pages to visit");
        problems.extend(crawl.problems);
    }
    assert!(problems.is_empty(), "{} dead ends and wrong words:\n{}", problems.len(), problems.join("\n"));
}
