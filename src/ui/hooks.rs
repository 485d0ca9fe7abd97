//! The page's effects, one named hook each (Yew's `function_todomvc`
//! keeps them so): following the address bar, saving the work, judging the
//! goals after a command's output is painted, drawing the picture a frame
//! later, warming the engine up, and marking each action for the crash
//! guard. Everything they change goes through the reducer.

use super::codec;
use super::crash_guard::{self, Doing};
use super::route::Route;
use super::state::{Action, State};
use super::storage::Store;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The part of the page address after `#`, `#` included ("" for none).
fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Where the page address says to be.
pub fn location_route() -> Route {
    Route::parse(&location_hash())
}

/// Puts `route` in the address bar without reloading (and without a
/// `hashchange`): a new history entry, or a replacement of the current one.
fn show_route(route: &Route, replace: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let hash = route.to_hash();
    let _ = if replace {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash))
    } else {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash))
    };
}

/// The address bar: followed when it changes (back, forward, a typed
/// address, a link), and kept showing where the page is, also after a share
/// link opened over the same lesson and step (a reload would open it again).
///
/// The browser changes the address at once but tells the page a task later
/// (`hashchange`). A render in between (the goals are judged a moment after
/// each command) would see an address the page has not followed yet and
/// write the page's place over it, and the link would be lost. So the page
/// keeps the address it last followed or wrote, and puts its place in the
/// address bar only while the address is still that one.
#[hook]
pub fn use_address(follow: bool, route: Route, revision: u64, navigate: Callback<Route>) {
    let known = use_mut_ref(location_hash);
    {
        let known = known.clone();
        use_effect_with(follow, move |follow| {
            let listener = follow.then(|| {
                web_sys::window().map(|w| {
                    gloo_events::EventListener::new(&w, "hashchange", move |_| {
                        *known.borrow_mut() = location_hash();
                        navigate.emit(location_route())
                    })
                })
            });
            move || drop(listener)
        });
    }
    use_effect_with((route, revision), move |(route, _)| {
        let hash = location_hash();
        if !follow || hash != *known.borrow() {
            // Not followed yet: its `hashchange` is on its way.
            return;
        }
        let here = Route::parse(&hash);
        if here != *route {
            show_route(route, matches!(here, Route::Share(_) | Route::Unknown(_)));
            *known.borrow_mut() = location_hash();
        }
    });
}

/// After the student moves to another step or lesson, the focus goes to its
/// title (the control they used may be gone), never at page load. Returns
/// the flag a navigation sets.
#[hook]
pub fn use_focus_title(route: Route, revision: u64) -> Rc<RefCell<bool>> {
    let flag = use_mut_ref(|| false);
    {
        let flag = flag.clone();
        use_effect_with((route, revision), move |_| {
            if std::mem::take(&mut *flag.borrow_mut()) {
                let document = web_sys::window().and_then(|w| w.document());
                let title = document.and_then(|d| {
                    d.get_element_by_id("step-title")
                        .or_else(|| d.get_element_by_id("lesson-pane-heading"))
                });
                if let Some(title) = title {
                    focus_without_scrolling(&title);
                }
            }
        });
    }
    flag
}

/// Focuses an element without the browser scrolling the page to it.
pub fn focus_without_scrolling(element: &web_sys::Element) {
    if let Ok(e) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element.clone()) {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = e.focus_with_options(&options);
    }
}

/// Focuses the element with this id, without scrolling the page.
pub fn focus_id(id: &str) {
    if let Some(e) = element_by_id(id) {
        focus_without_scrolling(&e);
    }
}

fn element_by_id(id: &str) -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
}

