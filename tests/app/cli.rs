//! The command line as scripts see it: output formats, exit codes and error lines.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn layerwright(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layerwright"))
        .args(arguments)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/examples")
        .join(name)
        .display()
        .to_string()
}

fn temporary_dir(name: &str) -> common::TempFolder {
    common::TempFolder::new("cli", name)
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn check_accepts_a_valid_document() {
    let output = layerwright(&["check", &example("spiral.json")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).ends_with(
        "spiral.json: ok (4 nodes, 145 parameters, 400 training and 100 test examples)\n"
    ));
}

#[test]
fn check_prints_every_graph_error_as_path_node_message() {
    let dir = temporary_dir("check-graph");
    let path = dir.join("broken.json");
    let text = std::fs::read_to_string(example("spiral.json"))
        .unwrap()
        .replacen("\"units\": 8", "\"units\": 0", 1)
        .replacen("\"learning_rate\": 0.01", "\"learning_rate\": -1.0", 1);
    std::fs::write(&path, text).unwrap();
    let output = layerwright(&["check", path_str(&path)]);
    assert_eq!(output.status.code(), Some(1));
    let shown = path.display();
    assert_eq!(
        stderr(&output),
        format!(
            "{shown}: training: the learning rate must be a positive number, got -1\n{shown}: node 'hidden1': 0 units is outside 1..=4096\n"
        )
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn check_prints_path_line_and_column_for_a_file_that_does_not_parse() {
    let dir = temporary_dir("check-syntax");
    let path = dir.join("truncated.json");
    std::fs::write(
        &path,
        "{\n  \"format\": \"layerwright.graph\",\n  \"version\": 1,\n  \"nodes\": [\n",
    )
    .unwrap();
    let output = layerwright(&["check", path_str(&path)]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!("{}:5:0: EOF while parsing a list\n", path.display())
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let output = layerwright(&["train"]);
    assert_eq!(output.status.code(), Some(2));
    let output = layerwright(&[
        "export",
        &example("xor.json"),
        "--format",
        "pdf",
        "--out",
        "x",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let output = layerwright(&["no-such-file.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no-such-file.json does not exist"));
}

#[test]
fn every_command_has_help() {
    for command in ["check", "train", "predict", "export"] {
        let output = layerwright(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).contains("Usage: layerwright"), "{command}");
    }
}

/// `key=value` pairs of the train result line, checking every number has six decimals.
fn parse_result_line(line: &str) -> Vec<(String, String)> {
    line.split(' ')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap();
            if key != "epochs" && value != "nan" {
                let (_, decimals) = value.split_once('.').unwrap();
                assert_eq!(decimals.len(), 6, "{pair}");
                value.parse::<f64>().unwrap();
            }
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

#[test]
fn train_prints_exactly_one_classification_line_and_writes_nothing_without_out() {
    let dir = temporary_dir("train-classification");
    let copy = dir.join("circle.json");
    std::fs::copy(example("circle.json"), &copy).unwrap();
    let output = layerwright(&["train", path_str(&copy), "--epochs", "20", "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1);
    let keys: Vec<String> = parse_result_line(text.trim_end())
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        keys,
        [
            "epochs",
            "train_loss",
            "test_loss",
            "train_accuracy",
            "test_accuracy"
        ]
    );
    assert!(text.starts_with("epochs=20 "));
    assert_eq!(
        stderr(&output),
        "",
        "no progress bar when stderr is not a terminal"
    );
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1, "nothing written without --out");
}

#[test]
fn train_prints_r2_for_regression() {
    let output = layerwright(&["train", &example("linear-regression.json"), "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let pairs = parse_result_line(stdout(&output).trim_end());
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["epochs", "train_loss", "test_loss", "train_r2", "test_r2"]
    );
    assert!(pairs[4].1.parse::<f64>().unwrap() > 0.99);
}

#[test]
fn the_same_seed_gives_the_same_line_and_another_seed_another() {
    let run = |seed: &str| {
        stdout(&layerwright(&[
            "train",
            &example("circle.json"),
            "--epochs",
            "5",
            "--seed",
            seed,
        ]))
    };
    assert_eq!(run("4"), run("4"));
    assert_ne!(run("4"), run("5"));
}

#[test]
fn train_out_writes_a_trained_document_that_predict_and_export_use() {
    let dir = temporary_dir("train-out");
    let trained = dir.join("iris-trained.json");
    let output = layerwright(&["train", &example("iris.json"), "--out", path_str(&trained)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let check = layerwright(&["check", path_str(&trained)]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "the trained document is valid: {}",
        stderr(&check)
    );
    let input = dir.join("flowers.csv");
    std::fs::write(
        &input,
        "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n",
    )
    .unwrap();
    let output = layerwright(&["predict", path_str(&trained), "--input", path_str(&input)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "predicted,p_setosa,p_versicolor,p_virginica");
    assert!(lines[1].starts_with("setosa,"), "{text}");
    assert!(lines[2].starts_with("virginica,"), "{text}");
    let probabilities: f64 = lines[1]
        .split(',')
        .skip(1)
        .map(|p| p.parse::<f64>().unwrap())
        .sum();
    assert!((probabilities - 1.0).abs() < 1e-9);
    let written = dir.join("predictions.csv");
    let output = layerwright(&[
        "predict",
        path_str(&trained),
        "--input",
        path_str(&input),
        "--output",
        path_str(&written),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&written).unwrap(), text);
    let exported = dir.join("exported.json");
    let output = layerwright(&[
        "export",
        path_str(&trained),
        "--format",
        "json",
        "--out",
        path_str(&exported),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&exported).unwrap(),
        std::fs::read_to_string(&trained).unwrap()
    );
}

#[test]
fn predict_gives_regression_values_in_the_data_units() {
    let dir = temporary_dir("predict-regression");
    let trained = dir.join("line.json");
    let output = layerwright(&[
        "train",
        &example("linear-regression.json"),
        "--out",
        path_str(&trained),
        "--quiet",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let input = dir.join("x.csv");
    std::fs::write(&input, "0\n1\n").unwrap();
    let output = layerwright(&["predict", path_str(&trained), "--input", path_str(&input)]);
    let text = stdout(&output);
    let values: Vec<f64> = text.lines().skip(1).map(|l| l.parse().unwrap()).collect();
    assert_eq!(text.lines().next(), Some("prediction"));
    // y = 2x − 1: within 5% of −1 and 1.
    assert!(
        (values[0] + 1.0).abs() < 0.05 && (values[1] - 1.0).abs() < 0.05,
        "{values:?}"
    );
}

#[test]
fn predict_names_the_line_of_a_bad_input_row() {
    let dir = temporary_dir("predict-bad");
    let trained = dir.join("xor.json");
    layerwright(&[
        "train",
        &example("xor.json"),
        "--out",
        path_str(&trained),
        "--epochs",
        "1",
    ]);
    let input = dir.join("bad.csv");
    std::fs::write(&input, "0,1\n1,one\n0,0,1\n").unwrap();
    let output = layerwright(&["predict", path_str(&trained), "--input", path_str(&input)]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "{}: line 2, column 'x2': 'one' is not a number\n",
            input.display()
        )
    );
    std::fs::write(&input, "0,1\n0,0,1\n").unwrap();
    let output = layerwright(&["predict", path_str(&trained), "--input", path_str(&input)]);
    assert_eq!(
        stderr(&output),
        format!(
            "{}: line 2: expected 2 feature columns (x1, x2), found 3\n",
            input.display()
        )
    );
}

#[test]
fn predict_and_export_refuse_an_untrained_document() {
    let folder = temporary_dir("untrained");
    let input = folder.join("in.csv");
    std::fs::write(&input, "0,1\n").unwrap();
    for arguments in [
        vec!["predict", &example("xor.json"), "--input", path_str(&input)],
        vec![
            "export",
            &example("xor.json"),
            "--format",
            "json",
            "--out",
            "/dev/null",
        ],
    ] {
        let output = layerwright(&arguments);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output).contains("the document has no trained weights; train it first"),
            "{}",
            stderr(&output)
        );
    }
}

/// Whether PyTorch can be imported here.
fn torch_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import torch"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn onnx_export_writes_a_file_that_tract_checked() {
    let dir = temporary_dir("export-onnx");
    for name in layerwright::examples::EXAMPLES.iter().map(|e| e.file_name) {
        let trained = dir.join(name);
        let output = layerwright(&[
            "train",
            &example(name),
            "--out",
            path_str(&trained),
            "--epochs",
            "3",
            "--quiet",
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let target = dir.join(name.replace(".json", ".onnx"));
        let output = layerwright(&[
            "export",
            path_str(&trained),
            "--format",
            "onnx",
            "--out",
            path_str(&target),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let said = stdout(&output);
        assert!(
            said.starts_with(&format!(
                "wrote {} (ONNX opset 17); verified with tract: max difference ",
                target.display()
            )),
            "{said}"
        );
        assert!(said.trim_end().ends_with("on 100 inputs"), "{said}");
        let bytes = std::fs::read(&target).unwrap();
        assert!(bytes.len() > 100);
    }
}

/// The numbers of a CSV text's lines (the header and text cells such as class names left out).
fn numbers_by_line(text: &str) -> Vec<Vec<f64>> {
    text.lines()
        .map(|line| {
            line.split(',')
                .filter_map(|cell| cell.trim().parse::<f64>().ok())
                .collect::<Vec<f64>>()
        })
        .filter(|numbers| !numbers.is_empty())
        .collect()
}

#[test]
fn pytorch_export_predicts_what_predict_does_where_torch_runs_and_compiles_elsewhere() {
    let dir = temporary_dir("export-pytorch");
    let with_torch = torch_available();
    // Said past the test harness's capture, so a plain `cargo test` shows which check ran.
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        if with_torch {
            "PyTorch is installed: each exported file's predictions are compared with `layerwright predict`"
        } else {
            "NOTE: PyTorch is not installed: the exported files are only compiled (python3 -m py_compile), not run"
        }
    );
    for name in layerwright::examples::EXAMPLES.iter().map(|e| e.file_name) {
        let trained = dir.join(name);
        let output = layerwright(&[
            "train",
            &example(name),
            "--out",
            path_str(&trained),
            "--epochs",
            "2",
            "--quiet",
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let target = dir.join(name.replace(".json", ".py").replace('-', "_"));
        let output = layerwright(&[
            "export",
            path_str(&trained),
            "--format",
            "pytorch",
            "--out",
            path_str(&target),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            stdout(&output),
            format!("wrote {} (a PyTorch module)\n", target.display())
        );
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(text.contains("class Network(nn.Module):"));
        assert!(text.contains("def preprocess(raw"));
        assert!(text.contains("if __name__ == '__main__':"));
        if !with_torch {
            let check = std::process::Command::new("python3")
                .args(["-m", "py_compile"])
                .arg(&target)
                .output()
                .unwrap();
            assert!(
                check.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&check.stderr)
            );
            continue;
        }
        // Three rows of the raw columns the model expects, with a header.
        let document = layerwright_nn::graph::io::load_document(&trained).unwrap();
        let columns = document.weights.unwrap().data.raw_feature_names;
        let mut rows = vec![columns.join(",")];
        for r in 0..3 {
            let row: Vec<String> = (0..columns.len())
                .map(|c| format!("{:.2}", 0.1 * (c + 1) as f64 - 0.3 * r as f64))
                .collect();
            rows.push(row.join(","));
        }
        let input = dir.join("rows.csv");
        std::fs::write(&input, rows.join("\n") + "\n").unwrap();
        let script = std::process::Command::new("python3")
            .arg(&target)
            .arg(&input)
            .output()
            .unwrap();
        assert!(
            script.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&script.stderr)
        );
        let predicted = layerwright(&["predict", path_str(&trained), "--input", path_str(&input)]);
        assert_eq!(predicted.status.code(), Some(0), "{}", stderr(&predicted));
        let from_torch = numbers_by_line(&String::from_utf8_lossy(&script.stdout));
        let from_engine = numbers_by_line(&stdout(&predicted));
        assert_eq!(from_torch.len(), 3, "{name}: one line per row");
        assert_eq!(from_engine.len(), 3, "{name}: one line per row");
        for (torch_row, engine_row) in from_torch.iter().zip(&from_engine) {
            // The script prints the probabilities (or values) the engine lists last.
            let engine_tail = &engine_row[engine_row.len() - torch_row.len()..];
            for (t, e) in torch_row.iter().zip(engine_tail) {
                assert!(
                    (t - e).abs() <= 1e-4 * e.abs().max(1.0),
                    "{name}: PyTorch {torch_row:?} against the engine {engine_row:?}"
                );
            }
        }
    }
}

#[test]
fn export_of_an_invalid_document_names_the_problem_and_writes_nothing() {
    let dir = temporary_dir("export-invalid");
    // A trained document, so that only the broken wire stands in the way of exporting it.
    let trained = dir.join("trained.json");
    let output = layerwright(&[
        "train",
        &example("xor.json"),
        "--epochs",
        "5",
        "--out",
        path_str(&trained),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let broken = dir.join("broken.json");
    let text = std::fs::read_to_string(&trained).unwrap();
    assert!(
        text.contains("\"weights\""),
        "the document carries trained weights"
    );
    let text = text.replace("\"from\": \"input.out\"", "\"from\": \"nowhere.out\"");
    std::fs::write(&broken, text).unwrap();
    for format in ["json", "onnx", "pytorch"] {
        let target = dir.join(format!("model.{format}"));
        let output = layerwright(&[
            "export",
            path_str(&broken),
            "--format",
            format,
            "--out",
            path_str(&target),
        ]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let message = stderr(&output);
        assert!(message.contains("broken.json"), "{message}");
        assert!(
            message.contains("'nowhere'"),
            "{format}: the broken wire's missing node is named: {message}"
        );
        assert!(!message.contains("no trained weights"), "{message}");
        assert!(!target.exists());
    }
}

#[test]
fn a_diverging_run_stops_naming_the_epoch() {
    let dir = temporary_dir("diverge");
    let path = dir.join("wild.json");
    let text = std::fs::read_to_string(example("linear-regression.json"))
        .unwrap()
        .replace("\"learning_rate\": 0.05", "\"learning_rate\": 50.0");
    std::fs::write(&path, text).unwrap();
    let output = layerwright(&["train", path_str(&path), "--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("training diverged in epoch"), "{message}");
    assert!(message.contains("try a lower learning rate"), "{message}");
    assert_eq!(stdout(&output), "");
}

/// The diabetes set (a regression target) and Iris, copied into `dir` as a user's files.
fn bundled_copy(dir: &Path, name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/datasets")
        .join(name);
    let to = dir.join(name);
    std::fs::copy(from, &to).unwrap();
    to
}

#[test]
fn new_on_a_csv_writes_a_document_that_trains_a_classification_and_a_regression() {
    let dir = temporary_dir("new-csv");
    let data = bundled_copy(&dir, "iris.csv");
    std::fs::create_dir_all(dir.join("models")).unwrap();
    let doc = dir.join("models").join("iris.json");
    let output = layerwright(&[
        "new",
        "--data",
        path_str(&data),
        "--target",
        "species",
        "--out",
        path_str(&doc),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "wrote {} (classification of 'species' into 3 classes on {} (150 rows, 4 inputs): input → 16 ReLU units → output)\n",
            doc.display(),
            data.display()
        )
    );
    // The data's path is relative to the document's folder.
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.contains("\"path\": \"../iris.csv\""), "{text}");
    let output = layerwright(&["train", path_str(&doc), "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line = stdout(&output);
    let accuracy: f64 = line
        .split("test_accuracy=")
        .nth(1)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(accuracy > 0.85, "{line}");
    // The diabetes target has hundreds of values: a regression, guessed.
    let data = bundled_copy(&dir, "diabetes.csv");
    let doc = dir.join("diabetes.json");
    let header = std::fs::read_to_string(&data).unwrap();
    let target = header
        .lines()
        .next()
        .unwrap()
        .rsplit(',')
        .next()
        .unwrap()
        .to_owned();
    let output = layerwright(&[
        "new",
        "--data",
        path_str(&data),
        "--target",
        &target,
        "--out",
        path_str(&doc),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains(&format!("(regression of '{target}' on ")));
    let output = layerwright(&["train", path_str(&doc), "--quiet", "--epochs", "50"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("train_r2="), "{}", stdout(&output));
}

#[test]
fn new_with_text_columns_notes_what_it_ignored_on_stderr() {
    let dir = temporary_dir("new-notes");
    let data = dir.join("pets.csv");
    let mut text = String::from("id;kind;weight;legs\n");
    for i in 0..30 {
        let kind = ["cat", "dog", "bird"][i % 3];
        let legs = if kind == "bird" { 2 } else { 4 };
        text.push_str(&format!("pet-{i};{kind};{};{legs}\n", 3 + i % 7));
    }
    text.push_str("pet-99;cat;4;\n");
    std::fs::write(&data, text).unwrap();
    let doc = dir.join("pets.json");
    let output = layerwright(&[
        "new",
        "--data",
        path_str(&data),
        "--target",
        "legs",
        "--task",
        "classification",
        "--out",
        path_str(&doc),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "note: column 'id' is ignored: most rows have their own value (an id or a date?)\n\
         note: 1 row without a target ('legs') was left out\n"
    );
    let output = layerwright(&["train", path_str(&doc), "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).ends_with("test_accuracy=1.000000\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn new_with_a_generator_writes_a_document_that_trains() {
    let dir = temporary_dir("new-generator");
    let doc = dir.join("blobs.json");
    let output = layerwright(&[
        "new",
        "--generator",
        "blobs",
        "--classes",
        "4",
        "--noise",
        "0.1",
        "--samples",
        "400",
        "--out",
        path_str(&doc),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "wrote {} (the 4 blobs generator: input → 16 ReLU units → output)\n",
            doc.display()
        )
    );
    let output = layerwright(&["train", path_str(&doc), "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("test_accuracy=0.9"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn new_names_a_bad_target_and_refuses_unknown_generators_as_usage() {
    let dir = temporary_dir("new-bad");
    let data = bundled_copy(&dir, "iris.csv");
    let output = layerwright(&[
        "new",
        "--data",
        path_str(&data),
        "--target",
        "colour",
        "--out",
        path_str(&dir.join("x.json")),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "{}: there is no column named 'colour' (columns: sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm, species)\n",
            data.display()
        )
    );
    assert!(!dir.join("x.json").exists(), "nothing is written");
    let output = layerwright(&["new", "--generator", "moons", "--out", "y.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("there is no generator 'moons'"));
    let output = layerwright(&[
        "new",
        "--generator",
        "circle",
        "--gate",
        "and",
        "--out",
        "y.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "--gate is for logic_gate, not circle\n");
}

/// Writes a fruit CSV of `rows` rows (colour, weight, kind) with `separator` into `dir`,
/// makes its document with `new` and trains it with `train`; returns the trained file.
fn trained_fruit(dir: &Path, rows: u32, separator: char) -> PathBuf {
    let data = dir.join("fruit.csv");
    let mut text = format!("colour{separator}weight{separator}kind\n");
    for i in 0..rows {
        let (colour, weight, kind) = match i % 3 {
            0 => ("yellow", 120 + i % 9, "banana"),
            1 => ("red", 150 + i % 11, "apple"),
            _ => ("green", 160 + i % 7, "apple"),
        };
        text.push_str(&format!("{colour}{separator}{weight}{separator}{kind}\n"));
    }
    std::fs::write(&data, text).unwrap();
    let doc = dir.join("fruit.json");
    let trained = dir.join("fruit-trained.json");
    let made = layerwright(&[
        "new",
        "--data",
        path_str(&data),
        "--target",
        "kind",
        "--out",
        path_str(&doc),
    ]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let output = layerwright(&[
        "train",
        path_str(&doc),
        "--quiet",
        "--out",
        path_str(&trained),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    trained
}

#[test]
fn predict_finds_columns_by_name_in_any_order_with_the_target_present_and_fills_blanks() {
    let dir = temporary_dir("predict-names");
    let trained = trained_fruit(&dir, 60, ',');
    // Another order, the target present, a blank weight.
    let rows = dir.join("new.csv");
    std::fs::write(&rows, "kind,weight,colour\n?,121,yellow\n?,,red\n").unwrap();
    let output = layerwright(&["predict", path_str(&trained), "--input", path_str(&rows)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let predicted: Vec<String> = stdout(&output)
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().to_owned())
        .collect();
    assert_eq!(predicted, vec!["banana", "apple"]);
    // A colour it never saw is named with its line and column.
    std::fs::write(&rows, "colour,weight\npurple,130\n").unwrap();
    let output = layerwright(&["predict", path_str(&trained), "--input", path_str(&rows)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(
            "line 2, column 'colour': the category 'purple' was not in the training data (it has "
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_model_with_categories_exports_onnx_checked_by_tract_and_pytorch_that_reads_text_rows() {
    let dir = temporary_dir("export-categories");
    let trained = trained_fruit(&dir, 45, ';');
    // ONNX: the encoded inputs, checked in tract against the engine.
    let onnx = dir.join("fruit.onnx");
    let output = layerwright(&[
        "export",
        path_str(&trained),
        "--format",
        "onnx",
        "--out",
        path_str(&onnx),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("verified with tract"),
        "{}",
        stdout(&output)
    );
    let bytes = std::fs::read(&onnx).unwrap();
    let said = String::from_utf8_lossy(&bytes);
    assert!(
        said.contains("number columns in file order, then each category column one-hot (1 for the row's category), unnormalised: weight, colour=yellow, colour=red, colour=green"),
        "the input's doc string lists the columns"
    );
    // PyTorch: rows of text, columns by name.
    let python = dir.join("fruit.py");
    let output = layerwright(&[
        "export",
        path_str(&trained),
        "--format",
        "pytorch",
        "--out",
        path_str(&python),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let source = std::fs::read_to_string(&python).unwrap();
    assert!(source.contains("def preprocess(raw) -> torch.Tensor:"));
    assert!(
        source.contains("    (\"colour\", ('category', [\"yellow\", \"red\", \"green\"], "),
        "{source}"
    );
    let rows = dir.join("rows.csv");
    std::fs::write(
        &rows,
        "kind,weight,colour\n?,121,yellow\n?,,red\n?,161,green\n",
    )
    .unwrap();
    if !torch_available() {
        let check = std::process::Command::new("python3")
            .args(["-m", "py_compile"])
            .arg(&python)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
        return;
    }
    let script = std::process::Command::new("python3")
        .arg(&python)
        .arg(&rows)
        .output()
        .unwrap();
    assert!(
        script.status.success(),
        "{}",
        String::from_utf8_lossy(&script.stderr)
    );
    let predicted = layerwright(&["predict", path_str(&trained), "--input", path_str(&rows)]);
    assert_eq!(predicted.status.code(), Some(0), "{}", stderr(&predicted));
    let from_torch = numbers_by_line(&String::from_utf8_lossy(&script.stdout));
    let from_engine = numbers_by_line(&stdout(&predicted));
    assert_eq!(from_torch.len(), 3);
    assert_eq!(from_engine.len(), 3);
    for (torch_row, engine_row) in from_torch.iter().zip(&from_engine) {
        // The script prints what the engine lists last: for two classes and a sigmoid,
        // p(second class) after the engine's p(first class).
        let engine_tail = &engine_row[engine_row.len() - torch_row.len()..];
        for (a, b) in torch_row.iter().zip(engine_tail) {
            assert!((a - b).abs() < 1e-4, "{torch_row:?} against {engine_row:?}");
        }
    }
}

#[test]
fn train_with_early_stopping_prints_the_epochs_trained_and_the_best_epoch() {
    let folder = temporary_dir("early-stopping");
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/examples/circle.json")).unwrap();
    document["dataset"]["source"]["samples"] = serde_json::json!(60);
    document["dataset"]["source"]["noise"] = serde_json::json!(0.5);
    document["dataset"]["train_fraction"] = serde_json::json!(0.8);
    document["nodes"][1]["units"] = serde_json::json!(64);
    document["training"]["learning_rate"] = serde_json::json!(0.05);
    document["training"]["epochs"] = serde_json::json!(400);
    let plain = folder.join("plain.json");
    std::fs::write(&plain, document.to_string()).unwrap();
    document["training"]["early_stopping"] = serde_json::json!({"patience": 5});
    let stopping = folder.join("stopping.json");
    std::fs::write(&stopping, document.to_string()).unwrap();
    let output = layerwright(&["train", path_str(&stopping), "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = stdout(&output);
    let field = |name: &str| -> usize {
        let start = line.find(&format!("{name}=")).unwrap() + name.len() + 1;
        line[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (epochs, best) = (field("epochs"), field("best_epoch"));
    assert!(epochs < 400, "stopped early: {line}");
    assert_eq!(epochs, best + 5, "five epochs of patience: {line}");
    assert!(
        line.trim_end().ends_with(&format!(" best_epoch={best}")),
        "{line}"
    );
    // Without early stopping the line is as before: the whole budget, no best epoch.
    let output = layerwright(&["train", path_str(&plain), "--quiet"]);
    let line = stdout(&output);
    assert!(line.starts_with("epochs=400 "), "{line}");
    assert!(!line.contains("best_epoch"), "{line}");
}

/// The CSV's rows without their last column (the seconds, which differ run to run).
fn rows_without_seconds(csv: &str) -> Vec<String> {
    csv.lines()
        .map(|line| line.rsplit_once(',').unwrap().0.to_owned())
        .collect()
}

#[test]
fn a_two_by_two_sweep_gives_the_rows_train_gives_for_each_setting_alone() {
    let folder = temporary_dir("sweep");
    let circle = example("circle.json");
    let output = layerwright(&[
        "sweep",
        &circle,
        "--set",
        "training.learning_rate=0.01,0.1",
        "--set",
        "nodes.hidden.units=2,8",
        "--jobs",
        "2",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "training.learning_rate,nodes.hidden.units,seed,epochs,train_loss,test_loss,train_accuracy,test_accuracy,seconds"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    // Grid order, the first setting slowest; each row's numbers are train's on that setting.
    let mut document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&circle).unwrap()).unwrap();
    for (line, (rate, units)) in lines[1..]
        .iter()
        .zip([(0.01, 2), (0.01, 8), (0.1, 2), (0.1, 8)])
    {
        document["training"]["learning_rate"] = serde_json::json!(rate);
        document["nodes"][1]["units"] = serde_json::json!(units);
        let alone = folder.join(format!("circle-{rate}-{units}.json"));
        std::fs::write(&alone, document.to_string()).unwrap();
        let trained = stdout(&layerwright(&["train", path_str(&alone), "--quiet"]));
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(
            &fields[..3],
            [rate.to_string(), units.to_string(), "1".to_owned()]
        );
        let expected = format!(
            "epochs={} train_loss={} test_loss={} train_accuracy={} test_accuracy={}",
            fields[3], fields[4], fields[5], fields[6], fields[7]
        );
        assert_eq!(trained.trim(), expected);
    }
    // One job or two: the same rows in the same order.
    let one = layerwright(&[
        "sweep",
        &circle,
        "--set",
        "training.learning_rate=0.01,0.1",
        "--set",
        "nodes.hidden.units=2,8",
        "--jobs",
        "1",
    ]);
    assert_eq!(
        rows_without_seconds(&stdout(&one)),
        rows_without_seconds(&csv)
    );
}

#[test]
fn a_sweep_names_a_bad_path_or_value_and_exits_1_and_a_usage_error_exits_2() {
    let circle = example("circle.json");
    let output = layerwright(&["sweep", &circle, "--set", "training.momentum=0.9"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("'training.momentum' is not a setting a sweep can vary"),
        "{}",
        stderr(&output)
    );
    let output = layerwright(&["sweep", &circle, "--set", "nodes.nowhere.units=4"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no dense node 'nowhere'"),
        "{}",
        stderr(&output)
    );
    let output = layerwright(&[
        "sweep",
        &circle,
        "--set",
        "training.learning_rate=log:0:1:3",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("training.learning_rate: a log range needs positive ends"));
    let output = layerwright(&["sweep", &circle]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn summary_prints_a_row_per_node_and_the_total_of_learned_parameters() {
    let output = layerwright(&["summary", &example("iris.json")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stdout(&output);
    let lines: Vec<&str> = said.lines().collect();
    // 4 inputs → 8 → 3: (4·8 + 8) + (8·3 + 3) = 40 + 27 = 67.
    assert_eq!(lines.last(), Some(&"total_parameters=67"), "{said}");
    assert!(lines[0].starts_with("node"), "{said}");
    let rows: Vec<Vec<&str>> = lines[1..lines.len() - 1]
        .iter()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 3, "{said}");
    assert_eq!(rows[0], ["input", "input", "[batch, 4]", "-", "0"]);
    assert_eq!(rows[1][..3], ["hidden", "dense", "[batch, 8]"]);
    assert_eq!(rows[1][4], "40");
    assert_eq!(rows[2][..3], ["output", "output", "[batch, 3]"]);
    assert_eq!(rows[2][4], "27");
}

#[test]
fn summary_of_a_graph_that_cannot_compile_names_the_problem_and_exits_1() {
    let dir = temporary_dir("summary-broken");
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/examples/iris.json")).unwrap();
    document["edges"] = serde_json::json!([]);
    let broken = dir.join("broken.json");
    std::fs::write(&broken, document.to_string()).unwrap();
    let output = layerwright(&["summary", path_str(&broken)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("broken.json"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn diagram_writes_an_svg_naming_every_node_and_a_png_at_the_asked_scale() {
    let dir = temporary_dir("diagram");
    let svg_path = dir.join("spiral.svg");
    let output = layerwright(&[
        "diagram",
        &example("spiral.json"),
        "--out",
        path_str(&svg_path),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!("wrote {} (4 nodes, SVG)\n", svg_path.display())
    );
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let xml = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = xml
        .descendants()
        .filter(roxmltree::Node::is_text)
        .filter_map(|n| n.text())
        .collect();
    for id in ["input", "hidden1", "hidden2", "output"] {
        assert!(texts.contains(&id), "'{id}' as text in {texts:?}");
    }
    assert!(texts.contains(&"8 units, tanh") && texts.contains(&"[batch, 8]"));
    let width: f64 = xml
        .root_element()
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    let height: f64 = xml
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    // The PNG at scale 2 is twice the SVG's size on each side.
    let png_path = dir.join("spiral.png");
    let output = layerwright(&[
        "diagram",
        &example("spiral.json"),
        "--out",
        path_str(&png_path),
        "--scale",
        "2",
        "--theme",
        "dark",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let decoder = png::Decoder::new(std::io::Cursor::new(std::fs::read(&png_path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!(
        (f64::from(info.width), f64::from(info.height)),
        (2.0 * width, 2.0 * height)
    );
}

#[test]
fn diagram_refuses_other_extensions_as_a_usage_error_and_keeps_the_old_file_on_failure() {
    let dir = temporary_dir("diagram-refused");
    let pdf = dir.join("spiral.pdf");
    let output = layerwright(&["diagram", &example("spiral.json"), "--out", path_str(&pdf)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("must end in .svg or .png"),
        "{}",
        stderr(&output)
    );
    assert!(!pdf.exists());
    // A document that cannot be read: exit 1, the picture already there untouched.
    let svg = dir.join("kept.svg");
    std::fs::write(&svg, "<svg/>").unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let output = layerwright(&["diagram", path_str(&broken), "--out", path_str(&svg)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("broken.json"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg/>");
}

/// Iris trained for 30 epochs and exported to ONNX in `dir`: the trained document and the
/// model.
fn iris_onnx(dir: &Path) -> (PathBuf, PathBuf) {
    let trained = dir.join("iris-trained.json");
    let output = layerwright(&[
        "train",
        &example("iris.json"),
        "--epochs",
        "30",
        "--out",
        path_str(&trained),
        "--quiet",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let model = dir.join("iris.onnx");
    let output = layerwright(&[
        "export",
        path_str(&trained),
        "--format",
        "onnx",
        "--out",
        path_str(&model),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (trained, model)
}

/// `predict`'s CSV as rows of numbers after the label column.
fn predicted_numbers(output: &Output) -> Vec<Vec<f64>> {
    stdout(output)
        .lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .skip(1)
                .map(|v| v.parse().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn import_makes_a_document_from_an_onnx_model_that_predicts_as_the_model_and_says_the_class_order()
{
    let dir = temporary_dir("import");
    let data = bundled_copy(&dir, "iris.csv");
    let (trained, model) = iris_onnx(&dir);
    let doc = dir.join("imported.json");
    let output = layerwright(&[
        "import",
        path_str(&model),
        "--data",
        path_str(&data),
        "--target",
        "species",
        "--out",
        path_str(&doc),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stdout(&output);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "wrote {} (classification of 'species' into 3 classes, 3 nodes, from {})",
            doc.display(),
            model.display()
        )
    );
    assert!(
        lines[1].starts_with("class_order=setosa,versicolor,virginica (Layerwright's order"),
        "{said}"
    );
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.contains("\"path\": \"iris.csv\""), "{text}");
    assert!(text.contains("\"normalization\": \"none\""), "{text}");
    // The same flowers, predicted by the original and by the imported document.
    let rows = dir.join("rows.csv");
    std::fs::write(&rows, "5.1,3.5,1.4,0.2\n6.3,2.5,4.9,1.5\n7.7,3.0,6.1,2.3\n").unwrap();
    let original = layerwright(&["predict", path_str(&trained), "--input", path_str(&rows)]);
    let imported = layerwright(&["predict", path_str(&doc), "--input", path_str(&rows)]);
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    let (expected, found) = (predicted_numbers(&original), predicted_numbers(&imported));
    assert_eq!(expected.len(), 3);
    for (e, f) in expected.iter().flatten().zip(found.iter().flatten()) {
        assert!((e - f).abs() <= 1e-5 * e.abs().max(1.0), "{e} against {f}");
    }
    // The trained document's model summary and the imported one's agree.
    let summary = layerwright(&["summary", path_str(&doc)]);
    assert!(stdout(&summary).ends_with("total_parameters=67\n"));
    // Told that the model's outputs are virginica, setosa, versicolor, the first column
    // (setosa's probability in truth) is read as virginica's.
    let permuted = dir.join("permuted.json");
    let output = layerwright(&[
        "import",
        path_str(&model),
        "--data",
        path_str(&data),
        "--target",
        "species",
        "--classes",
        "virginica,setosa,versicolor",
        "--out",
        path_str(&permuted),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("class_order=virginica,setosa,versicolor (as --classes gives it)"),
        "{}",
        stdout(&output)
    );
    let swapped = predicted_numbers(&layerwright(&[
        "predict",
        path_str(&permuted),
        "--input",
        path_str(&rows),
    ]));
    for (e, f) in expected.iter().zip(&swapped) {
        // Layerwright's columns: setosa, versicolor, virginica.
        let (setosa, versicolor, virginica) = (f[0], f[1], f[2]);
        assert!((virginica - e[0]).abs() < 1e-5 && (setosa - e[1]).abs() < 1e-5);
        assert!((versicolor - e[2]).abs() < 1e-5);
    }
}

#[test]
fn import_refuses_what_it_cannot_read_naming_it_and_writes_nothing() {
    let dir = temporary_dir("import-refusals");
    let data = bundled_copy(&dir, "iris.csv");
    let (_, model) = iris_onnx(&dir);
    let doc = dir.join("never.json");
    let import = |model: &Path, extra: &[&str]| {
        let mut arguments = vec![
            "import",
            path_str(model),
            "--data",
            path_str(&data),
            "--target",
            "species",
            "--out",
            path_str(&doc),
        ];
        arguments.extend_from_slice(extra);
        layerwright(&arguments)
    };
    let broken = common::onnx_with_cosh(&model, &dir);
    let output = import(&broken, &[]);
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert!(
        said.starts_with(&format!("{}: operator Cosh (node 'Cosh_", broken.display())),
        "{said}"
    );
    assert!(said.contains("is not understood"), "{said}");
    let output = import(&model, &["--classes", "setosa,versicolor,rose"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("'rose' not among the target's classes"));
    assert!(stderr(&output).contains("'virginica' missing"));
    let output = import(&model, &["--loss", "squared_error"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the loss squared error does not fit the output function softmax"),
        "{}",
        stderr(&output)
    );
    let output = import(&model, &["--loss", "hinge"]);
    assert_eq!(output.status.code(), Some(2));
    let output = import(&dir.join("iris.csv"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not an ONNX model"),
        "{}",
        stderr(&output)
    );
    assert!(!doc.exists());
}
