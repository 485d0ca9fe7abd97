//! Text filters for pipelines: `grep`, `head`, `tail`, `wc`, `sort`,
//! `uniq`, `cut`, `tr`, `tee`. Each reads its file operands (`-` is stdin)
//! or, with none, stdin, and prints what GNU coreutils and GNU grep print
//! (Ubuntu 24.04, `C.UTF-8`: `sort` orders by code point).

use super::fs::{curly, quote, FsError};
use super::Tool;
use crate::shell::budget::{self, Limit};
use crate::shell::opts::{self, flag, long, short, valued, Opt, OptError, Spec};
use crate::shell::pattern::{Regex, Syntax};
use crate::shell::Execution;

/// One input of a filter: its display name and its text (or why not).
struct Input {
    name: String,
    text: Result<String, FsError>,
    stdin: bool,
}

/// A filter's inputs, read whole. What they hold together is one command's
/// input budget ([`Limit::Read`]), and reading it is work; `None` (the
/// message printed, the line stopped) over budget.
fn inputs(cx: &mut Tool, files: &[String]) -> Option<Vec<Input>> {
    let stdin = cx.stdin;
    let tool = cx.name;
    let stdin_input = || Input {
        name: "-".into(),
        text: Ok(stdin.unwrap_or_default().to_string()),
        stdin: true,
    };
    if files.is_empty() {
        return Some(vec![stdin_input()]);
    }
    let mut all = vec![];
    let mut total = 0usize;
    for f in files {
        let input = if f == "-" {
            stdin_input()
        } else {
            Input {
                name: f.clone(),
                text: cx.fs.read_path(f),
                stdin: false,
            }
        };
        let len = input.text.as_ref().map_or(0, String::len);
        total += len;
        if total > budget::MAX_VALUE {
            cx.over(Limit::Read, tool);
            return None;
        }
        if !cx.charge(len as u64) {
            return None;
        }
        all.push(input);
    }
    Some(all)
}

/// Lines with their terminators dropped; a last line without `\n` counts.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n')
        .map(|l| l.strip_suffix('\n').unwrap_or(l))
        .collect()
}

fn try_help(exec: &mut Execution, tool: &str) {
    exec.err(format!("Try '{tool} --help' for more information.\n"));
}

/// A filter's options as (letter, value) pairs in order, and its operands:
/// the shell's one option parser ([`opts`]) with GNU's rules.
struct Opts {
    flags: Vec<(char, Option<String>)>,
    operands: Vec<String>,
}

fn getopt(args: &[String], spec: &Spec) -> Result<Opts, OptError> {
    let p = opts::parse(args, spec)?;
    Ok(Opts {
        flags: p
            .opts()
            .map(|(n, v)| (n.chars().next().unwrap_or('?'), v.map(String::from)))
            .collect(),
        operands: p.operands(),
    })
}

fn opt_error(exec: &mut Execution, tool: &str, e: OptError) {
    exec.err(e.gnu(tool));
}

// ---- grep -----------------------------------------------------------------

const GREP_USAGE: &str =
    "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

