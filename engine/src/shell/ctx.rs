//! What a tool that touches the world may touch: the [`Simulation`] (the
//! network, the cluster, the clock, the generator), the host it runs on,
//! the line's budget, and what it reads of the terminal (its directory,
//! whether its output is the terminal, the port-forwards its jobs keep
//! open). `curl`, `wget`, `nc`, the DNS tools, `ping`, `conntrack` and
//! most of kubectl's verbs get a [`Ctx`]; they cannot reach the
//! interpreter, the jobs or the logins, nor drive the simulation's loop.
//! What does (`ssh`, `kubectl exec`, `wait`, `rollout status`,
//! `port-forward`, `run -it`, `jobs`) keeps the whole session.

use super::budget::{Budget, Limit};
use super::lang::interp::ShellState;
use super::lang::jobs::Forwards;
use super::text::fs::{self, Fs};
use super::{Execution, Simulation, Stream};
use crate::net::HostId;
use crate::time::Millis;
use std::cell::Cell;

pub(in crate::shell) struct Ctx<'a> {
    pub sim: &'a mut Simulation,
    /// The host the command runs on.
    pub here: HostId,
    /// The login's shell there, read only (its directory).
    pub shell: Option<&'a ShellState>,
    /// A command runs under `sudo`: root's permissions.
    pub root: bool,
    /// The command's stdout is the terminal.
    pub tty: bool,
    /// What the line may still consume.
    pub budget: &'a mut Budget,
    /// The limit's message, once the line ran into one.
    pub limit_message: &'a mut Option<String>,
    /// Work of reads, paid for after the command.
    pub read_work: &'a Cell<u64>,
    /// The port-forwards the terminal's jobs keep open on this host: where
    /// a connection to the loopback may be tunnelled.
    pub forwards: Forwards<'a>,
    /// What background jobs write to the terminal (a port-forward's
    /// `Handling connection for N`), apart from the command's output.
    pub terminal: &'a mut Vec<(Stream, String)>,
}

impl Ctx<'_> {
    pub fn here(&self) -> HostId {
        self.here
    }

    /// The name of the host the command runs on.
    pub fn current_host(&self) -> &str {
        self.sim.host_name(self.here)
    }

    /// The user it runs as.
    pub fn user(&self) -> &str {
        self.sim.user_at(self.here)
    }

    /// The namespace of the pod it runs in, if it runs in one.
    pub fn current_pod_namespace(&self) -> Option<String> {
        self.sim.pod_namespace(self.here)
    }

    /// The image of the pod it runs in.
    pub fn pod_image(&self) -> Option<String> {
        self.sim.pod_image(self.here)
    }

    /// It runs in a pod whose tools are busybox's.
    pub fn in_busybox_pod(&self) -> bool {
        self.sim.busybox_at(self.here)
    }

    /// The shell's current directory.
    pub fn cwd(&self) -> String {
        self.sim.cwd_at(self.here, self.shell)
    }

    /// Resolves a name as the laptop's or a node's libc would (see
    /// [`Simulation::resolve_at`]).
    pub fn resolve(&self, name: &str) -> Option<std::net::Ipv4Addr> {
        self.sim.resolve_at(self.here, name)
    }

    /// The files of the host, as the user sees them from the directory.
    pub fn fs(&mut self) -> Fs<'_> {
        let cwd = self.cwd();
        self.sim.files_at(self.here, cwd, self.root).0
    }

    /// A file on the host, by the path as typed.
    pub fn read_file(&mut self, path: &str) -> Option<String> {
        self.fs().read_path(path).ok()
    }

    pub fn write_file(&mut self, path: &str, contents: String) -> Result<(), fs::FsError> {
        let mut fs = self.fs();
        let abs = fs.abs_path(path);
        fs.store(&abs, contents)
    }

    /// Time passes (a timeout, a round trip).
    pub fn advance(&mut self, ms: Millis) {
        self.sim.advance(ms);
    }

    /// An ephemeral source port, as Linux picks them (32768–60999).
    pub fn ephemeral_port(&mut self) -> u16 {
        self.sim.ephemeral_port()
    }

    /// Writes made to the cluster through its API server so far.
    pub fn cluster_writes(&self) -> u64 {
        self.sim.world.cluster.writes_from_outside()
    }

    /// Stops the line at `limit`, with the message once a line (it reaches
    /// the terminal even when the command's stderr went elsewhere).
    pub fn over(&mut self, limit: Limit, context: &str, out: &mut Execution) {
        if self.budget.stop(limit) {
            let message = limit.message(context);
            *self.limit_message = Some(message.clone());
            out.limit_err(message);
        }
    }

    /// Counts one simulated connection or probe against the line's budget;
    /// false (the message printed, the line stopped) when none is left.
    pub fn spend_packet(&mut self, tool: &str, out: &mut Execution) -> bool {
        match self.budget.packets(1) {
            Ok(()) => true,
            Err(limit) => {
                self.over(limit, tool, out);
                false
            }
        }
    }

    /// Charges `units` of work; false (the line stopped) when none is left.
    pub fn charge(&mut self, units: u64, out: &mut Execution) -> bool {
        match self.budget.work(units) {
            Ok(()) => true,
            Err(limit) => {
                self.over(limit, "bash", out);
                false
            }
        }
    }

    /// Counts `units` of work a read did (paid for after the command).
    pub fn read_work(&self, units: usize) {
        let r = self.read_work;
        r.set(r.get().saturating_add(units as u64));
    }
}
