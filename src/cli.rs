//! The native `servicelab` command: the browser's terminal in a terminal.

use clap::{Parser, Subcommand};
use servicelab_engine::shell::CommandReader;
use servicelab_engine::world::MAX_NODES;
use servicelab_engine::{Session, Stream, WorldOptions};
use std::io::{self, BufRead, IsTerminal, Write};

#[derive(Parser, Debug)]
#[command(name = "servicelab", version, about = "Kubernetes Services, simulated", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate lesson files and replay each lesson's solutions.
    Check {
        /// Lesson files or directories (default: lessons/).
        paths: Vec<String>,
    },
    /// Check lesson files as `check` does, then publish them as the course of a built site.
    #[command(after_help = BUILD_HELP)]
    Build {
        /// Lesson files or directories (default: lessons/).
        paths: Vec<String>,
        /// The built site (a copy of servicelab's dist/) whose course to replace.
        #[arg(long, value_name = "DIR")]
        site: String,
        /// Write no .gz and .br files (and remove index.html's, now stale): for a development server.
        #[arg(long)]
        no_compress: bool,
    },
    /// Run the tutorial's terminal: commands from stdin, output exactly as the browser shows it.
    #[command(after_help = shell_help())]
    Shell {
        /// Start in the world of this lesson file.
        #[arg(long, value_name = "FILE")]
        lesson: Option<String>,
        /// With --lesson: start at the beginning of step N.
        #[arg(long, value_name = "N", requires = "lesson")]
        step: Option<u32>,
        /// How many Kubernetes nodes (node01, node02, …).
        #[arg(long, value_name = "N", default_value_t = 1,
              value_parser = clap::value_parser!(u8).range(1..=MAX_NODES as i64))]
        nodes: u8,
        /// Simulate a cloud provider, so LoadBalancer Services get an external IP.
        #[arg(long)]
        cloud: bool,
        /// The pod network's plugin: flannel (NetworkPolicy is accepted and
        /// not enforced) or canal (flannel with Calico's policy enforcement).
        #[arg(long, value_name = "CNI", default_value = "flannel",
              value_parser = ["flannel", "canal"])]
        cni: String,
        /// Install the Gateway API's CRDs and Traefik, which implements
        /// them (GatewayClass `traefik`), as its Helm chart does.
        #[arg(long)]
        gateway: bool,
    },
}

/// What `servicelab shell --help` adds after the options: how a script is
/// read, and the limits of one command line.
fn shell_help() -> String {
    format!(
        "With no terminal on stdin, the whole input is read as a script and cut into\n\
         commands as bash would, each printing its output as it runs.\n\n\
         Time: the simulated clock moves {} seconds before each command (about what\n\
         typing one takes; the browser uses the real time between commands), plus\n\
         what commands take themselves (sleep, a connect timeout). Pods start, pull\n\
         images and pass their probes in that time, as on a real cluster; use\n\
         `sleep` or `kubectl wait` to let more pass. A port-forward in the\n\
         foreground ends at once, as if Ctrl+C were pressed (its Forwarding lines\n\
         printed); run it in the background with `&` and end it with `kill %1`.\n\n\
         `kubectl edit` has no editor here: as kubectl does when it cannot start\n\
         one, it says `error: unable to launch the editor \"vi\"` (the browser opens\n\
         the object in its manifest editor); use `kubectl patch` or `apply`.\n\n{}",
        servicelab_engine::shell::time::NATIVE_STEP_MS / 1000,
        servicelab_engine::shell::budget::limits_help()
    )
}