/// `grep [-iEFvcnowxqlhHs] [-A N] [-B N] [-C N] [-e PATTERN]… PATTERN [FILE…]`
#[inline(never)]
pub(super) fn grep(cx: &mut Tool, args: &[String]) -> i32 {
    const OPTS: &[Opt] = &[
        flag("i", 'i', "ignore-case"),
        flag("v", 'v', "invert-match"),
        flag("c", 'c', "count"),
        flag("n", 'n', "line-number"),
        flag("o", 'o', "only-matching"),
        flag("E", 'E', "extended-regexp"),
        flag("F", 'F', "fixed-strings"),
        flag("G", 'G', "basic-regexp"),
        flag("w", 'w', "word-regexp"),
        flag("x", 'x', "line-regexp"),
        flag("q", 'q', "quiet"),
        flag("q", 'q', "silent"),
        flag("l", 'l', "files-with-matches"),
        flag("h", 'h', "no-filename"),
        flag("H", 'H', "with-filename"),
        flag("s", 's', "no-messages"),
        valued("e", 'e', "regexp"),
        flag("r", 'r', "recursive"),
        valued("A", 'A', "after-context"),
        valued("B", 'B', "before-context"),
        valued("C", 'C', "context"),
        long("K", "color", false),
        long("K", "colour", false),
        short("y", 'y', false),
        short("P", 'P', false),
        short("R", 'R', false),
    ];
    // `--color=auto` carries a value; accept and ignore it.
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if a.starts_with("--color=") || a.starts_with("--colour=") {
                "--color".to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let o = match getopt(&args, &Spec::gnu(OPTS)) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, "grep", e);
            cx.out.err(GREP_USAGE);
            return 2;
        }
    };
    let mut syntax = Syntax::default();
    let (mut invert, mut count, mut number, mut only, mut quiet, mut list) =
        (false, false, false, false, false, false);
    let (mut no_name, mut with_name, mut no_messages) = (false, false, false);
    let mut recursive = false;
    let (mut after, mut before) = (0usize, 0usize);
    let mut patterns: Vec<String> = vec![];
    for (c, v) in &o.flags {
        match c {
            'i' | 'y' => syntax.ignore_case = true,
            'v' => invert = true,
            'c' => count = true,
            'n' => number = true,
            'o' => only = true,
            'E' | 'P' => syntax.extended = true,
            'F' => syntax.fixed = true,
            'G' => syntax.extended = false,
            'w' => syntax.word = true,
            'x' => syntax.line = true,
            'q' => quiet = true,
            'l' => list = true,
            'h' => no_name = true,
            'H' => with_name = true,
            's' => no_messages = true,
            'r' | 'R' => recursive = true,
            'e' => patterns.push(v.clone().unwrap_or_default()),
            'A' | 'B' | 'C' => {
                let raw = v.clone().unwrap_or_default();
                let Ok(n) = raw.parse::<usize>() else {
                    cx.out
                        .err(format!("grep: {raw}: invalid context length argument\n"));
                    return 2;
                };
                if *c != 'B' {
                    after = n;
                }
                if *c != 'A' {
                    before = n;
                }
            }
            _ => {}
        }
    }
    let mut operands = o.operands;
    if patterns.is_empty() {
        if operands.is_empty() {
            cx.out.err(GREP_USAGE);
            return 2;
        }
        patterns.push(operands.remove(0));
    }
    let pats: Vec<&str> = patterns.iter().flat_map(|p| p.split('\n')).collect();
    let re = match Regex::any_of(&pats, syntax) {
        Ok(r) => r,
        Err(e) => {
            cx.out.err(format!("grep: {e}\n"));
            return 2;
        }
    };
    if recursive {
        // Directories are searched through: `grep -r PATTERN` searches `.`
        // and names files relative to it.
        let mut files = vec![];
        let dirs = if operands.is_empty() {
            vec![String::new()]
        } else {
            std::mem::take(&mut operands)
        };
        for d in dirs {
            let abs = if d.is_empty() {
                cx.fs.cwd.clone()
            } else {
                cx.fs.abs_path(&d)
            };
            if !d.is_empty() && !cx.fs.is_dir(&abs) {
                files.push(d);
                continue;
            }
            for rel in cx.fs.walk(&abs) {
                files.push(match d.as_str() {
                    "" => rel,
                    d if d.ends_with('/') => format!("{d}{rel}"),
                    d => format!("{d}/{rel}"),
                });
            }
        }
        operands = files;
        with_name |= !no_name;
    }
    let show_name = with_name || (operands.len() > 1 && !no_name);
    let mut any = false;
    let mut error = false;
    let Some(ins) = inputs(cx, &operands) else {
        return 2;
    };
    // The matcher's steps: every character against every instruction, at
    // several units a step.
    let bytes: usize = ins
        .iter()
        .map(|i| i.text.as_ref().map_or(0, String::len))
        .sum();
    if !cx.charge((bytes * re.size()) as u64 * 8) {
        return 2;
    }
    for input in ins {
        let name = if input.stdin {
            "(standard input)".to_string()
        } else {
            input.name.clone()
        };
        let text = match input.text {
            Ok(t) => t,
            Err(e) => {
                if !no_messages {
                    cx.out.err(format!("grep: {}: {e}\n", input.name));
                }
                error = true;
                continue;
            }
        };
        let ls = lines(&text);
        let selected: Vec<bool> = ls.iter().map(|l| re.is_match(l) != invert).collect();
        let hits = selected.iter().filter(|&&b| b).count();
        any |= hits > 0;
        if quiet {
            if any {
                return 0;
            }
            continue;
        }
        if list {
            if hits > 0 {
                cx.out.out(format!("{name}\n"));
            }
            continue;
        }
        if count {
            let prefix = if show_name {
                format!("{name}:")
            } else {
                String::new()
            };
            cx.out.out(format!("{prefix}{hits}\n"));
            continue;
        }
        let mut out = String::new();
        let mut last_printed: Option<usize> = None;
        let mut after_left = 0usize;
        for (i, line) in ls.iter().enumerate() {
            let prefix = |sep: char| {
                let mut p = String::new();
                if show_name {
                    p.push_str(&name);
                    p.push(sep);
                }
                if number {
                    p.push_str(&format!("{}{sep}", i + 1));
                }
                p
            };
            if selected[i] {
                // Context before, and a `--` between separate groups.
                let from = i.saturating_sub(before);
                let from = last_printed.map_or(from, |l| from.max(l + 1));
                if (before > 0 || after > 0) && last_printed.is_some_and(|l| from > l + 1) {
                    out.push_str("--\n");
                }
                for (j, ctx) in ls.iter().enumerate().take(i).skip(from) {
                    let mut p = String::new();
                    if show_name {
                        p.push_str(&name);
                        p.push('-');
                    }
                    if number {
                        p.push_str(&format!("{}-", j + 1));
                    }
                    out.push_str(&format!("{p}{ctx}\n"));
                }
                if only && !invert {
                    let chars: Vec<char> = line.chars().collect();
                    let mut at = 0;
                    while let Some((a, b)) = re.find_at(&chars, at) {
                        if b > a {
                            let m: String = chars[a..b].iter().collect();
                            out.push_str(&format!("{}{m}\n", prefix(':')));
                            at = b;
                        } else {
                            at = a + 1;
                        }
                        if at > chars.len() {
                            break;
                        }
                    }
                } else if !only {
                    out.push_str(&format!("{}{line}\n", prefix(':')));
                }
                last_printed = Some(i);
                after_left = after;
            } else if after_left > 0 {
                out.push_str(&format!("{}{line}\n", prefix('-')));
                last_printed = Some(i);
                after_left -= 1;
            }
        }
        cx.out.out(out);
    }
    if error && !(quiet && any) {
        2
    } else if any {
        0
    } else {
        1
    }
}

