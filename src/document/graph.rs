//! The open document with its edit history. Every change goes through [`Edit`], applied by
//! [`EditorDocument::apply`]; each applied edit is one undo step unless it continues the
//! same gesture (a drag on one field, for instance).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::document::undo::History;

use layerwright_nn::graph::{
    ActivationNode, BatchNormNode, Conv2DNode, DenseNode, DropoutNode, Edge, GraphDocument,
    INPUT_PORT, InputNode, LayerNormNode, MergeNode, Node, OutputNode, OutputUnits, Padding,
    PoolNode, ViewState,
};
use layerwright_nn::{Activation, Initializer, Loss, OutputFunction, Reduction};

/// A kind of node that the palette and the add menu create, with its defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NodeTemplate {
    /// The input node (all raw columns).
    Input,
    /// A dense layer of 8 units with this activation.
    Dense(Activation),
    /// A sum of inputs.
    Add,
    /// Inputs side by side.
    Concat,
    /// Dropout at rate 0.2.
    Dropout,
    /// An activation node with this activation.
    Activation(Activation),
    /// Batch normalisation with PyTorch's defaults (ε = 1e-5, momentum 0.1).
    BatchNorm,
    /// Layer normalisation (ε = 1e-5).
    LayerNorm,
    /// A convolution of 8 filters of 3 × 3, ReLU, same size.
    Conv2D,
    /// Max pooling over 2 × 2 windows by 2.
    MaxPool2D,
    /// Average pooling over 2 × 2 windows by 2.
    AvgPool2D,
    /// An image as a vector.
    Flatten,
    /// An output node with this function and loss, its units taken from the data set.
    Output(OutputFunction, Loss),
}

impl NodeTemplate {
    /// The kinds shown in the palette.
    pub const PALETTE: [Self; 12] = [
        Self::Input,
        Self::Dense(Activation::Relu),
        Self::Activation(Activation::Sigmoid),
        Self::BatchNorm,
        Self::LayerNorm,
        Self::Conv2D,
        Self::MaxPool2D,
        Self::Flatten,
        Self::Add,
        Self::Concat,
        Self::Dropout,
        Self::Output(OutputFunction::Sigmoid, Loss::BinaryCrossEntropy),
    ];

    /// Everything the add menu offers: each node kind, a dense layer for every activation,
    /// and an output for every output function.
    pub fn menu() -> Vec<Self> {
        let mut items = vec![Self::Input];
        items.extend(Activation::ALL.iter().map(|a| Self::Dense(*a)));
        items.extend(Activation::ALL.iter().map(|a| Self::Activation(*a)));
        items.extend([
            Self::BatchNorm,
            Self::LayerNorm,
            Self::Conv2D,
            Self::MaxPool2D,
            Self::AvgPool2D,
            Self::Flatten,
            Self::Add,
            Self::Concat,
            Self::Dropout,
        ]);
        items.extend([
            Self::Output(OutputFunction::Sigmoid, Loss::BinaryCrossEntropy),
            Self::Output(OutputFunction::Softmax, Loss::SoftmaxCrossEntropy),
            Self::Output(OutputFunction::Identity, Loss::SquaredError),
            Self::Output(OutputFunction::Step, Loss::Perceptron),
        ]);
        items
    }

