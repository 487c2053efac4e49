//! The Sweep window: up to three settings with their values (a list, `log:LOW:HIGH:N` or
//! `lin:LOW:HIGH:N`), repeats, random draws and workers; Start trains the open document
//! once per combination on `sweep-N` threads (every core but one by default), with a
//! progress bar, time left and Cancel (finished runs are kept). Each finished run enters the
//! run history. The results: the table, the test score against each setting (log axis for
//! rates; the mean over repeats with its spread), a heat grid for two settings, Open best.
//! A browser has no threads: there the runs go one at a time, one each frame.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use web_time::Instant;

use egui::RichText;
use egui_plot::{Line, Plot, PlotPoints, Points};
use layerwright_nn::graph::{GraphDocument, Node};
use layerwright_nn::sweep::{
    Sweep, SweepPath, SweepPoint, SweepRow, SweepValue, run_point, run_sweep,
};

use crate::theme::diverging;

/// Settings a sweep varies at most in the window.
const MAX_SETTINGS: usize = 3;

/// One setting being chosen: its path and the values as typed.
#[derive(Clone, Debug)]
struct SettingChoice {
    path: String,
    values: String,
}

/// A sweep under way.
struct Running {
    runs: Runs,
    cancel: Arc<AtomicBool>,
    total: usize,
    started: Instant,
}

/// Where a sweep's runs are trained.
enum Runs {
    /// On the `sweep-N` threads, the finished ones arriving here.
    Threads(Receiver<(usize, Result<SweepRow, String>)>),
    /// One each frame, in the window's own turn (browsers).
    Frames(Box<FrameRuns>),
}

/// A sweep trained one run a frame: what it trains and the runs not yet trained.
struct FrameRuns {
    document: GraphDocument,
    settings: Vec<SweepPath>,
    waiting: VecDeque<(usize, SweepPoint)>,
}

/// What the window asks of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepAction {
    /// Open this run's document (the best one) as an unsaved change.
    Open(Box<GraphDocument>),
}

/// The Sweep window's state.
pub struct SweepWindow {
    /// Whether it is shown.
    pub open: bool,
    /// Where the document's data paths start.
    pub folder: Option<PathBuf>,
    settings: Vec<SettingChoice>,
    repeats: usize,
    random: usize,
    /// Worker threads: every core but one, at least one.
    pub workers: usize,
    /// Runs trained one each frame in the window's turn instead of on threads: in a
    /// browser, which has none (tests set it to try that way on the desktop).
    pub one_run_a_frame: bool,
    running: Option<Running>,
    /// The sweep's settings and its finished rows by index.
    pub results: Option<(Vec<SweepPath>, Vec<Option<SweepRow>>)>,
    problem: Option<String>,
}

impl Default for SweepWindow {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            open: false,
            folder: None,
            settings: vec![SettingChoice {
                path: "training.learning_rate".to_owned(),
                values: "log:0.001:0.1:5".to_owned(),
            }],
            repeats: 1,
            random: 0,
            workers: cores.saturating_sub(1).max(1),
            one_run_a_frame: cfg!(target_arch = "wasm32"),
            running: None,
            results: None,
            problem: None,
        }
    }
}

/// Every setting the document lets a sweep vary.
fn choices(document: &GraphDocument) -> Vec<String> {
    let mut paths: Vec<String> = [
        "training.learning_rate",
        "training.batch_size",
        "training.epochs",
        "training.optimizer",
        "training.l1",
        "training.l2",
    ]
    .map(str::to_owned)
    .to_vec();
    for node in &document.nodes {
        if let Node::Dense(dense) = node {
            paths.push(format!("nodes.{}.units", dense.id));
            paths.push(format!("nodes.{}.activation", dense.id));
        }
    }
    paths
}

/// A value as the window shows it: numbers to four significant digits.
fn shown(value: &SweepValue) -> String {
    match value {
        SweepValue::Number(n) if *n != 0.0 && n.is_finite() => {
            let digits = (3 - n.abs().log10().floor() as i32).max(0) as usize;
            let text = format!("{n:.digits$}");
            if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            } else {
                text
            }
        }
        other => other.to_string(),
    }
}

