//! The lesson side panel: a bundled `layerwright.lesson` shown one stage at a time, with its
//! explanation, its formulas (hovering one highlights the nodes that compute it; clicking
//! selects them), the outcome the stage states, and the stage's variants trained side by side
//! on background jobs (one after another; in a browser, one a frame), their loss curves (and
//! for a one-weight network their descent paths over the loss surface) compared.

use std::collections::VecDeque;
use std::sync::Arc;

use egui_plot::{Legend, Line, Plot, PlotPoints};
use layerwright_nn::graph::GraphDocument;
use layerwright_nn::teach::lesson::{
    LessonDocument, LessonRun, Outcome, Stage, parse_lesson, train_for_lesson,
};

use crate::commands::{Command, Intent};
use crate::network::views::regression::{SurfaceDrawing, surface_ui};
use crate::theme;
use crate::worker::{Job, Polled};

/// One lesson bundled with the app.
pub struct BundledLesson {
    /// The file name under `assets/lessons/`.
    pub file_name: &'static str,
    /// The lesson's title, as its document has it (the Learn menu lists these).
    pub title: &'static str,
    /// The JSON text.
    pub text: &'static str,
}

/// The lessons, in the order the Learn menu lists them.
pub const LESSONS: &[BundledLesson] = &[
    BundledLesson {
        file_name: "1-linear-regression.json",
        title: "Linear regression and gradient descent",
        text: include_str!("../../assets/lessons/1-linear-regression.json"),
    },
    BundledLesson {
        file_name: "2-perceptron.json",
        title: "The perceptron: AND, OR and why XOR needs a hidden layer",
        text: include_str!("../../assets/lessons/2-perceptron.json"),
    },
    BundledLesson {
        file_name: "3-sigmoid-softmax.json",
        title: "Sigmoid or softmax: outputs for two and three classes",
        text: include_str!("../../assets/lessons/3-sigmoid-softmax.json"),
    },
    BundledLesson {
        file_name: "4-activation-choice.json",
        title: "Choosing an activation: the spiral",
        text: include_str!("../../assets/lessons/4-activation-choice.json"),
    },
    BundledLesson {
        file_name: "5-deep-networks.json",
        title: "Why deep networks stall",
        text: include_str!("../../assets/lessons/5-deep-networks.json"),
    },
];

/// Reads bundled lesson `index`.
pub fn bundled_lesson(index: usize) -> Result<LessonDocument, String> {
    let bundled = LESSONS
        .get(index)
        .ok_or_else(|| format!("there is no lesson {}", index + 1))?;
    parse_lesson(bundled.text, bundled.file_name).map_err(|e| e.to_string())
}

/// One network in a comparison: its label, colour, stated outcome and (once trained) its run.
pub struct ComparisonEntry {
    /// The variant's label.
    pub label: String,
    /// What the lesson says training it does.
    pub outcome: Outcome,
    /// The run, once its job has trained it; an error message if it could not.
    pub run: Option<Result<LessonRun, String>>,
    drawing: Option<SurfaceDrawing>,
}

/// A comparison's network being trained: its entry's index and the job.
type Training = (usize, Job<Result<LessonRun, String>>);

/// The stage's networks trained one after another on jobs named `lesson-comparison`.
pub struct Comparison {
    /// The stage compared.
    pub stage: usize,
    /// One entry per variant (or the stage's own network when it has none).
    pub entries: Vec<ComparisonEntry>,
    /// The networks not started yet, by entry.
    waiting: VecDeque<(usize, GraphDocument)>,
    /// The one training now (dropping it cancels it).
    training: Option<Training>,
    ctx: egui::Context,
    scrolled: bool,
}

