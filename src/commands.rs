//! One table of the app's actions: each has a label, a tooltip and its keyboard shortcuts,
//! used alike by menus, buttons and keys. Panels return [`Command`]s; the app applies them
//! after drawing.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::document::export::PlotCapture;
use crate::document::file_dialog::DialogKind;
use crate::document::graph::Edit;

/// Something a panel, a menu, a window or a key asks the app to do. Every part of the
/// window returns these and the app applies them after drawing, in one place
/// (`app::apply`).
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A named action from the table.
    Action(Action),
    /// A change to the network document.
    Edit(Edit),
    /// Replace the open document (or close the window): asks about unsaved changes first.
    Intent(Intent),
    /// Show the network or the computational-graph mode.
    SetMode(Mode),
    /// Save a plot (this part of the window) as a PNG image, asking where.
    SavePlot(PlotCapture),
    /// Start a file dialog of this kind (opening or saving an expression).
    StartDialog(DialogKind),
    /// Tell the person something briefly (why a click on a plot did nothing, say).
    Notify(String),
    /// Show an error that needs acknowledging (a file that could not be opened).
    ShowError(String),
    /// Select these nodes on the network canvas.
    SelectNodes(Vec<String>),
    /// Check the gradients again, on this training example (0-based).
    CheckGradients(usize),
    /// Close the open lesson's side panel.
    CloseLesson,
    /// Save this text (a table as CSV), asking where, suggesting `file_name`.
    SaveText {
        /// The file's contents.
        text: String,
        /// The name suggested.
        file_name: String,
    },
}

/// Something that replaces the open document, and so may first ask about unsaved changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    /// Start this new graph (made for the data chosen in File → New).
    New(Box<layerwright_nn::graph::GraphDocument>),
    /// Start a new graph on this CSV file (chosen in File → New, or dropped on the window).
    NewFromCsv(PathBuf),
    /// Open this file.
    Open(PathBuf),
    /// Open this embedded example.
    OpenExample(String),
    /// Open a stage of a bundled lesson (an index into `learn::lessons::LESSONS`), or one
    /// of the stage's variants.
    OpenLesson {
        /// Which lesson.
        lesson: usize,
        /// Which stage (0-based).
        stage: usize,
        /// Which of the stage's variants, if not the stage's own network.
        variant: Option<usize>,
    },
    /// Close the window.
    Quit,
}

impl Intent {
    /// What the unsaved-changes question says is about to happen.
    pub fn phrase(&self) -> &'static str {
        match self {
            Self::New(_) | Self::NewFromCsv(_) => "starting a new graph",
            Self::Open(_) | Self::OpenExample(_) => "opening another graph",
            Self::OpenLesson { .. } => "opening the lesson's network",
            Self::Quit => "closing",
        }
    }
}

/// Which canvas the window shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Networks: layers, training, plots.
    Network,
    /// Scalar expressions and the chain rule, number by number.
    Expression,
}

/// The app's named actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Start a new, empty graph.
    New,
    /// Open a graph file.
    Open,
    /// Save the graph to its file.
    Save,
    /// Save the graph to a new file.
    SaveAs,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Delete the selected nodes.
    Delete,
    /// Copy the selected nodes.
    Copy,
    /// Paste copied nodes.
    Paste,
    /// Duplicate the selected nodes.
    Duplicate,
    /// Zoom and pan so every node is visible.
    FitView,
    /// Open the add-node menu at the centre of the view.
    AddNode,
    /// Wire the first selected node into the second.
    ConnectSelected,
    /// Select the next node in the document's order.
    SelectNext,
    /// Select the previous node in the document's order.
    SelectPrevious,
    /// Start or pause training.
    TrainPause,
    /// Train one epoch.
    StepEpoch,
    /// Make one update.
    StepBatch,
    /// Back to the exact initial weights.
    ResetTraining,
    /// Fresh initial weights from a new seed.
    ResetNewSeed,
    /// List every keyboard shortcut.
    ShowShortcuts,
    /// Version, licence and the data sets' authors.
    ShowAbout,
    /// Write the trained graph document (JSON with weights).
    ExportJson,
    /// Write the trained model as ONNX, checked with tract.
    ExportOnnx,
    /// Write the trained model as a PyTorch module.
    ExportPytorch,
    /// Make a graph from an ONNX model on a CSV file.
    ImportOnnx,
    /// Write the graph as an SVG diagram for slides.
    SaveDiagramSvg,
    /// Write the graph as a PNG diagram for slides (twice the screen's size).
    SaveDiagramPng,
    /// Compare back-propagation with finite differences on one training example.
    GradientCheck,
    /// Every activation and its derivative on one chart.
    ShowGallery,
    /// Walk one training example forward and backward through the network.
    StepThrough,
    /// Show the data panel.
    ShowData,
    /// Choose a CSV file as the data set.
    OpenDataCsv,
    /// Draw the generated data again with the next seed.
    Regenerate,
    /// Save the generated or hand-placed examples as a CSV file.
    SaveDataCsv,
}

