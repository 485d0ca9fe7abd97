//! The tools that only read and write text: `cat`, `ls`, `grep`, `sort`,
//! `echo`, `printf`, `seq`, `date`… Each gets a [`Tool`] context and
//! nothing else: its standard input, its output, the files of the host it
//! runs on ([`fs::Fs`]), the clock, and the line's [`Budget`]. It cannot
//! reach the network or the cluster, and every limit it meets is counted
//! in one place. The tools that touch the world (`curl`, `dig`, `kubectl`…)
//! get a wider context, [`super::ctx::Ctx`]: the simulation as well.

mod awk;
mod clock;
mod files;
mod filters;
pub(in crate::shell) mod fs;
mod print;
mod rx;
mod sed;
mod seq;

use super::budget::{Budget, Limit};
use super::Execution;
use crate::time::Millis;
use fs::Fs;

/// What a text tool may touch.
pub(in crate::shell) struct Tool<'a> {
    /// The name it was run by (`head` or `tail`, `cp` or `mv`).
    pub name: &'a str,
    /// Its standard input: a pipe, a file or a here-document; `None` for the
    /// terminal (nothing to read: treated as empty, never waited for).
    pub stdin: Option<&'a str>,
    pub out: &'a mut Execution,
    pub fs: Fs<'a>,
    pub budget: &'a mut Budget,
    /// The simulated clock (`date` reads it, `sleep` moves it).
    pub clock: &'a mut Millis,
    /// Its stdout is the terminal (`ls` prints columns there).
    pub tty: bool,
    /// The host's tools are BusyBox applets (a busybox or alpine pod): the
    /// same work, BusyBox's messages.
    pub busybox: bool,
}

impl Tool<'_> {
    /// Stops the line at `limit`, with the message once a line.
    pub fn over(&mut self, limit: Limit, context: &str) {
        if self.budget.stop(limit) {
            self.out.limit_err(limit.message(context));
        }
    }

    /// Charges `units` of work; false (the line stopped) when none is left.
    pub fn charge(&mut self, units: u64) -> bool {
        match self.budget.work(units) {
            Ok(()) => true,
            Err(limit) => {
                self.over(limit, "bash");
                false
            }
        }
    }
}

/// A text tool: its arguments in, its exit status out.
pub(in crate::shell) type Run = fn(&mut Tool, &[String]) -> i32;

/// The text tool called `name`, if it is one.
pub(in crate::shell) fn find(name: &str) -> Option<Run> {
    Some(match name {
        "cat" | "less" | "more" => files::cat,
        "ls" => files::ls,
        "rm" => files::rm,
        "touch" => files::touch,
        "mkdir" => files::mkdir,
        "cp" | "mv" => files::copy,
        "grep" => filters::grep,
        "head" | "tail" => filters::head_tail,
        "wc" => filters::wc,
        "sort" => filters::sort,
        "uniq" => filters::uniq,
        "cut" => filters::cut,
        "tr" => filters::tr,
        "tee" => filters::tee,
        "sed" => sed::sed,
        "awk" | "gawk" => awk::awk,
        "echo" => print::echo,
        "printf" => print::printf,
        "seq" => seq::seq,
        "date" => clock::date,
        "sleep" => clock::sleep,
        _ => return None,
    })
}
