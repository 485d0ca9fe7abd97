//! Component tests of the tutorial around the terminal: lessons, the
//! before/after table, the editor, saved progress, share links, Tab
//! completion, heredocs, simulated time and packet stepping. In headless
//! Chromium: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target
//! wasm32-unknown-unknown --test web_lessons`.
//!
//! Each test mounts its own app into a fresh element with a fixed place
//! (`AppProps::route`) and, where it saves, a storage prefix of its own; it
//! waits with `yew::scheduler::flush()`, never with sleeps. Expected
//! outcomes come from the engine itself (a second session, the lesson's
//! checks), not from copies of today's wording.

#![cfg(target_arch = "wasm32")]

use servicelab::engine::lesson::checks::evaluate;
use servicelab::engine::lesson::replay;
use servicelab::engine::{Session, WorldOptions};
use servicelab::ui::catalog;
use servicelab::ui::codec::{self, Act, Origin, Record};
use servicelab::ui::components::app::{App, AppProps};
use servicelab::ui::crash_guard::{self, Doing, Mark};
use servicelab::ui::opening;
use servicelab::ui::route::Route;
use servicelab::ui::state::Stash;
use servicelab::ui::storage::{self, Store};
use servicelab::ui::yaml_lines;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit,
};
use yew::scheduler::flush;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::{
    click, control, count, find, fresh_root, input, install_course, settle, text, type_text,
};

// ---- helpers -------------------------------------------------------------

/// A store no other test uses, emptied.
fn store(name: &str) -> Store {
    let s = Store::new(&format!("test-{name}"));
    install_course();
    for b in catalog::sources().iter() {
        s.remove(&storage::lesson_key(b.id()));
    }
    for k in [
        storage::SANDBOX_KEY,
        storage::PREVIEW_KEY,
        storage::PREVIEW_FILE_KEY,
    ] {
        s.remove(k);
    }
    s
}

async fn mount(route: Route, store: Option<Store>) -> Element {
    let root = fresh_root();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            options: Ok(WorldOptions::default()),
            route: Some(route),
            store,
        },
    )
    .render();
    flush().await;
    root
}

fn lesson_route(id: &str, step: usize) -> Route {
    Route::Lesson {
        id: id.into(),
        step,
    }
}

async fn key(root: &Element, key: &str, ctrl: bool) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input(root).dispatch_event(&event).unwrap();
    flush().await;
    event.default_prevented()
}

async fn run(root: &Element, line: &str) {
    type_text(root, line).await;
    key(root, "Enter", false).await;
    settle().await;
}

fn log(root: &Element) -> String {
    text(root, "#terminal-output")
}

// ---- the course ----------------------------------------------------------

#[wasm_bindgen_test]
fn every_lesson_of_the_course_data_is_there() {
    install_course();
    let all = catalog::sources();
    assert!(all.len() >= 6, "the course has at least six lessons");
    for b in all.iter() {
        let lesson = b.lesson().unwrap();
        assert_eq!(lesson.id, b.id());
        assert_eq!(lesson.steps.len(), b.steps());
        assert!(!lesson.steps.is_empty());
    }
    assert_eq!(catalog::problem(), None);
    assert!(catalog::find("02-nodeport").is_some());
}

/// Each lesson is decoded when it is opened: one whose data is damaged
/// leaves the rest of the course usable, and opening it says why.
#[wasm_bindgen_test]
async fn a_lesson_whose_data_is_damaged_says_so_when_opened() {
    let root = fresh_root();
    let lessons = catalog::sources();
    let json = servicelab::engine::lesson::course::Course::new(
        lessons.iter().map(|b| ((*b.lesson().unwrap()).clone(), "")),
    )
    .to_json();
    // The second lesson's steps become a number (in its own line, after
    // the index's): its head still reads.
    let at = json.find("\n{\"id\":\"02-nodeport\",\"path\"").unwrap();
    let steps = at + json[at..].find("\"steps\":[").unwrap();
    let damaged = format!(
        "{}\"steps\":7,\"was\":[{}",
        &json[..steps],
        &json[steps + 9..]
    );
    catalog::install(&damaged);
    assert_eq!(catalog::problem(), None);
    assert!(catalog::find("01-the-world").unwrap().lesson().is_ok());
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            options: Ok(WorldOptions::default()),
            route: Some(lesson_route("02-nodeport", 1)),
            store: None,
        },
    )
    .render();
    flush().await;
    let notice = text(&root, ".notice");
    assert!(
        notice.contains(
            "The course data of the lesson “02-nodeport” is damaged (json: cannot unmarshal number into Go struct field Lesson.steps of type []Step)"
        ),
        "{notice}"
    );
    assert!(
        notice.contains("; here is the list of lessons."),
        "{notice}"
    );
    // The home page lists it still, with the rest.
    assert!(text(&root, "[data-lesson=\"02-nodeport\"]").contains("NodePort"));
    install_course();
}

#[wasm_bindgen_test]
async fn the_home_page_lists_every_lesson_with_its_summary() {
    let root = mount(Route::Home, None).await;
    for b in catalog::sources().iter() {
        let lesson = b.lesson().unwrap();
        let item = find(&root, &format!("[data-lesson=\"{}\"]", b.id()));
        let words = item.text_content().unwrap();
        assert!(words.contains(&lesson.title), "{words}");
        assert!(words.contains(&lesson.summary), "{words}");
    }
    // The article's world is there to try, as before.
    assert_eq!(
        input(&root).get_attribute("aria-label").as_deref(),
        Some("Terminal")
    );
}

#[wasm_bindgen_test]
async fn clicking_a_lesson_opens_it_at_step_one() {
    let root = mount(Route::Home, None).await;
    let title = catalog::find("02-nodeport")
        .unwrap()
        .lesson()
        .unwrap()
        .title
        .clone();
    click(&root, &title).await;
    assert_eq!(text(&root, "#lesson-pane-heading"), title);
    assert!(text(&root, "#step-title").starts_with("Step 1 of 4:"));
}

#[wasm_bindgen_test]
async fn a_step_shows_its_text_goals_and_probes() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    let lesson = catalog::find("02-nodeport").unwrap().lesson().unwrap();
    let step = &lesson.steps[1];
    assert_eq!(
        text(&root, "#step-title"),
        format!("Step 2 of 4: {}", step.title)
    );
    // Each goal is the engine's own words, with a mark that is not only colour.
    let start = replay::start_at(&lesson, 2).unwrap();
    for (i, check) in step.checks.iter().enumerate() {
        let expected = evaluate(&start, check);
        let item = root
            .query_selector_all(".check-list .check")
            .unwrap()
            .item(i as u32)
            .unwrap();
        let words = item.text_content().unwrap();
        assert!(words.contains(&expected.goal), "{words}");
        assert!(words.contains(&expected.problem), "{words}");
        assert!(words.contains('○') && words.contains("Not yet"), "{words}");
    }
    assert!(text(&root, "#step-state").contains("Not yet"));
    // The before/after table: one row per probe, "now" equal to "before" at first.
    assert_eq!(
        count(&root, "#probe-table .probe"),
        step.probes.len() as u32
    );
    let first = find(&root, "#probe-table .probe");
    let observed = start
        .request(&step.probes[0].from, &step.probes[0].url)
        .unwrap()
        .observed
        .to_string();
    assert_eq!(
        first.get_attribute("data-summary").unwrap(),
        format!(
            "{} → {}: {observed} → {observed}",
            step.probes[0].from, step.probes[0].url
        )
    );
    // A manifest to edit, commands to run.
    control(&root, "Edit myapp-service.yaml");
    control(&root, "Run kubectl apply -f myapp-service.yaml");
}

