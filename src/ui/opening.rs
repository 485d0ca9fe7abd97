//! From a place ([`Route`]) to the state to open there: the lesson or world
//! it names, with the work saved for it (if any) to replay. Reading saved
//! or shared state never fails: what cannot be read is said in a notice
//! and the page opens as well as it can.

use super::catalog;
use super::codec::{self, Act, Decoded, Origin};
use super::crash_guard::{self, Doing};
use super::route::Route;
use super::state::{Opening, Scope, Stash};
use super::storage::{self, Store};
use crate::engine::lesson::Lesson;
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
    lesson_guarded(lesson, preview, fingerprint, step, saved, None)
}

/// [`lesson`], and with a store: the work kept aside, and what a crash left.
fn lesson_guarded(
    lesson: Rc<Lesson>,
    preview: bool,
    fingerprint: u32,
    step: usize,
    saved: Option<Result<Decoded, String>>,
    store: Option<(&Store, &str)>,
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
                opening.given = record.given.into_iter().collect();
                opening.shared = record.shared;
                opening.acts = record.acts;
                if let Some((store, key)) = store {
                    recover(store, key, &mut opening, &mut notices);
                    opening.stash = stash_of(store, key, opening.shared);
                }
                if at != step {
                    opening.acts.push(Act::Goto(step));
                }
            }
        }
    }
    opening.notice = (!notices.is_empty()).then(|| notices.join(" "));
    opening
}

/// What a trapped engine left for the work under `key` (`crash_guard`): the
/// act at fault is left out of the replay, or, if the whole replay
/// stopped, the next replay marks each act to find it.
fn recover(store: &Store, key: &str, opening: &mut Opening, notices: &mut Vec<String>) {
    let Some(mark) = crash_guard::take_for(store, key) else {
        return;
    };
    match &mark.doing {
        Doing::Act { index, .. } | Doing::ReplayAct { index, .. } => {
            if *index < opening.acts.len() {
                opening.acts.remove(*index);
            }
        }
        Doing::Replay => opening.mark_each = Some((store.clone(), key.to_string())),
    }
    notices.push(mark.notice());
}

/// The storage names of the work kept aside for a lesson.
pub fn stash_key(key: &str, which: Stash) -> String {
    match which {
        Stash::Own => format!("{key}@own"),
        Stash::Shared => format!("{key}@shared"),
    }
}

/// What is kept aside for the lesson whose current work is under `key`.
fn stash_of(store: &Store, key: &str, shared: bool) -> Option<Stash> {
    let which = if shared { Stash::Own } else { Stash::Shared };
    store.load(&stash_key(key, which)).map(|_| which)
}

/// Swaps the lesson's current work and the work kept aside: back to the
/// student's own work from a shared world, or back to the shared world.
/// Both stay kept; nothing is overwritten.
pub fn swap_stash(store: &Store, key: &str) {
    let Some(current) = store.load(key) else {
        return;
    };
    let shared = codec::decode(&current).is_ok_and(|d| d.record.shared);
    let (aside, keep_as) = if shared {
        (Stash::Own, Stash::Shared)
    } else {
        (Stash::Shared, Stash::Own)
    };
    let Some(other) = store.load(&stash_key(key, aside)) else {
        return;
    };
    store.save(&stash_key(key, keep_as), &current);
    store.save(key, &other);
    store.remove(&stash_key(key, aside));
    // A reload of this tab shows what it shows now.
    store.set_shared_view((!shared).then_some(key));
}

/// The student's own work back under `key` if a shared world is there:
/// the shared world goes aside (where "Open the shared world" finds it),
/// and the student's own, kept aside when the link opened, comes back (or
/// the lesson starts afresh if there was none). Nothing is lost.
fn own_work_first(store: &Store, key: &str) {
    let Some(current) = store.load(key) else {
        return;
    };
    if !codec::decode(&current).is_ok_and(|d| d.record.shared) {
        return;
    }
    store.save(&stash_key(key, Stash::Shared), &current);
    match store.load(&stash_key(key, Stash::Own)) {
        Some(own) => {
            store.save(key, &own);
            store.remove(&stash_key(key, Stash::Own));
        }
        None => store.remove(key),
    }
}

/// The state to open when the student goes to `route` (a link, the
/// address bar, the lesson list): a lesson's or the sandbox's own address
/// opens the student's own work, also after a share link opened a shared
/// world there. Only a reload of the tab that followed the link
/// (`reloading`: the page's first opening) shows the shared world again.
pub fn for_address(
    route: &Route,
    store: Option<&Store>,
    home_options: &Result<WorldOptions, String>,
    reloading: bool,
) -> Opening {
    if let Some(store) = store {
        let key = match route {
            Route::Lesson { id, .. } => Some(storage::lesson_key(id)),
            Route::Sandbox(_) => Some(storage::SANDBOX_KEY.to_string()),
            _ => None,
        };
        if let Some(key) = key {
            let kept = reloading && store.shared_view().as_deref() == Some(key.as_str());
            if !kept {
                own_work_first(store, &key);
                store.set_shared_view(None);
            }
        }
    }
    for_route(route, store, home_options)
}

