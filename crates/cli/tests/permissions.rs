//! Every protected route as every role and as a user of another county, through HTTP.

use reqwest::{Client, Method, StatusCode};
use xuequ_testkit::{Backend, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_xuequ");

#[tokio::test(flavor = "multi_thread")]
async fn each_role_gets_what_the_policy_allows() {
    let server = TestServer::start(BIN, &Backend::Sqlite).await.expect("server starts");
    let client = Client::new();
    let admin = server.token("admin", "xuequ-demo").await.unwrap();
    let get_json = |path: String, token: String| {
        let client = client.clone();
        let url = server.url(&path);
        async move { client.get(url).bearer_auth(token).send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    // Ids the table refers to: the principal's own school, a school outside the district, a teacher of each.
    let own = get_json(format!("/api/v1/schools?q={}", "东坪镇中心小学"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let far = get_json(format!("/api/v1/schools?q={}", "青石乡初级中学"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let own_teacher =
        get_json(format!("/api/v1/teachers?school_id={own}&per_page=1"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let far_teacher =
        get_json(format!("/api/v1/teachers?school_id={far}&per_page=1"), admin.clone()).await["items"][0]["id"].as_i64().unwrap();
    let users = ["admin", "inspector", "head", "principal", "teacher", "other-admin"];
    let mut tokens = Vec::new();
    for u in users {
        tokens.push(server.token(u, "xuequ-demo").await.unwrap());
    }
    use StatusCode as S;
    const OK: S = S::OK;
    const NO: S = S::FORBIDDEN;
    const NF: S = S::NOT_FOUND;
    // (method, path, expected status for admin, inspector, head, principal, teacher, other county)
    let table: Vec<(Method, String, [S; 6])> = vec![
        (Method::GET, "/api/v1/schools".into(), [OK, OK, OK, OK, OK, OK]),
        (Method::GET, format!("/api/v1/schools/{own}"), [OK, OK, OK, OK, OK, NF]),
        (Method::GET, format!("/api/v1/teachers/{own_teacher}"), [OK, OK, OK, OK, OK, NF]),
        (Method::GET, format!("/api/v1/teachers/{far_teacher}"), [OK, OK, NO, NO, NO, NF]),
        (Method::GET, "/api/v1/users".into(), [OK, NO, NO, NO, NO, OK]),
        (Method::GET, "/api/v1/audit".into(), [OK, OK, NO, NO, NO, OK]),
        (Method::GET, "/api/v1/export/teachers?format=csv".into(), [OK, OK, OK, OK, OK, OK]),
        (Method::PUT, format!("/api/v1/schools/{own}"), [OK, NO, NO, OK, NO, NF]),
        (Method::PUT, format!("/api/v1/schools/{far}"), [OK, NO, NO, NO, NO, NF]),
        (Method::DELETE, format!("/api/v1/teachers/{far_teacher}"), [OK, NO, NO, NO, NO, NF]),
    ];
    for (method, path, expected) in &table {
        for (i, user) in users.iter().enumerate() {
            let mut request = client.request(method.clone(), server.url(path)).bearer_auth(&tokens[i]);
            if *method == Method::PUT {
                // The school's own record sent back unchanged: only the permission decides.
                let current = get_json(path.clone(), admin.clone()).await;
                let draft = serde_json::json!({
                    "code": current["code"], "name": current["name"], "school_type": current["school_type"],
                    "locality": current["locality"], "latitude": current["latitude"], "longitude": current["longitude"]
                });
                request = request.json(&draft);
            }
            let status = request.send().await.unwrap().status();
            assert_eq!(status, expected[i], "{method} {path} as {user}");
        }
        if *method == Method::DELETE {
            break; // the record is retired now; later rows do not depend on it
        }
    }
    // Without a token: 401 with a JSON error.
    let r = client.get(server.url("/api/v1/schools")).send().await.unwrap();
    assert_eq!(r.status(), S::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    // Unknown addresses: a JSON 404 under the API, a page elsewhere.
    let r = client.get(server.url("/api/v1/nothing-here")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_found");
    let r = client.get(server.url("/nothing-here")).send().await.unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("找不到"));
    let r = client.get(server.url("/api/v1/schools/abc")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), S::NOT_FOUND);
    // A page without a session sends the browser to sign in, and back afterwards.
    let no_redirect = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = no_redirect.get(server.url("/teachers?subject=math")).send().await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=%2Fteachers%3Fsubject%3Dmath");
    // Pages ask the same policy: a teacher may not open the accounts page.
    let r = no_redirect.post(server.url("/login")).form(&[("username", "teacher"), ("password", "xuequ-demo")]).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let r = no_redirect.get(server.url("/admin/users")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    // A form posted without the session's CSRF token is refused.
    let r = no_redirect.post(server.url("/logout")).header("cookie", &cookie).form(&[("_csrf", "forged")]).send().await.unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    // A teacher cannot import; a principal cannot import rows of another school.
    let form = || {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes("学校代码,设施名称,设施类型,容纳人数\n3141000015,新实验室,实验室,40\n".as_bytes().to_vec())
                .file_name("f.csv"),
        )
    };
    let r = client.post(server.url("/api/v1/import/facilities")).bearer_auth(&tokens[4]).multipart(form()).send().await.unwrap();
    assert_eq!(r.status(), S::FORBIDDEN);
    let r = client.post(server.url("/api/v1/import/facilities")).bearer_auth(&tokens[3]).multipart(form()).send().await.unwrap();
    assert_eq!(r.status(), S::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["details"][0]["code"], "out_of_scope");
    // Disabling an account ends its sessions at once, even a busy (cached) one.
    let teacher_token = &tokens[4];
    let me = client.get(server.url("/api/v1/me")).bearer_auth(teacher_token).send().await.unwrap();
    assert_eq!(me.status(), S::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    let update = serde_json::json!({"display_name": "停用", "role": "teacher", "school_id": me["user"]["school_id"], "disabled": true});
    let r = client.put(server.url(&format!("/api/v1/users/{}", me["user"]["id"]))).bearer_auth(&admin).json(&update).send().await.unwrap();
    assert_eq!(r.status(), S::OK);
    let r = client.get(server.url("/api/v1/me")).bearer_auth(teacher_token).send().await.unwrap();
    assert_eq!(r.status(), S::UNAUTHORIZED);
    server.stop().await.unwrap();
}
