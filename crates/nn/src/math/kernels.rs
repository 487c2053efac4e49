//! Small dense products written as plain loops over contiguous rows, which the compiler
//! vectorizes. For the layer sizes people build in the app they beat a general GEMM (no
//! packing, no call overhead, no allocation); large products still go to ndarray's GEMM.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};

use crate::math::float::Float;

/// Products with more multiply-adds than this go to ndarray's general GEMM, whose packed
/// kernels win once there is enough work; smaller ones (a training batch through a small
/// layer) use the loops here, without packing or allocation.
const SMALL_PRODUCT: usize = 4096;

/// `Σ aᵢ·bᵢ` with eight independent accumulators, so the sum vectorizes.
#[inline(always)]
pub(crate) fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    let mut lanes = [F::zero(); 8];
    let chunks = a.len() / 8;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for lane in 0..8 {
            lanes[lane] += x[lane] * y[lane];
        }
    }
    let mut total = lanes.iter().fold(F::zero(), |s, &l| s + l);
    for index in chunks * 8..a.len().min(b.len()) {
        total += a[index] * b[index];
    }
    total
}

/// `Σ aᵢ²` of a contiguous slice, with the same eight accumulators as [`dot`].
pub fn sum_of_squares<F: Float>(a: &[F]) -> F {
    dot(a, a)
}

/// `y += a·x` over two equally long rows.
#[inline(always)]
fn axpy<F: Float>(a: F, x: &[F], y: &mut [F]) {
    for (yv, &xv) in y.iter_mut().zip(x) {
        *yv += a * xv;
    }
}

/// `z = x·W + b`, with `x: [rows, in]`, `W: [in, out]`, `b: [out]`, `z: [rows, out]`.
pub fn affine_into<F: Float>(
    x: ArrayView2<F>,
    weights: ArrayView2<F>,
    bias: Option<ArrayView1<F>>,
    mut z: ArrayViewMut2<F>,
) {
    let (rows, inputs) = x.dim();
    let outputs = weights.ncols();
    // One output (GEMM handles a single column poorly) or a small product: loops here.
    let small = rows * inputs * outputs <= SMALL_PRODUCT
        || outputs == 1
        || (matches!(outputs, 2 | 4 | 8 | 16 | 32 | 64) && inputs <= 64);
    if let (true, Some(xs), Some(ws), Some(zs)) =
        (small, x.as_slice(), weights.as_slice(), z.as_slice_mut())
    {
        let bias = bias.as_ref().and_then(|b| b.as_slice());
        if outputs == 1 {
            // One output: a dot product per row (W's single column is contiguous).
            let offset = bias.map_or(F::zero(), |b| b[0]);
            if let Ok(w8) = <&[F; 8]>::try_from(ws) {
                // Eight inputs: one vector product and a fixed addition tree per row.
                for (x_row, z) in xs.chunks_exact(8).zip(zs.iter_mut()) {
                    if let Ok(x8) = <&[F; 8]>::try_from(x_row) {
                        let p: [F; 8] = std::array::from_fn(|i| x8[i] * w8[i]);
                        *z = offset
                            + (((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7])));
                    }
                }
                return;
            }
            for (x_row, z) in xs.chunks_exact(inputs.max(1)).zip(zs.iter_mut()) {
                *z = offset + dot(x_row, ws);
            }
            return;
        }
        if affine_fixed_width(xs, ws, bias, zs, (inputs, outputs), false) {
            return;
        }
        for (x_row, z_row) in xs
            .chunks_exact(inputs.max(1))
            .zip(zs.chunks_exact_mut(outputs.max(1)))
        {
            match bias {
                Some(b) => z_row.copy_from_slice(b),
                None => z_row.fill(F::zero()),
            }
            for (&a, w_row) in x_row.iter().zip(ws.chunks_exact(outputs.max(1))) {
                axpy(a, w_row, z_row);
            }
        }
        return;
    }
    ndarray::linalg::general_mat_mul(F::one(), &x, &weights, F::zero(), &mut z);
    if let Some(bias) = bias {
        z += &bias;
    }
}

