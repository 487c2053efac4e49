//! Sweep scaling: 16 runs of the spiral example (500 epochs each, seeds 1 to 16) with one
//! worker, then with one worker per core; prints both times and a last line
//! `speed-up=X.XX` (the first time over the second). Each time is the best of five
//! sweeps (one worker and every core taking turns), after one untimed sweep that warms the caches and the clock up: a sweep takes
//! about a second, so one sweep alone swings with whatever else the machine does.
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
/// Sweeps timed per worker count; the best is kept.
const TRIALS: usize = 5;

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
    let time = |jobs: usize| -> f64 {
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
        if finished != RUNS {
            eprintln!("only {finished} of {RUNS} runs finished");
            std::process::exit(1);
        }
        started.elapsed().as_secs_f64()
    };
    time(cores);
    // One worker and every core in turn, so a busy spell of the machine falls on both.
    let mut seconds = [f64::INFINITY; 2];
    for _ in 0..TRIALS {
        for (slot, jobs) in [1, cores].into_iter().enumerate() {
            seconds[slot] = seconds[slot].min(time(jobs));
        }
    }
    for (slot, jobs) in [1, cores].into_iter().enumerate() {
        println!(
            "jobs={jobs} runs={RUNS} epochs={EPOCHS} seconds={:.3} (best of {TRIALS})",
            seconds[slot]
        );
    }
    println!("speed-up={:.2}", seconds[0] / seconds[1]);
}
