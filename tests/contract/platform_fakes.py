"""The rest of the platform for :mod:`tests.contract.serve`: one gRPC fake that serves every gRPC source's
calls (the demo's reservations, Dataproc, Dataflow and budgets, and the estates of fake_pubsub.py,
fake_composer.py, fake_dataplex.py and fake_datafusion.py, Monitoring series included), Vertex AI's REST
fake, and the demo's billing export on the BigQuery fake, so that ``gcpdash`` can run by hand against
every source at once.

The plugin sources' estates are the ones their contract tests use, dated 2026-12-07 10:00 UTC.
"""

from __future__ import annotations

from typing import Any

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.dataquality.model import LIST_DATA_SCAN_JOBS

from .fake_grpc import FakeGrpcServer, demo_polls, request_key
from .fake_recorded import BILLING_ACCOUNT, BILLING_TABLE

GRPC_PLUGINS = ("pubsub", "composer", "dataquality", "datafusion")
"""The registered sources this module's gRPC fake serves (Vertex AI is REST: :func:`vertex_fake`)."""


def budgets() -> list[Exchange]:
    """The demo's first ``ListBudgets`` answer."""
    first = next(iter(demo_polls("billing")))
    return [ex for ex in first.exchanges if ex.method == fmt.BUDGETS_LIST_BUDGETS]


def plugin_exchanges() -> list[Exchange]:
    """One poll of each gRPC plugin's estate."""
    from . import fake_composer, fake_datafusion, fake_dataplex, fake_pubsub

    return [
        *fake_pubsub.world(),
        *fake_composer.world(),
        *fake_dataplex.world(),
        *fake_datafusion.world(),
    ]


class PlatformGrpcServer(FakeGrpcServer):
    """:class:`FakeGrpcServer` that also knows the plugins' RPCs (Pub/Sub, Composer, Dataplex, Data
    Fusion). A scan's jobs are matched without their ``filter``: it names a moment two days before each
    poll, and the estate's answer is the same whatever the moment."""

    def _key(self, method: str, request: dict[str, Any]) -> str:
        if method == LIST_DATA_SCAN_JOBS:
            request = {k: v for k, v in request.items() if k != "filter"}
        return request_key(method, request)

    def _register(self) -> None:
        from .fake_composer import composer_classes
        from .fake_datafusion import datafusion_classes
        from .fake_dataplex import dataplex_classes
        from .fake_pubsub import pubsub_classes

        classes: dict[str, tuple[Any, Any]] = {}
        for more in (pubsub_classes(), composer_classes(), dataplex_classes(), datafusion_classes()):
            classes.update(more)
        self._classes = classes
        super()._register()


def vertex_fake() -> Any:
    """Vertex AI's REST fake (tests/contract/fake_vertex.py), not yet started."""
    from .fake_vertex import FakeVertex

    return FakeVertex()


def config_lines(grpc_address: str, vertex_url: str) -> list[str]:
    """The config's ``[billing]`` and each plugin source's ``endpoint``."""
    lines = ["[billing]", f'export_table = "{BILLING_TABLE}"', f'billing_account = "{BILLING_ACCOUNT}"', ""]
    for name in GRPC_PLUGINS:
        lines += [f"[sources.{name}]", f'endpoint = "{grpc_address}"', ""]
    return [*lines, "[sources.vertex]", f'endpoint = "{vertex_url}"', ""]
