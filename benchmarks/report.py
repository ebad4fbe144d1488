"""A plain table of benchmark figures."""

from __future__ import annotations

import platform


class Table:
    """Rows of (what, figure, detail, budget), printed aligned."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, figure: str, detail: str, budget: str) -> None:
        """Add one measurement."""
        self.rows.append((what, figure, detail, budget))
        print(f"  {what}: {figure}  {detail}", flush=True)

    def print(self) -> None:
        """Print the table with a header naming the machine."""
        print(
            f"\ngcpdash benchmarks on {platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}"
        )
        headers = ("measure", "figure", "detail", "budget")
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) for i, h in enumerate(headers)]
        for row in (headers, *self.rows):
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
