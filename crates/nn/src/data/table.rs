//! Reading a table whose columns hold numbers or text, with blanks: each column's kind and
//! role decided (or taken from the document), rows without a target left out, categories
//! and fill values fitted on the training split, and every row encoded as numbers.
//!
//! The text is read twice, record by record: once to learn each column's kind, once to
//! store it (numbers as `f64`, text as codes into the column's categories).

use std::collections::HashMap;

use ndarray::Array2;

use super::columns::{
    CellEncoding, ColumnEncoding, ColumnKind, ColumnRole, EncodedColumn, MissingCells, is_missing,
    parse_finite,
};
use super::csv_file::{
    CsvError, CsvOptions, HeaderRow, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, TargetColumn, classes_of,
    header_names, is_number, records,
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
    distinct: HashMap<String, ()>,
    /// Whether there were more distinct texts than that.
    overflowed: bool,
}

/// Distinct values a column is tracked for; a text column with more is ignored like an id
/// (as many one-hot inputs would be of no use).
pub const MAX_TRACKED_CATEGORIES: usize = 10_000;

/// One column's cells as the second pass stores them.
enum Stored {
    /// Numbers, `NaN` where missing.
    Numbers(Vec<f64>),
    /// Codes into `names` (first-seen order over every row), `u32::MAX` where missing.
    Codes { codes: Vec<u32>, names: Vec<String> },
    /// Not read.
    Skipped,
}