    /// The short name of the kind, as in the palette.
    pub fn kind_label(self) -> &'static str {
        match self {
            Self::Input => "Input",
            Self::Dense(_) => "Dense",
            Self::Add => "Add",
            Self::Concat => "Concat",
            Self::Dropout => "Dropout",
            Self::Activation(_) => "Activation",
            Self::BatchNorm => "Batch norm",
            Self::LayerNorm => "Layer norm",
            Self::Conv2D => "Conv2D",
            Self::MaxPool2D => "Max pool",
            Self::AvgPool2D => "Average pool",
            Self::Flatten => "Flatten",
            Self::Output(..) => "Output",
        }
    }

    /// The label in the add menu, e.g. "Dense (ReLU)".
    pub fn menu_label(self) -> String {
        match self {
            Self::Dense(activation) => format!("Dense ({})", activation.name()),
            Self::Activation(activation) => format!("Activation ({})", activation.name()),
            Self::Output(function, loss) => {
                format!("Output ({}, {})", function.name(), loss.name())
            }
            other => other.kind_label().to_owned(),
        }
    }

    /// One sentence on what the node does, for tooltips.
    pub fn description(self) -> &'static str {
        match self {
            Self::Input => "Where the data's features enter the network.",
            Self::Dense(_) => {
                "A fully connected layer: y = f(x·W + b) (eq. 1.6 and an activation)."
            }
            Self::Add => "Adds its inputs element by element: the merge of a skip connection.",
            Self::Concat => "Puts its inputs side by side: the widths add up.",
            Self::Dropout => {
                "While training, zeroes each value with probability p and scales the rest by 1/(1 − p)."
            }
            Self::Activation(_) => {
                "Applies an activation to each value, y = f(x): after a normalisation, say \
                 (a dense layer with identity, then batch norm, then this)."
            }
            Self::BatchNorm => {
                "Normalises each unit over the batch, y = γ·(x − μ)/√(σ² + ε) + β, with running \
                 statistics at inference: keeps deep sigmoid networks learning."
            }
            Self::LayerNorm => {
                "Normalises each example over its own units, y = γ·(x − μ)/√(σ² + ε) + β; \
                 the same in training and at inference."
            }
            Self::Conv2D => {
                "Slides small filters over an image, y = f(x ⊛ W + b): each filter makes one \
                 feature map (PyTorch's Conv2d)."
            }
            Self::MaxPool2D => "Keeps each window's largest value, channel by channel.",
            Self::AvgPool2D => "Keeps each window's mean, channel by channel.",
            Self::Flatten => {
                "Reads an image [batch, c, h, w] as a vector [batch, c·h·w], for dense layers."
            }
            Self::Output(..) => {
                "The last layer: z = x·W + b, the output function, and the loss it is trained on."
            }
        }
    }

    /// The prefix of new ids of this kind.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Dense(_) => "dense",
            Self::Add => "add",
            Self::Concat => "concat",
            Self::Dropout => "dropout",
            Self::Activation(_) => "activation",
            Self::BatchNorm => "batch_norm",
            Self::LayerNorm => "layer_norm",
            Self::Conv2D => "conv",
            Self::MaxPool2D => "max_pool",
            Self::AvgPool2D => "avg_pool",
            Self::Flatten => "flatten",
            Self::Output(..) => "output",
        }
    }

    /// A new node of this kind with `id`.
    pub fn create(self, id: String) -> Node {
        match self {
            Self::Input => Node::Input(InputNode { id, features: None }),
            Self::Dense(activation) => Node::Dense(DenseNode {
                id,
                units: 8,
                activation,
                initializer: Initializer::GlorotUniform,
                use_bias: true,
            }),
            Self::Add => Node::Add(MergeNode { id }),
            Self::Concat => Node::Concat(MergeNode { id }),
            Self::Dropout => Node::Dropout(DropoutNode { id, rate: 0.2 }),
            Self::Activation(activation) => Node::Activation(ActivationNode { id, activation }),
            Self::BatchNorm => Node::BatchNorm(BatchNormNode {
                id,
                epsilon: layerwright_nn::network::normalization::DEFAULT_EPSILON,
                momentum: layerwright_nn::network::normalization::DEFAULT_MOMENTUM,
            }),
            Self::LayerNorm => Node::LayerNorm(LayerNormNode {
                id,
                epsilon: layerwright_nn::network::normalization::DEFAULT_EPSILON,
            }),
            Self::Conv2D => Node::Conv2D(Conv2DNode {
                id,
                filters: 8,
                kernel: [3, 3],
                stride: 1,
                padding: Padding::Same,
                activation: Activation::Relu,
                initializer: Initializer::He,
                use_bias: true,
            }),
            Self::MaxPool2D => Node::MaxPool2D(PoolNode {
                id,
                size: [2, 2],
                stride: Some(2),
            }),
            Self::AvgPool2D => Node::AvgPool2D(PoolNode {
                id,
                size: [2, 2],
                stride: Some(2),
            }),
            Self::Flatten => Node::Flatten(MergeNode { id }),
            Self::Output(output_function, loss) => Node::Output(OutputNode {
                id,
                units: OutputUnits::FromDataset,
                output_function,
                loss,
                reduction: Reduction::Mean,
                initializer: Initializer::GlorotUniform,
                use_bias: true,
            }),
        }
    }

    /// Whether nodes of this kind have an input port.
    pub fn takes_input(self) -> bool {
        !matches!(self, Self::Input)
    }

    /// Whether nodes of this kind have an output port that can feed another node.
    pub fn feeds_others(self) -> bool {
        !matches!(self, Self::Output(..))
    }
}

