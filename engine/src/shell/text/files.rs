//! The commands over files: `cat`, `ls`, `rm`, `touch`, `mkdir`, `cp`,
//! `mv`, as GNU coreutils prints them (Ubuntu 24.04, `C.UTF-8`). They see
//! the host's files through [`Fs`], nothing more.

use super::fs::{curly, normalize, parent, quote, under, Fs, FsError, STANDARD_DIRS};
use super::Tool;
use crate::map::Set;
use crate::shell::opts::{self, Opt, OptError, Spec};
use crate::shell::Execution;
use crate::time::Millis;

/// coreutils' long names for the letters these tools take.
const LONG_NAMES: &[(char, &str)] = &[
    ('a', "all"),
    ('A', "almost-all"),
    ('f', "force"),
    ('r', "recursive"),
    ('R', "recursive"),
    ('p', "parents"),
    ('n', "number"),
    ('d', "directory"),
    ('v', "verbose"),
    ('i', "interactive"),
    ('h', "human-readable"),
    ('F', "classify"),
    ('b', "number-nonblank"),
    ('s', "squeeze-blank"),
    ('A', "show-all"),
    ('E', "show-ends"),
    ('T', "show-tabs"),
];

/// A files tool's flags (letters, none taking a value) and its operands,
/// through the shell's one option parser with GNU's rules.
fn flags(args: &[String], known: &str) -> Result<(Set<char>, Vec<String>), OptError> {
    let mut spec: Vec<Opt> = vec![];
    for c in known.chars() {
        let name = opts::letter(c);
        spec.push(opts::short(name, c, false));
        for (_, l) in LONG_NAMES.iter().filter(|(k, _)| *k == c) {
            spec.push(opts::long(name, l, false));
        }
    }
    let parsed = opts::parse(args, &Spec::gnu(&spec))?;
    let set = parsed
        .opts()
        .filter_map(|(n, _)| n.chars().next())
        .collect();
    Ok((set, parsed.operands()))
}

fn invalid_option(out: &mut Execution, tool: &str, e: OptError) {
    out.err(e.gnu(tool));
    out.err(format!("Try '{tool} --help' for more information.\n"));
}

/// `cat [-n] [FILE…]`
#[inline(never)]
pub(super) fn cat(cx: &mut Tool, args: &[String]) -> i32 {
    let (fl, mut names) = match flags(args, "nAbEsTuv") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(cx.out, "cat", e);
            return 1;
        }
    };
    if names.is_empty() {
        names.push("-".into());
    }
    let mut status = 0;
    let mut n = 0usize;
    for name in &names {
        if cx.out.overflowed() {
            // `cat f f f …` repeats a file as often as it is named.
            break;
        }
        let text = if name == "-" {
            Ok(cx.stdin.unwrap_or_default().to_string())
        } else {
            cx.fs.read_path(name)
        };
        match text {
            Ok(t) if fl.contains(&'n') => {
                let mut out = String::new();
                for line in t.split_inclusive('\n') {
                    n += 1;
                    out.push_str(&format!("{n:>6}\t{line}"));
                }
                cx.out.out(out);
            }
            Ok(t) => cx.out.out(t),
            Err(e) if cx.busybox => {
                cx.out.err(format!("cat: can't open '{name}': {e}\n"));
                status = 1;
            }
            Err(e) => {
                cx.out.err(format!("cat: {name}: {e}\n"));
                status = 1;
            }
        }
    }
    status
}

/// `touch FILE…`
#[inline(never)]
pub(super) fn touch(cx: &mut Tool, args: &[String]) -> i32 {
    let (_, names) = match flags(args, "acm") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(cx.out, "touch", e);
            return 1;
        }
    };
    if names.is_empty() {
        cx.out
            .err("touch: missing file operand\nTry 'touch --help' for more information.\n");
        return 1;
    }
    let mut status = 0;
    for name in &names {
        let abs = cx.fs.abs_path(name);
        if cx.fs.is_dir(&abs) {
            continue;
        }
        let res = cx.fs.check_write(&abs).and_then(|_| {
            let old = cx.fs.read(&abs).unwrap_or_default();
            if abs != "/dev/null" {
                cx.fs.store(&abs, old)?;
            }
            Ok(())
        });
        if let Err(e) = res {
            // BusyBox's touch names the file as perror does.
            if cx.busybox {
                cx.out.err(format!("touch: {name}: {e}\n"));
            } else {
                cx.out
                    .err(format!("touch: cannot touch {}: {e}\n", quote(name)));
            }
            status = 1;
        }
    }
    status
}

