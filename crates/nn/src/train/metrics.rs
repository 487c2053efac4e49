//! Metrics beyond the loss: which class was taken for which (the confusion matrix, with
//! each class's precision, recall and F1), the ROC curve of a two-class model and its area,
//! and a regression's errors in the target's units.

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

    /// Examples predicted as `predicted` (its column's sum).
    pub fn predicted_total(&self, predicted: usize) -> usize {
        (0..self.classes).map(|t| self.count(t, predicted)).sum()
    }

    /// Class `class`'s precision, recall and F1 (see [`ClassScores`]).
    pub fn class_scores(&self, class: usize) -> ClassScores {
        let hits = self.count(class, class) as f64;
        let share = |total: usize| (total > 0).then(|| hits / total as f64);
        let precision = share(self.predicted_total(class));
        let recall = share(self.class_total(class));
        let f1 = match (precision, recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        ClassScores {
            precision,
            recall,
            f1,
            support: self.class_total(class),
        }
    }
}

/// How well one class is found: with `TP` its examples predicted as it, `FP` other
/// examples predicted as it and `FN` its examples predicted as another class,
/// precision `TP/(TP + FP)`, recall `TP/(TP + FN)` and `F1 = 2·P·R/(P + R)`. `None` where
/// the denominator is 0 (nothing predicted as the class, or no example of it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassScores {
    /// Of the examples predicted as the class, the share that are of it.
    pub precision: Option<f64>,
    /// Of the class's examples, the share predicted as it.
    pub recall: Option<f64>,
    /// The harmonic mean of precision and recall (0 when both are 0).
    pub f1: Option<f64>,
    /// The class's examples.
    pub support: usize,
}

/// One point of a ROC curve: calling class 1 every example whose score is at least
/// `threshold` finds `true_positives` of the positives and wrongly calls
/// `false_positives` of the negatives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RocPoint {
    /// Scores at or above it are called class 1 (`+∞` for the first point: none are).
    pub threshold: f64,
    /// Positives called class 1.
    pub true_positives: usize,
    /// Negatives called class 1.
    pub false_positives: usize,
}

/// The receiver operating characteristic of two-class scores: the true-positive rate
/// `TPR = TP/P` against the false-positive rate `FPR = FP/N` as the threshold falls from
/// above every score to the lowest, one point per distinct score (ties move together).
#[derive(Clone, Debug, PartialEq)]
pub struct RocCurve {
    /// From `(0, 0)` (nothing called class 1) to `(1, 1)` (everything is).
    pub points: Vec<RocPoint>,
    /// The examples of class 1, `P`.
    pub positives: usize,
    /// The examples of class 0, `N`.
    pub negatives: usize,
}

impl RocCurve {
    /// The curve of `scores` (the probability of class 1) against `positive` (whether each
    /// example is of class 1). `None` unless both classes are present and every score is a
    /// number.
    pub fn of(scores: &[f64], positive: &[bool]) -> Option<Self> {
        if scores.len() != positive.len() || scores.iter().any(|s| s.is_nan()) {
            return None;
        }
        let positives = positive.iter().filter(|&&p| p).count();
        let negatives = positive.len() - positives;
        if positives == 0 || negatives == 0 {
            return None;
        }
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let mut points = vec![RocPoint {
            threshold: f64::INFINITY,
            true_positives: 0,
            false_positives: 0,
        }];
        let (mut true_positives, mut false_positives) = (0, 0);
        for (rank, &index) in order.iter().enumerate() {
            if positive[index] {
                true_positives += 1;
            } else {
                false_positives += 1;
            }
            let last_of_its_score = order
                .get(rank + 1)
                .is_none_or(|&next| scores[next] != scores[index]);
            if last_of_its_score {
                points.push(RocPoint {
                    threshold: scores[index],
                    true_positives,
                    false_positives,
                });
            }
        }
        Some(Self {
            points,
            positives,
            negatives,
        })
    }

    /// `(FPR, TPR)` of point `index`.
    pub fn rates(&self, index: usize) -> Option<(f64, f64)> {
        let point = self.points.get(index)?;
        Some((
            point.false_positives as f64 / self.negatives as f64,
            point.true_positives as f64 / self.positives as f64,
        ))
    }

