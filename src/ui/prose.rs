//! A lesson's prose, drawn from the course data ([`Doc`]): the Markdown was
//! read when the course was built, so the page carries no Markdown parser.
//! Which element each part becomes is decided once, in
//! [`crate::prose_tree`] (the prerendered first screen is written from the
//! same markup); here every element becomes a Yew node and each button gets
//! its control: "Run" runs its command in the terminal, "Edit" opens its
//! manifest in the editor. No HTML string is ever parsed by the browser, so
//! a lesson (or hand-edited course data) cannot inject markup or script.

use crate::engine::lesson::bind::Values;
use crate::engine::lesson::doc::Doc;
use crate::markup::{Act, Markup};
use crate::prose_tree::{self, Reading};
use std::rc::Rc;
use yew::prelude::*;
use yew::virtual_dom::VTag;

/// What the controls in the text do.
#[derive(Clone, PartialEq)]
pub struct Controls {
    /// Run a command line in the terminal.
    pub run: Callback<String>,
    /// Open a lesson file (by name) in the editor.
    pub open: Callback<String>,
    /// The step's files as they are now: a file the student edited is
    /// shown as theirs.
    pub files: std::rc::Rc<crate::ui::files::StepFiles>,
    /// Commands get Run buttons and manifests are shown. A `Challenge:`
    /// step has neither: the student finds the way.
    pub buttons: bool,
    /// The values of the lesson's placeholders in the student's world.
    pub values: Rc<Values>,
}

impl Default for Controls {
    fn default() -> Self {
        Controls {
            run: Callback::noop(),
            open: Callback::noop(),
            files: Default::default(),
            buttons: true,
            values: Default::default(),
        }
    }
}

impl Controls {
    /// Controls that only fill in values: for text with no commands.
    pub fn reading(values: Rc<Values>) -> Controls {
        Controls {
            values,
            ..Controls::default()
        }
    }
}

/// Text with its placeholders filled in from the student's world. A value
/// the world does not have yet reads as what it stands for, with why.
pub fn bound(text: &str, values: &Values) -> Html {
    if !text.contains('{') {
        return html! { { text.to_string() } };
    }
    let parts = prose_tree::bound(text, &Reading::plain(values));
    html! { <>{ for parts.iter().map(|m| to_html(m, &Controls::default())) }</> }
}

/// One piece of markup as a Yew node, its buttons wired to `controls`.
fn to_html(m: &Markup, controls: &Controls) -> Html {
    match m {
        Markup::Text(t) => Html::from(t.clone()),
        Markup::El(e) => {
            let mut tag = VTag::new(e.tag);
            for (key, value) in &e.attrs {
                tag.add_attribute(key, value.clone());
            }
            if let Some(act) = &e.act {
                let onclick = match act.clone() {
                    Act::Run(line) => {
                        let run = controls.run.clone();
                        Callback::from(move |_: MouseEvent| run.emit(line.clone()))
                    }
                    Act::Open(name) => {
                        let open = controls.open.clone();
                        Callback::from(move |_: MouseEvent| open.emit(name.clone()))
                    }
                };
                tag.add_listener(Rc::new(yew::html::onclick::Wrapper::new(onclick)));
            }
            tag.add_children(e.kids.iter().map(|k| to_html(k, controls)));
            tag.into()
        }
    }
}

/// Draws `doc`. Headings are shifted down by `shift` levels (a step's
/// `###` under the page's `h3` step title becomes an `h5`), never past `h6`.
pub fn render(doc: &Doc, controls: &Controls, shift: u8) -> Html {
    let files = controls.files.clone();
    let edited = move |name: &str| {
        files
            .get(name)
            .filter(|f| f.edited())
            .and_then(|f| f.current.clone())
    };
    let reading = Reading {
        values: &controls.values,
        buttons: controls.buttons,
        edited: &edited,
        unbound_why: None,
    };
    let parts = prose_tree::render(doc, &reading, shift);
    html! { <>{ for parts.iter().map(|m| to_html(m, controls)) }</> }
}
