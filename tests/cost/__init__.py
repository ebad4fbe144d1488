"""Tests of prices and cost estimates."""
