//! The course, built into the app: every `lessons/*.md` file is embedded at
//! compile time (see `build.rs`, which also reads each one's title, summary
//! and number of steps for the list). A lesson is parsed the first time it
//! is opened, by the same parser `servicelab check` uses, so the page
//! starts without parsing the whole course.

use crate::engine::lesson::{parse_lesson, Diagnostic, Lesson};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// One lesson file as built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// `lessons/02-nodeport.md`.
    pub path: &'static str,
    pub text: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The lesson's time estimate (front matter `minutes:`), if it has one.
    pub minutes: Option<u32>,
    pub steps: usize,
}

mod embedded {
    use super::Source;
    include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
}

/// One built-in lesson, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Builtin {
    pub path: &'static str,
    pub text: &'static str,
    /// The parsed lesson, or the author's mistakes.
    pub lesson: Result<Rc<Lesson>, Vec<Diagnostic>>,
}

impl Builtin {
    /// `02-nodeport`, the lesson's id in links.
    pub fn id(&self) -> &'static str {
        id_of(self.path)
    }
}

impl Source {
    pub fn id(&self) -> &'static str {
        id_of(self.path)
    }
}

/// The id of a lesson file: its name without the folder and `.md`.
pub fn id_of(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// Every built-in lesson file, in order, unparsed.
pub fn sources() -> &'static [Source] {
    embedded::SOURCES
}

type Parsed = Result<Rc<Lesson>, Vec<Diagnostic>>;

thread_local! {
    static PARSED: RefCell<BTreeMap<&'static str, Parsed>> = const { RefCell::new(BTreeMap::new()) };
}

fn parse(source: &Source) -> Builtin {
    let lesson = PARSED.with(|p| {
        p.borrow_mut()
            .entry(source.path)
            .or_insert_with(|| parse_lesson(source.path, source.text).map(Rc::new))
            .clone()
    });
    Builtin {
        path: source.path,
        text: source.text,
        lesson,
    }
}

/// Every built-in lesson, parsed (each once per page).
pub fn all() -> Vec<Builtin> {
    sources().iter().map(parse).collect()
}

/// The built-in lesson with this id, parsed.
pub fn find(id: &str) -> Option<Builtin> {
    sources().iter().find(|s| s.id() == id).map(parse)
}

/// A short fingerprint of a lesson's text (FNV-1a, 32 bits), saved with
/// progress so that a lesson changed since is noticed on replay.
pub fn fingerprint(text: &str) -> u32 {
    crate::engine::text::fnv1a(text.as_bytes())
}
