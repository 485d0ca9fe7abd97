//! The terminal: the scrollback, the prompt and the input line.
//!
//! The keys are bash's (see `crate::line_editor`, the pure reducer that
//! decides what each does); this component only turns DOM events into its
//! keys and applies what comes out. Tab on an empty line, or after
//! Escape, moves the focus on as usual, so the terminal never traps a
//! keyboard user.
//!
//! A command that takes simulated time (curl waiting 130 s for a reply that
//! never comes) plays that time out in about a second, then shows its
//! output: the student sees time pass without waiting for it
//! ([`use_pacing`]).

use super::scrollback::Scrollback;
use crate::engine::shell::Completion;
use crate::engine::time::Millis;
use crate::line_editor::{Effect, Key, LineEditor};
use crate::ui::hooks;
use crate::ui::state::{Action, Entry, EntryKind};
use gloo_timers::callback::{Interval, Timeout};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

/// Commands that took less simulated time than this show their output at once.
pub const PACE_FROM_MS: Millis = 1000;

/// How long (real ms) `elapsed_ms` of simulated time is shown for: about a
/// third of a second for a short wait, a second for curl's 130 s.
pub fn pace_ms(elapsed_ms: Millis) -> u32 {
    300 + (700 * elapsed_ms.clamp(0, 130_000) / 130_000) as u32
}

/// The newest entry, if it is live and took long enough to be played out:
/// its id and its simulated time.
pub fn slow_entry(entries: &[Entry], live_from: u64) -> Option<(u64, Millis)> {
    entries.last().and_then(|e| match &e.kind {
        EntryKind::Command { elapsed_ms, .. }
            if e.id >= live_from && *elapsed_ms >= PACE_FROM_MS =>
        {
            Some((e.id, *elapsed_ms))
        }
        _ => None,
    })
}

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// What bash would print before the input, e.g. `student@laptop:~$ `.
    pub prompt: AttrValue,
    pub scrollback: Rc<Vec<Entry>>,
    pub history: Rc<Vec<String>>,
    pub on_action: Callback<Action>,
    /// Entries with this id or more were made live (only they play out
    /// their simulated time).
    #[prop_or_default]
    pub live_from: u64,
    /// Tab: completes the text before the cursor.
    #[prop_or_default]
    pub complete: Option<Callback<String, Completion>>,
    /// Told the id of an entry once its simulated time has played out (or
    /// was skipped): what the lesson shows waits for it.
    #[prop_or_default]
    pub on_played: Callback<u64>,
    /// Another world (a lesson change): the line being typed belongs to
    /// the last one. It is cleared, and kept in the history (Up recalls it).
    #[prop_or_default]
    pub world: AttrValue,
}

/// A command's simulated time being played out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waiting {
    pub id: u64,
    pub total_ms: Millis,
    /// 0.0 to 1.0.
    pub done: f64,
}

/// Plays out the simulated time of the newest live entry that took some:
/// the wait (if any), and a way to skip it (Ctrl+C).
#[hook]
fn use_pacing(
    scrollback: Rc<Vec<Entry>>,
    live_from: u64,
    on_played: Callback<u64>,
) -> (Option<Waiting>, Callback<()>) {
    let waiting = use_state(|| None::<Waiting>);
    let timers = use_mut_ref(|| None::<(Interval, Timeout)>);
    let played = use_mut_ref(|| None::<u64>);
    {
        let waiting = waiting.clone();
        let timers = timers.clone();
        let on_played = on_played.clone();
        use_effect_with(scrollback, move |entries| {
            match slow_entry(entries, live_from) {
                Some((id, total_ms)) if *played.borrow() != Some(id) => {
                    *played.borrow_mut() = Some(id);
                    let duration = pace_ms(total_ms);
                    let start = js_sys::Date::now();
                    waiting.set(Some(Waiting {
                        id,
                        total_ms,
                        done: 0.0,
                    }));
                    let tick = {
                        let waiting = waiting.clone();
                        Interval::new(50, move || {
                            let done =
                                ((js_sys::Date::now() - start) / f64::from(duration)).min(1.0);
                            waiting.set(Some(Waiting { id, total_ms, done }));
                        })
                    };
                    let end = {
                        let waiting = waiting.clone();
                        let timers = timers.clone();
                        let on_played = on_played.clone();
                        Timeout::new(duration, move || {
                            waiting.set(None);
                            on_played.emit(id);
                            // Dropping the interval stops it.
                            timers.borrow_mut().take();
                        })
                    };
                    *timers.borrow_mut() = Some((tick, end));
                }
                Some(_) => {}
                None => {
                    // Something newer ran: the wait is over.
                    timers.borrow_mut().take();
                    waiting.set(None);
                }
            }
        });
    }
    let skip = {
        let waiting = waiting.clone();
        Callback::from(move |_| {
            timers.borrow_mut().take();
            if let Some(w) = *waiting {
                on_played.emit(w.id);
            }
            waiting.set(None);
        })
    };
    (*waiting, skip)
}

