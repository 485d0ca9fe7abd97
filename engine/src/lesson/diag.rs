//! Compiler-style messages for lesson authors:
//!
//! ```text
//! lessons/02-nodeport.md:14:3: unknown field `nodeport`, expected one of `name`, `port`, …
//!    |
//! 14 |   nodeport: 30008
//!    |   ^
//! ```

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub message: String,
    /// The offending source line, for the caret.
    pub source_line: Option<String>,
    /// More to say, shown under the caret (what a failed command printed).
    pub note: Option<String>,
}

impl Diagnostic {
    pub fn new(
        path: &str,
        text: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        let line = line.max(1);
        Diagnostic {
            path: path.to_string(),
            line,
            col: col.max(1),
            message: message.into(),
            source_line: text.lines().nth(line - 1).map(str::to_string),
            note: None,
        }
    }

    /// The same, with a note under the caret.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        let note = note.into();
        self.note = (!note.trim().is_empty()).then_some(note);
        self
    }

    /// The first line alone: `file:line:col: message`.
    pub fn headline(&self) -> String {
        format!("{}:{}:{}: {}", self.path, self.line, self.col, self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.headline())?;
        if let Some(src) = &self.source_line {
            let gutter = " ".repeat(self.line.to_string().len());
            let caret_pad: String = src
                .chars()
                .take(self.col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(
                f,
                "\n{gutter} |\n{} | {src}\n{gutter} | {caret_pad}^",
                self.line
            )?;
        }
        if let Some(note) = &self.note {
            let gutter = " ".repeat(self.line.to_string().len());
            for (i, l) in note.trim_end().lines().enumerate() {
                let lead = if i == 0 { "=" } else { " " };
                write!(f, "\n{gutter} {lead} {l}")?;
            }
        }
        Ok(())
    }
}
