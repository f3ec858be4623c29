//! Bounded memory: a success body over the limit is refused (up front when its length is
//! declared, as it arrives otherwise), an error body is read only as far as the error keeps,
//! and a streamed download is never held whole. The server counts what it managed to write:
//! far less than the 200 MB it offered means the client stopped reading.

use konnect_sdk::{Client, Error, RetryPolicy};

use crate::rogue::Rogue;
use crate::{fast_retries, INSTANCE, TOKEN, USER};

const MIB: usize = 1024 * 1024;
/// What a huge response offers.
const HUGE: u64 = 200 * 1000 * 1000;
/// More than loopback socket buffers and the client's read buffer can hold between them: a
/// server that wrote less was stopped by the client.
const BUFFERS: u64 = 40 * MIB as u64;

fn client(server: &Rogue, max_body_size: Option<usize>) -> Client {
    let builder = Client::builder()
        .personal_access_token(TOKEN)
        .base_url(server.url())
        .retry(fast_retries());
    match max_body_size {
        Some(bytes) => builder.max_body_size(bytes),
        None => builder,
    }
    .build()
    .unwrap()
}

/// A server answering every request with `status` and a huge body of declared length.
async fn huge(status: &'static str) -> Rogue {
    Rogue::start(move |mut conn| async move {
        let length = HUGE.to_string();
        let headers = [
            ("content-type", "application/json"),
            ("content-length", length.as_str()),
        ];
        if conn.head(status, &headers).await.is_ok() {
            conn.endless(HUGE).await;
        }
    })
    .await
}

#[tokio::test]
async fn a_success_body_declared_over_the_limit_is_refused_unread() {
    let server = huge("200 OK").await;
    let error = client(&server, Some(MIB))
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    let Error::BodyTooLarge {
        status,
        limit,
        length,
        ..
    } = &error
    else {
        panic!("the body is too large: {error:?}");
    };
    assert_eq!((status.as_u16(), *limit, *length), (200, MIB, Some(HUGE)));
    assert_eq!(
        error.to_string(),
        "`get-integration-instance-auth-credential`: the body of the 200 OK response is larger than the 1 MiB limit (it declared 200000000 bytes); it was not read. Raise the limit with `max_body_size`, or stream a download with `send_streaming`"
    );
    assert!(!error.is_retryable());
    // Not retried: a second attempt would be refused the same way.
    assert_eq!(server.requests().len(), 1);
    server.finished(1).await;
    assert!(
        server.written() < BUFFERS,
        "{} bytes written",
        server.written()
    );
}

#[tokio::test]
async fn the_default_limit_is_64_mib() {
    let server = huge("200 OK").await;
    let error = client(&server, None)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit, .. } if limit == 64 * MIB),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_success_body_of_no_declared_length_is_counted_as_it_arrives() {
    let server = Rogue::start(|mut conn| async move {
        let headers = [
            ("content-type", "application/json"),
            ("transfer-encoding", "chunked"),
        ];
        if conn.head("200 OK", &headers).await.is_ok() {
            conn.endless_chunked().await;
        }
    })
    .await;
    let error = client(&server, Some(MIB))
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::BodyTooLarge {
                length: None,
                limit,
                ..
            } if limit == MIB
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("reading stopped there"),
        "{error}"
    );
    server.finished(1).await;
    assert!(
        server.written() < BUFFERS,
        "{} bytes written",
        server.written()
    );
}

#[tokio::test]
async fn an_error_page_is_read_only_as_far_as_the_error_keeps() {
    let server = huge("502 Bad Gateway").await;
    let error = client(&server, None)
        .personal_access_tokens()
        .create_personal_access_token(USER.parse().unwrap())
        .await
        .unwrap_err();
    let Error::UnexpectedStatus { status, body, .. } = &error else {
        panic!("an undocumented status: {error:?}");
    };
    assert_eq!((status.as_u16(), body.len()), (502, 64 * 1024));
    assert_eq!(
        server.requests().len(),
        1,
        "a POST after a 502 is not retried"
    );
    server.finished(1).await;
    assert!(
        server.written() < BUFFERS,
        "{} bytes written",
        server.written()
    );
}

#[tokio::test]
async fn a_documented_error_longer_than_what_is_kept_is_not_decoded() {
    let server = Rogue::start(|mut conn| async move {
        let body = format!(r#"{{"status":404,"title":"{}"}}"#, "x".repeat(100_000));
        let length = body.len().to_string();
        let headers = [
            ("content-type", "application/json"),
            ("content-length", length.as_str()),
        ];
        if conn.head("404 Not Found", &headers).await.is_ok() {
            let _ = conn.body(body.as_bytes()).await;
        }
    })
    .await;
    let error = client(&server, None)
        .integration_instance_auth_credentials()
        .get_integration_instance_auth_credential(INSTANCE)
        .retry(RetryPolicy::disabled())
        .await
        .unwrap_err();
    let Error::Decode { status, source, .. } = &error else {
        panic!("a decode error: {error:?}");
    };
    assert_eq!(status.as_u16(), 404);
    assert!(
        source
            .reason()
            .starts_with("the body is longer than the 64 KiB an error response is read to"),
        "{source}"
    );
}

#[tokio::test]
async fn a_streamed_download_is_read_chunk_by_chunk_whatever_the_limit() {
    let server = Rogue::start(|mut conn| async move {
        let length = HUGE.to_string();
        let headers = [
            ("content-type", "image/png"),
            ("content-length", length.as_str()),
        ];
        if conn.head("200 OK", &headers).await.is_ok() {
            conn.endless(HUGE).await;
        }
    })
    .await;
    let client = wire_sdk::Client::builder()
        .bearer(TOKEN)
        .base_url(server.url())
        .max_body_size(MIB)
        .build()
        .unwrap();
    // Read whole, the download is over the limit.
    let error = client.bodies().get_item_image("a").await.unwrap_err();
    assert!(
        matches!(error, wire_sdk::Error::BodyTooLarge { .. }),
        "{error:?}"
    );
    // Streamed, it is never held: every chunk is small, and all 200 MB arrive.
    let mut download = client
        .bodies()
        .get_item_image("a")
        .send_streaming()
        .await
        .unwrap()
        .into_body();
    let (mut total, mut largest) = (0u64, 0usize);
    while let Some(chunk) = download.chunk().await.unwrap() {
        total += chunk.len() as u64;
        largest = largest.max(chunk.len());
    }
    assert_eq!(total, HUGE);
    assert!(largest <= MIB, "a chunk of {largest} bytes");
}
