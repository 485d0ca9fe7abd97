//! Files on the current host, and the commands over them: `cat`, `ls`,
//! `rm`, `touch`, `mkdir`, `cp`, `mv`, `cd`, `pwd`.
//!
//! Each host's files live in its [`crate::world::Machine::files`], keyed by
//! absolute path. A key ending in `/` (with empty contents) is a directory
//! made with `mkdir`; a directory also exists when a file lies under it, or
//! when it is one of the standard ones (`/etc`, `/tmp`, the user's home…).
//! `/etc/hosts` and `/etc/hostname` are generated from the machine until
//! someone writes them (and writing `/etc/hosts` updates name resolution).
//!
//! A student may write under their home and `/tmp`; root anywhere.
//! Messages are GNU coreutils' (Ubuntu 24.04, `C.UTF-8`).

use super::opts::{self, Opt, OptError, Spec};
use super::{Execution, Session};
use crate::time::Millis;
use std::collections::BTreeSet;
use std::fmt;

/// Directories every host has.
const STANDARD_DIRS: &[&str] = &[
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/local",
    "/usr/local/bin",
    "/var",
    "/var/log",
    "/var/tmp",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FsError {
    NotFound,
    IsDir,
    NotDir,
    PermissionDenied,
    Exists,
    /// Over one file's budget ([`super::budget::MAX_VALUE`]).
    TooLarge,
    /// Over the budget of all files ([`super::budget::MAX_FILES`]).
    NoSpace,
}

/// strerror(3) wording.
impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FsError::NotFound => "No such file or directory",
            FsError::IsDir => "Is a directory",
            FsError::NotDir => "Not a directory",
            FsError::PermissionDenied => "Permission denied",
            FsError::Exists => "File exists",
            FsError::TooLarge => "File too large",
            FsError::NoSpace => "No space left on device",
        })
    }
}

/// An absolute path with `.`, `..` and repeated slashes resolved.
pub(super) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = vec![];
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(abs: &str) -> &str {
    match abs.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &abs[..i],
    }
}

