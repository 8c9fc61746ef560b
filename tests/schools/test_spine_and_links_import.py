"""The register for LAs without a GIAS extract (DfE's spine) and GIAS predecessor/successor links."""

from __future__ import annotations

import datetime as dt

from headway.schools.models import Establishment, EstablishmentLink, Governance, LocalAuthority
from tests.helpers import DEMO_DATA, FIXTURES, load


def test_spine_builds_the_register_for_barnet_barnsley_and_walsall(db: None) -> None:
    result = load("spine", DEMO_DATA / "spine_2017-2018_302_370_335.xlsx")
    assert not result.rejected, result.errors[:5]
    assert Establishment.objects.count() == 385
    assert {la.code: la.name for la in LocalAuthority.objects.all()} == {
        "302": "Barnet",
        "335": "Walsall",
        "370": "Barnsley",
    }
    assert LocalAuthority.objects.get(code="302").region == "Outer London"
    assert Establishment.objects.filter(local_authority__code="302").count() == 167
    closed = Establishment.objects.filter(status="Closed")
    assert closed.count() == 10  # ICLOSE 2, each with a CLOSEDATE
    assert not closed.filter(close_date=None).exists()
    assert Establishment.objects.filter(governance=Governance.ACADEMY).exists()
    assert Establishment.objects.filter(governance=Governance.MAINTAINED).exists()
    assert set(Establishment.objects.values_list("phase", flat=True)) >= {"Primary", "Secondary"}
    assert EstablishmentLink.objects.filter(link_type="Predecessor").count() == 10
    again = load("spine", DEMO_DATA / "spine_2017-2018_302_370_335.xlsx")
    assert (again.created, again.updated) == (0, 0)


def test_spine_never_overwrites_a_school_gias_describes(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    spine = tmp_path / "spine.csv"
    spine.write_text(
        "URN,LA,ESTAB,SCHNAME,NFTYPE,MINORGROUP\n115850,850,2000,OLD NAME,Community school,Maintained School\n"
    )
    result = load("spine", spine)
    assert (result.created, result.updated) == (0, 0)
    assert Establishment.objects.get(urn=115850).name == "Alton Infant School"
    assert any("left as they are" in notice for notice in result.notices)


def test_gias_links_with_dates(db: None) -> None:
    result = load("gias-links", DEMO_DATA / "links_demo.csv")
    assert not result.rejected, result.errors[:5]
    assert result.created == EstablishmentLink.objects.count() > 500
    again = load("gias-links", DEMO_DATA / "links_demo.csv")
    assert (again.created, again.updated) == (0, 0)
    dated = EstablishmentLink.objects.exclude(established_on=None).first()
    assert dated is not None and isinstance(dated.established_on, dt.date)