/// `z = x·W + b` for a layer of exactly `OUT` units (fused multiply-adds: one rounding per
/// term, and one instruction where the CPU has FMA): each row's outputs stay in registers,
/// `ROWS` rows at a time (independent accumulator chains sharing each weight row, so the
/// multiply-adds overlap; as many as the registers hold). With `accumulate`, `z += x·W`
/// instead (the bias is then ignored).
#[inline(always)]
fn affine_fixed<F: Float, const OUT: usize, const ROWS: usize>(
    xs: &[F],
    ws: &[F],
    bias: Option<&[F]>,
    zs: &mut [F],
    inputs: usize,
    accumulate: bool,
) {
    let mut start = [F::zero(); OUT];
    if let Some(b) = bias {
        start.copy_from_slice(&b[..OUT]);
    }
    let inputs = inputs.max(1);
    let blocks = (xs.len() / inputs).min(zs.len() / OUT) / ROWS;
    let (x_blocked, x_rest) = xs.split_at(blocks * ROWS * inputs);
    let (z_blocked, z_rest) = zs.split_at_mut(blocks * ROWS * OUT);
    for (x_block, z_block) in x_blocked
        .chunks_exact(ROWS * inputs)
        .zip(z_blocked.chunks_exact_mut(ROWS * OUT))
    {
        let mut acc = [start; ROWS];
        if accumulate {
            for (acc_row, z_row) in acc.iter_mut().zip(z_block.chunks_exact(OUT)) {
                acc_row.copy_from_slice(z_row);
            }
        }
        for (k, w_row) in ws.chunks_exact(OUT).take(inputs).enumerate() {
            for (r, acc_row) in acc.iter_mut().enumerate() {
                let a = x_block[r * inputs + k];
                for j in 0..OUT {
                    acc_row[j] = a.mul_add(w_row[j], acc_row[j]);
                }
            }
        }
        for (z_row, acc_row) in z_block.chunks_exact_mut(OUT).zip(&acc) {
            z_row.copy_from_slice(acc_row);
        }
    }
    for (x_row, z_row) in x_rest
        .chunks_exact(inputs)
        .zip(z_rest.chunks_exact_mut(OUT))
    {
        let mut acc = start;
        if accumulate {
            acc.copy_from_slice(z_row);
        }
        for (&a, w_row) in x_row.iter().zip(ws.chunks_exact(OUT)) {
            for j in 0..OUT {
                acc[j] = a.mul_add(w_row[j], acc[j]);
            }
        }
        z_row.copy_from_slice(&acc);
    }
}

/// Calls [`affine_fixed`] for `OUT` in 2, 4, 8, 16, 32, 64 with as many rows at a time as
/// the sixteen vector registers hold; `false` for other widths.
fn affine_fixed_width<F: Float>(
    xs: &[F],
    ws: &[F],
    bias: Option<&[F]>,
    zs: &mut [F],
    (inputs, outputs): (usize, usize),
    accumulate: bool,
) -> bool {
    match outputs {
        2 => affine_fixed::<F, 2, 4>(xs, ws, bias, zs, inputs, accumulate),
        4 => affine_fixed::<F, 4, 4>(xs, ws, bias, zs, inputs, accumulate),
        8 => affine_fixed::<F, 8, 4>(xs, ws, bias, zs, inputs, accumulate),
        16 => affine_fixed::<F, 16, 4>(xs, ws, bias, zs, inputs, accumulate),
        32 => affine_fixed::<F, 32, 2>(xs, ws, bias, zs, inputs, accumulate),
        64 => affine_fixed::<F, 64, 1>(xs, ws, bias, zs, inputs, accumulate),
        _ => return false,
    }
    true
}

/// Whether `W: [inputs, outputs]` is one [`affine_fixed_width`] handles and small enough
/// (at most 256 KiB, the L2 cache) to be read again for every row without blocking.
fn fixed_width_fits<F>(inputs: usize, outputs: usize) -> bool {
    matches!(outputs, 2 | 4 | 8 | 16 | 32 | 64)
        && inputs * outputs * std::mem::size_of::<F>() <= 256 * 1024
}

