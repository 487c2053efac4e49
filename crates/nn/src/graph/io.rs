//! Loading and saving graph documents: size limit, version check and migrations, errors
//! with line, column and JSON path, and atomic saves.

use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use super::{FORMAT, GraphDocument, VERSION};

/// Graph files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a document could not be loaded. Each message starts with where: the path, and for
/// problems in the text, `PATH:LINE:COL:`.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is over [`MAX_FILE_BYTES`].
    #[error("{path}: the file is {bytes} bytes; graph files over 64 MB are refused")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        bytes: u64,
    },
    /// The text is not JSON.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The JSON does not fit the document's shape: a wrong type, a missing or unknown field.
    #[error("{path}:{line}:{column}: {json_path}: {message}")]
    Shape {
        /// The file.
        path: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// Where in the document, e.g. `nodes[2].units`.
        json_path: String,
        /// What is wrong.
        message: String,
    },
    /// The file is empty, or its JSON is not an object.
    #[error("{path}: not a Layerwright document: the file holds {found}, not a JSON object")]
    NotAnObject {
        /// The file.
        path: String,
        /// What it holds instead, e.g. "nothing" or "a JSON array".
        found: &'static str,
    },
    /// The `format` field is not [`FORMAT`].
    #[error("{path}: not a Layerwright graph: its format is {found}, expected \"{FORMAT}\"")]
    UnknownFormat {
        /// The file.
        path: String,
        /// What the file says.
        found: String,
    },
    /// A version this build cannot read.
    #[error(
        "{path}: the document is version {found}; this Layerwright reads versions 1 to {newest} (a newer Layerwright wrote it?)"
    )]
    UnsupportedVersion {
        /// The file.
        path: String,
        /// The file's version.
        found: u64,
        /// The newest version this build reads.
        newest: u32,
    },
    /// An older document could not be brought up to the newest version.
    #[error("{path}: cannot read this version {from} document as version {to}: {message}")]
    Migration {
        /// The file.
        path: String,
        /// The version the step starts from.
        from: u64,
        /// The version it should reach.
        to: u64,
        /// What went wrong.
        message: String,
    },
}

/// Why a document could not be saved. The old file, if any, is untouched.
#[derive(Debug, Error)]
pub enum SaveError {
    /// Writing or renaming failed.
    #[error("{path}: cannot save: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A number is NaN or infinite and JSON cannot hold it.
    #[error("cannot save: the value at {json_path} is not a finite number")]
    NonFinite {
        /// Where, e.g. `weights.layers.hidden1.weights[0][3]`.
        json_path: String,
    },
    /// The document could not be turned into JSON.
    #[error("cannot save: {0}")]
    Serialize(String),
}

/// The leading fields, read first to choose how to read the rest.
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// One step of the document format: changes a document of version `n` (as JSON) into one
/// of version `n + 1`, or says why it cannot.
pub type Migration = fn(&mut serde_json::Value) -> Result<(), String>;

/// The steps from each older version to the next: index `n` turns version `n + 1` into
/// `n + 2`, so there are [`VERSION`]` − 1` of them. An issue that adds or changes a field
/// bumps [`VERSION`], appends its step here, and commits a fixture of the new version.
pub const MIGRATIONS: &[Migration] = &[
    declare_digit_images,
    column_choices,
    schedules,
    normalization_nodes,
    flatten_images,
];