/// The row's score: the test score, else the training score.
fn score(row: &SweepRow) -> Option<f64> {
    row.test_score.or(row.train_score)
}

impl SweepWindow {
    /// Why the sweep could not start, or the last run that failed.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Whether a sweep is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Starts the sweep the window describes on `document`.
    pub fn start(&mut self, document: &GraphDocument) -> Result<(), String> {
        let mut settings = Vec::new();
        for choice in &self.settings {
            let path: SweepPath = choice.path.parse().map_err(|e| format!("{e}"))?;
            let values = path.values(&choice.values).map_err(|e| e.to_string())?;
            settings.push((path, values));
        }
        let sweep = Sweep {
            settings,
            random: (self.random > 0).then_some(self.random),
            repeats: self.repeats.max(1),
        };
        sweep.check(document).map_err(|e| e.to_string())?;
        let total = sweep.points(document.training.seed).len();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let runs = if self.one_run_a_frame {
            Runs::Frames(Box::new(FrameRuns {
                document: document.clone(),
                settings: sweep.settings.iter().map(|(p, _)| p.clone()).collect(),
                waiting: sweep
                    .points(document.training.seed)
                    .into_iter()
                    .enumerate()
                    .collect(),
            }))
        } else {
            Runs::Threads(run_sweep(
                document,
                self.folder.clone(),
                &sweep,
                self.workers.max(1),
                Arc::new(move || !flag.load(Ordering::Relaxed)),
            ))
        };
        self.results = Some((
            sweep.settings.iter().map(|(p, _)| p.clone()).collect(),
            vec![None; total],
        ));
        self.running = Some(Running {
            runs,
            cancel,
            total,
            started: Instant::now(),
        });
        Ok(())
    }