#[wasm_bindgen_test]
async fn a_run_button_runs_its_command_in_the_terminal_and_the_goals_follow() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    click(&root, "Run kubectl apply -f myapp-service.yaml").await;
    assert!(
        log(&root).contains("student@laptop:~$ kubectl apply -f myapp-service.yaml\nservice/myapp-service created\n"),
        "{}",
        log(&root)
    );
    // The Service goal is reached now; the page says so with a ✓.
    let first = find(&root, ".check-list .check");
    assert_eq!(first.get_attribute("data-passed").as_deref(), Some("true"));
    assert!(first.text_content().unwrap().contains('✓'));
}

#[wasm_bindgen_test]
async fn a_solved_step_turns_green_and_is_marked_done() {
    let root = mount(lesson_route("01-the-world", 3), None).await;
    assert_eq!(
        find(&root, "#step-state")
            .get_attribute("data-passed")
            .as_deref(),
        Some("false")
    );
    run(&root, "ssh node01").await;
    assert_eq!(
        find(&root, "#step-state")
            .get_attribute("data-passed")
            .as_deref(),
        Some("true")
    );
    assert!(text(&root, "#step-state").contains("Step done"));
    assert!(find(&root, ".steps-nav li:nth-child(3)")
        .class_list()
        .contains("done"));
}

#[wasm_bindgen_test]
async fn hints_come_one_at_a_time_and_the_solution_runs() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    assert_eq!(count(&root, ".hint-list li"), 0);
    click(&root, "Show a hint (1 of 2)").await;
    assert_eq!(count(&root, ".hint-list li"), 1);
    click(&root, "Show another hint (2 of 2)").await;
    assert_eq!(count(&root, ".hint-list li"), 2);
    assert_eq!(count(&root, ".hints button"), 0, "no more hints to show");
    click(&root, "Show the solution").await;
    // It asks first.
    assert_eq!(count(&root, ".solution-lines"), 0);
    click(&root, "Yes, show the solution").await;
    let lesson = catalog::find("02-nodeport").unwrap().lesson().unwrap();
    assert_eq!(
        text(&root, ".solution-lines"),
        lesson.steps[1].solution.join("\n")
    );
    click(&root, "Run the solution").await;
    assert!(log(&root).contains("service/myapp-service created"));
}

#[wasm_bindgen_test]
async fn next_keeps_the_world_and_reset_restores_the_step() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    run(&root, "kubectl apply -f myapp-service.yaml").await;
    click(&root, "Next step →").await;
    assert!(text(&root, "#step-title").starts_with("Step 3 of 4"));
    run(&root, "kubectl get svc myapp-service -o name").await;
    assert!(
        log(&root).ends_with("service/myapp-service\n"),
        "{}",
        log(&root)
    );
    run(&root, "kubectl delete svc myapp-service").await;
    click(&root, "Reset step").await;
    // Step 3 starts with the earlier steps' solutions run: the Service is back.
    assert_eq!(log(&root), "");
    assert!(text(&root, ".notice").contains("reset"));
    run(&root, "kubectl get svc myapp-service -o name").await;
    assert_eq!(
        log(&root),
        "student@laptop:~$ kubectl get svc myapp-service -o name\nservice/myapp-service\n"
    );
    click(&root, "← Previous step").await;
    assert!(text(&root, "#step-title").starts_with("Step 2 of 4"));
}

#[wasm_bindgen_test]
async fn undo_takes_back_the_last_command_and_its_effect() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    run(&root, "hostname").await;
    run(&root, "kubectl apply -f myapp-service.yaml").await;
    click(&root, "Undo last command").await;
    assert_eq!(log(&root), "student@laptop:~$ hostname\nlaptop\n");
    run(&root, "kubectl get svc myapp-service").await;
    assert!(
        log(&root).contains("services \"myapp-service\" not found"),
        "{}",
        log(&root)
    );
}

// ---- saved progress, deep links, share links ---------------------------

#[wasm_bindgen_test]
async fn progress_survives_a_reload() {
    let s = store("reload");
    let root = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    run(&root, "kubectl apply -f myapp-service.yaml").await;
    click(&root, "Next step →").await;
    run(&root, "kubectl get svc").await;
    let before = log(&root);
    // The same place opened again, as a reload does.
    let again = mount(lesson_route("02-nodeport", 3), Some(s.clone())).await;
    assert_eq!(log(&again), before);
    assert!(text(&again, "#step-title").starts_with("Step 3 of 4"));
    // Step 3 (an observation step) was done on arrival; that is kept too.
    assert!(find(&again, ".steps-nav li:nth-child(3)")
        .class_list()
        .contains("done"));
    // Up recalls what was typed before the reload.
    key(&again, "ArrowUp", false).await;
    assert_eq!(input(&again).value(), "kubectl get svc");
}

#[wasm_bindgen_test]
async fn a_deep_link_opens_the_step_it_names() {
    let root = mount(lesson_route("04-clusterip", 2), None).await;
    assert!(text(&root, "#step-title").starts_with("Step 2 of 3"));
    let current = find(&root, ".steps-nav [aria-current=\"step\"]")
        .text_content()
        .unwrap();
    assert!(current.contains(
        &catalog::find("04-clusterip")
            .unwrap()
            .lesson()
            .unwrap()
            .steps[1]
            .title
    ));
    // A step past the end opens the last one and says so.
    let root = mount(lesson_route("04-clusterip", 9), None).await;
    assert!(text(&root, "#step-title").starts_with("Step 3 of 3"));
    assert!(text(&root, ".notice").contains("3 steps"));
}

#[wasm_bindgen_test]
async fn a_share_link_reproduces_the_world() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    run(&root, "kubectl apply -f myapp-service.yaml").await;
    run(&root, "ssh node01").await;
    let record = Record {
        origin: Origin::Lesson {
            id: "02-nodeport".into(),
            fingerprint: catalog::find("02-nodeport").unwrap().fingerprint,
        },
        start_step: 2,
        done: vec![],
        given: vec![],
        shared: false,
        acts: vec![
            Act::Run("kubectl apply -f myapp-service.yaml".into()),
            Act::Run("ssh node01".into()),
        ],
    };
    let shared = mount(Route::Share(codec::to_link(&record)), None).await;
    assert_eq!(log(&shared), log(&root));
    assert_eq!(text(&shared, "#terminal-prompt"), "student@node01:~$ ");
    assert!(text(&shared, "#step-title").starts_with("Step 2 of 4"));
}