/// Version 5 → 6: a data set that declares an image shape gives its input node images
/// `[batch, c, h, w]`, which a dense layer does not take. Where such an input (reading the
/// raw columns) feeds other nodes, a `flatten` node now sits between them, so a version 5
/// network computes what it did. Nothing else changes.
fn flatten_images(document: &mut serde_json::Value) -> Result<(), String> {
    let images = document
        .get("dataset")
        .and_then(|d| d.get("image"))
        .is_some_and(|image| !image.is_null());
    if !images {
        return Ok(());
    }
    let nodes = document
        .get("nodes")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| "the document has no node list".to_owned())?;
    let Some(input) = nodes.iter().find(|n| {
        n.get("kind").and_then(serde_json::Value::as_str) == Some("input")
            && n.get("features").is_none_or(serde_json::Value::is_null)
    }) else {
        return Ok(());
    };
    let input_id = input
        .get("id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("input")
        .to_owned();
    let taken: Vec<String> = nodes
        .iter()
        .filter_map(|n| n.get("id").and_then(serde_json::Value::as_str))
        .map(str::to_owned)
        .collect();
    let flatten_id = (0..)
        .map(|i| {
            if i == 0 {
                "flatten".to_owned()
            } else {
                format!("flatten{i}")
            }
        })
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| "flatten".to_owned());
    let from = format!("{input_id}.out");
    let to = format!("{flatten_id}.out");
    if let Some(edges) = document
        .get_mut("edges")
        .and_then(serde_json::Value::as_array_mut)
    {
        for edge in edges.iter_mut() {
            if edge.get("from").and_then(serde_json::Value::as_str) == Some(from.as_str()) {
                edge["from"] = serde_json::Value::String(to.clone());
            }
        }
        edges.push(serde_json::json!({"from": from, "to": format!("{flatten_id}.in")}));
    }
    if let Some(nodes) = document
        .get_mut("nodes")
        .and_then(serde_json::Value::as_array_mut)
    {
        nodes.push(serde_json::json!({"kind": "flatten", "id": flatten_id}));
    }
    // The editor places it beside the input, where it was drawn.
    if let Some(positions) = document
        .get_mut("view")
        .and_then(|v| v.get_mut("positions"))
        .and_then(serde_json::Value::as_object_mut)
        && let Some([x, y]) = positions
            .get(&input_id)
            .and_then(|p| serde_json::from_value::<[f64; 2]>(p.clone()).ok())
    {
        positions.insert(flatten_id, serde_json::json!([x + 120.0, y + 120.0]));
    }
    Ok(())
}

/// Version 4 → 5: the graph may hold `activation`, `batch_norm` and `layer_norm` nodes, and a
/// trained layer may store `scale`, `shift`, `running_mean` and `running_variance` (and no
/// `weights`). A version 4 file has none of them and means the same, so the step only checks
/// the nodes are there.
fn normalization_nodes(document: &mut serde_json::Value) -> Result<(), String> {
    document
        .get("nodes")
        .and_then(serde_json::Value::as_array)
        .map(|_| ())
        .ok_or_else(|| "the document has no node list".to_owned())
}

/// Version 3 → 4: the training settings may carry a learning-rate schedule
/// (`training.schedule`) and early stopping (`training.early_stopping`); absent, they mean a
/// constant rate and training to the budget, as version 3 trained, so the step only checks
/// the training settings are there.
fn schedules(document: &mut serde_json::Value) -> Result<(), String> {
    document
        .get("training")
        .and_then(serde_json::Value::as_object)
        .map(|_| ())
        .ok_or_else(|| "the document has no training settings".to_owned())
}

/// Version 2 → 3: a CSV's columns may be categories, ignored or have blanks
/// (`dataset.columns`, `dataset.missing`, `dataset.unseen`), and a trained model stores
/// how its columns were encoded (`weights.data.columns`). Every new field has a default
/// that reads a version 2 file as before (blanks were refused there, so filling them
/// changes no file that loaded), so the step only checks the data set is there.
fn column_choices(document: &mut serde_json::Value) -> Result<(), String> {
    document
        .get("dataset")
        .and_then(serde_json::Value::as_object)
        .map(|_| ())
        .ok_or_else(|| "the document has no data set".to_owned())
}

/// Version 1 → 2: the data set says whether its rows are images (`dataset.image`). Version 1
/// guessed from a square column count; the bundled digits now declare `1 × 8 × 8` with pixels
/// from 0 to 16, and every other data set is not images.
fn declare_digit_images(document: &mut serde_json::Value) -> Result<(), String> {
    let dataset = document
        .get_mut("dataset")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or("the document has no data set")?;
    let source = dataset.get("source");
    let is_digits = source.and_then(|s| s.get("kind")).and_then(|k| k.as_str()) == Some("bundled")
        && source.and_then(|s| s.get("name")).and_then(|n| n.as_str()) == Some("digits");
    if is_digits && !dataset.contains_key("image") {
        let image = serde_json::to_value(crate::data::ImageShape::DIGITS)
            .map_err(|error| error.to_string())?;
        dataset.insert("image".to_owned(), image);
    }
    Ok(())
}

/// Splits serde_json's "message at line L column C" into the message alone.
fn bare_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) if error.line() > 0 => text[..index].to_owned(),
        _ => text,
    }
}

