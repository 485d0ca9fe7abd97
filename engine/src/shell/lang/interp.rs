//! Runs a parsed [`Script`] against the session, as bash would: expansion
//! (parameters, `$(…)`, `$((…))`, `~`, word splitting, globs), redirections,
//! pipelines, `&&`/`||` lists, `for` loops, variables and aliases.
//!
//! # Where output goes
//!
//! Every command writes into an [`Execution`] (its *sink*) with
//! `exec.out`/`exec.err` and never decides where the text ends up. The
//! plumbing here gives each command a sink and then routes what it wrote:
//!
//! - a lone command writes straight into the caller's sink (the terminal);
//! - with redirections it writes into a fresh sink, whose stdout and stderr
//!   chunks then go, in order, to the terminal, a file, or nowhere
//!   (`/dev/null`), following `>`, `>>`, `2>&1`, `&>` left to right;
//! - in a pipeline, each stage but the last writes into a fresh sink whose
//!   stdout becomes the next stage's stdin; stderr still reaches the
//!   terminal;
//! - `$(…)` captures stdout the same way (trailing newlines removed).
//!
//! Pipeline stages and `$(…)` run in a subshell, as in bash: variables,
//! `cd` and `ssh` made there do not outlive it, and `exit` only leaves it.
//! Effects on the world (files written, objects applied) do.

use super::arith;
use super::braces;
use super::lexer::{
    self, expansions, is_name, AndOr, AndOrOp, Command, ForLoop, Part, Pipeline, Redir, RedirOp,
    Script, Simple, Word,
};
use super::pattern::Glob;
use crate::net::HostId;
use crate::shell::budget::{self, Budget, Limit};
use crate::shell::{Execution, Session, Stream};
use std::collections::BTreeMap;

/// What one shell (one login on one host) remembers. Variables and aliases
/// change only through its methods, which keep their size in
/// [`budget::MAX_VARIABLES`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::shell) struct ShellState {
    vars: BTreeMap<String, String>,
    aliases: BTreeMap<String, String>,
    /// Bytes of the names and values above.
    bytes: usize,
    /// `None`: the home directory.
    pub cwd: Option<String>,
    pub oldpwd: Option<String>,
    /// This login's shell is dash, Debian's `/bin/sh` (`kubectl exec -it
    /// POD -- sh` in a Debian image): its prompt is `# `, `$0` is `sh`,
    /// and `exit` leaves without a word.
    pub dash: bool,
}

impl ShellState {
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    pub fn aliases(&self) -> &BTreeMap<String, String> {
        &self.aliases
    }

    fn store(
        map: &mut BTreeMap<String, String>,
        bytes: &mut usize,
        name: &str,
        value: String,
    ) -> Result<(), Limit> {
        let old = map.get(name).map_or(0, |v| name.len() + v.len());
        let total = *bytes - old + name.len() + value.len();
        if total > budget::MAX_VARIABLES {
            return Err(Limit::Variables);
        }
        *bytes = total;
        map.insert(name.to_string(), value);
        Ok(())
    }

    fn forget(map: &mut BTreeMap<String, String>, bytes: &mut usize, name: &str) -> bool {
        match map.remove(name) {
            Some(v) => {
                *bytes -= name.len() + v.len();
                true
            }
            None => false,
        }
    }

    pub fn set_var(&mut self, name: &str, value: String) -> Result<(), Limit> {
        Self::store(&mut self.vars, &mut self.bytes, name, value)
    }

    pub fn unset_var(&mut self, name: &str) {
        Self::forget(&mut self.vars, &mut self.bytes, name);
    }

    pub fn set_alias(&mut self, name: &str, value: String) -> Result<(), Limit> {
        Self::store(&mut self.aliases, &mut self.bytes, name, value)
    }

    /// Whether there was such an alias.
    pub fn unalias(&mut self, name: &str) -> bool {
        Self::forget(&mut self.aliases, &mut self.bytes, name)
    }

    pub fn clear_aliases(&mut self) {
        let names: Vec<String> = self.aliases.keys().cloned().collect();
        for n in names {
            self.unalias(&n);
        }
    }

    /// Bytes a copy of this shell holds (what a subshell copies).
    pub fn size(&self) -> usize {
        self.bytes
    }
}

/// The shell's own state in a [`Session`]: one [`ShellState`] per login,
/// and the bookkeeping of the line being run.
#[derive(Debug, Clone, Default)]
pub(in crate::shell) struct Runtime {
    /// Parallel to the login chain (created when first needed).
    pub shells: Vec<ShellState>,
    /// Physical lines read so far (bash numbers here-document warnings by it).
    pub lines_read: usize,
    /// Inside a pipeline stage, `$(…)` or a nested `sh -c`.
    pub subshell: u32,
    /// `run` calls in progress (a `kubectl exec … sh -c` runs one inside another).
    pub running: u32,
    /// What the line being run may still consume.
    pub budget: Budget,
    /// The running command's stdout is the terminal.
    pub tty: bool,
    /// The status of the last `$(…)` of the current command.
    pub subst_status: Option<i32>,
    /// A command runs under `sudo`: file permissions are root's.
    pub root: bool,
    /// The job the command being run belongs to (`cmd &`).
    pub background: Option<u32>,
    /// The jobs started with `&` that bash still knows of.
    pub jobs: Vec<super::jobs::Job>,
    /// The last process id handed out.
    pub next_pid: u32,
    /// Shells `kubectl run -it` attached to, by login depth.
    pub attached: Vec<Attached>,
    /// `NAME=value command`: what the running command's environment adds.
    pub command_env: Vec<(String, String)>,
    /// What background jobs wrote to the terminal while the line ran (a
    /// port-forward's `Handling connection for N`): not the command's
    /// output, so no pipe or redirection takes it.
    pub terminal: Vec<(super::super::Stream, String)>,
    /// `exec_script` calls in progress (the outermost writes to the terminal).
    pub script_depth: u32,
    /// The cluster's [`crate::cluster::Cluster::work_done`] the line has
    /// paid for so far (what happened between lines is nobody's).
    pub cluster_work_charged: u64,
    /// Work of reads that see the session only (`kubectl get` turning every
    /// object into its API form), paid for after the command.
    pub read_work: std::cell::Cell<u64>,
    /// The limit's message, once the line ran into one: it reaches the
    /// terminal even when the command's stderr went elsewhere (`2>/dev/null`).
    pub limit_message: Option<String>,
}

