//! What `servicelab check` says to an author points at the mistake: one
//! message per mistake at the line and column of its cause, with what a
//! failed command printed, and no knock-on errors from one cause.

use servicelab_engine::lesson::replay::check_file;

/// Line and column of `needle` in `text` (1-based).
fn at(text: &str, needle: &str) -> (usize, usize) {
    let i = text.find(needle).expect("the needle is in the text");
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rfind('\n').map_or(i, |nl| i - nl - 1) + 1;
    (line, col)
}

const HEAD: &str = "---\ntitle: T\nworld:\n  nodes: 1\n  pods:\n  - {name: dnsclient, image: busybox, node: node01, args: [sleep, infinity]}\n---\n\n";

#[test]
fn an_unquoted_colon_in_a_choice_is_one_message_at_the_colon() {
    let text = format!(
        "{HEAD}## Ask\n\n```quiz\nquestion: What happens?\nchoices:\n- It answers: with a page\n- A timeout\n- Refused\nanswer: A timeout\nexplain:\n- one\n- two\n- three\n```\n\n```check passes-before\n- at: laptop\n```\n"
    );
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].line, d[0].col), at(&text, ": with a page"));
    assert_eq!(
        d[0].message,
        "a choice is a text, or `{text: …, expect: …}` (a text with `: ` in it must be quoted: \"like: this\")"
    );
}

#[test]
fn a_failed_solution_command_shows_what_it_printed_at_its_line() {
    let text = format!(
        "{HEAD}## Look\n\n```check\n- at: node01\n```\n\n```solution\nssh node01\nkubectl exec dnsclient -- nslookup nothere.example\n```\n"
    );
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].line, d[0].col), at(&text, "kubectl exec dnsclient"));
    assert_eq!(
        d[0].message,
        "solution command `kubectl exec dnsclient -- nslookup nothere.example` exited with status 1"
    );
    let note = d[0].note.as_deref().unwrap_or("");
    assert!(note.starts_with("it printed:\n"), "{note}");
    assert!(
        note.contains("NXDOMAIN"),
        "the cause is in what it printed: {note}"
    );
    // Shown under the caret.
    let shown = d[0].to_string();
    assert!(shown.contains("^\n   = it printed:\n"), "{shown}");
}

#[test]
fn a_placeholder_where_none_is_read_is_an_error_that_says_where_they_are() {
    let text = format!(
        "{HEAD}## Ask\n\n```check\n- service: {{name: web, clusterIP: \"{{clusterIP:db}}\"}}\n```\n\n```solution\nkubectl create service clusterip web --tcp=80\n```\n"
    )
    .replace("title: T", "title: T at {podIP:dnsclient}");
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!((d[0].line, d[0].col), at(&text, "{podIP:dnsclient}"));
    assert!(
        d[0].message.starts_with(
            "`{podIP:dnsclient}` in the front matter's `title` is taken as it is written"
        ),
        "{d:?}"
    );
    assert_eq!((d[1].line, d[1].col), at(&text, "{clusterIP:db}"));
    assert!(
        d[1].message.starts_with("`{clusterIP:db}` in `service.clusterIP` is taken as it is written: placeholders are read in the lesson's text"),
        "{d:?}"
    );
}

/// A request seen before a command that changed the cluster is not the
/// world's answer after it: as on the page, the goals want a request made
/// after the change, and a solution that only looks before it is told so.
#[test]
fn a_request_before_a_change_to_the_cluster_is_not_evidence_after_it() {
    let step = |solution: &str| {
        format!(
            "{HEAD}## Change\n\n```check\n- service: {{name: x}}\n- request: {{from: laptop, url: \"http://192.168.1.2:30080\", expect: refused}}\n```\n\n```solution\n{solution}\n```\n"
        )
    };
    // Refused before (nothing listens) and after (no endpoints): only the
    // order of the solution's commands differs.
    let before = step(
        "curl -s http://192.168.1.2:30080 || true\nkubectl create service nodeport x --tcp=80:80 --node-port=30080",
    );
    let d = check_file("t.md", &before);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message
            .starts_with("the solution never makes the request of this check"),
        "{}",
        d[0].message
    );
    let after = step(
        "kubectl create service nodeport x --tcp=80:80 --node-port=30080\ncurl -s http://192.168.1.2:30080 || true",
    );
    assert_eq!(check_file("t.md", &after), vec![]);
}
