//! The session's state as data: where it started and what the student did
//! since. A session is a pure function of this [`Record`], so saving it,
//! undoing, resetting and sharing are all "write the record, replay it".
//!
//! The record is plain text, one item per line, so that a saved state is
//! readable in the browser's storage inspector and a damaged one can be
//! replayed as far as it still reads:
//!
//! ```text
//! servicelab 1
//! lesson 02-nodeport 1a2b3c4d       (or: preview FINGERPRINT, sandbox NODES CLOUD SEED)
//! start 2
//! done 1                             (steps already done, optional)
//! given 3                            (of those, steps already so when opened, optional)
//! shared                             (the world came from a share link, optional)
//! run kubectl apply -f myapp-service.yaml
//! apply myapp-service.yaml\tapiVersion: v1\nkind: Service…
//! save myapp-service.yaml\tapiVersion: v1\nkind: Service…
//! goto 3
//! wait 8200                          (ms the student took before the next act)
//! ```
//!
//! Fields escape `\`, newline and tab as `\\`, `\n` and `\t`. A share link
//! carries the same text in base64url.

use crate::engine::encoding::{base64url_nopad_decode, base64url_nopad_encode};
use crate::engine::time::Millis;
use crate::engine::world::Cni;
use crate::engine::WorldOptions;

const MAGIC: &str = "servicelab 1";

/// One thing the student did that changes the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// A command line ran (heredocs included: one act, several lines).
    Run(String),
    /// A line abandoned with Ctrl+C.
    Interrupt(String),
    /// Ctrl+L.
    Clear,
    /// The editor saved `text` as `file` on the laptop and ran
    /// `kubectl apply -f file`.
    Apply { file: String, text: String },
    /// The editor saved `text` as `file` on the terminal's host.
    Save { file: String, text: String },
    /// Moved to step `n` (1-based), keeping the world as it is.
    Goto(usize),
    /// The student answered quiz `quiz` (0-based, in reading order) of step
    /// `step` with choice `choice` (0-based). Changes nothing in the world.
    Answer {
        step: usize,
        quiz: usize,
        choice: usize,
    },
    /// This much real time (ms) passed before the next act: the simulated
    /// clock moves by it, so a replay sees the cluster as the student did.
    Wait(Millis),
    /// The editor `kubectl edit` opened was saved and closed with `text`
    /// (the text as opened when the student quit without saving).
    EditDone(String),
}

impl Act {
    /// Whether "undo" takes this back: commands, saves and applies, not moves.
    pub fn is_command(&self) -> bool {
        matches!(
            self,
            Act::Run(_) | Act::Apply { .. } | Act::Save { .. } | Act::EditDone(_)
        )
    }
}

/// Which world a record starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A built-in lesson, by id, with the fingerprint of its text when saved.
    Lesson { id: String, fingerprint: u32 },
    /// The lesson file an author opened from disk (saved beside the record).
    Preview { fingerprint: u32 },
    /// A free world.
    Sandbox(WorldOptions),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub origin: Origin,
    /// The step whose start the acts are replayed from (1-based; 0 in a sandbox).
    pub start_step: usize,
    /// Steps already done (their checks all passed at some point).
    pub done: Vec<usize>,
    /// Of those, the steps that were already so when opened.
    pub given: Vec<usize>,
    /// The world came from someone's share link (the student's own work on
    /// the lesson is kept aside, see `opening::swap_stash`).
    pub shared: bool,
    pub acts: Vec<Act>,
}

