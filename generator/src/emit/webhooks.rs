//! Emits the webhooks module: one function per webhook decoding the payload the API sends,
//! for programs that receive them.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{clean, lines};
use super::tokens::{ident, Models};
use crate::ir::{Api, BodyEncoding, Webhook};

/// The module's file, or nothing when the document describes no webhook.
pub fn webhooks_rs(api: &Api) -> Option<TokenStream> {
    if api.webhooks.is_empty() {
        return None;
    }
    let mut listing = String::from(
        " The requests the API sends to your endpoints (its webhooks), as received: each\n function decodes one webhook's payload from the body bytes.\n\n | Webhook | Method | Decoded by |\n | --- | --- | --- |\n",
    );
    for webhook in &api.webhooks {
        let decoded_by = match webhook.payload {
            Some(_) => format!("[`{}`]", webhook.function.trim_start_matches("r#")),
            None => "(no payload)".to_owned(),
        };
        listing.push_str(&format!(
            " | `{}` | `{}` | {decoded_by} |\n",
            webhook.name.replace('|', "\\|"),
            webhook.http_method
        ));
    }
    let models = Models::in_crate(&api.types);
    let functions = api.webhooks.iter().filter_map(|w| function(w, &models));
    let listing = listing.lines().map(str::to_owned);
    Some(quote! {
        #(#![doc = #listing])*
        #![allow(deprecated)]

        #(#functions)*
    })
}

fn function(webhook: &Webhook, models: &Models) -> Option<TokenStream> {
    let payload = webhook.payload.as_ref()?;
    let name = ident(&webhook.function);
    let mut doc = format!(
        "Decodes the payload of the `{}` webhook (`{}`, `{}`).",
        webhook.name, webhook.http_method, payload.content_type
    );
    // The summary, then the description when it says more.
    let description = webhook
        .description
        .as_ref()
        .filter(|d| webhook.summary.as_ref() != Some(*d));
    for text in [&webhook.summary, &description.cloned()]
        .into_iter()
        .flatten()
    {
        doc.push_str("\n\n");
        doc.push_str(&clean(text));
    }
    let (output, body) = match payload.encoding {
        BodyEncoding::Json => (
            models.ty(&payload.ty),
            quote!(crate::runtime::decode_json(body)),
        ),
        // A form-encoded or text payload is the text as received.
        BodyEncoding::Text | BodyEncoding::Form => {
            (quote!(String), quote!(crate::runtime::decode_text(body)))
        }
        // A multipart payload is given whole; its parts are the receiver's to split.
        BodyEncoding::Binary | BodyEncoding::Multipart => (
            quote!(bytes::Bytes),
            quote!(Ok(bytes::Bytes::copy_from_slice(body))),
        ),
    };
    let doc = lines(&doc);
    let deprecated = webhook.deprecated.then(|| quote!(#[deprecated]));
    Some(quote! {
        #doc
        #deprecated
        pub fn #name(body: &[u8]) -> Result<#output, crate::DecodeError> {
            #body
        }
    })
}
