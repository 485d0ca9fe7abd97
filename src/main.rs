//! `servicelab`: in the browser, the tutorial (see `ui`); natively, the same
//! engine in a terminal (see `cli`).

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod site;

#[cfg(target_arch = "wasm32")]
fn main() {
    servicelab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main());
}
