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
