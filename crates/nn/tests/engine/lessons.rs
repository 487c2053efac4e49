//! Every lesson under `assets/lessons/` loads, every stage's network compiles and trains to
//! the outcome its lesson states, and so does every variant it compares.

use layerwright_nn::teach::lesson::{LessonDocument, Outcome, parse_lesson, train_for_lesson};

const LESSONS: &[(&str, &str)] = &[
    (
        "1-linear-regression.json",
        include_str!("../../../../assets/lessons/1-linear-regression.json"),
    ),
    (
        "2-perceptron.json",
        include_str!("../../../../assets/lessons/2-perceptron.json"),
    ),
    (
        "3-sigmoid-softmax.json",
        include_str!("../../../../assets/lessons/3-sigmoid-softmax.json"),
    ),
    (
        "4-activation-choice.json",
        include_str!("../../../../assets/lessons/4-activation-choice.json"),
    ),
    (
        "5-deep-networks.json",
        include_str!("../../../../assets/lessons/5-deep-networks.json"),
    ),
];

fn lesson(name: &str) -> LessonDocument {
    let (_, text) = LESSONS
        .iter()
        .find(|(file, _)| *file == name)
        .expect("a bundled lesson");
    parse_lesson(text, name).expect("the lesson loads")
}

/// Trains every stage and variant of `name`; returns `(what, outcome, met, measured)` rows.
fn outcomes(name: &str) -> Vec<(String, Outcome, bool, String)> {
    let lesson = lesson(name);
    let mut rows = Vec::new();
    for (index, stage) in lesson.stages.iter().enumerate() {
        let run = train_for_lesson(&stage.graph, |_| true).expect("the stage trains");
        let verdict = stage.outcome.judge(&run);
        rows.push((
            format!("{name} stage {}", index + 1),
            stage.outcome,
            verdict.met,
            verdict.measured,
        ));
        for variant in &stage.variants {
            let run = train_for_lesson(&variant.apply(&stage.graph), |_| true)
                .expect("the variant trains");
            let verdict = variant.outcome.judge(&run);
            rows.push((
                format!("{name} stage {} variant {}", index + 1, variant.label),
                variant.outcome,
                verdict.met,
                verdict.measured,
            ));
        }
    }
    rows
}

fn assert_all_met(name: &str) {
    let rows = outcomes(name);
    for row in &rows {
        println!("{row:?}");
    }
    let missed: Vec<_> = rows.iter().filter(|(_, _, met, _)| !met).collect();
    assert!(missed.is_empty(), "outcomes not reached: {missed:#?}");
}

#[test]
fn linear_regression_fits_and_the_large_learning_rate_diverges() {
    assert_all_met("1-linear-regression.json");
}

#[test]
fn the_perceptron_learns_and_and_or_fails_on_xor_and_a_hidden_layer_solves_it() {
    assert_all_met("2-perceptron.json");
    let rows = outcomes("2-perceptron.json");
    let xor = rows
        .iter()
        .find(|(what, ..)| what.ends_with("stage 3"))
        .expect("the XOR stage");
    assert_eq!(xor.1, Outcome::AccuracyNeverAbove { at_most: 0.75 });
}

#[test]
fn sigmoid_and_softmax_classify_two_and_three_classes() {
    assert_all_met("3-sigmoid-softmax.json");
}

#[test]
fn every_activation_is_compared_on_the_spiral() {
    assert_all_met("4-activation-choice.json");
}

#[test]
fn every_lesson_has_a_bundled_file() {
    for (name, _) in LESSONS {
        let lesson = lesson(name);
        assert!(!lesson.title.is_empty());
        for stage in &lesson.stages {
            assert!(!stage.paragraphs.is_empty(), "{name}: {}", stage.title);
        }
    }
}

#[test]
fn six_sigmoid_layers_stall_with_a_vanishing_gradient_and_relu_or_batch_norm_train() {
    let rows = outcomes("5-deep-networks.json");
    for row in &rows {
        println!("{row:?}");
    }
    assert!(rows.iter().all(|(_, _, met, _)| *met), "{rows:#?}");
    let outcomes: Vec<Outcome> = rows.iter().map(|row| row.1).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::FirstLayerGradientBelow { fraction: 0.01 },
            Outcome::AccuracyNeverAbove { at_most: 0.8 },
            Outcome::Accuracy { at_least: 0.9 },
            Outcome::Accuracy { at_least: 0.9 },
        ]
    );
}
