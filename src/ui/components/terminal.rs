//! The terminal: the scrollback, the prompt and the input line.
//!
//! Keys, as in bash: Enter runs the line (or, inside a heredoc or an open
//! quote, continues it on a `> ` line), Up and Down walk the history, Tab
//! completes, Ctrl+L clears the screen, Ctrl+C abandons the line (unless
//! text is selected: then it copies, as the browser expects). Tab on an
//! empty line, or after Escape, moves the focus on as usual, so the
//! terminal never traps a keyboard user.
//!
//! A command that takes simulated time (curl waiting 130 s for a reply that
//! never comes) plays that time out in about a second, then shows its
//! output: the student sees time pass without waiting for it.

use super::scrollback::Scrollback;
use crate::engine::shell::CommandReader;
use crate::ui::completion::Completion;
use crate::ui::history::Recall;
use crate::ui::state::{Action, Entry, EntryKind};
use gloo_timers::callback::{Interval, Timeout};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

/// Commands that took less simulated time than this show their output at once.
pub const PACE_FROM_MS: u64 = 1000;

/// How long (real ms) `elapsed_ms` of simulated time is shown for: about a
/// third of a second for a short wait, a second for curl's 130 s.
pub fn pace_ms(elapsed_ms: u64) -> u32 {
    300 + (700 * elapsed_ms.min(130_000) / 130_000) as u32
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
}

/// Whether the input's caret is a plain caret, not a selection to copy.
fn nothing_selected(input: &HtmlInputElement) -> bool {
    match (input.selection_start(), input.selection_end()) {
        (Ok(start), Ok(end)) => start == end,
        _ => true,
    }
}

