//! The shell's own builtins, which change the shell rather than print:
//! variables (`export`, `read`, `unset`), aliases, and the directory
//! (`cd`, `pwd`).

use super::lexer::is_name;
use crate::shell::text::fs::FsError;
use crate::shell::{Execution, Session};

/// `export [NAME[=VALUE]…]`, `declare`, `local`, `readonly`, `typeset`
#[inline(never)]
pub(in crate::shell) fn export(
    s: &mut Session,
    name: &str,
    args: &[String],
    exec: &mut Execution,
) -> i32 {
    let mut status = 0;
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        let (n, v) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !is_name(n) {
            exec.err(format!("bash: {name}: `{a}': not a valid identifier\n"));
            status = 1;
            continue;
        }
        if let Some(v) = v {
            if !s.set_var(n, v.to_string(), exec) {
                return 1;
            }
        }
    }
    status
}

/// `read [-r] [-p PROMPT] [NAME…]`: one line of stdin into variables (the
/// last takes the rest of the line; `REPLY` without names). Status 1 at the
/// end of input; the terminal gives none here.
#[inline(never)]
pub(in crate::shell) fn read(
    s: &mut Session,
    args: &[String],
    stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let mut names = vec![];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-r" | "-s" | "-e" => {}
            "-p" | "-t" | "-n" | "-d" | "-u" => i += 1,
            n if is_name(n) => names.push(n.to_string()),
            other => {
                exec.err(format!("bash: read: `{other}': not a valid identifier\n"));
                return 1;
            }
        }
    }
    let Some(text) = stdin.filter(|t| !t.is_empty()) else {
        return 1;
    };
    let line = text.split('\n').next().unwrap_or_default();
    if names.is_empty() {
        return if s.set_var("REPLY", line.to_string(), exec) {
            0
        } else {
            1
        };
    }
    let mut rest = line.trim_start_matches([' ', '\t']);
    for (k, n) in names.iter().enumerate() {
        let value = if k + 1 == names.len() {
            rest.trim_end_matches([' ', '\t']).to_string()
        } else {
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let v = rest[..end].to_string();
            rest = rest[end..].trim_start_matches([' ', '\t']);
            v
        };
        if !s.set_var(n, value, exec) {
            return 1;
        }
    }
    0
}

/// `unset NAME…`
#[inline(never)]
pub(in crate::shell) fn unset(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let mut status = 0;
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        if !is_name(a) {
            exec.err(format!("bash: unset: `{a}': not a valid identifier\n"));
            status = 1;
            continue;
        }
        s.shell_state_mut().unset_var(a);
    }
    status
}

fn alias_line(name: &str, value: &str) -> String {
    format!("alias {name}='{}'\n", value.replace('\'', "'\\''"))
}

/// `alias [NAME[=VALUE]…]`
#[inline(never)]
pub(in crate::shell) fn alias(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let args: Vec<&String> = args.iter().filter(|a| *a != "-p").collect();
    if args.is_empty() {
        let all: String = s
            .shell_state()
            .map(|st| st.aliases().iter().map(|(n, v)| alias_line(n, v)).collect())
            .unwrap_or_default();
        exec.out(all);
        return 0;
    }
    let mut status = 0;
    for a in args {
        match a.split_once('=') {
            Some((n, v)) if !n.is_empty() && !n.contains(['/', '$', '`', '\'', '"']) => {
                if let Err(limit) = s.shell_state_mut().set_alias(n, v.to_string()) {
                    s.over(limit, "bash: alias", exec);
                    return 1;
                }
            }
            Some(_) => {
                exec.err(format!("bash: alias: `{a}': invalid alias name\n"));
                status = 1;
            }
            None => match s.shell_state().and_then(|st| st.aliases().get(a.as_str())) {
                Some(v) => exec.out(alias_line(a, v)),
                None => {
                    exec.err(format!("bash: alias: {a}: not found\n"));
                    status = 1;
                }
            },
        }
    }
    status
}

/// `unalias [-a] NAME…`
#[inline(never)]
pub(in crate::shell) fn unalias(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    if args.is_empty() {
        exec.err("unalias: usage: unalias [-a] name [name ...]\n");
        return 2;
    }
    let mut status = 0;
    for a in args {
        if a == "-a" {
            s.shell_state_mut().clear_aliases();
        } else if !s.shell_state_mut().unalias(a) {
            exec.err(format!("bash: unalias: {a}: not found\n"));
            status = 1;
        }
    }
    status
}

/// `pwd`
#[inline(never)]
pub(in crate::shell) fn pwd(
    s: &mut Session,
    _args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    exec.out(format!("{}\n", s.cwd()));
    0
}

/// `cd [DIR|-]`
#[inline(never)]
pub(in crate::shell) fn cd(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    if args.len() > 1 {
        exec.err("bash: cd: too many arguments\n");
        return 1;
    }
    let target = match args.first().map(String::as_str) {
        None | Some("~") => s.home(),
        Some("-") => match s.shell_state().and_then(|st| st.oldpwd.clone()) {
            Some(old) => {
                exec.out(format!("{old}\n"));
                old
            }
            None => {
                exec.err("bash: cd: OLDPWD not set\n");
                return 1;
            }
        },
        Some(dir) => {
            let abs = s.fs().abs_path(dir);
            if !s.fs().is_dir(&abs) {
                let e = if s.fs().is_file(&abs) {
                    FsError::NotDir
                } else {
                    FsError::NotFound
                };
                exec.err(format!("bash: cd: {dir}: {e}\n"));
                return 1;
            }
            if !s.fs().may_read(&abs) {
                exec.err(format!("bash: cd: {dir}: {}\n", FsError::PermissionDenied));
                return 1;
            }
            abs
        }
    };
    let old = s.cwd();
    let st = s.shell_state_mut();
    st.oldpwd = Some(old);
    st.cwd = Some(target);
    0
}
