"""The examiner: the interview graph, its persistence, and the faces that drive it (CLI, TUI)."""