/// `mkdir [-p] DIR…`
#[inline(never)]
pub(super) fn mkdir(cx: &mut Tool, args: &[String]) -> i32 {
    let (fl, names) = match flags(args, "pv") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(cx.out, "mkdir", e);
            return 1;
        }
    };
    if names.is_empty() {
        cx.out
            .err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
        return 1;
    }
    let parents = fl.contains(&'p');
    let mut status = 0;
    for name in &names {
        let abs = cx.fs.abs_path(name);
        let mut todo = vec![abs.clone()];
        if parents {
            let mut p = parent(&abs).to_string();
            while !cx.fs.exists(&p) {
                todo.push(p.clone());
                p = parent(&p).to_string();
            }
            todo.reverse();
        }
        for dir in todo {
            let res = if cx.fs.is_dir(&dir) {
                if parents {
                    Ok(())
                } else {
                    Err(FsError::Exists)
                }
            } else if cx.fs.is_file(&dir) {
                Err(FsError::Exists)
            } else {
                cx.fs
                    .check_write(&dir)
                    .and_then(|_| cx.fs.store(&format!("{dir}/"), String::new()))
                    .map(|_| {
                        cx.fs.touch_time(&dir);
                    })
            };
            if let Err(e) = res {
                cx.out.err(format!(
                    "mkdir: cannot create directory {}: {e}\n",
                    curly(name)
                ));
                status = 1;
                break;
            }
        }
    }
    status
}

/// `rm [-f] [-r] FILE…`
#[inline(never)]
pub(super) fn rm(cx: &mut Tool, args: &[String]) -> i32 {
    let (fl, names) = match flags(args, "fRrivd") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(cx.out, "rm", e);
            return 1;
        }
    };
    let force = fl.contains(&'f');
    let recursive = fl.contains(&'r') || fl.contains(&'R');
    if names.is_empty() {
        if force {
            return 0;
        }
        cx.out
            .err("rm: missing operand\nTry 'rm --help' for more information.\n");
        return 1;
    }
    let mut status = 0;
    for name in &names {
        let abs = cx.fs.abs_path(name);
        if recursive && abs == "/" {
            cx.out.err("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
            status = 1;
            continue;
        }
        let err = if !cx.fs.exists(&abs) {
            (!force).then_some(FsError::NotFound)
        } else if cx.fs.is_dir(&abs) && !recursive {
            Some(FsError::IsDir)
        } else if !cx.fs.may_write(parent(&abs)) || STANDARD_DIRS.contains(&abs.as_str()) {
            Some(FsError::PermissionDenied)
        } else {
            cx.fs.remove(&abs);
            None
        };
        if let Some(e) = err {
            if !cx.busybox {
                cx.out
                    .err(format!("rm: cannot remove {}: {e}\n", quote(name)));
            } else if e == FsError::NotFound {
                cx.out.err(format!("rm: can't stat '{name}': {e}\n"));
            } else {
                cx.out.err(format!("rm: can't remove '{name}': {e}\n"));
            }
            status = 1;
        }
    }
    status
}

