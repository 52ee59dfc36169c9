"""``python -m fake_assistants serve ...``: the same command line as ``fake-assistants``."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
