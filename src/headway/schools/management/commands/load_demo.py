"""``headway load_demo``: load the shipped real sample data and create demo users (idempotent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from headway.accounts.models import Role, User
from headway.imports.registry import importer_for
from headway.imports.services import run_import
from headway.schools.models import Area, Establishment, LocalAuthority
from headway.schools.services import area_assign, area_create, link_officer_assign

#: (kind, file) in the order they must load: registers first, then links, then inspections.
DEMO_FILES = (
    ("gias", "gias_edubasealldata20220420_850.csv"),
    ("spine", "spine_2017-2018_302_370_335.xlsx"),
    ("gias-links", "links_demo.csv"),
    ("ofsted", "ofsted_graded_inspections_demo.csv"),
    ("benchmarks", "lait_benchmarks_headway.parquet"),
    ("neighbours", "sn_may_2025.xlsx"),
)

#: DfE performance tables (dataset, year, file under performance/): national trimmed files first, then
#: Hampshire's raw files, which carry more (confidence intervals, disadvantaged pupils) and supersede them.
#: Hampshire's raw files are named one year early: ks2_2016_850.csv holds summer 2017 results (its England
#: row, 61%, and every school's figures match the 2017 national file), so each is loaded as the year after.
DEMO_PERFORMANCE = (
    ("ks2", 2016, "ks2_perf_2016.csv"),
    ("ks2", 2017, "ks2_perf_2017.csv"),
    ("ks2", 2018, "ks2_perf_2018.csv"),
    ("ks4", 2016, "ks4_perf_2016.csv"),
    ("ks4", 2017, "ks4_perf_2017.csv"),
    ("ks4", 2018, "ks4_perf_2018.csv"),
    ("ks2", 2017, "ks2_2016_850.csv"),
    ("ks2", 2018, "ks2_2017_850.csv"),
    ("ks2", 2019, "ks2_2018_850.csv"),
    ("ks4", 2018, "ks4_2017_850.csv"),
    ("ks4", 2019, "ks4_2018_850.csv"),
    ("ks4", 2019, "kspdev__england_ks4provisional.csv"),
    ("census", 2019, "kspdev__england_census.csv"),
    ("absence", 2019, "kspdev__england_abs.csv"),
    ("ks4-destinations", 2019, "kspdev__england_ks4-pupdest.csv"),
)

#: username, role, LA code, school URN (school users), password
DEMO_USERS = (
    ("admin", Role.LA_ADMIN, "850", None, "headway-admin"),
    ("officer.hampshire", Role.LA_OFFICER, "850", None, "headway-officer"),
    ("officer.barnet", Role.LA_OFFICER, "302", None, "headway-officer"),
    ("board.hampshire", Role.BOARD_MEMBER, "850", None, "headway-board"),
    ("head.alton", Role.SCHOOL_USER, None, 115850, "headway-head"),
)

#: The invented names the demo's people go by on pages and letters.
DEMO_NAMES = {
    "admin": ("Amira", "Khan"),
    "officer.hampshire": ("Olu", "Adebayo"),
    "officer.barnet": ("Sam", "Patel"),
    "board.hampshire": ("Jo", "Whitmore"),
    "head.alton": ("Ruth", "Ellis"),
}

ACTOR = "the demo loader"
KPI_SET = Path(__file__).resolve().parents[3] / "strategy" / "kpi_sets" / "barnet-302.yaml"


class Command(BaseCommand):
    help = "Load the shipped demo data (Hampshire, Barnet, Barnsley, Walsall) and create demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=Path("data/demo"))

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["data_dir"]
        for kind, file_name in DEMO_FILES:
            result = run_import(importer_for(kind), folder / file_name, display_name=file_name, actor_name=ACTOR)
            if result.rejected:
                raise CommandError("\n".join([result.summary(), *result.errors]))
            self.stdout.write(result.summary())
        for dataset, year, file_name in DEMO_PERFORMANCE:
            result = run_import(
                importer_for("performance", dataset=dataset, year=year),
                folder / "performance" / file_name,
                display_name=file_name,
                actor_name=ACTOR,
            )
            if result.rejected:
                raise CommandError("\n".join([result.summary(), *result.errors]))
            self.stdout.write(result.summary())
        call_command("kpi", "load", str(KPI_SET), stdout=self.stdout)
        # Barnet's own KPI tables (Education Strategy 2017-20, Appendix 1a and 1b), shipped as configuration.
        call_command("kpi", "load", "barnet-2017-20", stdout=self.stdout)
        self._configuration(folder / "config")
        self._hampshire_areas()
        self._users()
        self._caseload()
        self._categorisation_round()
        self._concerns()
        self._support()
        self._visits()

    def _visits(self) -> None:
        """The 2025/26 visit plan for Hampshire and a note of visit awaiting head.alton's response (once)."""
        from headway.visits.demo import demo_visits_load

        done = demo_visits_load(
            local_authority=LocalAuthority.objects.get(code="850"), by=User.objects.get(username="admin")
        )
        self.stdout.write("Visits (demo): " + ", ".join(done) if done else "Visits (demo): already loaded")

    def _support(self) -> None:
        """Demo providers, a traded service and a commission; the partnership survey answered by generated
        preferences for 2026 (once), so that an officer can propose partnerships."""
        from headway.support.demo import demo_support_load
        from headway.support.models import PartnershipPreference
        from headway.support.partnership_policy import partnership_policy_named
        from headway.support.partnerships import generate_preferences

        hampshire = LocalAuthority.objects.get(code="850")
        done = demo_support_load(local_authority=hampshire, by=User.objects.get(username="admin"))
        if done:
            self.stdout.write("Support (demo): " + ", ".join(done))
        if not PartnershipPreference.objects.filter(establishment__local_authority=hampshire).exists():
            answers = generate_preferences(
                local_authority=hampshire, start_year=2026, policy=partnership_policy_named("partnerships-2026")
            )
            self.stdout.write(f"Partnership survey (generated answers for the demo): {answers} schools")

    def _concerns(self) -> None:
        """A demo review group that designates the schools the round flags (once)."""
        from headway.concerns.demo import demo_concerns_load

        done = demo_concerns_load(
            local_authority=LocalAuthority.objects.get(code="850"),
            head_of_service=User.objects.get(username="admin"),
            lead_officer=User.objects.get(username="officer.hampshire"),
        )
        if done:
            self.stdout.write("Schools causing concern (demo review group): " + ", ".join(done))

    def _configuration(self, shipped: Path) -> None:
        """The demo authority's own configuration (its categorisation policy) copied into the configuration
        folder, never over a file an LA already has there."""
        from headway import configuration

        target = configuration.config_dir()
        copied = []
        for source in sorted(shipped.rglob("*.yaml")):
            destination = target / source.relative_to(shipped)
            if destination.exists():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read_bytes())
            copied.append(str(destination.relative_to(target)))
        if copied:
            self.stdout.write(f"Configuration (demo) copied into {target}: {', '.join(copied)}")

    def _categorisation_round(self) -> None:
        """A round for Hampshire under its own policy (the demo's configuration) as of its GIAS extract's date,
        once (rounds are never redone)."""
        from headway.risk.models import CategorisationRound
        from headway.risk.policy import policy_named
        from headway.risk.services import round_run

        hampshire = LocalAuthority.objects.get(code="850")
        if CategorisationRound.objects.filter(local_authority=hampshire).exists():
            return
        categorisation_round = round_run(
            local_authority=hampshire,
            policy=policy_named("hampshire-2022"),
            as_of=dt.date(2022, 4, 20),
            by=None,
            actor_name=ACTOR,
        )
        self.stdout.write(
            f"Categorisation round: {categorisation_round} ({categorisation_round.proposals.count()} schools)"
        )

    def _caseload(self) -> None:
        """officer.hampshire is link officer for twenty Hampshire schools (the "My schools" filter)."""
        officer = User.objects.get(username="officer.hampshire")
        open_schools = Establishment.objects.filter(local_authority__code="850", status__istartswith="open")
        for school in open_schools.order_by("urn")[:20]:
            link_officer_assign(
                establishment=school,
                officer=officer,
                by=None,
                actor_name=ACTOR,
                reason="Demo caseload",
                starts_on=dt.date(2024, 9, 1),
            )

    def _hampshire_areas(self) -> None:
        """Hampshire's schools, grouped into networks by district (an LA would define its own)."""
        hampshire = LocalAuthority.objects.filter(code="850").first()
        if hampshire is None:
            return
        with transaction.atomic():
            areas: dict[str, Area] = {}
            for school in Establishment.objects.filter(local_authority=hampshire).exclude(district=""):
                area = areas.get(school.district)
                if area is None:
                    area = area_create(
                        local_authority=hampshire,
                        name=school.district,
                        kind=Area.Kind.NETWORK,
                        by=None,
                        actor_name=ACTOR,
                    )
                    areas[school.district] = area
                if school.area_id is None:
                    area_assign(
                        establishment=school, area=area, by=None, actor_name=ACTOR, reason="Demo: network by district"
                    )

    def _users(self) -> None:
        self.stdout.write("\nDemo sign-ins (http://127.0.0.1:8000/):")
        for username, role, la_code, urn, password in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.role = role
            # People are shown by name, never by username (the demo's invented names).
            user.first_name, user.last_name = DEMO_NAMES[username]
            user.local_authority = LocalAuthority.objects.filter(code=la_code).first() if la_code else None
            user.is_staff = user.is_superuser = username == "admin"
            user.set_password(password)
            user.save()
            scope = f"LA {la_code}" if la_code else ""
            if urn is not None:
                school = Establishment.objects.filter(urn=urn).first()
                if school is not None:
                    user.schools.set([school])
                    scope = school.name
            self.stdout.write(f"  {username:<18} password {password:<16} {role.label} ({scope})")