/// A share link never erases the student's own work on its lesson: it is
/// kept aside, "Back to your work" (or Undo, with nothing to undo) brings it
/// back, and the shared world is kept aside in turn.
#[wasm_bindgen_test]
async fn a_share_link_keeps_the_students_own_work() {
    let s = store("share-keeps");
    let key = storage::lesson_key("02-nodeport");
    let mine = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    run(&mine, "hostname").await;
    run(&mine, "whoami").await;
    let own_log = log(&mine);
    let record = Record {
        origin: Origin::Lesson {
            id: "02-nodeport".into(),
            fingerprint: catalog::find("02-nodeport").unwrap().fingerprint,
        },
        start_step: 2,
        done: vec![],
        given: vec![],
        shared: false,
        acts: vec![Act::Run("kubectl apply -f myapp-service.yaml".into())],
    };
    let shared = mount(Route::Share(codec::to_link(&record)), Some(s.clone())).await;
    assert!(log(&shared).contains("service/myapp-service created"));
    assert!(text(&shared, ".stash-bar").contains("your own work here is kept"));
    // Saved: the shared world is the lesson's now, and the student's is aside.
    let saved = codec::decode(&s.load(&key).unwrap()).unwrap().record;
    assert!(saved.shared);
    assert!(s.load(&opening::stash_key(&key, Stash::Own)).is_some());
    // Undo takes back the link's command, and then, with nothing left to
    // undo, goes back to the student's own work.
    let undo = find(&shared, ".toolbar button");
    assert_eq!(undo.text_content().unwrap().trim(), "Undo last command");
    undo.dyn_ref::<HtmlElement>().unwrap().click();
    settle().await;
    let undo = find(&shared, ".toolbar button");
    assert_eq!(
        undo.text_content().unwrap().trim(),
        "Undo (back to your work)"
    );
    undo.dyn_ref::<HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(log(&shared), own_log, "the student's own work is back");
    assert!(text(&shared, ".stash-bar").contains("kept beside your work"));
    // And the shared world is one click away, as it was left (its one
    // command undone).
    find(&shared, ".stash-bar button")
        .dyn_ref::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert!(text(&shared, ".stash-bar").contains("your own work here is kept"));
    assert!(!log(&shared).contains("whoami"), "{}", log(&shared));
}

/// After a share link, the lesson's own address opens the student's own
/// work, the shared world kept aside one click away; only a reload of the
/// tab that followed the link shows the shared world again.
#[wasm_bindgen_test]
async fn after_a_share_link_the_lessons_address_opens_the_students_own_work() {
    let s = store("share-then-address");
    s.set_shared_view(None);
    let key = storage::lesson_key("02-nodeport");
    let address = lesson_route("02-nodeport", 2);
    let mine = mount(address.clone(), Some(s.clone())).await;
    run(&mine, "whoami").await;
    let own_log = log(&mine);
    let record = Record {
        origin: Origin::Lesson {
            id: "02-nodeport".into(),
            fingerprint: catalog::find("02-nodeport").unwrap().fingerprint,
        },
        start_step: 2,
        done: vec![],
        given: vec![],
        shared: false,
        acts: vec![Act::Run("kubectl apply -f myapp-service.yaml".into())],
    };
    let shared = mount(Route::Share(codec::to_link(&record)), Some(s.clone())).await;
    assert!(log(&shared).contains("service/myapp-service created"));
    // A reload of this tab (whose address is the lesson's own now).
    let reloaded = mount(address.clone(), Some(s.clone())).await;
    assert!(log(&reloaded).contains("service/myapp-service created"));
    // The lesson's address from anywhere else: the lesson list, the
    // address bar, another tab.
    let opened = opening::for_address(&address, Some(&s), &Ok(WorldOptions::default()), false);
    assert_eq!(opened.stash, Some(Stash::Shared));
    let saved = codec::decode(&s.load(&key).unwrap()).unwrap().record;
    assert!(!saved.shared);
    assert!(s.load(&opening::stash_key(&key, Stash::Own)).is_none());
    let back = mount(address.clone(), Some(s.clone())).await;
    assert_eq!(log(&back), own_log, "the student's own work");
    assert!(text(&back, ".stash-bar").contains("kept beside your work"));
    // The shared world is one click away, and a reload keeps showing it.
    find(&back, ".stash-bar button")
        .dyn_ref::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert!(log(&back).contains("service/myapp-service created"));
    let again = mount(address, Some(s.clone())).await;
    assert!(log(&again).contains("service/myapp-service created"));
    s.set_shared_view(None);
}

/// What a trapped engine leaves behind: the mark of the command it was
/// running. Coming back, that command is left out, everything else is
/// replayed, and the student is told which command and why.
#[wasm_bindgen_test]
async fn a_crash_mark_leaves_its_command_out() {
    let s = store("crash-mark");
    let key = storage::lesson_key("02-nodeport");
    let first = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    run(&first, "hostname").await;
    run(&first, "whoami").await;
    // As if `whoami` had trapped the engine before it was saved. (The
    // record also holds the time that passed between commands.)
    let saved = codec::decode(&s.load(&key).unwrap_or_default()).expect("a record");
    let index = saved
        .record
        .acts
        .iter()
        .position(|a| *a == Act::Run("whoami".into()))
        .expect("whoami is in the saved record");
    crash_guard::mark(
        &s,
        &Mark {
            key: key.clone(),
            doing: Doing::ReplayAct {
                index,
                what: "whoami".into(),
            },
        },
    );
    let back = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    assert_eq!(log(&back), "student@laptop:~$ hostname\nlaptop\n");
    assert!(
        text(&back, ".notice").contains("`whoami`"),
        "{}",
        text(&back, ".notice")
    );
    assert!(
        s.load(&crash_guard::mark_key(&key)).is_none(),
        "the mark is gone"
    );
    // A mark for other work is left for that work.
    crash_guard::mark(
        &s,
        &Mark {
            key: "sandbox".into(),
            doing: Doing::Replay,
        },
    );
    let _ = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    assert_eq!(
        crash_guard::take_for(&s, "sandbox").map(|m| m.key),
        Some("sandbox".to_string())
    );
    // Marks read back, shortened to one line.
    let m = Mark {
        key: key.clone(),
        doing: Doing::Act {
            index: 3,
            what: "x=a\nmore".into(),
        },
    };
    assert_eq!(
        Mark::decode(&m.encode()).map(|m| m.doing),
        Some(Doing::Act {
            index: 3,
            what: "x=a".into()
        })
    );
}

#[wasm_bindgen_test]
async fn damaged_saved_state_replays_as_far_as_it_goes() {
    let s = store("damaged");
    let good = codec::encode(&Record {
        origin: Origin::Lesson {
            id: "02-nodeport".into(),
            fingerprint: catalog::find("02-nodeport").unwrap().fingerprint,
        },
        start_step: 2,
        done: vec![],
        given: vec![],
        shared: false,
        acts: vec![Act::Run("hostname".into()), Act::Run("whoami".into())],
    });
    // The second entry is garbled: the first still replays.
    let damaged = good.replace("run whoami", "rnu whoami");
    s.save(&storage::lesson_key("02-nodeport"), &damaged);
    let root = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    assert_eq!(log(&root), "student@laptop:~$ hostname\nlaptop\n");
    assert!(
        text(&root, ".notice").contains("could not be read"),
        "{}",
        text(&root, ".notice")
    );
    // Not a record at all: the step starts afresh, and says so.
    s.save(&storage::lesson_key("02-nodeport"), "\u{0}garbage");
    let root = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    assert_eq!(log(&root), "");
    assert!(text(&root, ".notice").contains("could not be read"));
    // A broken share link: the home page, with a sentence.
    let root = mount(Route::Share("%%%".into()), None).await;
    assert!(text(&root, ".notice").contains("could not be read"));
    assert_eq!(
        count(&root, ".lesson-list li"),
        catalog::sources().len() as u32
    );
}