    /// Asks the workers to stop after their current epoch; finished runs stay.
    pub fn cancel(&mut self) {
        if let Some(running) = self.running.take() {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Takes the runs finished since the last frame (each for the run history); the sweep
    /// ends when every worker has.
    pub fn poll(&mut self) -> Vec<SweepRow> {
        let mut finished = Vec::new();
        let Some(running) = &mut self.running else {
            return finished;
        };
        let mut arrived = Vec::new();
        let ended = match &mut running.runs {
            Runs::Threads(results) => loop {
                match results.try_recv() {
                    Ok(result) => arrived.push(result),
                    Err(TryRecvError::Empty) => break false,
                    Err(TryRecvError::Disconnected) => break true,
                }
            },
            Runs::Frames(runs) => {
                if let Some((index, point)) = runs.waiting.pop_front() {
                    let folder = self.folder.as_deref();
                    let never_cancelled = || true;
                    let row = run_point(
                        &runs.document,
                        folder,
                        &runs.settings,
                        &point,
                        &never_cancelled,
                    );
                    arrived.push((index, row));
                }
                runs.waiting.is_empty()
            }
        };
        for (index, result) in arrived {
            match result {
                Ok(row) => {
                    if let Some((_, rows)) = &mut self.results
                        && let Some(slot) = rows.get_mut(index)
                    {
                        *slot = Some(row.clone());
                    }
                    finished.push(row);
                }
                Err(problem) => self.problem = Some(problem),
            }
        }
        if ended {
            self.running = None;
        }
        finished
    }

    /// The window, when open.
    pub fn show(&mut self, ctx: &egui::Context, document: &GraphDocument) -> Vec<SweepAction> {
        let mut actions = Vec::new();
        if self.running.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let mut open = self.open;
        egui::Window::new("Sweep")
            .open(&mut open)
            .default_size([620.0, 480.0])
            .show(ctx, |ui| {
                self.setup_ui(ui, document);
                ui.separator();
                if self.progress_ui(ui) {
                    self.problem = self.start(document).err();
                }
                if let Some(problem) = &self.problem {
                    ui.colored_label(ui.visuals().warn_fg_color, problem);
                }
                actions.extend(self.results_ui(ui));
            });
        self.open = open;
        actions
    }

    fn setup_ui(&mut self, ui: &mut egui::Ui, document: &GraphDocument) {
        let paths = choices(document);
        let running = self.running.is_some();
        ui.add_enabled_ui(!running, |ui| {
            let mut remove = None;
            egui::Grid::new("sweep-settings")
                .num_columns(3)
                .show(ui, |ui| {
                    for (index, choice) in self.settings.iter_mut().enumerate() {
                        egui::ComboBox::from_id_salt(("sweep-path", index))
                            .selected_text(&choice.path)
                            .width(220.0)
                            .show_ui(ui, |ui| {
                                for path in &paths {
                                    ui.selectable_value(&mut choice.path, path.clone(), path);
                                }
                            });
                        let label = format!("Values of setting {}", index + 1);
                        ui.add(
                            egui::TextEdit::singleline(&mut choice.values)
                                .desired_width(180.0)
                                .hint_text("0.01,0.03 or log:0.001:0.1:5"),
                        )
                        .on_hover_text(
                            "A list (0.003,0.01,0.03), a log range log:LOW:HIGH:N or a linear \
                         range lin:LOW:HIGH:N (N values).",
                        )
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::WidgetType::TextEdit, true, &label)
                        });
                        if ui.small_button("Remove").clicked() {
                            remove = Some(index);
                        }
                        ui.end_row();
                        let preview = choice
                            .path
                            .parse::<SweepPath>()
                            .map_err(|e| e.to_string())
                            .and_then(|p| p.values(&choice.values).map_err(|e| e.to_string()));
                        ui.label("");
                        match preview {
                            Ok(values) => {
                                let listed: Vec<String> =
                                    values.iter().take(8).map(shown).collect();
                                ui.weak(format!(
                                    "{} values: {}{}",
                                    values.len(),
                                    listed.join(", "),
                                    if values.len() > 8 { ", …" } else { "" }
                                ));
                            }
                            Err(problem) => {
                                ui.colored_label(ui.visuals().warn_fg_color, problem);
                            }
                        }
                        ui.end_row();
                    }
                });
            if let Some(index) = remove
                && self.settings.len() > 1
            {
                self.settings.remove(index);
            }
            ui.horizontal(|ui| {
                if self.settings.len() < MAX_SETTINGS && ui.button("Add a setting").clicked() {
                    self.settings.push(SettingChoice {
                        path: "training.epochs".to_owned(),
                        values: "50,100".to_owned(),
                    });
                }
                let label = ui.label("Repeats");
                ui.add(egui::DragValue::new(&mut self.repeats).range(1..=20))
                    .labelled_by(label.id)
                    .on_hover_text(
                        "Runs of each combination, with the seeds after the document's.",
                    );
                let label = ui.label("Random draws");
                ui.add(egui::DragValue::new(&mut self.random).range(0..=1000))
                    .labelled_by(label.id)
                    .on_hover_text("0: every combination; more: that many drawn at random.");
                let label = ui.label("Workers");
                let cores = std::thread::available_parallelism().map_or(1, usize::from);
                ui.add(egui::DragValue::new(&mut self.workers).range(1..=cores))
                    .labelled_by(label.id)
                    .on_hover_text(
                        "Threads training at once (every core but one leaves the window smooth).",
                    );
            });
        });
    }

    /// The progress bar with Cancel while running, else Start; returns whether Start was
    /// pressed.
    fn progress_ui(&mut self, ui: &mut egui::Ui) -> bool {
        let finished = self
            .results
            .as_ref()
            .map_or(0, |(_, rows)| rows.iter().filter(|r| r.is_some()).count());
        let running = self.running.as_ref().map(|r| (r.total, r.started));
        match running {
            Some((total, started)) => {
                let fraction = finished as f32 / total.max(1) as f32;
                let elapsed = started.elapsed().as_secs_f64();
                let left = if finished > 0 {
                    format!(
                        ", about {:.0} s left",
                        elapsed / finished as f64 * (total - finished) as f64
                    )
                } else {
                    String::new()
                };
                ui.horizontal(|ui| {
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(300.0)
                            .text(format!("{finished} of {total} runs{left}")),
                    );
                    if ui
                        .button("Cancel")
                        .on_hover_text("Stop the sweep; the runs finished so far are kept.")
                        .clicked()
                    {
                        self.cancel();
                    }
                });
            }
            None => {
                return ui
                    .button("Start")
                    .on_hover_text("Train the graph once per combination, on the workers.")
                    .clicked();
            }
        }
        false
    }

    /// The table, the score against each setting, the heat grid, Open best.
    fn results_ui(&mut self, ui: &mut egui::Ui) -> Vec<SweepAction> {
        let mut actions = Vec::new();
        let Some((paths, rows)) = &self.results else {
            return actions;
        };
        let done: Vec<&SweepRow> = rows.iter().flatten().collect();
        if done.is_empty() {
            return actions;
        }
        let best = done.iter().copied().max_by(|a, b| {
            score(a)
                .unwrap_or(f64::MIN)
                .total_cmp(&score(b).unwrap_or(f64::MIN))
        });
        if let Some(best) = best {
            ui.horizontal(|ui| {
                let values: Vec<String> = paths
                    .iter()
                    .zip(&best.point.values)
                    .map(|(p, v)| format!("{p} = {}", shown(v)))
                    .collect();
                ui.label(
                    RichText::new(format!(
                        "Best: {} (score {:.4}, seed {})",
                        values.join(", "),
                        score(best).unwrap_or(f64::NAN),
                        best.point.seed
                    ))
                    .strong(),
                );
                if ui
                    .button("Open best")
                    .on_hover_text("Open the best run's graph and settings (one undoable change).")
                    .clicked()
                {
                    actions.push(SweepAction::Open(Box::new(best.document.clone())));
                }
            });
        }
        egui::ScrollArea::vertical()
            .max_height(140.0)
            .id_salt("sweep-table")
            .show(ui, |ui| {
                egui::Grid::new("sweep-table-grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for path in paths {
                            ui.label(RichText::new(path.to_string()).strong());
                        }
                        for name in [
                            "seed",
                            "epochs",
                            "train loss",
                            "test loss",
                            "score",
                            "seconds",
                        ] {
                            ui.label(RichText::new(name).strong());
                        }
                        ui.end_row();
                        for row in &done {
                            for value in &row.point.values {
                                ui.label(shown(value));
                            }
                            ui.label(row.point.seed.to_string());
                            ui.label(row.epochs.to_string());
                            ui.label(format!("{:.4}", row.train_loss));
                            ui.label(row.test_loss.map_or("—".to_owned(), |l| format!("{l:.4}")));
                            ui.label(score(row).map_or("—".to_owned(), |s| format!("{s:.4}")));
                            ui.label(format!("{:.2}", row.seconds));
                            ui.end_row();
                        }
                    });
            });
        for (index, path) in paths.iter().enumerate() {
            metric_plot_ui(ui, index, path, &done);
        }
        if paths.len() == 2 {
            heat_grid_ui(ui, &done);
        }
        actions
    }
}

