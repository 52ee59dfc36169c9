import os

pytest_plugins = ["pytester"]

# Our own suite runs every emulator with validate_responses on: a response that drifts from the contract fails.
os.environ.setdefault("FAKE_ASSISTANTS_VALIDATE_RESPONSES", "1")
