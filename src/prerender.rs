//! The first screen, painted from `index.html` before the wasm has run:
//! `servicelab build` writes the home page (the course, grouped by course)
//! and every step of every lesson as it first opens (title, objectives,
//! the steps, the step's text up to where it waits for the student) into
//! the page, in the elements and classes the Yew components draw, so
//! nothing moves when the app replaces it as it mounts (Yew empties
//! `<body>` and draws the same thing there).
//!
//! Only the lesson's own words are written: a placeholder the student's
//! world fills in (`{podIP:web}`) reads as what it stands for, as the page
//! shows a value the world does not have yet; where the terminal will be,
//! the terminal says it is starting; the goals say they are judged once it
//! has. Which screen shows: the address's lesson and step (`#/lessons/ID/N`)
//! by the inline script below, or, without JavaScript, as the `:target` of
//! the address (styles/app.css, "The prerendered first screen").
//!
//! Pure text in, text out: the authors' page (wasm) writes it into the
//! sites it publishes with the same code.

use crate::engine::lesson::bind::Values;
use crate::engine::lesson::course::Course;
use crate::engine::lesson::{Doc, Lesson, Segment, Step};
use crate::markup::{el, to_html, Element, Markup};
use crate::prose_tree::{self, Reading};

/// Where the first screen goes in `index.html` (in `<body>`, after the
/// crash handler's script): between these two comments.
pub const START: &str = "<!--servicelab-first-screen-->";
pub const END: &str = "<!--/servicelab-first-screen-->";

/// What a placeholder's value waits for before the world exists.
const UNBOUND: &str = "filled in from your world once the terminal has started";

fn reading(values: &Values, buttons: bool) -> Reading<'_> {
    Reading {
        unbound_why: Some(UNBOUND),
        buttons,
        ..Reading::plain(values)
    }
}

fn prose(doc: &Doc, buttons: bool, shift: u8) -> Vec<Markup> {
    let values = Values::default();
    prose_tree::render(doc, &reading(&values, buttons), shift)
}

fn link(hash: String) -> Element {
    el("a").attr("href", hash)
}

fn lesson_hash(id: &str, step: usize) -> String {
    format!("#/lessons/{id}/{step}")
}

fn button() -> Element {
    el("button").attr("type", "button")
}

/// The lesson's title, or its file when it has none (as `catalog::Source`).
fn title(l: &Lesson) -> &str {
    if l.title.is_empty() {
        &l.path
    } else {
        &l.title
    }
}

/// `components::lesson_list::LessonList`, with no progress saved.
fn lesson_list(course: &Course) -> Element {
    let mut courses: Vec<(Option<String>, Vec<Markup>)> = vec![];
    for p in &course.lessons {
        let l = &p.lesson;
        let steps = l.steps.len();
        let meta = match l.minutes {
            Some(m) => format!("{steps} steps · about {m} min"),
            None => format!("{steps} steps"),
        };
        let mut item = el("li")
            .class("lesson-item")
            .attr("data-lesson", &l.id)
            .kid(
                link(lesson_hash(&l.id, 1))
                    .class("lesson-link")
                    .kid(title(l)),
            )
            .kid(el("p").class("lesson-summary").kid(l.summary.as_str()))
            .kid(el("p").class("lesson-meta").kid(meta));
        if !l.objectives.is_empty() {
            item = item.kid(
                el("details")
                    .class("lesson-objectives")
                    .kid(el("summary").kid("What you will be able to do"))
                    .kid(
                        el("ul").kids(
                            l.objectives
                                .iter()
                                .map(|o| el("li").kids(prose(o, true, 3)).into()),
                        ),
                    ),
            );
        }
        match courses.iter_mut().find(|(c, _)| *c == l.course) {
            Some((_, items)) => items.push(item.into()),
            None => courses.push((l.course.clone(), vec![item.into()])),
        }
    }
    let several = courses.len() > 1;
    let sections = courses.into_iter().enumerate().map(|(i, (course, items))| {
        let id = if i == 0 {
            "course-heading".to_string()
        } else {
            format!("course-heading-{}", i + 1)
        };
        let name = match (several, course) {
            (false, _) => "The course".to_string(),
            (true, Some(name)) => name,
            (true, None) => "Services".to_string(),
        };
        el("section")
            .class("course")
            .attr("aria-labelledby", &id)
            .kid(el("h3").attr("id", id).kid(name))
            .kid(el("ol").class("lesson-list").kids(items))
            .into()
    });
    el("div")
        .class("lesson-home")
        .kids(sections)
        .kid(sandbox_form())
        .kid(
            el("p")
                .class("author-link")
                .kid("Writing a lesson? ")
                .kid(link("author/".into()).kid("The authors' page"))
                .kid(" checks a lesson file as servicelab check does and plays it."),
        )
}