impl Comparison {
    /// Starts training every entry of `stage` (numbered `stage_index`), one job at a time.
    fn start(ctx: &egui::Context, stage: &Stage, stage_index: usize) -> Self {
        let graphs: Vec<(String, Outcome, GraphDocument)> = if stage.variants.is_empty() {
            vec![(
                "This stage's network".to_owned(),
                stage.outcome,
                stage.graph.clone(),
            )]
        } else {
            stage
                .variants
                .iter()
                .map(|v| (v.label.clone(), v.outcome, v.apply(&stage.graph)))
                .collect()
        };
        let entries = graphs
            .iter()
            .map(|(label, outcome, _)| ComparisonEntry {
                label: label.clone(),
                outcome: *outcome,
                run: None,
                drawing: None,
            })
            .collect();
        let mut comparison = Self {
            stage: stage_index,
            entries,
            waiting: graphs
                .into_iter()
                .enumerate()
                .map(|(index, (_, _, graph))| (index, graph))
                .collect(),
            training: None,
            ctx: ctx.clone(),
            scrolled: false,
        };
        comparison.start_next();
        comparison
    }

    /// Starts training the next waiting network, if any.
    fn start_next(&mut self) {
        let Some((index, graph)) = self.waiting.pop_front() else {
            return;
        };
        let ctx = self.ctx.clone();
        let job = Job::spawn(
            "lesson-comparison",
            move || ctx.request_repaint(),
            move |cancel| {
                train_for_lesson(&graph, |_| !cancel.is_cancelled()).map_err(|e| e.to_string())
            },
        );
        self.training = Some((index, job));
    }

    /// Takes the run the job has finished, and starts the next.
    fn receive(&mut self) {
        let Some((index, job)) = &self.training else {
            return;
        };
        let run = match job.poll() {
            Polled::Running => return,
            Polled::Finished(run) => run,
            Polled::Failed => Err("training stopped unexpectedly".to_owned()),
        };
        if let Some(entry) = self.entries.get_mut(*index) {
            entry.drawing = run
                .as_ref()
                .ok()
                .and_then(|r| r.surface.clone())
                .map(|s| SurfaceDrawing::new(Arc::new(s)));
            entry.run = Some(run);
        }
        self.training = None;
        self.start_next();
    }

    /// How many entries have finished.
    pub fn finished(&self) -> usize {
        self.entries.iter().filter(|e| e.run.is_some()).count()
    }
}

/// The open lesson: which one, which stage, and what the panel is showing.
pub struct LessonPanel {
    /// Which bundled lesson (an index into [`LESSONS`]).
    pub index: usize,
    /// The lesson.
    pub lesson: LessonDocument,
    /// The stage shown (0-based).
    pub stage: usize,
    /// The formula under the pointer, whose nodes the canvas highlights.
    pub hovered_formula: Option<usize>,
    /// The stage's comparison, once started.
    pub comparison: Option<Comparison>,
}

impl LessonPanel {
    /// Opening stage `stage` (with `variant`) of this lesson, through the unsaved-changes
    /// question.
    fn go_to(&self, stage: usize, variant: Option<usize>) -> Command {
        Command::Intent(Intent::OpenLesson {
            lesson: self.index,
            stage,
            variant,
        })
    }

    /// Bundled lesson `index`, at its first stage.
    pub fn open(index: usize) -> Result<Self, String> {
        Ok(Self {
            index,
            lesson: bundled_lesson(index)?,
            stage: 0,
            hovered_formula: None,
            comparison: None,
        })
    }

    /// The stage shown.
    pub fn current(&self) -> Option<&Stage> {
        self.lesson.stages.get(self.stage)
    }

    /// The name the title bar shows for stage `stage`.
    pub fn stage_name(&self, stage: usize) -> String {
        let title = self
            .lesson
            .stages
            .get(stage)
            .map_or("", |s| s.title.as_str());
        format!("Lesson {} · {title}", self.index + 1)
    }

    /// The ids of the nodes the hovered formula describes.
    pub fn highlighted_nodes(&self) -> Vec<String> {
        self.hovered_formula
            .and_then(|f| self.current()?.formulas.get(f))
            .map(|f| f.nodes.clone())
            .unwrap_or_default()
    }

