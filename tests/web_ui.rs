//! Component tests of the browser front end, in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_ui`.
//!
//! Each test mounts into its own fresh element (the runner owns `#output`),
//! drives the page with real DOM events, and waits with
//! `yew::scheduler::flush()`, never with sleeps. Expected text comes from a
//! second engine `Session` fed the same lines, so the tests pin "the page
//! shows exactly what the engine printed", not a copy of today's wording.

#![cfg(target_arch = "wasm32")]

use servicelab::engine::net::{Direction, Hop, HostKind, Link, Step, Trace, TraceOutcome};
use servicelab::engine::world::{TopoHost, MAX_NODES};
use servicelab::engine::{Session, Topology, WorldOptions};
use servicelab::ui::components::app::{App, AppProps};
use servicelab::ui::components::topology_view::{TopologyView, TopologyViewProps};
use servicelab::ui::history::Recall;
use servicelab::ui::layout::{Layout, Rect};
use servicelab::ui::{panic_banner, world_options};
use std::net::SocketAddrV4;
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::{Element, KeyboardEvent, KeyboardEventInit};
use yew::scheduler::flush;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::{count, document, find, fresh_root, input, settle, text, type_text};

async fn mount_app(options: Result<WorldOptions, String>) -> Element {
    let root = fresh_root();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            options,
            ..Default::default()
        },
    )
    .render();
    flush().await;
    root
}

async fn mount_default() -> Element {
    mount_app(Ok(WorldOptions::default())).await
}

async fn key(root: &Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input(root).dispatch_event(&event).unwrap();
    flush().await;
}

/// Types a line, presses Enter, and lets the page draw the packet's path
/// (which it does once the output's frame is painted).
async fn run(root: &Element, line: &str) {
    type_text(root, line).await;
    key(root, "Enter", false).await;
    settle().await;
}

/// What a terminal shows after running `lines` in a fresh default session.
fn expected_scrollback(lines: &[&str]) -> String {
    let mut session = Session::new(WorldOptions::default()).unwrap();
    let mut screen = String::new();
    for line in lines {
        screen.push_str(&session.prompt());
        screen.push_str(line);
        screen.push('\n');
        screen.push_str(&session.run(line).text());
    }
    screen
}

