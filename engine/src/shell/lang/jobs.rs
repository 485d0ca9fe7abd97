//! Background jobs (`cmd &`), `jobs` and `kill`. Commands here end at once,
//! so most jobs are done as soon as they start, and bash reports them
//! `Done` before the next prompt; a `kubectl port-forward` keeps running as
//! its job until it is killed (or its pod goes away).

use super::lexer::AndOr;
use crate::cluster::Key;
use crate::net::HostId;
use crate::shell::{Execution, Session};

/// A `kubectl port-forward` listening on a host's loopback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    /// Where kubectl runs, and its local port.
    pub host: HostId,
    pub local: u16,
    /// The pod and its port the connections go to.
    pub pod: Key,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Running,
    /// Exited with this status.
    Done(i32),
    /// Killed (`kill`, SIGTERM).
    Terminated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: u32,
    pub pid: u32,
    /// The command as typed, without its `&`.
    pub command: String,
    pub state: JobState,
    pub forward: Option<Forward>,
    /// Where the job was started (the login it belongs to).
    pub host: HostId,
}

/// The list's text, as bash shows it in `jobs`.
pub(in crate::shell) fn command_text(a: &AndOr) -> String {
    a.text.clone()
}

/// bash's `[1]+  Done                    sleep 1`.
fn line(job: &Job, current: bool, running_suffix: bool) -> String {
    let state = match &job.state {
        JobState::Running => "Running".to_string(),
        JobState::Done(0) => "Done".to_string(),
        JobState::Done(code) => format!("Exit {code}"),
        JobState::Terminated => "Terminated".to_string(),
    };
    let suffix = if running_suffix && job.state == JobState::Running {
        " &"
    } else {
        ""
    };
    format!(
        "[{}]{}  {state:<24}{}{suffix}\n",
        job.id,
        if current { '+' } else { '-' },
        job.command
    )
}

impl Session {
    /// A new job: its number (the lowest free) and process id.
    pub(in crate::shell) fn start_job(&mut self, command: String) -> (u32, u32) {
        // The lowest free number, in one pass over the table.
        let mut taken = vec![false; self.term.rt.jobs.len() + 2];
        for j in &self.term.rt.jobs {
            if let Some(t) = taken.get_mut(j.id as usize) {
                *t = true;
            }
        }
        let id = (1..taken.len()).find(|&i| !taken[i]).unwrap_or(1) as u32;
        self.term.rt.next_pid = self.term.rt.next_pid.max(4200) + 17;
        let pid = self.term.rt.next_pid;
        let host = self.here();
        self.term.rt.jobs.push(Job {
            id,
            pid,
            command,
            state: JobState::Running,
            forward: None,
            host,
        });
        (id, pid)
    }

    /// The job's command returned: it is done, unless it left a
    /// port-forward running.
    pub(in crate::shell) fn job_finished(&mut self, id: u32, status: i32) {
        // The job just started is the last of the table.
        if let Some(j) = self.term.rt.jobs.iter_mut().rev().find(|j| j.id == id) {
            if j.forward.is_none() {
                j.state = JobState::Done(status);
            }
        }
    }

    /// What bash reports before a prompt: the jobs that ended since, and
    /// port-forwards whose pod went away. They are then forgotten.
    pub(in crate::shell) fn report_jobs(&mut self, exec: &mut Execution) {
        let pods = &self.sim.world.cluster.pods;
        for j in &mut self.term.rt.jobs {
            let gone = j.state == JobState::Running
                && j.forward
                    .as_ref()
                    .is_some_and(|f| !pods.contains_key(&f.pod));
            if gone {
                exec.err("error: lost connection to pod\n");
                j.state = JobState::Done(1);
                j.forward = None;
            }
        }
        let last = self.term.rt.jobs.iter().map(|j| j.id).max();
        let done: Vec<Job> = self
            .term
            .rt
            .jobs
            .iter()
            .filter(|j| j.state != JobState::Running)
            .cloned()
            .collect();
        for j in &done {
            exec.err(line(j, Some(j.id) == last, false));
        }
        self.term.rt.jobs.retain(|j| j.state == JobState::Running);
    }

    /// The port-forward listening on `port` of this host's loopback.
    pub(in crate::shell) fn forward_on(&mut self, port: u16) -> Option<Forward> {
        self.ctx().forwards.on(port)
    }

