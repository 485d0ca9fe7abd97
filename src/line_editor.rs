//! The terminal's line editing, as bash's readline does it, as a pure
//! reducer: a key (with the text in the input) goes in, what the input
//! should show and what the page should do come out. No browser here, so
//! it is tested natively (`cargo test`); the terminal component only turns
//! DOM events into [`Key`]s and applies the [`Outcome`].
//!
//! - Enter runs the line, or, inside a here-document or an open quote,
//!   keeps it as a pending `> ` line until the command is complete (the
//!   engine's [`CommandReader`] decides).
//! - Up and Down walk the history ([`Recall`]), keeping the draft.
//! - Tab completes through the engine ([`Completion`]); on an empty line,
//!   or after Escape, it lets the focus move on.
//! - Ctrl+C abandons the line (or skips a simulated wait); Ctrl+L clears.
//! - A paste of several lines runs each complete command in turn.

use crate::engine::shell::{CommandReader, Completion};

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

/// A key the terminal handles. Anything else is the input's own business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    /// Tab with the caret at this character index of the line.
    Tab {
        caret: usize,
    },
    Escape,
    Up,
    Down,
    /// Ctrl+C; `selection`: text is selected (then the browser copies it).
    CtrlC {
        selection: bool,
    },
    CtrlL,
}

/// What the page does after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run a complete command.
    Run(String),
    /// The line (and any pending lines) was abandoned with Ctrl+C.
    Interrupt(String),
    /// Clear the screen.
    Clear,
    /// Stop playing out simulated time.
    SkipWait,
}

/// The result of a key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The browser must not do its own thing with the key (move the focus,
    /// copy…).
    pub handled: bool,
    /// New text for the input and where the caret goes (a character index).
    pub line: Option<(String, usize)>,
    pub effect: Option<Effect>,
}

/// The state of the input line between keys.
#[derive(Debug, Clone, Default)]
pub struct LineEditor {
    recall: Recall,
    reader: CommandReader,
    candidates: Vec<String>,
    /// After Escape, Tab moves the focus on instead of completing.
    tab_leaves: bool,
}

fn set(text: &str) -> Option<(String, usize)> {
    Some((text.to_string(), text.chars().count()))
}

impl LineEditor {
    /// Handles `key` with `typed` in the input. `history`: the lines run
    /// so far; `waiting`: simulated time is being played out; `complete`:
    /// the engine's Tab for the text before the caret.
    pub fn key(
        &mut self,
        key: Key,
        typed: &str,
        history: &[String],
        waiting: bool,
        complete: impl FnOnce(&str) -> Completion,
    ) -> Outcome {
        if !matches!(key, Key::Tab { .. }) {
            self.tab_leaves = false;
        }
        match key {
            Key::Enter => {
                self.recall.reset();
                self.candidates.clear();
                let effect = self.reader.push_line(typed).map(Effect::Run);
                Outcome {
                    handled: true,
                    line: set(""),
                    effect,
                }
            }
            Key::Tab { caret } => {
                if typed.is_empty() || self.tab_leaves {
                    return Outcome::default();
                }
                let cut = typed
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain(std::iter::once(typed.len()))
                    .nth(caret)
                    .unwrap_or(typed.len());
                let (before, after) = typed.split_at(cut);
                let done = complete(before);
                self.candidates = done.candidates;
                let completed = format!("{}{after}", done.line);
                Outcome {
                    handled: true,
                    line: (completed != typed)
                        .then(|| (completed.clone(), done.line.chars().count())),
                    effect: None,
                }
            }
            Key::Escape => {
                self.tab_leaves = true;
                self.candidates.clear();
                Outcome::default()
            }
            Key::Up => Outcome {
                handled: true,
                line: self.recall.older(history, typed).map(|l| self.recalled(&l)),
                effect: None,
            },
            Key::Down => Outcome {
                handled: true,
                line: self.recall.newer(history).map(|l| self.recalled(&l)),
                effect: None,
            },
            Key::CtrlC { selection: true } => Outcome::default(),
            Key::CtrlC { selection: false } => {
                if waiting {
                    return Outcome {
                        handled: true,
                        line: None,
                        effect: Some(Effect::SkipWait),
                    };
                }
                let was_pending = self.reader.pending();
                let mut abandoned = self.reader.take();
                if was_pending {
                    abandoned.push('\n');
                }
                abandoned.push_str(typed);
                self.recall.reset();
                self.candidates.clear();
                Outcome {
                    handled: true,
                    line: set(""),
                    effect: Some(Effect::Interrupt(abandoned)),
                }
            }
            Key::CtrlL => Outcome {
                handled: true,
                line: None,
                effect: Some(Effect::Clear),
            },
        }
    }

