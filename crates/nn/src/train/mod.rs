//! Learning: the training settings (`config`), the update rules (`optimizers`), epochs,
//! batches and evaluation (`training`), the run-time choice of precision (`session`), the confusion matrix, ROC curve and regression
//! errors (`metrics`), which inputs matter (`importance`), learning-rate schedules
//! (`schedule`), early stopping (`early_stopping`) and what gradients and units do while
//! learning (`dynamics`).

pub mod config;
pub mod dynamics;
pub mod early_stopping;
pub mod importance;
pub mod metrics;
pub mod optimizers;
pub mod profile;
pub mod schedule;
pub mod session;
pub mod training;
