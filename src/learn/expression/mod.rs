//! The computational-graph mode: scalar expressions wired on a canvas, every value shown,
//! and the backward pass run at once or one node at a time with the rule each node applies
//! (the notes' chapter 2.4).

mod panel;
pub mod viewer;

use egui_snarl::{InPinId, OutPinId, Snarl};

use crate::document::undo::History;
use layerwright_nn::graph::expression::{
    EXPRESSION_FORMAT, EXPRESSION_VERSION, ExpressionDocument, ExpressionEdge, ExpressionNode,
    parse_expression, ports,
};
use layerwright_nn::teach::autograd::{Evaluation, ScalarGraph, ScalarOp};

/// The kinds the palette and the canvas menu offer, with a default for each.
pub const KINDS: [ScalarOp; 13] = [
    ScalarOp::Input { value: 1.0 },
    ScalarOp::Constant { value: 1.0 },
    ScalarOp::Add,
    ScalarOp::Subtract,
    ScalarOp::Multiply,
    ScalarOp::Divide,
    ScalarOp::Max,
    ScalarOp::Exp,
    ScalarOp::Log,
    ScalarOp::Power { exponent: 2.0 },
    ScalarOp::Sigmoid,
    ScalarOp::Tanh,
    ScalarOp::Relu,
];

/// One change to an expression; every one is a step of undo.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpressionEdit {
    /// An input's or constant's value.
    SetValue {
        /// The node.
        id: String,
        /// The new value.
        value: f64,
    },
    /// A power node's exponent.
    SetExponent {
        /// The node.
        id: String,
        /// The new exponent.
        exponent: f64,
    },
    /// A new node at a canvas position.
    AddNode {
        /// What it computes.
        op: ScalarOp,
        /// Where.
        position: [f32; 2],
    },
    /// Wires `from` into `to` (`"node.port"`), replacing that port's wire.
    Connect {
        /// The source node.
        from: String,
        /// `"node.port"`.
        to: String,
    },
    /// Removes the wire into `to` (`"node.port"`).
    Disconnect {
        /// `"node.port"`.
        to: String,
    },
    /// Removes a node and its wires.
    Delete {
        /// The node.
        id: String,
    },
    /// Makes a node the output `f`.
    SetOutput {
        /// The node.
        id: String,
    },
    /// Replaces the whole expression (a preset or a file).
    Replace(Box<ExpressionDocument>),
}

/// The expression being edited, its undo history, the canvas and the backward pass shown.
pub struct ExpressionEditor {
    /// The expression and its undo history; dragging a value is one undo step.
    history: History<ExpressionDocument>,
    /// The expression as last opened or saved, to tell whether there are unsaved changes.
    saved: ExpressionDocument,
    synced: Option<u64>,
    /// Each snarl node's value is the document id it shows.
    pub snarl: Snarl<String>,
    /// How many backward steps are shown; `None` until Backward or Step backward.
    revealed: Option<usize>,
    evaluated: Evaluated,
    /// The file or preset shown.
    pub name: String,
    /// Fit the view to the nodes at the next frame (a new expression was opened).
    pub fit_requested: bool,
}

impl ExpressionEditor {
    /// An editor on `document`, named `name`.
    pub fn new(document: ExpressionDocument, name: String) -> Self {
        Self {
            evaluated: evaluated(&document),
            saved: document.clone(),
            history: History::new(document),
            synced: None,
            snarl: Snarl::new(),
            revealed: None,
            name,
            fit_requested: true,
        }
    }

    /// The editor on the first preset, f = (x + y)·z.
    pub fn default_preset() -> Self {
        let preset = &crate::examples::EXPRESSION_EXAMPLES[0];
        let document = parse_expression(preset.text, preset.file_name).unwrap_or_else(|_| {
            ExpressionDocument {
                format: EXPRESSION_FORMAT.to_owned(),
                version: EXPRESSION_VERSION,
                title: String::new(),
                nodes: Vec::new(),
                edges: Vec::new(),
                output: String::new(),
                view: Default::default(),
            }
        });
        Self::new(document, preset.file_name.to_owned())
    }

    /// The expression.
    pub fn document(&self) -> &ExpressionDocument {
        self.history.document()
    }

    /// Whether the expression differs from what was last opened or saved (node positions
    /// aside: they are read from the canvas only when saving).
    pub fn is_dirty(&self) -> bool {
        // Field by field rather than a copy with the view blanked: this runs every frame.
        // Destructured so a new field cannot be left out of the comparison.
        let ExpressionDocument {
            format,
            version,
            title,
            nodes,
            edges,
            output,
            view: _,
        } = self.history.document();
        let saved = &self.saved;
        *title != saved.title
            || *nodes != saved.nodes
            || *edges != saved.edges
            || *output != saved.output
            || *format != saved.format
            || *version != saved.version
    }

