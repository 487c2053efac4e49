//! How the examples are prepared: input normalisation, a standardised target, the
//! train/test split, and whether each row is an image.

use layerwright_nn::data::{ImageShape, Normalization, Task};
use layerwright_nn::graph::DatasetSpec;

use super::source::DataChange;

/// Normalisation, target, split: rows of one grid. Returns the change, if any.
pub fn preparation_ui(ui: &mut egui::Ui, spec: &DatasetSpec) -> Option<DataChange> {
    let mut next = spec.clone();
    let mut field = None;
    egui::Grid::new("data-preparation")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label("Normalise inputs").on_hover_text(
                "Rescale each input column, with statistics of the training split only.",
            );
            egui::ComboBox::from_id_salt("normalization")
                .selected_text(normalization_name(next.normalization))
                .show_ui(ui, |ui| {
                    for (choice, tooltip) in [
                        (Normalization::None, "x as it is."),
                        (Normalization::ZScore, "x' = (x − mean) / std"),
                        (
                            Normalization::MinMax,
                            "x' = (x − min) / (max − min), into 0..1",
                        ),
                    ] {
                        ui.selectable_value(
                            &mut next.normalization,
                            choice,
                            normalization_name(choice),
                        )
                        .on_hover_text(tooltip);
                    }
                })
                .response
                .labelled_by(label.id);
            if next.normalization != spec.normalization {
                field = Some("normalization");
            }
            ui.end_row();
            if spec.task == Task::Regression {
                ui.label("Target");
                if ui
                    .checkbox(&mut next.standardize_target, "Standardise")
                    .on_hover_text(
                        "Train on y' = (y − mean) / std; predictions are turned back into y.",
                    )
                    .changed()
                {
                    field = Some("standardize_target");
                }
                ui.end_row();
            }
            let label = ui.label("Train fraction").on_hover_text(
                "The share of examples the network learns from; the rest test it. 1: no test set.",
            );
            if ui
                .add(
                    egui::Slider::new(&mut next.train_fraction, 0.1..=1.0)
                        .step_by(0.05)
                        .fixed_decimals(2),
                )
                .labelled_by(label.id)
                .changed()
            {
                field = Some("train_fraction");
            }
            ui.end_row();
            let label = ui
                .label("Split seed")
                .on_hover_text("Which examples go to the test split.");
            if ui
                .add(egui::DragValue::new(&mut next.seed))
                .labelled_by(label.id)
                .changed()
            {
                field = Some("split_seed");
            }
            ui.end_row();
        });
    field.map(|field| DataChange {
        dataset: next,
        field,
    })
}

/// Whether rows are images: `channels × height × width` with the pixels' range. Turning it
/// on guesses a square grey image over the values seen (`columns`, `low`, `high`).
pub fn image_ui(
    ui: &mut egui::Ui,
    spec: &DatasetSpec,
    columns: usize,
    [low, high]: [f64; 2],
) -> Option<DataChange> {
    let mut next = spec.clone();
    let mut field = None;
    let mut images = spec.image.is_some();
    if ui
        .checkbox(&mut images, "Rows are images")
        .on_hover_text(
            "Each row holds the pixels of one picture, channel by channel, row by row. Views \
             that draw images read this shape.",
        )
        .changed()
    {
        next.image = images.then(|| guessed_shape(columns, low, high));
        field = Some("image");
    }
    if let Some(shape) = &mut next.image {
        ui.horizontal(|ui| {
            for (value, name, tooltip) in [
                (
                    &mut shape.channels,
                    "channels",
                    "Colour channels: 1 for grey.",
                ),
                (&mut shape.height, "× height", "Pixel rows."),
                (&mut shape.width, "× width", "Pixel columns."),
            ] {
                ui.label(name).on_hover_text(tooltip);
                if ui
                    .add(egui::DragValue::new(value).range(1..=4096))
                    .changed()
                {
                    field = Some("image_shape");
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label("Pixels from")
                .on_hover_text("The value of a blank pixel and of a full one.");
            let [from, to] = &mut shape.range;
            let a = ui.add(egui::DragValue::new(from).speed(0.1)).changed();
            ui.label("to");
            let b = ui.add(egui::DragValue::new(to).speed(0.1)).changed();
            if a || b {
                field = Some("image_range");
            }
        });
        if let Some(problem) = shape.problem(columns) {
            ui.colored_label(crate::theme::error_colour(ui.visuals().dark_mode), problem);
        }
    }
    field.map(|field| DataChange {
        dataset: next,
        field,
    })
}

/// A square grey image over `columns` pixels if they make a square, else one row of them.
fn guessed_shape(columns: usize, low: f64, high: f64) -> ImageShape {
    let side = (1..=columns).find(|s| s * s >= columns).unwrap_or(1);
    let (height, width) = if side * side == columns {
        (side, side)
    } else {
        (1, columns.max(1))
    };
    let range = if low < high { [low, high] } else { [0.0, 1.0] };
    ImageShape {
        channels: 1,
        height,
        width,
        range,
    }
}

/// How a normalisation reads in the menu.
fn normalization_name(normalization: Normalization) -> &'static str {
    match normalization {
        Normalization::None => "none",
        Normalization::ZScore => "z-score",
        Normalization::MinMax => "min–max",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_column_count_is_guessed_as_a_square_grey_image() {
        let shape = guessed_shape(64, 0.0, 16.0);
        assert_eq!((shape.channels, shape.height, shape.width), (1, 8, 8));
        assert_eq!(shape.range, [0.0, 16.0]);
        let strip = guessed_shape(10, 3.0, 3.0);
        assert_eq!((strip.height, strip.width), (1, 10));
        assert_eq!(strip.range, [0.0, 1.0]);
    }
}