#[wasm_bindgen_test]
fn records_round_trip_through_text_and_links() {
    let record = Record {
        origin: Origin::Sandbox(WorldOptions {
            nodes: 3,
            cloud: true,
            seed: 7,
            cni: servicelab::engine::world::Cni::Canal,
            gateway: true,
        }),
        start_step: 0,
        done: vec![1, 2],
        given: vec![2],
        shared: true,
        acts: vec![
            Act::Run("cat > a.yaml <<'EOF'\nkind: x\t\\ y\nEOF".into()),
            Act::Interrupt("hostn".into()),
            Act::Clear,
            Act::Apply {
                file: "a.yaml".into(),
                text: "a: 1\n".into(),
            },
            Act::Save {
                file: "/home/student/b.yaml".into(),
                text: "b: 2\n".into(),
            },
            Act::Goto(2),
        ],
    };
    let decoded = codec::decode(&codec::encode(&record)).unwrap();
    assert_eq!(decoded.record, record);
    assert_eq!(decoded.problem, None);
    assert_eq!(
        codec::from_link(&codec::to_link(&record)).unwrap().record,
        record
    );
    assert!(codec::decode("not a record").is_err());
}

#[wasm_bindgen_test]
fn routes_parse_and_print() {
    for r in [
        Route::Home,
        lesson_route("02-nodeport", 3),
        Route::Preview { step: 2 },
        Route::Share("abc".into()),
        Route::Sandbox(WorldOptions {
            nodes: 3,
            cloud: true,
            seed: 1,
            cni: servicelab::engine::world::Cni::Canal,
            gateway: true,
        }),
    ] {
        assert_eq!(Route::parse(&r.to_hash()), r, "{}", r.to_hash());
    }
    assert_eq!(Route::parse(""), Route::Home);
    assert_eq!(
        Route::parse("#/lessons/02-nodeport"),
        lesson_route("02-nodeport", 1)
    );
    assert!(matches!(Route::parse("#/lessons/x/0"), Route::Unknown(_)));
    assert!(matches!(Route::parse("#/nowhere"), Route::Unknown(_)));
}

// ---- the sandbox ---------------------------------------------------------

#[wasm_bindgen_test]
async fn the_sandbox_builds_the_world_asked_for_and_keeps_it() {
    let s = store("sandbox");
    let options = WorldOptions {
        nodes: 3,
        cloud: true,
        seed: 1,
        ..Default::default()
    };
    let root = mount(Route::Sandbox(options), Some(s.clone())).await;
    assert_eq!(count(&root, "#topology [data-host=\"node03\"]"), 1);
    assert_eq!(count(&root, "#topology [data-host=\"node04\"]"), 0);
    run(&root, "kubectl get nodes -o name").await;
    let again = mount(Route::Sandbox(options), Some(s)).await;
    assert_eq!(log(&again), log(&root));
    assert!(log(&again).contains("node/node03"));
}

#[wasm_bindgen_test]
async fn the_sandbox_form_asks_for_nodes_and_a_cloud() {
    let root = mount(Route::Home, None).await;
    let select: web_sys::HtmlSelectElement = find(&root, "#sandbox-nodes").dyn_into().unwrap();
    assert_eq!(select.options().length(), 8);
    select.set_value("4");
    let init = EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    flush().await;
    click(&root, "Build this world").await;
    assert_eq!(count(&root, "#topology [data-host=\"node04\"]"), 1);
    assert!(text(&root, ".sandbox-badge").contains("4 node(s)"));
}

// ---- the editor ----------------------------------------------------------

fn textarea(root: &Element) -> HtmlTextAreaElement {
    find(root, "#editor-text").dyn_into().unwrap()
}

async fn edit(root: &Element, text: &str) {
    let area = textarea(root);
    area.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    flush().await;
}

#[wasm_bindgen_test]
async fn the_editor_applies_through_kubectl_and_points_at_the_bad_line() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    click(&root, "Edit myapp-service.yaml").await;
    let lesson = catalog::find("02-nodeport").unwrap().lesson().unwrap();
    let original = lesson.steps[1].files[0].content.clone();
    assert_eq!(textarea(&root).value(), original);
    let lines = original.lines().count() as u32;
    assert!(count(&root, ".gutter .line-number") >= lines);
    // Out of range: the API server's words, at the nodePort line.
    let bad = original.replace("30008", "40000");
    edit(&root, &bad).await;
    click(&root, "Apply").await;
    let mut session = replay::start_at(&lesson, 2).unwrap();
    session.put_file("laptop", "myapp-service.yaml", &bad);
    let expected = session.run("kubectl apply -f myapp-service.yaml").text();
    let result = text(&root, "#editor-result");
    assert!(result.contains(expected.trim()), "{result}\n{expected}");
    let line = bad.lines().position(|l| l.contains("40000")).unwrap() + 1;
    control(&root, &format!("Line {line}"));
    assert_eq!(count(&root, ".gutter .error-line"), 1);
    // The same apply went through the terminal's session, on the record.
    assert!(log(&root).contains("kubectl apply -f myapp-service.yaml"));
    // Fixed: applied.
    edit(&root, &original).await;
    click(&root, "Apply").await;
    assert!(text(&root, "#editor-result").contains("service/myapp-service created"));
    assert_eq!(count(&root, ".gutter .error-line"), 0);
}

#[wasm_bindgen_test]
fn error_messages_point_at_lines() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  selector:\n    app: myapp\n  ports:\n  - targetPort: 80\n    port: 80\n    nodePort: 40000\n  - port: 81\n    nodeport: 1\n";
    assert_eq!(
        yaml_lines::line_of_path(svc, "spec.ports[0].nodePort"),
        Some(12)
    );
    assert_eq!(
        yaml_lines::line_of_path(svc, "spec.ports[1].nodeport"),
        Some(14)
    );
    assert_eq!(yaml_lines::line_of_path(svc, "spec.ports[0]"), Some(10));
    assert_eq!(yaml_lines::line_of_path(svc, "metadata.name"), Some(4));
    assert_eq!(yaml_lines::line_of_path(svc, "spec.selector.app"), Some(8));
    // A field that is not there: as deep as it goes.
    assert_eq!(yaml_lines::line_of_path(svc, "spec.clusterIP"), Some(5));
    let located = yaml_lines::locate(
        svc,
        "Error from server (BadRequest): error when creating \"a.yaml\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[1].nodeport\"\n",
    );
    assert_eq!(located[0].line, Some(14));
    let located = yaml_lines::locate(
        svc,
        "error: error parsing a.yaml: error converting YAML to JSON: yaml: line 9: mapping values are not allowed in this context\n",
    );
    assert_eq!(located[0].line, Some(9));
    // Flow style: the line that holds the key.
    let flow = "spec:\n  ports:\n  - {port: 80, nodePort: 40000}\n";
    assert_eq!(
        yaml_lines::line_of_path(flow, "spec.ports[0].nodePort"),
        Some(3)
    );
}