// ---- head and tail --------------------------------------------------------

enum Count {
    /// The first (head) or last (tail) N.
    N(usize),
    /// head: all but the last N.
    AllBut(usize),
    /// tail: from the Nth on.
    From(usize),
}

fn parse_count(tool: &str, raw: &str, what: &str, exec: &mut Execution) -> Option<Count> {
    let (kind, digits) = if let Some(d) = raw.strip_prefix('-') {
        ('-', d)
    } else if let Some(d) = raw.strip_prefix('+') {
        ('+', d)
    } else {
        (' ', raw)
    };
    match digits.parse::<usize>() {
        Ok(n) => Some(match (tool, kind) {
            ("head", '-') => Count::AllBut(n),
            ("tail", '+') => Count::From(n),
            _ => Count::N(n),
        }),
        Err(_) => {
            exec.err(format!(
                "{tool}: invalid number of {what}: {}\n",
                curly(raw)
            ));
            None
        }
    }
}

/// `head [-n N|-N|-n -N] [-c N] [FILE…]` and `tail [-n N|-N|-n +N] [-c N] [FILE…]`
#[inline(never)]
pub(super) fn head_tail(cx: &mut Tool, args: &[String]) -> i32 {
    let tool = cx.name;
    const OPTS: &[Opt] = &[
        valued("n", 'n', "lines"),
        valued("c", 'c', "bytes"),
        flag("q", 'q', "quiet"),
        flag("q", 'q', "silent"),
        flag("v", 'v', "verbose"),
        flag("f", 'f', "follow"),
        short("F", 'F', false),
    ];
    let o = match getopt(
        args,
        &Spec {
            bare_number: Some("n"),
            ..Spec::gnu(OPTS)
        },
    ) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, tool, e);
            try_help(cx.out, tool);
            return 1;
        }
    };
    let mut count = Count::N(10);
    let mut bytes = false;
    let mut headers = o.operands.len() > 1;
    for (c, v) in &o.flags {
        match c {
            'n' | 'c' => {
                let what = if *c == 'n' { "lines" } else { "bytes" };
                match parse_count(tool, v.as_deref().unwrap_or_default(), what, cx.out) {
                    Some(n) => count = n,
                    None => return 1,
                }
                bytes = *c == 'c';
            }
            'q' => headers = false,
            'v' => headers = true,
            _ => {}
        }
    }
    let mut status = 0;
    let mut first = true;
    let Some(ins) = inputs(cx, &o.operands) else {
        return 1;
    };
    for input in ins {
        let text = match input.text {
            Ok(t) => t,
            Err(e) => {
                cx.out.err(format!(
                    "{tool}: cannot open {} for reading: {e}\n",
                    quote(&input.name)
                ));
                status = 1;
                continue;
            }
        };
        if headers {
            let name = if input.stdin {
                "standard input"
            } else {
                &input.name
            };
            cx.out
                .out(format!("{}==> {name} <==\n", if first { "" } else { "\n" }));
        }
        first = false;
        let pieces: Vec<String> = if bytes {
            text.chars().map(String::from).collect()
        } else {
            text.split_inclusive('\n').map(String::from).collect()
        };
        let n = pieces.len();
        let range = match (tool, &count) {
            ("head", Count::N(k)) => 0..(*k).min(n),
            ("head", Count::AllBut(k)) => 0..n.saturating_sub(*k),
            (_, Count::From(k)) => (*k).saturating_sub(1).min(n)..n,
            (_, Count::N(k)) | (_, Count::AllBut(k)) => n.saturating_sub(*k)..n,
        };
        cx.out.out(pieces[range].concat());
    }
    status
}

