//! How the shell reads a script or a paste: cut into complete commands in
//! one pass ([`split_commands`]), or line by line as a terminal reads it
//! ([`CommandReader`]). Both must agree with the definition they replace:
//! a command ends at the first line where its text needs no more
//! ([`needs_more`]), and a syntax error costs its own lines only.

use proptest::prelude::*;
use servicelab_engine::shell::{needs_more, split_commands, CommandReader};

/// The reference: grow each command a line at a time until it needs no
/// more (quadratic, which is why it is only a test now).
fn reference(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = vec![];
    let mut i = 0;
    while i < lines.len() {
        let mut end = i + 1;
        while end < lines.len() && needs_more(&lines[i..end].join("\n")) {
            end += 1;
        }
        out.push(lines[i..end].join("\n"));
        i = end;
    }
    out
}

/// What runs: commands with their blank and comment-only lines removed
/// (they run nothing, in either reading).
fn runs(commands: Vec<String>) -> Vec<String> {
    commands
        .into_iter()
        .map(|c| {
            c.split('\n')
                .skip_while(|l| {
                    let t = l.trim();
                    t.is_empty() || t.starts_with('#')
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|c| !c.trim().is_empty())
        .collect()
}

const PIECES: &[&str] = &[
    "echo a",
    "echo 'b",
    "c'",
    "\"",
    "$(",
    ")",
    "`",
    "cat <<EOF",
    "cat <<-EOF",
    "cat <<'E'",
    "EOF",
    "\tEOF",
    "E",
    "for i in 1 2; do",
    "done",
    "do",
    "|",
    "&&",
    "||",
    ";",
    "\\",
    "# note",
    "x=1",
    ";;",
    "(",
    "if",
    "${",
    "}",
    "$((a)b)",
    "$((",
    "))",
    " ",
    "\n",
    "\n",
    "\n",
];

fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..30).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// One pass cuts a script where growing each command line by line did.
    #[test]
    fn split_agrees_with_the_line_by_line_definition(text in script()) {
        let split = split_commands(&text);
        let mut ours: Vec<String> = split.commands.iter().map(|c| c.text.clone()).collect();
        ours.extend(split.rest.map(|r| r.text));
        prop_assert_eq!(runs(ours), runs(reference(&text)), "{:?}", text);
    }

    /// A terminal's reader says "complete" exactly where `needs_more`
    /// stops asking, and gives back the same command text.
    #[test]
    fn the_reader_agrees_with_needs_more(text in script()) {
        let mut reader = CommandReader::default();
        let mut lines = vec![];
        for line in text.split('\n') {
            lines.push(line);
            let joined = lines.join("\n");
            let got = reader.push_line(line);
            if needs_more(&joined) {
                prop_assert_eq!(got, None, "{:?}", joined);
            } else {
                prop_assert_eq!(got, Some(joined));
                lines.clear();
            }
        }
    }

    /// A paste gives the commands that feeding its lines one by one gives.
    #[test]
    fn a_paste_is_its_lines(text in script()) {
        let mut by_line = CommandReader::default();
        let mut one_by_one = vec![];
        for line in text.split('\n') {
            one_by_one.extend(by_line.push_line(line));
        }
        let mut pasted = CommandReader::default();
        let at_once = pasted.push_text(&text);
        prop_assert_eq!(runs(at_once), runs(one_by_one));
        prop_assert_eq!(pasted.pending(), by_line.pending() && !runs(vec![by_line.text().to_string()]).is_empty());
    }
}

#[test]
fn split_keeps_line_numbers_and_rest() {
    let s = split_commands("echo a\n\ncat <<EOF\nx\nEOF\necho 'open");
    let texts: Vec<(&str, usize)> = s
        .commands
        .iter()
        .map(|c| (c.text.as_str(), c.line))
        .collect();
    assert_eq!(texts, vec![("echo a", 1), ("\ncat <<EOF\nx\nEOF", 2)]);
    assert_eq!(
        s.rest.map(|r| (r.text, r.line)),
        Some(("echo 'open".into(), 6))
    );
}
