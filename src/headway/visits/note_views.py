"""Pages for notes of visit, the school's response, the pre-visit self-evaluation and in-app notices.

Views parse input, ask ``headway.accounts.permissions``, call one service and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from headway.accounts import permissions
from headway.accounts.models import Role
from headway.visits import notes
from headway.visits.models import NoteOfVisit, Notice, SelfEvaluation, Visit
from headway.visits.note_forms import NoteForm, ReasonForm, ResponseForm, SelfEvaluationEntryForm, TemplateChoiceForm
from headway.visits.note_templates import note_template_named, self_evaluation_form_named
from headway.visits.self_evaluation import (
    SelfEvaluationError,
    graded_areas,
    self_evaluation_submit,
    self_grades_for,
)


def _note_for(request: HttpRequest, pk: int) -> NoteOfVisit:
    """The note if this user may read it; otherwise 404, so another school's note is not even confirmed."""
    note = get_object_or_404(
        NoteOfVisit.objects.select_related("visit__establishment", "visit__officer", "author"), pk=pk
    )
    if not permissions.can_view_note(request.user, note):
        raise Http404("No such note for you.")
    return note


def _visit_for(request: HttpRequest, visit_id: int) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("establishment", "officer"), pk=visit_id)
    if not permissions.can_view_establishment(request.user, visit.establishment):
        raise Http404("No such visit for you.")
    return visit


@login_required
def note_list(request: HttpRequest) -> HttpResponse:
    user = permissions.signed_in(request)
    is_school = user.role == Role.SCHOOL_USER
    if not (is_school or permissions.is_la_staff(user)):
        raise PermissionDenied
    visible = notes.notes_visible_to(user)
    context = {
        "awaiting": notes.awaiting_response(user) if is_school else [],
        "notes": [n for n in visible if not (is_school and n.status == NoteOfVisit.Status.SENT)],
        "is_school": is_school,
        "my_visits": (
            Visit.objects.filter(officer=user).select_related("establishment").order_by("-planned_on")[:50]
            if not is_school
            else Visit.objects.filter(establishment__school_users=user, status=Visit.Status.PLANNED)
            .select_related("establishment")
            .order_by("planned_on")[:20]
        ),
    }
    return render(request, "visits/note_list.html", context)


