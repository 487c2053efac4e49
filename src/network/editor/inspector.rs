//! The inspector: edits the selected node's fields, each with its formula as a tooltip.

use layerwright_nn::data::Feature;
use layerwright_nn::graph::{Node, OutputUnits};
use layerwright_nn::{Activation, Initializer, Loss, OutputFunction, Reduction};

use super::Editor;
use crate::commands::{Action, Command};
use crate::document::graph::Edit;

/// The formula of an activation, from the notes where they give one.
pub fn activation_formula(activation: Activation) -> &'static str {
    match activation {
        Activation::Identity => "y = z",
        Activation::Step => "y = 1 if z > 0, else 0 (eq. 1.12)",
        Activation::Sigmoid => "y = 1 / (1 + e^(-z)) (eq. 1.13)",
        Activation::Tanh => "y = (e^z - e^(-z)) / (e^z + e^(-z)) (eq. 2.2)",
        Activation::Relu => "y = max(0, z)",
        Activation::LeakyRelu { .. } => "y = z for z >= 0, z / a for z < 0, with a > 1",
        Activation::Prelu { .. } => "y = z for z >= 0, α·z for z < 0; α is learned for each unit",
        Activation::Rrelu { .. } => {
            "y = z for z >= 0, s·z for z < 0; s is drawn from [lower, upper] while training and is (lower + upper)/2 at inference"
        }
        Activation::Elu { .. } => "y = z for z > 0, α(e^z - 1) otherwise",
        Activation::Softplus => "y = ln(1 + e^z), a smooth ReLU",
        Activation::Gelu => "y = z·Φ(z) = ½·z·(1 + erf(z/√2))",
        Activation::Swish => "y = z·σ(z)",
    }
}

fn output_formula(function: OutputFunction) -> &'static str {
    match function {
        OutputFunction::Identity => "ŷ = z: a number (regression)",
        OutputFunction::Sigmoid => {
            "ŷ = 1 / (1 + e^(-z)): a probability of the positive class (eq. 1.13)"
        }
        OutputFunction::Softmax => {
            "ŷ_k = e^(z_k) / Σ e^(z_i): one probability per class (eq. 1.15)"
        }
        OutputFunction::Step => "ŷ = 1 if z > 0, else 0: the perceptron (eq. 1.12)",
    }
}

fn loss_formula(loss: Loss) -> &'static str {
    match loss {
        Loss::HalfSquaredError => "½·Σ (ŷ - y)²; averaged over the batch it is eq. 1.3's 1/(2n)",
        Loss::SquaredError => "Σ (ŷ - y)²; averaged over the batch, the mean squared error",
        Loss::BinaryCrossEntropy => "-[y·ln ŷ + (1 - y)·ln(1 - ŷ)] (eq. 1.14)",
        Loss::SoftmaxCrossEntropy => "-Σ y_k·ln ŷ_k (eq. 1.16)",
        Loss::Perceptron => "the perceptron rule: Δw = η(y - ŷ)x (eq. 2.1)",
    }
}

fn initializer_formula(initializer: Initializer) -> &'static str {
    match initializer {
        Initializer::GlorotUniform => "w = (2u - 1)·√(6 / (fan_in + fan_out)), u uniform in [0, 1)",
        Initializer::He => "w normal with mean 0 and variance 2 / fan_in (suits ReLU)",
        Initializer::Uniform { .. } => "w uniform in [low, high)",
        Initializer::Constant { .. } => "every weight the same value",
        Initializer::Zeros => "every weight 0",
    }
}

/// A row with a label and a widget labelled by it (so tests and screen readers find it).
pub(super) fn labelled(
    ui: &mut egui::Ui,
    label: &str,
    tooltip: &str,
    add: impl FnOnce(&mut egui::Ui) -> egui::Response,
) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label).on_hover_text(tooltip);
        add(ui).labelled_by(label.id).on_hover_text(tooltip)
    })
    .inner
}

