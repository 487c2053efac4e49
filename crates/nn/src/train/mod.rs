//! Learning: the training settings (`config`), the update rules (`optimizers`), epochs,
//! batches and evaluation (`training`), the confusion matrix, ROC curve and regression
//! errors (`metrics`), and which inputs matter (`importance`).

pub mod config;
pub mod importance;
pub mod metrics;
pub mod optimizers;
pub mod training;
