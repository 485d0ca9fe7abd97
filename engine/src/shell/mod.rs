//! The student's terminal: a bash-ish command line over the simulated world.
//!
//! [`Session`] is a terminal (the chain of `ssh` logins, the interpreter's
//! state, jobs) over a [`Simulation`] (the world, the one simulated clock,
//! the seeded generator). It is a pure function of its options and the
//! lines run so far, which is what makes replay, undo and shared links
//! exact.

pub mod budget;
mod complete;
mod ctx;
mod curl;
pub(crate) mod dns;
mod forward;
mod http;
mod iproute;
mod iptables;
mod kubectl;
mod lang;
mod netclients;
mod netcmds;
mod nodetools;
mod not_found;
pub mod opts;
mod simulation;
pub mod tabwriter;
mod text;
pub mod time;

// The language's parts, by their short names, for the tools.
use ctx::Ctx;
use lang::{builtins, escapes, interp, lexer, pattern};
use text::fs::{self as files, Fs};

use crate::net::{HostId, Trace};
use crate::time::Millis;
use crate::world::{OptionsError, Topology, World, WorldOptions};
pub use complete::Completion;
pub(crate) use kubectl::format_endpoint_slices;
pub use kubectl::EditRequest;
pub use lexer::{needs_more, split_commands, Chunk, CommandReader, ParseError, Split};
pub use simulation::Simulation;

/// Every command `run_command` dispatches, in name order: what Tab completes
/// and what `help` is about. A test keeps it equal to the dispatch.
pub const COMMANDS: &[&str] = &[
    "alias",
    "awk",
    "bridge",
    "cat",
    "cd",
    "clear",
    "conntrack",
    "cp",
    "curl",
    "cut",
    "date",
    "declare",
    "dig",
    "echo",
    "exit",
    "export",
    "false",
    "grep",
    "head",
    "help",
    "host",
    "hostname",
    "ip",
    "iptables",
    "iptables-save",
    "jobs",
    "kill",
    "kubectl",
    "less",
    "logout",
    "ls",
    "mkdir",
    "more",
    "mv",
    "nano",
    "nc",
    "nslookup",
    "ping",
    "printf",
    "pwd",
    "read",
    "readonly",
    "rm",
    "sed",
    "seq",
    "sleep",
    "sort",
    "ss",
    "ssh",
    "sudo",
    "tail",
    "tee",
    "touch",
    "tr",
    "true",
    "typeset",
    "unalias",
    "uniq",
    "unset",
    "vi",
    "vim",
    "wc",
    "wget",
    "whoami",
];

/// kubectl's verbs the shell runs, in name order: what Tab completes after
/// `kubectl`.
pub const KUBECTL_VERBS: &[&str] = &[
    "api-resources",
    "apply",
    "cluster-info",
    "create",
    "delete",
    "describe",
    "edit",
    "exec",
    "expose",
    "get",
    "label",
    "logs",
    "patch",
    "port-forward",
    "rollout",
    "run",
    "scale",
    "version",
    "wait",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What one command line did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Execution {
    /// Output chunks in the order they were written.
    pub output: Vec<(Stream, String)>,
    /// The exit status of the last command (`$?`).
    pub status: i32,
    /// Simulated time the line took.
    pub elapsed_ms: Millis,
    /// The trace of the last packet probe the line made, if any.
    pub trace: Option<Trace>,
    /// The line ran `clear`.
    pub clear: bool,
    /// The line ran `exit` in the outermost shell.
    pub exit_session: bool,
    /// The requests curl made, in order (at most [`MAX_REQUESTS_KEPT`]):
    /// what a lesson's request goal needs to see the student do.
    pub requests: Vec<RequestMade>,
    /// The line asked for a screen editor on a file (`vi FILE`, `nano
    /// FILE`); a front end with one opens it (see
    /// [`Session::set_screen_editor`]).
    pub file_edit: Option<FileEdit>,
    /// `kubectl edit` asks the page's editor for this object; the saved
    /// text goes to [`Session::finish_edit`].
    pub edit: Option<EditRequest>,
    /// A command still runs in the foreground (`kubectl port-forward`, in a
    /// session with [`Session::set_foreground_jobs`]): no prompt until
    /// Ctrl+C ([`Session::interrupt`]).
    pub running: bool,
    /// Bytes written so far (at most [`budget::MAX_OUTPUT`]).
    bytes: usize,
    /// More than [`budget::MAX_OUTPUT`] was written; the rest was dropped.
    overflowed: bool,
}

/// How many requests one line keeps a record of: a loop of a thousand
/// curls shows its last outcomes, not a thousand records.
pub const MAX_REQUESTS_KEPT: usize = 64;

/// One request curl made: from which host (or pod), to which URL as typed,
/// and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMade {
    pub from: String,
    pub url: String,
    pub observed: Observed,
    /// The pod (or host) whose process answered, if one did.
    pub answered_by: Option<String>,
    /// Which command line made it, counted by whoever keeps the record
    /// (curl leaves 0): a loop's requests are one run.
    pub line: u64,
    /// [`Session::cluster_writes`] when it was made: after a later write
    /// (kubectl apply, delete, patch…) the world may answer otherwise, so
    /// it is no longer evidence of what the world answers.
    pub writes: u64,
}

