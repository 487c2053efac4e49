//! The graph document: the committed v1 fixture, round trips, loader errors with line,
//! column and JSON path, atomic saves, and deterministic training from a document.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::{
    LoadError, MAX_FILE_BYTES, SaveError, document_to_json, load_document, parse_document,
    save_document,
};
use layerwright_nn::graph::{
    GraphDocument, LayerWeights, Node, TrainedWeights, VERSION, ViewState,
};
use layerwright_nn::{Precision, Session, SplitMix64};

const FIXTURE: &str = include_str!("../fixtures/v1-concat-xor.json");

fn temporary_dir(name: &str) -> common::TempFolder {
    common::TempFolder::new("test", name)
}

#[test]
fn the_v1_fixture_loads_compiles_and_predicts_xor_with_its_saved_weights() {
    let document = parse_document(FIXTURE, "v1-concat-xor.json").unwrap();
    assert_eq!(document.nodes.len(), 6);
    assert_eq!(document.training.learning_rate, 0.1);
    assert_eq!(
        document.view.as_ref().unwrap().positions["out"],
        [640.0, 160.0]
    );
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    assert!(compiled.from_trained_weights);
    // By hand: h1 = tanh(2.5a + 2.5b − 1), h2 = tanh(−2.5a − 2.5b + 3.75), the leaky units
    // have output weight 0, z = 3h1 + 3h2 − 2.9, ŷ = σ(z):
    // (0,0) → σ(−2.18810) = 0.100824; (0,1), (1,0) → σ(2.36030) = 0.913749;
    // (1,1) → σ(−2.44686) = 0.079668.
    let mut session = Session::new(
        compiled.architecture,
        &compiled.initial,
        &compiled.data.train,
        compiled.config,
        Precision::F64,
    )
    .unwrap();
    let inputs = ndarray::array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let predictions = session.predict(inputs.view()).unwrap();
    let expected = [
        0.100_824_292_479_973_1,
        0.913_749_111_454_125_9,
        0.913_749_111_454_125_9,
        0.079_668_253_275_344_87,
    ];
    for (found, wanted) in predictions.column(0).iter().zip(expected) {
        assert!((found - wanted).abs() < 1e-12, "{found} vs {wanted}");
    }
}

#[test]
fn saving_and_loading_gives_back_the_same_document() {
    let mut document = common::skip_document();
    let mut rng = SplitMix64::new(5);
    let weights: Vec<Vec<f64>> = (0..2)
        .map(|_| (0..6).map(|_| rng.uniform(-1.0, 1.0)).collect())
        .collect();
    document.weights = Some(TrainedWeights {
        epochs: 12,
        layers: [(
            "a".to_owned(),
            LayerWeights {
                weights,
                bias: Some(vec![0.1 + 0.2, 1e-300, -0.0, 5e-324, 1.0 / 3.0, f64::MAX]),
                ..LayerWeights::empty()
            },
        )]
        .into_iter()
        .collect(),
        data: parse_document(FIXTURE, "f").unwrap().weights.unwrap().data,
    });
    document.view = Some(ViewState {
        positions: [("a".to_owned(), [1.5, -2.25])].into_iter().collect(),
        zoom: 0.75,
        offset: [10.0, 20.0],
    });
    let dir = temporary_dir("round-trip");
    let path = dir.join("skip.json");
    save_document(&document, &path).unwrap();
    let loaded = load_document(&path).unwrap();
    assert_eq!(
        loaded, document,
        "every number survives exactly (float_roundtrip)"
    );
    let fixture = parse_document(FIXTURE, "f").unwrap();
    save_document(&fixture, &path).unwrap();
    assert_eq!(load_document(&path).unwrap(), fixture);
}

#[test]
fn saved_files_put_kind_first_and_keep_a_stable_key_order() {
    let document = common::spiral_document();
    let text = document_to_json(&document).unwrap();
    assert_eq!(text, document_to_json(&document.clone()).unwrap());
    let first_node = text.find("\"nodes\"").unwrap();
    let after = &text[first_node..];
    let kind = after.find("\"kind\"").unwrap();
    let id = after.find("\"id\"").unwrap();
    assert!(kind < id, "kind comes before id in every node");
    assert!(text.starts_with(&format!(
        "{{\n  \"format\": \"layerwright.graph\",\n  \"version\": {VERSION},"
    )));
}

