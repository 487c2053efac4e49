//! A practitioner's CSV: a byte-order mark, `;` separators, CRLF, a quoted field with a
//! comma, text columns, blanks and `NA`, an id column and a row without its target. It
//! loads with notes, trains, and predicts new rows given in another column order.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;
use layerwright_nn::Precision;
use layerwright_nn::compile::{compile, compile_trained, load_dataset};
use layerwright_nn::data::{CellEncoding, HeaderRow, Task, UnseenCategory, read_prediction_rows};
use layerwright_nn::graph::starter::starter_document;
use layerwright_nn::graph::{DataSource, DatasetSpec, GraphDocument};
use layerwright_nn::network::inference::Predictions;

fn temporary_dir(name: &str) -> common::TempFolder {
    common::TempFolder::new("real", name)
}

/// 120 penguins: the species follows the island and the bill (Adelie below 42 mm on any
/// island, Gentoo on Biscoe above it, Chinstrap on "Dream, north" above it).
fn penguins() -> String {
    let mut text = String::from("\u{feff}id;island;\"bill length, mm\";sex;species\r\n");
    for i in 0..120 {
        let island = ["Biscoe", "\"Dream, north\"", "Torgersen"][i % 3];
        let long = i % 2 == 0;
        let bill = if long {
            45.0 + (i % 7) as f64
        } else {
            36.0 + (i % 5) as f64
        };
        let species = match (island, long) {
            (_, false) => "Adelie",
            ("Biscoe", true) => "Gentoo",
            (_, true) => "Chinstrap",
        };
        // Some blanks and NA among the features.
        let bill = if i % 17 == 0 {
            "NA".to_owned()
        } else {
            bill.to_string()
        };
        let sex = match i % 11 {
            0 => "",
            n if n % 2 == 0 => "MALE",
            _ => "FEMALE",
        };
        text.push_str(&format!("P-{i:03};{island};{bill};{sex};{species}\r\n"));
    }
    // A penguin nobody identified.
    text.push_str("P-999;Biscoe;50;MALE;\r\n");
    text
}

fn document_on(path: &std::path::Path) -> GraphDocument {
    let mut spec = DatasetSpec::csv(&path.display().to_string(), Task::Classification);
    if let DataSource::Csv { header, .. } = &mut spec.source {
        *header = HeaderRow::Detect;
    }
    let mut document = starter_document(spec, 3);
    document.training.epochs = 150;
    document
}

