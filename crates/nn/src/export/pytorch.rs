//! A trained model as one readable PyTorch file: an `nn.Module` mirroring the graph (skip
//! connections included) with the weights embedded, a `preprocess` function for raw rows,
//! and a `__main__` that prints predictions for a CSV file.

use std::fmt::Write as _;

use super::ExportError;
use crate::data::{Feature, Task};
use crate::math::activations::Activation;
use crate::math::losses::OutputFunction;
use crate::network::architecture::{ConvShape, NodeId, Operation};
use crate::network::inference::TrainedModel;

/// Python's reserved words, which cannot name a variable.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A Python identifier for a node id (ids are letters, digits, `_` and `-`).
fn identifier(id: &str) -> String {
    let mut name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if KEYWORDS.contains(&name.as_str()) || name == "x" || name == "self" {
        name.push('_');
    }
    name
}

/// A Python float literal that reads back as the same f64.
fn float(value: f64) -> String {
    if value.is_finite() {
        format!("{value:?}")
    } else {
        "float('nan')".to_owned()
    }
}

fn floats(values: impl IntoIterator<Item = f64>) -> String {
    let items: Vec<String> = values.into_iter().map(float).collect();
    format!("[{}]", items.join(", "))
}

fn python_string(text: &str) -> String {
    format!("{text:?}")
}

/// The module constructing an activation, or `None` for the identity.
fn activation_module(activation: Activation, units: usize) -> Option<String> {
    Some(match activation {
        Activation::Identity => return None,
        Activation::Step => "Step()".to_owned(),
        Activation::Sigmoid => "nn.Sigmoid()".to_owned(),
        Activation::Tanh => "nn.Tanh()".to_owned(),
        Activation::Relu => "nn.ReLU()".to_owned(),
        Activation::LeakyRelu { a } => format!("nn.LeakyReLU(negative_slope={})", float(1.0 / a)),
        Activation::Prelu { initial_alpha } => {
            format!(
                "nn.PReLU(num_parameters={units}, init={})",
                float(initial_alpha)
            )
        }
        // PyTorch's RReLU draws slopes in training and uses their mean in eval(), as here.
        Activation::Rrelu { lower, upper } => {
            format!("nn.RReLU(lower={}, upper={})", float(lower), float(upper))
        }
        Activation::Elu { alpha } => format!("nn.ELU(alpha={})", float(alpha)),
        Activation::Softplus => "nn.Softplus()".to_owned(),
        Activation::Gelu => "nn.GELU()".to_owned(),
        Activation::Swish => "nn.SiLU()".to_owned(),
    })
}

/// The Python expression for one input feature of `raw`.
fn feature_expression(feature: Feature) -> String {
    match feature {
        Feature::Column { index } => format!("raw[:, {index}]"),
        Feature::Square { index } => format!("raw[:, {index}] ** 2"),
        Feature::Product { a, b } => format!("raw[:, {a}] * raw[:, {b}]"),
        Feature::Sine { index } => format!("torch.sin(raw[:, {index}])"),
    }
}

