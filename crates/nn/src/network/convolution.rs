//! Images in the network: 2-D convolution, max and average pooling, forward and backward
//! side by side.
//!
//! An image tensor `[batch, c, h, w]` is stored as the engine stores every tensor, a
//! `[batch, c·h·w]` matrix, each row one example's channels one after another and each
//! channel row by row (NCHW, the order PyTorch's `flatten(1)` and ONNX `Flatten` give).
//!
//! - **Conv2D** is cross-correlation, as PyTorch's `Conv2d` and ONNX's `Conv` compute it:
//!   `z[f, i, j] = b_f + Σ_c Σ_u Σ_v x[c, i·s + u − p_top, j·s + v − p_left] · W[f, c, u, v]`,
//!   zero outside the image, then the activation. The output is
//!   `⌊(in + pads − kernel)/stride⌋ + 1` on each side. Backward:
//!   `∂L/∂W[f, c, u, v] = Σ_batch Σ_i Σ_j ∂L/∂z[f, i, j] · x[c, i·s + u − p_top, j·s + v − p_left]`,
//!   `∂L/∂b_f = Σ ∂L/∂z[f, ·, ·]`, and each `∂L/∂z[f, i, j]·W[f, c, u, v]` added to the
//!   input pixel it read.
//! - **Max pooling** keeps each window's largest value; backward gives the whole gradient
//!   to the first maximum in row-major window order (the one the forward pass kept).
//! - **Average pooling** keeps each window's mean; backward spreads `∂L/∂y / (kh·kw)` over
//!   the window.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};

use crate::math::float::Float;
use crate::math::kernels::dot;

/// The size of an image tensor: channels, pixel rows and pixel columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ImageSize {
    /// Channels (filters, for a convolution's output).
    pub channels: usize,
    /// Pixel rows.
    pub height: usize,
    /// Pixel columns.
    pub width: usize,
}

impl ImageSize {
    /// `channels · height · width`, the width of the matrix that stores it.
    pub fn values(self) -> usize {
        self.channels
            .saturating_mul(self.height)
            .saturating_mul(self.width)
    }

    /// The index of `(channel, row, column)` in a stored row.
    fn at(self, channel: usize, row: usize, column: usize) -> usize {
        (channel * self.height + row) * self.width + column
    }
}

impl std::fmt::Display for ImageSize {
    /// `[c, h, w]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}, {}, {}]", self.channels, self.height, self.width)
    }
}

/// How a window slides over an image: its size, its step and the zeros around the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Window rows.
    pub height: usize,
    /// Window columns.
    pub width: usize,
    /// The step between windows, in pixels, the same down and across.
    pub stride: usize,
    /// Zero rows and columns added around the image: `[top, left, bottom, right]`.
    pub padding: [usize; 4],
}

impl Window {
    /// The output size on one side: `⌊(in + pads − kernel)/stride⌋ + 1`, or `None` when the
    /// window does not fit even once.
    pub fn output_side(size: usize, pads: usize, kernel: usize, stride: usize) -> Option<usize> {
        let padded = size + pads;
        (stride > 0 && kernel > 0 && padded >= kernel).then(|| (padded - kernel) / stride + 1)
    }

    /// The output of this window over `input` with `channels` output channels.
    pub fn output(&self, input: ImageSize, channels: usize) -> Option<ImageSize> {
        let [top, left, bottom, right] = self.padding;
        Some(ImageSize {
            channels,
            height: Self::output_side(input.height, top + bottom, self.height, self.stride)?,
            width: Self::output_side(input.width, left + right, self.width, self.stride)?,
        })
    }
}

/// The shapes of one convolution: what it reads, its window and what it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvShape {
    /// The input image.
    pub input: ImageSize,
    /// The kernel and how it slides.
    pub window: Window,
    /// The output image (`channels` = filters).
    pub output: ImageSize,
}

/// The output positions `lo..hi` along one axis whose input position `o·stride + offset − pad`
/// falls inside `0..size`.
fn valid_range(
    outputs: usize,
    size: usize,
    pad: usize,
    offset: usize,
    stride: usize,
) -> (usize, usize) {
    // o·s + offset − pad ≥ 0  ⟺  o ≥ ⌈(pad − offset)/s⌉ when pad > offset.
    let lo = pad.saturating_sub(offset).div_ceil(stride);
    // o·s + offset − pad ≤ size − 1  ⟺  o ≤ ⌊(size − 1 + pad − offset)/s⌋.
    let hi = match (size + pad).checked_sub(offset + 1) {
        Some(last) => (last / stride + 1).min(outputs),
        None => 0,
    };
    (lo, hi.max(lo))
}