    /// Puts a recalled history line in the input: a here-document's first
    /// lines become the pending lines, its last one the input.
    fn recalled(&mut self, text: &str) -> (String, usize) {
        match text.rsplit_once('\n') {
            Some((first, last)) => {
                self.reader.resume(first);
                (last.to_string(), last.chars().count())
            }
            None => {
                self.reader.take();
                (text.to_string(), text.chars().count())
            }
        }
    }

    /// The student typed: the completion list goes away.
    pub fn typed(&mut self) {
        self.candidates.clear();
    }

    /// Any other key: Tab completes again (after an Escape).
    pub fn other_key(&mut self) {
        self.tab_leaves = false;
    }

    /// A paste of `text` into an input holding `current`: the complete
    /// commands to run in order, and what stays in the input (the last,
    /// unfinished line). `None` for a paste of one line, which the input
    /// takes as usual.
    pub fn paste(&mut self, current: &str, text: &str) -> Option<(Vec<String>, String)> {
        if !text.contains('\n') {
            return None;
        }
        let text = format!("{current}{}", text.replace("\r\n", "\n"));
        let (complete, last) = text.rsplit_once('\n').unwrap_or(("", &text));
        let commands = self.reader.push_text(complete);
        Some((commands, last.to_string()))
    }

    /// The lines of an unfinished command, shown above the input with `> `.
    pub fn pending_lines(&self) -> Vec<String> {
        if self.reader.pending() {
            self.reader.text().split('\n').map(str::to_string).collect()
        } else {
            vec![]
        }
    }

