//! From a place ([`Route`]) to the state to open there: the lesson or world
//! it names, with the work saved for it (if any) to replay. Reading saved
//! or shared state never fails: what cannot be read is said in a notice
//! and the page opens as well as it can.

use super::catalog;
use super::codec::{self, Act, Decoded, Origin};
use super::route::Route;
use super::state::{Opening, Scope};
use super::storage::{self, Store};
use crate::engine::lesson::{parse_lesson, Lesson};
use crate::engine::world::{OptionsError, MAX_NODES};
use crate::engine::WorldOptions;
use std::rc::Rc;

/// The home page: the article's world (or the one the page's `?query`
/// asks for), a scratch terminal that is not saved.
pub fn home(options: &Result<WorldOptions, String>, notice: Option<String>) -> Opening {
    let (options, problem) = match options {
        Ok(o) if o.nodes == 0 || o.nodes > MAX_NODES => (
            WorldOptions::default(),
            Some(OptionsError::NodeCount(o.nodes).to_string()),
        ),
        Ok(o) => (*o, None),
        Err(e) => (WorldOptions::default(), Some(e.clone())),
    };
    let mut opening = Opening::fresh(
        Scope::Sandbox {
            options,
            saved: false,
        },
        0,
    );
    opening.note = problem.map(|p| {
        format!("[The page address asked for a world servicelab cannot build ({p}); this is the default world.]")
    });
    opening.notice = notice;
    opening
}

/// The step a record ends at: its last `goto`, or where it started.
fn current_step(record: &codec::Record) -> usize {
    record
        .acts
        .iter()
        .rev()
        .find_map(|a| match a {
            Act::Goto(n) => Some(*n),
            _ => None,
        })
        .unwrap_or(record.start_step)
}

/// A lesson at `step`, continuing saved work when there is some: the saved
/// world moves to `step` if the work was left at another one.
fn lesson(
    lesson: Rc<Lesson>,
    preview: bool,
    fingerprint: u32,
    step: usize,
    saved: Option<Result<Decoded, String>>,
) -> Opening {
    let steps = lesson.steps.len().max(1);
    let mut notices = vec![];
    if step > steps {
        notices.push(format!(
            "“{}” has {steps} steps, not {step}: this is step {steps}.",
            lesson.title
        ));
    }
    let step = step.clamp(1, steps);
    let scope = Scope::Lesson {
        lesson: lesson.clone(),
        preview,
        fingerprint,
    };
    let mut opening = Opening::fresh(scope, step);
    match saved {
        None => {}
        Some(Err(e)) => notices.push(format!(
            "Your saved work on this lesson could not be read ({e}); the step starts afresh."
        )),
        Some(Ok(decoded)) => {
            let record = decoded.record;
            let saved_fingerprint = match &record.origin {
                Origin::Lesson { id, fingerprint: f } if !preview && *id == lesson.id => Some(*f),
                Origin::Preview { fingerprint: f } if preview => Some(*f),
                _ => None,
            };
            if let Some(f) = saved_fingerprint {
                if f != fingerprint {
                    notices.push(
                        "This lesson has changed since your work was saved; your commands were replayed on the new version."
                            .to_string(),
                    );
                }
                if let Some(problem) = decoded.problem {
                    notices.push(format!(
                        "Part of your saved work could not be read ({problem})."
                    ));
                }
                let at = current_step(&record);
                opening.start_step = record.start_step;
                opening.done = record.done.into_iter().collect();
                opening.acts = record.acts;
                if at != step {
                    opening.acts.push(Act::Goto(step));
                }
            }
        }
    }
    opening.notice = (!notices.is_empty()).then(|| notices.join(" "));
    opening
}

/// The previewed lesson file, from storage: `name\ntext`.
pub fn preview_file(store: Option<&Store>) -> Option<(String, String)> {
    let saved = store?.load(storage::PREVIEW_FILE_KEY)?;
    let (name, text) = saved.split_once('\n')?;
    Some((name.to_string(), text.to_string()))
}

/// Opens a lesson file an author picked: parsed, at step 1, fresh.
pub fn preview(name: &str, text: &str) -> Result<Opening, Vec<String>> {
    match parse_lesson(name, text) {
        Ok(l) => Ok(lesson(
            Rc::new(l),
            true,
            catalog::fingerprint(text),
            1,
            None,
        )),
        Err(diags) => Err(diags.iter().map(ToString::to_string).collect()),
    }
}