/// The previewed lesson file, from storage: `name\ntext`.
pub fn preview_file(store: Option<&Store>) -> Option<(String, String)> {
    let saved = store?.load(storage::PREVIEW_FILE_KEY)?;
    let (name, text) = saved.split_once('\n')?;
    Some((name.to_string(), text.to_string()))
}

/// Opens a lesson file an author picked: parsed, fresh, at `step` (the
/// steps before it replayed by their solutions).
pub fn preview(name: &str, text: &str, step: usize) -> Result<Opening, Vec<String>> {
    match super::authoring::parse(name, text) {
        Ok(l) => Ok(lesson(
            Rc::new(l),
            true,
            catalog::fingerprint(text),
            step,
            None,
        )),
        Err(diags) => Err(diags),
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
        Route::Home => {
            let mut opening = home(home_options, None);
            // Only after a crash does the scratch terminal come back.
            if let Some(store) = store {
                if let Some(mark) = crash_guard::take_for(store, storage::SCRATCH_KEY) {
                    if let Some(Ok(d)) = load(storage::SCRATCH_KEY) {
                        opening.acts = d.record.acts;
                        crash_guard::mark(store, &mark);
                        let mut notices = vec![];
                        recover(store, storage::SCRATCH_KEY, &mut opening, &mut notices);
                        opening.notice = Some(notices.join(" "));
                    }
                }
            }
            opening
        }
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
            Some(b) => {
                let lesson = match b.lesson() {
                    Ok(lesson) => lesson,
                    Err(problem) => {
                        return home(
                            home_options,
                            Some(format!(
                                "{}; here is the list of lessons.",
                                capitalised(&problem)
                            )),
                        )
                    }
                };
                let key = storage::lesson_key(id);
                lesson_guarded(
                    lesson,
                    false,
                    b.fingerprint,
                    *step,
                    load(&key),
                    store.map(|s| (s, key.as_str())),
                )
            }
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
                    opening.shared = d.record.shared;
                    let mut notices: Vec<String> = d
                        .problem
                        .map(|p| format!("Part of your saved sandbox could not be read ({p})."))
                        .into_iter()
                        .collect();
                    if let Some(store) = store {
                        recover(store, storage::SANDBOX_KEY, &mut opening, &mut notices);
                        opening.stash = stash_of(store, storage::SANDBOX_KEY, opening.shared);
                    }
                    opening.notice = (!notices.is_empty()).then(|| notices.join(" "));
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
            Some((name, text)) => match super::authoring::parse(&name, &text) {
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
        Route::Share(payload) => shared(payload, store, home_options),
    }
}

/// A share link: the world it describes, replayed.
fn shared(
    payload: &str,
    store: Option<&Store>,
    home_options: &Result<WorldOptions, String>,
) -> Opening {
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
            let Some(b) = catalog::find(id) else {
                return home(
                    home_options,
                    Some(format!("The shared link is for a lesson this version does not have (“{id}”).")),
                );
            };
            let f = b.fingerprint;
            let l = match b.lesson() {
                Ok(l) => l,
                Err(problem) => {
                    return home(
                        home_options,
                        Some(format!("{}; here is the list of lessons.", capitalised(&problem))),
                    )
                }
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
    opening.given = record.given.into_iter().collect();
    opening.acts = record.acts;
    // The student's own work there (a lesson's, or their sandbox) is kept
    // aside, never replaced: "Back to your work" (or Undo) returns to it.
    let key = match &record.origin {
        Origin::Lesson { id, .. } => Some(storage::lesson_key(id)),
        Origin::Sandbox(_) => Some(storage::SANDBOX_KEY.to_string()),
        Origin::Preview { .. } => None,
    };
    if let (Some(key), Some(store)) = (key, store) {
        opening.shared = true;
        let own = store.load(&key).filter(|t| {
            codec::decode(t).is_ok_and(|d| !d.record.shared && !d.record.acts.is_empty())
        });
        if let Some(own) = own {
            store.save(&stash_key(&key, Stash::Own), &own);
        }
        opening.stash = stash_of(store, &key, true);
        // This tab shows the shared world now: a reload keeps it.
        store.set_shared_view(Some(&key));
        if opening.stash.is_some() {
            notices.push("Your own work here is kept: “Back to your work” returns to it.".into());
        }
    }
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

/// A sentence's first letter as a capital (`the course data…` → `The…`).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
