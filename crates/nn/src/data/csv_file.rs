//! Reading a data set from CSV text, with an error naming the line, column and text of
//! every bad cell.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::columns::{ColumnChoice, EncodeError, MissingCells, UnseenCategory};
use super::prepare::SplitSettings;
use super::{Dataset, Task};

/// The most columns a CSV may have.
pub const MAX_COLUMNS: usize = 1000;
/// The most data rows a CSV may have.
pub const MAX_ROWS: usize = 1_000_000;

/// Which column holds the target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "value",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum TargetColumn {
    /// The last column (the default).
    #[default]
    Last,
    /// The column with this 0-based index.
    Index(usize),
    /// The column with this header name.
    Name(String),
}

/// Whether the first row names the columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderRow {
    /// A header when the first row has text where the second row has a number.
    #[default]
    Detect,
    /// The first row is a header.
    Present,
    /// Every row is data.
    Absent,
}

/// How to read a CSV file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsvOptions {
    /// Whether the first row is a header.
    pub header: HeaderRow,
    /// Which column is the target.
    pub target: TargetColumn,
    /// Classification (targets are class names or numbers) or regression (targets are numbers).
    pub task: Task,
    /// The person's choices of role and kind, by column name.
    pub columns: Vec<ColumnChoice>,
    /// What a row with an empty feature cell does.
    pub missing: MissingCells,
    /// What a category the training split does not have becomes.
    pub unseen: UnseenCategory,
    /// The split whose training rows the categories and fill values are fitted on (all
    /// rows when absent).
    pub split: Option<SplitSettings>,
}

/// What is wrong with a CSV file. Line numbers count from 1 as an editor shows them;
/// columns are given by name (from the header, or `column N`).
#[derive(Clone, Debug, Error, PartialEq)]
pub enum CsvError {
    /// No data rows at all.
    #[error("the file has no data rows")]
    NoRows,
    /// Fewer than two columns: no room for a feature and a target.
    #[error(
        "line {line}: the file needs at least two columns (features and a target), found {found}"
    )]
    TooFewColumns {
        /// The first data line.
        line: usize,
        /// Columns found.
        found: usize,
    },
    /// More than [`MAX_COLUMNS`] columns.
    #[error("line {line}: {found} columns is more than the {MAX_COLUMNS} supported")]
    TooManyColumns {
        /// The line.
        line: usize,
        /// Columns found.
        found: usize,
    },
    /// More than [`MAX_ROWS`] rows.
    #[error("the file has more than {MAX_ROWS} data rows; use a sample of it")]
    TooManyRows,
    /// More than [`MAX_CELLS`] numbers in all.
    #[error(
        "line {line}: the file has more than {MAX_CELLS} cells (rows × columns); use a sample of it"
    )]
    TooManyCells {
        /// The line where the limit was passed.
        line: usize,
    },
    /// A prediction input row without exactly the model's raw features.
    #[error("line {line}: expected {expected} feature columns ({names}), found {found}")]
    FeatureCount {
        /// The line.
        line: usize,
        /// The model's raw feature count.
        expected: usize,
        /// Cells in this row.
        found: usize,
        /// The model's raw feature names, comma-separated.
        names: String,
    },
    /// A row with a different number of cells than the first.
    #[error("line {line}: expected {expected} cells like the first row, found {found}")]
    Ragged {
        /// The line.
        line: usize,
        /// Cells in the first row.
        expected: usize,
        /// Cells in this row.
        found: usize,
    },
    /// A cell with nothing in it.
    #[error("line {line}, column '{column}': the cell is empty")]
    EmptyCell {
        /// The line.
        line: usize,
        /// The column's name.
        column: String,
    },
    /// Text where a number is needed.
    #[error("line {line}, column '{column}': '{text}' is not a number")]
    NotANumber {
        /// The line.
        line: usize,
        /// The column's name.
        column: String,
        /// The cell's text.
        text: String,
    },
    /// NaN or infinity.
    #[error("line {line}, column '{column}': '{text}' is not a finite number")]
    NotFinite {
        /// The line.
        line: usize,
        /// The column's name.
        column: String,
        /// The cell's text.
        text: String,
    },
    /// Every row has the same class.
    #[error(
        "column '{column}': every row has the class '{class}'; classification needs at least two"
    )]
    SingleClass {
        /// The target column.
        column: String,
        /// The only class.
        class: String,
    },
    /// The named target column is not in the header.
    #[error("there is no column named '{name}' (columns: {available})")]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The header's names, comma-separated.
        available: String,
    },
    /// A target column index past the last column.
    #[error("target column {index} is past the last column ({columns} columns, counted from 0)")]
    ColumnOutOfRange {
        /// The index asked for.
        index: usize,
        /// How many columns there are.
        columns: usize,
    },
    /// A target name was given but the file has no header row.
    #[error("the target column is named '{name}' but the file has no header row")]
    NoHeader {
        /// The name asked for.
        name: String,
    },
    /// The file could not be read.
    #[error("cannot read the file: {message}")]
    Io {
        /// What the system said.
        message: String,
    },
    /// A row that cannot be encoded (an unseen category).
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The CSV reader could not read a line (bad quoting, invalid UTF-8).
    #[error("line {line}: {message}")]
    Unreadable {
        /// The line.
        line: usize,
        /// The reader's message.
        message: String,
    },
}