// ---- wc -------------------------------------------------------------------

/// `wc [-lwcmL] [FILE…]`
#[inline(never)]
pub(super) fn wc(cx: &mut Tool, args: &[String]) -> i32 {
    const OPTS: &[Opt] = &[
        flag("l", 'l', "lines"),
        flag("w", 'w', "words"),
        flag("c", 'c', "bytes"),
        flag("m", 'm', "chars"),
        flag("L", 'L', "max-line-length"),
    ];
    let o = match getopt(args, &Spec::gnu(OPTS)) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, "wc", e);
            try_help(cx.out, "wc");
            return 1;
        }
    };
    let has = |c: char| o.flags.iter().any(|(f, _)| *f == c);
    let mut which: Vec<char> = "lwmcL".chars().filter(|&c| has(c)).collect();
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    let Some(ins) = inputs(cx, &o.operands) else {
        return 1;
    };
    let mut rows: Vec<(Vec<usize>, Option<String>)> = vec![];
    let mut totals = vec![0usize; which.len()];
    let mut status = 0;
    let mut errors = vec![];
    let mut regular_total = 0usize;
    let mut min_width = 1;
    for (k, input) in ins.iter().enumerate() {
        let text = match &input.text {
            Ok(t) => t,
            Err(e) => {
                errors.push((k, format!("wc: {}: {e}\n", input.name)));
                status = 1;
                continue;
            }
        };
        if input.stdin {
            min_width = 7;
        } else {
            regular_total += text.len();
        }
        let counts: Vec<usize> = which
            .iter()
            .map(|c| match c {
                'l' => text.matches('\n').count(),
                'w' => text.split_whitespace().count(),
                'c' => text.len(),
                'm' => text.chars().count(),
                _ => lines(text)
                    .iter()
                    .map(|l| l.chars().count())
                    .max()
                    .unwrap_or(0),
            })
            .collect();
        for (t, c) in totals.iter_mut().zip(&counts) {
            *t += c;
        }
        let name = (!o.operands.is_empty()).then(|| input.name.clone());
        rows.push((counts, name));
    }
    let first_failed = ins.first().is_some_and(|i| i.text.is_err());
    let width = if which.len() == 1 && ins.len() == 1 || first_failed {
        1
    } else {
        regular_total.to_string().len().max(min_width)
    };
    if ins.len() > 1 {
        let max_l = which.iter().position(|&c| c == 'L');
        let mut t = totals.clone();
        if let Some(i) = max_l {
            t[i] = rows.iter().map(|r| r.0[i]).max().unwrap_or(0);
        }
        rows.push((t, Some("total".into())));
    }
    let mut errors = errors.into_iter().peekable();
    let mut row_index = 0;
    for k in 0..=ins.len() {
        while let Some((_, e)) = errors.next_if(|(i, _)| *i == k) {
            cx.out.err(e);
        }
        if k < ins.len() && ins[k].text.is_err() {
            continue;
        }
        let Some((counts, name)) = rows.get(row_index) else {
            break;
        };
        row_index += 1;
        let mut line: Vec<String> = counts.iter().map(|c| format!("{c:>width$}")).collect();
        if let Some(n) = name {
            line.push(n.clone());
        }
        cx.out.out(format!("{}\n", line.join(" ")));
    }
    status
}

