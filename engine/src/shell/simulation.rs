//! The simulation a terminal looks at: the world (hosts, network, cluster,
//! the files on the hosts), the one clock, and the seeded generator behind
//! every random choice.
//! Apart from the terminal ([`super::Session`]: logins, the interpreter's
//! state, jobs), which drives it.
//!
//! The clock is the simulation's time; the cluster lives it step by step
//! (`World::clock` says how far it has got). The steps are taken by whoever
//! owns the loop: [`Simulation::next_step`] says when the next one is due,
//! [`Simulation::step`] takes it and hands back what needs a shell in a pod
//! (an `exec` probe, a client container's command). A command run for the
//! kubelet is given the simulation, not the loop, so it cannot step it.

use super::text::fs::Fs;
use crate::cluster::{KubeletRequest, ProbeResult, Request};
use crate::net::HostId;
use crate::rng::SimRng;
use crate::time::Millis;
use crate::world::{RequestRun, World};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

#[derive(Debug, Clone)]
pub struct Simulation {
    pub(in crate::shell) world: World,
    /// Simulated milliseconds since the session started.
    pub(in crate::shell) now: Millis,
    pub(in crate::shell) rng: SimRng,
    /// When each file was last written (simulated time), for `ls -l`.
    pub(in crate::shell) mtimes: BTreeMap<(HostId, String), Millis>,
    /// Bytes the files of all hosts take ([`super::budget::MAX_FILES`]).
    pub(in crate::shell) file_bytes: usize,
}

/// A request of the kubelet's that needs a shell in the pod: run it there,
/// at `at`, and report with [`Simulation::kubelet_done`].
pub(in crate::shell) struct InPod {
    pub req: KubeletRequest,
    pub host: HostId,
    pub command: Vec<String>,
    pub at: Millis,
}

/// How a command run for the kubelet ended.
pub(in crate::shell) struct Ran {
    pub code: i32,
    /// Its stdout and stderr, interleaved.
    pub output: String,
    /// The simulated time it took.
    pub took: Millis,
}

impl Simulation {
    /// A simulation of `world` whose clock starts at 0, its choices seeded
    /// with `seed`.
    pub fn new(world: World, seed: u64) -> Simulation {
        Simulation {
            world,
            now: 0,
            rng: SimRng::new(seed),
            mtimes: BTreeMap::new(),
            file_bytes: 0,
        }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// Simulated milliseconds since the session started.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Time passes (a command's own: a timeout, `sleep`); the cluster
    /// lives it when its owner next steps it.
    pub(in crate::shell) fn advance(&mut self, ms: Millis) {
        self.now = self.now.saturating_add(ms.max(0));
    }

    /// The cluster is behind the clock.
    pub(in crate::shell) fn behind(&self) -> bool {
        self.world.clock < self.now
    }

    /// When the cluster's next step is due, if it is due by `to`.
    pub(in crate::shell) fn next_step(&self, to: Millis) -> Option<Millis> {
        self.world.cluster.next_due().filter(|t| *t <= to)
    }

    /// Takes the cluster's step at `at`: what it asks of the network is
    /// done; what needs a shell in a pod is handed back.
    pub(in crate::shell) fn step(&mut self, at: Millis) -> Vec<InPod> {
        let mut in_pod = vec![];
        for req in self.world.step_at(at) {
            if let RequestRun::InShell { host, command } = self.world.run_request(&req, at) {
                in_pod.push(InPod {
                    req,
                    host,
                    command,
                    at,
                });
            }
        }
        in_pod
    }

    /// Too many steps (or no budget for them) before `to`: the pending ones
    /// move there.
    pub(in crate::shell) fn skip_to(&mut self, to: Millis) {
        self.world.skip_to(to);
    }

    /// The cluster has lived up to `to`; the network follows what changed.
    pub(in crate::shell) fn reached(&mut self, to: Millis) {
        self.world.clock = self.world.clock.max(to);
        self.world.sync_if_changed();
    }

    /// Reports a command the kubelet asked for: a probe's result, or how a
    /// client container's command ended.
    pub(in crate::shell) fn kubelet_done(&mut self, job: &InPod, ran: Ran) {
        match &job.req.what {
            Request::Probe(..) => {
                let result = ProbeResult {
                    ok: ran.code == 0,
                    message: ran.output.trim_end().to_string(),
                };
                self.world.cluster.probe_done(&job.req, result, job.at);
            }
            Request::Launch(_) => {
                self.world
                    .cluster
                    .launch_done(&job.req, &ran.output, ran.code, ran.took, job.at);
            }
        }
        self.world.sync_if_changed();
    }

    /// An ephemeral source port, as Linux picks them (32768–60999).
    pub(in crate::shell) fn ephemeral_port(&mut self) -> u16 {
        self.rng.range_inclusive(32768, 60999) as u16
    }
}

/// The facts of a host a command runs on: who it runs as, which pod it is
/// in, its files. The terminal and the tools' [`super::ctx::Ctx`] ask them
/// of the host they are on.
impl Simulation {
    /// The host's name.
    pub(in crate::shell) fn host_name(&self, here: HostId) -> &str {
        &self.world.net.host(here).name
    }

