//! `awk`, as GNU awk 5.2 runs the POSIX language a tutorial uses: rules of
//! patterns (`BEGIN`, `END`, expressions, `/regex/`, ranges) and actions,
//! fields and `-F`, `-v`, `NR`, `NF`, `FNR`, `FS`/`OFS`/`ORS`/`RS`,
//! arrays and `for (k in a)`, user functions, `print` and `printf` (also
//! `> file`), and the built-in functions of strings and numbers. gawk's
//! messages for syntax errors (the source line and a caret) and fatal
//! errors; `getline`, `system()` and pipes are not simulated and say so.

mod lex;
mod parse;
mod run;
mod value;

use super::Tool;
use crate::shell::budget::{self, Limit};
use run::{Runtime, Stop};
use value::Val;

const USAGE: &str = "Usage: awk [POSIX or GNU style options] -f progfile [--] file ...
Usage: awk [POSIX or GNU style options] [--] 'program' file ...
POSIX options:\t\tGNU long options: (standard)
\t-f progfile\t\t--file=progfile
\t-F fs\t\t\t--field-separator=fs
\t-v var=val\t\t--assign=var=val
Short options:\t\tGNU long options: (extensions)
\t-b\t\t\t--characters-as-bytes
\t-c\t\t\t--traditional
\t-C\t\t\t--copyright
\t-d[file]\t\t--dump-variables[=file]
\t-D[file]\t\t--debug[=file]
\t-e 'program-text'\t--source='program-text'
\t-E file\t\t\t--exec=file
\t-g\t\t\t--gen-pot
\t-h\t\t\t--help
\t-i includefile\t\t--include=includefile
\t-I\t\t\t--trace
\t-l library\t\t--load=library
\t-L[fatal|invalid|no-ext]\t--lint[=fatal|invalid|no-ext]
\t-M\t\t\t--bignum
\t-N\t\t\t--use-lc-numeric
\t-n\t\t\t--non-decimal-data
\t-o[file]\t\t--pretty-print[=file]
\t-O\t\t\t--optimize
\t-p[file]\t\t--profile[=file]
\t-P\t\t\t--posix
\t-r\t\t\t--re-interval
\t-s\t\t\t--no-optimize
\t-S\t\t\t--sandbox
\t-t\t\t\t--lint-old
\t-V\t\t\t--version

