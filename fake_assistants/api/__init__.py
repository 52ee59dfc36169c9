"""The HTTP-free API layer: routes, request models, validation, serialization."""
