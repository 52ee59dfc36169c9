"""Request models and their validation: what a request may say, checked before any state is touched."""