    /// Starts (or restarts) the comparison of the current stage.
    pub fn run_comparison(&mut self, ctx: &egui::Context) -> Result<(), String> {
        self.comparison = None;
        let stage = self
            .current()
            .ok_or_else(|| "the lesson has no such stage".to_owned())?;
        self.comparison = Some(Comparison::start(ctx, stage, self.stage));
        Ok(())
    }

    /// Draws the panel; returns what it asks the app to do.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(comparison) = &mut self.comparison {
            comparison.receive();
        }
        ui.horizontal(|ui| {
            ui.heading(format!("Lesson {}", self.index + 1));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("Close lesson")
                    .on_hover_text("Hide this panel; the network stays open.")
                    .clicked()
                {
                    commands.push(Command::CloseLesson);
                }
            });
        });
        ui.strong(&self.lesson.title);
        let count = self.lesson.stages.len();
        ui.horizontal(|ui| {
            let back = ui
                .add_enabled(self.stage > 0, egui::Button::new("◀ Back"))
                .on_hover_text("Open the previous stage's network.");
            if back.clicked() {
                commands.push(self.go_to(self.stage.saturating_sub(1), None));
            }
            ui.label(format!("Stage {} of {count}", self.stage + 1));
            let next = ui
                .add_enabled(self.stage + 1 < count, egui::Button::new("Next ▶"))
                .on_hover_text("Open the next stage's network.");
            if next.clicked() {
                commands.push(self.go_to(self.stage + 1, None));
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| self.stage_ui(ui, &mut commands));
        commands
    }

    fn stage_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let ctx = ui.ctx().clone();
        let Some(stage) = self.lesson.stages.get(self.stage) else {
            return;
        };
        ui.heading(&stage.title);
        for paragraph in &stage.paragraphs {
            ui.label(paragraph);
            ui.add_space(4.0);
        }
        if !stage.formulas.is_empty() {
            ui.add_space(4.0);
            ui.strong("Formulas").on_hover_text(
                "Point at a formula to light up the nodes that compute it; click to select them.",
            );
        }
        let mut hovered = None;
        for (index, formula) in stage.formulas.iter().enumerate() {
            let lit = self.hovered_formula == Some(index);
            let frame = egui::Frame::group(ui.style()).stroke(if lit {
                egui::Stroke::new(2.0, theme::HIGHLIGHT)
            } else {
                ui.visuals().widgets.noninteractive.bg_stroke
            });
            let response = frame
                .show(ui, |ui| {
                    // The whole card is the click target, not the text inside it.
                    ui.style_mut().interaction.selectable_labels = false;
                    ui.set_width(ui.available_width());
                    ui.horizontal_wrapped(|ui| {
                        let font = egui::TextStyle::Monospace.resolve(ui.style());
                        let colour = ui.visuals().strong_text_color();
                        ui.label(formula_layout(&formula.formula, &font, colour));
                        if formula.equation != "—" {
                            ui.weak(format!("(eq. {})", formula.equation));
                        }
                    });
                    ui.label(&formula.meaning);
                })
                .response
                .interact(egui::Sense::click());
            let nodes = formula.nodes.join(", ");
            let response =
                response.on_hover_text(format!("Computed in: {nodes}. Click to select."));
            if response.hovered() {
                hovered = Some(index);
            }
            if response.clicked() {
                commands.push(Command::SelectNodes(formula.nodes.clone()));
            }
        }
        if hovered != self.hovered_formula {
            self.hovered_formula = hovered;
            ctx.request_repaint();
        }
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            ui.strong("Stated outcome:");
            ui.label(format!("this network {}.", stage.outcome.describe()));
        });
        ui.add_space(6.0);
        let has_variants = !stage.variants.is_empty();
        let (label, tooltip) = if has_variants {
            (
                "Run comparison",
                "Train every variant below from the same start, in the background, and compare them.",
            )
        } else {
            (
                "Check the stated outcome",
                "Train this stage's network as the lesson has it, in the background, and measure it.",
            )
        };
        let compared = self
            .comparison
            .as_ref()
            .is_some_and(|c| c.stage == self.stage);
        if has_variants && !compared {
            ui.strong("Compared");
            for variant in &stage.variants {
                ui.label(format!(
                    "• {}: {}",
                    variant.label,
                    variant.outcome.describe()
                ));
            }
        }
        let running = self
            .comparison
            .as_ref()
            .is_some_and(|c| c.stage == self.stage && c.finished() < c.entries.len());
        let clicked = ui
            .add_enabled(!running, egui::Button::new(label))
            .on_hover_text(tooltip)
            .clicked();
        if clicked && let Err(message) = self.run_comparison(&ctx) {
            ui.colored_label(theme::error_colour(ui.visuals().dark_mode), message);
        }
        if let Some(comparison) = &mut self.comparison
            && comparison.stage == self.stage
        {
            comparison_ui(
                ui,
                comparison,
                has_variants.then_some((self.index, self.stage)),
                commands,
            );
        }
    }
}

