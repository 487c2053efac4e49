//! The gradient-check window: back-propagation against central finite differences (f64)
//! for the current weights on one training example, per parameter tensor. The check nudges
//! every parameter twice, so it runs on a thread named `gradient-check` with a progress bar
//! and Cancel; the window shows "Checking…" until its result arrives.

use std::sync::Arc;

use layerwright_nn::ParameterSet;
use layerwright_nn::teach::gradient_check::{GradientCheck, gradient_check_while};

use crate::commands::Command;
use crate::network::compiled::Compiled;
use crate::worker::{Job, Polled};

/// Relative errors below this mean back-propagation and finite differences agree.
pub const GRADIENT_TOLERANCE: f64 = 1e-6;

/// Networks with more parameters than this are not checked (each is nudged twice).
pub const PARAMETER_LIMIT: usize = 50_000;

/// A gradient check of the current network on one training example.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientReport {
    /// The training example checked (0-based).
    pub example: usize,
    /// How many training examples there are.
    pub examples: usize,
    /// Each parameter tensor's largest relative error, or why there is no check.
    pub result: Result<GradientCheck, String>,
}

/// The window and the check under way.
#[derive(Default)]
pub struct GradientCheckWindow {
    open: bool,
    report: Option<GradientReport>,
    /// The check under way, with the example it checks and how many there are.
    job: Option<(usize, usize, Job<Option<GradientCheck>>)>,
    /// A check asked for while the graph was still compiling: the example to check.
    waiting: Option<usize>,
    /// While set, a check waits before its first parameter until this is cleared or the
    /// check is cancelled: how tests see a check under way whatever the machine's speed.
    #[cfg(feature = "test-hooks")]
    hold: Option<Arc<std::sync::atomic::AtomicBool>>,
}

