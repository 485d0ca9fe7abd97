//! A course as data: what `servicelab build` writes into a site and the
//! student's page reads, so that the page needs neither the Markdown reader
//! nor the lesson parser, and an author publishes without a Rust toolchain.
//!
//! The data is one JSON document, [`Course`]: a format number, then each
//! lesson as parsed (its prose already read into [`Doc`](super::Doc)s) with
//! a fingerprint that saved progress is compared with. The site carries it
//! inside its `index.html`, in `<script type="application/json"
//! id="servicelab-course">`, so the page has it as soon as it starts, with
//! no second request and nothing to fetch when offline.

use super::Lesson;
use serde::{Deserialize, Serialize};

/// The version of this data's shape. A page refuses data of another
/// version with a message, rather than misreading it.
pub const FORMAT: u32 = 2;

/// The `id` of the element of `index.html` that holds the course.
pub const ELEMENT_ID: &str = "servicelab-course";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub format: u32,
    pub lessons: Vec<Published>,
}

/// One lesson of a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// A hash of the lesson's source file: progress saved against another
    /// version of the lesson is noticed when it is replayed.
    pub fingerprint: u32,
    pub lesson: Lesson,
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
        // Serializing owned data of plain types cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads course data, or says in one sentence what is wrong with it.
    pub fn from_json(json: &str) -> Result<Course, String> {
        if json.trim().is_empty() {
            return Err("the site has no course: its course data is empty".into());
        }
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| format!("the course data is not valid JSON ({e})"))?;
        match value.get("format").and_then(serde_json::Value::as_u64) {
            Some(f) if f == u64::from(FORMAT) => {}
            Some(other) => {
                return Err(format!(
                    "the course data is of format {other}, and this page reads format {FORMAT}: rebuild the site with the servicelab that made this page"
                ))
            }
            None => return Err("the course data has no `format`: it was not written by servicelab build".into()),
        }
        serde_json::from_value(value).map_err(|e| format!("the course data is damaged ({e})"))
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
        .starts_with("the course data is damaged (missing field `lesson`"));
        assert!(Course::from_json("[]")
            .unwrap_err()
            .contains("has no `format`"));
    }
}
