//! The lesson format's parts for teaching: objectives and minutes, quizzes
//! (whose marked answer the engine checks), `Challenge:` steps and the
//! recap. What `servicelab check` says about each, at its line.

use servicelab_engine::lesson::replay::check_file;
use servicelab_engine::lesson::{parse_lesson, Expect, Prediction, Segment};

const WORLD: &str = "---
title: A quiz
summary: Predict, then look.
objectives:
- Tell a refused connection from a timeout.
minutes: 5
world:
  pods:
  - name: myapp-pod
    image: nginx
    node: node01
    labels: {app: myapp}
---

Intro.
";

fn lesson(body: &str) -> String {
    format!("{WORLD}{body}")
}

const PREDICT: &str = "
## Try the node's port

Before any Service exists, what will this give?

```quiz
question: What does curl from the laptop to 192.168.1.2:30008 end in?
probe: {from: laptop, url: \"http://192.168.1.2:30008\"}
choices:
- {text: The nginx welcome page, expect: 200}
- {text: Connection refused at once, expect: refused}
- {text: A timeout after two minutes, expect: timeout}
answer: ANSWER
explain:
- Nothing listens on 30008 yet.
- \"The node is there and nothing listens: it answers with a reset.\"
- A timeout would mean the packet was lost on the way.
```

```console
$ curl http://192.168.1.2:30008
```

After the quiz.

```check passes-before
- request: {from: laptop, url: \"http://192.168.1.2:30008\", expect: refused}
```

## Challenge: open it

Write a NodePort Service for the pod on port 30008.

```check
- request: {from: laptop, url: \"http://192.168.1.2:30008\", expect: 200}
```

```solution
kubectl create service nodeport myapp --tcp=80:80 --node-port=30008
curl -s http://192.168.1.2:30008
```

```recap
You predicted a refusal, saw it, and opened the port yourself.
```
";

#[test]
fn a_lesson_with_objectives_a_quiz_a_challenge_and_a_recap_parses() {
    let text = lesson(&PREDICT.replace("ANSWER", "Connection refused at once"));
    let l = parse_lesson("lessons/q.md", &text).expect("parses");
    assert_eq!(
        l.objectives
            .iter()
            .map(|o| o.plain_text())
            .collect::<Vec<_>>(),
        vec!["Tell a refused connection from a timeout."]
    );
    assert_eq!(l.minutes, Some(5));
    assert_eq!(
        l.recap.as_ref().map(|r| r.plain_text()),
        Some("You predicted a refusal, saw it, and opened the port yourself.\n".to_string())
    );
    let step = &l.steps[0];
    assert!(!step.challenge);
    let q = &step.quizzes[0];
    assert_eq!(q.answer, 1);
    assert_eq!(
        q.choices[1].expect,
        Some(Prediction::Request(Expect::Refused))
    );
    assert_eq!(
        q.explanation(2).map(|d| d.plain_text()),
        Some("A timeout would mean the packet was lost on the way.\n".to_string())
    );
    // The quiz stands between the prose before it and what follows.
    assert!(
        matches!(&step.segments[0], Segment::Prose(p) if p.plain_text().contains("what will this give?"))
    );
    assert_eq!(step.segments[1], Segment::Quiz(0));
    // Then the command, and what follows it waits until it ran.
    assert!(matches!(&step.segments[2], Segment::Prose(p) if p.plain_text().contains("$ curl")));
    assert_eq!(
        step.segments[3],
        Segment::Ran(vec!["curl http://192.168.1.2:30008".into()])
    );
    assert!(
        matches!(&step.segments[4], Segment::Prose(p) if p.plain_text().contains("After the quiz."))
    );
    assert!(!step.prose_text().contains("question:"));
    let challenge = &l.steps[1];
    assert!(challenge.challenge);
    assert!(challenge.commands.is_empty());
    assert_eq!(check_file("lessons/q.md", &text), vec![]);
}

