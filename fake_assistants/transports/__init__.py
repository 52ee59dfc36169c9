"""Transports: thin adapters between an HTTP library and the router."""