#[test]
fn a_real_world_csv_loads_with_notes_trains_and_predicts_rows_in_another_order() {
    let dir = temporary_dir("penguins");
    let path = dir.join("penguins.csv");
    std::fs::write(&path, penguins()).unwrap();
    let document = document_on(&path);
    let dataset = load_dataset(&document.dataset, None).unwrap();
    assert_eq!(dataset.len(), 120, "the row without a species is left out");
    assert_eq!(
        dataset.notes,
        vec![
            "column 'id' is ignored: most rows have their own value (an id or a date?)",
            "1 row without a target ('species') was left out",
        ]
    );
    assert_eq!(dataset.class_names, vec!["Adelie", "Chinstrap", "Gentoo"]);
    let encoding = dataset.encoding.clone().unwrap();
    // The bill (a number), then island's and sex's one-hot blocks.
    assert_eq!(dataset.feature_names[0], "bill length, mm");
    assert!(
        dataset
            .feature_names
            .contains(&"island=Dream, north".to_owned())
    );
    assert_eq!(dataset.feature_count(), 1 + 3 + 2);
    assert!(matches!(
        encoding.columns[0].encoding,
        CellEncoding::Ignored
    ));
    // Train it.
    let compiled = compile(&document, &dataset).unwrap();
    let mut session = compiled.session(Precision::F64).unwrap();
    session.run_epochs(150).unwrap();
    let accuracy = session
        .evaluate(&compiled.data.test)
        .unwrap()
        .accuracy
        .unwrap();
    assert!(accuracy > 0.9, "test accuracy {accuracy}");
    // Saved with its weights, it predicts new rows by column name: target present, order
    // changed, the id left out, a blank bill filled.
    let mut trained = document.clone();
    trained.weights = Some(compiled.trained_weights(&session.parameters(), 150));
    let model = compile_trained(&trained).unwrap();
    let rows = "species,sex,bill length, mm,island\n?,MALE,48,Biscoe\n?,FEMALE,37,Torgersen\n";
    let rows = rows.replace("bill length, mm", "\"bill length, mm\"");
    let raw = read_prediction_rows(&rows, model.description()).unwrap();
    let Predictions::Classes { predicted, .. } = model.predict(raw.view()).unwrap() else {
        panic!("classes")
    };
    assert_eq!(predicted, vec![2, 0], "Gentoo, then Adelie");
    // An island the penguins never came from.
    let error = read_prediction_rows(
        "island,\"bill length, mm\",sex\nMars,40,MALE\n",
        model.description(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with(
            "line 2, column 'island': the category 'Mars' was not in the training data"
        ),
        "{error}"
    );
}

#[test]
fn a_category_only_in_the_test_split_is_zeros_with_a_note_and_in_new_rows_follows_the_document() {
    let dir = temporary_dir("unseen");
    let path = dir.join("rare.csv");
    let mut text = String::from("colour,size,label\n");
    for i in 0..40 {
        let colour = if i == 7 {
            "violet"
        } else {
            ["red", "blue"][i % 2]
        };
        text.push_str(&format!("{colour},{},{}\n", i % 5, i % 2));
    }
    std::fs::write(&path, text).unwrap();
    let mut document = document_on(&path);
    document.dataset.train_fraction = 0.5;
    // Some split seed puts the one violet row in the test split: it loads, violet as zeros.
    let seed = (1..50)
        .find(|&seed| {
            document.dataset.seed = seed;
            load_dataset(&document.dataset, None).is_ok_and(|d| !d.notes.is_empty())
        })
        .unwrap();
    document.dataset.seed = seed;
    let dataset = load_dataset(&document.dataset, None).unwrap();
    assert_eq!(
        dataset.notes,
        vec!["1 row of the test split has a category the training split lacks, encoded as zeros"]
    );
    assert_eq!(
        dataset.feature_names,
        vec!["size", "colour=red", "colour=blue"]
    );
    assert_eq!(dataset.inputs.row(7).to_vec(), vec![2.0, 0.0, 0.0]);
    // New rows follow the document: an error naming it, or zeros when it says so.
    let compiled = compile(&document, &dataset).unwrap();
    let session = compiled.session(Precision::F64).unwrap();
    let mut trained = document.clone();
    trained.weights = Some(compiled.trained_weights(&session.parameters(), 0));
    let model = compile_trained(&trained).unwrap();
    let error = read_prediction_rows("colour,size\nviolet,3\n", model.description())
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "line 2, column 'colour': the category 'violet' was not in the training data (it has red, blue); choose to encode unseen categories as zeros to accept it"
    );
    trained.dataset.unseen = UnseenCategory::Zeros;
    if let Some(weights) = &mut trained.weights
        && let Some(encoding) = &mut weights.data.columns
    {
        encoding.unseen = UnseenCategory::Zeros;
    }
    let model = compile_trained(&trained).unwrap();
    let raw = read_prediction_rows("colour,size\nviolet,3\n", model.description()).unwrap();
    assert_eq!(raw.row(0).to_vec(), vec![3.0, 0.0, 0.0]);
}

#[test]
fn a_date_column_with_a_value_on_most_rows_is_ignored_with_a_note() {
    let mut text = String::from("day;outlook;temperature;humidity;play\n");
    for i in 0..40 {
        let outlook = ["sunny", "overcast", "rain"][i % 3];
        let play = if outlook == "overcast" || i % 2 == 0 {
            "yes"
        } else {
            "no"
        };
        text.push_str(&format!(
            "2026-03-{:02};{outlook};{};{};{play}\n",
            i % 28 + 1,
            15 + i % 12,
            60 + i % 30
        ));
    }
    let options = layerwright_nn::data::CsvOptions::default();
    let data = layerwright_nn::data::read_csv(&text, "w", &options).unwrap();
    // 28 distinct dates on 40 rows: more than half.
    assert_eq!(
        data.notes,
        vec!["column 'day' is ignored: most rows have their own value (an id or a date?)"]
    );
    assert_eq!(data.feature_count(), 2 + 3);
}

#[test]
fn reading_reports_its_progress_over_three_passes_from_zero_towards_one() {
    use layerwright_nn::data::csv_file::TableSource;
    use layerwright_nn::data::table::read_table_reporting;
    let mut text = String::from("a,b,label\n");
    for i in 0..10_000 {
        text.push_str(&format!("{},{},{}\n", i % 7, i % 11, i % 2));
    }
    let seen = std::cell::RefCell::new(Vec::new());
    let options = layerwright_nn::data::CsvOptions::default();
    let data = read_table_reporting(&TableSource::Text(&text), "t", &options, &|f| {
        seen.borrow_mut().push(f);
    })
    .unwrap();
    assert_eq!(data.len(), 10_000);
    let seen = seen.into_inner();
    // Every 4096 records of each pass: 3 reports per pass of 10,000.
    assert_eq!(seen.len(), 9);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(seen[0] < 0.01, "{seen:?}");
    assert!(seen[8] > 0.9 && seen[8] <= 1.0, "{seen:?}");
}