// ---- sort and uniq --------------------------------------------------------

/// The leading number of a line as `sort -n` reads it.
fn numeric_key(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    for (i, c) in t.char_indices() {
        if c.is_ascii_digit() || c == '.' || (i == 0 && c == '-') {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

/// Fields as `sort -k` counts them: without `-t`, each field keeps the
/// blanks before it.
fn sort_key(line: &str, sep: Option<char>, from: usize, to: Option<usize>) -> &str {
    let mut starts = vec![];
    match sep {
        Some(c) => {
            starts.push(0);
            for (i, ch) in line.char_indices() {
                if ch == c {
                    starts.push(i + ch.len_utf8());
                }
            }
        }
        None => {
            let mut prev_blank = true;
            let mut i0 = 0;
            for (i, ch) in line.char_indices() {
                let blank = ch == ' ' || ch == '\t';
                if !blank && prev_blank {
                    starts.push(i0);
                }
                if blank && !prev_blank {
                    i0 = i;
                }
                if !blank {
                    i0 = i + ch.len_utf8();
                }
                prev_blank = blank;
            }
        }
    }
    let Some(&begin) = starts.get(from.saturating_sub(1)) else {
        return "";
    };
    let end = match to.and_then(|t| starts.get(t)) {
        Some(&e) => match sep {
            Some(c) => e - c.len_utf8(),
            None => e,
        },
        None => line.len(),
    };
    line.get(begin..end.max(begin)).unwrap_or("")
}

/// `sort [-rnuf] [-t SEP] [-k N[,M]] [FILE…]`
#[inline(never)]
pub(super) fn sort(cx: &mut Tool, args: &[String]) -> i32 {
    const OPTS: &[Opt] = &[
        flag("r", 'r', "reverse"),
        flag("n", 'n', "numeric-sort"),
        flag("u", 'u', "unique"),
        flag("f", 'f', "ignore-case"),
        valued("t", 't', "field-separator"),
        valued("k", 'k', "key"),
        short("b", 'b', false),
        short("s", 's', false),
        short("h", 'h', false),
    ];
    let o = match getopt(args, &Spec::gnu(OPTS)) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, "sort", e);
            try_help(cx.out, "sort");
            return 2;
        }
    };
    let has = |c: char| o.flags.iter().any(|(f, _)| *f == c);
    let (reverse, numeric, unique, fold) = (has('r'), has('n') || has('h'), has('u'), has('f'));
    let mut sep = None;
    let mut key: Option<(usize, Option<usize>)> = None;
    for (c, v) in &o.flags {
        let v = v.clone().unwrap_or_default();
        match c {
            't' => {
                let mut chars = v.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => sep = Some(c),
                    _ => {
                        cx.out
                            .err(format!("sort: multi-character tab {}\n", quote(&v)));
                        return 2;
                    }
                }
            }
            'k' => {
                let field = |t: &str| {
                    t.split('.')
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                        .parse::<usize>()
                        .ok()
                        .filter(|&n| n > 0)
                };
                let (a, b) = match v.split_once(',') {
                    Some((a, b)) => (field(a), Some(field(b))),
                    None => (field(&v), None),
                };
                match (a, b) {
                    (Some(a), None) => key = Some((a, None)),
                    (Some(a), Some(Some(b))) => key = Some((a, Some(b))),
                    _ => {
                        cx.out.err(format!(
                            "sort: invalid number at field start: invalid count at start of {}\n",
                            quote(&v)
                        ));
                        return 2;
                    }
                }
            }
            _ => {}
        }
    }
    let mut all: Vec<String> = vec![];
    let Some(ins) = inputs(cx, &o.operands) else {
        return 2;
    };
    for input in ins {
        match input.text {
            Ok(t) => all.extend(lines(&t).into_iter().map(String::from)),
            Err(e) => {
                cx.out
                    .err(format!("sort: cannot read: {}: {e}\n", input.name));
                return 2;
            }
        }
    }
    let keyed = |l: &str| -> String {
        let k = match key {
            Some((a, b)) => sort_key(l, sep, a, b),
            None => l,
        };
        if fold {
            k.to_uppercase()
        } else {
            k.to_string()
        }
    };
    let compare = |a: &String, b: &String| {
        let (ka, kb) = (keyed(a), keyed(b));
        if numeric {
            numeric_key(&ka).total_cmp(&numeric_key(&kb))
        } else {
            ka.cmp(&kb)
        }
    };
    crate::sort::sort_by(&mut all, |a, b| {
        let o = compare(a, b).then_with(|| {
            if unique {
                std::cmp::Ordering::Equal
            } else {
                a.cmp(b)
            }
        });
        if reverse {
            o.reverse()
        } else {
            o
        }
    });
    if unique {
        all.dedup_by(|b, a| compare(a, b).is_eq());
    }
    cx.out
        .out(all.iter().map(|l| format!("{l}\n")).collect::<String>());
    0
}