// ---- authors -------------------------------------------------------------

/// Picks `files` (name, text) in the authors' panel's file input.
async fn pick_files(root: &Element, files: &[(&str, &str)]) {
    use wasm_bindgen::JsCast;
    let transfer = web_sys::DataTransfer::new().unwrap();
    for (name, text) in files {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let file = web_sys::File::new_with_str_sequence(&parts, name).unwrap();
        transfer.items().add_with_file(&file).unwrap();
    }
    let input: web_sys::HtmlInputElement = find(root, "#lesson-file").dyn_into().unwrap();
    input.set_files(Some(&transfer.files().unwrap()));
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    for _ in 0..5 {
        settle().await;
    }
}

#[wasm_bindgen_test]
async fn the_authors_panel_shows_every_problem_in_full_and_plays_a_step() {
    use servicelab::ui::components::author_panel::{AuthorPanel, AuthorPanelProps};
    let broken = "---\ntitle: T\nworld:\n  nodes: 1\n---\n\n## A step\n\n```check\n- pod: {nme: x}\n```\n\n```solution\ntrue\n```\n";
    let diags = servicelab::engine::lesson::parse_lesson("my-lesson.md", broken).unwrap_err();
    assert!(opening::preview("my-lesson.md", broken, 1).is_err());
    let failing = "---\ntitle: Two steps\nworld:\n  nodes: 1\n---\n\n## Look\n\n```check passes-before\n- at: laptop\n```\n\n## Open it\n\n```check\n- service: {name: web, nodePort: 30008}\n```\n\n```solution\nkubectl create service nodeport web --tcp=80:80 --node-port=30009\n```\n";
    let root = fresh_root();
    let played = std::rc::Rc::new(std::cell::RefCell::new(None));
    let on_play = {
        let played = played.clone();
        yew::Callback::from(move |p: (String, String, usize)| *played.borrow_mut() = Some(p))
    };
    yew::Renderer::<AuthorPanel>::with_root_and_props(root.clone(), AuthorPanelProps { on_play })
        .render();
    flush().await;
    pick_files(&root, &[("my-lesson.md", broken), ("two.md", failing)]).await;
    assert_eq!(count(&root, ".author-file"), 2);
    // A parse error: in full, with its line and caret.
    let shown = find(&root, "[data-file=\"my-lesson.md\"] .diagnostics");
    let alert = shown.parent_element().unwrap();
    assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
    let words = shown.text_content().unwrap();
    assert!(words.contains(&diags[0].to_string()), "{words}");
    assert!(
        words.contains("my-lesson.md:10:") && words.contains('^'),
        "{words}"
    );
    // A replay error, in full, and the way to its step.
    let replay = text(&root, "[data-file=\"two.md\"] .diagnostics");
    assert!(
        replay.contains("two.md:16:3: after the solution, check failed: "),
        "{replay}"
    );
    click(&root, "Play from step 2: Open it").await;
    let (name, text, step) = played.borrow().clone().unwrap();
    assert_eq!((name.as_str(), step), ("two.md", 2));
    assert_eq!(text, failing);
}

#[wasm_bindgen_test]
async fn a_good_lesson_file_opens_as_a_preview() {
    let text = include_str!("fixtures/lessons/01-the-world.md");
    let opening = opening::preview("01-the-world.md", text, 1).unwrap();
    assert!(matches!(
        &opening.scope,
        servicelab::ui::state::Scope::Lesson { preview: true, .. }
    ));
    assert_eq!(opening.start_step, 1);
}

// ---- the terminal --------------------------------------------------------

#[wasm_bindgen_test]
async fn tab_in_the_terminal_completes_and_an_empty_line_lets_focus_go() {
    let root = mount(Route::Home, None).await;
    type_text(&root, "kubectl des").await;
    assert!(key(&root, "Tab", false).await, "Tab is taken to complete");
    assert_eq!(input(&root).value(), "kubectl describe ");
    type_text(&root, "ssh node0").await;
    key(&root, "Tab", false).await;
    // The only node: completed.
    assert_eq!(input(&root).value(), "ssh node01 ");
    type_text(&root, "").await;
    assert!(
        !key(&root, "Tab", false).await,
        "on an empty line Tab moves on"
    );
    type_text(&root, "kubectl").await;
    key(&root, "Escape", false).await;
    assert!(!key(&root, "Tab", false).await, "after Escape Tab moves on");
}

#[wasm_bindgen_test]
async fn a_heredoc_continues_on_greater_than_lines() {
    let root = mount(Route::Home, None).await;
    run(&root, "cat > note.txt <<EOF").await;
    assert_eq!(text(&root, "#terminal-prompt"), "> ");
    assert_eq!(log(&root), "", "nothing ran yet");
    run(&root, "hello").await;
    run(&root, "EOF").await;
    assert_eq!(text(&root, "#terminal-prompt"), "student@laptop:~$ ");
    let mut expected = Session::new(WorldOptions::default()).unwrap();
    let line = "cat > note.txt <<EOF\nhello\nEOF";
    let out = expected.run(line).text();
    assert_eq!(
        log(&root),
        format!("student@laptop:~$ cat > note.txt <<EOF\n> hello\n> EOF\n{out}")
    );
    // Ctrl+C abandons a half-typed heredoc.
    run(&root, "cat <<END").await;
    type_text(&root, "half").await;
    key(&root, "c", true).await;
    assert_eq!(text(&root, "#terminal-prompt"), "student@laptop:~$ ");
    assert!(
        log(&root).ends_with("cat <<END\n> half^C\n"),
        "{}",
        log(&root)
    );
}

#[wasm_bindgen_test]
async fn pasting_several_lines_runs_them_one_by_one() {
    let root = mount(Route::Home, None).await;
    let data = web_sys::DataTransfer::new().unwrap();
    data.set_data("text", "hostname\ncat > a.txt <<EOF\nx\nEOF\nwho")
        .unwrap();
    let init = web_sys::ClipboardEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_clipboard_data(Some(&data));
    let event = web_sys::ClipboardEvent::new_with_event_init_dict("paste", &init).unwrap();
    input(&root).dispatch_event(&event).unwrap();
    settle().await;
    assert!(event.default_prevented());
    let mut s = Session::new(WorldOptions::default()).unwrap();
    let first = s.run("hostname").text();
    let second = s.run("cat > a.txt <<EOF\nx\nEOF").text();
    assert_eq!(
        log(&root),
        format!("student@laptop:~$ hostname\n{first}student@laptop:~$ cat > a.txt <<EOF\n> x\n> EOF\n{second}")
    );
    // The last, unfinished line waits in the input.
    assert_eq!(input(&root).value(), "who");
}

