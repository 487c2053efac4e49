//! One undo history for both editors (the network's and the computational graph's): whole
//! document snapshots, at most [`HISTORY_LIMIT`] steps, with gestures (dragging one value)
//! kept as one step until they end, and a revision number that changes with every change.

use std::collections::VecDeque;

/// The most undo steps kept; older ones are forgotten.
pub const HISTORY_LIMIT: usize = 200;

/// A document `D` being edited with its undo and redo stacks.
#[derive(Clone, Debug)]
pub struct History<D> {
    document: D,
    undo: VecDeque<D>,
    redo: Vec<D>,
    /// The gesture the last change belongs to, while it goes on.
    open_gesture: Option<String>,
    revision: u64,
}

impl<D: Clone + PartialEq> History<D> {
    /// Starts editing `document` with an empty history, at revision 0.
    pub fn new(document: D) -> Self {
        Self {
            document,
            undo: VecDeque::new(),
            redo: Vec::new(),
            open_gesture: None,
            revision: 0,
        }
    }

    /// The document as it is now.
    pub fn document(&self) -> &D {
        &self.document
    }

    /// Changes with every change, undo and redo.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// How many steps can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Ends the current gesture: the next change is a new undo step.
    pub fn end_gesture(&mut self) {
        self.open_gesture = None;
    }

    /// Makes `next` the document: a new undo step, unless it continues the open `gesture`
    /// (the same named gesture as the change before, not yet ended). A change that changes
    /// nothing is no step. Returns whether the document changed.
    pub fn change(&mut self, next: D, gesture: Option<String>) -> bool {
        if next == self.document {
            return false;
        }
        let continues = gesture.is_some() && gesture == self.open_gesture;
        let previous = std::mem::replace(&mut self.document, next);
        if !continues {
            self.undo.push_back(previous);
            if self.undo.len() > HISTORY_LIMIT {
                self.undo.pop_front();
            }
        }
        self.open_gesture = gesture;
        self.redo.clear();
        self.revision += 1;
        true
    }

    /// Goes back one step (ending any open gesture); false when there is none.
    pub fn undo(&mut self) -> bool {
        self.open_gesture = None;
        let Some(previous) = self.undo.pop_back() else {
            return false;
        };
        self.redo
            .push(std::mem::replace(&mut self.document, previous));
        self.revision += 1;
        true
    }

    /// Goes forward one undone step (ending any open gesture); false when there is none.
    pub fn redo(&mut self) -> bool {
        self.open_gesture = None;
        let Some(next) = self.redo.pop() else {
            return false;
        };
        self.undo
            .push_back(std::mem::replace(&mut self.document, next));
        self.revision += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gesture_is_one_step_and_undo_closes_it() {
        let mut history = History::new(0);
        assert!(history.change(1, Some("drag".to_owned())));
        assert!(history.change(2, Some("drag".to_owned())));
        assert_eq!(history.undo_len(), 1, "one drag, one step");
        assert!(history.undo());
        assert_eq!(*history.document(), 0);
        // The drag goes on after the undo: it is a new step, not part of the undone one.
        assert!(history.change(3, Some("drag".to_owned())));
        assert_eq!(history.undo_len(), 1);
        assert!(history.undo());
        assert_eq!(*history.document(), 0);
        assert!(history.redo());
        assert_eq!(*history.document(), 3);
    }

    #[test]
    fn the_history_keeps_the_latest_steps_only() {
        let mut history = History::new(0);
        for value in 1..=(HISTORY_LIMIT + 50) {
            history.change(value, None);
        }
        assert_eq!(history.undo_len(), HISTORY_LIMIT);
        while history.undo() {}
        assert_eq!(
            *history.document(),
            50,
            "the oldest 50 steps were forgotten"
        );
    }

    #[test]
    fn a_change_to_the_same_value_is_no_step_and_every_change_is_a_revision() {
        let mut history = History::new(7);
        assert!(!history.change(7, None));
        assert_eq!(history.revision(), 0);
        history.change(8, None);
        history.undo();
        history.redo();
        assert_eq!(history.revision(), 3);
    }
}
