//! Classification metrics beyond accuracy: which class was taken for which.

use crate::math::float::Float;
use ndarray::ArrayView2;

/// Counts of (true class, predicted class) pairs: row `t`, column `p` counts the examples
/// of class `t` predicted as `p`. The diagonal holds the correct ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    classes: usize,
    counts: Vec<usize>,
}

impl ConfusionMatrix {
    /// An empty matrix for `classes` classes.
    pub fn new(classes: usize) -> Self {
        Self {
            classes,
            counts: vec![0; classes * classes],
        }
    }

    /// Counts each `(truth[i], predicted[i])` pair; pairs naming a class `≥ classes` are skipped.
    pub fn from_labels(classes: usize, truth: &[usize], predicted: &[usize]) -> Self {
        let mut matrix = Self::new(classes);
        for (&t, &p) in truth.iter().zip(predicted) {
            matrix.record(t, p);
        }
        matrix
    }

    /// Adds one example of class `truth` predicted as `predicted`.
    pub fn record(&mut self, truth: usize, predicted: usize) {
        if truth < self.classes && predicted < self.classes {
            self.counts[truth * self.classes + predicted] += 1;
        }
    }

    /// The number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Examples of class `truth` predicted as `predicted`.
    pub fn count(&self, truth: usize, predicted: usize) -> usize {
        if truth < self.classes && predicted < self.classes {
            self.counts[truth * self.classes + predicted]
        } else {
            0
        }
    }

    /// Examples of class `truth` (its row's sum).
    pub fn class_total(&self, truth: usize) -> usize {
        (0..self.classes).map(|p| self.count(truth, p)).sum()
    }

    /// All examples counted.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Correct predictions (the diagonal's sum).
    pub fn correct(&self) -> usize {
        (0..self.classes).map(|c| self.count(c, c)).sum()
    }

    /// The share of examples predicted correctly, if any were counted.
    pub fn accuracy(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.correct() as f64 / total as f64)
    }

    /// The share of class `truth`'s examples predicted as `truth` (its recall), if it has any.
    pub fn class_accuracy(&self, truth: usize) -> Option<f64> {
        let total = self.class_total(truth);
        (total > 0).then(|| self.count(truth, truth) as f64 / total as f64)
    }
}

/// The class of each row of classifier outputs or targets, `[n, width]`: with one column,
/// class 1 when the value is above ½ (a probability or a 0/1 target); with several, the
/// column of the largest value (first on ties).
pub fn classes_of<G: Float>(rows: ArrayView2<G>) -> Vec<usize> {
    rows.rows()
        .into_iter()
        .map(|row| {
            if row.len() == 1 {
                usize::from(row[0].widen() > 0.5)
            } else {
                let mut best = (0, f64::NEG_INFINITY);
                for (index, value) in row.iter().map(|v| v.widen()).enumerate() {
                    if value > best.1 {
                        best = (index, value);
                    }
                }
                best.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn counts_land_in_truth_rows_and_predicted_columns() {
        // Truth 0 0 1 1 1 2, predicted 0 1 1 1 2 2: one 0→1 and one 1→2 mistake.
        let matrix = ConfusionMatrix::from_labels(3, &[0, 0, 1, 1, 1, 2], &[0, 1, 1, 1, 2, 2]);
        assert_eq!(matrix.count(0, 0), 1);
        assert_eq!(matrix.count(0, 1), 1);
        assert_eq!(matrix.count(1, 1), 2);
        assert_eq!(matrix.count(1, 2), 1);
        assert_eq!(matrix.count(2, 2), 1);
        assert_eq!(matrix.count(2, 0), 0);
        assert_eq!(matrix.total(), 6);
        assert_eq!(matrix.correct(), 4);
        assert_eq!(matrix.accuracy(), Some(4.0 / 6.0));
        assert_eq!(matrix.class_accuracy(0), Some(0.5));
        assert_eq!(matrix.class_accuracy(1), Some(2.0 / 3.0));
        assert_eq!(matrix.class_accuracy(2), Some(1.0));
    }

    #[test]
    fn an_empty_class_has_no_accuracy_and_unknown_classes_are_skipped() {
        let matrix = ConfusionMatrix::from_labels(2, &[0, 5], &[0, 0]);
        assert_eq!(matrix.total(), 1);
        assert_eq!(matrix.class_accuracy(1), None);
        assert_eq!(ConfusionMatrix::new(2).accuracy(), None);
    }

    #[test]
    fn classes_come_from_a_threshold_or_the_largest_column() {
        assert_eq!(classes_of(array![[0.2], [0.7], [0.5]].view()), [0, 1, 0]);
        assert_eq!(
            classes_of(array![[0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.4, 0.4, 0.2]].view()),
            [1, 0, 0]
        );
    }
}