#[wasm_bindgen_test]
async fn simulated_time_is_shown_passing_then_the_output() {
    let root = mount(Route::Home, None).await;
    run(&root, "curl http://10.244.0.2").await;
    // The output is in the page already (announced once shown), hidden while
    // the 2 minutes of simulated time play out in about a second.
    assert_eq!(count(&root, ".time-passing"), 1);
    assert_eq!(count(&root, "#terminal-output .output.pending"), 1);
    assert!(log(&root).contains("curl: (28)"));
    // Ctrl+C skips the wait.
    key(&root, "c", true).await;
    assert_eq!(count(&root, ".time-passing"), 0);
    assert_eq!(count(&root, "#terminal-output .output.pending"), 0);
    // Quick commands show their output at once.
    run(&root, "hostname").await;
    assert_eq!(count(&root, ".time-passing"), 0);
}

#[wasm_bindgen_test]
async fn replayed_commands_do_not_play_their_time_again() {
    let s = store("replay-time");
    let root = mount(Route::Sandbox(WorldOptions::default()), Some(s.clone())).await;
    run(&root, "curl http://10.244.0.2").await;
    assert_eq!(count(&root, ".time-passing"), 1);
    let again = mount(Route::Sandbox(WorldOptions::default()), Some(s)).await;
    assert_eq!(count(&again, ".time-passing"), 0);
    assert!(log(&again).contains("curl: (28)"));
}

// ---- packet stepping -----------------------------------------------------

#[wasm_bindgen_test]
async fn the_packet_can_be_stepped_through_hop_by_hop() {
    let root = mount(Route::Home, None).await;
    run(&root, "ssh node01").await;
    run(&root, "curl -s http://10.244.0.2").await;
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.run("ssh node01");
    let trace = s.run("curl -s http://10.244.0.2").trace.unwrap();
    click(&root, "Step through it hop by hop").await;
    assert_eq!(
        find(&root, "#hop-detail")
            .get_attribute("data-hop")
            .as_deref(),
        Some("0")
    );
    assert!(text(&root, "#hop-detail").starts_with(&format!(
        "Hop 1 of {}: {}",
        trace.hops.len(),
        trace.hops[0].host
    )));
    assert_eq!(count(&root, "#topology .current-hop"), 1);
    assert_eq!(
        count(&root, "#topology .wire-path"),
        0,
        "nothing crossed yet"
    );
    click(&root, "Next hop").await;
    assert_eq!(
        find(&root, "#hop-detail")
            .get_attribute("data-hop-host")
            .unwrap(),
        trace.hops[1].host
    );
    assert_eq!(
        find(&root, "#topology .current-hop")
            .get_attribute("data-host")
            .unwrap(),
        trace.hops[1].host
    );
    assert_eq!(count(&root, "#topology .wire-path"), 1);
    click(&root, "Whole path").await;
    assert_eq!(count(&root, "#hop-detail"), 0);
    assert_eq!(count(&root, "#topology .current-hop"), 0);
}

// ---- feedback the student sees -------------------------------------------

fn goal(root: &Element, i: u32) -> Element {
    root.query_selector_all(".check-list .check")
        .unwrap()
        .item(i)
        .unwrap()
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_request_goal_is_ready_until_the_students_own_request() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    run(&root, "kubectl apply -f myapp-service.yaml").await;
    // The world would answer, but the student has not seen it.
    assert_eq!(
        goal(&root, 0).get_attribute("data-goal").as_deref(),
        Some("passed")
    );
    assert_eq!(
        goal(&root, 1).get_attribute("data-goal").as_deref(),
        Some("ready")
    );
    assert_eq!(
        find(&root, "#step-state")
            .get_attribute("data-ready")
            .as_deref(),
        Some("true")
    );
    assert!(!find(&root, ".steps-nav li:nth-child(2)")
        .class_list()
        .contains("done"));
    // A request that ends otherwise is not it.
    run(&root, "curl -s http://192.168.1.2:30009").await;
    assert_eq!(
        goal(&root, 1).get_attribute("data-goal").as_deref(),
        Some("ready")
    );
    run(&root, "curl -s http://192.168.1.2:30008 > /dev/null").await;
    assert_eq!(
        goal(&root, 1).get_attribute("data-goal").as_deref(),
        Some("passed")
    );
    assert_eq!(
        find(&root, "#step-state")
            .get_attribute("data-passed")
            .as_deref(),
        Some("true")
    );
    assert!(find(&root, ".steps-nav li:nth-child(2)")
        .class_list()
        .contains("done"));
}

#[wasm_bindgen_test]
async fn reset_step_clears_the_steps_marks() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    click(&root, "Run kubectl apply -f myapp-service.yaml").await;
    click(&root, "Run curl http://192.168.1.2:30008").await;
    assert!(find(&root, ".steps-nav li:nth-child(2)")
        .class_list()
        .contains("done"));
    click(&root, "Reset step").await;
    assert!(!find(&root, ".steps-nav li:nth-child(2)")
        .class_list()
        .contains("done"));
    assert_eq!(
        find(&root, "#step-state")
            .get_attribute("data-passed")
            .as_deref(),
        Some("false")
    );
    assert_eq!(count(&root, ".check-list .check[data-passed=\"true\"]"), 0);
}

#[wasm_bindgen_test]
async fn a_step_already_so_reads_differently_and_a_finished_lesson_offers_the_next() {
    let root = mount(lesson_route("02-nodeport", 1), None).await;
    run(&root, "curl http://192.168.1.2:30008").await;
    assert!(text(&root, "#step-state").contains("Step done"));
    click(&root, "Next step →").await;
    click(&root, "Run kubectl apply -f myapp-service.yaml").await;
    click(&root, "Run curl http://192.168.1.2:30008").await;
    click(&root, "Next step →").await;
    // Step 3 asks nothing the world does not already show.
    let state = find(&root, "#step-state");
    assert_eq!(state.get_attribute("data-given").as_deref(), Some("true"));
    assert!(state.text_content().unwrap().contains("Already so"));
    assert!(find(&root, ".steps-nav li:nth-child(3)")
        .class_list()
        .contains("given"));
    assert_eq!(count(&root, ".lesson-complete"), 0);
    click(&root, "Next step →").await;
    // The last step: the lesson is finished, and the next one is offered.
    assert_eq!(count(&root, ".lesson-complete"), 1);
    assert_eq!(count(&root, "article.lesson.finished"), 1);
    let next = control(&root, "Next lesson: Many pods, many nodes →");
    assert_eq!(
        next.get_attribute("href").as_deref(),
        Some("#/lessons/03-many-pods/1")
    );
    click(&root, "Next lesson: Many pods, many nodes →").await;
    assert!(text(&root, "#step-title").starts_with("Step 1 of 4"));
}

// ---- editing where the student expects it --------------------------------

