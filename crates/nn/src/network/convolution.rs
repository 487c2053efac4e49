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

    /// The input pixel that window position `(i, j)` reads at offset `(u, v)`, if inside.
    fn source(
        &self,
        input: ImageSize,
        i: usize,
        j: usize,
        u: usize,
        v: usize,
    ) -> Option<(usize, usize)> {
        let row = (i * self.stride + u).checked_sub(self.padding[0])?;
        let column = (j * self.stride + v).checked_sub(self.padding[1])?;
        (row < input.height && column < input.width).then_some((row, column))
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

/// For kernel offset `(u, v)`: the valid output rows and columns, and where output `(i, j)`
/// reads: input row `i·s + u − p_top`, column `j·s + v − p_left`.
#[derive(Clone, Copy)]
struct Tap {
    rows: (usize, usize),
    columns: (usize, usize),
    /// `u − p_top` and `v − p_left`, as signed offsets.
    shift: (isize, isize),
}

impl Tap {
    fn new(input: ImageSize, window: Window, output: ImageSize, u: usize, v: usize) -> Self {
        let s = window.stride;
        Self {
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

/// `z = x ⊛ W + b` for every example: `x: [rows, c·h·w]`, `W: [filters, c·kh·kw]` (PyTorch's
/// `[filters, c, kh, kw]` flattened), `b: [filters]`, `z: [rows, filters·oh·ow]`. Each weight
/// is added times its shifted input plane at once, so the innermost loop runs along a row.
pub(crate) fn conv_forward<F: Float>(
    shape: ConvShape,
    x: ArrayView2<F>,
    weights: ArrayView2<F>,
    bias: Option<ArrayView1<F>>,
    mut z: ArrayViewMut2<F>,
) {
    let ConvShape {
        input,
        window,
        output,
    } = shape;
    let stride = window.stride;
    let plane = output.height * output.width;
    for (x_row, mut z_row) in x.rows().into_iter().zip(z.rows_mut()) {
        let (Some(xs), Some(zs)) = (x_row.as_slice(), z_row.as_slice_mut()) else {
            continue;
        };
        for filter in 0..output.channels {
            let offset = bias.as_ref().map_or(F::zero(), |b| b[filter]);
            let out = &mut zs[filter * plane..(filter + 1) * plane];
            out.fill(offset);
            for channel in 0..input.channels {
                for u in 0..window.height {
                    for v in 0..window.width {
                        let k = (channel * window.height + u) * window.width + v;
                        let w = weights[[filter, k]];
                        let tap = Tap::new(input, window, output, u, v);
                        for i in tap.rows.0..tap.rows.1 {
                            let row = Tap::source(i, stride, tap.shift.0);
                            let into = &mut out[i * output.width..(i + 1) * output.width];
                            let from = input.at(channel, row, 0);
                            let (lo, hi) = tap.columns;
                            if stride == 1 {
                                // Contiguous on both sides: a plain y += w·x the compiler vectorizes.
                                let start = Tap::source(lo, 1, tap.shift.1) + from;
                                let source = &xs[start..start + (hi - lo)];
                                for (y, &x) in into[lo..hi].iter_mut().zip(source) {
                                    *y += w * x;
                                }
                            } else {
                                for (j, y) in into.iter_mut().enumerate().take(hi).skip(lo) {
                                    let column = Tap::source(j, stride, tap.shift.1);
                                    *y += w * xs[from + column];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The convolution's backward pass: `∂L/∂W` and `∂L/∂b` written from `dz`, and, when
/// `dx` is given, `∂L/∂x` added to it.
pub(crate) fn conv_backward<F: Float>(
    shape: ConvShape,
    x: ArrayView2<F>,
    weights: ArrayView2<F>,
    dz: ArrayView2<F>,
    mut d_weights: ArrayViewMut2<F>,
    mut d_bias: Option<ArrayViewMut1<F>>,
    mut dx: Option<ArrayViewMut2<F>>,
) {
    let ConvShape {
        input,
        window,
        output,
    } = shape;
    let stride = window.stride;
    let plane = output.height * output.width;
    d_weights.fill(F::zero());
    if let Some(d_bias) = d_bias.as_mut() {
        d_bias.fill(F::zero());
    }
    for (example, (x_row, dz_row)) in x.rows().into_iter().zip(dz.rows()).enumerate() {
        let (Some(xs), Some(gs)) = (x_row.as_slice(), dz_row.as_slice()) else {
            continue;
        };
        let mut dx_row = dx.as_mut().map(|dx| dx.row_mut(example));
        for filter in 0..output.channels {
            let g_plane = &gs[filter * plane..(filter + 1) * plane];
            if let Some(d_bias) = d_bias.as_mut() {
                d_bias[filter] += g_plane.iter().fold(F::zero(), |sum, &g| sum + g);
            }
            for channel in 0..input.channels {
                for u in 0..window.height {
                    for v in 0..window.width {
                        let k = (channel * window.height + u) * window.width + v;
                        let w = weights[[filter, k]];
                        let tap = Tap::new(input, window, output, u, v);
                        let mut sum = F::zero();
                        for i in tap.rows.0..tap.rows.1 {
                            let row = Tap::source(i, stride, tap.shift.0);
                            let g_line = &g_plane[i * output.width..(i + 1) * output.width];
                            let from = input.at(channel, row, 0);
                            let (lo, hi) = tap.columns;
                            if stride == 1 {
                                let start = Tap::source(lo, 1, tap.shift.1) + from;
                                let source = &xs[start..start + (hi - lo)];
                                for (&g, &x) in g_line[lo..hi].iter().zip(source) {
                                    sum += g * x;
                                }
                                if let Some(dx) = dx_row.as_mut().and_then(|d| d.as_slice_mut()) {
                                    let target = &mut dx[start..start + (hi - lo)];
                                    for (d, &g) in target.iter_mut().zip(&g_line[lo..hi]) {
                                        *d += w * g;
                                    }
                                }
                            } else {
                                for (j, &g) in g_line.iter().enumerate().take(hi).skip(lo) {
                                    let column = Tap::source(j, stride, tap.shift.1);
                                    sum += g * xs[from + column];
                                    if let Some(dx_row) = dx_row.as_mut() {
                                        dx_row[from + column] += w * g;
                                    }
                                }
                            }
                        }
                        d_weights[[filter, k]] += sum;
                    }
                }
            }
        }
    }
}

/// Every pooling window of `input`, in output order: its index in a stored output row and
/// the stored indices of the input pixels it covers, in row-major window order.
fn pooling_windows(
    input: ImageSize,
    window: Window,
) -> impl Iterator<Item = (usize, impl Iterator<Item = usize>)> {
    let output = window.output(input, input.channels);
    output.into_iter().flat_map(move |output| {
        (0..output.channels).flat_map(move |channel| {
            (0..output.height).flat_map(move |i| {
                (0..output.width).map(move |j| {
                    let pixels = (0..window.height).flat_map(move |u| {
                        (0..window.width).filter_map(move |v| {
                            let (row, column) = window.source(input, i, j, u, v)?;
                            Some(input.at(channel, row, column))
                        })
                    });
                    (output.at(channel, i, j), pixels)
                })
            })
        })
    })
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
        for (out, pixels) in pooling_windows(input, window) {
            // Strictly larger replaces, so a tie keeps the first maximum.
            let best = pixels.fold(None, |best: Option<(usize, F)>, index| {
                let value = x_row[index];
                match best {
                    Some((_, b)) if value <= b => best,
                    _ => Some((index, value)),
                }
            });
            if let Some((index, value)) = best {
                y_row[out] = value;
                chosen_row[out] = index;
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
        for (out, pixels) in pooling_windows(input, window) {
            y_row[out] = pixels.fold(F::zero(), |sum, index| sum + x_row[index]) * share;
        }
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
        for (out, pixels) in pooling_windows(input, window) {
            let g = dy_row[out] * share;
            for index in pixels {
                dx_row[index] += g;
            }
        }
    }
}
