//! servicelab's limits on one lesson. `servicelab check` replays a lesson:
//! every solution command runs, and every check, probe and quiz probe is a
//! request on a settled copy of the world. A lesson of ten thousand steps
//! or thousands of probed quizzes would take minutes, so past these counts
//! the parser reports the first item over the limit, at its line, and the
//! lesson is not replayed. The longest lesson of the course has six steps
//! and six quizzes.

use super::Step;

/// Steps in one lesson.
pub const MAX_STEPS: usize = 50;
/// Quizzes in one lesson.
pub const MAX_QUIZZES: usize = 100;
/// Checks and probes in one lesson (each a judgement of the world).
pub const MAX_CHECKS: usize = 200;
/// Solution commands in one lesson.
pub const MAX_SOLUTION_COMMANDS: usize = 200;

/// The first thing past a limit: its line and the problem in words.
pub fn first_over(steps: &[Step]) -> Option<(usize, String)> {
    if let Some(step) = steps.get(MAX_STEPS) {
        return Some((
            step.line,
            format!(
                "a lesson has at most {MAX_STEPS} steps (servicelab's limit); this is step {}",
                MAX_STEPS + 1
            ),
        ));
    }
    if let Some(q) = steps.iter().flat_map(|s| &s.quizzes).nth(MAX_QUIZZES) {
        return Some((
            q.line,
            format!(
                "a lesson has at most {MAX_QUIZZES} quizzes (servicelab's limit); this is quiz {}",
                MAX_QUIZZES + 1
            ),
        ));
    }
    let mut judged: Vec<usize> = steps
        .iter()
        .flat_map(|s| {
            s.checks
                .iter()
                .map(|c| c.line)
                .chain(s.probes.iter().map(|p| p.line))
        })
        .collect();
    if judged.len() > MAX_CHECKS {
        crate::sort::sort(&mut judged);
        return Some((
            judged[MAX_CHECKS],
            format!(
                "a lesson has at most {MAX_CHECKS} checks and probes (servicelab's limit); this is check or probe {}",
                MAX_CHECKS + 1
            ),
        ));
    }
    let mut commands = 0;
    for s in steps {
        commands += s.solution.len();
        if commands > MAX_SOLUTION_COMMANDS {
            return Some((
                s.line,
                format!(
                    "a lesson's solutions have at most {MAX_SOLUTION_COMMANDS} commands (servicelab's limit); this step's go past it"
                ),
            ));
        }
    }
    None
}
