//! The state of reading an ONNX graph: what each named value means ([`Value`]), the nodes
//! made so far, and the operators that make layers, fold constants into them, merge them
//! and gather elementwise operators; [`super::shapes`] has the operators that reshape,
//! join, window and normalise.

use std::collections::HashMap;

use ndarray::{Array1, Array2};
use tract_onnx::pb::NodeProto;

use super::elementwise::{Arithmetic, Expression};
use super::onnx::{ImportError, ImportedGraph, ImportedLayer, ImportedNode, refused};
use super::tensors::{
    Constant, float_attribute, int_attribute, node_name, string_attribute, tensor_attribute,
};
use crate::data::{Feature, ImageShape};
use crate::math::activations::Activation;
use crate::math::losses::OutputFunction;

/// The input's features with an elementwise affine rescaling `x' = x ⊙ multiply + add`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct InputValue {
    pub(super) features: Vec<Feature>,
    pub(super) multiply: Vec<f64>,
    pub(super) add: Vec<f64>,
    pub(super) image: Option<[usize; 3]>,
}

impl InputValue {
    pub(super) fn plain(features: Vec<Feature>) -> Self {
        let width = features.len();
        Self {
            features,
            multiply: vec![1.0; width],
            add: vec![0.0; width],
            image: None,
        }
    }

    pub(super) fn is_rescaled(&self) -> bool {
        self.multiply.iter().any(|&m| m != 1.0) || self.add.iter().any(|&a| a != 0.0)
    }
}

/// What a named value of the model means.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Constant(Constant),
    Input(InputValue),
    Node(usize),
    /// Elementwise operators on node `node`'s output, which the model calls `tensor`.
    Elementwise {
        node: usize,
        tensor: String,
        expression: Expression,
    },
    /// A softmax over node `node`'s values.
    Softmax(usize),
}

#[derive(Default)]
pub(super) struct Reader {
    pub(super) values: HashMap<String, Value>,
    /// How many operators (and the graph's output) read each value.
    pub(super) readers: HashMap<String, usize>,
    pub(super) nodes: Vec<ImportedNode>,
    pub(super) inputs: usize,
    /// The input node's features and image, once a layer has read them.
    pub(super) features: Option<(Vec<Feature>, Option<[usize; 3]>)>,
    pub(super) image_range: Option<[f64; 2]>,
}

impl Reader {
    pub(super) fn value(&self, node: &NodeProto, index: usize) -> Result<Value, ImportError> {
        node.input
            .get(index)
            .filter(|name| !name.is_empty())
            .and_then(|name| self.values.get(name))
            .cloned()
            .ok_or_else(|| refused(node, format!("it needs input {}", index + 1)))
    }

    pub(super) fn constant(&self, node: &NodeProto, index: usize) -> Result<Constant, ImportError> {
        match self.value(node, index)? {
            Value::Constant(constant) => Ok(constant),
            _ => Err(refused(
                node,
                format!("its input {} must be a constant", index + 1),
            )),
        }
    }

    pub(super) fn readers_of(&self, node: &NodeProto, index: usize) -> usize {
        node.input
            .get(index)
            .and_then(|name| self.readers.get(name))
            .copied()
            .unwrap_or(0)
    }

    pub(super) fn push(
        &mut self,
        node: &NodeProto,
        layer: ImportedLayer,
        inputs: Vec<usize>,
        width: usize,
        image: Option<[usize; 3]>,
    ) -> usize {
        self.nodes.push(ImportedNode {
            source: node_name(node),
            layer,
            inputs,
            width,
            image,
        });
        self.nodes.len() - 1
    }