    /// The area under the curve by the trapezoid rule: the chance that a random positive
    /// scores above a random negative, ties counting a half.
    pub fn area(&self) -> f64 {
        (1..self.points.len())
            .filter_map(|k| {
                let (x0, y0) = self.rates(k - 1)?;
                let (x1, y1) = self.rates(k)?;
                Some((x1 - x0) * (y0 + y1) / 2.0)
            })
            .sum()
    }

    /// The two-class confusion matrix at point `index` (rows true class 0, 1; columns
    /// predicted 0, 1).
    pub fn confusion_at(&self, index: usize) -> Option<ConfusionMatrix> {
        let point = self.points.get(index)?;
        let mut matrix = ConfusionMatrix::new(2);
        matrix.counts = vec![
            self.negatives - point.false_positives,
            point.false_positives,
            self.positives - point.true_positives,
            point.true_positives,
        ];
        Some(matrix)
    }

    /// The point whose threshold is the smallest at or above `threshold` (the one that
    /// calls class 1 exactly the scores `≥ threshold`), or the first.
    pub fn point_at(&self, threshold: f64) -> usize {
        self.points
            .iter()
            .rposition(|p| p.threshold >= threshold)
            .unwrap_or(0)
    }

    /// At most `limit` (≥ 2) of the points, evenly spread and keeping both ends: a curve
    /// of a large split small enough to send and draw. The area is the caller's to take
    /// first.
    pub fn thinned(&self, limit: usize) -> Self {
        let limit = limit.max(2);
        let count = self.points.len();
        let points = if count <= limit {
            self.points.clone()
        } else {
            (0..limit)
                .map(|k| self.points[k * (count - 1) / (limit - 1)])
                .collect()
        };
        Self {
            points,
            positives: self.positives,
            negatives: self.negatives,
        }
    }
}

/// A regression's errors in the target's units over `n` examples: mean absolute error
/// `MAE = Σ|ŷ − y|/n`, root mean squared error `RMSE = √(Σ(ŷ − y)²/n)` and
/// `R² = 1 − Σ(ŷ − y)²/Σ(y − ȳ)²`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegressionErrors {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// The coefficient of determination (`None` when every `y` is the same).
    pub r_squared: Option<f64>,
}

