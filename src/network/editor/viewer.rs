//! How the canvas draws the document's nodes and turns pointer gestures into commands.

use egui::emath::TSTransform;
use egui::{Pos2, Rect, Stroke, Ui, vec2};
use egui_snarl::ui::{AnyPins, PinInfo, SnarlPin, SnarlViewer};
use egui_snarl::{InPin, NodeId, OutPin, Snarl};
use layerwright_nn::Activation;
use layerwright_nn::graph::{GraphDocument, Node, OutputUnits};

use super::diagnostics::Diagnostics;
use crate::commands::Command;
use crate::document::graph::{Edit, NodeTemplate, inputs_of, would_cycle};
use crate::theme::{self, NodeColour};

/// Reads the document and diagnostics; writes commands. Never changes the document itself.
pub struct GraphViewer<'a> {
    pub document: &'a GraphDocument,
    pub diagnostics: &'a Diagnostics,
    pub commands: &'a mut Vec<Command>,
    pub transform: &'a mut TSTransform,
    pub fit: bool,
    pub canvas_rect: Rect,
    pub refusal: Option<String>,
    /// The selected nodes' ids, drawn highlighted.
    pub selected: &'a [String],
    /// The ids of nodes a lesson points at, drawn with a thick outline.
    pub highlighted: &'a [String],
    /// Each drawn node's id and rectangle (canvas coordinates), in drawing order.
    pub node_rects: Vec<(String, Rect)>,
    /// Where each pin was drawn (canvas coordinates), filled in as snarl places them.
    pub pins: PinPlaces,
    /// Unit maps and weights to draw inside nodes.
    pub insight: &'a crate::network::views::units::NodeInsight,
    /// The unit whose map the pointer is over: `(node id, unit)`.
    pub hovered_unit: Option<(String, usize)>,
}

/// The colour group of a node.
pub fn colour_of(node: &Node) -> NodeColour {
    match node {
        Node::Input(_) => NodeColour::Input,
        Node::Dense(_) | Node::Activation(_) => NodeColour::Dense,
        Node::BatchNorm(_) | Node::LayerNorm(_) => NodeColour::Normalization,
        Node::Conv2D(_) | Node::MaxPool2D(_) | Node::AvgPool2D(_) | Node::Flatten(_) => {
            NodeColour::Image
        }
        Node::Add(_) | Node::Concat(_) => NodeColour::Merge,
        Node::Dropout(_) => NodeColour::Dropout,
        Node::Output(_) => NodeColour::Output,
    }
}

/// What a node's card says under its title (the canvas and saved diagrams share it): its
/// size and activation, a convolution's window, an output's function and loss.
pub fn card_lines(node: &Node) -> Vec<String> {
    match node {
        Node::Input(input) => vec![match input.features.as_ref().map(Vec::len) {
            Some(n) => format!("{n} features"),
            None => "all columns".to_owned(),
        }],
        Node::Dense(dense) => vec![format!(
            "{} units, {}",
            dense.units,
            dense.activation.name()
        )],
        Node::Add(_) => vec!["sum of inputs".to_owned()],
        Node::Concat(_) => vec!["inputs side by side".to_owned()],
        Node::Dropout(dropout) => vec![format!("rate {:.2}", dropout.rate)],
        Node::Activation(node) => vec![node.activation.name().to_owned()],
        Node::BatchNorm(norm) => vec![
            "over the batch".to_owned(),
            format!("momentum {}", norm.momentum),
        ],
        Node::LayerNorm(_) => vec!["over each example's units".to_owned()],
        Node::Conv2D(conv) => vec![
            format!(
                "{} filters {}×{}, {}",
                conv.filters,
                conv.kernel[0],
                conv.kernel[1],
                conv.activation.name()
            ),
            format!("stride {}, {}", conv.stride, padding_text(conv.padding)),
        ],
        Node::MaxPool2D(pool) | Node::AvgPool2D(pool) => {
            let kind = if matches!(node, Node::MaxPool2D(_)) {
                "max"
            } else {
                "mean"
            };
            vec![format!(
                "{kind} of {}×{}, stride {}",
                pool.size[0],
                pool.size[1],
                pool.stride()
            )]
        }
        Node::Flatten(_) => vec!["image as a vector".to_owned()],
        Node::Output(output) => {
            let units = match output.units {
                OutputUnits::Count(n) => format!("{n} units"),
                OutputUnits::FromDataset => "units from data".to_owned(),
            };
            vec![
                format!("{units}, {}", output.output_function.name()),
                format!("loss: {}", output.loss.name()),
            ]
        }
    }
}

