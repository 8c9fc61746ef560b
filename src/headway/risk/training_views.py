"""The page where an LA administrator (or a superuser) starts training the risk model, and the page that follows
the training on the background runner until it shows what the new model learnt from
(``headway.risk.model_training``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway import background
from headway.accounts import permissions
from headway.date_input import DateInputField
from headway.risk import model_training as service
from headway.risk.model_designs import DEFAULT_DESIGN


class TrainingForm(forms.Form):
    until = DateInputField(
        "Learn from inspections whose outcomes were published by",
        help_text="Usually today. The model only sees what was public by this date. For example, 31 8 2026",
    )
    since = DateInputField(
        "Learn from inspections since",
        help_text="1 September 2012, when 'requires improvement' replaced 'satisfactory', unless you have a reason",
    )
    design = forms.ChoiceField(
        label="Way of training",
        choices=list(service.DESIGN_WORDS.items()),
        widget=forms.RadioSelect,
        initial=DEFAULT_DESIGN,
        error_messages={"required": "Choose a way of training", "invalid_choice": "Choose a way of training"},
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        until, since = cleaned.get("until"), cleaned.get("since")
        if until and until > timezone.localdate():
            self.add_error("until", "The date outcomes were published by must be today or in the past")
        elif until and since and since >= until:
            self.add_error("since", "The date to learn from must be before the date outcomes were published by")
        return cleaned


def _trainer(request: HttpRequest) -> None:
    if not permissions.can_train_risk_model(request.user):
        raise PermissionDenied("Only LA administrators train the risk model.")


@login_required
def training(request: HttpRequest) -> HttpResponse:
    _trainer(request)
    if request.method == "POST":
        form = TrainingForm(request.POST)
        if form.is_valid():
            choice = service.TrainingChoice(
                until=form.cleaned_data["until"], since=form.cleaned_data["since"], design=form.cleaned_data["design"]
            )
            started = service.start_training(choice, by=permissions.signed_in(request))
            background.remember(request, service.TASK_KIND, started)
            return redirect("risk:training_progress", task_id=started.id)
    else:
        default = service.default_choice(timezone.localdate())
        form = TrainingForm(initial={"until": default.until, "since": default.since, "design": default.design})
    return render(request, "risk/training.html", {"form": form})


@login_required
@require_safe
def training_progress(request: HttpRequest, task_id: str) -> HttpResponse:
    """The training at work (reloading itself), then its result; only for whoever started it, in this session."""
    _trainer(request)
    now = background.recall(request, service.TASK_KIND, task_id)
    if not now.done:
        return background.waiting_page(
            request,
            now,
            title="Training the risk model",
            explanation=(
                "Headway is learning from every school's inspections and published results. On the national data "
                "this takes a few minutes; this page shows what the model learnt when it is ready."
            ),
            back_url=reverse("risk:training"),
            back_text="Train the risk model",
        )
    result = now.return_value if isinstance(now.return_value, dict) else None
    return render(
        request,
        "risk/training_result.html",
        {
            "failed": result is None or "error" in result,
            "sentences": service.summary(result) if result is not None else [],
        },
    )
