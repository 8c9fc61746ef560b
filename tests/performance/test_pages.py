"""Performance pages on real DfE files: a school profile's performance section, the LA dashboard, who may see
it, the "My schools" filter and the link-officer caseload behind it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client

from headway.accounts.models import AuditEvent, Role, User
from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import
from headway.performance.catalogue import catalogue
from headway.performance.charts import BarInput, bar_chart, figure_text, missing_text
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.schools.selectors import caseload
from headway.schools.services import link_officer_assign
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.helpers import DEMO_DATA

PERFORMANCE = DEMO_DATA / "performance"
#: Hampshire's raw KS2 table named one year early: it holds summer 2019 results (see data/README.md).
KS2_2019_HAMPSHIRE = PERFORMANCE / "ks2_2018_850.csv"
KS4_2019_ENGLAND = PERFORMANCE / "kspdev__england_ks4provisional.csv"

ANSTEY = 115851  # Anstey Junior School: 63% RWM, every progress score significantly below in 2019
ANTON = 115854  # Anton Junior School: no progress score significantly below in 2019
WINKLEBURY = 115858  # reading and maths significantly below; writing's interval ends exactly at 0 (not below)
BEAULIEU = 115861  # disadvantaged pupils' RWM suppressed (SUPP) in 2019
ALTON = 115850  # an infant school: no key stage 2 results
SIGNIFICANTLY_BELOW_2019 = {ANSTEY, 115852, 115853, WINKLEBURY, 116018, 136447}  # from the file's intervals


def import_performance(dataset: str, year: int, path: Path) -> ImportResult:
    result = run_import(importer_for("performance", dataset=dataset, year=year), path, actor_name="test")
    assert not result.rejected, result.errors[:5]
    return result


@pytest.fixture
def hampshire(hampshire_sample: ImportResult) -> LocalAuthority:
    import_performance("ks2", 2019, KS2_2019_HAMPSHIRE)
    return LocalAuthority.objects.get(code="850")


@pytest.fixture
def hampshire_with_ks4(hampshire: LocalAuthority) -> LocalAuthority:
    import_performance("ks4", 2019, KS4_2019_ENGLAND)
    return hampshire


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def officer_of(authority: LocalAuthority, username: str = "officer.hampshire") -> User:
    user: User = UserFactory(username=username, role=Role.LA_OFFICER, local_authority=authority)
    return user


def section(html: str, anchor: str) -> str:
    """The HTML of one measure's panel on the profile: from its heading to the next heading."""
    start = html.index(f'id="{anchor}"')
    end = re.search(r"<h[234] ", html[start:])
    return html[start : start + end.start()] if end else html[start:]


def row_for(table_html: str, year: int) -> str:
    match = re.search(rf"<tr[^>]*>\s*<th scope=\"row\"[^>]*>{year}</th>(.*?)</tr>", table_html, re.S)
    assert match, f"no {year} row"
    return match.group(1)


def cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


# The school profile ------------------------------------------------------------------------------------------