/// `lesson_list::SandboxForm`, folded as it first shows.
fn sandbox_form() -> Element {
    let radio = |name: &str, checked: bool, label: &str| -> Markup {
        let mut input = el("input").attr("type", "radio").attr("name", name);
        if checked {
            input = input.attr("checked", "");
        }
        el("label").kid(input).kid(label).into()
    };
    let nodes = (1..=crate::engine::world::MAX_NODES).map(|n| {
        let o = el("option").attr("value", n.to_string());
        let o = if n == 2 { o.attr("selected", "") } else { o };
        o.kid(n.to_string()).into()
    });
    el("details")
        .class("sandbox-form")
        .kid(
            el("summary")
                .attr("id", "sandbox-heading")
                .kid("Sandbox: a world of your own"),
        )
        .kid(el("p").kid("No lesson, no checks: build a cluster of 1 to 8 nodes and try anything."))
        .kid(
            el("form")
                .kid(el("label").attr("for", "sandbox-nodes").kid("Nodes"))
                .kid(el("select").attr("id", "sandbox-nodes").kids(nodes))
                .kid(
                    el("fieldset")
                        .kid(el("legend").kid("Where it runs"))
                        .kid(radio(
                            "sandbox-where",
                            true,
                            " Bare metal (LoadBalancer stays <pending>)",
                        ))
                        .kid(radio(
                            "sandbox-where",
                            false,
                            " A cloud (LoadBalancer gets an external IP)",
                        )),
                )
                .kid(
                    el("fieldset")
                        .kid(el("legend").kid("Pod network"))
                        .kid(radio(
                            "sandbox-cni",
                            true,
                            " flannel (NetworkPolicy is stored, not enforced)",
                        ))
                        .kid(radio(
                            "sandbox-cni",
                            false,
                            " Canal (Calico enforces NetworkPolicy)",
                        )),
                )
                .kid(el("button").attr("type", "submit").kid("Build this world")),
        )
}

/// `components::home::Home` for a student with nothing saved (the inline
/// script says "continue" instead when there is saved work).
fn home(course: &Course) -> Element {
    let mut home = el("div")
        .class("home pre-home")
        .kid(
            el("h2")
                .attr("id", "lesson-pane-heading")
                .attr("tabindex", "-1")
                .class("hero-title")
                .kid("See how a Kubernetes Service moves a packet"),
        )
        .kid(el("p").class("hero-line").kid(
            "Type real curl and kubectl into a simulated cluster, and watch each packet travel, hop by hop, or stop, and see why.",
        ));
    if let Some(first) = course.lessons.first() {
        let l = &first.lesson;
        home = home.kid(
            el("p").class("hero-action").kid(
                link(lesson_hash(&l.id, 1))
                    .class("button primary big start-link")
                    .kid(format!("Start the first lesson: “{}”", title(l)))
                    .kid(" →"),
            ),
        );
    }
    home.kid(lesson_list(course))
}

/// The quiz card as it first shows, nothing chosen (`QuizCard`).
fn quiz(q: &crate::engine::lesson::Quiz) -> Markup {
    let values = Values::default();
    let r = reading(&values, true);
    let tag = if q.probe.is_some() {
        "Predict"
    } else {
        "Question"
    };
    el("section")
        .class("quiz")
        .attr("data-answered", "false")
        .kid(
            el("div")
                .class("quiz-question")
                .kid(el("span").class("quiz-tag").kid(tag))
                .kids(prose_tree::render(&q.question, &r, 3)),
        )
        .kid(
            el("ul")
                .class("quiz-choices")
                .kids(q.choices.iter().map(|c| {
                    el("li")
                        .kid(
                            button()
                                .class("quiz-choice")
                                .attr("aria-pressed", "false")
                                .kids(prose_tree::bound(&c.text, &r)),
                        )
                        .into()
                })),
        )
        .into()
}

