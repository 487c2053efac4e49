//! The training settings beside the controls, each with its formula in the tooltip: the
//! learning rate, batch size and weight penalty, and under "More settings" the optimizer
//! (gradient descent, momentum with μ, Adam with β₁, β₂, ε), the epoch budget, the
//! shuffle and the seed; then the learning-rate schedule and early stopping (`plan`).

use layerwright_nn::graph::{GraphDocument, TrainingSpec};
use layerwright_nn::{Optimizer, Regularization, Shuffle};

use crate::commands::Command;
use crate::document::graph::Edit;

/// Learning rate, batch size and the weight penalty, and under "More settings" the
/// optimizer with its parameters, the epoch budget, the shuffle and the seed. Each change
/// is one undoable edit of the document; the trainer takes it live, except a new optimizer
/// kind or seed, which start the run again.
pub fn settings_ui(ui: &mut egui::Ui, document: &GraphDocument) -> Option<Command> {
    use layerwright_nn::Batching;
    let mut training = document.training.clone();
    let mut field = None;
    egui::Grid::new("training-settings")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui
                .label("Learning rate")
                .on_hover_text("η in w := w − η·∂L/∂w (eq. 1.8)");
            if ui
                .add(
                    egui::DragValue::new(&mut training.learning_rate)
                        .range(1e-6..=10.0)
                        .speed(0.001)
                        .max_decimals(6),
                )
                .labelled_by(label.id)
                .changed()
            {
                field = Some("learning_rate");
            }
            ui.end_row();
            let label = ui
                .label("Batch size")
                .on_hover_text("Examples per update; the last, shorter batch counts as one.");
            let full = matches!(training.batching, Batching::FullBatch);
            ui.horizontal(|ui| {
                // A full batch has no size to show: a drag value would clamp it to its
                // range and so change the document just by drawing it.
                if full {
                    ui.weak("every example");
                } else {
                    let mut size = training.batching.batch_size(usize::MAX);
                    let response = ui
                        .add(egui::DragValue::new(&mut size).range(1..=4096))
                        .labelled_by(label.id);
                    if response.changed() {
                        training.batching = if size == 1 {
                            Batching::PerExample
                        } else {
                            Batching::MiniBatch { size }
                        };
                        field = Some("batching");
                    }
                }
                let mut all = full;
                let toggled = ui
                    .checkbox(&mut all, "All")
                    .on_hover_text(
                        "Full batch: one update per epoch, on the mean gradient of every training example.",
                    )
                    .changed();
                if toggled {
                    training.batching = if all {
                        Batching::FullBatch
                    } else {
                        Batching::MiniBatch { size: 32 }
                    };
                    field = Some("batching");
                }
            });
            ui.end_row();
            penalty_ui(ui, &mut training, &mut field);
            ui.end_row();
        });
    egui::CollapsingHeader::new("More settings")
        .id_salt("more-training-settings")
        .show(ui, |ui| {
            egui::Grid::new("more-training-settings-grid")
                .num_columns(2)
                .show(ui, |ui| more_settings_ui(ui, &mut training, &mut field));
        });
    egui::CollapsingHeader::new("Learning-rate schedule")
        .id_salt("schedule-settings")
        .show(ui, |ui| {
            super::plan::schedule_ui(ui, &mut training, &mut field);
        });
    egui::CollapsingHeader::new("Early stopping")
        .id_salt("early-stopping-settings")
        .show(ui, |ui| {
            super::plan::early_stopping_ui(ui, &mut training, &mut field);
        });
    field.map(|field| Command::Edit(Edit::UpdateTraining { training, field }))
}

/// The weight penalty: none, L1 or L2, with its rate.
fn penalty_ui(ui: &mut egui::Ui, training: &mut TrainingSpec, field: &mut Option<&'static str>) {
    let label = ui.label("Penalty").on_hover_text(
        "L2 (weight decay) adds rate·w to each weight's gradient; L1 adds rate·sign(w), \
         which drives weights to exactly zero.",
    );
    ui.horizontal(|ui| {
        let (mut kind, mut rate) = match training.regularization {
            Regularization::None => (0, 0.0),
            Regularization::L1 { rate } => (1, rate),
            Regularization::L2 { rate } => (2, rate),
        };
        let before = (kind, rate);
        egui::ComboBox::from_id_salt("penalty-kind")
            .width(56.0)
            .selected_text(["None", "L1", "L2"][kind])
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut kind, 0, "None");
                ui.selectable_value(&mut kind, 1, "L1")
                    .on_hover_text("L = L₀ + rate·Σ|w|");
                ui.selectable_value(&mut kind, 2, "L2")
                    .on_hover_text("L = L₀ + rate·½Σw²");
            })
            .response
            .labelled_by(label.id);
        if kind != 0 {
            ui.add(
                egui::DragValue::new(&mut rate)
                    .range(0.0..=1.0)
                    .speed(0.0001)
                    .max_decimals(5),
            )
            .on_hover_text("The penalty's rate.");
        }
        if (kind, rate) != before {
            if kind != 0 && rate == 0.0 {
                rate = 0.001;
            }
            training.regularization = match kind {
                1 => Regularization::L1 { rate },
                2 => Regularization::L2 { rate },
                _ => Regularization::None,
            };
            *field = Some("regularization");
        }
    });
}