/// `uniq [-c] [-d] [-u] [-i] [FILE]`
#[inline(never)]
pub(super) fn uniq(cx: &mut Tool, args: &[String]) -> i32 {
    const OPTS: &[Opt] = &[
        flag("c", 'c', "count"),
        flag("d", 'd', "repeated"),
        flag("u", 'u', "unique"),
        flag("i", 'i', "ignore-case"),
    ];
    let o = match getopt(args, &Spec::gnu(OPTS)) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, "uniq", e);
            try_help(cx.out, "uniq");
            return 1;
        }
    };
    let has = |c: char| o.flags.iter().any(|(f, _)| *f == c);
    let files = &o.operands[..o.operands.len().min(1)];
    let Some(mut ins) = inputs(cx, files) else {
        return 1;
    };
    let input = ins.remove(0);
    let text = match input.text {
        Ok(t) => t,
        Err(e) => {
            cx.out.err(format!("uniq: {}: {e}\n", input.name));
            return 1;
        }
    };
    let same = |a: &str, b: &str| {
        if has('i') {
            a.to_lowercase() == b.to_lowercase()
        } else {
            a == b
        }
    };
    let mut groups: Vec<(&str, usize)> = vec![];
    for l in lines(&text) {
        match groups.last_mut() {
            Some((g, n)) if same(g, l) => *n += 1,
            _ => groups.push((l, 1)),
        }
    }
    let mut out = String::new();
    for (l, n) in groups {
        if (has('d') && n < 2) || (has('u') && n > 1) {
            continue;
        }
        if has('c') {
            out.push_str(&format!("{n:>7} {l}\n"));
        } else {
            out.push_str(&format!("{l}\n"));
        }
    }
    cx.out.out(out);
    0
}

// ---- cut ------------------------------------------------------------------

fn parse_list(spec: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut ranges = vec![];
    for part in spec.split(',') {
        let num = |t: &str| -> Result<usize, String> {
            match t.parse::<usize>() {
                Ok(0) => Err(if spec.contains('-') {
                    "invalid byte or character range".into()
                } else {
                    "fields and positions are numbered from 1".into()
                }),
                Ok(n) => Ok(n),
                Err(_) => Err(format!("invalid field value {}", quote(t))),
            }
        };
        let r = match part.split_once('-') {
            Some(("", "")) => return Err("invalid range with no endpoint: -".into()),
            Some((a, "")) => (num(a)?, usize::MAX),
            Some(("", b)) => (1, num(b)?),
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                if b < a {
                    return Err("invalid decreasing range".into());
                }
                (a, b)
            }
            None => {
                let n = num(part)?;
                (n, n)
            }
        };
        ranges.push(r);
    }
    Ok(ranges)
}

