//! Whatever a student types, the session answers and never panics (a panic
//! in wasm kills the page). Lines are generated from the pieces people
//! really type, mangled with arbitrary characters.

use proptest::prelude::*;
use servicelab_engine::{Session, WorldOptions};

/// The shell's own syntax and tools: here-documents, pipes, redirections,
/// substitutions, loops, filters and files.
const SHELL_PIECES: &[&str] = &[
    "cat",
    "<<EOF",
    "<<'EOF'",
    "<<-EOF",
    "EOF",
    "\n",
    "\n\t",
    ">",
    ">>",
    "2>&1",
    "2>/dev/null",
    "<",
    "<<<",
    "&>",
    ">&2",
    "|&",
    "$(",
    ")",
    "`",
    "$((",
    "))",
    "${X",
    "}",
    "${X#*/}",
    "$X",
    "X=1",
    "export",
    "for",
    "in",
    "do",
    "done",
    "$(seq 1 3)",
    "seq",
    "grep",
    "-E",
    "-v",
    "-o",
    "'[a-z]*'",
    "'(a|b)+'",
    "head",
    "-n",
    "tail",
    "+2",
    "wc",
    "-l",
    "sort",
    "uniq",
    "cut",
    "-d:",
    "-f1",
    "tr",
    "tee",
    "ls",
    "-la",
    "rm",
    "-rf",
    "touch",
    "mkdir",
    "-p",
    "cd",
    "..",
    "~",
    "*",
    "*.yaml",
    "x.yaml",
    "/etc/hosts",
    "echo",
    "-e",
    "printf",
    "%s\\n",
    "sleep",
    "date",
    "alias",
    "kubectl",
    "apply",
    "-f",
    "-",
    "&",
    ";;",
    "!",
    "(",
    "sudo",
    "if",
    "{",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(SHELL_PIECES).prop_map(str::to_string),
        1 => Just("curl".to_string()),
        1 => Just("ssh".to_string()),
        1 => Just("ip".to_string()),
        1 => Just("ping".to_string()),
        1 => Just("exit".to_string()),
        1 => Just("-sS".to_string()),
        1 => Just("-o".to_string()),
        1 => Just("-w".to_string()),
        1 => Just("-m".to_string()),
        1 => Just("--connect-timeout".to_string()),
        1 => Just("-c".to_string()),
        1 => Just("addr".to_string()),
        1 => Just("route".to_string()),
        1 => Just("get".to_string()),
        1 => Just("node01".to_string()),
        1 => Just("http://10.244.0.2".to_string()),
        1 => Just("10.244.0.2:8080".to_string()),
        1 => Just("'%{http_code}'".to_string()),
        1 => Just("\"$?\"".to_string()),
        1 => Just("&&".to_string()),
        1 => Just("||".to_string()),
        1 => Just(";".to_string()),
        1 => Just("|".to_string()),
        1 => Just("'".to_string()),
        1 => Just("\"".to_string()),
        1 => Just("\\".to_string()),
        1 => "[0-9]{1,6}",
        1 => "[ -~]{0,12}",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_line_gets_an_answer(lines in prop::collection::vec(prop::collection::vec(piece(), 0..8), 1..6)) {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        for words in lines {
            let line = words.join(" ");
            let e = s.run(&line);
            // Output is text a terminal can show, and the prompt is still sane.
            prop_assert!(e.status >= 0);
            prop_assert!(s.prompt().ends_with("$ ") || s.prompt().ends_with("# "));
        }
    }

    #[test]
    fn continuation_lines_get_an_answer(lines in prop::collection::vec(prop::collection::vec(piece(), 0..8), 1..8)) {
        // As a terminal does: gather lines while bash would ask for more, then run them.
        let mut s = Session::new(WorldOptions::default()).unwrap();
        let mut text = String::new();
        for words in lines {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&words.join(" "));
            if !s.needs_more(&text) {
                let e = s.run(&text);
                prop_assert!(e.status >= 0);
                text.clear();
            }
        }
        let e = s.run(&text);
        prop_assert!(e.status >= 0);
    }

    #[test]
    fn same_lines_same_output(words in prop::collection::vec(piece(), 0..8)) {
        // Determinism: the state is a pure function of the lines typed.
        let line = words.join(" ");
        let mut a = Session::new(WorldOptions::default()).unwrap();
        let mut b = Session::new(WorldOptions::default()).unwrap();
        prop_assert_eq!(a.run(&line), b.run(&line));
    }
}
