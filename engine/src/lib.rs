//! # servicelab-engine
//!
//! The pure core of servicelab: a fully deterministic simulation of a small
//! Kubernetes world with no browser code, no clock and no randomness from the
//! operating system. Time and random choices are inputs; effects are returned
//! as data. The browser front end and the native `servicelab` binary drive the
//! same code, so what a student sees in the page is exactly what an author sees
//! in a terminal.
//!
//! Data flows one way, as the README's map of the code draws it:
//!
//! ```text
//! lesson (parse, checks, replay) ──┐
//! shell (a bash-ish line, curl, kubectl, ip, …)
//!   └─► cluster (API server, controllers, kubelet, kube-proxy, DNS)
//!         └─► world (the hosts of a scenario: laptop, router, nodes, pods)
//!               └─► net (interfaces, routes, netfilter, conntrack, sockets)
//!                     └─► Execution { text, Trace of hops, rules and rewrites }
//!                           └─► explain (the trace told as a story)
//! ```
//!
//! - [`net`] is a small but real packet model. A probe walks a packet hop by
//!   hop through routing tables (longest-prefix match), netfilter chains and
//!   conntrack, and records a [`net::Trace`]. Nothing in it knows which lesson
//!   is being played: answers come from the mechanism.
//! - [`cluster`] is Kubernetes on top of it: the objects, the API server's
//!   decoding, defaulting and validation, the controllers and the kubelet over
//!   simulated time, kube-proxy's rules, flannel and CoreDNS.
//! - [`world`] builds the scenario's hosts and wires them together, and maps
//!   the cluster onto them; [`apps`] are the programs that answer.
//! - [`shell`] turns command lines into tool runs (`curl`, `ssh`, `ip`,
//!   `kubectl`, …) and prints what the real tools print.
//! - [`explain`] tells a trace as a story a student reads at a glance: what
//!   changed at each hop and why, and what would change where it stopped.
//! - [`lesson`] reads lesson files, binds their text to a world, judges a
//!   world by its checks, and says when a step is done ([`lesson::done`]).
//! - [`rng`], [`time`], [`sort`] and [`text`]: the seeded generator every
//!   random choice comes from, simulated time, one stable sort, small text
//!   helpers.
//!
//! The README's "How the engine is laid out" names every module
//! (`tests/docs.rs` checks it).

pub mod apps;
pub mod cluster;
pub mod explain;
pub mod lesson;
pub mod net;
pub mod rng;
pub mod shell;
pub mod sort;
pub mod text;
pub mod time;
pub mod world;

pub use shell::{Execution, Session, Stream};
pub use world::{Topology, WorldOptions};
