//! servicelab's front ends. The engine lives in the `servicelab-engine`
//! crate; this crate only adapts it to a browser page (`ui`, wasm32 only).

pub use servicelab_engine as engine;

pub mod line_editor;
/// Lesson prose as markup, for the page and the prerendered first screen.
pub mod markup;
/// The first screen `servicelab build` writes into the page.
pub mod prerender;
pub mod prose_tree;
/// A zip writer: the authors' page publishes a site as one download.
pub mod zip;

#[cfg(target_arch = "wasm32")]
pub mod ui;
