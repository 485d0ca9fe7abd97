//! The files of the host a command runs on, as a view ([`Fs`]) that holds
//! only them: the text tools get this, not the session, so they cannot
//! reach the network or the cluster.
//!
//! Each host's files live in its [`crate::world::Machine::files`], keyed by
//! absolute path. A key ending in `/` (with empty contents) is a directory
//! made with `mkdir`; a directory also exists when a file lies under it, or
//! when it is one of the standard ones (`/etc`, `/tmp`, the user's home…).
//! `/etc/hosts` and `/etc/hostname` are generated from the machine until
//! someone writes them (and writing `/etc/hosts` updates name resolution).
//! Every write is counted against the budget of files (a file of at most
//! [`MAX_VALUE`], all files of all hosts at most [`MAX_FILES`]).
//!
//! A student may write under their home and `/tmp`; root anywhere.
//! Messages are GNU coreutils' (Ubuntu 24.04, `C.UTF-8`).

use crate::map::Set;
use crate::net::HostId;
use crate::shell::budget::{MAX_FILES, MAX_VALUE};
use crate::shell::pattern::Glob;
use crate::time::Millis;
use crate::world::Machine;
// Files and their times stay BTreeMaps: the student's own loops can write
// thousands (crate::map keeps maps a cluster bounds).
use std::collections::BTreeMap;
use std::fmt;

