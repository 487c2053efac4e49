//! The "Try it" view of the training panel: the inputs or the pad, the trainer's answer, and
//! test images opened there.

use super::panel::TrainingPanel;
use crate::network::snapshot::ProbeValues;
use crate::network::views::View;
use crate::network::views::try_it::TryItData;

impl TrainingPanel {
    /// The trainer's latest answer for the person's row ("Try it").
    pub fn probe(&self) -> Option<&ProbeValues> {
        self.data.probe.as_ref()
    }

    /// Opens the test split's example at `position` in "Try it" (the pad, for images).
    pub fn open_test_row(&mut self, position: usize) {
        let (Some(dataset), Some(graph)) = (&self.data.dataset, &self.data.graph) else {
            return;
        };
        let Some(&index) = graph.data.test_indices.get(position) else {
            return;
        };
        self.try_it.open_row(dataset, index);
        if let Some(row) = self.try_it.row() {
            self.run.set_probe(row);
        }
        self.choices.view = View::TryIt;
    }

    /// The row picker, the inputs (or the pad) and the answer; a change goes to the trainer.
    pub(super) fn try_it_view_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(dataset) = self.data.dataset.clone() {
            let test_rows = self
                .data
                .graph
                .as_ref()
                .map_or(&[][..], |graph| graph.data.test_indices.as_slice());
            let data = TryItData {
                dataset: &dataset,
                task: self.data.task,
                class_names: &self.data.class_names,
                test_rows,
            };
            if self.try_it.ui(ui, &data, self.data.probe.as_ref())
                && let Some(row) = self.try_it.row()
            {
                self.run.set_probe(row);
            }
        }
    }
}