/// A pod's shell the terminal is attached to by `kubectl run -it`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::shell) struct Attached {
    pub depth: usize,
    pub pod: crate::cluster::Key,
    /// `--rm`: delete the pod when the shell ends.
    pub remove: bool,
}

/// Where a descriptor writes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dest {
    /// The enclosing sink's stdout.
    Out,
    /// The enclosing sink's stderr.
    Err,
    File(String),
    Null,
}

struct Fds {
    stdin: Option<String>,
    out: Dest,
    err: Dest,
}

impl Fds {
    fn set(&mut self, fd: u32, dest: Dest) {
        match fd {
            1 => self.out = dest,
            2 => self.err = dest,
            // Other descriptors are opened (files created) but nothing writes to them.
            _ => {}
        }
    }
}

/// What a subshell may change and must give back.
pub(in crate::shell) struct Saved {
    shells: Vec<ShellState>,
    logins: Vec<HostId>,
    tty: bool,
}

/// Moves a sub-sink's output into `out` (stdout into `capture` if given) and
/// carries its trace and flags. A subshell's `exit` ends only the subshell.
fn merge(out: &mut Execution, sub: Execution, mut capture: Option<&mut String>, subshell: bool) {
    for (stream, text) in sub.output {
        match (stream, capture.as_deref_mut()) {
            (Stream::Stdout, Some(buf)) => buf.push_str(&text),
            (s, _) => out.push(s, text),
        }
    }
    if sub.trace.is_some() {
        out.trace = sub.trace;
    }
    out.carry(sub.requests, sub.file_edit, sub.edit);
    out.overflowed |= sub.overflowed;
    out.clear |= sub.clear;
    if !subshell {
        out.exit_session |= sub.exit_session;
    }
}

/// Words being split into fields. `pattern` is the field with quoted glob
/// characters escaped, for pathname expansion.
#[derive(Default)]
struct Fields {
    done: Vec<Field>,
    cur: Field,
    started: bool,
    /// Bytes of text in all the fields.
    bytes: usize,
}

#[derive(Default)]
struct Field {
    text: String,
    pattern: String,
    glob: bool,
}

impl Fields {
    fn unquoted(&mut self, s: &str) {
        self.bytes += s.len();
        if s.is_empty() {
            return;
        }
        self.cur.text.push_str(s);
        escape_into(&mut self.cur.pattern, s, &['\\']);
        self.cur.glob |= s.contains(['*', '?', '[']);
        self.started = true;
    }

    fn quoted(&mut self, s: &str) {
        self.bytes += s.len();
        self.cur.text.push_str(s);
        escape_into(&mut self.cur.pattern, s, &['*', '?', '[', '\\']);
        self.started = true;
    }

    /// An unquoted expansion: split on blanks and newlines.
    fn split(&mut self, s: &str) {
        let mut runs = s.split([' ', '\t', '\n']);
        if let Some(first) = runs.next() {
            self.unquoted(first);
        }
        for run in runs {
            self.end();
            self.unquoted(run);
        }
    }

    fn end(&mut self) {
        if self.started {
            self.done.push(std::mem::take(&mut self.cur));
            self.started = false;
        }
    }

    /// Whether the fields so far are within one command's budget.
    fn within(&self) -> Result<(), Limit> {
        if self.bytes > budget::MAX_VALUE {
            Err(Limit::Value)
        } else if self.done.len() > budget::MAX_WORDS {
            Err(Limit::Words)
        } else {
            Ok(())
        }
    }
}

