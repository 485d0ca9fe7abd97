//! The page's places, as the part of the address after `#`:
//!
//! | address                          | place                                   |
//! |----------------------------------|-----------------------------------------|
//! | `#/` (or nothing)                | the lesson list, beside the article's world |
//! | `#/lessons/02-nodeport/2`        | a lesson at a step (`/2` optional: step 1) |
//! | `#/sandbox?nodes=3&cloud=1`      | a free world (`seed=` too)              |
//! | `#/preview/2`                    | the lesson file opened from disk, at a step |
//! | `#/share/PAYLOAD`                | a shared state (see [`super::codec`])   |
//!
//! A hand-written parser: five shapes do not need a router crate's weight.

use super::world_options;
use crate::engine::WorldOptions;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Lesson {
        id: String,
        step: usize,
    },
    Sandbox(WorldOptions),
    Preview {
        step: usize,
    },
    Share(String),
    /// An address this page does not know; shown as home, with a note.
    Unknown(String),
}

fn step_of(s: Option<&str>) -> Option<usize> {
    match s {
        None | Some("") => Some(1),
        Some(n) => n.parse().ok().filter(|n| *n >= 1),
    }
}

impl Route {
    /// Reads `location.hash` (with or without its `#`).
    pub fn parse(hash: &str) -> Route {
        let h = hash.strip_prefix('#').unwrap_or(hash);
        let h = h.strip_prefix('/').unwrap_or(h);
        if h.is_empty() {
            return Route::Home;
        }
        let unknown = || Route::Unknown(hash.to_string());
        let (path, query) = h.split_once('?').unwrap_or((h, ""));
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        match parts.as_slice() {
            ["lessons", id] | ["lessons", id, _] if !id.is_empty() => {
                match step_of(parts.get(2).copied()) {
                    Some(step) => Route::Lesson {
                        id: id.to_string(),
                        step,
                    },
                    None => unknown(),
                }
            }
            ["sandbox"] => match world_options::from_query(query) {
                Ok(o) => Route::Sandbox(o),
                Err(_) => unknown(),
            },
            ["preview"] | ["preview", _] => match step_of(parts.get(1).copied()) {
                Some(step) => Route::Preview { step },
                None => unknown(),
            },
            ["share", payload] if !payload.is_empty() => Route::Share(payload.to_string()),
            _ => unknown(),
        }
    }

    /// The address of this place, `#` included.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home | Route::Unknown(_) => "#/".to_string(),
            Route::Lesson { id, step } => format!("#/lessons/{id}/{step}"),
            Route::Sandbox(o) => {
                let d = WorldOptions::default();
                let mut q = vec![format!("nodes={}", o.nodes)];
                if o.cloud {
                    q.push("cloud=1".into());
                }
                if o.cni != d.cni {
                    q.push(format!("cni={}", o.cni.name()));
                }
                if o.gateway {
                    q.push("gateway=1".into());
                }
                if o.seed != d.seed {
                    q.push(format!("seed={}", o.seed));
                }
                format!("#/sandbox?{}", q.join("&"))
            }
            Route::Preview { step } => format!("#/preview/{step}"),
            Route::Share(p) => format!("#/share/{p}"),
        }
    }
}
