//! Sweep scaling: 16 runs of the spiral example (500 epochs each, seeds 1 to 16) with one
//! worker, then with one worker per core; prints both times and a last line
//! `speed-up=X.XX` (the first time over the second).
//!
//! `cargo run --release --example sweep_benchmark`

use std::sync::Arc;
use std::time::Instant;

use layerwright_nn::graph::io::parse_document;
use layerwright_nn::sweep::{Sweep, run_sweep};

/// Runs in the sweep.
const RUNS: usize = 16;
/// Epochs per run.
const EPOCHS: usize = 500;

fn main() {
    let text = layerwright::examples::example("spiral.json")
        .map(|example| example.text)
        .unwrap_or_default();
    let mut document = match parse_document(text, "spiral.json") {
        Ok(document) => document,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    document.training.epochs = EPOCHS;
    // No settings varied: the same document sixteen times, seeds 1…16.
    let sweep = Sweep {
        settings: Vec::new(),
        random: None,
        repeats: RUNS,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut seconds = Vec::new();
    for jobs in [1, cores] {
        let started = Instant::now();
        let results = run_sweep(&document, None, &sweep, jobs, Arc::new(|| true));
        let mut finished = 0;
        for (_, result) in results {
            if let Err(error) = result {
                eprintln!("{error}");
                std::process::exit(1);
            }
            finished += 1;
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!("jobs={jobs} runs={finished} epochs={EPOCHS} seconds={elapsed:.3}");
        seconds.push(elapsed);
    }
    println!("speed-up={:.2}", seconds[0] / seconds[1]);
}