/// The value as a number on a plot's x axis (log₁₀ for rates): words by their first place.
fn x_of(path: &SweepPath, value: &SweepValue, words: &mut Vec<String>) -> f64 {
    match value {
        SweepValue::Number(n)
            if matches!(
                path,
                SweepPath::LearningRate | SweepPath::L1 | SweepPath::L2
            ) =>
        {
            n.max(1e-12).log10()
        }
        SweepValue::Number(n) => *n,
        SweepValue::Word(word) => match words.iter().position(|w| w == word) {
            Some(index) => index as f64,
            None => {
                words.push(word.clone());
                (words.len() - 1) as f64
            }
        },
    }
}

/// The score against one setting: each run a point, the mean over the runs at each value
/// joined by a line, its spread (lowest to highest) as a vertical bar.
fn metric_plot_ui(ui: &mut egui::Ui, index: usize, path: &SweepPath, rows: &[&SweepRow]) {
    let mut words = Vec::new();
    let mut by_x: std::collections::BTreeMap<i64, (f64, Vec<f64>)> = Default::default();
    let mut points = Vec::new();
    for row in rows {
        let (Some(value), Some(s)) = (row.point.values.get(index), score(row)) else {
            continue;
        };
        let x = x_of(path, value, &mut words);
        points.push([x, s]);
        let key = (x * 1e9).round() as i64;
        by_x.entry(key).or_insert((x, Vec::new())).1.push(s);
    }
    let log = matches!(
        path,
        SweepPath::LearningRate | SweepPath::L1 | SweepPath::L2
    );
    let means: Vec<[f64; 2]> = by_x
        .values()
        .map(|(x, scores)| [*x, scores.iter().sum::<f64>() / scores.len() as f64])
        .collect();
    let label = if log {
        format!("log₁₀ {path}")
    } else {
        path.to_string()
    };
    let accent = ui.visuals().selection.stroke.color;
    let spread = ui.visuals().weak_text_color();
    Plot::new(("sweep-metric", index))
        .height(120.0)
        .x_axis_label(label)
        .y_axis_label("score")
        .show(ui, |plot| {
            for (x, scores) in by_x.values() {
                let low = scores.iter().copied().fold(f64::INFINITY, f64::min);
                let high = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if high > low {
                    plot.line(
                        Line::new("spread", PlotPoints::from(vec![[*x, low], [*x, high]]))
                            .color(spread)
                            .width(3.0),
                    );
                }
            }
            plot.line(Line::new("mean", PlotPoints::from(means)).color(accent));
            plot.points(
                Points::new("runs", PlotPoints::from(points))
                    .color(accent)
                    .radius(3.0),
            );
        });
}

