//! Everything the page shows, as one value changed only by [`State::reduce`].
//!
//! The session is a pure function of where it started ([`Scope`] and a
//! step) and what the student did since (the [`Act`] log), so `reduce` is
//! pure too: the same actions always give the same page. Undo, reset,
//! reload and share links all rebuild a state from a log ([`State::open`]).

use super::codec::{Act, Origin, Record};
use super::judging::{self, Before, StepStatus};
use super::route::Route;
use crate::engine::explain::Story;
use crate::engine::lesson::done::{self, Judgement};
use crate::engine::lesson::{replay, Lesson};
use crate::engine::map::Set;
use crate::engine::net::Trace;
use crate::engine::shell::{EditRequest, FileEdit, RequestMade};
use crate::engine::time::Millis;
use crate::engine::{Session, Stream, Topology, WorldOptions};
use std::rc::Rc;
use yew::Reducible;

/// How many of the student's requests a step remembers (for its goals).
pub const SEEN_LIMIT: usize = 200;

/// How many entries the scrollback keeps. Real terminals cap theirs too; a
/// bounded log keeps the DOM (and screen readers' buffers) small.
pub const SCROLLBACK_LIMIT: usize = 1000;

/// How many lines Up can recall: bash's default `HISTSIZE`.
pub const HISTORY_LIMIT: usize = 500;

/// How many bytes of output the scrollback keeps: a line may print up to
/// the engine's output budget (1 MiB), and a few of those are plenty.
pub const SCROLLBACK_BYTES: usize = 4 << 20;

/// One thing in the scrollback. `id` is unique for the page's lifetime, so
/// the view can key entries and only draw new ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    pub kind: EntryKind,
}

impl Entry {
    /// The text it holds, in bytes.
    pub fn bytes(&self) -> usize {
        let chunks = |o: &[(Stream, String)]| o.iter().map(|(_, t)| t.len()).sum::<usize>();
        match &self.kind {
            EntryKind::Command {
                prompt,
                line,
                output,
                ..
            } => prompt.len() + line.len() + chunks(output),
            EntryKind::Output(o) => chunks(o),
            EntryKind::Interrupted { prompt, line } => prompt.len() + line.len(),
            EntryKind::Note(n) => n.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A line that ran: the prompt it was typed at, the line, what it
    /// printed chunk by chunk, and the simulated time it took.
    Command {
        prompt: String,
        line: String,
        output: Vec<(Stream, String)>,
        elapsed_ms: Millis,
    },
    /// Output with no command line above it: what a line that ran `clear`
    /// printed after clearing the screen.
    Output(Vec<(Stream, String)>),
    /// A line abandoned with Ctrl+C; bash echoes it followed by `^C`.
    Interrupted { prompt: String, line: String },
    /// A message from the page itself, not from the shell.
    Note(String),
}

/// Where a session starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// A free world. `saved`: its progress is kept (the sandbox page); the
    /// home page's scratch terminal is not.
    Sandbox { options: WorldOptions, saved: bool },
    /// A lesson: built in (by id), or a file an author opened (`preview`).
    Lesson {
        lesson: Rc<Lesson>,
        preview: bool,
        fingerprint: u32,
    },
}

impl Scope {
    /// Where this scope's work is kept. The home page's scratch terminal's
    /// goes under [`super::storage::SCRATCH_KEY`] and is read back only
    /// after a crash (`crash_guard`).
    pub fn work_key(&self) -> String {
        use super::storage::{lesson_key, PREVIEW_KEY, SANDBOX_KEY, SCRATCH_KEY};
        match self {
            Scope::Sandbox { saved: false, .. } => SCRATCH_KEY.to_string(),
            Scope::Sandbox { .. } => SANDBOX_KEY.to_string(),
            Scope::Lesson { preview: true, .. } => PREVIEW_KEY.to_string(),
            Scope::Lesson { lesson, .. } => lesson_key(&lesson.id),
        }
    }
}

/// How to build a state: a scope, the step to start from, what to replay,
/// and anything the page should say about it (a damaged saved state).
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub scope: Scope,
    pub start_step: usize,
    pub done: Set<usize>,
    /// Steps that were already so when opened (see `lesson::done`).
    pub given: Set<usize>,
    pub acts: Vec<Act>,
    /// For the status line.
    pub notice: Option<String>,
    /// For the terminal, before anything else (a garbled page address).
    pub note: Option<String>,
    /// The world came from a share link (saved as such).
    pub shared: bool,
    /// Replay one act at a time, each marked first: the last replay of this
    /// work stopped the engine (see `crash_guard`). The store and the key.
    pub mark_each: Option<(super::storage::Store, String)>,
    /// What the student may go back to: their own work kept aside while a
    /// shared world is open, or the shared world kept aside.
    pub stash: Option<Stash>,
}