To report bugs, see node `Bugs' in `gawk.info'
which is section `Reporting Problems and Bugs' in the
printed version.  This same information may be found at
https://www.gnu.org/software/gawk/manual/html_node/Bugs.html.
PLEASE do NOT try to report bugs by posting in comp.lang.awk,
or by using a web forum such as Stack Overflow.

gawk is a pattern scanning and processing language.
By default it reads standard input and writes standard output.

Examples:
\tawk '{ sum += $1 }; END { print sum }' file
\tawk -F: '{ print $1 }' /etc/passwd
";

const VERSION: &str = "GNU Awk 5.2.1, API 3.2, PMA Avon 8-g1, (GNU MPFR 4.2.1, GNU MP 6.3.0)
Copyright (C) 1989, 1991-2022 Free Software Foundation.

This program is free software; you can redistribute it and/or modify
it under the terms of the GNU General Public License as published by
the Free Software Foundation; either version 3 of the License, or
(at your option) any later version.

This program is distributed in the hope that it will be useful,
but WITHOUT ANY WARRANTY; without even the implied warranty of
MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
GNU General Public License for more details.

You should have received a copy of the GNU General Public License
along with this program. If not, see http://www.gnu.org/licenses/.
";

/// The options gawk has that are not simulated here.
const NOT_SIMULATED: &[(char, &str)] = &[
    ('b', "characters-as-bytes"),
    ('c', "traditional"),
    ('C', "copyright"),
    ('d', "dump-variables"),
    ('D', "debug"),
    ('E', "exec"),
    ('g', "gen-pot"),
    ('i', "include"),
    ('I', "trace"),
    ('l', "load"),
    ('L', "lint"),
    ('M', "bignum"),
    ('N', "use-lc-numeric"),
    ('n', "non-decimal-data"),
    ('o', "pretty-print"),
    ('O', "optimize"),
    ('p', "profile"),
    ('P', "posix"),
    ('r', "re-interval"),
    ('s', "no-optimize"),
    ('S', "sandbox"),
    ('t', "lint-old"),
];

/// The command line: program sources, `-F`, `-v`, operands.
struct Cmdline {
    sources: Vec<(String, String)>,
    fs: Option<String>,
    assigns: Vec<String>,
    operands: Vec<String>,
}

enum Parsed {
    Run(Cmdline),
    Exit(i32),
}

fn parse_args(cx: &mut Tool, args: &[String]) -> Parsed {
    let mut c = Cmdline {
        sources: vec![],
        fs: None,
        assigns: vec![],
        operands: vec![],
    };
    let mut i = 0;
    let bad = |cx: &mut Tool, msg: String| {
        cx.out.err(msg);
        cx.out.err(USAGE);
        Parsed::Exit(1)
    };
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        // The option's value: attached, or the next word.
        let value = |name: &str, attached: &str, i: &mut usize| -> Option<String> {
            if !attached.is_empty() {
                return Some(attached.to_string());
            }
            *i += 1;
            args.get(*i).cloned().or_else(|| {
                let _ = name;
                None
            })
        };
        if let Some(long) = a.strip_prefix("--") {
            let (name, attached) = long.split_once('=').unwrap_or((long, ""));
            match name {
                "file" | "field-separator" | "assign" | "source" => {
                    let Some(v) = value(name, attached, &mut i) else {
                        return bad(cx, format!("awk: option '--{name}' requires an argument\n"));
                    };
                    match name {
                        "file" => c.sources.push((v, String::new())),
                        "field-separator" => c.fs = Some(v),
                        "assign" => c.assigns.push(v),
                        _ => c.sources.push(("cmd. line".into(), v)),
                    }
                }
                "help" | "usage" => {
                    cx.out.out(USAGE);
                    return Parsed::Exit(0);
                }
                "version" => {
                    cx.out.out(VERSION);
                    return Parsed::Exit(0);
                }
                other if NOT_SIMULATED.iter().any(|(_, l)| *l == other) => {
                    cx.out
                        .err(format!("awk: option '--{other}' is not simulated here\n"));
                    return Parsed::Exit(1);
                }
                other => return bad(cx, format!("awk: unrecognized option '--{other}'\n")),
            }
            i += 1;
            continue;
        }
        let flag = a.chars().nth(1).unwrap_or('-');
        let attached = &a[1 + flag.len_utf8()..];
        match flag {
            'f' | 'F' | 'v' | 'e' => {
                let Some(v) = value("", attached, &mut i) else {
                    return bad(
                        cx,
                        format!("awk: option requires an argument -- '{flag}'\n"),
                    );
                };
                match flag {
                    'f' => c.sources.push((v, String::new())),
                    'F' => c.fs = Some(v),
                    'v' => c.assigns.push(v),
                    _ => c.sources.push(("cmd. line".into(), v)),
                }
            }
            'h' => {
                cx.out.out(USAGE);
                return Parsed::Exit(0);
            }
            'V' => {
                cx.out.out(VERSION);
                return Parsed::Exit(0);
            }
            f if NOT_SIMULATED.iter().any(|(s, _)| *s == f) => {
                cx.out
                    .err(format!("awk: option '-{f}' is not simulated here\n"));
                return Parsed::Exit(1);
            }
            f => return bad(cx, format!("awk: invalid option -- '{f}'\n")),
        }
        i += 1;
    }
    c.operands = args[i..].to_vec();
    // Program files are read now; without -f or -e the first operand is
    // the program.
    let mut sources = vec![];
    for (name, text) in std::mem::take(&mut c.sources) {
        if text.is_empty() && name != "cmd. line" {
            match cx.fs.read_path(&name) {
                Ok(t) => sources.push((name, t)),
                Err(e) => {
                    cx.out.err(format!(
                        "awk: fatal: can't open source file `{name}' for reading: {e}\n"
                    ));
                    return Parsed::Exit(2);
                }
            }
        } else {
            sources.push((name, text));
        }
    }
    if sources.is_empty() {
        if c.operands.is_empty() {
            cx.out.err(USAGE);
            return Parsed::Exit(1);
        }
        sources.push(("cmd. line".into(), c.operands.remove(0)));
    }
    c.sources = sources;
    Parsed::Run(c)
}

/// gawk's report of a syntax error: the source line, then a caret under
/// the token and the message.
fn syntax_error(source: &str, text: &str, line: usize, col: usize, message: &str) -> String {
    let src_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let head = format!("awk: {source}:{line}: ");
    format!("{head}{src_line}\n{head}{}^ {message}\n", " ".repeat(col))
}

/// The `-F` value as gawk takes it: escapes processed, `t` a tab only in
/// compatibility mode (so a plain `t` here).
fn field_separator(fs: &str) -> String {
    match run::assigned_value(fs) {
        Val::StrNum(s) | Val::Str(s) => s,
        other => other.string("%.6g"),
    }
}

