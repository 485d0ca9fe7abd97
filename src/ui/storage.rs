//! Saved progress in the browser's localStorage, behind the smallest
//! wrapper that works: text in, text out, and every failure (storage
//! disabled, full, or holding something else) is "nothing saved". The
//! values are [`super::codec`] records; gloo-storage does the browser part.

use gloo_storage::{LocalStorage, SessionStorage, Storage};

/// Where one kind of state is kept. `prefix` separates apps sharing an
/// origin (and tests from each other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    prefix: String,
}

impl Store {
    pub fn new(prefix: &str) -> Store {
        Store {
            prefix: prefix.to_string(),
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}/{name}", self.prefix)
    }

    pub fn load(&self, name: &str) -> Option<String> {
        LocalStorage::get::<String>(self.key(name)).ok()
    }

    pub fn save(&self, name: &str, value: &str) {
        // A full or disabled storage only means the work is not kept.
        let _ = LocalStorage::set(self.key(name), value);
    }

    pub fn remove(&self, name: &str) {
        LocalStorage::delete(self.key(name));
    }

    /// The work this tab shows a shared world in, if a share link opened
    /// one here (sessionStorage: a reload keeps it, another tab has none).
    pub fn shared_view(&self) -> Option<String> {
        SessionStorage::get::<String>(self.key(SHARED_VIEW_KEY)).ok()
    }

    pub fn set_shared_view(&self, work_key: Option<&str>) {
        match work_key {
            Some(k) => {
                let _ = SessionStorage::set(self.key(SHARED_VIEW_KEY), k);
            }
            None => SessionStorage::delete(self.key(SHARED_VIEW_KEY)),
        }
    }
}

/// Where a tab notes the work it opened a share link over.
const SHARED_VIEW_KEY: &str = "shared-view";

/// The name a lesson's progress is saved under.
pub fn lesson_key(id: &str) -> String {
    format!("lesson/{id}")
}

pub const SANDBOX_KEY: &str = "sandbox";
/// The home page's scratch terminal: not offered back on a new visit, but
/// replayed after a crash so that nothing typed is lost.
pub const SCRATCH_KEY: &str = "scratch";
/// The record of the previewed lesson file…
pub const PREVIEW_KEY: &str = "preview";
/// …and the file itself: its name, a newline, its text.
pub const PREVIEW_FILE_KEY: &str = "preview-file";
