//! The node editor: a canvas (egui-snarl) showing the document, a palette, an add menu and
//! an inspector. The document is the only source of truth: the snarl is a view synced from
//! it, each snarl node holding its document id, and every edit is returned as a
//! [`Command`] that the app applies after drawing.

mod actions;
pub mod diagnostics;
pub mod inspector;
mod inspector_images;
pub mod layout;
pub mod palette;
pub mod summary_view;
mod viewer;

pub use viewer::{card_lines, colour_of};

use std::collections::HashMap;
use std::path::PathBuf;

use egui_snarl::ui::SnarlWidget;
use egui_snarl::{InPinId, OutPinId, Snarl};

use crate::commands::Command;
use crate::document::graph::{Clip, Edit, EditorDocument, NodeTemplate, positions};
use diagnostics::Diagnostics;

/// The id of the canvas widget, so its selection can be read after drawing.
const CANVAS_ID: &str = "layerwright-canvas";

/// A message shown by the pointer for a while (a refused wire, for instance).
#[derive(Clone, Debug)]
pub struct Notice {
    /// What to say.
    pub text: String,
    /// Where, in screen coordinates.
    pub position: egui::Pos2,
    /// Seconds (of egui time) when it disappears.
    pub until: f64,
}

/// The add menu opened with Space: a search field at the centre of the view.
#[derive(Clone, Debug, Default)]
pub struct AddMenu {
    /// What was typed.
    pub query: String,
    /// Where the new node goes, in canvas coordinates.
    pub position: [f32; 2],
    /// Whether the search field has been focused once.
    pub focused: bool,
}

/// The canvas as last drawn: its rectangle on screen, its pan and zoom, and whether the
/// next frame fits the view to the nodes.
struct CanvasView {
    /// The canvas-to-screen transform of the last frame.
    transform: egui::emath::TSTransform,
    fit_requested: bool,
    rect: egui::Rect,
    /// Each node's rectangle in the last frame (canvas coordinates).
    node_rects: Vec<(String, egui::Rect)>,
    /// Each pin's rectangle in the last frame (canvas coordinates).
    pins: viewer::PinPlaces,
    /// How far cards are drawn from their document positions so that grown cards do not
    /// cover their neighbours (see [`layout::separating_shifts`]).
    shifts: HashMap<String, egui::Vec2>,
}

/// The editor's state beside the document: the canvas view, selection, clipboard and caches.
pub struct Editor {
    /// Tells editors apart: a newly opened document gets a new editor, whose revisions
    /// start again from 0.
    id: u64,
    /// The document and its history.
    pub document: EditorDocument,
    /// The folder of the open file, for data paths relative to it.
    pub base_dir: Option<PathBuf>,
    snarl: Snarl<String>,
    snarl_nodes: HashMap<String, egui_snarl::NodeId>,
    synced_revision: Option<u64>,
    diagnostics: Diagnostics,
    /// The ids of the selected nodes, in selection order.
    pub selected: Vec<String>,
    /// The ids of nodes drawn with a thick outline (those a lesson's formula describes).
    pub highlighted: Vec<String>,
    /// The canvas's own (box) selection last frame, to notice when it changes.
    canvas_selection: Vec<String>,
    /// What Copy last copied.
    pub clipboard: Clip,
    /// The open add menu, if any.
    pub add_menu: Option<AddMenu>,
    /// A notice by the pointer, if any.
    pub notice: Option<Notice>,
    /// Where the canvas was drawn and how it was panned and zoomed.
    view: CanvasView,
}