#[test]
fn a_quiz_whose_answer_the_engine_contradicts_is_reported_at_its_line() {
    let text = lesson(&PREDICT.replace("ANSWER", "A timeout after two minutes"));
    let diags = check_file("lessons/q.md", &text);
    let quiz_line = text.lines().position(|l| l == "```quiz").unwrap() + 1;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].line, quiz_line);
    assert_eq!(
        diags[0].message,
        "quiz: the answer \"A timeout after two minutes\" predicts timeout, but curl from laptop to http://192.168.1.2:30008 gives connection refused. Stopped at node01: nothing listens on 192.168.1.2:30008, so the kernel answered with a TCP reset (connection refused). The choice that says so is \"Connection refused at once\"."
    );
}

#[test]
fn quiz_mistakes_are_reported_at_the_quiz() {
    let bad = |from: &str, to: &str| {
        let text =
            lesson(&PREDICT.replace("ANSWER", "Connection refused at once")).replace(from, to);
        match parse_lesson("lessons/q.md", &text) {
            Err(d) => d
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            Ok(_) => String::new(),
        }
    };
    assert!(
        bad("answer: Connection refused at once", "answer: Refused").contains(
            "the quiz's `answer` must be one of its choices, word for word: `Refused` is not"
        )
    );
    assert!(bad("- {text: The nginx welcome page, expect: 200}\n", "")
        .contains("`explain` has one text, or one per choice: 3 for 2 choices"));
    assert!(bad(
        "- \"The node is there and nothing listens: it answers with a reset.\"",
        "- The node is there and nothing listens: it answers with a reset."
    )
    .contains("`explain` is one text, or a list of texts (a text with `: ` in it must be quoted"));
    assert!(bad("- {text: The nginx welcome page, expect: 200}\n- {text: Connection refused at once, expect: refused}\n", "")
        .contains("a quiz has 2 to 5 choices, this one has 1"));
    assert!(bad(
        "{text: The nginx welcome page, expect: 200}",
        "The nginx welcome page"
    )
    .contains("with a `probe`, every choice says what it predicts"));
    assert!(bad("expect: 200}", "expect: refused}")
        .contains("another choice predicts the same outcome as the answer"));
    assert!(bad("- Nothing listens on 30008 yet.\n", "")
        .contains("`explain` has one text, or one per choice: 2 for 3 choices"));
    assert!(bad(
        "```console\n$ curl http://192.168.1.2:30008\n```\n\nAfter",
        "After"
    )
    .is_empty());
    assert!(bad(
        "Write a NodePort Service",
        "```console\n$ kubectl get svc\n```\nWrite a NodePort Service"
    )
    .contains("a Challenge step gives no commands to click"));
    assert!(
        bad("minutes: 5", "minutes: 500").contains("minutes must be between 1 and 120, got 500")
    );
    assert!(bad("```recap\nYou", "```recap\nA\n```\n\n```recap\nYou")
        .contains("a lesson has one `recap` block"));
}

/// Every lesson of the course and of the fixtures, through the data the
/// student's page reads: nothing is lost or changed on the way.
#[test]
fn every_lesson_round_trips_as_course_data() {
    use servicelab_engine::lesson::course::{script_safe, Course};
    let mut sources = vec![];
    for dir in ["../lessons", "tests/lessons"] {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
            .collect();
        files.sort();
        for f in files {
            sources.push((
                f.display().to_string(),
                std::fs::read_to_string(&f).unwrap(),
            ));
        }
    }
    assert!(sources.len() >= 10, "{}", sources.len());
    let lessons: Vec<_> = sources
        .iter()
        .map(|(path, text)| (parse_lesson(path, text).unwrap(), text.as_str()))
        .collect();
    let course = Course::new(lessons);
    let json = script_safe(&course.to_json());
    assert!(!json.contains('<'));
    assert_eq!(Course::from_json(&json).unwrap(), course);
}
