//! The training panel: controls, loss and accuracy curves, and the decision boundary. It
//! keeps the trainer thread's run in step with the document and draws the snapshots it sends.

use egui::{Color32, ColorImage, TextureHandle, TextureOptions};
use egui_plot::{Legend, Line, Plot, PlotImage, PlotPoint, PlotPoints, Points};
use layerwright_nn::architecture::Architecture;
use layerwright_nn::data::Task;
use layerwright_nn::graph::GraphDocument;
use layerwright_nn::{ParameterSet, TrainingConfig};

use crate::commands::Command;
use crate::document::export::PlotCapture;
use crate::document::graph::Edit;
use crate::network::editor::Editor;
use crate::network::training::worker::{
    EpochPoint, FromTrainer, GridValues, Progress, ToTrainer, TrainerHandle, Views,
};
use crate::network::views::confusion::{TestImages, confusion_ui};
use crate::network::views::regression::{LineScatter, SurfaceDrawing, fit_ui, surface_ui};
use crate::network::views::units::NodeInsight;
use crate::network::views::{View, with_nearest_removed, with_point_added};
pub use crate::theme::class_colour;
use crate::theme::tint;

/// The epochs the curves' x axis spans at least, so the first points have a readable axis.
const FIRST_EPOCHS_SHOWN: f64 = 10.0;

/// The colour of one grid cell. Binary: a diverging scale from class 0 (p = 0) through the
/// background (p = ½) to class 1 (p = 1). Softmax: the winning class's colour, stronger
/// with confidence. Regression: a diverging scale over `range`. Discretized: full colour of
/// the predicted class.
pub fn cell_colour(
    outputs: &[f64],
    task: Task,
    range: (f64, f64),
    discretize: bool,
    background: Color32,
) -> Color32 {
    match (task, outputs) {
        (Task::Classification, [p]) => {
            let class = usize::from(*p > 0.5);
            let strength = if discretize {
                0.75
            } else {
                (p - 0.5).abs() * 2.0 * 0.75
            };
            tint(background, class_colour(class), strength)
        }
        (Task::Classification, many) => {
            let (class, best) =
                many.iter()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |(bi, bp), (i, &p)| {
                        if p > bp { (i, p) } else { (bi, bp) }
                    });
            let chance = 1.0 / many.len().max(1) as f64;
            let strength = if discretize {
                0.75
            } else {
                ((best - chance) / (1.0 - chance)).clamp(0.0, 1.0) * 0.75
            };
            tint(background, class_colour(class), strength)
        }
        (Task::Regression, values) => {
            let value = values.first().copied().unwrap_or(0.0);
            let (low, high) = range;
            let middle = 0.5 * (low + high);
            let half = (0.5 * (high - low)).max(1e-12);
            let position = ((value - middle) / half).clamp(-1.0, 1.0);
            let colour = if position < 0.0 {
                class_colour(0)
            } else {
                class_colour(1)
            };
            tint(background, colour, position.abs() * 0.75)
        }
    }
}

/// The decision boundary as an image, row 0 at the top.
pub fn boundary_image(
    grid: &GridValues,
    task: Task,
    discretize: bool,
    background: Color32,
) -> ColorImage {
    let n = grid.spec.resolution;
    let column = grid.outputs.column(0);
    let range = column
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let pixels = grid
        .outputs
        .rows()
        .into_iter()
        .map(|row| cell_colour(&row.to_vec(), task, range, discretize, background))
        .collect();
    ColorImage::new([n, n], pixels)
}

/// Epochs of history kept before every other one is dropped.
pub const HISTORY_LIMIT: usize = 20_000;

/// Training and test points grouped by their colour's RGBA bytes.
type PointsByColour = std::collections::BTreeMap<[u8; 4], (Vec<[f64; 2]>, Vec<[f64; 2]>)>;

/// The run's raw 2-D points with their class or value, split into training and test.
#[derive(Clone, Debug, Default)]
struct Scatter {
    train: Vec<([f64; 2], f64)>,
    test: Vec<([f64; 2], f64)>,
}

