//! `layerwright import MODEL.onnx --data FILE.csv --target COLUMN … --out DOC.json`: a
//! document made from an ONNX model on the person's data, the model's numbers as its
//! trained weights, so `predict`, the window's views and further training start from it.

use std::io::Write;
use std::path::{Path, PathBuf};

use layerwright_nn::Loss;
use layerwright_nn::data::Task;
use layerwright_nn::graph::io::save_document;
use layerwright_nn::import::{
    ImportError, ImportSettings, ImportedDocument, import_document, read_onnx, suggested_task,
};

use super::new::{csv_spec, guess_task};
use super::{Failure, write_line};

/// What `import` was asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRequest {
    /// The ONNX file.
    pub model: PathBuf,
    /// The CSV file (with a header row).
    pub data: PathBuf,
    /// The target column's name.
    pub target: String,
    /// Classification or regression; from the model's end or the target when absent.
    pub task: Option<Task>,
    /// Columns left out.
    pub ignore: Vec<String>,
    /// The class names in the model's output order.
    pub classes: Option<Vec<String>>,
    /// The loss, when not the one the output function suggests.
    pub loss: Option<Loss>,
    /// The document to write.
    pub out: PathBuf,
}

/// A loss as documents spell it (`softmax_cross_entropy`, …), or the list (a usage error).
pub fn parse_loss_name(name: &str) -> Result<Loss, String> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        let names: Vec<String> = Loss::ALL
            .iter()
            .filter_map(|loss| serde_json::to_value(loss).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        format!("there is no loss '{name}' (losses: {})", names.join(", "))
    })
}

/// The class names `--classes` gives, in the model's output order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassList(pub Vec<String>);

/// The class order as `--classes` gives it: names separated by commas.
pub fn parse_class_list(text: &str) -> Result<ClassList, String> {
    let names: Vec<String> = text.split(',').map(|n| n.trim().to_owned()).collect();
    if names.len() < 2 || names.iter().any(String::is_empty) {
        return Err(format!(
            "'{text}' must name at least two classes separated by commas, e.g. A,B,C"
        ));
    }
    Ok(ClassList(names))
}

/// Makes the document and writes it: one line naming what was written and one with the
/// class order on `out`, notes on `notes`.
pub fn import(
    request: &ImportRequest,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<(), Failure> {
    let ImportedDocument {
        document,
        class_order,
        classes_given,
        notes: found,
    } = imported(request)?;
    save_document(&document, &request.out).map_err(|e| Failure::one(e.to_string()))?;
    for note in found {
        writeln!(notes, "note: {note}")
            .map_err(|e| Failure::one(format!("cannot write the output: {e}")))?;
    }
    let task = match document.dataset.task {
        Task::Classification => format!(
            "classification of '{}' into {} classes",
            request.target,
            class_order.len()
        ),
        Task::Regression => format!("regression of '{}'", request.target),
    };
    write_line(
        out,
        &format!(
            "wrote {} ({task}, {} nodes, from {})",
            request.out.display(),
            document.nodes.len(),
            request.model.display()
        ),
    )?;
    if !class_order.is_empty() {
        let why = if classes_given {
            "as --classes gives it"
        } else {
            "Layerwright's order: text labels alphabetically, numbers by value; give \
             --classes A,B,… if the model was trained with another"
        };
        write_line(
            out,
            &format!("class_order={} ({why})", class_order.join(",")),
        )?;
    }
    Ok(())
}

/// The document for `request`, every failure naming the file it is about.
fn imported(request: &ImportRequest) -> Result<ImportedDocument, Failure> {
    let shown = request.model.display();
    let bytes = std::fs::read(&request.model)
        .map_err(|e| Failure::one(format!("{shown}: cannot read the file: {e}")))?;
    let graph = read_onnx(&bytes).map_err(|e| Failure::one(format!("{shown}: {e}")))?;
    let task = match request.task.or_else(|| suggested_task(&graph)) {
        Some(task) => task,
        None => guess_task(&request.data, &request.target)?,
    };
    let (dataset, folder): (_, PathBuf) = csv_spec(
        &request.data,
        &request.target,
        task,
        &request.ignore,
        &request.out,
    );
    let settings = ImportSettings {
        dataset,
        classes: request.classes.clone(),
        loss: request.loss,
    };
    import_document(&graph, settings, Some(Path::new(&folder))).map_err(|e| {
        Failure::one(match e {
            // A data file's own problem names the file already.
            ImportError::Data(problem) => problem,
            other => format!("{shown}: {other}"),
        })
    })
}