#[wasm_bindgen_test]
async fn the_terminal_is_labelled_and_its_output_is_a_log() {
    let root = mount_default().await;
    assert_eq!(
        input(&root).get_attribute("aria-label").as_deref(),
        Some("Terminal")
    );
    let log = find(&root, "#terminal-output");
    assert_eq!(log.get_attribute("role").as_deref(), Some("log"));
    assert_eq!(log.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(text(&root, "#terminal-prompt"), "student@laptop:~$ ");
}

#[wasm_bindgen_test]
async fn hostname_prints_laptop() {
    let root = mount_default().await;
    run(&root, "hostname").await;
    assert_eq!(
        text(&root, "#terminal-output"),
        "student@laptop:~$ hostname\nlaptop\n"
    );
    assert_eq!(input(&root).value(), "", "Enter empties the input line");
}

#[wasm_bindgen_test]
async fn the_log_is_the_engine_output_byte_for_byte() {
    let lines = [
        "echo  a   b",
        "nosuchtool --flag",
        "hostname && whoami",
        "ip route",
        "curl -s http://10.244.0.2",
    ];
    let root = mount_default().await;
    for line in lines {
        run(&root, line).await;
    }
    assert_eq!(text(&root, "#terminal-output"), expected_scrollback(&lines));
}

#[wasm_bindgen_test]
async fn stderr_is_set_apart_from_stdout() {
    let root = mount_default().await;
    run(&root, "nosuchtool").await;
    assert_eq!(
        text(&root, "#terminal-output .stderr"),
        "bash: nosuchtool: command not found\n"
    );
    assert_eq!(count(&root, "#terminal-output .stdout"), 0);
}

#[wasm_bindgen_test]
async fn ssh_changes_the_prompt_and_exit_restores_it() {
    let root = mount_default().await;
    run(&root, "ssh node01").await;
    assert_eq!(text(&root, "#terminal-prompt"), "student@node01:~$ ");
    run(&root, "hostname").await;
    assert!(text(&root, "#terminal-output").ends_with("student@node01:~$ hostname\nnode01\n"));
    run(&root, "exit").await;
    assert_eq!(text(&root, "#terminal-prompt"), "student@laptop:~$ ");
}

#[wasm_bindgen_test]
async fn up_and_down_walk_the_history_like_bash() {
    let root = mount_default().await;
    run(&root, "hostname").await;
    run(&root, "whoami").await;
    type_text(&root, "ech").await;
    key(&root, "ArrowUp", false).await;
    assert_eq!(input(&root).value(), "whoami");
    key(&root, "ArrowUp", false).await;
    assert_eq!(input(&root).value(), "hostname");
    key(&root, "ArrowUp", false).await;
    assert_eq!(
        input(&root).value(),
        "hostname",
        "Up at the oldest line stays there"
    );
    key(&root, "ArrowDown", false).await;
    assert_eq!(input(&root).value(), "whoami");
    key(&root, "ArrowDown", false).await;
    assert_eq!(
        input(&root).value(),
        "ech",
        "Down past the newest gives back the draft"
    );
    // A recalled line runs like a typed one.
    key(&root, "ArrowUp", false).await;
    key(&root, "Enter", false).await;
    assert!(text(&root, "#terminal-output").ends_with("student@laptop:~$ whoami\nstudent\n"));
}

#[wasm_bindgen_test]
async fn clear_empties_the_scrollback() {
    let root = mount_default().await;
    run(&root, "hostname").await;
    run(&root, "clear").await;
    assert_eq!(text(&root, "#terminal-output"), "");
    run(&root, "whoami").await;
    assert_eq!(
        text(&root, "#terminal-output"),
        "student@laptop:~$ whoami\nstudent\n"
    );
    key(&root, "l", true).await;
    assert_eq!(text(&root, "#terminal-output"), "", "Ctrl+L clears too");
}

#[wasm_bindgen_test]
async fn ctrl_c_abandons_the_line() {
    let root = mount_default().await;
    type_text(&root, "hostname").await;
    key(&root, "c", true).await;
    assert_eq!(
        text(&root, "#terminal-output"),
        "student@laptop:~$ hostname^C\n"
    );
    assert_eq!(input(&root).value(), "");
    key(&root, "ArrowUp", false).await;
    assert_eq!(input(&root).value(), "", "an abandoned line is not history");
}

#[wasm_bindgen_test]
async fn the_picture_draws_every_host_of_the_topology() {
    for nodes in [1, 3] {
        let options = WorldOptions {
            nodes,
            ..Default::default()
        };
        let root = mount_app(Ok(options)).await;
        let topology = Session::new(options).unwrap().topology();
        let svg = find(&root, "svg#topology");
        assert!(!text(&root, "svg#topology > title").is_empty());
        for host in &topology.hosts {
            let shape = find(&svg, &format!("[data-host=\"{}\"]", host.name));
            let drawn = shape.text_content().unwrap();
            assert!(drawn.contains(&host.name), "{drawn}");
            for (_, addr) in &host.addresses {
                assert!(drawn.contains(addr.as_str()), "{} lacks {addr}", host.name);
            }
            // …and the text equivalent names it too.
            assert!(
                count(
                    &root,
                    &format!(".network-text [data-host-text=\"{}\"]", host.name)
                ) == 1
            );
        }
        for segment in &topology.segments {
            assert_eq!(
                count(&svg, &format!("[data-segment=\"{}\"]", segment.name)),
                1,
                "{}",
                segment.name
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_curl_that_stops_highlights_its_path_and_says_why() {
    let root = mount_default().await;
    assert_eq!(count(&root, "#topology .on-path"), 0);
    let line = "curl -m 2 http://10.244.0.2";
    run(&root, line).await;

    let trace = Session::new(WorldOptions::default())
        .unwrap()
        .run(line)
        .trace
        .expect("curl sends a packet");
    assert_eq!(text(&root, "#trace-summary"), trace.summary());
    let path = trace.path();
    assert!(!path.is_empty());
    for host in &path {
        let shape = find(&root, &format!("#topology [data-host=\"{host}\"]"));
        assert!(
            shape.class_list().contains("on-path"),
            "{host} should be on the path"
        );
    }
    for host in ["node01", "myapp-pod"].iter().filter(|h| !path.contains(h)) {
        let shape = find(&root, &format!("#topology [data-host=\"{host}\"]"));
        assert!(
            !shape.class_list().contains("on-path"),
            "{host} is not on the path"
        );
    }
    match &trace.outcome {
        Some(TraceOutcome::Stopped { host, .. }) => {
            let marker = find(&root, "#topology [data-stopped-at]");
            assert_eq!(
                marker.get_attribute("data-stopped-at").as_deref(),
                Some(host.as_str())
            );
            assert!(
                marker.text_content().unwrap().contains("stopped"),
                "the marker has words"
            );
        }
        other => panic!("the laptop should not reach the pod: {other:?}"),
    }
    // Every hop is listed as text.
    assert_eq!(count(&root, ".trace-details .hop"), trace.hops.len() as u32);
}

#[wasm_bindgen_test]
async fn the_output_comes_first_and_the_path_after_its_frame() {
    let root = mount_default().await;
    let before = text(&root, "#trace-summary");
    let line = "curl -m 2 http://10.244.0.2";
    type_text(&root, line).await;
    key(&root, "Enter", false).await;
    // The command's output is on screen; the picture has not moved yet.
    assert_eq!(
        text(&root, "#terminal-output"),
        expected_scrollback(&[line])
    );
    assert_eq!(text(&root, "#trace-summary"), before);
    settle().await;
    assert_ne!(text(&root, "#trace-summary"), before);
}

#[wasm_bindgen_test]
async fn a_curl_from_the_node_is_answered_by_the_pod() {
    let root = mount_default().await;
    run(&root, "ssh node01").await;
    run(&root, "curl http://10.244.0.2").await;
    assert_eq!(
        find(&root, "#trace-summary")
            .get_attribute("data-outcome")
            .as_deref(),
        Some("answered")
    );
    for host in ["node01", "myapp-pod"] {
        assert!(find(&root, &format!("#topology [data-host=\"{host}\"]"))
            .class_list()
            .contains("on-path"));
    }
    assert!(!find(&root, "#topology [data-host=\"laptop\"]")
        .class_list()
        .contains("on-path"));
    assert_eq!(
        count(&root, "#topology [data-answered-at=\"myapp-pod\"]"),
        1
    );
    assert!(count(&root, "#topology .wire-path.request") >= 1);
    assert!(count(&root, "#topology .wire-path.reply") >= 1);
    // A command that sends nothing leaves the last path in place.
    run(&root, "hostname").await;
    assert!(find(&root, "#topology [data-host=\"myapp-pod\"]")
        .class_list()
        .contains("on-path"));
}

fn addr(s: &str) -> SocketAddrV4 {
    s.parse().unwrap()
}

/// A hand-made trace: the picture draws whatever the engine reports,
/// request and reply, without knowing any lesson.
#[wasm_bindgen_test]
async fn the_picture_draws_a_request_and_its_reply() {
    let topology = Rc::new(Session::new(WorldOptions::default()).unwrap().topology());
    let hop = |host: &str, direction, next: Option<(&str, &str)>| Hop {
        host: host.into(),
        direction,
        in_iface: None,
        src: addr("192.168.1.10:40000"),
        dst: addr("192.168.1.2:30008"),
        steps: vec![Step::Route {
            line: "default".into(),
        }],
        left_by: next.map(|(next_host, segment)| Link {
            out_iface: "eth0".into(),
            next_host: next_host.into(),
            in_iface: "eth0".into(),
            segment: segment.into(),
        }),
    };
    let trace = Trace {
        request: "curl http://192.168.1.2:30008 from laptop".into(),
        hops: vec![
            hop("laptop", Direction::Request, Some(("node01", "lan"))),
            hop(
                "node01",
                Direction::Request,
                Some(("myapp-pod", "cni0@node01")),
            ),
            hop("myapp-pod", Direction::Request, None),
            hop(
                "myapp-pod",
                Direction::Reply,
                Some(("node01", "cni0@node01")),
            ),
            hop("node01", Direction::Reply, Some(("laptop", "lan"))),
            hop("laptop", Direction::Reply, None),
        ],
        outcome: Some(TraceOutcome::Answered {
            host: "myapp-pod".into(),
            process: "nginx".into(),
        }),
    };
    let root = fresh_root();
    yew::Renderer::<TopologyView>::with_root_and_props(
        root.clone(),
        TopologyViewProps {
            topology,
            trace: Some(Rc::new(trace)),
            hop: None,
        },
    )
    .render();
    flush().await;
    // (The legend below the picture has a swatch of each kind of wire too.)
    assert_eq!(count(&root, "#topology .wire-path.request"), 2);
    assert_eq!(count(&root, "#topology .wire-path.reply"), 2);
    assert_eq!(count(&root, "#topology .on-path"), 3);
    assert!(!find(&root, "[data-host=\"router\"]")
        .class_list()
        .contains("on-path"));
    assert_eq!(count(&root, "[data-answered-at=\"myapp-pod\"]"), 1);
    assert_eq!(count(&root, "[data-stopped-at]"), 0);
}

#[wasm_bindgen_test]
async fn a_bad_page_address_falls_back_to_the_default_world_and_says_so() {
    let root = mount_app(world_options::from_query("?nodes=99")).await;
    assert!(text(&root, "#terminal-output").contains("--nodes must be between 1 and"));
    assert_eq!(count(&root, "#topology [data-host=\"node01\"]"), 1);
    assert_eq!(count(&root, "#topology [data-host=\"node02\"]"), 0);
    let root = mount_app(world_options::from_query("?nodes=two")).await;
    assert!(text(&root, "#terminal-output").contains("nodes=two"));
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
}

fn contains(outer: &Rect, inner: &Rect) -> bool {
    outer.x <= inner.x
        && inner.right() <= outer.right()
        && outer.y <= inner.y
        && inner.bottom() <= outer.bottom()
}

/// Boxes never overlap (except a pod inside its node's frame), every tap
/// runs from its host's box to a bus that spans it, and everything fits
/// the picture: for every size of world, and for crowded nodes.
fn assert_layout_is_sound(topology: &Topology) {
    let layout = Layout::of(topology);
    for host in &topology.hosts {
        assert!(layout.host(&host.name).is_some(), "{} is drawn", host.name);
    }
    for (i, a) in layout.hosts.iter().enumerate() {
        let r = a.rect;
        assert!(r.x >= 0 && r.y >= 0 && r.right() <= layout.width && r.bottom() <= layout.height);
        for b in &layout.hosts[i + 1..] {
            let nested = contains(&a.rect, &b.rect) || contains(&b.rect, &a.rect);
            assert!(
                nested || !overlaps(&a.rect, &b.rect),
                "{} overlaps {}",
                a.name,
                b.name
            );
        }
    }
    for tap in &layout.taps {
        let bus = layout.bus(&tap.segment).expect("a tap's segment is drawn");
        assert!(
            bus.x1 <= tap.x && tap.x <= bus.x2,
            "{} is off the {} bus",
            tap.host,
            tap.segment
        );
        let r = layout.host(&tap.host).unwrap().rect;
        assert!(r.x <= tap.x && tap.x <= r.right());
        assert!(r.y <= tap.y_host && tap.y_host <= r.bottom());
    }
    for host in topology.hosts.iter().filter(|h| h.kind == HostKind::Pod) {
        let node = host.parent.as_deref().unwrap();
        assert!(contains(
            &layout.host(node).unwrap().rect,
            &layout.host(&host.name).unwrap().rect
        ));
        assert!(layout.tap(&host.name, &format!("cni0@{node}")).is_some());
    }
    for host in topology.hosts.iter().filter(|h| h.kind != HostKind::Pod) {
        assert!(
            layout.tap(&host.name, "lan").is_some(),
            "{} is on the LAN",
            host.name
        );
    }
}

#[wasm_bindgen_test]
fn the_layout_is_sound_for_every_world() {
    for nodes in 1..=MAX_NODES {
        let options = WorldOptions {
            nodes,
            ..Default::default()
        };
        let mut topology = Session::new(options).unwrap().topology();
        assert_layout_is_sound(&topology);
        // Crowd the last node with pods with long names.
        let node = format!("node{nodes:02}");
        for i in 0..4 {
            topology.hosts.push(TopoHost {
                name: format!("web-deployment-5d9c7b8f6-{i}xk2p"),
                kind: HostKind::Pod,
                addresses: vec![("eth0".into(), format!("10.244.{}.{}/24", nodes - 1, 10 + i))],
                parent: Some(node.clone()),
                links: vec![("eth0".into(), format!("cni0@{node}"))],
            });
        }
        assert_layout_is_sound(&topology);
    }
}

#[wasm_bindgen_test]
fn page_address_options_parse() {
    assert_eq!(world_options::from_query(""), Ok(WorldOptions::default()));
    let o = world_options::from_query("?utm_source=x&nodes=3&cloud=1&seed=9").unwrap();
    assert_eq!((o.nodes, o.cloud, o.seed), (3, true, 9));
    assert!(world_options::from_query("?cloud=maybe").is_err());
}

#[wasm_bindgen_test]
fn recall_gives_back_the_draft() {
    let history = vec!["a".to_string(), "b".to_string()];
    let mut r = Recall::default();
    assert_eq!(r.newer(&history), None);
    assert_eq!(r.older(&history, "draft").as_deref(), Some("b"));
    assert_eq!(r.older(&history, "b").as_deref(), Some("a"));
    assert_eq!(r.older(&history, "a"), None);
    assert_eq!(r.newer(&history).as_deref(), Some("b"));
    assert_eq!(r.newer(&history).as_deref(), Some("draft"));
    assert_eq!(r.newer(&history), None);
    assert_eq!(Recall::default().older(&[], "x"), None);
}

#[wasm_bindgen_test]
fn the_panic_banner_says_what_happened() {
    panic_banner::show("index out of bounds");
    let banner = document()
        .get_element_by_id(panic_banner::BANNER_ID)
        .expect("a banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(banner
        .text_content()
        .unwrap()
        .contains("index out of bounds"));
    // A second panic updates the one banner rather than stacking more.
    panic_banner::show("second");
    assert_eq!(
        document()
            .query_selector_all(".panic-banner")
            .unwrap()
            .length(),
        1
    );
    banner.remove();
}
