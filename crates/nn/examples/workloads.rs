//! Trains the benchmark workloads of `shared/bench/WORKLOADS.md` through the engine's public
//! API and prints one JSON line per workload on stdout:
//!
//! ```text
//! {"workload":"A","precision":"f32","repeats":5,"wall_s_median":…,"updates_per_s":…,
//!  "examples_per_s":…,"checkpoints":[{"epochs":1,"loss":…},…],"final_loss":…,"final_accuracy":…}
//! {"workload":"C","precision":"f32","repeats":200,"ms_per_grid_median":…}
//! {"workload":"D","precision":"f32","repeats":5,"wall_s_median":…,…}
//! ```
//!
//! (A, then B, C and D, the convolutional network on the 8 × 8 digits.)
//!
//! Run with `cargo run --release -p layerwright-nn --example workloads`; add
//! `-- --precision f64` to train in f64 (to compare with the table's f64 column).

use std::time::Instant;

use layerwright_nn::workloads::{Workload, decision_grid};
use layerwright_nn::{Precision, Session, TrainingError};
use ndarray::Array2;
use serde::Serialize;

const WORKLOAD_A: &str = include_str!("../benches/data/workload_A.json");
const WORKLOAD_B: &str = include_str!("../benches/data/workload_B.json");
const WORKLOAD_D: &str = include_str!("../benches/data/workload_D.json");

/// Timed repeats of a training workload.
const TRAINING_REPEATS: usize = 5;
/// Timed repeats of the decision-boundary grid (after one warm-up).
const GRID_REPEATS: usize = 200;

#[derive(Serialize)]
struct Checkpoint {
    epochs: usize,
    loss: f64,
}

#[derive(Serialize)]
struct TrainingLine {
    workload: String,
    precision: &'static str,
    repeats: usize,
    wall_s_median: f64,
    updates_per_s: f64,
    examples_per_s: f64,
    checkpoints: Vec<Checkpoint>,
    final_loss: f64,
    final_accuracy: f64,
}

#[derive(Serialize)]
struct GridLine {
    workload: &'static str,
    precision: &'static str,
    repeats: usize,
    ms_per_grid_median: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        0.5 * (values[middle - 1] + values[middle])
    }
}

fn new_session(workload: &Workload, precision: Precision) -> Result<Session, TrainingError> {
    Session::new(
        workload.architecture.clone(),
        &workload.initial,
        &workload.samples,
        workload.config(),
        precision,
    )
}

fn precision_name(precision: Precision) -> &'static str {
    match precision {
        Precision::F32 => "f32",
        Precision::F64 => "f64",
    }
}

/// The full-training-set loss after each checkpoint's epoch count (untimed).
fn checkpoints(
    workload: &Workload,
    precision: Precision,
    epochs: &[usize],
) -> Result<Vec<Checkpoint>, TrainingError> {
    let mut session = new_session(workload, precision)?;
    let mut found = Vec::new();
    for &target in epochs {
        session.run_epochs(target - session.epochs())?;
        found.push(Checkpoint {
            epochs: target,
            loss: session.evaluate(&workload.samples)?.loss,
        });
    }
    Ok(found)
}

/// Trains the workload `TRAINING_REPEATS` times from the same initial weights, timing the
/// training loop only, and returns its line and the trained session.
fn run_training(
    workload: &Workload,
    precision: Precision,
    checkpoint_epochs: &[usize],
) -> Result<(TrainingLine, Session), TrainingError> {
    let checkpoints = checkpoints(workload, precision, checkpoint_epochs)?;
    let mut times = Vec::new();
    let mut trained = None;
    for _ in 0..TRAINING_REPEATS {
        let mut session = new_session(workload, precision)?;
        let start = Instant::now();
        session.run_epochs(workload.spec.epochs)?;
        times.push(start.elapsed().as_secs_f64());
        trained = Some(session);
    }
    let mut session = match trained {
        Some(session) => session,
        None => new_session(workload, precision)?,
    };
    let evaluation = session.evaluate(&workload.samples)?;
    let wall = median(times);
    let updates = (workload.updates_per_epoch() * workload.spec.epochs) as f64;
    let examples = (workload.spec.n * workload.spec.epochs) as f64;
    let line = TrainingLine {
        workload: workload.spec.name.clone(),
        precision: precision_name(precision),
        repeats: TRAINING_REPEATS,
        wall_s_median: wall,
        updates_per_s: updates / wall,
        examples_per_s: examples / wall,
        checkpoints,
        final_loss: evaluation.loss,
        final_accuracy: evaluation.accuracy.unwrap_or(f64::NAN),
    };
    Ok((line, session))
}

/// Workload C: σ(z) of the trained workload-A network on the 200×200 grid, one batch.
#[allow(clippy::cast_possible_truncation)] // grid coordinates are small
fn run_grid(session: &mut Session) -> GridLine {
    let grid = decision_grid(200).mapv(|v| v as f32);
    let mut outputs = Array2::<f32>::zeros((grid.nrows(), 1));
    session.predict_f32_into(grid.view(), outputs.view_mut());
    let times: Vec<f64> = (0..GRID_REPEATS)
        .map(|_| {
            let start = Instant::now();
            session.predict_f32_into(grid.view(), outputs.view_mut());
            start.elapsed().as_secs_f64()
        })
        .collect();
    GridLine {
        workload: "C",
        precision: precision_name(session.precision()),
        repeats: GRID_REPEATS,
        ms_per_grid_median: median(times) * 1e3,
    }
}

fn print_line(line: &impl Serialize) -> Result<(), Box<dyn std::error::Error>> {
    println!("{}", serde_json::to_string(line)?);
    Ok(())
}

fn parse_precision() -> Result<Precision, String> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] | ["--precision", "f32"] => Ok(Precision::F32),
        ["--precision", "f64"] => Ok(Precision::F64),
        _ => Err(format!(
            "usage: workloads [--precision f32|f64], got {arguments:?}"
        )),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let precision = parse_precision()?;
    let a = Workload::from_json(WORKLOAD_A)?;
    let (line_a, mut trained_a) = run_training(&a, precision, &[1, 10, 100, 300, 500])?;
    print_line(&line_a)?;
    let b = Workload::from_json(WORKLOAD_B)?;
    let (line_b, _) = run_training(&b, precision, &[1, 10, 50, 100])?;
    print_line(&line_b)?;
    print_line(&run_grid(&mut trained_a))?;
    let d = Workload::from_json(WORKLOAD_D)?;
    let (line_d, _) = run_training(&d, precision, &[1, 5, 10, 20])?;
    print_line(&line_d)?;
    Ok(())
}