thread_local! {
    /// The element [`focus_after_render`] was asked for, until it is shown.
    static PENDING_FOCUS: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Gives the element with this id the focus after the first render that
/// has it on screen (a tab brought forward, a form opened, an answer's
/// feedback drawn). A timer cannot do this: Yew yields to the browser (a
/// 0 ms timeout) when a render runs past its 16 ms slice, which a loaded
/// machine does, so a timer set before the render can fire first and find
/// the element hidden or absent. The components that draw such elements
/// call [`use_pending_focus`].
pub fn focus_after_render(id: &str) {
    PENDING_FOCUS.with(|p| *p.borrow_mut() = Some(id.to_string()));
}

/// After each render of the component that calls it, gives the focus
/// [`focus_after_render`] asked for, once its element is on screen. The
/// element may be drawn by a component created in that render (an
/// answered quiz's card is a new one), so the request is the page's, not
/// the component's.
#[hook]
pub fn use_pending_focus() {
    use_effect(|| {
        let Some(id) = PENDING_FOCUS.with(|p| p.borrow().clone()) else {
            return;
        };
        let shown = element_by_id(&id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            // `hidden` (display: none) leaves an element no box.
            .filter(|e| e.offset_width() > 0 || e.offset_height() > 0);
        if let Some(e) = shown {
            PENDING_FOCUS.with(|p| p.borrow_mut().take());
            focus_without_scrolling(&e);
        }
    });
}

/// The goals and the before/after table are judged after a command's
/// output is on screen: in the next task, once the browser has painted.
#[hook]
pub fn use_judge_after_paint(dispatcher: UseReducerDispatcher<State>, revision: u64, stale: bool) {
    let timer = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    use_effect_with((revision, stale), move |(_, stale)| {
        if *stale {
            *timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(0, move || {
                dispatcher.dispatch(Action::Refresh)
            }));
        }
    });
}

/// The student's work, saved after every change; then the engine's work is
/// safe, and its crash mark goes.
#[hook]
pub fn use_saving(state: UseReducerHandle<State>, store: Option<Store>) {
    use_effect_with(state.revision, move |_| {
        if let Some(store) = store {
            let record = state
                .record()
                .unwrap_or_else(|| super::share::share_record(&state));
            store.save(&state.work_key(), &codec::encode(&record));
            crash_guard::clear(&store, &state.work_key());
        }
    });
}

/// What the page runs, unseen, on a copy of the world once it is up: a
/// connection that is answered, a packet that stops, and a Service applied.
const WARM_UP: &str = "curl -s -m 1 http://192.168.1.1 ; curl -s -m 1 http://10.244.0.2
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata:
  name: warm-up
spec:
  selector:
    app: warm-up
  ports:
  - port: 80
EOF
";

/// The browser compiles wasm lazily, a function on its first call: the
/// first packet a student sends, or the first manifest applied, would pay
/// several ms compiling the packet walk, curl, the YAML decoder and the API
/// server. A second after the page is up, [`WARM_UP`] runs on a throwaway
/// copy of the world (and its packet is told, for the cards) while the
/// student reads; nothing of it is kept or shown.
#[hook]
pub fn use_warm_up(state: UseReducerHandle<State>) {
    let timer = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    use_effect_with((), move |_| {
        *timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(1_000, move || {
            let mut copy = (*state.session).clone();
            let e = copy.run(WARM_UP);
            if let Some(trace) = e.trace {
                let _ = copy.story(&trace);
            }
        }));
    });
}

/// `value`, one painted frame late: what a command changes in the picture
/// (tens of new SVG nodes, the costliest layout of the page) is drawn once
/// the frame with its output is on screen. A timeout set from an
/// animation-frame callback runs after that frame's paint.
#[hook]
pub fn use_after_paint<T>(value: T) -> T
where
    T: Clone + PartialEq + 'static,
{
    let shown = use_state({
        let value = value.clone();
        move || value
    });
    {
        let shown = shown.clone();
        use_effect_with(value, move |now| {
            if *shown != *now {
                let now = now.clone();
                let draw = wasm_bindgen::closure::Closure::once_into_js(move || {
                    gloo_timers::callback::Timeout::new(0, move || shown.set(now)).forget();
                });
                if let Some(window) = web_sys::window() {
                    let _ =
                        window.request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&draw));
                }
            }
        });
    }
    (*shown).clone()
}