/// Parses a cell as a finite number, or says why it is not one.
fn parse_number(text: &str, line: usize, column: &str) -> Result<f64, CsvError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(CsvError::EmptyCell {
            line,
            column: column.to_owned(),
        });
    }
    match trimmed.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(CsvError::NotFinite {
            line,
            column: column.to_owned(),
            text: trimmed.to_owned(),
        }),
        Err(_) => Err(CsvError::NotANumber {
            line,
            column: column.to_owned(),
            text: trimmed.to_owned(),
        }),
    }
}

pub(super) fn is_number(text: &str) -> bool {
    text.trim().parse::<f64>().is_ok()
}

/// The most cells (rows × columns) a CSV may have: 50 million numbers are 400 MB.
pub const MAX_CELLS: usize = 50_000_000;

/// The separators [`separator_of`] chooses from.
pub const SEPARATORS: [u8; 3] = [b',', b';', b'\t'];

/// The cell separator of `text`: of `,`, `;` and tab, the one found most often outside
/// quotes on its first line, provided the second line has as many (a `;` file whose
/// numbers use decimal commas still reads as `;`); `,` when none is found.
pub fn separator_of(text: &str) -> u8 {
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .lines()
        .filter(|line| !line.trim().is_empty());
    let count = |line: &str, separator: u8| {
        let mut quoted = false;
        line.bytes()
            .filter(|&b| {
                if b == b'"' {
                    quoted = !quoted;
                }
                !quoted && b == separator
            })
            .count()
    };
    let (Some(first), second) = (lines.next(), lines.next()) else {
        return b',';
    };
    SEPARATORS
        .into_iter()
        .map(|separator| {
            let here = count(first, separator);
            let consistent = second.is_none_or(|line| count(line, separator) == here);
            (usize::from(consistent), here, separator)
        })
        .filter(|&(_, here, _)| here > 0)
        .max_by_key(|&(consistent, here, separator)| {
            // Ties go to the usual order: `,` before `;` before tab.
            let rank =
                SEPARATORS.len() - SEPARATORS.iter().position(|&s| s == separator).unwrap_or(0);
            (consistent, here, rank)
        })
        .map_or(b',', |(_, _, separator)| separator)
}

/// One record with its line number, or why it could not be read.
pub(super) type Record = Result<(usize, csv::StringRecord), CsvError>;

/// The non-blank records a CSV reader yields, with their line numbers.
fn records_of<R: std::io::Read>(reader: R, separator: u8) -> impl Iterator<Item = Record> {
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .trim(csv::Trim::All)
        .from_reader(reader);
    reader.into_records().filter_map(|record| {
        let line_of = |position: Option<&csv::Position>, fallback: usize| {
            position.map_or(fallback, |p| {
                usize::try_from(p.line()).unwrap_or(usize::MAX)
            })
        };
        match record {
            Err(error) => Some(Err(CsvError::Unreadable {
                line: line_of(error.position(), 0),
                message: error.to_string(),
            })),
            // A blank line reads as one empty cell: skip it, as people leave them at the end.
            Ok(record) if record.len() == 1 && record.get(0).is_some_and(str::is_empty) => None,
            Ok(record) => Some(Ok((line_of(record.position(), 0), record))),
        }
    })
}

