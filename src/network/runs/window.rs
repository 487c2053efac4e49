//! The Runs window: every run of the open document in a table sorted by any column, with
//! what changed, final and best scores, time and a note; tick runs to draw their curves over
//! the current ones; open a run (its graph, settings and kept weights, as one undoable
//! step), keep its weights, delete it, or export the table as CSV.

use std::collections::BTreeSet;

use egui::{Color32, RichText};
use layerwright_nn::runs::RunRecord;

use super::RunsLog;

/// What the person asked of a run in the window.
#[derive(Clone, Debug, PartialEq)]
pub enum RunsAction {
    /// Open run `id` in the editor.
    Open(u64),
    /// Keep the current weights with run `id`.
    KeepWeights(u64),
    /// Delete run `id`.
    Delete(u64),
    /// Set run `id`'s note.
    SetNote(u64, String),
    /// Save the table as a CSV file.
    ExportCsv,
}

/// The table's columns, each sortable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RunsColumn {
    /// When it started (the run's number).
    #[default]
    Run,
    /// Epochs trained.
    Epochs,
    /// The last epoch's training loss.
    TrainLoss,
    /// The last epoch's test loss.
    TestLoss,
    /// The best score.
    Best,
    /// Seconds spent training.
    Time,
}

/// The window's state: shown or not, the sort, the runs drawn over the curves.
#[derive(Default)]
pub struct RunsWindow {
    /// Whether the window is shown.
    pub open: bool,
    /// The column sorted by, and whether descending.
    pub sort: (RunsColumn, bool),
    /// The runs whose curves are drawn over the current ones.
    pub overlay: BTreeSet<u64>,
    /// Notes being typed, by run.
    notes: std::collections::HashMap<u64, String>,
}

/// A run's colour in the overlay and the table: eight well-separated hues, by id.
pub fn run_colour(id: u64) -> Color32 {
    const PALETTE: [Color32; 8] = [
        Color32::from_rgb(230, 97, 1),
        Color32::from_rgb(94, 60, 153),
        Color32::from_rgb(27, 158, 119),
        Color32::from_rgb(231, 41, 138),
        Color32::from_rgb(102, 166, 30),
        Color32::from_rgb(230, 171, 2),
        Color32::from_rgb(166, 118, 29),
        Color32::from_rgb(31, 120, 180),
    ];
    PALETTE[(id as usize) % PALETTE.len()]
}

/// A number with four decimals, or a dash.
fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.4}"))
}