/// Checks that `text` is JSON whose `format` is `format` and whose `version` is between 1
/// and `newest`; returns the version.
pub(crate) fn read_header(
    text: &str,
    path: &str,
    format: &str,
    newest: u32,
) -> Result<u64, LoadError> {
    let found = match text.trim_start().chars().next() {
        None => Some("nothing"),
        Some('[') => Some("a JSON array"),
        Some('"') => Some("a JSON string"),
        Some('n') => Some("null"),
        Some('t' | 'f') => Some("true or false"),
        Some('-' | '0'..='9') => Some("a number"),
        // An object, or not JSON at all (the parser names the line and column).
        Some(_) => None,
    };
    if let Some(found) = found {
        return Err(LoadError::NotAnObject {
            path: path.to_owned(),
            found,
        });
    }
    let header: Header = serde_json::from_str(text).map_err(|error| syntax(path, &error))?;
    match &header.format {
        Some(serde_json::Value::String(found)) if found == format => {}
        Some(other) => {
            return Err(LoadError::UnknownFormat {
                path: path.to_owned(),
                found: other.to_string(),
            });
        }
        None => {
            return Err(LoadError::UnknownFormat {
                path: path.to_owned(),
                found: "missing".to_owned(),
            });
        }
    }
    match header.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(v) if (1..=u64::from(newest)).contains(&v) => Ok(v),
        Some(v) => Err(LoadError::UnsupportedVersion {
            path: path.to_owned(),
            found: v,
            newest,
        }),
        None => Err(LoadError::Shape {
            path: path.to_owned(),
            line: 0,
            column: 0,
            json_path: "version".to_owned(),
            message: "missing or not a whole number".to_owned(),
        }),
    }
}

fn syntax(path: &str, error: &serde_json::Error) -> LoadError {
    LoadError::Syntax {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
        message: bare_message(error),
    }
}

fn shape(path: &str, error: serde_path_to_error::Error<serde_json::Error>) -> LoadError {
    let json_path = error.path().to_string();
    let inner = error.into_inner();
    LoadError::Shape {
        path: path.to_owned(),
        line: inner.line(),
        column: inner.column(),
        json_path,
        message: bare_message(&inner),
    }
}

/// Reads the whole of `text` as a `T`, naming the JSON path, line and column of a mismatch.
pub(crate) fn deserialize_strictly<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &str,
) -> Result<T, LoadError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| shape(path, e))?;
    deserializer.end().map_err(|error| syntax(path, &error))?;
    Ok(value)
}

/// Reads a document from `text`; `path` names it in errors. An older version is brought up
/// to [`VERSION`] by [`MIGRATIONS`] first, so what is read (and saved again) is the newest.
pub fn parse_document(text: &str, path: &str) -> Result<GraphDocument, LoadError> {
    parse_versioned(text, path, VERSION, MIGRATIONS)
}

/// [`parse_document`] for a format whose newest version is `newest`, reached by `steps`.
fn parse_versioned(
    text: &str,
    path: &str,
    newest: u32,
    steps: &[Migration],
) -> Result<GraphDocument, LoadError> {
    let version = read_header(text, path, FORMAT, newest)?;
    if version == u64::from(newest) {
        return deserialize_strictly(text, path);
    }
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| syntax(path, &error))?;
    for from in version..u64::from(newest) {
        let failed = |message: String| LoadError::Migration {
            path: path.to_owned(),
            from,
            to: from + 1,
            message,
        };
        let step = usize::try_from(from - 1)
            .ok()
            .and_then(|index| steps.get(index))
            .ok_or_else(|| failed("this build has no step for it".to_owned()))?;
        step(&mut value).map_err(failed)?;
        if let Some(object) = value.as_object_mut() {
            object.insert("version".to_owned(), serde_json::Value::from(from + 1));
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let migrated = shape(path, e);
        // The migrated JSON has no lines; where the same place is wrong in the file as
        // written, say its line and column.
        let original = deserialize_strictly::<GraphDocument>(text, path).err();
        match (&migrated, original) {
            (LoadError::Shape { json_path, .. }, Some(original))
                if matches!(&original, LoadError::Shape { json_path: at, .. }
                    if at.starts_with(json_path.as_str()) || json_path.starts_with(at.as_str())) =>
            {
                original
            }
            _ => migrated,
        }
    })
}

/// Loads the document at `path`, refusing files over [`MAX_FILE_BYTES`] before reading them.
pub fn load_document(path: &Path) -> Result<GraphDocument, LoadError> {
    let shown = path.display().to_string();
    let io_error = |source| LoadError::Io {
        path: shown.clone(),
        source,
    };
    let bytes = crate::files::len(path).map_err(io_error)?;
    if bytes > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { path: shown, bytes });
    }
    let text = crate::files::read_to_string(path).map_err(io_error)?;
    parse_document(&text, &shown)
}