/// Two settings: the mean score of each combination as a coloured cell with its number.
fn heat_grid_ui(ui: &mut egui::Ui, rows: &[&SweepRow]) {
    let mut firsts: Vec<String> = Vec::new();
    let mut seconds: Vec<String> = Vec::new();
    let mut cells: std::collections::HashMap<(usize, usize), Vec<f64>> = Default::default();
    for row in rows {
        let [a, b] = [&row.point.values[0], &row.point.values[1]].map(shown);
        let i = firsts.iter().position(|v| *v == a).unwrap_or_else(|| {
            firsts.push(a.clone());
            firsts.len() - 1
        });
        let j = seconds.iter().position(|v| *v == b).unwrap_or_else(|| {
            seconds.push(b.clone());
            seconds.len() - 1
        });
        if let Some(s) = score(row) {
            cells.entry((i, j)).or_default().push(s);
        }
    }
    let means: Vec<f64> = cells
        .values()
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        .collect();
    let low = means.iter().copied().fold(f64::INFINITY, f64::min);
    let high = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let background = ui.visuals().extreme_bg_color;
    egui::Grid::new("sweep-heat")
        .spacing([2.0, 2.0])
        .show(ui, |ui| {
            ui.label("");
            for b in &seconds {
                ui.label(RichText::new(b).small());
            }
            ui.end_row();
            for (i, a) in firsts.iter().enumerate() {
                ui.label(RichText::new(a).small());
                for j in 0..seconds.len() {
                    match cells.get(&(i, j)) {
                        Some(scores) => {
                            let mean = scores.iter().sum::<f64>() / scores.len() as f64;
                            let t = if high > low {
                                (mean - low) / (high - low)
                            } else {
                                1.0
                            };
                            let colour = diverging(2.0 * t - 1.0, 1.0, background);
                            let text = ui.visuals().strong_text_color();
                            ui.label(
                                RichText::new(format!("{mean:.3}"))
                                    .background_color(colour)
                                    .color(text)
                                    .monospace(),
                            );
                        }
                        None => {
                            ui.label("—");
                        }
                    }
                }
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_show_four_significant_digits() {
        assert_eq!(
            shown(&SweepValue::Number(0.003_162_277_660_168_379)),
            "0.003162"
        );
        assert_eq!(shown(&SweepValue::Number(0.001)), "0.001");
        assert_eq!(shown(&SweepValue::Number(64.0)), "64");
        assert_eq!(shown(&SweepValue::Word("adam".to_owned())), "adam");
    }
}
