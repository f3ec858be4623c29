//! Multipart bodies (`multipart/form-data`, `multipart/mixed` and the other `multipart/*`
//! types): the files users give ([`FilePart`]) and the form the generated code fills from an
//! operation's form struct, rebuilt for every attempt.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

/// A file sent as one part of a `multipart/form-data` body: bytes held in memory
/// ([`bytes`](FilePart::bytes)), or a stream read as the request is sent
/// ([`stream`](FilePart::stream)), with an optional [`file_name`](FilePart::file_name) and
/// [`content_type`](FilePart::content_type). Without a content type, the part says what the
/// API documents for it, `application/octet-stream` when it documents nothing.
pub struct FilePart {
    content: Content,
    file_name: Option<String>,
    content_type: Option<String>,
}

enum Content {
    Bytes(Bytes),
    /// Taken by the one attempt that sends it.
    Stream(Option<reqwest::Body>),
}

impl FilePart {
    /// A file held in memory. A call sending only such files can be retried.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            content: Content::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A file read as the request is sent, without holding it in memory: a `tokio::fs::File`,
    /// or any stream of byte chunks through
    /// [`reqwest::Body::wrap_stream`](reqwest::Body::wrap_stream). A stream can be read once,
    /// so a call sending one is never retried.
    pub fn stream(body: impl Into<reqwest::Body>) -> Self {
        FilePart {
            content: Content::Stream(Some(body.into())),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name the part carries (its `filename` parameter). One holding a control
    /// character (a line break, say) fails the call before it is sent.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's media type (its `Content-Type`), e.g. `image/png`. One that is not a valid
    /// media type fails the call before it is sent.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("FilePart");
        match &self.content {
            Content::Bytes(bytes) => debug.field("bytes", &bytes.len()),
            Content::Stream(_) => debug.field("stream", &true),
        };
        debug
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// One part as the call holds it until an attempt builds the form.
enum Part {
    File {
        file: FilePart,
        /// What the API documents for it.
        content_type: &'static str,
    },
    Text {
        text: String,
        content_type: Option<&'static str>,
    },
}

/// One part with its name and the headers the API documents for it (an `encoding` entry's
/// `headers`).
struct Entry {
    name: Cow<'static, str>,
    part: Part,
    headers: Vec<(&'static str, String)>,
}

/// The parts of a multipart body, in order; filled by the generated code.
pub struct Multipart {
    /// The body's media type, e.g. `multipart/form-data`; the boundary is added when sent.
    media_type: &'static str,
    parts: Vec<Entry>,
    /// Where the parts of the property added last begin: headers set next apply to them.
    last: usize,
    invalid: Option<String>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart {
            media_type: "multipart/form-data",
            parts: Vec::new(),
            last: 0,
            invalid: None,
        }
    }
}

impl Multipart {
    /// An empty `multipart/form-data` body.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Another multipart type than `multipart/form-data` (`multipart/mixed`, say). Its parts
    /// still carry their names, in a `Content-Disposition: form-data` header, which is how a
    /// receiver tells the properties apart.
    pub fn media_type(mut self, media_type: &'static str) -> Self {
        self.media_type = media_type;
        self
    }

    /// The body's media type, without its boundary.
    pub(crate) fn content_type(&self) -> &'static str {
        self.media_type
    }

    /// A header on every part of the property added last (`simple` style: a list's items
    /// comma-separated); nothing for `null`.
    pub fn header<V: serde::Serialize + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                let style = super::encoding::Style::Simple { explode: false };
                if let Some(text) = super::encoding::header_value(&value, style) {
                    for entry in &mut self.parts[self.last..] {
                        entry.headers.push((name, text.clone()));
                    }
                }
            }
            Err(e) => self.fail(format!("cannot serialise header `{name}`: {e}")),
        }
        self
    }

    /// Files under one name, one part each (none for an absent optional file);
    /// `content_type` is what the API documents for them.
    pub fn files(
        mut self,
        name: &'static str,
        files: impl IntoIterator<Item = FilePart>,
        content_type: &'static str,
    ) -> Self {
        self.last = self.parts.len();
        for file in files {
            self.push(name, Part::File { file, content_type });
        }
        self
    }

    /// Files under names of the caller's choosing (parts the API does not list), each sent
    /// with its own media type, `application/octet-stream` when it gives none.
    pub fn named_files(mut self, files: Vec<(String, FilePart)>) -> Self {
        self.last = self.parts.len();
        for (name, file) in files {
            self.push(
                name,
                Part::File {
                    file,
                    content_type: "application/octet-stream",
                },
            );
        }
        self
    }

    fn push(&mut self, name: impl Into<Cow<'static, str>>, part: Part) {
        self.parts.push(Entry {
            name: name.into(),
            part,
            headers: Vec::new(),
        });
    }

    /// A value: nothing for `null`, a text part for a string, number or boolean, one part per
    /// item for a list, and a JSON part for an object. `content_type` is what the API
    /// documents for its parts, if anything.
    pub fn value<V: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &V,
        content_type: Option<&'static str>,
    ) -> Self {
        self.last = self.parts.len();
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Array(items)) => {
                for item in &items {
                    self.item(name, item, content_type);
                }
            }
            Ok(value) => self.item(name, &value, content_type),
            Err(e) => self.fail(format!("cannot serialise part `{name}`: {e}")),
        }
        self
    }

    /// A value sent whole as one JSON part (nothing for `null`).
    pub fn json<V: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &V,
        content_type: &'static str,
    ) -> Self {
        self.last = self.parts.len();
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(value) => self.push_text(name, value.to_string(), Some(content_type)),
            Err(e) => self.fail(format!("cannot serialise part `{name}`: {e}")),
        }
        self
    }

    fn item(
        &mut self,
        name: &'static str,
        item: &serde_json::Value,
        content_type: Option<&'static str>,
    ) {
        match item {
            serde_json::Value::Null => {}
            serde_json::Value::String(text) => self.push_text(name, text.clone(), content_type),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                self.push_text(name, item.to_string(), content_type)
            }
            // Objects (and lists inside lists) are JSON, as OpenAPI's encoding defaults say.
            _ => self.push_text(
                name,
                item.to_string(),
                Some(content_type.unwrap_or("application/json")),
            ),
        }
    }

    fn push_text(&mut self, name: &'static str, text: String, content_type: Option<&'static str>) {
        self.push(name, Part::Text { text, content_type });
    }

    fn fail(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }

    /// Why the body cannot be sent, if it cannot.
    pub(crate) fn invalid(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    /// Whether every part can be sent again (no stream), so the call may be retried.
    pub(crate) fn replayable(&self) -> bool {
        self.parts.iter().all(|entry| {
            !matches!(
                entry.part,
                Part::File {
                    file: FilePart {
                        content: Content::Stream(_),
                        ..
                    },
                    ..
                }
            )
        })
    }

    /// The form for one attempt: bytes are shared, streams are taken. Why not, when a part
    /// cannot be sent as given; nothing malformed is ever built.
    pub(crate) fn form(&mut self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for Entry {
            name,
            part,
            headers,
        } in &mut self.parts
        {
            let built = match part {
                Part::Text { text, content_type } => {
                    let part = reqwest::multipart::Part::text(text.clone());
                    match content_type {
                        Some(media) => with_media(part, media, name)?,
                        None => part,
                    }
                }
                Part::File { file, content_type } => {
                    let part = match &mut file.content {
                        Content::Bytes(bytes) => reqwest::multipart::Part::stream(bytes.clone()),
                        Content::Stream(body) => match body.take() {
                            Some(body) => reqwest::multipart::Part::stream(body),
                            None => {
                                return Err(format!("the stream of part `{name}` was already sent"))
                            }
                        },
                    };
                    let media = file.content_type.as_deref().unwrap_or(content_type);
                    let part = with_media(part, media, name)?;
                    match &file.file_name {
                        Some(file_name) => {
                            // reqwest escapes quotes but would write a line break as is,
                            // ending the part's headers early.
                            if file_name.chars().any(char::is_control) {
                                return Err(format!(
                                    "the file name of part `{name}` holds a control character"
                                ));
                            }
                            part.file_name(file_name.clone())
                        }
                        None => part,
                    }
                }
            };
            let built = if headers.is_empty() {
                built
            } else {
                let mut map = reqwest::header::HeaderMap::new();
                for (header, value) in headers.iter() {
                    let header = reqwest::header::HeaderName::from_bytes(header.as_bytes())
                        .map_err(|_| format!("{header:?} is not a valid header name"))?;
                    let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
                        format!(
                            "the `{header}` header of part `{name}` is not a valid header value"
                        )
                    })?;
                    map.append(header, value);
                }
                built.headers(map)
            };
            form = form.part(name.clone(), built);
        }
        Ok(form)
    }
}

