//! A large CSV file loaded and trained for 5 epochs, with the time and peak memory each
//! step takes: the figure the README gives for real-world files.
//!
//! `cargo run --release --example large_csv -- [ROWS] [COLUMNS]` (default 1000000 × 20).
//! The file is written once into the system's temporary folder. Peak memory is the
//! process's high-water mark of resident memory (`VmHWM` in `/proc/self/status`, Linux).

use std::io::Write;
use std::time::Instant;

use layerwright_nn::Precision;
use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::data::Task;
use layerwright_nn::graph::DatasetSpec;
use layerwright_nn::graph::starter::starter_document_with;

/// The process's peak resident memory in MB, where the system says it.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes / 1024.0)
}

fn shown(peak: Option<f64>) -> String {
    peak.map_or_else(|| "unknown".to_owned(), |mb| format!("{mb:.0}"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let rows: usize = arguments.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let columns: usize = arguments.next().map_or(Ok(20), |a| a.parse())?;
    let path = std::env::temp_dir().join(format!("layerwright-large-{rows}x{columns}.csv"));
    if !path.exists() {
        // Features in [−1, 1) from a fixed generator; the target is their weighted sum.
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let header: Vec<String> = (1..=columns).map(|c| format!("x{c}")).collect();
        writeln!(file, "{},y", header.join(","))?;
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..rows {
            let mut target = 0.0;
            for c in 0..columns {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let value = ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0;
                target += value * (c as f64 + 1.0) / columns as f64;
                write!(file, "{value:.5},")?;
            }
            writeln!(file, "{target:.5}")?;
        }
        file.flush()?;
    }
    let bytes = std::fs::metadata(&path)?.len();
    println!(
        "file: {} ({rows} rows x {columns} columns, {:.0} MB)",
        path.display(),
        bytes as f64 / 1e6
    );
    let spec = DatasetSpec::csv(&path.display().to_string(), Task::Regression);
    let mut document = starter_document_with(spec, 0, 16, layerwright_nn::Activation::Relu);
    document.training.batching = layerwright_nn::Batching::MiniBatch { size: 256 };
    let start = Instant::now();
    let dataset = load_dataset(&document.dataset, None)?;
    let loaded_secs = start.elapsed().as_secs_f64();
    let peak_after_load = peak_mb();
    let compiled = compile(&document, &dataset).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    // As `layerwright train` does: the raw set goes once the samples are made.
    drop(dataset);
    let mut session = compiled.session(Precision::F32)?;
    let start = Instant::now();
    for _ in 0..5 {
        session.run_epoch()?;
    }
    let trained_secs = start.elapsed().as_secs_f64();
    let metrics = compiled.metrics(&mut session)?;
    println!(
        "load_secs={loaded_secs:.2} train_5_epochs_secs={trained_secs:.2} peak_mb_after_load={} peak_mb={} test_r2={:.4}",
        shown(peak_after_load),
        shown(peak_mb()),
        metrics.test.and_then(|t| t.r_squared).unwrap_or(f64::NAN)
    );
    Ok(())
}
