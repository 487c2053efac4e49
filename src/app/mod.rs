//! The application window: a handful of parts, each drawing itself and returning
//! [`Command`]s, which [`LayerwrightApp::apply`] carries out after drawing (`apply.rs`).
//!
//! - `network`: the network mode (editor, compile, training, views);
//! - `expression`: the computational-graph mode;
//! - `learn`: the teaching windows and the open lesson;
//! - `file` and `files`: the open file and file work under way (`files.rs`);
//! - `modals`: the one question or message that needs an answer (`modal.rs`);
//! - the menu bar (`menu.rs`), settings, autosave and the frame-time overlay.

mod apply;
mod data_files;
mod events;
mod files;
pub mod frame_times;
mod menu;
pub mod modal;
mod model_import;
pub mod new_graph;
#[cfg(target_arch = "wasm32")]
mod page;
mod recovery;

use crate::commands::{Action, Command, Mode};
use crate::document::recovery::Autosave;
pub use crate::document::session::OpenedDocument;
use crate::document::session::{FileSession, empty_document};
use crate::document::settings::Settings;
pub use crate::document::settings::{APP_ID, SETTINGS_KEY};
use crate::examples::DEFAULT_EXAMPLE;
use crate::learn::LearnWindows;
use crate::learn::expression::ExpressionEditor;
use crate::network::NetworkMode;
use crate::network::editor::Editor;
use crate::network::training::panel::TrainingPanel;
use frame_times::FrameTimes;
use modal::{Modal, Modals, Names};

/// The app: its parts, and the few facts about the window itself.
pub struct LayerwrightApp {
    network: NetworkMode,
    expression: ExpressionEditor,
    learn: LearnWindows,
    file: FileSession,
    files: files::FileWork,
    modals: Modals,
    settings: Settings,
    /// Autosaving while there are unsaved changes (off until `enable_recovery`).
    autosave: Option<Autosave>,
    mode: Mode,
    frame_times: FrameTimes,
    shown_title: String,
    allow_close: bool,
}

impl LayerwrightApp {
    /// The window on `opened`; when it failed to load, the default example with the error shown.
    pub fn new(opened: OpenedDocument) -> Self {
        Self::with_settings(opened, Settings::default())
    }

    /// The window as eframe makes it, on both targets: the settings remembered in its
    /// storage, their theme, and autosave with the restore offer where there is a data
    /// directory (in a browser, the page's local storage).
    pub fn create(creation: &eframe::CreationContext<'_>, opened: OpenedDocument) -> Self {
        let settings: Settings = creation
            .storage
            .and_then(|storage| eframe::get_value(storage, crate::document::settings::SETTINGS_KEY))
            .unwrap_or_default();
        creation.egui_ctx.set_theme(settings.theme.preference());
        let mut window = Self::with_settings(opened, settings);
        if let Some(dir) = crate::document::recovery::data_dir() {
            window.enable_recovery(dir);
        }
        window
    }

    /// The window on `opened` with remembered `settings`.
    pub fn with_settings(opened: OpenedDocument, mut settings: Settings) -> Self {
        let mut modals = Modals::default();
        let (document, name, folder, path) = match opened.document {
            Ok(document) => {
                let path = opened
                    .folder
                    .as_ref()
                    .map(|folder| folder.join(&opened.name));
                (document, opened.name, opened.folder, path)
            }
            Err(message) => {
                modals.show(Modal::Error(message));
                let fallback = OpenedDocument::example(DEFAULT_EXAMPLE);
                let document = fallback.document.unwrap_or_else(|_| empty_document());
                (document, fallback.name, None, None)
            }
        };
        if let Some(path) = &path {
            settings.remember(path);
        }
        Self {
            file: FileSession::new(name, path, &document),
            network: NetworkMode::new(document, folder),
            expression: ExpressionEditor::default_preset(),
            learn: LearnWindows::default(),
            files: files::FileWork::default(),
            modals,
            settings,
            autosave: None,
            mode: Mode::Network,
            frame_times: FrameTimes::default(),
            shown_title: String::new(),
            allow_close: false,
        }
    }

    /// Keeps the runs log with the open document and where it is saved.
    fn follow_runs(&mut self, ctx: &egui::Context) {
        let data_dir = self.autosave.as_ref().map(|a| a.dir().to_path_buf());
        let path = crate::network::runs::runs_path(
            self.file.path.as_deref(),
            &self.file.name,
            data_dir.as_deref(),
        );
        let editor = self.network.editor.version().0;
        let wake = ctx.clone();
        self.network
            .training
            .runs
            .follow(editor, path, data_dir.as_deref(), move || {
                wake.request_repaint();
            });
    }

    /// The network mode: editor, compile result, training.
    pub fn network(&self) -> &NetworkMode {
        &self.network
    }

    /// The network mode, to drive it directly (headless tests run its frames' work).
    pub fn network_mut(&mut self) -> &mut NetworkMode {
        &mut self.network
    }

    /// The node editor on the open document.
    pub fn editor(&self) -> &Editor {
        &self.network.editor
    }

    /// The node editor, to change its selection or document directly.
    pub fn editor_mut(&mut self) -> &mut Editor {
        &mut self.network.editor
    }

    /// The training panel: the run, its curves and views.
    pub fn training(&self) -> &TrainingPanel {
        &self.network.training
    }

    /// The training panel, to drive it directly.
    pub fn training_mut(&mut self) -> &mut TrainingPanel {
        &mut self.network.training
    }

