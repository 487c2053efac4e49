//! Diagrams for slides: a graph document drawn as SVG (node cards with their id, kind, what
//! they compute and their output shape, and the wires between them), and that SVG as PNG,
//! rasterised in pure Rust with the window's own fonts, so it renders the same headless.
//!
//! The cards sit where the document's layout puts them; a document without one is laid out
//! left to right by depth (each node one column right of its deepest input).

use std::collections::HashMap;
use std::fmt::Write as _;

use layerwright_nn::graph::{GraphDocument, Node};

use crate::network::editor::{card_lines, colour_of};
use crate::theme;

/// The colours of a diagram.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagramTheme {
    /// Dark text on white, for slides and paper.
    #[default]
    Light,
    /// Light text on a dark background, as the window looks.
    Dark,
}

impl DiagramTheme {
    /// `(background, card, border, text, weak text, wire)` as `#rrggbb`.
    fn colours(self) -> [&'static str; 6] {
        match self {
            Self::Light => [
                "#ffffff", "#f5f5f5", "#c8c8c8", "#1e1e1e", "#6e6e6e", "#8c8c8c",
            ],
            Self::Dark => [
                "#1b1b1b", "#2a2a2a", "#3c3c3c", "#e6e6e6", "#9a9a9a", "#a0a0a0",
            ],
        }
    }
}

/// Why a diagram could not be made into a picture.
#[derive(Debug, thiserror::Error)]
pub enum DiagramError {
    /// The SVG did not parse (a bug: the module writes it).
    #[error("cannot read the diagram's SVG: {0}")]
    Svg(String),
    /// The picture would be empty or too large.
    #[error("cannot make a {width} × {height} picture (scale {scale})")]
    Size {
        /// Pixels across.
        width: u32,
        /// Pixels down.
        height: u32,
        /// The scale asked for.
        scale: f32,
    },
    /// PNG encoding failed.
    #[error("cannot encode the PNG: {0}")]
    Png(String),
}

/// Body text size, in SVG units (pixels at scale 1).
const TEXT: f32 = 12.0;
/// Line height of the card text.
const LINE: f32 = 17.0;
/// Height of a card's title row.
const TITLE: f32 = 26.0;
/// Width of one character, roughly, for sizing cards (the fonts are proportional).
const CHARACTER: f32 = 7.0;
/// Space around the diagram (room for the wires that bend back).
const MARGIN: f32 = 48.0;
/// The distance between a merge's input ports down its left edge.
const PORT_GAP: f32 = 12.0;
/// How far a wire back to an earlier column bends out of its card.
const BACK_BEND: f32 = 60.0;

/// A card laid out: its node, lines and rectangle.
struct Card<'a> {
    node: &'a Node,
    lines: Vec<String>,
    shape: String,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

/// The SVG of `document`, each card's shape line from `shape_of(id)` (`[batch, 8]`, or
/// `[batch, ?]` where it is not known).
pub fn diagram_svg(
    document: &GraphDocument,
    shape_of: &dyn Fn(&str) -> String,
    diagram_theme: DiagramTheme,
) -> String {
    let positions = layout(document);
    let mut cards: Vec<Card> = document
        .nodes
        .iter()
        .map(|node| {
            let lines = card_lines(node);
            let shape = shape_of(node.id());
            let title = format!("{}  {}", node.id(), node.kind_name());
            let longest = lines
                .iter()
                .chain([&shape, &title])
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0);
            let [x, y] = positions.get(node.id()).copied().unwrap_or([0.0, 0.0]);
            Card {
                node,
                width: (longest as f32 * CHARACTER + 24.0).max(130.0),
                height: TITLE + LINE * (lines.len() + 1) as f32 + 8.0,
                lines,
                shape,
                x,
                y,
            }
        })
        .collect();
    // Shift so that the top-left card sits at the margin.
    let left = cards.iter().map(|c| c.x).fold(f32::INFINITY, f32::min);
    let top = cards.iter().map(|c| c.y).fold(f32::INFINITY, f32::min);
    for card in &mut cards {
        card.x += MARGIN - if left.is_finite() { left } else { 0.0 };
        card.y += MARGIN - if top.is_finite() { top } else { 0.0 };
    }
    let width = cards.iter().map(|c| c.x + c.width).fold(0.0, f32::max) + MARGIN;
    let height = cards.iter().map(|c| c.y + c.height).fold(0.0, f32::max) + MARGIN;
    let [background, card_fill, border, text, weak, wire] = diagram_theme.colours();
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(svg, "  <title>{}</title>", escape(&diagram_title(document)));
    let _ = writeln!(
        svg,
        r#"  <rect width="100%" height="100%" fill="{background}"/>"#
    );
    let by_id: HashMap<&str, &Card> = cards.iter().map(|c| (c.node.id(), c)).collect();
    for edge in &document.edges {
        let (Some((from, _)), Some((to, port))) =
            (edge.from.rsplit_once('.'), edge.to.rsplit_once('.'))
        else {
            continue;
        };
        let (Some(source), Some(target)) = (by_id.get(from), by_id.get(to)) else {
            continue;
        };
        // A merge's ports `in0`, `in1`, … arrive one below the other.
        let port_index = port
            .strip_prefix("in")
            .and_then(|n| n.parse::<u16>().ok())
            .unwrap_or(0);
        let (x1, y1) = (source.x + source.width, source.y + TITLE / 2.0);
        let (x2, y2) = (
            target.x,
            target.y + TITLE / 2.0 + f32::from(port_index) * PORT_GAP,
        );
        // Forward wires bend halfway; a wire back to an earlier column (a graph laid out
        // in rows) leaves and arrives with a short fixed bend, staying inside the picture.
        let bend = if x2 >= x1 {
            ((x2 - x1) / 2.0).max(40.0)
        } else {
            BACK_BEND
        };
        let _ = writeln!(
            svg,
            r#"  <path d="M {x1:.1} {y1:.1} C {:.1} {y1:.1}, {:.1} {y2:.1}, {x2:.1} {y2:.1}" fill="none" stroke="{wire}" stroke-width="2"/>"#,
            x1 + bend,
            x2 - bend
        );
    }
    for card in &cards {
        let accent = theme::node_accent(colour_of(card.node));
        let accent = format!("#{:02x}{:02x}{:02x}", accent.r(), accent.g(), accent.b());
        let (x, y) = (card.x, card.y);
        let _ = writeln!(svg, r#"  <g id="node-{}">"#, escape(card.node.id()));
        let _ = writeln!(
            svg,
            r#"    <rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{card_fill}" stroke="{border}"/>"#,
            card.width, card.height
        );
        let _ = writeln!(
            svg,
            r#"    <rect x="{:.1}" y="{:.1}" width="10" height="10" rx="2" fill="{accent}"/>"#,
            x + 10.0,
            y + 8.0
        );
        let _ = writeln!(
            svg,
            r#"    <text x="{:.1}" y="{:.1}" font-size="{}" font-weight="bold" fill="{text}">{}<tspan dx="8" fill="{weak}" font-weight="normal">{}</tspan></text>"#,
            x + 26.0,
            y + 17.5,
            TEXT + 1.0,
            escape(card.node.id()),
            card.node.kind_name()
        );
        for (index, line) in card.lines.iter().enumerate() {
            let _ = writeln!(
                svg,
                r#"    <text x="{:.1}" y="{:.1}" font-size="{TEXT}" fill="{text}">{}</text>"#,
                x + 10.0,
                y + TITLE + LINE * (index as f32 + 0.75),
                escape(line)
            );
        }
        let _ = writeln!(
            svg,
            r#"    <text x="{:.1}" y="{:.1}" font-size="{TEXT}" font-family="monospace" fill="{weak}">{}</text>"#,
            x + 10.0,
            y + TITLE + LINE * (card.lines.len() as f32 + 0.75),
            escape(&card.shape)
        );
        let _ = writeln!(svg, "  </g>");
    }
    svg.push_str("</svg>\n");
    svg
}

