//! `servicelab check` must never panic, whatever a lesson file holds: empty,
//! truncated anywhere, a YAML or Markdown fragment cut in half, or mangled.
//! Every shipped lesson is cut at every line and at random characters, and
//! mutated at random; the parser must answer with a lesson or diagnostics
//! (with in-range lines), and replay must finish.

use crate::support::measure;
use proptest::prelude::*;
use servicelab_engine::lesson::{parse_lesson, replay};

/// The shipped course and the test fixtures (whose `dns`, `endpoints` and
/// `service` checks use the newer fields).
fn lessons() -> Vec<(String, String)> {
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../lessons"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lessons"),
    ];
    let mut v: Vec<(String, String)> = dirs
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("the lesson directory exists"))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "README.md")
        })
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("utf-8"),
            )
        })
        .collect();
    v.sort();
    assert!(v.len() >= 6, "the course has at least six lessons");
    v
}

/// Parses `text`; with `replay`, also replays it when it parses.
fn assert_sane(path: &str, text: &str, replay: bool) {
    match parse_lesson(path, text) {
        Ok(l) => {
            // Replaying a truncated lesson may report problems, but must finish.
            if replay {
                let _ = replay::replay(&l, text);
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            let lines = text.lines().count().max(1);
            for d in diags {
                assert!(
                    d.line >= 1 && d.line <= lines + 1,
                    "{d} (file has {lines} lines)"
                );
                let _ = d.to_string();
            }
        }
    }
}

/// How many cuts of one lesson are replayed: every cut is parsed, but a
/// replay of the long lessons takes a second in a debug build, and a
/// thousand of them would make this one test run for half an hour.
const REPLAYED_CUTS: usize = 24;

#[test]
fn every_line_cut_of_every_lesson() {
    for (path, text) in lessons() {
        let lines = text.split_inclusive('\n').count();
        let stride = (lines / REPLAYED_CUTS).max(1);
        let mut cut = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            cut += line.len();
            let replay = i % stride == 0;
            assert_sane(&path, &text[..cut], replay);
            // Half a line, too: a YAML or Markdown fragment cut in the middle.
            let half = cut - line.len() + line.len() / 2;
            if text.is_char_boundary(half) {
                assert_sane(&path, &text[..half], replay);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_lessons_never_panic(which in 0usize..10, at in any::<prop::sample::Index>(), junk in "[ -~\\n\\t`:{}\\[\\]-]{0,12}", delete in 0usize..20) {
        let all = lessons();
        let (path, text) = &all[which % all.len()];
        let mut pos = at.index(text.len());
        while !text.is_char_boundary(pos) {
            pos -= 1;
        }
        let mut end = (pos + delete).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{}{}", &text[..pos], junk, &text[end..]);
        let took = measure(|| match parse_lesson(path, &mutated) {
            // A lesson that still parses replays, within bounds.
            Ok(l) => {
                let _ = replay::replay(&l, &mutated);
                true
            }
            Err(d) => !d.is_empty(),
        });
        prop_assert!(took.value);
        if let Err(problem) = took.within_bounds() {
            prop_assert!(false, "{}", problem);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = parse_lesson("x.md", &text);
        let _ = parse_lesson("x.md", &format!("---\n{text}\n---\n## s\n```check\n{text}\n```\n"));
    }
}
