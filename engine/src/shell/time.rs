//! Time in a session. The engine reads no clock: the caller says how much
//! time passed between two commands ([`Session::pass`]: the student's real
//! time in the page, a fixed step natively), commands take their own
//! simulated time (a connect timeout, `sleep`), and before each command
//! the cluster is brought up to the session's clock: pods start, probes
//! run, readiness changes, as a real cluster's would in that time.
//!
//! The student's terminal owns the loop that steps the cluster (the
//! [`super::Simulation`] takes each step). The kubelets' probes and client
//! containers' commands that need a shell
//! ([`crate::world::RequestRun::InShell`]) run here, in the pod, with the
//! shell's own tools (an `exec` probe `cat /tmp/ready` reads the pod's
//! file), in a throw-away terminal that does not drive the loop: there is
//! nothing to re-enter and no state of the student's to save and restore.

use super::simulation::{InPod, Ran};
use super::{Execution, Session, Stream, Terminal};
use crate::cluster::images;
use crate::cluster::Request;
use crate::time::Millis;

/// The simulated time that passes before each command natively
/// (`servicelab shell`, `servicelab check`'s solutions): about what it takes
/// to type a short command.
pub const NATIVE_STEP_MS: Millis = 5_000;

/// The most simulated time a settle lets pass (a crash-looping pod never
/// settles; this stops it).
pub const SETTLE_MAX_MS: Millis = 600_000;

/// Work charged for each step of the cluster during a command line.
const STEP_COST: u64 = 30_000;

impl Session {
    /// `ms` of simulated time pass with nobody typing: the cluster carries
    /// on (pods start, probes run). The page calls this with the student's
    /// real time between two commands, as recorded in its action log;
    /// natively, `servicelab shell` passes a fixed step before each command.
    pub fn pass(&mut self, ms: Millis) {
        self.sim.advance(ms);
        self.advance_world(self.sim.now, None);
    }

    /// Whether the cluster has work under way that waiting would finish
    /// (a pod starting, a readiness probe not yet decided).
    pub fn has_pending(&self) -> bool {
        self.sim.world.cluster.pending()
    }

    /// Lets pending work finish: the clock moves on until every pod that
    /// can start has, and every readiness probe has decided (at most
    /// [`SETTLE_MAX_MS`]). What lesson checks and the before/after table
    /// judge, so that no lesson depends on how fast the student types.
    pub fn settle(&mut self) {
        self.catch_up(None);
        let end = self.sim.now + SETTLE_MAX_MS;
        while self.sim.world.cluster.pending() {
            let Some(at) = self.sim.next_step(end) else {
                break;
            };
            let at = at.max(self.sim.now);
            self.sim.now = at;
            self.advance_world(at, None);
        }
    }

    /// A settled copy of the session; the session itself is untouched.
    pub fn settled(&self) -> Session {
        let mut copy = self.clone();
        copy.settle();
        copy
    }

    /// Brings the cluster up to the session's clock (before a command runs).
    /// In a command line, each step of the cluster is work of the line.
    pub(in crate::shell) fn catch_up(&mut self, exec: Option<&mut Execution>) {
        if !self.term.drives || !self.sim.behind() {
            return;
        }
        self.advance_world(self.sim.now, exec);
    }

    /// The cluster's steps up to `to`, with the shell running what needs one.
    fn advance_world(&mut self, to: Millis, mut exec: Option<&mut Execution>) {
        if !self.term.drives {
            return;
        }
        let mut steps = 0;
        while let Some(at) = self.sim.next_step(to) {
            steps += 1;
            // A step's own cost, and what the steps so far made the
            // cluster do (a step over hundreds of pods costs more).
            let over_budget = match exec.as_deref_mut() {
                Some(e) => !self.charge(STEP_COST, e) || !self.charge_cluster(e),
                None => false,
            };
            if steps > crate::world::MAX_STEPS || over_budget {
                self.sim.skip_to(to);
                break;
            }
            for job in self.sim.step(at) {
                let ran = self.run_for_kubelet(&job);
                self.sim.kubelet_done(&job, ran);
            }
        }
        self.sim.reached(to);
    }

