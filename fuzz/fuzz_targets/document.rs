//! Any bytes as a graph document: parsing, then (for what parses) making its data and
//! compiling it must answer with a value or an error, never a panic, and a compiled graph
//! must survive one training epoch.
#![no_main]

use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::math::float::Precision;
use layerwright_nn::graph::io::parse_document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(document) = parse_document(text, "fuzz.json") else {
        return;
    };
    // Never read files named by the input: generated, bundled and inline data only.
    if matches!(
        document.dataset.source,
        layerwright_nn::graph::DataSource::Csv { .. }
    ) {
        return;
    }
    let Ok(dataset) = load_dataset(&document.dataset, None) else {
        return;
    };
    let Ok(compiled) = compile(&document, &dataset) else {
        return;
    };
    if compiled.architecture.parameter_count() > 100_000 || compiled.data.train.len() > 10_000 {
        return;
    }
    if let Ok(mut session) = compiled.session(Precision::F32) {
        let _ = session.run_epoch();
    }
});
