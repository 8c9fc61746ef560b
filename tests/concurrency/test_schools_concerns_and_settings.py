"""Link officers, officers per area, RISE engagements and settings causing concern: two decisions at once never
leave two current link officers, two senior officers, an engagement ended twice or a setting causing concern
twice (the locks in ``headway.schools.services``, ``headway.concerns.rise`` and ``headway.earlyyears.services``)."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.accounts.models import AuditEvent, Role
from headway.concerns import rise
from headway.concerns.rise import RiseRuleError
from headway.earlyyears import services as earlyyears
from headway.earlyyears.models import Setting, SettingCausingConcern
from headway.earlyyears.services import SettingRuleError
from headway.schools import services as schools
from headway.schools.models import Area, AreaOfficer, LinkOfficerAssignment
from headway.schools.services import AreaRuleError
from tests.concerns.world import make_world
from tests.concurrency.race import on_sqlite, one_won, race
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_link_officers_assigned_at_once_leave_one_current_link_officer() -> None:
    world = make_world()
    first, second = race(
        lambda: schools.link_officer_assign(establishment=world.school, officer=world.officer, by=world.head_of_service,
                                            reason="New caseload", starts_on=dt.date(2025, 9, 1)),
        lambda: schools.link_officer_assign(establishment=world.school, officer=world.colleague,
                                            by=world.head_of_service, reason="New caseload",
                                            starts_on=dt.date(2025, 9, 1)),
    )  # fmt: skip
    assert first.succeeded, first.error
    current = LinkOfficerAssignment.objects.filter(establishment=world.school, ends_on__isnull=True)
    assert current.count() == 1
    if on_sqlite() and second.locked_out:
        return
    # The second waited for the first, saw its assignment and ended it (not a database error).
    assert second.succeeded, second.error
    events = list(AuditEvent.objects.filter(verb="establishment.link_officer_assigned").order_by("pk"))
    assert len(events) == 2
    assert events[1].before == {"officer": world.officer.get_username(), "starts_on": "2025-09-01"}
    assert current.get().officer == world.colleague


@pytest.mark.parametrize("already", [False, True], ids=["no-officer-yet", "an-adviser-already"])
def test_two_senior_officers_named_at_once_leave_one(already: bool) -> None:
    world = make_world()
    area = Area.objects.create(local_authority=world.hampshire, name="North", kind=Area.Kind.CLUSTER)
    if already:
        adviser = UserFactory(username="adviser", role=Role.LA_OFFICER, local_authority=world.hampshire)
        schools.area_officer_add(area=area, officer=adviser, role="adviser", starts_on=dt.date(2025, 9, 1),
                                 by=world.head_of_service)  # fmt: skip

    def name(officer: object) -> object:
        return schools.area_officer_add(area=area, officer=officer, role="senior_officer",  # type: ignore[arg-type]
                                        starts_on=dt.date(2025, 9, 1), by=world.head_of_service)  # fmt: skip

    first, second = race(lambda: name(world.officer), lambda: name(world.colleague))
    one_won(first, second, AreaRuleError)  # refused by the rule, with its message, not by a database error
    assert AreaOfficer.objects.filter(area=area, role="senior_officer", ends_on__isnull=True).count() == 1
    assert AuditEvent.objects.filter(verb="area.officer_added", after__role="senior_officer").count() == 1


def test_a_rise_engagement_ended_twice_at_once_is_ended_once() -> None:
    world = make_world()
    engagement = rise.record_rise_engagement(
        establishment=world.school, kind="universal", adviser="", support_plan="RISE network",
        started_on=dt.date(2025, 10, 1), by=world.officer,
    )  # fmt: skip
    first, second = race(
        lambda: rise.end_rise_engagement(engagement, dt.date(2025, 11, 1), "Phonics secure", world.officer, "Done"),
        lambda: rise.end_rise_engagement(engagement, dt.date(2025, 11, 2), "Reading secure", world.colleague, "Done"),
    )
    one_won(first, second, RiseRuleError)
    assert AuditEvent.objects.filter(verb="RISE engagement ended").count() == 1
    engagement.refresh_from_db()
    assert (engagement.ended_on, engagement.outcome) == (dt.date(2025, 11, 1), "Phonics secure")


@pytest.mark.parametrize("already", [False, True], ids=["never-causing-concern", "causing-concern-before"])
def test_a_setting_is_never_causing_concern_twice(already: bool) -> None:
    world = make_world()
    setting = Setting.objects.create(
        provider_urn="EY999001", local_authority=world.hampshire, provider_type="Childcare on non-domestic premises",
        status="Active", name="Little Acorns Nursery",
    )  # fmt: skip
    if already:
        earlier = earlyyears.concern_open(setting=setting, since=dt.date(2024, 1, 10), reasons="Safeguarding",
                                          lead_officer=world.officer, by=world.officer)  # fmt: skip
        earlyyears.concern_remove(concern=earlier, removed_on=dt.date(2024, 7, 1), reason="Improved", by=world.officer)

    def open_concern() -> object:
        return earlyyears.concern_open(setting=setting, since=dt.date(2025, 10, 1), reasons="Staffing",
                                       lead_officer=world.officer, by=world.officer)  # fmt: skip

    first, second = race(open_concern, open_concern)
    one_won(first, second, SettingRuleError)
    assert SettingCausingConcern.objects.filter(setting=setting, removed_on__isnull=True).count() == 1
    assert AuditEvent.objects.filter(verb="setting_concern.opened").count() == (2 if already else 1)


def test_a_setting_removed_from_causing_concern_twice_at_once_is_removed_once() -> None:
    world = make_world()
    setting = Setting.objects.create(
        provider_urn="EY999002", local_authority=world.hampshire, provider_type="Childminder", status="Active",
        name="Childminder",
    )  # fmt: skip
    concern = earlyyears.concern_open(setting=setting, since=dt.date(2025, 1, 10), reasons="Safeguarding",
                                      lead_officer=world.officer, by=world.officer)  # fmt: skip
    first, second = race(
        lambda: earlyyears.concern_remove(concern=concern, removed_on=dt.date(2025, 7, 1), reason="Re-inspected good",
                                          by=world.officer),
        lambda: earlyyears.concern_remove(concern=concern, removed_on=dt.date(2025, 7, 2), reason="Improved",
                                          by=world.colleague),
    )  # fmt: skip
    one_won(first, second, SettingRuleError)
    assert AuditEvent.objects.filter(verb="setting_concern.removed").count() == 1
    concern.refresh_from_db()
    assert (concern.removed_on, concern.removal_reason) == (dt.date(2025, 7, 1), "Re-inspected good")


def test_an_area_role_ended_twice_at_once_is_ended_once() -> None:
    world = make_world()
    area = Area.objects.create(local_authority=world.hampshire, name="South", kind=Area.Kind.CLUSTER)
    role = schools.area_officer_add(area=area, officer=world.officer, role="adviser", starts_on=dt.date(2025, 9, 1),
                                    by=world.head_of_service)  # fmt: skip
    first, second = race(
        lambda: schools.area_officer_end(assignment=role, ends_on=dt.date(2026, 3, 31), reason="Moved to Barnet",
                                         by=world.head_of_service),
        lambda: schools.area_officer_end(assignment=role, ends_on=dt.date(2026, 4, 30), reason="Retired",
                                         by=world.head_of_service),
    )  # fmt: skip
    one_won(first, second, AreaRuleError)
    assert AuditEvent.objects.filter(verb="area.officer_ended").count() == 1
    role.refresh_from_db()
    assert role.ends_on == dt.date(2026, 3, 31)
