//! CSV import: header detection, target columns, class names, and a clear error naming the
//! line, column and text for every kind of bad input.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::data::{
    BundledDataset, CsvError, CsvOptions, HeaderRow, TargetColumn, Task, read_csv,
};

fn classification() -> CsvOptions {
    CsvOptions::default()
}

fn regression() -> CsvOptions {
    CsvOptions {
        task: Task::Regression,
        ..CsvOptions::default()
    }
}

fn error(text: &str, options: &CsvOptions) -> String {
    read_csv(text, "test.csv", options).unwrap_err().to_string()
}

#[test]
fn a_header_row_is_detected_and_names_the_columns() {
    let data = read_csv("a,b,kind\n1,2,cat\n3,4,dog\n", "pets", &classification()).unwrap();
    assert_eq!(data.feature_names, ["a", "b"]);
    assert_eq!(data.target_name, "kind");
    assert_eq!(data.class_names, ["cat", "dog"]);
    assert_eq!(data.targets, [0.0, 1.0]);
    assert_eq!(data.inputs, ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
}

#[test]
fn a_file_without_header_is_all_data() {
    let data = read_csv("1,2,cat\n3,4,dog\n", "pets", &classification()).unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data.feature_names, ["column 1", "column 2"]);
    let forced = CsvOptions {
        header: HeaderRow::Absent,
        ..regression()
    };
    assert_eq!(read_csv("1,2\n3,4\n", "t", &forced).unwrap().len(), 2);
}

#[test]
fn the_target_column_is_chosen_by_name_or_index() {
    let text = "label,x,y\n1,0.5,2\n0,1.5,3\n";
    let by_name = CsvOptions {
        target: TargetColumn::Name("label".to_owned()),
        ..classification()
    };
    let data = read_csv(text, "t", &by_name).unwrap();
    assert_eq!(data.feature_names, ["x", "y"]);
    assert_eq!(data.targets, [1.0, 0.0]);
    let by_index = CsvOptions {
        target: TargetColumn::Index(0),
        ..classification()
    };
    assert_eq!(read_csv(text, "t", &by_index).unwrap(), data);
}

#[test]
fn numeric_class_labels_sort_numerically() {
    let data = read_csv("x,digit\n1,10\n2,9\n3,10\n4,2\n", "t", &classification()).unwrap();
    assert_eq!(data.class_names, ["2", "9", "10"]);
    assert_eq!(data.targets, [2.0, 1.0, 2.0, 0.0]);
}

#[test]
fn an_empty_file_has_no_rows() {
    assert_eq!(error("", &classification()), "the file has no data rows");
    assert_eq!(
        error("a,b\n", &classification()),
        "the file has no data rows"
    );
}

#[test]
fn a_blank_feature_is_filled_with_the_mean_and_a_row_without_target_is_left_out() {
    // b's filled cells are 2 and 8: the blank (and NA) become their mean, 5.
    let data = read_csv("a,b,c\n1,2,3\n4,,6\n7,NA,9\n0,8,1\n", "t", &regression()).unwrap();
    assert_eq!(
        data.inputs,
        ndarray::array![[1.0, 2.0], [4.0, 5.0], [7.0, 5.0], [0.0, 8.0]]
    );
    assert!(data.notes.is_empty());
    // No target: the row is left out and counted.
    let data = read_csv("a,b,c\n1,2,3\n4,5,\n7,8,?\n0,1,2\n", "t", &regression()).unwrap();
    assert_eq!(data.targets, vec![3.0, 2.0]);
    assert_eq!(
        data.notes,
        vec!["2 rows without a target ('c') were left out"]
    );
}

#[test]
fn text_in_a_column_chosen_as_numbers_names_line_column_and_text() {
    use layerwright_nn::data::{ColumnChoice, ColumnKind};
    let numbers = CsvOptions {
        columns: vec![ColumnChoice {
            name: "b".to_owned(),
            role: None,
            kind: Some(ColumnKind::Number),
        }],
        ..regression()
    };
    assert_eq!(
        error("a,b,c\n1,2,3\n4,five,6\n", &numbers),
        "line 3, column 'b': 'five' is not a number"
    );
}

#[test]
fn text_in_a_regression_target_names_line_column_and_text() {
    assert_eq!(
        error("a,y\n1,2\n3,high\n", &regression()),
        "line 3, column 'y': 'high' is not a number"
    );
}

#[test]
fn an_infinite_target_is_refused_and_nan_is_a_blank() {
    assert_eq!(
        error("a,b\n1,2\n3,inf\n", &regression()),
        "line 3, column 'b': 'inf' is not a finite number"
    );
    let data = read_csv("a,b\n1,2\nNaN,3\n5,4\n", "t", &regression()).unwrap();
    assert_eq!(data.inputs.column(0).to_vec(), vec![1.0, 3.0, 5.0]);
}

#[test]
fn a_ragged_row_names_its_line_and_both_counts() {
    assert_eq!(
        error("a,b,c\n1,2,3\n4,5\n", &regression()),
        "line 3: expected 3 cells like the first row, found 2"
    );
}

#[test]
fn a_single_class_is_not_a_classification_problem() {
    assert_eq!(
        error("x,kind\n1,cat\n2,cat\n", &classification()),
        "column 'kind': every row has the class 'cat'; classification needs at least two"
    );
}