impl GradientCheckWindow {
    /// Opens the window and starts checking training example `example` of `compiled`'s data
    /// with `parameters` (the trained weights, or the initial ones when they do not fit).
    /// A check already under way is cancelled.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        compiled: Option<&Arc<Compiled>>,
        parameters: Option<&ParameterSet<f64>>,
        example: usize,
    ) {
        self.open = true;
        self.job = None;
        self.waiting = None;
        let fail = |message: String| GradientReport {
            example: 0,
            examples: 0,
            result: Err(message),
        };
        let graph = match compiled.map(|c| &c.graph) {
            None => {
                // Still compiling: `update` starts the check once it is done.
                self.waiting = Some(example);
                return;
            }
            Some(Err(message)) => {
                self.report = Some(fail(format!("The graph cannot be checked: {message}")));
                return;
            }
            Some(Ok(graph)) => Arc::clone(graph),
        };
        let examples = graph.data.train.len();
        let example = example.min(examples.saturating_sub(1));
        let refusal = if graph.architecture.head().loss == layerwright_nn::Loss::Perceptron {
            Some(
                "The perceptron rule (eq. 2.1) is an update rule, not the gradient of a loss: \
                 it passes ŷ − y straight through the step, whose derivative is 0 almost \
                 everywhere, so finite differences do not apply.",
            )
        } else if graph.architecture.parameter_count() > PARAMETER_LIMIT {
            Some(
                "This network has over 50,000 parameters; the check nudges each one twice, \
                 which is too slow to do here.",
            )
        } else if examples == 0 {
            Some("There are no training examples.")
        } else {
            None
        };
        if let Some(refusal) = refusal {
            self.report = Some(GradientReport {
                example,
                examples,
                result: Err(refusal.to_owned()),
            });
            return;
        }
        let parameters = parameters
            .filter(|p| graph.architecture.fits(p))
            .cloned()
            .unwrap_or_else(|| graph.initial.clone());
        let wake = ctx.clone();
        #[cfg(feature = "test-hooks")]
        let hold = self.hold.clone();
        let job = Job::spawn(
            "gradient-check",
            move || wake.request_repaint(),
            move |cancel| {
                #[cfg(feature = "test-hooks")]
                while hold
                    .as_ref()
                    .is_some_and(|h| h.load(std::sync::atomic::Ordering::SeqCst))
                    && !cancel.is_cancelled()
                {
                    cancel.report(0, graph.architecture.parameter_count());
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                let one = graph.data.train.rows_in_f64(example..example + 1);
                gradient_check_while(
                    &graph.architecture,
                    &parameters,
                    one.inputs.view(),
                    one.targets.view(),
                    None,
                    &|done, total| {
                        cancel.report(done, total);
                        !cancel.is_cancelled()
                    },
                )
            },
        );
        self.job = Some((example, examples, job));
    }

    /// Makes the next checks wait before their first parameter until the returned flag is
    /// cleared (or they are cancelled), so a test sees a check under way.
    #[cfg(feature = "test-hooks")]
    pub fn hold_for_test(&mut self) -> Arc<std::sync::atomic::AtomicBool> {
        let hold = Arc::new(std::sync::atomic::AtomicBool::new(true));
        self.hold = Some(Arc::clone(&hold));
        hold
    }

    /// How far the check under way has got: parameters done and in all.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.job.as_ref().map(|(_, _, job)| job.progress())
    }

    /// The last finished check, if any.
    pub fn report(&self) -> Option<&GradientReport> {
        self.report.as_ref()
    }

    /// Whether a check is under way.
    pub fn is_checking(&self) -> bool {
        self.job.is_some()
    }

    /// Whether the window is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Once a frame: starts a check that waited for the compile, once there is one.
    pub fn update(
        &mut self,
        ctx: &egui::Context,
        compiled: Option<&Arc<Compiled>>,
        parameters: Option<&ParameterSet<f64>>,
    ) {
        if let (Some(example), Some(_)) = (self.waiting, compiled) {
            self.start(ctx, compiled, parameters, example);
        }
    }

    /// Takes a finished check's result.
    fn poll(&mut self) {
        let Some((example, examples, job)) = &self.job else {
            return;
        };
        let result = match job.poll() {
            Polled::Running => return,
            Polled::Finished(Some(check)) => Ok(check),
            Polled::Finished(None) => Err("The check was cancelled.".to_owned()),
            Polled::Failed => Err("The check stopped unexpectedly.".to_owned()),
        };
        self.report = Some(GradientReport {
            example: *example,
            examples: *examples,
            result,
        });
        self.job = None;
    }

    /// The window, while open; returns a new check when the person picks another example.
    pub fn ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        self.poll();
        let mut commands = Vec::new();
        if !self.open {
            return commands;
        }
        let mut open = true;
        let mut cancel = false;
        egui::Window::new("Gradient check")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .default_pos(egui::pos2(420.0, 120.0))
            .show(ctx, |ui| {
                ui.label(
                    "Each weight is nudged by ±1e-5 and the change of the loss compared with the \
                     gradient back-propagation computed (central differences, in f64).",
                );
                if self.waiting.is_some() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Waiting for the graph to compile…");
                    });
                    return;
                }
                if let Some((example, examples, job)) = &self.job {
                    ui.label(format!(
                        "Checking… training example {} of {examples}",
                        example + 1
                    ));
                    let (done, total) = job.progress();
                    let fraction = if total > 0 {
                        done as f32 / total as f32
                    } else {
                        0.0
                    };
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .text(format!("{done} of {total} parameters")),
                    );
                    if ui
                        .button("Cancel")
                        .on_hover_text("Stop the check; the window keeps the last result.")
                        .clicked()
                    {
                        cancel = true;
                    }
                    return;
                }
                let Some(report) = &self.report else {
                    return;
                };
                if report.examples > 0 {
                    ui.horizontal(|ui| {
                        let label = ui.label("Training example");
                        let mut shown = report.example + 1;
                        let changed = ui
                            .add(
                                egui::DragValue::new(&mut shown)
                                    .range(1..=report.examples)
                                    .speed(0.2),
                            )
                            .labelled_by(label.id)
                            .changed();
                        ui.weak(format!("of {}", report.examples));
                        if changed && shown - 1 != report.example {
                            commands.push(Command::CheckGradients(shown - 1));
                        }
                    });
                }
                match &report.result {
                    Ok(check) => check_ui(ui, check),
                    Err(message) => {
                        ui.label(message);
                    }
                }
            });
        if cancel {
            // Dropping the job tells its thread to stop at the next parameter.
            self.job = None;
            if self.report.is_none() {
                self.report = Some(GradientReport {
                    example: 0,
                    examples: 0,
                    result: Err("The check was cancelled.".to_owned()),
                });
            }
        }
        if !open {
            self.open = false;
            self.job = None;
            self.waiting = None;
            self.report = None;
        }
        commands
    }
}

/// The verdict and each parameter tensor's largest relative error.
fn check_ui(ui: &mut egui::Ui, check: &GradientCheck) {
    let worst = check.max_relative_error();
    if worst < GRADIENT_TOLERANCE {
        ui.strong(format!(
            "Largest relative error {worst:.1e}: back-propagation agrees with finite differences."
        ));
    } else {
        ui.colored_label(
            crate::theme::error_colour(ui.visuals().dark_mode),
            format!(
                "Largest relative error {worst:.1e}: back-propagation and finite differences disagree."
            ),
        );
    }
    egui::Grid::new("gradient-check")
        .striped(true)
        .show(ui, |ui| {
            ui.strong("node");
            ui.strong("parameter");
            ui.strong("largest relative error");
            ui.end_row();
            for parameter in &check.parameters {
                ui.label(&parameter.node);
                ui.label(parameter.role.symbol());
                ui.monospace(format!("{:.1e}", parameter.max_relative_error));
                ui.end_row();
            }
        });
}
