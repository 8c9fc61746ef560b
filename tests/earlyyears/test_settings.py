"""Early years settings: Ofsted's early-years file imported whole, the summary the strategy reports, the
settings policy's rounds, visits with notes, settings causing concern, and who may see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from headway.accounts.models import AuditEvent, Role
from headway.earlyyears import services
from headway.earlyyears.models import Setting, SettingInspection, SettingProposal, SettingVisit
from headway.earlyyears.policy import settings_policy_named
from headway.earlyyears.selectors import settings_summary
from headway.refusals import RuleRefused
from headway.schools.models import LocalAuthority
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import FIXTURES, load, row_counts

VALID = FIXTURES / "earlyyears" / "valid"
INVALID = FIXTURES / "earlyyears" / "invalid"
POLICY = settings_policy_named("barnet-settings-2021")
TODAY = dt.date(2026, 12, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorities() -> dict[str, LocalAuthority]:
    return {
        code: LocalAuthorityFactory(code=code, name=name)
        for code, name in (("302", "Barnet"), ("370", "Barnsley"), ("335", "Walsall"))
    }


@pytest.fixture
def imported(authorities: dict[str, LocalAuthority]) -> dict[str, LocalAuthority]:
    result = load("early-years", VALID / "childcare_providers_invented.csv")
    assert not result.rejected, result.errors
    return authorities


def test_the_shared_sample_imports_whole_and_again_changes_nothing(authorities: dict[str, LocalAuthority]) -> None:
    first = load("early-years", VALID / "childcare_providers_invented.csv")
    assert not first.rejected, first.errors
    assert Setting.objects.count() == 16
    assert SettingInspection.objects.count() == 20  # 14 latest + 6 second most recent... as the file gives
    again = load("early-years", VALID / "childcare_providers_invented.csv")
    assert (again.created, again.updated) == (0, 0)
    # The same rows as a workbook, the table on its second sheet under two lines of notes.
    workbook = load("early-years", VALID / "childcare_providers_invented.xlsx")
    assert not workbook.rejected, workbook.errors
    assert (workbook.created, workbook.updated) == (0, 0)
    childminder = Setting.objects.get(provider_urn="EY600005")
    assert (childminder.name, childminder.name_withheld, childminder.address, childminder.town) == ("", True, "", "")
    assert childminder.display_name == "Childminder EY600005"
    nursery = Setting.objects.get(provider_urn="EY600002")
    assert (nursery.name, nursery.status, nursery.places, nursery.local_authority.code) == (
        "Bright Steps Nursery 1",
        "Active",
        7,
        "370",
    )
    assert [(i.inspected_on, i.overall_effectiveness) for i in nursery.inspections.order_by("inspected_on")] == [
        (dt.date(2016, 2, 2), 2),
        (dt.date(2020, 2, 2), 1),
    ]
    latest = nursery.inspections.get(inspected_on=dt.date(2020, 2, 2))
    assert latest.judgements["Leadership and management"] == 1
    assert latest.safeguarding_met is True


def test_bad_values_reject_the_whole_file_with_row_and_column(authorities: dict[str, LocalAuthority]) -> None:
    before = row_counts()
    result = load("early-years", INVALID / "childcare_providers_bad_values.csv")
    assert result.rejected
    name = "childcare_providers_bad_values.csv"
    assert result.errors[:5] == [
        f"{name}:4:Provider URN: 'XX12' is not an Ofsted URN (e.g. EY123456)",
        f"{name}:5:Most Recent Full: Inspection Date: '31/02/2020' is not a date "
        "(expected dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or yyyymmdd)",
        f"{name}:6:Most Recent Full: Overall Effectiveness: 'Excellent' is not an Ofsted outcome "
        "(expected 1-4, a grade in words, or Met / Not met)",
        f"{name}:7:Provider Early Years Register Flag: 'Maybe' is not Y or N",
        f"{name}:8:Provider URN: EY600004 is given twice (first at row 7)",
    ]
    assert row_counts() == before
    assert not Setting.objects.exists()


def test_a_file_without_its_header_is_refused(authorities: dict[str, LocalAuthority], tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "no_header.csv"
    path.write_text("Some title\nAnother line\nEY1,01/01/2020\n", encoding="utf-8")
    result = load("early-years", path)
    assert result.rejected
    assert result.errors == ["no_header.csv:-:-: no header row beginning 'Provider URN' in the first 20 rows"]


def test_the_summary_counts_active_settings_as_by_hand(imported: dict[str, LocalAuthority]) -> None:
    # Barnet's rows: EY600001 resigned (left out); 600004 good, 600007 inadequate, 600010 good,
    # 600013 (childminder) requires improvement, 600016 outstanding: 5 active, 5 inspected, 3 good or better.
    summary = settings_summary(imported["302"], as_of=TODAY, policy=POLICY)
    assert (summary.settings, summary.inspected, summary.good_or_better_pct) == (5, 5, 60.0)
    assert summary.by_type["Childminder"] == {"settings": 1, "inspected": 1, "good_or_better_pct": 0.0}
    # Barnsley: 600008 and 600011... as of 2019 settings registered later are not counted.
    assert settings_summary(imported["370"], as_of=dt.date(2019, 1, 1), policy=POLICY).settings == 4


def test_the_summary_command_json(imported: dict[str, LocalAuthority], capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    call_command("settings", "summary", "--la", "302", "--as-of", "2026-12-01", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"la", "as_of", "settings", "inspected", "good_or_better_pct", "by_type"}
    assert (shown["la"], shown["settings"], shown["good_or_better_pct"]) == ("302", 5, 60.0)
    with pytest.raises(CommandError, match="no local authority"):
        call_command("settings", "summary", "--la", "999")


def test_a_round_proposes_categories_with_reasons(imported: dict[str, LocalAuthority]) -> None:
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=imported["302"])
    settings_round = services.round_run(local_authority=imported["302"], policy=POLICY, as_of=TODAY, by=officer)
    proposals = {p.setting.provider_urn: p for p in settings_round.proposals.all()}
    assert {urn: p.category for urn, p in proposals.items()} == {
        "EY600004": "secure",
        "EY600007": "concern",
        "EY600010": "secure",
        "EY600013": "improve",
        "EY600016": "secure",
    }
    assert proposals["EY600007"].causing_concern
    assert "Latest overall effectiveness: inadequate" in proposals["EY600007"].reasons[-1]["words"]
    with pytest.raises(RuleRefused, match="needs a reason"):
        services.proposal_decide(proposal=proposals["EY600013"], policy=POLICY, category="secure", by=officer)
    assert SettingProposal.objects.get(pk=proposals["EY600013"].pk).decided_at is None
    services.proposal_decide(
        proposal=proposals["EY600013"], policy=POLICY, category="secure", by=officer, reason="Re-inspected good."
    )
    assert AuditEvent.objects.filter(verb="settings_category.overridden").count() == 1
    with pytest.raises(RuleRefused, match="already been decided"):
        services.proposal_decide(proposal=proposals["EY600013"], policy=POLICY, category="improve", by=officer)


def test_a_policy_is_refused_for_another_authority_or_before_its_date(imported: dict[str, LocalAuthority]) -> None:
    with pytest.raises(RuleRefused, match="not Barnsley's"):
        services.round_run(local_authority=imported["370"], policy=POLICY, as_of=TODAY, by=None)
    with pytest.raises(ValueError, match="in force from 1 September 2021"):
        services.round_run(local_authority=imported["302"], policy=POLICY, as_of=dt.date(2019, 1, 1), by=None)


def test_a_visit_note_marks_the_visit_done_and_concerns_are_audited(imported: dict[str, LocalAuthority]) -> None:
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=imported["302"], first_name="Ada", last_name="Byrne")
    setting = Setting.objects.get(provider_urn="EY600007")
    visit = services.visit_plan(setting=setting, officer=officer, planned_on=TODAY, purpose="Support visit", by=officer)
    with pytest.raises(RuleRefused, match="summary of findings"):
        services.note_write(
            visit=visit, sections={"purpose": "Met the manager"}, judgements={}, next_steps="", by=officer
        )
    assert SettingVisit.objects.get(pk=visit.pk).status == SettingVisit.Status.PLANNED
    services.note_write(
        visit=visit,
        sections={"purpose": "Met the manager", "summary": "Ratios now met.", "areas_for_development": "Phonics"},
        judgements={"safeguarding_and_welfare": "Secure"},
        next_steps="Review in a month.",
        by=officer,
    )
    assert SettingVisit.objects.get(pk=visit.pk).status == SettingVisit.Status.DONE
    concern = services.concern_open(
        setting=setting, since=TODAY, reasons="Inadequate", lead_officer=officer, by=officer
    )
    with pytest.raises(RuleRefused, match="already causing concern"):
        services.concern_open(setting=setting, since=TODAY, reasons="Again", lead_officer=officer, by=officer)
    with pytest.raises(RuleRefused, match="before it started"):
        services.concern_remove(concern=concern, removed_on=TODAY - dt.timedelta(days=1), reason="x", by=officer)
    services.concern_remove(concern=concern, removed_on=TODAY, reason="Re-inspected good", by=officer)
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "setting_visit.planned",
        "setting_note.written",
        "setting_concern.opened",
        "setting_concern.removed",
    } <= verbs


def test_only_the_authoritys_staff_see_its_settings(imported: dict[str, LocalAuthority]) -> None:
    barnet_officer = Client()
    barnet_officer.force_login(UserFactory(role=Role.LA_OFFICER, local_authority=imported["302"]))
    page = barnet_officer.get("/early-years/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Childminder EY600013" in text and "REDACTED" not in text and "Bright Steps Nursery 1" not in text
    assert barnet_officer.get("/early-years/EY600004/").status_code == 200
    assert barnet_officer.get("/early-years/EY600002/").status_code == 404  # Barnsley's
    assert barnet_officer.get("/early-years/rounds/").status_code == 200
    head = Client()
    head.force_login(UserFactory(role=Role.SCHOOL_USER, local_authority=imported["302"]))
    assert head.get("/early-years/").status_code == 403
    assert head.get("/early-years/EY600004/").status_code == 404
    board = Client()
    board.force_login(UserFactory(role=Role.BOARD_MEMBER, local_authority=imported["302"]))
    assert board.get("/early-years/EY600004/").status_code == 404
    assert Client().get("/early-years/").status_code == 302


def test_pages_plan_a_visit_and_refuse_bad_dates(imported: dict[str, LocalAuthority]) -> None:
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=imported["302"], first_name="Ada", last_name="Byrne")
    client = Client()
    client.force_login(officer)
    bad = client.post(
        "/early-years/EY600004/",
        {
            "form": "visit",
            "visit-officer": officer.pk,
            "visit-planned_on_0": "31",
            "visit-planned_on_1": "2",
            "visit-planned_on_2": "2027",
            "visit-purpose": "Welcome",
        },
    )
    assert bad.status_code == 200 and "must be a real date" in bad.content.decode()
    assert not SettingVisit.objects.exists()
    good = client.post(
        "/early-years/EY600004/",
        {
            "form": "visit",
            "visit-officer": officer.pk,
            "visit-planned_on_0": "14",
            "visit-planned_on_1": "1",
            "visit-planned_on_2": "2027",
            "visit-purpose": "Welcome",
        },
    )
    assert good.status_code == 302
    assert SettingVisit.objects.get().planned_on == dt.date(2027, 1, 14)