/// For kernel offset `k = (c, u, v)`: the valid output rows and columns, and where output
/// `(i, j)` reads: channel `c`, input row `i·s + u − p_top`, column `j·s + v − p_left`.
#[derive(Clone, Copy, Debug)]
struct Tap {
    channel: usize,
    rows: (usize, usize),
    columns: (usize, usize),
    /// `u − p_top` and `v − p_left`, as signed offsets.
    shift: (isize, isize),
}

impl Tap {
    /// Every kernel offset's tap, in `k` order (worked out once per convolution: the
    /// bounds take divisions).
    fn all(shape: ConvShape) -> Vec<Self> {
        let ConvShape {
            input,
            window,
            output,
        } = shape;
        let mut taps = Vec::with_capacity(input.channels * window.height * window.width);
        for channel in 0..input.channels {
            for u in 0..window.height {
                for v in 0..window.width {
                    taps.push(Self::new(input, window, output, channel, (u, v)));
                }
            }
        }
        taps
    }

    fn new(
        input: ImageSize,
        window: Window,
        output: ImageSize,
        channel: usize,
        (u, v): (usize, usize),
    ) -> Self {
        let s = window.stride;
        Self {
            channel,
            rows: valid_range(output.height, input.height, window.padding[0], u, s),
            columns: valid_range(output.width, input.width, window.padding[1], v, s),
            shift: (
                u as isize - window.padding[0] as isize,
                v as isize - window.padding[1] as isize,
            ),
        }
    }

    /// The input row (or column) output position `o` reads, for an `o` in the valid range.
    fn source(o: usize, stride: usize, shift: isize) -> usize {
        (o * stride).saturating_add_signed(shift)
    }
}

/// One example's buffers for a convolution, reused from example to example: its input
/// patches laid out as a `[c·kh·kw, oh·ow]` matrix (row `k` the input pixel each output
/// position reads at kernel offset `k`, zero in the padding), their gradient, `Wᵀ`, and
/// the batch's sums of `∂L/∂W` and `∂L/∂b`; and each kernel offset's [`Tap`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ConvScratch<F: Float> {
    taps: Vec<Tap>,
    patches: Vec<F>,
    patch_gradients: Vec<F>,
    transposed_weights: Vec<F>,
    weight_sums: Vec<F>,
    bias_sums: Vec<F>,
}

impl<F: Float> ConvScratch<F> {
    /// Buffers for a convolution of `shape`.
    pub(crate) fn new(shape: ConvShape) -> Self {
        let kernel = shape.input.channels * shape.window.height * shape.window.width;
        let plane = shape.output.height * shape.output.width;
        let filters = shape.output.channels;
        Self {
            taps: Tap::all(shape),
            patches: vec![F::zero(); kernel * plane],
            patch_gradients: vec![F::zero(); kernel * plane],
            transposed_weights: vec![F::zero(); kernel * filters],
            weight_sums: vec![F::zero(); kernel * filters],
            bias_sums: vec![F::zero(); filters],
        }
    }
}

/// Output positions computed together, their sums kept in registers across the kernel.
const BLOCK: usize = 32;

/// Each `(kernel offset, output position)` pair of one example, as [`ConvScratch`] lays
/// them out, and the stored input index it reads; `visit(patch index, input index)`.
#[inline(always)]
fn each_patch_pixel(shape: ConvShape, taps: &[Tap], mut visit: impl FnMut(usize, usize)) {
    let ConvShape { input, output, .. } = shape;
    let plane = output.height * output.width;
    let stride = shape.window.stride;
    for (k, tap) in taps.iter().enumerate() {
        for i in tap.rows.0..tap.rows.1 {
            let row = Tap::source(i, stride, tap.shift.0);
            for j in tap.columns.0..tap.columns.1 {
                let column = Tap::source(j, stride, tap.shift.1);
                visit(
                    k * plane + i * output.width + j,
                    input.at(tap.channel, row, column),
                );
            }
        }
    }
}