/// `cp SRC DST` and `mv SRC DST` (files; DST may be a directory).
#[inline(never)]
pub(super) fn copy(cx: &mut Tool, args: &[String]) -> i32 {
    let tool = cx.name;
    let (_, names) = match flags(args, "fiv") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(cx.out, tool, e);
            return 1;
        }
    };
    let [src, dst] = names.as_slice() else {
        if names.len() < 2 {
            let what = if names.is_empty() {
                "missing file operand".to_string()
            } else {
                format!(
                    "missing destination file operand after {}",
                    quote(&names[0])
                )
            };
            cx.out.err(format!(
                "{tool}: {what}\nTry '{tool} --help' for more information.\n"
            ));
        } else {
            cx.out.err(format!(
                "{tool}: copying several files at once is not supported here\n"
            ));
        }
        return 1;
    };
    let from = cx.fs.abs_path(src);
    let mut to = cx.fs.abs_path(dst);
    if cx.fs.is_dir(&to) {
        let base = from.rsplit('/').next().unwrap_or_default();
        to = normalize(&format!("{to}/{base}"));
    }
    let contents = match cx.fs.read(&from) {
        Ok(c) => c,
        Err(FsError::IsDir) => {
            cx.out.err(format!(
                "{tool}: -r not specified; omitting directory {}\n",
                quote(src)
            ));
            return 1;
        }
        Err(e) => {
            cx.out
                .err(format!("{tool}: cannot stat {}: {e}\n", quote(src)));
            return 1;
        }
    };
    if let Err(e) = cx.fs.write(&to, &contents, false) {
        cx.out.err(format!(
            "{tool}: cannot create regular file {}: {e}\n",
            quote(dst)
        ));
        return 1;
    }
    if tool == "mv" && from != to {
        cx.fs.remove(&from);
    }
    0
}

struct Entry {
    /// As shown: the operand typed, or the name inside a directory.
    name: String,
    abs: String,
    dir: bool,
}

/// `ls [-l] [-a] [-A] [-1] [-d] [PATH…]`
#[inline(never)]
pub(super) fn ls(cx: &mut Tool, args: &[String]) -> i32 {
    let (fl, mut paths) = match flags(args, "laA1dhF") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(cx.out, "ls", e);
            return 2;
        }
    };
    let long = fl.contains(&'l');
    let one = fl.contains(&'1') || !cx.tty;
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut status = 0;
    let mut files = vec![];
    let mut dirs = vec![];
    for p in &paths {
        let abs = cx.fs.abs_path(p);
        if cx.fs.is_dir(&abs) && !fl.contains(&'d') {
            dirs.push((p.clone(), abs));
        } else if cx.fs.exists(&abs) {
            files.push(Entry {
                name: p.clone(),
                dir: cx.fs.is_dir(&abs),
                abs,
            });
        } else if cx.busybox {
            cx.out.err(format!("ls: {p}: No such file or directory\n"));
            status = 1;
        } else {
            cx.out.err(format!(
                "ls: cannot access {}: No such file or directory\n",
                quote(p)
            ));
            status = 2;
        }
    }
    crate::sort::sort_by(&mut files, |a, b| a.name.cmp(&b.name));
    crate::sort::sort(&mut dirs);
    let mut blocks = vec![];
    if !files.is_empty() {
        blocks.push(render(&cx.fs, &files, long, one, false));
    }
    let headers = paths.len() > 1;
    for (typed, abs) in &dirs {
        if !cx.fs.may_read(abs) {
            cx.out.err(format!(
                "ls: cannot open directory {}: Permission denied\n",
                quote(typed)
            ));
            status = 2;
            continue;
        }
        let mut entries = vec![];
        if fl.contains(&'a') {
            entries.push(Entry {
                name: ".".into(),
                abs: abs.clone(),
                dir: true,
            });
            entries.push(Entry {
                name: "..".into(),
                abs: parent(abs).to_string(),
                dir: true,
            });
        }
        for (name, dir) in cx.fs.list(abs) {
            if name.starts_with('.') && !fl.contains(&'a') && !fl.contains(&'A') {
                continue;
            }
            entries.push(Entry {
                abs: normalize(&format!("{abs}/{name}")),
                name,
                dir,
            });
        }
        let body = render(&cx.fs, &entries, long, one, true);
        blocks.push(if headers {
            format!("{typed}:\n{body}")
        } else {
            body
        });
    }
    cx.out.out(blocks.join("\n"));
    status
}

fn owner(fs: &Fs, abs: &str) -> String {
    if under(abs, &fs.home.clone()) || (under(abs, "/tmp") && abs != "/tmp") {
        fs.user.as_str().to_string()
    } else {
        "root".into()
    }
}