impl GraphViewer<'_> {
    fn node(&self, id: &str) -> Option<&Node> {
        self.document.node(id)
    }

    fn id_of(snarl: &Snarl<String>, node: NodeId) -> Option<&str> {
        snarl.get_node(node).map(String::as_str)
    }

    fn port_name(node: &Node, index: usize) -> String {
        if node.is_merge() {
            format!("in{index}")
        } else {
            "in".to_owned()
        }
    }

    /// Node `node`'s pin (its input `input`, or its output with `None`), which remembers
    /// where snarl puts it.
    fn pin(
        &self,
        ui: &Ui,
        connected: bool,
        snarl: &Snarl<String>,
        node: NodeId,
        input: Option<usize>,
    ) -> PlacedPin {
        let id = Self::id_of(snarl, node).unwrap_or_default().to_owned();
        PlacedPin {
            info: crate::canvas::wire_pin(ui, connected),
            key: (id, input),
            places: std::rc::Rc::clone(&self.pins),
        }
    }
}

/// Which pin: the node's id and, for an input, its index (`None`: the output).
pub type PinKey = (String, Option<usize>);

/// Where the pins were drawn in the last frame, shared with the pins while snarl places them.
pub type PinPlaces = std::rc::Rc<std::cell::RefCell<Vec<(PinKey, Rect)>>>;

/// The canvas's pin, which remembers where snarl put it (so that the pins can be found:
/// by the window tests, which drag wires between them).
pub struct PlacedPin {
    info: PinInfo,
    key: PinKey,
    places: PinPlaces,
}

impl SnarlPin for PlacedPin {
    fn pin_rect(&self, x: f32, y0: f32, y1: f32, size: f32) -> Rect {
        let rect = self.info.pin_rect(x, y0, y1, size);
        self.places.borrow_mut().push((self.key.clone(), rect));
        rect
    }

    fn draw(
        self,
        snarl_style: &egui_snarl::ui::SnarlStyle,
        style: &egui::Style,
        rect: Rect,
        painter: &egui::Painter,
    ) -> egui_snarl::ui::PinWireInfo {
        self.info.draw(snarl_style, style, rect, painter)
    }
}

