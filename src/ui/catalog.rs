//! The course, as data. `servicelab build` writes it into the page
//! (`<script type="application/json" id="servicelab-course">` in
//! index.html, see `engine::lesson::course`): every lesson already parsed,
//! its prose already read, so the page carries neither the Markdown reader
//! nor the lesson parser. It is read once, the first time it is needed:
//! each lesson's head (title, summary, steps) then, the lesson itself when
//! it is opened, so a page that opens on one lesson decodes that one only.
//!
//! A page whose course data is missing or damaged opens with no lessons
//! and says why ([`problem`]); a lesson whose own data is damaged says so
//! when it is opened ([`Source::lesson`]). Neither panics.

use crate::engine::lesson::course::{decode_lesson, lines_match, read_index, Head, ELEMENT_ID};
use crate::engine::lesson::Lesson;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// One lesson of the course.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub head: Rc<Head>,
    /// A hash of the lesson's source file, saved with progress so that a
    /// lesson changed since is noticed on replay.
    pub fingerprint: u32,
    body: Rc<Body>,
}

/// A lesson as the page holds it until it is first opened: its line of the
/// course data, a string left on the JavaScript side. (Passing the whole
/// course into the wasm at start cost more than reading its index: the
/// text is copied character by character.)
#[derive(Debug)]
struct Body {
    line: js_sys::JsString,
    decoded: OnceCell<Result<Rc<Lesson>, String>>,
}

/// One course's bodies are equal only to themselves.
impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Source {
    /// `02-nodeport`, the lesson's id in links.
    pub fn id(&self) -> &str {
        &self.head.id
    }

    /// The lesson's title, or its file when it has none.
    pub fn title(&self) -> &str {
        if self.head.title.is_empty() {
            &self.head.path
        } else {
            &self.head.title
        }
    }

    pub fn summary(&self) -> &str {
        &self.head.summary
    }

    pub fn steps(&self) -> usize {
        self.head.steps
    }

    pub fn minutes(&self) -> Option<u32> {
        self.head.minutes
    }

    /// The whole lesson, decoded the first time it is asked for, or why
    /// its data cannot be read.
    pub fn lesson(&self) -> Result<Rc<Lesson>, String> {
        self.body
            .decoded
            .get_or_init(|| {
                decode_lesson(&self.head.id, &String::from(&self.body.line)).map(Rc::new)
            })
            .clone()
    }
}

type Loaded = Result<Rc<Vec<Source>>, String>;

thread_local! {
    static COURSE: RefCell<Option<Loaded>> = const { RefCell::new(None) };
}

/// Course data as `servicelab build` writes it (JSON lines: the index,
/// then each lesson), read: the index now, each lesson when it is opened.
fn read(text: js_sys::JsString) -> Loaded {
    let lines = text.trim().split("\n");
    let first = lines.get(0).as_string().unwrap_or_default();
    let heads = read_index(&first)?;
    lines_match(heads.len(), (lines.length() as usize).saturating_sub(1))?;
    Ok(Rc::new(
        heads
            .into_iter()
            .enumerate()
            .map(|(i, (fingerprint, head))| Source {
                head: Rc::new(head),
                fingerprint,
                body: Rc::new(Body {
                    line: lines.get(i as u32 + 1).unchecked_into(),
                    decoded: OnceCell::new(),
                }),
            })
            .collect(),
    ))
}

/// The course data in the page, read.
fn read_page() -> Loaded {
    let text = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ELEMENT_ID))
        .and_then(|e| js_sys::Reflect::get(&e, &JsValue::from_str("textContent")).ok())
        .and_then(|t| t.dyn_into::<js_sys::JsString>().ok())
        .ok_or_else(|| {
            "this page has no course data (it was not built by servicelab build)".to_string()
        })?;
    read(text)
}

fn loaded() -> Loaded {
    COURSE.with(|c| c.borrow_mut().get_or_insert_with(read_page).clone())
}

/// Uses this course data (as `servicelab build` writes it into the page)
/// instead of the page's: tests, and a page that gets its course another
/// way, read through the same path.
pub fn install(course_json: &str) {
    let loaded = read(js_sys::JsString::from(course_json));
    COURSE.with(|c| *c.borrow_mut() = Some(loaded));
}

/// Every lesson of the course, in order (none when the data is missing or
/// damaged: see [`problem`]).
pub fn sources() -> Rc<Vec<Source>> {
    loaded().unwrap_or_default()
}

/// Why the page has no course, when it has none.
pub fn problem() -> Option<String> {
    loaded().err()
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<Source> {
    sources().iter().find(|s| s.id() == id).cloned()
}

/// A short fingerprint of a lesson file's text (FNV-1a, 32 bits), for a
/// lesson an author opens from disk.
pub fn fingerprint(text: &str) -> u32 {
    crate::engine::lesson::course::fingerprint(text)
}