impl RegressionErrors {
    /// The errors of `predicted` against `actual` (the same length); `None` when empty.
    pub fn of(actual: &[f64], predicted: &[f64]) -> Option<Self> {
        if actual.is_empty() || actual.len() != predicted.len() {
            return None;
        }
        let n = actual.len() as f64;
        let mean = actual.iter().sum::<f64>() / n;
        let (mut absolute, mut squared, mut total) = (0.0, 0.0, 0.0);
        for (&y, &p) in actual.iter().zip(predicted) {
            absolute += (p - y).abs();
            squared += (p - y).powi(2);
            total += (y - mean).powi(2);
        }
        Some(Self {
            mae: absolute / n,
            rmse: (squared / n).sqrt(),
            r_squared: (total > 0.0).then(|| 1.0 - squared / total),
        })
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
    fn precision_recall_and_f1_of_each_class_by_hand() {
        // Truth 0 0 1 1 1 2, predicted 0 1 1 1 2 2.
        let matrix = ConfusionMatrix::from_labels(3, &[0, 0, 1, 1, 1, 2], &[0, 1, 1, 1, 2, 2]);
        // Class 0: predicted once, rightly (P = 1); found 1 of 2 (R = ½); F1 = 2·½/(3/2) = ⅔.
        assert_eq!(
            matrix.class_scores(0),
            ClassScores {
                precision: Some(1.0),
                recall: Some(0.5),
                f1: Some(2.0 / 3.0),
                support: 2,
            }
        );
        // Class 1: predicted 3 times, 2 rightly (P = ⅔); found 2 of 3 (R = ⅔); F1 = ⅔.
        let one = matrix.class_scores(1);
        assert_eq!(
            (one.precision, one.recall),
            (Some(2.0 / 3.0), Some(2.0 / 3.0))
        );
        assert!((one.f1.unwrap() - 2.0 / 3.0).abs() < 1e-15);
        // Class 2: predicted twice, once rightly (P = ½); found 1 of 1 (R = 1); F1 = ⅔.
        let two = matrix.class_scores(2);
        assert_eq!((two.precision, two.recall), (Some(0.5), Some(1.0)));
        assert!((two.f1.unwrap() - 2.0 / 3.0).abs() < 1e-15);
        // A class never predicted and never present has neither.
        let empty = ConfusionMatrix::from_labels(3, &[0], &[0]).class_scores(2);
        assert_eq!(
            (empty.precision, empty.recall, empty.f1),
            (None, None, None)
        );
    }

    #[test]
    fn a_roc_curve_and_its_area_by_hand() {
        // Scores 0.9 (+), 0.8 (−), 0.7 (+), 0.3 (−), 0.3 (+), 0.1 (−): P = 3, N = 3.
        let scores = [0.9, 0.8, 0.7, 0.3, 0.3, 0.1];
        let positive = [true, false, true, false, true, false];
        let roc = RocCurve::of(&scores, &positive).unwrap();
        let rates: Vec<(f64, f64)> = (0..roc.points.len())
            .map(|k| roc.rates(k).unwrap())
            .collect();
        let third = 1.0 / 3.0;
        // The two 0.3s move together: one positive and one negative at once.
        assert_eq!(
            rates,
            [
                (0.0, 0.0),
                (0.0, third),
                (third, third),
                (third, 2.0 * third),
                (2.0 * third, 1.0),
                (1.0, 1.0),
            ]
        );
        // Pairs (positive, negative) ranked right: 0.9 beats all 3; 0.7 beats 0.3 and 0.1;
        // 0.3 beats 0.1 and ties 0.3 (a half): (3 + 2 + 1.5)/9 = 6.5/9.
        assert!((roc.area() - 6.5 / 9.0).abs() < 1e-15);
        // At threshold 0.7: 2 of 3 positives and 1 of 3 negatives called class 1.
        let at = roc.point_at(0.7);
        assert_eq!(roc.points[at].threshold, 0.7);
        let matrix = roc.confusion_at(at).unwrap();
        assert_eq!(
            [
                matrix.count(0, 0),
                matrix.count(0, 1),
                matrix.count(1, 0),
                matrix.count(1, 1)
            ],
            [2, 1, 1, 2]
        );
        // 0.5 calls the same examples class 1 as 0.7 does.
        assert_eq!(roc.point_at(0.5), at);
        // One class only: no curve.
        assert!(RocCurve::of(&[0.2, 0.4], &[true, true]).is_none());
    }

    #[test]
    fn a_perfect_ranking_has_area_one_and_thinning_keeps_both_ends() {
        let scores: Vec<f64> = (0..100).map(|i| f64::from(i) / 100.0).collect();
        let positive: Vec<bool> = (0..100).map(|i| i >= 50).collect();
        let roc = RocCurve::of(&scores, &positive).unwrap();
        assert_eq!(roc.area(), 1.0);
        let thin = roc.thinned(10);
        assert_eq!(thin.points.len(), 10);
        assert_eq!(thin.points.first(), roc.points.first());
        assert_eq!(thin.points.last(), roc.points.last());
    }

    #[test]
    fn regression_errors_by_hand() {
        // Residuals ŷ − y: 1, −1, 2, 0 ; y mean 2.5, Σ(y − ȳ)² = 2.25 + 0.25 + 0.25 + 2.25 = 5.
        let errors = RegressionErrors::of(&[1.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 5.0, 4.0]).unwrap();
        assert_eq!(errors.mae, 1.0);
        assert_eq!(errors.rmse, (6.0f64 / 4.0).sqrt());
        assert_eq!(errors.r_squared, Some(1.0 - 6.0 / 5.0));
        assert!(RegressionErrors::of(&[], &[]).is_none());
        assert_eq!(
            RegressionErrors::of(&[2.0, 2.0], &[1.0, 3.0])
                .unwrap()
                .r_squared,
            None
        );
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