    /// Registers a port-forward as the running background job.
    pub(in crate::shell) fn keep_forward(&mut self, forward: Forward) -> bool {
        let Some(id) = self.term.rt.background else {
            return false;
        };
        match self.term.rt.jobs.iter_mut().find(|j| j.id == id) {
            Some(j) => {
                j.forward = Some(forward);
                true
            }
            None => false,
        }
    }
}

/// `jobs [-l]`.
#[inline(never)]
pub(in crate::shell) fn jobs(s: &mut Session, args: &[String], exec: &mut Execution) -> i32 {
    let long = args.iter().any(|a| a == "-l");
    let last = s.term.rt.jobs.iter().map(|j| j.id).max();
    let mut out = String::new();
    for j in &s.term.rt.jobs {
        let text = line(j, Some(j.id) == last, true);
        if long {
            let (head, tail) = text.split_at(text.find("  ").unwrap_or(0));
            out.push_str(&format!("{head} {}{}", j.pid, &tail[1..]));
        } else {
            out.push_str(&text);
        }
    }
    exec.out(out);
    0
}

/// `kill [-s SIGNAL | -SIGNAL] %JOB | PID …`.
#[inline(never)]
pub(in crate::shell) fn kill(s: &mut Session, args: &[String], exec: &mut Execution) -> i32 {
    let targets: Vec<&String> = args
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .collect();
    if targets.is_empty() {
        exec.err("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
        return 2;
    }
    let mut status = 0;
    for t in targets {
        let found = if let Some(spec) = t.strip_prefix('%') {
            let last = s.term.rt.jobs.iter().map(|j| j.id).max();
            let id = match spec {
                "" | "+" | "%" => last,
                n => n.parse::<u32>().ok(),
            };
            s.term.rt.jobs.iter_mut().find(|j| Some(j.id) == id)
        } else {
            match t.parse::<u32>() {
                Ok(pid) => s.term.rt.jobs.iter_mut().find(|j| j.pid == pid),
                Err(_) => {
                    exec.err(format!(
                        "bash: kill: {t}: arguments must be process or job IDs\n"
                    ));
                    status = 1;
                    continue;
                }
            }
        };
        match found {
            Some(j) if j.state == JobState::Running => {
                j.state = JobState::Terminated;
                j.forward = None;
            }
            Some(j) => {
                // Ended, not yet reported: the process is gone.
                exec.err(format!("bash: kill: ({}) - No such process\n", j.pid));
                status = 1;
            }
            None => {
                if t.starts_with('%') {
                    exec.err(format!("bash: kill: {t}: no such job\n"));
                } else {
                    exec.err(format!("bash: kill: ({t}) - No such process\n"));
                }
                status = 1;
            }
        }
    }
    status
}

/// The port-forwards the terminal's jobs keep open on a host, as a
/// connection sees them: one may carry it, and its stream may break. A
/// tool sees no more of the jobs than that.
pub(in crate::shell) struct Forwards<'a> {
    host: HostId,
    jobs: &'a mut [Job],
    foreground: &'a mut Option<Forward>,
}

impl<'a> Forwards<'a> {
    pub fn new(host: HostId, jobs: &'a mut [Job], foreground: &'a mut Option<Forward>) -> Self {
        Forwards {
            host,
            jobs,
            foreground,
        }
    }

    /// The one listening on `port` of the host's loopback: a running
    /// job's, or the one in the foreground.
    pub fn on(&self, port: u16) -> Option<Forward> {
        self.jobs
            .iter()
            .filter(|j| j.state == JobState::Running)
            .filter_map(|j| j.forward.as_ref())
            .chain(self.foreground.as_ref())
            .find(|f| f.host == self.host && f.local == port)
            .cloned()
    }

    /// `f`'s stream to the pod failed: kubectl exits 1.
    pub fn lost(&mut self, f: &Forward) {
        if let Some(j) = self.jobs.iter_mut().find(|j| j.forward.as_ref() == Some(f)) {
            j.state = JobState::Done(1);
            j.forward = None;
        }
        if self.foreground.as_ref() == Some(f) {
            *self.foreground = None;
        }
    }

    /// The process id of `f`'s kubectl.
    pub fn pid(&self, f: &Forward) -> Option<u32> {
        self.jobs
            .iter()
            .find(|j| j.forward.as_ref() == Some(f))
            .map(|j| j.pid)
    }
}
