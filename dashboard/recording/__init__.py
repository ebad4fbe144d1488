"""Recordings: what the Google APIs returned, page by page, poll by poll (docs/recording.md)."""
