"""The run engine: lifecycle table, progression policies and token counting."""
