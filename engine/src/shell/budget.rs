//! What one command line may consume, and the one place it is counted.
//!
//! The page runs the engine on the browser tab's only thread, in a wasm
//! memory of a few GiB. A line that needed unbounded memory or time would
//! freeze or kill the page, and, being saved, do it again on every reload.
//! So every top-level line runs on a fresh [`Budget`]: a number of commands,
//! simulated packets and units of work, and size limits on every value the
//! shell holds. Over budget, the line stops with a message that names the
//! limit, the shell goes on, and the world keeps what the line did so far.
//!
//! The limits are far above anything a lesson or a student needs (the
//! largest outputs of the course are a few KiB) and are documented for
//! authors in `lessons/README.md` and for everyone in `servicelab shell
//! --help` ([`LIMITS_HELP`]).
//!
//! Work is counted in units of a few nanoseconds of native time: a
//! command costs [`COMMAND_COST`], every byte a command reads or writes one
//! unit, a packet [`PACKET_COST`], and the few algorithms that are not
//! linear (pattern matching, rule syncs) charge their own steps.

use std::fmt;

/// Simple commands one line may run (a `for` loop's body counts each time).
pub const MAX_COMMANDS: u32 = 10_000;
/// Bytes in one value: a word after expansion, a variable, a here-document,
/// what `$(…)` captured, what one pipe carries.
pub const MAX_VALUE: usize = 1 << 20;
/// Words one command's expansion may make (braces, globs, word splitting).
pub const MAX_WORDS: usize = 100_000;
/// Bytes one line may print, to the terminal or into a pipe or `$(…)`.
pub const MAX_OUTPUT: usize = 1 << 20;
/// Bytes of all the variables and aliases of one shell.
pub const MAX_VARIABLES: usize = 4 << 20;
/// Bytes of all the files written on all hosts (`No space left on device`).
pub const MAX_FILES: usize = 16 << 20;
/// Connections and probes one line may send (curl, ping, nslookup, kubectl).
pub const MAX_PACKETS: u32 = 10_000;
/// Units of work one line may do: well under a second of native time.
pub const MAX_WORK: u64 = 100_000_000;
/// Bytes of one command text, as typed or pasted (here-documents included).
pub const MAX_INPUT: usize = 256 << 10;
/// Brace expressions nested in one another (`{a,{b,{c,…}}}`): bash has no
/// limit but its stack; here the depth is refused before it is walked.
pub const MAX_NESTING: usize = 32;

/// Work charged for every simple command, whatever it does.
pub const COMMAND_COST: u64 = 2_000;
/// Work charged for every simulated connection or probe.
pub const PACKET_COST: u64 = 10_000;

/// Which limit a line ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Commands,
    Value,
    Words,
    Output,
    Variables,
    Packets,
    Work,
    /// What one command reads from its files and stdin together.
    Read,
    Text,
    /// Brace expressions nested deeper than [`MAX_NESTING`].
    Nesting,
}

fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// What the limit allows, in words: `1 MiB in one value`.
impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Commands => write!(f, "{MAX_COMMANDS} commands in one command line"),
            Limit::Value => write!(f, "{} in one value", size(MAX_VALUE)),
            Limit::Words => write!(f, "{MAX_WORDS} words from one expansion"),
            Limit::Output => write!(f, "{} of output from one command line", size(MAX_OUTPUT)),
            Limit::Variables => write!(f, "{} of shell variables", size(MAX_VARIABLES)),
            Limit::Packets => write!(f, "{MAX_PACKETS} connections in one command line"),
            Limit::Work => write!(f, "the work one command line may do"),
            Limit::Read => write!(f, "{} of input to one command", size(MAX_VALUE)),
            Limit::Text => write!(f, "{} in one command text", size(MAX_INPUT)),
            Limit::Nesting => write!(f, "{MAX_NESTING} levels of nesting"),
        }
    }
}

impl Limit {
    /// The message a tool prints when it runs into this limit, after the
    /// tool's own prefix (`bash: `, `seq: `): what happened, and that it is
    /// the simulator's limit, not the real tool's.
    pub fn message(self, context: &str) -> String {
        let what = match self {
            Limit::Commands => "the command line stopped".to_string(),
            Limit::Output => "the rest of the output was not kept".to_string(),
            Limit::Work => "the command line stopped".to_string(),
            // bash's words for its own nesting limits (functions, eval).
            Limit::Nesting => "maximum nesting level exceeded".to_string(),
            _ => "too large".to_string(),
        };
        let context = if context.is_empty() {
            String::new()
        } else {
            format!("{context}: ")
        };
        format!("{context}{what}: over servicelab's limit of {self}\n")
    }
}

