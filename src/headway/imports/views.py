from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from headway.accounts import permissions
from headway.accounts.models import User
from headway.imports.forms import ImportUploadForm
from headway.imports.models import ImportRun
from headway.imports.registry import importer_for
from headway.imports.services import run_import

#: The extensions of the files Headway reads.
KNOWN_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls", ".parquet"}


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import(request.user):
        raise PermissionDenied
    assert isinstance(request.user, User)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory(prefix="headway-upload-") as folder:
            # The file keeps its own extension: a workbook reader goes by it (an .xlsx saved as "upload" is
            # refused as "not a readable Excel workbook").
            suffix = Path(uploaded.name).suffix.lower()
            path = Path(folder) / f"upload{suffix if suffix in KNOWN_SUFFIXES else ''}"
            with path.open("wb") as handle:
                for chunk in uploaded.chunks():
                    handle.write(chunk)
            result = run_import(
                importer_for(form.cleaned_data["kind"], **form.importer_options()),
                path,
                display_name=Path(uploaded.name).name,
                user=request.user,
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        return render(request, "imports/result.html", {"result": result}, status=422 if result.rejected else 200)
    recent = ImportRun.objects.select_related("imported_by")[:20]
    return render(request, "imports/upload.html", {"form": form, "recent": recent})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_see_import_history(request.user):
        raise PermissionDenied
    run = get_object_or_404(ImportRun, pk=pk)
    return render(request, "imports/run_detail.html", {"run": run})
