"""The Textual application: the app shell, its screens and widgets."""
