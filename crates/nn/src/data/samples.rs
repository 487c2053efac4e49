//! Examples as the network sees them: inputs and targets in the precision training uses.

use std::any::Any;
use std::sync::Arc;

use ndarray::{Array2, Axis, Slice};

use crate::math::float::Float;

/// Examples for training or evaluation: `inputs: [n, features]`, `targets: [n, outputs]`
/// (one-hot rows for softmax, 0/1 for sigmoid, values for regression), in `F`.
///
/// The arrays are shared, not copied: a clone, and a trainer in the same precision, hold the
/// same memory. A compiled graph keeps its splits in `f32`, the precision the app and the
/// command line train in, so a large set is stored once; hand-worked tests build `f64`
/// samples (the default) and train in `f64`.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples<F = f64> {
    /// One example per row.
    pub inputs: Arc<Array2<F>>,
    /// The wanted output of each example, one row each.
    pub targets: Arc<Array2<F>>,
}

impl<F: Float> Samples<F> {
    /// Samples from `inputs: [n, features]` and `targets: [n, outputs]` (not checked here:
    /// a trainer checks the shapes against its network).
    pub fn new(inputs: Array2<F>, targets: Array2<F>) -> Self {
        Self {
            inputs: Arc::new(inputs),
            targets: Arc::new(targets),
        }
    }

    /// The number of examples.
    pub fn len(&self) -> usize {
        self.inputs.nrows()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.inputs.nrows() == 0
    }

    /// The same examples in precision `T`: shared when `T` is `F`, otherwise converted
    /// (rounded to nearest for `f32`, exact for `f64`).
    pub fn in_precision<T: Float>(&self) -> Samples<T> {
        if let Some(same) = (self as &dyn Any).downcast_ref::<Samples<T>>() {
            return same.clone();
        }
        let convert = |array: &Array2<F>| array.mapv(|v| T::cast(v.widen()));
        Samples::new(convert(&self.inputs), convert(&self.targets))
    }

    /// The examples `rows` (row indices; any part past the end is left out) as `f64`
    /// samples of their own: what the step-through and the gradient check, which work in
    /// `f64`, take.
    pub fn rows_in_f64(&self, rows: std::ops::Range<usize>) -> Samples<f64> {
        let end = rows.end.min(self.len());
        let start = rows.start.min(end);
        let widened = |array: &Array2<F>| {
            array
                .slice_axis(Axis(0), Slice::from(start..end))
                .mapv(Float::widen)
        };
        Samples::new(widened(&self.inputs), widened(&self.targets))
    }

    /// Examples whose targets are class indices, turned into one-hot rows of `classes` columns
    /// (or a single 0/1 column when `classes` is 1).
    pub fn from_class_labels(inputs: Array2<F>, labels: &[usize], classes: usize) -> Self {
        let (one, zero) = (F::one(), F::zero());
        let targets = if classes <= 1 {
            Array2::from_shape_fn(
                (labels.len(), 1),
                |(r, _)| {
                    if labels[r] > 0 { one } else { zero }
                },
            )
        } else {
            Array2::from_shape_fn((labels.len(), classes), |(r, c)| {
                if labels[r] == c { one } else { zero }
            })
        };
        Self::new(inputs, targets)
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn samples_in_their_own_precision_share_their_arrays() {
        let samples = Samples::new(array![[0.5f32], [1.5]], array![[1.0f32], [0.0]]);
        let same: Samples<f32> = samples.in_precision();
        assert!(Arc::ptr_eq(&samples.inputs, &same.inputs));
        assert!(Arc::ptr_eq(&samples.targets, &same.targets));
    }

    #[test]
    fn samples_in_another_precision_are_converted() {
        let samples = Samples::new(array![[0.1f64, 2.0]], array![[3.0f64]]);
        let narrow: Samples<f32> = samples.in_precision();
        assert_eq!(*narrow.inputs, array![[0.1f32, 2.0]]);
        assert_eq!(*narrow.targets, array![[3.0f32]]);
        let wide: Samples<f64> = narrow.in_precision();
        assert_eq!(wide.inputs[[0, 0]], f64::from(0.1f32));
    }

    #[test]
    fn a_range_of_rows_comes_out_in_f64() {
        let samples = Samples::new(
            array![[0.5f32], [1.5], [2.5]],
            array![[1.0f32], [0.0], [1.0]],
        );
        let middle = samples.rows_in_f64(1..3);
        assert_eq!(*middle.inputs, array![[1.5f64], [2.5]]);
        assert_eq!(*middle.targets, array![[0.0f64], [1.0]]);
    }

    #[test]
    fn class_labels_become_one_hot_rows_or_one_column() {
        let inputs = Array2::<f32>::zeros((3, 1));
        let three = Samples::from_class_labels(inputs.clone(), &[2, 0, 1], 3);
        assert_eq!(
            *three.targets,
            array![[0.0f32, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
        );
        let two = Samples::from_class_labels(inputs, &[1, 0, 1], 1);
        assert_eq!(*two.targets, array![[1.0f32], [0.0], [1.0]]);
    }
}