/// `out[r, ·] = start[r] + Σ_k coefficients[r, k] · rows[k, ·]` for every output row `r`:
/// `coefficients: [outs, ins]`, `rows: [ins, plane]`, `out: [outs, plane]`, all row-major.
/// `BLOCK` positions at a time stay in registers while `k` runs.
fn combine_rows<F: Float>(
    coefficients: &[F],
    rows: &[F],
    plane: usize,
    start: Option<&[F]>,
    out: &mut [F],
) {
    let ins = rows.len() / plane.max(1);
    for (r, out_row) in out.chunks_exact_mut(plane.max(1)).enumerate() {
        let weights = &coefficients[r * ins..(r + 1) * ins];
        let offset = start.map_or(F::zero(), |s| s[r]);
        let blocks = plane / BLOCK;
        for block in 0..blocks {
            let from = block * BLOCK;
            let mut sums = [offset; BLOCK];
            for (&w, row) in weights.iter().zip(rows.chunks_exact(plane)) {
                let part = &row[from..from + BLOCK];
                for lane in 0..BLOCK {
                    sums[lane] += w * part[lane];
                }
            }
            out_row[from..from + BLOCK].copy_from_slice(&sums);
        }
        for position in blocks * BLOCK..plane {
            let mut sum = offset;
            for (&w, row) in weights.iter().zip(rows.chunks_exact(plane)) {
                sum += w * row[position];
            }
            out_row[position] = sum;
        }
    }
}

/// `z = x ⊛ W + b` for every example: `x: [rows, c·h·w]`, `W: [filters, c·kh·kw]` (PyTorch's
/// `[filters, c, kh, kw]` flattened), `b: [filters]`, `z: [rows, filters·oh·ow]`. Each
/// example's patches are gathered into `scratch`, then `z_e = W · patches + b` (NCHW as
/// stored).
pub(crate) fn conv_forward<F: Float>(
    shape: ConvShape,
    x: ArrayView2<F>,
    weights: ArrayView2<F>,
    bias: Option<ArrayView1<F>>,
    mut z: ArrayViewMut2<F>,
    scratch: &mut ConvScratch<F>,
) {
    let plane = shape.output.height * shape.output.width;
    let (Some(ws), bias) = (weights.as_slice(), bias.as_ref().map(|b| b.as_slice())) else {
        return;
    };
    let bias = bias.flatten();
    for (x_row, mut z_row) in x.rows().into_iter().zip(z.rows_mut()) {
        let (Some(xs), Some(zs)) = (x_row.as_slice(), z_row.as_slice_mut()) else {
            continue;
        };
        gather_patches(shape, &scratch.taps, xs, &mut scratch.patches);
        combine_rows(ws, &scratch.patches, plane, bias, zs);
    }
}

/// One example's patches: `patches[k, p]` = the input pixel output position `p` reads at
/// kernel offset `k`, or 0 in the padding. With stride 1 each output row's pixels are one
/// contiguous run of an input row, copied at once.
fn gather_patches<F: Float>(shape: ConvShape, taps: &[Tap], xs: &[F], patches: &mut [F]) {
    let ConvShape {
        input,
        window,
        output,
    } = shape;
    // Only valid positions are ever written (or zeroed right after, below), so the
    // padding's zeros, set when the scratch was made, stay.
    if window.stride != 1 {
        each_patch_pixel(shape, taps, |patch, pixel| patches[patch] = xs[pixel]);
        return;
    }
    let plane = output.height * output.width;
    for (tap, patch_row) in taps.iter().zip(patches.chunks_exact_mut(plane.max(1))) {
        let channel = tap.channel;
        let (lo, hi) = tap.columns;
        let (first_row, end_row) = tap.rows;
        if first_row >= end_row || lo >= hi {
            continue;
        }
        let source_of = |i: usize, j: usize| {
            input.at(channel, Tap::source(i, 1, tap.shift.0), 0) + Tap::source(j, 1, tap.shift.1)
        };
        if output.width == input.width {
            // Output and input rows are equally long, so (i, j) reads a fixed distance
            // away: one copy spans every valid row, and the columns that wrapped onto the
            // next row are zeroed after it.
            let (start, end) = (
                first_row * output.width + lo,
                (end_row - 1) * output.width + hi,
            );
            let from = source_of(first_row, lo);
            patch_row[start..end].copy_from_slice(&xs[from..from + (end - start)]);
            for i in first_row..end_row {
                let line = &mut patch_row[i * output.width..(i + 1) * output.width];
                for j in (0..lo).chain(hi..output.width) {
                    line[j] = F::zero();
                }
            }
            continue;
        }
        for i in first_row..end_row {
            let from = source_of(i, lo);
            let into = i * output.width;
            patch_row[into + lo..into + hi].copy_from_slice(&xs[from..from + (hi - lo)]);
        }
    }
}

