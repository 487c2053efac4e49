//! The inspector's fields for the image nodes: a convolution's filters, kernel, stride,
//! padding, activation and initializer; a pooling's window and stride.

use layerwright_nn::graph::{Conv2DNode, Padding, PoolNode};

use super::inspector::{activation_ui, initializer_ui, labelled};

/// A whole number from `range` in a labelled field; true when changed.
fn count_ui(
    ui: &mut egui::Ui,
    label: &str,
    tooltip: &str,
    value: &mut usize,
    range: std::ops::RangeInclusive<usize>,
) -> bool {
    labelled(ui, label, tooltip, |ui| {
        ui.add(egui::DragValue::new(value).range(range).speed(0.1))
    })
    .changed()
}

/// A convolution's fields; the name of the field changed, if any.
pub(super) fn conv_ui(ui: &mut egui::Ui, conv: &mut Conv2DNode) -> Option<&'static str> {
    let mut changed = None;
    if count_ui(
        ui,
        "Filters",
        "Output channels: each filter makes one feature map.",
        &mut conv.filters,
        1..=256,
    ) {
        changed = Some("filters");
    }
    if count_ui(
        ui,
        "Kernel rows",
        "The filter's height in pixels.",
        &mut conv.kernel[0],
        1..=15,
    ) {
        changed = Some("kernel");
    }
    if count_ui(
        ui,
        "Kernel columns",
        "The filter's width in pixels.",
        &mut conv.kernel[1],
        1..=15,
    ) {
        changed = Some("kernel");
    }
    if count_ui(
        ui,
        "Stride",
        "How many pixels the filter moves between positions; output size ⌊(in + pads − kernel)/stride⌋ + 1.",
        &mut conv.stride,
        1..=8,
    ) {
        changed = Some("stride");
    }
    let before = conv.padding;
    labelled(
        ui,
        "Padding",
        "Zeros around the image: none (valid), enough for an output as large as the input \
         (same, stride 1 only), or given per side.",
        |ui| {
            egui::ComboBox::from_id_salt("padding")
                .selected_text(match conv.padding {
                    Padding::Valid => "valid",
                    Padding::Same => "same",
                    Padding::Explicit { .. } => "explicit",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut conv.padding, Padding::Valid, "valid");
                    ui.selectable_value(&mut conv.padding, Padding::Same, "same");
                    if ui
                        .selectable_label(
                            matches!(conv.padding, Padding::Explicit { .. }),
                            "explicit",
                        )
                        .clicked()
                        && !matches!(conv.padding, Padding::Explicit { .. })
                    {
                        conv.padding = Padding::Explicit {
                            top: 1,
                            left: 1,
                            bottom: 1,
                            right: 1,
                        };
                    }
                })
                .response
        },
    );
    if let Padding::Explicit {
        top,
        left,
        bottom,
        right,
    } = &mut conv.padding
    {
        for (label, value) in [
            ("Top", top),
            ("Left", left),
            ("Bottom", bottom),
            ("Right", right),
        ] {
            count_ui(
                ui,
                label,
                "Rows or columns of zeros on this side.",
                value,
                0..=8,
            );
        }
    }
    if conv.padding != before {
        changed = Some("padding");
    }
    if activation_ui(ui, &mut conv.activation) {
        changed = Some("activation");
    }
    if initializer_ui(ui, &mut conv.initializer) {
        changed = Some("initializer");
    }
    if ui
        .checkbox(&mut conv.use_bias, "Bias")
        .on_hover_text("Add one b per filter.")
        .changed()
    {
        changed = Some("use_bias");
    }
    changed
}

/// A pooling's fields; the name of the field changed, if any.
pub(super) fn pool_ui(ui: &mut egui::Ui, pool: &mut PoolNode) -> Option<&'static str> {
    let mut changed = None;
    if count_ui(
        ui,
        "Window rows",
        "The window's height.",
        &mut pool.size[0],
        1..=8,
    ) {
        changed = Some("size");
    }
    if count_ui(
        ui,
        "Window columns",
        "The window's width.",
        &mut pool.size[1],
        1..=8,
    ) {
        changed = Some("size");
    }
    let mut stride = pool.stride();
    if count_ui(
        ui,
        "Stride",
        "How far the window moves; the window's rows unless set.",
        &mut stride,
        1..=8,
    ) {
        pool.stride = Some(stride);
        changed = Some("stride");
    }
    changed
}
