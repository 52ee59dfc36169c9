"""Lexical search, pure: bytes and text in, chunks and scores out (no state).

Read :mod:`.chunking` for how files become chunks, :mod:`.bm25` for the scores and :mod:`.filters` for the attribute
filters. How they combine over a backend's vector stores is :mod:`fake_assistants.backend.search_index`.
"""
