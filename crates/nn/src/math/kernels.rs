//! Small dense products written as plain loops over contiguous rows, which the compiler
//! vectorizes. For the layer sizes people build in the app they beat a general GEMM (no
//! packing, no call overhead, no allocation); large products still go to ndarray's GEMM.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};

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
    if let (true, Some(xs), Some(ws), Some(zs)) = (
        tiled_fits::<F>(inputs, outputs) && rows > 0 && outputs > 1,
        x.as_slice(),
        weights.as_slice(),
        z.as_slice_mut(),
    ) {
        let left = Left {
            data: xs,
            row_stride: inputs,
            depth_stride: 1,
        };
        let start = match bias.as_ref().and_then(|b| b.as_slice()) {
            Some(b) => Start::Bias(b),
            None => Start::Zero,
        };
        tiled_product(left, ws, zs, (rows, outputs, inputs), start);
        return;
    }
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

/// How a tiled product's output block starts before the products are added to it.
#[derive(Clone, Copy)]
enum Start<'a, F> {
    /// `C = A·B`.
    Zero,
    /// `C = A·B + b`, one bias per column.
    Bias(&'a [F]),
    /// `C += A·B`.
    Accumulate,
}

/// The left factor of a tiled product: `A(i, k) = data[i·row_stride + k·depth_stride]`, so
/// one type reads `x` (`[rows, in]`, row stride `in`) and `xᵀ` (row stride 1) alike.
#[derive(Clone, Copy)]
struct Left<'a, F> {
    data: &'a [F],
    row_stride: usize,
    depth_stride: usize,
}

/// Rows of the left factor one tile holds: six rows of sixteen `f32` (or eight `f64`)
/// outputs are twelve vector accumulators, leaving room in the sixteen vector registers for
/// two rows of `B` and a broadcast `A` value. Every step of the depth then does twelve
/// fused multiply-adds for eight loads, so the multiply-adds, not the loads, set the pace.
const TILE_ROWS: usize = 6;

/// Depth of one packed slice of the left factor (a stack buffer of `TILE_ROWS × 256`).
const PACK_DEPTH: usize = 256;

/// Whether a product of depth `depth` (the sum's length) and output width `width` goes
/// through [`tiled_product`]: at most 512 bytes a row (128 `f32` or 64 `f64` columns), or
/// 1 KiB for `f32` with 512-bit tiles (256 columns); past that the general GEMM, whose
/// packing pays off there, was as fast in the width sweep (with 512-bit tiles the tiles
/// were 10% faster at 256 units). And either two vectors wide at least (32 `f32` or 16
/// `f64` columns), or at least four columns and deep enough (32) for the packing of `A` to
/// pay off. One to three columns stay out: their one-column tiles are six lone multiply-add
/// chains, latency-bound (an output layer of three classes after 256 units ran slower than
/// the GEMM). Narrow and shallow products (a 2-8-8-1 network) keep the fixed-width loops.
fn tiled_fits<F>(depth: usize, width: usize) -> bool {
    let row_bytes = width * std::mem::size_of::<F>();
    let wide_tiles = cfg!(target_feature = "avx512f") && std::mem::size_of::<F>() == 4;
    let widest = if wide_tiles { 1024 } else { 512 };
    row_bytes <= widest && (row_bytes >= 128 || (depth >= 32 && row_bytes >= 16))
}

/// `C = start + A·B`, with `A: [m, k]` read through [`Left`], `B: [k, n]` and `C: [m, n]`
/// row-major. `A` is copied six rows at a time into a small packed buffer (depth-major,
/// so each step reads one run of six values); `B` and `C` are read in place, in panels of
/// one tile's width. No allocation, no packing of `B`: the small layers of the app fit in
/// the cache as they are.
fn tiled_product<F: Float>(
    left: Left<'_, F>,
    b: &[F],
    c: &mut [F],
    (m, n, k): (usize, usize, usize),
    start: Start<'_, F>,
) {
    // Two vectors per tile row: 512-bit ones for f32 where the build has AVX-512 (see
    // `Float::accumulate_tile_512`), 256-bit ones otherwise.
    match (
        std::mem::size_of::<F>() == 4,
        cfg!(target_feature = "avx512f"),
    ) {
        (true, true) => tiled_product_with::<F, 32>(left, b, c, (m, n, k), start),
        (true, false) => tiled_product_with::<F, 16>(left, b, c, (m, n, k), start),
        (false, _) => tiled_product_with::<F, 8>(left, b, c, (m, n, k), start),
    }
}

