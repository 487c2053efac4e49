//! The open graph's file: where it lives, whether it has unsaved changes, and how a graph
//! is opened for editing (a file, an embedded example, or nothing yet).

use std::path::{Path, PathBuf};

use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::{load_document, parse_document};

use crate::examples::{DEFAULT_EXAMPLE, example};

/// The document the window opens on, or why it could not be opened.
pub struct OpenedDocument {
    /// The file name shown in the title.
    pub name: String,
    /// The document, or the loader's message.
    pub document: Result<GraphDocument, String>,
    /// The folder of the file, for data paths relative to it.
    pub folder: Option<std::path::PathBuf>,
}

impl OpenedDocument {
    /// Opens `path`, or the default example when there is none.
    pub fn open(path: Option<&Path>) -> Self {
        match path {
            Some(path) => Self {
                name: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                document: load_for_editing(path),
                folder: path.parent().map(Path::to_path_buf),
            },
            None => Self::example(DEFAULT_EXAMPLE),
        }
    }

    /// An embedded example.
    pub fn example(file_name: &str) -> Self {
        let text = example(file_name).map_or("", |e| e.text);
        Self {
            name: file_name.to_owned(),
            document: parse_document(text, file_name).map_err(|e| e.to_string()),
            folder: None,
        }
    }
}

/// The open document's file, and its content when last loaded or saved.
#[derive(Clone, Debug)]
pub struct FileSession {
    /// Where Save writes; `None` for an example or a new graph.
    pub path: Option<PathBuf>,
    /// The name shown in the title.
    pub name: String,
    saved: GraphDocument,
    /// The last answer of [`FileSession::is_dirty`] and the editor version it was for: the
    /// documents are compared once per revision, not every frame.
    answered: std::cell::Cell<Option<((u64, u64), bool)>>,
}

impl FileSession {
    /// A session on `document`, as loaded from `path` (or not saved anywhere yet).
    pub fn new(name: String, path: Option<PathBuf>, document: &GraphDocument) -> Self {
        Self {
            path,
            name,
            saved: document.clone(),
            answered: std::cell::Cell::new(None),
        }
    }

    /// Whether `current`, at editor `version` (its id and revision), differs from what was
    /// last loaded or saved. An edit undone is not a change: the documents are compared,
    /// once per version.
    pub fn is_dirty(&self, version: (u64, u64), current: &GraphDocument) -> bool {
        if let Some((seen, dirty)) = self.answered.get()
            && seen == version
        {
            return dirty;
        }
        let dirty = *current != self.saved;
        self.answered.set(Some((version, dirty)));
        dirty
    }

    /// Records that `document` is now what `path` holds.
    pub fn mark_saved(&mut self, document: &GraphDocument, path: &Path) {
        self.answered.set(None);
        self.saved = document.clone();
        self.path = Some(path.to_path_buf());
        self.name = file_name(path);
    }

    /// The window title: the file name, a dot when there are unsaved changes, the app.
    pub fn title(&self, dirty: bool) -> String {
        if dirty {
            format!("{} • - Layerwright", self.name)
        } else {
            format!("{} - Layerwright", self.name)
        }
    }
}

/// The last component of `path`, for titles and menus.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Loads the graph at `path` for the editor, which refuses graphs too large to draw (the
/// engine would refuse to compile them anyway); the message names the file.
pub fn load_for_editing(path: &Path) -> Result<GraphDocument, String> {
    let document = load_document(path).map_err(|e| e.to_string())?;
    let limit = layerwright_nn::compile::MAX_NODES;
    if document.nodes.len() > limit {
        return Err(format!(
            "{}: the graph has {} nodes; at most {limit} are supported",
            path.display(),
            document.nodes.len()
        ));
    }
    Ok(document)
}

/// A graph with nothing in it yet, on the default data set.
pub fn empty_document() -> GraphDocument {
    use layerwright_nn::data::{Generator, Normalization, TargetColumn, Task};
    use layerwright_nn::graph::{DataSource, DatasetSpec, TrainingSpec};
    GraphDocument::new(
        Vec::new(),
        Vec::new(),
        DatasetSpec {
            task: Task::Classification,
            source: DataSource::Generated {
                generator: Generator::Spiral,
                samples: 500,
                noise: 0.0,
                seed: 1,
            },
            target: TargetColumn::Last,
            normalization: Normalization::None,
            standardize_target: false,
            train_fraction: 0.8,
            seed: 1,
            image: None,
            columns: Vec::new(),
            missing: layerwright_nn::data::MissingCells::Fill,
            unseen: layerwright_nn::data::UnseenCategory::Error,
        },
        TrainingSpec {
            optimizer: layerwright_nn::Optimizer::ADAM,
            learning_rate: 0.01,
            batching: layerwright_nn::Batching::MiniBatch { size: 10 },
            epochs: 500,
            regularization: layerwright_nn::Regularization::None,
            shuffle: layerwright_nn::Shuffle::EveryEpoch,
            seed: 1,
            schedule: Default::default(),
            early_stopping: None,
        },
    )
}