#[wasm_bindgen_test]
async fn vi_opens_the_file_in_the_editor_tab_and_apply_runs_in_the_terminal() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    run(&root, "vi myapp-service.yaml").await;
    settle().await;
    let tab = find(&root, "#tab-editor");
    assert_eq!(tab.get_attribute("aria-selected").as_deref(), Some("true"));
    assert!(find(&root, "#terminal-panel").has_attribute("hidden"));
    let lesson = catalog::find("02-nodeport").unwrap().lesson().unwrap();
    let original = lesson.steps[1].files[0].content.clone();
    assert_eq!(textarea(&root).value(), original);
    edit(
        &root,
        &original.replace("nodePort: 30008", "nodePort: 30009"),
    )
    .await;
    click(&root, "Apply").await;
    assert!(text(&root, "#editor-result").contains("service/myapp-service created"));
    // The lesson pane shows the file as the student's now.
    assert_eq!(count(&root, ".file-block.edited"), 1);
    assert_eq!(count(&root, ".file-chip.edited"), 1);
    assert!(text(&root, ".file-block.edited pre").contains("30009"));
    // Back to the terminal: the apply is there.
    click(&root, "Terminal · laptop").await;
    assert!(log(&root).contains("kubectl apply -f myapp-service.yaml"));
    run(
        &root,
        "kubectl get svc myapp-service -o jsonpath='{.spec.ports[0].nodePort}'",
    )
    .await;
    assert!(log(&root).ends_with("30009"), "{}", log(&root));
}

#[wasm_bindgen_test]
async fn kubectl_edit_opens_the_object_and_saving_hands_it_back_to_kubectl() {
    let s = store("kubectl-edit");
    let root = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    run(&root, "kubectl create service nodeport web --tcp=80:80").await;
    run(&root, "kubectl edit svc web").await;
    settle().await;
    let tab = find(&root, "#tab-editor");
    assert_eq!(tab.get_attribute("aria-selected").as_deref(), Some("true"));
    assert!(text(&root, ".editor-file").contains("kubectl edit service/web"));
    assert!(text(&root, ".editor-says").contains("sends the object back to kubectl"));
    let opened = textarea(&root).value();
    assert!(
        opened.starts_with("# Please edit the object below."),
        "{opened}"
    );
    // Broken YAML: kubectl reopens the editor with the failure on top.
    edit(&root, "spec: [broken").await;
    click(&root, "Save and close").await;
    settle().await;
    let reopened = textarea(&root).value();
    assert!(
        reopened.contains("# The edited file had a syntax error"),
        "{reopened}"
    );
    // A label added: kubectl says so, and the API server has it.
    edit(
        &root,
        &opened.replacen("  labels:\n", "  labels:\n    tier: edge\n", 1),
    )
    .await;
    click(&root, "Save and close").await;
    settle().await;
    assert_eq!(count(&root, "#editor-text"), 0, "the editor closed");
    assert!(log(&root).contains("service/web edited"), "{}", log(&root));
    run(
        &root,
        "kubectl get svc web -o jsonpath='{.metadata.labels.tier}'",
    )
    .await;
    assert!(log(&root).ends_with("edge"), "{}", log(&root));
    // The save is in the saved record, and a reload replays it.
    let saved = s
        .load(&storage::lesson_key("02-nodeport"))
        .unwrap_or_default();
    assert!(saved.contains("\nedit-done "), "{saved}");
    let back = mount(lesson_route("02-nodeport", 2), Some(s.clone())).await;
    assert!(log(&back).contains("service/web edited"), "{}", log(&back));
    // Closing without saving changes nothing, in kubectl's words.
    run(&back, "kubectl edit svc web").await;
    settle().await;
    click(&back, "Close without saving").await;
    settle().await;
    assert!(
        log(&back)
            .trim_end()
            .ends_with("Edit cancelled, no changes made."),
        "{}",
        log(&back)
    );
}

#[wasm_bindgen_test]
async fn new_manifest_asks_for_a_name_and_never_overwrites() {
    let root = mount(lesson_route("02-nodeport", 2), None).await;
    click(&root, "New manifest").await;
    let name: web_sys::HtmlInputElement = find(&root, "#new-file-name").dyn_into().unwrap();
    name.set_value("myapp-service.yaml");
    let init = EventInit::new();
    init.set_bubbles(true);
    name.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    flush().await;
    click(&root, "Create").await;
    assert!(text(&root, "#new-file-problem").contains("already exists"));
    assert_eq!(count(&root, "#tab-editor"), 0);
    name.set_value("web.yaml");
    name.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    flush().await;
    click(&root, "Create").await;
    settle().await;
    assert_eq!(text(&root, "#tab-editor"), "web.yaml");
    assert_eq!(textarea(&root).value(), "");
    edit(&root, "kind: x\n").await;
    click(&root, "Save").await;
    click(&root, "Terminal · laptop").await;
    run(&root, "cat web.yaml").await;
    assert!(log(&root).ends_with("kind: x\n"), "{}", log(&root));
}

#[wasm_bindgen_test]
async fn a_challenge_step_gives_no_commands_and_no_manifest() {
    let s = store("challenge");
    let lesson = "---\ntitle: T\nworld:\n  nodes: 1\n---\n\n## Challenge: open it\n\nMake node port 30008 lead to the pod; `kubectl get svc` shows where you are.\n\n```check\n- service: {nodePort: 30008}\n```\n\n```hint\nA Service of type NodePort.\n```\n\n```solution\nkubectl create service nodeport myapp-pod --tcp=80:80 --node-port=30008\n```\n";
    s.save(storage::PREVIEW_FILE_KEY, &format!("t.md\n{lesson}"));
    let root = mount(Route::Preview { step: 1 }, Some(s)).await;
    assert_eq!(count(&root, ".step.challenge"), 1);
    assert_eq!(count(&root, ".run-button"), 0);
    assert_eq!(count(&root, ".file-block"), 0);
    assert!(text(&root, ".step-text").contains("kubectl get svc"));
    click(&root, "Show a hint (1 of 1)").await;
    assert_eq!(count(&root, ".hint-list li"), 1);
}

const QUIZ_LESSON: &str = "---\ntitle: Q\nworld:\n  nodes: 1\n  pods:\n  - {name: myapp-pod, image: nginx, node: node01, labels: {app: myapp}}\n---\n\n## Try the port\n\nBefore the Service exists:\n\n```quiz\nquestion: What does `curl http://192.168.1.2:30008` get?\nchoices:\n- {text: The welcome page, expect: 200}\n- {text: Connection refused, expect: refused}\nanswer: Connection refused\nexplain:\n- Nothing forwards 30008 to the pod yet.\n- The node answers a closed port with a reset.\nprobe: {from: laptop, url: \"http://192.168.1.2:30008\"}\n```\n\nNow see for yourself.\n\n```console\n$ curl http://192.168.1.2:30008\n```\n\n```check\n- service: {nodePort: 30008}\n```\n\n```solution\nkubectl create service nodeport myapp --tcp=80:80 --node-port=30008\n```\n";

