//! What only the authors' page can do: read a lesson file. The student's
//! page is built without the lesson parser and the Markdown reader (the
//! course arrives as data), so there this says where to go instead.

use crate::engine::lesson::Lesson;

/// Whether this build reads lesson files (the authors' page).
pub const AVAILABLE: bool = cfg!(feature = "authoring");

/// A lesson file, parsed; or every problem `servicelab check` would print.
#[cfg(feature = "authoring")]
pub fn parse(name: &str, text: &str) -> Result<Lesson, Vec<String>> {
    crate::engine::lesson::parse_lesson(name, text)
        .map_err(|diags| diags.iter().map(ToString::to_string).collect())
}

/// A lesson file, parsed; or every problem `servicelab check` would print.
#[cfg(not(feature = "authoring"))]
pub fn parse(name: &str, _text: &str) -> Result<Lesson, Vec<String>> {
    Err(vec![format!(
        "{name}: lesson files open on the authors' page (author/ in this site), which checks them as servicelab check does and plays them"
    )])
}

/// Everything `servicelab check` says about a lesson file: its parse and
/// its replay.
#[cfg(feature = "authoring")]
pub fn check(name: &str, text: &str) -> Vec<String> {
    crate::engine::lesson::replay::check_file(name, text)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Everything `servicelab check` says about a lesson file (this page
/// cannot read one: see [`parse`]).
#[cfg(not(feature = "authoring"))]
pub fn check(name: &str, text: &str) -> Vec<String> {
    parse(name, text).err().unwrap_or_default()
}
