//! Whatever a student types, the session answers and never panics (a panic
//! in wasm kills the page). Lines are generated from the pieces people
//! really type, mangled with arbitrary characters.

use proptest::prelude::*;
use servicelab_engine::{Session, WorldOptions};

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("curl".to_string()),
        Just("ssh".to_string()),
        Just("ip".to_string()),
        Just("ping".to_string()),
        Just("exit".to_string()),
        Just("-sS".to_string()),
        Just("-o".to_string()),
        Just("-w".to_string()),
        Just("-m".to_string()),
        Just("--connect-timeout".to_string()),
        Just("-c".to_string()),
        Just("addr".to_string()),
        Just("route".to_string()),
        Just("get".to_string()),
        Just("node01".to_string()),
        Just("http://10.244.0.2".to_string()),
        Just("10.244.0.2:8080".to_string()),
        Just("'%{http_code}'".to_string()),
        Just("\"$?\"".to_string()),
        Just("&&".to_string()),
        Just("||".to_string()),
        Just(";".to_string()),
        Just("|".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        "[0-9]{1,6}",
        "[ -~]{0,12}",
        any::<String>(),
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
    fn same_lines_same_output(words in prop::collection::vec(piece(), 0..8)) {
        // Determinism: the state is a pure function of the lines typed.
        let line = words.join(" ");
        let mut a = Session::new(WorldOptions::default()).unwrap();
        let mut b = Session::new(WorldOptions::default()).unwrap();
        prop_assert_eq!(a.run(&line), b.run(&line));
    }
}