/// Directories every host has.
pub(in crate::shell) const STANDARD_DIRS: &[&str] = &[
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
pub(in crate::shell) enum FsError {
    NotFound,
    IsDir,
    NotDir,
    PermissionDenied,
    Exists,
    /// Over one file's budget ([`MAX_VALUE`]).
    TooLarge,
    /// Over the budget of all files ([`MAX_FILES`]).
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
pub(in crate::shell) fn normalize(path: &str) -> String {
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

pub(in crate::shell) fn parent(abs: &str) -> &str {
    match abs.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &abs[..i],
    }
}

pub(in crate::shell) fn under(abs: &str, dir: &str) -> bool {
    abs == dir || dir == "/" || abs.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// How GNU tools quote a file name in a message: `'name'`.
pub(in crate::shell) fn quote(name: &str) -> String {
    format!("'{}'", name.replace('\'', "'\\''"))
}

/// The locale's quotes some tools use (`mkdir`, `head`): `‘name’`.
pub(in crate::shell) fn curly(name: &str) -> String {
    format!("\u{2018}{name}\u{2019}")
}

/// `/etc/hosts` lines into name → address pairs.
pub(in crate::shell) fn parse_hosts(text: &str) -> Vec<(String, std::net::Ipv4Addr)> {
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

/// The bytes a file takes from the budget of all files: its path, its
/// contents, and something for the entry itself.
pub(in crate::shell) fn footprint(abs: &str, len: usize) -> usize {
    abs.len() + len + 64
}

/// The files of one host, seen by one user from one directory.
pub(in crate::shell) struct Fs<'a> {
    /// `None` in a container, which has no files of its own here.
    pub machine: Option<&'a mut Machine>,
    pub host: HostId,
    pub host_name: &'a str,
    /// When each file was last written (simulated time), for `ls -l`.
    pub mtimes: &'a mut BTreeMap<(HostId, String), Millis>,
    /// Bytes the files of all hosts take.
    pub file_bytes: &'a mut usize,
    pub cwd: String,
    pub home: String,
    pub user: String,
    /// Root's permissions (the root user, or `sudo`).
    pub root: bool,
    pub now: Millis,
}

impl Fs<'_> {
    fn files(&self) -> Option<&BTreeMap<String, String>> {
        self.machine.as_deref().map(|m| &m.files)
    }

    /// An absolute path for `path` as typed: relative to the current
    /// directory, with `~`, `.` and `..` resolved.
    pub fn abs_path(&self, path: &str) -> String {
        let joined = if path.starts_with('/') {
            path.to_string()
        } else if path == "~" {
            self.home.clone()
        } else if let Some(rest) = path.strip_prefix("~/") {
            format!("{}/{rest}", self.home)
        } else {
            format!("{}/{path}", self.cwd)
        };
        normalize(&joined)
    }

    fn generated(&self, abs: &str) -> Option<String> {
        match abs {
            "/etc/hostname" => Some(format!("{}\n", self.host_name)),
            "/etc/hosts" => {
                let m = self.machine.as_deref()?;
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

    pub fn is_dir(&self, abs: &str) -> bool {
        if STANDARD_DIRS.contains(&abs) || abs == self.home {
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

    pub fn is_file(&self, abs: &str) -> bool {
        !abs.ends_with('/')
            && (self.files().is_some_and(|f| f.contains_key(abs)) || self.generated(abs).is_some())
    }

    pub fn exists(&self, abs: &str) -> bool {
        self.is_file(abs) || self.is_dir(abs)
    }

    pub fn may_read(&self, abs: &str) -> bool {
        self.root || !under(abs, "/root")
    }

    pub fn may_write(&self, abs: &str) -> bool {
        self.root
            || under(abs, &self.home)
            || under(abs, "/tmp")
            || under(abs, "/var/tmp")
            || abs == "/dev/null"
    }

    /// Reads a file by absolute path.
    pub fn read(&self, abs: &str) -> Result<String, FsError> {
        if self.is_dir(abs) {
            return Err(FsError::IsDir);
        }
        if !self.may_read(abs) {
            return Err(FsError::PermissionDenied);
        }
        if let Some(c) = self.files().and_then(|f| f.get(abs)) {
            return Ok(c.clone());
        }
        self.generated(abs).ok_or(if self.is_file(parent(abs)) {
            FsError::NotDir
        } else {
            FsError::NotFound
        })
    }

    /// Reads a file named as the student typed it.
    pub fn read_path(&self, typed: &str) -> Result<String, FsError> {
        self.read(&self.abs_path(typed))
    }

    /// Whether `abs` could be written: its directory exists, it is no
    /// directory, and the user may write there.
    pub fn check_write(&self, abs: &str) -> Result<(), FsError> {
        if abs == "/dev/null" {
            return Ok(());
        }
        if self.is_dir(abs) {
            return Err(FsError::IsDir);
        }
        let dir = parent(abs);
        if !self.is_dir(dir) {
            return Err(if self.is_file(dir) {
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
    pub fn write(&mut self, abs: &str, data: &str, append: bool) -> Result<(), FsError> {
        self.check_write(abs)?;
        if abs == "/dev/null" {
            return Ok(());
        }
        let old = self.files().and_then(|f| f.get(abs)).map(String::len);
        if let (true, Some(old)) = (append, old) {
            // In place: appending in a loop must not copy the file each time.
            self.account(abs, Some(old), old + data.len())?;
            if let Some(m) = self.machine.as_deref_mut() {
                if let Some(file) = m.files.get_mut(abs) {
                    file.push_str(data);
                }
                if abs == "/etc/hosts" {
                    m.etc_hosts = parse_hosts(&m.files[abs]);
                }
            }
            self.mtimes.insert((self.host, abs.to_string()), self.now);
            return Ok(());
        }
        let mut contents = if append {
            self.read(abs).unwrap_or_default()
        } else {
            String::new()
        };
        contents.push_str(data);
        self.store(abs, contents)
    }

    /// Checks and counts a file growing (or shrinking) from `old` to `new`
    /// bytes; `old` is `None` for a new file.
    fn account(&mut self, abs: &str, old: Option<usize>, new: usize) -> Result<(), FsError> {
        if new > MAX_VALUE {
            return Err(FsError::TooLarge);
        }
        let before = old.map_or(0, |o| footprint(abs, o));
        let total = *self.file_bytes - before + footprint(abs, new);
        if total > MAX_FILES && total > *self.file_bytes {
            return Err(FsError::NoSpace);
        }
        *self.file_bytes = total;
        Ok(())
    }

    /// Stores a file (the caller has checked permissions), within the
    /// budget of files.
    pub fn store(&mut self, abs: &str, contents: String) -> Result<(), FsError> {
        let old = self.files().and_then(|f| f.get(abs)).map(String::len);
        self.account(abs, old, contents.len())?;
        if let Some(m) = self.machine.as_deref_mut() {
            if abs == "/etc/hosts" {
                m.etc_hosts = parse_hosts(&contents);
            }
            m.files.insert(abs.to_string(), contents);
        }
        self.mtimes.insert((self.host, abs.to_string()), self.now);
        Ok(())
    }

    /// When a file was last written.
    pub fn mtime(&self, abs: &str) -> Millis {
        self.mtimes
            .get(&(self.host, abs.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Stamps a path as written now (`mkdir`).
    pub fn touch_time(&mut self, abs: &str) {
        self.mtimes.insert((self.host, abs.to_string()), self.now);
    }

    /// Removes a file, or a directory and everything under it.
    pub fn remove(&mut self, abs: &str) {
        let mut freed = 0;
        if let Some(m) = self.machine.as_deref_mut() {
            let prefix = format!("{abs}/");
            m.files.retain(|k, v| {
                let keep = k != abs && !k.starts_with(&prefix);
                if !keep {
                    freed += footprint(k, v.len());
                }
                keep
            });
        }
        *self.file_bytes = self.file_bytes.saturating_sub(freed);
        let host = self.host;
        self.mtimes.retain(|(h, k), _| *h != host || !under(k, abs));
    }

    /// The entries of a directory: (name, is a directory), sorted.
    pub fn list(&self, abs: &str) -> Vec<(String, bool)> {
        let mut out: Set<(String, bool)> = Set::new();
        let prefix = if abs == "/" {
            "/".to_string()
        } else {
            format!("{abs}/")
        };
        let dirs = STANDARD_DIRS.iter().copied().chain([self.home.as_str()]);
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
        let dirs: Set<String> = out
            .iter()
            .filter(|(_, d)| *d)
            .map(|(n, _)| n.clone())
            .collect();
        out.into_iter()
            .filter(|(n, d)| *d || !dirs.contains(n))
            .collect()
    }

    /// The files under a directory, recursively, as paths relative to it.
    pub fn walk(&self, abs: &str) -> Vec<String> {
        let prefix = if abs == "/" {
            "/".to_string()
        } else {
            format!("{abs}/")
        };
        let mut out: Set<String> = ["/etc/hostname", "/etc/hosts"]
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
    pub fn glob(&self, pattern: &str) -> Vec<String> {
        let (dir, last) = match pattern.rfind('/') {
            Some(i) => (&pattern[..=i], &pattern[i + 1..]),
            None => ("", pattern),
        };
        if dir.contains(['*', '?', '[']) || last.is_empty() {
            return vec![];
        }
        let typed_dir = dir.replace('\\', "");
        let abs = if typed_dir.is_empty() {
            self.cwd.clone()
        } else {
            self.abs_path(&typed_dir)
        };
        if !self.is_dir(&abs) || !self.may_read(&abs) {
            return vec![];
        }
        let hidden = last.starts_with('.') || last.starts_with("\\.");
        let glob = Glob::new(last);
        self.list(&abs)
            .into_iter()
            .filter(|(n, _)| hidden || !n.starts_with('.'))
            .filter(|(n, _)| glob.matches(&n.chars().collect::<Vec<_>>()))
            .map(|(n, _)| format!("{typed_dir}{n}"))
            .collect()
    }
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
    fn hosts_files_parse() {
        let h = parse_hosts("127.0.0.1 localhost\n# c\n192.168.1.2 node01 n1\nbad line\n");
        assert_eq!(h.len(), 2);
        assert_eq!(h[1].0, "n1");
    }
}
