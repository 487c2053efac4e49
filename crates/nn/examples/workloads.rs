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
//! (A, then B, C and D, the convolutional network on the 8 × 8 digits.) Then the width
//! sweep, lines of the same keys named `width-16`, `width-48`, `width-100` and `width-256`:
//! workload B's data through two tanh layers of that many units, batches of 32.
//!
//! Run with `cargo run --release -p layerwright-nn --example workloads`; add
//! `-- --precision f64` to train in f64 (to compare with the table's f64 column),
//! `--only NAME` (repeatable) to run only those workloads (for a profiler), and `--profile`
//! to print, after the lines, where the time of one more untimed run of A, B and C goes:
//! each node's forward pass, backward pass and update, and the rest of a step.

use std::time::Instant;

use layerwright_nn::train::profile::Profile;
use layerwright_nn::workloads::{Workload, decision_grid};
use layerwright_nn::{Precision, Session, TrainingError};
use ndarray::Array2;
use serde::Serialize;

const WORKLOAD_A: &str = include_str!("../benches/data/workload_A.json");
const WORKLOAD_B: &str = include_str!("../benches/data/workload_B.json");
const WORKLOAD_D: &str = include_str!("../benches/data/workload_D.json");

/// Timed repeats of a training workload.
const TRAINING_REPEATS: usize = 5;
/// The width sweep's layer sizes (two tanh layers each).
const WIDTHS: [usize; 4] = [16, 48, 100, 256];
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

/// What the command line asks for.
struct Arguments {
    precision: Precision,
    /// Print where the time goes after the lines.
    profile: bool,
    /// Run only the workloads of these names (`A`, `B`, `C`, `D`, `width-16`, …); all when
    /// empty. For a profiler: `perf record … workloads --only B`.
    only: Vec<String>,
}

impl Arguments {
    /// Whether the workload of this name runs.
    fn wants(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|n| n == name)
    }
}

/// The command line: the precision, whether to profile, which workloads.
fn parse_arguments() -> Result<Arguments, String> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let mut parsed = Arguments {
        precision: Precision::F32,
        profile: false,
        only: Vec::new(),
    };
    let mut words = arguments.iter().map(String::as_str);
    while let Some(word) = words.next() {
        match word {
            "--profile" => parsed.profile = true,
            "--precision" => {
                parsed.precision = match words.next() {
                    Some("f32") => Precision::F32,
                    Some("f64") => Precision::F64,
                    _ => return Err(usage(&arguments)),
                };
            }
            "--only" => match words.next() {
                Some(name) => parsed.only.push(name.to_owned()),
                None => return Err(usage(&arguments)),
            },
            _ => return Err(usage(&arguments)),
        }
    }
    Ok(parsed)
}

fn usage(arguments: &[String]) -> String {
    format!(
        "usage: workloads [--precision f32|f64] [--profile] [--only NAME]..., got {arguments:?}"
    )
}

/// One run of `workload` with every pass timed, as a table.
fn profile_training(workload: &Workload, precision: Precision) -> Result<(), TrainingError> {
    let mut session = new_session(workload, precision)?;
    session.set_profiling(true);
    let start = Instant::now();
    session.run_epochs(workload.spec.epochs)?;
    let wall = start.elapsed();
    if let (Some(profile), _) = session.profiles() {
        print_profile(&workload.spec.name, workload, &profile, wall.as_secs_f64());
    }
    Ok(())
}

/// Workload C's grid, every node's forward pass timed.
#[allow(clippy::cast_possible_truncation)] // grid coordinates are small
fn profile_grid(session: &mut Session, workload: &Workload) {
    let grid = decision_grid(200).mapv(|v| v as f32);
    let mut outputs = Array2::<f32>::zeros((grid.nrows(), 1));
    session.set_profiling(true);
    let start = Instant::now();
    for _ in 0..GRID_REPEATS {
        session.predict_f32_into(grid.view(), outputs.view_mut());
    }
    let wall = start.elapsed().as_secs_f64();
    if let (_, Some(profile)) = session.profiles() {
        print_profile("C", workload, &profile, wall);
    }
    session.set_profiling(false);
}

/// The profile as a table: milliseconds per node and pass over the whole run, and shares.
fn print_profile(name: &str, workload: &Workload, profile: &Profile, wall: f64) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let total = ms(profile.total()).max(1e-9);
    println!(
        "profile {name}: {} passes, {:.1} ms measured of {:.1} ms wall (the rest: the loop, \
         the epoch bookkeeping, the timers)",
        profile.passes,
        total,
        wall * 1e3
    );
    println!(
        "  {:<10} {:>11} {:>11} {:>11} {:>7}",
        "node", "forward ms", "backward ms", "update ms", "share"
    );
    for (index, node) in workload.architecture.nodes().iter().enumerate() {
        let (f, b, u) = (
            ms(profile.forward[index]),
            ms(profile.backward[index]),
            ms(profile.update[index]),
        );
        println!(
            "  {:<10} {f:>11.2} {b:>11.2} {u:>11.2} {:>6.1}%",
            node.name,
            100.0 * (f + b + u) / total
        );
    }
    println!(
        "  {:<10} {:>35.2} {:>6.1}%",
        "batch+loss",
        ms(profile.other),
        100.0 * ms(profile.other) / total
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments = parse_arguments()?;
    let precision = arguments.precision;
    let a = Workload::from_json(WORKLOAD_A)?;
    let b = Workload::from_json(WORKLOAD_B)?;
    // C renders the trained workload-A network, so A trains whenever C runs.
    let mut trained_a = None;
    if arguments.wants("A") || arguments.wants("C") {
        let (line_a, session) = run_training(&a, precision, &[1, 10, 100, 300, 500])?;
        if arguments.wants("A") {
            print_line(&line_a)?;
        }
        trained_a = Some(session);
    }
    if arguments.wants("B") {
        let (line_b, _) = run_training(&b, precision, &[1, 10, 50, 100])?;
        print_line(&line_b)?;
    }
    if let (true, Some(trained_a)) = (arguments.wants("C"), &mut trained_a) {
        print_line(&run_grid(trained_a))?;
    }
    if arguments.wants("D") {
        let d = Workload::from_json(WORKLOAD_D)?;
        let (line_d, _) = run_training(&d, precision, &[1, 5, 10, 20])?;
        print_line(&line_d)?;
    }
    for width in WIDTHS {
        let name = format!("width-{width}");
        if arguments.wants(&name) {
            let sweep = b.with_layers(&name, &[2, width, width, 3], 32, 10)?;
            let (line, _) = run_training(&sweep, precision, &[1, 10])?;
            print_line(&line)?;
        }
    }
    if arguments.profile {
        if arguments.wants("A") {
            profile_training(&a, precision)?;
        }
        if arguments.wants("B") {
            profile_training(&b, precision)?;
        }
        if let (true, Some(trained_a)) = (arguments.wants("C"), &mut trained_a) {
            profile_grid(trained_a, &a);
        }
    }
    Ok(())
}