#[test]
fn a_file_that_is_not_json_names_line_and_column() {
    let text = "{\n  \"format\": \"layerwright.graph\",\n  \"version\": 1,\n  \"nodes\": [,]\n}";
    let error = parse_document(text, "broken.json").unwrap_err();
    assert!(
        matches!(
            error,
            LoadError::Syntax {
                line: 4,
                column: 13,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "broken.json:4:13: expected value");
}

#[test]
fn a_wrong_type_names_the_json_path_line_and_column() {
    let text = FIXTURE.replacen("\"units\": 2,", "\"units\": \"two\",", 1);
    let error = parse_document(&text, "bad.json").unwrap_err();
    let message = error.to_string();
    // Line 16 is `"units": "two",`; column 20 is where the string ends.
    assert!(message.starts_with("bad.json:16:20: "), "{message}");
    assert!(
        message.contains("nodes[1].units: invalid type: string \"two\", expected usize"),
        "{message}"
    );
}

#[test]
fn a_wrong_type_in_a_node_whose_kind_comes_last_still_names_the_path() {
    let text = FIXTURE.replacen(
        "\"kind\": \"dropout\", \"id\": \"drop\", \"rate\": 0.0",
        "\"id\": \"drop\", \"rate\": \"high\", \"kind\": \"dropout\"",
        1,
    );
    let message = parse_document(&text, "bad.json").unwrap_err().to_string();
    assert!(message.contains("nodes[4]"), "{message}");
    assert!(
        message.contains("rate: invalid type: string \"high\", expected f64"),
        "{message}"
    );
}

#[test]
fn an_unknown_field_is_an_error_naming_it() {
    let text = FIXTURE.replacen(
        "\"use_bias\": false",
        "\"use_bias\": false, \"colour\": \"red\"",
        1,
    );
    let message = parse_document(&text, "extra.json").unwrap_err().to_string();
    assert!(message.contains("nodes[2]"), "{message}");
    assert!(message.contains("unknown field `colour`"), "{message}");
    let text = FIXTURE.replacen("\"version\": 1,", "\"version\": 1, \"author\": \"me\",", 1);
    let message = parse_document(&text, "extra.json").unwrap_err().to_string();
    assert!(message.contains("unknown field `author`"), "{message}");
}

#[test]
fn an_unknown_format_or_a_newer_version_is_refused_clearly() {
    let text = FIXTURE.replacen("layerwright.graph", "tensorflow.playground", 1);
    assert_eq!(
        parse_document(&text, "other.json").unwrap_err().to_string(),
        "other.json: not a Layerwright graph: its format is \"tensorflow.playground\", expected \"layerwright.graph\""
    );
    let text = FIXTURE.replacen(
        "\"version\": 1",
        &format!("\"version\": {}", VERSION + 1),
        1,
    );
    assert_eq!(
        parse_document(&text, "future.json")
            .unwrap_err()
            .to_string(),
        format!(
            "future.json: the document is version {}; this Layerwright reads versions 1 to {VERSION} (a newer Layerwright wrote it?)",
            VERSION + 1
        )
    );
}

#[test]
fn a_file_over_64_mb_is_refused_before_it_is_read() {
    let dir = temporary_dir("large");
    let path = dir.join("huge.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let error = load_document(&path).unwrap_err();
    assert!(matches!(error, LoadError::TooLarge { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .ends_with("graph files over 64 MB are refused")
    );
}

#[test]
fn a_failed_save_leaves_the_old_file_whole() {
    let dir = temporary_dir("atomic");
    let path = dir.join("model.json");
    let document = common::spiral_document();
    save_document(&document, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut broken = document.clone();
    broken.training.learning_rate = f64::NAN;
    let error = save_document(&broken, &path).unwrap_err();
    assert!(
        matches!(error, SaveError::NonFinite { ref json_path } if json_path == "training.learning_rate"),
        "{error:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let missing = dir.join("no-such-folder").join("model.json");
    assert!(matches!(
        save_document(&document, &missing),
        Err(SaveError::Io { .. })
    ));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        ["model.json"],
        "no temporary file is left behind"
    );
}

#[test]
fn a_writer_that_fails_half_way_leaves_the_old_file_whole_and_no_temporary_file() {
    let dir = temporary_dir("failing-writer");
    let path = dir.join("model.json");
    std::fs::write(&path, "the old content").unwrap();
    let error = layerwright_nn::graph::io::write_atomically_with(&path, |file| {
        file.write_all(b"{ \"format\": \"layerwright.gr")?;
        Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "no space left on device",
        ))
    })
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("model.json"), "{message}");
    assert!(message.contains("no space left on device"), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "the old content");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["model.json"]);
}

#[test]
fn non_finite_weights_are_never_written() {
    let mut document = common::spiral_document();
    document.weights = Some(TrainedWeights {
        epochs: 1,
        layers: [(
            "h1".to_owned(),
            LayerWeights {
                weights: vec![vec![1.0, f64::INFINITY]],
                bias: None,
                ..LayerWeights::empty()
            },
        )]
        .into_iter()
        .collect(),
        data: parse_document(FIXTURE, "f").unwrap().weights.unwrap().data,
    });
    let error = document_to_json(&document).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot save: the value at weights.layers.h1.weights[0][1] is not a finite number"
    );
}

/// Trains a document for `epochs` and returns the per-epoch losses.
fn loss_history(document: &GraphDocument, epochs: usize) -> Vec<f64> {
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let compiled = compile(document, &dataset).unwrap();
    let mut session = Session::new(
        compiled.architecture,
        &compiled.initial,
        &compiled.data.train,
        compiled.config,
        Precision::F32,
    )
    .unwrap();
    (0..epochs)
        .map(|_| session.run_epoch().unwrap().mean_batch_loss)
        .collect()
}

#[test]
fn training_from_a_document_is_deterministic() {
    let document = common::skip_document();
    let first = loss_history(&document, 20);
    let reloaded = parse_document(&document_to_json(&document).unwrap(), "again").unwrap();
    assert_eq!(loss_history(&reloaded, 20), first);
    assert!(
        first[19] < first[0],
        "it learns: {} → {}",
        first[0],
        first[19]
    );
    let mut reseeded = document;
    reseeded.training.seed += 1;
    assert_ne!(loss_history(&reseeded, 20), first);
}

#[test]
fn no_json_makes_the_loader_or_compiler_panic() {
    // Truncations and byte flips of the fixture: every one must be answered with a result.
    let mut rng = SplitMix64::new(99);
    let bytes = FIXTURE.as_bytes();
    for round in 0..3000 {
        let mut mutated = bytes.to_vec();
        match round % 3 {
            0 => mutated.truncate(rng.below(bytes.len())),
            1 => {
                let at = rng.below(bytes.len());
                let replacements = b"{}[],:\"0123456789-eE.aZ \n";
                mutated[at] = replacements[rng.below(replacements.len())];
            }
            _ => {
                let at = rng.below(bytes.len());
                let digit = b"0123456789"[rng.below(10)];
                mutated.insert(at, digit);
            }
        }
        let text = String::from_utf8_lossy(&mutated);
        if let Ok(document) = parse_document(&text, "fuzz.json")
            && let Ok(dataset) = load_dataset(&document.dataset, None)
        {
            let _ = compile(&document, &dataset);
        }
    }
}

#[test]
fn node_ids_and_kinds_are_reported_by_name() {
    let document = parse_document(FIXTURE, "f").unwrap();
    let kinds: Vec<&str> = document.nodes.iter().map(Node::kind_name).collect();
    assert_eq!(
        kinds,
        ["input", "dense", "dense", "concat", "dropout", "output"]
    );
}

const DIGITS_V2: &str = include_str!("../fixtures/v2-digits-image.json");

#[test]
fn a_version_1_digits_document_migrates_to_declare_its_8_by_8_images() {
    let newest = parse_document(DIGITS_V2, "v2-digits-image.json").unwrap();
    assert_eq!(newest.version, VERSION, "read as the newest version");
    let image = newest.dataset.image.unwrap();
    assert_eq!((image.channels, image.height, image.width), (1, 8, 8));
    assert_eq!(image.range, [0.0, 16.0]);
    // The same file as version 1 wrote it: no image field.
    let start = DIGITS_V2.find("    \"image\"").unwrap();
    let end = DIGITS_V2[start..].find("}").unwrap() + start + 1;
    let old = format!("{}{}", &DIGITS_V2[..start], &DIGITS_V2[end..])
        .replacen("\"version\": 2", "\"version\": 1", 1)
        .replace("\"seed\": 1,\n\n", "\"seed\": 1\n");
    assert!(!old.contains("\"image\""), "{old}");
    let migrated = parse_document(&old, "v1-digits.json").unwrap();
    assert_eq!(migrated, newest);
    // Version 1 documents on other data are not images.
    let xor = parse_document(FIXTURE, "v1-concat-xor.json").unwrap();
    assert_eq!(xor.dataset.image, None);
}

#[test]
fn a_version_5_image_document_gets_a_flatten_between_its_input_and_the_dense_layer() {
    let document = parse_document(DIGITS_V2, "v2-digits-image.json").unwrap();
    assert!(
        matches!(document.node("flatten"), Some(Node::Flatten(_))),
        "{:?}",
        document.nodes
    );
    let wires: Vec<(&str, &str)> = document
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    assert!(wires.contains(&("input.out", "flatten.in")), "{wires:?}");
    assert!(
        !wires
            .iter()
            .any(|(from, to)| *from == "input.out" && *to != "flatten.in")
    );
    // It compiles: the input gives [1, 8, 8] images, scaled by the one pixel range 0 to 16.
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    let input = compiled.architecture.input();
    let image = compiled.architecture.node(input).image.unwrap();
    assert_eq!((image.channels, image.height, image.width), (1, 8, 8));
    let scaling = &compiled.data.description.input_scaling;
    assert!(scaling.offset.iter().all(|&o| o == 0.0));
    assert!(scaling.scale.iter().all(|&s| s == 16.0));
    // Documents on other data gain no flatten.
    let xor = parse_document(FIXTURE, "v1-concat-xor.json").unwrap();
    assert!(!xor.nodes.iter().any(|n| matches!(n, Node::Flatten(_))));
}

#[test]
fn an_image_shape_that_does_not_fit_the_columns_is_refused_when_loading_the_data() {
    let mut document = parse_document(DIGITS_V2, "v2-digits-image.json").unwrap();
    assert_eq!(
        load_dataset(&document.dataset, None)
            .unwrap()
            .feature_count(),
        64
    );
    if let Some(image) = &mut document.dataset.image {
        image.width = 7;
    }
    let error = load_dataset(&document.dataset, None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "dataset: the image shape 1 × 8 × 7 makes 56 pixels, but each row has 64 feature columns"
    );
}

#[test]
fn a_starter_network_fits_each_task_and_trains_as_it_is() {
    use layerwright_nn::data::{BundledDataset, Generator};
    use layerwright_nn::graph::DatasetSpec;
    use layerwright_nn::graph::starter::starter_document;
    use layerwright_nn::{Loss, OutputFunction};
    let cases = [
        (
            DatasetSpec::generated(Generator::Circle),
            2,
            OutputFunction::Sigmoid,
            Loss::BinaryCrossEntropy,
            1,
        ),
        (
            DatasetSpec::bundled(BundledDataset::Iris),
            3,
            OutputFunction::Softmax,
            Loss::SoftmaxCrossEntropy,
            3,
        ),
        (
            DatasetSpec::bundled(BundledDataset::Diabetes),
            0,
            OutputFunction::Identity,
            Loss::SquaredError,
            1,
        ),
    ];
    for (spec, classes, function, loss, width) in cases {
        let document = starter_document(spec, classes);
        let Some(Node::Output(output)) = document.node("output") else {
            panic!("no output node");
        };
        assert_eq!((output.output_function, output.loss), (function, loss));
        let dataset = load_dataset(&document.dataset, None).unwrap();
        let compiled = compile(&document, &dataset).unwrap();
        // input → 8 tanh units → output: (d + 1)·8 + (8 + 1)·width parameters.
        let inputs = dataset.feature_count();
        assert_eq!(
            compiled.architecture.parameter_count(),
            (inputs + 1) * 8 + 9 * width
        );
        // It saves and loads back as it is.
        let text = document_to_json(&document).unwrap();
        assert_eq!(parse_document(&text, "starter.json").unwrap(), document);
    }
}

const FRUIT_V3: &str = include_str!("../fixtures/v3-fruit-trained.json");

#[test]
fn the_version_3_fixture_keeps_its_column_choices_and_predicts_through_its_stored_encoding() {
    use layerwright_nn::data::{CellEncoding, ColumnRole, UnseenCategory, read_prediction_rows};
    use layerwright_nn::network::inference::Predictions;
    let document = parse_document(FRUIT_V3, "v3-fruit-trained.json").unwrap();
    // Read as the newest version: a version 3 file has no schedule and trains to its budget.
    assert_eq!(document.version, VERSION);
    assert!(document.training.schedule.is_constant());
    assert_eq!(document.training.early_stopping, None);
    assert_eq!(document.dataset.columns[0].name, "id");
    assert_eq!(document.dataset.columns[0].role, Some(ColumnRole::Ignored));
    assert_eq!(document.dataset.unseen, UnseenCategory::Zeros);
    let weights = document.weights.as_ref().unwrap();
    let encoding = weights.data.columns.as_ref().unwrap();
    assert!(matches!(
        encoding.columns[0].encoding,
        CellEncoding::Ignored
    ));
    assert!(matches!(
        &encoding.columns[1].encoding,
        CellEncoding::Category { categories, .. } if categories == &["yellow", "red", "green"]
    ));
    // It saves back as it was read, but as the newest version (nothing else differs).
    assert_eq!(
        document_to_json(&document).unwrap(),
        FRUIT_V3.replace("\"version\": 3", &format!("\"version\": {VERSION}"))
    );
    // Its data loads beside it, and the trained model predicts new rows by name: an unseen
    // colour is all zeros here, as the document says.
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dataset = load_dataset(&document.dataset, Some(&fixtures)).unwrap();
    assert_eq!(dataset.len(), 30);
    let model = layerwright_nn::compile::compile_trained(&document).unwrap();
    let raw = read_prediction_rows(
        "weight,colour\n121,yellow\n155,red\n150,purple\n",
        model.description(),
    )
    .unwrap();
    assert_eq!(raw.row(2).to_vec(), vec![150.0, 0.0, 0.0, 0.0]);
    let Predictions::Classes { predicted, .. } = model.predict(raw.view()).unwrap() else {
        panic!("classes")
    };
    let names = &model.description().class_names;
    assert_eq!(names[predicted[0]], "banana");
    assert_eq!(names[predicted[1]], "apple");
}

const SCHEDULED_V4: &str = include_str!("../fixtures/v4-xor-scheduled.json");

#[test]
fn the_version_4_fixture_keeps_its_schedule_and_early_stopping_through_a_save() {
    use layerwright_nn::train::early_stopping::{EarlyStopping, Watched};
    use layerwright_nn::train::schedule::{Decay, LearningRateSchedule};
    let document = parse_document(SCHEDULED_V4, "v4-xor-scheduled.json").unwrap();
    assert_eq!(
        document.training.schedule,
        LearningRateSchedule {
            decay: Decay::Cosine {
                minimum: 0.001,
                epochs: 300
            },
            warmup: 5
        }
    );
    assert_eq!(
        document.training.early_stopping,
        Some(EarlyStopping {
            patience: 20,
            min_delta: 0.0001,
            watch: Watched::Validation { fraction: 0.2 },
            restore_best: true,
        })
    );
    let saved = layerwright_nn::graph::io::document_to_json(&document).unwrap();
    assert_eq!(parse_document(&saved, "saved.json").unwrap(), document);
}
