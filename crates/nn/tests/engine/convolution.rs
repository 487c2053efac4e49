//! Convolution, pooling and flatten: hand-worked values, the first-maximum rule of max
//! pooling's backward pass, output sizes, shape errors naming both shapes, and
//! finite-difference checks of a small convolutional network in f64.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::network::architecture::{ConvPadding, ConvSpec, ImageSize, Window};
use layerwright_nn::network::model::{Mode, Workspace, loss_and_gradients};
use layerwright_nn::teach::gradient_check::gradient_check;
use layerwright_nn::{
    Activation, ArchitectureBuilder, DenseSpec, Initializer, Loss, NodeId, OutputFunction,
    OutputSpec, Reduction,
};
use ndarray::{Array2, array};

fn conv(filters: usize, kernel: [usize; 2], stride: usize, padding: ConvPadding) -> ConvSpec {
    ConvSpec {
        filters,
        kernel,
        stride,
        padding,
        activation: Activation::Identity,
        initializer: Initializer::GlorotUniform,
        use_bias: true,
    }
}

/// One output unit that sums its inputs (weights 1, no bias), ½ squared error summed against
/// 0: `L = ½(Σ values)²` and `∂L/∂value = Σ values` for every value.
fn summing_output() -> OutputSpec {
    OutputSpec {
        reduction: Reduction::Sum,
        use_bias: false,
        initializer: Initializer::Constant { value: 1.0 },
        ..OutputSpec::new(1, OutputFunction::Identity, Loss::HalfSquaredError)
    }
}

fn image(channels: usize, height: usize, width: usize) -> ImageSize {
    ImageSize {
        channels,
        height,
        width,
    }
}

#[test]
fn output_sizes_follow_floor_of_in_plus_pads_minus_kernel_over_stride_plus_one() {
    // ⌊(8 + 0 − 3)/1⌋ + 1 = 6; ⌊(8 + 2 − 3)/2⌋ + 1 = 4; a kernel larger than the image: none.
    assert_eq!(Window::output_side(8, 0, 3, 1), Some(6));
    assert_eq!(Window::output_side(8, 2, 3, 2), Some(4));
    assert_eq!(Window::output_side(2, 0, 3, 1), None);
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("x", image(1, 8, 8)).unwrap();
    let same = builder
        .conv2d("same", x, conv(4, [3, 3], 1, ConvPadding::Same))
        .unwrap();
    let pooled = builder.pool2d("pool", same, [2, 2], 2, true).unwrap();
    let strided = builder
        .conv2d(
            "strided",
            pooled,
            conv(2, [3, 3], 2, ConvPadding::Explicit([1, 1, 0, 0])),
        )
        .unwrap();
    let flat = builder.flatten("flat", strided).unwrap();
    let sizes: Vec<_> = [same, pooled, strided]
        .iter()
        .map(|&id| builder_image(&builder, id))
        .collect();
    // same: [4, 8, 8]; pool 2 × 2 by 2: [4, 4, 4]; 3 × 3 by 2 with one row and column of
    // zeros before: ⌊(4 + 1 − 3)/2⌋ + 1 = 2, so [2, 2, 2]; flatten: 8 values.
    assert_eq!(sizes, [image(4, 8, 8), image(4, 4, 4), image(2, 2, 2)]);
    let spec = OutputSpec::new(3, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    let architecture = builder.output("out", flat, spec).unwrap();
    assert_eq!(architecture.node(flat).width, 8);
    assert_eq!(architecture.node(flat).image, None);
}

/// The image a node gives, through a throwaway copy of the builder finished with an output.
fn builder_image(builder: &ArchitectureBuilder, id: NodeId) -> ImageSize {
    let mut copy = builder.clone();
    let flat = copy.flatten("probe_flatten", id).unwrap();
    let spec = OutputSpec::new(1, OutputFunction::Identity, Loss::SquaredError);
    copy.output("probe_out", flat, spec)
        .unwrap()
        .node(id)
        .image
        .unwrap()
}

#[test]
fn a_dense_layer_fed_an_image_says_add_a_flatten_and_names_both_shapes() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("pixels", image(1, 8, 8)).unwrap();
    let error = builder
        .dense("hidden", x, DenseSpec::new(16, Activation::Relu))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "node 'hidden': a dense layer takes [batch, n], but 'pixels' gives an image \
         [batch, 1, 8, 8]: add a Flatten before it"
    );
    let flat = builder.flatten("flat", x).unwrap();
    // A vector passes a flatten unchanged.
    let again = builder.flatten("again", flat).unwrap();
    let error = builder
        .conv2d(
            "conv_on_vector",
            again,
            conv(2, [3, 3], 1, ConvPadding::Valid),
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("'again' gives [batch, 64]"),
        "{error}"
    );
    let error = builder
        .conv2d("conv", flat, conv(2, [3, 3], 1, ConvPadding::Valid))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "node 'conv': a convolution takes an image [batch, c, h, w], but 'flat' gives [batch, 64]"
    );
    let error = builder
        .conv2d("wide", x, conv(2, [9, 3], 1, ConvPadding::Valid))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("does not fit the image [1, 8, 8]"),
        "{error}"
    );
    let error = builder
        .conv2d("same2", x, conv(2, [3, 3], 2, ConvPadding::Same))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("\"same\" padding needs stride 1"),
        "{error}"
    );
    let pooled = builder.pool2d("pool", x, [2, 2], 2, false).unwrap();
    let error = builder.add("sum", &[x, pooled]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "node 'sum': add needs inputs of one shape, got [batch, 1, 8, 8] and [batch, 1, 4, 4]"
    );
}

