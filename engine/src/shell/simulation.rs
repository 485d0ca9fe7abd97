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

use crate::cluster::{KubeletRequest, ProbeResult, Request};
use crate::net::HostId;
use crate::rng::SimRng;
use crate::time::Millis;
use crate::world::{RequestRun, World};
use std::collections::BTreeMap;

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