/// Where a convolution's backward pass writes: `∂L/∂W` (`[filters, c·kh·kw]`) and `∂L/∂b`
/// (overwritten), and `∂L/∂x` (`[rows, c·h·w]`, added to) unless the input needs none.
pub(crate) struct ConvGradients<'a, F: Float> {
    pub(crate) weights: ArrayViewMut2<'a, F>,
    pub(crate) bias: Option<ArrayViewMut1<'a, F>>,
    pub(crate) input: Option<ArrayViewMut2<'a, F>>,
}

/// The convolution's backward pass: `∂L/∂W` and `∂L/∂b` written from `dz`, and, when
/// asked for, `∂L/∂x` added. Per example: `∂L/∂W += dz_e · patchesᵀ`,
/// `∂L/∂b += Σ dz_e` over positions, and `∂L/∂patches = Wᵀ · dz_e`, each patch gradient
/// added back to the pixel it was read from.
pub(crate) fn conv_backward<F: Float>(
    shape: ConvShape,
    x: ArrayView2<F>,
    weights: ArrayView2<F>,
    dz: ArrayView2<F>,
    gradients: ConvGradients<'_, F>,
    scratch: &mut ConvScratch<F>,
) {
    let ConvGradients {
        weights: mut d_weights,
        bias: mut d_bias,
        input: mut dx,
    } = gradients;
    let plane = shape.output.height * shape.output.width;
    let kernel = weights.ncols();
    let filters = weights.nrows();
    let ConvScratch {
        taps,
        patches,
        patch_gradients,
        transposed_weights,
        weight_sums,
        bias_sums,
    } = scratch;
    weight_sums.fill(F::zero());
    bias_sums.fill(F::zero());
    for (k, transposed_row) in transposed_weights
        .chunks_exact_mut(filters.max(1))
        .enumerate()
    {
        for (t, &w) in transposed_row.iter_mut().zip(weights.column(k)) {
            *t = w;
        }
    }
    for (example, (x_row, dz_row)) in x.rows().into_iter().zip(dz.rows()).enumerate() {
        let (Some(xs), Some(gs)) = (x_row.as_slice(), dz_row.as_slice()) else {
            continue;
        };
        gather_patches(shape, taps, xs, patches);
        // ∂L/∂W[f, k] += ∂L/∂z[f, ·] · patches[k, ·], and ∂L/∂b[f] += Σ ∂L/∂z[f, ·].
        for ((g_plane, sums), bias_sum) in gs
            .chunks_exact(plane.max(1))
            .zip(weight_sums.chunks_exact_mut(kernel.max(1)))
            .zip(bias_sums.iter_mut())
        {
            for (sum, patch_row) in sums.iter_mut().zip(patches.chunks_exact(plane.max(1))) {
                *sum += dot(g_plane, patch_row);
            }
            *bias_sum += g_plane.iter().fold(F::zero(), |s, &g| s + g);
        }
        if let Some(dx_row) = dx.as_mut().map(|dx| dx.row_mut(example)) {
            let mut dx_row = dx_row;
            let Some(dxs) = dx_row.as_slice_mut() else {
                continue;
            };
            combine_rows(transposed_weights, gs, plane, None, patch_gradients);
            each_patch_pixel(shape, taps, |patch, pixel| {
                dxs[pixel] += patch_gradients[patch];
            });
        }
    }
    for (d, &sum) in d_weights.iter_mut().zip(weight_sums.iter()) {
        *d = sum;
    }
    if let Some(d_bias) = d_bias.as_mut() {
        for (d, &sum) in d_bias.iter_mut().zip(bias_sums.iter()) {
            *d = sum;
        }
    }
}

