"""``python -m fake_assistants COMMAND ...``: the same command line as ``fake-assistants`` (``--help`` lists it)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