#[wasm_bindgen_test]
async fn a_quiz_asks_before_the_command_explains_a_wrong_choice_and_is_kept() {
    let s = store("quiz");
    s.save(storage::PREVIEW_FILE_KEY, &format!("q.md\n{QUIZ_LESSON}"));
    let root = mount(Route::Preview { step: 1 }, Some(s.clone())).await;
    assert_eq!(count(&root, ".quiz-choice"), 2);
    // What follows the question waits for the answer.
    assert!(!text(&root, ".step-text").contains("Now see for yourself"));
    assert_eq!(count(&root, ".run-button"), 0);
    assert_eq!(count(&root, ".quiz-waiting"), 1);
    // Predict, then observe: the solution waits for the answer too.
    assert_eq!(count(&root, ".solution-waiting"), 1);
    assert_eq!(count(&root, ".solution button"), 0);
    click(&root, "The welcome page").await;
    assert_eq!(count(&root, ".solution-waiting"), 0);
    assert_eq!(
        control(&root, "Show the solution")
            .text_content()
            .as_deref(),
        Some("Show the solution")
    );
    let explained = text(&root, ".quiz-explain");
    assert!(
        explained
            .starts_with("Not quite: the answer is “Connection refused”.Nothing forwards 30008"),
        "{explained}"
    );
    assert!(explained.contains("The node answers a closed port with a reset."));
    assert_eq!(count(&root, ".quiz-choice.right"), 1);
    assert_eq!(count(&root, ".quiz-choice.wrong"), 1);
    assert!(text(&root, ".step-text").contains("Now see for yourself"));
    assert_eq!(count(&root, ".run-button"), 1);
    // The answer is in the saved log, and a reload shows it.
    let saved = s.load(storage::PREVIEW_KEY).unwrap();
    assert!(saved.contains("\nanswer 1 0 0\n"), "{saved}");
    let again = mount(Route::Preview { step: 1 }, Some(s)).await;
    assert_eq!(count(&again, ".quiz-choice.wrong"), 1);
    assert_eq!(count(&again, ".quiz-waiting"), 0);
}

/// A preview lesson whose text names values of the student's world.
const BOUND_LESSON: &str = "---\ntitle: B\nworld:\n  nodes: 1\n  pods:\n  - {name: myapp-pod, image: nginx, node: node01, labels: {app: myapp}}\n---\n\n## Look it up\n\nThe pod is at {podIP:myapp-pod}; its Service will get {clusterIP:web}.\n\n```console\n$ curl -s http://{podIP:myapp-pod}\n$ curl -s http://{clusterIP:web}\n```\n\nThat was nginx at {podIP:myapp-pod}.\n\n```check\n- service: {name: web}\n- request: {from: node01, url: \"http://{clusterIP:web}\", expect: 200}\n```\n\n```solution\nkubectl expose pod myapp-pod --name web --port 80\nssh node01\ncurl -s http://{clusterIP:web}\n```\n";

#[wasm_bindgen_test]
async fn placeholders_show_the_students_values_and_wait_for_missing_ones() {
    let s = store("bound");
    s.save(storage::PREVIEW_FILE_KEY, &format!("b.md\n{BOUND_LESSON}"));
    let root = mount(Route::Preview { step: 1 }, Some(s)).await;
    let prose = text(&root, ".step-text");
    // The pod's address, from the student's world; the Service's, not yet.
    let mut check = Session::new(WorldOptions::default()).unwrap();
    let ip = check
        .run("kubectl get pod myapp-pod -o jsonpath='{.status.podIP}'")
        .text();
    assert!(prose.contains(&format!("The pod is at {ip};")), "{prose}");
    assert!(prose.contains("<web's ClusterIP>"), "{prose}");
    assert!(!prose.contains("{podIP"), "{prose}");
    assert_eq!(count(&root, ".unbound"), 2);
    // The command that needs a value the world does not have waits.
    let buttons = root.query_selector_all(".run-button").unwrap();
    let disabled: Vec<bool> = (0..buttons.length())
        .map(|i| {
            buttons
                .item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .has_attribute("disabled")
        })
        .collect();
    assert_eq!(disabled, vec![false, true]);
    // The goal says which URL, in the student's words.
    let goals = text(&root, ".check-list");
    assert!(goals.contains("http://<web's ClusterIP>"), "{goals}");
    // Once the Service exists, its address is everywhere.
    run(&root, "kubectl expose pod myapp-pod --name web --port 80").await;
    let cip = check
        .run("kubectl expose pod myapp-pod --name web --port 80 >/dev/null; kubectl get svc web -o jsonpath='{.spec.clusterIP}'")
        .text();
    let goals = text(&root, ".check-list");
    assert!(
        goals.contains(&format!("http://{cip} gets 200 OK")),
        "{goals}"
    );
    assert_eq!(count(&root, ".unbound"), 0);
}

#[wasm_bindgen_test]
async fn text_after_a_console_block_waits_for_its_command() {
    let s = store("ran");
    s.save(storage::PREVIEW_FILE_KEY, &format!("b.md\n{BOUND_LESSON}"));
    let root = mount(Route::Preview { step: 1 }, Some(s)).await;
    assert!(!text(&root, ".step-text").contains("That was nginx"));
    assert_eq!(count(&root, ".run-waiting"), 1);
    // The first command (the button runs it with the student's value) is
    // not the block's last: the text still waits.
    click(&root, &format!("Run curl -s http://{}", "10.244.0.2")).await;
    settle().await;
    assert_eq!(count(&root, ".run-waiting"), 1);
    // The last one, once its value exists, with success.
    run(&root, "kubectl expose pod myapp-pod --name web --port 80").await;
    let mut check = Session::new(WorldOptions::default()).unwrap();
    let cip = check
        .run("kubectl expose pod myapp-pod --name web --port 80 >/dev/null; kubectl get svc web -o jsonpath='{.spec.clusterIP}'")
        .text();
    run(&root, "ssh node01").await;
    click(&root, &format!("Run curl -s http://{cip}")).await;
    settle().await;
    assert!(text(&root, ".step-text").contains("That was nginx at 10.244.0.2."));
    assert_eq!(count(&root, ".run-waiting"), 0);
    // Or read on without running it.
    let s = store("ran2");
    s.save(storage::PREVIEW_FILE_KEY, &format!("b.md\n{BOUND_LESSON}"));
    let root = mount(Route::Preview { step: 1 }, Some(s)).await;
    click(&root, "Read on without running it").await;
    assert!(text(&root, ".step-text").contains("That was nginx"));
}

#[wasm_bindgen_test]
async fn a_step_with_a_question_waiting_says_nothing_of_its_goals() {
    let s = store("quiz-wait");
    // The world already passes the checks: without the wait, the step
    // would say "done" above a question it answers.
    let lesson = QUIZ_LESSON.replace(
        "## Try the port",
        "## Try the port\n\n```why\nThe node answers with a reset.\n```",
    );
    s.save(storage::PREVIEW_FILE_KEY, &format!("q.md\n{lesson}"));
    let root = mount(Route::Preview { step: 1 }, Some(s)).await;
    run(
        &root,
        "kubectl create service nodeport myapp --tcp=80:80 --node-port=30008",
    )
    .await;
    settle().await;
    let state = text(&root, "#step-state");
    assert!(
        state.starts_with("? Answer the question above first"),
        "{state}"
    );
    assert_eq!(count(&root, ".check-list"), 0);
    assert_eq!(count(&root, ".why"), 0);
    click(&root, "Connection refused").await;
    settle().await;
    let state = text(&root, "#step-state");
    assert!(state.contains("Step done"), "{state}");
    // "What happened" speaks of what the step's curl prints: it waits for it.
    assert_eq!(count(&root, ".why"), 0);
    assert!(text(&root, ".why-waiting").contains("Run the step's command to see what happened"));
    run(&root, "curl http://192.168.1.2:30008").await;
    settle().await;
    assert_eq!(count(&root, ".why-waiting"), 0);
    assert_eq!(count(&root, ".why"), 1);
}
