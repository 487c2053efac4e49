//! The window code's shape, checked: every file under `src/` stays readable (at most 800
//! lines, no impl block over 500 lines, no struct over 15 fields), and no two modules
//! import each other, among the rooms (`app`, `document`, `network`, `learn`, …) and among
//! the parts of each room (`network::training` and `network::views`, say), so a change has
//! one place to go and the data flows one way.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 800;
const MAX_IMPL_LINES: usize = 500;
const MAX_STRUCT_FIELDS: usize = 15;

/// Every `.rs` file under `dir`, with its module path (`network::training::run`).
fn sources(dir: &Path, module: &[String], found: &mut Vec<(Vec<String>, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut inner = module.to_vec();
            inner.push(name);
            sources(&path, &inner, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut this = module.to_vec();
            if name != "mod" && name != "lib" && name != "main" {
                this.push(name);
            }
            found.push((this, path));
        }
    }
}

fn all_sources() -> Vec<(Vec<String>, PathBuf)> {
    let mut found = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut found,
    );
    found.sort();
    found
}

/// The text before `#[cfg(test)]`: unit tests are not part of the shape.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = all_sources()
        .iter()
        .filter_map(|(_, path)| {
            let lines = std::fs::read_to_string(path).unwrap().lines().count();
            (lines > MAX_FILE_LINES).then(|| format!("{} has {lines} lines", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "{long:#?}");
}

#[test]
fn no_impl_block_is_over_500_lines_and_no_struct_has_over_15_fields() {
    let mut problems = Vec::new();
    for (_, path) in all_sources() {
        let code = code_of(&path);
        let lines: Vec<&str> = code.lines().collect();
        for (start, line) in lines.iter().enumerate() {
            let top_level_item = line.starts_with("impl")
                || line.starts_with("pub struct")
                || line.starts_with("struct")
                || line.starts_with("pub(super) struct")
                || line.starts_with("pub(crate) struct");
            if !top_level_item || !line.trim_end().ends_with('{') {
                continue;
            }
            let Some(length) = lines[start..].iter().position(|l| *l == "}") else {
                continue;
            };
            if line.starts_with("impl") && length > MAX_IMPL_LINES {
                problems.push(format!(
                    "{}:{}: impl of {length} lines",
                    path.display(),
                    start + 1
                ));
            }
            if line.contains("struct") {
                let fields = lines[start + 1..start + length]
                    .iter()
                    .filter(|l| {
                        let field = l
                            .trim_start_matches("    ")
                            .trim_start_matches("pub(super) ")
                            .trim_start_matches("pub(crate) ")
                            .trim_start_matches("pub ");
                        l.starts_with("    ")
                            && !l.starts_with("     ")
                            && field.split_once(':').is_some_and(|(name, _)| {
                                !name.is_empty()
                                    && name.chars().all(|c| {
                                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
                                    })
                            })
                    })
                    .count();
                if fields > MAX_STRUCT_FIELDS {
                    problems.push(format!(
                        "{}:{}: struct with {fields} fields",
                        path.display(),
                        start + 1
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The modules each module names through `crate::…`, at the top level (`network`) and one
/// level down (`network::training`).
fn imports() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, path) in all_sources() {
        let code = code_of(&path);
        let mut rest = code.as_str();
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let named: Vec<String> = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            for depth in 1..=2 {
                if module.len() >= depth && named.len() >= depth {
                    let from = module[..depth].to_vec();
                    let to = named[..depth].to_vec();
                    // Within one module, and a module naming its own parent, are no import
                    // between two modules.
                    if from != to && from[..depth - 1] == to[..depth - 1] {
                        graph.entry(from).or_default().insert(to);
                    }
                }
            }
        }
    }
    graph
}

#[test]
fn no_two_modules_import_each_other() {
    let graph = imports();
    let mut mutual = Vec::new();
    for (from, targets) in &graph {
        for to in targets {
            if from < to && graph.get(to).is_some_and(|back| back.contains(from)) {
                mutual.push(format!("{} <-> {}", from.join("::"), to.join("::")));
            }
        }
    }
    assert!(
        mutual.is_empty(),
        "modules importing each other: {mutual:#?}"
    );
    // The engine never sees the window: the rooms' order holds at the top.
    let top = |name: &str| {
        graph
            .get(&vec![name.to_owned()])
            .cloned()
            .unwrap_or_default()
    };
    for leaf in ["theme", "canvas", "examples", "memory", "worker"] {
        let named: Vec<_> = top(leaf).into_iter().filter(|t| t[0] != "theme").collect();
        assert!(named.is_empty(), "{leaf} is a leaf but names {named:?}");
    }
    for lower in ["document", "network", "learn"] {
        assert!(
            !top(lower).contains(&vec!["app".to_owned()]),
            "{lower} must not reach into the app"
        );
    }
    assert!(!top("network").contains(&vec!["learn".to_owned()]));
    assert!(!top("document").contains(&vec!["network".to_owned()]));
}