/// The training panel's state.
pub struct TrainingPanel {
    trainer: Option<TrainerHandle>,
    run_id: u64,
    loaded: Option<String>,
    loaded_config: Option<TrainingConfig>,
    architecture: Option<Architecture>,
    /// Every epoch's metrics of the current run.
    pub history: Vec<EpochPoint>,
    /// Epochs completed.
    pub epochs: usize,
    /// Whether the trainer is training.
    pub playing: bool,
    examples_per_second: f64,
    acknowledged: u64,
    reloading_after_failure: bool,
    seen: Option<(u64, u64)>,
    /// Why training stopped or cannot start, if it did.
    pub message: Option<String>,
    parameters: Option<ParameterSet<f64>>,
    grid: Option<GridValues>,
    texture: Option<TextureHandle>,
    texture_stale: bool,
    scatter: Scatter,
    task: Task,
    budget: usize,
    log_scale: bool,
    /// Epochs per second, `None` for as fast as possible.
    speed: Option<f64>,
    show_test: bool,
    discretize: bool,
    next_seed: u64,
    /// Unit maps and weights drawn inside the canvas's nodes.
    pub insight: NodeInsight,
    /// The unit whose thumbnail the pointer was over in the last frame: `(node id, unit)`.
    pub hovered_unit: Option<(String, usize)>,
    views: Views,
    path: Vec<[f64; 2]>,
    surface: Option<SurfaceDrawing>,
    line_scatter: LineScatter,
    test_images: Option<TestImages>,
    class_names: Vec<String>,
    view: View,
    confusion_on_test: bool,
    mistakes_only: bool,
    /// The class a click on the decision boundary adds.
    point_class: usize,
    curves_rect: Option<egui::Rect>,
    view_rect: Option<egui::Rect>,
    boundary_rect: Option<egui::Rect>,
    /// The boundary plot with its axes.
    boundary_area: Option<egui::Rect>,
    curve_cache: crate::network::views::curves::CurveCache,
}

impl Default for TrainingPanel {
    fn default() -> Self {
        Self {
            trainer: None,
            run_id: 0,
            loaded: None,
            loaded_config: None,
            architecture: None,
            history: Vec::new(),
            epochs: 0,
            playing: false,
            examples_per_second: 0.0,
            acknowledged: 0,
            reloading_after_failure: false,
            seen: None,
            message: None,
            parameters: None,
            grid: None,
            texture: None,
            texture_stale: false,
            scatter: Scatter::default(),
            task: Task::Classification,
            budget: 0,
            log_scale: false,
            speed: Some(crate::network::training::worker::DEFAULT_SPEED),
            show_test: true,
            discretize: false,
            next_seed: 1000,
            insight: NodeInsight::default(),
            hovered_unit: None,
            views: Views::default(),
            path: Vec::new(),
            surface: None,
            line_scatter: LineScatter::default(),
            test_images: None,
            class_names: Vec::new(),
            view: View::Boundary,
            confusion_on_test: true,
            mistakes_only: false,
            point_class: 0,
            curves_rect: None,
            view_rect: None,
            boundary_rect: None,
            boundary_area: None,
            curve_cache: Default::default(),
        }
    }
}

/// What identifies a run: the structure and data, not the live-editable settings.
fn structure_key(document: &GraphDocument) -> String {
    serde_json::to_string(&(
        &document.nodes,
        &document.edges,
        &document.dataset,
        document.training.seed,
    ))
    .unwrap_or_default()
}

impl TrainingPanel {
    fn send(&mut self, ctx: &egui::Context, command: ToTrainer) {
        if self.trainer.is_none() {
            let ctx = ctx.clone();
            match TrainerHandle::spawn(move || ctx.request_repaint()) {
                Ok(handle) => self.trainer = Some(handle),
                Err(error) => {
                    self.message = Some(format!("Could not start the trainer thread: {error}"));
                    return;
                }
            }
        }
        let alive = self.trainer.as_mut().is_some_and(|t| t.send(command));
        if !alive {
            self.trainer = None;
            self.message = Some("The trainer stopped; press Train to start again.".to_owned());
            self.loaded = None;
        }
    }