/// Each pooling window of one example, in output order: `visit(output index, first input
/// index, rows, columns)`, the window's pixels being `first + u·w + v` for `u < rows`,
/// `v < columns` (clipped to the image).
#[inline(always)]
fn each_window(
    input: ImageSize,
    window: Window,
    mut visit: impl FnMut(usize, usize, usize, usize),
) {
    let Some(output) = window.output(input, input.channels) else {
        return;
    };
    if window.padding == [0; 4] {
        // Every window lies inside the image (as pooling's always do): no clipping.
        let mut out = 0;
        for channel in 0..input.channels {
            for i in 0..output.height {
                let line = input.at(channel, i * window.stride, 0);
                for j in 0..output.width {
                    visit(out, line + j * window.stride, window.height, window.width);
                    out += 1;
                }
            }
        }
        return;
    }
    let clip = |o: usize, pad: usize, kernel: usize, size: usize| {
        let first = (o * window.stride).saturating_sub(pad);
        let end = (o * window.stride + kernel).saturating_sub(pad).min(size);
        (first, end.saturating_sub(first))
    };
    for channel in 0..input.channels {
        for i in 0..output.height {
            let (row, rows) = clip(i, window.padding[0], window.height, input.height);
            for j in 0..output.width {
                let (column, columns) = clip(j, window.padding[1], window.width, input.width);
                visit(
                    output.at(channel, i, j),
                    input.at(channel, row, column),
                    rows,
                    columns,
                );
            }
        }
    }
}

/// Max pooling of every channel: `y[c, i, j]` the largest `x[c, ·, ·]` in window `(i, j)`;
/// the position it came from (its index in the stored row, the first maximum in row-major
/// window order) goes to `chosen: [rows, c·oh·ow]`.
pub(crate) fn max_pool_forward<F: Float>(
    input: ImageSize,
    window: Window,
    x: ArrayView2<F>,
    mut y: ArrayViewMut2<F>,
    chosen: &mut [usize],
) {
    let per_row = y.ncols().max(1);
    for ((x_row, mut y_row), chosen_row) in x
        .rows()
        .into_iter()
        .zip(y.rows_mut())
        .zip(chosen.chunks_mut(per_row))
    {
        let (Some(xs), Some(ys)) = (x_row.as_slice(), y_row.as_slice_mut()) else {
            continue;
        };
        if window.height == 2 && window.width == 2 && window.padding == [0; 4] {
            max_pool_two_by_two(input, window.stride, xs, ys, chosen_row);
            continue;
        }
        max_pool_any(input, window, xs, ys, chosen_row);
    }
}

/// Max pooling of one example with any window, pixel by pixel.
fn max_pool_any<F: Float>(
    input: ImageSize,
    window: Window,
    xs: &[F],
    ys: &mut [F],
    chosen: &mut [usize],
) {
    each_window(input, window, |out, first, rows, columns| {
        let (mut best, mut largest) = (first, xs[first]);
        for u in 0..rows {
            let line = first + u * input.width;
            for (index, &value) in xs[line..line + columns].iter().enumerate() {
                // Strictly larger replaces, so a tie keeps the first maximum; selects
                // rather than a branch, which the data would mispredict half the time.
                let larger = value > largest;
                best = if larger { line + index } else { best };
                largest = if larger { value } else { largest };
            }
        }
        ys[out] = largest;
        chosen[out] = best;
    });
}

/// The larger of two `(index, value)` candidates, the first on a tie.
#[inline(always)]
fn first_larger<F: Float>(first: (usize, F), second: (usize, F)) -> (usize, F) {
    if second.1 > first.1 { second } else { first }
}

/// Max pooling with the common unpadded 2 × 2 window, for one example: each window's
/// maximum as a two-level tree (pairs within its rows, then the rows), which keeps the
/// first maximum in row-major order as the general loop does.
fn max_pool_two_by_two<F: Float>(
    input: ImageSize,
    stride: usize,
    xs: &[F],
    ys: &mut [F],
    chosen: &mut [usize],
) {
    let Some(output) = Window::output_side(input.height, 0, 2, stride).zip(Window::output_side(
        input.width,
        0,
        2,
        stride,
    )) else {
        return;
    };
    let mut out = 0;
    for channel in 0..input.channels {
        for i in 0..output.0 {
            let top = input.at(channel, i * stride, 0);
            let bottom = top + input.width;
            for j in 0..output.1 {
                let (a, b) = (top + j * stride, bottom + j * stride);
                let upper = first_larger((a, xs[a]), (a + 1, xs[a + 1]));
                let lower = first_larger((b, xs[b]), (b + 1, xs[b + 1]));
                let (best, largest) = first_larger(upper, lower);
                if let (Some(y), Some(c)) = (ys.get_mut(out), chosen.get_mut(out)) {
                    *y = largest;
                    *c = best;
                }
                out += 1;
            }
        }
    }
}

