//! The manifests a step mentions, and whether the student changed them:
//! every file the lesson pane shows can be opened from the step, and a file
//! the student edited reads as theirs.

use crate::engine::lesson::Lesson;
use crate::engine::Session;
use std::rc::Rc;

/// Where a lesson's files are written when a step starts.
pub const LESSON_HOST: &str = "laptop";

/// One file a step mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFile {
    pub name: String,
    /// The text the lesson gives, if the lesson has a block for it.
    pub lesson_text: Option<String>,
    /// The file on the laptop now, if it exists.
    pub current: Option<String>,
}

impl StepFile {
    /// The student changed the lesson's file.
    pub fn edited(&self) -> bool {
        matches!((&self.lesson_text, &self.current), (Some(a), Some(b)) if a != b)
    }
}

/// The files of the current step, in the order the step names them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepFiles {
    pub files: Vec<StepFile>,
}

impl StepFiles {
    pub fn get(&self, name: &str) -> Option<&StepFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// The files step `step` (1-based) of `lesson` mentions: its own blocks,
/// then the manifests its text and commands name that the lesson or the
/// laptop has.
pub fn step_files(session: &Session, lesson: Option<&Lesson>, step: usize) -> Rc<StepFiles> {
    let Some(lesson) = lesson else {
        return Rc::default();
    };
    let Some(s) = lesson.steps.get(step.wrapping_sub(1)) else {
        return Rc::default();
    };
    // The lesson's latest version of a file up to this step, else any.
    let lesson_text = |name: &str| {
        let of = |steps: &[crate::engine::lesson::Step]| {
            steps
                .iter()
                .flat_map(|s| &s.files)
                .rfind(|f| f.name == name)
                // As the step wrote it: its placeholders filled in.
                .map(|f| crate::engine::lesson::bind::render(&session.world().cluster, &f.content))
        };
        of(&lesson.steps[..step.min(lesson.steps.len())]).or_else(|| of(&lesson.steps))
    };
    let files = crate::prose_tree::step_file_names(s)
        .into_iter()
        .filter_map(|name| {
            let current = session.file_on(LESSON_HOST, &name);
            let lesson_text = lesson_text(&name);
            (current.is_some() || lesson_text.is_some()).then_some(StepFile {
                name,
                lesson_text,
                current,
            })
        })
        .collect();
    Rc::new(StepFiles { files })
}
