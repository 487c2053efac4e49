//! The training panel: status, loss and accuracy curves, and the views of what the
//! network learned (decision boundary, fit, loss surface, confusion matrix, test images).
//! The run itself (the trainer protocol and the curves' numbers) is [`TrainingRun`]; this
//! module keeps what is drawn from its snapshots and the person's view choices.

use std::sync::Arc;

use egui::TextureHandle;
use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::data::{Dataset, Task};
use layerwright_nn::graph::GraphDocument;

use super::run::{Loaded, Synced, TrainingRun};
use crate::commands::Command;
use crate::document::export::PlotCapture;
use crate::network::compiled::Compiled;
use crate::network::runs::sweep_window::SweepWindow;
use crate::network::runs::window::RunsWindow;
use crate::network::runs::{RunSnapshot, RunsLog};
use crate::network::snapshot::{GridValues, ProbeValues, Views};
use crate::network::training::worker::Progress;
use crate::network::views::View;
use crate::network::views::confusion::TestImages;
use crate::network::views::hidden_space::HiddenSpaceChoice;
use crate::network::views::importance::ImportanceView;
use crate::network::views::prediction_errors::prediction_errors_ui;
use crate::network::views::regression::{LineScatter, SurfaceDrawing, fit_ui, surface_ui};
use crate::network::views::slice::SliceControls;
use crate::network::views::try_it::TryIt;
use crate::network::views::units::NodeInsight;
pub use crate::theme::class_colour;

/// One data point on the decision boundary's plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ScatterPoint {
    /// Its values of the two axis columns.
    pub(super) at: [f64; 2],
    /// Its class index or value.
    pub(super) label: f64,
    /// 1 on the slice, fainter the further its held columns are from it.
    pub(super) opacity: f32,
}

/// The run's points on the decision boundary's plane, split into training and test.
#[derive(Clone, Debug, Default)]
pub(super) struct Scatter {
    pub(super) train: Vec<ScatterPoint>,
    pub(super) test: Vec<ScatterPoint>,
}

/// What the views draw of the current run: its data and the trainer's latest evaluations.
#[derive(Default)]
pub(super) struct RunData {
    pub(super) task: Task,
    /// The compiled graph the run trains.
    pub(super) graph: Option<Arc<CompiledGraph>>,
    pub(super) dataset: Option<Arc<Dataset>>,
    pub(super) class_names: Vec<String>,
    pub(super) scatter: Scatter,
    pub(super) line_scatter: LineScatter,
    pub(super) test_images: Option<TestImages>,
    pub(super) grid: Option<GridValues>,
    /// The trainer's answer for the person's row ("Try it").
    pub(super) probe: Option<ProbeValues>,
    pub(super) views: Views,
    /// `(w, b)` along gradient descent (one-weight networks).
    pub(super) path: Vec<[f64; 2]>,
    /// The gradient figures and stuck units over the epochs.
    pub(super) dynamics: crate::network::views::dynamics::DynamicsHistory,
    pub(super) surface: Option<SurfaceDrawing>,
}

/// How the person chose to see the views.
pub(super) struct ViewChoices {
    pub(super) view: View,
    pub(super) log_scale: bool,
    pub(super) show_test: bool,
    pub(super) discretize: bool,
    pub(super) confusion_on_test: bool,
    pub(super) mistakes_only: bool,
    /// The class a click on the decision boundary adds.
    pub(super) point_class: usize,
    /// Two classes: the threshold the person moved along the ROC curve (`None`: ½).
    pub(super) threshold: Option<f64>,
    /// Where the matrix and the class scores do not fit side by side: the scores shown.
    pub(super) class_scores_instead: bool,
    /// The decision boundary's axes and held values (data with two or more number columns).
    pub(super) slice: Option<SliceControls>,
    /// The hidden space's layer and units.
    pub(super) hidden_space: Option<HiddenSpaceChoice>,
    /// The curves' tab: the loss curves or the training dynamics.
    pub(super) curves_tab: CurvesTab,
    /// The dynamics view's figure and layer.
    pub(super) dynamics: crate::network::views::dynamics::DynamicsChoices,
}