/// A dispatcher that first marks each action that runs the engine
/// (`crash_guard`); the mark is rubbed out once its result is saved.
#[hook]
pub fn use_guarded_actions(
    state: UseReducerHandle<State>,
    store: Option<Store>,
) -> Callback<Action> {
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let dispatcher = state.dispatcher();
    // The real time of the last act: the time between two acts passes in
    // the simulated cluster too (recorded, so that replays see the same).
    let last_act_at = use_mut_ref(js_sys::Date::now);
    use_callback((), move |action: Action, _| {
        if matches!(
            action,
            Action::Run(_) | Action::Apply { .. } | Action::Save { .. } | Action::EditDone(_)
        ) {
            let now = js_sys::Date::now();
            let waited = (now - *last_act_at.borrow()).max(0.0) as crate::engine::time::Millis;
            *last_act_at.borrow_mut() = now;
            if waited > 0 {
                dispatcher.dispatch(Action::Wait(waited));
            }
        }
        if let Some(store) = &store {
            let state = latest.borrow();
            let act = |what: String| {
                Some(Doing::Act {
                    index: state.log.len(),
                    what,
                })
            };
            let doing = match &action {
                Action::Run(line) => act(line.clone()),
                Action::Apply { file, .. } => act(format!("the editor's apply of {file}")),
                Action::Save { file, .. } => act(format!("the editor's save of {file}")),
                Action::EditDone(_) => act("the save of kubectl edit's editor".to_string()),
                Action::Undo | Action::ResetStep => Some(Doing::Replay),
                _ => None,
            };
            let key = match &action {
                Action::Open(o) => Some((o.scope.work_key(), Doing::Replay)),
                _ => doing.map(|d| (state.work_key(), d)),
            };
            if let Some((key, doing)) = key {
                let revision = state.revision;
                crash_guard::mark(
                    store,
                    &crash_guard::Mark {
                        key: key.clone(),
                        doing,
                    },
                );
                drop(state);
                // The reducer runs within `dispatch`: once it returns, the
                // engine is through. An action that changed nothing (an
                // Undo with nothing to undo, a second save of `kubectl
                // edit`) saves nothing, so nothing would rub its mark out,
                // and the next visit would report a crash that never was.
                dispatcher.dispatch(action);
                if latest.borrow().revision == revision {
                    crash_guard::clear(store, &key);
                }
                return;
            }
        }
        dispatcher.dispatch(action)
    })
}

/// Whether the student asked for less motion.
pub fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Whether the page is laid out as one pane at a time (a phone).
pub fn narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(max-width: 999px)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The room a picture's frame gives it, in CSS pixels, as it is laid out
/// and whenever it changes size (a window resized, a phone's pane shown).
/// On a phone the pane scrolls, so only the width counts. `None` until
/// measured, while the frame is hidden, or when not `enabled`.
#[hook]
pub fn use_room(frame: NodeRef, enabled: bool) -> Option<super::layout::Room> {
    let room = use_state_eq(|| None::<super::layout::Room>);
    {
        let room = room.clone();
        use_effect_with((frame, enabled), move |(frame, enabled)| {
            let element = frame.cast::<web_sys::Element>().filter(|_| *enabled);
            let observer = element.and_then(|el| {
                let measure = move || {
                    let (w, h) = (f64::from(el.client_width()), f64::from(el.client_height()));
                    if w < 1.0 {
                        return;
                    }
                    // A frame that takes its height from the picture (a
                    // phone, or a page without the stylesheet: the frame
                    // does not scroll) gives none, else the picture would
                    // fit the height it was last drawn at.
                    let scrolls = web_sys::window()
                        .and_then(|w| w.get_computed_style(&el).ok().flatten())
                        .and_then(|s| s.get_property_value("overflow-y").ok())
                        .is_some_and(|o| o == "auto" || o == "scroll");
                    let height = if narrow() || !scrolls || h < 120.0 {
                        f64::INFINITY
                    } else {
                        h
                    };
                    room.set(Some(super::layout::Room { width: w, height }));
                };
                measure();
                let closure = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(
                    move |_: js_sys::Array| measure(),
                );
                let observer = web_sys::ResizeObserver::new(wasm_bindgen::JsCast::unchecked_ref(
                    closure.as_ref(),
                ))
                .ok()?;
                observer.observe(&frame.cast::<web_sys::Element>()?);
                Some((observer, closure))
            });
            move || {
                if let Some((observer, _closure)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    *room
}