/// A formula written with TeX-like indices laid out for egui: `_x` or `_{…}` is a
/// subscript, `^x` or `^{…}` a superscript (nested inside braces too), so `ŷ_k = e^{a_k}`
/// shows as it is printed in the notes. Everything else is drawn as written.
pub fn formula_layout(
    text: &str,
    font: &egui::FontId,
    colour: egui::Color32,
) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    append_formula(&mut job, text, font, colour, egui::Align::Center, 0);
    job
}

/// Appends `text` at `valign` (Center for the base line), recursing into index groups.
fn append_formula(
    job: &mut egui::text::LayoutJob,
    text: &str,
    font: &egui::FontId,
    colour: egui::Color32,
    valign: egui::Align,
    depth: usize,
) {
    let format = egui::TextFormat {
        font_id: font.clone(),
        color: colour,
        valign,
        ..Default::default()
    };
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let index_align = match c {
            '_' => egui::Align::BOTTOM,
            '^' => egui::Align::TOP,
            _ => {
                plain.push(c);
                continue;
            }
        };
        let mut group = String::new();
        if chars.peek() == Some(&'{') {
            chars.next();
            let mut open = 1;
            for inner in chars.by_ref() {
                match inner {
                    '{' => open += 1,
                    '}' => open -= 1,
                    _ => {}
                }
                if open == 0 {
                    break;
                }
                group.push(inner);
            }
        } else if let Some(next) = chars.next() {
            group.push(next);
        }
        if !plain.is_empty() {
            job.append(&plain, 0.0, format.clone());
            plain.clear();
        }
        // Deeper indices get no smaller than 60% of the base size.
        let smaller = egui::FontId::new(
            font.size * if depth == 0 { 0.7 } else { 0.85 },
            font.family.clone(),
        );
        append_formula(job, &group, &smaller, colour, index_align, depth + 1);
    }
    if !plain.is_empty() {
        job.append(&plain, 0.0, format);
    }
}