/// The tabs of the curves' half of the panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CurvesTab {
    /// Loss and score over the epochs.
    #[default]
    Curves,
    /// Gradients and units per layer.
    Dynamics,
}

impl Default for ViewChoices {
    fn default() -> Self {
        Self {
            view: View::Boundary,
            log_scale: false,
            show_test: true,
            discretize: false,
            confusion_on_test: true,
            mistakes_only: false,
            point_class: 0,
            threshold: None,
            class_scores_instead: false,
            slice: None,
            hidden_space: None,
            curves_tab: CurvesTab::Curves,
            dynamics: crate::network::views::dynamics::DynamicsChoices::default(),
        }
    }
}

/// The decision boundary's texture, remade when a new grid arrives or the colouring changes.
#[derive(Default)]
pub(super) struct BoundaryTexture {
    pub(super) texture: Option<TextureHandle>,
    pub(super) stale: bool,
}

/// Where the plots were last drawn, in points (for Save PNG… and clicks).
#[derive(Default)]
pub(super) struct PlotAreas {
    pub(super) curves: Option<egui::Rect>,
    pub(super) view: Option<egui::Rect>,
    pub(super) boundary_plot: Option<egui::Rect>,
    /// The room the views had: where nothing of them may spill past.
    pub(super) views_area: Option<egui::Rect>,
    /// The boundary plot with its axes.
    pub(super) boundary_area: Option<egui::Rect>,
}

/// The training panel's state.
#[derive(Default)]
pub struct TrainingPanel {
    /// The trainer's run: commands, curves, the latest weights.
    pub run: TrainingRun,
    pub(super) data: RunData,
    pub(super) choices: ViewChoices,
    pub(super) boundary: BoundaryTexture,
    pub(super) areas: PlotAreas,
    pub(super) curve_cache: crate::network::views::curves::CurveCache,
    /// Unit maps and weights drawn inside the canvas's nodes.
    pub insight: NodeInsight,
    /// The unit whose thumbnail the pointer was over in the last frame: `(node id, unit)`.
    pub hovered_unit: Option<(String, usize)>,
    /// Which inputs matter, measured on request.
    pub importance: ImportanceView,
    /// Inputs the person sets or draws, answered by the trainer.
    pub try_it: TryIt,
    /// Every run of the open document, recorded from the trainer's snapshots.
    pub runs: RunsLog,
    /// The Runs window.
    pub runs_window: RunsWindow,
    /// The Sweep window and the sweep it runs.
    pub sweep: SweepWindow,
}

