//! What multipart bodies and cookie parameters put on the wire: the `wire-sdk` crate against a
//! loopback server, each received body cut into its parts by a small parser written here
//! (RFC 7578), independent of the SDK's.

use std::time::Duration;

use wire_sdk::bodies::{
    SendBatchForm, StartImportForm, StartImportFormRemote, StartImportFormUpload, UploadFilesForm,
    UploadScansForm,
};
use wire_sdk::models::UploadMeta;
use wire_sdk::{Client, Error, FilePart, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "wire-S3CR3T";
const SESSION: &str = "session-S3CR3T";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .bearer(TOKEN)
        .session(SESSION)
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .initial_interval(Duration::from_millis(5))
                .max_interval(Duration::from_millis(10)),
        )
        .build()
        .expect("client builds")
}

/// One part as received.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
    /// Any other header, as received.
    headers: Vec<(String, String)>,
}

/// The boundary of a content type of the multipart `media_type`.
fn boundary_of(request: &Request, media_type: &str) -> String {
    let content_type = request
        .headers
        .get("content-type")
        .expect("a content type")
        .to_str()
        .unwrap();
    let boundary = content_type
        .strip_prefix(&format!("{media_type}; boundary="))
        .unwrap_or_else(|| panic!("not {media_type}: {content_type}"));
    assert!(!boundary.is_empty() && boundary.len() <= 70, "{boundary}");
    boundary.trim_matches('"').to_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A quoted parameter of a `Content-Disposition` line, its quoted pairs (`\"`) unescaped.
fn parameter(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("; {key}=\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = line[start..].chars();
    loop {
        match chars.next()? {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
}

/// The body cut at its boundary into parts: every delimiter on its own line, the last one
/// closed with `--`, each part's headers then a blank line then its bytes.
fn parts(request: &Request) -> Vec<Part> {
    parts_of(request, "multipart/form-data")
}

/// The parts of a body of the multipart `media_type`.
fn parts_of(request: &Request, media_type: &str) -> Vec<Part> {
    let delimiter = format!("--{}", boundary_of(request, media_type));
    let body = &request.body;
    assert!(
        body.starts_with(delimiter.as_bytes()),
        "the body starts with a delimiter"
    );
    let mut rest = &body[delimiter.len()..];
    let mut parts = Vec::new();
    let separator = format!("\r\n{delimiter}");
    loop {
        if rest == b"--\r\n" || rest == b"--" {
            return parts;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("a line break after a delimiter");
        let end = find(rest, separator.as_bytes()).expect("a closing delimiter");
        let (part, after) = rest.split_at(end);
        rest = &after[separator.len()..];
        let blank = find(part, b"\r\n\r\n").expect("a blank line after the part's headers");
        let headers = std::str::from_utf8(&part[..blank]).expect("ASCII headers");
        let mut received = Part {
            name: String::new(),
            file_name: None,
            content_type: None,
            body: part[blank + 4..].to_vec(),
            headers: Vec::new(),
        };
        for line in headers.split("\r\n") {
            let (name, value) = line.split_once(": ").expect("a header line");
            match name.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    assert!(value.starts_with("form-data; name=\""), "{value}");
                    received.name = parameter(value, "name").expect("a name");
                    received.file_name = parameter(value, "filename");
                }
                "content-type" => received.content_type = Some(value.to_owned()),
                other => received.headers.push((other.to_owned(), value.to_owned())),
            }
        }
        parts.push(received);
    }
}

fn part(name: &str, file_name: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Part {
    Part {
        name: name.to_owned(),
        file_name: file_name.map(str::to_owned),
        content_type: content_type.map(str::to_owned),
        body: body.to_vec(),
        headers: Vec::new(),
    }
}

fn form(file: FilePart) -> UploadFilesForm {
    UploadFilesForm {
        file,
        preview: None,
        attachments: Vec::new(),
        title: "Q3".to_owned(),
        tags: None,
        pages: None,
        meta: None,
        labels: None,
    }
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

#[tokio::test]
async fn every_part_carries_its_name_file_name_media_type_and_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads/u1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let binary: Vec<u8> = (0..=255).collect();
    let body = UploadFilesForm {
        file: FilePart::bytes(binary.clone()).file_name("report \"final\".pdf"),
        preview: Some(FilePart::bytes(&b"\x89PNG"[..])),
        attachments: vec![
            FilePart::bytes("a,b\n1,2\n")
                .file_name("data.csv")
                .content_type("text/csv"),
            FilePart::bytes("").file_name("empty.bin"),
        ],
        title: "Q3 réport".to_owned(),
        tags: Some(vec!["x".to_owned(), "y z".to_owned()]),
        pages: Some(12),
        meta: Some(UploadMeta {
            author: "Ann".to_owned(),
            year: None,
        }),
        labels: Some(vec!["l1".to_owned(), "l2".to_owned()]),
    };
    client(&server)
        .bodies()
        .upload_files("u1", body)
        .await
        .unwrap();
    let requests = received(&server).await;
    let request = &requests[0];
    let length: usize = request.headers["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        length,
        request.body.len(),
        "bytes only: the length is known"
    );
    assert_eq!(
        parts(request),
        [
            part(
                "file",
                Some("report \"final\".pdf"),
                Some("application/pdf"),
                &binary
            ),
            part("preview", None, Some("image/png"), b"\x89PNG"),
            part(
                "attachments",
                Some("data.csv"),
                Some("text/csv"),
                b"a,b\n1,2\n"
            ),
            part(
                "attachments",
                Some("empty.bin"),
                Some("application/octet-stream"),
                b""
            ),
            part("title", None, None, "Q3 réport".as_bytes()),
            part("tags", None, None, b"x"),
            part("tags", None, None, b"y z"),
            part("pages", None, None, b"12"),
            part(
                "meta",
                None,
                Some("application/json"),
                br#"{"author":"Ann"}"#
            ),
            part("labels", None, Some("application/json"), br#"["l1","l2"]"#),
        ]
    );
}

#[tokio::test]
async fn a_mixed_body_keeps_its_media_type_and_every_part_its_documented_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/batches"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let body = SendBatchForm {
        manifest: UploadMeta {
            author: "Ann".to_owned(),
            year: Some(2024),
        },
        payload: FilePart::bytes("PK\x03\x04").file_name("batch.zip"),
        notes: Some(vec!["one".to_owned(), "two".to_owned()]),
        payload_x_checksum: "sha-256=abc".to_owned(),
        notes_x_language: Some("en".to_owned()),
    };
    client(&server).bodies().send_batch(body).await.unwrap();
    let requests = received(&server).await;
    let with_headers = |mut part: Part, headers: &[(&str, &str)]| {
        part.headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        part
    };
    assert_eq!(
        parts_of(&requests[0], "multipart/mixed"),
        [
            part(
                "manifest",
                None,
                Some("application/json"),
                br#"{"author":"Ann","year":2024}"#
            ),
            with_headers(
                part(
                    "payload",
                    Some("batch.zip"),
                    Some("application/zip"),
                    b"PK\x03\x04"
                ),
                &[("x-checksum", "sha-256=abc")]
            ),
            with_headers(part("notes", None, None, b"one"), &[("x-language", "en")]),
            with_headers(part("notes", None, None, b"two"), &[("x-language", "en")]),
        ]
    );

    // A header value that would end the part's headers early is refused before sending.
    let body = SendBatchForm {
        manifest: UploadMeta {
            author: "Bo".to_owned(),
            year: None,
        },
        payload: FilePart::bytes("x"),
        notes: Some(vec!["n".to_owned()]),
        payload_x_checksum: "bad\r\nX-Injected: 1".to_owned(),
        notes_x_language: None,
    };
    let error = client(&server).bodies().send_batch(body).await.unwrap_err();
    let Error::InvalidRequest { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(message.contains("part `payload`"), "{message}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn parts_varying_with_a_union_send_the_chosen_members_parts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/imports"))
        .respond_with(ResponseTemplate::new(202))
        .expect(2)
        .mount(&server)
        .await;
    let upload = StartImportForm::Upload(StartImportFormUpload {
        dataset: "d1".to_owned(),
        file: FilePart::bytes("a,b\n").file_name("rows.csv"),
    });
    let remote = StartImportForm::Remote(StartImportFormRemote {
        dataset: "d2".to_owned(),
        url: "https://data.example/rows.csv".to_owned(),
    });
    client(&server).bodies().start_import(upload).await.unwrap();
    client(&server).bodies().start_import(remote).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(
        parts(&requests[0]),
        [
            part("dataset", None, None, b"d1"),
            part("file", Some("rows.csv"), Some("text/csv"), b"a,b\n"),
        ]
    );
    assert_eq!(
        parts(&requests[1]),
        [
            part("dataset", None, None, b"d2"),
            part("url", None, None, b"https://data.example/rows.csv"),
        ]
    );
}

#[tokio::test]
async fn parts_the_document_does_not_list_go_under_the_names_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/scans"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let body = UploadScansForm {
        batch: "b7".to_owned(),
        other_parts: vec![
            (
                "page-1".to_owned(),
                FilePart::bytes("P1")
                    .file_name("1.tiff")
                    .content_type("image/tiff"),
            ),
            ("page-2".to_owned(), FilePart::bytes("P2")),
        ],
    };
    client(&server).bodies().upload_scans(body).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(
        parts(&requests[0]),
        [
            part("batch", None, None, b"b7"),
            part("page-1", Some("1.tiff"), Some("image/tiff"), b"P1"),
            part("page-2", None, Some("application/octet-stream"), b"P2"),
        ]
    );
}

#[tokio::test]
async fn a_streamed_file_is_sent_once_and_never_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/uploads/s"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let file_path = std::env::temp_dir().join(format!("wire-upload-{}.bin", std::process::id()));
    std::fs::write(&file_path, &contents).unwrap();
    let file = tokio::fs::File::open(&file_path).await.unwrap();
    let streamed = FilePart::stream(file)
        .file_name("big.bin")
        .content_type("application/x-big");
    let error = client(&server)
        .bodies()
        .upload_files("s", form(streamed))
        .await
        .unwrap_err();
    std::fs::remove_file(&file_path).unwrap();
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1, "a stream cannot be sent twice");
    assert_eq!(
        parts(&requests[0]),
        [
            part(
                "file",
                Some("big.bin"),
                Some("application/x-big"),
                &contents
            ),
            part("title", None, None, b"Q3"),
        ]
    );

    // The same call from bytes is retried, with the same parts each time.
    let _ = client(&server)
        .bodies()
        .upload_files("s", form(FilePart::bytes("small")))
        .await
        .unwrap_err();
    let requests = received(&server).await;
    assert!(requests.len() > 2, "bytes are retried");
    let first = parts(&requests[1]);
    assert_eq!(
        first[0],
        part("file", None, Some("application/pdf"), b"small")
    );
    for retry in &requests[2..] {
        assert_eq!(parts(retry), first);
    }
}

