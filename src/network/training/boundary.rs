//! The decision-boundary view of the training panel: the boundary image behind the data
//! points, a hovered unit's map in its place, clicks that add or remove points, and for
//! data with more columns the slice's controls (`views::slice`).

use egui::{Color32, TextureOptions};
use egui_plot::{Plot, PlotImage, PlotPoint, PlotPoints, Points};
use layerwright_nn::data::{Dataset, Task};
use layerwright_nn::graph::{DataSource, DatasetSpec, GraphDocument};

use super::panel::{Scatter, ScatterPoint, TrainingPanel};
use crate::commands::Command;
use crate::document::graph::Edit;
use crate::network::snapshot::Views;
use crate::network::views::View;
use crate::network::views::boundary::boundary_image;
use crate::network::views::hidden_space::{HiddenSpaceChoice, HiddenSpaceData, hidden_space_ui};
use crate::network::views::slice::SliceControls;
use crate::theme::class_colour;
use layerwright_nn::graph::points::{with_nearest_removed, with_point_added};

/// Training and test points grouped by their colour's RGBA bytes.
type PointsByColour = std::collections::BTreeMap<[u8; 4], (Vec<[f64; 2]>, Vec<[f64; 2]>)>;

impl TrainingPanel {
    /// The decision boundary with the data points; clicks add and remove points
    /// (classification on the whole plane). With more than two columns, the axis and held
    /// columns' controls beside the plot.
    pub(super) fn boundary_ui(
        &mut self,
        ui: &mut egui::Ui,
        document: &GraphDocument,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if self.data.scatter.train.is_empty() {
            ui.weak("The decision boundary is drawn for data with two number columns or more.");
            return commands;
        }
        let sliced = self
            .choices
            .slice
            .as_ref()
            .is_some_and(|controls| !controls.is_whole_plane());
        let classes = self.data.class_names.len().max(2);
        if self.data.task == Task::Classification && !sliced {
            let names = self.data.class_names.clone();
            self.class_chooser_ui(ui, &names, classes);
        }
        if self.choices.point_class >= classes {
            self.choices.point_class = 0;
        }
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.choices.show_test, "Test points")
                .on_hover_text("Show the test split, outlined.");
            if ui
                .checkbox(&mut self.choices.discretize, "Discretize output")
                .on_hover_text("Colour each cell by its predicted class only.")
                .changed()
            {
                self.boundary.stale = true;
            }
        });
        self.update_boundary_texture(ui.ctx(), ui.visuals().extreme_bg_color);
        // A unit's map replaces the boundary while its thumbnail is hovered in the canvas.
        // Always one line here, so the plot does not jump when a unit is hovered.
        match &self.hovered_unit {
            Some((node, unit)) if self.insight.texture(node, *unit).is_some() => {
                ui.label(format!(
                    "{node}, unit {}: its output over the input plane",
                    *unit + 1
                ));
            }
            _ if self.insight.show_maps && !self.insight.maps.is_empty() => {
                ui.weak("Hover a unit's map in a node to see it here.");
            }
            _ => {}
        }
        let plot_top = egui::pos2(ui.min_rect().min.x, ui.cursor().min.y);
        if sliced {
            self.sliced_boundary_ui(ui);
        } else {
            let response = self.boundary_plot_ui(ui, None);
            let add = response.response.clicked();
            let remove = response.response.secondary_clicked();
            if (add || remove)
                && let Some(position) = response.response.interact_pointer_pos()
            {
                let point = response.transform.value_from_position(position);
                let shift = ui.input(|i| i.modifiers.shift);
                if let Some(dataset) = self.data.dataset.clone() {
                    commands.extend(self.point_edit(
                        &document.dataset,
                        &dataset,
                        classes,
                        [point.x, point.y],
                        add,
                        shift,
                    ));
                }
            }
        }
        self.areas.boundary_area = Some(egui::Rect::from_min_max(plot_top, ui.min_rect().max));
        commands
    }

    /// The plot at the left, the axis choices and held columns at the right; a changed
    /// slice goes to the trainer and moves the points.
    fn sliced_boundary_ui(&mut self, ui: &mut egui::Ui) {
        const CONTROLS_WIDTH: f32 = 250.0;
        let height = ui.available_height().max(120.0);
        let plot_width =
            (ui.available_width() - CONTROLS_WIDTH - ui.spacing().item_spacing.x).max(120.0);
        let mut changed = false;
        ui.horizontal_top(|ui| {
            self.boundary_plot_ui(ui, Some(egui::vec2(plot_width, height)));
            ui.vertical(|ui| {
                ui.set_width(CONTROLS_WIDTH);
                egui::ScrollArea::vertical()
                    .id_salt("slice-controls")
                    .max_height(height)
                    .show(ui, |ui| {
                        ui.spacing_mut().slider_width = 80.0;
                        if let Some(controls) = &mut self.choices.slice {
                            changed = controls.ui(ui);
                        }
                    });
            });
        });
        if changed && let Some(controls) = &self.choices.slice {
            self.run.set_slice(controls.slice());
            self.place_points();
        }
    }

    /// Remakes the boundary's texture from the latest grid when it or the colouring changed.
    fn update_boundary_texture(&mut self, ctx: &egui::Context, background: Color32) {
        if !self.boundary.stale {
            return;
        }
        let Some(grid) = &self.data.grid else {
            return;
        };
        let image = boundary_image(grid, self.data.task, self.choices.discretize, background);
        match &mut self.boundary.texture {
            Some(texture) => texture.set(image, TextureOptions::LINEAR),
            None => {
                self.boundary.texture =
                    Some(ctx.load_texture("decision-boundary", image, TextureOptions::LINEAR));
            }
        }
        self.boundary.stale = false;
    }

    /// The boundary image (or a hovered unit's map) behind the points, at `size` or filling
    /// the space with equal scales on both axes.
    fn boundary_plot_ui(
        &mut self,
        ui: &mut egui::Ui,
        size: Option<egui::Vec2>,
    ) -> egui_plot::PlotResponse<()> {
        let task = self.data.task;
        let colour_of = move |label: f64, opacity: f32| {
            let colour = match task {
                Task::Classification => class_colour(label.max(0.0) as usize),
                Task::Regression => Color32::GRAY,
            };
            // Ten steps of fading, so points group into a few draw calls.
            colour.gamma_multiply((opacity * 10.0).round() / 10.0)
        };
        let axes = self.choices.slice.as_ref().map(SliceControls::axes);
        let axis_names = self
            .choices
            .slice
            .as_ref()
            .filter(|c| !c.is_whole_plane())
            .map(|c| c.axis_names().map(str::to_owned));
        // The image only over the axes it was evaluated on (a new slice is on its way).
        let grid = self
            .data
            .grid
            .as_ref()
            .filter(|grid| axes.is_none_or(|axes| grid.spec.axes == axes));
        let unit_texture = self
            .hovered_unit
            .as_ref()
            .and_then(|(node, unit)| self.insight.texture(node, *unit));
        let shown_texture = unit_texture.or(self.boundary.texture.as_ref());
        // A few hand-placed points are drawn large; hundreds of generated ones small.
        let radius = if self.data.scatter.train.len() + self.data.scatter.test.len() < 60 {
            5.0
        } else {
            2.5
        };
        let mut plot = Plot::new("decision-boundary")
            .show_grid(false)
            .allow_double_click_reset(false);
        plot = match size {
            Some(size) => plot.width(size.x).height(size.y),
            None => plot.data_aspect(1.0),
        };
        if let Some([across, up]) = axis_names {
            plot = plot.x_axis_label(across).y_axis_label(up);
        }
        let response = plot.show(ui, |plot| {
            if let (Some(texture), Some(grid)) = (shown_texture, grid) {
                let spec = grid.spec;
                let centre =
                    PlotPoint::new(0.5 * (spec.x.0 + spec.x.1), 0.5 * (spec.y.0 + spec.y.1));
                let size = egui::vec2((spec.x.1 - spec.x.0) as f32, (spec.y.1 - spec.y.0) as f32);
                plot.image(PlotImage::new("boundary", texture.id(), centre, size));
            }
            let mut by_colour: PointsByColour = Default::default();
            for point in &self.data.scatter.train {
                by_colour
                    .entry(colour_of(point.label, point.opacity).to_array())
                    .or_default()
                    .0
                    .push(point.at);
            }
            if self.choices.show_test {
                for point in &self.data.scatter.test {
                    by_colour
                        .entry(colour_of(point.label, point.opacity).to_array())
                        .or_default()
                        .1
                        .push(point.at);
                }
            }
            for (rgba, (train, test)) in by_colour {
                let colour = Color32::from_rgba_premultiplied(rgba[0], rgba[1], rgba[2], rgba[3]);
                plot.points(
                    Points::new("training points", PlotPoints::from(train))
                        .color(colour)
                        .radius(radius)
                        .filled(true),
                );
                if !test.is_empty() {
                    plot.points(
                        Points::new("test points", PlotPoints::from(test))
                            .color(colour)
                            .radius(radius + 0.5)
                            .filled(false),
                    );
                }
            }
        });
        self.areas.boundary_plot = Some(response.response.rect);
        response
    }

    /// The data points on the boundary's plane: each row at its axis columns' values,
    /// faded by its distance from the slice.
    pub(super) fn place_points(&mut self) {
        let (Some(controls), Some(dataset), Some(graph)) =
            (&self.choices.slice, &self.data.dataset, &self.data.graph)
        else {
            self.data.scatter = Scatter::default();
            return;
        };
        let point = |row: usize| {
            let values = dataset.inputs.row(row).to_vec();
            let (at, opacity) = controls.place(&values);
            ScatterPoint {
                at,
                label: dataset.targets[row],
                opacity,
            }
        };
        self.data.scatter = Scatter {
            train: graph.data.train_indices.iter().map(|&i| point(i)).collect(),
            test: graph.data.test_indices.iter().map(|&i| point(i)).collect(),
        };
    }

    /// The hidden space: the first training points and the grid's lines through a chosen
    /// layer, on two of its units.
    pub(super) fn hidden_space_view_ui(&mut self, ui: &mut egui::Ui) {
        let (Some(architecture), Some(points), Some(dataset), Some(graph)) = (
            self.run.architecture(),
            self.data.views.node_points.as_ref(),
            self.data.dataset.as_ref(),
            self.data.graph.as_ref(),
        ) else {
            return;
        };
        let Some(mut choice) = HiddenSpaceChoice::fitted(self.choices.hidden_space, architecture)
        else {
            return;
        };
        let labels: Vec<f64> = graph
            .data
            .train_indices
            .iter()
            .take(Views::HIDDEN_SPACE_POINTS)
            .map(|&row| dataset.targets[row])
            .collect();
        let grid = self
            .data
            .grid
            .as_ref()
            .filter(|grid| grid.spec.axes == [0, 1]);
        let data = HiddenSpaceData {
            architecture,
            grid: grid.and_then(|g| g.node_maps.as_deref()),
            resolution: grid.map_or(0, |g| g.spec.resolution),
            points,
            labels: &labels,
            task: self.data.task,
        };
        hidden_space_ui(ui, &mut choice, &data);
        self.choices.hidden_space = Some(choice);
    }

    /// "Click adds:" and a button per class, each with its colour.
    fn class_chooser_ui(&mut self, ui: &mut egui::Ui, class_names: &[String], classes: usize) {
        ui.horizontal(|ui| {
            ui.label("Click adds:")
                .on_hover_text(View::Boundary.tooltip());
            for class in 0..classes {
                let name = class_names
                    .get(class)
                    .cloned()
                    .unwrap_or_else(|| format!("class {class}"));
                // A dot in the class's colour, then the name in the text colour, which
                // stays readable on the selection highlight.
                let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter()
                    .circle_filled(dot.center(), 4.5, class_colour(class));
                ui.selectable_value(&mut self.choices.point_class, class, name.clone())
                    .on_hover_text(format!(
                        "Click on the plot to add a training point of {name}; Shift+click \
                         adds the next class; right-click removes the nearest point."
                    ));
            }
        });
    }

    /// Points placed by hand before they are of two classes (none yet, or one class only):
    /// an empty plane to click on, with the points so far.
    pub(super) fn empty_plane_ui(
        &mut self,
        ui: &mut egui::Ui,
        document: &GraphDocument,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        let spec = &document.dataset;
        let DataSource::Points { points, classes } = &spec.source else {
            return commands;
        };
        let classes = (*classes).max(2);
        self.class_chooser_ui(ui, &[], classes);
        if self.choices.point_class >= classes {
            self.choices.point_class = 0;
        }
        ui.weak(format!(
            "{} points so far. Click to place points of the chosen class (Shift+click: the \
             next class); the boundary appears once two classes have points.",
            points.len()
        ));
        let response = Plot::new("empty-plane")
            .data_aspect(1.0)
            .include_x(-6.0)
            .include_x(6.0)
            .include_y(-6.0)
            .include_y(6.0)
            .allow_double_click_reset(false)
            .show(ui, |plot| {
                for class in 0..classes {
                    let placed: Vec<[f64; 2]> = points
                        .iter()
                        .filter(|p| layerwright_nn::data::class_index(p.label) == Some(class))
                        .map(|p| [p.x, p.y])
                        .collect();
                    plot.points(
                        Points::new("placed points", PlotPoints::from(placed))
                            .color(class_colour(class))
                            .radius(5.0)
                            .filled(true),
                    );
                }
            });
        let add = response.response.clicked();
        let remove = response.response.secondary_clicked();
        if (add || remove)
            && let Some(position) = response.response.interact_pointer_pos()
        {
            let point = response.transform.value_from_position(position);
            let shift = ui.input(|i| i.modifiers.shift);
            let so_far = Dataset::from_points("points", Task::Classification, points, classes);
            commands.extend(self.point_edit(
                spec,
                &so_far,
                classes,
                [point.x, point.y],
                add,
                shift,
            ));
        }
        commands
    }

    /// The edit a click at `point` on the boundary asks for: add a point of the chosen class
    /// (the next class with Shift), or remove the nearest point.
    fn point_edit(
        &self,
        spec: &DatasetSpec,
        dataset: &Dataset,
        classes: usize,
        point: [f64; 2],
        add: bool,
        next_class: bool,
    ) -> Option<Command> {
        let class = if next_class {
            (self.choices.point_class + 1) % classes
        } else {
            self.choices.point_class
        };
        let outcome = if add {
            with_point_added(spec, dataset, point, class).map(Some)
        } else {
            with_nearest_removed(spec, dataset, point)
        };
        Some(match outcome {
            Ok(Some(next)) => Command::Edit(Edit::UpdateDataset {
                dataset: Box::new(next),
                field: "points",
            }),
            Ok(None) => Command::Notify("There is no point left to remove.".to_owned()),
            Err(error) => Command::Notify(format!("Cannot place points here: {error}")),
        })
    }
}
