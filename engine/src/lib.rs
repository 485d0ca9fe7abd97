//! # servicelab-engine
//!
//! The pure core of servicelab: a fully deterministic simulation of a small
//! Kubernetes world with no browser code, no clock and no randomness from the
//! operating system. Time and random choices are inputs; effects are returned
//! as data. The browser front end and the native `servicelab` binary drive the
//! same code, so what a student sees in the page is exactly what an author sees
//! in a terminal.
//!
//! The modules stand in layers, and each imports only the layers drawn
//! below it (`tests/docs.rs` holds this picture, and the README's, against
//! the imports):
//!
//! ```text
//! lesson   lesson files, their placeholders bound to a world, checks, replay
//! explain  a packet's Trace told as a story
//! shell    a bash-ish command line: curl, kubectl, ip, iptables, dig, awk …
//! world    the scenario's hosts wired together, and time passing in them
//! cluster  objects, the API server, controllers, kubelet, kube-proxy, DNS
//! net      interfaces, routes, netfilter, conntrack, sockets; a probe's Trace
//! apps     the programs behind sockets: nginx, whoami, sshd …
//! map      ordered maps and sets: a sorted Vec (built with sort)
//! rng  time  sort  text  encoding
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
//! - [`rng`], [`time`], [`sort`], [`map`], [`text`] and [`encoding`]: the
//!   seeded generator every random choice comes from, simulated time, one
//!   stable sort, one ordered map (a sorted `Vec`, far smaller in wasm than
//!   `BTreeMap`), small text helpers, base64 and base32 as Go's packages do
//!   them.
//!
//! The README's "How the engine is laid out" names every module
//! (`tests/docs.rs` checks it).

pub mod apps;
pub mod cluster;
pub mod encoding;
pub mod explain;
pub mod lesson;
pub mod map;
pub mod net;
pub mod rng;
pub mod shell;
pub mod sort;
pub mod text;
pub mod time;
pub mod world;

pub use shell::{Execution, Session, Stream};
pub use world::{Topology, WorldOptions};
