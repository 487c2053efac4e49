//! Every example document, trained briefly, exported to ONNX and run by a second runtime
//! (tract): its outputs match the engine's within `1e-5·max(1, |y|)` on 100 raw inputs.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use layerwright_nn::Activation;
use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::export::{
    ExportError, domain_samples, engine_outputs, onnx::to_onnx, verify_onnx,
};
use layerwright_nn::graph::io::load_document;

use crate::common::{network_examples as examples, trained_model as trained};

#[test]
fn every_example_exports_to_onnx_that_tract_runs_like_the_engine() {
    for path in examples() {
        let document = load_document(&path).unwrap();
        let (model, dataset) = trained(document, path.parent().unwrap(), 3);
        let bytes = to_onnx(&model, "test").unwrap();
        let inputs = domain_samples(&model, Some(&dataset), 100, 7);
        let verification = verify_onnx(&bytes, &model, inputs.view())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("{}: {verification}", path.display());
        assert_eq!(verification.rows, 100);
    }
}

#[test]
fn every_activation_and_input_feature_exports_faithfully() {
    // The spiral: seven engineered features (squares, a product, sines), here z-scored,
    // and each activation in turn in both hidden layers.
    let path = examples()
        .into_iter()
        .find(|p| p.ends_with("spiral.json"))
        .unwrap();
    let folder = path.parent().unwrap().to_path_buf();
    for activation in Activation::ALL {
        let mut document = load_document(&path).unwrap();
        document.dataset.normalization = layerwright_nn::data::Normalization::ZScore;
        for node in &mut document.nodes {
            if let layerwright_nn::graph::Node::Dense(dense) = node {
                dense.activation = activation;
            }
        }
        let (model, dataset) = trained(document, &folder, 2);
        let bytes = to_onnx(&model, "activations").unwrap();
        let inputs = domain_samples(&model, Some(&dataset), 100, 11);
        let verification = verify_onnx(&bytes, &model, inputs.view())
            .unwrap_or_else(|e| panic!("{}: {e}", activation.name()));
        println!("{}: {verification}", activation.name());
    }
}

#[test]
fn a_file_that_disagrees_with_the_engine_is_reported_with_the_row_and_the_values() {
    let path = examples()
        .into_iter()
        .find(|p| p.ends_with("iris.json"))
        .unwrap();
    let document = load_document(&path).unwrap();
    let (model, dataset) = trained(document.clone(), path.parent().unwrap(), 3);
    // The file of a differently trained network must not pass as this one's.
    let (other, _) = trained(document, path.parent().unwrap(), 30);
    let bytes = to_onnx(&other, "other").unwrap();
    let inputs = domain_samples(&model, Some(&dataset), 100, 3);
    match verify_onnx(&bytes, &model, inputs.view()) {
        Err(ExportError::Mismatch {
            row,
            column,
            expected,
            exported,
            allowed,
        }) => {
            // The report is the first disagreeing value, with the engine's and the other
            // network's numbers at that row and column.
            let ours = engine_outputs(&model, inputs.view()).unwrap();
            let theirs = engine_outputs(&other, inputs.view()).unwrap();
            let at = (row - 1, column - 1);
            assert_eq!(expected, ours[at]);
            assert!(
                (exported - theirs[at]).abs() < 1e-5,
                "{exported} vs {}",
                theirs[at]
            );
            assert_eq!(allowed, 1e-5 * expected.abs().max(1.0));
            assert!((exported - expected).abs() > allowed);
            let first = ours
                .indexed_iter()
                .find(|(index, v)| (theirs[*index] - **v).abs() > 1e-5 * v.abs().max(1.0))
                .map(|(index, _)| index);
            assert_eq!(first, Some(at), "the first disagreeing value, row by row");
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert!(matches!(
        verify_onnx(b"not an onnx file", &model, inputs.view()),
        Err(ExportError::Runtime(_))
    ));
}

#[test]
fn samples_cover_the_data_or_the_normalisation() {
    let path = examples()
        .into_iter()
        .find(|p| p.ends_with("iris.json"))
        .unwrap();
    let (model, dataset) = trained(load_document(&path).unwrap(), path.parent().unwrap(), 1);
    let inputs = domain_samples(&model, Some(&dataset), 100, 5);
    assert_eq!(inputs.dim(), (100, 4));
    for column in 0..4 {
        let data = dataset.inputs.column(column);
        let low = data.fold(f64::INFINITY, |m, &v| m.min(v));
        let high = data.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        assert!(inputs.column(column).iter().all(|&v| low <= v && v <= high));
    }
}

#[test]
fn a_trained_document_exports_to_each_kind_and_an_untrained_one_says_why() {
    use layerwright_nn::compile::GraphError;
    use layerwright_nn::export::{DocumentExportError, ExportKind, export_document};
    let path = examples()
        .into_iter()
        .find(|p| p.ends_with("xor.json"))
        .unwrap();
    let folder = path.parent().unwrap();
    let mut document = load_document(&path).unwrap();
    match export_document(&document, Some(folder), ExportKind::Onnx, "xor") {
        Err(DocumentExportError::Graph(errors)) => {
            assert_eq!(errors, [GraphError::NoTrainedWeights]);
        }
        other => panic!("expected the missing weights, got {other:?}"),
    }
    let dataset = load_dataset(&document.dataset, Some(folder)).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    document.weights = Some(compiled.trained_weights(&compiled.initial, 0));
    let json = export_document(&document, Some(folder), ExportKind::Json, "xor").unwrap();
    let text = String::from_utf8(json.bytes).unwrap();
    assert_eq!(
        layerwright_nn::graph::io::parse_document(&text, "xor-trained.json").unwrap(),
        document
    );
    let onnx = export_document(&document, Some(folder), ExportKind::Onnx, "xor").unwrap();
    let verification = onnx.verification.unwrap();
    assert_eq!(verification.rows, layerwright_nn::export::VERIFICATION_ROWS);
    assert!(verification.max_difference < 1e-5);
    let python = export_document(&document, Some(folder), ExportKind::Pytorch, "xor").unwrap();
    let code = String::from_utf8(python.bytes).unwrap();
    assert!(code.contains("class Network(nn.Module):"));
    // How it was trained is a comment right after the docstring.
    let rate = document.training.learning_rate;
    let epochs = document.training.epochs;
    let after_docstring = code.split("\"\"\"\n").nth(1).unwrap();
    assert!(
        after_docstring.starts_with(&format!(
            "# Trained in Layerwright with learning rate {rate} (constant schedule) for up to \
             {epochs} epochs.\n"
        )),
        "{code}"
    );
}