/// One change to the document.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Adds a node at a canvas position, optionally wired to an existing node.
    AddNode {
        /// What to add.
        template: NodeTemplate,
        /// Where, in canvas coordinates.
        position: [f32; 2],
        /// Wire this node's output into the new node's input.
        from: Option<String>,
        /// Wire the new node's output into this node's port.
        into: Option<(String, String)>,
    },
    /// Wires `from.out` into `to.port`, replacing what that port had.
    Connect {
        /// The source node.
        from: String,
        /// The destination node.
        to: String,
        /// The destination port (`in`, or `inN` on add and concat; `in+` for a new one).
        port: String,
    },
    /// Removes the wire from `from` into `to.port`.
    Disconnect {
        /// The source node.
        from: String,
        /// The destination node.
        to: String,
        /// The destination port.
        port: String,
    },
    /// Removes every wire into `to.port`.
    DisconnectPort {
        /// The node.
        to: String,
        /// Its port.
        port: String,
    },
    /// Removes every wire out of a node.
    DisconnectOutput {
        /// The node.
        from: String,
    },
    /// Deletes nodes and their wires.
    DeleteNodes(Vec<String>),
    /// Moves nodes on the canvas.
    MoveNodes(Vec<(String, [f32; 2])>),
    /// Replaces a node's settings (same id); `field` groups a gesture into one undo step.
    UpdateNode {
        /// The node's new value.
        node: Node,
        /// Which field the gesture edits.
        field: &'static str,
    },
    /// Replaces the training settings; `field` groups a gesture into one undo step.
    UpdateTraining {
        /// The new settings.
        training: layerwright_nn::graph::TrainingSpec,
        /// Which field the gesture edits.
        field: &'static str,
    },
    /// Replaces the data set (the data panel, points placed by hand); output nodes that no
    /// longer suit it follow the task (see `fit_outputs_to_data`). `field` groups a gesture
    /// (a drag of the noise, say) into one undo step.
    UpdateDataset {
        /// The new data set.
        dataset: Box<layerwright_nn::graph::DatasetSpec>,
        /// Which field the gesture edits.
        field: &'static str,
    },
    /// Renames a node, keeping its wires.
    RenameNode {
        /// The current id.
        from: String,
        /// The new id.
        to: String,
    },
    /// Inserts copied nodes with fresh ids, shifted by `offset`, keeping wires among them.
    Paste {
        /// The copied nodes, positions and wires.
        clip: Clip,
        /// How far to shift them on the canvas.
        offset: [f32; 2],
    },
    /// Replaces the whole document (opening a file, for instance) as one undo step.
    ReplaceDocument(Box<GraphDocument>),
}

/// Copied nodes with their positions and the wires among them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clip {
    /// The nodes.
    pub nodes: Vec<Node>,
    /// Their canvas positions by id.
    pub positions: BTreeMap<String, [f32; 2]>,
    /// Wires between copied nodes only.
    pub edges: Vec<Edge>,
}

