//! The browser front end: a thin Yew layer over the engine.
//!
//! The page is one [`state::State`] changed only by its pure `reduce`. A
//! session is a pure function of where it started (a lesson's step, or a
//! free world) and what the student did since (the [`codec::Act`] log), so
//! saving, reloading, undo, reset and share links all replay a log. The
//! function components draw the state (one per file in [`components`]):
//!
//! ```text
//! App ─ owns the State (use_reducer); follows the address (route), saves the log (storage)
//! ├── LessonList ─ the course, the sandbox form, a lesson file to preview (authors)
//! ├── LessonView ─ a lesson: steps, text with Run/Edit buttons, goals, before/after, hints, solution
//! ├── Terminal ─ prompt, input line, history, completion, heredocs, simulated time
//! │   └── Scrollback ─ the role="log" region: what a terminal would show
//! ├── Editor ─ a manifest with line numbers; Apply goes through kubectl apply
//! ├── TopologyView ─ the SVG picture of the world and the last packet's path
//! │   └── NetworkText ─ the same picture as a list, for everyone who cannot see it
//! └── TracePanel ─ the last packet's summary, its hops, and stepping hop by hop
//! ```
//!
//! Pure helpers sit beside the components: [`catalog`] (the lessons built
//! in), [`codec`] (the log as text and links), [`route`] (the address),
//! [`opening`] (a place and its saved work → a state to open), [`prose`]
//! (lesson text to nodes), [`completion`] (Tab), [`yaml_lines`] (where an
//! error points in a manifest), [`layout`] (where each host and wire of the
//! picture goes), [`packet_path`] (what a trace crossed), [`history`]
//! (bash-style recall), [`storage`] (localStorage) and [`world_options`]
//! (the world the page address asks for). Nothing here knows about
//! networking: every answer comes from the engine.

pub mod catalog;
pub mod codec;
pub mod completion;
pub mod components;
pub mod crash_guard;
pub mod history;
pub mod layout;
pub mod opening;
pub mod packet_path;
pub mod panic_banner;
pub mod prose;
pub mod route;
pub mod state;
pub mod storage;
pub mod world_options;
pub mod yaml_lines;

use components::app::{App, AppProps};

/// Where the real page keeps students' work in localStorage.
pub const STORE_PREFIX: &str = "servicelab";

/// Starts the page: installs the panic hook first (so even a panic while
/// mounting is shown), then mounts [`App`] on `<body>`, following the page
/// address and saving the student's work.
pub fn start() {
    panic_banner::install();
    let options = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|query| world_options::from_query(&query))
        .unwrap_or_else(|| Ok(Default::default()));
    yew::Renderer::<App>::with_props(AppProps {
        options,
        route: None,
        store: Some(storage::Store::new(STORE_PREFIX)),
    })
    .render();
}