/// Draws the inspector for the selected node, or the document summary; returns commands.
pub fn inspector_ui(editor: &mut Editor, ui: &mut egui::Ui) -> Vec<Command> {
    let mut commands = Vec::new();
    let selected = editor.selected.last().cloned();
    let diagnostics = editor.diagnostics().clone();
    let document = editor.document.document();
    let Some(node) = selected
        .as_deref()
        .and_then(|id| document.node(id))
        .cloned()
    else {
        ui.heading("Graph");
        if super::summary_view::GraphTab::tabs_ui(ui) == super::summary_view::GraphTab::Summary {
            super::summary_view::summary_ui(ui, diagnostics.summary.as_ref());
            return commands;
        }
        ui.label(&diagnostics.data_summary);
        if let Some(parameters) = diagnostics.parameters {
            ui.label(format!("{parameters} trainable parameters"));
        }
        if diagnostics.is_valid() {
            ui.label("The graph is valid and ready to train.");
        } else {
            let colour = crate::theme::error_colour(ui.visuals().dark_mode);
            for message in &diagnostics.general_errors {
                ui.colored_label(colour, message);
            }
            for (node, messages) in &diagnostics.node_errors {
                for message in messages {
                    ui.colored_label(colour, format!("{node}: {message}"));
                }
            }
        }
        ui.add_space(8.0);
        ui.weak("Select a node to edit it.");
        return commands;
    };
    ui.heading(format!("{} node", node.kind_name()));
    let id = node.id().to_owned();
    let rename_id = egui::Id::new("inspector-rename").with(&id);
    let mut name = ui
        .data_mut(|d| d.get_temp::<String>(rename_id))
        .unwrap_or_else(|| id.clone());
    let field = labelled(
        ui,
        "Id",
        "The node's name in files, messages and wires.",
        |ui| ui.add(egui::TextEdit::singleline(&mut name).desired_width(140.0)),
    );
    if field.lost_focus() && name != id {
        commands.push(Command::Edit(Edit::RenameNode {
            from: id.clone(),
            to: name.clone(),
        }));
        ui.data_mut(|d| d.remove::<String>(rename_id));
    } else if field.has_focus() {
        ui.data_mut(|d| d.insert_temp(rename_id, name));
    } else {
        ui.data_mut(|d| d.remove::<String>(rename_id));
    }
    if diagnostics.shapes.contains_key(&id) {
        ui.label(format!("Output shape: {}", diagnostics.shape_text(&id)));
    }
    let mut updated = node.clone();
    let mut changed_field: Option<&'static str> = None;
    match &mut updated {
        Node::Input(input) => {
            ui.label(&diagnostics.data_summary);
            if ui
                .button(Action::ShowData.label())
                .on_hover_text(Action::ShowData.tooltip())
                .clicked()
            {
                commands.push(Command::Action(Action::ShowData));
            }
            let feature_names = ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"];
            let mut all = input.features.is_none();
            if ui
                .checkbox(&mut all, "All raw columns")
                .on_hover_text("Feed every column of the data set unchanged.")
                .changed()
            {
                input.features = if all {
                    None
                } else {
                    Some(Feature::PLAYGROUND[..2].to_vec())
                };
                changed_field = Some("features");
            }
            if let Some(features) = &mut input.features {
                ui.label("Features (for 2-D data):");
                for (feature, name) in Feature::PLAYGROUND.iter().zip(feature_names) {
                    let mut on = features.contains(feature);
                    if ui.checkbox(&mut on, name).changed() {
                        if on {
                            features.push(*feature);
                            features
                                .sort_by_key(|f| Feature::PLAYGROUND.iter().position(|p| p == f));
                        } else {
                            features.retain(|f| f != feature);
                        }
                        changed_field = Some("features");
                    }
                }
            }
        }
        Node::Dense(dense) => {
            let response = labelled(
                ui,
                "Units",
                "The layer's width: how many numbers it outputs.",
                |ui| {
                    ui.add(
                        egui::DragValue::new(&mut dense.units)
                            .range(1..=4096)
                            .speed(0.2),
                    )
                },
            );
            if response.changed() {
                changed_field = Some("units");
            }
            if activation_ui(ui, &mut dense.activation) {
                changed_field = Some("activation");
            }
            if initializer_ui(ui, &mut dense.initializer) {
                changed_field = Some("initializer");
            }
            if ui
                .checkbox(&mut dense.use_bias, "Bias")
                .on_hover_text("Add b in y = f(x·W + b).")
                .changed()
            {
                changed_field = Some("use_bias");
            }
        }
        Node::Add(_) => {
            ui.label("Adds its inputs element by element; they must have the same width.");
        }
        Node::Concat(_) => {
            ui.label("Joins its inputs side by side, in port order.");
        }
        Node::Dropout(dropout) => {
            let response = labelled(
                ui,
                "Rate",
                "The probability of zeroing each value while training; the rest are scaled by 1/(1 - rate). Off at inference.",
                |ui| {
                    ui.add(
                        egui::DragValue::new(&mut dropout.rate)
                            .range(0.0..=0.95)
                            .speed(0.01)
                            .fixed_decimals(2),
                    )
                },
            );
            if response.changed() {
                changed_field = Some("rate");
            }
        }
        Node::Activation(node) => {
            ui.label("Applies its activation to each of its inputs' values: y = f(x).");
            if activation_ui(ui, &mut node.activation) {
                changed_field = Some("activation");
            }
        }
        Node::BatchNorm(norm) => {
            ui.label(
                "Normalises each unit over the batch while training, y = γ·(x − μ)/√(σ² + ε) + β, \
                 and with the running mean and variance at inference.",
            );
            if epsilon_ui(ui, &mut norm.epsilon) {
                changed_field = Some("epsilon");
            }
            let response = labelled(
                ui,
                "Momentum",
                "How far each training step moves the running statistics toward the batch's: \
                 running = (1 − m)·running + m·batch (PyTorch's m; ONNX writes 1 − m).",
                |ui| {
                    ui.add(
                        egui::DragValue::new(&mut norm.momentum)
                            .range(0.001..=1.0)
                            .speed(0.005)
                            .fixed_decimals(3),
                    )
                },
            );
            if response.changed() {
                changed_field = Some("momentum");
            }
        }
        Node::LayerNorm(norm) => {
            ui.label(
                "Normalises each example over its own units, y = γ·(x − μ)/√(σ² + ε) + β, \
                 the same in training and at inference.",
            );
            if epsilon_ui(ui, &mut norm.epsilon) {
                changed_field = Some("epsilon");
            }
        }
        Node::Conv2D(conv) => {
            if let Some(field) = super::inspector_images::conv_ui(ui, conv) {
                changed_field = Some(field);
            }
        }
        Node::MaxPool2D(pool) | Node::AvgPool2D(pool) => {
            if let Some(field) = super::inspector_images::pool_ui(ui, pool) {
                changed_field = Some(field);
            }
        }
        Node::Flatten(_) => {
            ui.label(
                "Reads an image [batch, c, h, w] as a vector [batch, c·h·w]: channels, then \
                 rows, then columns (PyTorch's flatten(1)). Dense layers need one.",
            );
        }
        Node::Output(output) => {
            let mut from_data = output.units == OutputUnits::FromDataset;
            if ui
                .checkbox(&mut from_data, "Units from the data set")
                .on_hover_text("One unit for regression or two classes, one per class for softmax.")
                .changed()
            {
                output.units = if from_data {
                    OutputUnits::FromDataset
                } else {
                    OutputUnits::Count(diagnostics.widths.get(&id).copied().unwrap_or(1))
                };
                changed_field = Some("units");
            }
            if let OutputUnits::Count(count) = &mut output.units {
                let response =
                    labelled(ui, "Units", "How many numbers the network outputs.", |ui| {
                        ui.add(egui::DragValue::new(count).range(1..=4096).speed(0.1))
                    });
                if response.changed() {
                    changed_field = Some("units");
                }
            }
            let before = output.output_function;
            labelled(
                ui,
                "Output function",
                output_formula(output.output_function),
                |ui| {
                    egui::ComboBox::from_id_salt("output-function")
                        .selected_text(output.output_function.name())
                        .show_ui(ui, |ui| {
                            for function in OutputFunction::ALL {
                                ui.selectable_value(
                                    &mut output.output_function,
                                    function,
                                    function.name(),
                                )
                                .on_hover_text(output_formula(function));
                            }
                        })
                        .response
                },
            );
            if output.output_function != before {
                if !output.loss.fits(output.output_function) {
                    output.loss = output.output_function.fitting_losses()[0];
                }
                changed_field = Some("output_function");
            }
            let before = output.loss;
            labelled(ui, "Loss", loss_formula(output.loss), |ui| {
                egui::ComboBox::from_id_salt("loss")
                    .selected_text(output.loss.name())
                    .show_ui(ui, |ui| {
                        for &loss in output.output_function.fitting_losses() {
                            ui.selectable_value(&mut output.loss, loss, loss.name())
                                .on_hover_text(loss_formula(loss));
                        }
                    })
                    .response
            });
            if output.loss != before {
                changed_field = Some("loss");
            }
            let before = output.reduction;
            labelled(
                ui,
                "Reduction",
                "Mean: the loss is averaged over the batch. Sum: added up, as the notes write eq. 1.2.",
                |ui| {
                    egui::ComboBox::from_id_salt("reduction")
                        .selected_text(match output.reduction {
                            Reduction::Mean => "mean",
                            Reduction::Sum => "sum",
                        })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut output.reduction, Reduction::Mean, "mean");
                            ui.selectable_value(&mut output.reduction, Reduction::Sum, "sum");
                        })
                        .response
                },
            );
            if output.reduction != before {
                changed_field = Some("reduction");
            }
            if initializer_ui(ui, &mut output.initializer) {
                changed_field = Some("initializer");
            }
        }
    }
    if let Some(errors) = diagnostics.node_errors.get(&id) {
        ui.add_space(6.0);
        let colour = crate::theme::error_colour(ui.visuals().dark_mode);
        for error in errors {
            ui.colored_label(colour, error);
        }
    }
    if let Some(field) = changed_field
        && updated != node
    {
        commands.push(Command::Edit(Edit::UpdateNode {
            node: updated,
            field,
        }));
    }
    commands
}