impl Editor {
    /// An editor on `document`.
    pub fn new(document: layerwright_nn::graph::GraphDocument, base_dir: Option<PathBuf>) -> Self {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            document: EditorDocument::new(document),
            base_dir,
            snarl: Snarl::new(),
            snarl_nodes: HashMap::new(),
            synced_revision: None,
            diagnostics: Diagnostics::default(),
            selected: Vec::new(),
            highlighted: Vec::new(),
            canvas_selection: Vec::new(),
            clipboard: Clip::default(),
            add_menu: None,
            notice: None,
            view: CanvasView {
                transform: egui::emath::TSTransform::IDENTITY,
                fit_requested: true,
                rect: egui::Rect::NOTHING,
                node_rects: Vec::new(),
                pins: viewer::PinPlaces::default(),
                shifts: HashMap::new(),
            },
        }
    }

    /// What the last compile found in the graph (problems by node, widths).
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// Shows `diagnostics`, from the compile of the current (or a recent) revision.
    pub fn set_diagnostics(&mut self, diagnostics: Diagnostics) {
        self.diagnostics = diagnostics;
    }

    /// The canvas-to-screen transform of the last frame (the canvas is panned and zoomed):
    /// what is drawn at canvas point `p` appears at `transform * p` in the window.
    pub fn canvas_transform(&self) -> egui::emath::TSTransform {
        self.view.transform
    }

    /// The node a new node of `template` is wired after: the one selected node, when the
    /// new node takes an input and the selected node is not the output.
    pub fn wire_from_selection(&self, template: NodeTemplate) -> Option<String> {
        match self.selected.as_slice() {
            [only] if template.takes_input() => self
                .document
                .document()
                .node(only)
                .filter(|n| !matches!(n, layerwright_nn::graph::Node::Output(_)))
                .map(|_| only.clone()),
            _ => None,
        }
    }

    /// Where node `id` was drawn in the last frame, on the screen.
    pub fn node_screen_rect(&self, id: &str) -> Option<egui::Rect> {
        self.view
            .node_rects
            .iter()
            .find(|(node, _)| node == id)
            .map(|(_, rect)| self.view.transform * *rect)
    }

    /// Where a pin was drawn in the last frame, on the screen: node `id`'s input `input`,
    /// or its output with `None`.
    pub fn pin_screen_position(&self, id: &str, input: Option<usize>) -> Option<egui::Pos2> {
        self.view
            .pins
            .borrow()
            .iter()
            .find(|((node, port), _)| node == id && *port == input)
            .map(|(_, rect)| self.view.transform * rect.center())
    }

    /// This editor's id and its document's revision: equal pairs mean an unchanged document.
    pub fn version(&self) -> (u64, u64) {
        (self.id, self.document.revision())
    }

    /// The canvas point at the centre of the view, where new nodes go.
    pub fn view_centre(&self) -> [f32; 2] {
        if !self.view.rect.is_positive() {
            return [300.0, 200.0];
        }
        let centre = self.view.transform.inverse() * self.view.rect.center();
        [centre.x, centre.y]
    }

    /// A free spot near the view centre, so a new node neither lands off screen nor hides another.
    pub fn free_spot(&self) -> [f32; 2] {
        let taken = positions(self.document.document());
        let [x, y] = self.view_centre();
        let visible = if self.view.rect.is_positive() {
            let inverse = self.view.transform.inverse();
            egui::Rect::from_min_max(inverse * self.view.rect.min, inverse * self.view.rect.max)
                .shrink2(egui::vec2(40.0, 40.0))
        } else {
            egui::Rect::EVERYTHING
        };
        let origin = [x - 100.0, y - 50.0];
        let candidates = std::iter::once(origin).chain((0..16).map(|step| {
            let ring = (step / 8 + 1) as f32;
            let (dx, dy) = [
                (0.0, 1.0),
                (1.0, 0.0),
                (0.0, -1.0),
                (-1.0, 0.0),
                (1.0, 1.0),
                (-1.0, 1.0),
                (1.0, -1.0),
                (-1.0, -1.0),
            ][step % 8];
            [origin[0] + dx * 240.0 * ring, origin[1] + dy * 140.0 * ring]
        }));
        candidates
            .filter(|spot| {
                visible.contains(egui::pos2(spot[0], spot[1]))
                    && visible.contains(egui::pos2(spot[0] + 200.0, spot[1] + 100.0))
            })
            .find(|spot| {
                // Nodes are about 200 × 100 canvas units: keep clear of every one.
                taken
                    .values()
                    .all(|p| (p[0] - spot[0]).abs() > 220.0 || (p[1] - spot[1]).abs() > 120.0)
            })
            .unwrap_or(origin)
    }

    /// Asks the canvas to fit every node in view on the next frame.
    pub fn request_fit(&mut self) {
        self.view.fit_requested = true;
    }

    /// Opens the add menu at the centre of the view.
    pub fn open_add_menu(&mut self) {
        self.add_menu = Some(AddMenu {
            query: String::new(),
            position: self.free_spot(),
            focused: false,
        });
    }

    /// Shows a notice near `position` for three seconds.
    pub fn notify(&mut self, ctx: &egui::Context, text: String, position: Option<egui::Pos2>) {
        let position = position
            .or_else(|| ctx.pointer_latest_pos())
            .unwrap_or(self.view.rect.center());
        self.notice = Some(Notice {
            text,
            position,
            until: ctx.input(|i| i.time) + 3.0,
        });
    }

    /// Makes the snarl mirror the document: nodes keep their snarl ids while they exist.
    fn sync_snarl(&mut self) {
        let revision = self.document.revision();
        if self.synced_revision == Some(revision) {
            return;
        }
        self.synced_revision = Some(revision);
        let document = self.document.document();
        let positions = positions(document);
        let alive: std::collections::HashSet<&str> = document
            .nodes
            .iter()
            .map(layerwright_nn::graph::Node::id)
            .collect();
        let gone: Vec<String> = self
            .snarl_nodes
            .keys()
            .filter(|id| !alive.contains(id.as_str()))
            .cloned()
            .collect();
        for id in gone {
            if let Some(node) = self.snarl_nodes.remove(&id) {
                self.snarl.remove_node(node);
            }
        }
        for (index, node) in document.nodes.iter().enumerate() {
            let position = positions
                .get(node.id())
                .copied()
                .unwrap_or([80.0 + 220.0 * index as f32, 200.0]);
            let shift = self.view.shifts.get(node.id()).copied().unwrap_or_default();
            let position = egui::pos2(position[0], position[1]) + shift;
            match self.snarl_nodes.get(node.id()) {
                Some(&existing) => {
                    if let Some(info) = self.snarl.get_node_info_mut(existing) {
                        info.pos = position;
                    }
                }
                None => {
                    let id = self.snarl.insert_node(position, node.id().to_owned());
                    self.snarl_nodes.insert(node.id().to_owned(), id);
                }
            }
        }
        let wires: Vec<(OutPinId, InPinId)> = self.snarl.wires().collect();
        for (from, to) in wires {
            self.snarl.disconnect(from, to);
        }
        for edge in &document.edges {
            let (Some((source, _)), Some((target, port))) = (edge.source(), edge.target()) else {
                continue;
            };
            if let (Some(&from), Some(&to)) =
                (self.snarl_nodes.get(source), self.snarl_nodes.get(target))
            {
                self.snarl.connect(
                    OutPinId {
                        node: from,
                        output: 0,
                    },
                    InPinId {
                        node: to,
                        input: crate::document::graph::port_index(port),
                    },
                );
            }
        }
    }

    /// Draws the canvas into `ui`; returns the commands it asks for.
    /// `insight` holds what nodes draw inside them (unit maps, weights); the second value
    /// returned is the unit whose map is under the pointer, `(node id, unit)`.
    pub fn canvas_ui(
        &mut self,
        ui: &mut egui::Ui,
        insight: &crate::network::views::units::NodeInsight,
    ) -> (Vec<Command>, Option<(String, usize)>) {
        self.sync_snarl();
        let mut commands = Vec::new();
        let widget = SnarlWidget::new()
            .id_salt(CANVAS_ID)
            .style(crate::canvas::canvas_style(ui));
        let mut viewer = viewer::GraphViewer {
            document: self.document.document(),
            diagnostics: &self.diagnostics,
            commands: &mut commands,
            transform: &mut self.view.transform,
            fit: std::mem::take(&mut self.view.fit_requested),
            canvas_rect: ui.available_rect_before_wrap(),
            refusal: None,
            selected: &self.selected,
            highlighted: &self.highlighted,
            node_rects: Vec::new(),
            pins: std::rc::Rc::clone(&self.view.pins),
            insight,
            hovered_unit: None,
        };
        self.view.pins.borrow_mut().clear();
        self.view.rect = ui.available_rect_before_wrap();
        let response = widget.show(&mut self.snarl, &mut viewer, ui);
        let refusal = viewer.refusal.take();
        let node_rects = std::mem::take(&mut viewer.node_rects);
        let hovered_unit = viewer.hovered_unit.take();
        if let Some(text) = refusal {
            self.notify(ui.ctx(), text, None);
        }
        self.update_selection(ui, &widget, &response, &node_rects);
        self.view.node_rects = node_rects;
        // A finished drag moves nodes in the document, as one undo step.
        let dragging = ui.ctx().input(|i| i.pointer.any_down());
        if !dragging {
            let known = positions(self.document.document());
            let moves: Vec<(String, [f32; 2])> = self
                .snarl
                .nodes_pos_ids()
                .filter_map(|(_, pos, id)| {
                    let now = [pos.x, pos.y];
                    let shift = self.view.shifts.get(id).copied().unwrap_or_default();
                    let moved = known.get(id).is_none_or(|p| {
                        (p[0] + shift.x - now[0]).abs() > 0.5
                            || (p[1] + shift.y - now[1]).abs() > 0.5
                    });
                    moved.then(|| (id.clone(), now))
                })
                .collect();
            if moves.is_empty() {
                self.separate_cards(ui.ctx());
            } else {
                // Where the person put a card is where it is now, shift included.
                for (id, _) in &moves {
                    self.view.shifts.remove(id);
                }
                commands.push(Command::Edit(Edit::MoveNodes(moves)));
            }
        }
        // A palette item dropped onto the canvas adds that node where it was dropped.
        if let Some(template) = response.dnd_release_payload::<NodeTemplate>()
            && let Some(pointer) = ui.ctx().pointer_interact_pos()
        {
            let at = self.screen_to_canvas(pointer);
            commands.push(Command::Edit(Edit::AddNode {
                template: *template,
                position: at,
                from: None,
                into: None,
            }));
        }
        self.notice_ui(ui.ctx());
        (commands, hovered_unit)
    }

    /// Shifts cards that the last frame drew overlapping (grown by their unit maps, say) so
    /// that they do not, without changing the document; asks for a frame when they move.
    fn separate_cards(&mut self, ctx: &egui::Context) {
        let cards: Vec<(String, egui::Rect)> = self
            .view
            .node_rects
            .iter()
            .map(|(id, rect)| {
                let shift = self.view.shifts.get(id).copied().unwrap_or_default();
                (id.clone(), rect.translate(-shift))
            })
            .collect();
        let shifts = layout::separating_shifts(&cards);
        let same = shifts.len() == self.view.shifts.len()
            && shifts.iter().all(|(id, shift)| {
                self.view
                    .shifts
                    .get(id)
                    .is_some_and(|old| (*old - *shift).length() < 0.5)
            });
        if same {
            return;
        }
        self.view.shifts = shifts;
        let known = positions(self.document.document());
        for (id, &node) in &self.snarl_nodes {
            let shift = self.view.shifts.get(id).copied().unwrap_or_default();
            if let (Some(place), Some(info)) = (known.get(id), self.snarl.get_node_info_mut(node)) {
                info.pos = egui::pos2(place[0], place[1]) + shift;
            }
        }
        ctx.request_repaint();
    }

    /// How far card `id` is drawn from its document position to clear its neighbours.
    pub fn card_shift(&self, id: &str) -> egui::Vec2 {
        self.view.shifts.get(id).copied().unwrap_or_default()
    }

    /// Selection: a click on a node selects it (Shift adds or removes it), a click on empty
    /// canvas clears it; the canvas's own box selection is taken over when it changes.
    fn update_selection(
        &mut self,
        ui: &egui::Ui,
        widget: &SnarlWidget,
        response: &egui::Response,
        node_rects: &[(String, egui::Rect)],
    ) {
        let by_snarl: HashMap<egui_snarl::NodeId, &String> = self
            .snarl_nodes
            .iter()
            .map(|(id, node)| (*node, id))
            .collect();
        let boxed: Vec<String> = widget
            .get_selected_nodes(ui)
            .into_iter()
            .filter_map(|node| by_snarl.get(&node).map(|id| (*id).clone()))
            .collect();
        if boxed != self.canvas_selection {
            self.canvas_selection = boxed.clone();
            if !boxed.is_empty() {
                self.selected = boxed;
                return;
            }
        }
        let (clicked, position, shift) = ui.ctx().input(|i| {
            (
                i.pointer.primary_clicked(),
                i.pointer.interact_pos(),
                i.modifiers.shift,
            )
        });
        // The widget's rectangle can reach under the side panels; only the visible canvas counts.
        let on_canvas = |p: &egui::Pos2| response.rect.contains(*p) && ui.clip_rect().contains(*p);
        let Some(position) = position.filter(|p| clicked && on_canvas(p)) else {
            return;
        };
        // A click on a menu or window above the canvas is not a click on the canvas.
        if ui
            .ctx()
            .layer_id_at(position)
            .is_some_and(|layer| layer.order != ui.layer_id().order)
        {
            return;
        }
        // Node rectangles are in canvas coordinates; the pointer is on the screen.
        let on_canvas = self.view.transform.inverse() * position;
        let hit = node_rects
            .iter()
            .rev()
            .find(|(_, rect)| rect.contains(on_canvas))
            .map(|(id, _)| id.clone());
        match (hit, shift) {
            (Some(id), true) => {
                if let Some(index) = self.selected.iter().position(|s| *s == id) {
                    self.selected.remove(index);
                } else {
                    self.selected.push(id);
                }
            }
            (Some(id), false) => self.selected = vec![id],
            (None, false) => self.selected.clear(),
            (None, true) => {}
        }
    }

    /// Converts a screen point to canvas coordinates.
    fn screen_to_canvas(&self, point: egui::Pos2) -> [f32; 2] {
        let at = self.view.transform.inverse() * point;
        [at.x, at.y]
    }

    fn notice_ui(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let Some(notice) = &self.notice else { return };
        if now > notice.until {
            self.notice = None;
            return;
        }
        egui::Area::new(egui::Id::new("layerwright-notice"))
            .order(egui::Order::Tooltip)
            .fixed_pos(notice.position + egui::vec2(12.0, 12.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.colored_label(
                        crate::theme::error_colour(ui.visuals().dark_mode),
                        &notice.text,
                    );
                });
            });
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }

    /// The add menu, if open; returns the command for the chosen node kind.
    pub fn add_menu_ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        let Some(menu) = &mut self.add_menu else {
            return commands;
        };
        let mut open = true;
        let mut chosen = None;
        egui::Window::new("Add node")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(self.view.rect.center())
            .show(ctx, |ui| {
                chosen = search_list_ui(ui, &mut menu.query, &mut menu.focused);
            });
        let position = menu.position;
        if let Some(template) = chosen {
            // From the keyboard, a new node is wired after the selected one.
            let from = self.wire_from_selection(template);
            commands.push(Command::Edit(Edit::AddNode {
                template,
                position,
                from,
                into: None,
            }));
            open = false;
        }
        if !open || ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.add_menu = None;
        }
        commands
    }
}

/// A search field over the add menu's entries; Enter picks the first match.
pub fn search_list_ui(
    ui: &mut egui::Ui,
    query: &mut String,
    focused: &mut bool,
) -> Option<NodeTemplate> {
    let field = ui
        .horizontal(|ui| {
            let label = ui.label("Search");
            ui.add(
                egui::TextEdit::singleline(query)
                    .hint_text("relu, output, concat…")
                    .desired_width(180.0),
            )
            .labelled_by(label.id)
        })
        .inner;
    if !*focused {
        field.request_focus();
        *focused = true;
    }
    let needle = query.to_lowercase();
    let matches: Vec<NodeTemplate> = NodeTemplate::menu()
        .into_iter()
        .filter(|t| t.menu_label().to_lowercase().contains(&needle))
        .collect();
    let mut chosen = None;
    if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
        chosen = matches.first().copied();
    }
    egui::ScrollArea::vertical()
        .max_height(260.0)
        .show(ui, |ui| {
            for template in &matches {
                if ui
                    .button(template.menu_label())
                    .on_hover_text(template.description())
                    .clicked()
                {
                    chosen = Some(*template);
                }
            }
            if matches.is_empty() {
                ui.weak("Nothing matches.");
            }
        });
    chosen
}
