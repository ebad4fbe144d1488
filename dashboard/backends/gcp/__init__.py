"""The live backend: Google's own client libraries, imported lazily and only in this package.

Each source's fetch (:mod:`~dashboard.sources.jobs.api` for jobs, the ``grpc_*`` modules for the rest)
reads the APIs once and returns the exchanges a recording would hold (docs/recording.md); the live backend
(:mod:`~dashboard.backends.gcp.live`) parses them with the same parsers a replay uses. Every fetch takes a
:class:`~dashboard.backends.gcp.context.FetchContext`: the config, the resolved projects, credentials and
clients, created on first use.
"""

from __future__ import annotations