/// Appends `s` to `out` with a backslash before each of `special`, a run
/// of plain text at a time.
fn escape_into(out: &mut String, s: &str, special: &[char]) {
    let mut rest = s;
    while let Some(i) = rest.find(special) {
        out.push_str(&rest[..i]);
        out.push('\\');
        let c = rest[i..].chars().next().unwrap_or('\\');
        out.push(c);
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
}

/// Longest/shortest prefix or suffix removal for `${v#p}`, `${v%%p}`, …,
/// in one pass of the glob over the value (reversed, for a suffix).
fn trim_pattern(
    v: &str,
    pat: &str,
    suffix: bool,
    longest: bool,
    budget: &mut Budget,
) -> Result<String, Limit> {
    let mut glob = Glob::new(pat);
    // A literal pattern (`${f%.yaml}`) has one match or none: no walk of
    // the value, whose copy is charged as any expansion's.
    if let Some(lit) = glob.literal() {
        let cut = if suffix {
            v.strip_suffix(lit.as_str())
        } else {
            v.strip_prefix(lit.as_str())
        };
        return Ok(cut.unwrap_or(v).to_string());
    }
    // Read as characters: a step of work for each.
    budget.work(v.len() as u64)?;
    let mut chars: Vec<char> = v.chars().collect();
    if suffix {
        chars.reverse();
        glob = glob.reversed();
    }
    let (ends, steps) = glob
        .match_ends(&chars, 0, budget.work_left())
        .ok_or_else(|| budget.exhaust(Limit::Work))?;
    budget.work(steps)?;
    let cut = if longest { ends.last() } else { ends.first() };
    let Some(&cut) = cut else {
        return Ok(v.to_string());
    };
    Ok(if suffix {
        chars[cut..].iter().rev().collect()
    } else {
        chars[cut..].iter().collect()
    })
}

/// `${v/pat/rep}` (first) and `${v//pat/rep}` (all): leftmost, longest,
/// never empty. The result stays within one value's budget.
fn replace_pattern(
    v: &str,
    pat: &str,
    rep: &str,
    all: bool,
    budget: &mut Budget,
) -> Result<String, Limit> {
    if pat.is_empty() {
        return Ok(v.to_string());
    }
    let glob = Glob::new(pat);
    if let Some(lit) = glob.literal().filter(|l| !l.is_empty()) {
        let count = if all {
            v.matches(lit.as_str()).count()
        } else {
            usize::from(v.contains(lit.as_str()))
        };
        Budget::value(v.len() - count * lit.len() + count.saturating_mul(rep.len()))?;
        // Counting, then copying with the replacements.
        budget.work(v.len() as u64 * 4)?;
        return Ok(if all {
            v.replace(lit.as_str(), rep)
        } else {
            v.replacen(lit.as_str(), rep, 1)
        });
    }
    let chars: Vec<char> = v.chars().collect();
    let mut out = String::new();
    let mut k = 0;
    let mut replaced = false;
    while k < chars.len() {
        let hit = if replaced && !all {
            None
        } else {
            let (ends, steps) = glob
                .match_ends(&chars, k, budget.work_left())
                .ok_or_else(|| budget.exhaust(Limit::Work))?;
            budget.work(steps)?;
            ends.last().copied().filter(|&e| e > k)
        };
        match hit {
            Some(e) => {
                out.push_str(rep);
                k = e;
                replaced = true;
            }
            None => {
                out.push(chars[k]);
                k += 1;
            }
        }
        Budget::value(out.len())?;
    }
    Ok(out)
}

impl Session {
    // ---- shell state ------------------------------------------------------

    /// The state of the shell on the current login, if it has any yet.
    pub(in crate::shell) fn shell_state(&self) -> Option<&ShellState> {
        self.term
            .rt
            .shells
            .get(self.term.logins.len().saturating_sub(1))
    }

    pub(in crate::shell) fn shell_state_mut(&mut self) -> &mut ShellState {
        let n = self.term.logins.len().max(1);
        self.term.rt.shells.truncate(n);
        while self.term.rt.shells.len() < n {
            self.term.rt.shells.push(ShellState::default());
        }
        &mut self.term.rt.shells[n - 1]
    }

    /// Sets a variable of the current shell; false (the message printed, the
    /// line stopped) when the shell's variables would outgrow their budget.
    pub(in crate::shell) fn set_var(
        &mut self,
        name: &str,
        value: String,
        out: &mut Execution,
    ) -> bool {
        match self.shell_state_mut().set_var(name, value) {
            Ok(()) => true,
            Err(limit) => {
                self.over(limit, &format!("bash: {name}"), out);
                false
            }
        }
    }

    /// Stops the line: it ran into `limit`. The message, prefixed with
    /// `context` (`bash: x`, `seq`), is printed once a line.
    pub(in crate::shell) fn over(&mut self, limit: Limit, context: &str, out: &mut Execution) {
        self.ctx().over(limit, context, out);
    }

    /// Counts one simulated connection or probe against the line's budget;
    /// false (the message printed, the line stopped) when none is left.
    pub(in crate::shell) fn spend_packet(&mut self, tool: &str, out: &mut Execution) -> bool {
        self.ctx().spend_packet(tool, out)
    }

    /// Charges the line for the work the cluster did since it was last
    /// charged; false (the line stopped) when the budget ran out.
    pub(in crate::shell) fn charge_cluster(&mut self, out: &mut Execution) -> bool {
        let done = self.sim.world.cluster.work_done();
        let units = done.saturating_sub(self.term.rt.cluster_work_charged);
        self.term.rt.cluster_work_charged = done;
        let read = self.term.rt.read_work.take();
        self.charge(units.saturating_add(read), out)
    }

    /// Charges `units` of work; false (the line stopped) when none is left.
    pub(in crate::shell) fn charge(&mut self, units: u64, out: &mut Execution) -> bool {
        self.ctx().charge(units, out)
    }

    /// Runs one command with root's file permissions (`sudo tee /etc/hosts`).
    pub(in crate::shell) fn run_as_root(
        &mut self,
        words: &[String],
        stdin: Option<&str>,
        exec: &mut Execution,
    ) -> i32 {
        let was = self.term.rt.root;
        self.term.rt.root = true;
        let status = self.run_command(words, stdin, exec);
        self.term.rt.root = was;
        status
    }

    fn var(&mut self, name: &str) -> Option<String> {
        match name {
            "?" => return Some(self.term.last_status.to_string()),
            "$" => return Some((2400 + 17 * self.term.logins.len()).to_string()),
            "#" => return Some("0".into()),
            "0" => {
                let sh = self.in_busybox_pod() || self.in_dash();
                return Some(if sh { "sh" } else { "bash" }.into());
            }
            "-" => return Some("himBHs".into()),
            "RANDOM" => return Some(self.sim.rng.range_inclusive(0, 32767).to_string()),
            n if n.chars().all(|c| c.is_ascii_digit()) || matches!(n, "@" | "*" | "!") => {
                return None
            }
            _ => {}
        }
        if let Some(v) = self.shell_state().and_then(|s| s.vars().get(name)) {
            return Some(v.clone());
        }
        let root = self.user() == "root";
        Some(match name {
            "HOME" => self.home(),
            "USER" | "LOGNAME" => self.user().to_string(),
            "HOSTNAME" => self.current_host().to_string(),
            "PWD" => self.cwd(),
            "OLDPWD" => return self.shell_state().and_then(|s| s.oldpwd.clone()),
            "SHELL" => "/bin/bash".into(),
            "PATH" => "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            "TERM" => "xterm-256color".into(),
            "LANG" => "C.UTF-8".into(),
            "SHLVL" => "1".into(),
            "BASH_VERSION" => "5.2.21(1)-release".into(),
            "UID" | "EUID" => if root { "0" } else { "1000" }.into(),
            _ => return None,
        })
    }

    fn enter_subshell(&mut self, tty: bool) -> Saved {
        self.term.rt.subshell += 1;
        // A subshell is a copy of the shell: its size is work. Running out
        // stops the line at its next command.
        let copied: usize = self.term.rt.shells.iter().map(ShellState::size).sum();
        let _ = self.term.rt.budget.work(copied as u64);
        let saved = Saved {
            shells: self.term.rt.shells.clone(),
            logins: self.term.logins.clone(),
            tty: self.term.rt.tty,
        };
        self.term.rt.tty = self.term.rt.tty && tty;
        saved
    }

    fn leave_subshell(&mut self, saved: Saved) {
        self.term.rt.subshell -= 1;
        self.term.rt.shells = saved.shells;
        self.term.logins = saved.logins;
        self.term.rt.tty = saved.tty;
    }

    fn stopped(&self, out: &Execution) -> bool {
        out.exit_session || self.term.rt.budget.exhausted().is_some()
    }

    /// Counts one command against the line's budget.
    fn spend(&mut self, out: &mut Execution) -> bool {
        match self.term.rt.budget.command() {
            Ok(()) => true,
            Err(limit) => {
                self.over(limit, "bash", out);
                false
            }
        }
    }

    // ---- command texts ------------------------------------------------------

    /// Parses and runs a command text; see [`Session::run`]. As bash reading
    /// a terminal, the text runs one complete command at a time: a syntax
    /// error costs only its own command, never what came before or after.
    pub(in crate::shell) fn run_text(&mut self, text: &str) -> Execution {
        let mut exec = Execution::default();
        let start = self.sim.now;
        let nested = self.term.rt.running > 0;
        let first_line = self.term.rt.lines_read;
        if !nested {
            self.term.rt.lines_read += text.split('\n').count();
        }
        self.term.rt.running += 1;
        // `sh -c '…'` inside a command: a shell of its own.
        let saved = nested.then(|| self.enter_subshell(true));
        if !nested {
            self.term.rt.budget = Budget::fresh();
            self.term.rt.cluster_work_charged = self.sim.world.cluster.work_done();
            self.term.rt.read_work.set(0);
            self.term.rt.limit_message = None;
            self.term.rt.tty = true;
            self.term.rt.subshell = 0;
            self.term.rt.script_depth = 0;
            // A foreground job (a port-forward) ends when a line is run.
            self.term.foreground = None;
            // bash reports the jobs that ended before it shows a prompt.
            self.report_jobs(&mut exec);
        }
        let mut status = self.term.last_status;
        if text.len() > budget::MAX_INPUT {
            self.over(Limit::Text, "bash", &mut exec);
            status = 2;
        } else {
            // One pass over the text, one complete command at a time.
            let split = lexer::split_commands(text);
            for chunk in split.commands.iter().chain(split.rest.iter()) {
                if self.stopped(&exec) {
                    break;
                }
                status = self.run_command_text(&chunk.text, first_line + chunk.line - 1, &mut exec);
                self.term.last_status = status;
            }
        }
        if let Some(saved) = saved {
            self.leave_subshell(saved);
            exec.exit_session = false;
        }
        self.term.rt.running -= 1;
        if !nested {
            // What the line's own time let happen has happened.
            self.catch_up(Some(&mut exec));
            for (stream, text) in std::mem::take(&mut self.term.rt.terminal) {
                exec.push(stream, text);
            }
            // servicelab's limit is no command's output: no redirection or
            // pipe keeps its message from the terminal.
            if let Some(message) = self.term.rt.limit_message.take() {
                if !exec.output.iter().any(|(_, t)| t.contains(&message)) {
                    exec.limit_err(message);
                }
            }
        }
        exec.status = status;
        exec.elapsed_ms = self.sim.now - start;
        exec
    }

    /// One complete command (possibly several lines), whose first line is
    /// line `line_before + 1` of the session.
    fn run_command_text(&mut self, text: &str, line_before: usize, exec: &mut Execution) -> i32 {
        let parsed = match lexer::parse(text) {
            Ok(p) => p,
            Err(e) => {
                exec.err(format!("bash: {e}\n"));
                return 2;
            }
        };
        for w in &parsed.warnings {
            exec.err(format!(
                "bash: warning: here-document at line {} delimited by end-of-file (wanted `{}')\n",
                line_before + w.line,
                w.delimiter
            ));
        }
        self.exec_script(&parsed.script, None, exec)
    }

    /// The directory part of the prompt: `~`, `~/manifests`, `/tmp`.
    pub(in crate::shell) fn prompt_dir(&self) -> String {
        let cwd = self.cwd();
        let home = self.home();
        if cwd == home {
            "~".into()
        } else if let Some(rest) = cwd.strip_prefix(&format!("{home}/")) {
            format!("~/{rest}")
        } else {
            cwd
        }
    }

    // ---- lists, pipelines, commands ---------------------------------------

    pub(in crate::shell) fn exec_script(
        &mut self,
        script: &Script,
        stdin: Option<&str>,
        out: &mut Execution,
    ) -> i32 {
        let mut status = self.term.last_status;
        self.term.rt.script_depth += 1;
        // The line's own list, on the terminal: what background jobs write
        // meanwhile shows before the list's output.
        let top = self.term.rt.script_depth == 1 && self.term.rt.running == 1;
        for item in &script.items {
            if self.stopped(out) {
                break;
            }
            let mark = out.mark();
            status = if item.background {
                self.exec_background(item, stdin, out)
            } else {
                self.exec_and_or(item, stdin, out)
            };
            if top && !self.term.rt.terminal.is_empty() {
                let notes = std::mem::take(&mut self.term.rt.terminal);
                out.insert_at(mark, notes);
            }
        }
        self.term.rt.script_depth -= 1;
        status
    }

    /// `cmd &`: a job. bash prints its number and process id; the command
    /// runs (every command here ends at once, save a port-forward, which
    /// keeps running as the job until it is killed).
    fn exec_background(&mut self, a: &AndOr, stdin: Option<&str>, out: &mut Execution) -> i32 {
        let text = super::jobs::command_text(a);
        let (id, pid) = self.start_job(text);
        out.err(format!("[{id}] {pid}\n"));
        let saved = self.term.rt.background.replace(id);
        let status = self.exec_and_or(a, stdin, out);
        self.term.rt.background = saved;
        self.job_finished(id, status);
        // `$?` of a background command is 0.
        self.term.last_status = 0;
        0
    }

    fn exec_and_or(&mut self, a: &AndOr, stdin: Option<&str>, out: &mut Execution) -> i32 {
        let mut status = self.exec_pipeline(&a.first, stdin, out);
        for (op, p) in &a.rest {
            if self.stopped(out) {
                break;
            }
            let go = match op {
                AndOrOp::And => status == 0,
                AndOrOp::Or => status != 0,
            };
            if go {
                status = self.exec_pipeline(p, stdin, out);
            }
        }
        status
    }

    fn exec_pipeline(&mut self, p: &Pipeline, stdin: Option<&str>, out: &mut Execution) -> i32 {
        let started = self.sim.now;
        let mut status = 0;
        if let [only] = p.commands.as_slice() {
            status = self.exec_command(only, stdin, out);
        } else {
            let mut input: Option<String> = stdin.map(str::to_string);
            let n = p.commands.len();
            for (i, c) in p.commands.iter().enumerate() {
                if self.term.rt.budget.exhausted().is_some() {
                    break;
                }
                let last = i + 1 == n;
                let saved = self.enter_subshell(last);
                let mut sink = Execution::default();
                status = self.exec_command(c, input.as_deref(), &mut sink);
                self.leave_subshell(saved);
                let mut piped = String::new();
                merge(out, sink, (!last).then_some(&mut piped), true);
                if out.overflowed() {
                    self.over(Limit::Output, "bash", out);
                    break;
                }
                input = Some(piped);
            }
        }
        if out.overflowed() {
            self.over(Limit::Output, "bash", out);
        }
        if p.negated {
            status = i32::from(status == 0);
        }
        if let Some(posix) = p.timed {
            // Simulated time; the simulation spends no CPU.
            let ms = self.sim.now - started;
            out.err(if posix {
                format!(
                    "real {}.{:02}\nuser 0.00\nsys 0.00\n",
                    ms / 1000,
                    ms % 1000 / 10
                )
            } else {
                format!(
                    "\nreal\t{}m{}.{:03}s\nuser\t0m0.000s\nsys\t0m0.000s\n",
                    ms / 60_000,
                    ms / 1000 % 60,
                    ms % 1000
                )
            });
        }
        self.term.last_status = status;
        status
    }

    fn exec_command(&mut self, c: &Command, stdin: Option<&str>, out: &mut Execution) -> i32 {
        match c {
            Command::Simple(s) => self.exec_simple(s, stdin, out),
            Command::For(f) => self.with_redirs(&f.redirs, stdin, out, |sh, stdin, sink| {
                sh.exec_for(f, stdin, sink)
            }),
        }
    }

    fn exec_for(&mut self, f: &ForLoop, stdin: Option<&str>, out: &mut Execution) -> i32 {
        if !is_name(&f.var) {
            out.err(format!("bash: `{}': not a valid identifier\n", f.var));
            return 1;
        }
        let items = match &f.items {
            Some(words) => match self.expand_words(words, out) {
                Ok(w) => w,
                Err(()) => return 1,
            },
            None => vec![],
        };
        let mut status = 0;
        for item in items {
            if self.stopped(out) {
                break;
            }
            if !self.set_var(&f.var, item, out) {
                return 1;
            }
            status = self.exec_script(&f.body, stdin, out);
        }
        status
    }

    /// A simple command's words, with an alias on the first word replaced.
    fn dealias(&self, words: &[Word]) -> Vec<Word> {
        let alias = words
            .first()
            .and_then(Word::literal)
            .and_then(|w| self.shell_state()?.aliases().get(w));
        if let Some(value) = alias {
            if let Ok(parsed) = lexer::parse(value) {
                if let [AndOr { first, rest, .. }] = parsed.script.items.as_slice() {
                    if let (true, false, [Command::Simple(s)]) =
                        (rest.is_empty(), first.negated, first.commands.as_slice())
                    {
                        if s.redirs.is_empty() && s.assigns.is_empty() {
                            return s.words.iter().chain(&words[1..]).cloned().collect();
                        }
                    }
                }
            }
        }
        words.to_vec()
    }

    fn exec_simple(&mut self, s: &Simple, stdin: Option<&str>, out: &mut Execution) -> i32 {
        if !self.spend(out) {
            return 1;
        }
        self.term.rt.subst_status = None;
        let words = self.dealias(&s.words);
        let declaration = matches!(
            words.first().and_then(Word::literal),
            Some("export" | "declare" | "typeset" | "local" | "readonly")
        );
        let mut fields = vec![];
        for (i, w) in words.iter().enumerate() {
            let expanded = match w.assignment() {
                // `export POD=$(…)`: an assignment, so no word splitting.
                Some((name, value)) if declaration && i > 0 => self
                    .expand_string(&value, out)
                    .map(|v| vec![format!("{name}={v}")]),
                _ => self.expand_words(std::slice::from_ref(w), out),
            };
            match expanded {
                Ok(f) => fields.extend(f),
                Err(()) => return 1,
            }
        }
        if fields.is_empty() {
            for (name, value) in &s.assigns {
                match self.expand_string(value, out) {
                    Ok(v) => {
                        if !self.set_var(name, v, out) {
                            return 1;
                        }
                    }
                    Err(()) => return 1,
                }
            }
            let status = self.term.rt.subst_status.unwrap_or(0);
            return self.with_redirs(&s.redirs, stdin, out, |_, _, _| status);
        }
        // `NAME=value command` only sets the command's environment (which
        // `kubectl edit` reads for its editor).
        let mut env = Vec::with_capacity(s.assigns.len());
        for (name, value) in &s.assigns {
            match self.expand_string(value, out) {
                Ok(v) => env.push((name.clone(), v)),
                Err(()) => return 1,
            }
        }
        let args: usize = fields.iter().map(String::len).sum();
        self.with_redirs(&s.redirs, stdin, out, |sh, stdin, sink| {
            let before = sink.bytes();
            let outer = std::mem::replace(&mut sh.term.rt.command_env, env);
            let status = sh.run_command(&fields, stdin, sink);
            sh.term.rt.command_env = outer;
            // What the command read and wrote: linear tools' work.
            let moved = args + stdin.map_or(0, str::len) + (sink.bytes() - before);
            if sh.charge(moved as u64, sink) {
                // And what the cluster did for it (controllers, kubelets,
                // kube-proxy's rules), counted where it was done.
                sh.charge_cluster(sink);
            }
            status
        })
    }

    // ---- redirections -----------------------------------------------------

    fn with_redirs(
        &mut self,
        redirs: &[Redir],
        stdin: Option<&str>,
        out: &mut Execution,
        f: impl FnOnce(&mut Session, Option<&str>, &mut Execution) -> i32,
    ) -> i32 {
        if redirs.is_empty() {
            return f(self, stdin, out);
        }
        let fds = match self.open_redirs(redirs, out) {
            Ok(fds) => fds,
            Err(()) => return 1,
        };
        let tty = self.term.rt.tty;
        self.term.rt.tty = tty && fds.out == Dest::Out;
        let mut sink = Execution::default();
        let status = f(self, fds.stdin.as_deref().or(stdin), &mut sink);
        self.term.rt.tty = tty;
        self.route(sink, &fds, out);
        status
    }

    fn route(&mut self, sink: Execution, fds: &Fds, out: &mut Execution) {
        let mut files: Vec<(String, String)> = vec![];
        let mut rest = Execution {
            trace: sink.trace,
            clear: sink.clear,
            exit_session: sink.exit_session,
            overflowed: sink.overflowed,
            requests: sink.requests,
            edit: sink.edit,
            ..Execution::default()
        };
        for (stream, text) in sink.output {
            let dest = if stream == Stream::Stdout {
                &fds.out
            } else {
                &fds.err
            };
            match dest {
                Dest::Out => rest.push(Stream::Stdout, text),
                Dest::Err => rest.push(Stream::Stderr, text),
                Dest::File(path) => match files.iter_mut().find(|(p, _)| p == path) {
                    Some((_, buf)) => buf.push_str(&text),
                    None => files.push((path.clone(), text)),
                },
                Dest::Null => {}
            }
        }
        for (path, text) in files {
            // Permissions were checked when the file was opened; only the
            // budget of files can refuse the write now.
            if let Err(e) = self.fs().write(&path, &text, true) {
                rest.push(Stream::Stderr, format!("bash: {path}: {e}\n"));
            }
        }
        merge(out, rest, None, false);
    }

    /// A redirection's file name: exactly one word after expansion.
    fn redir_target(&mut self, r: &Redir, out: &mut Execution) -> Result<String, ()> {
        let fields = self.expand_words(std::slice::from_ref(&r.target), out)?;
        match <[String; 1]>::try_from(fields) {
            Ok([one]) => Ok(one),
            Err(_) => {
                out.err(format!("bash: {}: ambiguous redirect\n", r.raw));
                Err(())
            }
        }
    }

    fn open_output(&mut self, path: &str, append: bool, out: &mut Execution) -> Result<Dest, ()> {
        match path {
            "/dev/null" => return Ok(Dest::Null),
            "/dev/stdout" | "/dev/tty" | "/proc/self/fd/1" => return Ok(Dest::Out),
            "/dev/stderr" | "/proc/self/fd/2" => return Ok(Dest::Err),
            _ => {}
        }
        let abs = self.abs_path(path);
        match self.fs().write(&abs, "", append) {
            Ok(()) => Ok(Dest::File(abs)),
            Err(e) => {
                out.err(format!("bash: {path}: {e}\n"));
                Err(())
            }
        }
    }

    fn open_redirs(&mut self, redirs: &[Redir], out: &mut Execution) -> Result<Fds, ()> {
        let mut fds = Fds {
            stdin: None,
            out: Dest::Out,
            err: Dest::Err,
        };
        for r in redirs {
            let fd = r.fd();
            match r.op {
                RedirOp::Heredoc { .. } | RedirOp::HereString => {
                    let mut text = self.expand_string(&r.target, out)?;
                    if r.op == RedirOp::HereString {
                        text.push('\n');
                    }
                    if fd == 0 {
                        fds.stdin = Some(text);
                    }
                }
                RedirOp::In => {
                    let path = self.redir_target(r, out)?;
                    match self.fs().read_path(&path) {
                        Ok(text) => {
                            if !self.charge(text.len() as u64, out) {
                                return Err(());
                            }
                            if fd == 0 {
                                fds.stdin = Some(text);
                            }
                        }
                        Err(e) => {
                            out.err(format!("bash: {path}: {e}\n"));
                            return Err(());
                        }
                    }
                }
                RedirOp::Out | RedirOp::Append | RedirOp::Both | RedirOp::AppendBoth => {
                    let path = self.redir_target(r, out)?;
                    let append = matches!(r.op, RedirOp::Append | RedirOp::AppendBoth);
                    let dest = self.open_output(&path, append, out)?;
                    if matches!(r.op, RedirOp::Both | RedirOp::AppendBoth) {
                        fds.out = dest.clone();
                        fds.err = dest;
                    } else {
                        fds.set(fd, dest);
                    }
                }
                RedirOp::DupOut | RedirOp::DupIn => {
                    let target = self.redir_target(r, out)?;
                    let dest = match target.as_str() {
                        "1" => fds.out.clone(),
                        "2" => fds.err.clone(),
                        "0" => Dest::Out,
                        "-" => Dest::Null,
                        t if t.chars().all(|c| c.is_ascii_digit()) => {
                            out.err(format!("bash: {t}: Bad file descriptor\n"));
                            return Err(());
                        }
                        // `>&file` is `&>file`.
                        path if r.op == RedirOp::DupOut && r.fd.is_none() => {
                            let d = self.open_output(path, false, out)?;
                            fds.out = d.clone();
                            fds.err = d;
                            continue;
                        }
                        _ => {
                            out.err(format!("bash: {}: ambiguous redirect\n", r.raw));
                            return Err(());
                        }
                    };
                    if r.op == RedirOp::DupIn {
                        if fd == 0 && dest == Dest::Null {
                            fds.stdin = Some(String::new());
                        }
                    } else {
                        fds.set(fd, dest);
                    }
                }
            }
        }
        Ok(fds)
    }

    // ---- expansion ----------------------------------------------------------

    /// Expands words into fields: `~`, parameters, `$(…)`, `$((…))`, word
    /// splitting of unquoted results, pathname expansion, quote removal.
    /// On an expansion error (already printed) the command must not run.
    pub(in crate::shell) fn expand_words(
        &mut self,
        words: &[Word],
        out: &mut Execution,
    ) -> Result<Vec<String>, ()> {
        let mut fields = Fields::default();
        let mut allowance = braces::Allowance::default();
        let mut expanded = vec![];
        for w in words {
            match braces::expand_word(w, &mut allowance) {
                Ok(ws) => expanded.extend(ws),
                Err(limit) => {
                    self.over(limit, "bash: brace expansion", out);
                    return Err(());
                }
            }
        }
        for w in &expanded {
            for (k, part) in w.parts.iter().enumerate() {
                match part {
                    Part::Lit(t) if k == 0 && (t == "~" || t.starts_with("~/")) => {
                        fields.quoted(&self.home());
                        fields.unquoted(&t[1..]);
                    }
                    Part::Lit(t) => fields.unquoted(t),
                    Part::Quoted(t) => fields.quoted(t),
                    _ => {
                        let v = self.expand_part(part, out)?;
                        if part.is_quoted() {
                            fields.quoted(&v);
                        } else {
                            fields.split(&v);
                        }
                    }
                }
                if let Err(limit) = fields.within() {
                    self.over(limit, "bash: expansion", out);
                    return Err(());
                }
            }
            fields.end();
        }
        if let Err(limit) = fields.within() {
            self.over(limit, "bash: expansion", out);
            return Err(());
        }
        // Every byte the words hold was copied to get there.
        if !self.charge(fields.bytes as u64, out) {
            return Err(());
        }
        let mut result = vec![];
        let (mut words, mut bytes) = (0usize, 0usize);
        for f in fields.done {
            let matches = if f.glob {
                self.fs().glob(&f.pattern)
            } else {
                vec![]
            };
            if matches.is_empty() {
                result.push(f.text);
            } else {
                result.extend(matches);
            }
            for w in &result[words..] {
                bytes += w.len();
            }
            words = result.len();
            if bytes > budget::MAX_VALUE || words > budget::MAX_WORDS {
                let limit = if words > budget::MAX_WORDS {
                    Limit::Words
                } else {
                    Limit::Value
                };
                self.over(limit, "bash: pathname expansion", out);
                return Err(());
            }
        }
        Ok(result)
    }

    /// Expands a word to one string: no splitting, no globbing (assignment
    /// values, here-documents).
    pub(in crate::shell) fn expand_string(
        &mut self,
        w: &Word,
        out: &mut Execution,
    ) -> Result<String, ()> {
        let mut s = String::new();
        for (k, part) in w.parts.iter().enumerate() {
            match part {
                Part::Lit(t) if k == 0 && (t == "~" || t.starts_with("~/")) => {
                    s.push_str(&self.home());
                    s.push_str(&t[1..]);
                }
                Part::Lit(t) | Part::Quoted(t) => s.push_str(t),
                _ => s.push_str(&self.expand_part(part, out)?),
            }
            if let Err(limit) = Budget::value(s.len()) {
                self.over(limit, "bash: expansion", out);
                return Err(());
            }
        }
        if !self.charge(s.len() as u64, out) {
            return Err(());
        }
        Ok(s)
    }

    fn expand_part(&mut self, part: &Part, out: &mut Execution) -> Result<String, ()> {
        match part {
            Part::Lit(t) | Part::Quoted(t) => Ok(t.clone()),
            Part::Param { expr, .. } => self.param(expr, out),
            Part::Subst { script, .. } => Ok(self.command_subst(script, out)),
            Part::Arith { expr, .. } => {
                let text = match expansions(expr) {
                    Ok(w) => self.expand_string(&w, out)?,
                    Err(e) => {
                        out.err(format!("bash: {e}\n"));
                        return Err(());
                    }
                };
                let mut lookup = |n: &str| self.var(n);
                match arith::eval(&text, &mut lookup) {
                    Ok(v) => Ok(v.to_string()),
                    Err(e) => {
                        out.err(format!("bash: {}: {e}\n", text.trim()));
                        Err(())
                    }
                }
            }
        }
    }

    /// `$(…)`: runs the script in a subshell and returns its stdout without
    /// trailing newlines; stderr goes to the terminal.
    fn command_subst(&mut self, script: &Script, out: &mut Execution) -> String {
        let saved = self.enter_subshell(false);
        let mut sink = Execution::default();
        let status = self.exec_script(script, None, &mut sink);
        self.leave_subshell(saved);
        let mut text = String::new();
        merge(out, sink, Some(&mut text), true);
        if out.overflowed() {
            self.over(Limit::Output, "bash: $(…)", out);
        }
        self.term.rt.subst_status = Some(status);
        self.term.last_status = status;
        let trimmed = text.trim_end_matches('\n').len();
        text.truncate(trimmed);
        text
    }

    /// The value of `$NAME` or `${…}`.
    fn param(&mut self, expr: &str, out: &mut Execution) -> Result<String, ()> {
        let special = |s: &str| {
            is_name(s)
                || (s.len() == 1 && "?$#@*!-".contains(s))
                || (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
        };
        if special(expr) {
            return Ok(self.var(expr).unwrap_or_default());
        }
        if let Some(name) = expr.strip_prefix('#') {
            if special(name) {
                let v = self.var(name).unwrap_or_default();
                // Counting characters reads the whole value.
                if !self.charge(v.len() as u64, out) {
                    return Err(());
                }
                return Ok(v.chars().count().to_string());
            }
        }
        let name_len = if expr.starts_with(|c: char| "?$#@*!-".contains(c)) {
            1
        } else {
            expr.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(expr.len())
        };
        let (name, rest) = expr.split_at(name_len);
        if name.is_empty() || !special(name) {
            out.err(format!("bash: ${{{expr}}}: bad substitution\n"));
            return Err(());
        }
        let value = self.var(name);
        let set = value.is_some();
        let v = value.unwrap_or_default();
        let word = |op: &str| rest[op.len()..].to_string();
        if let Some(spec) = rest
            .strip_prefix(':')
            .filter(|r| !r.starts_with(['-', '=', '+', '?']))
        {
            // `${v:offset}` and `${v:offset:length}`
            let (off, len) = match spec.split_once(':') {
                Some((o, l)) => (o, Some(l)),
                None => (spec, None),
            };
            // Read as characters: a step of work for each.
            if !self.charge(v.len() as u64, out) {
                return Err(());
            }
            let chars: Vec<char> = v.chars().collect();
            let n = chars.len() as i64;
            let off: i64 = off.trim().parse().unwrap_or(0);
            let start = if off < 0 {
                (n + off).max(0)
            } else {
                off.min(n)
            } as usize;
            let end = match len.map(|l| l.trim().parse::<i64>().unwrap_or(0)) {
                None => chars.len(),
                Some(l) if l < 0 => ((n + l).max(start as i64)) as usize,
                Some(l) => (start + l as usize).min(chars.len()),
            };
            return Ok(chars[start..end.max(start)].iter().collect());
        }
        let ops = [
            ":-", ":=", ":+", ":?", "##", "#", "%%", "%", "//", "/", "-", "=", "+", "?",
        ];
        let Some(op) = ops.iter().find(|op| rest.starts_with(**op)) else {
            out.err(format!("bash: ${{{expr}}}: bad substitution\n"));
            return Err(());
        };
        let arg = word(op);
        let empty = v.is_empty();
        Ok(match *op {
            ":-" if empty => arg,
            "-" if !set => arg,
            ":=" | "=" if (*op == ":=" && empty) || !set => {
                if is_name(name) && !self.set_var(name, arg.clone(), out) {
                    return Err(());
                }
                arg
            }
            ":+" => {
                if empty {
                    String::new()
                } else {
                    arg
                }
            }
            "+" => {
                if set {
                    arg
                } else {
                    String::new()
                }
            }
            ":?" | "?" if (*op == ":?" && empty) || !set => {
                let msg = if arg.is_empty() {
                    "parameter null or not set".to_string()
                } else {
                    arg
                };
                out.err(format!("bash: {name}: {msg}\n"));
                return Err(());
            }
            "#" | "##" | "%" | "%%" => {
                let (suffix, longest) = (op.starts_with('%'), op.len() == 2);
                match trim_pattern(&v, &arg, suffix, longest, &mut self.term.rt.budget) {
                    Ok(t) => t,
                    Err(limit) => {
                        self.over(limit, &format!("bash: ${{{expr}}}"), out);
                        return Err(());
                    }
                }
            }
            "/" | "//" => {
                let (pat, rep) = arg.split_once('/').unwrap_or((&arg, ""));
                match replace_pattern(&v, pat, rep, *op == "//", &mut self.term.rt.budget) {
                    Ok(t) => t,
                    Err(limit) => {
                        self.over(limit, &format!("bash: ${{{expr}}}"), out);
                        return Err(());
                    }
                }
            }
            _ => v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_trimming() {
        let b = &mut Budget::fresh();
        let trim =
            |v, p, suffix, longest, b: &mut Budget| trim_pattern(v, p, suffix, longest, b).unwrap();
        assert_eq!(trim("pod/web-1", "pod/", false, false, b), "web-1");
        assert_eq!(trim("a.b.c", "*.", false, false, b), "b.c");
        assert_eq!(trim("a.b.c", "*.", false, true, b), "c");
        assert_eq!(trim("a.b.c", ".*", true, false, b), "a.b");
        assert_eq!(trim("a.b.c", ".*", true, true, b), "a");
        assert_eq!(trim("abc", "x", true, true, b), "abc");
        assert_eq!(trim("abc", "*", false, false, b), "abc");
        assert_eq!(trim("abc", "*", true, true, b), "");
        let rep = |v, p, r, all, b: &mut Budget| replace_pattern(v, p, r, all, b).unwrap();
        assert_eq!(rep("a-b-c", "-", "_", false, b), "a_b-c");
        assert_eq!(rep("a-b-c", "-", "_", true, b), "a_b_c");
        assert_eq!(rep("héllo", "é", "e", true, b), "hello");
        assert_eq!(rep("a-b-c", "?-", "", true, b), "c");
        assert_eq!(rep("aXbXc", "X*", "!", false, b), "a!");
        assert_eq!(rep("abc", "[ab]", "-", true, b), "--c");
    }

    #[test]
    fn pattern_work_is_bounded() {
        // Quadratic at worst: stopped by the work budget, not by time.
        let v = "a".repeat(2_000);
        let mut b = Budget::with_work(1_000_000);
        assert_eq!(
            replace_pattern(&v, "*b", "x", true, &mut b),
            Err(Limit::Work)
        );
        let mut b = Budget::with_work(1_000_000);
        assert_eq!(replace_pattern(&v, "a*", "x", true, &mut b), Ok("x".into()));
        // The result of a replacement stays within one value.
        let mut b = Budget::fresh();
        let v = "a".repeat(20_000);
        let rep = "x".repeat(100);
        assert_eq!(
            replace_pattern(&v, "a", &rep, true, &mut b),
            Err(Limit::Value)
        );
    }

    #[test]
    fn fields_split_and_escape_globs() {
        let mut f = Fields::default();
        f.unquoted("a");
        f.split(" b  c ");
        f.quoted("*");
        f.end();
        let texts: Vec<&str> = f.done.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, vec!["a", "b", "c", "*"]);
        assert_eq!(f.done[3].pattern, "\\*");
        assert!(!f.done[3].glob);
    }
}