const fn command(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn plain(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}

impl Action {
    /// Every action, in the order shortcuts are matched (more modifiers first).
    pub const ALL: [Self; 35] = [
        Self::New,
        Self::Open,
        Self::ShowData,
        Self::SaveAs,
        Self::Save,
        Self::Redo,
        Self::Undo,
        Self::Delete,
        Self::Copy,
        Self::Paste,
        Self::Duplicate,
        Self::FitView,
        Self::AddNode,
        Self::ConnectSelected,
        Self::SelectNext,
        Self::SelectPrevious,
        Self::TrainPause,
        Self::StepEpoch,
        Self::StepBatch,
        Self::ResetTraining,
        Self::ResetNewSeed,
        Self::ShowShortcuts,
        Self::ShowAbout,
        Self::ExportJson,
        Self::ExportOnnx,
        Self::ExportPytorch,
        Self::ImportOnnx,
        Self::SaveDiagramSvg,
        Self::SaveDiagramPng,
        Self::GradientCheck,
        Self::ShowGallery,
        Self::StepThrough,
        Self::OpenDataCsv,
        Self::Regenerate,
        Self::SaveDataCsv,
    ];

    /// The menu label (sentence case; "…" when it opens something).
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New…",
            Self::ShowData => "Data set…",
            Self::OpenDataCsv => "Open CSV…",
            Self::Regenerate => "Regenerate",
            Self::SaveDataCsv => "Save data as CSV…",
            Self::Open => "Open…",
            Self::Save => "Save",
            Self::SaveAs => "Save as…",
            Self::TrainPause => "Train / pause",
            Self::StepEpoch => "Step epoch",
            Self::StepBatch => "Step batch",
            Self::ResetTraining => "Reset",
            Self::ResetNewSeed => "Reset with new seed",
            Self::ShowShortcuts => "Keyboard shortcuts",
            Self::ShowAbout => "About Layerwright",
            Self::ExportJson => "Export as JSON…",
            Self::ExportOnnx => "Export as ONNX…",
            Self::ExportPytorch => "Export as PyTorch…",
            Self::ImportOnnx => "Import ONNX model…",
            Self::SaveDiagramSvg => "Save diagram as SVG…",
            Self::SaveDiagramPng => "Save diagram as PNG…",
            Self::GradientCheck => "Gradient check…",
            Self::ShowGallery => "Activation gallery…",
            Self::StepThrough => "Step through one example…",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::Delete => "Delete",
            Self::Copy => "Copy",
            Self::Paste => "Paste",
            Self::Duplicate => "Duplicate",
            Self::FitView => "Fit view",
            Self::AddNode => "Add node…",
            Self::ConnectSelected => "Connect selected",
            Self::SelectNext => "Select next node",
            Self::SelectPrevious => "Select previous node",
        }
    }

    /// What it does, for tooltips.
    pub fn tooltip(self) -> &'static str {
        match self {
            Self::New => {
                "Start a new graph from a data set you choose: input, one hidden layer and an output that fit it."
            }
            Self::ShowData => {
                "Choose the data the network learns from, how it is prepared and split, and look at it."
            }
            Self::OpenDataCsv => {
                "Learn from a CSV file: one example per row, the target in one column."
            }
            Self::Regenerate => {
                "Draw the generated points again with the next seed (undo brings the old ones back)."
            }
            Self::SaveDataCsv => {
                "Save the generated or hand-placed points as a CSV file, to use elsewhere."
            }
            Self::Open => {
                "Open a graph file (.json), or an ONNX model (.onnx) to import on a CSV file."
            }
            Self::Save => "Save the graph to its file.",
            Self::SaveAs => "Save the graph to a new file.",
            Self::TrainPause => "Start training, or pause it.",
            Self::StepEpoch => "Train one epoch, then pause.",
            Self::StepBatch => "Make one update on one batch, then pause.",
            Self::ResetTraining => "Back to the exact initial weights, epoch 0.",
            Self::ResetNewSeed => "Start again from fresh initial weights drawn with a new seed.",
            Self::ShowShortcuts => "List every keyboard shortcut.",
            Self::ShowAbout => "Version, licence and who made the bundled data sets.",
            Self::ExportJson => {
                "Save the graph with its trained weights and normalisation, for `layerwright predict`."
            }
            Self::ExportOnnx => {
                "Save the trained model as ONNX (opset 17, preprocessing included), checked by running it in tract."
            }
            Self::ExportPytorch => {
                "Save the trained model as one Python file defining a PyTorch module, to train further."
            }
            Self::ImportOnnx => {
                "Open a model trained elsewhere (ONNX: dense layers, convolutions, merges, norms) on your CSV data, to see it and train it further."
            }
            Self::SaveDiagramSvg => {
                "Save the network as a diagram for slides: its cards (id, kind, size, activation, shape) and wires, as SVG."
            }
            Self::SaveDiagramPng => {
                "Save the network as a diagram for slides, as a PNG at twice the screen's size."
            }
            Self::GradientCheck => {
                "Check back-propagation against finite differences for the current weights on one training example."
            }
            Self::ShowGallery => {
                "Every activation and its derivative on one chart, with when to use each (the notes' figure 2.5)."
            }
            Self::StepThrough => {
                "Walk one training example through the network: forward node by node, then backward, with the vectors on the nodes."
            }
            Self::Undo => "Undo the last change to the graph.",
            Self::Redo => "Redo the change you just undid.",
            Self::Delete => "Delete the selected nodes and their wires.",
            Self::Copy => "Copy the selected nodes and the wires between them.",
            Self::Paste => "Paste the copied nodes with new ids.",
            Self::Duplicate => "Copy and paste the selected nodes in one step.",
            Self::FitView => "Zoom and pan so that every node is in view.",
            Self::AddNode => {
                "Search the node kinds and add one at the centre of the view, wired after the selected node."
            }
            Self::SelectNext => "Select the next node, to build and edit without the mouse.",
            Self::SelectPrevious => "Select the previous node.",
            Self::ConnectSelected => {
                "Wire the first selected node's output into the second selected node."
            }
        }
    }

    /// Its keyboard shortcuts; the first is the one menus show.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const NEW: [KeyboardShortcut; 1] = [command(Key::N)];
        const DATA: [KeyboardShortcut; 1] = [KeyboardShortcut::new(
            Modifiers::COMMAND.plus(Modifiers::SHIFT),
            Key::D,
        )];
        const OPEN: [KeyboardShortcut; 1] = [command(Key::O)];
        const SAVE: [KeyboardShortcut; 1] = [command(Key::S)];
        const SAVE_AS: [KeyboardShortcut; 1] = [KeyboardShortcut::new(
            Modifiers::COMMAND.plus(Modifiers::SHIFT),
            Key::S,
        )];
        const UNDO: [KeyboardShortcut; 1] = [command(Key::Z)];
        const REDO: [KeyboardShortcut; 2] = [
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
            command(Key::Y),
        ];
        const DELETE: [KeyboardShortcut; 2] = [plain(Key::Delete), plain(Key::Backspace)];
        const COPY: [KeyboardShortcut; 1] = [command(Key::C)];
        const PASTE: [KeyboardShortcut; 1] = [command(Key::V)];
        const DUPLICATE: [KeyboardShortcut; 1] = [command(Key::D)];
        const FIT: [KeyboardShortcut; 1] = [plain(Key::F)];
        const ADD: [KeyboardShortcut; 1] = [plain(Key::A)];
        const TRAIN: [KeyboardShortcut; 1] = [plain(Key::Space)];
        const STEP_EPOCH: [KeyboardShortcut; 1] = [plain(Key::E)];
        const STEP_BATCH: [KeyboardShortcut; 1] = [plain(Key::B)];
        const RESET: [KeyboardShortcut; 1] = [plain(Key::R)];
        const CONNECT: [KeyboardShortcut; 1] = [command(Key::K)];
        const NEXT: [KeyboardShortcut; 1] = [plain(Key::CloseBracket)];
        const PREVIOUS: [KeyboardShortcut; 1] = [plain(Key::OpenBracket)];
        match self {
            Self::New => &NEW,
            Self::ShowData => &DATA,
            Self::Open => &OPEN,
            Self::Save => &SAVE,
            Self::SaveAs => &SAVE_AS,
            Self::TrainPause => &TRAIN,
            Self::StepEpoch => &STEP_EPOCH,
            Self::StepBatch => &STEP_BATCH,
            Self::ResetTraining => &RESET,
            Self::ShowShortcuts
            | Self::ShowAbout
            | Self::ResetNewSeed
            | Self::ExportJson
            | Self::ExportOnnx
            | Self::ExportPytorch
            | Self::ImportOnnx
            | Self::SaveDiagramSvg
            | Self::SaveDiagramPng
            | Self::GradientCheck
            | Self::ShowGallery
            | Self::StepThrough
            | Self::OpenDataCsv
            | Self::Regenerate
            | Self::SaveDataCsv => &[],
            Self::Undo => &UNDO,
            Self::Redo => &REDO,
            Self::Delete => &DELETE,
            Self::Copy => &COPY,
            Self::Paste => &PASTE,
            Self::Duplicate => &DUPLICATE,
            Self::FitView => &FIT,
            Self::AddNode => &ADD,
            Self::ConnectSelected => &CONNECT,
            Self::SelectNext => &NEXT,
            Self::SelectPrevious => &PREVIOUS,
        }
    }

    /// The shortcut as menus show it ("Ctrl+Z"), if it has one.
    pub fn shortcut_text(self, ctx: &egui::Context) -> Option<String> {
        self.shortcuts().first().map(|s| ctx.format_shortcut(s))
    }

    /// The actions whose shortcut was pressed this frame (none while a text field has focus).
    pub fn pressed(ctx: &egui::Context) -> Vec<Self> {
        if ctx.text_edit_focused() {
            return Vec::new();
        }
        ctx.input_mut(|input| {
            Self::ALL
                .into_iter()
                .filter(|action| {
                    action
                        .shortcuts()
                        .iter()
                        .any(|shortcut| input.consume_shortcut(shortcut))
                })
                .collect()
        })
    }

    /// A menu button for this action, with its shortcut and tooltip; returns whether clicked.
    pub fn menu_button(self, ui: &mut egui::Ui, enabled: bool) -> bool {
        let mut button = egui::Button::new(self.label());
        if let Some(text) = self.shortcut_text(ui.ctx()) {
            button = button.shortcut_text(text);
        }
        ui.add_enabled(enabled, button)
            .on_hover_text(self.tooltip())
            .clicked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_actions_share_a_shortcut() {
        let mut seen = Vec::new();
        for action in Action::ALL {
            for shortcut in action.shortcuts() {
                assert!(!seen.contains(shortcut), "{action:?} repeats {shortcut:?}");
                seen.push(*shortcut);
            }
        }
    }
}
