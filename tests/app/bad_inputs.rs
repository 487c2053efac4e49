//! The bad-input suite: broken files, impossible graphs, bad settings and bad data, each
//! answered with a message that names what is wrong and where, through the library, through
//! `layerwright check` and `train` (exit code 1, never a panic's 101), and in the window,
//! where the graph already open stays exactly as it was when the file cannot be loaded.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use std::path::Path;
use std::process::Command;

use layerwright::app::{LayerwrightApp, OpenedDocument};
use layerwright::document::graph::{Edit, NodeTemplate};
use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::load_document;
use serde_json::{Value, json};

use crate::common::TempFolder;

/// A bad file and what every answer about it must say.
struct Case {
    /// The file's name in the case folder.
    file: &'static str,
    /// Text every message must contain (after the file's own name).
    expected: &'static [&'static str],
}

/// The XOR example, the base most cases spoil one thing of.
fn base() -> Value {
    serde_json::from_str(include_str!("../../assets/examples/xor.json")).unwrap()
}

fn write_json(dir: &Path, name: &str, value: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(value).unwrap()).unwrap();
}

fn with(change: impl FnOnce(&mut Value)) -> Value {
    let mut document = base();
    change(&mut document);
    document
}

fn dense(id: &str, units: u64) -> Value {
    json!({"kind": "dense", "id": id, "units": units, "activation": {"kind": "tanh"},
           "initializer": {"kind": "glorot_uniform"}, "use_bias": true})
}

fn csv_document(file: &str) -> Value {
    with(|d| {
        d["dataset"]["source"] = json!({"kind": "csv", "path": file});
        d["dataset"]["train_fraction"] = json!(0.8);
    })
}

/// [`csv_document`] with column `y` chosen as numbers, so text in it is an error.
fn csv_document_with_numbers(file: &str) -> Value {
    with(|d| {
        d["dataset"]["source"] = json!({"kind": "csv", "path": file});
        d["dataset"]["train_fraction"] = json!(0.8);
        d["dataset"]["columns"] = json!([{"name": "y", "kind": "number"}]);
    })
}