/// The text of a `.py` file defining the trained model; `name` is its title.
pub fn to_pytorch(model: &TrainedModel, name: &str) -> Result<String, ExportError> {
    let architecture = model.architecture();
    let parameters = model.parameters();
    let description = model.description();
    let head = architecture.head();
    let names: Vec<String> = architecture
        .nodes()
        .iter()
        .map(|n| identifier(&n.name))
        .collect();
    let name_of = |id: NodeId| names.get(id.0).cloned().unwrap_or_default();
    let mut py = String::new();
    let columns = description.raw_feature_names.join(", ");
    w(
        &mut py,
        &format!("\"\"\"{name}: a network trained in Layerwright, as PyTorch."),
    );
    w(&mut py, "");
    w(
        &mut py,
        "`Network()` mirrors the graph with the trained weights loaded; train it further like",
    );
    w(
        &mut py,
        "any nn.Module on `preprocess(raw rows)`, the inputs it expects.",
    );
    w(
        &mut py,
        &format!("`python3 THIS_FILE data.csv` prints predictions for rows of: {columns}"),
    );
    w(&mut py, "(a header row, if any, is skipped).");
    w(&mut py, "\"\"\"");
    w(&mut py, "import csv");
    w(&mut py, "import sys");
    w(&mut py, "");
    w(&mut py, "import torch");
    w(&mut py, "from torch import nn");
    w(&mut py, "");
    let raw_names: Vec<String> = description
        .raw_feature_names
        .iter()
        .map(|n| python_string(n))
        .collect();
    w(
        &mut py,
        &format!("RAW_COLUMNS = [{}]", raw_names.join(", ")),
    );
    let classes: Vec<String> = description
        .class_names
        .iter()
        .map(|n| python_string(n))
        .collect();
    w(&mut py, &format!("CLASS_NAMES = [{}]", classes.join(", ")));
    w(
        &mut py,
        "# The normalisation fitted on the training split: x' = (x - offset) / scale.",
    );
    w(
        &mut py,
        &format!(
            "INPUT_OFFSET = torch.tensor({}, dtype=torch.float32)",
            floats(description.input_scaling.offset.iter().copied())
        ),
    );
    w(
        &mut py,
        &format!(
            "INPUT_SCALE = torch.tensor({}, dtype=torch.float32)",
            floats(description.input_scaling.scale.iter().copied())
        ),
    );
    if let Some(target) = &description.target_scaling {
        w(
            &mut py,
            "# Network outputs back in the target's units: y = z * scale + offset.",
        );
        w(
            &mut py,
            &format!(
                "TARGET_OFFSET = torch.tensor({}, dtype=torch.float32)",
                floats(target.offset.iter().copied())
            ),
        );
        w(
            &mut py,
            &format!(
                "TARGET_SCALE = torch.tensor({}, dtype=torch.float32)",
                floats(target.scale.iter().copied())
            ),
        );
    }
    w(&mut py, "");
    w(&mut py, "");
    match &description.columns {
        Some(encoding) => {
            encode_function(&mut py, encoding, &description.target_name);
            w(&mut py, "def preprocess(raw) -> torch.Tensor:");
            w(
                &mut py,
                "    \"\"\"Network inputs [batch, features] from raw rows: rows of text cells as the",
            );
            w(
                &mut py,
                "    file has them (strings included, feature columns in training order), or the",
            );
            w(
                &mut py,
                "    tensor `encode` makes of them [batch, RAW_COLUMNS].\"\"\"",
            );
            w(&mut py, "    if not isinstance(raw, torch.Tensor):");
            w(&mut py, "        raw = encode(raw)");
        }
        None => {
            w(
                &mut py,
                "def preprocess(raw: torch.Tensor) -> torch.Tensor:",
            );
            w(
                &mut py,
                "    \"\"\"Network inputs [batch, features] from raw rows [batch, columns].\"\"\"",
            );
        }
    }
    w(&mut py, "    features = torch.stack([");
    for feature in &description.features {
        let _ = writeln!(
            py,
            "        {},  # {}",
            feature_expression(*feature),
            feature.label(&description.raw_feature_names)
        );
    }
    w(&mut py, "    ], dim=1)");
    w(
        &mut py,
        "    return (features - INPUT_OFFSET) / INPUT_SCALE",
    );
    w(&mut py, "");
    w(&mut py, "");
    w(&mut py, "class Step(nn.Module):");
    w(
        &mut py,
        "    \"\"\"Heaviside step: 1 where z > 0, else 0 (its gradient is 0).\"\"\"",
    );
    w(&mut py, "");
    w(&mut py, "    def forward(self, z):");
    w(&mut py, "        return (z > 0).to(z.dtype)");
    w(&mut py, "");
    w(&mut py, "");
    w(&mut py, "class Network(nn.Module):");
    w(
        &mut py,
        "    \"\"\"The graph: forward() maps network inputs to the output layer's z (logits).\"\"\"",
    );
    w(&mut py, "");
    w(&mut py, "    def __init__(self):");
    w(&mut py, "        super().__init__()");
    for (index, node) in architecture.nodes().iter().enumerate() {
        let var = &names[index];
        match &node.operation {
            Operation::Dense(layer) => {
                let (inputs, units) = parameters.get(layer.weights).dim();
                let bias = if layer.bias.is_some() {
                    "True"
                } else {
                    "False"
                };
                let _ = writeln!(
                    py,
                    "        self.{var} = nn.Linear({inputs}, {units}, bias={bias})"
                );
                if let Some(module) = activation_module(layer.activation, units) {
                    let _ = writeln!(py, "        self.{var}_activation = {module}");
                }
            }
            Operation::Dropout { rate, .. } => {
                let _ = writeln!(py, "        self.{var} = nn.Dropout(p={})", float(*rate));
            }
            Operation::Activation(layer) => {
                let module = activation_module(layer.activation, node.width)
                    .unwrap_or_else(|| "nn.Identity()".to_owned());
                let _ = writeln!(py, "        self.{var} = {module}");
            }
            Operation::BatchNorm(layer) => {
                let _ = writeln!(
                    py,
                    "        self.{var} = nn.BatchNorm1d({}, eps={}, momentum={})",
                    node.width,
                    float(layer.epsilon),
                    float(layer.momentum)
                );
            }
            Operation::LayerNorm(layer) => {
                let _ = writeln!(
                    py,
                    "        self.{var} = nn.LayerNorm({}, eps={})",
                    node.width,
                    float(layer.epsilon)
                );
            }
            Operation::Conv2D(layer) => {
                let ConvShape {
                    input,
                    window,
                    output,
                } = layer.shape;
                let [top, left, bottom, right] = window.padding;
                // nn.Conv2d pads both sides alike; other padding goes in a ZeroPad2d first.
                let symmetric = top == bottom && left == right;
                if !symmetric {
                    let _ = writeln!(
                        py,
                        "        self.{var}_pad = nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))"
                    );
                }
                let padding = if symmetric {
                    format!("({top}, {left})")
                } else {
                    "0".to_owned()
                };
                let bias = if layer.bias.is_some() {
                    "True"
                } else {
                    "False"
                };
                let _ = writeln!(
                    py,
                    "        self.{var} = nn.Conv2d({}, {}, kernel_size=({}, {}), stride={}, \
                     padding={padding}, bias={bias})",
                    input.channels, output.channels, window.height, window.width, window.stride
                );
                if let Some(module) = activation_module(layer.activation, output.channels) {
                    let _ = writeln!(py, "        self.{var}_activation = {module}");
                }
            }
            Operation::MaxPool2D(layer) | Operation::AvgPool2D(layer) => {
                let kind = if matches!(node.operation, Operation::MaxPool2D(_)) {
                    "MaxPool2d"
                } else {
                    "AvgPool2d"
                };
                let window = layer.window;
                let _ = writeln!(
                    py,
                    "        self.{var} = nn.{kind}(kernel_size=({}, {}), stride={})",
                    window.height, window.width, window.stride
                );
            }
            Operation::Flatten { .. } => {
                let _ = writeln!(py, "        self.{var} = nn.Flatten()");
            }
            _ => {}
        }
    }
    w(&mut py, "        load_weights(self)");
    w(&mut py, "");
    w(&mut py, "    def forward(self, x):");
    for (index, node) in architecture.nodes().iter().enumerate() {
        let var = &names[index];
        let line = match &node.operation {
            Operation::Input => match node.image {
                Some(image) => format!(
                    "{var} = x.view(-1, {}, {}, {})",
                    image.channels, image.height, image.width
                ),
                None => format!("{var} = x"),
            },
            Operation::Conv2D(layer) => {
                let [top, left, bottom, right] = layer.shape.window.padding;
                let input = if top == bottom && left == right {
                    name_of(layer.input)
                } else {
                    format!("self.{var}_pad({})", name_of(layer.input))
                };
                if activation_module(layer.activation, 0).is_some() {
                    format!("{var} = self.{var}_activation(self.{var}({input}))")
                } else {
                    format!("{var} = self.{var}({input})")
                }
            }
            Operation::MaxPool2D(layer) | Operation::AvgPool2D(layer) => {
                format!("{var} = self.{var}({})", name_of(layer.input))
            }
            Operation::Dense(layer) => {
                let input = name_of(layer.input);
                if activation_module(layer.activation, 0).is_some() {
                    format!("{var} = self.{var}_activation(self.{var}({input}))")
                } else {
                    format!("{var} = self.{var}({input})")
                }
            }
            Operation::Add { inputs } => {
                let terms: Vec<String> = inputs.iter().map(|&i| name_of(i)).collect();
                format!("{var} = {}", terms.join(" + "))
            }
            Operation::Concat { inputs } => {
                let parts: Vec<String> = inputs.iter().map(|&i| name_of(i)).collect();
                format!("{var} = torch.cat([{}], dim=1)", parts.join(", "))
            }
            Operation::Dropout { input, .. } | Operation::Flatten { input } => {
                format!("{var} = self.{var}({})", name_of(*input))
            }
            Operation::Activation(layer) => format!("{var} = self.{var}({})", name_of(layer.input)),
            Operation::BatchNorm(layer) => format!("{var} = self.{var}({})", name_of(layer.input)),
            Operation::LayerNorm(layer) => format!("{var} = self.{var}({})", name_of(layer.input)),
        };
        let _ = writeln!(py, "        {line}");
    }
    let _ = writeln!(py, "        return {}", name_of(head.logits));
    w(&mut py, "");
    w(
        &mut py,
        "    def predict(self, raw: torch.Tensor) -> torch.Tensor:",
    );
    let (description_line, output_line) = match (description.task, head.output_function) {
        (_, OutputFunction::Sigmoid) => ("the probability of class 1", "torch.sigmoid(z)"),
        (_, OutputFunction::Softmax) => ("each class's probability", "torch.softmax(z, dim=1)"),
        (_, OutputFunction::Step) => ("the predicted class (0 or 1)", "(z > 0).to(z.dtype)"),
        (Task::Regression, OutputFunction::Identity) => ("the predicted values", "z"),
        (Task::Classification, OutputFunction::Identity) => ("the scores", "z"),
    };
    let _ = writeln!(
        py,
        "        \"\"\"For raw rows [batch, columns]: {description_line}.\"\"\""
    );
    w(
        &mut py,
        "        self.eval()  # dropout off, batch norm on its running statistics",
    );
    w(&mut py, "        with torch.no_grad():");
    w(&mut py, "            z = self(preprocess(raw))");
    if description.target_scaling.is_some() {
        let _ = writeln!(
            py,
            "            return {output_line} * TARGET_SCALE + TARGET_OFFSET"
        );
    } else {
        let _ = writeln!(py, "            return {output_line}");
    }
    w(&mut py, "");
    w(&mut py, "");
    w(&mut py, "def load_weights(model: Network) -> None:");
    w(
        &mut py,
        "    \"\"\"The trained weights (nn.Linear stores W transposed: [units, inputs]).\"\"\"",
    );
    w(&mut py, "    with torch.no_grad():");
    for (info, tensor) in architecture.parameters().iter().zip(&parameters.tensors) {
        let var = name_of(info.node);
        use crate::network::architecture::ParameterRole;
        let line = match info.role {
            ParameterRole::Weights
                if let Operation::Conv2D(layer) = &architecture.node(info.node).operation =>
            {
                // Stored as [filters, c·kh·kw]: PyTorch's [filters, c, kh, kw] row by row.
                let rows: Vec<String> = tensor
                    .rows()
                    .into_iter()
                    .map(|row| floats(row.iter().copied()))
                    .collect();
                let ConvShape {
                    input,
                    window,
                    output,
                } = layer.shape;
                format!(
                    "model.{var}.weight.copy_(torch.tensor([{}]).view({}, {}, {}, {}))",
                    rows.join(", "),
                    output.channels,
                    input.channels,
                    window.height,
                    window.width
                )
            }
            ParameterRole::Weights => {
                let rows: Vec<String> = tensor
                    .columns()
                    .into_iter()
                    .map(|column| floats(column.iter().copied()))
                    .collect();
                format!(
                    "model.{var}.weight.copy_(torch.tensor([{}]))",
                    rows.join(", ")
                )
            }
            ParameterRole::Bias => format!(
                "model.{var}.bias.copy_(torch.tensor({}))",
                floats(tensor.iter().copied())
            ),
            ParameterRole::Slopes => {
                let module = if matches!(
                    architecture.node(info.node).operation,
                    Operation::Activation(_)
                ) {
                    var.clone()
                } else {
                    format!("{var}_activation")
                };
                format!(
                    "model.{module}.weight.copy_(torch.tensor({}))",
                    floats(tensor.iter().copied())
                )
            }
            ParameterRole::Scale | ParameterRole::Shift => format!(
                "model.{var}.{}.copy_(torch.tensor({}))",
                if info.role == ParameterRole::Scale {
                    "weight"
                } else {
                    "bias"
                },
                floats(tensor.iter().copied())
            ),
            ParameterRole::RunningMean | ParameterRole::RunningVariance => format!(
                "model.{var}.{}.copy_(torch.tensor({}))",
                if info.role == ParameterRole::RunningMean {
                    "running_mean"
                } else {
                    "running_var"
                },
                floats(tensor.iter().copied())
            ),
        };
        let _ = writeln!(py, "        {line}");
    }
    w(&mut py, "");
    w(&mut py, "");
    if description.columns.is_some() {
        read_rows_by_name(&mut py);
    } else {
        read_numeric_rows(&mut py);
    }
    w(&mut py, "");
    w(&mut py, "");
    w(&mut py, "if __name__ == '__main__':");
    w(&mut py, "    if len(sys.argv) != 2:");
    w(
        &mut py,
        "        sys.exit('usage: python3 ' + sys.argv[0] + ' data.csv')",
    );
    w(&mut py, "    model = Network()");
    w(&mut py, "    model.eval()");
    w(
        &mut py,
        "    predictions = model.predict(read_rows(sys.argv[1]))",
    );
    w(&mut py, "    for row in predictions.tolist():");
    w(
        &mut py,
        "        print(','.join(repr(value) for value in row))",
    );
    Ok(py)
}

