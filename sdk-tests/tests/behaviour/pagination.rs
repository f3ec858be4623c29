//! Pagination through the runtime (`Call::pages`, `Call::items`) with hand-made operation
//! specs and pagination descriptions, against a loopback server, in each of the three styles: every page
//! walked and the walk stopping at the last, an error on page 3 (the items of pages 1 and 2,
//! then the error, then the end), an empty last page, laziness, retries within a page, and
//! the caller's page size and first page kept.

use std::time::Duration;

use futures::StreamExt;
use sdkgen_runtime::codegen::decode_json;
use sdkgen_runtime::spec::{
    ApiSpec, OperationSpec, PageStyle, PageTotal, Paginated, PaginationSpec,
};
use sdkgen_runtime::{Call, Client, ClientBuilder, DecodeError, Error, ErrorResponses};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fast_retries;

static API: ApiSpec = ApiSpec {
    default_server: "http://127.0.0.1:9",
    user_agent: "pagination-tests/1.0.0",
    security_schemes: &[],
    sensitive_fields: &[],
};

static LIST_THINGS: OperationSpec = OperationSpec {
    operation_id: "list-things",
    method: reqwest::Method::GET,
    path_template: "/things",
    security: &[],
    servers: &[],
    accept: reqwest::header::HeaderValue::from_static("application/json"),
};

/// `page[number]` and `page[size]`, the metadata in `meta.page` (Konnect's v2 and v3 lists).
static NUMBERED: Paginated<Value, Value> = Paginated {
    spec: PaginationSpec {
        items: &["data"],
        style: PageStyle::PageNumber {
            param: "page[number]",
            number: Some(&["meta", "page", "number"]),
            size: Some(&["meta", "page", "size"]),
            total: Some(PageTotal::Items(&["meta", "page", "total"])),
        },
    },
    items,
};

/// `page` with no metadata at all: the first empty page is the last.
static BARE_NUMBERED: Paginated<Value, Value> = Paginated {
    spec: PaginationSpec {
        items: &["data"],
        style: PageStyle::PageNumber {
            param: "page",
            number: None,
            size: None,
            total: None,
        },
    },
    items,
};

/// `offset` and `size`, the next offset in the body (Kong Gateway's core entities).
static OFFSET: Paginated<Value, Value> = Paginated {
    spec: PaginationSpec {
        items: &["data"],
        style: PageStyle::Offset {
            param: "offset",
            next: &[&["offset"]],
        },
    },
    items,
};

/// `page[after]`, the next page's URI in `meta.page.next`.
static CURSOR: Paginated<Value, Value> = Paginated {
    spec: PaginationSpec {
        items: &["data"],
        style: PageStyle::Cursor {
            param: "page[after]",
            next: &[&["meta", "next"], &["meta", "page", "next"]],
        },
    },
    items,
};

/// An operation documenting no error: every error status is `Error::UnexpectedStatus`.
#[derive(Debug)]
struct Undocumented;

impl ErrorResponses for Undocumented {
    fn decode(_: u16, _: &[u8]) -> Option<Result<Self, DecodeError>> {
        None
    }

    fn status(&self) -> u16 {
        0
    }
}

type ListCall = Call<Value, Undocumented>;

fn client(server: &MockServer) -> Client {
    ClientBuilder::new(&API)
        .base_url(server.uri())
        .retry(fast_retries())
        .build()
        .expect("client builds")
}

/// A call of the first page, as an SDK's list method starts it.
fn list(client: &Client) -> ListCall {
    client.call(&LIST_THINGS, |status, body| match status {
        200 => Some(decode_json(body)),
        _ => None,
    })
}