/// Work kept aside for the current lesson (`opening::swap_stash`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stash {
    /// The student's own work, while a shared world is open.
    Own,
    /// A shared world, while the student's own work is open.
    Shared,
}

impl Opening {
    pub fn fresh(scope: Scope, step: usize) -> Opening {
        Opening {
            scope,
            start_step: step,
            done: Set::new(),
            given: Set::new(),
            acts: vec![],
            notice: None,
            note: None,
            shared: false,
            mark_each: None,
            stash: None,
        }
    }
}

/// The editor a command asked for (`vi FILE`), numbered so that the page
/// opens it once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditOpen {
    pub id: u64,
    pub request: FileEdit,
}

/// The object `kubectl edit` opened in the editor, numbered so that the
/// page opens it once (and again when kubectl reopens it with errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubectlEdit {
    pub id: u64,
    pub request: EditRequest,
}

/// What the editor's last "Apply" gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyResult {
    pub file: String,
    pub status: i32,
    pub output: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Enter: run the line.
    Run(String),
    /// Ctrl+C: abandon the line without running it.
    Interrupt(String),
    /// Ctrl+L: clear the screen (what `clear` does).
    Clear,
    /// The editor's Apply: save the file on the terminal's host, then
    /// `kubectl apply -f` it there.
    Apply { file: String, text: String },
    /// The editor's Save: write the file on the terminal's host.
    Save { file: String, text: String },
    /// Next/previous/a step in the list: move on, keeping the world.
    Goto(usize),
    /// A quiz of the current step answered (quiz and choice, 0-based).
    Answer { quiz: usize, choice: usize },
    /// Real time (ms) passed since the last act: the cluster lives it.
    Wait(Millis),
    /// The editor of `kubectl edit` closed with this text.
    EditDone(String),
    /// Take back the last command (replay the log without it).
    Undo,
    /// Back to the world at the start of the current step.
    ResetStep,
    /// Replace the session: another lesson, a sandbox, a saved or shared state.
    Open(Rc<Opening>),
    /// The student read the notice.
    DismissNotice,
    /// Judge the goals and probes after the last command (see `State::stale`).
    Refresh,
}

