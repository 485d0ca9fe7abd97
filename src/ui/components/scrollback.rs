//! The terminal's scrollback: a `role="log"` region whose text is exactly
//! what a terminal would show, byte for byte: each prompt, the line typed,
//! a newline, and the output as printed. Entries are inline spans in one
//! `white-space: pre-wrap` block, so output without a final newline runs
//! into the next prompt just as it does in a real terminal.

use crate::engine::Stream;
use crate::ui::state::{Entry, EntryKind};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScrollbackProps {
    pub entries: Rc<Vec<Entry>>,
    /// An entry whose output is not shown yet (its simulated time is being
    /// played out). It is in the page, hidden, so it is announced once shown.
    #[prop_or_default]
    pub hidden: Option<u64>,
}

/// A command line as bash echoes it: a heredoc's further lines after `> `.
fn command_text(line: &str) -> String {
    line.replace('\n', "\n> ")
}

fn output(chunks: &[(Stream, String)]) -> Html {
    chunks
        .iter()
        .map(|(stream, text)| {
            // stderr is set apart by more than colour (italic too), for
            // anyone who cannot tell the colours apart.
            let class = match stream {
                Stream::Stdout => "stdout",
                Stream::Stderr => "stderr",
            };
            html! { <span {class}>{ text.clone() }</span> }
        })
        .collect()
}

fn entry(entry: &Entry, hidden: Option<u64>) -> Html {
    let key = entry.id;
    match &entry.kind {
        EntryKind::Command {
            prompt,
            line,
            output: chunks,
            ..
        } => html! {
            <span {key} class="entry">
                <span class="prompt">{ prompt.clone() }</span>
                <span class="command">{ command_text(line) }</span>
                { "\n" }
                <span class={classes!("output", (hidden == Some(entry.id)).then_some("pending"))}>
                    { output(chunks) }
                </span>
            </span>
        },
        EntryKind::Output(chunks) => html! {
            <span {key} class="entry">{ output(chunks) }</span>
        },
        EntryKind::Interrupted { prompt, line } => html! {
            <span {key} class="entry">
                <span class="prompt">{ prompt.clone() }</span>
                <span class="command">{ command_text(line) }</span>
                { "^C\n" }
            </span>
        },
        EntryKind::Note(text) => html! {
            <span {key} class="entry note">{ format!("{text}\n") }</span>
        },
    }
}

#[component]
pub fn Scrollback(props: &ScrollbackProps) -> Html {
    html! {
        <div id="terminal-output" class="scrollback" role="log" aria-live="polite" aria-label="Command output">
            { for props.entries.iter().map(|e| entry(e, props.hidden)) }
        </div>
    }
}
