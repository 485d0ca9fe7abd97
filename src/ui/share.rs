//! Share links: the record of the state, as a link that replays it.

use super::codec::{self, Origin, Record};
use super::route::Route;
use super::state::{Scope, State};
use crate::engine::WorldOptions;

/// The record a share link carries: the home page's scratch world is shared
/// as a sandbox.
pub fn share_record(state: &State) -> Record {
    state.record().unwrap_or_else(|| Record {
        origin: Origin::Sandbox(match &state.scope {
            Scope::Sandbox { options, .. } => *options,
            Scope::Lesson { .. } => WorldOptions::default(),
        }),
        start_step: 0,
        done: vec![],
        given: vec![],
        shared: false,
        acts: (*state.log).clone(),
    })
}

/// The page's address with the state's share link as its place.
pub fn share_url(state: &State) -> String {
    let payload = codec::to_link(&share_record(state));
    let base = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!(
                "{}{}{}",
                l.origin().ok()?,
                l.pathname().ok()?,
                l.search().ok()?
            ))
        })
        .unwrap_or_default();
    format!("{base}{}", Route::Share(payload).to_hash())
}