/// Max pooling backward: each `∂L/∂y` added to the input position the forward pass chose.
pub(crate) fn max_pool_backward<F: Float>(
    dy: ArrayView2<F>,
    chosen: &[usize],
    mut dx: ArrayViewMut2<F>,
) {
    let per_row = dy.ncols().max(1);
    for ((dy_row, mut dx_row), chosen_row) in dy
        .rows()
        .into_iter()
        .zip(dx.rows_mut())
        .zip(chosen.chunks(per_row))
    {
        for (&g, &index) in dy_row.iter().zip(chosen_row) {
            dx_row[index] += g;
        }
    }
}

/// Average pooling: `y[c, i, j]` the mean of window `(i, j)` of channel `c` (windows never
/// reach past the image: pooling has no padding).
pub(crate) fn average_pool_forward<F: Float>(
    input: ImageSize,
    window: Window,
    x: ArrayView2<F>,
    mut y: ArrayViewMut2<F>,
) {
    let share = F::one() / F::cast((window.height * window.width) as f64);
    for (x_row, mut y_row) in x.rows().into_iter().zip(y.rows_mut()) {
        let (Some(xs), Some(ys)) = (x_row.as_slice(), y_row.as_slice_mut()) else {
            continue;
        };
        each_window(input, window, |out, first, rows, columns| {
            let mut sum = F::zero();
            for u in 0..rows {
                let line = first + u * input.width;
                sum = xs[line..line + columns].iter().fold(sum, |s, &v| s + v);
            }
            ys[out] = sum * share;
        });
    }
}