/// One step as it opens, nothing done yet (`lesson_view::StepView`): the
/// text up to the first place it waits for the student, and the same
/// sentence there; the goals' heading, whose judging needs the world.
fn step_view(l: &Lesson, n: usize, step: &Step) -> Element {
    let count = l.steps.len();
    let challenge = step.challenge;
    let mut section = el("section")
        .class(if challenge {
            "step challenge pre-step"
        } else {
            "step pre-step"
        })
        // No `data-step`, as on the app's: a selector for the step shown
        // finds the app's alone, not every lesson's prerendered step N.
        .attr("id", format!("/lessons/{}/{n}", l.id))
        .kid(
            el("h3")
                .attr("tabindex", "-1")
                .kid(format!("Step {n} of {count}: {}", step.title)),
        );
    if challenge {
        section = section.kid(el("p").class("challenge-note").kid(
            "A challenge: the goal and its checks, and no commands to click. Hints come one at a time if you want them.",
        ));
    }
    // The files the lesson gives (the student's laptop is not there yet).
    let files: Vec<String> = prose_tree::step_file_names(step)
        .into_iter()
        .filter(|name| {
            l.steps
                .iter()
                .flat_map(|s| &s.files)
                .any(|f| &f.name == name)
        })
        .collect();
    if !files.is_empty() && !challenge {
        section = section.kid(
            el("div")
                .class("step-files")
                .attr("role", "group")
                .attr("aria-label", "Files in this step")
                .kid(el("span").class("step-files-label").kid("Files:"))
                .kids(files.into_iter().map(|name| {
                    button()
                        .class("file-chip")
                        .kid(name)
                        .kid(
                            el("span")
                                .class("visually-hidden")
                                .kid(": open it in the editor"),
                        )
                        .into()
                })),
        );
    }
    if n == 1 && !l.intro.0.is_empty() {
        section = section.kid(
            el("div")
                .class("intro")
                .kids(prose(&l.intro, !challenge, 2)),
        );
    }
    // Where the text first waits: a quiz, a console block's commands, the goals.
    let stop = step.segments.iter().position(|s| match s {
        Segment::Quiz(_) | Segment::Goals => true,
        Segment::Ran(cmds) => !cmds.is_empty(),
        Segment::Prose(_) => false,
    });
    let shown = stop.map_or(step.segments.len(), |i| i + 1);
    let mut text = el("div").class("step-text");
    for s in step.segments.iter().take(shown) {
        match s {
            Segment::Prose(doc) => text = text.kids(prose(doc, !challenge, 2)),
            Segment::Quiz(k) => {
                if let Some(q) = step.quizzes.get(*k) {
                    text = text.kid(quiz(q));
                }
            }
            Segment::Ran(_) | Segment::Goals => {}
        }
    }
    let gate = stop.and_then(|i| match &step.segments[i] {
        Segment::Ran(cmds) => Some(Some(cmds.len())),
        Segment::Goals => Some(None),
        _ => None,
    });
    if let Some(commands) = gate {
        text = text.kid(
            el("div")
                .class("run-waiting")
                .attr("role", "group")
                .attr(
                    "aria-label",
                    "The text goes on once you have done what is above",
                )
                .kid(el("p").kid(match commands {
                    Some(1) => "Run the command above to read on: the text goes on with what it prints.",
                    Some(_) => "Run the commands above to read on: the text goes on with what they print.",
                    None => "Reach the goals of this step to read on: the text goes on with the world as it is then.",
                }))
                .kid(button().class("read-on").kid(if commands.is_some() {
                    "Read on without running it"
                } else {
                    "Read on anyway"
                })),
        );
    } else if shown < step.segments.len() {
        text =
            text.kid(el("p").class("quiz-waiting").kid(
                "Answer the question to read on: the step goes on with the command that tells.",
            ));
    }
    section = section.kid(text);
    // The goals: a question before them keeps them hidden, as the page
    // does; otherwise whether they are reached is the world's to say.
    let goals_at = step
        .segments
        .iter()
        .position(|s| matches!(s, Segment::Goals))
        .unwrap_or(step.segments.len());
    let quiz_at = step
        .segments
        .iter()
        .take(goals_at)
        .position(|s| matches!(s, Segment::Quiz(_)));
    let state = match quiz_at {
        _ if step.checks.is_empty() => el("p").class("step-state info").kid(
            "Nothing to check in this step: read, try the commands, then go on.",
        ),
        Some(i) => el("p")
            .class("step-state waiting")
            .attr("data-passed", "false")
            .kid(el("span").class("glyph").attr("aria-hidden", "true").kid("? "))
            .kid(if i < shown {
                "Answer the question above first: the goals would give its answer away."
            } else {
                "Run the step's commands: a question comes after them, and the goals show once you have answered it."
            }),
        None => el("p")
            .class("step-state pre-judging")
            .kid("The goals are judged on your world once the terminal has started."),
    };
    section = section.kid(
        el("section")
            .class("checks")
            .kid(el("h4").kid("Goals of this step"))
            .kid(el("div").attr("role", "status").kid(state)),
    );
    if !step.hints.is_empty() {
        section = section.kid(
            el("section")
                .class("hints")
                .kid(el("h4").kid("Hints"))
                .kid(button().kid(format!("Show a hint (1 of {})", step.hints.len()))),
        );
    }
    if !step.solution.is_empty() {
        // As the app: a question before the goals holds the solution back.
        let offer = match quiz_at {
            Some(_) => el("p").class("solution-waiting").kid(
                "Answer the question first: the solution runs the commands whose result it asks you to predict.",
            ),
            None => button()
                .attr("aria-expanded", "false")
                .kid("Show the solution"),
        };
        section = section.kid(
            el("section")
                .class("solution")
                .kid(el("h4").kid("Solution"))
                .kid(offer),
        );
    }
    section
}