/// A command's simulated time being played out.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Waiting {
    id: u64,
    total_ms: u64,
    /// 0.0 to 1.0.
    done: f64,
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let line = use_state(String::new);
    let recall = use_mut_ref(Recall::default);
    // Lines typed so far of an unfinished command (a heredoc's body): the
    // engine's reader, which knows when the command is complete.
    let pending = use_mut_ref(CommandReader::default);
    let candidates = use_state(Vec::<String>::new);
    // After Escape, Tab leaves the terminal instead of completing.
    let tab_leaves = use_mut_ref(|| false);
    let waiting = use_state(|| None::<Waiting>);
    let timers = use_mut_ref(|| None::<(Interval, Timeout)>);
    let played = use_mut_ref(|| None::<u64>);
    let force = use_force_update();
    let input_ref = use_node_ref();
    let screen_ref = use_node_ref();

    // The terminal is the page's main control: it has the focus from the start.
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }

    // A new live entry that took simulated time plays it out, briefly.
    {
        let waiting = waiting.clone();
        let timers = timers.clone();
        let played = played.clone();
        let live_from = props.live_from;
        use_effect_with(props.scrollback.clone(), move |entries| {
            let slow = entries.last().and_then(|e| match &e.kind {
                EntryKind::Command { elapsed_ms, .. }
                    if e.id >= live_from && *elapsed_ms >= PACE_FROM_MS =>
                {
                    Some((e.id, *elapsed_ms))
                }
                _ => None,
            });
            match slow {
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
                        Timeout::new(duration, move || {
                            waiting.set(None);
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

    // New output scrolls into view, as in a terminal.
    {
        let screen_ref = screen_ref.clone();
        use_effect_with((props.scrollback.clone(), *waiting), move |_| {
            if let Some(screen) = screen_ref.cast::<Element>() {
                screen.set_scroll_top(screen.scroll_height());
            }
        });
    }

    let oninput = {
        let line = line.clone();
        let candidates = candidates.clone();
        Callback::from(move |e: InputEvent| {
            line.set(e.target_unchecked_into::<HtmlInputElement>().value());
            if !candidates.is_empty() {
                candidates.set(vec![]);
            }
        })
    };

    // Enter on `typed`: the command it completes, or `None` when the
    // command goes on (the line joins the pending ones).
    let feed = {
        let pending = pending.clone();
        Rc::new(move |typed: String| -> Option<String> { pending.borrow_mut().push_line(&typed) })
    };

    let onkeydown = {
        let line = line.clone();
        let history = props.history.clone();
        let on_action = props.on_action.clone();
        let complete = props.complete.clone();
        let candidates = candidates.clone();
        let pending = pending.clone();
        let tab_leaves = tab_leaves.clone();
        let waiting = waiting.clone();
        let timers = timers.clone();
        let feed = feed.clone();
        let force = force.clone();
        Callback::from(move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            // Read the element, not the state: a fast typist's last key may
            // not have been rendered yet.
            let typed = input.value();
            let take_line = || {
                recall.borrow_mut().reset();
                input.set_value("");
                line.set(String::new());
                candidates.set(vec![]);
            };
            if e.key() != "Tab" {
                *tab_leaves.borrow_mut() = false;
            }
            match e.key().as_str() {
                "Enter" if !e.is_composing() => {
                    e.prevent_default();
                    take_line();
                    let run = feed(typed);
                    force.force_update();
                    if let Some(command) = run {
                        on_action.emit(Action::Run(command));
                    }
                }
                "Tab"
                    if !e.ctrl_key()
                        && !e.alt_key()
                        && !e.shift_key()
                        && !typed.is_empty()
                        && !*tab_leaves.borrow() =>
                {
                    let Some(complete) = &complete else { return };
                    e.prevent_default();
                    let cursor = input
                        .selection_start()
                        .ok()
                        .flatten()
                        .map(|c| c as usize)
                        .unwrap_or(typed.len());
                    // The caret counts UTF-16 units; the line is ASCII in practice.
                    let cut = typed
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain(std::iter::once(typed.len()))
                        .nth(cursor)
                        .unwrap_or(typed.len());
                    let (before, after) = typed.split_at(cut);
                    let done = complete.emit(before.to_string());
                    let completed = format!("{}{after}", done.line);
                    if completed != typed {
                        input.set_value(&completed);
                        let caret = done.line.encode_utf16().count() as u32;
                        let _ = input.set_selection_range(caret, caret);
                        line.set(completed);
                    }
                    candidates.set(done.candidates);
                }
                "Escape" => {
                    *tab_leaves.borrow_mut() = true;
                    candidates.set(vec![]);
                }
                "ArrowUp" if !e.ctrl_key() && !e.alt_key() => {
                    e.prevent_default();
                    let older = recall.borrow_mut().older(&history, &typed);
                    if let Some(older) = older {
                        recall_into(&older, &pending, &line, &input);
                        force.force_update();
                    }
                }
                "ArrowDown" if !e.ctrl_key() && !e.alt_key() => {
                    e.prevent_default();
                    let newer = recall.borrow_mut().newer(&history);
                    if let Some(newer) = newer {
                        recall_into(&newer, &pending, &line, &input);
                        force.force_update();
                    }
                }
                "l" | "L" if e.ctrl_key() => {
                    e.prevent_default();
                    on_action.emit(Action::Clear);
                }
                "c" | "C" if e.ctrl_key() && nothing_selected(&input) => {
                    e.prevent_default();
                    if waiting.is_some() {
                        // Ctrl+C while time passes: skip to the end.
                        timers.borrow_mut().take();
                        waiting.set(None);
                        return;
                    }
                    let was_pending = pending.borrow().pending();
                    let mut abandoned = pending.borrow_mut().take();
                    if was_pending {
                        abandoned.push('\n');
                    }
                    abandoned.push_str(&typed);
                    take_line();
                    force.force_update();
                    on_action.emit(Action::Interrupt(abandoned));
                }
                _ => {}
            }
        })
    };

    // Pasting several lines runs them one by one, as a terminal does; the
    // last (unfinished) line stays in the input.
    let onpaste = {
        let on_action = props.on_action.clone();
        let line = line.clone();
        let pending = pending.clone();
        let force = force.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let input: HtmlInputElement = e.target_unchecked_into();
            let text = format!("{}{}", input.value(), text.replace("\r\n", "\n"));
            // The complete lines, cut into commands in one pass (a pasted
            // here-document of any length); the last line stays in the input.
            let (complete, last) = text.rsplit_once('\n').unwrap_or(("", &text));
            let last = last.to_string();
            let commands = pending.borrow_mut().push_text(complete);
            for command in commands {
                on_action.emit(Action::Run(command));
            }
            input.set_value(&last);
            line.set(last);
            force.force_update();
        })
    };

    // A click anywhere on the screen goes back to typing, unless the
    // student is selecting output to copy.
    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                }
            }
        })
    };

    let pending_lines: Vec<String> = match pending.borrow().pending() {
        true => pending
            .borrow()
            .text()
            .split('\n')
            .map(str::to_string)
            .collect(),
        false => vec![],
    };
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
                if let Some(w) = *waiting {
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

/// Puts a recalled history line in the input: a heredoc's first lines
/// become the pending lines, its last one the input, so Enter finishes it.
fn recall_into(
    text: &str,
    pending: &Rc<RefCell<CommandReader>>,
    line: &UseStateHandle<String>,
    input: &HtmlInputElement,
) {
    let (first, last) = match text.rsplit_once('\n') {
        Some((first, last)) => (Some(first), last),
        None => (None, text),
    };
    match first {
        Some(f) => pending.borrow_mut().resume(f),
        None => {
            pending.borrow_mut().take();
        }
    }
    input.set_value(last);
    line.set(last.to_string());
}