/// Whether the first row names the columns: `Detect` says yes when a cell of the first row
/// is text where the second row has a number, or when every cell of the first row is text
/// that its column never repeats in the next rows.
fn has_header(header: HeaderRow, text: &str) -> Result<bool, CsvError> {
    match header {
        HeaderRow::Present => return Ok(true),
        HeaderRow::Absent => return Ok(false),
        HeaderRow::Detect => {}
    }
    let mut peek = records(text);
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
    let header = has_header(options.header, text)?;
    let mut rows = records(text);
    let Some((first_line, first)) = rows.next().transpose()? else {
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
    // First pass: each column's missing cells, texts and distinct values.
    let mut scans = vec![ColumnScan::default(); width];
    let mut count = 0_usize;
    for record in records(text).skip(usize::from(header)) {
        let (line, cells) = record?;
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
        count += 1;
        for (scan, cell) in scans.iter_mut().zip(cells.iter()) {
            if is_missing(cell) {
                scan.missing += 1;
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
            if !scan.overflowed && !is_missing(cell) && !scan.distinct.contains_key(cell) {
                if scan.distinct.len() == MAX_TRACKED_CATEGORIES {
                    scan.overflowed = true;
                    scan.distinct.clear();
                } else {
                    scan.distinct.insert(cell.to_owned(), ());
                }
            }
        }
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
    // Second pass: targets and the feature columns, leaving out rows without a target
    // (and, when asked, rows with an empty feature cell).
    let mut stored: Vec<Stored> = plans
        .iter()
        .enumerate()
        .map(
            |(column, (role, kind))| match (column == target, role, kind) {
                (true, _, _) | (false, ColumnRole::Ignored, _) => Stored::Skipped,
                (false, ColumnRole::Feature, ColumnKind::Number) => {
                    Stored::Numbers(Vec::with_capacity(count))
                }
                (false, ColumnRole::Feature, ColumnKind::Category) => Stored::Codes {
                    codes: Vec::with_capacity(count),
                    names: Vec::new(),
                },
            },
        )
        .collect();
    let mut dictionaries: Vec<HashMap<String, u32>> = vec![HashMap::new(); width];
    let mut target_texts: Vec<(usize, String)> = Vec::with_capacity(count);
    let (mut without_target, mut with_blanks) = (0_usize, 0_usize);
    for record in records(text).skip(usize::from(header)) {
        let (line, cells) = record?;
        let Some(target_cell) = cells.get(target).filter(|c| !is_missing(c)) else {
            without_target += 1;
            continue;
        };
        let blank = stored
            .iter()
            .zip(cells.iter())
            .any(|(store, cell)| !matches!(store, Stored::Skipped) && is_missing(cell));
        if blank && options.missing == MissingCells::DropRows {
            with_blanks += 1;
            continue;
        }
        target_texts.push((line, target_cell.to_owned()));
        for (column, (store, cell)) in stored.iter_mut().zip(cells.iter()).enumerate() {
            match store {
                Stored::Skipped => {}
                Stored::Numbers(values) => {
                    values.push(if is_missing(cell) {
                        f64::NAN
                    } else {
                        parse_finite(cell).unwrap_or(f64::NAN)
                    });
                }
                Stored::Codes { codes, names } => {
                    if is_missing(cell) {
                        codes.push(u32::MAX);
                    } else {
                        let dictionary = &mut dictionaries[column];
                        let next = u32::try_from(names.len()).unwrap_or(u32::MAX - 1);
                        let code = *dictionary.entry(cell.to_owned()).or_insert_with(|| {
                            names.push(cell.to_owned());
                            next
                        });
                        codes.push(code);
                    }
                }
            }
        }
    }
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
    let encoding = fit_encoding(&names, target, &stored, &in_training, options);
    let lines: Vec<usize> = target_texts.iter().map(|(line, _)| *line).collect();
    let (inputs, unseen) = encode_rows(&encoding, &stored, &lines);
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

/// Each non-target column's encoding, fitted on the rows `in_training`: a number's mean,
/// a category's first-seen categories and most frequent one.
fn fit_encoding(
    names: &[String],
    target: usize,
    stored: &[Stored],
    in_training: &[bool],
    options: &CsvOptions,
) -> ColumnEncoding {
    let columns = stored
        .iter()
        .enumerate()
        .filter(|(column, _)| *column != target)
        .map(|(column, store)| {
            let encoding = match store {
                Stored::Skipped => CellEncoding::Ignored,
                Stored::Numbers(values) => {
                    let (sum, count) = values
                        .iter()
                        .zip(in_training)
                        .filter(|(v, train)| **train && !v.is_nan())
                        .fold((0.0, 0_usize), |(s, n), (v, _)| (s + v, n + 1));
                    let fill = if count == 0 { 0.0 } else { sum / count as f64 };
                    CellEncoding::Number { fill }
                }
                Stored::Codes { codes, names } => {
                    let mut order: Vec<u32> = Vec::new();
                    let mut counts: HashMap<u32, usize> = HashMap::new();
                    for (&code, &train) in codes.iter().zip(in_training) {
                        if train && code != u32::MAX {
                            let seen = counts.entry(code).or_insert(0);
                            if *seen == 0 {
                                order.push(code);
                            }
                            *seen += 1;
                        }
                    }
                    let name_of = |code: u32| names[code as usize].clone();
                    // The most frequent; on a tie, the first seen.
                    let fill = order
                        .iter()
                        .rev()
                        .max_by_key(|code| counts.get(code).copied().unwrap_or(0))
                        .map_or_else(String::new, |&code| name_of(code));
                    CellEncoding::Category {
                        categories: order.into_iter().map(name_of).collect(),
                        fill,
                    }
                }
            };
            EncodedColumn {
                name: names[column].clone(),
                encoding,
            }
        })
        .collect();
    ColumnEncoding {
        columns,
        unseen: options.unseen,
    }
}

/// Every kept row encoded: `[rows, encoding.width()]`, and how many rows had a category
/// the training split lacks (all zeros). `lines` has each row's line.
fn encode_rows(
    encoding: &ColumnEncoding,
    stored: &[Stored],
    lines: &[usize],
) -> (Array2<f64>, usize) {
    let width = encoding.width();
    let mut inputs = Array2::<f64>::zeros((lines.len(), width));
    let mut unseen_rows = vec![false; lines.len()];
    // The stored columns other than the target, in file order, beside their encodings.
    let feature_stores = stored.iter().filter(|s| !matches!(s, Stored::Skipped));
    let encoded = encoding
        .columns
        .iter()
        .filter(|c| !matches!(c.encoding, CellEncoding::Ignored));
    let mut offset = 0;
    let pairs: Vec<(&EncodedColumn, &Stored)> = encoded.zip(feature_stores).collect();
    for (column, store) in &pairs {
        if let (CellEncoding::Number { fill }, Stored::Numbers(values)) = (&column.encoding, store)
        {
            for (row, value) in values.iter().enumerate() {
                inputs[[row, offset]] = if value.is_nan() { *fill } else { *value };
            }
            offset += 1;
        }
    }
    for (column, store) in &pairs {
        if let (CellEncoding::Category { categories, fill }, Stored::Codes { codes, names }) =
            (&column.encoding, store)
        {
            let position_of: HashMap<&str, usize> = categories
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect();
            for (row, &code) in codes.iter().enumerate() {
                let text = if code == u32::MAX {
                    fill.as_str()
                } else {
                    names[code as usize].as_str()
                };
                // A test row's category the training split lacks: all zeros (the document's
                // rule is for new rows, in predict and the exports), counted in a note.
                match position_of.get(text) {
                    Some(&position) => inputs[[row, offset + position]] = 1.0,
                    None => unseen_rows[row] = true,
                }
            }
            offset += categories.len();
        }
    }
    let unseen = unseen_rows.iter().filter(|u| **u).count();
    (inputs, unseen)
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
