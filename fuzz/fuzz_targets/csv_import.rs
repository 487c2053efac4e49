//! Any text as a CSV file, with each header and target choice: reading it must give a data
//! set or an error naming the line, never a panic.
#![no_main]

use layerwright_nn::data::Task;
use layerwright_nn::data::csv_file::{CsvOptions, HeaderRow, TargetColumn, read_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Some((&choice, rest)) = bytes.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let options = CsvOptions {
        header: match choice % 3 {
            0 => HeaderRow::Detect,
            1 => HeaderRow::Present,
            _ => HeaderRow::Absent,
        },
        target: match (choice / 3) % 3 {
            0 => TargetColumn::Last,
            1 => TargetColumn::Index(usize::from(choice / 9)),
            _ => TargetColumn::Name("y".to_owned()),
        },
        task: if choice & 0x80 == 0 {
            Task::Classification
        } else {
            Task::Regression
        },
    };
    let _ = read_csv(text, "fuzz.csv", &options);
});