    /// Records that the expression as it is now has been saved.
    pub fn mark_saved(&mut self) {
        self.saved = self.document().clone();
    }

    /// Makes `baseline` what the expression counts as saved (a restored autosave counts its
    /// changes against the preset or file it came from).
    pub fn set_saved(&mut self, baseline: ExpressionDocument) {
        self.saved = baseline;
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// How many steps can be undone (at most [`crate::document::undo::HISTORY_LIMIT`]).
    pub fn undo_len(&self) -> usize {
        self.history.undo_len()
    }

    /// Ends the current gesture: the next edit starts a new undo step.
    pub fn end_gesture(&mut self) {
        self.history.end_gesture();
    }

    /// Applies an edit (refused ones change nothing and say why).
    pub fn apply(&mut self, edit: ExpressionEdit) -> Result<(), String> {
        let gesture = match &edit {
            ExpressionEdit::SetValue { id, .. } => Some(format!("value:{id}")),
            ExpressionEdit::SetExponent { id, .. } => Some(format!("exponent:{id}")),
            _ => None,
        };
        let mut next = self.document().clone();
        apply_to(&mut next, edit)?;
        if self.history.change(next, gesture) {
            self.changed();
        }
        Ok(())
    }

    /// Back one step (ending a value drag under way).
    pub fn undo(&mut self) {
        if self.history.undo() {
            self.changed();
        }
    }

    /// Forward one step.
    pub fn redo(&mut self) {
        if self.history.redo() {
            self.changed();
        }
    }

    fn changed(&mut self) {
        self.revealed = None;
        self.evaluated = evaluated(self.history.document());
    }

    /// Opens a saved expression (undoable); the open one stays if the file is bad.
    pub fn open_text(&mut self, text: &str, name: &str) -> Result<(), String> {
        let document = parse_expression(text, name).map_err(|e| e.to_string())?;
        self.apply(ExpressionEdit::Replace(Box::new(document)))?;
        self.saved = self.document().clone();
        self.name = name.to_owned();
        self.fit_requested = true;
        Ok(())
    }

    /// The expression as JSON for saving.
    pub fn to_json(&self) -> Result<String, String> {
        let mut document = self.history.document().clone();
        document.view.positions = self
            .snarl
            .nodes_pos_ids()
            .map(|(_, pos, id)| (id.clone(), [pos.x, pos.y]))
            .collect();
        serde_json::to_string_pretty(&document).map_err(|e| e.to_string())
    }

    /// The forward values and the backward pass (with each graph node's document index), or
    /// why the expression cannot be evaluated; worked out once per change.
    pub fn evaluate(&self) -> &Evaluated {
        &self.evaluated
    }
}

/// An expression's graph, the document index of each graph node and its evaluation, or why
/// it cannot be evaluated.
pub type Evaluated = Result<(ScalarGraph, Vec<usize>, Evaluation), String>;

fn evaluated(document: &ExpressionDocument) -> Evaluated {
    let (graph, order) = document.to_graph().map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let evaluation = graph.evaluate().map_err(|e| e.to_string())?;
    Ok((graph, order, evaluation))
}

impl ExpressionEditor {
    /// Shows the whole backward pass.
    pub fn backward(&mut self) {
        if let Ok((graph, _, _)) = &self.evaluated {
            self.revealed = Some(graph.nodes.len());
        }
    }

    /// Shows one more node of the backward pass.
    pub fn step_backward(&mut self) {
        if let Ok((graph, _, _)) = &self.evaluated {
            let shown = self.revealed.map_or(1, |r| (r + 1).min(graph.nodes.len()));
            self.revealed = Some(shown);
        }
    }

    /// Hides the gradients again.
    pub fn clear_gradients(&mut self) {
        self.revealed = None;
    }

    /// How many backward steps are shown.
    pub fn revealed(&self) -> Option<usize> {
        self.revealed
    }

    /// Each document node's value and, once its backward step is shown, its gradient.
    pub fn shown_numbers(&self) -> Vec<(Option<f64>, Option<f64>)> {
        let mut numbers = vec![(None, None); self.history.document().nodes.len()];
        if let Ok((_, order, evaluation)) = self.evaluate() {
            for (graph_index, &document_index) in order.iter().enumerate() {
                numbers[document_index].0 = evaluation.values.get(graph_index).copied();
            }
            let revealed = self.revealed.unwrap_or(0);
            for step in evaluation.steps.iter().take(revealed) {
                if let Some(&document_index) = order.get(step.node) {
                    numbers[document_index].1 = Some(step.upstream);
                }
            }
        }
        numbers
    }