/// Streams the non-blank records of `text` with their line numbers: a UTF-8 byte-order mark
/// is skipped, the separator detected ([`separator_of`]), quoted fields may hold
/// separators and line breaks, and lines may end in CRLF.
pub(super) fn records(text: &str) -> impl Iterator<Item = Record> + '_ {
    let text = text.trim_start_matches('\u{feff}');
    records_of(text.as_bytes(), separator_of(text))
}

/// Where a table's records come from, read again for each pass: text in memory, or a file
/// streamed from disk (never held whole).
#[derive(Clone, Copy, Debug)]
pub enum TableSource<'a> {
    /// CSV text.
    Text(&'a str),
    /// A CSV file.
    File(&'a std::path::Path),
}

impl TableSource<'_> {
    /// The source's size in bytes (0 when a file cannot be read), for progress.
    pub fn len_bytes(&self) -> u64 {
        match self {
            Self::Text(text) => text.len() as u64,
            Self::File(path) => crate::files::len(path).unwrap_or(0),
        }
    }

    /// The records from the start, as [`records`] reads them.
    pub(super) fn records(&self) -> Box<dyn Iterator<Item = Record> + '_> {
        match self {
            Self::Text(text) => Box::new(records(text)),
            Self::File(path) => match open_streaming(path) {
                Ok((reader, separator)) => Box::new(records_of(reader, separator)),
                Err(message) => Box::new(std::iter::once(Err(CsvError::Io { message }))),
            },
        }
    }
}

/// The file at `path`, past a byte-order mark, and its separator (from its first two lines).
fn open_streaming(
    path: &std::path::Path,
) -> Result<(std::io::BufReader<Box<dyn std::io::Read + Send>>, u8), String> {
    use std::io::{BufRead, Read};
    let open = || crate::files::open(path).map_err(|e| e.to_string());
    let mut head = String::new();
    let mut first = std::io::BufReader::new(open()?);
    for _ in 0..2 {
        let mut line = Vec::new();
        first
            .by_ref()
            .take(1 << 20)
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?;
        head.push_str(&String::from_utf8_lossy(&line));
    }
    let mut reader = std::io::BufReader::with_capacity(1 << 16, open()?);
    if reader
        .fill_buf()
        .map_err(|e| e.to_string())?
        .starts_with(b"\xef\xbb\xbf")
    {
        reader.consume(3);
    }
    Ok((reader, separator_of(&head)))
}

/// The names in the first row of `source` (read as a header, however the file is read
/// later): what a column menu offers before the file is loaded.
pub fn header_of(source: &TableSource) -> Result<Vec<String>, CsvError> {
    match source.records().next() {
        Some(Ok((_, cells))) => Ok(header_names(&cells)),
        Some(Err(error)) => Err(error),
        None => Err(CsvError::NoRows),
    }
}

/// A header row's names, an empty cell named `column N` after its 1-based position.
pub(super) fn header_names(cells: &csv::StringRecord) -> Vec<String> {
    cells
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if name.is_empty() {
                format!("column {}", i + 1)
            } else {
                name.to_owned()
            }
        })
        .collect()
}

/// Reads a data set from CSV `text` (see [`super::table::read_table`]: text columns are
/// categories, blanks are filled, rows without a target are left out). `name` names the
/// data set in the app.
///
/// Rows are parsed as they are read, so a file past the row, column or cell limits is
/// refused before it fills memory.
pub fn read_csv(text: &str, name: &str, options: &CsvOptions) -> Result<Dataset, CsvError> {
    super::table::read_table(text, name, options)
}

/// The most distinct whole-number targets [`guess_task`] still takes for classes.
pub const MAX_GUESSED_CLASSES: usize = 10;

/// Classification or regression, guessed from the target column: text labels, or at most
/// [`MAX_GUESSED_CLASSES`] distinct whole numbers, are classes; any other numbers are a
/// regression target. Errors are [`read_csv`]'s, with line and column.
pub fn guess_task(text: &str, header: HeaderRow, target: &TargetColumn) -> Result<Task, CsvError> {
    guess_task_and_classes(&TableSource::Text(text), header, target).map(|(task, _)| task)
}