/// The activation combo box and its parameters; returns whether anything changed.
pub(super) fn activation_ui(ui: &mut egui::Ui, activation: &mut Activation) -> bool {
    let before = *activation;
    labelled(ui, "Activation", activation_formula(*activation), |ui| {
        egui::ComboBox::from_id_salt("activation")
            .selected_text(activation.name())
            .show_ui(ui, |ui| {
                for choice in Activation::ALL {
                    let same_kind =
                        std::mem::discriminant(&choice) == std::mem::discriminant(activation);
                    if ui
                        .selectable_label(same_kind, choice.name())
                        .on_hover_text(activation_formula(choice))
                        .clicked()
                        && !same_kind
                    {
                        *activation = choice;
                    }
                }
            })
            .response
    });
    let parameter = |ui: &mut egui::Ui,
                     label: &str,
                     tooltip: &str,
                     value: &mut f64,
                     range: std::ops::RangeInclusive<f64>| {
        labelled(ui, label, tooltip, |ui| {
            ui.add(egui::DragValue::new(value).range(range).speed(0.01))
        })
    };
    match activation {
        Activation::LeakyRelu { a } => {
            parameter(
                ui,
                "a",
                "The divisor of the negative side, a > 1 (the slope is 1/a).",
                a,
                1.01..=1000.0,
            );
        }
        Activation::Prelu { initial_alpha } => {
            parameter(
                ui,
                "Initial α",
                "The slope every unit starts from; training learns each unit's own.",
                initial_alpha,
                -1.0..=1.0,
            );
        }
        Activation::Rrelu { lower, upper } => {
            parameter(
                ui,
                "Lower",
                "The smallest random slope while training.",
                lower,
                0.0..=1.0,
            );
            parameter(
                ui,
                "Upper",
                "The largest random slope while training.",
                upper,
                0.0..=1.0,
            );
            if *lower > *upper {
                *upper = *lower;
            }
        }
        Activation::Elu { alpha } => {
            parameter(
                ui,
                "α",
                "ELU approaches -α for very negative z.",
                alpha,
                0.0..=10.0,
            );
        }
        _ => {}
    }
    *activation != before
}

