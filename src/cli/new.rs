//! `layerwright new`: a document that `train` accepts as it is, on a CSV file or a
//! generator, with input → a hidden ReLU layer → an output that fits the task.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use layerwright_nn::compile::{DatasetLoadError, load_dataset};
use layerwright_nn::data::{
    ColumnChoice, ColumnRole, Gate, Generator, HeaderRow, TableSource, TargetColumn, Task,
    guess_task_and_classes,
};
use layerwright_nn::graph::io::save_document;
use layerwright_nn::graph::starter::{classes_among, starter_document_with};
use layerwright_nn::graph::{DataSource, DatasetSpec, GraphDocument};
use layerwright_nn::{Activation, Batching};

use super::{Failure, write_line};

/// The hidden layer's width unless `--hidden` says otherwise.
pub const DEFAULT_HIDDEN_UNITS: usize = 16;
/// Epochs, batch size and learning rate that train the bundled sets well.
const EPOCHS: usize = 200;
const BATCH_SIZE: usize = 16;
const LEARNING_RATE: f64 = 0.01;

/// What `new` builds on.
#[derive(Clone, Debug, PartialEq)]
pub enum NewData {
    /// A CSV file, its target column, the task (guessed when absent), ignored columns.
    Csv {
        /// The file.
        path: PathBuf,
        /// The target column's name.
        target: String,
        /// Classification or regression; guessed from the target when absent.
        task: Option<Task>,
        /// Columns left out.
        ignore: Vec<String>,
    },
    /// A generator by its document name, with its settings.
    Generated {
        /// The generator with its parameters.
        generator: Generator,
        /// Points, noise, seed (the generator's defaults where absent).
        samples: Option<usize>,
        /// The noise level.
        noise: Option<f64>,
        /// The seed.
        seed: Option<u64>,
    },
}

/// Every generator's name as documents spell it (`circle`, `spiral_arms`, …).
pub fn generator_names() -> Vec<String> {
    Generator::all()
        .iter()
        .filter_map(|g| {
            serde_json::to_value(g)
                .ok()?
                .get("kind")?
                .as_str()
                .map(str::to_owned)
        })
        .fold(Vec::new(), |mut names, name| {
            if !names.contains(&name) {
                names.push(name);
            }
            names
        })
}

/// The generator called `name` (as documents spell it) with `classes` or `gate` applied;
/// an error line when the option does not belong to it.
pub fn generator_named(
    name: &str,
    classes: Option<usize>,
    gate: Option<Gate>,
) -> Result<Generator, Failure> {
    let mut generator = Generator::all()
        .into_iter()
        .find(|g| {
            serde_json::to_value(g)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(|k| k == name)))
                .unwrap_or(false)
        })
        .ok_or_else(|| {
            Failure::one(format!(
                "there is no generator named '{name}' (generators: {})",
                generator_names().join(", ")
            ))
        })?;
    match (&mut generator, classes) {
        (Generator::SpiralArms { classes } | Generator::Blobs { classes }, Some(count)) => {
            *classes = count;
        }
        (_, Some(_)) => {
            return Err(Failure::one(format!(
                "--classes is for spiral_arms and blobs, not {name}"
            )));
        }
        _ => {}
    }
    match (&mut generator, gate) {
        (Generator::LogicGate { gate }, Some(chosen)) => *gate = chosen,
        (_, Some(_)) => {
            return Err(Failure::one(format!(
                "--gate is for logic_gate, not {name}"
            )));
        }
        _ => {}
    }
    Ok(generator)
}

