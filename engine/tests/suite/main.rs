//! The engine's tests, in one binary: each file is a module named for what
//! it tests, and `support` is what they share (a world, a run, an apply,
//! measuring memory and time; its conventions are written there). One
//! binary links the engine once instead of once per file, which keeps a
//! cold `make test` within a small disk and a short build.
//!
//! Run one file's tests with a filter: `cargo test -p servicelab-engine
//! --test suite -- transcripts::`.

mod support;

mod behaviour;
mod budgets;
mod change_detection;
mod cluster_behaviour;
mod defects;
mod dns_transcripts;
mod front_end_data;
mod gateway_behaviour;
mod gateway_transcripts;
mod kinds_transcripts;
mod kube_proxy_walk;
mod kubeadm_transcripts;
mod lesson_fixtures;
mod lesson_format;
mod lesson_messages;
mod lesson_robustness;
mod lesson_truth;
mod living_behaviour;
mod living_no_panics;
mod living_transcripts;
mod netfilter_index;
mod no_panics;
mod policy_behaviour;
mod policy_transcripts;
mod reading;
mod service_properties;
mod shell_transcripts;
mod text_tools_fuzz;
mod tools_transcripts;
mod transcripts;