    /// The pod whose network namespace `here` is, if it is one.
    fn pod_at(&self, here: HostId) -> Option<&crate::cluster::Key> {
        self.world
            .pod_hosts
            .iter()
            .find(|(_, h)| **h == here)
            .map(|(k, _)| k)
    }

    /// The namespace of the pod `here` is, if it is one.
    pub(in crate::shell) fn pod_namespace(&self, here: HostId) -> Option<String> {
        self.pod_at(here).map(|k| k.0.clone())
    }

    /// The image of the pod `here` is (its first container's).
    pub(in crate::shell) fn pod_image(&self, here: HostId) -> Option<String> {
        let key = self.pod_at(here)?;
        self.world
            .cluster
            .pods
            .get(key)?
            .spec
            .containers
            .first()
            .map(|c| c.image.clone())
    }

    /// `here` is a pod whose image is `repository` (any tag).
    pub(in crate::shell) fn pod_image_is(&self, here: HostId, repository: &str) -> bool {
        self.pod_image(here)
            .is_some_and(|image| crate::cluster::images::repository(&image) == repository)
    }

    /// `here` is a pod whose shell and tools are busybox's (ash, its
    /// applets and their messages): busybox, alpine, curlimages/curl.
    pub(in crate::shell) fn busybox_at(&self, here: HostId) -> bool {
        ["busybox", "alpine", "curlimages/curl"]
            .iter()
            .any(|r| self.pod_image_is(here, r))
    }

    /// The user a command on `here` runs as.
    pub(in crate::shell) fn user_at(&self, here: HostId) -> &str {
        // curlimages/curl runs as its own user (the image's USER); the
        // other images run as root.
        if self.pod_image_is(here, "curlimages/curl") {
            return "curl_user";
        }
        self.world
            .machine(here)
            .map(|m| m.user.as_str())
            .unwrap_or("root")
    }

    /// The home directory of that user.
    pub(in crate::shell) fn home_at(&self, here: HostId) -> String {
        match self.user_at(here) {
            "root" => "/root".to_string(),
            u => format!("/home/{u}"),
        }
    }

    /// The current directory of a shell on `here` (`shell`, once it has
    /// one): the home directory at login, `/` in a container.
    pub(in crate::shell) fn cwd_at(
        &self,
        here: HostId,
        shell: Option<&super::lang::interp::ShellState>,
    ) -> String {
        shell.and_then(|s| s.cwd.clone()).unwrap_or_else(|| {
            let container = self.pod_at(here).is_some() || self.world.machine(here).is_none();
            // A container starts in its image's working directory:
            // curlimages/curl's is its user's home, the others' `/`.
            if container && !self.pod_image_is(here, "curlimages/curl") {
                "/".into()
            } else {
                self.home_at(here)
            }
        })
    }

    /// Resolves a host name the way the laptop's or a node's libc would: an
    /// address literal, then `/etc/hosts` (systemd-resolved knows no other
    /// names on the home network). Pods go through
    /// [`super::ctx::Ctx::lookup_host`], which asks the cluster's DNS over
    /// the network.
    pub(in crate::shell) fn resolve_at(&self, here: HostId, name: &str) -> Option<Ipv4Addr> {
        if let Ok(a) = name.parse() {
            return Some(a);
        }
        if name == "localhost" {
            return Some(Ipv4Addr::LOCALHOST);
        }
        if name == self.host_name(here) {
            return self.world.net.host(here).primary_addr();
        }
        self.world
            .machine(here)
            .and_then(|m| m.etc_hosts.iter().find(|(n, _)| n == name).map(|(_, a)| *a))
    }

    /// The files of `here` as a shell in `cwd` sees them (with root's
    /// permissions when `root`), and the clock, borrowed apart.
    pub(in crate::shell) fn files_at(
        &mut self,
        here: HostId,
        cwd: String,
        root: bool,
    ) -> (Fs<'_>, &mut Millis) {
        let home = self.home_at(here);
        let user = self.user_at(here).to_string();
        let root = root || user == "root";
        let now = self.now;
        let World { net, machines, .. } = &mut self.world;
        let fs = Fs {
            machine: machines.iter_mut().find(|m| m.host == here),
            host: here,
            host_name: &net.host(here).name,
            mtimes: &mut self.mtimes,
            file_bytes: &mut self.file_bytes,
            cwd,
            home,
            user,
            root,
            now,
        };
        (fs, &mut self.now)
    }
}