impl TrainingPanel {
    /// Keeps the run in step with the document and the latest compile, and takes the
    /// trainer's snapshots into the views. `version` is the editor's (id, revision).
    pub fn sync(
        &mut self,
        ctx: &egui::Context,
        version: (u64, u64),
        document: &GraphDocument,
        compiled: Option<&Arc<Compiled>>,
    ) {
        self.run.set_wake(|| {
            let ctx = ctx.clone();
            Arc::new(move || ctx.request_repaint())
        });
        match self.run.sync(version, document, compiled) {
            Synced::Started(loaded) => self.start_views(loaded, document.dataset.image),
            Synced::Stopped => {
                self.data = RunData::default();
                self.insight.clear();
                self.importance.clear();
                self.boundary = BoundaryTexture::default();
            }
            Synced::Unchanged => {}
        }
        for progress in self.run.poll() {
            let snapshot = RunSnapshot {
                reset: progress.reset,
                points: &progress.points,
                playing: progress.playing,
                epochs: progress.epochs,
                parameters: progress.parameters.as_ref(),
            };
            self.runs
                .observe(&snapshot, document, self.data.graph.as_ref());
            self.absorb(progress);
        }
        let finished = self.sweep.poll();
        if !finished.is_empty() {
            let settings: Vec<String> = self
                .sweep
                .results
                .as_ref()
                .map(|(paths, _)| paths.iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            for row in &finished {
                self.runs.record_sweep_run(row, &settings);
            }
        }
        let wake = ctx.clone();
        self.runs.poll(move || wake.request_repaint());
    }

    /// What the views need from the data set of a newly loaded run: 2-D and one-column
    /// points, test images, class names. Clears the previous run's views.
    fn start_views(&mut self, loaded: Loaded, image: Option<layerwright_nn::data::ImageShape>) {
        let Loaded { graph, dataset } = loaded;
        let compiled: &CompiledGraph = &graph;
        self.insight.clear();
        self.importance.clear();
        self.boundary.stale = true;
        self.data = RunData {
            task: compiled.data.description.task,
            class_names: compiled.data.description.class_names.clone(),
            dataset: dataset.clone(),
            graph: Some(Arc::clone(&graph)),
            ..RunData::default()
        };
        self.insight.receptive_fields.start(image);
        let Some(dataset) = dataset else {
            return;
        };
        // Image data have the test images instead of a plane through 64 pixels.
        if image.is_none() {
            self.choices.slice = SliceControls::new(&dataset, &compiled.data.train_indices)
                .map(|controls| controls.keeping(self.choices.slice.as_ref()));
            if let Some(controls) = &self.choices.slice
                && !controls.is_whole_plane()
            {
                self.run.set_slice(controls.slice());
            }
            self.place_points();
        }
        self.try_it
            .start(&dataset, &compiled.data.train_indices, image);
        // A blank pad shows nothing in the feature maps: start from the first test image.
        let blank = |row: &[f64]| row.iter().all(|&v| v == row[0]);
        if image.is_some()
            && self.try_it.row().is_some_and(|row| blank(&row))
            && let Some(&first) = compiled.data.test_indices.first()
        {
            self.try_it.open_row(&dataset, first);
        }
        if let Some(row) = self.try_it.row() {
            self.run.set_probe(row);
        }
        if dataset.feature_count() == 1 {
            let row_point = |i: usize| [dataset.inputs[[i, 0]], dataset.targets[i]];
            self.data.line_scatter = LineScatter {
                train: compiled
                    .data
                    .train_indices
                    .iter()
                    .map(|&i| row_point(i))
                    .collect(),
                test: compiled
                    .data
                    .test_indices
                    .iter()
                    .map(|&i| row_point(i))
                    .collect(),
            };
        }
        if compiled.data.description.task == Task::Classification {
            let test = &compiled.data.test_indices;
            let images = test
                .iter()
                .map(|&i| dataset.inputs.row(i).to_vec())
                .collect();
            let truth = test
                .iter()
                .map(|&i| layerwright_nn::data::class_index(dataset.targets[i]).unwrap_or(0))
                .collect();
            self.data.test_images = image
                .and_then(|shape| TestImages::new(shape, dataset.feature_count(), images, truth));
        }
    }

    /// One snapshot of the current run into the views.
    fn absorb(&mut self, progress: Progress) {
        if progress.parameters.is_some()
            && let (Some(architecture), Some(parameters)) =
                (self.run.architecture(), self.run.parameters())
        {
            self.insight.set_weights(architecture, parameters);
        }
        if let Some(grid) = progress.grid {
            // The maps stay with the grid too: the hidden space draws its lines from them.
            if let (Some(maps), Some(architecture)) = (&grid.node_maps, self.run.architecture()) {
                self.insight.set_maps(architecture, maps);
            }
            self.data.grid = Some(grid);
            self.boundary.stale = true;
        }
        if let Some(probe) = &progress.probe {
            self.insight.feature_maps.set_maps(&probe.feature_maps);
        }
        if progress.probe.is_some() {
            self.data.probe = progress.probe;
        }
        if progress.reset {
            self.data.path.clear();
            self.data.dynamics.clear();
            self.insight.stuck.clear();
        }
        self.data.path.extend(progress.path);
        if let Some(surface) = progress.surface {
            self.data.surface = Some(SurfaceDrawing::new(surface));
        }
        if let Some(views) = progress.views {
            if let Some(point) = &views.dynamics {
                self.data.dynamics.record(point);
                self.insight.set_activity(point);
            }
            self.data.views = *views;
        }
    }

    /// The views this run can show, in tab order.
    pub fn available_views(&self) -> Vec<View> {
        View::ALL
            .into_iter()
            .filter(|view| match view {
                View::Boundary => !self.data.scatter.train.is_empty(),
                View::HiddenSpace => {
                    self.data.views.node_points.is_some()
                        && self
                            .run
                            .architecture()
                            .and_then(HiddenSpaceChoice::first_hidden)
                            .is_some()
                }
                View::Fit => !self.data.line_scatter.train.is_empty(),
                View::Errors => {
                    self.data.task == Task::Regression && self.run.architecture().is_some()
                }
                View::LossSurface => self.data.surface.is_some(),
                View::Confusion => {
                    self.data.task == Task::Classification && self.run.architecture().is_some()
                }
                View::TestImages => self.data.test_images.is_some(),
                View::Importance | View::TryIt => {
                    self.data.dataset.is_some() && self.run.architecture().is_some()
                }
            })
            .collect()
    }

    /// The view shown: the one chosen, or the first this run has.
    pub fn current_view(&self) -> Option<View> {
        let available = self.available_views();
        if available.contains(&self.choices.view) {
            Some(self.choices.view)
        } else {
            available.first().copied()
        }
    }

    /// Chooses the view shown (when this run has it).
    pub fn choose_view(&mut self, view: View) {
        self.choices.view = view;
    }

    /// The latest confusion matrix on the chosen split.
    pub fn confusion(&self) -> Option<&layerwright_nn::train::metrics::ConfusionMatrix> {
        let views = &self.data.views;
        if self.choices.confusion_on_test && views.confusion_test.is_some() {
            views.confusion_test.as_ref()
        } else {
            views.confusion_train.as_ref()
        }
    }

    /// The gradient-descent path over the loss surface so far.
    pub fn descent_path(&self) -> &[[f64; 2]] {
        &self.data.path
    }

    /// The room the views had in the last frame (tabs and view), in points.
    pub fn views_area(&self) -> Option<egui::Rect> {
        self.areas.views_area
    }

    /// Where the decision-boundary plot was last drawn, in points.
    pub fn boundary_plot_rect(&self) -> Option<egui::Rect> {
        self.areas.boundary_plot
    }

    /// The class a click on the decision boundary adds.
    pub fn point_class(&self) -> usize {
        self.choices.point_class
    }

    /// The latest views the trainer sent (fitted curve, confusion matrices, predictions).
    pub fn views(&self) -> &Views {
        &self.data.views
    }

    /// Whether a loss surface has arrived.
    pub fn has_surface(&self) -> bool {
        self.data.surface.is_some()
    }

    /// Whether unit maps have arrived for the canvas's nodes.
    pub fn has_unit_maps(&self) -> bool {
        !self.insight.maps.is_empty()
    }

    /// The latest decision boundary: where it was evaluated, the held row and the outputs.
    pub fn boundary(&self) -> Option<&GridValues> {
        self.data.grid.as_ref()
    }

    /// Whether a decision boundary has arrived from the trainer.
    pub fn has_boundary(&self) -> bool {
        self.data.grid.is_some()
    }

    /// The tabs over the right half, a save button, and the chosen view.
    pub fn views_ui(&mut self, ui: &mut egui::Ui, document: &GraphDocument) -> Vec<Command> {
        let mut commands = Vec::new();
        self.areas.views_area = Some(ui.max_rect());
        let available = self.available_views();
        // Points by hand: the plane takes clicks until the points are of two classes.
        let placing = match &document.dataset.source {
            layerwright_nn::graph::DataSource::Points { points, .. } => {
                document.dataset.task == layerwright_nn::data::Task::Classification
                    && points.iter().all(|p| p.label == points[0].label)
            }
            _ => false,
        };
        if placing {
            commands.extend(self.empty_plane_ui(ui, document));
            return commands;
        }
        let Some(current) = self.current_view() else {
            ui.weak("Views of the trained network appear here once the graph is valid.");
            return commands;
        };
        // The tabs wrap onto a second row where the panel is narrow, Save PNG… after them.
        ui.horizontal_wrapped(|ui| {
            for view in &available {
                if ui
                    .selectable_label(current == *view, view.label(self.data.task))
                    .on_hover_text(view.tooltip())
                    .clicked()
                {
                    self.choices.view = *view;
                }
            }
            ui.separator();
            if let Some(rect) = self.areas.view
                && ui
                    .small_button("Save PNG…")
                    .on_hover_text("Save this plot as a PNG image, for slides and handouts.")
                    .clicked()
            {
                commands.push(Command::SavePlot(PlotCapture {
                    rect,
                    file_name: current.file_name().to_owned(),
                }));
            }
        });
        let top = ui.cursor().min;
        // The plot itself, for Save PNG…; views without one save their whole area.
        let mut plot_rect = None;
        match current {
            View::Boundary => {
                commands.extend(self.boundary_ui(ui, document));
                plot_rect = self.areas.boundary_area;
            }
            View::HiddenSpace => self.hidden_space_view_ui(ui),
            View::Fit => {
                ui.checkbox(&mut self.choices.show_test, "Test points")
                    .on_hover_text("Show the test split, outlined.");
                plot_rect = Some(fit_ui(
                    ui,
                    &self.data.line_scatter,
                    self.data.views.curve.as_ref(),
                    self.choices.show_test,
                ));
            }
            View::Errors => {
                ui.checkbox(&mut self.choices.show_test, "Test points")
                    .on_hover_text("Show the test split, outlined.");
                let views = &self.data.views;
                let target = self
                    .data
                    .dataset
                    .as_ref()
                    .map_or("target", |d| d.target_name.as_str());
                plot_rect = prediction_errors_ui(
                    ui,
                    views.regression_train.as_ref(),
                    views.regression_test.as_ref(),
                    target,
                    self.choices.show_test,
                );
            }
            View::LossSurface => {
                if let Some(drawing) = &mut self.data.surface {
                    plot_rect = Some(surface_ui(
                        ui,
                        drawing,
                        &self.data.path,
                        "loss-surface",
                        None,
                    ));
                }
            }
            View::Confusion => self.confusion_view_ui(ui),
            View::Importance => self.importance_view_ui(ui),
            View::TestImages => {
                ui.checkbox(&mut self.choices.mistakes_only, "Mistakes only")
                    .on_hover_text("Show only the test images the network gets wrong.");
                let opened = self.data.test_images.as_mut().and_then(|images| {
                    images.strip_ui(
                        ui,
                        &self.data.views.test_predictions,
                        &self.data.class_names,
                        self.choices.mistakes_only,
                    )
                });
                if let Some(position) = opened {
                    self.open_test_row(position);
                }
            }
            View::TryIt => self.try_it_view_ui(ui),
        }
        self.areas.view =
            plot_rect.or_else(|| Some(egui::Rect::from_min_max(top, ui.min_rect().max)));
        commands
    }

    /// The epoch, the latest metrics, progress to the budget and why training stopped.
    pub fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(format!("Epoch {}", self.run.epochs()));
        if let Some(point) = self.run.history().last() {
            ui.label(format!("Train loss {:.4}", point.train_loss));
            if let Some(test) = point.test_loss {
                ui.label(format!("Test loss {test:.4}"));
            }
            let score = match self.data.task {
                Task::Classification => "accuracy",
                Task::Regression => "R²",
            };
            if let Some(train) = point.train_score {
                let test = point
                    .test_score
                    .map_or_else(String::new, |t| format!(", test {t:.3}"));
                ui.label(format!("Train {score} {train:.3}{test}"));
            }
        }
        if self.run.is_playing() && self.run.examples_per_second() > 0.0 {
            ui.weak(format!("{:.0} examples/s", self.run.examples_per_second()));
        }
        if self.run.budget() > 0 {
            let fraction = (self.run.epochs() as f32 / self.run.budget() as f32).min(1.0);
            ui.add(egui::ProgressBar::new(fraction).text(format!(
                "{} / {} epochs",
                self.run.epochs().min(self.run.budget()),
                self.run.budget()
            )));
        }
        if let Some(message) = self.run.message() {
            ui.colored_label(crate::theme::error_colour(ui.visuals().dark_mode), message);
        }
    }

    /// The speed choice: watchable or as fast as the machine goes.
    pub fn speed_ui(&mut self, ui: &mut egui::Ui) {
        let mut speed = self.run.speed();
        ui.horizontal(|ui| {
            ui.label("Speed")
                .on_hover_text("Epochs per second while training.");
            for (label, choice) in [("10/s", Some(10.0)), ("60/s", Some(60.0)), ("Max", None)] {
                ui.selectable_value(&mut speed, choice, label);
            }
        });
        self.run.set_speed(speed);
    }
}