/// Why an edit was refused. The document is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The wire would close a loop.
    #[error("connecting '{from}' to '{to}' would make a cycle: '{to}' already feeds '{from}'")]
    Cycle {
        /// The source.
        from: String,
        /// The destination.
        to: String,
    },
    /// A node wired to itself.
    #[error("a node cannot feed itself")]
    SelfLoop,
    /// The output node's result feeds nothing.
    #[error("the output node's result cannot feed another node")]
    FromOutput,
    /// The input node takes no input.
    #[error("the input node has no input port")]
    IntoInput,
    /// A node id that does not exist.
    #[error("there is no node '{0}'")]
    UnknownNode(String),
    /// A rename to an id in use or not allowed.
    #[error("'{0}' cannot be used as an id: ids are unique and use letters, digits, '_' and '-'")]
    BadId(String),
}

/// The document being edited with its undo history (see [`History`]), and a revision number
/// that changes with every applied edit (views rebuild when it changes).
#[derive(Clone, Debug)]
pub struct EditorDocument {
    history: History<GraphDocument>,
}

impl EditorDocument {
    /// Starts editing `document` with an empty history.
    pub fn new(document: GraphDocument) -> Self {
        Self {
            history: History::new(document),
        }
    }

    /// The current document.
    pub fn document(&self) -> &GraphDocument {
        self.history.document()
    }

    /// The ids of the nodes, in document order.
    pub fn node_ids(&self) -> Vec<String> {
        self.document()
            .nodes
            .iter()
            .map(|n| n.id().to_owned())
            .collect()
    }

    /// Changes with every edit, undo and redo.
    pub fn revision(&self) -> u64 {
        self.history.revision()
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Ends the current gesture: the next edit is a new undo step.
    pub fn end_gesture(&mut self) {
        self.history.end_gesture();
    }

    /// Applies `edit`; on error the document is unchanged. Successive edits of one field
    /// of one node (or of the training settings) are one undo step until the gesture ends.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let gesture = match &edit {
            Edit::UpdateNode { node, field } => Some(format!("{}:{field}", node.id())),
            Edit::UpdateTraining { field, .. } => Some(format!("training:{field}")),
            Edit::UpdateDataset { field, .. } => Some(format!("dataset:{field}")),
            _ => None,
        };
        let mut next = self.document().clone();
        apply_to(&mut next, edit)?;
        self.history.change(next, gesture);
        Ok(())
    }

    /// Goes back one step.
    pub fn undo(&mut self) {
        self.history.undo();
    }

    /// Goes forward one undone step.
    pub fn redo(&mut self) {
        self.history.redo();
    }

    /// The nodes `ids` with their positions and the wires among them.
    pub fn copy(&self, ids: &[String]) -> Clip {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let document = self.document();
        let positions = positions(document);
        Clip {
            nodes: document
                .nodes
                .iter()
                .filter(|n| wanted.contains(n.id()))
                .cloned()
                .collect(),
            positions: ids
                .iter()
                .filter_map(|id| positions.get(id).map(|p| (id.clone(), *p)))
                .collect(),
            edges: document
                .edges
                .iter()
                .filter(|e| {
                    let ends = (e.source(), e.target());
                    matches!(ends, (Some((a, _)), Some((b, _))) if wanted.contains(a) && wanted.contains(b))
                })
                .cloned()
                .collect(),
        }
    }
}

/// The canvas positions of the document's nodes.
pub fn positions(document: &GraphDocument) -> BTreeMap<String, [f32; 2]> {
    document
        .view
        .as_ref()
        .map(|v| v.positions.clone())
        .unwrap_or_default()
}

fn view_mut(document: &mut GraphDocument) -> &mut ViewState {
    document.view.get_or_insert_with(|| ViewState {
        positions: BTreeMap::new(),
        zoom: 1.0,
        offset: [0.0, 0.0],
    })
}

/// The first `prefix1`, `prefix2`, … not used by a node.
pub fn fresh_id(document: &GraphDocument, prefix: &str) -> String {
    let taken: HashSet<&str> = document.nodes.iter().map(Node::id).collect();
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|id| !taken.contains(id.as_str()))
        .unwrap_or_else(|| prefix.to_owned())
}

