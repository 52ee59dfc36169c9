"""Tests of script."""