    /// Keeps the trainer's run in step with the document: a new structure recompiles and
    /// restarts (keeping the weights of layers whose shapes did not change); new settings
    /// apply live.
    pub fn sync(&mut self, ctx: &egui::Context, editor: &mut Editor) {
        // Most frames the document has not changed: skip the comparison work.
        if self.seen == Some(editor.version()) && self.loaded.is_some() {
            self.poll();
            return;
        }
        self.seen = Some(editor.version());
        let document = editor.document.document().clone();
        let key = structure_key(&document);
        self.budget = document.training.epochs;
        if self.loaded.as_ref() != Some(&key) {
            self.loaded = Some(key);
            match editor.compile_current() {
                Ok(compiled) => {
                    let initial = self.carry_over(&compiled);
                    self.task = compiled.data.description.task;
                    self.take_dataset_views(editor.dataset().as_ref(), &compiled);
                    self.architecture = Some(compiled.architecture.clone());
                    self.loaded_config = Some(compiled.config);
                    self.run_id += 1;
                    self.grid = None;
                    self.texture_stale = true;
                    // After a failure the message stays until the person acts.
                    if !std::mem::take(&mut self.reloading_after_failure) {
                        self.message = None;
                    }
                    let resume = self.playing;
                    self.send(
                        ctx,
                        ToTrainer::Load {
                            run_id: self.run_id,
                            compiled: Box::new(compiled),
                            initial,
                        },
                    );
                    if resume {
                        self.send(ctx, ToTrainer::Play { until: None });
                    }
                }
                Err(message) => {
                    if self.playing {
                        self.send(ctx, ToTrainer::Pause);
                    }
                    self.playing = false;
                    self.architecture = None;
                    self.message = Some(message);
                }
            }
        } else if let Some(config) = self.loaded_config {
            let wanted = TrainingConfig {
                optimizer: document.training.optimizer,
                learning_rate: document.training.learning_rate,
                batching: document.training.batching,
                shuffle: document.training.shuffle,
                regularization: document.training.regularization,
                seed: config.seed,
            };
            if wanted != config {
                self.loaded_config = Some(wanted);
                self.send(ctx, ToTrainer::SetConfig(wanted));
            }
        }
        self.poll();
    }

