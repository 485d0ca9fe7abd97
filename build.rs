//! Builds the course into the browser app: every `lessons/*.md` (but the
//! authors' guide, `README.md`) becomes an entry of `SOURCES` in
//! `$OUT_DIR/lessons.rs`, in file-name order: its path, its text, and what
//! the lesson list shows (title, summary, number of steps), read here from
//! the front matter and the `## ` headings so that the page can list the
//! course without parsing it; a lesson is parsed when it is opened. A new
//! lesson is picked up without touching any code. Natively the file is
//! generated too, unused.

use std::path::Path;
use std::{env, fs};

/// A front matter scalar as YAML reads it in the simple cases lessons use:
/// plain, "double-quoted" (with `\"` and `\\`) or 'single-quoted'.
fn scalar(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        inner.replace("\\\"", "\"").replace("\\\\", "\\")
    } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        raw.to_string()
    }
}

/// (title, summary, minutes, steps): what the list needs. The parser has
/// the last word when the lesson is opened. `minutes` is the front matter's
/// estimate, when the lesson gives one.
fn describe(text: &str) -> (String, String, Option<u32>, usize) {
    let mut lines = text.lines();
    let (mut title, mut summary) = (String::new(), String::new());
    let mut minutes = None;
    if lines.next().map(str::trim_end) == Some("---") {
        for line in lines.by_ref() {
            if line.trim_end() == "---" {
                break;
            }
            if let Some(v) = line.strip_prefix("title:") {
                title = scalar(v);
            } else if let Some(v) = line.strip_prefix("summary:") {
                summary = scalar(v);
            } else if let Some(v) = line.strip_prefix("minutes:") {
                minutes = scalar(v).parse().ok();
            }
        }
    }
    let mut steps = 0;
    let mut fence: Option<&str> = None;
    for line in lines {
        let t = line.trim_start();
        match fence {
            Some(f) if t.starts_with(f) => fence = None,
            Some(_) => {}
            None if t.starts_with("```") => fence = Some("```"),
            None if t.starts_with("~~~") => fence = Some("~~~"),
            None if line.starts_with("## ") => steps += 1,
            None => {}
        }
    }
    (title, summary, minutes, steps)
}

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("lessons");
    // A directory: cargo rescans it for added, removed and changed files.
    println!("cargo:rerun-if-changed=lessons");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md") && n != "README.md")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from(
        "/// The course: each lesson file's path, text, title, summary and step count, in name order.\n\
         pub static SOURCES: &[Source] = &[\n",
    );
    for name in names {
        let file = dir.join(&name);
        let text = fs::read_to_string(&file).unwrap_or_default();
        let (title, summary, minutes, steps) = describe(&text);
        out.push_str(&format!(
            "    Source {{ path: {:?}, text: include_str!({:?}), title: {title:?}, summary: {summary:?}, minutes: {minutes:?}, steps: {steps} }},\n",
            format!("lessons/{name}"),
            file.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lessons.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
