//! The operators that join, slice, reshape, window and normalise values: `Concat`,
//! `Slice`, `Flatten`/`Reshape`, `Conv`, `MaxPool`/`AveragePool`, `BatchNormalization` and
//! `LayerNormalization`.

use ndarray::{Array1, Array2};
use tract_onnx::pb::NodeProto;

use super::onnx::{ImportError, ImportedLayer, refused};
use super::reader::{InputValue, Reader, Value};
use super::tensors::{float_attribute, int_attribute, ints_attribute, string_attribute};
use crate::data::Feature;
use crate::math::activations::Activation;

impl Reader {
    pub(super) fn concat(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let axis = int_attribute(node, "axis").unwrap_or(1);
        let values: Vec<Value> = (0..node.input.len())
            .map(|i| self.value(node, i))
            .collect::<Result<_, _>>()?;
        let features: Option<Vec<Feature>> = values
            .iter()
            .map(|v| match v {
                Value::Input(x) if !x.is_rescaled() && x.image.is_none() => {
                    Some(x.features.clone())
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.concat());
        if let Some(features) = features {
            if axis != 1 && axis != -1 {
                return Err(refused(node, format!("axis {axis} (only 1 is)")));
            }
            return Ok(Value::Input(InputValue::plain(features)));
        }
        let inputs: Vec<usize> = (0..node.input.len())
            .map(|i| self.node_of(node, i))
            .collect::<Result<_, _>>()?;
        let images: Vec<Option<[usize; 3]>> = inputs.iter().map(|&i| self.nodes[i].image).collect();
        let (width, image) = match images[..] {
            [Some(first), ..] => {
                let all_images: Option<Vec<[usize; 3]>> = images.iter().copied().collect();
                let all = all_images.ok_or_else(|| refused(node, "it joins images and vectors"))?;
                if axis != 1 || all.iter().any(|i| i[1..] != first[1..]) {
                    return Err(refused(
                        node,
                        "images are joined along their channels (axis 1), of one size",
                    ));
                }
                let channels = all.iter().map(|i| i[0]).sum();
                let image = [channels, first[1], first[2]];
                (image.iter().product(), Some(image))
            }
            _ => {
                if images.iter().any(Option::is_some) {
                    return Err(refused(node, "it joins images and vectors"));
                }
                if axis != 1 && axis != -1 {
                    return Err(refused(node, format!("axis {axis} (only 1 is)")));
                }
                (inputs.iter().map(|&i| self.nodes[i].width).sum(), None)
            }
        };
        Ok(Value::Node(self.push(
            node,
            ImportedLayer::Concat,
            inputs,
            width,
            image,
        )))
    }

    /// `Slice` of the input's columns along axis 1, one step at a time.
    pub(super) fn slice(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let Value::Input(input) = self.value(node, 0)? else {
            return Err(refused(
                node,
                "only slices of the input's columns are understood",
            ));
        };
        let number = |reader: &Self, index: usize| -> Result<Option<i64>, ImportError> {
            if node.input.get(index).is_none_or(String::is_empty) {
                return Ok(None);
            }
            reader
                .constant(node, index)?
                .integers()
                .and_then(|v| v.first().copied())
                .map(Some)
                .ok_or_else(|| refused(node, "its bounds must be whole numbers"))
        };
        let (start, end) = (number(self, 1)?, number(self, 2)?);
        let axis = number(self, 3)?.unwrap_or(0);
        let step = number(self, 4)?.unwrap_or(1);
        let width = i64::try_from(input.features.len()).unwrap_or(i64::MAX);
        if (axis != 1 && axis != -1) || step != 1 || input.is_rescaled() || input.image.is_some() {
            return Err(refused(
                node,
                "only a run of the input's columns (axis 1, step 1) is understood",
            ));
        }
        let clamp = |v: i64| {
            let v = if v < 0 { v + width } else { v };
            usize::try_from(v.clamp(0, width)).unwrap_or(0)
        };
        let (start, end) = (clamp(start.unwrap_or(0)), clamp(end.unwrap_or(width)));
        let features = input.features.get(start..end).unwrap_or_default().to_vec();
        if features.is_empty() {
            return Err(refused(node, "it takes no columns"));
        }
        Ok(Value::Input(InputValue::plain(features)))
    }

    pub(super) fn reshape(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let shape: Option<Vec<i64>> = if node.op_type == "Flatten" {
            let axis = int_attribute(node, "axis").unwrap_or(1);
            if axis != 1 {
                return Err(refused(node, format!("axis {axis} (only 1 is)")));
            }
            None
        } else {
            Some(
                self.constant(node, 1)?
                    .integers()
                    .ok_or_else(|| refused(node, "its shape must be whole numbers"))?,
            )
        };
        let value = self.value(node, 0)?;
        let width = match &value {
            Value::Input(input) => input.features.len(),
            _ => {
                let id = self.node_of(node, 0)?;
                self.nodes[id].width
            }
        };
        let batch_first = |s: &[i64]| s.first().is_some_and(|&d| d == -1 || d == 0);
        let to_image = match shape.as_deref() {
            None => None,
            Some(s) if !batch_first(s) => {
                return Err(refused(
                    node,
                    format!("shape {s:?}: the first axis must be the batch"),
                ));
            }
            Some([_, w]) => {
                if usize::try_from(*w).ok() != Some(width) && *w != -1 {
                    return Err(refused(node, format!("it reshapes {width} values to {w}")));
                }
                None
            }
            Some(s @ [_, c, h, w]) => {
                let dims = [c, h, w].map(|&d| usize::try_from(d).unwrap_or(0));
                if dims.iter().product::<usize>() != width || dims.contains(&0) {
                    return Err(refused(
                        node,
                        format!("it reshapes {width} values to {s:?}"),
                    ));
                }
                Some(dims)
            }
            Some(s) => {
                return Err(refused(
                    node,
                    format!("shape {s:?}: only [batch, n] and [batch, c, h, w] are understood"),
                ));
            }
        };
        match (value, to_image) {
            (Value::Input(mut input), Some(image)) if input.image.is_none() => {
                input.image = Some(image);
                Ok(Value::Input(input))
            }
            (Value::Input(input), None) if input.image.is_none() => Ok(Value::Input(input)),
            (_, Some(_)) => Err(refused(
                node,
                "only the input's rows are understood as images",
            )),
            (_, None) => {
                let id = self.node_of(node, 0)?;
                match self.nodes[id].image {
                    Some(_) => Ok(Value::Node(self.push(
                        node,
                        ImportedLayer::Flatten,
                        vec![id],
                        width,
                        None,
                    ))),
                    None => Ok(Value::Node(id)),
                }
            }
        }
    }

    /// The image a windowed operator reads: its node and `[channels, height, width]`.
    pub(super) fn image_input(
        &mut self,
        node: &NodeProto,
    ) -> Result<(usize, [usize; 3]), ImportError> {
        let id = self.node_of(node, 0)?;
        let image = self.nodes[id]
            .image
            .ok_or_else(|| refused(node, "it reads vectors, not images"))?;
        Ok((id, image))
    }

    pub(super) fn conv(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let (x, [channels, height, width]) = self.image_input(node)?;
        let w = self.constant(node, 1)?;
        let [filters, kernel_channels, kh, kw] = w.dims[..] else {
            return Err(refused(
                node,
                format!("its weights have shape {:?}", w.dims),
            ));
        };
        if int_attribute(node, "group").unwrap_or(1) != 1 || kernel_channels != channels {
            return Err(refused(
                node,
                format!(
                    "{kernel_channels} kernel channels for {channels} input channels (groups are not understood)"
                ),
            ));
        }
        let window = Windowing::of(node, [kh, kw], true)?;
        let weights = Array2::from_shape_vec((filters, channels * kh * kw), w.values)
            .map_err(|_| refused(node, "its weights do not fill their shape"))?;
        let bias = match node.input.get(2).filter(|n| !n.is_empty()) {
            Some(_) => Some(Array1::from(
                self.constant(node, 2)?
                    .row(filters)
                    .ok_or_else(|| refused(node, format!("its bias must be {filters} values")))?,
            )),
            None => None,
        };
        let (oh, ow) = window.output(node, height, width)?;
        let layer = ImportedLayer::Conv {
            weights,
            bias,
            kernel: [kh, kw],
            stride: window.stride,
            padding: window.padding,
            activation: Activation::Identity,
        };
        Ok(self.push_image(node, layer, x, [filters, oh, ow]))
    }

    /// A node reading node `x` and giving images of `image = [channels, height, width]`.
    fn push_image(
        &mut self,
        node: &NodeProto,
        layer: ImportedLayer,
        x: usize,
        image: [usize; 3],
    ) -> Value {
        Value::Node(self.push(node, layer, vec![x], image.iter().product(), Some(image)))
    }

    pub(super) fn pool(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let (x, [channels, height, width]) = self.image_input(node)?;
        let size = ints_attribute(node, "kernel_shape")
            .and_then(|k| match k[..] {
                [h, w] => Some([h, w].map(|v| usize::try_from(v).unwrap_or(0))),
                _ => None,
            })
            .ok_or_else(|| refused(node, "it needs a 2-D kernel_shape"))?;
        if int_attribute(node, "ceil_mode").unwrap_or(0) != 0 {
            return Err(refused(node, "ceil_mode = 1"));
        }
        let window = Windowing::of(node, size, false)?;
        let (oh, ow) = window.output(node, height, width)?;
        let layer = ImportedLayer::Pool {
            max: node.op_type == "MaxPool",
            size,
            stride: window.stride,
        };
        Ok(self.push_image(node, layer, x, [channels, oh, ow]))
    }

    pub(super) fn batch_norm(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        if int_attribute(node, "training_mode").unwrap_or(0) != 0 {
            return Err(refused(node, "training_mode = 1"));
        }
        let x = self.vector_input(node, "batch norm")?;
        let width = self.nodes[x].width;
        let row = |reader: &Self, index: usize| -> Result<Array1<f64>, ImportError> {
            reader
                .constant(node, index)?
                .row(width)
                .map(Array1::from)
                .ok_or_else(|| refused(node, format!("input {} must be {width} values", index + 1)))
        };
        // ONNX's momentum is the share of the running statistics kept; PyTorch's the share
        // of the batch's taken.
        let momentum = 1.0 - float_attribute(node, "momentum").unwrap_or(0.9);
        let layer = ImportedLayer::BatchNorm {
            scale: row(self, 1)?,
            shift: row(self, 2)?,
            mean: row(self, 3)?,
            variance: row(self, 4)?,
            epsilon: float_attribute(node, "epsilon").unwrap_or(1e-5),
            momentum: if momentum > 0.0 && momentum <= 1.0 {
                momentum
            } else {
                0.1
            },
        };
        Ok(Value::Node(self.push(node, layer, vec![x], width, None)))
    }

    pub(super) fn layer_norm(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let axis = int_attribute(node, "axis").unwrap_or(-1);
        if axis != -1 && axis != 1 {
            return Err(refused(node, format!("axis {axis} (only the last is)")));
        }
        let x = self.vector_input(node, "layer norm")?;
        let width = self.nodes[x].width;
        let row = |reader: &Self, index: usize| -> Result<Array1<f64>, ImportError> {
            if node.input.get(index).is_none_or(String::is_empty) {
                return Ok(Array1::from_elem(width, if index == 1 { 1.0 } else { 0.0 }));
            }
            reader
                .constant(node, index)?
                .row(width)
                .map(Array1::from)
                .ok_or_else(|| refused(node, format!("input {} must be {width} values", index + 1)))
        };
        let layer = ImportedLayer::LayerNorm {
            scale: row(self, 1)?,
            shift: row(self, 2)?,
            epsilon: float_attribute(node, "epsilon").unwrap_or(1e-5),
        };
        Ok(Value::Node(self.push(node, layer, vec![x], width, None)))
    }

    pub(super) fn vector_input(
        &mut self,
        node: &NodeProto,
        what: &str,
    ) -> Result<usize, ImportError> {
        let x = self.node_of(node, 0)?;
        if self.nodes[x].image.is_some() {
            return Err(refused(
                node,
                format!(
                    "a {what} over images is not understood (Layerwright's {what} reads vectors)"
                ),
            ));
        }
        Ok(x)
    }
}

/// A convolution's or pooling's window: one stride for both axes and the zeros around.
struct Windowing {
    kernel: [usize; 2],
    stride: usize,
    padding: [usize; 4],
}

impl Windowing {
    fn of(
        node: &NodeProto,
        kernel: [usize; 2],
        padding_allowed: bool,
    ) -> Result<Self, ImportError> {
        let strides = ints_attribute(node, "strides").unwrap_or_else(|| vec![1, 1]);
        let stride = match strides[..] {
            [a, b] if a == b && a > 0 => usize::try_from(a).unwrap_or(1),
            _ => {
                return Err(refused(
                    node,
                    format!("strides {strides:?}: one stride for both axes is understood"),
                ));
            }
        };
        if ints_attribute(node, "dilations").is_some_and(|d| d.iter().any(|&v| v != 1)) {
            return Err(refused(node, "dilations other than 1"));
        }
        let auto_pad = string_attribute(node, "auto_pad").unwrap_or_default();
        let padding = match auto_pad.as_str() {
            "" | "NOTSET" => {
                let pads = ints_attribute(node, "pads").unwrap_or_else(|| vec![0; 4]);
                match pads[..] {
                    [t, l, b, r] if [t, l, b, r].iter().all(|&p| p >= 0) => {
                        [t, l, b, r].map(|p| usize::try_from(p).unwrap_or(0))
                    }
                    _ => return Err(refused(node, format!("pads {pads:?}"))),
                }
            }
            "VALID" => [0; 4],
            "SAME_UPPER" | "SAME_LOWER" if stride == 1 => {
                let [rows, columns] = kernel.map(|k| k.saturating_sub(1));
                let (small_rows, small_columns) = (rows / 2, columns / 2);
                if auto_pad == "SAME_UPPER" {
                    [
                        small_rows,
                        small_columns,
                        rows - small_rows,
                        columns - small_columns,
                    ]
                } else {
                    [
                        rows - small_rows,
                        columns - small_columns,
                        small_rows,
                        small_columns,
                    ]
                }
            }
            other => {
                return Err(refused(
                    node,
                    format!("auto_pad = {other} with stride {stride}"),
                ));
            }
        };
        if !padding_allowed && padding.iter().any(|&p| p > 0) {
            return Err(refused(node, "padding around a pooling window"));
        }
        Ok(Self {
            kernel,
            stride,
            padding,
        })
    }

    /// The output's rows and columns, `⌊(in + pads − kernel)/stride⌋ + 1` each.
    fn output(
        &self,
        node: &NodeProto,
        height: usize,
        width: usize,
    ) -> Result<(usize, usize), ImportError> {
        let [t, l, b, r] = self.padding;
        let [kh, kw] = self.kernel;
        let axis = |size: usize, before: usize, after: usize, k: usize| {
            (size + before + after)
                .checked_sub(k)
                .map(|room| room / self.stride + 1)
        };
        match (axis(height, t, b, kh), axis(width, l, r, kw)) {
            (Some(rows), Some(columns)) => Ok((rows, columns)),
            _ => Err(refused(
                node,
                format!("a {kh} × {kw} window does not fit a {height} × {width} image"),
            )),
        }
    }
}