/// Whether `to` already feeds `from`, so that a wire from `from` into `to` closes a loop.
pub fn would_cycle(document: &GraphDocument, from: &str, to: &str) -> bool {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for edge in &document.edges {
        if let (Some((a, _)), Some((b, _))) = (edge.source(), edge.target()) {
            next.entry(a).or_default().push(b);
        }
    }
    let mut seen = HashSet::from([to]);
    let mut queue = VecDeque::from([to]);
    while let Some(node) = queue.pop_front() {
        if node == from {
            return true;
        }
        for &after in next.get(node).into_iter().flatten() {
            if seen.insert(after) {
                queue.push_back(after);
            }
        }
    }
    false
}

/// The wires into `node`, as `(source, port index)`, in port order.
pub fn inputs_of(document: &GraphDocument, node: &str) -> Vec<(String, usize)> {
    let mut inputs: Vec<(String, usize)> = document
        .edges
        .iter()
        .filter_map(|e| {
            let (source, _) = e.source()?;
            let (target, port) = e.target()?;
            (target == node).then(|| (source.to_owned(), port_index(port)))
        })
        .collect();
    inputs.sort_by_key(|(_, index)| *index);
    inputs
}

/// `in` is port 0, `inN` is port N.
pub fn port_index(port: &str) -> usize {
    port.strip_prefix(INPUT_PORT)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Renumbers the ports of add and concat nodes to `in0`, `in1`, … without gaps.
fn renumber_merges(document: &mut GraphDocument) {
    let merges: Vec<String> = document
        .nodes
        .iter()
        .filter(|n| n.is_merge())
        .map(|n| n.id().to_owned())
        .collect();
    for merge in merges {
        let mut incoming: Vec<(usize, usize)> = document
            .edges
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let (target, port) = e.target()?;
                (target == merge).then(|| (port_index(port), i))
            })
            .collect();
        incoming.sort_unstable();
        for (new_index, (_, edge)) in incoming.into_iter().enumerate() {
            document.edges[edge].to = format!("{merge}.{INPUT_PORT}{new_index}");
        }
    }
}

fn node_exists(document: &GraphDocument, id: &str) -> Result<(), EditError> {
    document
        .node(id)
        .map(|_| ())
        .ok_or_else(|| EditError::UnknownNode(id.to_owned()))
}