const BUILD_HELP: &str =
    "Nothing is written when a lesson has a problem. The course goes into the\n\
site's index.html; index.html.gz and index.html.br are written again, and\n\
every other file of the site gets its .gz and .br beside it if it has none\n\
or an older one. Serve the site from any static web server.";

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { paths } => check(paths),
        Command::Build {
            paths,
            site,
            no_compress,
        } => build(paths, &site, !no_compress),
        Command::Shell {
            lesson,
            step,
            nodes,
            cloud,
            cni,
            gateway,
        } => {
            if let Some(file) = lesson {
                return lesson_shell(&file, step.unwrap_or(1) as usize);
            }
            let options = WorldOptions {
                nodes,
                cloud,
                cni: servicelab_engine::world::Cni::parse(&cni).unwrap_or_default(),
                gateway,
                ..WorldOptions::default()
            };
            match Session::new(options) {
                Ok(session) => shell(session),
                Err(e) => {
                    eprintln!("servicelab: {e}");
                    2
                }
            }
        }
    }
}

/// Reads a file as text, or says why not as a diagnostic.
fn read_lesson(path: &str) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("{path}: cannot read: {}", io_reason(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        // Point at the first byte that is not UTF-8, as file:line:col.
        let at = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let line = valid.matches('\n').count() + 1;
        let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(
            "{path}:{line}:{col}: the file is not UTF-8 text (byte 0x{:02x} at offset {at})",
            e.as_bytes()[at]
        )
    })
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "No such file or directory".into(),
        io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