/// Appends `line` and a line break.
fn w(py: &mut String, line: &str) {
    py.push_str(line);
    py.push('\n');
}

/// `read_rows(path)` for a model of raw numeric columns: the numbers of each row (a header
/// row is skipped).
fn read_numeric_rows(py: &mut String) {
    w(py, "def read_rows(path):");
    w(
        py,
        "    \"\"\"The numeric rows of a CSV file (a header row is skipped).\"\"\"",
    );
    w(py, "    rows = []");
    w(py, "    with open(path, newline='') as file:");
    w(py, "        for record in csv.reader(file):");
    w(py, "            try:");
    w(
        py,
        "                rows.append([float(value) for value in record[:len(RAW_COLUMNS)]])",
    );
    w(py, "            except ValueError:");
    w(py, "                if rows:");
    w(py, "                    raise");
    w(py, "    return torch.tensor(rows, dtype=torch.float32)");
}

/// `read_rows(path)` for a model whose file columns are encoded: the separator detected, a
/// byte-order mark skipped, a header (naming any known column) matched by name.
fn read_rows_by_name(py: &mut String) {
    for line in [
        "def read_rows(path):",
        "    \"\"\"The rows of a CSV file, encoded: columns by name when a header names them.\"\"\"",
        "    with open(path, newline='', encoding='utf-8-sig') as file:",
        "        first = file.readline()",
        "        file.seek(0)",
        "        delimiter = max([',', ';', '\\t'], key=first.count)",
        "        records = [record for record in csv.reader(file, delimiter=delimiter) if record]",
        "    known = {name for name, _ in FILE_COLUMNS} | {TARGET}",
        "    if records and any(cell.strip() in known for cell in records[0]):",
        "        return encode(records[1:], [cell.strip() for cell in records[0]])",
        "    return encode(records)",
    ] {
        w(py, line);
    }
}