#[derive(Debug, Clone)]
pub struct State {
    pub scope: Scope,
    /// The current step, 1-based (0 in a sandbox).
    pub step: usize,
    /// The step the log replays from.
    pub start_step: usize,
    /// What the student did since `start_step` began.
    pub log: Rc<Vec<Act>>,
    /// Behind `Rc`: an action that does not change the world shares it.
    pub session: Rc<Session>,
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
    /// The same packet, told (`engine::explain`), in the world it was sent in.
    pub story: Option<Rc<Story>>,
    pub status: Rc<StepStatus>,
    /// Steps done at some point (see `lesson::done`), given ones included.
    pub done: Rc<Set<usize>>,
    /// Steps that were already so when they opened.
    pub given: Rc<Set<usize>>,
    /// The requests the student made since the current step opened, each
    /// with the number of the line that made it.
    pub seen: Rc<Vec<RequestMade>>,
    /// The command lines the student ran since the current step opened
    /// (as run, whitespace collapsed), each with its last exit status: the
    /// text after a console block waits for its commands.
    pub ran: Rc<crate::engine::map::Map<String, i32>>,
    /// The values of the lesson's placeholders in the student's world.
    pub values: Rc<crate::engine::lesson::bind::Values>,
    /// Quiz answers: (step, quiz) → choice, from the log.
    pub answers: Rc<crate::engine::map::Map<(usize, usize), usize>>,
    /// The student did something (a command, a save) in this step.
    pub acted: bool,
    /// The last editor a command asked for.
    pub edit: Option<Rc<EditOpen>>,
    /// The files the current step mentions, as they are now.
    pub files: Rc<crate::ui::files::StepFiles>,
    pending_edit: Option<FileEdit>,
    /// The `kubectl edit` waiting for its editor, if one is.
    pub kubectl_edit: Option<Rc<KubectlEdit>>,
    pub last_apply: Option<Rc<ApplyResult>>,
    /// A message for the status line (a replayed or damaged saved state…).
    pub notice: Option<String>,
    /// Entries with this id or more were made live, not replayed: only
    /// they play out their simulated time.
    pub live_from: u64,
    /// Bumped whenever the record changes, so the page knows to save it.
    pub revision: u64,
    /// The world came from a share link.
    pub shared: bool,
    /// Work kept aside for this lesson that the student may go back to.
    pub stash: Option<Stash>,
    /// The goals and the before/after table are not judged yet for the
    /// last command; [`Action::Refresh`] does it, once its output is shown.
    pub stale: bool,
    before: Option<Before>,
    next_id: u64,
}

/// Two states are the same page when they share every part: the parts
/// behind `Rc` compare by address (a change makes a new one), the rest by
/// value. Cheap, so that components can take the state as a prop.
impl PartialEq for State {
    fn eq(&self, o: &Self) -> bool {
        fn same<T>(a: &Rc<T>, b: &Rc<T>) -> bool {
            Rc::ptr_eq(a, b)
        }
        fn same_opt<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
        }
        self.revision == o.revision
            && self.next_id == o.next_id
            && self.step == o.step
            && self.start_step == o.start_step
            && self.live_from == o.live_from
            && self.stale == o.stale
            && self.acted == o.acted
            && self.shared == o.shared
            && self.stash == o.stash
            && self.notice == o.notice
            && self.scope == o.scope
            && same(&self.log, &o.log)
            && same(&self.session, &o.session)
            && same(&self.scrollback, &o.scrollback)
            && same(&self.history, &o.history)
            && same(&self.topology, &o.topology)
            && same(&self.status, &o.status)
            && same(&self.done, &o.done)
            && same(&self.given, &o.given)
            && same(&self.seen, &o.seen)
            && same(&self.ran, &o.ran)
            && same(&self.values, &o.values)
            && same(&self.files, &o.files)
            && same_opt(&self.last_trace, &o.last_trace)
            && same_opt(&self.story, &o.story)
            && same_opt(&self.edit, &o.edit)
            && same_opt(&self.last_apply, &o.last_apply)
    }
}

impl State {
    /// A fresh page on a new world (the home page's scratch terminal).
    pub fn new(options: WorldOptions) -> Result<State, crate::engine::world::OptionsError> {
        let session = Session::new(options)?;
        Ok(State::with_session(
            Scope::Sandbox {
                options,
                saved: false,
            },
            0,
            session,
        ))
    }