/// [`tiled_product`] with panels `NR` columns wide (then 8, 4 and 1 for the last columns).
#[inline(always)]
fn tiled_product_with<F: Float, const NR: usize>(
    left: Left<'_, F>,
    b: &[F],
    c: &mut [F],
    (m, n, k): (usize, usize, usize),
    start: Start<'_, F>,
) {
    if m == 0 || n == 0 {
        return;
    }
    let mut packed = [[F::zero(); TILE_ROWS]; PACK_DEPTH];
    for (block, c_block) in c[..m * n].chunks_mut(TILE_ROWS * n).enumerate() {
        let first_row = block * TILE_ROWS;
        let rows = c_block.len() / n.max(1);
        let mut depth_start = 0;
        loop {
            let depth = PACK_DEPTH.min(k - depth_start);
            pack_left(&left, first_row, rows, depth_start, &mut packed[..depth]);
            let start = if depth_start == 0 {
                start
            } else {
                Start::Accumulate
            };
            let b_slice = &b[depth_start * n..(depth_start + depth) * n];
            let panel = Panel {
                packed: &packed[..depth],
                b: b_slice,
                n,
                rows,
                start,
            };
            let mut column = 0;
            while column + NR <= n {
                panel.tile::<NR>(column, c_block);
                column += NR;
            }
            while NR > 16 && column + 16 <= n {
                panel.tile::<16>(column, c_block);
                column += 16;
            }
            while NR > 8 && column + 8 <= n {
                panel.tile::<8>(column, c_block);
                column += 8;
            }
            while column + 4 <= n {
                panel.tile::<4>(column, c_block);
                column += 4;
            }
            while column < n {
                panel.tile::<1>(column, c_block);
                column += 1;
            }
            depth_start += depth;
            if depth_start >= k {
                break;
            }
        }
    }
}

/// `packed[step][r] = A(first_row + r, depth_start + step)` for `r < rows`, zero beyond:
/// a row-major `A` is read a row at a time, a transposed one a run of six at a time.
fn pack_left<F: Float>(
    left: &Left<'_, F>,
    first_row: usize,
    rows: usize,
    depth_start: usize,
    packed: &mut [[F; TILE_ROWS]],
) {
    let depth = packed.len();
    if rows < TILE_ROWS {
        packed.fill([F::zero(); TILE_ROWS]);
    }
    if left.depth_stride == 1 && rows == TILE_ROWS {
        // Six rows side by side, one step's six values gathered and stored together.
        let row = |r: usize| {
            let start = (first_row + r) * left.row_stride + depth_start;
            &left.data[start..start + depth]
        };
        let steps = row(0)
            .iter()
            .zip(row(1))
            .zip(row(2))
            .zip(row(3))
            .zip(row(4));
        for (slot, (((((a0, a1), a2), a3), a4), a5)) in packed.iter_mut().zip(steps.zip(row(5))) {
            *slot = [*a0, *a1, *a2, *a3, *a4, *a5];
        }
    } else if left.depth_stride == 1 {
        for r in 0..rows {
            let start = (first_row + r) * left.row_stride + depth_start;
            for (slot, &value) in packed.iter_mut().zip(&left.data[start..start + depth]) {
                slot[r] = value;
            }
        }
    } else if left.row_stride == 1 {
        for (step, slot) in packed.iter_mut().enumerate() {
            let start = (depth_start + step) * left.depth_stride + first_row;
            match <&[F; TILE_ROWS]>::try_from(&left.data[start..start + rows]) {
                Ok(run) => *slot = *run,
                Err(_) => {
                    for (value, &a) in slot.iter_mut().zip(&left.data[start..start + rows]) {
                        *value = a;
                    }
                }
            }
        }
    } else {
        for (step, slot) in packed.iter_mut().enumerate() {
            let column = (depth_start + step) * left.depth_stride;
            for (r, value) in slot.iter_mut().enumerate().take(rows) {
                *value = left.data[(first_row + r) * left.row_stride + column];
            }
        }
    }
}

/// One block of up to [`TILE_ROWS`] rows of a tiled product, its left factor packed.
struct Panel<'a, 'b, F> {
    packed: &'a [[F; TILE_ROWS]],
    b: &'a [F],
    n: usize,
    rows: usize,
    start: Start<'b, F>,
}

