//! Loads a graph document, trains it headless for its epoch budget and prints metrics.
//!
//! `cargo run --release --example train_document -- assets/examples/spiral.json`

use std::path::Path;
use std::time::Instant;

use layerwright_nn::Precision;
use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::load_document;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        return Err("usage: train_document FILE.json".into());
    };
    let path = Path::new(&path);
    let document = load_document(path)?;
    let dataset = load_dataset(&document.dataset, path.parent())?;
    let compiled = compile(&document, &dataset).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let mut session = compiled.session(Precision::F32)?;
    let start = Instant::now();
    let report_every = (compiled.epochs / 10).max(1);
    for epoch in 1..=compiled.epochs {
        let report = session.run_epoch()?;
        if epoch % report_every == 0 || epoch == compiled.epochs {
            let metrics = compiled.metrics(&mut session)?;
            let accuracy = |e: Option<f64>| e.map_or_else(|| "-".to_owned(), |a| format!("{a:.4}"));
            println!(
                "epoch {epoch:>5}  batch loss {:.5}  train loss {:.5} acc {} r2 {}  test {}  ({:.2} s)",
                report.mean_batch_loss,
                metrics.train.loss,
                accuracy(metrics.train.accuracy),
                accuracy(metrics.train.r_squared),
                metrics.test.map_or_else(
                    || "none".to_owned(),
                    |t| format!(
                        "loss {:.5} acc {} r2 {}",
                        t.loss,
                        accuracy(t.accuracy),
                        accuracy(t.r_squared)
                    )
                ),
                start.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