/// Writes every bad file into a fresh folder; returns the folder and the cases.
fn bad_files(test: &str) -> (TempFolder, Vec<Case>) {
    let dir = TempFolder::new("bad-inputs", test);
    let whole = serde_json::to_string_pretty(&base()).unwrap();
    let text_files: [(&str, String); 6] = [
        ("empty.json", String::new()),
        ("truncated.json", whole[..whole.len() / 2].to_owned()),
        ("array.json", "[1, 2, 3]".to_owned()),
        ("null.json", "null".to_owned()),
        (
            "deeply-nested.json",
            format!(
                "{{\"format\": {}{}}}",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ),
        (
            "nan-learning-rate.json",
            whole.replace("\"learning_rate\": 2.0", "\"learning_rate\": NaN"),
        ),
    ];
    for (name, text) in &text_files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let documents: Vec<(&str, Value)> = vec![
        (
            "unknown-kind.json",
            with(|d| d["nodes"][1]["kind"] = json!("convolution")),
        ),
        (
            "unknown-format.json",
            with(|d| d["format"] = json!("tensorflow.graph")),
        ),
        ("newer-version.json", with(|d| d["version"] = json!(99))),
        (
            "duplicate-ids.json",
            with(|d| d["nodes"][1]["id"] = json!("output")),
        ),
        (
            "edge-to-missing-node.json",
            with(|d| {
                d["edges"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"from": "ghost.out", "to": "output.in"}));
            }),
        ),
        (
            "edge-to-missing-port.json",
            with(|d| d["edges"][0]["to"] = json!("hidden.in3")),
        ),
        (
            "cycle.json",
            with(|d| {
                d["nodes"]
                    .as_array_mut()
                    .unwrap()
                    .insert(2, dense("second", 2));
                d["nodes"]
                    .as_array_mut()
                    .unwrap()
                    .insert(3, json!({"kind": "add", "id": "merge"}));
                d["edges"] = json!([
                    {"from": "input.out", "to": "merge.in0"},
                    {"from": "second.out", "to": "merge.in1"},
                    {"from": "merge.out", "to": "hidden.in"},
                    {"from": "hidden.out", "to": "second.in"},
                    {"from": "hidden.out", "to": "output.in"},
                ]);
            }),
        ),
        (
            "hundred-thousand-nodes.json",
            with(|d| {
                let mut nodes = vec![d["nodes"][0].clone()];
                nodes.extend((0..100_000).map(|i| dense(&format!("n{i}"), 2)));
                nodes.push(d["nodes"][2].clone());
                d["nodes"] = Value::Array(nodes);
                d["edges"] = json!([]);
                d.as_object_mut().unwrap().remove("view");
            }),
        ),
        (
            "billion-units.json",
            with(|d| d["nodes"][1]["units"] = json!(1_000_000_000u64)),
        ),
        (
            "negative-learning-rate.json",
            with(|d| d["training"]["learning_rate"] = json!(-0.5)),
        ),
        (
            "batch-size-zero.json",
            with(|d| d["training"]["batching"] = json!({"kind": "mini_batch", "size": 0})),
        ),
        (
            "negative-epochs.json",
            with(|d| d["training"]["epochs"] = json!(-5)),
        ),
        (
            "split-above-one.json",
            with(|d| d["dataset"]["train_fraction"] = json!(1.5)),
        ),
        (
            "split-zero.json",
            with(|d| d["dataset"]["train_fraction"] = json!(0.0)),
        ),
        (
            "split-negative.json",
            with(|d| d["dataset"]["train_fraction"] = json!(-0.2)),
        ),
        ("csv-ragged.json", csv_document("ragged.csv")),
        (
            "csv-text-in-numbers.json",
            csv_document_with_numbers("text.csv"),
        ),
        ("csv-infinity.json", csv_document("infinity.csv")),
        ("csv-one-class.json", csv_document("one-class.csv")),
        ("csv-zero-rows.json", csv_document("zero-rows.csv")),
        ("csv-missing.json", csv_document("missing.csv")),
        ("csv-folder.json", csv_document("a-folder.csv")),
    ];
    for (name, document) in &documents {
        write_json(&dir, name, document);
    }
    for (name, text) in [
        ("ragged.csv", "x,y,label\n1,2,0\n3,4\n5,6,1\n"),
        ("text.csv", "x,y,label\n1,2,0\n3,abc,1\n5,6,1\n"),
        ("infinity.csv", "x,y,label\n1,2,0\n3,4,1\n5,inf,1\n"),
        ("one-class.csv", "x,y,label\n1,2,0\n3,4,0\n5,6,0\n"),
        ("zero-rows.csv", "x,y,label\n"),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::create_dir_all(dir.join("a-folder.csv")).unwrap();
    // Over the 64 MB limit without writing 64 MB: a sparse file of zeros.
    std::fs::File::create(dir.join("too-large.json"))
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();

    let cases = vec![
        Case {
            file: "empty.json",
            expected: &["the file holds nothing, not a JSON object"],
        },
        Case {
            file: "truncated.json",
            expected: &[":", "EOF while parsing"],
        },
        Case {
            file: "array.json",
            expected: &["the file holds a JSON array, not a JSON object"],
        },
        Case {
            file: "null.json",
            expected: &["the file holds null, not a JSON object"],
        },
        Case {
            file: "deeply-nested.json",
            expected: &[":1:", "recursion limit exceeded"],
        },
        Case {
            file: "nan-learning-rate.json",
            expected: &[":", "expected value"],
        },
        Case {
            file: "unknown-kind.json",
            expected: &["nodes[1]", "unknown variant `convolution`"],
        },
        Case {
            file: "unknown-format.json",
            expected: &["its format is \"tensorflow.graph\", expected \"layerwright.graph\""],
        },
        Case {
            file: "newer-version.json",
            expected: &["the document is version 99"],
        },
        Case {
            file: "duplicate-ids.json",
            expected: &["node 'output'", "two nodes have this id"],
        },
        Case {
            file: "edge-to-missing-node.json",
            expected: &["an edge starts at 'ghost', which is not a node"],
        },
        Case {
            file: "edge-to-missing-port.json",
            expected: &["node 'hidden', port 'in3'", "a dense node has port 'in'"],
        },
        Case {
            file: "cycle.json",
            expected: &["node '", "cycle"],
        },
        Case {
            file: "hundred-thousand-nodes.json",
            expected: &["the graph has 100002 nodes; at most 1000 are supported"],
        },
        Case {
            file: "billion-units.json",
            expected: &["node 'hidden'", "1000000000 units is outside 1..=4096"],
        },
        Case {
            file: "negative-learning-rate.json",
            expected: &["the learning rate must be a positive number, got -0.5"],
        },
        Case {
            file: "batch-size-zero.json",
            expected: &["the batch size must be at least 1"],
        },
        Case {
            file: "negative-epochs.json",
            expected: &["training.epochs", "invalid value: integer `-5`"],
        },
        Case {
            file: "split-above-one.json",
            expected: &[
                "the training fraction must be between 0.1 and 0.9",
                "got 1.5",
            ],
        },
        Case {
            file: "split-zero.json",
            expected: &["the training fraction must be between 0.1 and 0.9", "got 0"],
        },
        Case {
            file: "split-negative.json",
            expected: &[
                "the training fraction must be between 0.1 and 0.9",
                "got -0.2",
            ],
        },
        Case {
            file: "csv-ragged.json",
            expected: &["ragged.csv", "line 3", "expected 3 cells"],
        },
        Case {
            file: "csv-text-in-numbers.json",
            expected: &["text.csv", "line 3, column 'y'", "'abc' is not a number"],
        },
        Case {
            file: "csv-infinity.json",
            expected: &[
                "infinity.csv",
                "line 4, column 'y'",
                "'inf' is not a finite number",
            ],
        },
        Case {
            file: "csv-one-class.json",
            expected: &[
                "one-class.csv",
                "column 'label'",
                "classification needs at least two",
            ],
        },
        Case {
            file: "csv-zero-rows.json",
            expected: &["zero-rows.csv", "no data rows"],
        },
        Case {
            file: "csv-missing.json",
            expected: &["missing.csv", "cannot read"],
        },
        Case {
            file: "csv-folder.json",
            expected: &["a-folder.csv", "cannot read"],
        },
        Case {
            file: "too-large.json",
            expected: &["the file is 68157440 bytes; graph files over 64 MB are refused"],
        },
    ];
    (dir, cases)
}