@login_required
def note_create(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit_for(request, visit_id)
    if not permissions.can_write_note(request.user, visit):
        raise PermissionDenied
    form = TemplateChoiceForm(request.POST or None, initial={"template": "standard"})
    if request.method == "POST" and form.is_valid():
        try:
            note = notes.note_create(
                visit=visit, template_name=form.cleaned_data["template"], author=permissions.signed_in(request)
            )
        except notes.NoteWorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Draft note started.")
            return redirect("notes:edit", pk=note.pk)
    return render(request, "visits/note_create.html", {"visit": visit, "form": form})


@login_required
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = _note_for(request, pk)
    user = permissions.signed_in(request)
    can_write = permissions.can_write_note(user, note.visit)
    evaluation = SelfEvaluation.objects.filter(visit=note.visit).first() if can_write else None
    return render(
        request,
        "visits/note_detail.html",
        {
            "note": note,
            "template": note_template_named(note.template_name),
            "sections": notes.written_sections(note),
            "areas": notes.judged_areas(note),
            "response": notes.school_response(note),
            "can_write": can_write,
            "can_respond": permissions.can_respond_to_note(user, note),
            "history": notes.history(note) if can_write else [],
            "no_school_users": (
                can_write and note.status == NoteOfVisit.Status.DRAFT and not notes.school_has_users(note)
            ),
            "next_version": NoteOfVisit.objects.filter(previous_version=note).first(),
            "evaluation": evaluation,
            "reason_form": ReasonForm() if can_write and note.status == NoteOfVisit.Status.FINAL else None,
        },
    )


@login_required
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = _note_for(request, pk)
    if not permissions.can_write_note(request.user, note.visit):
        raise PermissionDenied
    if note.status != NoteOfVisit.Status.DRAFT:
        messages.info(request, "Only a draft can be changed. To correct a final note, start a new version.")
        return redirect("notes:detail", pk=note.pk)
    template = note_template_named(note.template_name)
    self_grades = self_grades_for(note.visit)
    form = NoteForm(request.POST or None, template=template, self_grades=self_grades, note=note)
    if request.method == "POST" and form.is_valid():
        try:
            notes.note_update(note=note, by=permissions.signed_in(request), **form.content())
        except notes.NoteWorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Draft saved.")
            return redirect("notes:detail", pk=note.pk)
    evaluation = SelfEvaluation.objects.filter(visit=note.visit).first()
    return render(
        request,
        "visits/note_edit.html",
        {"note": note, "template": template, "form": form, "evaluation": evaluation},
    )


def _transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    note = _note_for(request, pk)
    user = permissions.signed_in(request)
    try:
        if action == "send":
            notes.note_send(note=note, by=user)
            messages.success(request, "The note has been sent to the school.")
        elif action == "finalise":
            notes.note_finalise(note=note, by=user)
            messages.success(request, "The note is final.")
        elif action == "share":
            notes.note_share_with_governors(note=note, by=user)
            messages.success(request, "The note is shared with the chair of governors and the school's users.")
    except notes.NoteWorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("notes:detail", pk=note.pk)


@login_required
@require_POST
def note_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Sends the draft. When no one at the school has an account, no one would be told: the page says so and
    asks again, and sends only when the officer confirms (``no_users_confirmed``)."""
    note = _note_for(request, pk)
    if (
        permissions.can_write_note(request.user, note.visit)
        and note.status == NoteOfVisit.Status.DRAFT
        and not notes.school_has_users(note)
        and request.POST.get("no_users_confirmed") != "yes"
    ):
        return render(request, "visits/note_send_confirm.html", {"note": note})
    return _transition(request, pk, "send")


@login_required
@require_POST
def note_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "finalise")


@login_required
@require_POST
def note_share(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "share")


@login_required
@require_POST
def note_correct(request: HttpRequest, pk: int) -> HttpResponse:
    note = _note_for(request, pk)
    if not permissions.can_write_note(request.user, note.visit):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            correction = notes.note_correct(
                note=note, by=permissions.signed_in(request), reason=form.cleaned_data["reason"]
            )
        except notes.NoteWorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Version {correction.version} started as a draft.")
            return redirect("notes:edit", pk=correction.pk)
    else:
        messages.error(request, "Say why the note needs correcting.")
    return redirect("notes:detail", pk=note.pk)


@login_required
def note_respond(request: HttpRequest, pk: int) -> HttpResponse:
    note = _note_for(request, pk)
    user = permissions.signed_in(request)
    if not permissions.is_school_user_of(user, note.visit.establishment):
        raise PermissionDenied
    if note.status != NoteOfVisit.Status.SENT:
        messages.info(request, "This note is not waiting for your response.")
        return redirect("notes:detail", pk=note.pk)
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comments = form.cleaned_data["comments"]
        try:
            if form.cleaned_data["response"] == "agree":
                notes.note_agree(note=note, by=user, comments=comments)
                messages.success(request, "Thank you: you have agreed the note.")
            else:
                notes.note_mark_inaccurate(note=note, by=user, comments=comments)
                messages.success(request, "Thank you: the officer will see what you say is inaccurate.")
        except notes.NoteWorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("notes:list")
    return render(
        request,
        "visits/note_respond.html",
        {
            "note": note,
            "template": note_template_named(note.template_name),
            "sections": notes.written_sections(note),
            "areas": notes.judged_areas(note),
            "form": form,
        },
    )


@login_required
def note_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    from headway.visits.pdf import note_pdf  # fpdf is loaded only when a PDF is made

    note = _note_for(request, pk)
    response = HttpResponse(note_pdf(note), content_type="application/pdf")
    filename = f"note-of-visit-{note.visit.establishment.urn}-{note.visit.planned_on:%Y-%m-%d}-v{note.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def self_evaluation(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The school completes the form; the officer (and the school, once sent) reads it."""
    visit = _visit_for(request, visit_id)
    user = permissions.signed_in(request)
    if not permissions.can_view_self_evaluation(user, visit):
        raise PermissionDenied
    existing = SelfEvaluation.objects.filter(visit=visit).select_related("submitted_by").first()
    editable = permissions.can_complete_self_evaluation(user, visit)
    if editable and (request.method == "POST" or request.GET.get("change") or existing is None):
        form_data = self_evaluation_form_named()
        form = SelfEvaluationEntryForm(request.POST or None, form=form_data, existing=existing)
        if request.method == "POST" and form.is_valid():
            try:
                self_evaluation_submit(
                    visit=visit, by=user, grades=form.grades(), barriers=form.cleaned_data.get("barriers", "")
                )
            except SelfEvaluationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your self-evaluation has been sent to the LA.")
                return redirect("notes:self_evaluation", visit_id=visit.pk)
        return render(
            request, "visits/self_evaluation_form.html", {"visit": visit, "form": form, "definition": form_data}
        )
    if request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "visits/self_evaluation_detail.html",
        {
            "visit": visit,
            "evaluation": existing,
            "areas": graded_areas(existing) if existing is not None else [],
            "editable": editable,
        },
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    user = permissions.signed_in(request)
    notices = list(Notice.objects.filter(recipient=user)[:100])
    unread = [n.pk for n in notices if n.read_at is None]
    Notice.objects.filter(Q(pk__in=unread)).update(read_at=timezone.now())
    return render(request, "visits/note_notices.html", {"notices": notices, "unread": set(unread)})
