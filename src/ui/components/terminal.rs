//! The terminal: the scrollback, the prompt and the input line.
//!
//! Keys, as in bash: Enter runs the line, Up and Down walk the history,
//! Ctrl+L clears the screen, Ctrl+C abandons the line (unless text is
//! selected: then it copies, as the browser expects). Tab is left alone so
//! keyboard users can leave the terminal.

use super::scrollback::Scrollback;
use crate::ui::history::Recall;
use crate::ui::state::{Action, Entry};
use std::rc::Rc;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// What bash would print before the input, e.g. `student@laptop:~$ `.
    pub prompt: AttrValue,
    pub scrollback: Rc<Vec<Entry>>,
    pub history: Rc<Vec<String>>,
    pub on_action: Callback<Action>,
}

/// Whether the input's caret is a plain caret, not a selection to copy.
fn nothing_selected(input: &HtmlInputElement) -> bool {
    match (input.selection_start(), input.selection_end()) {
        (Ok(start), Ok(end)) => start == end,
        _ => true,
    }
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let line = use_state(String::new);
    let recall = use_mut_ref(Recall::default);
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

    // New output scrolls into view, as in a terminal.
    {
        let screen_ref = screen_ref.clone();
        use_effect_with(props.scrollback.clone(), move |_| {
            if let Some(screen) = screen_ref.cast::<Element>() {
                screen.set_scroll_top(screen.scroll_height());
            }
        });
    }

    let oninput = {
        let line = line.clone();
        Callback::from(move |e: InputEvent| {
            line.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    let onkeydown = {
        let line = line.clone();
        let history = props.history.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            // Read the element, not the state: a fast typist's last key may
            // not have been rendered yet.
            let typed = input.value();
            let take_line = || {
                recall.borrow_mut().reset();
                input.set_value("");
                line.set(String::new());
            };
            match e.key().as_str() {
                "Enter" if !e.is_composing() => {
                    e.prevent_default();
                    take_line();
                    on_action.emit(Action::Run(typed));
                }
                "ArrowUp" if !e.ctrl_key() && !e.alt_key() => {
                    e.prevent_default();
                    let older = recall.borrow_mut().older(&history, &typed);
                    if let Some(older) = older {
                        line.set(older);
                    }
                }
                "ArrowDown" if !e.ctrl_key() && !e.alt_key() => {
                    e.prevent_default();
                    let newer = recall.borrow_mut().newer(&history);
                    if let Some(newer) = newer {
                        line.set(newer);
                    }
                }
                "l" | "L" if e.ctrl_key() => {
                    e.prevent_default();
                    on_action.emit(Action::Clear);
                }
                "c" | "C" if e.ctrl_key() && nothing_selected(&input) => {
                    e.prevent_default();
                    take_line();
                    on_action.emit(Action::Interrupt(typed));
                }
                _ => {}
            }
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

    html! {
        <div class="terminal">
            <div class="terminal-screen" ref={screen_ref} {onclick}>
                <Scrollback entries={props.scrollback.clone()} />
                <div class="terminal-line">
                    <span id="terminal-prompt" class="prompt">{ props.prompt.clone() }</span>
                    <input
                        id="terminal-input"
                        ref={input_ref}
                        type="text"
                        aria-label="Terminal"
                        aria-describedby="terminal-prompt"
                        autocomplete="off"
                        autocapitalize="off"
                        autocorrect="off"
                        spellcheck="false"
                        enterkeyhint="send"
                        value={(*line).clone()}
                        {oninput}
                        {onkeydown}
                    />
                </div>
            </div>
        </div>
    }
}