/// "input → hidden → output", for the SVG's title.
fn diagram_title(document: &GraphDocument) -> String {
    let ids: Vec<&str> = document.nodes.iter().map(Node::id).collect();
    format!("Layerwright network: {}", ids.join(", "))
}

/// The document's card positions when it has one for every node, otherwise columns by
/// depth (220 apart), the nodes of a column 120 apart in document order.
fn layout(document: &GraphDocument) -> HashMap<String, [f32; 2]> {
    if let Some(saved) = document.view.as_ref().map(|v| &v.positions)
        && !document.nodes.is_empty()
        && document.nodes.iter().all(|n| saved.contains_key(n.id()))
    {
        return saved.iter().map(|(id, p)| (id.clone(), *p)).collect();
    }
    let mut depth: HashMap<&str, usize> = document.nodes.iter().map(|n| (n.id(), 0)).collect();
    // Longest path from a source: relax the edges as many times as there are nodes (a
    // cycle, which the document check refuses anyway, stops there).
    for _ in 0..document.nodes.len() {
        let mut changed = false;
        for edge in &document.edges {
            let (Some((from, _)), Some((to, _))) =
                (edge.from.rsplit_once('.'), edge.to.rsplit_once('.'))
            else {
                continue;
            };
            let Some(&d) = depth.get(from) else { continue };
            if let Some(target) = depth.get_mut(to)
                && *target < d + 1
            {
                *target = d + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut in_column: HashMap<usize, usize> = HashMap::new();
    document
        .nodes
        .iter()
        .map(|n| {
            let column = depth.get(n.id()).copied().unwrap_or(0);
            let row = in_column.entry(column).or_insert(0);
            let position = [column as f32 * 220.0, *row as f32 * 120.0];
            *row += 1;
            (n.id().to_owned(), position)
        })
        .collect()
}

/// `text` with XML's special characters escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The SVG as PNG at `scale` (2 doubles every side), with the window's fonts for
/// `sans-serif` and `monospace`.
pub fn diagram_png(svg: &str, scale: f32) -> Result<Vec<u8>, DiagramError> {
    use resvg::{tiny_skia, usvg};
    let mut fonts = usvg::fontdb::Database::new();
    let definitions = egui::FontDefinitions::default();
    for (family, name) in [
        (egui::FontFamily::Proportional, "sans-serif"),
        (egui::FontFamily::Monospace, "monospace"),
    ] {
        let Some(first) = definitions.families.get(&family).and_then(|f| f.first()) else {
            continue;
        };
        let Some(data) = definitions.font_data.get(first) else {
            continue;
        };
        let before = fonts.len();
        fonts.load_font_data(data.font.to_vec());
        let loaded = fonts
            .faces()
            .nth(before)
            .and_then(|face| face.families.first());
        if let Some((loaded_name, _)) = loaded {
            let loaded_name = loaded_name.clone();
            match name {
                "monospace" => fonts.set_monospace_family(loaded_name),
                _ => fonts.set_sans_serif_family(loaded_name),
            }
        }
    }
    let options = usvg::Options {
        fontdb: std::sync::Arc::new(fonts),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| DiagramError::Svg(e.to_string()))?;
    let size = tree.size();
    let (width, height) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let too_large = u64::from(width) * u64::from(height) > 100_000_000;
    let mut pixmap = (!too_large)
        .then(|| tiny_skia::Pixmap::new(width, height))
        .flatten()
        .ok_or(DiagramError::Size {
            width,
            height,
            scale,
        })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| DiagramError::Png(e.to_string()))
}
