//! The views that judge a trained model whatever its number of inputs: a regression's
//! predicted-against-actual view with MAE, RMSE and R², and a classifier's per-class
//! precision, recall and F1 with, for two classes, the ROC curve and a threshold.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use crate::common;

use common::{harness_on, run_until, set_value, train_to_budget};
use egui_kittest::kittest::Queryable;
use layerwright::network::views::View;

/// The window on `example` trained to its budget, showing the tab `tab` (view `view`).
fn trained_on_tab(
    example: &str,
    tab: &str,
    view: View,
) -> egui_kittest::Harness<'static, layerwright::app::LayerwrightApp> {
    let mut harness = harness_on(example);
    train_to_budget(&mut harness);
    harness.get_by_label(tab).click();
    harness.run_steps(2);
    assert_eq!(harness.state().training().current_view(), Some(view));
    harness
}

/// Asserts that some label reads `text` (several may: equal numbers in a table).
fn assert_shown(harness: &egui_kittest::Harness<'_, layerwright::app::LayerwrightApp>, text: &str) {
    assert!(
        harness.get_all_by_label(text).next().is_some(),
        "{text} is shown"
    );
}

#[test]
fn diabetes_predicted_vs_actual_shows_the_r2_train_prints() {
    let mut harness = harness_on("diabetes.json");
    train_to_budget(&mut harness);
    harness.get_by_label("Predicted vs actual").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().training().current_view(),
        Some(View::Errors)
    );
    // What `layerwright train` prints for the same document and budget.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/diabetes.json");
    let mut printed = Vec::new();
    layerwright::cli::train(&path, None, None, None, false, &mut printed).unwrap();
    let printed = String::from_utf8(printed).unwrap();
    let field = |name: &str| {
        printed
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    assert!(printed.starts_with("epochs=100 "), "{printed}");
    let views = harness.state().training().views();
    for (name, view) in [
        ("train_r2", views.regression_train.as_ref().unwrap()),
        ("test_r2", views.regression_test.as_ref().unwrap()),
    ] {
        let shown = format!("{:.6}", view.errors.r_squared.unwrap());
        assert_eq!(shown, field(name), "{name}");
        harness.get_by_label(&shown);
    }
    // MAE and RMSE are in the target's units: diabetes's progression score runs 25–346,
    // and a model explaining about half the variance is off by tens.
    let test = views.regression_test.as_ref().unwrap().errors;
    assert!(test.mae > 10.0 && test.mae < 100.0, "{test:?}");
    assert!(test.rmse >= test.mae, "{test:?}");
    harness.get_by_label(&format!("{:.4}", test.mae));
    harness.get_by_label(&format!("{:.4}", test.rmse));
}

#[test]
fn a_two_class_model_shows_its_roc_area_and_the_threshold_moves_the_matrix() {
    let mut harness = harness_on("circle.json");
    for _ in 0..5 {
        harness.get_by_label("Step epoch").click();
        harness.run_steps(1);
    }
    run_until(&mut harness, "five epochs and their views", |app| {
        let training = app.training();
        training.run.epochs() == 5 && training.run.is_settled() && training.roc().is_some()
    });
    harness
        .state_mut()
        .training_mut()
        .choose_view(View::Confusion);
    harness.run_steps(2);
    let training = harness.state().training();
    let roc = training.roc().unwrap().clone();
    let model_matrix = training.confusion().unwrap().clone();
    harness.get_by_label(&format!("ROC area (AUC) {:.4}", roc.area));
    // Each class's scores are the matrix's own.
    for class in 0..2 {
        let scores = model_matrix.class_scores(class);
        for value in [scores.precision, scores.recall, scores.f1] {
            let shown = format!("{:.3}", value.unwrap());
            assert!(
                !harness
                    .get_all_by_label(&shown)
                    .collect::<Vec<_>>()
                    .is_empty(),
                "{shown} is shown"
            );
        }
    }
    // A high threshold calls fewer examples class 1: the matrix follows the ROC point.
    set_value(&mut harness, "Threshold", 0.9);
    let at = roc.curve.point_at(0.9);
    let expected = roc.curve.confusion_at(at).unwrap();
    assert_eq!(
        harness.state().training().confusion().unwrap(),
        &model_matrix,
        "the model's own matrix is unchanged"
    );
    harness.get_by_label(&format!(
        "Accuracy {:.1}% ({} of {} correct)",
        expected.accuracy().unwrap() * 100.0,
        expected.correct(),
        expected.total()
    ));
    harness.get_by_label("Back to ½").click();
    harness.run_steps(2);
    harness.get_by_label(&format!(
        "Accuracy {:.1}% ({} of {} correct)",
        model_matrix.accuracy().unwrap() * 100.0,
        model_matrix.correct(),
        model_matrix.total()
    ));
}

#[test]
fn ten_classes_show_the_matrix_or_each_class_scores() {
    let mut harness = harness_on("digits.json");
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "an epoch and its views", |app| {
        let training = app.training();
        training.run.epochs() == 1 && training.run.is_settled() && training.confusion().is_some()
    });
    harness
        .state_mut()
        .training_mut()
        .choose_view(View::Confusion);
    harness.run_steps(2);
    // No ROC for ten classes; the scores take the matrix's place when asked.
    assert!(harness.state().training().roc().is_none());
    harness.get_by_label("Class scores").click();
    harness.run_steps(2);
    let matrix = harness.state().training().confusion().unwrap().clone();
    harness.get_by_label("precision");
    let mean_recall = (0..10)
        .map(|c| matrix.class_scores(c).recall.unwrap())
        .sum::<f64>()
        / 10.0;
    assert_shown(&harness, &format!("{mean_recall:.3}"));
    harness.get_by_label("Matrix").click();
    harness.run_steps(2);
    harness.get_by_label("accuracy");
}

#[test]
fn iris_measures_which_inputs_matter_on_a_thread_and_ranks_a_petal_column_first() {
    let mut harness = trained_on_tab("iris.json", "Which inputs matter", View::Importance);
    harness.get_by_label("Measure").click();
    run_until(&mut harness, "the ranking", |app| {
        app.training().importance.ranking().is_some()
    });
    let ranking = harness
        .state()
        .training()
        .importance
        .ranking()
        .unwrap()
        .to_vec();
    assert_eq!(ranking.len(), 4);
    assert!(ranking[0].column.starts_with("petal"), "{ranking:?}");
    for column in &ranking {
        harness.get_by_label(&column.column);
        assert_shown(&harness, &format!("{:.4}", column.score_drop));
    }
    harness.get_by_label("Measure again");
}