/// The initializer combo box; returns whether it changed.
pub(super) fn initializer_ui(ui: &mut egui::Ui, initializer: &mut Initializer) -> bool {
    let before = *initializer;
    let choices = [
        Initializer::GlorotUniform,
        Initializer::He,
        Initializer::UNIFORM,
        Initializer::Zeros,
    ];
    labelled(ui, "Initializer", initializer_formula(*initializer), |ui| {
        egui::ComboBox::from_id_salt("initializer")
            .selected_text(initializer.name())
            .show_ui(ui, |ui| {
                for choice in choices {
                    ui.selectable_value(initializer, choice, choice.name())
                        .on_hover_text(initializer_formula(choice));
                }
            })
            .response
    });
    *initializer != before
}

/// The `ε` a normalisation adds to the variance; true when changed.
fn epsilon_ui(ui: &mut egui::Ui, epsilon: &mut f64) -> bool {
    labelled(
        ui,
        "ε",
        "Added to the variance before the square root, so a unit that never varies does not \
         divide by zero.",
        |ui| {
            ui.add(
                egui::DragValue::new(epsilon)
                    .range(1e-8..=1.0)
                    .speed(1e-5)
                    .custom_formatter(|value, _| format!("{value:.0e}")),
            )
        },
    )
    .changed()
}