fn render(fs: &Fs, entries: &[Entry], long: bool, one: bool, total: bool) -> String {
    if long {
        let rows: Vec<[String; 6]> = entries
            .iter()
            .map(|e| {
                let own = owner(fs, &e.abs);
                let mine = own != "root";
                let mode = match (e.dir, mine) {
                    _ if e.dir && e.abs == fs.home.clone() => "drwxr-x---",
                    _ if e.abs == "/tmp" => "drwxrwxrwt",
                    _ if e.abs == "/root" => "drwx------",
                    (true, true) => "drwxrwxr-x",
                    (true, false) => "drwxr-xr-x",
                    (false, true) => "-rw-rw-r--",
                    (false, false) => "-rw-r--r--",
                };
                let size = if e.dir {
                    4096
                } else {
                    fs.read(&e.abs).map(|c| c.len()).unwrap_or(0)
                };
                let links = if e.dir {
                    2 + fs.list(&e.abs).iter().filter(|(_, d)| *d).count()
                } else {
                    1
                };
                [
                    mode.to_string(),
                    links.to_string(),
                    own.clone(),
                    own,
                    size.to_string(),
                    ls_date(fs.mtime(&e.abs)),
                ]
            })
            .collect();
        let w = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
        let (wl, wo, wg, ws) = (w(1), w(2), w(3), w(4));
        let mut out = String::new();
        if total {
            let kb: usize = rows
                .iter()
                .map(|r| {
                    let size: usize = r[4].parse().unwrap_or(0);
                    size.div_ceil(4096) * 4
                })
                .sum();
            out.push_str(&format!("total {kb}\n"));
        }
        for (r, e) in rows.iter().zip(entries) {
            out.push_str(&format!(
                "{} {:>wl$} {:<wo$} {:<wg$} {:>ws$} {} {}\n",
                r[0], r[1], r[2], r[3], r[4], r[5], e.name
            ));
        }
        return out;
    }
    let names: Vec<String> = entries
        .iter()
        .map(|e| {
            if !one && e.name.contains([' ', '\'', '"', '$', '*', '\\']) {
                quote(&e.name)
            } else {
                e.name.clone()
            }
        })
        .collect();
    if names.is_empty() {
        return String::new();
    }
    if one {
        return names.iter().map(|n| format!("{n}\n")).collect();
    }
    columns(&names, 80)
}

/// GNU ls's vertical columns (`ls -C`) for a terminal `width` wide.
fn columns(names: &[String], width: usize) -> String {
    let n = names.len();
    let len = |s: &String| s.chars().count();
    let mut layout = (n, vec![names.iter().map(len).max().unwrap_or(0)]);
    for cols in (1..=n).rev() {
        let rows = n.div_ceil(cols);
        let cols = n.div_ceil(rows);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                names[c * rows..((c + 1) * rows).min(n)]
                    .iter()
                    .map(len)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total: usize = widths.iter().sum::<usize>() + 2 * (cols - 1);
        if total <= width || cols == 1 {
            layout = (rows, widths);
            break;
        }
    }
    let (rows, widths) = layout;
    let mut out = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for (c, w) in widths.iter().enumerate() {
            if let Some(name) = names.get(c * rows + r) {
                line.push_str(name);
                let pad = w + 2 - len(name);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `Nov 26 09:00`, as ls shows a recent file's time (UTC).
fn ls_date(ms: Millis) -> String {
    let t = crate::time::DateTime::at(ms);
    format!(
        "{} {:>2} {:02}:{:02}",
        t.month_name(),
        t.day,
        t.hour,
        t.minute
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_like_gnu_ls() {
        let names: Vec<String> = ["a.yaml", "b.yaml", "page.html"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(columns(&names, 80), "a.yaml  b.yaml  page.html\n");
        let many: Vec<String> = (0..30).map(|i| format!("file-{i:02}.txt")).collect();
        let out = columns(&many, 80);
        assert!(out.lines().all(|l| l.len() <= 80));
        assert!(out.starts_with("file-00.txt  file-05.txt"), "{out}");
    }
}
