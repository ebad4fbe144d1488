"""Tests of the --once reports: text, JSON (and its schema), Markdown."""
