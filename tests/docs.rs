//! The README's map of the code is the code's: every module of the engine
//! and of the front ends' native side is named in "How the engine is laid
//! out", so a newcomer who reads it knows where anything lives, and a
//! module added without a word there fails here.

use std::fs;
use std::path::Path;

/// The README's section that maps the code.
fn code_map() -> String {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("## How the engine is laid out")
        .expect("the README has a section mapping the code");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |e| e + 3);
    readme[start..start + end].to_string()
}

/// The modules under `dir`: its `.rs` files (without `mod.rs`, `lib.rs`
/// and `main.rs`) as `name.rs`, and its folders as `name/`, relative to it.
fn modules(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("a source folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path.strip_prefix(base).expect("under base");
        let name = rel.to_string_lossy().replace('\\', "/");
        if path.is_dir() {
            out.push(format!("{name}/"));
            modules(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("mod.rs" | "lib.rs" | "main.rs")
            )
        {
            out.push(name);
        }
    }
}

/// Whether the map names `module`: by its path, or by its last part in
/// backquotes (`kubeproxy.rs`, `objects/`).
fn named(map: &str, module: &str) -> bool {
    let last = module
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(module);
    let last = if module.ends_with('/') {
        format!("{last}/")
    } else {
        last.to_string()
    };
    map.contains(module) || map.contains(&format!("`{last}`")) || map.contains(&format!("`{last}"))
}

#[test]
fn the_readme_names_every_module_of_the_engine() {
    let map = code_map();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = vec![];
    modules(&root.join("engine/src"), &root.join("engine/src"), &mut all);
    let missing: Vec<&String> = all.iter().filter(|m| !named(&map, m)).collect();
    assert!(
        missing.is_empty(),
        "README.md's \"How the engine is laid out\" does not name these modules of engine/src: {missing:?}"
    );
}

#[test]
fn the_readme_names_the_native_front_end_modules() {
    let map = code_map();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = vec![];
    modules(&root.join("src"), &root.join("src"), &mut all);
    // The page's own components are named as a group (`src/ui/`).
    let missing: Vec<&String> = all
        .iter()
        .filter(|m| !m.starts_with("ui/"))
        .filter(|m| !named(&map, m))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md's \"How the engine is laid out\" does not name these modules of src: {missing:?}"
    );
}

/// The engine's top-level modules: its `.rs` files and folders under
/// `engine/src` (without `lib.rs`).
fn top_modules(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root)
        .expect("engine/src")
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            let stem = p.file_stem()?.to_str()?.to_string();
            (p.is_dir() || p.extension().is_some_and(|x| x == "rs")).then_some(stem)
        })
        .filter(|n| n != "lib")
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The source text of a top-level module: its file and every file under
/// its folder.
fn module_source(root: &Path, module: &str) -> String {
    fn read_all(dir: &Path, out: &mut String) {
        for e in fs::read_dir(dir).expect("a source folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                read_all(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push_str(&fs::read_to_string(&p).expect("a source file"));
            }
        }
    }
    let mut text = fs::read_to_string(root.join(format!("{module}.rs"))).unwrap_or_default();
    let dir = root.join(module);
    if dir.is_dir() {
        read_all(&dir, &mut text);
    }
    text
}

/// The engine's modules that `source` imports (`crate::NAME`, or a name in
/// `use crate::{…}`), other than `itself`.
fn imports(source: &str, modules: &[String], itself: &str) -> Vec<String> {
    let mut found = vec![];
    for m in modules.iter().filter(|m| *m != itself) {
        let direct = format!("crate::{m}::");
        let whole = format!("crate::{m};");
        let grouped = source
            .match_indices("use crate::{")
            .any(|(i, _)| group_heads(&source[i + 12..]).iter().any(|h| h == m));
        if source.contains(&direct) || source.contains(&whole) || grouped {
            found.push(m.clone());
        }
    }
    found
}

/// The first path segment of each item of a `use` group, from just after
/// its `{` to its matching `}`: `a::B, c::{d, e}, f` gives a, c, f.
fn group_heads(rest: &str) -> Vec<String> {
    let (mut heads, mut item, mut depth) = (vec![], String::new(), 0);
    for c in rest.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            item.push(c);
        }
    }
    heads.push(item);
    heads
        .iter()
        .map(|i| i.trim().split("::").next().unwrap_or("").trim().to_string())
        .collect()
}

/// Holds a layer picture (lines from top to bottom, each naming modules)
/// against the imports: every module is in it, and each imports only
/// modules drawn on a lower line.
fn check_layers(picture: &str, layers: &[Vec<String>]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("engine/src");
    let modules = top_modules(&root);
    let line_of = |m: &str| layers.iter().position(|l| l.iter().any(|x| x == m));
    let missing: Vec<&String> = modules.iter().filter(|m| line_of(m).is_none()).collect();
    assert!(missing.is_empty(), "{picture} does not draw {missing:?}");
    let mut upward = vec![];
    for m in &modules {
        let own = line_of(m).expect("drawn");
        for dep in imports(&module_source(&root, m), &modules, m) {
            if line_of(&dep).expect("drawn") <= own {
                upward.push(format!("{m} imports {dep}"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "{picture} draws these modules below what imports them, or beside it: {upward:?}"
    );
}

/// The first fenced block after `marker` in `text`.
fn block_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let at = text.find(marker).expect("the marker");
    let rest = &text[at..];
    let open = rest.find("```").expect("a fenced block");
    let body = &rest[open..];
    let body = &body[body.find('\n').expect("a fence line") + 1..];
    &body[..body.find("```").expect("a closing fence")]
}

#[test]
fn the_engine_layers_in_lib_rs_match_the_imports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = fs::read_to_string(root.join("engine/src/lib.rs")).expect("lib.rs");
    let modules = top_modules(&root.join("engine/src"));
    // Each line of the picture starts with the modules of one layer.
    let layers: Vec<Vec<String>> = block_after(&lib, "The modules stand in layers")
        .lines()
        .map(|l| l.trim_start_matches("//!").trim())
        .filter(|l| !l.is_empty() && !l.starts_with("```"))
        .map(|l| {
            l.split_whitespace()
                .take_while(|w| modules.iter().any(|m| m == w))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    check_layers("engine/src/lib.rs's picture", &layers);
}

#[test]
fn the_engine_layers_in_the_readme_match_the_imports() {
    let map = code_map();
    // Each line names its layer as `engine::NAME` or `engine::{A, B}`.
    let layers: Vec<Vec<String>> = block_after(&map, "The modules stand in layers")
        .lines()
        .filter_map(|l| {
            let at = l.find("engine::")?;
            let rest = &l[at + 8..];
            let names = match rest.strip_prefix('{') {
                Some(group) => group[..group.find('}')?].to_string(),
                None => rest.split_whitespace().next()?.to_string(),
            };
            Some(
                names
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    check_layers("README.md's picture", &layers);
}
