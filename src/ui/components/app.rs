//! The page: owns the one [`State`] and lays out the panes.

use super::terminal::Terminal;
use super::topology_view::TopologyView;
use super::trace_panel::TracePanel;
use crate::engine::WorldOptions;
use crate::ui::state::{Action, State};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    /// The world to build, or why the page address did not describe one.
    pub options: Result<WorldOptions, String>,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            options: Ok(WorldOptions::default()),
        }
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer({
        let options = props.options.clone();
        move || State::requested(options)
    });
    let on_action = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };

    html! {
        <div class="app">
            <header class="app-header">
                <h1>{ "servicelab" }</h1>
                <p class="tagline">
                    { "Kubernetes Services, simulated in your browser. Type a command in the terminal and watch where the packet goes." }
                </p>
            </header>
            <main class="workspace">
                <section class="pane terminal-pane">
                    <h2>{ "Terminal" }</h2>
                    <Terminal
                        prompt={AttrValue::from(state.prompt())}
                        scrollback={state.scrollback.clone()}
                        history={state.history.clone()}
                        {on_action}
                    />
                    <p class="hint">
                        { "Try " }<code>{ "curl http://10.244.0.2" }</code>
                        { " from the laptop, then " }<code>{ "ssh node01" }</code>
                        { " and try again. " }<code>{ "help" }</code>{ " lists every command." }
                    </p>
                </section>
                <section class="pane network-pane">
                    <h2>{ "Network" }</h2>
                    <TopologyView topology={state.topology.clone()} trace={state.last_trace.clone()} />
                    <TracePanel trace={state.last_trace.clone()} />
                </section>
            </main>
        </div>
    }
}