impl<F: Float> Panel<'_, '_, F> {
    /// Columns `column..column + NR` of the block: the `TILE_ROWS × NR` outputs stay in
    /// registers through the whole depth, one fused multiply-add per term.
    #[inline(always)]
    fn tile<const NR: usize>(&self, column: usize, c_block: &mut [F]) {
        let n = self.n;
        let mut acc = [[F::zero(); NR]; TILE_ROWS];
        match self.start {
            Start::Zero => {}
            Start::Bias(bias) => {
                for acc_row in &mut acc {
                    acc_row.copy_from_slice(&bias[column..column + NR]);
                }
            }
            Start::Accumulate => {
                for (acc_row, c_row) in acc.iter_mut().zip(c_block.chunks_exact(n)) {
                    acc_row.copy_from_slice(&c_row[column..column + NR]);
                }
            }
        }
        // Thirty-two columns: the 512-bit kernel where the type and build have one.
        let wide = (&mut acc as &mut dyn std::any::Any)
            .downcast_mut::<[[F; 32]; TILE_ROWS]>()
            .is_some_and(|acc| F::accumulate_tile_512(acc, self.packed, self.b, n, column));
        for (a, b_row) in self.packed.iter().zip(self.b.chunks_exact(n)) {
            if wide {
                break;
            }
            let Ok(b_tile) = <&[F; NR]>::try_from(&b_row[column..column + NR]) else {
                continue;
            };
            for (acc_row, &a) in acc.iter_mut().zip(a) {
                for j in 0..NR {
                    acc_row[j] = a.mul_add(b_tile[j], acc_row[j]);
                }
            }
        }
        for (c_row, acc_row) in c_block.chunks_exact_mut(n).zip(&acc).take(self.rows) {
            c_row[column..column + NR].copy_from_slice(acc_row);
        }
    }
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
        tiled_fits::<F>(rows, outputs) && inputs > 0,
        x.as_slice(),
        dz.as_slice(),
        dw.as_slice_mut(),
    ) {
        // dW = xᵀ·dz: the left factor is x read down its columns.
        let left = Left {
            data: xs,
            row_stride: 1,
            depth_stride: inputs,
        };
        tiled_product(left, gs, ds, (inputs, outputs, rows), Start::Zero);
        return;
    }
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

/// `s = Σ_rows dz`, `dz: [rows, out]`, `s: [out]` (a bias's gradient): whole rows added
/// to the running sums, which vectorizes, rather than a column at a time.
pub fn column_sums_into<F: Float>(dz: ArrayView2<F>, mut sums: ArrayViewMut1<F>) {
    sums.fill(F::zero());
    match (dz.as_slice(), sums.as_slice_mut()) {
        (Some(gs), Some(ss)) if !ss.is_empty() => {
            for row in gs.chunks_exact(ss.len()) {
                for (s, &g) in ss.iter_mut().zip(row) {
                    *s += g;
                }
            }
        }
        _ => {
            for row in dz.rows() {
                sums += &row;
            }
        }
    }
}

/// `Wᵀ` into `transposed` (`[out, in]` for `W: [in, out]`): blocks of 8 × 8 read as eight
/// row pieces and written as eight, the edges one value at a time.
fn transpose_into<F: Float>(weights: ArrayView2<F>, transposed: &mut ArrayViewMut2<F>) {
    const B: usize = 8;
    let (inputs, outputs) = weights.dim();
    let (Some(ws), Some(ts)) = (weights.as_slice(), transposed.as_slice_mut()) else {
        transposed.assign(&weights.t());
        return;
    };
    let (full_inputs, full_outputs) = (inputs / B * B, outputs / B * B);
    for i0 in (0..full_inputs).step_by(B) {
        for j0 in (0..full_outputs).step_by(B) {
            let mut block = [[F::zero(); B]; B];
            for (i, block_row) in block.iter_mut().enumerate() {
                block_row.copy_from_slice(&ws[(i0 + i) * outputs + j0..][..B]);
            }
            transpose_block(&mut block);
            for (j, block_row) in block.iter().enumerate() {
                ts[(j0 + j) * inputs + i0..][..B].copy_from_slice(block_row);
            }
        }
    }
    for i in 0..inputs {
        let first_j = if i < full_inputs { full_outputs } else { 0 };
        for j in first_j..outputs {
            ts[j * inputs + i] = ws[i * outputs + j];
        }
    }
}

