//! The headless command line: `new`, `import`, `check`, `summary`, `diagram`, `train`,
//! `predict`, `export` and `sweep`.
//!
//! Its output is an interface that scripts rely on: one error per line on stderr
//! (`PATH:LINE:COL: message` for text that does not parse, `PATH: node 'ID': message` for
//! graph errors), one result line on stdout for `train`, CSV for `predict`; exit code 0 on
//! success, 1 for bad input or a failed run, 2 for usage errors (clap's own).

pub mod import;
pub mod new;
pub mod sweep;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::network::diagram::DiagramTheme;

pub use crate::document::export::{ExportFormat, Exported, export_bytes};
use layerwright_nn::Precision;
use layerwright_nn::compile::{CompiledGraph, TrainedRun, compile, compile_trained, load_dataset};
use layerwright_nn::data::{Task, read_prediction_rows};
use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::{load_document, save_document, write_atomically};
use layerwright_nn::network::inference::Predictions;
use layerwright_nn::train::training::Evaluation;

/// Build neural networks visually and watch them learn.
#[derive(Debug, Parser)]
#[command(name = "layerwright", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A graph document to open in the app (the spiral example when absent).
    pub file: Option<PathBuf>,
    /// A headless command instead of the app.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new graph document that `train` accepts as it is: on a CSV file
    /// (`--data FILE.csv --target COLUMN`) or a generator (`--generator NAME`), with
    /// input → a hidden ReLU layer → an output that fits the task.
    New {
        /// A CSV file with a header row.
        #[arg(
            long,
            value_name = "FILE.csv",
            required_unless_present = "generator",
            conflicts_with = "generator",
            requires = "target"
        )]
        data: Option<PathBuf>,
        /// The CSV's target column, by name.
        #[arg(long, value_name = "COLUMN", requires = "data")]
        target: Option<String>,
        /// Classification or regression (default: guessed from the target: text, or at most
        /// 10 distinct whole numbers, are classes).
        #[arg(long, value_enum, requires = "data")]
        task: Option<TaskArg>,
        /// A column to leave out (repeat for several).
        #[arg(long, value_name = "COLUMN", requires = "data")]
        ignore: Vec<String>,
        /// A generator, as documents spell it: circle, xor, two_gaussians, spiral,
        /// regression_plane, multi_gaussian, line, linear_features, logic_gate,
        /// spiral_arms, blobs.
        #[arg(long, value_name = "NAME", value_parser = parse_generator_name)]
        generator: Option<String>,
        /// The generator's noise (default 0).
        #[arg(long, requires = "generator")]
        noise: Option<f64>,
        /// How many points (default: the generator's).
        #[arg(long, requires = "generator")]
        samples: Option<usize>,
        /// The generator's seed (default 1).
        #[arg(long, requires = "generator")]
        seed: Option<u64>,
        /// Classes of spiral_arms or blobs.
        #[arg(long, requires = "generator")]
        classes: Option<usize>,
        /// The logic_gate's gate.
        #[arg(long, value_enum, requires = "generator")]
        gate: Option<GateArg>,
        /// Units in the hidden ReLU layer.
        #[arg(long, default_value_t = new::DEFAULT_HIDDEN_UNITS)]
        hidden: usize,
        /// The document to write.
        #[arg(long, value_name = "DOC.json")]
        out: PathBuf,
    },
    /// Make a graph document from an ONNX model on a CSV file: the model's layers as nodes,
    /// its numbers as trained weights, its inputs taken as they are (no normalisation).
    Import {
        /// The ONNX model.
        #[arg(value_name = "MODEL.onnx")]
        model: PathBuf,
        /// A CSV file with a header row.
        #[arg(long, value_name = "FILE.csv")]
        data: PathBuf,
        /// The CSV's target column, by name.
        #[arg(long, value_name = "COLUMN")]
        target: String,
        /// Classification or regression (default: classification when the model ends in
        /// softmax, sigmoid or step, else guessed from the target as `new` does).
        #[arg(long, value_enum)]
        task: Option<TaskArg>,
        /// A column to leave out (repeat for several).
        #[arg(long, value_name = "COLUMN")]
        ignore: Vec<String>,
        /// The classes in the model's output order (default: Layerwright's, text labels
        /// alphabetically and numbers by value).
        #[arg(long, value_name = "A,B,C", value_parser = import::parse_class_list)]
        classes: Option<import::ClassList>,
        /// The loss, as documents spell it (default: the one fitting the output function).
        #[arg(long, value_name = "NAME", value_parser = import::parse_loss_name)]
        loss: Option<layerwright_nn::Loss>,
        /// The document to write.
        #[arg(long, value_name = "DOC.json")]
        out: PathBuf,
    },
    /// Validate a graph document and print every error (exit 1 if any).
    Check {
        /// The graph document.
        file: PathBuf,
    },
    /// Print a graph's summary: one row per node (id, kind, output shape, activation,
    /// learned parameters) and a last line `total_parameters=N` (exit 1 if it cannot
    /// compile).
    Summary {
        /// The graph document.
        file: PathBuf,
    },
    /// Draw a graph as a diagram for slides, SVG or PNG as `--out`'s extension says.
    Diagram {
        /// The graph document.
        file: PathBuf,
        /// The picture to write: `FILE.svg` or `FILE.png`.
        #[arg(long, value_name = "FILE.svg|FILE.png", value_parser = parse_diagram_path)]
        out: PathBuf,
        /// The colours: dark text on white, or the window's dark look.
        #[arg(long, value_enum, default_value_t = DiagramTheme::Light)]
        theme: DiagramTheme,
        /// Pixels per diagram unit in a PNG (2 for sharp slides; an SVG scales by itself).
        #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
        scale: f32,
    },
    /// Train a graph document and print one line of metrics.
    Train {
        /// The graph document.
        file: PathBuf,
        /// Epochs to train (default: the document's epoch budget).
        #[arg(long)]
        epochs: Option<usize>,
        /// Seed for the initial weights and shuffles (default: the document's).
        #[arg(long)]
        seed: Option<u64>,
        /// Write the trained document, with its weights, here.
        #[arg(long, value_name = "TRAINED.json")]
        out: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Predict with a trained document from a CSV of raw feature columns.
    Predict {
        /// A trained document (written by `train --out`).
        trained: PathBuf,
        /// A CSV of raw feature columns, no target column; a header row is optional.
        #[arg(long, value_name = "DATA.csv")]
        input: PathBuf,
        /// Where to write the predictions (default: standard output).
        #[arg(long, value_name = "PREDICTIONS.csv")]
        output: Option<PathBuf>,
    },
    /// Export a trained document to another format.
    Export {
        /// A trained document (written by `train --out`).
        trained: PathBuf,
        /// The format to write.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Train the document once per combination of settings, on every core, and write a
    /// CSV row per run.
    Sweep {
        /// The graph document.
        file: PathBuf,
        /// A setting and its values: `training.learning_rate=0.003,0.01`,
        /// `nodes.hidden.units=lin:8:64:8`, `training.learning_rate=log:0.001:0.1:5`.
        #[arg(long = "set", value_name = "PATH=VALUES", required = true)]
        set: Vec<String>,
        /// Draw this many combinations at random instead of the whole grid.
        #[arg(long)]
        random: Option<usize>,
        /// Runs of each combination, with seeds = the document's seed + 0, 1, …
        #[arg(long, default_value_t = 1)]
        repeats: usize,
        /// Worker threads (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Where to write the CSV (default: standard output).
        #[arg(long, value_name = "results.csv")]
        out: Option<PathBuf>,
    },
}

/// `--task` of `new`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TaskArg {
    /// Classes to tell apart.
    Classification,
    /// A number to predict.
    Regression,
}

