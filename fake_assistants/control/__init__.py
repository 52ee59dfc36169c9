"""The control plane: the control API under ``/__fake__`` (``handler``), who may use it (``access``), what one tenant
sees of the state (``tenant``), and the inspector's pages (``inspector/``). Transports reach it only through the
front door."""
