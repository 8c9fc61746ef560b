"""Forms for notes of visit and the pre-visit self-evaluation, built from the templates' data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from headway.visits.models import NoteOfVisit, SelfEvaluation
from headway.visits.note_templates import NoteTemplate, SelfEvaluationForm, note_template_named, note_template_names
from headway.visits.self_evaluation import NOT_APPLICABLE

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class TemplateChoiceForm(forms.Form):
    template = forms.ChoiceField(label="Which layout should the note use?", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, note_template_named(name).title) for name in note_template_names()]


class NoteForm(forms.Form):
    """A note's content, laid out by its template. Areas left without a judgement are not focus areas of this
    visit. Where the school graded itself on an area, the officer says explicitly whether they disagree."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        template: NoteTemplate,
        self_grades: Mapping[str, str],
        note: NoteOfVisit,
    ) -> None:
        initial: dict[str, Any] = {f"section_{k}": v for k, v in note.sections.items() if k != "deep_dive_subject"}
        initial["deep_dive_subject"] = note.sections.get("deep_dive_subject", "")
        for key, entry in note.judgements.items():
            initial[f"judgement_{key}"] = entry.get("judgement", "")
            initial[f"evidence_{key}"] = entry.get("evidence", "")
            initial[f"disagrees_{key}"] = entry.get("disagrees_with_self_grade", False)
        initial["actions"] = note.actions
        initial["next_steps"] = note.next_steps
        super().__init__(data, initial=initial)
        self.template = template
        self.self_grades = {k: v for k, v in self_grades.items() if v in template.judgements}
        for section in template.sections:
            self.fields[f"section_{section.key}"] = forms.CharField(
                label=section.label, help_text=section.hint, required=False, widget=TEXTAREA
            )
        if template.deep_dive:
            self.fields["deep_dive_subject"] = forms.CharField(
                label="Deep-dive subject",
                help_text="The subject looked at in depth on this visit, if any, e.g. Mathematics.",
                required=False,
                max_length=100,
            )
        choices = [("", "Not a focus of this visit"), *[(j, j) for j in template.judgements]]
        for area in template.areas:
            self.fields[f"judgement_{area.key}"] = forms.ChoiceField(
                label=f"Judgement on {area.label.lower()}", choices=choices, required=False
            )
            self.fields[f"evidence_{area.key}"] = forms.CharField(
                label=f"Evidence and findings on {area.label.lower()}", required=False, widget=TEXTAREA
            )
            if area.key in self.self_grades:
                self.fields[f"disagrees_{area.key}"] = forms.BooleanField(
                    label=f"I disagree with the school's self-grade ({self.self_grades[area.key]})",
                    help_text="Tick this when your judgement differs from the school's own.",
                    required=False,
                )
        if template.agreed_actions:
            self.fields["actions"] = forms.CharField(
                label="Agreed actions", help_text="Who does what by when.", required=False, widget=TEXTAREA
            )
        if template.next_steps:
            self.fields["next_steps"] = forms.CharField(label="Next steps", required=False, widget=TEXTAREA)

    def area_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "area": area,
                "self_grade": self.self_grades.get(area.key, ""),
                "judgement": self[f"judgement_{area.key}"],
                "evidence": self[f"evidence_{area.key}"],
                "disagrees": self[f"disagrees_{area.key}"] if f"disagrees_{area.key}" in self.fields else None,
            }
            for area in self.template.areas
        ]

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"section_{s.key}"] for s in self.template.sections]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for area in self.template.areas:
            judgement = data.get(f"judgement_{area.key}", "")
            evidence = (data.get(f"evidence_{area.key}") or "").strip()
            label = area.label.lower()
            if evidence and not judgement:
                self.add_error(f"judgement_{area.key}", f"Choose a judgement on {label}, or remove the evidence.")
            if judgement and not evidence:
                self.add_error(f"evidence_{area.key}", f"Give the evidence for the judgement on {label}.")
            grade = self.self_grades.get(area.key)
            if judgement and grade:
                disagrees = bool(data.get(f"disagrees_{area.key}"))
                if judgement != grade and not disagrees:
                    self.add_error(
                        f"disagrees_{area.key}",
                        f"Your judgement on {label} differs from the school's self-grade ({grade}): "
                        "tick to record that you disagree.",
                    )
                elif judgement == grade and disagrees:
                    self.add_error(
                        f"disagrees_{area.key}",
                        f"Your judgement on {label} is the school's self-grade ({grade}): untick disagreement.",
                    )
        return data

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        sections = {s.key: data.get(f"section_{s.key}", "") for s in self.template.sections}
        if self.template.deep_dive:
            sections["deep_dive_subject"] = data.get("deep_dive_subject", "")
        judgements = {
            area.key: {
                "judgement": data[f"judgement_{area.key}"],
                "evidence": data.get(f"evidence_{area.key}", ""),
                "disagrees_with_self_grade": bool(data.get(f"disagrees_{area.key}")),
            }
            for area in self.template.areas
            if data.get(f"judgement_{area.key}")
        }
        return {
            "sections": sections,
            "judgements": judgements,
            "actions": data.get("actions", ""),
            "next_steps": data.get("next_steps", ""),
        }


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label="Is the note accurate?",
        widget=forms.RadioSelect,
        choices=[
            ("agree", "Yes, I agree the note is accurate"),
            ("inaccurate", "No, parts of the note are inaccurate"),
        ],
        error_messages={"required": "Say whether the note is accurate."},
    )
    comments = forms.CharField(
        label="Your comments",
        help_text="If parts are inaccurate, say which and what they should say.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("response") == "inaccurate" and not (data.get("comments") or "").strip():
            self.add_error("comments", "Say what is inaccurate in the note.")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why does the note need correcting?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the note needs correcting."},
        max_length=2000,
    )


class SelfEvaluationEntryForm(forms.Form):
    """The LA's pre-visit form: a grade (and an optional comment) per area, and the barriers the school faces."""

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, form: SelfEvaluationForm, existing: SelfEvaluation | None
    ) -> None:
        initial: dict[str, Any] = {}
        if existing is not None:
            for key, entry in existing.grades.items():
                initial[f"grade_{key}"] = entry.get("grade", "")
                initial[f"comment_{key}"] = entry.get("comment", "")
            initial["barriers"] = existing.barriers
        super().__init__(data, initial=initial)
        self.form = form
        for area in form.areas:
            choices = [(g, g) for g in form.grades] + ([(NOT_APPLICABLE, NOT_APPLICABLE)] if area.optional else [])
            self.fields[f"grade_{area.key}"] = forms.ChoiceField(
                label=area.label,
                help_text=area.hint,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a grade for {area.label.lower()}."},
            )
            self.fields[f"comment_{area.key}"] = forms.CharField(
                label=f"Comment on {area.label.lower()}", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        if form.barriers:
            self.fields["barriers"] = forms.CharField(
                label="What barriers does the school face?",
                help_text="For example staffing, funding, the site, the community, pupils' needs.",
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def area_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"grade_{a.key}"], self[f"comment_{a.key}"]) for a in self.form.areas]

    def grades(self) -> dict[str, dict[str, str]]:
        return {
            a.key: {"grade": self.cleaned_data[f"grade_{a.key}"], "comment": self.cleaned_data[f"comment_{a.key}"]}
            for a in self.form.areas
        }
