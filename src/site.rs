//! Writing a course into a built site: the course data into `index.html`,
//! and each file's `.gz` and `.br` beside it, for servers that send them as
//! they are (`gzip_static`, `precompressed` options and the like).

use servicelab_engine::lesson::course::{embed, Course};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct Report {
    pub course_bytes: usize,
    /// The prerendered first screen's HTML (0: the page has no place for it).
    pub first_screen_bytes: usize,
    pub compressed: usize,
}

/// Files worth compressing: text and wasm. Images and fonts are
/// compressed already.
fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "mjs" | "css" | "wasm" | "json" | "svg" | "txt" | "map")
    )
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a
/// server never sends half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    fs::write(&tmp, bytes)
        .map_err(|e| format!("{}: cannot write: {}", tmp.display(), reason(&e)))?;
    fs::rename(&tmp, path).map_err(|e| format!("{}: cannot write: {}", path.display(), reason(&e)))
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(vec![], flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![];
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out
}

/// Whether `derived` is missing or older than `source`.
fn stale(source: &Path, derived: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(source), modified(derived)) {
        (Some(s), Some(d)) => d < s,
        _ => true,
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Compresses `path` beside itself when its `.gz` or `.br` is missing or
/// older. Returns whether it wrote anything.
fn compress(path: &Path, force: bool) -> Result<bool, String> {
    let gz = with_suffix(path, ".gz");
    let br = with_suffix(path, ".br");
    if !force && !stale(path, &gz) && !stale(path, &br) {
        return Ok(false);
    }
    let bytes =
        fs::read(path).map_err(|e| format!("{}: cannot read: {}", path.display(), reason(&e)))?;
    write_atomic(&gz, &gzip(&bytes))?;
    write_atomic(&br, &brotli(&bytes))?;
    Ok(true)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {}", dir.display(), reason(&e)))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else if compressible(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Writes `course` into the site at `dir`, then compresses what needs it
/// (or, with `compress` false, removes index.html's compressed copies,
/// which would now be stale).
pub fn publish(dir: &Path, course: &Course, compress_files: bool) -> Result<Report, String> {
    let index = dir.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| {
        format!(
            "{}: cannot read: {} (is {} a built servicelab site? `make dist` builds one in dist/)",
            index.display(),
            reason(&e),
            dir.display()
        )
    })?;
    let built = embed(&html, course).ok_or_else(|| {
        format!(
            "{}: not a servicelab page: it has no course element and no </head>",
            index.display()
        )
    })?;
    let course_bytes = built.len().saturating_sub(html.len()) + course_length_in(&html);
    // The first screen, painted before the wasm has run.
    let built = servicelab::prerender::embed(&built, course);
    let first_screen_bytes = first_screen_length_in(&built);
    write_atomic(&index, built.as_bytes())?;
    // The authors' page, when the site has one, shows the same course.
    let author = dir.join("author").join("index.html");
    if let Ok(page) = fs::read_to_string(&author) {
        if let Some(built) = embed(&page, course) {
            write_atomic(&author, built.as_bytes())?;
        }
    }
    if !compress_files {
        write_file_list(dir)?;
        for suffix in [".gz", ".br"] {
            let _ = fs::remove_file(with_suffix(&index, suffix));
        }
        return Ok(Report {
            course_bytes,
            first_screen_bytes,
            compressed: 0,
        });
    }
    write_file_list(dir)?;
    let mut files = vec![];
    files_under(dir, &mut files)?;
    files.sort();
    let mut compressed = 0;
    for f in files {
        if compress(&f, f == index || f == author)? {
            compressed += 1;
        }
    }
    Ok(Report {
        course_bytes,
        first_screen_bytes,
        compressed,
    })
}

/// The name of the list of a site's files, beside its index.html.
pub const FILE_LIST: &str = "site-files.json";

/// Writes the list of the site's files (without their compressed copies
/// and itself): the authors' page reads it to publish the site again,
/// with another course, as one download.
fn write_file_list(dir: &Path) -> Result<(), String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) -> Result<(), String> {
        let entries = fs::read_dir(dir)
            .map_err(|e| format!("{}: cannot read: {}", dir.display(), reason(&e)))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out)?;
                continue;
            }
            let Ok(rel) = path.strip_prefix(base) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let derived = rel.ends_with(".gz") || rel.ends_with(".br");
            if !derived && rel != FILE_LIST {
                out.push(rel);
            }
        }
        Ok(())
    }
    let mut files = vec![];
    walk(dir, dir, &mut files)?;
    files.sort();
    // Names JSON-quoted by hand: the CLI has no JSON writer of its own.
    let quoted: Vec<String> = files
        .iter()
        .map(|f| {
            let mut q = String::from('"');
            for c in f.chars() {
                match c {
                    '"' => q.push_str("\\\""),
                    '\\' => q.push_str("\\\\"),
                    c if (c as u32) < 0x20 => q.push_str(&format!("\\u{:04x}", c as u32)),
                    c => q.push(c),
                }
            }
            q.push('"');
            q
        })
        .collect();
    let json = format!("{{\"files\":[{}]}}", quoted.join(","));
    let path = dir.join(FILE_LIST);
    // Unchanged, it is left as it is (and its compressed copies fresh).
    if fs::read_to_string(&path).is_ok_and(|old| old == json) {
        return Ok(());
    }
    write_atomic(&path, json.as_bytes())
}

