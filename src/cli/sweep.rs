//! `layerwright sweep FILE --set PATH=VALUES... [--random N] [--repeats R] [--jobs N]
//! [--out results.csv]`: the document trained once per combination on worker threads, one
//! CSV row per run in grid order (the first `--set` varying slowest), whatever `--jobs`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use layerwright_nn::data::Task;
use layerwright_nn::graph::io::{load_document, write_atomically};
use layerwright_nn::sweep::{Sweep, SweepPath, SweepRow, run_sweep};

use super::{Failure, decimal};

/// What `sweep` was asked to do, from its arguments.
pub struct SweepRequest<'a> {
    /// The document.
    pub file: &'a Path,
    /// Each `PATH=VALUES`.
    pub sets: &'a [String],
    /// Random draws instead of the grid.
    pub random: Option<usize>,
    /// Runs per combination.
    pub repeats: usize,
    /// Worker threads (default: every core).
    pub jobs: Option<usize>,
    /// Where to write the CSV (default: standard output).
    pub out: Option<&'a Path>,
    /// Whether to draw a progress bar (a terminal).
    pub progress: bool,
}

/// Parses `PATH=VALUES` into the sweep's settings, naming a bad path or value.
pub fn parse_sets(
    sets: &[String],
) -> Result<Vec<(SweepPath, Vec<layerwright_nn::sweep::SweepValue>)>, Failure> {
    sets.iter()
        .map(|set| {
            let (path, values) = set
                .split_once('=')
                .ok_or_else(|| Failure::one(format!("--set {set}: write it as PATH=VALUES")))?;
            let path: SweepPath = path
                .trim()
                .parse()
                .map_err(|e: layerwright_nn::sweep::SweepError| Failure::one(e.to_string()))?;
            let values = path
                .values(values.trim())
                .map_err(|e| Failure::one(e.to_string()))?;
            Ok((path, values))
        })
        .collect()
}

/// Runs the sweep and writes its CSV.
pub fn sweep(request: &SweepRequest, out: &mut dyn Write) -> Result<(), Failure> {
    let shown = request.file.display();
    let document = load_document(request.file).map_err(|e| Failure::one(e.to_string()))?;
    let sweep = Sweep {
        settings: parse_sets(request.sets)?,
        random: request.random,
        repeats: request.repeats.max(1),
    };
    sweep
        .check(&document)
        .map_err(|e| Failure::one(format!("{shown}: {e}")))?;
    let points = sweep.points(document.training.seed);
    let jobs = request
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let bar = if request.progress {
        let bar = indicatif::ProgressBar::new(points.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40.cyan/blue} {pos}/{len} runs  [{elapsed_precise}, {eta} left]",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let folder = request.file.parent().map(Path::to_path_buf);
    let results = run_sweep(&document, folder, &sweep, jobs, Arc::new(|| true));
    let mut rows: Vec<Option<SweepRow>> = vec![None; points.len()];
    for (index, result) in results {
        bar.inc(1);
        let row = result.map_err(|e| {
            bar.abandon();
            Failure::one(format!("{shown}: {e}"))
        })?;
        rows[index] = Some(row);
    }
    bar.finish_and_clear();
    let task = layerwright_nn::compile::load_dataset(&document.dataset, request.file.parent())
        .map_or(Task::Classification, |d| d.task);
    let score = match task {
        Task::Classification => "accuracy",
        Task::Regression => "r2",
    };
    let mut text = String::new();
    let mut header: Vec<String> = sweep.settings.iter().map(|(p, _)| p.to_string()).collect();
    header.extend([
        "seed".to_owned(),
        "epochs".to_owned(),
        "train_loss".to_owned(),
        "test_loss".to_owned(),
        format!("train_{score}"),
        format!("test_{score}"),
        "seconds".to_owned(),
    ]);
    text.push_str(&header.join(","));
    text.push('\n');
    for row in rows.into_iter().flatten() {
        let mut cells: Vec<String> = row.point.values.iter().map(ToString::to_string).collect();
        cells.extend([
            row.point.seed.to_string(),
            row.epochs.to_string(),
            decimal(Some(row.train_loss)),
            decimal(row.test_loss),
            decimal(row.train_score),
            decimal(row.test_score),
            format!("{:.3}", row.seconds),
        ]);
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    match request.out {
        Some(path) => {
            write_atomically(path, text.as_bytes()).map_err(|e| Failure::one(e.to_string()))
        }
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| Failure::one(format!("cannot write the results: {e}"))),
    }
}
