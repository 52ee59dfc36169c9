"""Tests of frontdoor."""