#[test]
fn more_than_1000_columns_are_refused_before_reading_on() {
    let row = vec!["1"; 1001].join(",");
    let text = format!("{row}\n{row}\n");
    assert_eq!(
        error(&text, &regression()),
        "line 1: 1001 columns is more than the 1000 supported"
    );
}

#[test]
fn more_than_a_million_rows_are_refused() {
    let text = "1,2\n".repeat(1_000_002);
    assert_eq!(
        error(&text, &regression()),
        "the file has more than 1000000 data rows; use a sample of it"
    );
}

#[test]
fn a_single_column_has_no_room_for_a_target() {
    assert_eq!(
        error("a\n1\n2\n", &regression()),
        "line 1: the file needs at least two columns (features and a target), found 1"
    );
}

#[test]
fn an_unknown_target_name_lists_the_columns() {
    let options = CsvOptions {
        target: TargetColumn::Name("species".to_owned()),
        ..classification()
    };
    assert_eq!(
        error("a,b\n1,2\n3,4\n", &options),
        "there is no column named 'species' (columns: a, b)"
    );
    let options = CsvOptions {
        target: TargetColumn::Index(5),
        ..classification()
    };
    assert_eq!(
        error("a,b\n1,2\n3,4\n", &options),
        "target column 5 is past the last column (2 columns, counted from 0)"
    );
}

#[test]
fn a_broken_quote_names_its_line() {
    let result = read_csv("a,b\n1,2\n\"3,4\n5,6,7\n", "t", &regression());
    // The quote swallows the rest of the file into one ragged record.
    assert!(
        matches!(
            result,
            Err(CsvError::Ragged { line: 3, .. } | CsvError::Unreadable { line: 3, .. })
        ),
        "{result:?}"
    );
}

#[test]
fn blank_lines_at_the_end_are_ignored() {
    let data = read_csv("a,b\n1,2\n3,4\n\n\n", "t", &regression()).unwrap();
    assert_eq!(data.len(), 2);
}

#[test]
fn the_bundled_sets_load_through_the_csv_reader() {
    let iris = BundledDataset::Iris.load().unwrap();
    assert_eq!((iris.len(), iris.feature_count()), (150, 4));
    assert_eq!(iris.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(iris.class_counts(), [50, 50, 50]);
    let digits = BundledDataset::Digits.load().unwrap();
    assert_eq!((digits.len(), digits.feature_count()), (1797, 64));
    assert_eq!(digits.class_count(), 10);
    assert_eq!(digits.class_names[9], "9");
    let diabetes = BundledDataset::Diabetes.load().unwrap();
    assert_eq!((diabetes.len(), diabetes.feature_count()), (442, 10));
    assert_eq!(diabetes.task, Task::Regression);
    assert_eq!(diabetes.target_name, "progression");
    assert!(
        BundledDataset::ALL
            .iter()
            .all(|set| !set.attribution().is_empty())
    );
}

#[test]
fn the_task_is_guessed_from_the_target_column() {
    use layerwright_nn::data::{HeaderRow, TargetColumn, Task, guess_task};
    let guess = |text: &str| guess_task(text, HeaderRow::Detect, &TargetColumn::Last).unwrap();
    // Text labels and a few whole numbers are classes.
    assert_eq!(guess("a,b,y\n1,2,cat\n3,4,dog\n"), Task::Classification);
    assert_eq!(guess("a,y\n1,0\n2,1\n3,2\n"), Task::Classification);
    // A fraction, or more than 10 distinct whole numbers, is a value to predict.
    assert_eq!(guess("a,y\n1,0.5\n2,1\n"), Task::Regression);
    let many: String = (0..11).map(|i| format!("{i},{i}\n")).collect();
    assert_eq!(guess(&format!("a,y\n{many}")), Task::Regression);
    // Errors keep read_csv's line.
    let error = guess_task("a,y\n1,2\n3\n", HeaderRow::Detect, &TargetColumn::Last)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "line 3: expected 2 cells like the first row, found 1"
    );
}

#[test]
fn semicolons_tabs_a_byte_order_mark_crlf_and_quoted_commas_are_read() {
    use layerwright_nn::data::{CsvOptions, HeaderRow, TargetColumn, Task, read_csv, separator_of};
    assert_eq!(separator_of("a,b,c\n1,2,3\n"), b',');
    assert_eq!(separator_of("a;b;c\n1,5;2,5;x\n"), b';');
    assert_eq!(separator_of("a\tb\n1\t2\n"), b'\t');
    // A quoted comma is not a separator.
    assert_eq!(separator_of("\"x, y\";b\n1;2\n"), b';');
    let options = CsvOptions {
        header: HeaderRow::Detect,
        target: TargetColumn::Last,
        task: Task::Classification,
        ..CsvOptions::default()
    };
    let text = "\u{feff}\"width, cm\";height;kind\r\n1.5;2;\"cat\"\r\n3;4;dog\r\n";
    let data = read_csv(text, "pets", &options).unwrap();
    assert_eq!(data.feature_names, vec!["width, cm", "height"]);
    assert_eq!(data.inputs, ndarray::array![[1.5, 2.0], [3.0, 4.0]]);
    assert_eq!(data.class_names, vec!["cat", "dog"]);
    let tabs = "a\tb\ty\n1\t2\t0\n3\t4\t1\n";
    assert_eq!(read_csv(tabs, "t", &options).unwrap().inputs.nrows(), 2);
}
