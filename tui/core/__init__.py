"""Pure model facts and rules: no I/O, no Textual, no httpx."""
