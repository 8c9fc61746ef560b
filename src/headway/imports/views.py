from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.models import User
from headway.imports import jobs
from headway.imports.forms import ImportUploadForm, max_upload_bytes, too_large_message
from headway.imports.models import ImportJob

#: Room for the form's other fields around the file in a request's body.
FORM_OVERHEAD_BYTES = 1024 * 1024


def _history_user(request: HttpRequest) -> User:
    if not permissions.can_see_import_history(request.user):
        raise PermissionDenied
    return permissions.signed_in(request)


def _upload_page(request: HttpRequest, form: ImportUploadForm, status: int = 200) -> HttpResponse:
    user = permissions.signed_in(request)
    context = {
        "form": form,
        "recent": jobs.runs_visible_to(user)[:20],
        "in_progress": jobs.jobs_visible_to(user).filter(status__in=ImportJob.ACTIVE)[:20],
        "max_upload_mb": max_upload_bytes() / (1024 * 1024),
    }
    return render(request, "imports/upload.html", context, status=status)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import(request.user):
        raise PermissionDenied
    user = permissions.signed_in(request)
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > (
        max_upload_bytes() + FORM_OVERHEAD_BYTES
    ):
        # Refused before the file is read: a file over the limit is never written to disk.
        form = ImportUploadForm({}, {})
        form.is_valid()
        form.errors.clear()  # only the one problem: the file is too large
        form.add_error("file", too_large_message())
        return _upload_page(request, form, status=413)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        name = Path(uploaded.name).name
        stored = jobs.store_upload(uploaded.chunks(), name)
        try:
            job = jobs.start_upload(
                kind=form.cleaned_data["kind"],
                options=form.importer_options(),
                upload=stored,
                file_name=name,
                user=user,
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except jobs.AlreadyImporting as refusal:
            form.add_error("file", refusal.message)
            return _upload_page(request, form, status=409)
        if not job.active:  # it has already ended (tasks run at once: ImmediateBackend)
            return _job_page(request, job)
        return redirect("imports:job", pk=job.pk)
    return _upload_page(request, form)


def _job_page(request: HttpRequest, job: ImportJob) -> HttpResponse:
    status = 422 if job.status == ImportJob.Status.REJECTED else 200
    context = {"job": job, "progress": jobs.progress_of(job), "result": job.result}
    return render(request, "imports/job.html", context, status=status)


@login_required
@require_safe
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _history_user(request)
    job = jobs.settle(get_object_or_404(jobs.jobs_visible_to(user), pk=pk))
    return _job_page(request, job)


@login_required
@require_safe
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    user = _history_user(request)
    job = jobs.settle(get_object_or_404(jobs.jobs_visible_to(user), pk=pk))
    return JsonResponse(jobs.progress_of(job))


@login_required
@require_safe
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _history_user(request)
    run = get_object_or_404(jobs.runs_visible_to(user), pk=pk)
    return render(request, "imports/run_detail.html", {"run": run})
