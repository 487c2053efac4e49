//! Reading or generating the examples a document's data set describes: a generator, a
//! bundled data set, inline points or a CSV file relative to the document.

use std::path::Path;

use thiserror::Error;

use crate::data::{BundledDataset, CsvError, CsvOptions, Dataset, Task};
use crate::graph::{DataSource, DatasetSpec};

/// Why a document's data set could not be loaded.
#[derive(Debug, Error)]
pub enum DatasetLoadError {
    /// The data set's settings are out of range.
    #[error("dataset: {0}")]
    Settings(String),
    /// The CSV file could not be read.
    #[error("{path}: cannot read the data file: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The CSV file has bad content.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: String,
        /// What is wrong, with line and column.
        source: CsvError,
    },
}

/// Reads or generates the examples a document's data set describes. CSV paths are taken
/// relative to `base_dir` (the document's folder) unless absolute.
pub fn load_dataset(
    spec: &DatasetSpec,
    base_dir: Option<&Path>,
) -> Result<Dataset, DatasetLoadError> {
    load_dataset_reporting(spec, base_dir, &|_| {})
}

/// [`load_dataset`], telling `progress` how far reading a CSV file got (0 to 1).
pub fn load_dataset_reporting(
    spec: &DatasetSpec,
    base_dir: Option<&Path>,
    progress: &dyn Fn(f64),
) -> Result<Dataset, DatasetLoadError> {
    let dataset = load_source(spec, base_dir, progress)?;
    if let Some(problem) = spec
        .image
        .and_then(|image| image.problem(dataset.feature_count()))
    {
        return Err(DatasetLoadError::Settings(problem));
    }
    Ok(dataset)
}

/// The examples of `spec.source`, before the image shape is checked against them.
fn load_source(
    spec: &DatasetSpec,
    base_dir: Option<&Path>,
    progress: &dyn Fn(f64),
) -> Result<Dataset, DatasetLoadError> {
    match &spec.source {
        DataSource::Generated {
            generator,
            samples,
            noise,
            seed,
        } => {
            let settings = crate::data::GeneratorSettings {
                samples: *samples,
                noise: *noise,
                seed: *seed,
            };
            if let Some(problem) = generator.problem(&settings) {
                return Err(DatasetLoadError::Settings(problem));
            }
            Ok(generator.generate(settings))
        }
        DataSource::Bundled { name } => {
            load_bundled(*name).map_err(|source| DatasetLoadError::Csv {
                path: name.file_name().to_owned(),
                source,
            })
        }
        DataSource::Csv { path, header } => {
            let full = match base_dir {
                Some(base) if Path::new(path).is_relative() => base.join(path),
                _ => Path::new(path).to_path_buf(),
            };
            let shown = full.display().to_string();
            // The file is streamed (read three times, never held whole); first check it is
            // a readable file, so the message is the system's own.
            let readable = crate::files::len(&full).map(|_| ());
            readable.map_err(|source| DatasetLoadError::Io {
                path: shown.clone(),
                source,
            })?;
            let options = CsvOptions {
                header: *header,
                target: spec.target.clone(),
                task: spec.task,
                columns: spec.columns.clone(),
                missing: spec.missing,
                unseen: spec.unseen,
                split: Some(crate::data::SplitSettings {
                    train_fraction: spec.train_fraction,
                    seed: spec.seed,
                }),
            };
            let name = Path::new(path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            let source = crate::data::csv_file::TableSource::File(&full);
            crate::data::table::read_table_reporting(&source, &name, &options, progress).map_err(
                |source| DatasetLoadError::Csv {
                    path: shown,
                    source,
                },
            )
        }
        DataSource::Points { points, classes } => {
            let limit = crate::data::Generator::MAX_CLASSES;
            if spec.task == Task::Classification {
                let bad = points.iter().position(|p| {
                    crate::data::class_index(p.label).is_none_or(|class| class >= limit)
                });
                if let Some(index) = bad {
                    return Err(DatasetLoadError::Settings(format!(
                        "point {} has the class {}; classes are whole numbers from 0 to {}",
                        index + 1,
                        points[index].label,
                        limit - 1
                    )));
                }
                if *classes > limit {
                    return Err(DatasetLoadError::Settings(format!(
                        "{classes} classes; at most {limit} are supported"
                    )));
                }
            }
            if let Some(index) = points
                .iter()
                .position(|p| !(p.x.is_finite() && p.y.is_finite() && p.label.is_finite()))
            {
                return Err(DatasetLoadError::Settings(format!(
                    "point {} is not made of finite numbers",
                    index + 1
                )));
            }
            Ok(Dataset::from_points("points", spec.task, points, *classes))
        }
    }
}

fn load_bundled(name: BundledDataset) -> Result<Dataset, CsvError> {
    name.load()
}
