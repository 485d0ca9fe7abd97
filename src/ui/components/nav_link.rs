//! A link to a place in the page: a real `<a href="#/…">` (it can be
//! opened in a new tab, copied, read as a link), whose plain click moves
//! the page without a reload.

use crate::ui::route::Route;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NavLinkProps {
    pub route: Route,
    pub on_navigate: Callback<Route>,
    #[prop_or_default]
    pub class: Classes,
    /// `aria-current`, e.g. `step` for the step being shown.
    #[prop_or_default]
    pub current: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn NavLink(props: &NavLinkProps) -> Html {
    let onclick = {
        let route = props.route.clone();
        let on_navigate = props.on_navigate.clone();
        Callback::from(move |e: MouseEvent| {
            // Ctrl/Cmd/Shift-click and middle-click: the browser's own way.
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            on_navigate.emit(route.clone());
        })
    };
    html! {
        <a href={props.route.to_hash()} class={props.class.clone()} aria-current={props.current.clone()} {onclick}>
            { props.children.clone() }
        </a>
    }
}
