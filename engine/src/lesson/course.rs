//! A course as data: what `servicelab build` writes into a site and the
//! student's page reads, so that the page needs neither the Markdown reader
//! nor the lesson parser, and an author publishes without a Rust toolchain.
//!
//! The data is JSON, one document per line: first the index (a format
//! number, then each lesson's fingerprint, which saved progress is compared
//! with, and its [`Head`], what the lesson list shows), then each lesson as
//! parsed (its prose already read into [`Doc`](super::Doc)s), one per line
//! in the index's order. (JSON as serde_json writes it has no line breaks
//! of its own: a string's are `\n`.) The site carries it inside its
//! `index.html`, in `<script type="application/json"
//! id="servicelab-course">`, so the page has it as soon as it starts, with
//! no second request and nothing to fetch when offline.
//!
//! The page reads the index at start ([`read_index`]) and keeps each
//! lesson's line as text, decoding a lesson only when it is opened
//! ([`decode_lesson`]): at start only the first line and the lesson on
//! screen are read, not the whole course.

use super::Lesson;
use crate::cluster::objects::wire::{decodes, struct_fields, Cx, FromJson};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version of this data's shape. A page refuses data of another
/// version with a message, rather than misreading it.
pub const FORMAT: u32 = 3;

/// The `id` of the element of `index.html` that holds the course.
pub const ELEMENT_ID: &str = "servicelab-course";

#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    pub format: u32,
    pub lessons: Vec<Published>,
}

/// One lesson of a course.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// A hash of the lesson's source file: progress saved against another
    /// version of the lesson is noticed when it is replayed.
    pub fingerprint: u32,
    pub lesson: Lesson,
}

/// What the lesson list and the way through the course need of a lesson,
/// without its prose and steps.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Head {
    /// The file's stem, e.g. `02-nodeport`.
    pub id: String,
    pub path: String,
    pub title: String,
    pub summary: String,
    /// What the student will be able to do (the lesson list shows it).
    pub objectives: Vec<super::Doc>,
    pub minutes: Option<u32>,
    /// The course the lesson belongs to, when it is not the first one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    /// How many steps the lesson has.
    pub steps: usize,
}

impl Head {
    pub fn of(lesson: &Lesson) -> Head {
        Head {
            id: lesson.id.clone(),
            path: lesson.path.clone(),
            title: lesson.title.clone(),
            summary: lesson.summary.clone(),
            objectives: lesson.objectives.clone(),
            minutes: lesson.minutes,
            course: lesson.course.clone(),
            steps: lesson.steps.len(),
        }
    }
}

/// One lesson's entry in the index line (written by [`Course::to_json`]).
#[derive(Serialize)]
struct Written {
    fingerprint: u32,
    head: Head,
}

#[derive(Serialize)]
struct WrittenIndex {
    format: u32,
    lessons: Vec<Written>,
}

/// The course data as the page first reads it: each lesson's head, and the
/// lesson itself still as JSON text.
#[derive(Debug)]
pub struct Index {
    pub format: u32,
    pub lessons: Vec<Entry>,
}

#[derive(Debug)]
pub struct Entry {
    pub fingerprint: u32,
    pub head: Head,
    lesson: String,
}

impl Entry {
    /// The lesson, decoded (or what is wrong with its data).
    pub fn lesson(&self) -> Result<Lesson, String> {
        decode_lesson(&self.head.id, &self.lesson)
    }
}

/// A lesson from its JSON text, as [`Entry::lesson`] decodes it.
pub fn decode_lesson(id: &str, json: &str) -> Result<Lesson, String> {
    super::wire::lesson_from_json(json)
        .map_err(|e| format!("the course data of the lesson “{id}” is damaged ({e})"))
}