    /// The computational-graph mode's expression.
    pub fn expression(&self) -> &ExpressionEditor {
        &self.expression
    }

    /// The learning windows and the open lesson.
    pub fn learn(&self) -> &LearnWindows {
        &self.learn
    }

    /// The learning windows, to drive them directly (tests).
    #[cfg(feature = "test-hooks")]
    pub fn learn_mut(&mut self) -> &mut LearnWindows {
        &mut self.learn
    }

    /// The open document's file.
    pub fn file(&self) -> &FileSession {
        &self.file
    }

    /// What is remembered between runs.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Autosaving, once `enable_recovery` turned it on.
    pub fn autosave(&self) -> Option<&Autosave> {
        self.autosave.as_ref()
    }

    /// Autosaving, to change its interval (tests).
    pub fn autosave_mut(&mut self) -> Option<&mut Autosave> {
        self.autosave.as_mut()
    }

    /// The computational-graph mode's expression, to edit it directly.
    pub fn expression_mut(&mut self) -> &mut ExpressionEditor {
        &mut self.expression
    }

    /// Which canvas the window shows.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The question or message shown, if any.
    pub fn modal(&self) -> Option<&Modal> {
        self.modals.shown()
    }

    /// The question or message shown, to type into its fields.
    pub fn modal_mut(&mut self) -> Option<&mut Modal> {
        self.modals.shown_mut()
    }

    /// Closes the question or message shown without acting on it (as Cancel does).
    pub fn close_modal(&mut self) {
        self.modals.close();
    }

    /// The error message shown, if the modal shown is one.
    pub fn error_message(&self) -> Option<&str> {
        match self.modals.shown() {
            Some(Modal::Error(message)) => Some(message),
            _ => None,
        }
    }

    /// Whether the window has been told it may close (every question answered).
    pub fn is_closing(&self) -> bool {
        self.allow_close
    }

    /// Whether the document has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        let editor = &self.network.editor;
        self.file
            .is_dirty(editor.version(), editor.document.document())
    }

    /// The window title: file name, a dot when unsaved, the app.
    pub fn title(&self) -> String {
        self.file.title(self.is_dirty())
    }

    /// Records one frame's CPU time for the overlay.
    pub fn record_frame_time(&mut self, now_secs: f64, cpu_secs: f32) {
        self.frame_times.stats.record(now_secs, cpu_secs);
    }

    /// Draws the whole window into `ui` and applies what it asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        // While a question is open, only its own keys (Enter, Escape) do anything.
        let mut commands: Vec<Command> = if self.modals.is_open() {
            Vec::new()
        } else {
            Action::pressed(&ctx)
                .into_iter()
                .map(Command::Action)
                .collect()
        };
        self.poll_file_work(&ctx);
        self.window_events(&ctx);
        self.network.update(&ctx);
        self.follow_runs(&ctx);
        egui::Panel::top("menu-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                commands.extend(self.menu_ui(ui));
            });
        });
        match self.mode {
            Mode::Expression => commands.extend(self.expression.ui(ui)),
            Mode::Network => {
                commands.extend(self.learn.lesson_ui(ui));
                self.network.editor.highlighted = self
                    .learn
                    .lesson
                    .as_ref()
                    .map(crate::learn::lessons::LessonPanel::highlighted_nodes)
                    .unwrap_or_default();
                commands.extend(self.network.ui(ui));
            }
        }
        commands.extend(self.learn.windows_ui(
            &ctx,
            self.network.compiled_now(),
            self.network.training.run.parameters(),
        ));
        self.network
            .training
            .insight
            .show_step_vectors(self.learn.step_through.shown_vectors());
        self.export_progress_ui(&ctx);
        self.csv_progress_ui(&ctx);
        self.model_import_ui(&ctx);
        self.frame_times.ui(&ctx);
        // An answer may raise the next question (the graph's, then the expression's): it is
        // laid out in this same frame, so it is ready for the pointer in the next.
        for _ in 0..2 {
            let names = Names {
                graph: &self.file.name,
                expression: &self.expression.name,
            };
            let Some((modal, answer)) = self.modals.ui(&ctx, &names) else {
                break;
            };
            self.answered(&ctx, modal, answer);
        }
        for command in commands {
            self.apply(&ctx, command);
        }
        let settled = !ctx.input(|i| i.pointer.any_down()) && !ctx.text_edit_focused();
        if settled {
            self.network.editor.document.end_gesture();
            self.expression.end_gesture();
        }
        self.autosave_tick(&ctx);
        let title = self.title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            // A browser's tab shows the page's title, which eframe leaves alone.
            #[cfg(target_arch = "wasm32")]
            page::set_page_title(&title);
            self.shown_title = title;
        }
    }
}

impl eframe::App for LayerwrightApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        // The previous frame's work, as eframe measured it.
        if let Some(cpu_secs) = frame.info().cpu_usage {
            self.record_frame_time(ui.ctx().input(|i| i.time), cpu_secs);
        }
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }

    /// How often eframe saves the settings: in a browser often, since a closing tab runs
    /// nothing more (eframe 0.36 listens for an `onbeforeunload` event that never comes).
    fn auto_save_interval(&self) -> std::time::Duration {
        if cfg!(target_arch = "wasm32") {
            std::time::Duration::from_secs(5)
        } else {
            std::time::Duration::from_secs(30)
        }
    }

    /// A clean exit: nothing needs recovering.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(autosave) = &mut self.autosave {
            autosave.remove();
        }
        // The last seconds of runs, written before the window goes.
        self.network.training.runs.flush();
    }
}