/// The records of a text by `RS`: lines, paragraphs (`RS=""`), or pieces
/// between one character.
fn records(text: &str, rs: &str) -> Vec<String> {
    match rs {
        "\n" => text
            .split_inclusive('\n')
            .map(|l| l.strip_suffix('\n').unwrap_or(l).to_string())
            .collect(),
        "" => text
            .split("\n\n")
            .map(|p| p.trim_matches('\n').to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        sep => {
            let c = sep.chars().next().unwrap_or('\n');
            let mut v: Vec<String> = text.split(c).map(str::to_string).collect();
            if v.last().is_some_and(|l| l.is_empty() || l == "\n") {
                v.pop();
            }
            v
        }
    }
}

#[inline(never)]
pub(in crate::shell) fn awk(cx: &mut Tool, args: &[String]) -> i32 {
    let cmd = match parse_args(cx, args) {
        Parsed::Run(c) => c,
        Parsed::Exit(code) => return code,
    };
    // Parse every source as one program (gawk concatenates them).
    let mut program = parse::Program::default();
    for (name, text) in &cmd.sources {
        let toks = match lex::lex(text) {
            Ok(t) => t,
            Err(e) => {
                cx.out
                    .err(syntax_error(name, text, e.line, e.col, &e.message));
                return 1;
            }
        };
        match parse::parse(toks) {
            Ok(p) => {
                program.rules.extend(p.rules);
                program.funcs.extend(p.funcs);
            }
            Err(e) => {
                cx.out
                    .err(syntax_error(name, text, e.line, e.col, &e.message));
                return 1;
            }
        }
    }
    let where_ = format!("{}:1", cmd.sources[0].0);
    let mut rt = Runtime::new(&program, where_);
    if let Some(fs) = &cmd.fs {
        rt.set_global("FS", Val::Str(field_separator(fs)));
    }
    for a in &cmd.assigns {
        let Some((name, value)) = a.split_once('=') else {
            cx.out
                .err(format!("awk: fatal: `{a}' is not a legal variable name\n"));
            return 2;
        };
        rt.set_global(name, run::assigned_value(value));
    }
    let outcome = drive(cx, &mut rt, &cmd.operands);
    cx.out.out(std::mem::take(&mut rt.out));
    for (name, text, append) in std::mem::take(&mut rt.files) {
        let abs = cx.fs.abs_path(&name);
        if let Err(e) = cx.fs.write(&abs, &text, append) {
            cx.out.err(format!(
                "awk: {}: fatal: can't redirect to `{name}': {e}\n",
                rt.where_
            ));
            return 2;
        }
    }
    let _ = cx.charge(rt.steps);
    match outcome {
        Ok(()) => rt.exit_code,
        Err(Stop::Fatal(msg)) => {
            cx.out.err(msg);
            2
        }
        Err(Stop::Budget) => {
            cx.over(Limit::Work, "awk");
            1
        }
        Err(_) => rt.exit_code,
    }
}

/// BEGIN, every record of every input, END; `exit` skips to END (and an
/// `exit` there ends it).
fn drive(cx: &mut Tool, rt: &mut Runtime, operands: &[String]) -> Result<(), Stop> {
    match rt.begin() {
        Ok(()) => {}
        Err(Stop::Exit) => return rt.end().or_else(exit_ok),
        Err(e) => return Err(e),
    }
    if !rt.has_main() {
        return Ok(());
    }
    let files: Vec<&String> = operands.iter().filter(|o| !is_assignment(o)).collect();
    let mut inputs: Vec<(String, String)> = vec![];
    let mut total = 0usize;
    if files.is_empty() {
        inputs.push((String::new(), cx.stdin.unwrap_or_default().to_string()));
    }
    let main = (|| -> Result<(), Stop> {
        for op in operands {
            if is_assignment(op) {
                if let Some((n, v)) = op.split_once('=') {
                    rt.set_global(n, run::assigned_value(v));
                }
                continue;
            }
            let text = if op == "-" {
                cx.stdin.unwrap_or_default().to_string()
            } else {
                match cx.fs.read_path(op) {
                    Ok(t) => t,
                    Err(e) => {
                        return Err(Stop::Fatal(format!(
                            "awk: fatal: cannot open file `{op}' for reading: {e}\n"
                        )))
                    }
                }
            };
            total += text.len();
            if total > budget::MAX_VALUE {
                return Err(Stop::Budget);
            }
            inputs.push((op.clone(), text));
        }
        for (name, text) in &inputs {
            rt.new_file(name);
            if !rt.has_records() {
                continue;
            }
            for rec in records(text, &rt.record_separator()) {
                rt.count_record();
                rt.set_record(&rec);
                rt.record()?;
            }
        }
        Ok(())
    })();
    match main {
        Ok(()) | Err(Stop::Exit) => rt.end().or_else(exit_ok),
        Err(e) => Err(e),
    }
}

fn exit_ok(s: Stop) -> Result<(), Stop> {
    match s {
        Stop::Exit | Stop::Next => Ok(()),
        other => Err(other),
    }
}

/// `var=value` among the operands: an assignment when the name is one.
fn is_assignment(op: &str) -> bool {
    op.split_once('=').is_some_and(|(n, _)| {
        !n.is_empty()
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !n.starts_with(|c: char| c.is_ascii_digit())
    })
}
