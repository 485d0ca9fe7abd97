//! The page survives what the engine cannot. The engine's budgets keep
//! every command within bounded memory and time, but a failed allocation or
//! a bug would trap the wasm instance, and a trapped instance is dead: its
//! state is torn mid-update and every later call fails.
//!
//! So before the page lets the engine do something that changes the
//! student's world, it writes down what it is about to do (`mark`), and once
//! the result is saved it rubs that out (`clear`). If the instance traps in
//! between, the page's script (`index.html`) sees the `RuntimeError`, says
//! so, and reloads the page. On the way back up, [`take`] finds the mark:
//! the command that was running is left out of the replayed work (it was
//! never saved), and the student is told which one and why. A replay that
//! traps is replayed again one act at a time, each marked, so the next
//! reload knows exactly which act to leave out. Nothing else is lost, and
//! the same freeze is never replayed.

use super::storage::Store;

/// The storage name of the mark for the work under `key`: one per piece of
/// work, so a crash in one lesson is still known when another is opened.
pub fn mark_key(key: &str) -> String {
    format!("inflight/{key}")
}

/// What the engine was doing when the mark was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doing {
    /// A live act: the `index`th of the record (not yet saved), its text.
    Act { index: usize, what: String },
    /// Replaying the whole saved record of the key.
    Replay,
    /// Replaying act `index` of the record, one act at a time.
    ReplayAct { index: usize, what: String },
}

/// A mark: the storage key of the work concerned (`lesson/02-nodeport`,
/// `scratch`…) and what was being done with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub key: String,
    pub doing: Doing,
}

const MAGIC: &str = "servicelab-inflight 1";

/// The first line of a command, shortened: what a mark keeps of it.
pub fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(200).collect()
}

impl Mark {
    pub fn encode(&self) -> String {
        match &self.doing {
            Doing::Act { index, what } => {
                format!("{MAGIC}\n{}\nact {index}\n{}", self.key, one_line(what))
            }
            Doing::Replay => format!("{MAGIC}\n{}\nreplay", self.key),
            Doing::ReplayAct { index, what } => {
                format!(
                    "{MAGIC}\n{}\nreplay-act {index}\n{}",
                    self.key,
                    one_line(what)
                )
            }
        }
    }

    pub fn decode(text: &str) -> Option<Mark> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let key = lines.next()?.to_string();
        let (tag, n) = lines.next().map(|l| l.split_once(' ').unwrap_or((l, "")))?;
        let what = lines.next().unwrap_or("").to_string();
        let doing = match tag {
            "act" => Doing::Act {
                index: n.parse().ok()?,
                what,
            },
            "replay" => Doing::Replay,
            "replay-act" => Doing::ReplayAct {
                index: n.parse().ok()?,
                what,
            },
            _ => return None,
        };
        Some(Mark { key, doing })
    }

    /// What the student is told when the page comes back.
    pub fn notice(&self) -> String {
        match &self.doing {
            Doing::Act { what, .. } | Doing::ReplayAct { what, .. } => format!(
                "The simulator stopped while running `{what}` (it needed more memory than the page has, or hit a fault) and the page restarted. That command was left out; everything else you did is here."
            ),
            Doing::Replay => "The simulator stopped while replaying your saved work and the page restarted; it is replayed once more, step by step, to find the command at fault.".to_string(),
        }
    }
}

/// Writes the mark before the engine starts.
pub fn mark(store: &Store, mark: &Mark) {
    store.save(&mark_key(&mark.key), &mark.encode());
}

/// Rubs out the mark of the work under `key` once its result is saved.
pub fn clear(store: &Store, key: &str) {
    store.remove(&mark_key(key));
}

/// The mark a trapped instance left on the work under `key`, if any; it is
/// rubbed out (what it says is acted on now).
pub fn take_for(store: &Store, key: &str) -> Option<Mark> {
    let text = store.load(&mark_key(key))?;
    clear(store, key);
    Mark::decode(&text).filter(|m| m.key == key)
}