impl TaskArg {
    /// The engine's task.
    pub fn task(self) -> Task {
        match self {
            Self::Classification => Task::Classification,
            Self::Regression => Task::Regression,
        }
    }
}

/// `--gate` of `new`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GateArg {
    /// 1 only at (1, 1).
    And,
    /// 0 only at (0, 0).
    Or,
    /// 1 where exactly one input is 1.
    Xor,
}

/// A diagram's path: its extension must be `svg` or `png` (a usage error otherwise).
fn parse_diagram_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("png") => Ok(path),
        _ => Err(format!(
            "'{text}' must end in .svg or .png (the extension chooses the format)"
        )),
    }
}

/// A PNG scale: above 0, at most 8.
fn parse_scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(scale) if scale > 0.0 && scale <= 8.0 => Ok(scale),
        _ => Err(format!(
            "the scale must be a number above 0 and at most 8, got '{text}'"
        )),
    }
}

/// A generator name `new` accepts, or the list of those it does (a usage error).
fn parse_generator_name(name: &str) -> Result<String, String> {
    let names = new::generator_names();
    if names.iter().any(|n| n == name) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "there is no generator '{name}' (generators: {})",
            names.join(", ")
        ))
    }
}

/// The data `new` was asked for, from its arguments.
#[allow(clippy::too_many_arguments)] // one per command-line option
fn new_data(
    data: Option<PathBuf>,
    target: Option<String>,
    task: Option<TaskArg>,
    ignore: Vec<String>,
    generator: Option<String>,
    (noise, samples, seed): (Option<f64>, Option<usize>, Option<u64>),
    classes: Option<usize>,
    gate: Option<GateArg>,
) -> Result<new::NewData, Failure> {
    if let (Some(path), Some(target)) = (data, target) {
        return Ok(new::NewData::Csv {
            path,
            target,
            task: task.map(TaskArg::task),
            ignore,
        });
    }
    let name = generator
        .ok_or_else(|| Failure::one("give --data FILE.csv --target COLUMN, or --generator NAME"))?;
    let gate = gate.map(|g| match g {
        GateArg::And => layerwright_nn::data::Gate::And,
        GateArg::Or => layerwright_nn::data::Gate::Or,
        GateArg::Xor => layerwright_nn::data::Gate::Xor,
    });
    Ok(new::NewData::Generated {
        generator: new::generator_named(&name, classes, gate)?,
        samples,
        noise,
        seed,
    })
}

