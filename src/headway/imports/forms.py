from __future__ import annotations

from typing import Any

from django import forms

from headway.imports.registry import importers

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What is the file?")
    file = forms.FileField(label="File", help_text="CSV (UTF-8 or Windows-1252), XLSX, XLS or Parquet, as published.")
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

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 200 MB.")
        return upload