/// The index line of course data: each lesson's fingerprint and head, or
/// what is wrong with the line, in one sentence.
pub fn read_index(first_line: &str) -> Result<Vec<(u32, Head)>, String> {
    if first_line.trim().is_empty() {
        return Err("the site has no course: its course data is empty".into());
    }
    let index: serde_json::Value = serde_json::from_str(first_line)
        .map_err(|e| format!("the course data is not valid JSON ({e})"))?;
    // The format first, so that data of another shape is named as such
    // rather than as damaged.
    match index.get("format").and_then(serde_json::Value::as_u64) {
        Some(f) if f == u64::from(FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "the course data is of format {other}, and this page reads format {FORMAT}: rebuild the site with the servicelab that made this page"
            ))
        }
        None => return Err("the course data has no `format`: it was not written by servicelab build".into()),
    }
    index_from_json(index).map_err(|e| format!("the course data is damaged ({e})"))
}

/// The index line's lessons (after its format is checked): each one's
/// fingerprint and head.
fn index_from_json(index: Value) -> Result<Vec<(u32, Head)>, String> {
    let mut f = super::wire::object(index, "the index")?;
    let lessons: Vec<Value> =
        super::wire::need(&mut f, "lessons", "the index", &mut Cx::default())?;
    lessons
        .into_iter()
        .map(|entry| {
            let cx = &mut Cx::default();
            let mut e = super::wire::object(entry, "a lesson's entry")?;
            Ok((
                super::wire::need(&mut e, "fingerprint", "Entry", cx)?,
                super::wire::need(&mut e, "head", "Entry", cx)?,
            ))
        })
        .collect()
}

// The page reads heads with the decoder it reads lessons with.
decodes! {
    "";
    Head as "Head" {
        id: "id",
        path: "path",
        title: "title",
        summary: "summary",
        objectives: "objectives",
        minutes: "minutes",
        course: "course",
        steps: "steps",
    }
}

/// Whether as many lesson lines follow the index as it lists lessons.
pub fn lines_match(listed: usize, lines: usize) -> Result<(), String> {
    if listed == lines {
        return Ok(());
    }
    let lessons = |n: usize| match n {
        1 => "1 lesson".to_string(),
        n => format!("{n} lessons"),
    };
    Err(format!(
        "the course data is damaged (its index lists {}, and {} follow it)",
        lessons(listed),
        lessons(lines)
    ))
}

impl Index {
    /// Reads the course data's index line, keeping each lesson's line as
    /// text, or says in one sentence what is wrong with the data.
    pub fn from_json(json: &str) -> Result<Index, String> {
        let mut lines = json.trim().split('\n');
        let heads = read_index(lines.next().unwrap_or_default())?;
        let rest: Vec<&str> = lines.collect();
        lines_match(heads.len(), rest.len())?;
        let lessons = heads
            .into_iter()
            .zip(rest)
            .map(|((fingerprint, head), line)| Entry {
                fingerprint,
                head,
                lesson: line.to_string(),
            })
            .collect();
        Ok(Index {
            format: FORMAT,
            lessons,
        })
    }
}

