//! `awk` and `sed` programs made of the pieces people type, mangled with
//! arbitrary characters: each gets an answer within bounded memory and
//! time, and never panics (a panic in wasm kills the page).

use crate::support::measure;
use proptest::prelude::*;
use servicelab_engine::{Session, WorldOptions};

const AWK_PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    "\n",
    ",",
    "$",
    "$0",
    "$1",
    "$NF",
    "NF",
    "NR",
    "FS",
    "OFS",
    "BEGIN",
    "END",
    "print",
    "printf",
    "\"%s %d\\n\"",
    "\"x\"",
    "x",
    "a",
    "a[x]",
    "i",
    "++",
    "--",
    "=",
    "+=",
    "==",
    "!=",
    "<",
    ">",
    ">>",
    "~",
    "!~",
    "&&",
    "||",
    "!",
    "?",
    ":",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
    "/re/",
    "/[a-z]+/",
    "in",
    "for",
    "while",
    "do",
    "if",
    "else",
    "next",
    "exit",
    "delete",
    "function",
    "f(",
    "return",
    "split(",
    "sub(",
    "gsub(",
    "substr(",
    "length",
    "match(",
    "sprintf(",
    "toupper(",
    "int(",
    "getline",
    "1",
    "0",
    "3.5",
    "1e309",
    "\"",
    "\\",
    "#",
];

const SED_PIECES: &[&str] = &[
    "s/a/b/",
    "s/\\(a\\)/\\1/g",
    "s/x/&&/2",
    "s|/|:|g",
    "p",
    "d",
    "D",
    "P",
    "n",
    "N",
    "q",
    "Q",
    "=",
    "l",
    "h",
    "H",
    "g",
    "G",
    "x",
    "y/ab/ba/",
    "a text",
    "i\\",
    "c x",
    "{",
    "}",
    ";",
    "\n",
    "!",
    "1",
    "$",
    "2,4",
    "/re/",
    "1~2",
    "0,/x/",
    "/a/,+2",
    ":l",
    "b l",
    "t",
    "T",
    "\\%x%",
    "s/[/x/",
    "s/a*/-/g",
    "w f",
    "e",
    "#",
];

fn program(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(pieces).prop_map(str::to_string),
            1 => "[ -~]{0,6}",
            1 => any::<String>(),
        ],
        0..12,
    )
    .prop_map(|v| v.join(" "))
}

/// The program as one shell word.
fn quoted(p: &str) -> String {
    format!("'{}'", p.replace('\'', "'\\''"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_awk_program_gets_an_answer(prog in program(AWK_PIECES), flags in prop::sample::select(vec!["", "-F:", "-F'[,;]'", "-v x=1"])) {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        s.run("printf 'a b c\\n1 2 3\\nx:y;z\\n' > in.txt");
        let line = format!("awk {flags} {} in.txt", quoted(&prog));
        let took = measure(|| s.run(&line));
        if let Err(problem) = took.within_bounds() {
            prop_assert!(false, "{}: {}", line, problem);
        }
        prop_assert!(took.value.status >= 0);
        // The shell goes on.
        prop_assert_eq!(s.run("echo ok").text(), "ok\n");
    }

    #[test]
    fn any_sed_script_gets_an_answer(script in program(SED_PIECES), flags in prop::sample::select(vec!["", "-n", "-E", "-i", "-n -E"])) {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        s.run("printf 'a b c\\n1 2 3\\nx/y\\naaa\\n' > in.txt");
        let line = format!("sed {flags} {} in.txt", quoted(&script));
        let took = measure(|| s.run(&line));
        if let Err(problem) = took.within_bounds() {
            prop_assert!(false, "{}: {}", line, problem);
        }
        prop_assert!(took.value.status >= 0);
        prop_assert_eq!(s.run("echo ok").text(), "ok\n");
    }
}

#[test]
fn deep_nesting_and_long_lines_stay_within_bounds() {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    for line in [
        format!(
            "awk 'BEGIN {{ x = {}1{} }}'",
            "(".repeat(5000),
            ")".repeat(5000)
        ),
        format!("awk 'BEGIN {{ x = {}1 }}'", "!".repeat(5000)),
        format!("awk 'BEGIN {{ x = 2{} }}'", "^2".repeat(5000)),
        format!("awk 'BEGIN {{ {} }}'", "{".repeat(5000)),
        "awk 'function f(n) { return f(n+1) } BEGIN { f(1) }'".to_string(),
        "seq 100000 | awk '{ a[$1] = $0 } END { n = 0; for (k in a) n++; print n }'".to_string(),
        "printf '%0200000d\\n' 0 | sed 's/0*/x/'".to_string(),
        "printf '%0200000d\\n' 0 | sed -E 's/(0|00)*$/x/'".to_string(),
        "printf '%0200000d\\n' 0 | awk '{ gsub(/0/, \"ab\"); print length($0) }'".to_string(),
        format!("sed '{}'", "{".repeat(5000)),
    ] {
        let took = measure(|| s.run(&line));
        assert!(
            took.within_bounds().is_ok(),
            "{line}: {:?}",
            took.within_bounds()
        );
        assert!(took.value.status >= 0);
        assert_eq!(s.run("echo ok").text(), "ok\n", "{line}");
    }
}