/// `target` relative to the folder `base`, with `..` where needed; `target` as given when
/// they share no root (another drive).
fn relative_to(base: &Path, target: &Path) -> PathBuf {
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|cwd| cwd.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let (base, target) = (absolute(base), absolute(target));
    let base_parts: Vec<Component> = base.components().collect();
    let target_parts: Vec<Component> = target.components().collect();
    let shared = base_parts
        .iter()
        .zip(&target_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if shared == 0 {
        return target;
    }
    let mut relative = PathBuf::new();
    for _ in shared..base_parts.len() {
        relative.push("..");
    }
    for part in &target_parts[shared..] {
        relative.push(part.as_os_str());
    }
    relative
}

/// Classification or regression for `target` of the CSV at `path`, as [`guess_task_and_classes`]
/// guesses it (text, or at most 10 distinct whole numbers, are classes).
pub fn guess_task(path: &Path, target: &str) -> Result<Task, Failure> {
    guess_task_and_classes(
        &TableSource::File(path),
        HeaderRow::Present,
        &TargetColumn::Name(target.to_owned()),
    )
    .map(|(task, _)| task)
    .map_err(|e| Failure::one(format!("{}: {e}", path.display())))
}

/// The data set of a document written to `out` on the CSV at `path` (with a header), its
/// `target` column, `task`, and the `ignore`d columns; the path is stored relative to the
/// document's folder, which is returned too.
pub fn csv_spec(
    path: &Path,
    target: &str,
    task: Task,
    ignore: &[String],
    out: &Path,
) -> (DatasetSpec, PathBuf) {
    let folder = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let stored = relative_to(&folder, path);
    let mut spec = DatasetSpec::csv(&stored.display().to_string(), task);
    if let DataSource::Csv { header, .. } = &mut spec.source {
        *header = HeaderRow::Present;
    }
    spec.target = TargetColumn::Name(target.to_owned());
    spec.columns = ignore
        .iter()
        .map(|name| ColumnChoice {
            name: name.clone(),
            role: Some(ColumnRole::Ignored),
            kind: None,
        })
        .collect();
    (spec, folder)
}

/// The document `new` writes to `out` for `data` with `hidden` ReLU units, and the notes
/// to print on standard error.
pub fn new_document(
    data: &NewData,
    hidden: usize,
    out: &Path,
) -> Result<(GraphDocument, String, Vec<String>), Failure> {
    let (spec, classes, what, notes) = match data {
        NewData::Csv {
            path,
            target,
            task,
            ignore,
        } => {
            let shown = path.display();
            let task = match task {
                Some(task) => *task,
                None => guess_task(path, target)?,
            };
            let (spec, folder) = csv_spec(path, target, task, ignore, out);
            // Read as `train` will read it (split included), naming the file as given.
            let dataset = load_dataset(&spec, Some(&folder)).map_err(|error| {
                Failure::one(match error {
                    DatasetLoadError::Csv { source, .. } => format!("{shown}: {source}"),
                    DatasetLoadError::Io { source, .. } => {
                        format!("{shown}: cannot read the file: {source}")
                    }
                    DatasetLoadError::Settings(problem) => format!("{shown}: {problem}"),
                })
            })?;
            let classes = match task {
                Task::Classification => classes_among(&dataset.targets),
                Task::Regression => 0,
            };
            let kind = match task {
                Task::Classification => {
                    format!("classification of '{target}' into {classes} classes")
                }
                Task::Regression => format!("regression of '{target}'"),
            };
            let what = format!(
                "{kind} on {shown} ({} rows, {} inputs)",
                dataset.len(),
                dataset.feature_count()
            );
            (spec, classes, what, dataset.notes)
        }
        NewData::Generated {
            generator,
            samples,
            noise,
            seed,
        } => {
            let defaults = generator.default_settings();
            let settings = layerwright_nn::data::GeneratorSettings {
                samples: samples.unwrap_or(defaults.samples),
                noise: noise.unwrap_or(defaults.noise),
                seed: seed.unwrap_or(defaults.seed),
            };
            if let Some(problem) = generator.problem(&settings) {
                return Err(Failure::one(problem));
            }
            let mut spec = DatasetSpec::generated(generator.clone());
            spec.normalization = layerwright_nn::data::Normalization::ZScore;
            spec.source = DataSource::Generated {
                generator: generator.clone(),
                samples: settings.samples,
                noise: settings.noise,
                seed: settings.seed,
            };
            let what = format!("the {} generator", generator.name());
            (spec, generator.classes(), what, Vec::new())
        }
    };
    let mut document = starter_document_with(spec, classes, hidden, Activation::Relu);
    document.training.epochs = EPOCHS;
    document.training.learning_rate = LEARNING_RATE;
    document.training.batching = Batching::MiniBatch { size: BATCH_SIZE };
    let sentence = format!("{what}: input → {hidden} ReLU units → output");
    Ok((document, sentence, notes))
}

/// `new (--data FILE.csv --target COLUMN … | --generator NAME …) [--hidden N] --out DOC.json`:
/// writes the document, says so on `out`, notes on `notes`.
pub fn new(
    data: &NewData,
    hidden: usize,
    out_path: &Path,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<(), Failure> {
    if hidden == 0 {
        return Err(Failure::one("--hidden must be at least 1"));
    }
    let (document, what, found) = new_document(data, hidden, out_path)?;
    save_document(&document, out_path).map_err(|e| Failure::one(e.to_string()))?;
    for note in found {
        writeln!(notes, "note: {note}")
            .map_err(|e| Failure::one(format!("cannot write the output: {e}")))?;
    }
    write_line(out, &format!("wrote {} ({what})", out_path.display()))
}
