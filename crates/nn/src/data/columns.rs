//! A table's columns as the network sees them: each is a feature, ignored, or the target,
//! and holds numbers or categories (text). Category features are one-hot encoded; missing
//! cells are filled. What was fitted on the training split (the categories in first-seen
//! order, the fill values) is a [`ColumnEncoding`], saved with a trained model so that new
//! rows are encoded the same way.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What kind of values a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Numbers, used as they are.
    Number,
    /// Text labels (island, sex, weather): one input per category, 1 for the row's own.
    Category,
}

/// What a column is for (the target is chosen apart, by [`crate::data::TargetColumn`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// An input of the network.
    #[default]
    Feature,
    /// Left out (an id, a date, a column that would give the answer away).
    Ignored,
}

/// A person's choice for one column, found by its name: its role, its kind, or both. A
/// column without a choice is a feature whose kind is read from its cells (numbers if
/// every filled cell is one), except that a text column with a distinct value on more than
/// half its rows (an id, a date) is ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnChoice {
    /// The column's name as its header says.
    pub name: String,
    /// Feature or ignored; absent: the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ColumnRole>,
    /// Number or category; absent: read from the cells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ColumnKind>,
}

/// What happens to a row with an empty feature cell (`""`, `NA`, `NaN`, `?`, `null`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingCells {
    /// The cell takes the training split's mean (numbers) or most frequent category.
    #[default]
    Fill,
    /// The row is left out.
    DropRows,
}

/// What a category never seen in the training split becomes in new rows (`predict`, the
/// exports). Within the data set itself, a test row's unseen category is always all zeros,
/// with a note.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnseenCategory {
    /// An error naming the category and its column.
    #[default]
    Error,
    /// All zeros in the column's one-hot block.
    Zeros,
}

/// The texts read as a missing cell (compared after trimming, case-insensitively).
pub const MISSING_TEXTS: [&str; 5] = ["", "na", "nan", "?", "null"];

/// Whether a cell is missing: empty, `NA`, `NaN`, `?` or `null`.
pub fn is_missing(cell: &str) -> bool {
    let cell = cell.trim();
    MISSING_TEXTS.iter().any(|m| cell.eq_ignore_ascii_case(m))
}

/// How one column of a file becomes model inputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CellEncoding {
    /// Not an input.
    Ignored,
    /// One input: the number, or `fill` where the cell is missing.
    Number {
        /// The training split's mean.
        fill: f64,
    },
    /// One input per category, 1 for the cell's own; a missing cell counts as `fill`.
    Category {
        /// The training split's categories in first-seen order.
        categories: Vec<String>,
        /// The training split's most frequent category.
        fill: String,
    },
}

/// One column of a file with how it is encoded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncodedColumn {
    /// The column's name.
    pub name: String,
    /// How its cells become inputs.
    pub encoding: CellEncoding,
}

/// How a row of a file (every column but the target, in file order) becomes the numeric
/// inputs a model reads: first each number column in file order, then each category
/// column's one-hot block in stored order. Shapes: a row of `columns.len()` cells becomes
/// `[width()]` numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnEncoding {
    /// Every non-target column of the file, in file order.
    pub columns: Vec<EncodedColumn>,
    /// What an unseen category becomes.
    #[serde(default)]
    pub unseen: UnseenCategory,
}

/// Why a row cannot be encoded.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EncodeError {
    /// A category the training split did not have.
    #[error(
        "line {line}, column '{column}': the category '{category}' was not in the training data (it has {known}); choose to encode unseen categories as zeros to accept it"
    )]
    UnseenCategory {
        /// The line (1-based).
        line: usize,
        /// The column.
        column: String,
        /// The cell's text.
        category: String,
        /// The known categories, comma-separated.
        known: String,
    },
    /// Text in a number column.
    #[error("line {line}, column '{column}': '{text}' is not a number")]
    NotANumber {
        /// The line (1-based).
        line: usize,
        /// The column.
        column: String,
        /// The cell's text.
        text: String,
    },
}

impl ColumnEncoding {
    /// The number of model inputs a row becomes.
    pub fn width(&self) -> usize {
        self.columns
            .iter()
            .map(|column| match &column.encoding {
                CellEncoding::Ignored => 0,
                CellEncoding::Number { .. } => 1,
                CellEncoding::Category { categories, .. } => categories.len(),
            })
            .sum()
    }

    /// The inputs' names, in encoded order: number columns by name, then `column=category`.
    pub fn input_names(&self) -> Vec<String> {
        let numbers = self
            .columns
            .iter()
            .filter_map(|column| match column.encoding {
                CellEncoding::Number { .. } => Some(column.name.clone()),
                _ => None,
            });
        let categories = self
            .columns
            .iter()
            .flat_map(|column| match &column.encoding {
                CellEncoding::Category { categories, .. } => categories
                    .iter()
                    .map(|category| format!("{}={category}", column.name))
                    .collect(),
                _ => Vec::new(),
            });
        numbers.chain(categories).collect()
    }

    /// Each kept file column's name and the inputs it becomes, in encoded order (numbers,
    /// then category blocks): what is shuffled together to ask how much a column matters.
    pub fn input_groups(&self) -> Vec<(String, std::ops::Range<usize>)> {
        let mut groups = Vec::new();
        let mut start = 0;
        let numbers = self
            .columns
            .iter()
            .filter(|c| matches!(c.encoding, CellEncoding::Number { .. }));
        for column in numbers {
            groups.push((column.name.clone(), start..start + 1));
            start += 1;
        }
        for column in &self.columns {
            if let CellEncoding::Category { categories, .. } = &column.encoding {
                groups.push((column.name.clone(), start..start + categories.len()));
                start += categories.len();
            }
        }
        groups
    }