/// Everything the library says about `path`: the load error, or the data set's, or every
/// compile error, one per line.
fn library_message(path: &Path) -> String {
    let document = match load_document(path) {
        Ok(document) => document,
        Err(error) => return error.to_string(),
    };
    let dataset = match load_dataset(&document.dataset, path.parent()) {
        Ok(dataset) => dataset,
        Err(error) => return error.to_string(),
    };
    match compile(&document, &dataset) {
        Ok(_) => "compiled".to_owned(),
        Err(errors) => errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn assert_mentions(what: &str, message: &str, expected: &[&str]) {
    for part in expected {
        assert!(
            message.contains(part),
            "{what}: {part:?} missing from {message:?}"
        );
    }
}

#[test]
fn the_library_names_what_is_wrong_and_where() {
    let (dir, cases) = bad_files("library");
    for case in &cases {
        let message = library_message(&dir.join(case.file));
        assert_mentions(case.file, &message, case.expected);
    }
}

#[test]
fn check_and_train_exit_with_1_and_name_the_problem() {
    let (dir, cases) = bad_files("cli");
    for case in &cases {
        let path = dir.join(case.file);
        for command in ["check", "train"] {
            let output = Command::new(env!("CARGO_BIN_EXE_layerwright"))
                .arg(command)
                .arg(&path)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let what = format!("{command} {}", case.file);
            assert_eq!(output.status.code(), Some(1), "{what}: {stderr}");
            assert!(output.stdout.is_empty(), "{what} printed a result");
            assert!(
                stderr.contains(case.file),
                "{what} does not name the file: {stderr}"
            );
            assert_mentions(&what, &stderr, case.expected);
        }
    }
}

#[test]
fn the_open_graph_is_untouched_by_a_file_that_cannot_be_loaded() {
    let (dir, cases) = bad_files("window");
    let ctx = egui::Context::default();
    let mut app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    app.apply(
        &ctx,
        layerwright::commands::Command::Edit(Edit::AddNode {
            template: NodeTemplate::Dense(layerwright_nn::Activation::Relu),
            position: [10.0, 10.0],
            from: None,
            into: None,
        }),
    );
    let edited = app.editor().document.document().clone();
    assert!(app.is_dirty());
    for case in &cases {
        let path = dir.join(case.file);
        if load_document(&path).is_ok() && case.file != "hundred-thousand-nodes.json" {
            // It loads: the window opens it and shows the problem on the canvas instead.
            let mut opened = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
            opened.open_path(&path);
            compiled(&mut opened, &ctx);
            let diagnostics = opened.editor().diagnostics().clone();
            let shown: Vec<String> = diagnostics
                .general_errors
                .iter()
                .cloned()
                .chain(diagnostics.node_errors.values().flatten().cloned())
                .chain(std::iter::once(diagnostics.data_summary.clone()))
                .collect();
            let last = case.expected.last().copied().unwrap_or_default();
            assert!(
                shown.iter().any(|m| m.contains(last)),
                "{}: {last:?} not shown in {shown:?}",
                case.file
            );
            continue;
        }
        app.close_modal();
        app.open_path(&path);
        assert_eq!(
            *app.editor().document.document(),
            edited,
            "{} changed the graph",
            case.file
        );
        assert!(app.is_dirty(), "{} lost the unsaved changes", case.file);
        let message = app.error_message().unwrap_or_default().to_owned();
        assert_mentions(case.file, &message, case.expected);
    }
}

/// Compiles the open graph as the window's frames would, waiting for the compiler thread.
fn compiled(app: &mut LayerwrightApp, ctx: &egui::Context) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    app.network_mut().update(ctx);
    while app.network().is_compiling() {
        assert!(
            std::time::Instant::now() < deadline,
            "the compile did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
        app.network_mut().update(ctx);
    }
}

/// Every leaf of `value` with its path, e.g. `(["training", "learning_rate"], 2.0)`.
fn leaves(value: &Value, path: &mut Vec<String>, found: &mut Vec<(Vec<String>, Value)>) {
    match value {
        Value::Object(fields) => {
            for (key, item) in fields {
                path.push(key.clone());
                leaves(item, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                leaves(item, path, found);
                path.pop();
            }
        }
        _ => found.push((path.clone(), value.clone())),
    }
}

#[test]
fn a_wrong_type_in_any_field_is_refused_with_its_place() {
    for example in ["xor.json", "spiral.json", "linear-regression.json"] {
        let text = layerwright::examples::example(example).unwrap().text;
        let document: Value = serde_json::from_str(text).unwrap();
        let mut found = Vec::new();
        leaves(&document, &mut Vec::new(), &mut found);
        assert!(found.len() > 40, "{example} has {} fields", found.len());
        for (path, value) in found {
            let wrong = if value.is_boolean() {
                json!("yes")
            } else {
                json!(true)
            };
            let mut spoiled = document.clone();
            let mut slot = &mut spoiled;
            for key in &path {
                slot = match key.parse::<usize>() {
                    Ok(index) if slot.is_array() => &mut slot[index],
                    _ => &mut slot[key.as_str()],
                };
            }
            *slot = wrong;
            let text = serde_json::to_string_pretty(&spoiled).unwrap();
            let dotted = path.join(".");
            let message = match layerwright_nn::graph::io::parse_document(&text, example) {
                Ok(_) => panic!("{example}: {dotted} = true was accepted"),
                Err(error) => error.to_string(),
            };
            // Where serde can follow it: the field itself, or the nearest enclosing value it
            // could track (an internally tagged enum reports its own place), as `a.b[2].c`.
            let mut prefixes = Vec::new();
            let mut written = String::new();
            for key in &path {
                match key.parse::<usize>() {
                    Ok(index) => written.push_str(&format!("[{index}]")),
                    Err(_) if written.is_empty() => written.push_str(key),
                    Err(_) => written.push_str(&format!(".{key}")),
                }
                prefixes.push(written.clone());
            }
            let located = prefixes
                .iter()
                .any(|p| message.contains(&format!(" {p}: ")))
                || (path.len() == 1 && message.contains(path[0].as_str()));
            assert!(located, "{example}: {dotted}: {message}");
            let after_name = &message[example.len()..];
            let has_line = after_name.starts_with(':')
                && after_name[1..]
                    .split(':')
                    .next()
                    .is_some_and(|l| l.parse::<usize>().is_ok());
            assert!(has_line || path.len() == 1, "no line: {message}");
            assert!(message.starts_with(example), "{message}");
        }
    }
}