/// Average pooling backward: `∂L/∂y / (kh·kw)` added to every pixel of the window.
pub(crate) fn average_pool_backward<F: Float>(
    input: ImageSize,
    window: Window,
    dy: ArrayView2<F>,
    mut dx: ArrayViewMut2<F>,
) {
    let share = F::one() / F::cast((window.height * window.width) as f64);
    for (dy_row, mut dx_row) in dy.rows().into_iter().zip(dx.rows_mut()) {
        let (Some(gs), Some(dxs)) = (dy_row.as_slice(), dx_row.as_slice_mut()) else {
            continue;
        };
        each_window(input, window, |out, first, rows, columns| {
            let g = gs[out] * share;
            for u in 0..rows {
                let line = first + u * input.width;
                for d in &mut dxs[line..line + columns] {
                    *d += g;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// The definitions in the module docs, summed term by term.
    fn reference(
        shape: ConvShape,
        x: &Array2<f64>,
        w: &Array2<f64>,
        dz: &Array2<f64>,
    ) -> (Array2<f64>, Array2<f64>, Array2<f64>) {
        let ConvShape {
            input,
            window,
            output,
        } = shape;
        let mut z = Array2::zeros((x.nrows(), output.values()));
        let mut dw = Array2::zeros(w.dim());
        let mut dx = Array2::zeros(x.dim());
        for e in 0..x.nrows() {
            for f in 0..output.channels {
                for i in 0..output.height {
                    for j in 0..output.width {
                        let out = output.at(f, i, j);
                        for c in 0..input.channels {
                            for u in 0..window.height {
                                for v in 0..window.width {
                                    let row = (i * window.stride + u) as isize
                                        - window.padding[0] as isize;
                                    let column = (j * window.stride + v) as isize
                                        - window.padding[1] as isize;
                                    if row < 0
                                        || column < 0
                                        || row >= input.height as isize
                                        || column >= input.width as isize
                                    {
                                        continue;
                                    }
                                    let pixel = input.at(c, row as usize, column as usize);
                                    let k = (c * window.height + u) * window.width + v;
                                    z[[e, out]] += w[[f, k]] * x[[e, pixel]];
                                    dw[[f, k]] += dz[[e, out]] * x[[e, pixel]];
                                    dx[[e, pixel]] += dz[[e, out]] * w[[f, k]];
                                }
                            }
                        }
                    }
                }
            }
        }
        (z, dw, dx)
    }

    #[test]
    fn every_path_of_the_convolution_agrees_with_the_definition_term_by_term() {
        // (channels, h, w), (kh, kw), stride, padding [top, left, bottom, right], filters:
        // 'same' rows of equal length (one copy per patch row), 'valid' (row by row),
        // uneven padding, stride 2 (pixel by pixel) and several channels.
        let cases = [
            ((1, 8, 8), (3, 3), 1, [1, 1, 1, 1], 8),
            ((2, 5, 7), (3, 3), 1, [0, 0, 0, 0], 3),
            ((2, 6, 5), (2, 3), 1, [1, 2, 0, 0], 2),
            ((3, 7, 6), (3, 3), 2, [1, 1, 1, 1], 4),
            ((1, 4, 9), (1, 5), 1, [0, 2, 0, 2], 1),
        ];
        for ((channels, height, width), (kh, kw), stride, padding, filters) in cases {
            let input = ImageSize {
                channels,
                height,
                width,
            };
            let window = Window {
                height: kh,
                width: kw,
                stride,
                padding,
            };
            let Some(output) = window.output(input, filters) else {
                panic!("case {input} {window:?} has no output");
            };
            let shape = ConvShape {
                input,
                window,
                output,
            };
            let rows = 3;
            let value = |seed: usize| ((seed * 37 + 11) % 23) as f64 / 23.0 - 0.5;
            let x = Array2::from_shape_fn((rows, input.values()), |(i, j)| value(i * 101 + j));
            let w = Array2::from_shape_fn((filters, channels * kh * kw), |(i, j)| {
                value(i * 13 + j * 7 + 5)
            });
            let bias = Array2::from_shape_fn((1, filters), |(_, j)| j as f64 * 0.1);
            let dz = Array2::from_shape_fn((rows, output.values()), |(i, j)| value(i * 17 + j * 3));
            let (mut z_expected, dw_expected, dx_expected) = reference(shape, &x, &w, &dz);
            for e in 0..rows {
                for f in 0..filters {
                    for p in 0..output.height * output.width {
                        z_expected[[e, f * output.height * output.width + p]] += bias[[0, f]];
                    }
                }
            }
            let mut scratch = ConvScratch::new(shape);
            let mut z = Array2::zeros((rows, output.values()));
            // Twice, so that a second example through the same scratch is checked too.
            for _ in 0..2 {
                conv_forward(
                    shape,
                    x.view(),
                    w.view(),
                    Some(bias.row(0)),
                    z.view_mut(),
                    &mut scratch,
                );
            }
            let mut dw = Array2::zeros(w.dim());
            let mut db = Array2::zeros((1, filters));
            let mut dx = Array2::zeros(x.dim());
            conv_backward(
                shape,
                x.view(),
                w.view(),
                dz.view(),
                ConvGradients {
                    weights: dw.view_mut(),
                    bias: Some(db.row_mut(0)),
                    input: Some(dx.view_mut()),
                },
                &mut scratch,
            );
            let close = |a: &Array2<f64>, b: &Array2<f64>| {
                a.iter().zip(b).all(|(p, q)| (p - q).abs() < 1e-12)
            };
            let case = format!("{input} kernel {kh}×{kw} stride {stride} padding {padding:?}");
            assert!(close(&z, &z_expected), "forward, {case}");
            assert!(close(&dw, &dw_expected), "∂L/∂W, {case}");
            assert!(close(&dx, &dx_expected), "∂L/∂x, {case}");
            let db_expected = dz.sum_axis(ndarray::Axis(0));
            for f in 0..filters {
                let plane = output.height * output.width;
                let sum: f64 = db_expected.iter().skip(f * plane).take(plane).sum();
                assert!((db[[0, f]] - sum).abs() < 1e-12, "∂L/∂b, {case}");
            }
        }
    }

    #[test]
    fn the_unrolled_two_by_two_max_pool_chooses_as_the_general_loop_does() {
        // Values from a small set, so windows have ties in every arrangement.
        let input = ImageSize {
            channels: 2,
            height: 7,
            width: 6,
        };
        let xs: Vec<f64> = (0..input.values()).map(|i| ((i * 7) % 3) as f64).collect();
        for stride in [1, 2] {
            let window = Window {
                height: 2,
                width: 2,
                stride,
                padding: [0; 4],
            };
            let Some(output) = window.output(input, input.channels) else {
                panic!("no output");
            };
            let (mut fast, mut general) = (vec![0.0; output.values()], vec![0.0; output.values()]);
            let (mut fast_chosen, mut general_chosen) =
                (vec![0; output.values()], vec![0; output.values()]);
            max_pool_two_by_two(input, stride, &xs, &mut fast, &mut fast_chosen);
            max_pool_any(input, window, &xs, &mut general, &mut general_chosen);
            assert_eq!(fast, general, "stride {stride}");
            assert_eq!(fast_chosen, general_chosen, "stride {stride}");
        }
    }
}