def test_profile_shows_the_schools_published_figure_against_la_and_england(hampshire: LocalAuthority) -> None:
    page = signed_in(officer_of(hampshire)).get(f"/schools/{ANSTEY}/evidence/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h2 class="govuk-heading-m" id="performance">Performance</h2>' in html
    rwm = section(html, "measure-ks2-rwm_exp")
    # School, pupils, Hampshire (DfE's published LA row), England (state-funded row), difference.
    assert cells(row_for(rwm, 2019)) == ["63%", "60", "68%", "65%", "-2"]
    assert "Difference from England (percentage points)" in rwm
    # The chart is a picture of the table: hidden from assistive technology, and the table has a caption.
    assert re.search(r'<svg class="hw-chart hw-trend"[^>]*aria-hidden="true"', rwm)
    # A line each for the school, Hampshire and England, told apart in the key; 2019 is drawn for each.
    for label in ("This school", "Hampshire", "England"):
        assert f">{label}</text>" in rwm
    for kind in ("school", "la", "england"):
        assert f"hw-trend__marker--{kind} hw-trend__point" in rwm
    caption = "Reading, writing and maths: % meeting the expected standard: this school, Hampshire and England, 2019"
    assert caption in rwm
    reading = section(html, "measure-ks2-read_prog")
    assert cells(row_for(reading, 2019))[0] == "-1.9"
    assert "Significantly below" in cells(row_for(reading, 2019))
    assert "-3.4 to -0.3" in cells(row_for(reading, 2019))


def test_profile_shows_why_a_figure_is_missing_never_zero(hampshire: LocalAuthority) -> None:
    html = signed_in(officer_of(hampshire)).get(f"/schools/{BEAULIEU}/evidence/").content.decode()
    disadvantaged = section(html, "measure-ks2-rwm_exp_dis")
    school_cell = cells(row_for(disadvantaged, 2019))[0]
    assert school_cell == "no figure: suppressed"
    assert "0%" not in cells(row_for(disadvantaged, 2019))
    # The chart draws no point for the school's withheld figure (never one at 0), but Hampshire's and England's.
    assert "hw-trend__marker--school hw-trend__point" not in disadvantaged
    assert "hw-trend__marker--england hw-trend__point" in disadvantaged
    gap_table = section(html, "performance-disadvantaged")
    assert "no figure: suppressed" in gap_table


def test_profile_flags_standards_and_the_disadvantaged_gap(hampshire: LocalAuthority) -> None:
    html = signed_in(officer_of(hampshire)).get(f"/schools/{ANSTEY}/evidence/").content.decode()
    standards = section(html, "performance-standards")
    # 63% is below 65%, but no progress score is below the floor (-5, -7, -5): the floor was met.
    assert '<strong class="govuk-tag govuk-tag--green hw-tag-spaced">Met floor standard 2019</strong>' in standards
    gaps = section(html, "performance-disadvantaged")
    assert "61%" in gaps  # Anstey's disadvantaged pupils, PTRWM_EXP_FSM6CLA1A


def test_profile_without_figures_says_so(hampshire: LocalAuthority) -> None:
    html = signed_in(officer_of(hampshire)).get(f"/schools/{ALTON}/evidence/").content.decode()
    assert "No performance data imported for this school." in html
    assert "hw-chart" not in html


def test_profile_asks_for_the_schools_performance_once(
    hampshire: LocalAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    from headway.performance import charts

    calls: list[int] = []
    real = charts.school_performance

    def counted(**kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "school_performance", counted)
    client = signed_in(officer_of(hampshire))
    assert client.get(f"/schools/{ANSTEY}/evidence/").status_code == 200
    assert len(calls) == 1
    assert client.get(f"/schools/{ANSTEY}/").status_code == 200  # the summary reads no performance figures
    assert len(calls) == 1


# The LA dashboard --------------------------------------------------------------------------------------------


def test_dashboard_lists_hampshires_rank_and_the_schools_significantly_below(
    hampshire_with_ks4: LocalAuthority,
) -> None:
    page = signed_in(officer_of(hampshire_with_ks4)).get("/performance/la/850/2019/?measure=ks4.att8")
    assert page.status_code == 200
    dashboard = page.context["dashboard"]
    att8 = next(row for row in dashboard.measures if row.measure.code == "ks4.att8")
    # DfE's provisional 2019 LA rows: Hampshire 47.5, England (state-funded) 46.5, 47th of 150 authorities.
    assert (att8.value_text, att8.england_text, att8.rank, att8.of, att8.top10) == ("47.5", "46.5", 47, 150, False)
    html = page.content.decode()
    assert "47 of 150" in html
    own = [row for row in dashboard.rank_table if row.own]
    assert [(row.la_code, row.rank, row.value_text) for row in own] == [("850", 47, "47.5")]
    assert len(dashboard.rank_table) == 150
    assert re.search(
        r'<tr class="govuk-table__row hw-table__row--own" id="own-authority">.*?Hampshire \(850\)', html, re.S
    )
    assert '<a class="govuk-link" href="#own-authority">Hampshire: 47.5, rank 47 of 150</a>' in html
    below = {item.establishment.urn for item in dashboard.below}
    # KS2 intervals from Hampshire's file, plus Alderwood School's Progress 8 (-0.75, -1.00 to -0.51).
    assert below == SIGNIFICANTLY_BELOW_2019 | {116234}
    assert f'href="/schools/{ANSTEY}/evidence/#performance"' in html
    anstey = next(item for item in dashboard.below if item.establishment.urn == ANSTEY)
    assert [(f.measure.code, f.value_text) for f in anstey.figures] == [
        ("ks2.read_prog", "-1.9"),
        ("ks2.writ_prog", "-2.8"),
        ("ks2.mat_prog", "-2.6"),
    ]
    # Hampshire schools of the national KS4 file that are not in the 18-school register sample.
    assert dashboard.below_not_in_register > 0


def test_dashboard_distribution_counts_the_las_schools_by_quarter(hampshire: LocalAuthority) -> None:
    dashboard = (
        signed_in(officer_of(hampshire)).get("/performance/la/850/2019/?measure=ks2.rwm_exp").context["dashboard"]
    )
    distribution = dashboard.distribution
    assert distribution is not None and distribution.measure.code == "ks2.rwm_exp"
    # Every Hampshire school row of the file (state-funded), with or without a figure.
    assert distribution.schools == 331
    assert distribution.no_figure > 0 and "suppressed" in distribution.no_figure_reasons
    counts = [band.schools for band in distribution.bands]
    assert sum(counts) == distribution.national_schools  # only Hampshire's schools are imported for 2019 KS2
    assert distribution.national_authorities == 1
    assert max(counts) - min(counts) <= distribution.national_schools // 10  # quarters of the same schools


def test_dashboard_ranks_only_with_enough_authorities_for_a_top_10_percent(hampshire: LocalAuthority) -> None:
    dashboard = signed_in(officer_of(hampshire)).get("/performance/la/850/2019/").context["dashboard"]
    rwm = next(row for row in dashboard.measures if row.measure.code == "ks2.rwm_exp")
    assert (rwm.rank, rwm.of, rwm.top10) == (1, 1, None)  # 1 of 1 is not "top 10%"
    assert dashboard.measure.code == "ks2.rwm_exp"  # the first ranked measure with figures


def test_dashboard_with_an_unknown_measure_says_so(hampshire: LocalAuthority) -> None:
    page = signed_in(officer_of(hampshire)).get("/performance/la/850/2019/?measure=banana")
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert page.context["dashboard"].measure.code == "ks2.rwm_exp"


def test_my_schools_limits_the_school_lists_to_the_caseload(hampshire: LocalAuthority) -> None:
    officer = officer_of(hampshire)
    for urn in (ANSTEY, ANTON):
        link_officer_assign(
            establishment=Establishment.objects.get(urn=urn),
            officer=officer,
            by=None,
            actor_name="test",
            reason="Caseload for the test",
            starts_on=dt.date(2024, 9, 1),
        )
    client = signed_in(officer)
    everyone = client.get("/performance/la/850/2019/?measure=ks2.rwm_exp").context["dashboard"]
    assert {item.establishment.urn for item in everyone.below} == SIGNIFICANTLY_BELOW_2019
    assert everyone.distribution.schools == 331
    assert everyone.caseload_size == 2 and not everyone.mine
    page = client.get("/performance/la/850/2019/?measure=ks2.rwm_exp&mine=1")
    mine = page.context["dashboard"]
    assert mine.mine
    assert [item.establishment.urn for item in mine.below] == [ANSTEY]
    assert mine.distribution.schools == 2
    # Ranks are about authorities, so "My schools" does not change them.
    assert [r.rank for r in mine.measures] == [r.rank for r in everyone.measures]
    html = page.content.decode()
    assert '<input class="govuk-checkboxes__input" id="mine" name="mine" type="checkbox" value="1" checked' in html
    assert "Your schools significantly below the national average" in html


def test_dashboard_index_takes_staff_to_their_authority_and_latest_year(hampshire: LocalAuthority) -> None:
    response = signed_in(officer_of(hampshire)).get("/performance/")
    assert response.status_code == 302
    assert response["Location"] == "/performance/la/850/2019/"


# Who may see the dashboard -----------------------------------------------------------------------------------


def test_dashboard_access(hampshire: LocalAuthority) -> None:
    url = "/performance/la/850/2019/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/sign-in/")
    board = UserFactory(username="board.hampshire", role=Role.BOARD_MEMBER, local_authority=hampshire)
    assert signed_in(board).get(url).status_code == 200
    admin = UserFactory(username="admin.hampshire", role=Role.LA_ADMIN, local_authority=hampshire)
    assert signed_in(admin).get(url).status_code == 200
    root = UserFactory(username="root", is_superuser=True)
    assert signed_in(root).get(url).status_code == 200
    head = UserFactory(username="head.anstey", role=Role.SCHOOL_USER)
    head.schools.set([Establishment.objects.get(urn=ANSTEY)])
    assert signed_in(head).get(url).status_code == 403
    assert signed_in(head).get("/performance/").status_code == 403
    barnet = LocalAuthorityFactory(code="302", name="Barnet")
    barnet_officer = officer_of(barnet, username="officer.barnet")
    assert signed_in(barnet_officer).get(url).status_code == 404
    assert signed_in(barnet_officer).get("/performance/la/302/2019/").status_code == 200


def test_dashboard_link_in_the_navigation_for_staff_and_board_only(hampshire: LocalAuthority) -> None:
    link = 'href="/performance/">'
    board = UserFactory(username="board.hampshire", role=Role.BOARD_MEMBER, local_authority=hampshire)
    assert link in signed_in(board).get("/schools/").content.decode()
    head = UserFactory(username="head.anstey", role=Role.SCHOOL_USER)
    head.schools.set([Establishment.objects.get(urn=ANSTEY)])
    assert link not in signed_in(head).get("/schools/").content.decode()


def test_dashboard_shows_only_schools_the_user_may_see(hampshire: LocalAuthority) -> None:
    """A superuser sees every school; an officer of the authority sees its schools; the list never reaches
    past the register."""
    root = UserFactory(username="root", is_superuser=True)
    dashboard = signed_in(root).get("/performance/la/850/2019/").context["dashboard"]
    assert {item.establishment.urn for item in dashboard.below} == SIGNIFICANTLY_BELOW_2019
    assert all(item.establishment.local_authority.code == "850" for item in dashboard.below)


# The caseload ------------------------------------------------------------------------------------------------


def test_reassigning_a_school_ends_the_old_assignment_and_audits_both(hampshire_sample: ImportResult) -> None:
    hampshire = LocalAuthority.objects.get(code="850")
    anstey = Establishment.objects.get(urn=ANSTEY)
    first, second = officer_of(hampshire, "officer.one"), officer_of(hampshire, "officer.two")
    lead = UserFactory(username="lead", role=Role.LA_ADMIN, local_authority=hampshire)
    today = dt.date(2025, 1, 6)
    link_officer_assign(
        establishment=anstey, officer=first, by=lead, reason="New caseloads", starts_on=dt.date(2024, 9, 1)
    )
    assert list(caseload(first, today=today)) == [anstey]
    again = link_officer_assign(
        establishment=anstey, officer=first, by=lead, reason="Same again", starts_on=dt.date(2024, 10, 1)
    )
    assert again.starts_on == dt.date(2024, 9, 1)  # already theirs: nothing changes, nothing audited
    link_officer_assign(
        establishment=anstey, officer=second, by=lead, reason="Officer one moved team", starts_on=dt.date(2025, 1, 6)
    )
    assignments = list(LinkOfficerAssignment.objects.filter(establishment=anstey).order_by("starts_on"))
    assert [(a.officer.username, a.starts_on, a.ends_on) for a in assignments] == [
        ("officer.one", dt.date(2024, 9, 1), dt.date(2025, 1, 6)),
        ("officer.two", dt.date(2025, 1, 6), None),
    ]
    assert list(caseload(first, today=today)) == []
    assert list(caseload(second, today=today)) == [anstey]
    assert list(caseload(second, today=dt.date(2025, 1, 5))) == []  # not theirs before it starts
    events = list(AuditEvent.objects.filter(verb="establishment.link_officer_assigned").order_by("id"))
    assert [(e.actor_name, e.target_id, e.before, e.after, e.reason) for e in events] == [
        ("lead", str(anstey.pk), None, {"officer": "officer.one", "starts_on": "2024-09-01"}, "New caseloads"),
        (
            "lead",
            str(anstey.pk),
            {"officer": "officer.one", "starts_on": "2024-09-01"},
            {"officer": "officer.two", "starts_on": "2025-01-06"},
            "Officer one moved team",
        ),
    ]


def test_only_the_authoritys_officers_can_be_link_officers(hampshire_sample: ImportResult) -> None:
    anstey = Establishment.objects.get(urn=ANSTEY)
    other = officer_of(LocalAuthorityFactory(code="302", name="Barnet"), "officer.barnet")
    board = UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=anstey.local_authority)
    for user in (other, board):
        with pytest.raises(ValueError, match="cannot be its link officer"):
            link_officer_assign(
                establishment=anstey,
                officer=user,
                by=None,
                actor_name="test",
                reason="x",
                starts_on=dt.date(2025, 1, 1),
            )
    assert not LinkOfficerAssignment.objects.exists()
    officer = officer_of(anstey.local_authority)
    link_officer_assign(
        establishment=anstey, officer=officer, by=None, actor_name="test", reason="x", starts_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(ValueError, match="cannot start before"):
        link_officer_assign(
            establishment=anstey,
            officer=officer_of(anstey.local_authority, "officer.late"),
            by=None,
            actor_name="test",
            reason="x",
            starts_on=dt.date(2024, 12, 31),
        )


# Chart and figure helpers ------------------------------------------------------------------------------------


def test_figures_read_as_published_and_missing_ones_say_why() -> None:
    measures = catalogue().measures
    assert figure_text(63.0, measures["ks2.rwm_exp"]) == "63%"
    assert figure_text(-0.12, measures["ks4.p8"]) == "-0.12"
    assert figure_text(0.29, measures["ks4.p8"]) == "+0.29"
    assert figure_text(0.0, measures["ks4.p8"]) == "0.00"
    assert figure_text(1250, measures["census.nor"]) == "1,250"
    assert figure_text(None, measures["ks2.rwm_exp"]) == ""
    assert missing_text("SUPP") == "no figure: suppressed"
    assert missing_text("LOWCOV") == "no figure: low coverage"
    assert missing_text("blank") == "no figure published"


def test_bar_chart_geometry() -> None:
    percent = bar_chart([BarInput("This school", 63.0, "63%"), BarInput("England", None, "no figure")], unit="percent")
    assert percent is not None
    assert percent.bars[0].x == 0 and percent.bars[0].width == pytest.approx(0.63 * percent.width, abs=0.1)
    assert not percent.bars[1].has_value and percent.zero_x is None
    progress = bar_chart([BarInput("This school", -2.0, "-2.0", lower=-3.0, upper=-1.0)], unit="progress")
    assert progress is not None and progress.zero_x == pytest.approx(progress.width / 2)
    bar = progress.bars[0]
    assert bar.x + bar.width == pytest.approx(progress.zero_x)  # runs left from zero
    assert bar.whisker is not None and bar.whisker[0] < bar.x < bar.whisker[1] < progress.zero_x
    assert bar_chart([BarInput("No figure", None, "no figure")], unit="percent") is None


def test_an_establishment_outside_the_register_sample_has_no_section(db: None) -> None:
    school = EstablishmentFactory()
    officer = officer_of(school.local_authority)
    html = signed_in(officer).get(f"/schools/{school.urn}/evidence/").content.decode()
    assert "No performance data imported for this school." in html