    /// Whether any column is a category.
    pub fn has_categories(&self) -> bool {
        self.columns
            .iter()
            .any(|c| matches!(c.encoding, CellEncoding::Category { .. }))
    }

    /// Encodes one row's cells (one per column, in file order) into `out` (cleared first,
    /// `width()` values after). `line` names the row in errors.
    pub fn encode_row(
        &self,
        cells: &[&str],
        line: usize,
        out: &mut Vec<f64>,
    ) -> Result<(), EncodeError> {
        self.encode_row_with(cells, line, out, self.unseen)
            .map(|_| ())
    }

    /// [`ColumnEncoding::encode_row`] with `unseen` in place of the stored rule; says
    /// whether a category was unseen (and so all zeros).
    pub fn encode_row_with(
        &self,
        cells: &[&str],
        line: usize,
        out: &mut Vec<f64>,
        unseen: UnseenCategory,
    ) -> Result<bool, EncodeError> {
        out.clear();
        let mut any_unseen = false;
        for (column, cell) in self.columns.iter().zip(cells) {
            if let CellEncoding::Number { fill } = column.encoding {
                out.push(if is_missing(cell) {
                    fill
                } else {
                    parse_finite(cell).ok_or_else(|| EncodeError::NotANumber {
                        line,
                        column: column.name.clone(),
                        text: cell.trim().to_owned(),
                    })?
                });
            }
        }
        for (column, cell) in self.columns.iter().zip(cells) {
            if let CellEncoding::Category { categories, fill } = &column.encoding {
                let text = if is_missing(cell) {
                    fill.as_str()
                } else {
                    cell.trim()
                };
                let position = categories.iter().position(|c| c == text);
                any_unseen |= position.is_none();
                if position.is_none() && unseen == UnseenCategory::Error {
                    return Err(EncodeError::UnseenCategory {
                        line,
                        column: column.name.clone(),
                        category: text.to_owned(),
                        known: known_list(categories),
                    });
                }
                out.extend((0..categories.len()).map(|c| f64::from(u8::from(position == Some(c)))));
            }
        }
        Ok(any_unseen)
    }
}

/// The categories for a message: all of them, or the first ten and how many more.
pub fn known_list(categories: &[String]) -> String {
    const SHOWN: usize = 10;
    if categories.len() <= SHOWN {
        categories.join(", ")
    } else {
        format!(
            "{}, and {} more",
            categories[..SHOWN].join(", "),
            categories.len() - SHOWN
        )
    }
}

/// A cell as a finite number, if it is one.
pub fn parse_finite(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn penguins() -> ColumnEncoding {
        ColumnEncoding {
            columns: vec![
                EncodedColumn {
                    name: "island".to_owned(),
                    encoding: CellEncoding::Category {
                        categories: vec!["Biscoe".to_owned(), "Dream".to_owned()],
                        fill: "Dream".to_owned(),
                    },
                },
                EncodedColumn {
                    name: "id".to_owned(),
                    encoding: CellEncoding::Ignored,
                },
                EncodedColumn {
                    name: "bill".to_owned(),
                    encoding: CellEncoding::Number { fill: 40.5 },
                },
            ],
            unseen: UnseenCategory::Error,
        }
    }

    #[test]
    fn each_kept_column_owns_its_inputs_a_category_its_whole_block() {
        assert_eq!(
            penguins().input_groups(),
            vec![("bill".to_owned(), 0..1), ("island".to_owned(), 1..3)]
        );
    }

    #[test]
    fn numbers_come_first_then_each_category_block_and_blanks_are_filled() {
        let encoding = penguins();
        assert_eq!(encoding.width(), 3);
        assert_eq!(
            encoding.input_names(),
            vec!["bill", "island=Biscoe", "island=Dream"]
        );
        let mut row = Vec::new();
        encoding
            .encode_row(&["Biscoe", "p-17", "39.1"], 2, &mut row)
            .unwrap();
        assert_eq!(row, vec![39.1, 1.0, 0.0]);
        encoding
            .encode_row(&["NA", "p-18", " "], 3, &mut row)
            .unwrap();
        assert_eq!(row, vec![40.5, 0.0, 1.0]);
    }

    #[test]
    fn an_unseen_category_is_an_error_naming_it_unless_zeros_are_chosen() {
        let mut encoding = penguins();
        let mut row = Vec::new();
        let error = encoding
            .encode_row(&["Torgersen", "p", "1"], 9, &mut row)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 9, column 'island': the category 'Torgersen' was not in the training data (it has Biscoe, Dream); choose to encode unseen categories as zeros to accept it"
        );
        encoding.unseen = UnseenCategory::Zeros;
        encoding
            .encode_row(&["Torgersen", "p", "1"], 9, &mut row)
            .unwrap();
        assert_eq!(row, vec![1.0, 0.0, 0.0]);
    }

    #[test]
    fn a_long_list_of_categories_is_cut_to_ten_in_messages() {
        let many: Vec<String> = (0..12).map(|i| format!("c{i}")).collect();
        assert_eq!(
            known_list(&many),
            "c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, and 2 more"
        );
        assert_eq!(known_list(&many[..2]), "c0, c1");
    }

    #[test]
    fn the_missing_texts_are_blank_na_nan_question_mark_and_null() {
        for cell in ["", " ", "NA", "na", "NaN", "?", "null", "NULL"] {
            assert!(is_missing(cell), "{cell:?}");
        }
        for cell in ["0", "N/A x", "none"] {
            assert!(!is_missing(cell), "{cell:?}");
        }
    }
}
