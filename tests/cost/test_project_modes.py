"""Which projects pay on demand and which run in a reservation, from the Reservation API's assignments (as
``SearchAllAssignments`` on the admin project returns them) and ``[cost] project_modes``: the special
reservation ``none`` opts a project out, a folder's or organization's assignment applies to the project whose
search found it."""

from __future__ import annotations

from dashboard.models import Assignment, Job
from dashboard.sources.jobs.cost import billed_on_demand
from dashboard.sources.reservations import cost as reservations_cost


def test_project_modes_come_from_assignments_and_config() -> None:
    assignments = (
        Assignment(name="a", reservation_id="prod", assignee="projects/etl"),
        Assignment(name="b", reservation_id="prod", assignee="projects/old", state="PENDING"),
        Assignment(name="c", reservation_id="prod", assignee="folders/123"),
    )
    assert reservations_cost.project_modes(assignments) == {"etl": "editions"}
    assert reservations_cost.project_modes(
        assignments, {"etl": "on-demand", "bi": "EDITIONS", "x": "bogus"}
    ) == {
        "etl": "on-demand",
        "bi": "editions",
    }
    job = Job(project="etl", job_id="j", reservation=None)
    assert billed_on_demand(job, {}) is True
    assert billed_on_demand(job, {"etl": "editions"}) is False


def test_an_assignment_to_the_reservation_none_is_on_demand() -> None:
    admin = "projects/acme-admin/locations/US/reservations"
    assignments = (
        # found by the admin project's search for each job project: the assignee is the job project
        Assignment(
            name=f"{admin}/etl-prod/assignments/111", reservation_id="etl-prod", assignee="projects/etl"
        ),
        Assignment(name=f"{admin}/none/assignments/123", reservation_id="none", assignee="projects/bi"),
    )
    assert reservations_cost.project_modes(assignments) == {"etl": "editions", "bi": "on-demand"}


def test_a_folder_or_organization_assignment_applies_to_the_project_whose_search_found_it() -> None:
    admin = "projects/acme-admin/locations/US/reservations"
    assignments = (
        # lab has no assignment of its own: the search returned its folder's
        Assignment(
            name=f"{admin}/prod/assignments/7",
            reservation_id="prod",
            assignee="folders/31",
            searched_for="lab",
        ),
        # bi opted out itself; its organization's assignment gives way to its own
        Assignment(
            name=f"{admin}/prod/assignments/8",
            reservation_id="prod",
            assignee="organizations/9",
            searched_for="bi",
        ),
        Assignment(
            name=f"{admin}/none/assignments/9",
            reservation_id="none",
            assignee="projects/bi",
            searched_for="bi",
        ),
        # an organization opted out, found for ml; a folder assignment found for no project says nothing
        Assignment(
            name=f"{admin}/none/assignments/10",
            reservation_id="none",
            assignee="organizations/9",
            searched_for="ml",
        ),
        Assignment(name=f"{admin}/prod/assignments/11", reservation_id="prod", assignee="folders/77"),
    )
    assert reservations_cost.project_modes(assignments) == {
        "lab": "editions",
        "bi": "on-demand",
        "ml": "on-demand",
    }
    # assigned in one location, opted out in another: the project runs in a reservation
    eu = Assignment(
        name="projects/acme-admin/locations/EU/reservations/eu/assignments/1",
        reservation_id="eu",
        assignee="projects/bi",
    )
    assert reservations_cost.project_modes((*assignments, eu))["bi"] == "editions"