/// A lesson's head and each of its steps (`lesson_view::LessonView`); one
/// step shows at a time.
fn lesson_view(l: &Lesson) -> Element {
    let count = l.steps.len();
    let mut meta = el("p")
        .class("lesson-meta")
        .kid(format!("0 of {count} steps done"));
    if let Some(m) = l.minutes {
        meta = meta.kid(format!(" · about {m} min"));
    }
    let mut head = el("header")
        .class("lesson-head")
        .kid(
            el("p")
                .class("back")
                .kid(link("#/".into()).kid("← All lessons")),
        )
        .kid(el("h2").attr("tabindex", "-1").kid(l.title.as_str()))
        .kid(meta);
    if !l.objectives.is_empty() {
        head = head.kid(
            el("details")
                .class("objectives")
                .attr("open", "")
                .kid(el("summary").kid("What you will be able to do"))
                .kid(
                    el("ul").kids(
                        l.objectives
                            .iter()
                            .map(|o| el("li").kids(prose(o, true, 3)).into()),
                    ),
                ),
        );
    }
    head = head.kid(
        el("nav")
            .class("steps-nav")
            .attr("aria-label", "Steps of this lesson")
            .kid(el("ol").kids(l.steps.iter().enumerate().map(|(i, s)| {
                let li = el("li");
                let li = if s.challenge {
                    li.class("challenge")
                } else {
                    li
                };
                li.kid(
                    link(lesson_hash(&l.id, i + 1))
                        .kid(el("span").class("glyph").attr("aria-hidden", "true"))
                        .kid(s.title.as_str()),
                )
                .into()
            }))),
    );
    el("article")
        .class("lesson pre-lesson")
        .attr("id", format!("/lessons/{}", l.id))
        .kid(head)
        .kids(
            l.steps
                .iter()
                .enumerate()
                .map(|(i, s)| step_view(l, i + 1, s).into()),
        )
}

/// `components::step_bar::StepBar` for each step, hidden until chosen.
fn step_bars(l: &Lesson) -> impl Iterator<Item = Markup> + '_ {
    let count = l.steps.len();
    (1..=count).map(move |n| {
        let mut bar = el("nav")
            .class("step-bar step-nav pre-bar")
            .attr("aria-label", "Steps")
            .attr("data-for", format!("/lessons/{}/{n}", l.id))
            .attr("hidden", "");
        if n > 1 {
            bar = bar.kid(
                link(lesson_hash(&l.id, n - 1))
                    .class("button")
                    .kid("← Previous step"),
            );
        }
        bar = bar.kid(
            el("span")
                .class("step-of")
                .kid(format!("Step {n} of {count}")),
        );
        bar = if n < count {
            bar.kid(
                link(lesson_hash(&l.id, n + 1))
                    .class("button next-step")
                    .kid("Next step →"),
            )
        } else {
            bar.kid(
                link("#/".into())
                    .class("button next-step")
                    .kid("All lessons"),
            )
        };
        bar.into()
    })
}

