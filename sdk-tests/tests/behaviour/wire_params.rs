//! What parameter styles put on the wire: the `wire-sdk` crate against a loopback server, the
//! raw path, query string, headers and cookies compared with OpenAPI's style tables.

use wire_sdk::models::{CreateTokenRequest, Point};
use wire_sdk::parameters::SearchParams;
use wire_sdk::Error;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> wire_sdk::Client {
    wire_sdk::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client builds")
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn point(x: i64, y: i64) -> Option<Point> {
    Some(Point {
        x: Some(x),
        y: Some(y),
    })
}

#[tokio::test]
async fn every_style_writes_what_openapi_says() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let options = SearchParams {
        tags: Some(vec!["a b".to_owned(), "c,d".to_owned()]),
        ids: Some(vec![1, 2]),
        colors: Some(vec!["blue".to_owned(), "black|grey".to_owned()]),
        words: Some(vec!["x".to_owned(), "y".to_owned()]),
        point: point(1, 2),
        filter: point(3, 4),
        r#where: point(5, 6),
        x_dims: point(7, 8),
        x_tags: Some(vec!["t1".to_owned(), "t2".to_owned()]),
        prefs: Some(vec!["p1".to_owned(), "p2".to_owned()]),
        seen: Some(vec![9, 10]),
    };
    client(&server)
        .parameters()
        .search(&["a".to_owned(), "b c".to_owned()], &[3, 4])
        .with_params(options)
        .await
        .unwrap();
    let request = only_request(&server).await;
    // Label, exploded: a dot before each item; matrix: the name, then the items
    // comma-separated.
    assert_eq!(request.url.path(), "/search/.a.b%20c/;matrix=3,4");
    assert_eq!(
        request.url.query().unwrap(),
        [
            // form, not exploded: the items' delimiter is a comma; commas inside are encoded.
            "tags=a%20b,c%2Cd",
            // form, exploded (the default): the name repeats.
            "ids=1",
            "ids=2",
            // pipeDelimited and spaceDelimited: `%7C` and `%20` between the items.
            "colors=blue%7Cblack%7Cgrey",
            "words=x%20y",
            // An object in form style, exploded: each property its own pair.
            "x=1",
            "y=2",
            // deepObject: the property in brackets.
            "filter%5Bx%5D=3",
            "filter%5By%5D=4",
            // `content: application/json`: the value as JSON text.
            "where=%7B%22x%22%3A5%2C%22y%22%3A6%7D",
        ]
        .join("&")
    );
    let header = |name: &str| request.headers[name].to_str().unwrap().to_owned();
    assert_eq!(header("x-dims"), "x=7,y=8");
    assert_eq!(header("x-tags"), "t1,t2");
    // A list in a cookie: comma-separated in one cookie (form), or one cookie per item
    // (exploded, as OpenAPI 3.2's `cookie` style writes it).
    assert_eq!(header("cookie"), "prefs=p1,p2; seen=9; seen=10");
}

#[tokio::test]
async fn absent_and_empty_values_send_nothing_and_dot_segments_are_refused() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client(&server)
        .parameters()
        .search(&["x".to_owned()], &[])
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/search/.x/;matrix");
    assert_eq!(request.url.query(), None);
    assert!(request.headers.get("cookie").is_none());

    // A label of `.` would be the dot segment `..`: refused, never sent.
    let error = client(&server)
        .parameters()
        .search(&[".".to_owned()], &[1])
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
}

#[tokio::test]
async fn a_cookie_item_a_cookie_cannot_hold_is_refused() {
    let server = MockServer::start().await;
    for prefs in [
        vec!["a,b".to_owned()],
        vec!["ok".to_owned(), "a;b".to_owned()],
    ] {
        let options = SearchParams {
            prefs: Some(prefs),
            ..Default::default()
        };
        let error = client(&server)
            .parameters()
            .search(&["x".to_owned()], &[1])
            .with_params(options)
            .await
            .unwrap_err();
        let Error::InvalidRequest { message, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(message.contains("cookie `prefs`"), "{message}");
    }
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test]
async fn form_fields_follow_their_encoding() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let body = CreateTokenRequest {
        grant_type: "client credentials".to_owned(),
        scope: Some(vec!["read".to_owned(), "write".to_owned()]),
        audiences: Some(vec!["a".to_owned(), "b".to_owned()]),
        claims: point(1, 2),
    };
    client(&server)
        .parameters()
        .create_token(body.clone())
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    // The fields' order follows serde_json's map (name order, or declaration order when
    // another crate of the build enables its `preserve_order`); a form's pairs mean the same
    // in any order, so they are compared sorted.
    let mut pairs: Vec<&str> = std::str::from_utf8(&request.body)
        .unwrap()
        .split('&')
        .collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        [
            // No encoding: a list repeats the name.
            "audiences=a",
            "audiences=b",
            // `contentType: application/json`: the object as JSON text.
            "claims=%7B%22x%22%3A1%2C%22y%22%3A2%7D",
            "grant_type=client%20credentials",
            // `style: spaceDelimited`.
            "scope=read%20write",
        ]
    );
}