impl RunsWindow {
    /// The window, when open; returns what the person asked.
    pub fn show(&mut self, ctx: &egui::Context, log: &RunsLog) -> Vec<RunsAction> {
        let mut actions = Vec::new();
        let mut open = self.open;
        egui::Window::new("Runs")
            .open(&mut open)
            .default_size([900.0, 320.0])
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "{} runs. Tick a run to draw its curves over the current ones.",
                        log.file.runs.len()
                    ));
                    if ui
                        .button("Export CSV…")
                        .on_hover_text("Save this table as a CSV file.")
                        .clicked()
                    {
                        actions.push(RunsAction::ExportCsv);
                    }
                });
                if let Some(problem) = &log.problem {
                    ui.colored_label(ui.visuals().warn_fg_color, problem);
                }
                egui::ScrollArea::both().show(ui, |ui| {
                    egui::Grid::new("runs-table")
                        .striped(true)
                        .num_columns(9)
                        .show(ui, |ui| self.table_ui(ui, log, &mut actions));
                });
            });
        self.open = open;
        actions
    }

    fn header(&mut self, ui: &mut egui::Ui, name: &str, column: RunsColumn) {
        let (sorted, descending) = self.sort;
        let arrow = match (sorted == column, descending) {
            (true, true) => " ⏷",
            (true, false) => " ⏶",
            _ => "",
        };
        if ui
            .button(RichText::new(format!("{name}{arrow}")).strong())
            .on_hover_text("Sort by this column (again: the other way).")
            .clicked()
        {
            self.sort = (column, sorted == column && !descending);
        }
    }

    fn table_ui(&mut self, ui: &mut egui::Ui, log: &RunsLog, actions: &mut Vec<RunsAction>) {
        self.header(ui, "Run", RunsColumn::Run);
        ui.label(RichText::new("What changed").strong());
        self.header(ui, "Epochs", RunsColumn::Epochs);
        self.header(ui, "Train loss", RunsColumn::TrainLoss);
        self.header(ui, "Test loss", RunsColumn::TestLoss);
        self.header(ui, "Best score", RunsColumn::Best);
        self.header(ui, "Time", RunsColumn::Time);
        ui.label(RichText::new("Note").strong());
        ui.label("");
        ui.end_row();
        let mut runs: Vec<&RunRecord> = log.file.runs.iter().collect();
        let key = |run: &RunRecord| -> f64 {
            match self.sort.0 {
                RunsColumn::Run => run.id as f64,
                RunsColumn::Epochs => run.last.map_or(0.0, |p| p.epoch as f64),
                RunsColumn::TrainLoss => run.last.map_or(f64::INFINITY, |p| p.train_loss),
                RunsColumn::TestLoss => run.last.and_then(|p| p.test_loss).unwrap_or(f64::INFINITY),
                RunsColumn::Best => run
                    .best
                    .and_then(|p| p.score())
                    .unwrap_or(f64::NEG_INFINITY),
                RunsColumn::Time => run.wall_seconds,
            }
        };
        runs.sort_by(|a, b| key(a).total_cmp(&key(b)));
        if self.sort.1 {
            runs.reverse();
        }
        for run in runs {
            let id = run.id;
            let mut shown = self.overlay.contains(&id);
            let current = log.current() == Some(id);
            let name = RichText::new(&run.name).color(run_colour(id));
            if ui
                .checkbox(&mut shown, if current { name.strong() } else { name })
                .on_hover_text(if current {
                    "The run training now. Tick to draw its curves in its colour."
                } else {
                    "Tick to draw this run's curves over the current ones."
                })
                .changed()
            {
                if shown {
                    self.overlay.insert(id);
                } else {
                    self.overlay.remove(&id);
                }
            }
            // The window's font has no "→": the table reads "0.03 to 0.1" (the file and the
            // CSV keep the arrow).
            let changes = run.changes.join(", ").replace(" → ", " to ");
            let shown_changes: String = changes.chars().take(48).collect();
            let label = if shown_changes.len() < changes.len() {
                format!("{shown_changes}…")
            } else {
                changes.clone()
            };
            ui.label(label).on_hover_text(changes);
            ui.label(
                run.last
                    .map_or_else(|| "0".to_owned(), |p| p.epoch.to_string()),
            );
            ui.label(number(run.last.map(|p| p.train_loss)));
            ui.label(number(run.last.and_then(|p| p.test_loss)));
            ui.label(match run.best {
                Some(best) => format!("{} @ {}", number(best.score()), best.epoch),
                None => "—".to_owned(),
            });
            ui.label(format!("{:.1} s", run.wall_seconds));
            let note = self.notes.entry(id).or_insert_with(|| run.note.clone());
            let response = ui.add(egui::TextEdit::singleline(note).desired_width(140.0));
            if response.lost_focus() && *note != run.note {
                actions.push(RunsAction::SetNote(id, note.clone()));
            }
            ui.horizontal(|ui| {
                if ui
                    .small_button("Open")
                    .on_hover_text(
                        "Open this run's graph and settings (with its weights, if kept) as an \
                         unsaved change; Undo takes it back.",
                    )
                    .clicked()
                {
                    actions.push(RunsAction::Open(id));
                }
                if current
                    && ui
                        .small_button("Keep weights")
                        .on_hover_text("Keep the current weights with this run.")
                        .clicked()
                {
                    actions.push(RunsAction::KeepWeights(id));
                }
                if run.weights.is_some() {
                    ui.weak("weights kept");
                }
                if ui
                    .small_button("Delete")
                    .on_hover_text("Delete this run.")
                    .clicked()
                {
                    actions.push(RunsAction::Delete(id));
                }
            });
            ui.end_row();
        }
    }
}
