//! The browser front end: a thin Yew layer over the engine.
//!
//! The page is one [`state::State`] changed only by its pure `reduce`, and a
//! few function components that draw it (one per file in [`components`]):
//!
//! ```text
//! App ─ owns the State (use_reducer)
//! ├── Terminal ─ prompt, input line, Up/Down recall (history)
//! │   └── Scrollback ─ the role="log" region: what a terminal would show
//! ├── TopologyView ─ the SVG picture of the world and the last packet's path
//! │   └── NetworkText ─ the same picture as a list, for everyone who cannot see it
//! └── TracePanel ─ the last packet's summary and its hops as text
//! ```
//!
//! Pure helpers sit beside the components: [`layout`] (where each host and
//! wire of the picture goes), [`packet_path`] (what a trace crossed),
//! [`history`] (bash-style recall) and [`world_options`] (the world the page
//! address asks for). Nothing here knows about networking: every answer comes
//! from the engine.

pub mod components;
pub mod history;
pub mod layout;
pub mod packet_path;
pub mod panic_banner;
pub mod state;
pub mod world_options;

use components::app::{App, AppProps};

/// Starts the page: installs the panic hook first (so even a panic while
/// mounting is shown), then mounts [`App`] on `<body>`.
pub fn start() {
    panic_banner::install();
    let options = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|query| world_options::from_query(&query))
        .unwrap_or_else(|| Ok(Default::default()));
    yew::Renderer::<App>::with_props(AppProps { options }).render();
}
