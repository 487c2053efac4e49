//! Batch and layer normalisation, forward and backward side by side.
//!
//! Both normalise `x: [n, d]` to `x̂ = (x − μ)/√(σ² + ε)` and then scale and shift each
//! unit, `y = γ ⊙ x̂ + β` with `γ, β: [1, d]` learned (not regularised). They differ in
//! what the mean and variance are taken over:
//!
//! - **Batch norm**: each unit `j` over the batch, `μ_j = Σ_i x_ij / n`,
//!   `σ²_j = Σ_i (x_ij − μ_j)² / n`. At inference the running estimates replace the
//!   batch's, so one example's output does not depend on the others.
//! - **Layer norm**: each example `i` over its units, `μ_i = Σ_j x_ij / d`,
//!   `σ²_i = Σ_j (x_ij − μ_i)² / d`, the same in training and inference.
//!
//! Backward, with `g = ∂L/∂y` and `s = 1/√(σ² + ε)`:
//! `∂L/∂γ_j = Σ_i g_ij x̂_ij`, `∂L/∂β_j = Σ_i g_ij`, `∂L/∂x̂ = g ⊙ γ`, and over the `m`
//! values that share a mean and variance (a column of `n` for batch norm, a row of `d` for
//! layer norm): `∂L/∂x = (s/m)·(m·∂L/∂x̂ − Σ ∂L/∂x̂ − x̂ ⊙ Σ(∂L/∂x̂ ⊙ x̂))`. For batch norm
//! the two sums are `γ_j ∂L/∂β_j` and `γ_j ∂L/∂γ_j`; at inference (running statistics,
//! constants) `∂L/∂x = ∂L/∂x̂ · s`.

use ndarray::{ArrayView2, ArrayViewMut2, Axis};

use crate::math::float::Float;
use crate::network::architecture::{NodeId, ParameterId, ParameterSet};

/// PyTorch's default batch-norm momentum `m` (ONNX writes `1 − m`).
pub const DEFAULT_MOMENTUM: f64 = 0.1;
/// The default `ε` added to the variance, as PyTorch's and ONNX's.
pub const DEFAULT_EPSILON: f64 = 1e-5;

/// A batch-normalisation node's parameters.
///
/// `y = γ ⊙ (x − μ)/√(σ² + ε) + β`, `x, y: [batch, units]`, `γ, β: [1, units]`; `μ, σ²`
/// the batch's while training, the running estimates at inference, which every training
/// step moves as PyTorch does: `running = (1 − m)·running + m·batch`, the variance's batch
/// value unbiased (`× n/(n − 1)`).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNormLayer {
    /// The node it reads.
    pub input: NodeId,
    /// `γ: [1, units]`, starting at 1.
    pub scale: ParameterId,
    /// `β: [1, units]`, starting at 0.
    pub shift: ParameterId,
    /// The running mean `[1, units]`, starting at 0; not trained by gradient.
    pub running_mean: ParameterId,
    /// The running variance `[1, units]`, starting at 1; not trained by gradient.
    pub running_variance: ParameterId,
    /// `ε > 0` added to the variance.
    pub epsilon: f64,
    /// The running statistics' momentum `m` in `(0, 1]`.
    pub momentum: f64,
}

/// A layer-normalisation node's parameters.
///
/// `y = γ ⊙ (x − μ_i)/√(σ²_i + ε) + β`, each example `i` normalised over its own units;
/// `x, y: [batch, units]`, `γ, β: [1, units]`.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerNormLayer {
    /// The node it reads.
    pub input: NodeId,
    /// `γ: [1, units]`, starting at 1.
    pub scale: ParameterId,
    /// `β: [1, units]`, starting at 0.
    pub shift: ParameterId,
    /// `ε > 0` added to the variance.
    pub epsilon: f64,
}

/// The rows of a batch-norm node's statistics buffer `[3, units]`.
pub(crate) const MEAN_ROW: usize = 0;
pub(crate) const VARIANCE_ROW: usize = 1;
pub(crate) const INVERSE_STD_ROW: usize = 2;

/// Batch norm in training: the batch's `μ`, `σ²` and `s = 1/√(σ² + ε)` into `statistics`
/// (`[3, units]`, rows mean, variance, s), `x̂` into `normalized` and `y = γ x̂ + β` into `y`.
pub(crate) fn batch_norm_training<F: Float>(
    layer: &BatchNormLayer,
    parameters: &ParameterSet<F>,
    x: ArrayView2<F>,
    mut normalized: ArrayViewMut2<F>,
    mut statistics: ArrayViewMut2<F>,
    y: ArrayViewMut2<F>,
) {
    let rows = F::cast(x.nrows() as f64);
    statistics.fill(F::zero());
    for row in x.rows() {
        let mut sums = statistics.row_mut(MEAN_ROW);
        sums += &row;
    }
    statistics.row_mut(MEAN_ROW).mapv_inplace(|s| s / rows);
    for row in x.rows() {
        let (means, mut rest) = statistics.view_mut().split_at(Axis(0), 1);
        let mut squares = rest.row_mut(0);
        for ((square, &value), &mean) in squares.iter_mut().zip(row).zip(means.row(0)) {
            *square += (value - mean) * (value - mean);
        }
    }
    let epsilon = F::cast(layer.epsilon);
    for column in 0..statistics.ncols() {
        let variance = statistics[[VARIANCE_ROW, column]] / rows;
        statistics[[VARIANCE_ROW, column]] = variance;
        statistics[[INVERSE_STD_ROW, column]] = F::one() / (variance + epsilon).sqrt();
    }
    normalize_columns(x, statistics.view(), normalized.view_mut());
    scale_and_shift(parameters, layer.scale, layer.shift, normalized.view(), y);
}