/// Runs a headless command, writing to standard output and error.
pub fn run(command: Command) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let result = match command {
        Command::New {
            data,
            target,
            task,
            ignore,
            generator,
            noise,
            samples,
            seed,
            classes,
            gate,
            hidden,
            out,
        } => new_data(
            data,
            target,
            task,
            ignore,
            generator,
            (noise, samples, seed),
            classes,
            gate,
        )
        .and_then(|data| new::new(&data, hidden, &out, &mut stdout.lock(), &mut stderr.lock())),
        Command::Import {
            model,
            data,
            target,
            task,
            ignore,
            classes,
            loss,
            out,
        } => {
            let request = import::ImportRequest {
                model,
                data,
                target,
                task: task.map(TaskArg::task),
                ignore,
                classes: classes.map(|list| list.0),
                loss,
                out,
            };
            import::import(&request, &mut stdout.lock(), &mut stderr.lock())
        }
        Command::Check { file } => check(&file, &mut stdout.lock()),
        Command::Summary { file } => summary(&file, &mut stdout.lock()),
        Command::Diagram {
            file,
            out,
            theme,
            scale,
        } => diagram(&file, &out, theme, scale, &mut stdout.lock()),
        Command::Train {
            file,
            epochs,
            seed,
            out,
            quiet,
        } => {
            let progress = !quiet && stderr.is_terminal();
            train(
                &file,
                epochs,
                seed,
                out.as_deref(),
                progress,
                &mut stdout.lock(),
            )
        }
        Command::Predict {
            trained,
            input,
            output,
        } => predict(&trained, &input, output.as_deref(), &mut stdout.lock()),
        Command::Export {
            trained,
            format,
            out,
        } => export(&trained, format, &out, &mut stdout.lock()),
        Command::Sweep {
            file,
            set,
            random,
            repeats,
            jobs,
            out,
        } => sweep::sweep(
            &sweep::SweepRequest {
                file: &file,
                sets: &set,
                random,
                repeats,
                jobs,
                out: out.as_deref(),
                progress: stderr.is_terminal(),
            },
            &mut stdout.lock(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(lines)) => {
            let mut stderr = stderr.lock();
            for line in lines {
                // Nothing more can be done if standard error is closed.
                let _ = writeln!(stderr, "{line}");
            }
            ExitCode::from(1)
        }
    }
}

/// A failed command: the lines to print on standard error.
#[derive(Debug)]
pub struct Failure(pub Vec<String>);

impl Failure {
    pub(crate) fn one(line: impl Into<String>) -> Self {
        Self(vec![line.into()])
    }
}

/// `summary`: the compiled graph's model summary on standard output.
fn summary(path: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let (document, compiled) = load_and_compile(path, None)?;
    let text =
        layerwright_nn::compile::ModelSummary::new(&document, &compiled.architecture).to_text();
    out.write_all(text.as_bytes())
        .map_err(|e| Failure::one(format!("cannot write the summary: {e}")))
}

