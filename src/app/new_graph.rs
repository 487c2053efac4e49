//! File → New: choose the data first (a generator, a bundled set or a CSV file), and get a
//! network that fits it: input → one hidden dense layer → an output whose units, function
//! and loss suit the task.

use layerwright_nn::data::{BundledDataset, Generator, Task};
use layerwright_nn::graph::starter::{STARTER_HIDDEN_UNITS, output_for, starter_document};
use layerwright_nn::graph::{DatasetSpec, GraphDocument};

use crate::network::data::source::{task_name, thumbnail_grid_ui};
use crate::network::data::thumbnails::Thumbnail;

/// The data a new graph starts from.
#[derive(Clone, Debug, PartialEq)]
pub enum StarterData {
    /// A generator with its defaults.
    Generated(Generator),
    /// A bundled set.
    Bundled(BundledDataset),
}

impl Default for StarterData {
    fn default() -> Self {
        Self::Generated(Generator::Circle)
    }
}

impl StarterData {
    /// The data set's settings and its class count (0 for regression).
    fn dataset(&self) -> (DatasetSpec, usize) {
        match self {
            Self::Generated(generator) => (
                DatasetSpec::generated(generator.clone()),
                generator.classes(),
            ),
            Self::Bundled(set) => (DatasetSpec::bundled(*set), set.class_count()),
        }
    }

    /// The new graph: [`starter_document`] on this data.
    pub fn document(&self) -> GraphDocument {
        let (spec, classes) = self.dataset();
        starter_document(spec, classes)
    }

    /// What the new network will be, in one sentence.
    fn description(&self) -> String {
        let (spec, classes) = self.dataset();
        let (function, loss) = output_for(spec.task, classes);
        let name = match self {
            Self::Generated(generator) => generator.name(),
            Self::Bundled(set) => set.name().to_owned(),
        };
        let task = match spec.task {
            Task::Classification => format!("{} with {classes} classes", task_name(spec.task)),
            Task::Regression => task_name(spec.task).to_owned(),
        };
        format!(
            "{name}, {task}. The network: the input, a hidden layer of {STARTER_HIDDEN_UNITS} tanh \
             units, and a {} output with {} loss.",
            function.name(),
            loss.name()
        )
    }
}

/// How the chooser was answered.
pub enum NewGraphAnswer {
    /// Start a graph on this data.
    Create(StarterData),
    /// Ask for a CSV file, then start a graph on it.
    ChooseCsv,
    /// Nothing new.
    Cancel,
}

/// The chooser's contents: thumbnails, bundled sets, CSV, and Create / Cancel.
pub fn new_graph_ui(ui: &mut egui::Ui, chosen: &mut StarterData) -> Option<NewGraphAnswer> {
    let mut answer = None;
    ui.label("Choose the data the new network learns from.");
    ui.add_space(4.0);
    ui.strong("Generated");
    let thumbnails = Thumbnail::all(ui.ctx());
    let current = match chosen {
        StarterData::Generated(generator) => generator.clone(),
        // No thumbnail is framed while a bundled set is chosen.
        StarterData::Bundled(_) => Generator::LinearFeatures {
            weights: Vec::new(),
            b: f64::NAN,
        },
    };
    if let Some(generator) = thumbnail_grid_ui(ui, &thumbnails, &current) {
        *chosen = StarterData::Generated(generator);
    }
    ui.add_space(4.0);
    ui.strong("Bundled");
    for set in BundledDataset::ALL {
        ui.horizontal(|ui| {
            let selected = *chosen == StarterData::Bundled(set);
            if ui
                .selectable_label(selected, set.name())
                .on_hover_text(set.attribution())
                .clicked()
            {
                *chosen = StarterData::Bundled(set);
            }
            ui.weak(set.description());
        });
    }
    ui.add_space(4.0);
    ui.strong("Your own");
    if ui
        .button("CSV file…")
        .on_hover_text(
            "One example per row, the target in the last column; the task is guessed from it.",
        )
        .clicked()
    {
        answer = Some(NewGraphAnswer::ChooseCsv);
    }
    ui.separator();
    ui.label(chosen.description());
    ui.horizontal(|ui| {
        if ui
            .button("Create")
            .on_hover_text("Replace the open graph with this one (asks about unsaved changes).")
            .clicked()
        {
            answer = Some(NewGraphAnswer::Create(chosen.clone()));
        }
        if ui.button("Cancel").clicked() {
            answer = Some(NewGraphAnswer::Cancel);
        }
    });
    answer
}