/// Batch norm at inference: `x̂ = (x − running mean)·s`, `s = 1/√(running variance + ε)`
/// (kept in `statistics`' row 2 for the backward pass), `y = γ x̂ + β`.
pub(crate) fn batch_norm_inference<F: Float>(
    layer: &BatchNormLayer,
    parameters: &ParameterSet<F>,
    x: ArrayView2<F>,
    mut normalized: ArrayViewMut2<F>,
    mut statistics: ArrayViewMut2<F>,
    y: ArrayViewMut2<F>,
) {
    let epsilon = F::cast(layer.epsilon);
    let means = parameters.get(layer.running_mean).row(0);
    let variances = parameters.get(layer.running_variance).row(0);
    statistics.row_mut(MEAN_ROW).assign(&means);
    statistics.row_mut(VARIANCE_ROW).assign(&variances);
    for (s, &variance) in statistics
        .row_mut(INVERSE_STD_ROW)
        .iter_mut()
        .zip(variances)
    {
        *s = F::one() / (variance + epsilon).sqrt();
    }
    normalize_columns(x, statistics.view(), normalized.view_mut());
    scale_and_shift(parameters, layer.scale, layer.shift, normalized.view(), y);
}

/// `x̂_ij = (x_ij − μ_j)·s_j`, each column's mean and `s` from `statistics`' rows.
fn normalize_columns<F: Float>(
    x: ArrayView2<F>,
    statistics: ArrayView2<F>,
    mut normalized: ArrayViewMut2<F>,
) {
    let means = statistics.row(MEAN_ROW);
    let inverse_stds = statistics.row(INVERSE_STD_ROW);
    for (mut normalized_row, row) in normalized.rows_mut().into_iter().zip(x.rows()) {
        for (((n, &value), &mean), &s) in normalized_row
            .iter_mut()
            .zip(row)
            .zip(means)
            .zip(inverse_stds)
        {
            *n = (value - mean) * s;
        }
    }
}

/// Layer norm: each row's `s_i = 1/√(σ²_i + ε)` into `inverse_stds: [rows, 1]`, `x̂` into
/// `normalized`, `y = γ x̂ + β` into `y`.
pub(crate) fn layer_norm_forward<F: Float>(
    layer: &LayerNormLayer,
    parameters: &ParameterSet<F>,
    x: ArrayView2<F>,
    mut normalized: ArrayViewMut2<F>,
    mut inverse_stds: ArrayViewMut2<F>,
    y: ArrayViewMut2<F>,
) {
    let units = F::cast(x.ncols() as f64);
    let epsilon = F::cast(layer.epsilon);
    for ((row, mut normalized_row), s) in x
        .rows()
        .into_iter()
        .zip(normalized.rows_mut())
        .zip(inverse_stds.iter_mut())
    {
        let mean = row.iter().fold(F::zero(), |sum, &v| sum + v) / units;
        let variance = row
            .iter()
            .fold(F::zero(), |sum, &v| sum + (v - mean) * (v - mean))
            / units;
        *s = F::one() / (variance + epsilon).sqrt();
        for (n, &value) in normalized_row.iter_mut().zip(row) {
            *n = (value - mean) * *s;
        }
    }
    scale_and_shift(parameters, layer.scale, layer.shift, normalized.view(), y);
}

/// `y = γ ⊙ x̂ + β`, row by row.
fn scale_and_shift<F: Float>(
    parameters: &ParameterSet<F>,
    scale: ParameterId,
    shift: ParameterId,
    normalized: ArrayView2<F>,
    mut y: ArrayViewMut2<F>,
) {
    let gammas = parameters.get(scale).row(0);
    let betas = parameters.get(shift).row(0);
    for (mut y_row, n_row) in y.rows_mut().into_iter().zip(normalized.rows()) {
        for (((y, &n), &gamma), &beta) in y_row.iter_mut().zip(n_row).zip(gammas).zip(betas) {
            *y = gamma * n + beta;
        }
    }
}

/// `∂L/∂γ_j = Σ_i g_ij x̂_ij` and `∂L/∂β_j = Σ_i g_ij` into the two `[1, units]` buffers.
fn scale_and_shift_gradients<F: Float>(
    gradient: ArrayView2<F>,
    normalized: ArrayView2<F>,
    mut d_scale: ArrayViewMut2<F>,
    mut d_shift: ArrayViewMut2<F>,
) {
    d_scale.fill(F::zero());
    d_shift.fill(F::zero());
    for (g_row, n_row) in gradient.rows().into_iter().zip(normalized.rows()) {
        for (((ds, db), &g), &n) in d_scale
            .row_mut(0)
            .iter_mut()
            .zip(d_shift.row_mut(0).iter_mut())
            .zip(g_row)
            .zip(n_row)
        {
            *ds += g * n;
            *db += g;
        }
    }
}