/// `diagram`: the document's diagram as SVG or PNG (as `out`'s extension says); the shapes
/// on the cards are those the editor shows, `[batch, ?]` where the data does not say.
fn diagram(
    path: &Path,
    out_path: &Path,
    diagram_theme: DiagramTheme,
    scale: f32,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    use crate::network::diagram::{diagram_png, diagram_svg};
    let document = load_document(path).map_err(|e| Failure::one(e.to_string()))?;
    let dataset = load_dataset(&document.dataset, path.parent())
        .map(std::sync::Arc::new)
        .map_err(|e| e.to_string());
    let compiled = dataset
        .as_ref()
        .map_err(|_| Vec::new())
        .and_then(|data| compile(&document, data));
    let diagnostics = crate::network::editor::diagnostics::diagnose(
        &document,
        &dataset,
        compiled.as_ref().map_err(Vec::as_slice),
    );
    let svg = diagram_svg(&document, &|id| diagnostics.shape_text(id), diagram_theme);
    let is_png = out_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let bytes = if is_png {
        diagram_png(&svg, scale).map_err(|e| Failure::one(e.to_string()))?
    } else {
        svg.into_bytes()
    };
    write_atomically(out_path, &bytes).map_err(|e| Failure::one(e.to_string()))?;
    write_line(
        out,
        &format!(
            "wrote {} ({} nodes, {})",
            out_path.display(),
            document.nodes.len(),
            if is_png {
                format!("PNG at scale {scale}")
            } else {
                "SVG".to_owned()
            }
        ),
    )
}

/// Loads a document and its data and compiles it; every problem becomes one line.
fn load_and_compile(
    path: &Path,
    seed: Option<u64>,
) -> Result<(GraphDocument, CompiledGraph), Failure> {
    let mut document = load_document(path).map_err(|e| Failure::one(e.to_string()))?;
    if let Some(seed) = seed {
        document.training.seed = seed;
    }
    let shown = path.display();
    let dataset = load_dataset(&document.dataset, path.parent())
        .map_err(|e| Failure::one(format!("{shown}: {e}")))?;
    let compiled = compile(&document, &dataset)
        .map_err(|errors| Failure(errors.iter().map(|e| format!("{shown}: {e}")).collect()))?;
    Ok((document, compiled))
}

pub(crate) fn write_line(out: &mut dyn Write, line: &str) -> Result<(), Failure> {
    writeln!(out, "{line}").map_err(|e| Failure::one(format!("cannot write the output: {e}")))
}

/// `check FILE`.
pub fn check(path: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let (document, compiled) = load_and_compile(path, None)?;
    write_line(
        out,
        &format!(
            "{}: ok ({} nodes, {} parameters, {} training and {} test examples)",
            path.display(),
            document.nodes.len(),
            compiled.architecture.parameter_count(),
            compiled.data.train.len(),
            compiled.data.test.len()
        ),
    )
}

/// A number for the result line: a plain decimal with 6 places, or `nan` when absent.
pub(crate) fn decimal(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.6}"),
        _ => "nan".to_owned(),
    }
}

/// The one result line of `train`.
pub fn result_line(
    task: Task,
    epochs: usize,
    train: &Evaluation,
    test: Option<&Evaluation>,
) -> String {
    let (name, train_score, test_score) = match task {
        Task::Classification => ("accuracy", train.accuracy, test.and_then(|t| t.accuracy)),
        Task::Regression => ("r2", train.r_squared, test.and_then(|t| t.r_squared)),
    };
    format!(
        "epochs={epochs} train_loss={} test_loss={} train_{name}={} test_{name}={}",
        decimal(Some(train.loss)),
        decimal(test.map(|t| t.loss)),
        decimal(train_score),
        decimal(test_score),
    )
}

