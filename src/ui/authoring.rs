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

/// One problem `servicelab check` found, with the line it points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    /// The whole message: `file:line:col: …`, the source line and a caret.
    pub text: String,
}

/// What an author needs to see of a lesson file: every problem, and the
/// lesson (when it parses) with its steps, to go to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub lesson: Option<std::rc::Rc<Lesson>>,
    pub problems: Vec<Problem>,
    /// When the whole file does not parse: the text of the steps before
    /// the first broken one, which `lesson` is, and the line of the cut.
    pub partial: Option<(String, usize)>,
}

impl Report {
    /// The step (1-based) a line of the file falls in: the last step whose
    /// heading is at or above it (none past a cut: those steps are broken).
    pub fn step_at(&self, line: usize) -> Option<usize> {
        if self.partial.as_ref().is_some_and(|(_, cut)| line >= *cut) {
            return None;
        }
        let lesson = self.lesson.as_ref()?;
        lesson
            .steps
            .iter()
            .rposition(|s| s.line <= line)
            .map(|i| i + 1)
    }
}

/// Parses and replays a lesson file, as `servicelab check` does.
#[cfg(feature = "authoring")]
pub fn report(name: &str, text: &str) -> Report {
    let problems = crate::engine::lesson::replay::check_file(name, text)
        .iter()
        .map(|d| Problem {
            line: d.line,
            text: d.to_string(),
        })
        .collect();
    match crate::engine::lesson::parse_lesson(name, text) {
        Ok(lesson) => Report {
            lesson: Some(std::rc::Rc::new(lesson)),
            problems,
            partial: None,
        },
        // What parses before the first broken step can still be played.
        Err(diags) => match crate::engine::lesson::parse::playable_part(name, text, &diags) {
            Some((lesson, cut)) => {
                let offset: usize = text.lines().take(cut - 1).map(|l| l.len() + 1).sum();
                Report {
                    lesson: Some(std::rc::Rc::new(lesson)),
                    problems,
                    partial: Some((text[..offset.min(text.len())].to_string(), cut)),
                }
            }
            None => Report {
                lesson: None,
                problems,
                partial: None,
            },
        },
    }
}

/// Parses and replays a lesson file (this page cannot: see [`parse`]).
#[cfg(not(feature = "authoring"))]
pub fn report(name: &str, text: &str) -> Report {
    Report {
        lesson: None,
        problems: check(name, text)
            .into_iter()
            .map(|text| Problem { line: 0, text })
            .collect(),
        partial: None,
    }
}
