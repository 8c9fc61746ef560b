"""The staff upload page and the ``headway import`` command follow the same importer rules."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from headway.accounts.models import Role
from headway.imports.models import ImportRun
from headway.schools.models import Establishment
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import FIXTURES, row_counts


@pytest.fixture
def la_admin(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(role=Role.LA_ADMIN, local_authority=LocalAuthorityFactory(code="850", name="Hampshire"))


def upload(client: Client, path, kind: str = "gias", **extra):  # type: ignore[no-untyped-def]
    data = {"kind": kind, "file": SimpleUploadedFile(path.name, path.read_bytes()), **extra}
    return client.post("/imports/", data)


def test_la_admin_uploads_a_gias_extract(la_admin) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(la_admin)
    response = upload(client, FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert response.status_code == 200
    assert b"imported" in response.content
    run = ImportRun.objects.get()
    assert run.imported_by == la_admin
    assert run.file_name == "hampshire_extract_sample.csv"
    assert Establishment.objects.count() == 18
    assert client.get(f"/imports/{run.pk}/").status_code == 200


def test_rejected_upload_lists_problems_and_writes_nothing(la_admin) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(la_admin)
    before = row_counts()
    response = upload(client, FIXTURES / "gias" / "invalid" / "bad_values_in_two_rows.csv")
    assert response.status_code == 422
    assert b"bad_values_in_two_rows.csv:3:PercentageFSM: &#x27;lots&#x27; is not a number" in response.content
    # Nothing but the audit of the upload itself (who handed which file over, and when).
    after = row_counts()
    assert after.pop("accounts.AuditEvent") == before.pop("accounts.AuditEvent") + 1
    assert after == before


def test_upload_form_errors_are_shown(la_admin) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(la_admin)
    response = client.post("/imports/", {"kind": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"kind", "file"}
    assert b"There is a problem" in response.content


def test_command_prints_json_and_exits_2_when_rejected(db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("import", "gias", str(FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"), "--json")
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert first["created"] > 18 and first["errors"] == []
    call_command("import", "gias", str(FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"), "--json")
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {k: second[k] for k in ("created", "updated", "unchanged", "skipped")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 18,
        "skipped": 0,
    }
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "gias", str(FIXTURES / "gias" / "invalid" / "missing_urn_column.csv"), "--json")
    assert exit_info.value.code == 2
    rejected = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rejected["rejected"] is True
    assert rejected["errors"][0].endswith("missing_urn_column.csv:1:URN: required column is missing")


def test_an_xlsx_upload_keeps_its_extension_and_imports(la_admin) -> None:  # type: ignore[no-untyped-def]
    from headway.earlyyears.models import Setting

    for code, name in (("302", "Barnet"), ("370", "Barnsley"), ("335", "Walsall")):
        LocalAuthorityFactory(code=code, name=name)
    # An LA administrator's import changes their own authority's settings only (6 of the file's 16 are Barnet's).
    la_admin.local_authority = LocalAuthorityFactory(code="302")
    la_admin.save()
    client = Client()
    client.force_login(la_admin)
    response = upload(client, FIXTURES / "earlyyears" / "valid" / "childcare_providers_invented.xlsx", "early-years")
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Setting.objects.count() == 6
    assert set(Setting.objects.values_list("local_authority__code", flat=True)) == {"302"}


def test_a_performance_file_needs_its_data_set_and_year(la_admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from headway.performance.models import SchoolResult

    client = Client()
    client.force_login(la_admin)
    upload(client, FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    path = tmp_path / "ks2_sample.csv"
    path.write_text("URN,PTRWM_EXP,TELIG\n115850,63%,40\n", encoding="utf-8")
    missing = upload(client, path, "performance")
    assert missing.status_code == 200
    assert missing.context["form"].errors.keys() >= {"dataset", "year"}
    assert not SchoolResult.objects.exists()
    done = upload(client, path, "performance", dataset="ks2", year="2019")
    assert done.status_code == 200, done.content.decode()[:2000]
    assert SchoolResult.objects.get(urn=115850, measure="ks2.rwm_exp", year=2019).value == 63


def test_the_real_links_file_with_long_link_types_imports(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from headway.schools.models import EstablishmentLink
    from tests.helpers import load

    path = tmp_path / "links.csv"
    path.write_text(
        '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\n'
        '100012,100021,"Rhyl Community Primary School",'
        '"Merged - expansion in school capacity and changer in age range","31-08-2021"\n',
        encoding="utf-8",
    )
    result = load("gias-links", path)
    assert not result.rejected, result.errors
    assert EstablishmentLink.objects.get().link_type.startswith("Merged - expansion")


def test_a_control_character_in_a_name_rejects_the_file_and_long_values_are_quoted_short(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import load

    source = (FIXTURES / "gias" / "valid" / "code_and_name_columns_invented.csv").read_bytes()
    hostile = tmp_path / "bell_in_a_name.csv"
    hostile.write_bytes(source.replace(b"Oakleigh Road School", b"Oakleigh Road\x07School", 1))
    before = row_counts()
    result = load("gias", hostile)
    assert result.rejected
    assert any("contains a control character" in e for e in result.errors), result.errors
    assert row_counts() == before
    long_value = tmp_path / "long.csv"
    long_value.write_text("URN,Rating,Inspection Date\n115850,Good," + "9" * 5000 + "\n", encoding="utf-8")
    rejected = load("ofsted", long_value)
    assert rejected.rejected and "(and 4800 more characters)" in rejected.errors[0]
    assert len(rejected.errors[0]) < 400
