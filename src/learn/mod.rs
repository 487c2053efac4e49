//! The teaching windows beside the network editor: the computational-graph mode, the
//! lessons, the activation gallery, stepping one example through, the gradient check.

pub mod expression;
pub mod gallery;
pub mod lessons;
pub mod step_through;
