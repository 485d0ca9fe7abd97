//! Everything the page shows, as one value changed only by [`State::reduce`].
//!
//! The session is a pure function of its options and the lines run so far,
//! so `reduce` is pure too: the same actions always give the same page.

use crate::engine::net::Trace;
use crate::engine::{Session, Stream, Topology, WorldOptions};
use std::rc::Rc;
use yew::Reducible;

/// How many entries the scrollback keeps. Real terminals cap theirs too; a
/// bounded log keeps the DOM (and screen readers' buffers) small.
pub const SCROLLBACK_LIMIT: usize = 1000;

/// How many lines Up can recall: bash's default `HISTSIZE`.
pub const HISTORY_LIMIT: usize = 500;

/// One thing in the scrollback. `id` is unique for the page's lifetime, so
/// the view can key entries and only draw new ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    pub kind: EntryKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A line that ran: the prompt it was typed at, the line, and what it
    /// printed, chunk by chunk.
    Command {
        prompt: String,
        line: String,
        output: Vec<(Stream, String)>,
    },
    /// Output with no command line above it: what a line that ran `clear`
    /// printed after clearing the screen.
    Output(Vec<(Stream, String)>),
    /// A line abandoned with Ctrl+C; bash echoes it followed by `^C`.
    Interrupted { prompt: String, line: String },
    /// A message from the page itself, not from the shell.
    Note(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Enter: run the line.
    Run(String),
    /// Ctrl+C: abandon the line without running it.
    Interrupt(String),
    /// Ctrl+L: clear the screen (what `clear` does).
    Clear,
}

#[derive(Debug, Clone)]
pub struct State {
    pub session: Session,
    pub scrollback: Rc<Vec<Entry>>,
    /// Lines that ran, oldest first, without blanks or repeats in a row
    /// (bash with `HISTCONTROL=ignoredups`, as Debian and Ubuntu ship it).
    pub history: Rc<Vec<String>>,
    /// The world as the picture draws it; replaced only when it changed,
    /// so the picture is not redrawn after every `hostname`.
    pub topology: Rc<Topology>,
    /// The trace of the last command that sent a packet. Commands that send
    /// none (`hostname`, `clear`) leave the picture as it was.
    pub last_trace: Option<Rc<Trace>>,
    next_id: u64,
}

impl State {
    /// A fresh page on a new world.
    pub fn new(options: WorldOptions) -> Result<State, crate::engine::world::OptionsError> {
        let session = Session::new(options)?;
        Ok(State {
            topology: Rc::new(session.topology()),
            session,
            scrollback: Rc::default(),
            history: Rc::default(),
            last_trace: None,
            next_id: 0,
        })
    }

    /// The world `options` asks for; when the engine cannot build it (or the
    /// page address was garbled, `problem`), the default world with a note
    /// saying why, so a bad link never leaves a blank page.
    pub fn requested(options: Result<WorldOptions, String>) -> State {
        let problem = match options.map(State::new) {
            Ok(Ok(state)) => return state,
            Ok(Err(e)) => e.to_string(),
            Err(e) => e,
        };
        let mut state = State::new(WorldOptions::default()).expect("the default world is valid");
        state.push(EntryKind::Note(format!(
            "[The page address asked for a world servicelab cannot build ({problem}); this is the default world.]"
        )));
        state
    }

    /// The prompt to show before the input line.
    pub fn prompt(&self) -> String {
        self.session.prompt()
    }

    fn push(&mut self, kind: EntryKind) {
        let scrollback = Rc::make_mut(&mut self.scrollback);
        scrollback.push(Entry {
            id: self.next_id,
            kind,
        });
        self.next_id += 1;
        if scrollback.len() > SCROLLBACK_LIMIT {
            let excess = scrollback.len() - SCROLLBACK_LIMIT;
            scrollback.drain(..excess);
        }
    }

    fn remember(&mut self, line: &str) {
        if line.trim().is_empty() || self.history.last().map(String::as_str) == Some(line) {
            return;
        }
        let history = Rc::make_mut(&mut self.history);
        history.push(line.to_string());
        if history.len() > HISTORY_LIMIT {
            history.remove(0);
        }
    }

    fn run(&mut self, line: String) {
        let prompt = self.session.prompt();
        let execution = self.session.run(&line);
        self.remember(&line);
        if execution.clear {
            // `clear` wipes the screen, this line's prompt included. The
            // engine hands back only what was printed after the clear
            // (`clear; hostname` shows `laptop`), so that stays on screen.
            Rc::make_mut(&mut self.scrollback).clear();
            if !execution.output.is_empty() {
                self.push(EntryKind::Output(execution.output.clone()));
            }
        } else {
            self.push(EntryKind::Command {
                prompt,
                line,
                output: execution.output.clone(),
            });
        }
        if execution.exit_session {
            // The outermost shell exited. A browser tab cannot close its
            // terminal, so it behaves like opening a new one on the same
            // laptop: the simulated world (and what was built in it) stays.
            self.push(EntryKind::Note(format!(
                "[The shell exited. A new one has started on {}.]",
                self.session.current_host()
            )));
        }
        if let Some(trace) = execution.trace {
            self.last_trace = Some(Rc::new(trace));
        }
        let topology = self.session.topology();
        if *self.topology != topology {
            self.topology = Rc::new(topology);
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Run(line) => next.run(line),
            Action::Interrupt(line) => {
                let prompt = next.session.prompt();
                next.push(EntryKind::Interrupted { prompt, line });
            }
            Action::Clear => Rc::make_mut(&mut next.scrollback).clear(),
        }
        Rc::new(next)
    }
}