/// An 8 × 8 block transposed in place: for `f32` in vector registers (24 shuffles, wide's
/// `f32x8::transpose`), otherwise value by value from a copy.
#[inline(always)]
fn transpose_block<F: Float>(block: &mut [[F; 8]; 8]) {
    if let Some(floats) = (block as &mut dyn std::any::Any).downcast_mut::<[[f32; 8]; 8]>() {
        let mut rows = [wide::f32x8::splat(0.0); 8];
        for (row, values) in rows.iter_mut().zip(floats.iter()) {
            *row = wide::f32x8::new(*values);
        }
        for (values, row) in floats.iter_mut().zip(wide::f32x8::transpose(rows)) {
            *values = row.to_array();
        }
        return;
    }
    let original = *block;
    for (i, row) in block.iter_mut().enumerate() {
        for (j, value) in row.iter_mut().enumerate() {
            *value = original[j][i];
        }
    }
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
    if transposed.dim() == (outputs, inputs) && tiled_fits::<F>(outputs, inputs) && rows > 0 {
        transpose_into(weights, &mut transposed);
        if let (Some(gs), Some(ts), Some(xs)) =
            (dz.as_slice(), transposed.as_slice(), dx.as_slice_mut())
        {
            let left = Left {
                data: gs,
                row_stride: outputs,
                depth_stride: 1,
            };
            tiled_product(left, ts, xs, (rows, inputs, outputs), Start::Accumulate);
            return;
        }
    }
    if transposed.dim() == (outputs, inputs) && fixed_width_fits::<F>(outputs, inputs) {
        transpose_into(weights, &mut transposed);
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

    /// `|a − b| ≤ tolerance·(1 + |b|)` everywhere.
    fn close<F: Float>(a: &Array2<F>, b: &Array2<F>, tolerance: f64) -> bool {
        a.iter()
            .zip(b)
            .all(|(&x, &y)| (x.widen() - y.widen()).abs() <= tolerance * (1.0 + y.widen().abs()))
    }

    /// Forward, ∂L/∂W and ∂L/∂x of one shape against ndarray's own products, in `F`.
    fn check_tiled<F: Float>(rows: usize, inputs: usize, outputs: usize, tolerance: f64) {
        let value = |seed: usize| F::cast(((seed * 7919) % 23) as f64 * 0.09 - 1.0);
        let x = Array2::from_shape_fn((rows, inputs), |(i, j)| value(i * 31 + j));
        let w = Array2::from_shape_fn((inputs, outputs), |(i, j)| value(i * 17 + j * 5 + 3));
        let b = Array2::from_shape_fn((1, outputs), |(_, j)| value(j + 11));
        let mut z = Array2::from_elem((rows, outputs), F::cast(99.0));
        affine_into(x.view(), w.view(), Some(b.row(0)), z.view_mut());
        let shape = format!("{rows}×{inputs}×{outputs}");
        assert!(close(&z, &(x.dot(&w) + b.row(0)), tolerance), "z {shape}");
        let mut dw = Array2::from_elem((inputs, outputs), F::cast(99.0));
        weight_gradient_into(x.view(), z.view(), dw.view_mut());
        assert!(close(&dw, &x.t().dot(&z), tolerance), "dW {shape}");
        let mut transposed = Array2::zeros((outputs, inputs));
        let mut dx = Array2::from_elem((rows, inputs), F::one());
        input_gradient_add(z.view(), w.view(), transposed.view_mut(), dx.view_mut());
        let expected = z.dot(&w.t()) + F::one();
        assert!(close(&dx, &expected, tolerance), "dx {shape}");
    }

    #[test]
    fn the_tiled_products_agree_with_ndarray_products_at_every_ragged_edge() {
        // Rows not a multiple of the six-row tile, widths with 16-, 8-, 4- and 1-column
        // tails, narrow outputs after a deep layer, and a depth beyond one packed slice
        // (300 > 256), in both precisions.
        for (rows, inputs, outputs) in [
            (1, 2, 16),
            (7, 64, 64),
            (13, 5, 17),
            (32, 48, 48),
            (32, 100, 100),
            (6, 300, 29),
            (300, 16, 256),
            (64, 64, 3),
            (40, 33, 1),
        ] {
            check_tiled::<f32>(rows, inputs, outputs, 1e-5);
            check_tiled::<f64>(rows, inputs, outputs, 1e-12);
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