    /// What the views need from the data set of a newly compiled graph: 2-D and one-column
    /// points, test images, class names. Clears the previous run's views.
    fn take_dataset_views(
        &mut self,
        dataset: Option<&layerwright_nn::data::Dataset>,
        compiled: &layerwright_nn::compile::CompiledGraph,
    ) {
        self.views = Views::default();
        self.path.clear();
        self.surface = None;
        self.insight.clear();
        self.class_names = compiled.data.description.class_names.clone();
        self.line_scatter = LineScatter::default();
        self.test_images = None;
        self.scatter = Scatter::default();
        let Some(dataset) = dataset else {
            return;
        };
        let plane_point = |i: usize| {
            (
                [dataset.inputs[[i, 0]], dataset.inputs[[i, 1]]],
                dataset.targets[i],
            )
        };
        if dataset.feature_count() == 2 {
            self.scatter = Scatter {
                train: compiled
                    .data
                    .train_indices
                    .iter()
                    .map(|&i| plane_point(i))
                    .collect(),
                test: compiled
                    .data
                    .test_indices
                    .iter()
                    .map(|&i| plane_point(i))
                    .collect(),
            };
        }
        let row_point = |i: usize| [dataset.inputs[[i, 0]], dataset.targets[i]];
        if dataset.feature_count() == 1 {
            self.line_scatter = LineScatter {
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
            self.test_images = TestImages::new(dataset.feature_count(), images, truth);
        }
    }

    /// Fresh weights for a recompiled graph, keeping each parameter whose layer and shape match.
    fn carry_over(&self, compiled: &layerwright_nn::compile::CompiledGraph) -> ParameterSet<f64> {
        let mut initial = compiled.initial.clone();
        let (Some(old), Some(parameters)) = (&self.architecture, &self.parameters) else {
            return initial;
        };
        for (info, tensor) in compiled
            .architecture
            .parameters()
            .iter()
            .zip(initial.tensors.iter_mut())
        {
            let name = &compiled.architecture.node(info.node).name;
            let kept = old
                .parameters()
                .iter()
                .zip(&parameters.tensors)
                .find(|(o, t)| {
                    old.node(o.node).name == *name && o.role == info.role && t.dim() == info.shape
                });
            if let Some((_, previous)) = kept {
                tensor.assign(previous);
            }
        }
        initial
    }

    fn poll(&mut self) {
        let Some(trainer) = &self.trainer else { return };
        for message in trainer.drain() {
            match message {
                FromTrainer::Progress(progress) if progress.run_id == self.run_id => {
                    self.absorb(*progress);
                }
                FromTrainer::Stopped {
                    run_id,
                    message,
                    lost,
                } if run_id == self.run_id || run_id == 0 => {
                    self.playing = false;
                    self.message = Some(message);
                    if lost {
                        // The next frame loads the graph again, from fresh weights.
                        self.reloading_after_failure = true;
                        self.loaded = None;
                        self.parameters = None;
                        self.architecture = None;
                    }
                }
                // A message from an earlier run.
                _ => {}
            }
        }
    }

    fn absorb(&mut self, progress: Progress) {
        if progress.reset {
            self.history.clear();
        }
        self.history.extend(progress.points);
        if self.history.len() > HISTORY_LIMIT {
            // Runs at full speed reach millions of epochs: keep every other point (and the
            // latest), so memory and the curves' upkeep stay bounded.
            let last = self.history.last().copied();
            let mut index = 0;
            self.history.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            if let Some(last) = last
                && self.history.last() != Some(&last)
            {
                self.history.push(last);
            }
        }
        self.epochs = progress.epochs;
        self.acknowledged = progress.acknowledged;
        // A snapshot sent before the trainer saw the latest Train or Pause must not undo it.
        if self.settled_by(progress.acknowledged) {
            self.playing = progress.playing;
        }
        self.examples_per_second = progress.examples_per_second;
        if progress.parameters.is_some() {
            self.parameters = progress.parameters;
            if let (Some(architecture), Some(parameters)) = (&self.architecture, &self.parameters) {
                self.insight.set_weights(architecture, parameters);
            }
        }
        if progress.grid.is_some() {
            self.grid = progress.grid;
            self.texture_stale = true;
        }
        if progress.reset {
            self.path.clear();
        }
        self.path.extend(progress.path);
        if let Some(surface) = progress.surface {
            self.surface = Some(SurfaceDrawing::new(surface));
        }
        if let Some(mut views) = progress.views {
            if let (Some(maps), Some(architecture)) =
                (views.node_maps.take(), self.architecture.as_ref())
            {
                self.insight.set_maps(architecture, maps);
            }
            self.views = *views;
        }
    }

    /// The views this run can show, in tab order.
    pub fn available_views(&self) -> Vec<View> {
        View::ALL
            .into_iter()
            .filter(|view| match view {
                View::Boundary => !self.scatter.train.is_empty(),
                View::Fit => !self.line_scatter.train.is_empty(),
                View::LossSurface => self.surface.is_some(),
                View::Confusion => self.task == Task::Classification && self.architecture.is_some(),
                View::TestImages => self.test_images.is_some(),
            })
            .collect()
    }

    /// The view shown: the one chosen, or the first this run has.
    pub fn current_view(&self) -> Option<View> {
        let available = self.available_views();
        if available.contains(&self.view) {
            Some(self.view)
        } else {
            available.first().copied()
        }
    }

    /// Chooses the view shown (when this run has it).
    pub fn choose_view(&mut self, view: View) {
        self.view = view;
    }

    /// The latest confusion matrix on the chosen split.
    pub fn confusion(&self) -> Option<&layerwright_nn::metrics::ConfusionMatrix> {
        if self.confusion_on_test && self.views.confusion_test.is_some() {
            self.views.confusion_test.as_ref()
        } else {
            self.views.confusion_train.as_ref()
        }
    }

    /// The gradient-descent path over the loss surface so far.
    pub fn descent_path(&self) -> &[[f64; 2]] {
        &self.path
    }

    /// Where the decision-boundary plot was last drawn, in points.
    pub fn boundary_plot_rect(&self) -> Option<egui::Rect> {
        self.boundary_rect
    }

    /// The class a click on the decision boundary adds.
    pub fn point_class(&self) -> usize {
        self.point_class
    }

    /// The latest views the trainer sent (fitted curve, confusion matrices, predictions).
    pub fn views(&self) -> &Views {
        &self.views
    }

    /// Whether a loss surface has arrived.
    pub fn has_surface(&self) -> bool {
        self.surface.is_some()
    }

    /// Whether unit maps have arrived for the canvas's nodes.
    pub fn has_unit_maps(&self) -> bool {
        !self.insight.maps.is_empty()
    }

    /// The tabs over the right half, a save button, and the chosen view.
    pub fn views_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) -> Vec<Command> {
        let mut commands = Vec::new();
        let available = self.available_views();
        let Some(current) = self.current_view() else {
            ui.weak("Views of the trained network appear here once the graph is valid.");
            return commands;
        };
        ui.horizontal(|ui| {
            for view in &available {
                if ui
                    .selectable_label(current == *view, view.label(self.task))
                    .on_hover_text(view.tooltip())
                    .clicked()
                {
                    self.view = *view;
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(rect) = self.view_rect
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
        });
        let top = ui.cursor().min;
        // The plot itself, for Save PNG…; views without one save their whole area.
        let mut plot_rect = None;
        match current {
            View::Boundary => {
                commands.extend(self.boundary_ui(ui, editor));
                plot_rect = self.boundary_area;
            }
            View::Fit => {
                ui.checkbox(&mut self.show_test, "Test points")
                    .on_hover_text("Show the test split, outlined.");
                plot_rect = Some(fit_ui(
                    ui,
                    &self.line_scatter,
                    self.views.curve.as_ref(),
                    self.show_test,
                ));
            }
            View::LossSurface => {
                if let Some(drawing) = &mut self.surface {
                    plot_rect = Some(surface_ui(ui, drawing, &self.path, "loss-surface", None));
                }
            }
            View::Confusion => self.confusion_view_ui(ui),
            View::TestImages => {
                ui.checkbox(&mut self.mistakes_only, "Mistakes only")
                    .on_hover_text("Show only the test images the network gets wrong.");
                if let Some(images) = &mut self.test_images {
                    images.strip_ui(
                        ui,
                        &self.views.test_predictions,
                        &self.class_names,
                        self.mistakes_only,
                    );
                }
            }
        }
        self.view_rect =
            plot_rect.or_else(|| Some(egui::Rect::from_min_max(top, ui.min_rect().max)));
        commands
    }

    fn confusion_view_ui(&mut self, ui: &mut egui::Ui) {
        let has_test = self.views.confusion_test.is_some();
        ui.horizontal(|ui| {
            ui.label("Split");
            ui.selectable_value(&mut self.confusion_on_test, false, "Training");
            ui.add_enabled_ui(has_test, |ui| {
                ui.selectable_value(&mut self.confusion_on_test, true, "Test")
                    .on_disabled_hover_text("This data set has no test split.");
            });
        });
        match self.confusion().cloned() {
            Some(matrix) => confusion_ui(ui, &matrix, &self.class_names),
            None => {
                ui.weak("The matrix appears once the trainer reports.");
            }
        }
    }

    fn settled_by(&self, acknowledged: u64) -> bool {
        self.trainer
            .as_ref()
            .is_none_or(|t| acknowledged >= t.sent())
    }

    /// Whether the trainer has carried out every command sent to it.
    pub fn is_settled(&self) -> bool {
        self.acknowledged >= self.trainer.as_ref().map_or(0, TrainerHandle::sent)
    }

    /// Train ⇄ Pause.
    pub fn toggle(&mut self, ctx: &egui::Context) {
        if self.architecture.is_none() {
            return;
        }
        if self.playing {
            self.playing = false;
            self.send(ctx, ToTrainer::Pause);
        } else {
            self.playing = true;
            self.message = None;
            // Up to the epoch budget; past it, until paused.
            let until = (self.budget > self.epochs).then_some(self.budget);
            self.send(ctx, ToTrainer::Play { until });
        }
    }

    /// Makes the trainer panic (tests use this to check that failures are caught).
    #[cfg(feature = "test-hooks")]
    pub fn panic_for_test(&mut self, ctx: &egui::Context) {
        self.send(ctx, ToTrainer::PanicForTest);
    }

    /// One epoch, then pause.
    pub fn step_epoch(&mut self, ctx: &egui::Context) {
        self.playing = false;
        self.send(ctx, ToTrainer::StepEpoch);
    }

    /// One update, then pause.
    pub fn step_batch(&mut self, ctx: &egui::Context) {
        self.playing = false;
        self.send(ctx, ToTrainer::StepBatch);
    }

    /// Back to the exact initial weights, or fresh ones from a new seed.
    pub fn reset(&mut self, ctx: &egui::Context, new_seed: bool) {
        self.playing = false;
        self.message = None;
        let reseed = new_seed.then(|| {
            self.next_seed += 1;
            self.next_seed
        });
        self.send(ctx, ToTrainer::Reset { reseed });
    }

    /// The latest weights the trainer reported (small networks).
    pub fn parameters(&self) -> Option<&ParameterSet<f64>> {
        self.parameters.as_ref()
    }

    /// Whether a decision boundary has arrived from the trainer.
    pub fn has_boundary(&self) -> bool {
        self.grid.is_some()
    }

    /// The latest training loss, if any.
    pub fn train_loss(&self) -> Option<f64> {
        self.history.last().map(|p| p.train_loss)
    }

    /// Sets the speed: at most `epochs_per_second`, or as fast as possible with `None`.
    pub fn set_speed(&mut self, ctx: &egui::Context, epochs_per_second: Option<f64>) {
        self.speed = epochs_per_second;
        self.send(ctx, ToTrainer::SetSpeed(epochs_per_second));
    }

    /// The speed choice: watchable or as fast as the machine goes.
    pub fn speed_ui(&mut self, ui: &mut egui::Ui) {
        let before = self.speed;
        ui.horizontal(|ui| {
            ui.label("Speed")
                .on_hover_text("Epochs per second while training.");
            for (label, speed) in [("10/s", Some(10.0)), ("60/s", Some(60.0)), ("Max", None)] {
                ui.selectable_value(&mut self.speed, speed, label);
            }
        });
        if self.speed != before {
            let speed = self.speed;
            self.send(ui.ctx(), ToTrainer::SetSpeed(speed));
        }
    }

    /// Labels, progress and the plots (the controls are drawn by the app from its command table).
    pub fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(format!("Epoch {}", self.epochs));
        if let Some(point) = self.history.last() {
            ui.label(format!("Train loss {:.4}", point.train_loss));
            if let Some(test) = point.test_loss {
                ui.label(format!("Test loss {test:.4}"));
            }
            let score = match self.task {
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
        if self.playing && self.examples_per_second > 0.0 {
            ui.weak(format!("{:.0} examples/s", self.examples_per_second));
        }
        if self.budget > 0 {
            let fraction = (self.epochs as f32 / self.budget as f32).min(1.0);
            ui.add(egui::ProgressBar::new(fraction).text(format!(
                "{} / {} epochs",
                self.epochs.min(self.budget),
                self.budget
            )));
        }
        if let Some(message) = &self.message {
            ui.colored_label(crate::theme::error_colour(ui.visuals().dark_mode), message);
        }
    }

    /// The loss (and accuracy) curves.
    pub fn curves_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.log_scale, "Log scale")
                .on_hover_text("Plot log₁₀ of the loss.");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(rect) = self.curves_rect
                    && ui
                        .small_button("Save PNG…")
                        .on_hover_text("Save the curves as a PNG image, for slides and handouts.")
                        .clicked()
                {
                    commands.push(Command::SavePlot(PlotCapture {
                        rect,
                        file_name: "training-curves.png".to_owned(),
                    }));
                }
            });
        });
        let top = ui.cursor().min;
        // Thinned to at most a thousand points a line, remade only when the history grows.
        self.curve_cache.update(&self.history, self.log_scale);
        let curves = &self.curve_cache;
        let height = (ui.available_height() * 0.6).max(80.0);
        let log_scale = self.log_scale;
        // Before the first epochs the axis still reads as epochs from 0.
        Plot::new("loss-curves")
            .height(height)
            .legend(Legend::default())
            .x_axis_label("epoch")
            .y_axis_label(if log_scale { "log₁₀ loss" } else { "loss" })
            .include_x(0.0)
            .include_x(FIRST_EPOCHS_SHOWN)
            .show(ui, |plot| {
                plot.line(
                    Line::new("train loss", PlotPoints::from(curves.train_loss.clone()))
                        .color(class_colour(1)),
                );
                if !curves.test_loss.is_empty() {
                    plot.line(
                        Line::new("test loss", PlotPoints::from(curves.test_loss.clone()))
                            .color(class_colour(0)),
                    );
                }
            });
        let score_name = match self.task {
            Task::Classification => "accuracy",
            Task::Regression => "R²",
        };
        Plot::new("score-curves")
            .legend(Legend::default())
            .x_axis_label("epoch")
            .y_axis_label(score_name)
            .include_x(0.0)
            .include_x(FIRST_EPOCHS_SHOWN)
            .include_y(0.0)
            .include_y(1.0)
            .show(ui, |plot| {
                plot.line(
                    Line::new(
                        format!("train {score_name}"),
                        PlotPoints::from(curves.train_score.clone()),
                    )
                    .color(class_colour(1)),
                );
                if !curves.test_score.is_empty() {
                    plot.line(
                        Line::new(
                            format!("test {score_name}"),
                            PlotPoints::from(curves.test_score.clone()),
                        )
                        .color(class_colour(0)),
                    );
                }
            });
        self.curves_rect = Some(egui::Rect::from_min_max(top, ui.min_rect().max));
        commands
    }

    /// The decision boundary with the data points (2-D inputs only); clicks add and remove
    /// points (classification).
    fn boundary_ui(&mut self, ui: &mut egui::Ui, editor: &mut Editor) -> Vec<Command> {
        let mut commands = Vec::new();
        if self.scatter.train.is_empty() {
            ui.weak("The decision boundary is drawn for data with two input columns.");
            return commands;
        }
        let classes = self.class_names.len().max(2);
        if self.task == Task::Classification {
            ui.horizontal(|ui| {
                ui.label("Click adds:")
                    .on_hover_text(View::Boundary.tooltip());
                for class in 0..classes {
                    let name = self
                        .class_names
                        .get(class)
                        .cloned()
                        .unwrap_or_else(|| format!("class {class}"));
                    // A dot in the class's colour, then the name in the text colour, which
                    // stays readable on the selection highlight.
                    let (dot, _) =
                        ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                    ui.painter()
                        .circle_filled(dot.center(), 4.5, class_colour(class));
                    ui.selectable_value(&mut self.point_class, class, name.clone())
                        .on_hover_text(format!(
                            "Click on the plot to add a training point of {name}; Shift+click \
                             adds the next class; right-click removes the nearest point."
                        ));
                }
            });
        }
        if self.point_class >= classes {
            self.point_class = 0;
        }
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.show_test, "Test points")
                .on_hover_text("Show the test split, outlined.");
            if ui
                .checkbox(&mut self.discretize, "Discretize output")
                .on_hover_text("Colour each cell by its predicted class only.")
                .changed()
            {
                self.texture_stale = true;
            }
        });
        let background = ui.visuals().extreme_bg_color;
        if self.texture_stale
            && let Some(grid) = &self.grid
        {
            let image = boundary_image(grid, self.task, self.discretize, background);
            match &mut self.texture {
                Some(texture) => texture.set(image, TextureOptions::LINEAR),
                None => {
                    self.texture = Some(ui.ctx().load_texture(
                        "decision-boundary",
                        image,
                        TextureOptions::LINEAR,
                    ));
                }
            }
            self.texture_stale = false;
        }
        let task = self.task;
        let colour_of = move |label: f64| match task {
            Task::Classification => class_colour(label.max(0.0) as usize),
            Task::Regression => Color32::GRAY,
        };
        // A unit's map replaces the boundary while its thumbnail is hovered in the canvas.
        let unit_texture = self
            .hovered_unit
            .as_ref()
            .and_then(|(node, unit)| Some((node, unit, self.insight.texture(node, *unit)?)));
        // Always one line here, so the plot does not jump when a unit is hovered.
        match &unit_texture {
            Some((node, unit, _)) => {
                ui.label(format!(
                    "{node}, unit {}: its output over the input plane",
                    *unit + 1
                ));
            }
            None if self.insight.show_maps && !self.insight.maps.is_empty() => {
                ui.weak("Hover a unit's map in a node to see it here.");
            }
            None => {}
        }
        let shown_texture = unit_texture
            .map(|(_, _, texture)| texture)
            .or(self.texture.as_ref());
        // A few hand-placed points are drawn large; hundreds of generated ones small.
        let radius = if self.scatter.train.len() + self.scatter.test.len() < 60 {
            5.0
        } else {
            2.5
        };
        let plot_top = egui::pos2(ui.min_rect().min.x, ui.cursor().min.y);
        let response = Plot::new("decision-boundary")
            .data_aspect(1.0)
            .show_grid(false)
            .allow_double_click_reset(false)
            .show(ui, |plot| {
                if let (Some(texture), Some(grid)) = (shown_texture, &self.grid) {
                    let spec = grid.spec;
                    let centre =
                        PlotPoint::new(0.5 * (spec.x.0 + spec.x.1), 0.5 * (spec.y.0 + spec.y.1));
                    let size =
                        egui::vec2((spec.x.1 - spec.x.0) as f32, (spec.y.1 - spec.y.0) as f32);
                    plot.image(PlotImage::new("boundary", texture.id(), centre, size));
                }
                let mut by_colour: PointsByColour = Default::default();
                for (point, label) in &self.scatter.train {
                    by_colour
                        .entry(colour_of(*label).to_array())
                        .or_default()
                        .0
                        .push(*point);
                }
                if self.show_test {
                    for (point, label) in &self.scatter.test {
                        by_colour
                            .entry(colour_of(*label).to_array())
                            .or_default()
                            .1
                            .push(*point);
                    }
                }
                for (rgba, (train, test)) in by_colour {
                    let colour =
                        Color32::from_rgba_unmultiplied(rgba[0], rgba[1], rgba[2], rgba[3]);
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
        self.boundary_rect = Some(response.response.rect);
        self.boundary_area = Some(egui::Rect::from_min_max(plot_top, ui.min_rect().max));
        let add = response.response.clicked();
        let remove = response.response.secondary_clicked();
        if (add || remove)
            && let Some(position) = response.response.interact_pointer_pos()
        {
            let point = response.transform.value_from_position(position);
            let shift = ui.input(|i| i.modifiers.shift);
            commands.extend(self.point_edit(editor, [point.x, point.y], add, shift));
        }
        commands
    }

    /// The edit a click at `point` on the boundary asks for: add a point of the chosen class
    /// (the next class with Shift), or remove the nearest point.
    fn point_edit(
        &self,
        editor: &mut Editor,
        point: [f64; 2],
        add: bool,
        next_class: bool,
    ) -> Option<Command> {
        let dataset = editor.dataset()?;
        let spec = &editor.document.document().dataset;
        let classes = self.class_names.len().max(2);
        let class = if next_class {
            (self.point_class + 1) % classes
        } else {
            self.point_class
        };
        let outcome = if add {
            with_point_added(spec, &dataset, point, class).map(Some)
        } else {
            with_nearest_removed(spec, &dataset, point)
        };
        Some(match outcome {
            Ok(Some(next)) => Command::Edit(Edit::UpdateDataset(Box::new(next))),
            Ok(None) => Command::Notify("There is no point left to remove.".to_owned()),
            Err(error) => Command::Notify(format!("Cannot place points here: {error}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::training::worker::GridSpec;

    #[test]
    fn the_grid_covers_the_domain_row_by_row_from_the_top() {
        let spec = GridSpec {
            x: (0.0, 4.0),
            y: (0.0, 2.0),
            resolution: 2,
        };
        let points = spec.points();
        // Cells are 2 wide and 1 high; centres at x = 1, 3 and y = 1.5 (top row), 0.5.
        assert_eq!(
            points,
            ndarray::array![[1.0, 1.5], [3.0, 1.5], [1.0, 0.5], [3.0, 0.5]]
        );
    }

    #[test]
    fn binary_cells_fade_to_the_background_at_one_half() {
        let background = Color32::from_gray(40);
        assert_eq!(
            cell_colour(&[0.5], Task::Classification, (0.0, 1.0), false, background),
            background
        );
        let sure_one = cell_colour(&[1.0], Task::Classification, (0.0, 1.0), false, background);
        assert_eq!(sure_one, tint(background, class_colour(1), 0.75));
        let sure_zero = cell_colour(&[0.0], Task::Classification, (0.0, 1.0), false, background);
        assert_eq!(sure_zero, tint(background, class_colour(0), 0.75));
        let discrete = cell_colour(&[0.6], Task::Classification, (0.0, 1.0), true, background);
        assert_eq!(discrete, sure_one);
    }

    #[test]
    fn softmax_cells_take_the_winning_class_colour_by_confidence() {
        let background = Color32::from_gray(40);
        let uncertain = cell_colour(
            &[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0],
            Task::Classification,
            (0.0, 1.0),
            false,
            background,
        );
        assert_eq!(uncertain, background);
        let sure = cell_colour(
            &[0.0, 0.0, 1.0],
            Task::Classification,
            (0.0, 1.0),
            false,
            background,
        );
        assert_eq!(sure, tint(background, class_colour(2), 0.75));
    }

    #[test]
    fn regression_cells_diverge_around_the_middle_of_the_range() {
        let background = Color32::from_gray(40);
        assert_eq!(
            cell_colour(&[5.0], Task::Regression, (0.0, 10.0), false, background),
            background
        );
        assert_eq!(
            cell_colour(&[10.0], Task::Regression, (0.0, 10.0), false, background),
            tint(background, class_colour(1), 0.75)
        );
        assert_eq!(
            cell_colour(&[0.0], Task::Regression, (0.0, 10.0), false, background),
            tint(background, class_colour(0), 0.75)
        );
    }
}
