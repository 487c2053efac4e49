//! Runs kept beside a document: what changed between two runs in words, the runs file's
//! round trip and errors, and the size cap's order (oldest un-noted curves first).

use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::parse_document;
use layerwright_nn::runs::{RunPoint, RunRecord, RunsFile, RunsFileError, describe_changes};

fn example(name: &str) -> GraphDocument {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/examples")
        .join(name);
    parse_document(&std::fs::read_to_string(path).unwrap(), name).unwrap()
}

#[test]
fn each_edit_is_described_in_words_with_its_old_and_new_value() {
    let xor = example("xor.json");
    assert!(describe_changes(&xor, &xor).is_empty(), "nothing changed");
    let mut faster = xor.clone();
    faster.training.learning_rate = 0.5;
    assert_eq!(describe_changes(&xor, &faster), ["learning rate 2 → 0.5"]);
    let mut wider = xor.clone();
    let layerwright_nn::graph::Node::Dense(hidden) = &mut wider.nodes[1] else {
        panic!("xor's second node is its hidden layer");
    };
    hidden.units = 16;
    hidden.activation = layerwright_nn::Activation::Tanh;
    assert_eq!(
        describe_changes(&xor, &wider),
        ["hidden: 2 → 16 units", "hidden: sigmoid → tanh"]
    );
    let circle = example("circle.json");
    let mut noisier = circle.clone();
    if let layerwright_nn::graph::DataSource::Generated { noise, .. } = &mut noisier.dataset.source
    {
        *noise = 0.2;
    }
    noisier.dataset.train_fraction = 0.8;
    assert_eq!(
        describe_changes(&circle, &noisier),
        ["data: noise 0.05 → 0.2", "data: train fraction 0.5 → 0.8"]
    );
    let mut batched = circle.clone();
    batched.training.batching = layerwright_nn::Batching::MiniBatch { size: 32 };
    batched.training.seed = 9;
    assert_eq!(
        describe_changes(&circle, &batched),
        [
            "batch mini batch (size 10) → mini batch (size 32)",
            "seed 1 → 9"
        ]
    );
}

fn point(epoch: usize) -> RunPoint {
    RunPoint {
        epoch,
        train_loss: 1.0 / epoch as f64,
        test_loss: Some(2.0 / epoch as f64),
        train_score: Some(0.5),
        test_score: Some(0.4),
    }
}

/// `count` runs of the XOR example, each with `epochs` epochs of curve.
fn file_of(count: u64, epochs: usize) -> RunsFile {
    let xor = example("xor.json");
    let mut file = RunsFile::default();
    for id in 1..=count {
        let mut run = RunRecord::start(id, &xor, file.runs.last().map(|r| &r.document), 1000 + id);
        for epoch in 1..=epochs {
            run.push(point(epoch));
        }
        run.wall_seconds = 1.5;
        file.runs.push(run);
    }
    file
}

#[test]
fn the_runs_file_round_trips_and_says_what_is_wrong_with_another_file() {
    let mut file = file_of(2, 5);
    file.runs[1].note = "the good one".to_owned();
    let text = file.to_json().unwrap();
    assert!(text.contains("\"format\": \"layerwright.runs\""));
    assert_eq!(RunsFile::parse(&text, "xor.runs.json").unwrap(), file);
    assert_eq!(file.next_id(), 3);
    let graph = include_str!("../../../../assets/examples/xor.json");
    assert!(matches!(
        RunsFile::parse(graph, "xor.json"),
        Err(RunsFileError::Json { .. } | RunsFileError::Format { .. })
    ));
    let newer = text.replace("\"version\": 1", "\"version\": 2");
    assert!(
        RunsFile::parse(&newer, "new.runs.json")
            .unwrap_err()
            .to_string()
            .contains("version 2")
    );
    let broken = RunsFile::parse("{\n  \"format\": ", "broken.runs.json").unwrap_err();
    assert!(
        broken
            .to_string()
            .starts_with("broken.runs.json: line 2, column"),
        "{broken}"
    );
}

#[test]
fn the_cap_drops_the_oldest_un_noted_runs_curves_first() {
    // Five runs of 2000 epochs; the oldest has a note.
    let mut file = file_of(5, 2000);
    file.runs[0].note = "keep".to_owned();
    let whole = file.to_json().unwrap().len();
    // A little under the whole: one thinned curve is enough, and it is run 2's.
    file.enforce_limits(200, whole - 1000);
    let lengths: Vec<usize> = file.runs.iter().map(|r| r.curve.len()).collect();
    assert!(
        lengths[1] <= 101 && file.runs[1].curve_thinned,
        "{lengths:?}"
    );
    assert_eq!(lengths[0], 2000, "the noted run keeps its curve");
    assert_eq!(&lengths[2..], [2000, 2000, 2000]);
    // Smaller: every un-noted curve is thinned, then the oldest dropped, before the noted
    // run's is touched; the last and best epochs stay.
    let mut small = file_of(5, 2000);
    small.runs[0].note = "keep".to_owned();
    // Room for the noted run, one run without a curve and three thinned, and a little.
    let mut expected = small.clone();
    expected.runs[1].curve.clear();
    for run in &mut expected.runs[2..] {
        run.curve = run.curve.iter().step_by(20).copied().collect();
    }
    small.enforce_limits(200, expected.to_json().unwrap().len() + 2000);
    let lengths: Vec<usize> = small.runs.iter().map(|r| r.curve.len()).collect();
    assert_eq!(lengths[0], 2000, "{lengths:?}");
    assert_eq!(lengths[1], 0, "{lengths:?}");
    assert!(
        lengths[2..].iter().all(|&n| n > 0 && n <= 101),
        "{lengths:?}"
    );
    assert!(small.runs[1].best.is_some() && small.runs[1].last.is_some());
    // Over the count, the oldest un-noted runs go whole.
    let mut many = file_of(6, 3);
    many.runs[0].note = "keep".to_owned();
    many.enforce_limits(4, usize::MAX);
    let ids: Vec<u64> = many.runs.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 4, 5, 6]);
}