/// The optimizer and its parameters, the epoch budget, the shuffle and the seed.
fn more_settings_ui(
    ui: &mut egui::Ui,
    training: &mut TrainingSpec,
    field: &mut Option<&'static str>,
) {
    let label = ui.label("Optimizer").on_hover_text(
        "How the gradient becomes an update. Changing the kind starts the run again from the \
         initial weights.",
    );
    let mut optimizer = training.optimizer;
    egui::ComboBox::from_id_salt("optimizer-kind")
        .selected_text(optimizer_label(&optimizer))
        .show_ui(ui, |ui| {
            for (choice, formula) in [
                (Optimizer::GradientDescent, "w := w − η·g (eq. 1.8)"),
                (Optimizer::MOMENTUM, "v := μ·v + g, w := w − η·v"),
                (
                    Optimizer::ADAM,
                    "m := β₁m + (1 − β₁)g, v := β₂v + (1 − β₂)g², w := w − η·M/(√V + ε), M and V the bias-corrected m and v",
                ),
            ] {
                let same = std::mem::discriminant(&choice) == std::mem::discriminant(&optimizer);
                if ui
                    .selectable_label(same, optimizer_label(&choice))
                    .on_hover_text(formula)
                    .clicked()
                    && !same
                {
                    optimizer = choice;
                }
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    match &mut optimizer {
        Optimizer::GradientDescent => {}
        Optimizer::Momentum { momentum } => {
            parameter_ui(
                ui,
                "μ",
                "v := μ·v + g: how much of the last step carries on.",
                momentum,
                0.0..=0.999,
            );
        }
        Optimizer::Adam {
            beta1,
            beta2,
            epsilon,
        } => {
            parameter_ui(
                ui,
                "β₁",
                "m := β₁m + (1 − β₁)g: the gradient's running mean.",
                beta1,
                0.0..=0.999_999,
            );
            parameter_ui(
                ui,
                "β₂",
                "v := β₂v + (1 − β₂)g²: the squared gradient's running mean.",
                beta2,
                0.0..=0.999_999,
            );
            parameter_ui(
                ui,
                "ε",
                "w := w − η·M/(√V + ε): keeps the division finite.",
                epsilon,
                1e-12..=1e-2,
            );
        }
    }
    if optimizer != training.optimizer {
        training.optimizer = optimizer;
        *field = Some("optimizer");
    }
    let label = ui
        .label("Epochs")
        .on_hover_text("The epoch budget: training stops there (press Train again to go on).");
    if ui
        .add(egui::DragValue::new(&mut training.epochs).range(1..=1_000_000))
        .labelled_by(label.id)
        .changed()
    {
        *field = Some("epochs");
    }
    ui.end_row();
    let label = ui
        .label("Shuffle")
        .on_hover_text("When the order of the training examples is drawn again.");
    let before = training.shuffle;
    egui::ComboBox::from_id_salt("shuffle")
        .selected_text(shuffle_label(training.shuffle))
        .show_ui(ui, |ui| {
            for choice in [Shuffle::EveryEpoch, Shuffle::Once, Shuffle::Never] {
                ui.selectable_value(&mut training.shuffle, choice, shuffle_label(choice));
            }
        })
        .response
        .labelled_by(label.id);
    if training.shuffle != before {
        *field = Some("shuffle");
    }
    ui.end_row();
    let label = ui.label("Seed").on_hover_text(
        "Seeds the initial weights, the shuffles, dropout and RReLU: a new seed starts the run \
         again from new weights.",
    );
    if ui
        .add(egui::DragValue::new(&mut training.seed).range(0..=u64::from(u32::MAX)))
        .labelled_by(label.id)
        .changed()
    {
        *field = Some("seed");
    }
    ui.end_row();
}

/// A labelled optimizer parameter in `range`, with its formula in the tooltip.
fn parameter_ui(
    ui: &mut egui::Ui,
    name: &str,
    formula: &str,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
) {
    let label = ui.label(name).on_hover_text(formula);
    ui.add(
        egui::DragValue::new(value)
            .range(range)
            .speed(0.001)
            .max_decimals(8),
    )
    .labelled_by(label.id);
    ui.end_row();
}

/// The optimizer's name in the menu.
fn optimizer_label(optimizer: &Optimizer) -> &'static str {
    match optimizer {
        Optimizer::GradientDescent => "Gradient descent",
        Optimizer::Momentum { .. } => "Momentum",
        Optimizer::Adam { .. } => "Adam",
    }
}

/// The shuffle choice's name in the menu.
fn shuffle_label(shuffle: Shuffle) -> &'static str {
    match shuffle {
        Shuffle::EveryEpoch => "Every epoch",
        Shuffle::Once => "Once",
        Shuffle::Never => "Never",
    }
}