/// A screen editor asked for: the file (absolute path) on a host, and its
/// text now (`None`: a new file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// `vi`, `vim` or `nano`.
    pub editor: String,
    pub host: String,
    /// The absolute path, e.g. `/home/student/myapp-service.yaml`.
    pub path: String,
    /// The name as typed, e.g. `myapp-service.yaml`.
    pub name: String,
    pub text: Option<String>,
}

impl Execution {
    /// Everything printed, stdout and stderr interleaved as a terminal shows it.
    pub fn text(&self) -> String {
        self.output.iter().map(|(_, s)| s.as_str()).collect()
    }

    /// Takes on what an inner run recorded (a pipeline stage, `sudo`, a
    /// redirected command): its requests and an editor it asked for.
    pub(crate) fn carry(
        &mut self,
        requests: Vec<RequestMade>,
        file_edit: Option<FileEdit>,
        edit: Option<EditRequest>,
    ) {
        for r in requests {
            self.record_request(r);
        }
        if file_edit.is_some() {
            self.file_edit = file_edit;
        }
        if edit.is_some() {
            self.edit = edit;
        }
    }

    fn record_request(&mut self, r: RequestMade) {
        if self.requests.len() >= MAX_REQUESTS_KEPT {
            self.requests.remove(0);
        }
        self.requests.push(r);
    }

    fn out(&mut self, s: impl Into<String>) {
        self.push(Stream::Stdout, s.into());
    }

    fn err(&mut self, s: impl Into<String>) {
        self.push(Stream::Stderr, s.into());
    }

    /// A message about the line's budget: it gets through even when the
    /// output is full, since it says why the output stops.
    pub(in crate::shell) fn limit_err(&mut self, s: String) {
        match self.output.last_mut() {
            Some((Stream::Stderr, text)) => text.push_str(&s),
            _ => self.output.push((Stream::Stderr, s)),
        }
    }

    /// More was written than one line may print; the rest was dropped.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Where the output has got to: a place [`Execution::insert_at`] can
    /// put text later.
    pub(in crate::shell) fn mark(&self) -> (usize, usize) {
        let n = self.output.len();
        (n, self.output.last().map_or(0, |(_, t)| t.len()))
    }

    /// Puts `chunks` where the output was at `mark`, before what was
    /// written since (what a background job wrote to the terminal while a
    /// command ran, ahead of the command's own output).
    pub(in crate::shell) fn insert_at(
        &mut self,
        mark: (usize, usize),
        chunks: Vec<(Stream, String)>,
    ) {
        let (n, len) = mark;
        if n > self.output.len() {
            for (stream, text) in chunks {
                self.push(stream, text);
            }
            return;
        }
        if n > 0 && self.output[n - 1].1.len() > len && self.output[n - 1].1.is_char_boundary(len) {
            let stream = self.output[n - 1].0;
            let tail = self.output[n - 1].1.split_off(len);
            self.output.insert(n, (stream, tail));
        }
        let mut at = n;
        for (stream, text) in chunks {
            if text.is_empty() || self.overflowed || self.bytes + text.len() > budget::MAX_OUTPUT {
                continue;
            }
            self.bytes += text.len();
            self.output.insert(at, (stream, text));
            at += 1;
        }
    }

    /// Keeps what fits in [`budget::MAX_OUTPUT`], and remembers that more
    /// was written: a tool that prints without end cannot exhaust memory.
    fn push(&mut self, stream: Stream, mut s: String) {
        if s.is_empty() || self.overflowed {
            return;
        }
        let room = budget::MAX_OUTPUT - self.bytes;
        if s.len() > room {
            let mut cut = room;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            self.overflowed = true;
            if s.is_empty() {
                return;
            }
        }
        self.bytes += s.len();
        match self.output.last_mut() {
            Some((last, text)) if *last == stream => text.push_str(&s),
            _ => self.output.push((stream, s)),
        }
    }
}

