//! DOM helpers shared by the wasm component tests (`tests/web_*.rs`).

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventInit, HtmlInputElement};
use yew::scheduler::flush;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The course the component tests play: the lessons in
/// `tests/fixtures/lessons` (fixed, so that rewriting the real course does
/// not move the page's tests), made into course data as `servicelab build`
/// makes it.
pub fn install_course() {
    use servicelab::engine::lesson::{course::Course, parse_lesson};
    const FILES: &[(&str, &str)] = &[
        (
            "tests/fixtures/lessons/01-the-world.md",
            include_str!("../fixtures/lessons/01-the-world.md"),
        ),
        (
            "tests/fixtures/lessons/02-nodeport.md",
            include_str!("../fixtures/lessons/02-nodeport.md"),
        ),
        (
            "tests/fixtures/lessons/03-many-pods.md",
            include_str!("../fixtures/lessons/03-many-pods.md"),
        ),
        (
            "tests/fixtures/lessons/04-clusterip.md",
            include_str!("../fixtures/lessons/04-clusterip.md"),
        ),
        (
            "tests/fixtures/lessons/05-loadbalancer-cloud.md",
            include_str!("../fixtures/lessons/05-loadbalancer-cloud.md"),
        ),
        (
            "tests/fixtures/lessons/06-loadbalancer-bare-metal.md",
            include_str!("../fixtures/lessons/06-loadbalancer-bare-metal.md"),
        ),
        (
            "tests/fixtures/lessons/07-when-it-goes-wrong.md",
            include_str!("../fixtures/lessons/07-when-it-goes-wrong.md"),
        ),
    ];
    let lessons = FILES.iter().map(|(path, text)| {
        (
            parse_lesson(path, text).expect("fixture lessons parse"),
            *text,
        )
    });
    servicelab::ui::catalog::install(&Course::new(lessons).to_json());
}

/// A fresh element in the page to mount one app into (with the test course).
pub fn fresh_root() -> Element {
    install_course();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

pub fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

pub fn input(root: &Element) -> HtmlInputElement {
    find(root, "#terminal-input").dyn_into().unwrap()
}

/// Types `line` into the terminal the way a browser reports typing.
pub async fn type_text(root: &Element, line: &str) {
    let input = input(root);
    input.set_value(line);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    flush().await;
}

/// Lets the page finish what it does right after a command's output: judge
/// the step's goals (in the next task) and draw the packet's path (once the
/// output's frame is painted). Waits for one frame and a zero-delay turn of
/// the event loop, never for time to pass.
pub async fn settle() {
    flush().await;
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    gloo_timers::future::TimeoutFuture::new(0).await;
    flush().await;
}

/// The first button (or link) whose text or aria-label is `label`.
pub fn control(root: &Element, label: &str) -> web_sys::HtmlElement {
    let all = root.query_selector_all("button, a").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|e| {
            e.get_attribute("aria-label").as_deref() == Some(label)
                || e.text_content().unwrap_or_default().trim() == label
        })
        .unwrap_or_else(|| panic!("no button or link {label:?}"))
}

/// Clicks `control(root, label)` and lets the page settle.
pub async fn click(root: &Element, label: &str) {
    control(root, label).click();
    settle().await;
}
