"""Services that do I/O for the app, the command line and the web API: the per-host
session, the fleet, the registry, history, config, transfers. No Textual."""