    /// The node holding the value of `node`'s input `index`, making an activation node for
    /// gathered elementwise operators (or giving them to the layer they follow, when nothing
    /// else reads its values) and noting the input's features when a layer reads them.
    pub(super) fn node_of(&mut self, node: &NodeProto, index: usize) -> Result<usize, ImportError> {
        let value = self.value(node, index)?;
        let made = match value {
            Value::Node(id) => return Ok(id),
            Value::Input(input) => {
                if let Some(image) = input.image {
                    let range = uniform_range(&input).ok_or_else(|| {
                        refused(
                            node,
                            "the images are rescaled differently pixel by pixel; only one \
                             range for every pixel is understood",
                        )
                    })?;
                    self.image_range = Some(range);
                    self.note_features(node, &input.features, Some(image))?;
                } else if input.is_rescaled() {
                    return Err(refused(
                        node,
                        "it reads the rescaled inputs directly; a rescaling is understood only \
                         before a dense layer (Gemm or MatMul) or a convolution",
                    ));
                } else {
                    self.note_features(node, &input.features, None)?;
                }
                0
            }
            Value::Elementwise {
                node: id,
                tensor,
                expression,
            } => {
                let activation = expression.activation().ok_or_else(|| {
                    refused(
                        node,
                        "the elementwise operators before it compute no activation Layerwright \
                         knows (identity, step, sigmoid, tanh, ReLU and its kin, softplus, \
                         GELU, swish)",
                    )
                })?;
                let only_reader = self.readers.get(&tensor).copied() == Some(expression.reads());
                self.activate(node, id, activation, None, only_reader)?
            }
            Value::Softmax(_) => {
                return Err(refused(node, "a Softmax is understood only at the end"));
            }
            Value::Constant(_) => {
                return Err(refused(
                    node,
                    format!(
                        "its input {} is a constant, not the examples' values",
                        index + 1
                    ),
                ));
            }
        };
        if let Some(name) = node.input.get(index) {
            self.values.insert(name.clone(), Value::Node(made));
        }
        Ok(made)
    }

    /// `activation` applied to node `id`: given to the dense layer or convolution itself
    /// when it has none and nothing else reads it, else a node of its own.
    pub(super) fn activate(
        &mut self,
        node: &NodeProto,
        id: usize,
        activation: Activation,
        slopes: Option<Array1<f64>>,
        only_reader: bool,
    ) -> Result<usize, ImportError> {
        if activation == Activation::Identity {
            return Ok(id);
        }
        let is_prelu = matches!(activation, Activation::Prelu { .. });
        let target = &mut self.nodes[id];
        if is_prelu && target.image.is_some() {
            return Err(refused(
                node,
                "PReLU learns one slope per unit of a dense layer, not over images",
            ));
        }
        if only_reader {
            match &mut target.layer {
                ImportedLayer::Dense {
                    activation: slot @ Activation::Identity,
                    slopes: slopes_slot,
                    ..
                } => {
                    *slot = activation;
                    *slopes_slot = slopes;
                    return Ok(id);
                }
                ImportedLayer::Conv {
                    activation: slot @ Activation::Identity,
                    ..
                } => {
                    *slot = activation;
                    return Ok(id);
                }
                _ => {}
            }
        }
        let (width, image) = (target.width, target.image);
        Ok(self.push(
            node,
            ImportedLayer::Activation { activation, slopes },
            vec![id],
            width,
            image,
        ))
    }

    pub(super) fn note_features(
        &mut self,
        node: &NodeProto,
        features: &[Feature],
        image: Option<[usize; 3]>,
    ) -> Result<(), ImportError> {
        match &self.features {
            Some((known, known_image)) if known != features || *known_image != image => Err(
                refused(node, "the model reads its input in two different ways"),
            ),
            Some(_) => Ok(()),
            None => {
                self.features = Some((features.to_vec(), image));
                self.nodes[0].width = features.len();
                self.nodes[0].image = image;
                Ok(())
            }
        }
    }