    /// Makes the canvas show the document (nodes keep their places while they exist).
    pub fn sync_snarl(&mut self) {
        if self.synced == Some(self.history.revision()) {
            return;
        }
        self.synced = Some(self.history.revision());
        let positions: std::collections::HashMap<String, egui::Pos2> = self
            .snarl
            .nodes_pos_ids()
            .map(|(_, pos, id)| (id.clone(), pos))
            .collect();
        let mut snarl = Snarl::new();
        let mut ids = std::collections::HashMap::new();
        for (index, node) in self.history.document().nodes.iter().enumerate() {
            let position = positions.get(&node.id).copied().unwrap_or_else(|| {
                self.history.document().view.positions.get(&node.id).map_or(
                    egui::pos2(60.0 + 40.0 * index as f32, 60.0 + 30.0 * index as f32),
                    |p| egui::pos2(p[0], p[1]),
                )
            });
            ids.insert(
                node.id.clone(),
                snarl.insert_node(position, node.id.clone()),
            );
        }
        for edge in &self.history.document().edges {
            let (to_id, port) = edge.to.split_once('.').unwrap_or((edge.to.as_str(), ""));
            let (Some(&from), Some(&to)) = (ids.get(&edge.from), ids.get(to_id)) else {
                continue;
            };
            let Some(target) = self.history.document().nodes.iter().find(|n| n.id == to_id) else {
                continue;
            };
            if let Some(input) = ports(target.op).iter().position(|p| *p == port) {
                snarl.connect(
                    OutPinId {
                        node: from,
                        output: 0,
                    },
                    InPinId { node: to, input },
                );
            }
        }
        self.snarl = snarl;
    }
}

/// A fresh id for a node of `op`: its name, then a number.
fn fresh_id(document: &ExpressionDocument, op: ScalarOp) -> String {
    let stem = match op {
        ScalarOp::Input { .. } => "x".to_owned(),
        ScalarOp::Constant { .. } => "c".to_owned(),
        other => other.name().to_lowercase(),
    };
    (1..)
        .map(|n| format!("{stem}{n}"))
        .find(|id| document.nodes.iter().all(|node| node.id != *id))
        .unwrap_or(stem)
}

fn apply_to(document: &mut ExpressionDocument, edit: ExpressionEdit) -> Result<(), String> {
    let find = |document: &mut ExpressionDocument, id: &str| -> Result<usize, String> {
        document
            .nodes
            .iter()
            .position(|n| n.id == id)
            .ok_or_else(|| format!("there is no node '{id}'"))
    };
    match edit {
        ExpressionEdit::SetValue { id, value } => {
            let index = find(document, &id)?;
            match &mut document.nodes[index].op {
                ScalarOp::Input { value: v } | ScalarOp::Constant { value: v } => *v = value,
                _ => return Err(format!("'{id}' has no value to set")),
            }
        }
        ExpressionEdit::SetExponent { id, exponent } => {
            let index = find(document, &id)?;
            match &mut document.nodes[index].op {
                ScalarOp::Power { exponent: e } => *e = exponent,
                _ => return Err(format!("'{id}' has no exponent")),
            }
        }
        ExpressionEdit::AddNode { op, position } => {
            let id = fresh_id(document, op);
            document.view.positions.insert(id.clone(), position);
            if document.nodes.is_empty() {
                document.output = id.clone();
            }
            document.nodes.push(ExpressionNode { id, op });
        }
        ExpressionEdit::Connect { from, to } => {
            find(document, &from)?;
            let (to_id, _) = to.split_once('.').unwrap_or((to.as_str(), ""));
            if to_id == from {
                return Err("a node cannot read its own value".to_owned());
            }
            document.edges.retain(|e| e.to != to);
            document.edges.push(ExpressionEdge { from, to });
            // A wire that closes a loop is refused.
            if let Err(errors) = document.to_graph()
                && errors.iter().any(|e| {
                    matches!(
                        e,
                        layerwright_nn::graph::expression::ExpressionError::Cycle(_)
                    )
                })
            {
                return Err("that wire would make a loop".to_owned());
            }
        }
        ExpressionEdit::Disconnect { to } => document.edges.retain(|e| e.to != to),
        ExpressionEdit::Delete { id } => {
            let index = find(document, &id)?;
            document.nodes.remove(index);
            document
                .edges
                .retain(|e| e.from != id && !e.to.starts_with(&format!("{id}.")));
            document.view.positions.remove(&id);
            if document.output == id {
                document.output = document
                    .nodes
                    .last()
                    .map(|n| n.id.clone())
                    .unwrap_or_default();
            }
        }
        ExpressionEdit::SetOutput { id } => {
            find(document, &id)?;
            document.output = id;
        }
        ExpressionEdit::Replace(next) => *document = *next,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_opens_on_the_notes_example_and_steps_backward_one_node_at_a_time() {
        let mut editor = ExpressionEditor::default_preset();
        let ids: Vec<String> = editor
            .document()
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .collect();
        let value_of = |numbers: &[(Option<f64>, Option<f64>)], id: &str| {
            let index = ids.iter().position(|n| n == id).unwrap();
            numbers[index]
        };
        let numbers = editor.shown_numbers();
        assert_eq!(value_of(&numbers, "f"), (Some(-12.0), None));
        editor.step_backward();
        let numbers = editor.shown_numbers();
        assert_eq!(value_of(&numbers, "f"), (Some(-12.0), Some(1.0)));
        assert_eq!(value_of(&numbers, "q"), (Some(3.0), None));
        editor.backward();
        let numbers = editor.shown_numbers();
        assert_eq!(value_of(&numbers, "q").1, Some(-4.0));
        assert_eq!(value_of(&numbers, "x").1, Some(-4.0));
        assert_eq!(value_of(&numbers, "z").1, Some(3.0));
    }

    #[test]
    fn a_saved_expression_opens_again_and_a_bad_file_keeps_the_open_one() {
        let mut editor = ExpressionEditor::default_preset();
        editor
            .apply(ExpressionEdit::SetValue {
                id: "z".to_owned(),
                value: 2.0,
            })
            .unwrap();
        let saved = editor.to_json().unwrap();
        let mut other = ExpressionEditor::default_preset();
        other.open_text(&saved, "saved.json").unwrap();
        assert_eq!(other.document().nodes, editor.document().nodes);
        assert_eq!(
            other.evaluate().as_ref().unwrap().2.values.last().copied(),
            Some(6.0)
        );
        let before = other.document().clone();
        let error = other
            .open_text("{ \"format\": 3", "broken.json")
            .unwrap_err();
        assert!(error.starts_with("broken.json:1:"), "{error}");
        assert_eq!(other.document(), &before);
        // Opening was one undo step.
        other.undo();
        assert_eq!(
            other.evaluate().as_ref().unwrap().2.values.last().copied(),
            Some(-12.0)
        );
    }

    #[test]
    fn edits_are_undoable_and_a_value_drag_is_one_step() {
        let mut editor = ExpressionEditor::default_preset();
        for value in [1.0, 2.0, 3.0] {
            editor
                .apply(ExpressionEdit::SetValue {
                    id: "x".to_owned(),
                    value,
                })
                .unwrap();
        }
        editor.end_gesture();
        // q = 3 + 5 = 8, f = 8·(−4) = −32.
        let f = editor.evaluate().as_ref().unwrap().2.values.last().copied();
        assert_eq!(f, Some(-32.0));
        editor.undo();
        assert_eq!(
            editor.evaluate().as_ref().unwrap().2.values.last().copied(),
            Some(-12.0)
        );
        assert!(!editor.can_undo());
        editor.redo();
        assert_eq!(
            editor.evaluate().as_ref().unwrap().2.values.last().copied(),
            Some(-32.0)
        );
        assert_eq!(
            editor.apply(ExpressionEdit::Connect {
                from: "f".to_owned(),
                to: "q.a".to_owned()
            }),
            Err("that wire would make a loop".to_owned())
        );
    }

    #[test]
    fn the_expression_undo_is_bounded_and_closes_an_open_gesture() {
        let mut editor = ExpressionEditor::default_preset();
        let set_x = |editor: &mut ExpressionEditor, value: f64| {
            editor
                .apply(ExpressionEdit::SetValue {
                    id: "x".to_owned(),
                    value,
                })
                .unwrap();
        };
        // A drag of x, undone before the pointer is released: the drag that goes on after
        // the undo is a new step, so undo brings back the notes' x = −2 again.
        set_x(&mut editor, 1.0);
        set_x(&mut editor, 2.0);
        editor.undo();
        set_x(&mut editor, 3.0);
        assert_eq!(editor.undo_len(), 1);
        editor.undo();
        assert_eq!(
            editor.evaluate().as_ref().unwrap().2.values.last().copied(),
            Some(-12.0),
            "f = (−2 + 5)·(−4)"
        );
        // Far more separate edits than the history keeps.
        for step in 0..(crate::document::undo::HISTORY_LIMIT + 30) {
            set_x(&mut editor, step as f64);
            editor.end_gesture();
        }
        assert_eq!(editor.undo_len(), crate::document::undo::HISTORY_LIMIT);
    }
}
