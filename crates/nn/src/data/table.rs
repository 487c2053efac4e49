//! Reading a table whose columns hold numbers or text, with blanks: each column's kind and
//! role decided (or taken from the document), rows without a target left out, categories
//! and fill values fitted on the training split, and every row encoded as numbers.
//!
//! The source is read three times, record by record, and never held whole: once to learn
//! each column's kind and every target (from which the split is drawn), once to fit the
//! categories and fill values on the training rows, once to write each row's encoded
//! inputs straight into the data set's one matrix.

use std::collections::{HashMap, HashSet};

use ndarray::Array2;

use super::columns::{
    CellEncoding, ColumnEncoding, ColumnKind, ColumnRole, EncodedColumn, MissingCells,
    UnseenCategory, is_missing, parse_finite,
};
use super::csv_file::{
    CsvError, CsvOptions, HeaderRow, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, TableSource, TargetColumn,
    classes_of, header_names, is_number, records,
};
use super::prepare::split_rows;
use super::{Dataset, Task};

/// What the first pass learns of one column.
#[derive(Clone, Debug, Default)]
struct ColumnScan {
    missing: usize,
    /// The first filled cell that is not a number, with its line.
    first_text: Option<(usize, String)>,
    /// The first cell that is a number but not a finite one (`inf`), with its line.
    first_infinite: Option<(usize, String)>,
    /// Distinct filled texts, up to [`MAX_TRACKED_CATEGORIES`] of them.
    distinct: HashSet<String>,
    /// Whether there were more distinct texts than that.
    overflowed: bool,
}

/// Distinct values a column is tracked for; a text column with more is ignored like an id
/// (as many one-hot inputs would be of no use).
pub const MAX_TRACKED_CATEGORIES: usize = 10_000;

/// What the second pass fits on the training rows, per column.
#[derive(Clone, Debug, Default)]
struct Fit {
    sum: f64,
    count: usize,
    /// Categories in first-seen order, with their counts.
    categories: Vec<String>,
    counts: HashMap<String, usize>,
}

/// Whether the first row names the columns: `Detect` says yes when a cell of the first row
/// is text where the second row has a number, or when every cell of the first row is text
/// that its column never repeats in the next rows.
fn has_header(header: HeaderRow, source: &TableSource<'_>) -> Result<bool, CsvError> {
    match header {
        HeaderRow::Present => return Ok(true),
        HeaderRow::Absent => return Ok(false),
        HeaderRow::Detect => {}
    }
    let mut peek = source.records();
    let Some((_, first)) = peek.next().transpose()? else {
        return Ok(false);
    };
    let following: Vec<csv::StringRecord> = peek
        .take(100)
        .filter_map(Result::ok)
        .map(|(_, record)| record)
        .collect();
    let Some(second) = following.first() else {
        return Ok(first.iter().all(|cell| !is_number(cell)));
    };
    let text_over_number = first
        .iter()
        .zip(second.iter())
        .any(|(a, b)| !is_number(a) && !is_missing(a) && is_number(b));
    let all_text = first
        .iter()
        .all(|cell| !is_number(cell) && !is_missing(cell));
    let never_repeated = first.iter().enumerate().all(|(column, name)| {
        following
            .iter()
            .all(|row| row.get(column).is_none_or(|cell| cell != name))
    });
    Ok(text_over_number || (all_text && never_repeated))
}

/// Reads `text` as a table (see the module documentation) into a [`Dataset`] whose inputs
/// are the encoded columns and whose `encoding` says how. `name` names the data set.
pub fn read_table(text: &str, name: &str, options: &CsvOptions) -> Result<Dataset, CsvError> {
    read_table_from(&TableSource::Text(text), name, options)
}

/// [`read_table`] from any source: a file is streamed, three times.
pub fn read_table_from(
    source: &TableSource<'_>,
    name: &str,
    options: &CsvOptions,
) -> Result<Dataset, CsvError> {
    read_table_reporting(source, name, options, &|_| {})
}

/// How often, in records, reading reports its progress.
const REPORT_EVERY: usize = 4096;