/// What a request ended in, as a lesson sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    Status(u16),
    Refused,
    Timeout,
    /// The connection failed with "No route to host" or "Network is
    /// unreachable": no route, nobody answered ARP, or a router said so.
    Unreachable,
    Unresolved,
    /// Another curl failure (exit code).
    Failed(i32),
}

impl std::fmt::Display for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Observed::Status(200) => f.write_str("200 OK"),
            Observed::Status(c) => write!(f, "HTTP {c}"),
            Observed::Refused => f.write_str("connection refused"),
            Observed::Timeout => f.write_str("timeout"),
            Observed::Unreachable => f.write_str("no route to host"),
            Observed::Unresolved => f.write_str("could not resolve host"),
            Observed::Failed(c) => write!(f, "curl error {c}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOutcome {
    pub observed: Observed,
    pub body: String,
    pub trace: Option<Trace>,
    /// The host whose process answered.
    pub answered_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Session {
    /// The world, the clock and the generator: what the terminal looks at.
    sim: Simulation,
    /// The terminal's own state: logins, the interpreter's, jobs.
    term: Terminal,
}

/// A terminal's own state, apart from the simulation it looks at.
#[derive(Debug, Clone)]
struct Terminal {
    /// The login chain: the laptop first, then each `ssh`.
    logins: Vec<HostId>,
    last_status: i32,
    /// Shell variables, aliases, directories, and the line being run.
    rt: interp::Runtime,
    /// The terminal owns the simulation's loop: before each command the
    /// cluster is stepped up to the clock. The student's terminal does; the
    /// throw-away one a kubelet's command runs in does not (the kubelet is
    /// in the middle of a step).
    drives: bool,
    /// The front end can open a screen editor (the page's): `vi FILE`
    /// asks it to. Without one (`servicelab shell`), the editors say so.
    screen_editor: bool,
    /// `kubectl edit` may open an editor (the page's); see [`Session::set_editor`].
    editor: bool,
    /// A foreground command may keep running until Ctrl+C (the page); see
    /// [`Session::set_foreground_jobs`].
    foreground_jobs: bool,
    /// The port-forward running in the foreground, until [`Session::interrupt`].
    foreground: Option<lang::jobs::Forward>,
}

impl Terminal {
    /// A terminal logged in to `host`, with a fresh shell.
    fn at(host: HostId, drives: bool) -> Terminal {
        Terminal {
            logins: vec![host],
            last_status: 0,
            rt: interp::Runtime::default(),
            drives,
            screen_editor: false,
            editor: false,
            foreground_jobs: false,
            foreground: None,
        }
    }
}

impl Session {
    pub fn new(options: WorldOptions) -> Result<Session, OptionsError> {
        let world = World::new(options)?;
        Ok(Session::from_world(world, options.seed))
    }

    /// A terminal on the laptop of an already built world.
    /// The session's clock starts at 0; the world, built before, is
    /// brought up to it.
    pub fn from_world(world: World, seed: u64) -> Session {
        let laptop = world.laptop();
        let mut s = Session {
            sim: Simulation::new(world, seed),
            term: Terminal::at(laptop, true),
        };
        s.catch_up(None);
        s
    }

    pub fn world(&self) -> &World {
        &self.sim.world
    }

    /// The simulation the terminal looks at: the world, the clock, the
    /// generator.
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// Units of work the last command line used of its budget (for
    /// benchmarks that relate work to time).
    pub fn work_spent(&self) -> u64 {
        budget::MAX_WORK - self.term.rt.budget.work_left()
    }

    /// Says whether the front end opens a screen editor for `vi`, `vim`
    /// and `nano` (the page does; a terminal without a screen does not).
    pub fn set_screen_editor(&mut self, available: bool) {
        self.term.screen_editor = available;
    }

    /// The home directory of the user on the terminal's host
    /// (`/home/student`, `/root`).
    pub fn home_dir(&self) -> String {
        self.home()
    }

    /// A file in the home directory of the terminal's host, by name.
    pub fn home_file(&self, name: &str) -> Option<String> {
        let path = format!("{}/{name}", self.home());
        self.sim
            .world
            .machine(self.here())?
            .files
            .get(&path)
            .cloned()
    }

    /// The names of the files in the home directory of the terminal's host.
    pub fn home_files(&self) -> Vec<String> {
        let home = format!("{}/", self.home());
        let Some(machine) = self.sim.world.machine(self.here()) else {
            return vec![];
        };
        machine
            .files
            .keys()
            .filter_map(|p| p.strip_prefix(&home))
            .filter(|p| !p.contains('/'))
            .map(str::to_string)
            .collect()
    }

    pub fn world_mut(&mut self) -> &mut World {
        &mut self.sim.world
    }

    /// Puts a file on a host (`laptop`, `node01`…), by absolute path or
    /// relative to the user's home.
    pub fn put_file(&mut self, host: &str, path: &str, contents: &str) -> bool {
        let Some(id) = self.sim.world.net.host_id(host) else {
            return false;
        };
        let saved = std::mem::replace(&mut self.term.logins, vec![id]);
        let written = self.write_file(path, contents.to_string());
        self.term.logins = saved;
        written.is_ok()
    }

    /// A file on a host (`laptop`, `node01`…), by absolute path or
    /// relative to the user's home there: what [`Session::put_file`] wrote.
    pub fn file_on(&self, host: &str, path: &str) -> Option<String> {
        let id = self.sim.world.net.host_id(host)?;
        let machine = self.sim.world.machine(id)?;
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            let home = if machine.user == "root" {
                "/root".to_string()
            } else {
                format!("/home/{}", machine.user)
            };
            format!("{home}/{path}")
        };
        machine.files.get(&path).cloned()
    }

    /// A request from `from` (a host or a pod's name) to `url`, made on a copy
    /// of the session so that looking changes nothing. This is how lessons
    /// check outcomes and draw the before/after table.
    pub fn request(&self, from: &str, url: &str) -> Option<RequestOutcome> {
        self.request_as(from, url, None)
    }

    /// [`Session::request`] with another Host header than the URL's (as
    /// `curl -H 'Host: …'` sends it).
    pub fn request_as(&self, from: &str, url: &str, host: Option<&str>) -> Option<RequestOutcome> {
        let mut probe = self.clone();
        probe.settle();
        probe.position_at(from)?;
        Some(curl::get(&mut probe.ctx(), url, host))
    }

    /// Several requests in a row (new connections each, as curl in a loop),
    /// on one copy of the session.
    pub fn requests(&self, from: &str, url: &str, n: usize) -> Option<Vec<RequestOutcome>> {
        let mut probe = self.clone();
        probe.settle();
        probe.position_at(from)?;
        let mut probe = probe.ctx();
        Some((0..n).map(|_| curl::get(&mut probe, url, None)).collect())
    }

    fn position_at(&mut self, from: &str) -> Option<()> {
        let id = self.sim.world.net.host_id(from).filter(|id| {
            let k = self.sim.world.net.host(*id).kind;
            k != crate::net::HostKind::Pod
        });
        let id = id.or_else(|| self.sim.world.pod_host(from))?;
        self.term.logins = vec![id];
        Some(())
    }

    pub fn topology(&self) -> Topology {
        self.sim.world.topology()
    }

    /// Simulated milliseconds since the session started.
    pub fn now(&self) -> Millis {
        self.sim.now
    }

    fn here(&self) -> HostId {
        *self
            .term
            .logins
            .last()
            .expect("the laptop login is never popped")
    }

    /// The name of the host the terminal is on.
    pub fn current_host(&self) -> &str {
        self.sim.host_name(self.here())
    }

    /// The user on the current host.
    pub fn user(&self) -> &str {
        self.sim.user_at(self.here())
    }

    /// The image of the pod the terminal is in.
    fn pod_image(&self) -> Option<String> {
        self.sim.pod_image(self.here())
    }

    /// The terminal is in a pod whose shell and tools are busybox's (ash,
    /// its applets and their messages): busybox, alpine, curlimages/curl.
    pub(in crate::shell) fn in_busybox_pod(&self) -> bool {
        self.sim.busybox_at(self.here())
    }

    /// The login's shell is dash (see [`lang::interp::ShellState::dash`]).
    pub(in crate::shell) fn in_dash(&self) -> bool {
        self.shell_state().is_some_and(|s| s.dash)
    }

    /// The prompt bash shows, e.g. `student@laptop:~$ `, or
    /// `root@myapp-pod:/# ` inside a pod.
    pub fn prompt(&self) -> String {
        let user = self.user();
        let sigil = if user == "root" { '#' } else { '$' };
        if self.in_dash() {
            // dash's default PS1: the sigil alone.
            return format!("{sigil} ");
        }
        let dir = self.prompt_dir();
        if self.in_busybox_pod() {
            // busybox ash's default prompt: the directory and the sigil
            // (`/ # ` in busybox, `~ $ ` in curlimages/curl).
            return format!("{dir} {sigil} ");
        }
        format!("{user}@{}:{dir}{sigil} ", self.current_host())
    }

    /// Writes made to the cluster through its API server so far (kubectl,
    /// a lesson's setup; not the controllers'): a request seen before a
    /// write is not evidence of what the world answers after it.
    pub fn cluster_writes(&self) -> u64 {
        self.sim.world.cluster.writes_from_outside()
    }

    /// The namespace of the pod the terminal is in, if it is in one.
    pub fn current_pod_namespace(&self) -> Option<String> {
        self.sim.pod_namespace(self.here())
    }

    /// What a tool that touches the world may touch (see [`ctx`]): the
    /// simulation, this host, the line's budget, and what it reads of the
    /// terminal.
    pub(in crate::shell) fn ctx(&mut self) -> Ctx<'_> {
        let here = self.here();
        let Terminal {
            logins,
            rt,
            foreground,
            ..
        } = &mut self.term;
        Ctx {
            sim: &mut self.sim,
            here,
            shell: rt.shells.get(logins.len().saturating_sub(1)),
            root: rt.root,
            tty: rt.tty,
            budget: &mut rt.budget,
            limit_message: &mut rt.limit_message,
            read_work: &rt.read_work,
            forwards: lang::jobs::Forwards::new(here, &mut rt.jobs, foreground),
            terminal: &mut rt.terminal,
        }
    }

    /// `kubectl exec -it POD -- bash`: the terminal moves into the pod,
    /// in the shell `program` names. In an image whose shell is not
    /// busybox's, `sh` is dash (Debian's `/bin/sh`), anything else bash.
    fn enter_host(&mut self, host: HostId, program: &str) {
        self.term.logins.push(host);
        let sh = matches!(program.rsplit('/').next(), Some("sh"));
        let dash = sh && !self.in_busybox_pod();
        self.shell_state_mut().dash = dash;
    }

    /// Runs one command given as words, outside any line (for tests).
    #[cfg(test)]
    fn run_words(&mut self, words: &[&str]) -> Execution {
        let mut exec = Execution::default();
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        exec.status = self.run_command(&words, None, &mut exec);
        exec
    }

    /// Runs already-split words on another host (`kubectl exec POD -- cmd`).
    fn run_words_in(&mut self, host: HostId, words: &[String], exec: &mut Execution) -> i32 {
        let depth = self.term.logins.len();
        self.term.logins.push(host);
        let code = self.run_command(words, None, exec);
        // Whatever the command did to the logins, the caller's stay.
        self.term.logins.truncate(depth.max(1));
        code
    }

    /// Runs a command line on another host (`kubectl exec POD -- sh -c '…'`).
    fn run_line_in(&mut self, host: HostId, line: &str, exec: &mut Execution) -> i32 {
        let depth = self.term.logins.len();
        self.term.logins.push(host);
        let inner = self.run(line);
        self.term.logins.truncate(depth.max(1));
        for (stream, text) in inner.output {
            exec.push(stream, text);
        }
        if inner.trace.is_some() {
            exec.trace = inner.trace;
        }
        exec.carry(inner.requests, inner.file_edit, inner.edit);
        inner.status
    }

    /// Runs a command text: one line, or several joined with `\n` when a
    /// terminal collected continuation lines (a here-document, an open quote,
    /// a line ending in `\\`, `|`, `&&` or `||`) while [`Session::needs_more`]
    /// said so. Bash's syntax: pipelines, redirections, here-documents,
    /// variables, `$(…)`, `for` loops; see [`interp`].
    pub fn run(&mut self, text: &str) -> Execution {
        self.run_text(text)
    }

    /// Whether bash would show its `> ` continuation prompt after `input`
    /// (the lines so far, joined with `\n`) instead of running it: a
    /// here-document is still open, or a quote, `$(` or `for … done`, or
    /// the text ends in `\\`, `|`, `&&` or `||`. A terminal keeps reading
    /// lines until this is false, then calls [`Session::run`] with them all.
    pub fn needs_more(&self, input: &str) -> bool {
        needs_more(input)
    }

    /// Runs one command, already expanded: `words[0]` is its name. This is
    /// the one dispatch, and every command follows its convention:
    ///
    /// - `stdin` is the command's standard input: `Some(text)` from a pipe, a
    ///   `<` redirection, a here-document or a here-string (`kubectl apply -f -`
    ///   reads it); `None` when it is the terminal (nothing to read: treat it
    ///   as empty and never wait).
    /// - Write with `exec.out(…)` (stdout) and `exec.err(…)` (stderr) only, in
    ///   the order the real tool writes. The caller decides where each stream
    ///   goes: the terminal, a file (`>`, `2>&1`…), the next command of a
    ///   pipeline, or a `$(…)`.
    /// - Return the exit status; set `exec.trace` after a packet probe; move
    ///   simulated time with `self.advance(ms)`.
    /// - The text tools ([`text`]) get a narrow context instead of the
    ///   session: their input, their output, the host's files, the clock
    ///   and the budget. The tools that touch the world get a [`Ctx`]: the
    ///   simulation, the host, the budget, and what they read of the
    ///   terminal. Only what enters hosts, drives the simulation's loop or
    ///   changes the shell (`ssh`, `exit`, `kubectl exec`, `wait`, `rollout
    ///   status`, `run -it`, `port-forward`, `edit`, `jobs`, the builtins)
    ///   takes the session.
    // Every tool's entry point is `#[inline(never)]`: inlined, they made this
    // one 86 KB wasm function, which the browser compiles whole on the first
    // command (8 ms for `hostname`). Apart, each tool compiles on first use.
    fn run_command(&mut self, words: &[String], stdin: Option<&str>, exec: &mut Execution) -> i32 {
        let Some(name) = words.first() else {
            return self.term.last_status;
        };
        // What time the line has taken so far, the cluster has lived too.
        self.catch_up(Some(exec));
        let args = &words[1..];
        match name.as_str() {
            "curl" => curl::run(&mut self.ctx(), args, exec),
            "iptables" => iptables::iptables(&self.ctx(), args, exec),
            "iptables-save" => iptables::save(&self.ctx(), args, exec),
            "sudo" => iptables::sudo(self, args, stdin, exec),
            "kubectl" | "k" => kubectl::run(self, args, stdin, exec),
            "nslookup" | "dig" | "host" | "wget" | "nc" | "conntrack" | "ss"
                if !self.image_has(name) =>
            {
                self.not_in_image(name, exec)
            }
            "wget" => netclients::wget(&mut self.ctx(), args, exec),
            "nc" => netclients::nc(&mut self.ctx(), args, exec),
            "conntrack" => self.host_tool(name, args, exec, nodetools::conntrack),
            "ss" => nodetools::ss(self, args, exec),
            "nslookup" => dns::nslookup(&mut self.ctx(), args, exec),
            "dig" => dns::dig(&mut self.ctx(), args, exec),
            "host" => dns::host(&mut self.ctx(), args, exec),
            "ssh" => netcmds::ssh(self, args, exec),
            "exit" | "logout" => self.exit(args, exec),
            "hostname" => netcmds::hostname(&mut self.ctx(), args, exec),
            "ip" => iproute::ip(&self.ctx(), args, exec),
            "bridge" => iproute::bridge(&self.ctx(), args, exec),
            "ping" => netcmds::ping(&mut self.ctx(), args, exec),
            "clear" => {
                // What was printed before `clear` on the same line is gone from the screen.
                exec.output.clear();
                exec.clear = true;
                0
            }
            "help" => {
                exec.out(HELP);
                0
            }
            "printf" if args.first().is_some_and(|a| a == "-v") => {
                self.printf_to_var(args, stdin, exec)
            }
            "export" | "declare" | "typeset" | "readonly" => {
                builtins::export(self, name, args, exec)
            }
            "unset" => builtins::unset(self, args, stdin, exec),
            "read" => builtins::read(self, args, stdin, exec),
            "alias" => builtins::alias(self, args, stdin, exec),
            "unalias" => builtins::unalias(self, args, stdin, exec),
            "cd" => builtins::cd(self, args, stdin, exec),
            "pwd" => builtins::pwd(self, args, stdin, exec),
            ":" => 0,
            "true" => 0,
            "false" => 1,
            "whoami" => {
                exec.out(format!("{}\n", self.user()));
                0
            }
            "vi" | "vim" | "nano" => self.screen_edit(name, args, exec),
            "jobs" => lang::jobs::jobs(self, args, exec),
            "kill" => lang::jobs::kill(self, args, exec),
            _ => match text::find(name) {
                Some(run) => self.run_text_tool(run, name, args, stdin, exec),
                None => self.command_not_found(name, exec),
            },
        }
    }

    /// Runs a text tool with only what it may touch (see [`text`]).
    fn run_text_tool(
        &mut self,
        run: text::Run,
        name: &str,
        args: &[String],
        stdin: Option<&str>,
        exec: &mut Execution,
    ) -> i32 {
        let tty = self.term.rt.tty;
        let busybox = self.in_busybox_pod();
        let here = self.here();
        let cwd = self.cwd();
        let (fs, clock) = self.sim.files_at(here, cwd, self.term.rt.root);
        let budget = &mut self.term.rt.budget;
        let mut cx = text::Tool {
            name,
            stdin,
            out: exec,
            fs,
            budget,
            clock,
            tty,
            busybox,
        };
        run(&mut cx, args)
    }

    /// The files of the current host, as the current user sees them.
    pub(in crate::shell) fn fs(&mut self) -> Fs<'_> {
        let here = self.here();
        let cwd = self.cwd();
        self.sim.files_at(here, cwd, self.term.rt.root).0
    }

    /// `printf -v VAR FORMAT…`: bash's printf, into a variable.
    fn printf_to_var(&mut self, args: &[String], stdin: Option<&str>, exec: &mut Execution) -> i32 {
        const USAGE: &str = "printf: usage: printf [-v var] format [arguments]\n";
        let Some(var) = args.get(1) else {
            exec.err("bash: printf: -v: option requires an argument\n");
            exec.err(USAGE);
            return 2;
        };
        if !lexer::is_name(var) {
            exec.err(format!("bash: printf: `{var}': not a valid identifier\n"));
            return 2;
        }
        let mut sink = Execution::default();
        let words: Vec<String> = std::iter::once("printf".to_string())
            .chain(args[2..].iter().cloned())
            .collect();
        let status = self.run_command(&words, stdin, &mut sink);
        let mut value = String::new();
        for (stream, text) in sink.output {
            match stream {
                Stream::Stdout => value.push_str(&text),
                Stream::Stderr => exec.push(stream, text),
            }
        }
        if !self.set_var(var, value, exec) {
            return 1;
        }
        status
    }

    /// A tool the nodes have but the laptop does not (`conntrack`, which
    /// kubeadm's nodes install): on the laptop, bash does not find it.
    fn host_tool(
        &mut self,
        name: &str,
        args: &[String],
        exec: &mut Execution,
        run: fn(&mut Ctx, &[String], &mut Execution) -> i32,
    ) -> i32 {
        let kind = self.sim.world.net.host(self.here()).kind;
        if kind == crate::net::HostKind::Laptop {
            return self.command_not_found(name, exec);
        }
        run(&mut self.ctx(), args, exec)
    }

    /// bash found no `name`: on the laptop and the nodes (Ubuntu 24.04)
    /// its `command_not_found_handle` asks command-not-found, which
    /// suggests a package or a spelling; a container's shell just says so.
    fn command_not_found(&mut self, name: &str, exec: &mut Execution) -> i32 {
        let kind = self.sim.world.net.host(self.here()).kind;
        let ubuntu = matches!(
            kind,
            crate::net::HostKind::Laptop | crate::net::HostKind::Node
        ) && self.current_pod_namespace().is_none()
            // sudo runs the program itself, without bash's handle (it
            // says `sudo: NAME: command not found`).
            && !self.term.rt.root;
        let host = not_found::Host {
            // kubeadm's nodes have conntrack; the laptop does not.
            installed: if kind == crate::net::HostKind::Laptop {
                |p| p != "conntrack"
            } else {
                |_| true
            },
            can_sudo: true,
            root: self.user() == "root",
        };
        match ubuntu.then(|| not_found::advise(name, &host)).flatten() {
            Some(text) => exec.err(text),
            None => exec.err(format!("bash: {name}: command not found\n")),
        }
        127
    }

    /// Whether the program exists where the terminal is: everything on the
    /// laptop and the nodes; in a pod, what its image ships.
    fn image_has(&self, program: &str) -> bool {
        match self.pod_image() {
            Some(image) => crate::cluster::images::has_command(&image, program),
            None => true,
        }
    }

    /// The shell's answer to a program the image does not have: busybox's
    /// `sh` or bash, as the image's shell words it.
    fn not_in_image(&self, program: &str, exec: &mut Execution) -> i32 {
        let image = self.pod_image().unwrap_or_default();
        if crate::cluster::images::has_command(&image, "bash") {
            exec.err(format!("bash: {program}: command not found\n"));
        } else {
            exec.err(format!("sh: {program}: not found\n"));
        }
        127
    }

    /// `vi FILE`, `vim FILE`, `nano FILE`: the front end's editor on that
    /// file, when it has one; else a message that says what to do instead.
    fn screen_edit(&mut self, editor: &str, args: &[String], exec: &mut Execution) -> i32 {
        if self.current_pod_namespace().is_some() || self.sim.world.machine(self.here()).is_none() {
            // Container images of the course ship no editor.
            exec.err(format!("bash: {editor}: command not found\n"));
            return 127;
        }
        let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        if !self.term.screen_editor {
            exec.err(format!(
                "{editor}: servicelab shell has no screen to edit on. In the browser, {editor} FILE opens the page's editor on FILE.\nHere, write a file with a here-document:  cat > FILE <<'EOF'  then its lines, then EOF.\n"
            ));
            return 1;
        }
        let Some(name) = files.first() else {
            exec.err(format!(
                "{editor}: name the file to edit, e.g. {editor} myapp-service.yaml\n"
            ));
            return 1;
        };
        let path = self.abs_path(name);
        let text = self.fs().read_path(name).ok();
        exec.file_edit = Some(FileEdit {
            editor: editor.to_string(),
            host: self.current_host().to_string(),
            path,
            name: name.to_string(),
            text,
        });
        0
    }

    fn exit(&mut self, args: &[String], exec: &mut Execution) -> i32 {
        let code = args
            .first()
            .and_then(|a| a.parse::<i32>().ok())
            .unwrap_or(0);
        if self.term.rt.subshell > 0 {
            // In a pipeline stage, `$(…)` or `sh -c`: only that shell ends.
            exec.exit_session = true;
            return code;
        }
        if self.current_pod_namespace().is_some() && self.term.logins.len() > 1 {
            // Leaving `kubectl exec -it … -- bash`: bash says `exit`;
            // busybox's ash and dash leave without a word.
            if !self.in_busybox_pod() && !self.in_dash() {
                exec.out("exit\n");
            }
            let depth = self.term.logins.len();
            self.term.logins.pop();
            self.term.rt.shells.truncate(self.term.logins.len());
            // Leaving the shell `kubectl run -it` attached to.
            if let Some(i) = self.term.rt.attached.iter().position(|a| a.depth == depth) {
                let a = self.term.rt.attached.remove(i);
                kubectl::attached_shell_ended(&mut self.ctx(), &a, code, exec);
            }
            return code;
        }
        exec.out("logout\n");
        if self.term.logins.len() > 1 {
            let left = self.current_host().to_string();
            self.term.logins.pop();
            self.term.rt.shells.truncate(self.term.logins.len());
            exec.out(format!("Connection to {left} closed.\n"));
        } else {
            exec.exit_session = true;
        }
        code
    }

    /// The home directory of the current user.
    fn home(&self) -> String {
        self.sim.home_at(self.here())
    }

    /// The current directory of the shell on this host: the home directory
    /// at login, `/` in a container.
    pub(super) fn cwd(&self) -> String {
        self.sim.cwd_at(self.here(), self.shell_state())
    }

    /// An absolute path for `path` as typed on the current host.
    fn abs_path(&mut self, path: &str) -> String {
        self.fs().abs_path(path)
    }

    fn write_file(&mut self, path: &str, contents: String) -> Result<(), files::FsError> {
        let mut fs = self.fs();
        let abs = fs.abs_path(path);
        fs.store(&abs, contents)
    }

    fn advance(&mut self, ms: Millis) {
        self.sim.advance(ms);
    }
}