    pub(super) fn operator(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        match node.op_type.as_str() {
            // A cast passes the values on (step's Greater already gives 0 or 1).
            "Identity" | "Dropout" | "Cast" => self.value(node, 0),
            "Constant" => tensor_attribute(node, "value")
                .ok_or_else(|| refused(node, "only a tensor value is understood"))
                .and_then(|t| Constant::from_proto(t).map_err(|why| refused(node, why)))
                .map(Value::Constant),
            "Gemm" => self.gemm(node),
            "MatMul" => {
                let weights = self.constant(node, 1)?;
                let weights = matrix(node, &weights)?;
                self.dense(node, weights, None)
            }
            "Add" | "Sub" | "Mul" | "Div" => self.arithmetic(node),
            "Relu" | "Sigmoid" | "Tanh" | "Softplus" | "Elu" | "LeakyRelu" | "Gelu" | "Erf" => {
                let activation = named_activation(node)?;
                self.elementwise(node, |x| match activation {
                    None => Expression::Erf(Box::new(x)),
                    Some(f) => Expression::Apply(f, Box::new(x)),
                })
            }
            "Greater" => self.greater(node),
            "PRelu" => {
                let x = self.node_of(node, 0)?;
                let width = self.nodes[x].width;
                let slopes = self
                    .constant(node, 1)?
                    .row(width)
                    .ok_or_else(|| refused(node, format!("its slopes must be one or {width}")))?;
                let only_reader = self.readers_of(node, 0) == 1;
                let activation = Activation::PRELU;
                self.activate(node, x, activation, Some(Array1::from(slopes)), only_reader)
                    .map(Value::Node)
            }
            "Softmax" => {
                let axis = int_attribute(node, "axis").unwrap_or(-1);
                if axis != -1 && axis != 1 {
                    return Err(refused(node, format!("axis {axis} (only the last is)")));
                }
                Ok(Value::Softmax(self.node_of(node, 0)?))
            }
            "Concat" => self.concat(node),
            "Slice" => self.slice(node),
            "Sin" => match self.value(node, 0)? {
                Value::Input(input) if !input.is_rescaled() && input.image.is_none() => {
                    let sines: Option<Vec<Feature>> = input
                        .features
                        .iter()
                        .map(|f| match f {
                            Feature::Column { index } => Some(Feature::Sine { index: *index }),
                            _ => None,
                        })
                        .collect();
                    sines
                        .map(|features| Value::Input(InputValue::plain(features)))
                        .ok_or_else(|| refused(node, "only the sine of an input column is"))
                }
                _ => Err(refused(node, "only the sine of an input column is")),
            },
            "Flatten" | "Reshape" => self.reshape(node),
            "Conv" => self.conv(node),
            "MaxPool" | "AveragePool" => self.pool(node),
            "BatchNormalization" => self.batch_norm(node),
            "LayerNormalization" => self.layer_norm(node),
            _ => Err(refused(
                node,
                "Layerwright reads dense layers, convolutions, pooling, normalisation, merges \
                 and activations",
            )),
        }
    }

    pub(super) fn gemm(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        if int_attribute(node, "transA").unwrap_or(0) != 0 {
            return Err(refused(node, "transA = 1 (rows must be examples)"));
        }
        let alpha = float_attribute(node, "alpha").unwrap_or(1.0);
        let beta = float_attribute(node, "beta").unwrap_or(1.0);
        let mut weights = matrix(node, &self.constant(node, 1)?)?;
        if int_attribute(node, "transB").unwrap_or(0) != 0 {
            weights = weights.t().to_owned();
        }
        weights *= alpha;
        let outputs = weights.ncols();
        let bias = match node.input.get(2).filter(|name| !name.is_empty()) {
            Some(_) => {
                let values = self.constant(node, 2)?.row(outputs).ok_or_else(|| {
                    refused(node, format!("its C must be one or {outputs} values"))
                })?;
                Some(Array1::from(values) * beta)
            }
            None => None,
        };
        self.dense(node, weights, bias)
    }

    /// A dense layer `x·W + b` reading `node`'s first input, with the input's rescaling
    /// folded into `W` and `b`.
    pub(super) fn dense(
        &mut self,
        node: &NodeProto,
        mut weights: Array2<f64>,
        mut bias: Option<Array1<f64>>,
    ) -> Result<Value, ImportError> {
        let x = match self.value(node, 0)? {
            Value::Input(input) if input.image.is_none() && input.is_rescaled() => {
                if input.features.len() != weights.nrows() {
                    return Err(refused(node, width_problem(input.features.len(), &weights)));
                }
                let shift = Array1::from(input.add.clone()).dot(&weights);
                for (mut row, &m) in weights.rows_mut().into_iter().zip(&input.multiply) {
                    row *= m;
                }
                bias = Some(bias.unwrap_or_else(|| Array1::zeros(weights.ncols())) + shift);
                self.note_features(node, &input.features, None)?;
                0
            }
            _ => self.node_of(node, 0)?,
        };
        let from = &self.nodes[x];
        if from.image.is_some() {
            return Err(refused(node, "it reads images; a Flatten must come first"));
        }
        if from.width != weights.nrows() {
            return Err(refused(node, width_problem(from.width, &weights)));
        }
        let width = weights.ncols();
        let layer = ImportedLayer::Dense {
            weights,
            bias,
            activation: Activation::Identity,
            slopes: None,
        };
        Ok(Value::Node(self.push(node, layer, vec![x], width, None)))
    }

