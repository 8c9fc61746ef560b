"""An LA adopts Headway by writing configuration: its own folder is read first, `headway config check` says
what is wrong as file:line, a policy is refused for another authority or outside its dates, and the shipped
Barnet 2021-24 policy categorises as the strategy says (no independent school, college or closed school;
academies offered keeping-in-touch visits only)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from headway import configuration
from headway.accounts.models import Role
from headway.configuration_check import check
from headway.risk.models import CategoryProposal
from headway.risk.policy import POLICY_DIR, PolicyError, policy_named
from headway.risk.services import round_confirm_all, round_run
from headway.schools.models import Establishment, LocalAuthority
from headway.visits.models import Visit
from headway.visits.planning import visit_plan_build
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

SHIPPED_BARNET = (POLICY_DIR / "barnet-2021.yaml").read_text(encoding="utf-8")


@pytest.fixture
def la_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    (folder / "policies").mkdir(parents=True)
    monkeypatch.setenv("HEADWAY_CONFIG_DIR", str(folder))
    return folder


def test_the_las_folder_is_read_first(la_folder: Path) -> None:
    own = SHIPPED_BARNET.replace('title: "Barnet school categorisation 2021-24', 'title: "Our own categorisation')
    (la_folder / "policies" / "barnet-2021.yaml").write_text(own, encoding="utf-8")
    assert policy_named("barnet-2021").title.startswith("Our own categorisation")
    assert configuration.find("policies", "report-cards-2025") == POLICY_DIR / "report-cards-2025.yaml"
    assert "barnet-2021" in configuration.names("policies")
    assert configuration.find("policies", "../secrets") is None
    with pytest.raises(PolicyError, match="no categorisation policy called 'nothing'"):
        policy_named("nothing")


def test_a_policy_is_read_again_when_its_file_changes_and_not_before(la_folder: Path) -> None:
    path = la_folder / "policies" / "barnet-2021.yaml"
    path.write_text(SHIPPED_BARNET.replace("Barnet school categorisation 2021-24", "First wording"), encoding="utf-8")
    first = policy_named("barnet-2021")
    assert first.title.startswith("First wording")
    assert policy_named("barnet-2021") is first  # kept: not parsed on every page view
    path.write_text(SHIPPED_BARNET.replace("Barnet school categorisation 2021-24", "Second wording"), encoding="utf-8")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))  # a later change, whatever the clock's grain
    assert policy_named("barnet-2021").title.startswith("Second wording")
    path.write_text("title: [unclosed", encoding="utf-8")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    with pytest.raises(PolicyError, match="not valid YAML"):
        policy_named("barnet-2021")  # a broken file is refused, never answered from what was kept


def test_the_shipped_configuration_passes_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("config", "check")
    assert "no problems" in capsys.readouterr().out
    count, problems = check()
    assert problems == [] and count >= 15


@pytest.mark.parametrize(
    ("folder", "file", "text", "problem"),
    [
        (
            "policies",
            "walsall.yaml",
            SHIPPED_BARNET.replace(
                "{evidence: latest_grade, equals: 3}", "{evidence: ks2_l4_english_maths, below: 60}"
            ),
            "unknown evidence 'ks2_l4_english_maths'",
        ),
        (
            "policies",
            "twice.yaml",
            SHIPPED_BARNET.replace("version: 1\n", "version: 1\nversion: 2\n"),
            "'version' is given twice",
        ),
        (
            "letter_templates",
            "designation.txt",
            "Dear {{ headteacher_name }},\n",
            "'headteacher_name' is not something",
        ),
        (
            "local_evidence",
            "ours.yaml",
            "indicators:\n  - {name: latest_grade, label: x, type: yes_no}\n",
            "already evidence",
        ),
    ],
    ids=["unknown-evidence", "key-twice", "letter-field", "local-evidence-name"],
)
def test_the_check_names_file_and_line(tmp_path: Path, folder: str, file: str, text: str, problem: str) -> None:
    (tmp_path / folder).mkdir()
    path = tmp_path / folder / file
    path.write_text(text, encoding="utf-8")
    count, problems = check(tmp_path)
    assert count == 1
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:") and problem in problems[0]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("config", "check", str(tmp_path))


def test_an_unknown_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "polices").mkdir()
    _, problems = check(tmp_path)
    assert problems and "does not read a folder called 'polices'" in problems[0]


@pytest.fixture
def barnet(db: None) -> LocalAuthority:
    la = LocalAuthorityFactory(code="302", name="Barnet")
    for urn, name, governance, type_group, status in (
        (101001, "Maintained Primary", "maintained", "Local authority maintained schools", "Open"),
        (101002, "Academy Primary", "academy", "Academies", "Open"),
        (101003, "Independent School", "independent", "Independent schools", "Open"),
        (101004, "Sixth Form College", "other", "Colleges", "Open"),
        (101005, "Closed Primary", "maintained", "Local authority maintained schools", "Closed"),
    ):
        EstablishmentFactory(
            local_authority=la, urn=urn, name=name, governance=governance, type_group=type_group, status=status
        )
    return la


def test_a_round_is_refused_for_another_authority_or_date(barnet: LocalAuthority) -> None:
    barnsley = LocalAuthorityFactory(code="370", name="Barnsley")
    with pytest.raises(PolicyError, match="written for the authority 302, not for Barnsley"):
        round_run(local_authority=barnsley, policy=policy_named("barnet-2021"), as_of=dt.date(2024, 1, 1), by=None)
    with pytest.raises(PolicyError, match="in force from 1 September 2021"):
        round_run(local_authority=barnet, policy=policy_named("barnet-2021"), as_of=dt.date(2011, 3, 1), by=None)
    with pytest.raises(CommandError, match="not for Barnsley"):
        call_command("categorise", "--la", "370", "--policy", "barnet-2021", "--no-risk")


def test_barnet_2021_categorises_maintained_schools_and_offers_academies_keeping_in_touch(
    barnet: LocalAuthority, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("categorise", "--la", "302", "--policy", "barnet-2021", "--as-of", "2024-06-01", "--no-risk", "--json")
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {s["urn"] for s in printed["schools"]} == {"101001", "101002"}
    assert {s["urn"]: s["category"] for s in printed["schools"]} == {"101001": "2", "101002": "academy"}
    admin = UserFactory(role=Role.LA_ADMIN, local_authority=barnet)
    round_confirm_all(categorisation_round=CategoryProposal.objects.first().round, by=admin)  # type: ignore[union-attr]
    visit_plan_build(local_authority=barnet, start_year=2024, today=dt.date(2024, 7, 1), by=admin)
    academy = list(Visit.objects.filter(establishment__urn=101002))
    assert [v.purpose for v in academy] == ["Keeping-in-touch visit (offered)"]
    assert Visit.objects.filter(establishment__urn=101001).count() == 2  # securely good: two visits
    assert not Visit.objects.filter(establishment__urn__in=[101003, 101004, 101005]).exists()
    assert Establishment.objects.count() == 5


def test_barnet_2014_partnership_rules_follow_the_paper() -> None:
    from headway.support.partnership_policy import partnership_policy_named

    policy = partnership_policy_named("barnet-2014")
    sizes = {name: (rule.min_size, rule.max_size) for name, rule in policy.types.items()}
    assert sizes["hard"] == (2, 6) and sizes["structured"] == (3, 10) and sizes["loose"][0] == 2  # 5.7.1, 5.7.3
    assert policy.effective_from == dt.date(2014, 9, 1)


def test_the_2011_floor_rule_reads_measures_that_exist_and_fires() -> None:
    """Walsall 2011 (seed 004, 3.2): below 60% level 4 in English and maths and below the expected-progress
    medians (87% English, 86% maths) is below the floor; the catalogue holds the three measures."""
    from decimal import Decimal

    from headway.performance.standards import Figure, school_standards

    below = {
        2011: {
            "ks2.l4_english_maths": Figure(Decimal(55)),
            "ks2.expected_progress_english": Figure(Decimal(80)),
            "ks2.expected_progress_maths": Figure(Decimal(84)),
        }
    }
    above = {2011: {**below[2011], "ks2.expected_progress_maths": Figure(Decimal(90))}}
    floor = [f for f in school_standards(below) if f.kind == "floor" and f.year == 2011]
    assert [f.outcome for f in floor] == ["below"]
    assert [f.outcome for f in school_standards(above) if f.kind == "floor" and f.year == 2011] == ["met"]
    policy = policy_named("walsall-2011")
    from headway.risk.policy import apply_policy

    assert apply_policy(policy, {"floor_below": True, "latest_grade": 2}).category.code == "below_floor"
    assert apply_policy(policy, {"floor_below": False, "latest_grade": 3}).category.code == "core_support"


def test_a_standard_naming_a_measure_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    from headway.performance.standards import STANDARDS_FILE, StandardsError, load_standards

    broken = tmp_path / "standards.yaml"
    broken.write_text(
        STANDARDS_FILE.read_text(encoding="utf-8").replace("ks2.l4_english_maths", "ks2.l4_eng_maths"),
        encoding="utf-8",
    )
    with pytest.raises(StandardsError, match=r"'ks2\.l4_eng_maths' is not a measure of the catalogue"):
        load_standards(broken)


@pytest.mark.django_db
def test_the_settings_share_is_a_catalogue_measure() -> None:
    from headway.performance.benchmarks import la_figure
    from tests.helpers import FIXTURES, load

    for code, name in (("302", "Barnet"), ("370", "Barnsley"), ("335", "Walsall")):
        LocalAuthorityFactory(code=code, name=name)
    result = load("early-years", FIXTURES / "earlyyears" / "valid" / "childcare_providers_invented.csv")
    assert not result.rejected, result.errors
    figure = la_figure(la_code="302", year=2026, measure_code="inspections.settings_good_or_better")
    assert figure is not None and figure.value == 60.0  # 3 of Barnet's 5 inspected active settings, by hand


def test_an_la_adds_a_measure_to_the_catalogue(la_folder: Path) -> None:
    from headway.performance.catalogue import catalogue

    (la_folder / "catalogue").mkdir()
    (la_folder / "catalogue" / "walsall.yaml").write_text(
        "measures:\n"
        "  - code: ks2.l5_maths\n"
        '    label: "Maths: % at level 5 (before 2016)"\n'
        "    dataset: ks2\n"
        "    key_stage: KS2\n"
        "    unit: percent\n"
        "    polarity: higher\n"
        "    columns: [PTMAT5]\n"
        "    years: [2011]\n",
        encoding="utf-8",
    )
    assert catalogue().get("ks2.l5_maths").label.startswith("Maths")
    (la_folder / "catalogue" / "broken.yaml").write_text(
        "measures:\n  - code: ks2.other\n    label: x\n    dataset: nowhere\n", encoding="utf-8"
    )
    _, problems = check(la_folder)
    assert len(problems) == 1 and problems[0].startswith(str(la_folder / "catalogue" / "broken.yaml") + ":4:")


def test_barnsley_2022_escalates_stuck_schools_and_is_barnsleys() -> None:
    from headway.risk.policy import apply_policy

    policy = policy_named("barnsley-2022")
    assert policy.authority == "370" and policy.effective_to == dt.date(2025, 8, 31)
    assert apply_policy(policy, {"stuck": True, "governance": "academy"}).category.code == "escalation"
    assert apply_policy(policy, {"latest_grade": 3, "capacity_to_improve": "B"}).category.code == "support"
    assert apply_policy(policy, {"good_or_better": True, "latest_grade": 2}).category.code == "universal"


def test_an_las_areas_file_is_imported_by_name_and_checked(la_folder: Path, db: None) -> None:
    from tests.helpers import FIXTURES

    source = next((FIXTURES / "areas").glob("**/*.csv"))
    (la_folder / "areas").mkdir()
    (la_folder / "areas" / "ours.csv").write_bytes(source.read_bytes())
    (la_folder / "areas" / "broken.csv").write_text("URN,Area\nabc,North\n", encoding="utf-8")
    _, problems = check(la_folder)
    broken = str(la_folder / "areas" / "broken.csv")
    assert f"{broken}:1:Kind: required column is missing" in problems
    # the good file's rows name schools this (empty) register does not have yet: said, row by row
    assert any(p.startswith(str(la_folder / "areas" / "ours.csv") + ":2:URN: no school") for p in problems)
