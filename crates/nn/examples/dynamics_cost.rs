//! What the training-dynamics view costs the trainer at full speed.
//!
//! The window's trainer gathers each update's gradient norms (one pass over the weight
//! gradients a step) and, at the display rate (every 90 ms), the units' activity on up to
//! 512 training examples. This trains two networks flat out for a few seconds with and
//! without that work, the two taking turns nine times, and prints each one's epochs per
//! second (the median of nine) and the slowdown (the median over the nine pairs of turns, so
//! the machine's drift between pairs cancels):
//!
//! `dynamics_cost network=NAME plain_epochs_per_second=X dynamics_epochs_per_second=Y slowdown_percent=Z`
//!
//! Seconds are the training thread's CPU time, so time the machine takes elsewhere does
//! not count against either.
//!
//! `cargo run --release -p layerwright-nn --example dynamics_cost -- [SECONDS]` (default 1
//! second a turn).

use std::path::Path;
use std::time::{Duration, Instant};

use layerwright_nn::compile::{CompiledGraph, compile, load_dataset};
use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::load_document;
use layerwright_nn::teach::lesson::parse_lesson;
use layerwright_nn::train::dynamics::ACTIVITY_SAMPLE;
use layerwright_nn::{Precision, Session};

/// How often the window's trainer sends the views (its `GRID_INTERVAL`).
const DISPLAY_INTERVAL: Duration = Duration::from_millis(90);
/// Turns of each kind.
const TURNS: usize = 9;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn compiled(document: &GraphDocument, folder: &Path) -> Result<CompiledGraph, String> {
    let dataset = load_dataset(&document.dataset, Some(folder)).map_err(|e| e.to_string())?;
    compile(document, &dataset).map_err(|errors| format!("{errors:?}"))
}

/// The time this thread has spent on a CPU, in nanoseconds (Linux), which the time the
/// hypervisor or other processes take from it does not inflate; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Epochs per second of this thread's CPU time (of wall time where that cannot be read)
/// over `seconds` of training, with or without the dynamics' work.
fn epochs_per_second(
    graph: &CompiledGraph,
    seconds: Duration,
    dynamics: bool,
) -> Result<f64, String> {
    let mut session: Session = graph.session(Precision::F32).map_err(|e| e.to_string())?;
    session.track_gradients(dynamics);
    let sample = graph.data.train.rows_in_f64(0..ACTIVITY_SAMPLE);
    let started = Instant::now();
    let cpu_at_start = thread_cpu_ns();
    let mut last_display = started;
    let mut epochs = 0usize;
    let mut layers = 0usize;
    while started.elapsed() < seconds {
        if session.run_epoch().is_err() {
            session.reset();
        }
        epochs += 1;
        if dynamics && last_display.elapsed() >= DISPLAY_INTERVAL {
            last_display = Instant::now();
            layers += session.epoch_gradients().to_vec().len();
            layers += session.layer_activity(sample.inputs.view()).len();
        }
    }
    // Keeps the gathered figures from being optimised away.
    std::hint::black_box(layers);
    let seconds = match (cpu_at_start, thread_cpu_ns()) {
        (Some(start), Some(end)) if end > start => (end - start) as f64 * 1e-9,
        _ => started.elapsed().as_secs_f64(),
    };
    Ok(epochs as f64 / seconds)
}

fn main() -> Result<(), String> {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1.0);
    let turn = Duration::from_secs_f64(seconds);
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets");
    let examples = assets.join("examples");
    let spiral = load_document(&examples.join("spiral.json")).map_err(|e| e.to_string())?;
    let lesson_text = std::fs::read_to_string(assets.join("lessons/5-deep-networks.json"))
        .map_err(|e| e.to_string())?;
    let lesson = parse_lesson(&lesson_text, "5-deep-networks.json").map_err(|e| e.to_string())?;
    let deep_bn = lesson
        .stages
        .last()
        .map(|stage| stage.graph.clone())
        .ok_or("lesson 5 has no stages")?;
    for (name, document) in [("spiral", spiral), ("deep_batch_norm", deep_bn)] {
        let graph = compiled(&document, &examples)?;
        let (mut plain, mut gathering, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..TURNS {
            let without = epochs_per_second(&graph, turn, false)?;
            let with = epochs_per_second(&graph, turn, true)?;
            plain.push(without);
            gathering.push(with);
            ratios.push(with / without);
        }
        println!(
            "dynamics_cost network={name} plain_epochs_per_second={:.1} \
             dynamics_epochs_per_second={:.1} slowdown_percent={:.1}",
            median(plain),
            median(gathering),
            100.0 * (1.0 - median(ratios))
        );
    }
    Ok(())
}
