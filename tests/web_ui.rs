//! Component tests of the browser front end, in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_ui`.
//!
//! Each test mounts into its own fresh element (the runner owns `#output`),
//! drives the page with real DOM events, and waits with
//! `yew::scheduler::flush()`, never with sleeps. Expected text comes from a
//! second engine `Session` fed the same lines, so the tests pin "the page
//! shows exactly what the engine printed", not a copy of today's wording.

#![cfg(target_arch = "wasm32")]

use servicelab::engine::explain::{self, ChangeKind, Ending};
use servicelab::engine::net::{Direction, Hop, HostKind, Link, Step, Trace, TraceOutcome};
use servicelab::engine::world::{TopoHost, MAX_NODES};
use servicelab::engine::{Session, Topology, WorldOptions};
use servicelab::ui::components::app::{App, AppProps};
use servicelab::ui::components::topology_view::{TopologyView, TopologyViewProps};
use servicelab::ui::layout::{Layout, Rect, Room, MIN_SCALE};
use servicelab::ui::route::Route;
use servicelab::ui::{panic_banner, world_options};
use std::net::SocketAddrV4;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, KeyboardEvent, KeyboardEventInit};
use yew::scheduler::flush;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::{click, count, document, find, fresh_root, input, settle, text, type_text};

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
        // Ubuntu's command-not-found, with nothing to suggest.
        "nosuchtool: command not found\n"
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
            // The picture gives every address; a crowded one (3 nodes or
            // more) keeps a node's or pod's own address, without its prefix.
            // (The picture fits its frame: whether it is crowded depends
            // on the room, and it says which.)
            let crowded = svg.get_attribute("data-crowded").as_deref() == Some("true")
                && matches!(host.kind, HostKind::Node | HostKind::Pod);
            for (iface, addr) in &host.addresses {
                let ip = addr.split('/').next().unwrap();
                // …and leaves the bridge's and the overlay's to the text.
                if crowded && (iface == "cni0" || iface == "flannel.1") {
                    continue;
                }
                let shown = if crowded { ip } else { addr.as_str() };
                assert!(drawn.contains(shown), "{} lacks {shown}", host.name);
            }
            // …and the text equivalent says all of them.
            let said = text(
                &root,
                &format!(".network-text [data-host-text=\"{}\"]", host.name),
            );
            for (iface, addr) in &host.addresses {
                assert!(said.contains(&format!("{iface} {addr}")), "{said}");
            }
        }
        for segment in &topology.segments {
            // flannel's overlay: beside the LAN's label, or (crowded) in
            // the legend.
            if segment.name == "vxlan" && count(&svg, "[data-segment=\"vxlan\"]") == 0 {
                assert_eq!(svg.get_attribute("data-crowded").as_deref(), Some("true"));
                assert_eq!(count(&root, ".legend [data-segment=\"vxlan\"]"), 1);
                continue;
            }
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
            encap: None,
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
        yew::props!(TopologyViewProps {
            topology,
            trace: Some(Rc::new(trace)),
        }),
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
    assert!(
        // Everything drawn (Layout::of); the page fits its pane with
        // Layout::fit (the_picture_fits_its_pane_with_text_at_the_body_size).
        layout.width < 1500,
        "{} nodes fit a pane without scrolling sideways: {} wide",
        topology
            .hosts
            .iter()
            .filter(|h| h.kind == HostKind::Node)
            .count(),
        layout.width
    );
    for tap in &layout.taps {
        let bus = layout.bus(&tap.segment).expect("a tap's segment is drawn");
        let rail = bus
            .rail(tap.y_bus)
            .unwrap_or_else(|| panic!("{} plugs into a rail of {}", tap.host, tap.segment));
        assert!(
            rail.x1 <= tap.x && tap.x <= rail.x2,
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

// ---- the packet's journey, told hop by hop ---------------------------------

async fn mount_at(route: Route) -> Element {
    let root = fresh_root();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            route: Some(route),
            ..Default::default()
        },
    )
    .render();
    flush().await;
    root
}

fn nodeport_step() -> Route {
    Route::Lesson {
        id: "02-nodeport".into(),
        step: 2,
    }
}

/// The story the engine tells of `lines`' last packet, run in the same
/// world as the page (the NodePort lesson's second step).
fn story_of(lines: &[&str]) -> explain::Story {
    let lesson = servicelab::ui::catalog::find("02-nodeport")
        .unwrap()
        .lesson()
        .unwrap();
    let mut s = servicelab::engine::lesson::replay::start_at(&lesson, 2).unwrap();
    let mut trace = None;
    for l in lines {
        trace = s.run(l).trace.or(trace);
    }
    explain::story(&trace.unwrap(), s.world())
}

/// Opens hop `i` (0-based) from the strip of hops.
async fn open_hop(root: &Element, i: usize) {
    let chips = root.query_selector_all(".hop-strip .hop-chip").unwrap();
    let chip: web_sys::HtmlElement = chips.item(i as u32).unwrap().dyn_into().unwrap();
    chip.click();
    settle().await;
    assert_eq!(
        find(root, "#hop-detail").get_attribute("data-hop"),
        Some(i.to_string())
    );
}

#[wasm_bindgen_test]
async fn a_nodeport_request_shows_dnat_then_masquerade_and_the_reply_undoes_both() {
    let root = mount_at(nodeport_step()).await;
    let lines = [
        "kubectl apply -f myapp-service.yaml",
        "curl -s http://192.168.1.2:30008",
    ];
    for l in lines {
        run(&root, l).await;
    }
    let story = story_of(&lines);
    let there = story
        .hops
        .iter()
        .position(|h| h.host == "node01" && !h.changes.is_empty())
        .unwrap();
    open_hop(&root, there).await;
    let card = find(&root, "#hop-detail");
    // The packet as it left node01: both fields changed, each labelled.
    let dnat = find(&card, ".face.left .field.changed.dnat");
    let expected = &story.hops[there].changes;
    assert_eq!(expected[0].kind, ChangeKind::Dnat);
    assert_eq!(expected[1].kind, ChangeKind::Masquerade);
    assert!(dnat
        .text_content()
        .unwrap()
        .contains(&expected[0].to.to_string()));
    assert!(dnat.text_content().unwrap().contains(&expected[0].by));
    assert!(expected[0].by.starts_with("DNAT by KUBE-SEP-"));
    let masq = find(&card, ".face.left .field.changed.masquerade");
    assert!(masq
        .text_content()
        .unwrap()
        .contains("masquerade in KUBE-POSTROUTING"));
    // The changes, in the order they happened, with their rules.
    let changes = card.query_selector_all(".changes .change").unwrap();
    assert_eq!(changes.length(), 2);
    assert!(changes
        .item(0)
        .unwrap()
        .text_content()
        .unwrap()
        .contains("DNAT by KUBE-SEP-"));
    assert!(changes
        .item(1)
        .unwrap()
        .text_content()
        .unwrap()
        .contains("masquerade in KUBE-POSTROUTING"));
    // The card leads with them; the walk is folded behind one control,
    // each rule's iptables-save text one click deeper.
    assert_eq!(
        card.first_element_child()
            .and_then(|h| h.next_element_sibling())
            .map(|e| e.class_name()),
        Some("hop-lead".to_string())
    );
    let walk = find(&card, "details.walk");
    assert!(!walk.has_attribute("open"));
    assert_eq!(count(&card, "details.walk"), 1);
    let rules = card
        .query_selector_all(".walk .chain-step.matched .rule-text code")
        .unwrap();
    assert!((0..rules.length()).any(|i| rules
        .item(i)
        .and_then(|n| n.text_content())
        .is_some_and(|t| t.contains("-j DNAT --to-destination 10.244.0.2:80"))));
    // The walk: the hooks in the kernel's order, kube-proxy's jumps inside.
    let hooks: Vec<String> = (0..card
        .query_selector_all(".flow .stage.hook")
        .unwrap()
        .length())
        .map(|i| {
            card.query_selector_all(".flow .stage.hook")
                .unwrap()
                .item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-hook")
                .unwrap()
        })
        .collect();
    assert_eq!(hooks, ["PREROUTING", "FORWARD", "POSTROUTING"]);
    let pre = find(&card, ".stage.hook[data-hook=\"PREROUTING\"]");
    let chains: Vec<String> = (0..pre
        .query_selector_all(".chain-step.matched")
        .unwrap()
        .length())
        .map(|i| {
            pre.query_selector_all(".chain-step.matched")
                .unwrap()
                .item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-chain")
                .unwrap()
        })
        .collect();
    assert_eq!(
        &chains[..3],
        ["PREROUTING", "KUBE-SERVICES", "KUBE-NODEPORTS"]
    );
    assert!(chains.iter().any(|c| c.starts_with("KUBE-EXT-")));
    assert!(chains.iter().any(|c| c.starts_with("KUBE-SVC-")));
    assert!(chains.last().unwrap().starts_with("KUBE-SEP-"));
    assert!(
        text(&pre, ".chain-step[data-chain=\"KUBE-NODEPORTS\"]").contains("destination port 30008")
    );
    assert!(text(&pre, ".chain-step.skipped").contains("did not match"));
    assert_eq!(text(&pre, ".decision"), "the only endpoint: no draw needed");
    // The reply through node01: conntrack undoes both, for its connection.
    let back = story.hops.iter().rposition(|h| h.host == "node01").unwrap();
    open_hop(&root, back).await;
    let card = find(&root, "#hop-detail");
    assert_eq!(count(&card, ".face.left .field.changed.undo"), 2);
    assert!(text(&card, ".changes").contains("conntrack undid the DNAT"));
    assert!(text(&card, ".changes").contains("conntrack undid the masquerade"));
    assert!(text(&card, ".hop-connection").contains("a reply of the connection 192.168.1.10:"));
    // And the picture rings the host of the hop shown, and numbers the hops.
    assert_eq!(
        find(&root, "#topology .current-hop")
            .get_attribute("data-host")
            .as_deref(),
        Some("node01")
    );
    assert!(text(&root, "#topology [data-host=\"node01\"] .hop-numbers")
        .contains(&format!("{}", there + 1)));
}

#[wasm_bindgen_test]
async fn a_service_without_endpoints_shows_the_reject_rule_and_the_selector() {
    let root = mount_at(nodeport_step()).await;
    let lines = [
        "kubectl create service nodeport web --tcp=80:80 --node-port=30009",
        "curl -s http://192.168.1.2:30009",
    ];
    for l in lines {
        run(&root, l).await;
    }
    let story = story_of(&lines);
    let Ending::Stopped { hop, fix, .. } = &story.ending else {
        panic!("{:?}", story.ending)
    };
    let fix = fix.clone().unwrap();
    assert!(fix.contains("selects app=web"), "{fix}");
    assert_eq!(
        text(&root, "#trace-fix"),
        format!("What would change it: {fix}")
    );
    click(&root, "Where it stopped").await;
    let card = find(&root, "#hop-detail");
    assert_eq!(card.get_attribute("data-hop"), Some(hop.to_string()));
    let stopped = find(&card, ".stage.hook.stopped");
    assert_eq!(text(&stopped, ".verdict"), "REJECT");
    let reject = find(&stopped, ".chain-step.matched:last-child");
    assert!(
        text(&reject, ".rule-text code").contains("-j REJECT --reject-with icmp-port-unreachable")
    );
    assert!(text(&reject, ".rule-words").contains("has no endpoints"));
    assert!(text(&card, ".hop-end.stopped").contains("rejected the packet"));
}

#[wasm_bindgen_test]
async fn a_request_that_times_out_at_the_router_shows_the_forward_drop() {
    let root = mount_default().await;
    run(&root, "curl -m 2 http://10.244.0.2").await;
    // The stop marker is a way in: it opens the hop where it stopped.
    let marker: web_sys::Element = find(&root, "#topology [data-stopped-at=\"router\"]");
    assert_eq!(marker.get_attribute("role").as_deref(), Some("button"));
    marker
        .dispatch_event(&web_sys::MouseEvent::new("click").unwrap())
        .unwrap();
    settle().await;
    let card = find(&root, "#hop-detail");
    assert_eq!(
        card.get_attribute("data-hop-host").as_deref(),
        Some("router")
    );
    let forward = find(&card, ".stage.hook.stopped[data-hook=\"FORWARD\"]");
    assert_eq!(text(&forward, ".verdict"), "DROP");
    assert!(text(&forward, ".rule-text code").ends_with("-j DROP"));
    assert!(text(&forward, ".rule-words").contains("drop it, without a reply"));
    assert!(text(&root, "#trace-fix").contains("pod network"));
}

#[wasm_bindgen_test]
async fn clicking_a_host_opens_its_hop_or_what_it_is() {
    let root = mount_default().await;
    run(&root, "ssh node01").await;
    run(&root, "curl -s http://10.244.0.2").await;
    let pod = find(&root, "#topology [data-host=\"myapp-pod\"]");
    pod.dispatch_event(&web_sys::MouseEvent::new("click").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(
        find(&root, "#hop-detail")
            .get_attribute("data-hop-host")
            .as_deref(),
        Some("myapp-pod")
    );
    // The laptop is not on this path: its card says what it is.
    let laptop = find(&root, "#topology [data-host=\"laptop\"]");
    laptop
        .dispatch_event(&web_sys::MouseEvent::new("click").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(count(&root, "#hop-detail"), 0);
    assert!(text(&root, "#host-detail").contains("192.168.1.10/24"));
}

#[wasm_bindgen_test]
fn a_service_is_a_band_on_every_node_marked_where_no_pod_runs() {
    let mut s = Session::new(WorldOptions {
        nodes: 3,
        ..Default::default()
    })
    .unwrap();
    s.run("kubectl expose pod myapp-pod --port=80 --type=NodePort --name=web");
    let topology = s.topology();
    let layout = Layout::of(&topology);
    let bands: Vec<_> = layout
        .bands
        .iter()
        .filter(|b| b.service == "default/web")
        .collect();
    assert_eq!(bands.len(), 3, "one band per node");
    for b in &bands {
        let node = layout.host(&b.node).unwrap().rect;
        assert!(contains(&node, &b.rect), "inside {}", b.node);
        assert_eq!(b.has_pod, b.node == "node01");
    }
    let np = topology.services[0].ports[0].node_port.unwrap();
    assert!(
        bands[0].text.ends_with(&format!(":{np}")),
        "{}",
        bands[0].text
    );
}

#[wasm_bindgen_test]
async fn a_hop_between_nodes_shows_the_packet_inside_flannels_vxlan_packet() {
    let options = WorldOptions {
        nodes: 2,
        ..WorldOptions::default()
    };
    let root = mount_app(Ok(options)).await;
    let lines = [
        "kubectl create service nodeport myapp --tcp=80:80 --node-port=30008",
        "curl -s http://192.168.1.3:30008",
    ];
    for l in lines {
        run(&root, l).await;
    }
    // The engine's own story of the same packet, in the same world.
    let mut s = Session::new(options).unwrap();
    let mut trace = None;
    for l in lines {
        trace = s.run(l).trace.or(trace);
    }
    let story = explain::story(&trace.unwrap(), s.world());
    let out = story
        .hops
        .iter()
        .position(|h| h.host == "node02" && h.encapsulated.is_some())
        .expect("node02 sends it over the overlay");
    let o = story.hops[out].encapsulated.as_ref().unwrap();
    assert_eq!(o.outer.dst.to_string(), "192.168.1.2:8472");
    open_hop(&root, out).await;
    let card = find(&find(&root, "#hop-detail"), ".overlay-card.encap");
    let shown = card.text_content().unwrap();
    assert!(shown.contains("wrapped by flannel.1"), "{shown}");
    for face in [o.outer.src, o.outer.dst, o.inner.src, o.inner.dst] {
        assert!(shown.contains(&face.to_string()), "{face} in {shown}");
    }
    assert!(shown.contains("VXLAN VNI 1"), "{shown}");
    assert!(o.inner.src.ip().to_string() == "10.244.1.0", "{o:?}");
    // And taken apart at the far node.
    let back = story
        .hops
        .iter()
        .position(|h| h.host == "node01" && h.decapsulated.is_some())
        .expect("node01 takes it apart");
    open_hop(&root, back).await;
    let card = find(&find(&root, "#hop-detail"), ".overlay-card.decap");
    assert!(card
        .text_content()
        .unwrap()
        .contains("taken out of its wrapping by flannel.1"));
}

/// A lesson-07-sized world: `nodes` nodes and `pods` pods with a
/// Deployment's long names, spread over the nodes.
fn crowded_world(nodes: u8, pods: usize) -> Topology {
    let mut topology = Session::new(WorldOptions {
        nodes,
        ..Default::default()
    })
    .unwrap()
    .topology();
    for i in 0..pods {
        let n = i % usize::from(nodes);
        let node = format!("node{:02}", n + 1);
        topology.hosts.push(TopoHost {
            name: format!("store-front-7c9f5b6d4-{i:02}xq"),
            kind: HostKind::Pod,
            addresses: vec![("eth0".into(), format!("10.244.{n}.{}/24", 10 + i))],
            parent: Some(node.clone()),
            links: vec![("eth0".into(), format!("cni0@{node}"))],
        });
    }
    topology
}

/// What a fitted picture promises: each pod drawn inside its node or
/// counted in its node's chip (never both, never lost), the pods of
/// `keep` drawn, and no box or chip over another.
fn assert_fit_is_sound(topology: &Topology, layout: &Layout, keep: &[String]) {
    for host in topology.hosts.iter().filter(|h| h.kind == HostKind::Pod) {
        let node = host.parent.as_deref().unwrap();
        let drawn = layout.host(&host.name).is_some();
        let folded = layout
            .folds
            .iter()
            .filter(|f| f.node == node && f.hidden.contains(&host.name))
            .count();
        assert_eq!(
            usize::from(drawn) + folded,
            1,
            "{} is drawn or counted",
            host.name
        );
        if keep.contains(&host.name) {
            assert!(drawn, "{} (on the packet's path) is drawn", host.name);
        }
        if drawn {
            assert!(contains(
                &layout.host(node).unwrap().rect,
                &layout.host(&host.name).unwrap().rect
            ));
        }
    }
    for host in topology.hosts.iter().filter(|h| h.kind != HostKind::Pod) {
        assert!(layout.host(&host.name).is_some(), "{} is drawn", host.name);
    }
    for fold in &layout.folds {
        let node = layout.host(&fold.node).unwrap().rect;
        assert!(
            contains(&node, &fold.rect),
            "{}'s chip is in its frame",
            fold.node
        );
        for h in layout.hosts.iter().filter(|h| h.kind == HostKind::Pod) {
            assert!(
                !overlaps(&fold.rect, &h.rect),
                "{}'s chip is clear of {}",
                fold.node,
                h.name
            );
        }
    }
    for (i, a) in layout.hosts.iter().enumerate() {
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
}

/// The network pane of a 1440x900 window (what the page measures there).
const LAPTOP_PANE: Room = Room {
    width: 538.0,
    height: 360.0,
};

#[wasm_bindgen_test]
fn the_picture_fits_its_pane_with_text_at_the_body_size() {
    // Two nodes: all of it, at least at the body text's size, without
    // scrolling (the pane's height counts as well as its width).
    let two = Session::new(WorldOptions {
        nodes: 2,
        ..Default::default()
    })
    .unwrap()
    .topology();
    let layout = Layout::fit(&two, LAPTOP_PANE, &[], None);
    assert!(layout.folds.is_empty(), "{:?}", layout.folds);
    assert_layout_is_sound(&two);
    let scale = layout.scale_in(LAPTOP_PANE);
    assert!(scale >= MIN_SCALE, "two nodes drawn at {scale}");
    // Ten pods on two nodes: pods folded into a count, the picture at
    // the body's size, the pods of the packet's path always drawn.
    let crowded = crowded_world(2, 10);
    let layout = Layout::fit(&crowded, LAPTOP_PANE, &[], None);
    assert!(!layout.folds.is_empty(), "ten pods do not all fit");
    let scale = layout.scale_in(LAPTOP_PANE);
    assert!(scale >= MIN_SCALE, "ten pods drawn at {scale}");
    assert_fit_is_sound(&crowded, &layout, &[]);
    // A pod the packet visited stays drawn (the frame may then scroll).
    let keep = vec!["store-front-7c9f5b6d4-07xq".to_string()];
    let layout = Layout::fit(&crowded, LAPTOP_PANE, &keep, None);
    assert_fit_is_sound(&crowded, &layout, &keep);
    // The student opens node02: all of its pods are drawn, the frame
    // scrolls if it must, and its chip folds them again.
    let open = Layout::fit(&crowded, LAPTOP_PANE, &keep, Some("node02"));
    assert_fit_is_sound(&crowded, &open, &keep);
    let chip = open.folds.iter().find(|f| f.node == "node02").unwrap();
    assert!(chip.open && chip.hidden.is_empty());
    // Every size of world, crowded or not: sound, and never drawn smaller
    // than the body text (the page scrolls the frame instead).
    for nodes in 1..=MAX_NODES {
        for pods in [0, 3 * usize::from(nodes), 10] {
            let t = crowded_world(nodes, pods);
            let layout = Layout::fit(&t, LAPTOP_PANE, &[], None);
            assert_fit_is_sound(&t, &layout, &[]);
        }
    }
    // A phone: the row of outside hosts is wider than the screen, so the
    // picture pans whatever is folded; nothing is folded for nothing.
    let phone = Room {
        width: 310.0,
        height: f64::INFINITY,
    };
    let panned = Layout::fit(&crowded, phone, &[], None);
    assert!(panned.scale_in(phone) < MIN_SCALE);
    assert!(panned.folds.is_empty(), "{:?}", panned.folds);
    assert_fit_is_sound(&crowded, &panned, &[]);
    // A wide pane draws everything as it is.
    let wide = Room {
        width: 2400.0,
        height: f64::INFINITY,
    };
    let all = Layout::fit(&crowded, wide, &[], None);
    assert!(all.folds.is_empty());
    assert!(all.scale_in(wide) >= MIN_SCALE);
    assert_fit_is_sound(&crowded, &all, &[]);
}

/// Presses `key` on `target` (a keydown that bubbles, as a browser sends).
async fn key_on(target: &Element, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn the_hop_strip_and_the_picture_are_one_tab_stop_each() {
    let root = mount_at(nodeport_step()).await;
    let lines = [
        "kubectl apply -f myapp-service.yaml",
        "curl -s http://192.168.1.2:30008",
    ];
    for l in lines {
        run(&root, l).await;
    }
    let hops = story_of(&lines).hops.len();
    let stop = |root: &Element| {
        assert_eq!(count(root, ".hop-strip [tabindex=\"0\"]"), 1, "one stop");
        find(root, ".hop-strip [tabindex=\"0\"]").id()
    };
    assert_eq!(stop(&root), "hop-chip-whole");
    key_on(&find(&root, "#hop-chip-whole"), "ArrowRight").await;
    assert_eq!(
        find(&root, "#hop-detail")
            .get_attribute("data-hop")
            .as_deref(),
        Some("0")
    );
    assert_eq!(stop(&root), "hop-chip-0");
    key_on(&find(&root, "#hop-chip-0"), "End").await;
    let last = (hops - 1).to_string();
    assert_eq!(
        find(&root, "#hop-detail").get_attribute("data-hop"),
        Some(last.clone())
    );
    assert_eq!(stop(&root), format!("hop-chip-{last}"));
    key_on(&find(&root, &format!("#hop-chip-{last}")), "Home").await;
    assert_eq!(count(&root, "#hop-detail"), 0);
    assert_eq!(stop(&root), "hop-chip-whole");
    // The picture: one of its hosts is the stop; the arrows move it.
    assert_eq!(count(&root, "#topology [tabindex=\"0\"]"), 1);
    let first = find(&root, "#topology [tabindex=\"0\"]");
    let name = first.get_attribute("data-rove").unwrap();
    key_on(&first, "ArrowRight").await;
    assert_eq!(count(&root, "#topology [tabindex=\"0\"]"), 1);
    assert_ne!(
        find(&root, "#topology [tabindex=\"0\"]").get_attribute("data-rove"),
        Some(name)
    );
}

#[wasm_bindgen_test]
fn the_editors_placeholder_follows_the_file_being_written() {
    use servicelab::ui::components::editor::skeleton;
    let pod = skeleton("web-pod.yaml");
    assert!(
        pod.contains("kind: Pod") && pod.contains("name: web"),
        "{pod}"
    );
    assert!(skeleton("myapp-service.yaml").contains("kind: Service"));
    assert!(skeleton("svc.yaml").contains("kind: Service"));
    assert!(skeleton("web-deployment.yml").contains("kind: Deployment"));
    // A name that says nothing: the fields every manifest starts with.
    let any = skeleton("storefront.yaml");
    assert!(
        !any.contains("kind: Service") && any.contains("name: storefront"),
        "{any}"
    );
}

#[wasm_bindgen_test]
async fn on_canal_a_denied_connection_names_the_policy_and_felixs_drop() {
    let root = mount_app(Ok(WorldOptions {
        cni: servicelab::engine::world::Cni::Canal,
        ..Default::default()
    }))
    .await;
    for line in [
        "kubectl create service nodeport myapp --tcp=80:80 --node-port=30080",
        "printf 'apiVersion: networking.k8s.io/v1\\nkind: NetworkPolicy\\nmetadata:\\n  name: deny\\nspec:\\n  podSelector: {}\\n  policyTypes: [Ingress]\\n' > deny.yaml",
        "kubectl apply -f deny.yaml",
        "curl -m 2 http://192.168.1.2:30080",
    ] {
        run(&root, line).await;
    }
    assert!(text(&root, "#terminal-output")
        .ends_with("curl: (28) Connection timed out after 2001 milliseconds\n"));
    let fix = text(&root, "#trace-fix");
    assert!(
        fix.contains("NetworkPolicy default/deny isolates myapp-pod for ingress")
            && fix.contains("so Felix dropped it at the end of cali-tw-cali")
            && fix.contains("An ingress rule with an ipBlock that holds"),
        "{fix}"
    );
    click(&root, "Where it stopped").await;
    let card = find(&root, "#hop-detail");
    assert_eq!(
        card.get_attribute("data-hop-host").as_deref(),
        Some("node01")
    );
    let forward = find(&card, ".stage.hook.stopped[data-hook=\"FORWARD\"]");
    assert_eq!(text(&forward, ".verdict"), "DROP");
    let drop = find(&forward, ".chain-step.matched:last-child");
    assert!(text(&drop, ".rule-text code")
        .contains("\"End of tier default. Drop if no policies passed packet\" -m mark --mark 0x0/0x20000 -j DROP"));
}

#[wasm_bindgen_test]
async fn with_the_gateway_api_the_journey_shows_traefiks_own_connection() {
    let root = mount_app(Ok(WorldOptions {
        gateway: true,
        ..Default::default()
    }))
    .await;
    for line in [
        "kubectl create deployment api --image=hashicorp/http-echo -- /http-echo -text=api -listen=:80",
        "kubectl expose deployment api --port=80",
        "printf 'apiVersion: gateway.networking.k8s.io/v1\\nkind: Gateway\\nmetadata:\\n  name: shop\\nspec:\\n  gatewayClassName: traefik\\n  listeners:\\n  - {name: web, port: 8000, protocol: HTTP}\\n---\\napiVersion: gateway.networking.k8s.io/v1\\nkind: HTTPRoute\\nmetadata:\\n  name: api\\nspec:\\n  parentRefs: [{name: shop}]\\n  rules:\\n  - backendRefs: [{name: api, port: 80}]\\n' > shop.yaml",
        "kubectl apply -f shop.yaml",
        "kubectl rollout status deployment/api",
        "curl -s http://192.168.1.2:$(kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}')/",
    ] {
        run(&root, line).await;
    }
    assert!(
        text(&root, "#terminal-output").ends_with("/\napi\n"),
        "{}",
        text(&root, "#terminal-output")
    );
    // The text of the path: the client's connection into Traefik's pod,
    // Traefik's step naming its rule and backend, then its own connection
    // to the api pod.
    let hops = text(&root, ".trace-details .hops");
    let proxied = hops
        .find("traefik proxies it: router httproute-default-api-gw-default-shop-ep-web-0-")
        .unwrap_or_else(|| panic!("{hops}"));
    assert!(
        hops[proxied..]
            .contains(", rule PathPrefix(\"/\") → default/api:80, new connection 10.244.0."),
        "{hops}"
    );
    let api_hop = hops[proxied..]
        .find("api-")
        .unwrap_or_else(|| panic!("{hops}"));
    assert!(api_hop > 0);
    assert!(count(&root, ".trace-details .hop[data-hop-host^=\"traefik-\"]") >= 2);
}

#[wasm_bindgen_test]
async fn the_service_a_packet_crossed_is_drawn_when_only_a_few_bands_fit() {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    // Six Services; the picture draws four as bands, the first by name.
    for name in ["a", "b", "c", "d", "e", "z"] {
        s.run(&format!(
            "kubectl expose pod myapp-pod --port=80 --type=NodePort --name={name}"
        ));
    }
    let e = s.run(
        "curl -s http://192.168.1.2:$(kubectl get svc z -o jsonpath='{.spec.ports[0].nodePort}')",
    );
    let trace = e.trace.clone().expect("a traced request");
    let topology = Rc::new(s.topology());
    assert_eq!(
        Layout::of(&topology)
            .bands
            .iter()
            .filter(|b| b.service == "default/z")
            .count(),
        0,
        "without the packet, z is past the bands drawn"
    );
    let root = fresh_root();
    yew::Renderer::<TopologyView>::with_root_and_props(
        root.clone(),
        yew::props!(TopologyViewProps {
            topology,
            trace: Some(Rc::new(trace)),
        }),
    )
    .render();
    flush().await;
    assert!(count(&root, "#topology [data-service=\"default/z\"]") >= 1);
}
