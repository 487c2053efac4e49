//! The teaching windows beside the network editor: the computational-graph mode, the
//! lessons, the activation gallery, stepping one example through, the gradient check.
//! Each draws itself and returns commands; the slow ones compute on worker threads.

pub mod expression;
pub mod gallery;
pub mod gradient_check;
pub mod lessons;
pub mod step_through;

use std::sync::Arc;

use layerwright_nn::ParameterSet;

use crate::commands::Command;
use crate::network::compiled::Compiled;

/// The learning windows and the open lesson.
#[derive(Default)]
pub struct LearnWindows {
    /// The activation gallery window.
    pub gallery: gallery::Gallery,
    /// Stepping one example through the network.
    pub step_through: step_through::StepThrough,
    /// The gradient check's window and the check under way.
    pub gradient_check: gradient_check::GradientCheckWindow,
    /// The open lesson's side panel.
    pub lesson: Option<lessons::LessonPanel>,
}

impl LearnWindows {
    /// The floating windows (gallery, step-through, gradient check); the step-through
    /// computes its pass from `compiled` with `parameters` when it needs one.
    pub fn windows_ui(
        &mut self,
        ctx: &egui::Context,
        compiled: Option<&Arc<Compiled>>,
        parameters: Option<&ParameterSet<f64>>,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        self.gallery.ui(ctx);
        self.step_through.update(ctx, compiled, parameters);
        commands.extend(self.step_through.ui(ctx));
        self.gradient_check.update(ctx, compiled, parameters);
        commands.extend(self.gradient_check.ui(ctx));
        commands
    }

    /// The open lesson's side panel, left of the network mode's panels.
    pub fn lesson_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let Some(panel) = &mut self.lesson else {
            return Vec::new();
        };
        egui::Panel::left("lesson")
            .resizable(true)
            .default_size(340.0)
            .min_size(240.0)
            .show(ui, |ui| panel.ui(ui))
            .inner
    }
}
