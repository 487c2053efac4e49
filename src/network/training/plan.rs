//! The training plan's settings: the learning-rate schedule (with a small plot of η over
//! the epochs) and early stopping. Each change is one undoable edit of the document.

use egui_plot::{Line, Plot, PlotPoints};
use layerwright_nn::graph::TrainingSpec;
use layerwright_nn::train::early_stopping::Watched;
use layerwright_nn::train::schedule::{Decay, LearningRateSchedule};

/// Points of the η plot at most.
const RATE_PLOT_POINTS: usize = 400;

/// The schedule's kind, its parameters, the warm-up and the plot of η.
pub(super) fn schedule_ui(
    ui: &mut egui::Ui,
    training: &mut TrainingSpec,
    field: &mut Option<&'static str>,
) {
    let before = training.schedule;
    let mut schedule = training.schedule;
    egui::Grid::new("schedule-grid")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label("Schedule").on_hover_text(
                "How the learning rate η changes from epoch to epoch (constant within one).",
            );
            let budget = training.epochs.max(1);
            egui::ComboBox::from_id_salt("schedule-kind")
                .selected_text(decay_label(&schedule.decay))
                .show_ui(ui, |ui| {
                    for (choice, formula) in [
                        (Decay::Constant, "η_e = η"),
                        (
                            Decay::Step {
                                every: (budget / 4).max(1),
                                factor: 0.5,
                            },
                            "η_e = η·γ^floor(e/s): γ times smaller every s epochs",
                        ),
                        (
                            Decay::Exponential { factor: 0.99 },
                            "η_e = η·γ^e: γ times smaller every epoch",
                        ),
                        (
                            Decay::Cosine {
                                minimum: 0.0,
                                epochs: budget,
                            },
                            "η_e = η_min + ½(η − η_min)(1 + cos(π·e/E))",
                        ),
                    ] {
                        let same = std::mem::discriminant(&choice)
                            == std::mem::discriminant(&schedule.decay);
                        if ui
                            .selectable_label(same, decay_label(&choice))
                            .on_hover_text(formula)
                            .clicked()
                            && !same
                        {
                            schedule.decay = choice;
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            match &mut schedule.decay {
                Decay::Constant => {}
                Decay::Step { every, factor } => {
                    count_ui(ui, "Every", "s: epochs between drops.", every, 1);
                    factor_ui(ui, factor);
                }
                Decay::Exponential { factor } => factor_ui(ui, factor),
                Decay::Cosine { minimum, epochs } => {
                    let label = ui
                        .label("η_min")
                        .on_hover_text("The rate reached at epoch E.");
                    ui.add(
                        egui::DragValue::new(minimum)
                            .range(0.0..=10.0)
                            .speed(0.0001)
                            .max_decimals(6),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    count_ui(ui, "Over", "E: the epochs the decay takes.", epochs, 1);
                }
            }
            count_ui(
                ui,
                "Warm-up",
                "w: over the first w epochs the rate rises linearly from a tenth.",
                &mut schedule.warmup,
                0,
            );
        });
    if !schedule.is_constant() {
        rate_plot_ui(ui, &schedule, training.learning_rate, training.epochs);
    }
    if schedule != before {
        training.schedule = schedule;
        *field = Some("schedule");
    }
}

/// η over the epoch budget, small.
fn rate_plot_ui(ui: &mut egui::Ui, schedule: &LearningRateSchedule, base: f64, epochs: usize) {
    let epochs = epochs.max(1);
    let step = epochs.div_ceil(RATE_PLOT_POINTS).max(1);
    let points: Vec<[f64; 2]> = (0..epochs)
        .step_by(step)
        .chain(std::iter::once(epochs - 1))
        .map(|e| [e as f64, schedule.rate(base, e)])
        .collect();
    Plot::new("rate-plot")
        .height(70.0)
        .width(ui.available_width().min(260.0))
        .show_axes([true, true])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_axis_label("epoch")
        .y_axis_label("η")
        .show(ui, |plot| {
            plot.line(Line::new("η", PlotPoints::from(points)));
        })
        .response
        .on_hover_text("The learning rate each epoch uses, over the epoch budget.");
}

/// A labelled count of epochs, at least `minimum`.
fn count_ui(ui: &mut egui::Ui, name: &str, tip: &str, value: &mut usize, minimum: usize) {
    let label = ui.label(name).on_hover_text(tip);
    ui.add(
        egui::DragValue::new(value)
            .range(minimum..=1_000_000)
            .suffix(" epochs"),
    )
    .labelled_by(label.id)
    .on_hover_text(tip);
    ui.end_row();
}

/// The decay factor γ.
fn factor_ui(ui: &mut egui::Ui, factor: &mut f64) {
    let tip = "γ: the rate is multiplied by it at each drop.";
    let label = ui.label("Factor γ").on_hover_text(tip);
    ui.add(
        egui::DragValue::new(factor)
            .range(0.01..=1.0)
            .speed(0.005)
            .max_decimals(4),
    )
    .labelled_by(label.id)
    .on_hover_text(tip);
    ui.end_row();
}

/// The decay's name in the menu.
fn decay_label(decay: &Decay) -> &'static str {
    match decay {
        Decay::Constant => "Constant",
        Decay::Step { .. } => "Step",
        Decay::Exponential { .. } => "Exponential",
        Decay::Cosine { .. } => "Cosine",
    }
}

/// Early stopping: on or off, patience, minimum improvement, what is watched, restoring.
pub(super) fn early_stopping_ui(
    ui: &mut egui::Ui,
    training: &mut TrainingSpec,
    field: &mut Option<&'static str>,
) {
    let before = training.early_stopping;
    let mut on = before.is_some();
    ui.checkbox(&mut on, "Stop early").on_hover_text(
        "Stop once the watched loss has not improved for a number of epochs, before the \
         epoch budget.",
    );
    let mut rule = before.unwrap_or_default();
    if on {
        egui::Grid::new("early-stopping-grid")
            .num_columns(2)
            .show(ui, |ui| {
                count_ui(
                    ui,
                    "Patience",
                    "Epochs without an improvement before training stops.",
                    &mut rule.patience,
                    1,
                );
                let tip = "The least fall of the watched loss that counts as an improvement.";
                let label = ui.label("Min. improvement").on_hover_text(tip);
                ui.add(
                    egui::DragValue::new(&mut rule.min_delta)
                        .range(0.0..=10.0)
                        .speed(0.0001)
                        .max_decimals(6),
                )
                .labelled_by(label.id)
                .on_hover_text(tip);
                ui.end_row();
                let label = ui
                    .label("Watch")
                    .on_hover_text("Which loss decides when to stop.");
                let mut on_test = rule.watch == Watched::TestSplit;
                egui::ComboBox::from_id_salt("early-stopping-watch")
                    .selected_text(if on_test {
                        "Test split"
                    } else {
                        "Validation rows"
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut on_test, false, "Validation rows")
                            .on_hover_text("A fraction of the training split, never trained on.");
                        ui.selectable_value(&mut on_test, true, "Test split")
                            .on_hover_text(
                                "The test split: it then chooses the epoch, so its score is no \
                             longer a fair test.",
                            );
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                rule.watch = match (on_test, rule.watch) {
                    (true, _) => Watched::TestSplit,
                    (false, Watched::Validation { fraction }) => Watched::Validation { fraction },
                    (false, Watched::TestSplit) => Watched::default(),
                };
                if let Watched::Validation { fraction } = &mut rule.watch {
                    let tip = "The fraction of the training split held out to watch.";
                    let label = ui.label("Fraction").on_hover_text(tip);
                    ui.add(
                        egui::DragValue::new(fraction)
                            .range(0.05..=0.5)
                            .speed(0.005)
                            .max_decimals(3),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(tip);
                    ui.end_row();
                }
            });
        if rule.watch == Watched::TestSplit {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "Watching the test split leaks it: it chooses the epoch, so the test score \
                 is no longer a fair estimate.",
            );
        }
        ui.checkbox(&mut rule.restore_best, "Restore best weights")
            .on_hover_text("When training stops, put back the weights of the best epoch.");
    }
    let after = on.then_some(rule);
    if after != before {
        training.early_stopping = after;
        *field = Some("early_stopping");
    }
}
