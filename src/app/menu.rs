//! The menu bar: File, Edit, Data, View, Learn and Help, the mode switch, and the open
//! document's name and state. Items come from the command table and return commands.

use super::LayerwrightApp;
use crate::commands::{Action, Command, Intent, Mode};
use crate::document::session::file_name;
use crate::document::settings::Theme;
use crate::examples::EXAMPLES;

impl LayerwrightApp {
    /// The menu bar: File, Edit, Data, View, Learn, Help, the mode switch and the document's
    /// name and state; returns what was chosen.
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut chosen = Vec::new();
        let commands = &mut chosen;
        ui.menu_button("File", |ui| {
            action_buttons_ui(ui, &[Action::New, Action::Open], true, commands);
            ui.menu_button("Open example", |ui| {
                for example in EXAMPLES {
                    if ui
                        .button(example.title)
                        .on_hover_text(example.file_name)
                        .clicked()
                    {
                        commands.push(Command::Intent(Intent::OpenExample(
                            example.file_name.to_owned(),
                        )));
                        ui.close();
                    }
                }
            });
            ui.menu_button("Open recent", |ui| {
                // In a browser a file lasts as long as the page that was given it: the
                // settings remember files of earlier visits that are gone.
                let recent: Vec<_> = self
                    .settings
                    .recent
                    .iter()
                    .filter(|path| {
                        cfg!(not(target_arch = "wasm32")) || layerwright_nn::files::exists(path)
                    })
                    .cloned()
                    .collect();
                if recent.is_empty() {
                    ui.weak("No recent files yet.");
                }
                for path in recent {
                    if ui
                        .button(file_name(&path))
                        .on_hover_text(path.display().to_string())
                        .clicked()
                    {
                        commands.push(Command::Intent(Intent::Open(path)));
                        ui.close();
                    }
                }
            });
            action_buttons_ui(ui, &[Action::ImportOnnx], true, commands);
            ui.separator();
            action_buttons_ui(ui, &[Action::Save, Action::SaveAs], true, commands);
            ui.separator();
            let trained = self.can_export();
            action_buttons_ui(
                ui,
                &[
                    Action::ExportJson,
                    Action::ExportOnnx,
                    Action::ExportPytorch,
                ],
                trained,
                commands,
            );
            if !trained {
                ui.weak("Train the model to export it.");
            }
            ui.separator();
            action_buttons_ui(
                ui,
                &[Action::SaveDiagramSvg, Action::SaveDiagramPng],
                self.mode == super::Mode::Network,
                commands,
            );
        });
        ui.menu_button("Edit", |ui| {
            let has_selection = !self.network.editor.selected.is_empty();
            let enabled = [
                (Action::Undo, self.network.editor.document.can_undo()),
                (Action::Redo, self.network.editor.document.can_redo()),
                (Action::Copy, has_selection),
                (
                    Action::Paste,
                    !self.network.editor.clipboard.nodes.is_empty(),
                ),
                (Action::Duplicate, has_selection),
                (Action::Delete, has_selection),
                (Action::AddNode, true),
                (
                    Action::ConnectSelected,
                    self.network.editor.selected.len() >= 2,
                ),
            ];
            for (action, on) in enabled {
                if action.menu_button(ui, on) {
                    commands.push(Command::Action(action));
                    ui.close();
                }
            }
        });
        ui.menu_button("Data", |ui| {
            let network = self.mode == Mode::Network;
            let spec = &self.network.editor.document.document().dataset;
            let generated = matches!(
                spec.source,
                layerwright_nn::graph::DataSource::Generated { .. }
            );
            let savable = crate::network::data::can_save_as_csv(spec);
            for (action, on) in [
                (Action::ShowData, network),
                (Action::OpenDataCsv, network),
                (Action::Regenerate, network && generated),
                (Action::SaveDataCsv, network && savable),
            ] {
                if action.menu_button(ui, on) {
                    commands.push(Command::Action(action));
                    ui.close();
                }
            }
        });
        ui.menu_button("View", |ui| {
            action_buttons_ui(
                ui,
                &[Action::FitView, Action::SelectNext, Action::SelectPrevious],
                true,
                commands,
            );
            ui.separator();
            ui.checkbox(
                &mut self.network.training.insight.show_maps,
                "Unit maps in nodes",
            )
            .on_hover_text(
                "Each unit's output over the input plane, inside its node (2-D data). \
                     Hover one to see it large in the plot.",
            );
            ui.checkbox(
                &mut self.network.training.insight.show_weights,
                "Weights in nodes",
            )
            .on_hover_text("Each layer's weight matrix as a heatmap, values on hover.");
            ui.checkbox(&mut self.frame_times.show, "Frame times")
                .on_hover_text("The UI thread's CPU time per frame over the last second.");
            ui.separator();
            ui.label("Theme");
            let before = self.settings.theme;
            ui.radio_value(&mut self.settings.theme, Theme::Dark, "Dark");
            ui.radio_value(&mut self.settings.theme, Theme::Light, "Light");
            ui.radio_value(&mut self.settings.theme, Theme::System, "Follow the system");
            if self.settings.theme != before {
                ui.ctx().set_theme(self.settings.theme.preference());
            }
        });
        ui.menu_button("Learn", |ui| {
            action_buttons_ui(
                ui,
                &[
                    Action::StepThrough,
                    Action::GradientCheck,
                    Action::ShowGallery,
                ],
                true,
                commands,
            );
            if ui
                .button("Computational graph")
                .on_hover_text(
                    "Wire a scalar expression and watch the chain rule, number by number.",
                )
                .clicked()
            {
                self.mode = Mode::Expression;
                ui.close();
            }
            ui.separator();
            for (index, lesson) in crate::learn::lessons::LESSONS.iter().enumerate() {
                if ui
                    .button(format!("Lesson {}: {}", index + 1, lesson.title))
                    .on_hover_text(
                        "Open the lesson's first network, with its explanations beside it.",
                    )
                    .clicked()
                {
                    commands.push(Command::Intent(Intent::OpenLesson {
                        lesson: index,
                        stage: 0,
                        variant: None,
                    }));
                    ui.close();
                }
            }
        });
        ui.menu_button("Help", |ui| {
            action_buttons_ui(
                ui,
                &[Action::ShowShortcuts, Action::ShowAbout],
                true,
                commands,
            );
        });
        ui.separator();
        for (mode, label, tooltip) in [
            (
                Mode::Network,
                "Network",
                "Build networks, train them and watch them learn.",
            ),
            (
                Mode::Expression,
                "Computational graph",
                "Wire a scalar expression and watch the chain rule, number by number.",
            ),
        ] {
            if ui
                .selectable_label(self.mode == mode, label)
                .on_hover_text(tooltip)
                .clicked()
            {
                commands.push(Command::SetMode(mode));
            }
        }
        ui.separator();
        if self.mode == Mode::Expression {
            ui.strong(&self.expression.name);
            if self.expression.is_dirty() {
                ui.label("•").on_hover_text("Unsaved changes");
            }
            return chosen;
        }
        ui.strong(&self.file.name);
        if self.is_dirty() {
            ui.label("•").on_hover_text("Unsaved changes");
        }
        if let Some(message) = self.autosave.as_ref().and_then(|a| a.last_error.as_ref()) {
            ui.colored_label(
                crate::theme::error_colour(ui.visuals().dark_mode),
                "autosave failed",
            )
            .on_hover_text(message);
        }
        let valid = self.network.editor.diagnostics().is_valid();
        if self.network.is_compiling() {
            ui.spinner();
            match self.network.compile_progress() {
                Some(fraction) => {
                    ui.weak(format!("reading the data… {:.0}%", fraction * 100.0))
                        .on_hover_text("A large file is read three times, row by row.");
                    ui.add(egui::ProgressBar::new(fraction).desired_width(80.0));
                }
                None => {
                    ui.weak("checking…")
                        .on_hover_text("The graph is being compiled against its data.");
                }
            }
            if ui
                .small_button("Cancel")
                .on_hover_text(
                    "Stop checking (a very large data file, say); the graph stays unchecked.",
                )
                .clicked()
            {
                self.network.cancel_compile();
            }
        } else if self.network.compile_cancelled() {
            ui.weak("not checked");
            if ui
                .small_button("Check again")
                .on_hover_text("Compile the graph against its data again.")
                .clicked()
            {
                self.network.check_again();
            }
        } else if valid {
            ui.weak("valid");
        } else {
            let count = {
                let d = self.network.editor.diagnostics();
                d.general_errors.len() + d.node_errors.values().map(Vec::len).sum::<usize>()
            };
            ui.colored_label(
                crate::theme::error_colour(ui.visuals().dark_mode),
                format!("{count} problem{}", if count == 1 { "" } else { "s" }),
            );
        }
        chosen
    }
}

/// A menu's buttons for `actions` (enabled or not); a click pushes the action and closes
/// the menu.
fn action_buttons_ui(
    ui: &mut egui::Ui,
    actions: &[Action],
    enabled: bool,
    commands: &mut Vec<Command>,
) {
    for &action in actions {
        if action.menu_button(ui, enabled) {
            commands.push(Command::Action(action));
            ui.close();
        }
    }
}
