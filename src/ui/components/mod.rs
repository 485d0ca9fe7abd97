//! The page's function components, one per file. They draw what they are
//! given and report what the student did; the engine does everything else.

pub mod app;
pub mod author_panel;
pub mod editor;
pub mod home;
pub mod lesson_list;
pub mod lesson_view;
pub mod nav_link;
pub mod network_pane;
pub mod network_text;
pub mod scrollback;
pub mod step_bar;
pub mod terminal;
pub mod terminal_pane;
pub mod topology_view;