/// `x (1 × 3 × 3) → conv (one 2 × 2 filter) → flatten → output (sums the 4 values)`, ½ squared
/// error summed against 0.
#[test]
fn a_convolution_matches_the_hand_computation_forward_and_backward() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("x", image(1, 3, 3)).unwrap();
    let c = builder
        .conv2d("conv", x, conv(1, [2, 2], 1, ConvPadding::Valid))
        .unwrap();
    let flat = builder.flatten("flat", c).unwrap();
    let architecture = builder.output("out", flat, summing_output()).unwrap();
    let mut parameters = architecture.initial_parameters(0);
    // W = [[1, 2], [3, 4]] as [filters, c·kh·kw], b = 0.5.
    parameters.tensors[0] = array![[1.0, 2.0, 3.0, 4.0]];
    parameters.tensors[1] = array![[0.5]];
    // x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]].
    let inputs = array![[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]];
    let mut workspace = Workspace::new(&architecture, 1);
    let loss = loss_and_gradients(
        &architecture,
        &parameters,
        inputs.view(),
        array![[0.0]].view(),
        Mode::Inference,
        &mut workspace,
    );
    // z[0,0] = 1·1 + 2·2 + 3·4 + 4·5 + ½ = 37.5, z[0,1] = 2 + 6 + 15 + 24 + ½ = 47.5,
    // z[1,0] = 4 + 10 + 21 + 32 + ½ = 67.5, z[1,1] = 5 + 12 + 24 + 36 + ½ = 77.5.
    assert_eq!(workspace.value(c), array![[37.5, 47.5, 67.5, 77.5]]);
    // out = Σ z = 230, L = ½·230² = 26450; ∂L/∂z = 230 at every position.
    assert_eq!(loss, 26450.0);
    // ∂L/∂W[u, v] = 230 · Σ_{i,j} x[i + u, j + v]: (1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9)·230.
    let gradients = workspace.parameter_gradients();
    assert_eq!(
        gradients.tensors[0],
        array![[12.0, 16.0, 24.0, 28.0]].mapv(|v| v * 230.0)
    );
    assert_eq!(gradients.tensors[1], array![[4.0 * 230.0]]);
}

