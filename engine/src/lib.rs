//! # servicelab-engine
//!
//! The pure core of servicelab: a fully deterministic simulation of a small
//! Kubernetes world with no browser code, no clock and no randomness from the
//! operating system. Time and random choices are inputs; effects are returned
//! as data. The browser front end and the native `servicelab` binary drive the
//! same code, so what a student sees in the page is exactly what an author sees
//! in a terminal.
//!
//! Data flows one way:
//!
//! ```text
//! shell (parse a bash-ish line, run a tool)
//!   └─► world (the hosts of a scenario: laptop, home router, nodes, pods)
//!         └─► net (interfaces, routes, netfilter, conntrack, sockets)
//!               └─► Outcome { text, Trace of hops, rules and rewrites }
//! ```
//!
//! - [`net`] is a small but real packet model. A probe walks a packet hop by
//!   hop through routing tables (longest-prefix match), netfilter chains and
//!   conntrack, and records a [`net::Trace`]. Nothing in it knows which lesson
//!   is being played: answers come from the mechanism.
//! - [`world`] builds the scenario's hosts and wires them together.
//! - [`shell`] turns command lines into tool runs (`curl`, `ssh`, `ip`,
//!   `ping`, …) and prints what the real tools print.
//! - [`explain`] tells a trace as a story a student reads at a glance: what
//!   changed at each hop and why, and what would change where it stopped.
//! - [`lesson`] reads lesson files, judges a world by its checks, and says
//!   when a step is done ([`lesson::done`]).
//! - [`rng`] is the seeded generator every random choice comes from.

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
