"""A real HTTP server that speaks Ollama's API, for --demo and the integration tests."""
