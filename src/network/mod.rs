//! The network mode: the node editor on the graph document, the compiled graph shared by
//! diagnostics and training, the trainer thread and its run, and the views of what it
//! learns. [`NetworkMode`] holds them and draws the mode's panels.

pub mod compiled;
pub mod data;
pub mod diagram;
pub mod editor;
pub mod runs;
pub mod snapshot;
pub mod training;
pub mod views;

use std::path::PathBuf;
use std::sync::Arc;

use layerwright_nn::graph::GraphDocument;

use crate::commands::{Action, Command};
use compiled::{CompileCache, Compiled};
use editor::Editor;
use training::panel::TrainingPanel;

/// The network mode's parts: the editor, the compile result they all share, training.
pub struct NetworkMode {
    /// The node editor on the open document.
    pub editor: Editor,
    /// Training: the trainer's run, curves and views.
    pub training: TrainingPanel,
    /// The data panel's window.
    pub data: data::DataPanel,
    compiled: CompileCache,
    /// The editor version last sent to the compile cache.
    requested: Option<(u64, u64)>,
}

impl NetworkMode {
    /// The mode on `document`, whose data paths start at `base_dir`.
    pub fn new(document: GraphDocument, base_dir: Option<PathBuf>) -> Self {
        Self {
            editor: Editor::new(document, base_dir),
            training: TrainingPanel::default(),
            data: data::DataPanel::default(),
            compiled: CompileCache::default(),
            requested: None,
        }
    }

    /// Edits `document` from now on (another file opened). The last run's views go at once;
    /// training starts again once it is compiled.
    pub fn open(&mut self, document: GraphDocument, base_dir: Option<PathBuf>) {
        self.editor = Editor::new(document, base_dir);
        // Compiled again even when it compiles as the graph before, so that its run starts.
        self.compiled.retry();
    }

    /// Once a frame, before drawing: asks for a compile when the document changed, takes a
    /// finished one (the canvas's diagnostics), and keeps the trainer's run in step.
    pub fn update(&mut self, ctx: &egui::Context) {
        let version = self.editor.version();
        if self.requested != Some(version) {
            self.requested = Some(version);
            let wake = ctx.clone();
            self.compiled.request(
                self.editor.document.document(),
                self.editor.base_dir.as_deref(),
                move || wake.request_repaint(),
            );
        }
        if self.compiled.poll()
            && let Some(compiled) = self.compiled.current()
        {
            self.editor.set_diagnostics(compiled.diagnostics.clone());
        }
        self.training.sweep.folder.clone_from(&self.editor.base_dir);
        self.training.sync(
            ctx,
            version,
            self.editor.document.document(),
            self.compiled.current(),
        );
    }

    /// The latest compile result (of the current document once no compile is under way).
    pub fn compiled(&self) -> Option<&Arc<Compiled>> {
        self.compiled.current()
    }

    /// The compile result of the graph as it is now: `None` while a newer one is being
    /// made, so a check or a step-through never works on the graph before the last edit.
    pub fn compiled_now(&self) -> Option<&Arc<Compiled>> {
        if self.compiled.is_busy() {
            None
        } else {
            self.compiled.current()
        }
    }

    /// Whether the graph is being compiled (its data loaded and checked) right now.
    pub fn is_compiling(&self) -> bool {
        self.compiled.is_busy()
    }

    /// How far loading the data of the compile under way got (0 to 1), when it says.
    pub fn compile_progress(&self) -> Option<f32> {
        self.compiled.progress()
    }

    /// Stops waiting for the compile under way; the graph stays unchecked until it changes
    /// or [`NetworkMode::check_again`].
    pub fn cancel_compile(&mut self) {
        self.compiled.cancel();
        if let Some(compiled) = self.compiled.current() {
            self.editor.set_diagnostics(compiled.diagnostics.clone());
        }
    }

    /// Whether the last compile was cancelled.
    pub fn compile_cancelled(&self) -> bool {
        self.compiled.was_cancelled()
    }

    /// Compiles the graph again (after a cancelled compile).
    pub fn check_again(&mut self) {
        self.compiled.retry();
        self.requested = None;
    }

    /// How many compiles were started in this window.
    pub fn compile_count(&self) -> u64 {
        self.compiled.compile_count()
    }

    /// Whether a model has trained, so that it can be exported.
    pub fn can_export(&self) -> bool {
        self.training.run.epochs() > 0 && self.training.run.parameters().is_some()
    }

    /// Carries out an editing or training action.
    pub fn apply_action(&mut self, ctx: &egui::Context, action: Action) {
        let run = &mut self.training.run;
        match action {
            Action::TrainPause => run.toggle(),
            Action::StepEpoch => run.step_epoch(),
            Action::StepBatch => run.step_batch(),
            Action::ResetTraining => run.reset(false),
            Action::ResetNewSeed => run.reset(true),
            _ => self.editor.apply_action(ctx, action),
        }
    }

    /// The mode's panels: training below, palette left, inspector right, canvas between;
    /// returns what they ask for.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::Panel::bottom("training")
            .resizable(true)
            .default_size(310.0)
            .show(ui, |ui| {
                commands.extend(self.training.ui(ui, self.editor.document.document()));
            });
        egui::Panel::left("palette")
            .resizable(false)
            .exact_size(150.0)
            .show(ui, |ui| {
                // Nine kinds and the hints do not fit a short window: they scroll.
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        commands.extend(editor::palette::palette_ui(&self.editor, ui));
                    });
            });
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                // The full width, whatever the text: the panel keeps its size instead of
                // following the first frame's content (before the first compile, say).
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        commands.extend(editor::inspector::inspector_ui(&mut self.editor, ui));
                    });
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                let background = ui.visuals().extreme_bg_color;
                self.training.insight.refresh_textures(ui.ctx(), background);
                let (canvas_commands, hovered) = self.editor.canvas_ui(ui, &self.training.insight);
                commands.extend(canvas_commands);
                if hovered != self.training.hovered_unit {
                    self.training.hovered_unit = hovered;
                    // The plot below shows the hovered unit: draw it again now.
                    ui.ctx().request_repaint();
                }
            });
        commands.extend(self.editor.add_menu_ui(ui.ctx()));
        commands.extend(self.data.ui(
            ui.ctx(),
            self.editor.document.document(),
            self.compiled.current(),
            self.compiled.is_busy(),
        ));
        commands
    }
}
