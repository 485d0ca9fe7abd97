//! The native `servicelab` command: the browser's terminal in a terminal.

use clap::{Parser, Subcommand};
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
    /// Run the tutorial's terminal: commands from stdin, output exactly as the browser shows it.
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
    },
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Shell {
            lesson,
            step: _,
            nodes,
            cloud,
        } => {
            if let Some(file) = lesson {
                eprintln!(
                    "servicelab: cannot open lesson {file}: lesson files are not supported by this version yet"
                );
                return 2;
            }
            let options = WorldOptions {
                nodes,
                cloud,
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

fn shell(mut session: Session) -> i32 {
    let stdin = io::stdin();
    let interactive = stdin.is_terminal();
    let mut out = io::stdout().lock();
    let mut err = io::stderr();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            let _ = write!(out, "{}", session.prompt());
            let _ = out.flush();
        }
        let line = match lines.next() {
            Some(Ok(l)) => l,
            // End of input, or input that is not text: stop as bash does at EOF.
            Some(Err(_)) | None => break,
        };
        let exec = session.run(&line);
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
        if exec.exit_session {
            return exec.status;
        }
    }
    if interactive {
        let _ = writeln!(out);
    }
    0
}