impl Course {
    /// The course of these lessons, each with its source's text.
    pub fn new<'a>(lessons: impl IntoIterator<Item = (Lesson, &'a str)>) -> Course {
        Course {
            format: FORMAT,
            lessons: lessons
                .into_iter()
                .map(|(lesson, source)| Published {
                    fingerprint: fingerprint(source),
                    lesson,
                })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let index = WrittenIndex {
            format: self.format,
            lessons: self
                .lessons
                .iter()
                .map(|p| Written {
                    fingerprint: p.fingerprint,
                    head: Head::of(&p.lesson),
                })
                .collect(),
        };
        // Serializing owned data of plain types cannot fail.
        let mut out = serde_json::to_string(&index).unwrap_or_default();
        for p in &self.lessons {
            out.push('\n');
            out.push_str(&serde_json::to_string(&p.lesson).unwrap_or_default());
        }
        out
    }

    /// Reads course data whole (every lesson decoded), or says in one
    /// sentence what is wrong with it.
    pub fn from_json(json: &str) -> Result<Course, String> {
        let index = Index::from_json(json)?;
        let lessons = index
            .lessons
            .iter()
            .map(|e| {
                Ok(Published {
                    fingerprint: e.fingerprint,
                    lesson: e.lesson()?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Course {
            format: index.format,
            lessons,
        })
    }
}

/// A short fingerprint of a lesson's source (FNV-1a, 32 bits).
pub fn fingerprint(source: &str) -> u32 {
    crate::text::fnv1a(source.as_bytes())
}

/// Text that can stand inside a `<script>` element: a `<` never appears
/// raw, so no lesson text can close the element (`</script>`) or open a
/// comment. JSON reads `\u003c` as `<`.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// `index.html` with the course in its course element: the element's
/// content is replaced, or, when the page has none, the element is added
/// before `</head>`. `None` when the text has neither (not a servicelab
/// page).
pub fn embed(index_html: &str, course: &Course) -> Option<String> {
    let data = script_safe(&course.to_json());
    let open_tag = format!(r#"<script type="application/json" id="{ELEMENT_ID}">"#);
    if let Some(start) = index_html.find(&open_tag) {
        let content = start + open_tag.len();
        let end = content + index_html[content..].find("</script>")?;
        return Some(format!(
            "{}{data}{}",
            &index_html[..content],
            &index_html[end..]
        ));
    }
    let head = index_html.find("</head>")?;
    Some(format!(
        "{}{open_tag}{data}</script>\n{}",
        &index_html[..head],
        &index_html[head..]
    ))
}

#[cfg(all(test, feature = "authoring"))]
mod tests {
    use super::*;

    const LESSON: &str = "---\ntitle: \"A </script> title\"\nminutes: 3\nworld: {nodes: 1}\n---\n\nIntro with <b>html</b>.\n\n## Look\n\nText.\n\n```check passes-before\n- at: laptop\n```\n";

    fn course() -> Course {
        let l = crate::lesson::parse_lesson("lessons/01-x.md", LESSON).unwrap();
        Course::new([(l, LESSON)])
    }

    #[test]
    fn a_course_round_trips_and_stays_inside_its_element() {
        let c = course();
        let page = "<html><head><title>s</title></head><body></body></html>";
        let built = embed(page, &c).unwrap();
        assert_eq!(built.matches("</script>").count(), 1, "{built}");
        assert!(!built.contains("A </script>"));
        let start = built.find("course\">").unwrap() + "course\">".len();
        let end = built.find("</script>").unwrap();
        assert_eq!(Course::from_json(&built[start..end]).unwrap(), c);
        // Building again replaces the data instead of adding a second copy.
        let again = embed(&built, &c).unwrap();
        assert_eq!(again, built);
        assert_eq!(embed("no page here", &c), None);
    }

    #[test]
    fn damaged_data_says_what_is_wrong() {
        assert_eq!(
            Course::from_json(""),
            Err("the site has no course: its course data is empty".into())
        );
        assert!(Course::from_json("{\"format\": 1, \"lessons\": [")
            .unwrap_err()
            .starts_with("the course data is not valid JSON"));
        assert!(Course::from_json("{\"format\": 9, \"lessons\": []}")
            .unwrap_err()
            .contains(&format!("format 9, and this page reads format {FORMAT}")));
        assert!(Course::from_json(&format!(
            "{{\"format\": {FORMAT}, \"lessons\": [{{\"fingerprint\": 1}}]}}"
        ))
        .unwrap_err()
        .starts_with("the course data is damaged (missing field `head`"));
        // A lesson's own data is read when it is opened, and named.
        let c = course();
        let json = c.to_json().replace("\"steps\":[", "\"steps\":7,\"x\":[");
        let index = Index::from_json(&json).unwrap();
        assert_eq!(index.lessons[0].head, Head::of(&c.lessons[0].lesson));
        assert!(index.lessons[0].lesson().unwrap_err().starts_with(
            "the course data of the lesson “01-x” is damaged (json: cannot unmarshal number into Go struct field Lesson.steps of type []Step)"
        ));
        assert!(Course::from_json("[]")
            .unwrap_err()
            .contains("has no `format`"));
        // One line for the index, one per lesson, however many lines the
        // lessons' prose has.
        assert_eq!(c.to_json().lines().count(), 2);
        let first_line = c.to_json().lines().next().unwrap().to_string();
        assert_eq!(
            Course::from_json(&first_line).unwrap_err(),
            "the course data is damaged (its index lists 1 lesson, and 0 lessons follow it)"
        );
    }
}