/// `cut -f LIST [-d C] [-s]` and `cut -c LIST`
#[inline(never)]
pub(super) fn cut(cx: &mut Tool, args: &[String]) -> i32 {
    const OPTS: &[Opt] = &[
        valued("f", 'f', "fields"),
        valued("c", 'c', "characters"),
        valued("b", 'b', "bytes"),
        valued("d", 'd', "delimiter"),
        flag("s", 's', "only-delimited"),
        short("n", 'n', false),
    ];
    let o = match getopt(args, &Spec::gnu(OPTS)) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, "cut", e);
            try_help(cx.out, "cut");
            return 1;
        }
    };
    let mut mode = None;
    let mut delim = '\t';
    let mut only = false;
    for (c, v) in &o.flags {
        let v = v.clone().unwrap_or_default();
        match c {
            'f' | 'c' | 'b' => mode = Some((*c, v)),
            'd' => {
                let mut chars = v.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => delim = c,
                    _ => {
                        cx.out
                            .err("cut: the delimiter must be a single character\n");
                        try_help(cx.out, "cut");
                        return 1;
                    }
                }
            }
            's' => only = true,
            _ => {}
        }
    }
    let Some((kind, spec)) = mode else {
        cx.out
            .err("cut: you must specify a list of bytes, characters, or fields\n");
        try_help(cx.out, "cut");
        return 1;
    };
    let ranges = match parse_list(&spec) {
        Ok(r) => r,
        Err(e) => {
            cx.out.err(format!("cut: {e}\n"));
            try_help(cx.out, "cut");
            return 1;
        }
    };
    let wanted = |i: usize| ranges.iter().any(|&(a, b)| a <= i && i <= b);
    let mut status = 0;
    let mut out = String::new();
    let Some(ins) = inputs(cx, &o.operands) else {
        return 1;
    };
    for input in ins {
        let text = match input.text {
            Ok(t) => t,
            Err(e) => {
                cx.out.err(format!("cut: {}: {e}\n", input.name));
                status = 1;
                continue;
            }
        };
        for line in lines(&text) {
            if kind == 'f' {
                if !line.contains(delim) {
                    if !only {
                        out.push_str(line);
                        out.push('\n');
                    }
                    continue;
                }
                let picked: Vec<&str> = line
                    .split(delim)
                    .enumerate()
                    .filter(|(i, _)| wanted(i + 1))
                    .map(|(_, f)| f)
                    .collect();
                out.push_str(&picked.join(&delim.to_string()));
            } else {
                out.extend(
                    line.chars()
                        .enumerate()
                        .filter(|(i, _)| wanted(i + 1))
                        .map(|(_, c)| c),
                );
            }
            out.push('\n');
        }
    }
    cx.out.out(out);
    status
}

// ---- tr and tee -----------------------------------------------------------

/// A `tr` set: ranges, classes and escapes expanded to characters.
fn tr_set(spec: &str) -> Vec<char> {
    let mut raw: Vec<char> = vec![];
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' && chars.get(i + 1) == Some(&':') {
            if let Some(rel) = chars[i + 2..].windows(2).position(|w| w == [':', ']']) {
                let name: String = chars[i + 2..i + 2 + rel].iter().collect();
                let class: Vec<char> = match name.as_str() {
                    "upper" => ('A'..='Z').collect(),
                    "lower" => ('a'..='z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "space" => vec![' ', '\t', '\n', '\r', '\x0b', '\x0c'],
                    "blank" => vec![' ', '\t'],
                    _ => vec![],
                };
                raw.extend(class);
                i += rel + 4;
                continue;
            }
        }
        let (c, len) = if chars[i] == '\\' && i + 1 < chars.len() {
            let c = match chars[i + 1] {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' => '\\',
                c => c,
            };
            (c, 2)
        } else {
            (chars[i], 1)
        };
        i += len;
        if chars.get(i) == Some(&'-') && i + 1 < chars.len() {
            let end = chars[i + 1];
            if end >= c {
                raw.extend(c..=end);
                i += 2;
                continue;
            }
        }
        raw.push(c);
    }
    raw
}