fn under(abs: &str, dir: &str) -> bool {
    abs == dir || dir == "/" || abs.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// How GNU tools quote a file name in a message: `'name'`.
pub(super) fn quote(name: &str) -> String {
    format!("'{}'", name.replace('\'', "'\\''"))
}

/// The locale's quotes some tools use (`mkdir`, `head`): `‘name’`.
pub(super) fn curly(name: &str) -> String {
    format!("\u{2018}{name}\u{2019}")
}

impl Session {
    fn files(&self) -> Option<&std::collections::BTreeMap<String, String>> {
        self.world.machine(self.here()).map(|m| &m.files)
    }

    fn is_root(&self) -> bool {
        self.rt.root || self.user() == "root"
    }

    /// The current directory of the shell on this host: the home directory
    /// at login, `/` in a container.
    pub(super) fn cwd(&self) -> String {
        self.shell_state()
            .and_then(|s| s.cwd.clone())
            .unwrap_or_else(|| {
                let container = self.current_pod_namespace().is_some()
                    || self.world.machine(self.here()).is_none();
                if container {
                    "/".into()
                } else {
                    self.home()
                }
            })
    }

    fn generated(&self, abs: &str) -> Option<String> {
        match abs {
            "/etc/hostname" => Some(format!("{}\n", self.current_host())),
            "/etc/hosts" => {
                let m = self.world.machine(self.here())?;
                let mut s = String::from("127.0.0.1\tlocalhost\n");
                for (name, addr) in &m.etc_hosts {
                    s.push_str(&format!("{addr}\t{name}\n"));
                }
                Some(s)
            }
            "/dev/null" => Some(String::new()),
            _ => None,
        }
    }

    pub(super) fn fs_is_dir(&self, abs: &str) -> bool {
        if STANDARD_DIRS.contains(&abs) || abs == self.home() {
            return true;
        }
        let Some(files) = self.files() else {
            return false;
        };
        let prefix = format!("{abs}/");
        files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    pub(super) fn fs_is_file(&self, abs: &str) -> bool {
        !abs.ends_with('/')
            && (self.files().is_some_and(|f| f.contains_key(abs)) || self.generated(abs).is_some())
    }

    fn fs_exists(&self, abs: &str) -> bool {
        self.fs_is_file(abs) || self.fs_is_dir(abs)
    }

    fn may_read(&self, abs: &str) -> bool {
        self.is_root() || !under(abs, "/root")
    }

    fn may_write(&self, abs: &str) -> bool {
        self.is_root()
            || under(abs, &self.home())
            || under(abs, "/tmp")
            || under(abs, "/var/tmp")
            || abs == "/dev/null"
    }

    /// Reads a file by absolute path.
    pub(super) fn fs_read(&self, abs: &str) -> Result<String, FsError> {
        if self.fs_is_dir(abs) {
            return Err(FsError::IsDir);
        }
        if !self.may_read(abs) {
            return Err(FsError::PermissionDenied);
        }
        if let Some(c) = self.files().and_then(|f| f.get(abs)) {
            return Ok(c.clone());
        }
        self.generated(abs).ok_or(if self.fs_is_file(parent(abs)) {
            FsError::NotDir
        } else {
            FsError::NotFound
        })
    }

    /// Reads a file named as the student typed it.
    pub(super) fn read_path(&self, typed: &str) -> Result<String, FsError> {
        self.fs_read(&self.abs_path(typed))
    }

    /// Whether `abs` could be written: its directory exists, it is no
    /// directory, and the user may write there.
    pub(super) fn fs_check_write(&self, abs: &str) -> Result<(), FsError> {
        if abs == "/dev/null" {
            return Ok(());
        }
        if self.fs_is_dir(abs) {
            return Err(FsError::IsDir);
        }
        let dir = parent(abs);
        if !self.fs_is_dir(dir) {
            return Err(if self.fs_is_file(dir) {
                FsError::NotDir
            } else {
                FsError::NotFound
            });
        }
        if !self.may_write(abs) {
            return Err(FsError::PermissionDenied);
        }
        Ok(())
    }

    /// Writes (or appends to) a file by absolute path.
    pub(super) fn fs_write(&mut self, abs: &str, data: &str, append: bool) -> Result<(), FsError> {
        self.fs_check_write(abs)?;
        if abs == "/dev/null" {
            return Ok(());
        }
        let stored = self.files().is_some_and(|f| f.contains_key(abs));
        if append && stored {
            // In place: appending in a loop must not copy the file each time.
            let old = self.files().and_then(|f| f.get(abs)).map_or(0, String::len);
            self.account(abs, old, old + data.len())?;
            let here = self.here();
            if let Some(file) = self
                .world
                .machine_mut(here)
                .and_then(|m| m.files.get_mut(abs))
            {
                file.push_str(data);
            }
            if abs == "/etc/hosts" {
                let text = self.fs_read(abs).unwrap_or_default();
                if let Some(m) = self.world.machine_mut(here) {
                    m.etc_hosts = parse_hosts(&text);
                }
            }
            self.rt.mtimes.insert((here, abs.to_string()), self.now);
            return Ok(());
        }
        let mut contents = if append {
            self.fs_read(abs).unwrap_or_default()
        } else {
            String::new()
        };
        contents.push_str(data);
        self.store(abs, contents)
    }

    /// The bytes a file takes from the budget of all files: its path, its
    /// contents, and something for the entry itself.
    fn footprint(abs: &str, len: usize) -> usize {
        abs.len() + len + 64
    }

    /// Checks and counts a file growing (or shrinking) from `old` to `new`
    /// bytes; `old` is `None` for a new file.
    fn account_entry(&mut self, abs: &str, old: Option<usize>, new: usize) -> Result<(), FsError> {
        if new > super::budget::MAX_VALUE {
            return Err(FsError::TooLarge);
        }
        let before = old.map_or(0, |o| Self::footprint(abs, o));
        let total = self.rt.file_bytes - before + Self::footprint(abs, new);
        if total > super::budget::MAX_FILES && total > self.rt.file_bytes {
            return Err(FsError::NoSpace);
        }
        self.rt.file_bytes = total;
        Ok(())
    }

    fn account(&mut self, abs: &str, old: usize, new: usize) -> Result<(), FsError> {
        self.account_entry(abs, Some(old), new)
    }

    /// Stores a file (the caller has checked permissions), within the
    /// budget of files.
    pub(super) fn store(&mut self, abs: &str, contents: String) -> Result<(), FsError> {
        let here = self.here();
        let now = self.now;
        let old = self.files().and_then(|f| f.get(abs)).map(String::len);
        self.account_entry(abs, old, contents.len())?;
        if let Some(m) = self.world.machine_mut(here) {
            if abs == "/etc/hosts" {
                m.etc_hosts = parse_hosts(&contents);
            }
            m.files.insert(abs.to_string(), contents);
        }
        self.rt.mtimes.insert((here, abs.to_string()), now);
        Ok(())
    }

    fn mtime(&self, abs: &str) -> Millis {
        self.rt
            .mtimes
            .get(&(self.here(), abs.to_string()))
            .copied()
            .unwrap_or(0)
    }

    fn remove(&mut self, abs: &str) {
        let here = self.here();
        let mut freed = 0;
        if let Some(m) = self.world.machine_mut(here) {
            let prefix = format!("{abs}/");
            m.files.retain(|k, v| {
                let keep = k != abs && !k.starts_with(&prefix);
                if !keep {
                    freed += Self::footprint(k, v.len());
                }
                keep
            });
        }
        self.rt.file_bytes = self.rt.file_bytes.saturating_sub(freed);
        self.rt
            .mtimes
            .retain(|(h, k), _| *h != here || !under(k, abs));
    }

    /// The entries of a directory: (name, is a directory), sorted.
    fn fs_list(&self, abs: &str) -> Vec<(String, bool)> {
        let mut out: BTreeSet<(String, bool)> = BTreeSet::new();
        let prefix = if abs == "/" {
            "/".to_string()
        } else {
            format!("{abs}/")
        };
        let home = self.home();
        let dirs = STANDARD_DIRS.iter().copied().chain([home.as_str()]);
        for d in dirs {
            if let Some(rest) = d.strip_prefix(&prefix) {
                if !rest.is_empty() && !rest.contains('/') {
                    out.insert((rest.to_string(), true));
                }
            }
        }
        if abs == "/etc" {
            out.insert(("hostname".into(), false));
            out.insert(("hosts".into(), false));
        }
        if let Some(files) = self.files() {
            for k in files.keys() {
                if let Some(rest) = k.strip_prefix(&prefix) {
                    if rest.is_empty() {
                        continue;
                    }
                    match rest.split_once('/') {
                        Some((name, _)) => out.insert((name.to_string(), true)),
                        None => out.insert((rest.to_string(), false)),
                    };
                }
            }
        }
        // A name seen both as a file and as a directory is a directory.
        let dirs: BTreeSet<String> = out
            .iter()
            .filter(|(_, d)| *d)
            .map(|(n, _)| n.clone())
            .collect();
        out.into_iter()
            .filter(|(n, d)| *d || !dirs.contains(n))
            .collect()
    }

    /// The files under a directory, recursively, as paths relative to it.
    pub(super) fn fs_walk(&self, abs: &str) -> Vec<String> {
        let prefix = if abs == "/" {
            "/".to_string()
        } else {
            format!("{abs}/")
        };
        let mut out: BTreeSet<String> = ["/etc/hostname", "/etc/hosts"]
            .iter()
            .filter_map(|g| g.strip_prefix(&prefix))
            .map(String::from)
            .collect();
        if let Some(files) = self.files() {
            out.extend(
                files
                    .keys()
                    .filter(|k| !k.ends_with('/'))
                    .filter_map(|k| k.strip_prefix(&prefix))
                    .map(String::from),
            );
        }
        out.into_iter().collect()
    }

    /// Pathname expansion of one pattern (glob characters in the last
    /// component only); sorted matches, or nothing.
    pub(super) fn glob(&self, pattern: &str) -> Vec<String> {
        let (dir, last) = match pattern.rfind('/') {
            Some(i) => (&pattern[..=i], &pattern[i + 1..]),
            None => ("", pattern),
        };
        if dir.contains(['*', '?', '[']) || last.is_empty() {
            return vec![];
        }
        let typed_dir = dir.replace('\\', "");
        let abs = if typed_dir.is_empty() {
            self.cwd()
        } else {
            self.abs_path(&typed_dir)
        };
        if !self.fs_is_dir(&abs) || !self.may_read(&abs) {
            return vec![];
        }
        let hidden = last.starts_with('.') || last.starts_with("\\.");
        self.fs_list(&abs)
            .into_iter()
            .filter(|(n, _)| hidden || !n.starts_with('.'))
            .filter(|(n, _)| super::pattern::glob_match(last, n))
            .map(|(n, _)| format!("{typed_dir}{n}"))
            .collect()
    }
}

/// `/etc/hosts` lines into name → address pairs.
fn parse_hosts(text: &str) -> Vec<(String, std::net::Ipv4Addr)> {
    let mut out = vec![];
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        let Some(addr) = fields.next().and_then(|a| a.parse().ok()) else {
            continue;
        };
        for name in fields {
            if name != "localhost" {
                out.push((name.to_string(), addr));
            }
        }
    }
    out
}

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
fn flags(args: &[String], known: &str) -> Result<(BTreeSet<char>, Vec<String>), OptError> {
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

fn invalid_option(exec: &mut Execution, tool: &str, e: OptError) {
    exec.err(e.gnu(tool));
    exec.err(format!("Try '{tool} --help' for more information.\n"));
}

/// `cat [-n] [FILE…]`
#[inline(never)]
pub(super) fn cat(
    s: &mut Session,
    args: &[String],
    stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let (fl, mut names) = match flags(args, "nAbEsTuv") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(exec, "cat", e);
            return 1;
        }
    };
    if names.is_empty() {
        names.push("-".into());
    }
    let mut status = 0;
    let mut n = 0usize;
    for name in &names {
        if exec.overflowed() {
            // `cat f f f …` repeats a file as often as it is named.
            break;
        }
        let text = if name == "-" {
            Ok(stdin.unwrap_or_default().to_string())
        } else {
            s.read_path(name)
        };
        match text {
            Ok(t) if fl.contains(&'n') => {
                let mut out = String::new();
                for line in t.split_inclusive('\n') {
                    n += 1;
                    out.push_str(&format!("{n:>6}\t{line}"));
                }
                exec.out(out);
            }
            Ok(t) => exec.out(t),
            Err(e) => {
                exec.err(format!("cat: {name}: {e}\n"));
                status = 1;
            }
        }
    }
    status
}