/// The buffers a normalisation's backward pass reads and writes.
pub(crate) struct NormBackward<'a, F: Float> {
    /// `∂L/∂y: [rows, units]`.
    pub gradient: ArrayView2<'a, F>,
    /// `x̂` from the forward pass.
    pub normalized: ArrayView2<'a, F>,
    /// Batch norm: `[3, units]` with `s` in row 2; layer norm: `s_i` as `[rows, 1]`.
    pub statistics: ArrayView2<'a, F>,
    /// `∂L/∂x`, added to.
    pub input_gradient: ArrayViewMut2<'a, F>,
    /// `∂L/∂γ`, written.
    pub d_scale: ArrayViewMut2<'a, F>,
    /// `∂L/∂β`, written.
    pub d_shift: ArrayViewMut2<'a, F>,
}

/// Batch norm backward; `training` says whether the forward pass used the batch's
/// statistics (then `μ` and `σ²` depend on every row) or the running ones (constants).
pub(crate) fn batch_norm_backward<F: Float>(
    gammas: ArrayView2<F>,
    buffers: NormBackward<'_, F>,
    training: bool,
) {
    let NormBackward {
        gradient,
        normalized,
        statistics,
        mut input_gradient,
        mut d_scale,
        mut d_shift,
    } = buffers;
    scale_and_shift_gradients(gradient, normalized, d_scale.view_mut(), d_shift.view_mut());
    let rows = F::cast(gradient.nrows() as f64);
    let gammas = gammas.row(0);
    let inverse_stds = statistics.row(INVERSE_STD_ROW);
    let (d_scale, d_shift) = (d_scale.row(0), d_shift.row(0));
    for ((mut dx_row, g_row), n_row) in input_gradient
        .rows_mut()
        .into_iter()
        .zip(gradient.rows())
        .zip(normalized.rows())
    {
        for (column, ((dx, &g), &n)) in dx_row.iter_mut().zip(g_row).zip(n_row).enumerate() {
            let gamma_s = gammas[column] * inverse_stds[column];
            *dx += if training {
                // (s/n)·(n·g γ − γ Σg − x̂ γ Σ g x̂)
                gamma_s / rows * (rows * g - d_shift[column] - n * d_scale[column])
            } else {
                gamma_s * g
            };
        }
    }
}

/// Layer norm backward (one form for training and inference).
pub(crate) fn layer_norm_backward<F: Float>(gammas: ArrayView2<F>, buffers: NormBackward<'_, F>) {
    let NormBackward {
        gradient,
        normalized,
        statistics,
        mut input_gradient,
        mut d_scale,
        mut d_shift,
    } = buffers;
    scale_and_shift_gradients(gradient, normalized, d_scale.view_mut(), d_shift.view_mut());
    let units = F::cast(gradient.ncols() as f64);
    let gammas = gammas.row(0);
    for (((mut dx_row, g_row), n_row), &s) in input_gradient
        .rows_mut()
        .into_iter()
        .zip(gradient.rows())
        .zip(normalized.rows())
        .zip(statistics.iter())
    {
        // Σ_j ∂L/∂x̂_ij and Σ_j ∂L/∂x̂_ij x̂_ij over the row.
        let (mut sum, mut sum_times_normalized) = (F::zero(), F::zero());
        for ((&g, &n), &gamma) in g_row.iter().zip(n_row).zip(gammas) {
            sum += g * gamma;
            sum_times_normalized += g * gamma * n;
        }
        for (((dx, &g), &n), &gamma) in dx_row.iter_mut().zip(g_row).zip(n_row).zip(gammas) {
            *dx += s / units * (units * g * gamma - sum - n * sum_times_normalized);
        }
    }
}

/// After a training step: `running = (1 − m)·running + m·batch` for the mean and for the
/// variance (the batch's made unbiased, `σ²·n/(n − 1)`, as PyTorch does), from the batch
/// statistics of `rows` examples the forward pass left in `statistics`.
pub(crate) fn update_running_statistics<F: Float>(
    layer: &BatchNormLayer,
    statistics: ArrayView2<F>,
    rows: usize,
    parameters: &mut ParameterSet<F>,
) {
    let momentum = F::cast(layer.momentum);
    let keep = F::one() - momentum;
    let unbiased = F::cast(rows as f64 / (rows.max(2) - 1) as f64);
    let means = statistics.row(MEAN_ROW);
    for (running, &batch) in parameters.tensors[layer.running_mean.0]
        .row_mut(0)
        .iter_mut()
        .zip(means)
    {
        *running = keep * *running + momentum * batch;
    }
    let variances = statistics.row(VARIANCE_ROW);
    for (running, &batch) in parameters.tensors[layer.running_variance.0]
        .row_mut(0)
        .iter_mut()
        .zip(variances)
    {
        *running = keep * *running + momentum * batch * unbiased;
    }
}