/// `encode(rows, header=None)`: how each file column becomes numeric inputs, as
/// [`crate::data::ColumnEncoding::encode_row`] does it.
fn encode_function(py: &mut String, encoding: &crate::data::ColumnEncoding, target: &str) {
    use crate::data::CellEncoding;
    w(
        py,
        "# How each column of the training file is read (the target left out): None when it is",
    );
    w(
        py,
        "# ignored, ('number', fill) or ('category', [categories in stored order], fill).",
    );
    w(py, "FILE_COLUMNS = [");
    for column in &encoding.columns {
        let how = match &column.encoding {
            CellEncoding::Ignored => "None".to_owned(),
            CellEncoding::Number { fill } => format!("('number', {})", float(*fill)),
            CellEncoding::Category { categories, fill } => format!(
                "('category', [{}], {})",
                categories
                    .iter()
                    .map(|c| python_string(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                python_string(fill)
            ),
        };
        let _ = writeln!(py, "    ({}, {how}),", python_string(&column.name));
    }
    w(py, "]");
    let _ = writeln!(py, "TARGET = {}", python_string(target));
    w(py, "MISSING = {'', 'na', 'nan', '?', 'null'}");
    let _ = writeln!(
        py,
        "UNSEEN_CATEGORIES_AS_ZEROS = {}",
        if encoding.unseen == crate::data::UnseenCategory::Zeros {
            "True"
        } else {
            "False"
        }
    );
    for line in [
        "",
        "",
        "def encode(rows, header=None) -> torch.Tensor:",
        "    \"\"\"Rows of text cells as the numeric inputs RAW_COLUMNS names: each number (blanks",
        "    filled), then each category's one-hot block. With `header`, cells are found by",
        "    column name; without, each row holds the feature columns in training order.\"\"\"",
        "    places, next_place = [], 0",
        "    for name, how in FILE_COLUMNS:",
        "        if how is None:",
        "            places.append(None)",
        "        elif header is not None:",
        "            if name not in header:",
        "                raise ValueError(f\"the rows have no column '{name}'\")",
        "            places.append(header.index(name))",
        "        else:",
        "            places.append(next_place)",
        "            next_place += 1",
        "    encoded = []",
        "    for line, row in enumerate(rows, start=2 if header is not None else 1):",
        "        numbers, blocks = [], []",
        "        for (name, how), place in zip(FILE_COLUMNS, places):",
        "            if how is None:",
        "                continue",
        "            cell = str(row[place]).strip()",
        "            missing = cell.lower() in MISSING",
        "            if how[0] == 'number':",
        "                numbers.append(how[1] if missing else float(cell))",
        "                continue",
        "            categories, fill = how[1], how[2]",
        "            text = fill if missing else cell",
        "            if text not in categories and not UNSEEN_CATEGORIES_AS_ZEROS:",
        "                raise ValueError(",
        "                    f\"line {line}, column '{name}': the category '{text}' was not in the training data\")",
        "            blocks.extend(1.0 if text == category else 0.0 for category in categories)",
        "        encoded.append(numbers + blocks)",
        "    return torch.tensor(encoded, dtype=torch.float32)",
        "",
        "",
    ] {
        w(py, line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_become_python_identifiers() {
        assert_eq!(identifier("hidden-1"), "hidden_1");
        assert_eq!(identifier("2nd"), "n2nd");
        assert_eq!(identifier("class"), "class_");
        assert_eq!(identifier("x"), "x_");
        assert_eq!(identifier("output"), "output");
    }

    #[test]
    fn floats_read_back_exactly() {
        assert_eq!(float(0.1), "0.1");
        assert_eq!(float(-2.0), "-2.0");
        assert_eq!(float(1e-20), "1e-20");
    }
}