    /// Runs an `exec` probe or a client container's command in the pod, at
    /// the kubelet's moment, without moving the session's clock or using
    /// the line's budget.
    fn run_for_kubelet(&mut self, job: &InPod) -> Ran {
        let (req, command) = (&job.req, &job.command);
        let image = self
            .sim
            .world
            .cluster
            .pods
            .get(&req.pod)
            .and_then(|p| p.spec.containers.get(req.container))
            .map(|c| c.image.clone())
            .unwrap_or_default();
        let program = command.first().cloned().unwrap_or_default();
        if program.is_empty() || !images::has_command(&image, &program) {
            return match &req.what {
                Request::Probe(..) => Ran {
                    code: 126,
                    output: format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown"),
                    took: 0,
                },
                // The runtime cannot start the container at all.
                Request::Launch(_) => Ran {
                    code: 128,
                    output: String::new(),
                    took: 0,
                },
            };
        }
        // A throw-away terminal in the pod, with its own shell, budget and
        // `$?`, that does not drive the simulation: the kubelet is in the
        // middle of a step. The student's terminal comes back whole.
        let student = std::mem::replace(&mut self.term, Terminal::at(job.host, false));
        let saved_now = self.sim.now;
        self.sim.now = job.at.max(0);
        let start = self.sim.now;
        let mut sink = Execution::default();
        let code = if matches!(program.as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash")
            && command.get(1).is_some_and(|a| a == "-c")
        {
            let line = command.get(2).cloned().unwrap_or_default();
            self.run_line_in(job.host, &line, &mut sink)
        } else {
            self.run_words_in(job.host, command, &mut sink)
        };
        let took = self.sim.now - start;
        self.sim.now = saved_now;
        self.term = student;
        let output: String = sink
            .output
            .iter()
            .filter(|(s, _)| matches!(s, Stream::Stdout | Stream::Stderr))
            .map(|(_, t)| t.as_str())
            .collect();
        Ran { code, output, took }
    }
}

impl Session {
    /// Whether a foreground command may keep running until Ctrl+C (the
    /// page's terminal). Off by default, as in the native terminal, where a
    /// foreground `kubectl port-forward` ends at once (as if Ctrl+C were
    /// pressed); `&` keeps one running as a job.
    pub fn set_foreground_jobs(&mut self, allowed: bool) {
        self.term.foreground_jobs = allowed;
    }

    /// Ctrl+C while a command runs in the foreground (see
    /// [`Execution::running`]): it ends. What the terminal shows is `^C`.
    pub fn interrupt(&mut self) -> Execution {
        let mut exec = Execution::default();
        if self.term.foreground.take().is_some() {
            self.term.last_status = 0;
        }
        exec.status = self.term.last_status;
        exec
    }

    /// A shell variable of the current shell, if set.
    pub(in crate::shell) fn shell_var(&self, name: &str) -> Option<String> {
        if let Some((_, v)) = self
            .term
            .rt
            .command_env
            .iter()
            .rev()
            .find(|(n, _)| n == name)
        {
            return Some(v.clone());
        }
        self.shell_state().and_then(|s| s.vars().get(name).cloned())
    }

    /// `$?` after something the page did outside a command line.
    pub(in crate::shell) fn set_status(&mut self, status: i32) {
        self.term.last_status = status;
    }

    /// The network follows a write made outside a command line.
    pub(in crate::shell) fn catch_up_after_write(&mut self) {
        self.sim.world.sync_if_changed();
    }

    /// Lets simulated time pass, the cluster's step by step, until `done`
    /// holds (true) or the clock reaches `deadline` (false). `watch` sees
    /// the session after every step (what a watching client is told).
    pub(in crate::shell) fn wait_until(
        &mut self,
        deadline: Millis,
        exec: &mut Execution,
        mut watch: impl FnMut(&mut Session, &mut Execution) -> bool,
    ) -> bool {
        loop {
            self.catch_up(Some(exec));
            if watch(self, exec) {
                return true;
            }
            if self.term.rt.budget.exhausted().is_some() {
                return false;
            }
            let next = self.sim.world.cluster.next_due().map(|t| t.max(0));
            match next {
                Some(t) if t <= deadline && t > self.sim.now => self.sim.now = t,
                Some(t) if t <= self.sim.now => {
                    // Due but not done: the line's budget ran out.
                    return false;
                }
                _ => {
                    self.sim.now = self.sim.now.max(deadline);
                    self.catch_up(Some(exec));
                    return watch(self, exec);
                }
            }
        }
    }
}

/// Go's `time.ParseDuration` (`30s`, `1m30s`, `500ms`, `0`), in milliseconds;
/// kubectl's error text otherwise.
pub fn parse_go_duration(text: &str) -> Result<Millis, String> {
    let bad = || format!("time: invalid duration \"{text}\"");
    let mut rest = text;
    let negative = rest.starts_with('-');
    rest = rest.trim_start_matches(['-', '+']);
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(bad());
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let ms = match unit {
            "ns" => 1e-6,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "" => return Err(format!("time: missing unit in duration \"{text}\"")),
            other => {
                return Err(format!(
                    "time: unknown unit \"{other}\" in duration \"{text}\""
                ))
            }
        };
        total += value * ms;
        if !total.is_finite() || total > 1e15 {
            return Err(bad());
        }
    }
    if negative {
        return Ok(0);
    }
    Ok(total.round() as Millis)
}

#[cfg(test)]
mod tests {
    use super::parse_go_duration;

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_go_duration("30s"), Ok(30_000));
        assert_eq!(parse_go_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_go_duration("500ms"), Ok(500));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000));
        assert_eq!(
            parse_go_duration("30"),
            Err("time: missing unit in duration \"30\"".into())
        );
        assert_eq!(
            parse_go_duration("3x"),
            Err("time: unknown unit \"x\" in duration \"3x\"".into())
        );
        assert!(parse_go_duration("").is_err());
        assert!(parse_go_duration("s").is_err());
    }
}