/// The comparison's results: a row per entry, the loss curves, and the descent paths.
fn comparison_ui(
    ui: &mut egui::Ui,
    comparison: &mut Comparison,
    variants_of: Option<(usize, usize)>,
    commands: &mut Vec<Command>,
) {
    let total = comparison.entries.len();
    let finished = comparison.finished();
    if finished < total {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("Training {} of {total}…", finished + 1));
        });
    }
    let dark = ui.visuals().dark_mode;
    for (index, entry) in comparison.entries.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.colored_label(theme::class_colour(index), "■");
            ui.strong(&entry.label);
            if let Some(Ok(run)) = &entry.run {
                let described = format!("Stated: {}.", entry.outcome.describe());
                if entry.outcome.judge(run).met {
                    ui.colored_label(theme::okabe_ito::BLUISH_GREEN, "✔ as stated")
                        .on_hover_text(described);
                } else {
                    ui.colored_label(theme::error_colour(dark), "✖ not as stated")
                        .on_hover_text(described);
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some((lesson_index, stage_index)) = variants_of
                    && ui
                        .small_button("Open")
                        .on_hover_text(
                            "Open this variant in the editor, to train it and look inside.",
                        )
                        .clicked()
                {
                    commands.push(Command::Intent(Intent::OpenLesson {
                        lesson: lesson_index,
                        stage: stage_index,
                        variant: Some(index),
                    }));
                }
            });
        });
        ui.indent(("lesson-entry", index), |ui| match &entry.run {
            None => {
                ui.weak("waiting");
            }
            Some(Err(message)) => {
                ui.colored_label(theme::error_colour(dark), message);
            }
            Some(Ok(run)) => {
                let verdict = entry.outcome.judge(run);
                ui.weak(format!(
                    "{} after {} epochs",
                    verdict.measured,
                    run.losses.len()
                ));
            }
        });
    }
    if finished == 0 {
        return;
    }
    ui.add_space(4.0);
    let plot = Plot::new(("lesson-losses", comparison.stage))
        .height(170.0)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label("log₁₀ loss")
        .allow_scroll(false)
        .show(ui, |plot| {
            for (index, entry) in comparison.entries.iter().enumerate() {
                let Some(Ok(run)) = &entry.run else {
                    continue;
                };
                let points: Vec<[f64; 2]> = run
                    .losses
                    .iter()
                    .enumerate()
                    .filter(|(_, loss)| loss.is_finite() && **loss > 0.0)
                    .map(|(epoch, loss)| [(epoch + 1) as f64, loss.log10()])
                    .collect();
                plot.line(
                    Line::new(entry.label.clone(), PlotPoints::from(points))
                        .color(theme::class_colour(index))
                        .width(2.0),
                );
            }
        });
    // Bring the curves into view once, when the last run arrives.
    if finished == total && !comparison.scrolled {
        comparison.scrolled = true;
        plot.response.scroll_to_me(Some(egui::Align::TOP));
    }
    let with_surfaces = comparison
        .entries
        .iter()
        .filter(|e| e.drawing.is_some())
        .count();
    if with_surfaces == 0 {
        return;
    }
    ui.add_space(4.0);
    ui.label("The descent paths over the loss surface L(w, b), side by side:");
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(theme::DESCENT_PATH, "— path from ■ start");
        ui.colored_label(theme::OPTIMUM, "✳ least squares");
        ui.weak("lines: equal loss");
    });
    let columns = comparison.entries.len();
    ui.columns(columns, |columns| {
        for (index, (entry, column)) in comparison
            .entries
            .iter_mut()
            .zip(columns.iter_mut())
            .enumerate()
        {
            column.strong(&entry.label);
            let path = match &entry.run {
                Some(Ok(run)) => run.descent_path.clone(),
                _ => Vec::new(),
            };
            if let Some(drawing) = &mut entry.drawing {
                surface_ui(
                    column,
                    drawing,
                    &path,
                    &format!("lesson-surface-{}-{index}", comparison.stage),
                    Some(220.0),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<(String, egui::Align, f32)> {
        let font = egui::FontId::monospace(10.0);
        let job = formula_layout(text, &font, egui::Color32::WHITE);
        job.sections
            .iter()
            .map(|s| {
                (
                    job.text[s.byte_range.start.0..s.byte_range.end.0].to_owned(),
                    s.format.valign,
                    s.format.font_id.size,
                )
            })
            .collect()
    }

    #[test]
    fn indices_become_smaller_raised_or_lowered_text() {
        assert_eq!(
            pieces("ŷ_k = e^{a_k}"),
            vec![
                ("ŷ".to_owned(), egui::Align::Center, 10.0),
                ("k".to_owned(), egui::Align::BOTTOM, 7.0),
                (" = e".to_owned(), egui::Align::Center, 10.0),
                ("a".to_owned(), egui::Align::TOP, 7.0),
                ("k".to_owned(), egui::Align::BOTTOM, 7.0 * 0.85),
            ]
        );
    }

    #[test]
    fn every_bundled_lesson_opens() {
        for (index, bundled) in LESSONS.iter().enumerate() {
            let panel = LessonPanel::open(index).expect("the lesson parses");
            assert_eq!(panel.lesson.title, bundled.title, "{}", bundled.file_name);
        }
    }
}