/// `dW = xᵀ·dz` for exactly `OUT` outputs: each row of `dW` (one input `i`) gathers
/// `Σ_r x[r, i]·dz[r, :]` in registers, `BLOCK` inputs at a time.
#[inline(always)]
fn weight_gradient_fixed<F: Float, const OUT: usize, const BLOCK: usize>(
    xs: &[F],
    gs: &[F],
    ds: &mut [F],
    inputs: usize,
) {
    let blocks = inputs / BLOCK;
    for block in 0..blocks {
        let first = block * BLOCK;
        let mut acc = [[F::zero(); OUT]; BLOCK];
        for (x_row, g_row) in xs.chunks_exact(inputs).zip(gs.chunks_exact(OUT)) {
            for (b, acc_row) in acc.iter_mut().enumerate() {
                let a = x_row[first + b];
                for j in 0..OUT {
                    acc_row[j] = a.mul_add(g_row[j], acc_row[j]);
                }
            }
        }
        for (d_row, acc_row) in ds[first * OUT..(first + BLOCK) * OUT]
            .chunks_exact_mut(OUT)
            .zip(&acc)
        {
            d_row.copy_from_slice(acc_row);
        }
    }
    for (i, d_row) in ds
        .chunks_exact_mut(OUT)
        .enumerate()
        .skip(blocks * BLOCK)
        .take(inputs - blocks * BLOCK)
    {
        let mut acc = [F::zero(); OUT];
        for (x_row, g_row) in xs.chunks_exact(inputs).zip(gs.chunks_exact(OUT)) {
            let a = x_row[i];
            for j in 0..OUT {
                acc[j] = a.mul_add(g_row[j], acc[j]);
            }
        }
        d_row.copy_from_slice(&acc);
    }
}

/// `dW = xᵀ·dz`, with `x: [rows, in]`, `dz: [rows, out]`, `dW: [in, out]` (overwritten).
pub fn weight_gradient_into<F: Float>(
    x: ArrayView2<F>,
    dz: ArrayView2<F>,
    mut dw: ArrayViewMut2<F>,
) {
    let (rows, inputs) = x.dim();
    let outputs = dz.ncols();
    if let (true, Some(xs), Some(gs), Some(ds)) = (
        fixed_width_fits::<F>(inputs, outputs) && inputs > 0,
        x.as_slice(),
        dz.as_slice(),
        dw.as_slice_mut(),
    ) {
        match outputs {
            2 => weight_gradient_fixed::<F, 2, 4>(xs, gs, ds, inputs),
            4 => weight_gradient_fixed::<F, 4, 4>(xs, gs, ds, inputs),
            8 => weight_gradient_fixed::<F, 8, 4>(xs, gs, ds, inputs),
            16 => weight_gradient_fixed::<F, 16, 4>(xs, gs, ds, inputs),
            32 => weight_gradient_fixed::<F, 32, 2>(xs, gs, ds, inputs),
            _ => weight_gradient_fixed::<F, 64, 1>(xs, gs, ds, inputs),
        }
        return;
    }
    let small = rows * inputs * outputs <= SMALL_PRODUCT;
    if let (true, Some(xs), Some(gs), Some(ds)) =
        (small, x.as_slice(), dz.as_slice(), dw.as_slice_mut())
    {
        ds.fill(F::zero());
        for (x_row, g_row) in xs
            .chunks_exact(inputs.max(1))
            .zip(gs.chunks_exact(outputs.max(1)))
        {
            for (&a, d_row) in x_row.iter().zip(ds.chunks_exact_mut(outputs.max(1))) {
                axpy(a, g_row, d_row);
            }
        }
        return;
    }
    ndarray::linalg::general_mat_mul(F::one(), &x.t(), &dz, F::zero(), &mut dw);
}

