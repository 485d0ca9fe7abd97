//! A panic must never leave a silently dead page. The hook logs it to the
//! console (console_error_panic_hook) and puts a banner at the top of the
//! page, built with plain DOM calls: after a panic Yew cannot render.

use std::panic::PanicHookInfo;

/// The banner's id, for styles and tests.
pub const BANNER_ID: &str = "panic-banner";

/// Installs the hook. Through Yew's own setter, because `Renderer::render`
/// replaces any hook that was not set that way.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(on_panic));
}

fn on_panic(info: &PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    let what = match (
        info.payload().downcast_ref::<&str>(),
        info.payload().downcast_ref::<String>(),
    ) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "an unknown error".to_string(),
    };
    let place = info
        .location()
        .map(|l| format!(" (at {}:{})", l.file(), l.line()))
        .unwrap_or_default();
    show(&format!("{what}{place}"));
}

/// Shows (or updates) the banner saying servicelab stopped and why. Does
/// nothing when there is no document; never panics itself, since it runs
/// inside the panic hook.
pub fn show(what: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let banner = match document.get_element_by_id(BANNER_ID) {
        Some(existing) => existing,
        None => {
            let Ok(banner) = document.create_element("div") else {
                return;
            };
            banner.set_id(BANNER_ID);
            let _ = banner.set_attribute("role", "alert");
            let _ = banner.set_attribute("class", "panic-banner");
            // Before Yew's nodes, so it is the first thing seen and read.
            let _ = body.insert_before(&banner, body.first_child().as_ref());
            banner
        }
    };
    banner.set_text_content(Some(&format!(
        "servicelab stopped working because of an internal error: {what}. \
         The page restarts with your work, leaving out what was running."
    )));
}