fn with_media(
    part: reqwest::multipart::Part,
    media: &str,
    name: &str,
) -> Result<reqwest::multipart::Part, String> {
    part.mime_str(media)
        .map_err(|_| format!("{media:?} is not a valid media type for part `{name}`"))
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.parts.iter().map(|entry| &entry.name))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(form: &Multipart) -> Vec<(&str, String)> {
        form.parts
            .iter()
            .map(|entry| {
                let shown = match &entry.part {
                    Part::Text { text, content_type } => format!("{text} {content_type:?}"),
                    Part::File { content_type, .. } => format!("file {content_type}"),
                };
                let headers: Vec<String> = entry
                    .headers
                    .iter()
                    .map(|(k, v)| format!(" {k}: {v}"))
                    .collect();
                (entry.name.as_ref(), format!("{shown}{}", headers.concat()))
            })
            .collect()
    }

    #[test]
    fn values_become_text_json_or_one_part_per_item() {
        let form = Multipart::new()
            .value("title", "a b", None)
            .value("count", &3, Some("text/plain"))
            .value("tags", &["x", "y"], None)
            .value("meta", &serde_json::json!({"k": 1}), None)
            .value("absent", &None::<String>, None)
            .json("list", &[1, 2], "application/json")
            .json("gone", &None::<u8>, "application/json")
            .files("file", [FilePart::bytes("z")], "image/png")
            .files("none", None, "application/octet-stream");
        assert_eq!(
            names(&form),
            [
                ("title", "a b None".to_owned()),
                ("count", "3 Some(\"text/plain\")".to_owned()),
                ("tags", "x None".to_owned()),
                ("tags", "y None".to_owned()),
                ("meta", "{\"k\":1} Some(\"application/json\")".to_owned()),
                ("list", "[1,2] Some(\"application/json\")".to_owned()),
                ("file", "file image/png".to_owned()),
            ]
        );
        assert!(form.replayable());
    }

    #[test]
    fn streams_are_sent_once_and_bad_metadata_is_refused() {
        let mut form = Multipart::new().files(
            "file",
            [FilePart::stream(Bytes::from_static(b"s"))],
            "application/octet-stream",
        );
        assert!(!form.replayable());
        assert!(form.form().is_ok());
        assert_eq!(
            form.form().unwrap_err(),
            "the stream of part `file` was already sent"
        );
        let mut form = Multipart::new().files(
            "file",
            [FilePart::bytes("x").file_name("a\r\nContent-Type: text/html")],
            "application/octet-stream",
        );
        assert_eq!(
            form.form().unwrap_err(),
            "the file name of part `file` holds a control character"
        );
        let mut form = Multipart::new().files(
            "file",
            [FilePart::bytes("x").content_type("not a type\r\n")],
            "application/octet-stream",
        );
        assert!(form
            .form()
            .unwrap_err()
            .contains("is not a valid media type"));
        let form = Multipart::new().value(
            "bad",
            &std::collections::BTreeMap::from([((1, 2), 3)]),
            None,
        );
        assert!(form
            .invalid()
            .unwrap()
            .starts_with("cannot serialise part `bad`"));
    }

    #[test]
    fn headers_go_on_every_part_of_the_last_property() {
        let mut form = Multipart::new()
            .media_type("multipart/mixed")
            .value("title", "t", None)
            .value("tags", &["x", "y"], None)
            .header("X-Rate", &3)
            .header("X-Skip", &None::<u8>)
            .files("file", [FilePart::bytes("z")], "image/png")
            .header("X-Ids", &[1, 2]);
        assert_eq!(form.content_type(), "multipart/mixed");
        assert_eq!(
            names(&form),
            [
                ("title", "t None".to_owned()),
                ("tags", "x None X-Rate: 3".to_owned()),
                ("tags", "y None X-Rate: 3".to_owned()),
                ("file", "file image/png X-Ids: 1,2".to_owned()),
            ]
        );
        assert!(form.form().is_ok());
        let mut form = Multipart::new()
            .value("a", "x", None)
            .header("X-Bad", "line\nbreak");
        assert!(form
            .form()
            .unwrap_err()
            .contains("is not a valid header value"));
    }

    #[test]
    fn parts_the_api_does_not_list_keep_the_names_given() {
        let form = Multipart::new().value("title", "t", None).named_files(vec![
            ("scan-1".to_owned(), FilePart::bytes("a")),
            (
                "note".to_owned(),
                FilePart::bytes("b").content_type("text/plain"),
            ),
        ]);
        assert_eq!(
            names(&form),
            [
                ("title", "t None".to_owned()),
                ("scan-1", "file application/octet-stream".to_owned()),
                ("note", "file application/octet-stream".to_owned()),
            ]
        );
    }

    #[test]
    fn debug_shows_no_content() {
        let part = FilePart::bytes("secret").file_name("a.txt");
        let debug = format!("{part:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("a.txt"), "{debug}");
    }
}