/// The first place in `value` where a number could not be written (serde_json writes NaN
/// and infinities as `null`, and a document has no other nulls).
fn first_null(value: &serde_json::Value, path: &mut String) -> Option<String> {
    match value {
        serde_json::Value::Null => Some(path.clone()),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let length = path.len();
            path.push_str(&format!("[{i}]"));
            let found = first_null(item, path);
            path.truncate(length);
            found
        }),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let length = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let found = first_null(item, path);
            path.truncate(length);
            found
        }),
        _ => None,
    }
}

/// The document as pretty-printed JSON, with a stable key order; refuses non-finite numbers.
pub fn document_to_json(document: &GraphDocument) -> Result<String, SaveError> {
    let value =
        serde_json::to_value(document).map_err(|error| SaveError::Serialize(error.to_string()))?;
    if let Some(json_path) = first_null(&value, &mut String::new()) {
        return Err(SaveError::NonFinite { json_path });
    }
    let mut text = serde_json::to_string_pretty(document)
        .map_err(|error| SaveError::Serialize(error.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed to disk, then
/// renamed over the target. On any failure the old file is left whole.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Like [`write_atomically`], with `write` filling the temporary file (tests pass one that
/// fails half-way, as a full disk would).
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), SaveError> {
    crate::files::write_with(path, write).map_err(|source| SaveError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Saves `document` to `path` atomically (see [`write_atomically`]).
pub fn save_document(document: &GraphDocument, path: &Path) -> Result<(), SaveError> {
    let text = document_to_json(document)?;
    write_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/v1-concat-xor.json");

    /// A pretend version 2, for the test: version 1 called the data's `train_fraction`
    /// `train_share`, and version 2 renamed it. The step is what a real one looks like.
    fn rename_train_share(document: &mut serde_json::Value) -> Result<(), String> {
        let dataset = document
            .get_mut("dataset")
            .and_then(serde_json::Value::as_object_mut)
            .ok_or("the document has no data set")?;
        let share = dataset
            .remove("train_share")
            .ok_or("the data set has no train_share")?;
        dataset.insert("train_fraction".to_owned(), share);
        Ok(())
    }

    /// The fixture as a (pretend) version 1 file.
    fn old_file() -> String {
        FIXTURE.replace("\"train_fraction\"", "\"train_share\"")
    }

    #[test]
    fn every_version_but_the_newest_has_a_step() {
        assert_eq!(MIGRATIONS.len(), VERSION as usize - 1);
    }

    #[test]
    fn an_old_file_migrates_saves_as_the_newest_version_and_reloads_equal() {
        let steps: &[Migration] = &[rename_train_share];
        let migrated = parse_versioned(&old_file(), "old.json", 2, steps).unwrap();
        assert_eq!(migrated.version, 2, "what is read is the newest version");
        let today = parse_document(FIXTURE, "fixture.json").unwrap();
        assert_eq!(
            migrated.dataset, today.dataset,
            "the renamed field kept its value"
        );
        assert_eq!(migrated.nodes, today.nodes);
        // Saved, it is a version 2 file that reads back without any step.
        let saved = document_to_json(&migrated).unwrap();
        assert!(saved.contains("\"version\": 2"), "{saved}");
        assert_eq!(
            parse_versioned(&saved, "new.json", 2, steps).unwrap(),
            migrated
        );
        assert_eq!(
            parse_versioned(&saved, "new.json", 2, &[]).unwrap(),
            migrated
        );
    }

    #[test]
    fn a_step_that_fails_or_is_missing_says_which_versions() {
        let steps: &[Migration] = &[rename_train_share];
        let error = parse_versioned(FIXTURE, "f.json", 2, steps).unwrap_err();
        assert_eq!(
            error.to_string(),
            "f.json: cannot read this version 1 document as version 2: the data set has no train_share"
        );
        let error = parse_versioned(&old_file(), "f.json", 3, steps).unwrap_err();
        assert_eq!(
            error.to_string(),
            "f.json: cannot read this version 2 document as version 3: this build has no step for it"
        );
    }

    #[test]
    fn a_file_from_a_newer_layerwright_is_refused_as_before() {
        let newer = FIXTURE.replacen(
            "\"version\": 1",
            &format!("\"version\": {}", VERSION + 1),
            1,
        );
        assert_eq!(
            parse_document(&newer, "future.json")
                .unwrap_err()
                .to_string(),
            format!(
                "future.json: the document is version {}; this Layerwright reads versions 1 to {VERSION} (a newer Layerwright wrote it?)",
                VERSION + 1
            )
        );
    }
}
