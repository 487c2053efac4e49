//! Which inputs matter: each raw column's permutation importance on the test split (the
//! score the model loses when that column is shuffled), measured on a thread named
//! `importance` with the latest weights the trainer sent, drawn as bars.

use std::sync::Arc;

use egui::Sense;
use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::data::{Dataset, Task};
use layerwright_nn::train::importance::{ColumnImportance, permutation_importance};
use layerwright_nn::{ParameterSet, Precision, Session};

use crate::theme::class_colour;
use crate::worker::{Job, Polled};

/// The seed of the shuffles, so a measurement can be repeated.
const SHUFFLE_SEED: u64 = 1;

/// What a measurement gives: the ranking, `None` when cancelled, or why it failed.
type Measurement = Result<Option<Vec<ColumnImportance>>, String>;

/// The view's state: the measurement under way and the last result.
#[derive(Default)]
pub struct ImportanceView {
    job: Option<Job<Measurement>>,
    /// The last ranking with the epoch its weights had, or why there is none.
    result: Option<(usize, Result<Vec<ColumnImportance>, String>)>,
    /// The epoch of the weights being measured.
    measuring_epoch: usize,
}

impl ImportanceView {
    /// Forgets the last run's ranking (a new run starts).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The last ranking, most important first.
    pub fn ranking(&self) -> Option<&[ColumnImportance]> {
        match &self.result {
            Some((_, Ok(ranking))) => Some(ranking),
            _ => None,
        }
    }

    /// Whether a measurement is under way.
    pub fn is_measuring(&self) -> bool {
        self.job.is_some()
    }

    /// Starts measuring `graph` with `parameters` (at `epoch`) on its raw `dataset`.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        graph: Arc<CompiledGraph>,
        dataset: Arc<Dataset>,
        parameters: ParameterSet<f64>,
        epoch: usize,
    ) {
        let wake = ctx.clone();
        self.measuring_epoch = epoch;
        self.job = Some(Job::spawn(
            "importance",
            move || wake.request_repaint(),
            move |cancel| {
                let mut session = Session::new(
                    graph.architecture.clone(),
                    &parameters,
                    &graph.data.train,
                    graph.config,
                    Precision::F32,
                )
                .map_err(|e| e.to_string())?;
                permutation_importance(
                    &mut session,
                    &graph.data,
                    &dataset,
                    SHUFFLE_SEED,
                    &|done, total| {
                        cancel.report(done, total);
                        !cancel.is_cancelled()
                    },
                )
                .map_err(|e| e.to_string())
            },
        ));
    }

    fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        let result = match job.poll() {
            Polled::Running => return,
            Polled::Finished(Ok(Some(ranking))) => Ok(ranking),
            Polled::Finished(Ok(None)) => Err("The measurement was cancelled.".to_owned()),
            Polled::Finished(Err(message)) => Err(message),
            Polled::Failed => Err("The measurement stopped unexpectedly.".to_owned()),
        };
        self.result = Some((self.measuring_epoch, result));
        self.job = None;
    }

    /// The button, the progress while measuring, and the bars; `task` names the score.
    /// Returns whether the person asked for a measurement.
    pub fn ui(&mut self, ui: &mut egui::Ui, task: Task) -> bool {
        self.poll();
        let mut asked = false;
        let score = match task {
            Task::Classification => "accuracy",
            Task::Regression => "R²",
        };
        ui.horizontal(|ui| {
            let label = if self.result.is_some() {
                "Measure again"
            } else {
                "Measure"
            };
            if ui
                .add_enabled(self.job.is_none(), egui::Button::new(label))
                .on_hover_text(format!(
                    "Shuffle each input column of the test split in turn and see how much \
                     {score} the model loses, with the latest weights."
                ))
                .clicked()
            {
                asked = true;
            }
            if let Some(job) = &self.job {
                let (done, total) = job.progress();
                ui.add(
                    egui::ProgressBar::new(if total > 0 {
                        done as f32 / total as f32
                    } else {
                        0.0
                    })
                    .desired_width(160.0)
                    .text(format!("{done} of {total} columns")),
                );
                if ui.button("Cancel").clicked() {
                    job.cancel();
                }
            }
        });
        match &self.result {
            None => {
                ui.weak(format!(
                    "How much {score} the model loses on the test split when one column's \
                     values are shuffled among the rows: the columns it relies on lose most."
                ));
            }
            Some((_, Err(message))) => {
                ui.colored_label(crate::theme::error_colour(ui.visuals().dark_mode), message);
            }
            Some((epoch, Ok(ranking))) => {
                ui.weak(format!(
                    "{score} lost when shuffled, with the weights of epoch {epoch}"
                ));
                bars_ui(ui, ranking);
            }
        }
        asked
    }
}

/// One row per column: its name, a bar as long as its drop (against the largest), the value.
fn bars_ui(ui: &mut egui::Ui, ranking: &[ColumnImportance]) {
    let largest = ranking
        .iter()
        .map(|c| c.score_drop)
        .fold(0.0f64, f64::max)
        .max(1e-12);
    egui::ScrollArea::vertical().show(ui, |ui| {
        egui::Grid::new("importance-bars")
            .min_col_width(0.0)
            .show(ui, |ui| {
                let bar_width = (ui.available_width() * 0.5).max(80.0);
                for column in ranking {
                    ui.label(&column.column);
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(bar_width, 14.0), Sense::hover());
                    let share = (column.score_drop / largest).clamp(0.0, 1.0) as f32;
                    let bar = egui::Rect::from_min_size(
                        rect.min,
                        egui::vec2(rect.width() * share, rect.height()),
                    );
                    ui.painter().rect_filled(bar, 2.0, class_colour(1));
                    response.on_hover_text(format!(
                        "Shuffling {} costs {:.4}",
                        column.column, column.score_drop
                    ));
                    ui.label(format!("{:.4}", column.score_drop));
                    ui.end_row();
                }
            });
    });
}
