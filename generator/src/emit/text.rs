//! Renders the crate's text files from the `minijinja` templates in `templates/`, in strict
//! mode: a variable the template names but the context lacks is an error, not an empty string.

use minijinja::{context, Environment, UndefinedBehavior};

use super::{File, Options};
use crate::error::Error;
use crate::ir::Api;

/// The templates, by output path; embedded so the generator is self-contained.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        include_str!("../../../templates/Cargo.toml.j2"),
    ),
    ("README.md", include_str!("../../../templates/README.md.j2")),
];

/// The rendered text files.
pub fn files(api: &Api, options: &Options, stamp: &str) -> Result<Vec<File>, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| template_error(name, &e))?;
    }
    let context = context! {
        api => api,
        crate_name => &options.crate_name,
        crate_ident => options.crate_name.replace('-', "_"),
        crate_version => &options.crate_version,
        stamp => stamp,
    };
    TEMPLATES
        .iter()
        .map(|(name, _)| {
            let template = env
                .get_template(name)
                .map_err(|e| template_error(name, &e))?;
            let contents = template
                .render(&context)
                .map_err(|e| template_error(name, &e))?;
            Ok(File {
                path: (*name).to_owned(),
                contents,
            })
        })
        .collect()
}

fn template_error(name: &str, error: &minijinja::Error) -> Error {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Error::Template {
        name: name.to_owned(),
        message,
    }
}
