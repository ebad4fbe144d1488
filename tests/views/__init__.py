"""Tests of the views: formatting, tables, panes."""