/// The budget of the line being run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    commands: u32,
    packets: u32,
    work: u64,
    /// The limit the line ran into; once set, everything stops.
    exhausted: Option<Limit>,
    /// Its message was printed (once a line).
    reported: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::fresh()
    }
}

impl Budget {
    /// A whole budget, for a new top-level line.
    pub fn fresh() -> Budget {
        Budget {
            commands: MAX_COMMANDS,
            packets: MAX_PACKETS,
            work: MAX_WORK,
            exhausted: None,
            reported: false,
        }
    }

    /// A budget with only `units` of work left, for tests of what stops.
    #[cfg(test)]
    pub fn with_work(units: u64) -> Budget {
        Budget {
            work: units,
            ..Budget::fresh()
        }
    }

    /// The limit the line ran into, if it did.
    pub fn exhausted(&self) -> Option<Limit> {
        self.exhausted
    }

    /// Marks the line as stopped by `limit` (the first limit wins).
    pub fn exhaust(&mut self, limit: Limit) -> Limit {
        *self.exhausted.get_or_insert(limit)
    }

    /// Stops the line at `limit` (if nothing stopped it yet). True the first
    /// time in a line, when the caller prints the limit's message.
    pub fn stop(&mut self, limit: Limit) -> bool {
        self.exhaust(limit);
        !std::mem::replace(&mut self.reported, true)
    }

    /// One more simple command.
    pub fn command(&mut self) -> Result<(), Limit> {
        if let Some(l) = self.exhausted {
            return Err(l);
        }
        if self.commands == 0 {
            return Err(self.exhaust(Limit::Commands));
        }
        self.commands -= 1;
        self.work(COMMAND_COST)
    }

    /// `n` more connections or probes.
    pub fn packets(&mut self, n: u32) -> Result<(), Limit> {
        if let Some(l) = self.exhausted {
            return Err(l);
        }
        if n > self.packets {
            self.packets = 0;
            return Err(self.exhaust(Limit::Packets));
        }
        self.packets -= n;
        self.work(u64::from(n) * PACKET_COST)
    }

    /// `units` more work.
    pub fn work(&mut self, units: u64) -> Result<(), Limit> {
        if let Some(l) = self.exhausted {
            return Err(l);
        }
        if units > self.work {
            self.work = 0;
            return Err(self.exhaust(Limit::Work));
        }
        self.work -= units;
        Ok(())
    }

    /// Work left, for an algorithm that counts its own steps.
    pub fn work_left(&self) -> u64 {
        if self.exhausted.is_some() {
            0
        } else {
            self.work
        }
    }

    /// A value of `len` bytes may be held.
    pub fn value(len: usize) -> Result<(), Limit> {
        if len > MAX_VALUE {
            Err(Limit::Value)
        } else {
            Ok(())
        }
    }
}

/// The limits, as `servicelab shell --help` and `help` list them.
pub fn limits_help() -> String {
    format!(
        "\
Limits of one command line (servicelab's, not bash's; a lesson never meets them):
  {MAX_COMMANDS} commands (each turn of a loop counts), {MAX_PACKETS} connections,
  {} in one value (a word, a variable, a here-document, what $(...) captures),
  {MAX_WORDS} words from one expansion, {MAX_NESTING} levels of brace nesting,
  {} of output, {} of variables, {} in one command text,
  {} of files on all hosts (then: No space left on device),
  and under a second of work. Over a limit, the line stops with a message
  naming it, and the shell goes on.
",
        size(MAX_VALUE),
        size(MAX_OUTPUT),
        size(MAX_VARIABLES),
        size(MAX_INPUT),
        size(MAX_FILES),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_limit_wins_and_everything_stops() {
        let mut b = Budget::fresh();
        assert_eq!(b.packets(MAX_PACKETS + 1), Err(Limit::Packets));
        assert_eq!(b.command(), Err(Limit::Packets));
        assert_eq!(b.work(1), Err(Limit::Packets));
        assert_eq!(b.exhausted(), Some(Limit::Packets));
    }

    #[test]
    fn commands_run_out() {
        let mut b = Budget::fresh();
        for _ in 0..MAX_COMMANDS {
            b.command().unwrap();
        }
        assert_eq!(b.command(), Err(Limit::Commands));
    }

    #[test]
    fn messages_name_the_limit() {
        assert_eq!(
            Limit::Value.message("x"),
            "x: too large: over servicelab's limit of 1 MiB in one value\n"
        );
        assert_eq!(
            Limit::Commands.message(""),
            "the command line stopped: over servicelab's limit of 10000 commands in one command line\n"
        );
    }
}
