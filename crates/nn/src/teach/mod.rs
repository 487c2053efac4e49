//! What the app teaches with beside training: scalar computational graphs (`autograd`),
//! lessons (`lesson`), one example stepped through a network (`step_through`), the gradient
//! check against finite differences, and the loss surface of a one-weight network.

pub mod autograd;
pub mod gradient_check;
pub mod lesson;
pub mod loss_surface;
pub mod step_through;
