"""Tests of the gcpdash command line."""
