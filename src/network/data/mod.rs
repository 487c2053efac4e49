//! The data panel: a window, one click from the input node and from the Data menu, that
//! edits the document's data set (source, task and target, preparation, image shape) and
//! shows what the loaded examples hold. Every change is one undoable edit, and training
//! restarts as it does after graph edits.

pub mod columns;
pub mod preparation;
pub mod preview;
pub mod source;
pub mod thumbnails;

use std::sync::Arc;

use layerwright_nn::graph::{DataSource, DatasetSpec, GraphDocument};

use crate::commands::{Action, Command};
use crate::document::graph::Edit;
use crate::network::compiled::Compiled;
use preview::Preview;
use source::DataChange;
use thumbnails::Thumbnail;

/// The data panel's window and what it keeps between frames.
#[derive(Default)]
pub struct DataPanel {
    /// Whether the window is open.
    pub open: bool,
    preview: Preview,
}

/// The data set with a new seed for its generator (the next one), if it is generated.
pub fn regenerated(spec: &DatasetSpec) -> Option<DatasetSpec> {
    let DataSource::Generated {
        generator,
        samples,
        noise,
        seed,
    } = &spec.source
    else {
        return None;
    };
    Some(DatasetSpec {
        source: DataSource::Generated {
            generator: generator.clone(),
            samples: *samples,
            noise: *noise,
            seed: seed.wrapping_add(1),
        },
        ..spec.clone()
    })
}

/// Whether the data set's points can be saved as CSV (generated or placed by hand: the
/// others already are files).
pub fn can_save_as_csv(spec: &DatasetSpec) -> bool {
    matches!(
        spec.source,
        DataSource::Generated { .. } | DataSource::Points { .. }
    )
}

impl DataPanel {
    /// The window, when open: the source, task and preparation of `document`'s data set
    /// and a preview of `compiled`'s examples. Returns the edits and dialogs it asks for.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        document: &GraphDocument,
        compiled: Option<&Arc<Compiled>>,
        loading: bool,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        if !self.open {
            return commands;
        }
        let mut open = true;
        egui::Window::new("Data set")
            .open(&mut open)
            .default_size([600.0, 640.0])
            .max_width(720.0)
            .default_pos([220.0, 60.0])
            .vscroll(true)
            .show(ctx, |ui| {
                let change = self.contents_ui(ui, document, compiled, loading, &mut commands);
                if let Some(DataChange { dataset, field }) = change {
                    commands.push(Command::Edit(Edit::UpdateDataset {
                        dataset: Box::new(dataset),
                        field,
                    }));
                }
            });
        self.open = open;
        commands
    }

    fn contents_ui(
        &mut self,
        ui: &mut egui::Ui,
        document: &GraphDocument,
        compiled: Option<&Arc<Compiled>>,
        loading: bool,
        commands: &mut Vec<Command>,
    ) -> Option<DataChange> {
        let spec = &document.dataset;
        let loaded = compiled.and_then(|c| match (&c.dataset, &c.summary) {
            (Ok(dataset), Some(summary)) => Some((dataset.clone(), summary.clone(), c.generation)),
            _ => None,
        });
        let mut change = None;
        ui.heading("Source");
        change = change.or(source::source_kind_ui(ui, spec, commands));
        ui.add_space(4.0);
        let columns: Vec<String> = loaded
            .as_ref()
            .map(|(dataset, _, _)| {
                // The file's own columns (one-hot inputs are not columns of the file).
                let mut names: Vec<String> = match &dataset.encoding {
                    Some(encoding) => encoding.columns.iter().map(|c| c.name.clone()).collect(),
                    None => dataset.feature_names.clone(),
                };
                names.push(dataset.target_name.clone());
                names
            })
            .unwrap_or_default();
        let thumbnails = Thumbnail::all(ui.ctx());
        change = change
            .or(source::generated_ui(ui, spec, &thumbnails))
            .or(source::bundled_ui(ui, spec))
            .or(source::csv_ui(ui, spec, &columns, commands))
            .or(source::points_ui(ui, spec));
        if matches!(spec.source, DataSource::Csv { .. })
            && let Some((dataset, _, _)) = &loaded
            && let Some(encoding) = &dataset.encoding
        {
            egui::CollapsingHeader::new("Columns of the file")
                .default_open(true)
                .show(ui, |ui| {
                    change = change.clone().or(columns::columns_ui(
                        ui,
                        spec,
                        encoding,
                        &dataset.target_name,
                        &dataset.notes,
                    ));
                });
        }
        ui.horizontal(|ui| {
            if can_save_as_csv(spec) {
                let button = ui
                    .add_enabled(
                        loaded.is_some(),
                        egui::Button::new(Action::SaveDataCsv.label()),
                    )
                    .on_hover_text(Action::SaveDataCsv.tooltip());
                if button.clicked() {
                    commands.push(Command::Action(Action::SaveDataCsv));
                }
            }
        });
        ui.separator();
        ui.heading("Preparation");
        change = change.or(preparation::preparation_ui(ui, spec));
        let (columns_count, range) = loaded.as_ref().map_or((0, [0.0, 1.0]), |(d, s, _)| {
            let low = s
                .features
                .iter()
                .map(|c| c.min)
                .fold(f64::INFINITY, f64::min);
            let high = s
                .features
                .iter()
                .map(|c| c.max)
                .fold(f64::NEG_INFINITY, f64::max);
            (d.feature_count(), [low, high])
        });
        change = change.or(preparation::image_ui(ui, spec, columns_count, range));
        ui.separator();
        ui.horizontal(|ui| {
            ui.heading("Preview");
            if loading {
                ui.spinner();
                ui.weak("loading the data…");
            }
        });
        match (&loaded, compiled.map(|c| &c.dataset)) {
            (Some((dataset, summary, generation)), _) => {
                ui.label(preview::headline(dataset));
                Preview::tables_ui(ui, dataset, summary);
                egui::CollapsingHeader::new("Scatter")
                    .default_open(true)
                    .show(ui, |ui| self.preview.scatter_ui(ui, dataset));
                if let Some(shape) = spec.image {
                    egui::CollapsingHeader::new("Images")
                        .default_open(true)
                        .show(ui, |ui| {
                            self.preview.images_ui(ui, dataset, shape, *generation);
                        });
                }
            }
            (None, Some(Err(message))) if !loading => {
                ui.colored_label(crate::theme::error_colour(ui.visuals().dark_mode), message);
            }
            _ => {}
        }
        change
    }
}
