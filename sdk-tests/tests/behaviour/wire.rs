//! What goes over the wire for constructs beyond the Konnect groups: the `wire-sdk` crate,
//! generated from `sdk-tests/wire.yaml`, against a loopback server.

use wiremock::matchers::{body_bytes, body_string, header, headers, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "wire-S3CR3T";

fn client(server: &MockServer) -> wire_sdk::Client {
    wire_sdk::Client::builder()
        .bearer(TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn text_request_bodies_are_sent_as_is_with_their_media_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/notes"))
        .and(header("content-type", "text/plain"))
        .and(body_string("héllo\n"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).bodies().put_note("héllo\n").await.unwrap();
}

#[tokio::test]
async fn binary_request_bodies_are_sent_byte_for_byte() {
    let server = MockServer::start().await;
    let bytes: Vec<u8> = (0..=255).collect();
    Mock::given(method("PUT"))
        .and(path("/blobs"))
        .and(header("content-type", "application/octet-stream"))
        .and(body_bytes(bytes.clone()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).bodies().put_blob(bytes).await.unwrap();
}

#[tokio::test]
async fn success_statuses_with_different_bodies_say_which_came_back() {
    use wire_sdk::responses::GetItemSuccess;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .and(headers(
            "accept",
            vec![
                "application/vnd.wire.item+json",
                "application/problem+json",
                "application/json",
            ],
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"id":"a"}"#, "application/vnd.wire.item+json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/b"))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    let client = client(&server);
    let item = client.responses().get_item("a").await.unwrap();
    assert_eq!(
        item,
        GetItemSuccess::Ok(wire_sdk::models::Item::builder().id("a").build().unwrap())
    );
    let unchanged = client.responses().get_item("b").await.unwrap();
    assert_eq!(unchanged, GetItemSuccess::NotModified);
}

#[tokio::test]
async fn error_ranges_keep_the_status_they_came_with() {
    use wire_sdk::responses::GetItemError;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/gone"))
        .respond_with(
            ResponseTemplate::new(410).set_body_json(serde_json::json!({"title": "gone"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"title": "missing"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/broken"))
        .respond_with(ResponseTemplate::new(501))
        .mount(&server)
        .await;
    let client = client(&server);
    let gone = client.responses().get_item("gone").await.unwrap_err();
    match gone.api_error() {
        Some(GetItemError::ClientError { status: 410, body }) => {
            assert_eq!(body.title.as_deref(), Some("gone"))
        }
        other => panic!("expected the 4XX variant with 410, got {other:?}"),
    }
    assert_eq!(gone.api_error().map(GetItemError::status), Some(410));
    let missing = client.responses().get_item("missing").await.unwrap_err();
    assert!(matches!(
        missing.api_error(),
        Some(GetItemError::NotFound(body)) if body.title.as_deref() == Some("missing")
    ));
    let broken = client.responses().get_item("broken").await.unwrap_err();
    assert!(
        matches!(
            broken.api_error(),
            Some(GetItemError::ServerError { status: 501 })
        ),
        "{broken:?}"
    );
}

#[tokio::test]
async fn plus_json_request_bodies_keep_their_media_type_and_default_is_the_error_side() {
    use wire_sdk::responses::{PutItemError, PutItemSuccess};
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/items/a"))
        .and(header("content-type", "application/cloudevents+json"))
        .and(body_string(r#"{"id":"a"}"#))
        .respond_with(ResponseTemplate::new(202).set_body_json(serde_json::json!({"job": "j1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/items/b"))
        .respond_with(
            ResponseTemplate::new(418).set_body_json(serde_json::json!({"title": "teapot"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let item = wire_sdk::models::Item::builder().id("a").build().unwrap();
    let accepted = client
        .responses()
        .put_item("a", item.clone())
        .await
        .unwrap();
    assert_eq!(
        accepted,
        PutItemSuccess::Accepted(wire_sdk::models::Job::builder().job("j1").build().unwrap())
    );
    let item = wire_sdk::models::Item::builder().id("b").build().unwrap();
    let error = client
        .responses()
        .put_item("b", item.clone())
        .await
        .unwrap_err();
    match error.api_error() {
        Some(PutItemError::Default { status: 418, body }) => {
            assert_eq!(body.title.as_deref(), Some("teapot"))
        }
        other => panic!("expected the default variant, got {other:?}"),
    }
}

#[tokio::test]
async fn default_alone_describes_the_successes_too() {
    use wire_sdk::responses::GetSpecError;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/spec"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("openapi: 3.1.0\n", "application/yaml"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/spec"))
        .respond_with(
            ResponseTemplate::new(400).set_body_raw("no such version", "application/yaml"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(
        client.responses().get_spec().await.unwrap(),
        "openapi: 3.1.0\n"
    );
    let error = client.responses().get_spec().await.unwrap_err();
    assert!(
        matches!(
            error.api_error(),
            Some(GetSpecError::Default { status: 400, body }) if body == "no such version"
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_operation_documenting_no_success_succeeds_with_any_2xx() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).responses().ping().await.unwrap();
}

#[tokio::test]
async fn text_success_bodies_decode_for_every_status_of_a_2xx_range() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/export"))
        .and(header("accept", "text/csv"))
        .respond_with(ResponseTemplate::new(206).set_body_raw("id\na\n", "text/csv"))
        .mount(&server)
        .await;
    let csv = client(&server).bodies().export_items().await.unwrap();
    assert_eq!(csv, "id\na\n");
}

#[tokio::test]
async fn binary_downloads_arrive_whole_or_streamed() {
    let server = MockServer::start().await;
    // 3 MiB of a pattern that would show any reordering or loss.
    let image: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/items/a/image"))
        .and(header("accept", "image/png"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(image.clone(), "image/png"))
        .mount(&server)
        .await;
    let client = client(&server);
    let whole = client.bodies().get_item_image("a").await.unwrap();
    assert_eq!(whole.as_ref(), image.as_slice());

    let response = client
        .bodies()
        .get_item_image("a")
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers.get("content-type").unwrap(), "image/png");
    let mut download = response.into_body();
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = download.chunk().await.unwrap() {
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert_eq!(received, image);
    assert!(chunks > 1, "a 3 MiB body arrives in several chunks");
}

#[tokio::test]
async fn a_streamed_call_still_decodes_its_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a/image"))
        .respond_with(ResponseTemplate::new(404).set_body_string("nope"))
        .mount(&server)
        .await;
    let error = client(&server)
        .bodies()
        .get_item_image("a")
        .send_streaming()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
}