/// `touch FILE…`
#[inline(never)]
pub(super) fn touch(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let (_, names) = match flags(args, "acm") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(exec, "touch", e);
            return 1;
        }
    };
    if names.is_empty() {
        exec.err("touch: missing file operand\nTry 'touch --help' for more information.\n");
        return 1;
    }
    let mut status = 0;
    for name in &names {
        let abs = s.abs_path(name);
        if s.fs_is_dir(&abs) {
            continue;
        }
        let res = s.fs_check_write(&abs).and_then(|_| {
            let old = s.fs_read(&abs).unwrap_or_default();
            if abs != "/dev/null" {
                s.store(&abs, old)?;
            }
            Ok(())
        });
        if let Err(e) = res {
            exec.err(format!("touch: cannot touch {}: {e}\n", quote(name)));
            status = 1;
        }
    }
    status
}

/// `mkdir [-p] DIR…`
#[inline(never)]
pub(super) fn mkdir(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let (fl, names) = match flags(args, "pv") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(exec, "mkdir", e);
            return 1;
        }
    };
    if names.is_empty() {
        exec.err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
        return 1;
    }
    let parents = fl.contains(&'p');
    let mut status = 0;
    for name in &names {
        let abs = s.abs_path(name);
        let mut todo = vec![abs.clone()];
        if parents {
            let mut p = parent(&abs).to_string();
            while !s.fs_exists(&p) {
                todo.push(p.clone());
                p = parent(&p).to_string();
            }
            todo.reverse();
        }
        for dir in todo {
            let res = if s.fs_is_dir(&dir) {
                if parents {
                    Ok(())
                } else {
                    Err(FsError::Exists)
                }
            } else if s.fs_is_file(&dir) {
                Err(FsError::Exists)
            } else {
                s.fs_check_write(&dir)
                    .and_then(|_| s.store(&format!("{dir}/"), String::new()))
                    .map(|_| {
                        s.rt.mtimes.insert((s.here(), dir.clone()), s.now);
                    })
            };
            if let Err(e) = res {
                exec.err(format!(
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
pub(super) fn rm(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let (fl, names) = match flags(args, "fRrivd") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(exec, "rm", e);
            return 1;
        }
    };
    let force = fl.contains(&'f');
    let recursive = fl.contains(&'r') || fl.contains(&'R');
    if names.is_empty() {
        if force {
            return 0;
        }
        exec.err("rm: missing operand\nTry 'rm --help' for more information.\n");
        return 1;
    }
    let mut status = 0;
    for name in &names {
        let abs = s.abs_path(name);
        if recursive && abs == "/" {
            exec.err("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
            status = 1;
            continue;
        }
        let err = if !s.fs_exists(&abs) {
            (!force).then_some(FsError::NotFound)
        } else if s.fs_is_dir(&abs) && !recursive {
            Some(FsError::IsDir)
        } else if !s.may_write(parent(&abs)) || STANDARD_DIRS.contains(&abs.as_str()) {
            Some(FsError::PermissionDenied)
        } else {
            s.remove(&abs);
            None
        };
        if let Some(e) = err {
            exec.err(format!("rm: cannot remove {}: {e}\n", quote(name)));
            status = 1;
        }
    }
    status
}

/// `cp SRC DST` and `mv SRC DST` (files; DST may be a directory).
#[inline(never)]
pub(super) fn copy(s: &mut Session, tool: &str, args: &[String], exec: &mut Execution) -> i32 {
    let (_, names) = match flags(args, "fiv") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(exec, tool, e);
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
            exec.err(format!(
                "{tool}: {what}\nTry '{tool} --help' for more information.\n"
            ));
        } else {
            exec.err(format!(
                "{tool}: copying several files at once is not supported here\n"
            ));
        }
        return 1;
    };
    let from = s.abs_path(src);
    let mut to = s.abs_path(dst);
    if s.fs_is_dir(&to) {
        let base = from.rsplit('/').next().unwrap_or_default();
        to = normalize(&format!("{to}/{base}"));
    }
    let contents = match s.fs_read(&from) {
        Ok(c) => c,
        Err(FsError::IsDir) => {
            exec.err(format!(
                "{tool}: -r not specified; omitting directory {}\n",
                quote(src)
            ));
            return 1;
        }
        Err(e) => {
            exec.err(format!("{tool}: cannot stat {}: {e}\n", quote(src)));
            return 1;
        }
    };
    if let Err(e) = s.fs_write(&to, &contents, false) {
        exec.err(format!(
            "{tool}: cannot create regular file {}: {e}\n",
            quote(dst)
        ));
        return 1;
    }
    if tool == "mv" && from != to {
        s.remove(&from);
    }
    0
}

/// `pwd`
#[inline(never)]
pub(super) fn pwd(
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
pub(super) fn cd(
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
            let abs = s.abs_path(dir);
            if !s.fs_is_dir(&abs) {
                let e = if s.fs_is_file(&abs) {
                    FsError::NotDir
                } else {
                    FsError::NotFound
                };
                exec.err(format!("bash: cd: {dir}: {e}\n"));
                return 1;
            }
            if !s.may_read(&abs) {
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

struct Entry {
    /// As shown: the operand typed, or the name inside a directory.
    name: String,
    abs: String,
    dir: bool,
}

/// `ls [-l] [-a] [-A] [-1] [-d] [PATH…]`
#[inline(never)]
pub(super) fn ls(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let (fl, mut paths) = match flags(args, "laA1dhF") {
        Ok(v) => v,
        Err(e) => {
            invalid_option(exec, "ls", e);
            return 2;
        }
    };
    let long = fl.contains(&'l');
    let one = fl.contains(&'1') || !s.stdout_is_tty();
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut status = 0;
    let mut files = vec![];
    let mut dirs = vec![];
    for p in &paths {
        let abs = s.abs_path(p);
        if s.fs_is_dir(&abs) && !fl.contains(&'d') {
            dirs.push((p.clone(), abs));
        } else if s.fs_exists(&abs) {
            files.push(Entry {
                name: p.clone(),
                dir: s.fs_is_dir(&abs),
                abs,
            });
        } else {
            exec.err(format!(
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
        blocks.push(render(s, &files, long, one, false));
    }
    let headers = paths.len() > 1;
    for (typed, abs) in &dirs {
        if !s.may_read(abs) {
            exec.err(format!(
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
        for (name, dir) in s.fs_list(abs) {
            if name.starts_with('.') && !fl.contains(&'a') && !fl.contains(&'A') {
                continue;
            }
            entries.push(Entry {
                abs: normalize(&format!("{abs}/{name}")),
                name,
                dir,
            });
        }
        let body = render(s, &entries, long, one, true);
        blocks.push(if headers {
            format!("{typed}:\n{body}")
        } else {
            body
        });
    }
    exec.out(blocks.join("\n"));
    status
}

fn owner(s: &Session, abs: &str) -> String {
    if under(abs, &s.home()) || (under(abs, "/tmp") && abs != "/tmp") {
        s.user().to_string()
    } else {
        "root".into()
    }
}

fn render(s: &Session, entries: &[Entry], long: bool, one: bool, total: bool) -> String {
    if long {
        let rows: Vec<[String; 6]> = entries
            .iter()
            .map(|e| {
                let own = owner(s, &e.abs);
                let mine = own != "root";
                let mode = match (e.dir, mine) {
                    _ if e.dir && e.abs == s.home() => "drwxr-x---",
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
                    s.fs_read(&e.abs).map(|c| c.len()).unwrap_or(0)
                };
                let links = if e.dir {
                    2 + s.fs_list(&e.abs).iter().filter(|(_, d)| *d).count()
                } else {
                    1
                };
                [
                    mode.to_string(),
                    links.to_string(),
                    own.clone(),
                    own,
                    size.to_string(),
                    ls_date(s.mtime(&e.abs)),
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
    let t = crate::time::DateTime::at(ms as i64);
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
    fn paths_normalize() {
        assert_eq!(normalize("/home/student/./a/../b//c"), "/home/student/b/c");
        assert_eq!(normalize("/.."), "/");
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert!(under("/tmp/x", "/tmp"));
        assert!(!under("/tmpx", "/tmp"));
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(curly("d"), "\u{2018}d\u{2019}");
    }

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

    #[test]
    fn hosts_files_parse() {
        let h = parse_hosts("127.0.0.1 localhost\n# c\n192.168.1.2 node01 n1\nbad line\n");
        assert_eq!(h.len(), 2);
        assert_eq!(h[1].0, "n1");
    }
}
