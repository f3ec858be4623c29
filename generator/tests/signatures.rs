//! The group docs say how each operation is called, and the code agrees: in the committed
//! crates (the curated Konnect SDK, the wire SDK, whose document has every parameter location
//! and style and bodies of every media type, required and optional, and the whole Konnect
//! API), every row of an operation's table is an argument of its method, in order and of the
//! type the method takes, or a setter of its call taking the type the row gives, and every
//! method and setter has its row. The code is read back with `sdkgen::surface`; the docs'
//! examples are compiled as the crates' doctests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sdkgen::emit::File;
use sdkgen::surface::{self, Kind};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The crate's sources and group docs, as the generator wrote them.
fn read(dir: &Path) -> Vec<File> {
    let mut files = Vec::new();
    let mut pending = vec![dir.join("src"), dir.join("docs")];
    while let Some(path) = pending.pop() {
        for entry in std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("inside the crate");
                files.push(File {
                    path: relative.to_string_lossy().replace('\\', "/"),
                    contents: std::fs::read_to_string(&path).expect("readable"),
                });
            }
        }
    }
    files
}

/// Text between the first pair of backticks.
fn quoted(text: &str) -> &str {
    text.split('`').nth(1).unwrap_or_default()
}

/// Types compared as the code spells them: the crate's paths as `crate::`, the group module's
/// own types by their bare names, no spaces.
fn normal(ty: &str, crate_ident: &str, module: &str) -> String {
    ty.replace(&format!("{crate_ident}::{module}::"), "")
        .replace(&format!("{crate_ident}::"), "crate::")
        .replace(' ', "")
}

fn check(dir: &str, crate_ident: &str) {
    let files = read(&root().join(dir));
    let api = surface::of(&files).expect("the crate reads back");
    let mut operations = 0;
    let mut documented = BTreeSet::new();
    // The streams of paginated calls, documented in their operation's "Pagination" section.
    let mut streams: Vec<String> = Vec::new();
    for doc in files.iter().filter(|f| f.path.starts_with("docs/")) {
        let mut lines = doc.contents.lines();
        // `(*konnect_sdk::personal_access_tokens::PersonalAccessTokens*, from ...`
        let client = lines
            .find_map(|l| l.strip_prefix("(*"))
            .and_then(|l| l.split('*').next())
            .expect("the group's client type");
        let client = client
            .strip_prefix(&format!("{crate_ident}::"))
            .expect("a path in the crate");
        let module = client.split("::").next().expect("a module");
        let mut method: Option<(String, String)> = None;
        let mut arguments: Vec<String> = Vec::new();
        let mut setters: Vec<(String, String)> = Vec::new();
        let mut finish = |method: &mut Option<(String, String)>,
                          arguments: &mut Vec<String>,
                          setters: &mut Vec<(String, String)>| {
            let Some((name, call)) = method.take() else {
                return;
            };
            operations += 1;
            let path = format!("{client}::{name}()");
            let item = api
                .get(&path)
                .unwrap_or_else(|| panic!("{dir}: the docs name `{path}`, which is not public"));
            assert_eq!(item.kind, Kind::Method);
            let mut expected = format!("fn {name}(&self");
            for argument in arguments.drain(..) {
                expected.push_str(&format!(", {argument}"));
            }
            expected.push_str(&format!(") -> {call}"));
            assert_eq!(
                item.signature.replace(' ', ""),
                normal(&expected, crate_ident, module),
                "{dir}: `{path}` and its table disagree"
            );
            documented.insert(path);
            for (setter, ty) in setters.drain(..) {
                let path = format!("{module}::{call}::{setter}()");
                let item = api.get(&path).unwrap_or_else(|| {
                    panic!("{dir}: the docs name the setter `{path}`, which is not public")
                });
                assert_eq!(
                    item.signature.replace(' ', ""),
                    normal(
                        &format!("fn {setter}(mut self, {ty}) -> Self"),
                        crate_ident,
                        module
                    ),
                    "{dir}: the setter `{path}` and its row disagree"
                );
                documented.insert(path);
            }
        };
        let mut in_table = false;
        for line in lines {
            if line.starts_with("## ") {
                finish(&mut method, &mut arguments, &mut setters);
                in_table = false;
            } else if let Some(rest) = line.split_once(", method `").map(|(_, r)| r) {
                // "`GET /path`, method `list_x`, returning a `crate::module::ListXCall`."
                let name = rest.split('`').next().expect("a method name").to_owned();
                let call = quoted(rest.split_once("returning a").expect("the call type").1);
                let call = call.rsplit("::").next().expect("a type").to_owned();
                method = Some((name, call));
            } else if line.contains("lists its results page by page") {
                let (_, call) = method.as_ref().expect("a paginated operation's section");
                streams.push(format!("{module}::{call}::pages()"));
                streams.push(format!("{module}::{call}::items()"));
            } else if line.starts_with("| Argument or setter |") {
                in_table = true;
            } else if in_table && line.starts_with('|') && !line.starts_with("| ---") {
                let cells: Vec<&str> = line.split(" | ").collect();
                let (name, ty) = (quoted(cells[0]), quoted(cells[1]).to_owned());
                match name.strip_prefix('.').and_then(|n| n.strip_suffix("(..)")) {
                    Some(setter) => setters.push((setter.to_owned(), ty)),
                    None => arguments.push(ty),
                }
            } else if in_table && !line.starts_with('|') {
                in_table = false;
            }
        }
        finish(&mut method, &mut arguments, &mut setters);
    }
    assert!(operations > 0, "{dir}: no operation documented");
    for path in streams {
        let item = api
            .get(&path)
            .unwrap_or_else(|| panic!("{dir}: the docs name `{path}`, which is not public"));
        let name = path
            .rsplit("::")
            .next()
            .unwrap_or_default()
            .trim_end_matches("()");
        let stream = if name == "pages" {
            "PageStream"
        } else {
            "ItemStream"
        };
        assert!(
            item.signature
                .replace(' ', "")
                .starts_with(&format!("fn{name}(self)->crate::{stream}<")),
            "{dir}: `{path}` is `{}`",
            item.signature
        );
        documented.insert(path);
    }
    // Every method of a group's client and every setter of a call has its row.
    let calls: BTreeSet<String> = documented
        .iter()
        .filter_map(|path| path.rsplit_once("::").map(|(owner, _)| owner.to_owned()))
        .collect();
    for (path, item) in &api {
        let Some((owner, name)) = path.rsplit_once("::") else {
            continue;
        };
        if item.kind != Kind::Method || !calls.contains(owner) || name == "send_streaming()" {
            continue;
        }
        assert!(
            documented.contains(path),
            "{dir}: `{path}` is missing from the docs"
        );
    }
}

#[test]
fn the_curated_sdk_docs_and_methods_agree() {
    check("generated", "konnect_sdk");
}

#[test]
fn the_wire_sdk_docs_and_methods_agree() {
    check("sdk-tests/wire-sdk", "wire_sdk");
}

#[test]
fn the_whole_api_docs_and_methods_agree() {
    check("kong-konnect", "kong_konnect");
}