/// [`read_table_from`], telling `progress` how far it got, from 0 to 1 over its three
/// passes (by the bytes each has read).
pub fn read_table_reporting(
    source: &TableSource<'_>,
    name: &str,
    options: &CsvOptions,
    progress: &dyn Fn(f64),
) -> Result<Dataset, CsvError> {
    let size = source.len_bytes().max(1) as f64;
    let report = |pass: usize, index: usize, cells: &csv::StringRecord| {
        if index.is_multiple_of(REPORT_EVERY) {
            let byte = cells.position().map_or(0, csv::Position::byte) as f64;
            progress((pass as f64 + (byte / size).min(1.0)) / 3.0);
        }
    };
    let header = has_header(options.header, source)?;
    let Some((first_line, first)) = source.records().next().transpose()? else {
        return Err(CsvError::NoRows);
    };
    let width = first.len();
    if width > MAX_COLUMNS {
        return Err(CsvError::TooManyColumns {
            line: first_line,
            found: width,
        });
    }
    if width < 2 {
        return Err(CsvError::TooFewColumns {
            line: first_line,
            found: width,
        });
    }
    let names: Vec<String> = if header {
        header_names(&first)
    } else {
        (1..=width).map(|i| format!("column {i}")).collect()
    };
    let target = target_index(&options.target, &names, header)?;
    for choice in &options.columns {
        if !names.contains(&choice.name) {
            return Err(CsvError::UnknownColumn {
                name: choice.name.clone(),
                available: names.join(", "),
            });
        }
    }
    // First pass: each column's kind, missing cells and distinct values; every target;
    // where feature cells are blank (sparse: most files have few).
    let mut scans = vec![ColumnScan::default(); width];
    let mut target_texts: Vec<(usize, String)> = Vec::new();
    let mut row_of_record: Vec<Option<u32>> = Vec::new();
    let mut blanks: Vec<(usize, usize)> = Vec::new();
    let mut count = 0_usize;
    for record in source.records().skip(usize::from(header)) {
        let (line, cells) = record?;
        report(0, count, &cells);
        if count == MAX_ROWS {
            return Err(CsvError::TooManyRows);
        }
        if (count + 1) * width > MAX_CELLS {
            return Err(CsvError::TooManyCells { line });
        }
        if cells.len() != width {
            return Err(CsvError::Ragged {
                line,
                expected: width,
                found: cells.len(),
            });
        }
        for (column, (scan, cell)) in scans.iter_mut().zip(cells.iter()).enumerate() {
            if is_missing(cell) {
                scan.missing += 1;
                if column != target {
                    blanks.push((count, column));
                }
            } else if parse_finite(cell).is_none() {
                let infinite = cell.trim().parse::<f64>().is_ok();
                let first = if infinite {
                    &mut scan.first_infinite
                } else {
                    &mut scan.first_text
                };
                if first.is_none() {
                    *first = Some((line, cell.to_owned()));
                }
            }
            if !scan.overflowed && !is_missing(cell) && !scan.distinct.contains(cell) {
                if scan.distinct.len() == MAX_TRACKED_CATEGORIES {
                    scan.overflowed = true;
                    scan.distinct.clear();
                } else {
                    scan.distinct.insert(cell.to_owned());
                }
            }
        }
        let target_cell = cells.get(target).filter(|c| !is_missing(c));
        row_of_record
            .push(target_cell.map(|_| u32::try_from(target_texts.len()).unwrap_or(u32::MAX)));
        if let Some(cell) = target_cell {
            target_texts.push((line, cell.to_owned()));
        }
        count += 1;
    }
    if count == 0 {
        return Err(CsvError::NoRows);
    }
    let mut notes = Vec::new();
    let mut plans: Vec<(ColumnRole, ColumnKind)> = Vec::with_capacity(width);
    for (column, scan) in scans.iter().enumerate() {
        let choice = options.columns.iter().find(|c| c.name == names[column]);
        let read_kind = if scan.first_text.is_some() {
            ColumnKind::Category
        } else {
            ColumnKind::Number
        };
        let kind = choice.and_then(|c| c.kind).unwrap_or(read_kind);
        // In a column of numbers, `inf` or text is an error (the target is read below).
        let bad_number = scan.first_text.as_ref().or(scan.first_infinite.as_ref());
        if kind == ColumnKind::Number
            && column != target
            && let Some((line, text)) = bad_number
            && choice.and_then(|c| c.role) != Some(ColumnRole::Ignored)
        {
            return Err(number_or_error(text, *line, &names[column])
                .err()
                .unwrap_or(CsvError::NoRows));
        }
        let filled = count - scan.missing;
        let id_like = kind == ColumnKind::Category
            && filled > 0
            && (scan.overflowed || scan.distinct.len() * 2 > count);
        let role = match choice.and_then(|c| c.role) {
            Some(role) => role,
            None if id_like && column != target => {
                notes.push(format!(
                    "column '{}' is ignored: most rows have their own value (an id or a date?)",
                    names[column]
                ));
                ColumnRole::Ignored
            }
            None => ColumnRole::Feature,
        };
        plans.push((role, kind));
    }
    drop(scans);
    let is_feature = |column: usize| column != target && plans[column].0 == ColumnRole::Feature;
    // Rows left out: no target, or (when asked) a blank feature.
    let without_target = row_of_record.iter().filter(|r| r.is_none()).count();
    let mut with_blanks = 0;
    if options.missing == MissingCells::DropRows {
        let mut dropped = vec![false; count];
        for &(record, column) in &blanks {
            if is_feature(column) && row_of_record[record].is_some() {
                dropped[record] = true;
            }
        }
        with_blanks = dropped.iter().filter(|d| **d).count();
        let mut kept = 0_u32;
        let mut texts = Vec::with_capacity(target_texts.len() - with_blanks);
        let mut taken = target_texts.into_iter();
        for (record, row) in row_of_record.iter_mut().enumerate() {
            if row.is_some() {
                let text = taken.next();
                if dropped[record] {
                    *row = None;
                } else if let Some(text) = text {
                    texts.push(text);
                    *row = Some(kept);
                    kept += 1;
                }
            }
        }
        target_texts = texts;
    }
    drop(blanks);
    if without_target > 0 {
        notes.push(left_out(
            without_target,
            &format!("without a target ('{}')", names[target]),
        ));
    }
    if with_blanks > 0 {
        notes.push(left_out(with_blanks, "with empty cells"));
    }
    if target_texts.is_empty() {
        return Err(CsvError::NoRows);
    }
    let target_name = names[target].clone();
    let (targets, class_names) = match options.task {
        Task::Regression => {
            let targets = target_texts
                .iter()
                .map(|(line, text)| number_or_error(text, *line, &target_name))
                .collect::<Result<Vec<_>, _>>()?;
            (targets, Vec::new())
        }
        Task::Classification => classes_of(&target_texts, &target_name)?,
    };
    drop(target_texts);
    let kept = targets.len();
    let mut in_training = vec![true; kept];
    // A split that cannot be made is reported when the data is prepared; until then the
    // categories and fills come from every row.
    if let Some(split) = options.split
        && let Ok((_, test)) = split_rows(options.task, class_names.len(), &targets, split)
    {
        for row in test {
            in_training[row] = false;
        }
    }
    // Second pass: means and categories on the training rows.
    let mut fits = vec![Fit::default(); width];
    for (record, parsed) in source.records().skip(usize::from(header)).enumerate() {
        let (_, cells) = parsed?;
        report(1, record, &cells);
        let Some(row) = row_of_record.get(record).copied().flatten() else {
            continue;
        };
        if !in_training[row as usize] {
            continue;
        }
        for (column, cell) in cells.iter().enumerate() {
            if !is_feature(column) || is_missing(cell) {
                continue;
            }
            let fit = &mut fits[column];
            match plans[column].1 {
                ColumnKind::Number => {
                    if let Some(value) = parse_finite(cell) {
                        fit.sum += value;
                        fit.count += 1;
                    }
                }
                ColumnKind::Category => {
                    let seen = fit.counts.entry(cell.to_owned()).or_insert(0);
                    if *seen == 0 {
                        fit.categories.push(cell.to_owned());
                    }
                    *seen += 1;
                }
            }
        }
    }
    let encoding = ColumnEncoding {
        columns: (0..width)
            .filter(|&column| column != target)
            .map(|column| EncodedColumn {
                name: names[column].clone(),
                encoding: encoding_of(&fits[column], plans[column], is_feature(column)),
            })
            .collect(),
        unseen: options.unseen,
    };
    drop(fits);
    // Third pass: each kept row's inputs, written into the one matrix.
    let width_encoded = encoding.width();
    let mut inputs = Array2::<f64>::zeros((kept, width_encoded));
    let mut unseen = 0;
    let mut row_buffer = Vec::with_capacity(width_encoded);
    for (record, parsed) in source.records().skip(usize::from(header)).enumerate() {
        let (line, cells) = parsed?;
        report(2, record, &cells);
        let Some(row) = row_of_record.get(record).copied().flatten() else {
            continue;
        };
        // The test split's categories the training split lacks are all zeros, whatever the
        // document says for new rows.
        let aligned: Vec<&str> = cells
            .iter()
            .enumerate()
            .filter(|(column, _)| *column != target)
            .map(|(_, cell)| cell)
            .collect();
        if encoding.encode_row_with(&aligned, line, &mut row_buffer, UnseenCategory::Zeros)? {
            unseen += 1;
        }
        for (slot, value) in inputs.row_mut(row as usize).iter_mut().zip(&row_buffer) {
            *slot = *value;
        }
    }
    if unseen > 0 {
        notes.push(format!(
            "{} of the test split {} a category the training split lacks, encoded as zeros",
            if unseen == 1 {
                "1 row".to_owned()
            } else {
                format!("{unseen} rows")
            },
            if unseen == 1 { "has" } else { "have" }
        ));
    }
    Ok(Dataset {
        name: name.to_owned(),
        task: options.task,
        feature_names: encoding.input_names(),
        target_name,
        inputs,
        targets,
        class_names,
        encoding: Some(encoding),
        notes,
    })
}