/// How many bytes of prerendered first screen `html` holds.
fn first_screen_length_in(html: &str) -> usize {
    use servicelab::prerender::{END, START};
    match (html.find(START), html.find(END)) {
        (Some(s), Some(e)) if e > s => e - s - START.len(),
        _ => 0,
    }
}

/// How many bytes of course data `html` held before (so the report gives
/// the new data's size, not the difference).
fn course_length_in(html: &str) -> usize {
    let tag = format!(
        r#"<script type="application/json" id="{}">"#,
        servicelab_engine::lesson::course::ELEMENT_ID
    );
    html.find(&tag)
        .and_then(|s| {
            let c = s + tag.len();
            html[c..].find("</script>")
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_site(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("servicelab-site-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("assets")).unwrap();
        dir
    }

    #[test]
    fn a_site_gets_its_course_and_compressed_files() {
        let dir = temp_site("publish");
        fs::write(
            dir.join("index.html"),
            "<html><head><script type=\"application/json\" id=\"servicelab-course\"></script></head></html>",
        )
        .unwrap();
        fs::write(dir.join("assets/app.js"), "console.log(1)".repeat(100)).unwrap();
        fs::write(dir.join("assets/pic.png"), [0u8; 10]).unwrap();
        let text = "---\ntitle: T\nworld: {nodes: 1}\n---\n\n## S\n\n```check passes-before\n- at: laptop\n```\n";
        let lesson = servicelab_engine::lesson::parse_lesson("l/01-t.md", text).unwrap();
        let course = Course::new([(lesson, text)]);
        let r = publish(&dir, &course, true).unwrap();
        assert_eq!(r.compressed, 3, "app.js, index.html and the file list");
        // The list of the site's files, for the authors' page.
        assert_eq!(
            fs::read_to_string(dir.join(FILE_LIST)).unwrap(),
            r#"{"files":["assets/app.js","assets/pic.png","index.html"]}"#
        );
        assert_eq!(r.course_bytes, course.to_json().len());
        let html = fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(html.contains("\"title\":\"T\""), "{html}");
        let packed = fs::read(dir.join("index.html.gz")).unwrap();
        let mut gz = flate2::read::GzDecoder::new(&packed[..]);
        let mut back = String::new();
        std::io::Read::read_to_string(&mut gz, &mut back).unwrap();
        assert_eq!(back, html);
        let mut br = vec![];
        brotli::BrotliDecompress(
            &mut &fs::read(dir.join("assets/app.js.br")).unwrap()[..],
            &mut br,
        )
        .unwrap();
        assert_eq!(br, fs::read(dir.join("assets/app.js")).unwrap());
        assert!(!dir.join("assets/pic.png.gz").exists());
        // Again: the page's data is replaced and recompressed; the rest is fresh.
        let r = publish(&dir, &course, true).unwrap();
        assert_eq!(r.compressed, 1);
        assert_eq!(fs::read_to_string(dir.join("index.html")).unwrap(), html);
        // Without compression, index.html's stale copies go.
        let r = publish(&dir, &course, false).unwrap();
        assert_eq!(r.compressed, 0);
        assert!(!dir.join("index.html.gz").exists() && !dir.join("index.html.br").exists());
        assert!(dir.join("assets/app.js.gz").exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_that_is_not_a_site_is_refused() {
        let dir = temp_site("empty");
        let text = "---\ntitle: T\nworld: {nodes: 1}\n---\n\n## S\n\n```check passes-before\n- at: laptop\n```\n";
        let lesson = servicelab_engine::lesson::parse_lesson("l/01-t.md", text).unwrap();
        let err = publish(&dir, &Course::new([(lesson, text)]), true)
            .err()
            .unwrap();
        assert!(
            err.contains("index.html: cannot read: No such file or directory (is "),
            "{err}"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
