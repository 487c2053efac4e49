//! Learning: the training settings (`config`), the update rules (`optimizers`), epochs,
//! batches and evaluation (`training`), and the confusion matrix (`metrics`).

pub mod config;
pub mod metrics;
pub mod optimizers;
pub mod training;