/// `dx += dz·Wᵀ`, with `dz: [rows, out]`, `W: [in, out]`, `dx: [rows, in]`; `transposed`
/// (`[out, in]`, or empty) is room for `Wᵀ`, so that for a layer of 2 to 64 inputs each row
/// of `dx` gathers `Σ_j dz[r, j]·Wᵀ[j, :]` in registers instead of a dot product per value.
pub fn input_gradient_add<F: Float>(
    dz: ArrayView2<F>,
    weights: ArrayView2<F>,
    mut transposed: ArrayViewMut2<F>,
    mut dx: ArrayViewMut2<F>,
) {
    let (rows, outputs) = dz.dim();
    let inputs = weights.nrows();
    if transposed.dim() == (outputs, inputs) && fixed_width_fits::<F>(outputs, inputs) {
        transposed.assign(&weights.t());
        if let (Some(gs), Some(ts), Some(xs)) =
            (dz.as_slice(), transposed.as_slice(), dx.as_slice_mut())
            && affine_fixed_width(gs, ts, None, xs, (outputs, inputs), true)
        {
            return;
        }
    }
    let small = rows * inputs * outputs <= SMALL_PRODUCT;
    if let (true, Some(gs), Some(ws), Some(xs)) =
        (small, dz.as_slice(), weights.as_slice(), dx.as_slice_mut())
    {
        for (g_row, dx_row) in gs
            .chunks_exact(outputs.max(1))
            .zip(xs.chunks_exact_mut(inputs.max(1)))
        {
            for (d, w_row) in dx_row.iter_mut().zip(ws.chunks_exact(outputs.max(1))) {
                *d += dot(g_row, w_row);
            }
        }
        return;
    }
    ndarray::linalg::general_mat_mul(F::one(), &dz, &weights.t(), F::one(), &mut dx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn the_fixed_width_kernels_agree_with_ndarray_products() {
        for outputs in [1, 2, 3, 4, 8, 16, 32, 64] {
            for rows in [1, 10, 3000] {
                let x = Array2::from_shape_fn((rows, 5), |(i, j)| {
                    ((i * 7 + j * 3) % 11) as f64 * 0.25 - 1.0
                });
                let w = Array2::from_shape_fn((5, outputs), |(i, j)| {
                    ((i * 5 + j) % 13) as f64 * 0.1 - 0.6
                });
                let b = Array2::from_shape_fn((1, outputs), |(_, j)| j as f64 * 0.01);
                let mut z = Array2::zeros((rows, outputs));
                affine_into(x.view(), w.view(), Some(b.row(0)), z.view_mut());
                let expected = x.dot(&w) + b.row(0);
                assert!(
                    (&z - &expected).iter().all(|d| d.abs() < 1e-12),
                    "{rows}×5×{outputs}"
                );
            }
        }
    }

    #[test]
    fn the_fixed_width_backward_kernels_agree_with_ndarray_products() {
        // dW = xᵀ·dz for every fixed width, with inputs that are and are not a multiple of
        // the block; dx += dz·Wᵀ through the transposed room, for every fixed input width.
        for width in [2, 4, 8, 16, 32, 64] {
            for (rows, inputs) in [(1, 3), (7, 5), (64, 64), (33, 9)] {
                let x = Array2::from_shape_fn((rows, inputs), |(i, j)| {
                    ((i * 7 + j * 3) % 11) as f64 * 0.25 - 1.0
                });
                let dz = Array2::from_shape_fn((rows, width), |(i, j)| {
                    ((i * 5 + j * 2) % 13) as f64 * 0.1 - 0.6
                });
                let mut dw = Array2::from_elem((inputs, width), 99.0);
                weight_gradient_into(x.view(), dz.view(), dw.view_mut());
                let expected = x.t().dot(&dz);
                assert!(
                    (&dw - &expected).iter().all(|d| d.abs() < 1e-12),
                    "dW {rows}×{inputs}×{width}"
                );
                let w = Array2::from_shape_fn((width, inputs), |(i, j)| {
                    ((i * 3 + j) % 7) as f64 * 0.2 - 0.5
                });
                let mut transposed = Array2::zeros((inputs, width));
                let mut dx = Array2::from_elem((rows, width), 1.0);
                input_gradient_add(x.view(), w.view(), transposed.view_mut(), dx.view_mut());
                let expected = x.dot(&w.t()) + 1.0;
                assert!(
                    (&dx - &expected).iter().all(|d| d.abs() < 1e-12),
                    "dx {rows}×{inputs}×{width}"
                );
            }
        }
    }

    #[test]
    fn the_small_kernels_agree_with_ndarray_products() {
        let x = array![[1.0_f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let w = Array2::from_shape_fn((3, 11), |(i, j)| (i * 11 + j) as f64 * 0.1 - 1.0);
        let b = Array2::from_shape_fn((1, 11), |(_, j)| j as f64);
        let mut z = Array2::zeros((2, 11));
        affine_into(x.view(), w.view(), Some(b.row(0)), z.view_mut());
        let expected = x.dot(&w) + b.row(0);
        assert!((&z - &expected).iter().all(|d| d.abs() < 1e-12));
        let dz = Array2::from_shape_fn((2, 11), |(i, j)| (i + j) as f64 * 0.5);
        let mut dw = Array2::from_elem((3, 11), 99.0);
        weight_gradient_into(x.view(), dz.view(), dw.view_mut());
        assert!((&dw - &x.t().dot(&dz)).iter().all(|d| d.abs() < 1e-12));
        let mut dx = Array2::from_elem((2, 3), 1.0);
        input_gradient_add(
            dz.view(),
            w.view(),
            Array2::zeros((0, 0)).view_mut(),
            dx.view_mut(),
        );
        let expected = dz.dot(&w.t()) + 1.0;
        assert!((&dx - &expected).iter().all(|d| d.abs() < 1e-12));
    }
}
