//! The browser front end: a thin Yew layer over the engine.
//!
//! The page is one [`state::State`] changed only by its pure `reduce`. A
//! session is a pure function of where it started (a lesson's step, or a
//! free world) and what the student did since (the [`codec::Act`] log), so
//! saving, reloading, undo, reset and share links all replay a log. The
//! state holds the session behind `Rc`: only an action that changes the
//! world copies it. The function components draw the state (one per file
//! in [`components`]); the effects are named hooks in [`hooks`]:
//!
//! ```text
//! App ─ owns the State (use_reducer); lays out the panes (phones: one at a time)
//! ├── Home ─ the first screen: one line, one way in, the course (LessonList)
//! ├── LessonView ─ objectives, steps, text with Run buttons, files, goals,
//! │                before/after, quiz, hints, solution, the finished lesson
//! ├── TerminalPane ─ tabs: the Terminal and the Editor (vi FILE opens it)
//! │   ├── Terminal ─ prompt and input (keys: crate::line_editor), Scrollback
//! │   └── Editor ─ a manifest with line numbers; Save, Apply
//! └── NetworkPane ─ the picture (TopologyView, NetworkText) and the packet:
//!                   its hops, a card per hop, the netfilter walk; Compare
//! ```
//!
//! Pure helpers sit beside the components: [`catalog`] (the lessons built
//! in), [`codec`] (the log as text and links), [`route`] (the address),
//! [`opening`] (a place and its saved work → a state to open), [`prose`]
//! (lesson text to nodes), [`files`] (the manifests a step mentions),
//! [`yaml_lines`] (where an error points in a manifest), [`layout`] (where
//! each host, wire and Service of the picture goes), [`packet_path`] (what
//! a trace crossed), [`share`], [`storage`] (localStorage) and
//! [`world_options`] (the world the page address asks for). Nothing here
//! knows about networking: every answer, every word about a packet, and
//! Tab completion come from the engine.

pub mod authoring;
pub mod catalog;
pub mod codec;
pub mod components;
pub mod crash_guard;
pub mod files;
pub mod hooks;
pub mod judging;
pub mod layout;
pub mod opening;
pub mod packet_path;
pub mod panic_banner;
pub mod prose;
pub mod publish;
pub mod route;
pub mod share;
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
    // The course data sits in <body>, after the prerendered first screen
    // (so that the screen is painted before the data has arrived), and
    // mounting empties <body>: it goes to <head>, where it stays readable.
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let (Some(course), Some(head)) = (
            document.get_element_by_id(crate::engine::lesson::course::ELEMENT_ID),
            document.head(),
        ) {
            let _ = head.append_child(&course);
        }
    }
    yew::Renderer::<App>::with_props(AppProps {
        options,
        route: None,
        store: Some(storage::Store::new(STORE_PREFIX)),
    })
    .render();
}
