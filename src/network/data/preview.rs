//! A look at the loaded examples: each column's statistics, the class counts, the first
//! rows, a scatter of any two columns, and a grid of the first images.

use egui::{Color32, TextureHandle, TextureOptions};
use egui_plot::{Plot, PlotPoints, Points};
use layerwright_nn::data::{DataSummary, Dataset, ImageShape, Task, class_index};

use crate::network::views::confusion::image_of;
use crate::theme::{class_colour, diverging};

/// Rows the table of first rows shows.
const FIRST_ROWS: usize = 8;
/// Columns the tables show before saying how many more there are.
const TABLE_COLUMNS: usize = 12;
/// Points the scatter draws at most (the first ones).
const SCATTER_POINTS: usize = 2000;
/// Images the grid shows.
const GRID_IMAGES: usize = 24;
/// Images per row of the grid.
const GRID_COLUMNS: usize = 8;
/// An image's side in the grid, in points.
const GRID_IMAGE_SIZE: f32 = 44.0;

/// What the preview remembers between frames: the scatter's columns and the grid's images.
#[derive(Default)]
pub struct Preview {
    /// The scatter's x and y columns (indices into features then target).
    pub axes: [usize; 2],
    /// The grid's textures and the data they were made from (compile generation).
    images: Option<(u64, Vec<TextureHandle>)>,
}

/// One line saying what the data holds.
pub fn headline(dataset: &Dataset) -> String {
    let kind = match dataset.task {
        Task::Classification => format!("{} classes", dataset.class_count()),
        Task::Regression => "a value to predict".to_owned(),
    };
    format!(
        "{}: {} examples, {} input columns, target \"{}\" ({kind}).",
        dataset.name,
        dataset.len(),
        dataset.feature_count(),
        dataset.target_name
    )
}