/// A column's encoding from what the second pass fitted: a number's mean, a category's
/// first-seen categories and most frequent one (the first seen on a tie).
fn encoding_of(fit: &Fit, (_, kind): (ColumnRole, ColumnKind), feature: bool) -> CellEncoding {
    if !feature {
        return CellEncoding::Ignored;
    }
    match kind {
        ColumnKind::Number => CellEncoding::Number {
            fill: if fit.count == 0 {
                0.0
            } else {
                fit.sum / fit.count as f64
            },
        },
        ColumnKind::Category => {
            let fill = fit
                .categories
                .iter()
                .rev()
                .max_by_key(|c| fit.counts.get(*c).copied().unwrap_or(0))
                .cloned()
                .unwrap_or_default();
            CellEncoding::Category {
                categories: fit.categories.clone(),
                fill,
            }
        }
    }
}

/// "1 row WHAT was left out" or "N rows WHAT were left out".
fn left_out(count: usize, what: &str) -> String {
    if count == 1 {
        format!("1 row {what} was left out")
    } else {
        format!("{count} rows {what} were left out")
    }
}

/// A cell that must be a number: its value, or an error saying it is text or not finite.
fn number_or_error(text: &str, line: usize, column: &str) -> Result<f64, CsvError> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(CsvError::NotFinite {
            line,
            column: column.to_owned(),
            text: text.trim().to_owned(),
        }),
        Err(_) => Err(CsvError::NotANumber {
            line,
            column: column.to_owned(),
            text: text.trim().to_owned(),
        }),
    }
}