/// Lesson files under the given paths, in name order.
fn lesson_files(paths: &[String]) -> Result<Vec<String>, String> {
    let mut out = vec![];
    for p in paths {
        let meta =
            std::fs::metadata(p).map_err(|e| format!("{p}: cannot read: {}", io_reason(&e)))?;
        if meta.is_dir() {
            let mut found: Vec<String> = std::fs::read_dir(p)
                .map_err(|e| format!("{p}: cannot read: {}", io_reason(&e)))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "md"))
                .filter(|f| f.file_name().is_some_and(|n| n != "README.md"))
                .map(|f| f.to_string_lossy().into_owned())
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Every lesson under `paths`, checked: what `servicelab check` prints, and
/// the parsed lessons with their sources when there is no problem at all.
struct Checked {
    files: usize,
    steps: usize,
    problems: usize,
    lessons: Vec<(servicelab_engine::lesson::Lesson, String)>,
}

fn check_all(paths: Vec<String>) -> Result<Checked, String> {
    let paths = if paths.is_empty() {
        vec!["lessons".to_string()]
    } else {
        paths
    };
    let files = lesson_files(&paths)?;
    let mut checked = Checked {
        files: files.len(),
        steps: 0,
        problems: 0,
        lessons: vec![],
    };
    for f in &files {
        let text = match read_lesson(f) {
            Ok(text) => text,
            Err(e) => {
                println!("{e}");
                checked.problems += 1;
                continue;
            }
        };
        let diags = servicelab_engine::lesson::replay::check_file(f, &text);
        for d in &diags {
            println!("{d}");
        }
        checked.problems += diags.len();
        if let Ok(l) = servicelab_engine::lesson::parse_lesson(f, &text) {
            checked.steps += l.steps.len();
            checked.lessons.push((l, text));
        }
    }
    Ok(checked)
}

fn check(paths: Vec<String>) -> i32 {
    let c = match check_all(paths) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let noun = if c.files == 1 { "lesson" } else { "lessons" };
    if c.problems == 0 {
        println!(
            "checked {} {noun} ({} steps): no problems",
            c.files, c.steps
        );
        0
    } else {
        println!("checked {} {noun}: {} problem(s)", c.files, c.problems);
        1
    }
}

/// A size for people: `28.2 KiB`.
fn kib(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

fn build(paths: Vec<String>, site: &str, compress: bool) -> i32 {
    let c = match check_all(paths) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let noun = if c.files == 1 { "lesson" } else { "lessons" };
    if c.problems > 0 {
        println!(
            "checked {} {noun}: {} problem(s); nothing was written to {site}",
            c.files, c.problems
        );
        return 1;
    }
    if c.files == 0 {
        println!("no lesson files found; nothing was written to {site}");
        return 1;
    }
    let course = servicelab_engine::lesson::course::Course::new(
        c.lessons.iter().map(|(l, text)| (l.clone(), text.as_str())),
    );
    match crate::site::publish(std::path::Path::new(site), &course, compress) {
        Ok(report) => {
            // The course as the page reads it: parsed, so larger than its
            // Markdown; what a student downloads is its gzip.
            let source: usize = c.lessons.iter().map(|(_, text)| text.len()).sum();
            let json = course.to_json();
            println!(
                "checked {} {noun} ({} steps): no problems\nwrote the course into {site}/index.html and {site}/author/index.html: {} lesson(s), {} of lesson files as {} of course data ({} gzip) and {} of first screen; compressed {} file(s)",
                c.files,
                c.steps,
                c.files,
                kib(source),
                kib(report.course_bytes),
                kib(crate::site::gzip(json.as_bytes()).len()),
                kib(report.first_screen_bytes),
                report.compressed
            );
            0
        }
        Err(e) => {
            eprintln!("servicelab build: {e}");
            1
        }
    }
}

fn lesson_shell(path: &str, step: usize) -> i32 {
    let text = match read_lesson(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("servicelab: {e}");
            return 2;
        }
    };
    let lesson = match servicelab_engine::lesson::parse_lesson(path, &text) {
        Ok(l) => l,
        Err(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            return 2;
        }
    };
    if step == 0 || step > lesson.steps.len() {
        eprintln!(
            "servicelab: --step {step}: the lesson has {} step(s)",
            lesson.steps.len()
        );
        return 2;
    }
    match servicelab_engine::lesson::replay::start_at(&lesson, step) {
        Ok(s) => shell(s),
        Err(e) => {
            eprintln!("servicelab: {path}: the world cannot be built: {e}");
            2
        }
    }
}

fn shell(mut session: Session) -> i32 {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        // A script: read whole and cut into complete commands in one pass
        // (a long here-document costs its length, not its length squared).
        let mut bytes = vec![];
        if io::Read::read_to_end(&mut stdin.lock(), &mut bytes).is_err() {
            return 0;
        }
        // Input that is not text ends the script, as bash stops at EOF.
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]).into_owned()
            }
        };
        let split = servicelab_engine::shell::split_commands(&text);
        for chunk in split.commands.iter().chain(split.rest.iter()) {
            if let Some(status) = run_and_print(&mut session, &chunk.text, false) {
                return status;
            }
        }
        return 0;
    }
    let mut out = io::stdout().lock();
    let mut lines = stdin.lock().lines();
    let mut reader = CommandReader::default();
    loop {
        let _ = write!(
            out,
            "{}",
            if reader.pending() {
                "> ".to_string()
            } else {
                session.prompt()
            }
        );
        let _ = out.flush();
        // A command may span lines (a here-document, an open quote, a line
        // ending in `|` or `\`): read on, with bash's `> ` prompt, until it
        // is complete. At end of input, run what there is: bash then warns
        // about the open here-document or reports the syntax error.
        let text = match lines.next() {
            Some(Ok(l)) => match reader.push_line(&l) {
                Some(text) => text,
                None => continue,
            },
            Some(Err(_)) | None if reader.pending() => reader.take(),
            Some(Err(_)) | None => break,
        };
        if let Some(status) = run_and_print(&mut session, &text, true) {
            return status;
        }
    }
    let _ = writeln!(out);
    0
}

/// Runs one command text and prints its output; `Some(status)` when the
/// shell exited.
fn run_and_print(session: &mut Session, text: &str, interactive: bool) -> Option<i32> {
    // Time passes between commands as it would while one is typed.
    session.pass(servicelab_engine::shell::time::NATIVE_STEP_MS);
    let exec = session.run(text);
    let mut out = io::stdout().lock();
    let mut err = io::stderr();
    if exec.clear && interactive {
        let _ = write!(out, "\x1b[H\x1b[2J\x1b[3J");
    }
    for (stream, text) in &exec.output {
        match stream {
            Stream::Stdout => {
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
            Stream::Stderr => {
                let _ = err.write_all(text.as_bytes());
            }
        }
    }
    exec.exit_session.then_some(exec.status)
}