/// [`guess_task`] from any source, with the number of classes it found (0 for regression).
pub fn guess_task_and_classes(
    source: &TableSource<'_>,
    header: HeaderRow,
    target: &TargetColumn,
) -> Result<(Task, usize), CsvError> {
    let options = CsvOptions {
        header,
        target: target.clone(),
        task: Task::Classification,
        ..CsvOptions::default()
    };
    let data = super::table::read_table_from(source, "", &options)?;
    let numbers: Option<Vec<f64>> = data
        .class_names
        .iter()
        .map(|name| name.parse::<f64>().ok())
        .collect();
    Ok(match numbers {
        Some(values)
            if values.len() > MAX_GUESSED_CLASSES || values.iter().any(|v| v.fract() != 0.0) =>
        {
            (Task::Regression, 0)
        }
        _ => (Task::Classification, data.class_count()),
    })
}

/// Class indices and names: numeric labels sort numerically, text labels alphabetically.
pub(super) fn classes_of(
    texts: &[(usize, String)],
    column: &str,
) -> Result<(Vec<f64>, Vec<String>), CsvError> {
    let mut names: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
    let all_numeric = names.iter().all(|t| is_number(t));
    if all_numeric {
        for (line, text) in texts {
            parse_number(text, *line, column)?;
        }
        names.sort_by(|a, b| {
            let (a, b) = (
                a.parse::<f64>().unwrap_or(0.0),
                b.parse::<f64>().unwrap_or(0.0),
            );
            a.total_cmp(&b)
        });
        names.dedup_by(|a, b| a.parse::<f64>().ok() == b.parse::<f64>().ok());
    } else {
        names.sort_unstable();
        names.dedup();
    }
    if names.len() < 2 {
        return Err(CsvError::SingleClass {
            column: column.to_owned(),
            class: names.first().map_or_else(String::new, |n| (*n).to_owned()),
        });
    }
    // Looked up by value (numbers) or text, in a map: a million rows must not be searched
    // one class at a time.
    let numeric_index: std::collections::HashMap<u64, usize> = if all_numeric {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let value = n.parse::<f64>().unwrap_or(0.0);
                (if value == 0.0 { 0.0_f64 } else { value }.to_bits(), i)
            })
            .collect()
    } else {
        std::collections::HashMap::new()
    };
    let index_of = |text: &str| -> usize {
        if all_numeric {
            let value = text.parse::<f64>().unwrap_or(0.0);
            // -0 and 0 are the same class.
            let value = if value == 0.0 { 0.0 } else { value };
            numeric_index.get(&value.to_bits()).copied().unwrap_or(0)
        } else {
            names.binary_search(&text).unwrap_or(0)
        }
    };
    let targets = texts.iter().map(|(_, t)| index_of(t) as f64).collect();
    Ok((targets, names.iter().map(|n| (*n).to_owned()).collect()))
}

/// Reads rows of raw feature values (no target column) for prediction: `expected` columns,
/// a header row detected when the first row has any text. Errors name the line and column.
pub fn read_features(text: &str, feature_names: &[String]) -> Result<Array2<f64>, CsvError> {
    let expected = feature_names.len();
    let mut values = Vec::new();
    let mut rows = 0;
    let mut names: Vec<String> = feature_names.to_vec();
    for (index, record) in records(text).enumerate() {
        let (line, cells) = record?;
        if index == 0 && cells.iter().any(|cell| !is_number(cell)) {
            names = header_names(&cells);
            if cells.len() != expected {
                return Err(CsvError::FeatureCount {
                    line,
                    expected,
                    found: cells.len(),
                    names: feature_names.join(", "),
                });
            }
            continue;
        }
        if cells.len() != expected {
            return Err(CsvError::FeatureCount {
                line,
                expected,
                found: cells.len(),
                names: feature_names.join(", "),
            });
        }
        if rows == MAX_ROWS {
            return Err(CsvError::TooManyRows);
        }
        if (rows + 1) * expected > MAX_CELLS {
            return Err(CsvError::TooManyCells { line });
        }
        for (column, cell) in cells.iter().enumerate() {
            let name = names
                .get(column)
                .cloned()
                .unwrap_or_else(|| format!("column {}", column + 1));
            values.push(parse_number(cell, line, &name)?);
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(CsvError::NoRows);
    }
    Array2::from_shape_vec((rows, expected), values).map_err(|error| CsvError::Unreadable {
        line: 0,
        message: error.to_string(),
    })
}
