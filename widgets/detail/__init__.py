"""Detail screens: a BigQuery job, a reservation, a cluster, a Dataflow job, a raw payload, the help."""

from __future__ import annotations