    /// The words bash lists after a second Tab.
    pub fn candidates(&self) -> &[String] {
        &self.candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Completion {
        Completion::default()
    }

    fn history() -> Vec<String> {
        vec!["hostname".into(), "whoami".into()]
    }

    #[test]
    fn enter_runs_a_complete_line_and_empties_the_input() {
        let mut e = LineEditor::default();
        let o = e.key(Key::Enter, "hostname", &[], false, none);
        assert_eq!(o.effect, Some(Effect::Run("hostname".into())));
        assert_eq!(o.line, Some((String::new(), 0)));
        assert!(o.handled);
    }

    #[test]
    fn a_heredoc_waits_for_its_end_on_greater_than_lines() {
        let mut e = LineEditor::default();
        assert_eq!(
            e.key(Key::Enter, "cat <<EOF", &[], false, none).effect,
            None
        );
        assert_eq!(e.pending_lines(), ["cat <<EOF"]);
        assert_eq!(e.key(Key::Enter, "hello", &[], false, none).effect, None);
        let o = e.key(Key::Enter, "EOF", &[], false, none);
        assert_eq!(o.effect, Some(Effect::Run("cat <<EOF\nhello\nEOF".into())));
        assert!(e.pending_lines().is_empty());
    }

    #[test]
    fn up_and_down_walk_the_history_and_keep_the_draft() {
        let mut e = LineEditor::default();
        let h = history();
        assert_eq!(
            e.key(Key::Up, "ech", &h, false, none).line,
            Some(("whoami".into(), 6))
        );
        assert_eq!(
            e.key(Key::Up, "whoami", &h, false, none).line,
            Some(("hostname".into(), 8))
        );
        assert_eq!(
            e.key(Key::Up, "hostname", &h, false, none).line,
            None,
            "the oldest stays"
        );
        assert_eq!(
            e.key(Key::Down, "hostname", &h, false, none).line,
            Some(("whoami".into(), 6))
        );
        assert_eq!(
            e.key(Key::Down, "whoami", &h, false, none).line,
            Some(("ech".into(), 3))
        );
        assert_eq!(e.key(Key::Down, "ech", &h, false, none).line, None);
    }

    #[test]
    fn a_recalled_heredoc_comes_back_with_its_pending_lines() {
        let mut e = LineEditor::default();
        let h = vec!["cat <<EOF\nhi\nEOF".to_string()];
        assert_eq!(
            e.key(Key::Up, "", &h, false, none).line,
            Some(("EOF".into(), 3))
        );
        assert_eq!(e.pending_lines(), ["cat <<EOF", "hi"]);
        let o = e.key(Key::Enter, "EOF", &h, false, none);
        assert_eq!(o.effect, Some(Effect::Run("cat <<EOF\nhi\nEOF".into())));
    }

    #[test]
    fn tab_completes_before_the_caret_and_lists_on_a_tie() {
        let mut e = LineEditor::default();
        let o = e.key(Key::Tab { caret: 5 }, "hostn -x", &[], false, |before| {
            assert_eq!(before, "hostn");
            Completion {
                line: "hostname ".into(),
                candidates: vec![],
            }
        });
        assert_eq!(o.line, Some(("hostname  -x".into(), 9)));
        let o = e.key(Key::Tab { caret: 2 }, "ku", &[], false, |_| Completion {
            line: "ku".into(),
            candidates: vec!["kubectl".into(), "kubeadm".into()],
        });
        assert_eq!(o.line, None);
        assert_eq!(e.candidates(), ["kubectl", "kubeadm"]);
        e.typed();
        assert!(e.candidates().is_empty());
    }

    #[test]
    fn tab_on_an_empty_line_or_after_escape_lets_the_focus_go() {
        let mut e = LineEditor::default();
        assert!(!e.key(Key::Tab { caret: 0 }, "", &[], false, none).handled);
        e.key(Key::Escape, "ls", &[], false, none);
        assert!(!e.key(Key::Tab { caret: 2 }, "ls", &[], false, none).handled);
        // Any other key ends that.
        e.other_key();
        assert!(e.key(Key::Tab { caret: 2 }, "ls", &[], false, none).handled);
    }

    #[test]
    fn ctrl_c_abandons_the_line_with_its_pending_lines_or_skips_a_wait() {
        let mut e = LineEditor::default();
        e.key(Key::Enter, "cat <<EOF", &[], false, none);
        let o = e.key(Key::CtrlC { selection: false }, "half", &[], false, none);
        assert_eq!(o.effect, Some(Effect::Interrupt("cat <<EOF\nhalf".into())));
        assert!(e.pending_lines().is_empty());
        let o = e.key(Key::CtrlC { selection: false }, "x", &[], true, none);
        assert_eq!(o.effect, Some(Effect::SkipWait));
        assert_eq!(o.line, None, "the line stays");
        let o = e.key(Key::CtrlC { selection: true }, "x", &[], false, none);
        assert!(!o.handled, "with a selection, the browser copies");
        assert_eq!(
            e.key(Key::CtrlL, "x", &[], false, none).effect,
            Some(Effect::Clear)
        );
    }

    #[test]
    fn a_paste_runs_each_complete_command_and_keeps_the_last_line() {
        let mut e = LineEditor::default();
        assert_eq!(e.paste("", "hostname"), None);
        let (run, last) = e
            .paste("echo ", "a\nwhoami\ncat <<EOF\nx\nEOF\nhost")
            .unwrap();
        assert_eq!(run, ["echo a", "whoami", "cat <<EOF\nx\nEOF"]);
        assert_eq!(last, "host");
    }
}