/// The state to open at `route`.
pub fn for_route(
    route: &Route,
    store: Option<&Store>,
    home_options: &Result<WorldOptions, String>,
) -> Opening {
    let load = |key: &str| store.and_then(|s| s.load(key)).map(|t| codec::decode(&t));
    match route {
        Route::Home => home(home_options, None),
        Route::Unknown(hash) => home(
            home_options,
            Some(format!(
                "servicelab has no page at “{hash}”; here is the list of lessons."
            )),
        ),
        Route::Lesson { id, step } => match catalog::find(id) {
            None => home(
                home_options,
                Some(format!(
                    "There is no lesson “{id}”; here is the list of lessons."
                )),
            ),
            Some(b) => match &b.lesson {
                Err(diags) => home(
                    home_options,
                    Some(format!(
                        "The lesson “{id}” has errors: {}",
                        diags.first().map(|d| d.headline()).unwrap_or_default()
                    )),
                ),
                Ok(l) => lesson(
                    l.clone(),
                    false,
                    catalog::fingerprint(b.text),
                    *step,
                    load(&storage::lesson_key(id)),
                ),
            },
        },
        Route::Sandbox(options) => {
            let scope = Scope::Sandbox {
                options: *options,
                saved: true,
            };
            let mut opening = Opening::fresh(scope, 0);
            match load(storage::SANDBOX_KEY) {
                Some(Ok(d)) if d.record.origin == Origin::Sandbox(*options) => {
                    opening.acts = d.record.acts;
                    opening.notice = d
                        .problem
                        .map(|p| format!("Part of your saved sandbox could not be read ({p})."));
                }
                Some(Err(e)) => {
                    opening.notice = Some(format!(
                        "Your saved sandbox could not be read ({e}); it starts afresh."
                    ))
                }
                _ => {}
            }
            opening
        }
        Route::Preview { step } => match preview_file(store) {
            None => home(
                home_options,
                Some("No lesson file is open for preview: open one from the lesson list.".into()),
            ),
            Some((name, text)) => match parse_lesson(&name, &text) {
                Ok(l) => lesson(
                    Rc::new(l),
                    true,
                    catalog::fingerprint(&text),
                    *step,
                    load(storage::PREVIEW_KEY),
                ),
                Err(_) => home(
                    home_options,
                    Some(format!(
                        "The previewed file {name} no longer parses: open it again to see why."
                    )),
                ),
            },
        },
        Route::Share(payload) => shared(payload, home_options),
    }
}

/// A share link: the world it describes, replayed.
fn shared(payload: &str, home_options: &Result<WorldOptions, String>) -> Opening {
    let decoded = match codec::from_link(payload) {
        Ok(d) => d,
        Err(e) => {
            return home(
                home_options,
                Some(format!("This shared link could not be read: {e}.")),
            )
        }
    };
    let record = decoded.record;
    let mut notices: Vec<String> = decoded
        .problem
        .map(|p| format!("Part of the shared link could not be read ({p})."))
        .into_iter()
        .collect();
    let mut opening = match &record.origin {
        Origin::Sandbox(options) => Opening::fresh(
            Scope::Sandbox {
                options: *options,
                saved: true,
            },
            0,
        ),
        Origin::Preview { .. } => {
            return home(
                home_options,
                Some("This link shares a lesson file opened from disk, which this browser does not have.".into()),
            )
        }
        Origin::Lesson { id, fingerprint } => {
            let found = catalog::find(id).and_then(|b| {
                let f = catalog::fingerprint(b.text);
                b.lesson.ok().map(|l| (l, f))
            });
            let Some((l, f)) = found else {
                return home(
                    home_options,
                    Some(format!("The shared link is for a lesson this version does not have (“{id}”).")),
                );
            };
            if f != *fingerprint {
                notices.push("The lesson has changed since this link was made; its commands were replayed on this version.".into());
            }
            Opening::fresh(
                Scope::Lesson {
                    lesson: l,
                    preview: false,
                    fingerprint: f,
                },
                record.start_step,
            )
        }
    };
    opening.done = record.done.into_iter().collect();
    opening.acts = record.acts;
    notices.insert(
        0,
        "This is a shared world: the lesson, step and commands of the link.".into(),
    );
    opening.notice = Some(notices.join(" "));
    opening
}

/// Where the student is in each built-in lesson, from the saved work.
pub fn progress(store: Option<&Store>) -> Vec<super::components::lesson_list::LessonProgress> {
    let Some(store) = store else {
        return vec![];
    };
    catalog::sources()
        .iter()
        .filter_map(|b| {
            let saved = store.load(&storage::lesson_key(b.id()))?;
            let record = codec::decode(&saved).ok()?.record;
            Some(super::components::lesson_list::LessonProgress {
                id: b.id().to_string(),
                step: current_step(&record),
                done: record.done.len(),
            })
        })
        .collect()
}
