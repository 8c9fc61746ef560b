from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from headway.imports.registry import importers


def max_upload_bytes() -> int:
    return int(settings.HEADWAY_MAX_UPLOAD_BYTES)


def too_large_message() -> str:
    megabytes = max_upload_bytes() / (1024 * 1024)
    shown = f"{megabytes:,.0f} MB" if megabytes >= 1 else f"{max_upload_bytes():,} bytes"
    return f"The file must be smaller than {shown}. Ask your Headway administrator to import a larger file."


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What is the file?")
    file = forms.FileField(label="File", help_text="CSV (UTF-8 or Windows-1252), XLSX, XLS or Parquet, as published.")
    dataset = forms.ChoiceField(
        label="Which performance data set",
        required=False,
        help_text="Only for a DfE performance-table file: key stage 2, key stage 4, the school census ...",
    )
    year = forms.IntegerField(
        label="Year of the results",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Only for a DfE performance-table file: the summer the results belong to (2019 = 2018/19).",
    )
    skip_bad_rows = forms.BooleanField(
        label="Skip rows with bad values and import the rest",
        required=False,
        help_text="Without this, any bad value rejects the whole file and nothing is imported.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose a kind of file")] + [  # type: ignore[attr-defined]
            (kind, importer.label) for kind, importer in importers().items()
        ]
        from headway.performance.catalogue import catalogue

        self.fields["dataset"].choices = [("", "Not a performance file")] + [  # type: ignore[attr-defined]
            (name, dataset.label) for name, dataset in catalogue().datasets.items() if not dataset.from_inspections
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "performance":
            if not data.get("dataset"):
                self.add_error("dataset", "Choose which performance data set the file is")
            if not data.get("year"):
                self.add_error("year", "Enter the year of the results, for example 2019")
        return data

    def importer_options(self) -> dict[str, Any]:
        """What the chosen importer needs beyond the file (a performance file's data set and year)."""
        if self.cleaned_data["kind"] == "performance":
            return {"dataset": self.cleaned_data["dataset"], "year": self.cleaned_data["year"]}
        return {}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message())
        return upload