/// `tr [-d] [-s] SET1 [SET2]`
#[inline(never)]
pub(super) fn tr(cx: &mut Tool, args: &[String]) -> i32 {
    let stdin = cx.stdin;
    const OPTS: &[Opt] = &[
        flag("d", 'd', "delete"),
        flag("s", 's', "squeeze-repeats"),
        short("c", 'c', false),
    ];
    let o = match getopt(args, &Spec::gnu(OPTS)) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, "tr", e);
            try_help(cx.out, "tr");
            return 1;
        }
    };
    let has = |c: char| o.flags.iter().any(|(f, _)| *f == c);
    let (delete, squeeze) = (has('d'), has('s'));
    let needed = if delete || (squeeze && o.operands.len() < 2) {
        1
    } else {
        2
    };
    if o.operands.len() < needed {
        if o.operands.is_empty() {
            cx.out.err("tr: missing operand\n");
        } else {
            cx.out.err(format!(
                "tr: missing operand after {}\nTwo strings must be given when translating.\n",
                quote(&o.operands[0])
            ));
        }
        try_help(cx.out, "tr");
        return 1;
    }
    let set1 = tr_set(&o.operands[0]);
    let set2 = o.operands.get(1).map(|s| tr_set(s)).unwrap_or_default();
    let text = stdin.unwrap_or_default();
    let mut out = String::new();
    let mut last: Option<char> = None;
    let squeeze_set = if delete || set2.is_empty() {
        &set1
    } else {
        &set2
    };
    for c in text.chars() {
        let mapped = if delete {
            if set1.contains(&c) {
                continue;
            }
            c
        } else if let Some(i) = set1.iter().position(|&x| x == c) {
            set2.get(i).or(set2.last()).copied().unwrap_or(c)
        } else {
            c
        };
        if squeeze && last == Some(mapped) && squeeze_set.contains(&mapped) {
            continue;
        }
        last = Some(mapped);
        out.push(mapped);
    }
    cx.out.out(out);
    0
}

/// `tee [-a] [FILE…]`
#[inline(never)]
pub(super) fn tee(cx: &mut Tool, args: &[String]) -> i32 {
    let stdin = cx.stdin;
    const OPTS: &[Opt] = &[flag("a", 'a', "append"), short("i", 'i', false)];
    let o = match getopt(args, &Spec::gnu(OPTS)) {
        Ok(o) => o,
        Err(e) => {
            opt_error(cx.out, "tee", e);
            try_help(cx.out, "tee");
            return 1;
        }
    };
    let append = o.flags.iter().any(|(f, _)| *f == 'a');
    let text = stdin.unwrap_or_default();
    let mut status = 0;
    for f in &o.operands {
        let abs = cx.fs.abs_path(f);
        if let Err(e) = cx.fs.write(&abs, text, append) {
            cx.out.err(format!("tee: {f}: {e}\n"));
            status = 1;
        }
    }
    cx.out.out(text);
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_follow_gnu_fields() {
        assert_eq!(sort_key("a  b c", None, 2, Some(2)), "  b");
        assert_eq!(sort_key("a  b c", None, 2, None), "  b c");
        assert_eq!(sort_key("a:b:c", Some(':'), 2, Some(2)), "b");
        assert_eq!(sort_key("a:b:c", Some(':'), 2, None), "b:c");
        assert_eq!(sort_key("a", None, 3, None), "");
        assert_eq!(numeric_key("  42 pods"), 42.0);
        assert_eq!(numeric_key("x"), 0.0);
    }

    #[test]
    fn cut_lists() {
        assert_eq!(
            parse_list("1,3-4,6-").unwrap(),
            vec![(1, 1), (3, 4), (6, usize::MAX)]
        );
        assert_eq!(parse_list("-2").unwrap(), vec![(1, 2)]);
        assert!(parse_list("0").is_err());
        assert!(parse_list("3-1").is_err());
    }

    #[test]
    fn tr_sets() {
        assert_eq!(tr_set("a-c"), vec!['a', 'b', 'c']);
        assert_eq!(tr_set("\\n"), vec!['\n']);
        assert_eq!(tr_set("[:digit:]").len(), 10);
        assert_eq!(tr_set("x-"), vec!['x', '-']);
    }
}