/// Where the terminal will be: the pane's frame, and the terminal saying
/// it is starting.
fn terminal_pane() -> Element {
    let toolbar_button = |label: &str| -> Markup { button().kid(label).into() };
    el("section")
        .attr("id", "terminal-pane")
        .class("pane terminal-pane")
        .attr("aria-labelledby", "terminal-heading")
        .kid(
            el("h2")
                .attr("id", "terminal-heading")
                .class("visually-hidden")
                .kid("Terminal and editor"),
        )
        .kid(
            el("div")
                .class("pane-head")
                .kid(
                    el("div")
                        .class("tabs")
                        .attr("role", "tablist")
                        .attr("aria-label", "Terminal and editor")
                        .kid(
                            button()
                                .attr("role", "tab")
                                .attr("id", "tab-terminal")
                                .class("tab")
                                .attr("aria-selected", "true")
                                .attr("aria-controls", "terminal-panel")
                                .kid("Terminal"),
                        ),
                )
                .kid(
                    el("div")
                        .class("toolbar")
                        .attr("role", "group")
                        .attr("aria-label", "Terminal actions")
                        .kid(toolbar_button("Undo last command"))
                        .kid(button().class("pre-reset").kid("Reset world"))
                        .kid(toolbar_button("New manifest"))
                        .kid(toolbar_button("Share")),
                ),
        )
        .kid(
            el("div")
                .attr("id", "terminal-panel")
                .class("tab-panel")
                .attr("role", "tabpanel")
                .kid(
                    el("div").class("terminal").kid(
                        el("div")
                            .class("terminal-screen")
                            .kid(
                                el("div")
                                    .attr("id", "terminal-output")
                                    .class("scrollback")
                                    .attr("role", "log")
                                    .attr("aria-label", "Command output")
                                    .kid(
                                        el("span")
                                            .class("entry note pre-starting")
                                            .kid("The terminal is starting…\n"),
                                    )
                                    .kid(el("noscript").kid(el("span").class("entry note").kid(
                                        "The terminal runs a simulated Kubernetes cluster in your browser and needs JavaScript and WebAssembly: enable JavaScript and reload the page. The lesson can be read without them.\n",
                                    ))),
                            )
                            // The input comes with the app: a student types
                            // into the terminal that runs.
                            .kid(el("div").class("terminal-line").kid(
                                el("span").attr("id", "terminal-prompt").class("prompt"),
                            )),
                    ),
                )
                .kid(el("p").class("hint").attr("id", "terminal-keys").kid(
                    "Enter runs; Up and Down recall; Tab completes (Esc, then Tab, moves on); Ctrl+C abandons; vi FILE and kubectl edit open the editor. ",
                )),
        )
}

fn network_pane() -> Element {
    el("section")
        .attr("id", "network-pane")
        .class("pane network-pane")
        .attr("aria-labelledby", "network-heading")
        .kid(
            el("h2")
                .attr("id", "network-heading")
                .attr("tabindex", "-1")
                .kid("Network"),
        )
}