/// `train FILE [--epochs N] [--seed S] [--out TRAINED.json] [--quiet]`.
pub fn train(
    path: &Path,
    epochs: Option<usize>,
    seed: Option<u64>,
    out_path: Option<&Path>,
    show_progress: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let (mut document, compiled) = load_and_compile(path, seed)?;
    let epochs = epochs.unwrap_or(compiled.epochs);
    let shown = path.display();
    let progress = if show_progress {
        let bar = indicatif::ProgressBar::new(epochs as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40.cyan/blue} {pos}/{len} epochs  {msg}  [{elapsed_precise}, {eta} left]",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    // Early stopping, when the document asks, watches after every epoch and may end early.
    let run = compiled.train(
        epochs,
        Precision::F32,
        |report| {
            progress.set_message(format!("loss {:.4}", report.mean_batch_loss));
            progress.inc(1);
        },
        || true,
    );
    // A diverging run names its epoch and suggests a lower learning rate.
    let TrainedRun {
        mut session,
        epochs_trained: trained,
        best_epoch,
    } = run.map_err(|error| {
        progress.abandon();
        Failure::one(format!("{shown}: {error}"))
    })?;
    progress.finish_and_clear();
    let metrics = compiled
        .metrics(&mut session)
        .map_err(|e| Failure::one(format!("{shown}: {e}")))?;
    if let Some(out_path) = out_path {
        let previous = document.weights.as_ref().map_or(0, |w| w.epochs);
        document.weights =
            Some(compiled.trained_weights(&session.parameters(), previous + trained));
        save_document(&document, out_path).map_err(|e| Failure::one(e.to_string()))?;
    }
    let mut line = result_line(
        compiled.data.description.task,
        trained,
        &metrics.train,
        metrics.test.as_ref(),
    );
    if let Some(best) = best_epoch {
        line.push_str(&format!(" best_epoch={best}"));
    }
    write_line(out, &line)
}

/// The CSV text of `predict`'s output.
pub fn predictions_csv(
    predictions: &Predictions,
    class_names: &[String],
) -> Result<String, Failure> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Failure::one(format!("cannot write the predictions: {e}"));
    match predictions {
        Predictions::Classes {
            predicted,
            probabilities,
        } => {
            let mut header = vec!["predicted".to_owned()];
            header.extend(class_names.iter().map(|c| format!("p_{c}")));
            writer.write_record(&header).map_err(fail)?;
            for (class, row) in predicted.iter().zip(probabilities.rows()) {
                let mut record = vec![
                    class_names
                        .get(*class)
                        .cloned()
                        .unwrap_or_else(|| class.to_string()),
                ];
                record.extend(row.iter().map(f64::to_string));
                writer.write_record(&record).map_err(fail)?;
            }
        }
        Predictions::Values(values) => {
            let header: Vec<String> = if values.ncols() == 1 {
                vec!["prediction".to_owned()]
            } else {
                (1..=values.ncols())
                    .map(|i| format!("prediction_{i}"))
                    .collect()
            };
            writer.write_record(&header).map_err(fail)?;
            for row in values.rows() {
                writer
                    .write_record(row.iter().map(f64::to_string))
                    .map_err(fail)?;
            }
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Failure::one(format!("cannot write the predictions: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::one(format!("cannot write the predictions: {e}")))
}

/// `predict TRAINED.json --input DATA.csv [--output PREDICTIONS.csv]`.
pub fn predict(
    trained: &Path,
    input: &Path,
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let document = load_document(trained).map_err(|e| Failure::one(e.to_string()))?;
    let model = compile_trained(&document).map_err(|errors| {
        Failure(
            errors
                .iter()
                .map(|e| format!("{}: {e}", trained.display()))
                .collect(),
        )
    })?;
    let text = std::fs::read_to_string(input)
        .map_err(|e| Failure::one(format!("{}: cannot read the file: {e}", input.display())))?;
    let description = model.description();
    let raw = read_prediction_rows(&text, description)
        .map_err(|e| Failure::one(format!("{}: {e}", input.display())))?;
    let predictions = model
        .predict(raw.view())
        .map_err(|e| Failure::one(format!("{}: {e}", input.display())))?;
    let csv_text = predictions_csv(&predictions, &description.class_names)?;
    match output {
        Some(path) => {
            write_atomically(path, csv_text.as_bytes()).map_err(|e| Failure::one(e.to_string()))
        }
        None => out
            .write_all(csv_text.as_bytes())
            .map_err(|e| Failure::one(format!("cannot write the predictions: {e}"))),
    }
}

/// `export TRAINED.json --format json|onnx|pytorch --out FILE`: writes the file (an ONNX
/// file only once tract agrees with the engine) and says what it wrote.
pub fn export(
    trained: &Path,
    format: ExportFormat,
    out_path: &Path,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let document = load_document(trained).map_err(|e| Failure::one(e.to_string()))?;
    let name = trained
        .file_stem()
        .map_or_else(|| "model".to_owned(), |s| s.to_string_lossy().into_owned());
    let exported = export_bytes(&document, trained.parent(), format, &name).map_err(|lines| {
        Failure(
            lines
                .iter()
                .map(|line| format!("{}: {line}", trained.display()))
                .collect(),
        )
    })?;
    write_atomically(out_path, &exported.bytes).map_err(|e| Failure::one(e.to_string()))?;
    let what = match format {
        ExportFormat::Json => "the trained graph document".to_owned(),
        ExportFormat::Onnx => format!("ONNX opset {}", layerwright_nn::export::onnx::OPSET),
        ExportFormat::Pytorch => "a PyTorch module".to_owned(),
        // Not offered by `--format` (skipped there), and refused by `export_bytes` above.
        ExportFormat::DiagramSvg | ExportFormat::DiagramPng => "a diagram".to_owned(),
    };
    let check = exported
        .verification
        .map_or_else(String::new, |v| format!("; {v}"));
    write_line(
        out,
        &format!("wrote {} ({what}){check}", out_path.display()),
    )
}
