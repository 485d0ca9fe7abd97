//! The authors' page: open or drop lesson files, see everything `servicelab
//! check` says about each (in full: `file:line:col`, the line and the
//! caret), go from a problem to its step, and play the lesson as a student
//! would. Reload reads a file again after it was edited.
//!
//! Only the authoring build (author.html) has the parser; the student's
//! page shows a link here instead.

use crate::ui::authoring::{self, Report};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A lesson file the author opened.
#[derive(Clone, PartialEq)]
struct Opened {
    name: String,
    text: String,
    /// Kept to read it again (Reload).
    file: Option<web_sys::File>,
    /// Where the browser has the File System Access API and the author
    /// opened the file through it: its handle, which reads the file as it
    /// is now (a picked `File` cannot be read again once it changed), and
    /// the modification time last read, to reload when it changes.
    handle: Option<JsValue>,
    modified: f64,
    report: Rc<Report>,
    /// Why the last reload failed, if it did.
    trouble: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct AuthorPanelProps {
    /// Play a file: its name, its text, and the step to open.
    pub on_play: Callback<(String, String, usize)>,
}

/// Reads a file as text; `Err` says why it could not (a file changed on
/// disk since it was picked cannot be read again in some browsers).
async fn read_text(file: &web_sys::File) -> Result<String, String> {
    JsFuture::from(file.text())
        .await
        .map_err(|_| {
            "the browser could not read it again (it changed on disk since it was picked): open it again".to_string()
        })
        .and_then(|v| v.as_string().ok_or_else(|| "it is not text".to_string()))
}

fn opened(name: String, text: String, file: Option<web_sys::File>) -> Opened {
    let report = Rc::new(authoring::report(&name, &text));
    let modified = file.as_ref().map_or(0.0, |f| f.last_modified());
    Opened {
        name,
        text,
        file,
        handle: None,
        modified,
        report,
        trouble: None,
    }
}

/// Whether the browser can open files to follow (`showOpenFilePicker`).
fn can_follow() -> bool {
    web_sys::window().is_some_and(|w| {
        js_sys::Reflect::has(&w, &JsValue::from_str("showOpenFilePicker")).unwrap_or(false)
    })
}

/// Calls `target.method()` and awaits the promise it returns.
async fn call_async(
    target: &JsValue,
    method: &str,
    arg: Option<&JsValue>,
) -> Result<JsValue, JsValue> {
    let f: js_sys::Function =
        js_sys::Reflect::get(target, &JsValue::from_str(method))?.dyn_into()?;
    let promise = match arg {
        Some(a) => f.call1(target, a)?,
        None => f.call0(target)?,
    };
    JsFuture::from(js_sys::Promise::resolve(&promise)).await
}

/// The file a handle points to, as it is now.
async fn file_of(handle: &JsValue) -> Result<web_sys::File, String> {
    call_async(handle, "getFile", None)
        .await
        .ok()
        .and_then(|f| f.dyn_into::<web_sys::File>().ok())
        .ok_or_else(|| "the browser could not read it (was it moved or deleted?)".to_string())
}

/// Reads a file through its handle: the entry, or why it could not be read.
async fn read_handle(handle: JsValue) -> Opened {
    match file_of(&handle).await {
        Ok(file) => {
            let name = file.name();
            let entry = match read_text(&file).await {
                Ok(text) => opened(name, text, Some(file)),
                Err(why) => Opened {
                    trouble: Some(why),
                    ..opened(name, String::new(), Some(file))
                },
            };
            Opened {
                handle: Some(handle),
                ..entry
            }
        }
        Err(why) => Opened {
            trouble: Some(why),
            handle: Some(handle),
            ..opened(String::from("(a file)"), String::new(), None)
        },
    }
}

/// Puts `entry` in `all`, replacing the file of the same name.
fn put(all: &mut Vec<Opened>, entry: Opened) {
    match all.iter_mut().find(|o| o.name == entry.name) {
        Some(slot) => *slot = entry,
        None => all.push(entry),
    }
}

thread_local! {
    /// The files opened, kept while the page is open: playing a file
    /// replaces the panel, and coming back must find them all again.
    static OPENED: std::cell::RefCell<Rc<Vec<Opened>>> = Default::default();
}

#[component]
pub fn AuthorPanel(props: &AuthorPanelProps) -> Html {
    let files = use_state(|| OPENED.with(|o| o.borrow().clone()));
    use_effect_with((*files).clone(), |files| {
        OPENED.with(|o| *o.borrow_mut() = files.clone());
    });
    let dragging = use_state(|| false);
    // Adds or replaces (by name) the files read.
    let add = {
        let files = files.clone();
        Callback::from(move |list: Vec<web_sys::File>| {
            let files = files.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut all = (**files).clone();
                for file in list {
                    let name = file.name();
                    let entry = match read_text(&file).await {
                        Ok(text) => opened(name.clone(), text, Some(file)),
                        Err(why) => Opened {
                            trouble: Some(why),
                            ..opened(name.clone(), String::new(), Some(file))
                        },
                    };
                    put(&mut all, entry);
                }
                files.set(Rc::new(all));
            });
        })
    };
    let from_list = |list: Option<web_sys::FileList>| -> Vec<web_sys::File> {
        let Some(list) = list else { return vec![] };
        (0..list.length()).filter_map(|i| list.get(i)).collect()
    };
    // A folder: its lesson files, as servicelab check reads a folder.
    let onfolder = {
        let add = add.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let lessons = from_list(input.files())
                .into_iter()
                .filter(|f| {
                    let n = f.name();
                    n.ends_with(".md") && n != "README.md"
                })
                .collect();
            add.emit(lessons);
            input.set_value("");
        })
    };
    let publish_state = use_state(|| Publishing::Idle);
    #[cfg(feature = "authoring")]
    let publish = {
        let files = files.clone();
        let publish_state = publish_state.clone();
        Callback::from(move |_: MouseEvent| {
            let mut lessons: Vec<(String, String)> = files
                .iter()
                .map(|o| (o.name.clone(), o.text.clone()))
                .collect();
            // In file-name order, as servicelab build orders a course.
            lessons.sort();
            let publish_state = publish_state.clone();
            publish_state.set(Publishing::Working);
            wasm_bindgen_futures::spawn_local(async move {
                let mut parsed = vec![];
                for (name, text) in &lessons {
                    match crate::engine::lesson::parse_lesson(name, text) {
                        Ok(l) => parsed.push((l, text.as_str())),
                        Err(_) => {
                            publish_state.set(Publishing::Failed(format!(
                                "{name} has problems: fix them first"
                            )));
                            return;
                        }
                    }
                }
                let course = crate::engine::lesson::course::Course::new(parsed);
                let result = match crate::ui::publish::site_zip(&course).await {
                    Ok((zip, done)) => crate::ui::publish::download(
                        &zip,
                        &format!("{}.zip", crate::ui::publish::FOLDER),
                    )
                    .map(|()| Publishing::Done(done, zip.len())),
                    Err(e) => Err(e),
                };
                publish_state.set(result.unwrap_or_else(Publishing::Failed));
            });
        })
    };
    #[cfg(not(feature = "authoring"))]
    let publish = Callback::noop();
    let onchange = {
        let add = add.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            add.emit(from_list(input.files()));
            // The same file can be picked again after fixing it.
            input.set_value("");
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let add = add.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            add.emit(from_list(e.data_transfer().and_then(|d| d.files())));
        })
    };
    let reload = |index: usize| {
        let files = files.clone();
        Callback::from(move |_: MouseEvent| {
            let files = files.clone();
            let Some(o) = files.get(index).cloned() else {
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let mut all = (**files).clone();
                let fresh = match (&o.handle, &o.file) {
                    (Some(handle), _) => read_handle(handle.clone()).await,
                    (None, Some(f)) => match read_text(f).await {
                        Ok(text) => opened(o.name.clone(), text, o.file.clone()),
                        Err(why) => Opened {
                            trouble: Some(why),
                            ..o.clone()
                        },
                    },
                    (None, None) => o.clone(),
                };
                if let Some(slot) = all.get_mut(index) {
                    *slot = fresh;
                }
                files.set(Rc::new(all));
            });
        })
    };
    // Files opened to follow: read again whenever they change on disk.
    let follow = {
        let files = files.clone();
        Callback::from(move |_: MouseEvent| {
            let files = files.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Some(window) = web_sys::window() else {
                    return;
                };
                let options = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&options, &"multiple".into(), &true.into());
                // Cancelled by the author: nothing to do.
                let Ok(handles) = call_async(&window, "showOpenFilePicker", Some(&options)).await
                else {
                    return;
                };
                let mut all = OPENED.with(|o| (*o.borrow().clone()).clone());
                for handle in js_sys::Array::from(&handles).iter() {
                    put(&mut all, read_handle(handle).await);
                }
                files.set(Rc::new(all));
            });
        })
    };
    {
        let files = files.clone();
        let following = files.iter().any(|o| o.handle.is_some());
        use_effect_with(following, move |following| {
            let poll = following.then(|| {
                gloo_timers::callback::Interval::new(1000, move || {
                    let files = files.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let now = OPENED.with(|o| o.borrow().clone());
                        let mut all = (*now).clone();
                        let mut changed = false;
                        for slot in all.iter_mut() {
                            let Some(handle) = slot.handle.clone() else {
                                continue;
                            };
                            let Ok(file) = file_of(&handle).await else {
                                continue;
                            };
                            if file.last_modified() != slot.modified {
                                *slot = read_handle(handle).await;
                                changed = true;
                            }
                        }
                        if changed {
                            files.set(Rc::new(all));
                        }
                    });
                })
            });
            move || drop(poll)
        });
    }
    let play = |o: &Opened, step: usize| {
        let on_play = props.on_play.clone();
        // A file with a broken step plays up to it.
        let text = match &o.report.partial {
            Some((part, _)) => part.clone(),
            None => o.text.clone(),
        };
        let name = o.name.clone();
        Callback::from(move |_: MouseEvent| on_play.emit((name.clone(), text.clone(), step)))
    };

    html! {
        <section class="author-panel" aria-labelledby="author-heading">
            <h3 id="author-heading">{ "Check and play lesson files" }</h3>
            <p class="author-intro">
                { "Each file is checked as " }<code>{ "servicelab check" }</code>
                { " checks it: parsed, then every step's solution replayed. Fix the file in your editor, then Reload." }
            </p>
            <div class={classes!("drop-zone", dragging.then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
                <label for="lesson-file">{ "Open lesson files (.md), or drop them here" }</label>
                <input id="lesson-file" type="file" multiple=true accept=".md,text/markdown,text/plain" {onchange} />
                <label for="lesson-folder">{ "Or open a folder of lessons" }</label>
                <input id="lesson-folder" type="file" webkitdirectory=true onchange={onfolder} />
            </div>
            if can_follow() {
                <p class="author-follow">
                    <button type="button" onclick={follow}>{ "Open lesson files to follow…" }</button>
                    { " Files opened this way are read again by themselves each time you save them." }
                </p>
            }
            <ul class="author-files">
                { for files.iter().enumerate().map(|(i, o)| {
                    let r = &o.report;
                    let count = r.problems.len();
                    let summary = match (&o.trouble, count) {
                        (Some(t), _) => format!("{}: {t}", o.name),
                        (None, 0) => format!("{}: no problems (every step's solution replays)", o.name),
                        (None, n) => format!("{}: {n} problem(s)", o.name),
                    };
                    html! {
                        <li class={classes!("author-file", (count == 0 && o.trouble.is_none()).then_some("clean"))} data-file={o.name.clone()}>
                            <p class="author-file-head">
                                <span class="author-file-summary" role="status">{ summary }</span>
                                <button type="button" onclick={reload(i)}>{ format!("Reload {}", o.name) }</button>
                                if let Some(lesson) = &r.lesson {
                                    <button type="button" class="primary" onclick={play(o, 1)}>
                                        { match &r.partial {
                                            None => format!("Play “{}”", lesson.title),
                                            Some(_) if lesson.steps.len() == 1 => format!("Play step 1 of “{}” (the next step has a problem)", lesson.title),
                                            Some(_) => format!("Play steps 1–{} of “{}” (the next step has a problem)", lesson.steps.len(), lesson.title),
                                        } }
                                    </button>
                                }
                            </p>
                            if count > 0 {
                                // The alert is a wrapper: on the <ol> it would
                                // take the list's role away from its items.
                                <div role="alert">
                                <ol class="diagnostics">
                                    { for r.problems.iter().map(|p| {
                                        let step = r.step_at(p.line);
                                        let title = step.and_then(|n| r.lesson.as_ref()?.steps.get(n - 1).map(|s| s.title.clone()));
                                        html! {
                                            <li>
                                                <pre>{ p.text.clone() }</pre>
                                                if let (Some(n), Some(title)) = (step, title) {
                                                    <button type="button" class="link-button" onclick={play(o, n)}>
                                                        { format!("Play from step {n}: {title}") }
                                                    </button>
                                                }
                                            </li>
                                        }
                                    }) }
                                </ol>
                                </div>
                            }
                        </li>
                    }
                }) }
            </ul>
            if !files.is_empty() {
                { publish_section(&files, &publish_state, publish) }
            }
        </section>
    }
}

/// Where publishing from the page stands. (The student's page has no
/// parser, so it never publishes.)
#[derive(Clone, PartialEq)]
#[cfg_attr(not(feature = "authoring"), allow(dead_code))]
enum Publishing {
    Idle,
    Working,
    Done(crate::ui::publish::Published, usize),
    Failed(String),
}

/// "Download a site with these lessons": once every file passes.
fn publish_section(files: &[Opened], state: &Publishing, publish: Callback<MouseEvent>) -> Html {
    let broken = files
        .iter()
        .filter(|o| {
            !o.report.problems.is_empty() || o.trouble.is_some() || o.report.lesson.is_none()
        })
        .count();
    let ready = broken == 0 && *state != Publishing::Working;
    let lessons = files.len();
    html! {
        <section class="author-publish" aria-labelledby="publish-heading">
            <h4 id="publish-heading">{ "Publish" }</h4>
            <p>
                { format!("A copy of this site with these {lessons} lesson(s) as its course, in file-name order: one zip to unzip and serve from any static web server (") }
                <code>{ "python3 -m http.server" }</code>{ ", nginx, a static host). It is made as " }
                <code>{ "servicelab build" }</code>{ " makes it, and only when every lesson passes its check." }
            </p>
            <button type="button" class="primary" disabled={!ready} onclick={publish}>
                { format!("Download a site with these {lessons} lesson(s)") }
            </button>
            <p class="publish-status" role="status">{
                match state {
                    _ if broken > 0 => format!("{broken} file(s) still have problems: fix them, then Reload."),
                    Publishing::Idle => String::new(),
                    Publishing::Working => "Building the site…".to_string(),
                    Publishing::Done(p, zip) => format!(
                        "Downloaded {}.zip: {} files, {:.1} MiB. Unzip it and serve the folder {}/.",
                        crate::ui::publish::FOLDER,
                        p.files,
                        *zip as f64 / (1024.0 * 1024.0),
                        crate::ui::publish::FOLDER
                    ),
                    Publishing::Failed(why) => format!("The site could not be made: {why}"),
                }
            }</p>
        </section>
    }
}