    /// `Add`, `Sub`, `Mul`, `Div`: a rescaling of the input, a constant folded into the
    /// layer before, a merge of two layers (`Add`), or an elementwise operator gathering.
    pub(super) fn arithmetic(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let op = Arithmetic::of(&node.op_type).ok_or_else(|| refused(node, "unknown"))?;
        let (a, b) = (self.value(node, 0)?, self.value(node, 1)?);
        match (&a, &b) {
            (Value::Input(x), Value::Constant(c)) => rescale(node, op, x.clone(), c),
            (Value::Constant(c), Value::Input(x))
                if matches!(op, Arithmetic::Add | Arithmetic::Mul) =>
            {
                rescale(node, op, x.clone(), c)
            }
            (Value::Input(x), Value::Input(y)) if op == Arithmetic::Mul => product(node, x, y),
            (Value::Node(id), Value::Constant(c)) if self.readers_of(node, 0) == 1 => {
                if let Some(value) = self.fold_into_layer(*id, op, c) {
                    return Ok(value);
                }
                self.elementwise_pair(node, op)
            }
            (Value::Node(p), Value::Node(q)) if op == Arithmetic::Add && p != q => {
                let (p, q) = (*p, *q);
                self.merge_add(node, p, q)
            }
            (
                Value::Node(_) | Value::Elementwise { .. },
                Value::Node(_) | Value::Elementwise { .. },
            ) if op == Arithmetic::Add && !same_layer(&a, &b) => {
                let p = self.node_of(node, 0)?;
                let q = self.node_of(node, 1)?;
                self.merge_add(node, p, q)
            }
            _ => self.elementwise_pair(node, op),
        }
    }

    /// A constant added to, taken from, multiplying or dividing a dense layer's values that
    /// nothing else reads, folded into its weights and bias: `(x·W + b) ∘ c`.
    pub(super) fn fold_into_layer(
        &mut self,
        id: usize,
        op: Arithmetic,
        constant: &Constant,
    ) -> Option<Value> {
        let target = &mut self.nodes[id];
        let ImportedLayer::Dense {
            weights,
            bias,
            activation: Activation::Identity,
            ..
        } = &mut target.layer
        else {
            return None;
        };
        let row = Array1::from(constant.row(weights.ncols())?);
        let mut b = bias
            .take()
            .unwrap_or_else(|| Array1::zeros(weights.ncols()));
        match op {
            Arithmetic::Add => b += &row,
            Arithmetic::Sub => b -= &row,
            Arithmetic::Mul | Arithmetic::Div => {
                let factor = if op == Arithmetic::Mul {
                    row
                } else {
                    row.mapv(|v| 1.0 / v)
                };
                for mut column_row in weights.rows_mut() {
                    column_row *= &factor;
                }
                b *= &factor;
            }
        }
        *bias = Some(b);
        Some(Value::Node(id))
    }

    pub(super) fn merge_add(
        &mut self,
        node: &NodeProto,
        p: usize,
        q: usize,
    ) -> Result<Value, ImportError> {
        let (a, b) = (&self.nodes[p], &self.nodes[q]);
        if a.width != b.width || a.image != b.image {
            return Err(refused(
                node,
                format!("it adds {} values to {}", b.width, a.width),
            ));
        }
        // Add(Add(a, b), c) with nothing else reading the first sum: one merge of three.
        if self.nodes[p].layer == ImportedLayer::Add && self.readers_of(node, 0) == 1 {
            self.nodes[p].inputs.push(q);
            return Ok(Value::Node(p));
        }
        let (width, image) = (a.width, a.image);
        Ok(Value::Node(self.push(
            node,
            ImportedLayer::Add,
            vec![p, q],
            width,
            image,
        )))
    }

    /// An elementwise operator of one input on a layer's values, gathered.
    pub(super) fn elementwise(
        &mut self,
        node: &NodeProto,
        make: impl FnOnce(Expression) -> Expression,
    ) -> Result<Value, ImportError> {
        let (id, tensor, x) = self.gathered(node, 0)?;
        Ok(Value::Elementwise {
            node: id,
            tensor,
            expression: make(x),
        })
    }