impl Preview {
    /// The statistics, class counts and first rows.
    pub fn tables_ui(ui: &mut egui::Ui, dataset: &Dataset, summary: &DataSummary) {
        egui::CollapsingHeader::new("Columns")
            .default_open(true)
            .show(ui, |ui| {
                egui::Grid::new("column-statistics")
                    .striped(true)
                    .show(ui, |ui| {
                        for heading in ["column", "min", "max", "mean", "std"] {
                            ui.strong(heading);
                        }
                        ui.end_row();
                        let shown = summary.features.iter().take(TABLE_COLUMNS);
                        for stats in shown.chain(std::iter::once(&summary.target)) {
                            let is_target = std::ptr::eq(stats, &summary.target);
                            if is_target {
                                ui.strong(format!("{} (target)", stats.name));
                            } else {
                                ui.label(&stats.name);
                            }
                            if is_target && dataset.task == Task::Classification {
                                ui.weak("classes below");
                                ui.end_row();
                                continue;
                            }
                            for value in [stats.min, stats.max, stats.mean, stats.std] {
                                ui.monospace(short_number(value));
                            }
                            ui.end_row();
                        }
                    });
                let hidden = summary.features.len().saturating_sub(TABLE_COLUMNS);
                if hidden > 0 {
                    ui.weak(format!("… and {hidden} more input columns."));
                }
            });
        if !summary.class_counts.is_empty() {
            egui::CollapsingHeader::new("Classes")
                .default_open(true)
                .show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        for (index, (name, count)) in summary.class_counts.iter().enumerate() {
                            let (dot, _) = ui
                                .allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                            ui.painter()
                                .circle_filled(dot.center(), 4.5, class_colour(index));
                            ui.label(format!("{name}: {count}"));
                            ui.add_space(6.0);
                        }
                    });
                });
        }
        egui::CollapsingHeader::new("First rows")
            .default_open(false)
            .show(ui, |ui| {
                egui::ScrollArea::horizontal().show(ui, |ui| {
                    first_rows_ui(ui, dataset);
                });
            });
    }

    /// A scatter of two chosen columns, coloured by class or by the target's value.
    pub fn scatter_ui(&mut self, ui: &mut egui::Ui, dataset: &Dataset) {
        let names: Vec<&str> = dataset
            .feature_names
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(dataset.target_name.as_str()))
            .collect();
        let last = names.len().saturating_sub(1);
        if self.axes == [0, 0] || self.axes.iter().any(|&a| a > last) {
            self.axes = [
                0,
                if dataset.feature_count() >= 2 {
                    1
                } else {
                    last
                },
            ];
        }
        ui.horizontal(|ui| {
            for (axis, label) in [(0, "x"), (1, "y")] {
                let text = ui.label(label);
                egui::ComboBox::from_id_salt(("scatter-axis", axis))
                    .selected_text(names[self.axes[axis]])
                    .show_ui(ui, |ui| {
                        for (index, name) in names.iter().enumerate() {
                            ui.selectable_value(&mut self.axes[axis], index, *name);
                        }
                    })
                    .response
                    .labelled_by(text.id);
            }
        });
        let value = |row: usize, column: usize| {
            if column < dataset.feature_count() {
                dataset.inputs[[row, column]]
            } else {
                dataset.targets[row]
            }
        };
        let scale = dataset
            .targets
            .iter()
            .fold(0.0_f64, |m, t| m.max(t.abs()))
            .max(1e-12);
        let background = ui.visuals().extreme_bg_color;
        let mut groups: Vec<(Color32, Vec<[f64; 2]>)> = Vec::new();
        for row in 0..dataset.len().min(SCATTER_POINTS) {
            let colour = match dataset.task {
                Task::Classification => {
                    class_colour(class_index(dataset.targets[row]).unwrap_or(0))
                }
                Task::Regression => diverging(dataset.targets[row] / scale, 1.0, background),
            };
            let point = [value(row, self.axes[0]), value(row, self.axes[1])];
            match groups.iter_mut().find(|(c, _)| *c == colour) {
                Some((_, points)) => points.push(point),
                None => groups.push((colour, vec![point])),
            }
        }
        Plot::new("data-scatter")
            .height(220.0)
            .x_axis_label(names[self.axes[0]])
            .y_axis_label(names[self.axes[1]])
            .show(ui, |plot| {
                for (colour, points) in groups {
                    plot.points(
                        Points::new("examples", PlotPoints::from(points))
                            .color(colour)
                            .radius(2.0)
                            .filled(true),
                    );
                }
            });
        if dataset.len() > SCATTER_POINTS {
            ui.weak(format!(
                "The first {SCATTER_POINTS} of {} examples are shown.",
                dataset.len()
            ));
        }
    }

    /// The first images with their class, drawn from the declared shape.
    pub fn images_ui(
        &mut self,
        ui: &mut egui::Ui,
        dataset: &Dataset,
        shape: ImageShape,
        generation: u64,
    ) {
        if shape.problem(dataset.feature_count()).is_some() {
            return;
        }
        let stale = self
            .images
            .as_ref()
            .is_none_or(|(made, _)| *made != generation);
        if stale {
            let textures = (0..dataset.len().min(GRID_IMAGES))
                .map(|row| {
                    let pixels: Vec<f64> = dataset.inputs.row(row).to_vec();
                    ui.ctx().load_texture(
                        format!("data-image-{row}"),
                        image_of(&pixels, shape),
                        TextureOptions::NEAREST,
                    )
                })
                .collect();
            self.images = Some((generation, textures));
        }
        let Some((_, textures)) = &self.images else {
            return;
        };
        egui::Grid::new("data-images")
            .spacing([6.0, 4.0])
            .show(ui, |ui| {
                for (row, texture) in textures.iter().enumerate() {
                    let label = match dataset.task {
                        Task::Classification => class_index(dataset.targets[row])
                            .and_then(|c| dataset.class_names.get(c))
                            .cloned()
                            .unwrap_or_default(),
                        Task::Regression => short_number(dataset.targets[row]),
                    };
                    ui.vertical_centered(|ui| {
                        ui.set_width(GRID_IMAGE_SIZE);
                        ui.add(
                            egui::Image::new(texture)
                                .fit_to_exact_size(egui::vec2(GRID_IMAGE_SIZE, GRID_IMAGE_SIZE)),
                        )
                        .on_hover_text(format!("Example {}: {label}", row + 1));
                        ui.small(label);
                    });
                    if row % GRID_COLUMNS == GRID_COLUMNS - 1 {
                        ui.end_row();
                    }
                }
            });
    }
}

/// The first rows as a table, inputs then target.
fn first_rows_ui(ui: &mut egui::Ui, dataset: &Dataset) {
    let columns = dataset.feature_count().min(TABLE_COLUMNS);
    egui::Grid::new("first-rows").striped(true).show(ui, |ui| {
        for name in dataset.feature_names.iter().take(columns) {
            ui.strong(name);
        }
        if dataset.feature_count() > columns {
            ui.weak("…");
        }
        ui.strong(&dataset.target_name);
        ui.end_row();
        for row in 0..dataset.len().min(FIRST_ROWS) {
            for column in 0..columns {
                ui.monospace(short_number(dataset.inputs[[row, column]]));
            }
            if dataset.feature_count() > columns {
                ui.weak("…");
            }
            let target = dataset.targets[row];
            let shown = match dataset.task {
                Task::Classification => class_index(target)
                    .and_then(|c| dataset.class_names.get(c))
                    .cloned()
                    .unwrap_or_else(|| short_number(target)),
                Task::Regression => short_number(target),
            };
            ui.monospace(shown);
            ui.end_row();
        }
    });
}

/// A number in at most about seven characters.
fn short_number(value: f64) -> String {
    if value != 0.0 && (value.abs() >= 1e5 || value.abs() < 1e-3) {
        format!("{value:.2e}")
    } else {
        format!("{value:.4}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(short_number(5.1), "5.1");
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(-2.0), "-2");
        assert_eq!(short_number(123_456.0), "1.23e5");
        assert_eq!(short_number(0.000_12), "1.20e-4");
    }
}
