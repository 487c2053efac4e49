//! The editor's share of the command table: edits to the document and the actions that
//! act on the selection (delete, copy, paste, duplicate, connect, select next), each one
//! undoable step. Whatever an edit adds becomes the selection, so the next key acts on it.

use crate::commands::Action;
use crate::document::graph::Edit;

use super::Editor;

/// How far pasted nodes are shifted from the originals, in canvas units.
const PASTE_OFFSET: [f32; 2] = [40.0, 40.0];

impl Editor {
    /// Applies `edit`; a refused edit is said by the pointer.
    pub fn apply_edit(&mut self, ctx: &egui::Context, edit: Edit) {
        self.selecting_what_is_added(ctx, |editor| editor.document.apply(edit));
    }

    /// Carries out one of the editor's actions (the others do nothing here).
    pub fn apply_action(&mut self, ctx: &egui::Context, action: Action) {
        self.selecting_what_is_added(ctx, |editor| match action {
            Action::Undo => {
                editor.document.undo();
                Ok(())
            }
            Action::Redo => {
                editor.document.redo();
                Ok(())
            }
            Action::Delete if !editor.selected.is_empty() => editor
                .document
                .apply(Edit::DeleteNodes(editor.selected.clone())),
            Action::Copy if !editor.selected.is_empty() => {
                editor.clipboard = editor.document.copy(&editor.selected);
                Ok(())
            }
            Action::Paste if !editor.clipboard.nodes.is_empty() => {
                let clip = editor.clipboard.clone();
                editor.document.apply(Edit::Paste {
                    clip,
                    offset: PASTE_OFFSET,
                })
            }
            Action::Duplicate if !editor.selected.is_empty() => {
                let clip = editor.document.copy(&editor.selected);
                editor.document.apply(Edit::Paste {
                    clip,
                    offset: PASTE_OFFSET,
                })
            }
            Action::FitView => {
                editor.request_fit();
                Ok(())
            }
            Action::AddNode => {
                editor.open_add_menu();
                Ok(())
            }
            Action::ConnectSelected => match editor.selected.as_slice() {
                [from, to, ..] => editor.document.apply(Edit::Connect {
                    from: from.clone(),
                    to: to.clone(),
                    port: "in+".to_owned(),
                }),
                _ => {
                    editor.notify(
                        ctx,
                        "Select two nodes (click, then Shift+click) to connect them.".to_owned(),
                        None,
                    );
                    Ok(())
                }
            },
            Action::SelectNext | Action::SelectPrevious => {
                editor.select_neighbour(action == Action::SelectNext);
                Ok(())
            }
            // Not the editor's, or nothing selected to act on.
            _ => Ok(()),
        });
    }

    /// Selects the node after (or before) the last selected one, in the document's order.
    fn select_neighbour(&mut self, forward: bool) {
        let ids = self.document.node_ids();
        let count = ids.len().max(1);
        let current = self
            .selected
            .last()
            .and_then(|s| ids.iter().position(|i| i == s));
        let next = match (forward, current) {
            (_, None) => 0,
            (true, Some(i)) => (i + 1) % count,
            (false, Some(i)) => (i + count - 1) % count,
        };
        self.selected = ids.get(next).cloned().into_iter().collect();
    }

    /// Runs `change`; the nodes it added become the selection, and a refusal is said by
    /// the pointer.
    fn selecting_what_is_added(
        &mut self,
        ctx: &egui::Context,
        change: impl FnOnce(&mut Self) -> Result<(), crate::document::graph::EditError>,
    ) {
        let before = self.document.node_ids();
        let result = change(self);
        let added: Vec<String> = self
            .document
            .node_ids()
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect();
        match result {
            Ok(()) if !added.is_empty() => self.selected = added,
            Ok(()) => {}
            Err(error) => self.notify(ctx, format!("Refused: {error}"), None),
        }
    }
}