fn items(page: Value) -> Vec<Value> {
    match page {
        Value::Object(mut page) => match page.remove("data") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Items `from..to` of a collection.
fn things(from: u64, to: u64) -> Vec<Value> {
    (from..to).map(|i| json!({"id": i})).collect()
}

fn numbered_page(number: u64, size: u64, total: u64) -> Value {
    let from = (number - 1) * size;
    json!({
        "data": things(from, (from + size).min(total)),
        "meta": {"page": {"number": number as f64, "size": size as f64, "total": total as f64}},
    })
}

async fn mount(server: &MockServer, mock: wiremock::MockBuilder, response: ResponseTemplate) {
    mock.respond_with(response).expect(1).mount(server).await;
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn get() -> wiremock::MockBuilder {
    Mock::given(method("GET")).and(path("/things"))
}

/// Every item of the stream, errors as their `Display`.
async fn drain<S: futures::Stream<Item = Result<Value, Error<Undocumented>>> + Unpin>(
    mut stream: S,
) -> Vec<Result<u64, String>> {
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(
            item.map(|v| v["id"].as_u64().expect("an id"))
                .map_err(|e| e.to_string()),
        );
    }
    out
}

fn ids(range: std::ops::Range<u64>) -> Vec<Result<u64, String>> {
    range.map(Ok).collect()
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

// --- Numbered pages ---

#[tokio::test]
async fn numbered_pages_are_walked_to_the_total_keeping_the_page_size() {
    let server = MockServer::start().await;
    let size = || query_param("page[size]", "2");
    mount(
        &server,
        get()
            .and(size())
            .and(query_param_is_missing("page[number]")),
        ok(numbered_page(1, 2, 6)),
    )
    .await;
    for n in [2, 3] {
        mount(
            &server,
            get()
                .and(size())
                .and(query_param("page[number]", n.to_string())),
            ok(numbered_page(n, 2, 6)),
        )
        .await;
    }
    // Page 3 reaches the total: no page 4 is asked for, although it would be full.
    let client = client(&server);
    let call = list(&client).query("page[size]", &2);
    assert_eq!(drain(call.items(&NUMBERED)).await, ids(0..6));
    assert_eq!(requests(&server).await, 3);
    server.verify().await;
}

#[tokio::test]
async fn numbered_pages_stop_at_a_short_page_and_start_where_the_caller_says() {
    let server = MockServer::start().await;
    for (n, body) in [
        (3, numbered_page(3, 2, 99)),
        // A short page is the last, whatever the total says.
        (
            4,
            json!({"data": things(6, 7), "meta": {"page": {"number": 4, "size": 2, "total": 99}}}),
        ),
    ] {
        mount(
            &server,
            get().and(query_param("page[number]", n.to_string())),
            ok(body),
        )
        .await;
    }
    let client = client(&server);
    let call = list(&client).query("page[number]", &3);
    let pages: Vec<_> = call.pages(&NUMBERED).collect().await;
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(Result::is_ok));
    server.verify().await;
}

#[tokio::test]
async fn numbered_pages_without_metadata_end_with_an_empty_page() {
    let server = MockServer::start().await;
    mount(
        &server,
        get().and(query_param_is_missing("page")),
        ok(json!({"data": things(0, 2)})),
    )
    .await;
    mount(
        &server,
        get().and(query_param("page", "2")),
        ok(json!({"data": things(2, 4)})),
    )
    .await;
    mount(
        &server,
        get().and(query_param("page", "3")),
        ok(json!({"data": []})),
    )
    .await;
    let client = client(&server);
    let pages: Vec<_> = list(&client).pages(&BARE_NUMBERED).collect().await;
    assert_eq!(pages.len(), 3, "the empty page is yielded, then the end");
    let all: Vec<Value> = pages.into_iter().flat_map(|p| items(p.unwrap())).collect();
    assert_eq!(all, things(0, 4));
    server.verify().await;
}

#[tokio::test]
async fn an_error_on_numbered_page_3_ends_the_walk_after_pages_1_and_2() {
    let server = MockServer::start().await;
    mount(
        &server,
        get().and(query_param_is_missing("page[number]")),
        ok(numbered_page(1, 2, 10)),
    )
    .await;
    mount(
        &server,
        get().and(query_param("page[number]", "2")),
        ok(numbered_page(2, 2, 10)),
    )
    .await;
    mount(
        &server,
        get().and(query_param("page[number]", "3")),
        ResponseTemplate::new(400).set_body_json(json!({"title": "no page 3 today"})),
    )
    .await;
    let client = client(&server);
    let got = drain(list(&client).items(&NUMBERED)).await;
    assert_eq!(&got[..4], ids(0..4).as_slice());
    assert_eq!(got.len(), 5, "{got:?}");
    let error = got[4].as_ref().unwrap_err();
    assert!(error.contains("400"), "{error}");
    assert_eq!(
        requests(&server).await,
        3,
        "nothing is asked after the error"
    );
    server.verify().await;
}

#[tokio::test]
async fn each_page_is_a_call_of_its_own_retried_as_any_call() {
    let server = MockServer::start().await;
    mount(
        &server,
        get().and(query_param_is_missing("page[number]")),
        ok(numbered_page(1, 2, 4)),
    )
    .await;
    Mock::given(method("GET"))
        .and(query_param("page[number]", "2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mount(
        &server,
        get().and(query_param("page[number]", "2")),
        ok(numbered_page(2, 2, 4)),
    )
    .await;
    let client = client(&server);
    assert_eq!(drain(list(&client).items(&NUMBERED)).await, ids(0..4));
    server.verify().await;
}

// --- Offsets ---

fn offset_page(from: u64, to: u64, next: Option<&str>) -> Value {
    json!({
        "data": things(from, to),
        "offset": next,
        "next": next.map(|n| format!("/things?offset={n}")),
    })
}

async fn mount_offsets(server: &MockServer, third: ResponseTemplate) {
    mount(
        server,
        get()
            .and(query_param("size", "2"))
            .and(query_param_is_missing("offset")),
        ok(offset_page(0, 2, Some("b2Zm+/2"))),
    )
    .await;
    mount(
        server,
        get()
            .and(query_param("size", "2"))
            .and(query_param("offset", "b2Zm+/2")),
        ok(offset_page(2, 4, Some("b2Zm4"))),
    )
    .await;
    mount(
        server,
        get()
            .and(query_param("size", "2"))
            .and(query_param("offset", "b2Zm4")),
        third,
    )
    .await;
}

#[tokio::test]
async fn offsets_are_followed_until_the_body_gives_none() {
    let server = MockServer::start().await;
    mount_offsets(&server, ok(offset_page(4, 5, None))).await;
    let client = client(&server);
    let call = list(&client).query("size", &2);
    assert_eq!(drain(call.items(&OFFSET)).await, ids(0..5));
    server.verify().await;
}

#[tokio::test]
async fn an_empty_last_offset_page_ends_the_walk() {
    let server = MockServer::start().await;
    let last = json!({"data": [], "offset": null, "next": null});
    mount_offsets(&server, ok(last)).await;
    let client = client(&server);
    let pages: Vec<_> = list(&client)
        .query("size", &2)
        .pages(&OFFSET)
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    let all: Vec<Value> = pages.into_iter().flat_map(|p| items(p.unwrap())).collect();
    assert_eq!(all, things(0, 4));
    server.verify().await;
}

#[tokio::test]
async fn an_error_on_offset_page_3_ends_the_walk_after_pages_1_and_2() {
    let server = MockServer::start().await;
    let gone = ResponseTemplate::new(404).set_body_json(json!({"message": "gone"}));
    mount_offsets(&server, gone).await;
    let client = client(&server);
    let call = list(&client).query("size", &2);
    let got = drain(call.items(&OFFSET)).await;
    assert_eq!(&got[..4], ids(0..4).as_slice());
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(got[4].as_ref().unwrap_err().contains("404"), "{got:?}");
    assert_eq!(requests(&server).await, 3);
    server.verify().await;
}

// --- Cursors ---

fn cursor_page(from: u64, to: u64, next: Option<&str>) -> Value {
    json!({
        "data": things(from, to),
        "meta": {"page": {
            "size": 2,
            "next": next.map(|c| format!("/v2/things?page%5Bsize%5D=2&page%5Bafter%5D={c}")),
            "previous": null,
        }},
    })
}

async fn mount_cursors(server: &MockServer, third: ResponseTemplate) {
    mount(
        server,
        get()
            .and(query_param("page[size]", "2"))
            .and(query_param_is_missing("page[after]")),
        ok(cursor_page(0, 2, Some("YWJj%3D"))),
    )
    .await;
    mount(
        server,
        get()
            .and(query_param("page[size]", "2"))
            .and(query_param("page[after]", "YWJj=")),
        ok(cursor_page(2, 4, Some("ZGVm"))),
    )
    .await;
    mount(
        server,
        get()
            .and(query_param("page[size]", "2"))
            .and(query_param("page[after]", "ZGVm")),
        third,
    )
    .await;
}

#[tokio::test]
async fn cursors_are_taken_from_the_next_links_until_there_is_none() {
    let server = MockServer::start().await;
    mount_cursors(&server, ok(cursor_page(4, 6, None))).await;
    let client = client(&server);
    let call = list(&client).query("page[size]", &2);
    assert_eq!(drain(call.items(&CURSOR)).await, ids(0..6));
    server.verify().await;
}

#[tokio::test]
async fn an_empty_last_cursor_page_ends_the_walk() {
    let server = MockServer::start().await;
    mount_cursors(&server, ok(cursor_page(0, 0, None))).await;
    let client = client(&server);
    let call = list(&client).query("page[size]", &2);
    let pages: Vec<_> = call.pages(&CURSOR).collect().await;
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(Result::is_ok));
    assert_eq!(
        items(pages[2].as_ref().unwrap().clone()),
        Vec::<Value>::new()
    );
    server.verify().await;
}

#[tokio::test]
async fn an_error_on_cursor_page_3_ends_the_walk_after_pages_1_and_2() {
    let server = MockServer::start().await;
    mount_cursors(&server, ResponseTemplate::new(400)).await;
    let client = client(&server);
    let call = list(&client).query("page[size]", &2);
    let got = drain(call.items(&CURSOR)).await;
    assert_eq!(&got[..4], ids(0..4).as_slice());
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(got[4].is_err());
    assert_eq!(requests(&server).await, 3);
    server.verify().await;
}

// --- Laziness ---

#[tokio::test]
async fn nothing_is_sent_before_the_stream_is_polled_and_one_item_costs_one_page() {
    let server = MockServer::start().await;
    let client = client(&server);
    for spec in [&NUMBERED, &OFFSET, &CURSOR] {
        server.reset().await;
        let body = match spec.spec.style {
            PageStyle::PageNumber { .. } => numbered_page(1, 2, 100),
            PageStyle::Offset { .. } => offset_page(0, 2, Some("more")),
            PageStyle::Cursor { .. } => cursor_page(0, 2, Some("more")),
        };
        Mock::given(method("GET"))
            .respond_with(ok(body))
            .mount(&server)
            .await;
        let stream = list(&client).items(spec);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(requests(&server).await, 0, "{spec:?}");
        let first: Vec<_> = stream.take(1).collect().await;
        assert_eq!(first.len(), 1);
        assert_eq!(requests(&server).await, 1, "{spec:?}");
        let pages: Vec<_> = list(&client).pages(spec).take(2).collect().await;
        assert_eq!(pages.len(), 2);
        assert_eq!(requests(&server).await, 3, "{spec:?}");
    }
}

// --- Through a generated SDK ---

/// `wire-sdk`'s `list-events` (sdk-tests/wire.yaml): the description the generator detects and
/// emits, and `.items()` on the operation's call, its page size set by the call's setter.
#[tokio::test]
async fn a_generated_call_walks_its_pages_with_its_setters_kept() {
    let server = MockServer::start().await;
    let events = || Mock::given(method("GET")).and(path("/events"));
    let page = |ids: std::ops::Range<u64>, next: Option<&str>| {
        ok(json!({
            "data": ids.map(|id| json!({"id": id})).collect::<Vec<_>>(),
            "meta": {"page": {"next": next.map(|c| format!("/events?page%5Bafter%5D={c}"))}},
        }))
    };
    mount(
        &server,
        events()
            .and(query_param("page[size]", "2"))
            .and(query_param_is_missing("page[after]")),
        page(0..2, Some("Mg")),
    )
    .await;
    mount(
        &server,
        events()
            .and(query_param("page[size]", "2"))
            .and(query_param("page[after]", "Mg")),
        page(2..4, Some("NA")),
    )
    .await;
    mount(
        &server,
        events()
            .and(query_param("page[size]", "2"))
            .and(query_param("page[after]", "NA")),
        page(4..5, None),
    )
    .await;
    let client = wire_sdk::Client::builder()
        .bearer("wire-token")
        .base_url(server.uri())
        .build()
        .expect("client builds");
    let ids: Vec<i64> = client
        .events()
        .list_events()
        .page_size(2)
        .items()
        .map(|event| event.expect("an event").id)
        .collect()
        .await;
    assert_eq!(ids, [0, 1, 2, 3, 4]);
    server.verify().await;
}