/// The target column's index among `names`.
fn target_index(target: &TargetColumn, names: &[String], header: bool) -> Result<usize, CsvError> {
    match target {
        TargetColumn::Last => Ok(names.len() - 1),
        TargetColumn::Index(index) if *index < names.len() => Ok(*index),
        TargetColumn::Index(index) => Err(CsvError::ColumnOutOfRange {
            index: *index,
            columns: names.len(),
        }),
        TargetColumn::Name(name) if !header => Err(CsvError::NoHeader { name: name.clone() }),
        TargetColumn::Name(name) => {
            names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| CsvError::UnknownColumn {
                    name: name.clone(),
                    available: names.join(", "),
                })
        }
    }
}

/// Rows of new data for a model whose columns are encoded by `encoding`, as numeric raw
/// inputs `[rows, encoding.width()]`. With a header (a first row naming any of the model's
/// columns or `target_name`) columns are found by name, in any order, and the target and
/// unknown columns are skipped; without one, each row holds the model's feature columns in
/// training order (a first row of text naming none of them is skipped as a header, for a
/// model of numbers only). Blanks are filled with the stored values.
pub fn read_encoded_rows(
    text: &str,
    encoding: &ColumnEncoding,
    target_name: &str,
) -> Result<Array2<f64>, CsvError> {
    let features: Vec<&EncodedColumn> = encoding
        .columns
        .iter()
        .filter(|c| !matches!(c.encoding, CellEncoding::Ignored))
        .collect();
    let known = |cell: &str| cell == target_name || encoding.columns.iter().any(|c| c.name == cell);
    let mut rows = records(text).peekable();
    let header: Option<Vec<String>> = match rows.peek() {
        Some(Ok((_, first))) if first.iter().any(known) => Some(header_names(first)),
        _ => None,
    };
    // A first row of other names, for a model of numbers only, is a header of its own
    // naming: skipped, the columns taken in training order (as before names were matched).
    let unnamed_header = header.is_none()
        && !encoding.has_categories()
        && matches!(rows.peek(), Some(Ok((_, first)))
            if first.iter().any(|cell| !is_missing(cell) && parse_finite(cell).is_none()));
    // For each encoded column (file order), where its cell is in a row.
    let places: Vec<Option<usize>> = match &header {
        Some(names) => {
            let mut places = Vec::with_capacity(encoding.columns.len());
            for column in &encoding.columns {
                let place = names.iter().position(|n| *n == column.name);
                if place.is_none() && !matches!(column.encoding, CellEncoding::Ignored) {
                    return Err(CsvError::UnknownColumn {
                        name: column.name.clone(),
                        available: names.join(", "),
                    });
                }
                places.push(place);
            }
            places
        }
        None => {
            let mut next = 0;
            encoding
                .columns
                .iter()
                .map(|c| {
                    (!matches!(c.encoding, CellEncoding::Ignored)).then(|| {
                        next += 1;
                        next - 1
                    })
                })
                .collect()
        }
    };
    let width = encoding.width();
    let mut values = Vec::new();
    let mut count = 0_usize;
    let mut row = Vec::with_capacity(width);
    for record in rows.skip(usize::from(header.is_some() || unnamed_header)) {
        let (line, cells) = record?;
        if header.is_none() && cells.len() != features.len() {
            return Err(CsvError::FeatureCount {
                line,
                expected: features.len(),
                found: cells.len(),
                names: features
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if count == MAX_ROWS {
            return Err(CsvError::TooManyRows);
        }
        if (count + 1) * width.max(1) > MAX_CELLS {
            return Err(CsvError::TooManyCells { line });
        }
        let aligned: Vec<&str> = places
            .iter()
            .map(|place| place.and_then(|p| cells.get(p)).unwrap_or(""))
            .collect();
        encoding.encode_row(&aligned, line, &mut row)?;
        values.extend_from_slice(&row);
        count += 1;
    }
    if count == 0 {
        return Err(CsvError::NoRows);
    }
    Array2::from_shape_vec((count, width), values).map_err(|error| CsvError::Unreadable {
        line: 0,
        message: error.to_string(),
    })
}

/// The raw inputs a model described by `description` reads from CSV rows of new data:
/// through its column encoding when it has one ([`read_encoded_rows`]), else the raw
/// numeric feature columns ([`super::read_features`]).
pub fn read_prediction_rows(
    text: &str,
    description: &super::DataDescription,
) -> Result<Array2<f64>, CsvError> {
    match &description.columns {
        Some(encoding) => read_encoded_rows(text, encoding, &description.target_name),
        None => super::read_features(text, &description.raw_feature_names),
    }
}