/// Whether text is selected in the page (the student is copying).
fn selecting() -> bool {
    web_sys::window()
        .and_then(|w| w.get_selection().ok().flatten())
        .is_some_and(|s| !s.is_collapsed())
}

fn nothing_selected(input: &HtmlInputElement) -> bool {
    match (input.selection_start(), input.selection_end()) {
        (Ok(start), Ok(end)) => start == end,
        _ => true,
    }
}

/// Puts `text` in the input with the caret at character `caret`.
fn set_input(input: &HtmlInputElement, line: &UseStateHandle<String>, text: &str, caret: usize) {
    input.set_value(text);
    let units: u32 = text.chars().take(caret).map(|c| c.len_utf16() as u32).sum();
    let _ = input.set_selection_range(units, units);
    line.set(text.to_string());
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let line = use_state(String::new);
    let editor: Rc<RefCell<LineEditor>> = use_mut_ref(LineEditor::default);
    let force = use_force_update();
    let input_ref = use_node_ref();
    let screen_ref = use_node_ref();
    let (waiting, skip_wait) = use_pacing(
        props.scrollback.clone(),
        props.live_from,
        props.on_played.clone(),
    );

    // The terminal is the main control of a wide page: it has the focus
    // from the start (without scrolling). A phone opens on the lesson,
    // and its keyboard stays down until the student asks for it.
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if !hooks::narrow() {
                if let Some(input) = input_ref.cast::<Element>() {
                    hooks::focus_without_scrolling(&input);
                }
            }
        });
    }

    // Another world: the input starts empty, its draft kept for Up.
    let drafts = use_mut_ref(Vec::<(usize, String)>::new);
    let history_len = use_mut_ref(|| 0usize);
    *history_len.borrow_mut() = props.history.len();
    {
        let input_ref = input_ref.clone();
        let line = line.clone();
        let editor = editor.clone();
        let drafts = drafts.clone();
        let force = force.clone();
        use_effect_with(props.world.clone(), move |_| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let typed = input.value();
                let pending = !editor.borrow().pending_lines().is_empty();
                let had_text = !typed.is_empty();
                if !typed.trim().is_empty() {
                    drafts.borrow_mut().push((*history_len.borrow(), typed));
                }
                if had_text || pending {
                    set_input(&input, &line, "", 0);
                    *editor.borrow_mut() = LineEditor::default();
                    force.force_update();
                }
            }
        });
    }
    let history: Rc<Vec<String>> = if drafts.borrow().is_empty() {
        props.history.clone()
    } else {
        let mut merged = (*props.history).clone();
        for (at, text) in drafts.borrow().iter().rev() {
            merged.insert((*at).min(merged.len()), text.clone());
        }
        Rc::new(merged)
    };

    // New output scrolls into view, as in a terminal (the screen scrolls,
    // never the page).
    {
        let screen_ref = screen_ref.clone();
        use_effect_with((props.scrollback.clone(), waiting), move |_| {
            if let Some(screen) = screen_ref.cast::<Element>() {
                screen.set_scroll_top(screen.scroll_height());
            }
        });
    }

    let oninput = {
        let line = line.clone();
        let editor = editor.clone();
        Callback::from(move |e: InputEvent| {
            line.set(e.target_unchecked_into::<HtmlInputElement>().value());
            editor.borrow_mut().typed();
        })
    };

    let onkeydown = {
        let line = line.clone();
        let history = history.clone();
        let on_action = props.on_action.clone();
        let complete = props.complete.clone();
        let editor = editor.clone();
        let force = force.clone();
        Callback::from(move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            // Read the element, not the state: a fast typist's last key may
            // not have been rendered yet.
            let typed = input.value();
            let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
            let key = match e.key().as_str() {
                "Enter" if !e.is_composing() => Key::Enter,
                "Tab" if plain && !e.shift_key() => {
                    let caret = input
                        .selection_start()
                        .ok()
                        .flatten()
                        .map(|units| {
                            // The caret counts UTF-16 units.
                            let mut n = 0u32;
                            typed
                                .chars()
                                .take_while(|c| {
                                    n += c.len_utf16() as u32;
                                    n <= units
                                })
                                .count()
                        })
                        .unwrap_or(typed.chars().count());
                    Key::Tab { caret }
                }
                "Escape" => Key::Escape,
                "ArrowUp" if plain => Key::Up,
                "ArrowDown" if plain => Key::Down,
                "c" | "C" if e.ctrl_key() => Key::CtrlC {
                    selection: !nothing_selected(&input) || selecting(),
                },
                "l" | "L" if e.ctrl_key() => Key::CtrlL,
                _ => {
                    editor.borrow_mut().other_key();
                    return;
                }
            };
            let outcome =
                editor
                    .borrow_mut()
                    .key(
                        key,
                        &typed,
                        &history,
                        waiting.is_some(),
                        |before| match &complete {
                            Some(c) => c.emit(before.to_string()),
                            None => Completion {
                                line: before.to_string(),
                                candidates: vec![],
                            },
                        },
                    );
            if outcome.handled {
                e.prevent_default();
            }
            if let Some((text, caret)) = &outcome.line {
                set_input(&input, &line, text, *caret);
            }
            force.force_update();
            match outcome.effect {
                Some(Effect::Run(command)) => on_action.emit(Action::Run(command)),
                Some(Effect::Interrupt(text)) => on_action.emit(Action::Interrupt(text)),
                Some(Effect::Clear) => on_action.emit(Action::Clear),
                Some(Effect::SkipWait) => skip_wait.emit(()),
                None => {}
            }
        })
    };

    // Pasting several lines runs them one by one, as a terminal does; the
    // last (unfinished) line stays in the input.
    let onpaste = {
        let on_action = props.on_action.clone();
        let line = line.clone();
        let editor = editor.clone();
        let force = force.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some((commands, last)) = editor.borrow_mut().paste(&input.value(), &text) else {
                return;
            };
            e.prevent_default();
            for command in commands {
                on_action.emit(Action::Run(command));
            }
            let n = last.chars().count();
            set_input(&input, &line, &last, n);
            force.force_update();
        })
    };

    // A click anywhere on the screen goes back to typing, unless the
    // student is selecting output to copy.
    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if !selecting() {
                if let Some(input) = input_ref.cast::<Element>() {
                    hooks::focus_without_scrolling(&input);
                }
            }
        })
    };

    let pending_lines = editor.borrow().pending_lines();
    let candidates = editor.borrow().candidates().to_vec();
    let prompt = if pending_lines.is_empty() {
        props.prompt.clone()
    } else {
        AttrValue::from("> ")
    };
    let hidden = waiting.as_ref().map(|w| w.id);

    html! {
        <div class="terminal">
            <div class="terminal-screen" ref={screen_ref} {onclick}>
                <Scrollback entries={props.scrollback.clone()} {hidden} />
                if let Some(w) = waiting {
                    <div class="time-passing" role="status">
                        { format!(
                            "{} s of {} s pass (simulated time, shown faster)",
                            ((w.total_ms as f64 * w.done) / 1000.0).round(),
                            (w.total_ms as f64 / 1000.0).round()
                        ) }
                        <progress max="100" value={((w.done * 100.0).round()).to_string()} aria-hidden="true" />
                    </div>
                }
                if !pending_lines.is_empty() {
                    <div class="pending-lines" aria-label="The command so far">
                        { for pending_lines.iter().enumerate().map(|(i, l)| html! {
                            <div>
                                <span class="prompt">{ if i == 0 { props.prompt.to_string() } else { "> ".to_string() } }</span>
                                { l.clone() }
                            </div>
                        }) }
                    </div>
                }
                <div class="terminal-line">
                    <span id="terminal-prompt" class="prompt">{ prompt }</span>
                    <input
                        id="terminal-input"
                        ref={input_ref}
                        type="text"
                        aria-label="Terminal"
                        aria-describedby="terminal-prompt terminal-keys"
                        autocomplete="off"
                        autocapitalize="off"
                        autocorrect="off"
                        spellcheck="false"
                        enterkeyhint="send"
                        value={(*line).clone()}
                        {oninput}
                        {onkeydown}
                        {onpaste}
                    />
                </div>
                if !candidates.is_empty() {
                    <div class="completions" role="status" aria-label="Completions">
                        { candidates.join("  ") }
                    </div>
                }
            </div>
        </div>
    }
}
