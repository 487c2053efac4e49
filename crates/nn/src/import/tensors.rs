//! The constants and attributes of an ONNX graph as plain numbers: a [`Constant`] is a
//! tensor's shape with its values as f64 (float, double or int64, inline or raw
//! little-endian).

use tract_onnx::pb::{AttributeProto, NodeProto, TensorProto, tensor_proto::DataType};

/// A constant tensor: its dimensions and its values in row-major order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Constant {
    /// The dimensions (empty for a scalar).
    pub dims: Vec<usize>,
    /// `dims.iter().product()` values, row-major.
    pub values: Vec<f64>,
}

impl Constant {
    /// The tensor's numbers, or why they cannot be read.
    pub fn from_proto(tensor: &TensorProto) -> Result<Self, String> {
        if !tensor.external_data.is_empty() || tensor.data_location == Some(1) {
            return Err(format!(
                "tensor '{}' keeps its numbers in a separate file; save the model with its \
                 weights inside (PyTorch: torch.onnx.export(…, external_data=False))",
                tensor.name
            ));
        }
        let dims = tensor
            .dims
            .iter()
            .map(|&d| usize::try_from(d).map_err(|_| format!("dimension {d} is negative")))
            .collect::<Result<Vec<_>, _>>()?;
        let raw = &tensor.raw_data;
        let values: Vec<f64> = match tensor.data_type {
            t if t == DataType::Float as i32 => {
                if raw.is_empty() {
                    tensor.float_data.iter().map(|&v| f64::from(v)).collect()
                } else {
                    raw.chunks_exact(4)
                        .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                        .collect()
                }
            }
            t if t == DataType::Double as i32 => {
                if raw.is_empty() {
                    tensor.double_data.clone()
                } else {
                    raw.chunks_exact(8)
                        .map(|b| {
                            f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
                        })
                        .collect()
                }
            }
            t if t == DataType::Int64 as i32 => {
                let ints: Vec<i64> = if raw.is_empty() {
                    tensor.int64_data.clone()
                } else {
                    raw.chunks_exact(8)
                        .map(|b| {
                            i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
                        })
                        .collect()
                };
                #[allow(clippy::cast_precision_loss)] // shapes and indices, far below 2⁵³
                ints.into_iter().map(|v| v as f64).collect()
            }
            other => {
                return Err(format!(
                    "tensor '{}' holds data type {other}, not float, double or int64",
                    tensor.name
                ));
            }
        };
        let expected: usize = dims.iter().product();
        if values.len() != expected {
            return Err(format!(
                "tensor '{}' has {} values for its shape {dims:?}",
                tensor.name,
                values.len()
            ));
        }
        Ok(Self { dims, values })
    }

    /// The one value of a scalar or a one-element tensor.
    pub fn scalar(&self) -> Option<f64> {
        match self.values[..] {
            [value] => Some(value),
            _ => None,
        }
    }

    /// The values as a row of `width` (a scalar or a one-element tensor repeated), when the
    /// tensor broadcasts along the last axis of `[batch, width]` rows.
    pub fn row(&self, width: usize) -> Option<Vec<f64>> {
        if let Some(value) = self.scalar() {
            return Some(vec![value; width]);
        }
        let leading_ones = self.dims.iter().rev().skip(1).all(|&d| d == 1);
        (leading_ones && self.dims.last() == Some(&width)).then(|| self.values.clone())
    }

    /// The values as whole numbers (shapes, axes).
    #[allow(clippy::cast_possible_truncation)] // checked to be whole and small
    pub fn integers(&self) -> Option<Vec<i64>> {
        self.values
            .iter()
            .map(|&v| (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64))
            .collect()
    }
}

fn attribute<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

/// A float attribute.
pub(crate) fn float_attribute(node: &NodeProto, name: &str) -> Option<f64> {
    attribute(node, name).map(|a| f64::from(a.f))
}

/// An int attribute.
pub(crate) fn int_attribute(node: &NodeProto, name: &str) -> Option<i64> {
    attribute(node, name).map(|a| a.i)
}

/// An ints attribute.
pub(crate) fn ints_attribute(node: &NodeProto, name: &str) -> Option<Vec<i64>> {
    attribute(node, name).map(|a| a.ints.clone())
}

/// A string attribute.
pub(crate) fn string_attribute(node: &NodeProto, name: &str) -> Option<String> {
    attribute(node, name).map(|a| String::from_utf8_lossy(&a.s).into_owned())
}

/// A tensor attribute (a `Constant` operator's `value`).
pub(crate) fn tensor_attribute<'a>(node: &'a NodeProto, name: &str) -> Option<&'a TensorProto> {
    attribute(node, name).and_then(|a| a.t.as_ref())
}

/// The node's name, or its first output when it has none.
pub(crate) fn node_name(node: &NodeProto) -> String {
    if node.name.is_empty() {
        node.output.first().cloned().unwrap_or_default()
    } else {
        node.name.clone()
    }
}