#[test]
fn max_pooling_passes_the_gradient_to_the_first_maximum_in_row_major_order() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("x", image(1, 2, 4)).unwrap();
    // A 1 × 1 convolution with weight 1 and no bias copies the input, so its gradient shows
    // what the pooling passed back.
    let copy = builder
        .conv2d(
            "copy",
            x,
            ConvSpec {
                use_bias: false,
                initializer: Initializer::Constant { value: 1.0 },
                ..conv(1, [1, 1], 1, ConvPadding::Valid)
            },
        )
        .unwrap();
    let pooled = builder.pool2d("pool", copy, [2, 2], 2, true).unwrap();
    let flat = builder.flatten("flat", pooled).unwrap();
    let architecture = builder.output("out", flat, summing_output()).unwrap();
    let parameters = architecture.initial_parameters(0);
    // Left window [[1, 3], [3, 2]]: the maximum 3 first at (0, 1); right window
    // [[0, −1], [−2, −3]]: 0 at (0, 2).
    let inputs = array![[1.0, 3.0, 0.0, -1.0, 3.0, 2.0, -2.0, -3.0]];
    let mut workspace = Workspace::new(&architecture, 1);
    loss_and_gradients(
        &architecture,
        &parameters,
        inputs.view(),
        array![[0.0]].view(),
        Mode::Inference,
        &mut workspace,
    );
    assert_eq!(workspace.value(pooled), array![[3.0, 0.0]]);
    // out = 3 + 0 = 3, ∂L/∂pooled = 3 for both windows, all to the first maximum.
    assert_eq!(
        workspace.gradient(copy),
        array![[0.0, 3.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
    );
}

#[test]
fn a_small_convolutional_network_passes_the_finite_difference_check() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("x", image(2, 6, 6)).unwrap();
    let first = builder
        .conv2d(
            "first",
            x,
            ConvSpec {
                activation: Activation::Tanh,
                ..conv(3, [3, 3], 1, ConvPadding::Same)
            },
        )
        .unwrap();
    let pooled = builder.pool2d("max", first, [2, 2], 2, true).unwrap();
    let second = builder
        .conv2d(
            "second",
            pooled,
            ConvSpec {
                activation: Activation::Sigmoid,
                ..conv(2, [2, 3], 2, ConvPadding::Explicit([1, 0, 0, 2]))
            },
        )
        .unwrap();
    let averaged = builder.pool2d("mean", second, [2, 1], 1, false).unwrap();
    let flat = builder.flatten("flat", averaged).unwrap();
    let hidden = builder
        .dense("hidden", flat, DenseSpec::new(4, Activation::Tanh))
        .unwrap();
    let spec = OutputSpec::new(3, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    let architecture = builder.output("out", hidden, spec).unwrap();
    let parameters = architecture.initial_parameters(5);
    let mut rng = layerwright_nn::SplitMix64::new(9);
    let inputs = Array2::from_shape_fn((4, 72), |_| rng.uniform(-1.0, 1.0));
    let targets = array![
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0]
    ];
    let check = gradient_check(
        &architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        None,
    );
    assert_eq!(
        check.parameters.len(),
        8,
        "W and b of two convolutions, a dense layer and the output"
    );
    assert!(check.max_relative_error() < 1e-6, "{:?}", check.parameters);
}

