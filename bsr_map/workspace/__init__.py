"""The open document: what is open, its lock, undo stack, unsaved state, saving and recovery."""
