//! The first screen `servicelab build` writes into the page
//! (`servicelab::prerender`): what a student reads before the wasm runs.

#![cfg(not(target_arch = "wasm32"))]

use servicelab::engine::lesson::course::Course;
use servicelab::engine::lesson::parse_lesson;
use servicelab::prerender::{embed, first_screen, END, START};

/// A lesson whose first step says something, runs a command with a
/// placeholder, then talks about what it printed.
const LESSON: &str = r#"---
title: "Pods <and> addresses"
summary: Where a pod lives.
objectives:
- Find a pod's address with `kubectl get pods -o wide`.
minutes: 5
world:
  nodes: 1
  pods:
  - name: web
    image: nginx
    node: node01
---

The intro, before the first step.

## Look at the pod

Ask the cluster where **web** runs, then ask the pod at {podIP:web}:

```console
$ curl -s http://{podIP:web}
```

AFTER-THE-COMMAND: what curl printed means the pod answered.

```check passes-before
- request: {from: laptop, url: "http://{podIP:web}", expect: timeout}
```

```hint
The pod's address is in `kubectl get pods -o wide`.
```

## Second look

SECOND-STEP-TEXT, read from the start.

```check passes-before
- at: laptop
```
"#;

fn course() -> Course {
    let lesson = parse_lesson("lessons/01-pods.md", LESSON).unwrap_or_else(|d| panic!("{d:?}"));
    Course::new([(lesson, LESSON)])
}

#[test]
fn a_lesson_step_is_written_as_the_page_draws_it() {
    let html = first_screen(&course());
    // The home page lists the lesson; the lesson and each step have the
    // address the page routes by, as ids (the :target without JavaScript).
    assert!(
        html.contains(r#"<li class="lesson-item" data-lesson="01-pods">"#),
        "{html}"
    );
    assert!(html.contains(r#"id="/lessons/01-pods""#));
    assert!(html.contains(r#"<section class="step pre-step" id="/lessons/01-pods/1"><h3 tabindex="-1">Step 1 of 2: Look at the pod</h3>"#), "{html}");
    assert!(html.contains(r#"id="/lessons/01-pods/2""#));
    assert!(html.contains("SECOND-STEP-TEXT, read from the start."));
    // The title and the objectives, escaped; the intro on step 1.
    assert!(html.contains("<h2 tabindex=\"-1\">Pods &lt;and&gt; addresses</h2>"));
    assert!(html.contains("<p class=\"lesson-meta\">0 of 2 steps done · about 5 min</p>"));
    assert!(
        html.contains("<li>Find a pod's address with <code>kubectl get pods -o wide</code>.</li>")
    );
    assert!(html.contains("<div class=\"intro\"><p>The intro, before the first step.</p></div>"));
    assert!(html.contains("<strong>web</strong>"));
    // The text stops where the page's does: after the command, until it ran.
    assert!(!html.contains("AFTER-THE-COMMAND"), "{html}");
    assert!(html.contains("Run the command above to read on"));
    // Goals whose state needs the world say so, and no more.
    assert!(html.contains("The goals are judged on your world once the terminal has started."));
    // Step 2's check passes before: still the world's to say.
    assert_eq!(html.matches("step-state pre-judging").count(), 2);
    // A step bar for each step, hidden until the address picks it.
    assert!(html.contains(r#"<nav class="step-bar step-nav pre-bar" aria-label="Steps" data-for="/lessons/01-pods/2" hidden="">"#));
}

#[test]
fn a_value_of_the_students_world_is_never_printed() {
    let html = first_screen(&course());
    // The pod's address is the world's (the lesson names it by placeholder):
    // it reads as what it stands for, as the page shows a value not there yet.
    assert!(!html.contains("10.244.0."), "{html}");
    assert!(!html.contains("{podIP:web}"), "{html}");
    let unbound = r#"<span class="unbound" title="filled in from your world once the terminal has started">&lt;"#;
    assert!(html.contains(unbound), "{html}");
    // Its command cannot run yet, and says why.
    assert!(
        html.contains("title=\"Not yet: filled in from your world once the terminal has started\"")
    );
}

#[test]
fn nothing_is_clickable_before_the_app_but_links() {
    let html = first_screen(&course());
    let buttons = html.matches("<button").count();
    assert!(buttons > 5, "{buttons}");
    let disabled = html
        .split("<button")
        .skip(1)
        .filter(|b| b[..b.find('>').unwrap()].contains("disabled=\"\""))
        .count();
    assert_eq!(disabled, buttons, "{html}");
    // No input of the terminal: it comes with the app.
    assert!(!html.contains("terminal-input\" type"));
    assert!(html.contains("The terminal is starting…"));
    // Links go where the app's do.
    assert!(html
        .contains(r##"<a href="#/lessons/01-pods/2" class="button next-step">Next step →</a>"##));
}

#[test]
fn the_first_screen_goes_between_its_marks_and_is_replaced_there() {
    let course = course();
    let page = format!("<html><body><script>x</script>{START}<noscript>old</noscript>{END}<script type=\"application/json\" id=\"servicelab-course\"></script></body></html>");
    let once = embed(&page, &course);
    assert!(!once.contains("<noscript>old</noscript>"));
    assert!(once.starts_with(
        "<html><body><script>x</script><!--servicelab-first-screen--><div class=\"app pre-app\""
    ));
    assert!(once.ends_with(&format!(
        "{END}<script type=\"application/json\" id=\"servicelab-course\"></script></body></html>"
    )));
    // Again (a site published once more, another course): replaced, not added.
    assert_eq!(embed(&once, &course), once);
    // A page without the marks (built before them) is left as it is.
    assert_eq!(
        embed("<html><body></body></html>", &course),
        "<html><body></body></html>"
    );
}

#[test]
fn the_course_in_lessons_is_written_whole() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut lessons = vec![];
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
        .collect();
    paths.sort();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        let l = parse_lesson(&p.to_string_lossy(), &text).unwrap_or_else(|d| panic!("{d:?}"));
        lessons.push((l, text));
    }
    let course = Course::new(lessons.iter().map(|(l, t)| (l.clone(), t.as_str())));
    let html = first_screen(&course);
    for (l, _) in &lessons {
        assert!(
            html.contains(&format!("id=\"/lessons/{}\"", l.id)),
            "{}",
            l.id
        );
        for n in 1..=l.steps.len() {
            assert!(html.contains(&format!("id=\"/lessons/{}/{n}\"", l.id)));
        }
    }
    // Every tag closed that was opened (a broken tree would swallow the page).
    for tag in [
        "div", "section", "article", "p", "ul", "ol", "li", "details", "nav", "a", "code", "pre",
    ] {
        let opened =
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        assert_eq!(
            opened,
            html.matches(&format!("</{tag}>")).count(),
            "<{tag}>"
        );
    }
}
