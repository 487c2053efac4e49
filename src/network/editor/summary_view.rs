//! The inspector's Summary tab: the compiled graph's model summary (a row per node with its
//! kind, output shape, activation and learned parameters, as Keras and torchinfo print
//! them), and a button copying it as the text `layerwright summary` prints.

use layerwright_nn::compile::ModelSummary;

/// Which page the inspector shows when no node is selected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GraphTab {
    /// The data, the parameter count and the graph's problems.
    #[default]
    Overview,
    /// The model summary.
    Summary,
}

impl GraphTab {
    /// The tab chosen in this window (kept in egui's memory, not in the document).
    pub fn chosen(ui: &egui::Ui) -> Self {
        ui.data(|d| d.get_temp(Self::memory_id()).unwrap_or_default())
    }

    /// Draws the tab row and remembers the choice; returns the tab to show.
    pub fn tabs_ui(ui: &mut egui::Ui) -> Self {
        let mut chosen = Self::chosen(ui);
        ui.horizontal(|ui| {
            ui.selectable_value(&mut chosen, Self::Overview, "Overview")
                .on_hover_text("The data, the number of trainable parameters and any problems.");
            ui.selectable_value(&mut chosen, Self::Summary, "Summary")
                .on_hover_text(
                    "A row per node: kind, output shape, activation and the parameters it learns.",
                );
        });
        ui.data_mut(|d| d.insert_temp(Self::memory_id(), chosen));
        chosen
    }

    fn memory_id() -> egui::Id {
        egui::Id::new("inspector-graph-tab")
    }
}

/// The summary as a table, or why there is none.
pub fn summary_ui(ui: &mut egui::Ui, summary: Option<&ModelSummary>) {
    let Some(summary) = summary else {
        ui.weak("The summary appears once the graph compiles: see Overview for what stops it.");
        return;
    };
    egui::ScrollArea::both()
        .id_salt("model-summary")
        .max_height(ui.available_height() - 40.0)
        .show(ui, |ui| {
            egui::Grid::new("model-summary-grid")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    let headers = [
                        ("Node", "The node's id."),
                        ("Kind", "What the node computes, as documents name it."),
                        ("Shape", "Each example's output: [n] values, or [c, h, w] for an image."),
                        ("Activation", "The activation it applies (for the output, its output function)."),
                        ("Params", "The parameters it learns (a batch norm's running statistics are kept, not learned)."),
                    ];
                    for (header, tooltip) in headers {
                        ui.label(egui::RichText::new(header).small().strong())
                            .on_hover_text(tooltip);
                    }
                    ui.end_row();
                    for row in &summary.rows {
                        let per_example = row.shape.replacen("batch, ", "", 1);
                        ui.label(egui::RichText::new(&row.id).small());
                        ui.label(egui::RichText::new(row.kind).small());
                        ui.label(egui::RichText::new(per_example).small());
                        ui.label(egui::RichText::new(row.activation.unwrap_or("–")).small());
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(egui::RichText::new(row.parameters.to_string()).small());
                        });
                        ui.end_row();
                    }
                });
        });
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong(format!("Total: {} parameters", summary.total_parameters()));
        if ui
            .button("Copy")
            .on_hover_text("Copy the summary as text (as `layerwright summary` prints it).")
            .clicked()
        {
            ui.ctx().copy_text(summary.to_text());
        }
    });
}
