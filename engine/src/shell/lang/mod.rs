//! The bash language as the terminal speaks it: reading command text
//! ([`lexer`]), running it ([`interp`]): expansions ([`braces`], parameters,
//! [`arith`]metic, [`pattern`]s), redirections, pipelines and loops. It
//! knows no tool: commands are run through [`super::Session::run_command`].

pub(in crate::shell) mod arith;
pub(in crate::shell) mod braces;
pub(in crate::shell) mod builtins;
pub(in crate::shell) mod escapes;
pub(in crate::shell) mod interp;
pub(in crate::shell) mod jobs;
pub mod lexer;
pub(in crate::shell) mod pattern;
