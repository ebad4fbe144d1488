"""The reports' hooks on the built-in sources' specs: each names something that exists, in the source's own
package, and the shells show the sources in the registry's order."""

from __future__ import annotations

from views.factory import snapshot

from dashboard import registry
from dashboard.report.markdown import render_markdown
from dashboard.views.states import look_of

HOOKS = ("report", "markdown", "running", "overview_fields", "state_look", "state_tables")


def test_every_hook_of_a_built_in_resolves_in_its_own_package() -> None:
    for spec in registry.sources():
        if not spec.builtin:
            continue
        for hook in HOOKS:
            path = getattr(spec, hook)
            if not path:
                continue
            assert path.startswith(f"dashboard.sources.{spec.name}."), (spec.name, hook, path)
            assert spec.report_hook(path) is not None


def test_the_four_sections_in_the_registrys_order() -> None:
    text = render_markdown(snapshot())
    # jobs, reservations, dataproc, dataflow as registry.BUILT_IN orders them (Markdown escapes the &);
    # billing has no section of its own (its bill is in Cost, after them)
    headings = ["## BigQuery jobs", "## Slots \\& reservations", "## Dataproc", "## Dataflow", "## Cost"]
    where = [text.index(h) for h in headings]
    assert where == sorted(where)


def test_a_label_of_every_kind_has_its_look() -> None:
    # each kind's table comes from its source's package (cluster, batch, dataproc_job: Dataproc's; dataflow:
    # Dataflow's; job: BigQuery's), the sources' own from the shell
    assert look_of("job", "FAILED").style == "bold red"
    assert look_of("cluster", "ERROR").rank == 0
    assert look_of("batch", "SUCCEEDED").style == "dim"
    assert look_of("dataproc_job", "ATTEMPT_FAILURE").style == "red"
    assert look_of("dataflow", "CLEANING_UP").style == "yellow"
    assert look_of("source", "STALE").rank == 1
    assert look_of("dataflow", "SOMETHING_NEW").style == "magenta"