    /// An arithmetic operator of a layer's values and a number, or of two expressions of
    /// the same layer's values, gathered.
    pub(super) fn elementwise_pair(
        &mut self,
        node: &NodeProto,
        op: Arithmetic,
    ) -> Result<Value, ImportError> {
        let (a, b) = (self.operand(node, 0)?, self.operand(node, 1)?);
        let (layer, tensor) = match (&a, &b) {
            (Some((p, _, _)), Some((q, _, _))) if p != q => {
                return Err(refused(
                    node,
                    "it combines two layers' values element by element; only Add is understood \
                     as a merge",
                ));
            }
            (Some((p, t, _)), _) | (None, Some((p, t, _))) => (*p, t.clone()),
            (None, None) => {
                return Err(refused(node, "it computes with constants alone"));
            }
        };
        let expression_of = |operand: Option<(usize, String, Expression)>, index: usize| {
            operand.map(|(_, _, e)| e).map_or_else(
                || {
                    self.constant(node, index)?
                        .scalar()
                        .map(Expression::Number)
                        .ok_or_else(|| {
                            refused(
                                node,
                                "a constant that differs unit by unit is understood only right \
                                 after a dense layer",
                            )
                        })
                },
                Ok,
            )
        };
        let x = expression_of(a, 0)?;
        let y = expression_of(b, 1)?;
        Ok(Value::Elementwise {
            node: layer,
            tensor,
            expression: Expression::Arithmetic(op, Box::new(x), Box::new(y)),
        })
    }

    pub(super) fn greater(&mut self, node: &NodeProto) -> Result<Value, ImportError> {
        let (id, tensor, x) = self.gathered(node, 0)?;
        let threshold = self
            .constant(node, 1)?
            .scalar()
            .ok_or_else(|| refused(node, "only a comparison with one number is understood"))?;
        Ok(Value::Elementwise {
            node: id,
            tensor,
            expression: Expression::Greater(Box::new(x), Box::new(Expression::Number(threshold))),
        })
    }

    /// Input `index` as an expression of one layer's values; `None` for a constant.
    #[allow(clippy::type_complexity)]
    pub(super) fn operand(
        &mut self,
        node: &NodeProto,
        index: usize,
    ) -> Result<Option<(usize, String, Expression)>, ImportError> {
        match self.value(node, index)? {
            Value::Constant(_) => Ok(None),
            _ => self.gathered(node, index).map(Some),
        }
    }

    /// Input `index` as an expression of one layer's values: the layer, the name the model
    /// gives its values, and the expression.
    pub(super) fn gathered(
        &mut self,
        node: &NodeProto,
        index: usize,
    ) -> Result<(usize, String, Expression), ImportError> {
        match self.value(node, index)? {
            Value::Elementwise {
                node: id,
                tensor,
                expression,
            } => Ok((id, tensor, expression)),
            _ => {
                let id = self.node_of(node, index)?;
                let tensor = node.input.get(index).cloned().unwrap_or_default();
                Ok((id, tensor, Expression::Z))
            }
        }
    }

    /// The graph read, ending at the value named `output`.
    pub(super) fn finish(mut self, output: &str) -> Result<ImportedGraph, ImportError> {
        let value = self.values.get(output).cloned().ok_or_else(|| {
            ImportError::Structure(format!("nothing makes the output '{output}'"))
        })?;
        let end = NodeProto {
            op_type: "output".to_owned(),
            name: output.to_owned(),
            input: vec![output.to_owned()],
            ..Default::default()
        };
        let (logits, output_function) = match &value {
            Value::Softmax(id) => (*id, OutputFunction::Softmax),
            Value::Elementwise {
                node, expression, ..
            } if *expression == Expression::Apply(Activation::Sigmoid, Box::new(Expression::Z)) => {
                (*node, OutputFunction::Sigmoid)
            }
            Value::Elementwise {
                node, expression, ..
            } if expression.activation() == Some(Activation::Step) => (*node, OutputFunction::Step),
            _ => (self.node_of(&end, 0)?, OutputFunction::Identity),
        };
        if logits == 0 {
            return Err(ImportError::Structure(
                "the model has no layer: its output is its input".to_owned(),
            ));
        }
        let (features, image) = self.features.take().ok_or_else(|| {
            ImportError::Structure("no layer of the model reads its input".to_owned())
        })?;
        let image = image.map(|[channels, height, width]| ImageShape {
            channels,
            height,
            width,
            range: self.image_range.unwrap_or([0.0, 1.0]),
        });
        Ok(ImportedGraph {
            inputs: self.inputs,
            features,
            image,
            nodes: self.nodes,
            logits,
            output_function,
        })
    }
}

