//! Up/Down recall of earlier command lines, the way bash's readline does it.
//!
//! The list of lines lives in [`super::state::State`] (it is part of the
//! session); where the arrows have taken the input line is only the input's
//! business, so it lives here, next to the terminal component.

/// A position in the history while the student presses Up and Down.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recall {
    /// `None` while editing a fresh line; `Some(i)` while showing `history[i]`.
    index: Option<usize>,
    /// What was typed before the first Up, given back by Down past the newest.
    draft: String,
}

impl Recall {
    /// Up: the next older line, or `None` (nothing changes) at the oldest.
    pub fn older(&mut self, history: &[String], current: &str) -> Option<String> {
        let index = match self.index {
            None if history.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                history.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.index = Some(index);
        history.get(index).cloned()
    }

    /// Down: the next newer line; past the newest, the draft typed before
    /// the first Up. `None` (nothing changes) when not browsing.
    pub fn newer(&mut self, history: &[String]) -> Option<String> {
        let i = self.index?;
        if i + 1 < history.len() {
            self.index = Some(i + 1);
            history.get(i + 1).cloned()
        } else {
            self.index = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// A line was run or abandoned: the next Up starts from the newest again.
    pub fn reset(&mut self) {
        *self = Recall::default();
    }
}