#[tokio::test]
async fn unsendable_parts_fail_the_call_before_it_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    let header_injection = FilePart::bytes("x").file_name("a.txt\r\nContent-Type: text/html");
    let bad_type = FilePart::bytes("x").content_type("text/html\r\nX-Injected: 1");
    for file in [header_injection, bad_type] {
        let error = client
            .bodies()
            .upload_files("u", form(file))
            .await
            .unwrap_err();
        let Error::InvalidRequest { message, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(message.contains("part `file`"), "{message}");
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn cookie_parameters_share_the_cookie_header_with_cookie_keys() {
    let server = MockServer::start().await;
    Mock::given(path("/preferences"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    client(&server)
        .auth()
        .get_preferences("dark")
        .visits(3)
        .await
        .unwrap();
    // Without the session key, the alternative that needs no credential is used.
    Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap()
        .auth()
        .get_preferences("light")
        .header("cookie", "lang=en")
        .await
        .unwrap();
    let requests = received(&server).await;
    let cookies: Vec<Vec<&str>> = requests
        .iter()
        .map(|r| {
            r.headers
                .get_all("cookie")
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(
        cookies,
        [
            vec!["theme=dark; visits=3; SESSION=session-S3CR3T"],
            vec!["lang=en; theme=light"],
        ]
    );
}

#[tokio::test]
async fn cookie_values_a_cookie_cannot_hold_are_refused_before_sending() {
    let server = MockServer::start().await;
    for value in ["dark; admin=1", "a b", "\"q\"", "caf\u{e9}", "a,b"] {
        let error = client(&server)
            .auth()
            .get_preferences(value)
            .await
            .unwrap_err();
        let Error::InvalidRequest { message, .. } = &error else {
            panic!("{value:?}: {error:?}")
        };
        assert!(message.contains("cookie `theme`"), "{message}");
    }
    assert!(received(&server).await.is_empty());
}