/// A tiny plot of an activation over z ∈ [−3, 3].
fn curve_icon(ui: &mut Ui, activation: Activation) {
    let (rect, _) = ui.allocate_exact_size(vec2(28.0, 18.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_stroke(
        rect,
        2.0,
        Stroke::new(0.5, visuals.weak_text_color()),
        egui::StrokeKind::Inside,
    );
    let samples: Vec<(f32, f32)> = (0..=24)
        .map(|i| {
            let z = -3.0 + 6.0 * i as f64 / 24.0;
            (z as f32, activation.value(z) as f32)
        })
        .collect();
    let (low, high) = samples
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &(_, y)| {
            (l.min(y), h.max(y))
        });
    let span = (high - low).max(1e-3);
    let points: Vec<Pos2> = samples
        .iter()
        .map(|&(z, y)| {
            egui::pos2(
                rect.left() + 2.0 + (z + 3.0) / 6.0 * (rect.width() - 4.0),
                rect.bottom() - 2.0 - (y - low) / span * (rect.height() - 4.0),
            )
        })
        .collect();
    painter.add(egui::Shape::line(
        points,
        Stroke::new(1.5, theme::curve_colour(visuals.dark_mode)),
    ));
}

impl SnarlViewer<String> for GraphViewer<'_> {
    fn title(&mut self, node: &String) -> String {
        node.clone()
    }

    fn node_frame(
        &mut self,
        default: egui::Frame,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        snarl: &Snarl<String>,
    ) -> egui::Frame {
        let id = Self::id_of(snarl, node);
        let highlighted = id.is_some_and(|id| self.highlighted.iter().any(|s| s == id));
        let selected = id.is_some_and(|id| self.selected.iter().any(|s| s == id));
        if highlighted {
            default.stroke(Stroke::new(4.0, theme::HIGHLIGHT))
        } else if selected {
            default.stroke(Stroke::new(2.0, theme::okabe_ito::SKY_BLUE))
        } else {
            default
        }
    }

    fn final_node_rect(
        &mut self,
        node: NodeId,
        rect: Rect,
        _ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) {
        if let Some(id) = Self::id_of(snarl, node) {
            self.node_rects.push((id.to_owned(), rect));
        }
    }

    fn show_header(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) {
        let Some(id) = Self::id_of(snarl, node).map(str::to_owned) else {
            return;
        };
        let Some(document_node) = self.node(&id) else {
            return;
        };
        let accent = theme::node_accent(colour_of(document_node));
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            let (swatch, _) = ui.allocate_exact_size(vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 2.0, accent);
            ui.strong(&id);
            ui.weak(document_node.kind_name());
            if let Some(errors) = self.diagnostics.node_errors.get(&id) {
                let colour = theme::error_colour(ui.visuals().dark_mode);
                ui.colored_label(colour, "⚠")
                    .on_hover_text(errors.join("\n"));
            }
        });
    }

    fn inputs(&mut self, node: &String) -> usize {
        match self.node(node) {
            Some(n) if n.is_merge() => inputs_of(self.document, node).len() + 1,
            Some(n) if n.takes_input() => 1,
            _ => 0,
        }
    }

    fn outputs(&mut self, node: &String) -> usize {
        match self.node(node) {
            Some(Node::Output(_)) | None => 0,
            Some(_) => 1,
        }
    }

    fn show_input(
        &mut self,
        pin: &InPin,
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) -> impl SnarlPin + 'static {
        let connected = !pin.remotes.is_empty();
        // Only add and concat name their ports: the order of their inputs matters.
        if let Some(node) = Self::id_of(snarl, pin.id.node).and_then(|id| self.node(id))
            && node.is_merge()
        {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            ui.weak(format!("in{}", pin.id.input));
        }
        self.pin(ui, connected, snarl, pin.id.node, Some(pin.id.input))
    }

    fn show_output(
        &mut self,
        pin: &OutPin,
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) -> impl SnarlPin + 'static {
        self.pin(ui, !pin.remotes.is_empty(), snarl, pin.id.node, None)
    }

    fn has_body(&mut self, _node: &String) -> bool {
        true
    }

    fn show_body(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) {
        let Some(id) = Self::id_of(snarl, node).map(str::to_owned) else {
            return;
        };
        let Some(document_node) = self.node(&id) else {
            return;
        };
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        let mut hovered = None;
        ui.vertical(|ui| {
            let lines = card_lines(document_node);
            let curve = match document_node {
                Node::Dense(n) => Some(n.activation),
                Node::Activation(n) => Some(n.activation),
                Node::Conv2D(n) => Some(n.activation),
                _ => None,
            };
            for (index, line) in lines.iter().enumerate() {
                match curve {
                    // The activation's curve beside the line that names it.
                    Some(activation) if index == 0 => {
                        ui.horizontal(|ui| {
                            curve_icon(ui, activation);
                            ui.label(line);
                        });
                    }
                    _ => {
                        ui.label(line);
                    }
                }
            }
            ui.monospace(self.diagnostics.shape_text(&id));
            let units = self.diagnostics.widths.get(&id).copied().unwrap_or(0);
            hovered = self.insight.node_ui(ui, &id, units);
        });
        if let Some(unit) = hovered {
            self.hovered_unit = Some((id, unit));
        }
    }

    fn has_graph_menu(&mut self, _pos: Pos2, _snarl: &mut Snarl<String>) -> bool {
        true
    }

    fn show_graph_menu(&mut self, pos: Pos2, ui: &mut Ui, _snarl: &mut Snarl<String>) {
        ui.label("Add node");
        let mut query = ui.data_mut(|d| {
            d.get_temp::<String>(egui::Id::new("graph-menu-query"))
                .unwrap_or_default()
        });
        let mut focused = ui.data_mut(|d| {
            d.get_temp::<bool>(egui::Id::new("graph-menu-focused"))
                .unwrap_or(false)
        });
        let chosen = super::search_list_ui(ui, &mut query, &mut focused);
        ui.data_mut(|d| {
            d.insert_temp(egui::Id::new("graph-menu-query"), query);
            d.insert_temp(egui::Id::new("graph-menu-focused"), focused);
        });
        if let Some(template) = chosen {
            self.commands.push(Command::Edit(Edit::AddNode {
                template,
                position: [pos.x, pos.y],
                from: None,
                into: None,
            }));
            ui.data_mut(|d| {
                d.remove::<String>(egui::Id::new("graph-menu-query"));
                d.remove::<bool>(egui::Id::new("graph-menu-focused"));
            });
            ui.close();
        }
    }

    fn has_dropped_wire_menu(&mut self, _src_pins: AnyPins, _snarl: &mut Snarl<String>) -> bool {
        true
    }

    fn show_dropped_wire_menu(
        &mut self,
        pos: Pos2,
        ui: &mut Ui,
        src_pins: AnyPins,
        snarl: &mut Snarl<String>,
    ) {
        ui.label("Add and connect");
        let source: Option<(bool, String, String)> = match src_pins {
            AnyPins::Out(pins) => pins
                .first()
                .and_then(|p| Self::id_of(snarl, p.node))
                .map(|id| (true, id.to_owned(), String::new())),
            AnyPins::In(pins) => pins.first().and_then(|p| {
                let id = Self::id_of(snarl, p.node)?;
                let node = self.node(id)?;
                Some((false, id.to_owned(), Self::port_name(node, p.input)))
            }),
        };
        let Some((from_output, id, port)) = source else {
            return;
        };
        for template in NodeTemplate::menu() {
            let fits = if from_output {
                template.takes_input()
            } else {
                template.feeds_others()
            };
            if fits
                && ui
                    .button(template.menu_label())
                    .on_hover_text(template.description())
                    .clicked()
            {
                let (from, into) = if from_output {
                    (Some(id.clone()), None)
                } else {
                    (None, Some((id.clone(), port.clone())))
                };
                self.commands.push(Command::Edit(Edit::AddNode {
                    template,
                    position: [pos.x, pos.y],
                    from,
                    into,
                }));
                ui.close();
            }
        }
    }

    fn connect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<String>) {
        let (Some(source), Some(target)) = (
            Self::id_of(snarl, from.id.node),
            Self::id_of(snarl, to.id.node),
        ) else {
            return;
        };
        let Some(target_node) = self.node(target) else {
            return;
        };
        if source == target {
            self.refusal = Some("A node cannot feed itself.".to_owned());
            return;
        }
        if would_cycle(self.document, source, target) {
            self.refusal = Some(format!(
                "Refused: '{target}' already feeds '{source}', so this wire would make a cycle."
            ));
            return;
        }
        let port = Self::port_name(target_node, to.id.input);
        self.commands.push(Command::Edit(Edit::Connect {
            from: source.to_owned(),
            to: target.to_owned(),
            port,
        }));
    }

    fn disconnect(&mut self, from: &OutPin, to: &InPin, snarl: &mut Snarl<String>) {
        let (Some(source), Some(target)) = (
            Self::id_of(snarl, from.id.node),
            Self::id_of(snarl, to.id.node),
        ) else {
            return;
        };
        let Some(target_node) = self.node(target) else {
            return;
        };
        self.commands.push(Command::Edit(Edit::Disconnect {
            from: source.to_owned(),
            to: target.to_owned(),
            port: Self::port_name(target_node, to.id.input),
        }));
    }

    fn drop_inputs(&mut self, pin: &InPin, snarl: &mut Snarl<String>) {
        let Some(target) = Self::id_of(snarl, pin.id.node) else {
            return;
        };
        let Some(node) = self.node(target) else {
            return;
        };
        self.commands.push(Command::Edit(Edit::DisconnectPort {
            to: target.to_owned(),
            port: Self::port_name(node, pin.id.input),
        }));
    }

    fn drop_outputs(&mut self, pin: &OutPin, snarl: &mut Snarl<String>) {
        if let Some(source) = Self::id_of(snarl, pin.id.node) {
            self.commands.push(Command::Edit(Edit::DisconnectOutput {
                from: source.to_owned(),
            }));
        }
    }

    fn has_node_menu(&mut self, _node: &String) -> bool {
        true
    }

    fn show_node_menu(
        &mut self,
        node: NodeId,
        _inputs: &[InPin],
        _outputs: &[OutPin],
        ui: &mut Ui,
        snarl: &mut Snarl<String>,
    ) {
        let Some(id) = Self::id_of(snarl, node).map(str::to_owned) else {
            return;
        };
        if ui.button("Delete").clicked() {
            self.commands
                .push(Command::Edit(Edit::DeleteNodes(vec![id])));
            ui.close();
        }
    }

    fn current_transform(&mut self, to_global: &mut TSTransform, snarl: &mut Snarl<String>) {
        if std::mem::take(&mut self.fit) && self.canvas_rect.is_positive() {
            let mut bounds = Rect::NOTHING;
            for (pos, _) in snarl.nodes_pos() {
                bounds = bounds.union(Rect::from_min_size(pos, vec2(200.0, 90.0)));
            }
            if bounds.is_positive() {
                let bounds = bounds.expand(40.0);
                let scale = (self.canvas_rect.width() / bounds.width())
                    .min(self.canvas_rect.height() / bounds.height())
                    .clamp(0.2, 1.0);
                *to_global = TSTransform::new(
                    self.canvas_rect.center().to_vec2() - bounds.center().to_vec2() * scale,
                    scale,
                );
            }
        }
        *self.transform = *to_global;
    }
}

/// A convolution's padding in a few words.
fn padding_text(padding: layerwright_nn::graph::Padding) -> String {
    use layerwright_nn::graph::Padding;
    match padding {
        Padding::Valid => "no padding".to_owned(),
        Padding::Same => "same size".to_owned(),
        Padding::Explicit {
            top,
            left,
            bottom,
            right,
        } => format!("padding {top} {left} {bottom} {right}"),
    }
}