    fn with_session(scope: Scope, step: usize, mut session: Session) -> State {
        // The page has an editor for `vi FILE` and for `kubectl edit`.
        session.set_screen_editor(true);
        session.set_editor(true);
        State {
            scope,
            step,
            start_step: step,
            log: Rc::default(),
            topology: Rc::new(session.topology()),
            session: Rc::new(session),
            scrollback: Rc::default(),
            history: Rc::default(),
            last_trace: None,
            story: None,
            status: Rc::default(),
            done: Rc::default(),
            given: Rc::default(),
            seen: Rc::default(),
            ran: Rc::default(),
            values: Rc::default(),
            answers: Rc::default(),
            acted: false,
            edit: None,
            files: Rc::default(),
            pending_edit: None,
            kubectl_edit: None,
            last_apply: None,
            notice: None,
            live_from: 0,
            revision: 0,
            shared: false,
            stash: None,
            stale: false,
            before: None,
            next_id: 0,
        }
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

    /// Builds the state an [`Opening`] describes: the world at the start of
    /// its step, then every act replayed. Never fails: a world that cannot
    /// be built falls back to the default one, and acts that no longer fit
    /// (a step the lesson no longer has) end the replay; `notice` says so.
    pub fn open(opening: &Opening) -> State {
        let mut notices: Vec<String> = opening.notice.iter().cloned().collect();
        let mut state = match &opening.scope {
            Scope::Sandbox { options, .. } => match Session::new(*options) {
                Ok(session) => State::with_session(opening.scope.clone(), 0, session),
                Err(e) => {
                    notices.push(format!(
                        "That world cannot be built ({e}); this is the default world."
                    ));
                    State::new(WorldOptions::default()).expect("the default world is valid")
                }
            },
            Scope::Lesson { lesson, .. } => {
                let step = opening.start_step.clamp(1, lesson.steps.len().max(1));
                match replay::start_at(lesson, step) {
                    Ok(session) => {
                        // The probes at the step's start, from this very
                        // session: no second world to build for the table.
                        let before = lesson
                            .steps
                            .get(step - 1)
                            .map(|s| Before::at(&session, step, s));
                        let mut state = State::with_session(opening.scope.clone(), step, session);
                        state.before = before;
                        state
                    }
                    Err(e) => {
                        notices.push(format!(
                            "The world of “{}” cannot be built ({e}); this is the default world.",
                            lesson.title
                        ));
                        State::new(WorldOptions::default()).expect("the default world is valid")
                    }
                }
            }
        };
        state.done = Rc::new(opening.done.clone());
        state.given = Rc::new(opening.given.clone());
        if let Some(note) = &opening.note {
            state.push(EntryKind::Note(note.clone()));
        }
        if state.lesson().is_some() {
            // The record is exact only if the step it starts from exists.
            state.start_step = state.step;
        }
        for (replayed, act) in opening.acts.iter().enumerate() {
            if let Some((store, key)) = &opening.mark_each {
                let what = match act {
                    Act::Run(line) | Act::Interrupt(line) => line.clone(),
                    Act::Apply { file, .. } => format!("the editor's apply of {file}"),
                    Act::Save { file, .. } => format!("the editor's save of {file}"),
                    Act::Clear => "Ctrl+L".into(),
                    Act::Goto(n) => format!("going to step {n}"),
                    Act::Answer { step, quiz, .. } => {
                        format!("the answer to quiz {} of step {step}", quiz + 1)
                    }
                    Act::Wait(ms) => format!("{ms} ms of waiting"),
                    Act::EditDone(_) => "the save of kubectl edit's editor".into(),
                };
                super::crash_guard::mark(
                    store,
                    &super::crash_guard::Mark {
                        key: key.clone(),
                        doing: super::crash_guard::Doing::ReplayAct {
                            index: replayed,
                            what,
                        },
                    },
                );
            }
            if let Err(problem) = state.apply(act) {
                notices.push(format!(
                    "The saved work was replayed as far as it goes: {replayed} of {} entries ({problem}).",
                    opening.acts.len()
                ));
                break;
            }
            if matches!(act, Act::Run(_) | Act::Apply { .. } | Act::Goto(_)) {
                state.mark_done();
            }
        }
        // A replayed `vi` opens nothing.
        state.pending_edit = None;
        state.refresh();
        state.live_from = state.next_id;
        state.notice = (!notices.is_empty()).then(|| notices.join(" "));
        state.shared = opening.shared;
        state.stash = opening.stash;
        state
    }

    /// The lesson being played, if any.
    pub fn lesson(&self) -> Option<&Rc<Lesson>> {
        match &self.scope {
            Scope::Lesson { lesson, .. } => Some(lesson),
            Scope::Sandbox { .. } => None,
        }
    }

    /// The current step of the lesson, if any.
    pub fn current_step(&self) -> Option<&crate::engine::lesson::Step> {
        self.lesson()
            .and_then(|l| l.steps.get(self.step.wrapping_sub(1)))
    }

    /// The place this state is, for the page address.
    pub fn route(&self) -> Route {
        match &self.scope {
            Scope::Sandbox { saved: false, .. } => Route::Home,
            Scope::Sandbox { options, .. } => Route::Sandbox(*options),
            Scope::Lesson { preview: true, .. } => Route::Preview { step: self.step },
            Scope::Lesson { lesson, .. } => Route::Lesson {
                id: lesson.id.clone(),
                step: self.step,
            },
        }
    }

    /// The name this state's record is saved under.
    pub fn storage_key(&self) -> Option<String> {
        match &self.scope {
            Scope::Sandbox { saved: false, .. } => None,
            scope => Some(scope.work_key()),
        }
    }

    /// Where this state's work is kept, or would be (see [`Scope::work_key`]).
    pub fn work_key(&self) -> String {
        self.scope.work_key()
    }

    /// What to save, or `None` for the home page's scratch terminal.
    pub fn record(&self) -> Option<Record> {
        let origin = match &self.scope {
            Scope::Sandbox { saved: false, .. } => return None,
            Scope::Sandbox { options, .. } => Origin::Sandbox(*options),
            Scope::Lesson {
                lesson,
                preview,
                fingerprint,
            } => {
                if *preview {
                    Origin::Preview {
                        fingerprint: *fingerprint,
                    }
                } else {
                    Origin::Lesson {
                        id: lesson.id.clone(),
                        fingerprint: *fingerprint,
                    }
                }
            }
        };
        Some(Record {
            origin,
            start_step: self.start_step,
            done: self.done.iter().copied().collect(),
            given: self.given.iter().copied().collect(),
            shared: self.shared,
            acts: (*self.log).clone(),
        })
    }

    /// The prompt to show before the input line.
    pub fn prompt(&self) -> String {
        self.session.prompt()
    }

    /// The text of a file on the terminal's host (by a name in the home
    /// directory, or a path), for the editor.
    pub fn file_text(&self, name: &str) -> Option<String> {
        self.session.file_on(self.session.current_host(), name)
    }

    /// Whether every step of the lesson is done (or was given).
    pub fn finished(&self) -> bool {
        self.lesson()
            .is_some_and(|l| (1..=l.steps.len()).all(|n| self.done.contains(&n)))
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
        // And within its bytes: the oldest entries go first (the newest stays).
        let mut total: usize = scrollback.iter().map(Entry::bytes).sum();
        let mut drop = 0;
        while total > SCROLLBACK_BYTES && drop + 1 < scrollback.len() {
            total -= scrollback[drop].bytes();
            drop += 1;
        }
        scrollback.drain(..drop);
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

    /// `kubectl edit` asked for the editor (again): `req` waits for it.
    fn await_kubectl_edit(&mut self, request: EditRequest) {
        let id = self.kubectl_edit.as_ref().map_or(1, |e| e.id + 1);
        self.kubectl_edit = Some(Rc::new(KubectlEdit { id, request }));
    }

    /// The editor of `kubectl edit` closed with `text`: kubectl goes on.
    fn finish_kubectl_edit(&mut self, text: &str) -> Result<(), String> {
        let Some(open) = self.kubectl_edit.clone() else {
            return Err("an editor closed with no kubectl edit waiting".into());
        };
        let id = open.id;
        let execution = Rc::make_mut(&mut self.session).finish_edit(&open.request, text);
        if !execution.output.is_empty() {
            self.push(EntryKind::Output(execution.output.clone()));
        }
        match execution.edit {
            // Invalid: kubectl reopens the editor with the failures.
            Some(request) => {
                self.kubectl_edit = Some(Rc::new(KubectlEdit {
                    id: id + 1,
                    request,
                }))
            }
            None => self.kubectl_edit = None,
        }
        self.redraw_topology();
        Ok(())
    }

    fn run(&mut self, line: &str) -> crate::engine::Execution {
        // The terminal moved on while `kubectl edit` waited: its editor
        // was left without saving.
        if let Some(open) = self.kubectl_edit.clone() {
            let _ = self.finish_kubectl_edit(&open.request.text);
            self.kubectl_edit = None;
        }
        let prompt = self.session.prompt();
        let execution = Rc::make_mut(&mut self.session).run(line);
        self.remember(line);
        Rc::make_mut(&mut self.ran).insert(normal_command(line), execution.status);
        if !execution.requests.is_empty() {
            let number = self.next_id;
            let seen = Rc::make_mut(&mut self.seen);
            seen.extend(execution.requests.iter().cloned().map(|mut r| {
                r.line = number;
                r
            }));
            if seen.len() > SEEN_LIMIT {
                let excess = seen.len() - SEEN_LIMIT;
                seen.drain(..excess);
            }
        }
        if execution.file_edit.is_some() {
            self.pending_edit = execution.file_edit.clone();
        }
        if let Some(request) = execution.edit.clone() {
            self.await_kubectl_edit(request);
        }
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
                line: line.to_string(),
                output: execution.output.clone(),
                elapsed_ms: execution.elapsed_ms,
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
        if let Some(trace) = &execution.trace {
            // Told now, while the world still has the rules it met.
            self.story = Some(Rc::new(self.session.story(trace)));
            self.last_trace = Some(Rc::new(trace.clone()));
        }
        self.redraw_topology();
        execution
    }

    /// The picture's world, replaced only when it changed.
    fn redraw_topology(&mut self) {
        let topology = self.session.topology();
        if *self.topology != topology {
            self.topology = Rc::new(topology);
        }
    }

    /// Does one act. `Err` when it cannot apply to this session (a step the
    /// lesson does not have), which ends a replay.
    fn apply(&mut self, act: &Act) -> Result<(), String> {
        match act {
            Act::Run(line) => {
                self.run(line);
            }
            Act::Interrupt(line) => {
                let prompt = self.session.prompt();
                self.push(EntryKind::Interrupted {
                    prompt,
                    line: line.clone(),
                });
            }
            Act::Clear => Rc::make_mut(&mut self.scrollback).clear(),
            Act::Apply { file, text } => {
                self.save(file, text)?;
                self.acted = true;
                let e = self.run(&format!("kubectl apply -f {file}"));
                self.last_apply = Some(Rc::new(ApplyResult {
                    file: file.clone(),
                    status: e.status,
                    output: e.text(),
                }));
            }
            Act::Save { file, text } => {
                self.save(file, text)?;
                self.acted = true;
            }
            Act::Answer { step, quiz, choice } => {
                // The first answer stands: the card asks once.
                Rc::make_mut(&mut self.answers)
                    .entry((*step, *quiz))
                    .or_insert(*choice);
            }
            Act::Wait(ms) => Rc::make_mut(&mut self.session).pass(*ms),
            Act::EditDone(text) => {
                self.finish_kubectl_edit(text)?;
                self.acted = true;
            }
            Act::Goto(n) => {
                let Some(lesson) = self.lesson().cloned() else {
                    return Err("a step in a world without a lesson".into());
                };
                let Some(step) = lesson.steps.get(n.wrapping_sub(1)) else {
                    return Err(format!("the lesson has no step {n}"));
                };
                replay::enter_step(Rc::make_mut(&mut self.session), step);
                self.step = *n;
                // A new step: its goals want the student's own requests.
                self.seen = Rc::default();
                self.ran = Rc::default();
                self.acted = false;
            }
        }
        if matches!(act, Act::Run(_)) {
            self.acted = true;
        }
        Rc::make_mut(&mut self.log).push(act.clone());
        Ok(())
    }

    /// Marks the current step done if it is (see `lesson::done`): every
    /// check passes and every request goal was seen. A step that is so
    /// before the student acted, with nothing to see, was given.
    fn mark_done(&mut self) {
        if self.step == 0 || self.done.contains(&self.step) {
            return;
        }
        let Some(step) = self.current_step() else {
            return;
        };
        let judged = done::judge(&self.session, &step.checks, &self.seen, self.acted);
        self.mark(&judged);
    }

    /// Every quiz of the current step has its answer: a step is not done
    /// while a prediction it asks for is still to be made.
    pub fn quizzes_answered(&self) -> bool {
        self.current_step().is_none_or(|s| {
            (0..s.quizzes.len()).all(|k| self.answers.contains_key(&(self.step, k)))
        })
    }

    fn mark(&mut self, judged: &Judgement) {
        if self.step == 0 || self.done.contains(&self.step) || !self.quizzes_answered() {
            return;
        }
        if judged.done() {
            Rc::make_mut(&mut self.done).insert(self.step);
            if judged.given {
                Rc::make_mut(&mut self.given).insert(self.step);
            }
        }
    }

    /// Re-evaluates the current step's checks and probes, and its files.
    fn refresh(&mut self) {
        let (Some(lesson), Some(step)) = (self.lesson().cloned(), self.current_step().cloned())
        else {
            self.status = Rc::default();
            return;
        };
        let files = crate::ui::files::step_files(&self.session, Some(&lesson), self.step);
        if *files != *self.files {
            self.files = files;
        }
        let values =
            crate::engine::lesson::bind::Values::of(&lesson, &self.session.world().cluster);
        if values != *self.values {
            self.values = Rc::new(values);
        }
        let judged = done::judge(&self.session, &step.checks, &self.seen, self.acted);
        self.mark(&judged);
        let before = match &self.before {
            Some(b) if b.step == self.step => b.clone(),
            _ => {
                let b = Before::of(&lesson, self.step, &step, &self.topology);
                self.before = Some(b.clone());
                b
            }
        };
        let probes = judging::probe_rows(&self.session, &step, &before, &self.values);
        let status = StepStatus {
            checks: judged.checks,
            goals: judged.goals,
            probes,
        };
        if *self.status != status {
            self.status = Rc::new(status);
        }
    }

    /// Saves a file from the editor on the terminal's host.
    fn save(&mut self, file: &str, text: &str) -> Result<(), String> {
        if !valid_file_name(file) {
            return Err(format!("`{file}` is not a file name the editor can save"));
        }
        let host = self.session.current_host().to_string();
        if !Rc::make_mut(&mut self.session).put_file(&host, file, text) {
            return Err(format!("{file} could not be saved on {host}"));
        }
        self.push(EntryKind::Note(format!(
            "[Saved {file} from the editor on {host}.]"
        )));
        Ok(())
    }

    /// An act done live: applied, evaluated, and recorded for saving.
    fn live(&mut self, act: Act) {
        if let Err(problem) = self.apply(&act) {
            self.notice = Some(problem);
            return;
        }
        if let Some(request) = self.pending_edit.take() {
            let id = self.edit.as_ref().map_or(1, |e| e.id + 1);
            self.edit = Some(Rc::new(EditOpen { id, request }));
        }
        self.notice = None;
        if matches!(act, Act::Goto(_)) {
            self.refresh();
        } else {
            // Judged just after: the command's output is drawn first.
            self.stale = true;
        }
        self.revision += 1;
    }

    fn reopen(&self, start_step: usize, acts: Vec<Act>, notice: Option<String>) -> State {
        let mut next = State::open(&Opening {
            scope: self.scope.clone(),
            start_step,
            done: (*self.done).clone(),
            given: (*self.given).clone(),
            acts,
            notice: None,
            note: None,
            shared: self.shared,
            mark_each: None,
            stash: self.stash,
        });
        next.revision = self.revision + 1;
        // Entries keep unique ids across the rebuild, so the view redraws
        // them all and plays none of them out again.
        next.next_id += self.next_id;
        let shift = self.next_id;
        for e in Rc::make_mut(&mut next.scrollback) {
            e.id += shift;
        }
        next.live_from = next.next_id;
        next.edit = self.edit.clone();
        // A `kubectl edit` still waiting opens its editor again.
        if let Some(k) = &mut next.kubectl_edit {
            Rc::make_mut(k).id = self.kubectl_edit.as_ref().map_or(0, |e| e.id) + 1;
        }
        if notice.is_some() {
            next.notice = notice;
        }
        next
    }
}

/// What the editor may save: a plain name in the home directory, or a
/// path (`/home/student/k8s/web.yaml`) of such names.
/// A command line as the text after a console block compares it: its
/// words, one space apart.
pub fn normal_command(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn valid_file_name(name: &str) -> bool {
    let parts = name.strip_prefix('/').unwrap_or(name);
    !parts.is_empty()
        && name.len() <= 255
        && parts.split('/').all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::Run(line) => {
                let mut next = (*self).clone();
                next.live(Act::Run(line));
                next
            }
            Action::Interrupt(line) => {
                let mut next = (*self).clone();
                next.live(Act::Interrupt(line));
                next
            }
            Action::Clear => {
                let mut next = (*self).clone();
                next.live(Act::Clear);
                next
            }
            Action::Apply { file, text } => {
                let mut next = (*self).clone();
                next.live(Act::Apply { file, text });
                next
            }
            Action::Save { file, text } => {
                let mut next = (*self).clone();
                next.live(Act::Save { file, text });
                next
            }
            Action::EditDone(text) => {
                if self.kubectl_edit.is_none() {
                    return self;
                }
                let mut next = (*self).clone();
                next.live(Act::EditDone(text));
                next
            }
            Action::Answer { quiz, choice } => {
                if self.answers.contains_key(&(self.step, quiz)) {
                    return self;
                }
                let mut next = (*self).clone();
                next.live(Act::Answer {
                    step: self.step,
                    quiz,
                    choice,
                });
                next
            }
            Action::Wait(ms) => {
                if ms == 0 {
                    return self;
                }
                let mut next = (*self).clone();
                // Consecutive waits are one.
                if let Some(Act::Wait(prev)) = next.log.last().cloned() {
                    Rc::make_mut(&mut next.log).pop();
                    Rc::make_mut(&mut next.session).pass(ms);
                    Rc::make_mut(&mut next.log).push(Act::Wait(prev.saturating_add(ms)));
                } else {
                    Rc::make_mut(&mut next.session).pass(ms);
                    Rc::make_mut(&mut next.log).push(Act::Wait(ms));
                }
                next.revision += 1;
                next
            }
            Action::Goto(n) => {
                if n == self.step {
                    return self;
                }
                let mut next = (*self).clone();
                next.live(Act::Goto(n));
                next
            }
            Action::Undo => {
                let Some(at) = self.log.iter().rposition(Act::is_command) else {
                    let mut next = (*self).clone();
                    next.notice = Some("Nothing to undo since this step started.".into());
                    return Rc::new(next);
                };
                let mut acts = (*self.log).clone();
                let undone = acts.remove(at);
                let what = match undone {
                    Act::Run(line) => line,
                    Act::Apply { file, .. } => format!("the editor's apply of {file}"),
                    Act::Save { file, .. } => format!("the editor's save of {file}"),
                    Act::EditDone(_) => "the save of kubectl edit's editor".to_string(),
                    _ => String::new(),
                };
                let what = what.lines().next().unwrap_or("").to_string();
                self.reopen(
                    self.start_step,
                    acts,
                    Some(format!("Undid `{what}`: the world is as it was before it.")),
                )
            }
            Action::ResetStep => {
                let step = self.step.max(1);
                let notice = match self.lesson() {
                    Some(_) => format!(
                        "Step {step} was reset: the world is as it is at the start of the step, and the step is to do again."
                    ),
                    None => "The world was reset.".to_string(),
                };
                // The step's marks go with its world.
                let mut cleared = (*self).clone();
                Rc::make_mut(&mut cleared.done).remove(&step);
                Rc::make_mut(&mut cleared.given).remove(&step);
                cleared.reopen(step, vec![], Some(notice))
            }
            Action::Open(opening) => {
                let mut next = State::open(&opening);
                // Ids stay unique across worlds, for the keyed scrollback.
                let shift = self.next_id;
                for e in Rc::make_mut(&mut next.scrollback) {
                    e.id += shift;
                }
                next.next_id += shift;
                next.live_from = next.next_id;
                next.revision = self.revision + 1;
                next
            }
            Action::DismissNotice => {
                let mut next = (*self).clone();
                next.notice = None;
                next
            }
            Action::Refresh => {
                if !self.stale {
                    return self;
                }
                let mut next = (*self).clone();
                next.refresh();
                next.stale = false;
                next.revision += 1;
                next
            }
        };
        Rc::new(next)
    }
}