/// A record read back, as far as it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub record: Record,
    /// Why reading stopped early (the acts before it are kept).
    pub problem: Option<String>,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            other => return Err(format!("a bad escape `\\{}`", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

pub fn encode(record: &Record) -> String {
    let mut out = format!("{MAGIC}\n");
    match &record.origin {
        Origin::Lesson { id, fingerprint } => {
            out.push_str(&format!("lesson {} {fingerprint:08x}\n", escape(id)))
        }
        Origin::Preview { fingerprint } => out.push_str(&format!("preview {fingerprint:08x}\n")),
        // The CNI only when it is not the default, so older records read
        // the same.
        // (and `gateway` only when installed).
        Origin::Sandbox(o) => out.push_str(&format!(
            "sandbox {} {} {}{}{}\n",
            o.nodes,
            u8::from(o.cloud),
            o.seed,
            match o.cni {
                Cni::Flannel => String::new(),
                other => format!(" {}", other.name()),
            },
            if o.gateway { " gateway" } else { "" }
        )),
    }
    out.push_str(&format!("start {}\n", record.start_step));
    if !record.done.is_empty() {
        let done: Vec<String> = record.done.iter().map(usize::to_string).collect();
        out.push_str(&format!("done {}\n", done.join(" ")));
    }
    if !record.given.is_empty() {
        let given: Vec<String> = record.given.iter().map(usize::to_string).collect();
        out.push_str(&format!("given {}\n", given.join(" ")));
    }
    if record.shared {
        out.push_str("shared\n");
    }
    for act in &record.acts {
        match act {
            Act::Run(line) => out.push_str(&format!("run {}\n", escape(line))),
            Act::Interrupt(line) => out.push_str(&format!("interrupt {}\n", escape(line))),
            Act::Clear => out.push_str("clear\n"),
            Act::Apply { file, text } => {
                out.push_str(&format!("apply {}\t{}\n", escape(file), escape(text)))
            }
            Act::Save { file, text } => {
                out.push_str(&format!("save {}\t{}\n", escape(file), escape(text)))
            }
            Act::Goto(n) => out.push_str(&format!("goto {n}\n")),
            Act::Answer { step, quiz, choice } => {
                out.push_str(&format!("answer {step} {quiz} {choice}\n"))
            }
            Act::Wait(ms) => out.push_str(&format!("wait {ms}\n")),
            Act::EditDone(text) => out.push_str(&format!("edit-done {}\n", escape(text))),
        }
    }
    out
}

fn act(line: &str) -> Result<Act, String> {
    let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
    Ok(match tag {
        "run" => Act::Run(unescape(rest)?),
        "interrupt" => Act::Interrupt(unescape(rest)?),
        "clear" => Act::Clear,
        "apply" => {
            let (file, text) = rest.split_once('\t').ok_or("an apply without its text")?;
            Act::Apply {
                file: unescape(file)?,
                text: unescape(text)?,
            }
        }
        "save" => {
            let (file, text) = rest.split_once('\t').ok_or("a save without its text")?;
            Act::Save {
                file: unescape(file)?,
                text: unescape(text)?,
            }
        }
        "goto" => Act::Goto(
            rest.parse()
                .map_err(|_| format!("a bad step number `{rest}`"))?,
        ),
        "answer" => {
            let n: Vec<usize> = rest
                .split(' ')
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map_err(|_| format!("a bad answer `{rest}`"))?;
            match n[..] {
                [step, quiz, choice] => Act::Answer { step, quiz, choice },
                _ => return Err(format!("a bad answer `{rest}`")),
            }
        }
        "wait" => Act::Wait(
            rest.parse()
                .map(crate::engine::time::millis)
                .map_err(|_| format!("a bad wait `{rest}`"))?,
        ),
        "edit-done" => Act::EditDone(unescape(rest)?),
        other => return Err(format!("an unknown entry `{other}`")),
    })
}

/// Reads a record. The header must be whole; the acts are read until the
/// first one that does not read, and `problem` says which.
pub fn decode(text: &str) -> Result<Decoded, String> {
    let mut lines = text.lines();
    if lines.next() != Some(MAGIC) {
        return Err("it is not a servicelab record (or from a newer version)".into());
    }
    let origin = match lines.next().map(|l| l.split(' ').collect::<Vec<_>>()) {
        Some(w) if w.len() == 3 && w[0] == "lesson" => Origin::Lesson {
            id: unescape(w[1])?,
            fingerprint: u32::from_str_radix(w[2], 16).map_err(|_| "a bad fingerprint")?,
        },
        Some(w) if w.len() == 2 && w[0] == "preview" => Origin::Preview {
            fingerprint: u32::from_str_radix(w[1], 16).map_err(|_| "a bad fingerprint")?,
        },
        Some(w) if (4..=6).contains(&w.len()) && w[0] == "sandbox" => {
            let bad = |what: &str| format!("a bad sandbox {what}");
            // After the seed: the CNI when not flannel, then `gateway`.
            let gateway = w.last() == Some(&"gateway") && w.len() > 4;
            let extra = &w[4..w.len() - usize::from(gateway)];
            if extra.len() > 1 {
                return Err(bad("network plugin"));
            }
            Origin::Sandbox(WorldOptions {
                nodes: w[1].parse().map_err(|_| bad("node count"))?,
                cloud: match w[2] {
                    "0" => false,
                    "1" => true,
                    _ => return Err(bad("cloud flag")),
                },
                seed: w[3].parse().map_err(|_| bad("seed"))?,
                cni: match extra.first() {
                    None => Cni::Flannel,
                    Some(name) => Cni::parse(name).ok_or_else(|| bad("network plugin"))?,
                },
                gateway,
            })
        }
        _ => return Err("its world is missing".into()),
    };
    let start_step = lines
        .next()
        .and_then(|l| l.strip_prefix("start "))
        .and_then(|n| n.parse().ok())
        .ok_or("its starting step is missing")?;
    let mut record = Record {
        origin,
        start_step,
        done: vec![],
        given: vec![],
        shared: false,
        acts: vec![],
    };
    let mut lines = lines.peekable();
    if let Some(done) = lines.peek().and_then(|l| l.strip_prefix("done ")) {
        record.done = done.split(' ').filter_map(|n| n.parse().ok()).collect();
        lines.next();
    }
    if let Some(given) = lines.peek().and_then(|l| l.strip_prefix("given ")) {
        record.given = given.split(' ').filter_map(|n| n.parse().ok()).collect();
        lines.next();
    }
    if lines.peek() == Some(&"shared") {
        record.shared = true;
        lines.next();
    }
    let mut problem = None;
    for (i, line) in lines.enumerate() {
        match act(line) {
            Ok(a) => record.acts.push(a),
            Err(e) => {
                problem = Some(format!("entry {} is {e}", i + 1));
                break;
            }
        }
    }
    Ok(Decoded { record, problem })
}

/// The record as a URL-safe string for a share link.
pub fn to_link(record: &Record) -> String {
    base64url_nopad_encode(encode(record).as_bytes())
}

pub fn from_link(payload: &str) -> Result<Decoded, String> {
    let bytes = base64url_nopad_decode(payload.trim().as_bytes())
        .ok_or_else(|| "the link is damaged (it is not base64url)".to_string())?;
    let text =
        String::from_utf8(bytes).map_err(|_| "the link is damaged (not text)".to_string())?;
    decode(&text)
}
