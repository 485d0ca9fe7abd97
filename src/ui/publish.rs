//! Publishing a course from the authors' page, with nothing installed: the
//! lessons the author opened, checked as `servicelab check` checks them,
//! become the course of a copy of the very site the page was served from,
//! handed over as one zip to unzip and serve anywhere.
//!
//! The same code as `servicelab build` writes the course in: the lessons
//! parsed into a [`Course`], embedded into the student's page and the
//! authors' page with [`embed`], and the student's page's first screen
//! written again for it ([`crate::prerender`]). The site's other files are fetched as
//! they are, by the list `servicelab build` keeps beside index.html
//! (`site-files.json`).

use crate::engine::lesson::course::{embed, Course};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The folder the zip unpacks into, and the download's name.
pub const FOLDER: &str = "servicelab-site";

/// What was published.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub files: usize,
    pub bytes: usize,
}

/// The site root, from the authors' page (`<site>/author/`).
fn site_root() -> Result<String, String> {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .ok_or("the page has no address")?;
    let url = web_sys::Url::new_with_base("../", &href)
        .map_err(|_| "the page's address cannot be read")?;
    Ok(url.href())
}

async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| format!("{url}: the server did not answer"))?
        .dyn_into()
        .map_err(|_| format!("{url}: not an HTTP response"))?;
    if !response.ok() {
        return Err(format!(
            "{url}: the server answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let buffer = JsFuture::from(
        response
            .array_buffer()
            .map_err(|_| format!("{url}: cannot be read"))?,
    )
    .await
    .map_err(|_| format!("{url}: cannot be read"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The site's files, from the list `servicelab build` wrote.
fn file_list(json: &[u8]) -> Result<Vec<String>, String> {
    let bad = || "site-files.json is damaged: rebuild the site with servicelab build".to_string();
    let text = std::str::from_utf8(json).map_err(|_| bad())?;
    let value = js_sys::JSON::parse(text).map_err(|_| bad())?;
    let files = js_sys::Reflect::get(&value, &"files".into()).map_err(|_| bad())?;
    let files: js_sys::Array = files.dyn_into().map_err(|_| bad())?;
    files
        .iter()
        .map(|f| f.as_string().ok_or_else(bad))
        .collect()
}

/// The zip of this site with `course` as its course.
pub async fn site_zip(course: &Course) -> Result<(Vec<u8>, Published), String> {
    let root = site_root()?;
    let list = fetch(&format!("{root}site-files.json")).await.map_err(|e| {
        format!("{e}. This page publishes the site it was served from, which must be a site built by `make dist` or `servicelab build` (they write site-files.json); open the authors' page of such a site")
    })?;
    let names = file_list(&list)?;
    let mut files = vec![];
    let mut bytes = 0;
    for name in &names {
        let mut body = fetch(&format!("{root}{name}")).await?;
        if name == "index.html" || name == "author/index.html" {
            let html = String::from_utf8(body).map_err(|_| format!("{name} is not text"))?;
            let built = embed(&html, course).ok_or_else(|| {
                format!("{name} is not a servicelab page: it has no course element")
            })?;
            // The student's page paints the new course's first screen.
            body = crate::prerender::embed(&built, course).into_bytes();
        }
        bytes += body.len();
        files.push((format!("{FOLDER}/{name}"), body));
    }
    if !names.iter().any(|n| n == "index.html") {
        return Err("site-files.json lists no index.html: this is not a servicelab site".into());
    }
    let zip = crate::zip::archive(&files).map_err(|e| e.to_string())?;
    Ok((
        zip,
        Published {
            files: files.len(),
            bytes,
        },
    ))
}

/// Hands `bytes` to the browser as a download named `name`.
pub fn download(bytes: &[u8], name: &str) -> Result<(), String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/zip");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not hold the archive")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not hand over the archive")?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link")?
        .dyn_into()
        .map_err(|_| "no link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