const HELP: &str = "\
Commands on this terminal:
  curl [-sSvIi] [-o FILE] [-w FMT] [-m SECS] [--connect-timeout SECS] URL
                      make an HTTP request from this host
  ssh HOST            log in to a node (node01, ...); exit to come back
  exit                leave the current ssh session
  hostname            print this host's name
  ip addr | ip route  show this host's addresses and routing table
  ip neigh | ip -br addr   the ARP table; one line per interface
  ip -d link show flannel.1 | bridge fdb show dev flannel.1   the vxlan device
  ping -c N HOST      send N ICMP echo requests
  vi FILE, nano FILE  edit a file (in the browser: the page's editor)
  nc -zv HOST PORT    open a TCP connection and close it (a port check)
  wget -qO- URL       busybox's HTTP client, in busybox-based pods
  ss -tlnp            the sockets listening on this host
  sudo conntrack -L [-p tcp --dport N]   a node's connection table
  kubectl ...         get, describe, logs, get events, wait, rollout,
                      patch, edit, port-forward, run, exec, apply, ...
  CMD &, jobs, kill %N    run in the background (a port-forward), list, stop
  clear               clear the screen (Ctrl+L)
  help                this list
  cat ls rm touch mkdir cp mv cd pwd    files on this host
  grep head tail wc sort uniq cut tr tee   filters for pipelines
  awk sed             GNU awk and sed, the POSIX core a tutorial uses
  echo printf seq sleep date export alias  shell builtins and helpers
Lines can be joined with ;, &&, || and |; redirect with >, >>, 2>&1 and <;
here-documents (cat <<EOF), $VAR, $(command) and for loops work as in bash.
Up and Down recall history.
";