/// `x (1 × 4 × 4, 1 to 16 row by row) → conv (one 3 × 3 filter, stride 2, a row of zeros above
/// and a column to the left) → flatten → output (the sum)`, ½ squared error summed against 0.
#[test]
fn a_strided_convolution_with_explicit_padding_matches_the_hand_computation() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("x", image(1, 4, 4)).unwrap();
    let c = builder
        .conv2d(
            "conv",
            x,
            ConvSpec {
                use_bias: false,
                ..conv(1, [3, 3], 2, ConvPadding::Explicit([1, 1, 0, 0]))
            },
        )
        .unwrap();
    let flat = builder.flatten("flat", c).unwrap();
    let architecture = builder.output("out", flat, summing_output()).unwrap();
    let mut parameters = architecture.initial_parameters(0);
    // The filter's diagonal is 1: z[i, j] = Σ_k x[2i + k − 1, 2j + k − 1], zero outside.
    parameters.tensors[0] = array![[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]];
    let inputs = Array2::from_shape_fn((1, 16), |(_, k)| (k + 1) as f64);
    let mut workspace = Workspace::new(&architecture, 1);
    let loss = loss_and_gradients(
        &architecture,
        &parameters,
        inputs.view(),
        array![[0.0]].view(),
        Mode::Inference,
        &mut workspace,
    );
    // ⌊(4 + 1 − 3)/2⌋ + 1 = 2 a side. z[0,0] = 0 + 1 + 6, z[0,1] = 0 + 3 + 8,
    // z[1,0] = 0 + 9 + 14, z[1,1] = 6 + 11 + 16.
    assert_eq!(workspace.value(c), array![[7.0, 11.0, 23.0, 33.0]]);
    // out = 74, L = ½·74² = 2738, ∂L/∂z = 74 everywhere.
    assert_eq!(loss, 2738.0);
    // ∂L/∂W[u, v] = 74·Σ_{i,j} x[2i + u − 1, 2j + v − 1]: row u = 0 reads (6), (5 + 7),
    // (6 + 8); u = 1 reads (2 + 10), (1 + 3 + 9 + 11), (2 + 4 + 10 + 12); u = 2 reads
    // (6 + 14), (5 + 7 + 13 + 15), (6 + 8 + 14 + 16).
    assert_eq!(
        workspace.parameter_gradients().tensors[0],
        array![[6.0, 12.0, 14.0, 12.0, 24.0, 28.0, 20.0, 40.0, 44.0]].mapv(|v| v * 74.0)
    );
}

#[test]
fn images_concatenate_along_their_channels_and_dropout_keeps_their_shape() {
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("x", image(1, 6, 6)).unwrap();
    let a = builder
        .conv2d("a", x, conv(3, [3, 3], 1, ConvPadding::Same))
        .unwrap();
    let b = builder
        .conv2d("b", x, conv(2, [1, 1], 1, ConvPadding::Valid))
        .unwrap();
    let joined = builder.concat("joined", &[a, b]).unwrap();
    let dropped = builder.dropout("dropped", joined, 0.5).unwrap();
    let pooled = builder.pool2d("pooled", x, [2, 2], 2, true).unwrap();
    let error = builder.concat("mixed", &[a, pooled]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "node 'mixed': concat joins vectors, or images of one height and width along their \
         channels; got [batch, 3, 6, 6] and [batch, 1, 3, 3]"
    );
    assert_eq!(builder_image(&builder, joined), image(5, 6, 6));
    assert_eq!(builder_image(&builder, dropped), image(5, 6, 6));
}

#[test]
fn stacked_stride_one_convolutions_pass_the_finite_difference_check() {
    // The second convolution reads the first, so its input gradient (the contiguous path of
    // stride 1, with uneven padding) reaches the first one's weights.
    let mut builder = ArchitectureBuilder::new();
    let x = builder.input_image("x", image(1, 5, 5)).unwrap();
    let first = builder
        .conv2d(
            "first",
            x,
            ConvSpec {
                activation: Activation::Tanh,
                ..conv(2, [2, 2], 1, ConvPadding::Valid)
            },
        )
        .unwrap();
    let second = builder
        .conv2d(
            "second",
            first,
            ConvSpec {
                activation: Activation::Sigmoid,
                ..conv(3, [3, 2], 1, ConvPadding::Explicit([2, 0, 1, 1]))
            },
        )
        .unwrap();
    let flat = builder.flatten("flat", second).unwrap();
    let spec = OutputSpec::new(2, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
    let architecture = builder.output("out", flat, spec).unwrap();
    let parameters = architecture.initial_parameters(8);
    let mut rng = layerwright_nn::SplitMix64::new(2);
    let inputs = Array2::from_shape_fn((3, 25), |_| rng.uniform(-1.0, 1.0));
    let targets = array![[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]];
    let check = gradient_check(
        &architecture,
        &parameters,
        inputs.view(),
        targets.view(),
        None,
    );
    assert!(check.max_relative_error() < 1e-6, "{:?}", check.parameters);
}
