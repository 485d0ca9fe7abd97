//! The course, as data. `servicelab build` writes it into the page
//! (`<script type="application/json" id="servicelab-course">` in
//! index.html, see `engine::lesson::course`): every lesson already parsed,
//! its prose already read, so the page carries neither the Markdown reader
//! nor the lesson parser. It is read once, the first time it is needed.
//!
//! A page whose course data is missing or damaged opens with no lessons
//! and says why ([`problem`]); it never panics.

use crate::engine::lesson::course::{Course, ELEMENT_ID};
use crate::engine::lesson::Lesson;
use std::cell::RefCell;
use std::rc::Rc;

/// One lesson of the course.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub lesson: Rc<Lesson>,
    /// A hash of the lesson's source file, saved with progress so that a
    /// lesson changed since is noticed on replay.
    pub fingerprint: u32,
}

impl Source {
    /// `02-nodeport`, the lesson's id in links.
    pub fn id(&self) -> &str {
        &self.lesson.id
    }

    /// The lesson's title, or its file when it has none.
    pub fn title(&self) -> &str {
        if self.lesson.title.is_empty() {
            &self.lesson.path
        } else {
            &self.lesson.title
        }
    }

    pub fn summary(&self) -> &str {
        &self.lesson.summary
    }

    pub fn steps(&self) -> usize {
        self.lesson.steps.len()
    }

    pub fn minutes(&self) -> Option<u32> {
        self.lesson.minutes
    }
}

type Loaded = Result<Rc<Vec<Source>>, String>;

thread_local! {
    static COURSE: RefCell<Option<Loaded>> = const { RefCell::new(None) };
}

fn from_course(course: Course) -> Rc<Vec<Source>> {
    Rc::new(
        course
            .lessons
            .into_iter()
            .map(|p| Source {
                lesson: Rc::new(p.lesson),
                fingerprint: p.fingerprint,
            })
            .collect(),
    )
}

/// The course data in the page, read.
fn read_page() -> Loaded {
    let text = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ELEMENT_ID))
        .and_then(|e| e.text_content())
        .ok_or_else(|| {
            "this page has no course data (it was not built by servicelab build)".to_string()
        })?;
    Course::from_json(&text).map(from_course)
}

fn loaded() -> Loaded {
    COURSE.with(|c| c.borrow_mut().get_or_insert_with(read_page).clone())
}

/// Uses `course` instead of the page's data (tests, and a page that gets
/// its course another way).
pub fn install(course: Course) {
    COURSE.with(|c| *c.borrow_mut() = Some(Ok(from_course(course))));
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
