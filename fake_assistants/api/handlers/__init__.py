"""Request handlers, one module per resource family."""
