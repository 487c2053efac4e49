//! The training panel's views that judge the model: the confusion matrix with each class's
//! scores and, for two classes, the ROC curve and its threshold; and which inputs matter.

use std::sync::Arc;

use super::panel::TrainingPanel;
use crate::network::snapshot::RocView;
use crate::network::views::class_metrics::{class_scores_ui, roc_ui};
use crate::network::views::confusion::{confusion_min_width, confusion_ui};

/// The narrowest the class-scores table is drawn beside the matrix, in points.
const CLASS_SCORES_WIDTH: f32 = 250.0;

impl TrainingPanel {
    pub(super) fn confusion_view_ui(&mut self, ui: &mut egui::Ui) {
        let has_test = self.data.views.confusion_test.is_some();
        ui.horizontal(|ui| {
            ui.label("Split");
            ui.selectable_value(&mut self.choices.confusion_on_test, false, "Training");
            ui.add_enabled_ui(has_test, |ui| {
                ui.selectable_value(&mut self.choices.confusion_on_test, true, "Test")
                    .on_disabled_hover_text("This data set has no test split.");
            });
        });
        let Some(model_matrix) = self.confusion().cloned() else {
            ui.weak("The matrix appears once the trainer reports.");
            return;
        };
        let roc = self.roc().cloned();
        let names = self.data.class_names.clone();
        let width = ui.available_width();
        let matrix_width = confusion_min_width(ui, model_matrix.classes(), &names);
        let right_width = match roc {
            Some(_) => (width * 0.42).max(220.0),
            None => (width - matrix_width - 12.0).min(width * 0.5),
        };
        if roc.is_none() && right_width < CLASS_SCORES_WIDTH {
            // Too narrow for both: one at a time.
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.choices.class_scores_instead, false, "Matrix");
                ui.selectable_value(&mut self.choices.class_scores_instead, true, "Class scores")
                    .on_hover_text("Each class's precision, recall and F1.");
            });
            if self.choices.class_scores_instead {
                class_scores_ui(ui, &model_matrix, &names);
            } else {
                confusion_ui(ui, &model_matrix, &names);
            }
            return;
        }
        let height = ui.available_height();
        let threshold = &mut self.choices.threshold;
        let left = ui.cursor().min;
        let area = |min: egui::Pos2, width: f32| {
            egui::UiBuilder::new()
                .max_rect(egui::Rect::from_min_size(min, egui::vec2(width, height)))
        };
        // On the right the ROC curve (two classes), which decides the matrix shown, or the
        // scores; on the left the matrix, with the scores under it when the ROC is beside.
        let mut shown = model_matrix;
        ui.scope_builder(
            area(left + egui::vec2(width - right_width, 0.0), right_width),
            |ui| match &roc {
                Some(roc) => {
                    if let Some(at_threshold) = roc_ui(ui, roc, threshold) {
                        shown = at_threshold;
                    }
                }
                None => class_scores_ui(ui, &shown, &names),
            },
        );
        ui.scope_builder(area(left, width - right_width - 12.0), |ui| {
            confusion_ui(ui, &shown, &names);
            if roc.is_some() {
                ui.separator();
                class_scores_ui(ui, &shown, &names);
            }
        });
    }

    pub(super) fn importance_view_ui(&mut self, ui: &mut egui::Ui) {
        if !self.importance.ui(ui, self.data.task) {
            return;
        }
        let (Some(graph), Some(dataset)) = (&self.data.graph, &self.data.dataset) else {
            return;
        };
        // The latest weights the trainer sent; a network too large to send them is measured
        // as the run started.
        let (parameters, epoch) = match self.run.parameters().filter(|p| graph.architecture.fits(p))
        {
            Some(latest) => (latest.clone(), self.run.epochs()),
            None => (graph.initial.clone(), 0),
        };
        self.importance.start(
            ui.ctx(),
            Arc::clone(graph),
            Arc::clone(dataset),
            parameters,
            epoch,
        );
    }

    /// The threshold moved along the ROC curve, if the person moved it (a view only).
    pub fn threshold(&self) -> Option<f64> {
        self.choices.threshold
    }

    /// The ROC curve on the chosen split (two classes).
    pub fn roc(&self) -> Option<&RocView> {
        let views = &self.data.views;
        if self.choices.confusion_on_test && views.roc_test.is_some() {
            views.roc_test.as_ref()
        } else {
            views.roc_train.as_ref()
        }
    }
}