/// Whether two values are expressions of one layer's values.
pub(super) fn same_layer(a: &Value, b: &Value) -> bool {
    let layer = |v: &Value| match v {
        Value::Node(id) | Value::Elementwise { node: id, .. } => Some(*id),
        _ => None,
    };
    layer(a).is_some() && layer(a) == layer(b)
}

/// The pixel range `[low, high]` of images rescaled alike everywhere,
/// `x' = x·m + a = (x − low)/(high − low)`.
pub(super) fn uniform_range(input: &InputValue) -> Option<[f64; 2]> {
    let m = *input.multiply.first()?;
    let a = *input.add.first()?;
    let alike = input.multiply.iter().all(|&v| v == m) && input.add.iter().all(|&v| v == a);
    (alike && m != 0.0).then(|| [-a / m, (1.0 - a) / m])
}

/// The input's rescaling by a constant: `x ⊙ m + a` becomes `(x ⊙ m + a) ∘ c`.
pub(super) fn rescale(
    node: &NodeProto,
    op: Arithmetic,
    mut input: InputValue,
    constant: &Constant,
) -> Result<Value, ImportError> {
    let width = input.features.len();
    let row = constant
        .row(width)
        .ok_or_else(|| refused(node, format!("its constant must be one or {width} values")))?;
    for ((m, a), c) in input.multiply.iter_mut().zip(input.add.iter_mut()).zip(row) {
        match op {
            Arithmetic::Add => *a += c,
            Arithmetic::Sub => *a -= c,
            Arithmetic::Mul => {
                *m *= c;
                *a *= c;
            }
            Arithmetic::Div => {
                *m /= c;
                *a /= c;
            }
        }
    }
    Ok(Value::Input(input))
}

/// `Mul` of two input columns: a square or a product feature.
pub(super) fn product(
    node: &NodeProto,
    x: &InputValue,
    y: &InputValue,
) -> Result<Value, ImportError> {
    match (&x.features[..], &y.features[..]) {
        ([Feature::Column { index: a }], [Feature::Column { index: b }])
            if !x.is_rescaled() && !y.is_rescaled() =>
        {
            let feature = if a == b {
                Feature::Square { index: *a }
            } else {
                Feature::Product { a: *a, b: *b }
            };
            Ok(Value::Input(InputValue::plain(vec![feature])))
        }
        _ => Err(refused(
            node,
            "only the product of two input columns is understood as a feature",
        )),
    }
}

pub(super) fn width_problem(width: usize, weights: &Array2<f64>) -> String {
    format!(
        "it reads {width} values with weights for {} ({} × {})",
        weights.nrows(),
        weights.nrows(),
        weights.ncols()
    )
}

/// A constant 2-D tensor as `[rows, columns]`.
pub(super) fn matrix(node: &NodeProto, constant: &Constant) -> Result<Array2<f64>, ImportError> {
    let [rows, columns] = constant.dims[..] else {
        return Err(refused(
            node,
            format!("its weights have shape {:?}, not 2-D", constant.dims),
        ));
    };
    Array2::from_shape_vec((rows, columns), constant.values.clone())
        .map_err(|_| refused(node, "its weights do not fill their shape"))
}

/// An activation by its ONNX operator (`None` for `Erf`, which only GELU's pattern uses).
pub(super) fn named_activation(node: &NodeProto) -> Result<Option<Activation>, ImportError> {
    Ok(Some(match node.op_type.as_str() {
        "Relu" => Activation::Relu,
        "Sigmoid" => Activation::Sigmoid,
        "Tanh" => Activation::Tanh,
        "Softplus" => Activation::Softplus,
        "Gelu" => {
            let approximate = string_attribute(node, "approximate").unwrap_or_default();
            if !approximate.is_empty() && approximate != "none" {
                return Err(refused(node, format!("approximate = \"{approximate}\"")));
            }
            Activation::Gelu
        }
        "Elu" => Activation::Elu {
            alpha: float_attribute(node, "alpha").unwrap_or(1.0),
        },
        "LeakyRelu" => {
            // ONNX's slope α for z < 0 is the notes' 1/a.
            let slope = float_attribute(node, "alpha").unwrap_or(0.01);
            if slope <= 0.0 || slope >= 1.0 {
                return Err(refused(
                    node,
                    format!("a slope of {slope} (0 < α < 1 is understood)"),
                ));
            }
            Activation::LeakyRelu { a: 1.0 / slope }
        }
        _ => return Ok(None),
    }))
}
