//! A network as the engine runs it: its structure and parameters (`architecture`), the
//! forward pass and back-propagation (`model`), and a trained model predicting from raw
//! rows (`inference`).

pub mod architecture;
pub mod convolution;
pub mod inference;
pub mod model;
pub mod normalization;
