//! What a data set holds at a glance: each column's statistics and the classes' counts, and
//! the data written back out as CSV.

use super::{Dataset, Task, class_index};

/// One column's statistics over every example.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnStats {
    /// The column's name.
    pub name: String,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// `mean = Σ x / n`.
    pub mean: f64,
    /// The population standard deviation `√(Σ (x − mean)² / n)`.
    pub std: f64,
}

impl ColumnStats {
    /// The statistics of `values` (all zero when there are none).
    pub fn of(name: &str, values: impl Iterator<Item = f64> + Clone) -> Self {
        let (count, sum, min, max) = values.clone().fold(
            (0_usize, 0.0, f64::INFINITY, f64::NEG_INFINITY),
            |(n, s, lo, hi), v| (n + 1, s + v, lo.min(v), hi.max(v)),
        );
        if count == 0 {
            return Self {
                name: name.to_owned(),
                min: 0.0,
                max: 0.0,
                mean: 0.0,
                std: 0.0,
            };
        }
        let mean = sum / count as f64;
        let variance = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / count as f64;
        Self {
            name: name.to_owned(),
            min,
            max,
            mean,
            std: variance.sqrt(),
        }
    }
}

/// A data set's summary: statistics per feature column and of the target, and for
/// classification how many examples each class has.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSummary {
    /// One entry per feature column, in order.
    pub features: Vec<ColumnStats>,
    /// The target's statistics (class indices for classification).
    pub target: ColumnStats,
    /// `(class name, count)` per class; empty for regression.
    pub class_counts: Vec<(String, usize)>,
}

impl Dataset {
    /// Every column's statistics and the class counts. Reads each value twice: `O(n · d)`.
    pub fn summary(&self) -> DataSummary {
        let features = self
            .feature_names
            .iter()
            .zip(self.inputs.columns())
            .map(|(name, column)| ColumnStats::of(name, column.iter().copied()))
            .collect();
        let class_counts = self
            .class_names
            .iter()
            .cloned()
            .zip(self.class_counts())
            .collect();
        DataSummary {
            features,
            target: ColumnStats::of(&self.target_name, self.targets.iter().copied()),
            class_counts,
        }
    }

    /// The data as CSV text: a header of the feature names and the target name, then one
    /// line per example with the class's name (classification) or value (regression) last.
    /// Reading it back with a header and the last column as target gives the same data.
    pub fn to_csv(&self) -> String {
        let mut text = String::new();
        let header: Vec<String> = self
            .feature_names
            .iter()
            .chain(std::iter::once(&self.target_name))
            .map(|name| csv_cell(name))
            .collect();
        text.push_str(&header.join(","));
        text.push('\n');
        for (row, &target) in self.inputs.rows().into_iter().zip(&self.targets) {
            for value in row {
                text.push_str(&value.to_string());
                text.push(',');
            }
            let label = match self.task {
                Task::Classification => class_index(target)
                    .and_then(|c| self.class_names.get(c))
                    .map_or_else(|| target.to_string(), |name| csv_cell(name)),
                Task::Regression => target.to_string(),
            };
            text.push_str(&label);
            text.push('\n');
        }
        text
    }
}

/// A cell quoted when it holds a comma, quote or line break.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use ndarray::array;

    use super::*;
    use crate::data::{CsvOptions, HeaderRow, TargetColumn, read_csv};

    fn tiny() -> Dataset {
        Dataset {
            name: "tiny".to_owned(),
            task: Task::Classification,
            feature_names: vec!["a".to_owned(), "b, c".to_owned()],
            target_name: "kind".to_owned(),
            inputs: array![[1.0, 2.0], [3.0, 6.0], [5.0, 10.0]],
            targets: vec![0.0, 1.0, 1.0],
            class_names: vec!["cat".to_owned(), "dog".to_owned()],
            encoding: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn statistics_are_worked_out_by_hand() {
        let summary = tiny().summary();
        let a = &summary.features[0];
        // a = 1, 3, 5: mean 3, variance (4 + 0 + 4)/3.
        assert_eq!((a.min, a.max, a.mean), (1.0, 5.0, 3.0));
        assert!((a.std - (8.0_f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(summary.features[1].mean, 6.0);
        assert_eq!(
            summary.class_counts,
            vec![("cat".to_owned(), 1), ("dog".to_owned(), 2)]
        );
    }

    #[test]
    fn written_csv_reads_back_as_the_same_data() {
        let data = tiny();
        let text = data.to_csv();
        assert!(text.starts_with("a,\"b, c\",kind\n1,2,cat\n"), "{text}");
        let options = CsvOptions {
            header: HeaderRow::Present,
            target: TargetColumn::Last,
            task: Task::Classification,
            ..CsvOptions::default()
        };
        let back = read_csv(&text, "tiny", &options).unwrap();
        assert_eq!(back.inputs, data.inputs);
        assert_eq!(back.targets, data.targets);
        assert_eq!(back.class_names, data.class_names);
        assert_eq!(back.feature_names, data.feature_names);
    }
}