fn connect(
    document: &mut GraphDocument,
    from: &str,
    to: &str,
    port: &str,
) -> Result<(), EditError> {
    node_exists(document, from)?;
    node_exists(document, to)?;
    if from == to {
        return Err(EditError::SelfLoop);
    }
    if matches!(document.node(from), Some(Node::Output(_))) {
        return Err(EditError::FromOutput);
    }
    let is_merge = document.node(to).is_some_and(Node::is_merge);
    if matches!(document.node(to), Some(Node::Input(_))) {
        return Err(EditError::IntoInput);
    }
    if would_cycle(document, from, to) {
        return Err(EditError::Cycle {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }
    let port = if is_merge {
        let used = inputs_of(document, to).len();
        let index = if port == "in+" {
            used
        } else {
            port_index(port)
        };
        format!("{INPUT_PORT}{}", index.min(used))
    } else {
        INPUT_PORT.to_owned()
    };
    let target = format!("{to}.{port}");
    document.edges.retain(|e| e.to != target);
    document.edges.push(Edge::new(from, to, &port));
    Ok(())
}

fn apply_to(document: &mut GraphDocument, edit: Edit) -> Result<(), EditError> {
    match edit {
        Edit::AddNode {
            template,
            position,
            from,
            into,
        } => {
            let id = fresh_id(document, template.id_prefix());
            document.nodes.push(template.create(id.clone()));
            view_mut(document).positions.insert(id.clone(), position);
            if let Some(from) = from {
                connect(document, &from, &id, "in+")?;
            }
            if let Some((to, port)) = into {
                connect(document, &id, &to, &port)?;
            }
        }
        Edit::Connect { from, to, port } => connect(document, &from, &to, &port)?,
        Edit::Disconnect { from, to, port } => {
            let (source, target) = (format!("{from}.out"), format!("{to}.{port}"));
            document
                .edges
                .retain(|e| !(e.from == source && e.to == target));
        }
        Edit::DisconnectPort { to, port } => {
            let target = format!("{to}.{port}");
            document.edges.retain(|e| e.to != target);
        }
        Edit::DisconnectOutput { from } => {
            let source = format!("{from}.out");
            document.edges.retain(|e| e.from != source);
        }
        Edit::DeleteNodes(ids) => {
            let doomed: HashSet<&str> = ids.iter().map(String::as_str).collect();
            document.nodes.retain(|n| !doomed.contains(n.id()));
            document.edges.retain(|e| {
                !matches!(e.source(), Some((a, _)) if doomed.contains(a))
                    && !matches!(e.target(), Some((b, _)) if doomed.contains(b))
            });
            if let Some(view) = &mut document.view {
                view.positions.retain(|id, _| !doomed.contains(id.as_str()));
            }
        }
        Edit::MoveNodes(moves) => {
            let view = view_mut(document);
            for (id, position) in moves {
                view.positions.insert(id, position);
            }
        }
        Edit::UpdateNode { node, .. } => {
            let slot = document
                .nodes
                .iter_mut()
                .find(|n| n.id() == node.id())
                .ok_or_else(|| EditError::UnknownNode(node.id().to_owned()))?;
            *slot = node;
        }
        Edit::UpdateTraining { training, .. } => document.training = training,
        Edit::UpdateDataset { dataset, .. } => {
            document.dataset = *dataset;
            // The output follows the data: a regression target or more classes.
            layerwright_nn::graph::starter::fit_outputs_to_data(document);
        }
        Edit::RenameNode { from, to } => {
            node_exists(document, &from)?;
            let valid = !to.is_empty()
                && to
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && document.node(&to).is_none();
            if !valid {
                return Err(EditError::BadId(to));
            }
            for node in &mut document.nodes {
                if node.id() == from {
                    *node.id_mut() = to.clone();
                }
            }
            for edge in &mut document.edges {
                if let Some((source, port)) = edge.source()
                    && source == from
                {
                    edge.from = format!("{to}.{port}");
                }
                if let Some((target, port)) = edge.target()
                    && target == from
                {
                    edge.to = format!("{to}.{port}");
                }
            }
            if let Some(view) = &mut document.view
                && let Some(position) = view.positions.remove(&from)
            {
                view.positions.insert(to, position);
            }
        }
        Edit::Paste { clip, offset } => {
            let mut renamed: HashMap<String, String> = HashMap::new();
            for node in &clip.nodes {
                let prefix: String = node
                    .id()
                    .trim_end_matches(|c: char| c.is_ascii_digit())
                    .to_owned();
                let prefix = if prefix.is_empty() {
                    node.kind_name().to_owned()
                } else {
                    prefix
                };
                let id = fresh_id(document, &prefix);
                let mut copy = node.clone();
                *copy.id_mut() = id.clone();
                document.nodes.push(copy);
                let position = clip.positions.get(node.id()).copied().unwrap_or([0.0, 0.0]);
                view_mut(document).positions.insert(
                    id.clone(),
                    [position[0] + offset[0], position[1] + offset[1]],
                );
                renamed.insert(node.id().to_owned(), id);
            }
            for edge in &clip.edges {
                if let (Some((a, _)), Some((b, port))) = (edge.source(), edge.target())
                    && let (Some(a), Some(b)) = (renamed.get(a), renamed.get(b))
                {
                    document.edges.push(Edge::new(a, b, port));
                }
            }
        }
        Edit::ReplaceDocument(replacement) => *document = *replacement,
    }
    renumber_merges(document);
    Ok(())
}