/// Picks the screen the address names, before the first paint (the
/// app's `route.rs` reads the address the same way: `#/lessons/ID/N`,
/// `/N` optional, a step past the last shows the last) and sets what
/// depends on it and on the work saved in this browser: the lesson's
/// steps done (from its saved record's `done` line), the objectives folded
/// after a first visit, the step bar, the home page's way back in.
const PICK: &str = r#"(function(){
var d=document;
function q(s,e){return(e||d).querySelector(s)}
function all(s,f){d.querySelectorAll(s).forEach(f)}
function saved(id){try{return localStorage.getItem("servicelab/lesson/"+id)}catch(e){return null}}
function done(r){var m=r&&/^done (.*)$/m.exec(r);return m?m[1].split(" ").length:0}
function pick(){
if(!q(".pre-app"))return removeEventListener("hashchange",pick);
var h=location.hash.replace(/^#\/?/,"").split("?")[0].replace(/\/+$/,"").split("/"),w=q(".start-link");
all(".pre-shown",function(e){e.classList.remove("pre-shown")});all(".pre-bar",function(e){e.hidden=true});
all(".steps-nav .current",function(e){e.classList.remove("current");q("a",e).removeAttribute("aria-current")});
var a=h[0]=="lessons"&&h.length<4&&h[1]&&d.getElementById("/lessons/"+h[1]),n=h[2]?+h[2]:1;
if(a&&n>=1&&n%1==0){var s=a.querySelectorAll(".pre-step"),c=done(saved(h[1])),m=q(".lesson-meta",a),o=q(".objectives",a),li;
n=Math.min(n,s.length);a.classList.add("pre-shown");s[n-1].classList.add("pre-shown");
all('.pre-bar[data-for="/lessons/'+h[1]+"/"+n+'"]',function(e){e.hidden=false});
li=a.querySelectorAll(".steps-nav li")[n-1];li.classList.add("current");q("a",li).setAttribute("aria-current","step");
m.firstChild.data=m.firstChild.data.replace(/^\d+/,c);if(o)o.open=n==1&&!c;
q(".pre-reset").textContent="Reset step";q(".pane-switch").textContent="Lesson";return}
q(".pre-reset").textContent="Reset world";q(".pane-switch").textContent="Start";
all(".lesson-item",function(e){if(w&&saved(e.dataset.lesson))w.style.visibility="hidden"});
}
pick();addEventListener("hashchange",pick);
})();"#;

/// The app's frame (`components::app::App`) around the home page and the
/// lessons.
fn app(course: &Course) -> Element {
    let switch = |pane: &str, label: &str, pressed: bool| -> Markup {
        button()
            .class("pane-switch")
            .attr("aria-pressed", pressed.to_string())
            .attr("aria-controls", format!("{pane}-pane"))
            .kid(label)
            .into()
    };
    el("div")
        .class("app pre-app")
        .attr("data-pane", "lesson")
        .kid(
            link("#terminal-input".into())
                .class("skip-link")
                .kid("Skip to the terminal"),
        )
        .kid(
            el("header")
                .class("app-header")
                .kid(
                    el("h1")
                        .class("app-name")
                        .kid(link("#/".into()).kid("servicelab")),
                )
                .kid(
                    el("p")
                        .class("tagline")
                        .kid("Kubernetes Services, simulated in your browser"),
                )
                .kid(el("div").class("notice-area").attr("role", "status")),
        )
        .kid(
            el("nav")
                .class("pane-switcher")
                .attr("aria-label", "Panes")
                .kid(switch("lesson", "Start", true))
                .kid(switch("terminal", "Terminal", false))
                .kid(switch("network", "Network", false)),
        )
        .kid(
            el("main")
                .class("workspace")
                .kid(
                    el("section")
                        .attr("id", "lesson-pane")
                        .class("pane lesson-pane")
                        .attr("aria-labelledby", "lesson-pane-heading")
                        .kid(home(course))
                        .kids(course.lessons.iter().map(|p| lesson_view(&p.lesson).into())),
                )
                .kid(terminal_pane())
                .kid(network_pane())
                .kids(course.lessons.iter().flat_map(|p| step_bars(&p.lesson))),
        )
}

/// Every button and field disabled: nothing they do can happen before the
/// app runs, and a click on them is not lost silently (a test's or a
/// student's waits for the app's own control). Links work: the address
/// picks the screen.
fn disable_controls(m: &mut Markup) {
    if let Markup::El(e) = m {
        if matches!(e.tag, "button" | "input" | "select") && e.get("disabled").is_none() {
            e.attrs.push(("disabled", String::new()));
        }
        e.kids.iter_mut().for_each(disable_controls);
    }
}

/// The first screen of the site whose course is `course`, as HTML.
pub fn first_screen(course: &Course) -> String {
    let mut app: Markup = app(course).into();
    disable_controls(&mut app);
    let mut html = to_html(&[app]);
    html.push_str("<script>");
    html.push_str(PICK);
    html.push_str("</script>");
    html
}

/// `index_html` with its first screen (between [`START`] and [`END`])
/// written for `course`; a page without the two marks is left as it is.
pub fn embed(index_html: &str, course: &Course) -> String {
    let (Some(start), Some(end)) = (index_html.find(START), index_html.find(END)) else {
        return index_html.to_string();
    };
    if end < start {
        return index_html.to_string();
    }
    format!(
        "{}{START}{}{}",
        &index_html[..start],
        first_screen(course),
        &index_html[end..]
    )
}
