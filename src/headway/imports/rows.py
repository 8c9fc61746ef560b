"""One row of an imported file, with typed readers that record problems against the row and column."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from headway.imports.problems import Problem

#: Values that published files use for "nothing here" (never zero).
EMPTY_MARKERS = frozenset(
    {"", "null", "na", "n/a", "not applicable", "not recorded", "x", "z", "c", "..", "supp", "ne", "np", "lowcov"}
)

#: How much of a value a problem quotes: enough to find it, never a whole line of a broken file.
QUOTED_CHARACTERS = 200
#: Control characters (tabs and line ends aside) have no place in a name or a text: they break letters and pages.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def quoted(value: str) -> str:
    """A value as a problem quotes it: in quotes, at most ``QUOTED_CHARACTERS`` of it."""
    if len(value) > QUOTED_CHARACTERS:
        return repr(value[:QUOTED_CHARACTERS]) + f" (and {len(value) - QUOTED_CHARACTERS} more characters)"
    return repr(value)


#: The longest message a problem carries: a value quoted whole by a check that did not use ``quoted`` is cut.
MAX_MESSAGE = 2 * QUOTED_CHARACTERS + 200


def bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return message[:MAX_MESSAGE] + f"... (and {len(message) - MAX_MESSAGE} more characters)"


DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y%m%d", "%d/%m/%y", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y %H:%M")


class Row:
    """A data row. ``columns`` maps each field Headway reads to its position and header in the file."""

    def __init__(
        self,
        *,
        file: str,
        number: int,
        cells: Sequence[str],
        columns: Mapping[str, tuple[int, str]],
    ) -> None:
        self.file = file
        self.number = number
        self.cells = cells
        self.columns = columns
        self.errors: list[Problem] = []
        self.notices: list[Problem] = []

    def has(self, field: str) -> bool:
        return field in self.columns

    def header(self, field: str) -> str:
        return self.columns[field][1] if field in self.columns else field

    def error(self, field: str | None, message: str) -> None:
        column = self.header(field) if field else None
        self.errors.append(Problem(self.file, self.number, column, bounded(message)))

    def notice(self, field: str | None, message: str) -> None:
        """Something worth saying about a value that does not stop the row being imported."""
        column = self.header(field) if field else None
        self.notices.append(Problem(self.file, self.number, column, bounded(message)))

    def raw(self, field: str) -> str:
        position = self.columns.get(field)
        if position is None or position[0] >= len(self.cells):
            return ""
        return self.cells[position[0]].strip()

    def text(self, field: str, *, max_length: int | None = None, required: bool = False) -> str:
        value = self.raw(field)
        if value.lower() in {"null"}:
            value = ""
        if CONTROL_CHARACTERS.search(value):
            self.error(field, f"{quoted(value)} contains a control character (a byte that is not text)")
            return CONTROL_CHARACTERS.sub("", value)
        if required and not value:
            self.error(field, "a value is required")
        if max_length is not None and len(value) > max_length:
            self.error(field, f"longer than {max_length} characters")
            return value[:max_length]
        return value

    def _number_text(self, field: str, required: bool) -> str | None:
        value = self.raw(field).replace(",", "").rstrip("%").strip()
        if value.lower() in EMPTY_MARKERS:
            if required:
                self.error(field, "a value is required")
            return None
        return value

    def integer(self, field: str, *, required: bool = False, minimum: int | None = 0) -> int | None:
        value = self._number_text(field, required)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(field, f"{quoted(self.raw(field))} is not a whole number")
            return None
        if number != number.to_integral_value():
            self.error(field, f"{quoted(self.raw(field))} is not a whole number")
            return None
        result = int(number)
        if minimum is not None and result < minimum:
            self.error(field, f"{result} is below {minimum}")
            return None
        return result

    def decimal(
        self, field: str, *, places: int = 1, required: bool = False, maximum: Decimal | None = None
    ) -> Decimal | None:
        value = self._number_text(field, required)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(field, f"{quoted(self.raw(field))} is not a number")
            return None
        if not number.is_finite():
            self.error(field, f"{quoted(self.raw(field))} is not a number")
            return None
        if maximum is not None and number > maximum:
            self.error(field, f"{number} is above {maximum}")
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def date(self, field: str, *, required: bool = False) -> dt.date | None:
        value = self.raw(field)
        if value.lower() in EMPTY_MARKERS:
            if required:
                self.error(field, "a date is required")
            return None
        for fmt in DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
            if not 1800 <= parsed.year <= 2100:
                break
            return parsed
        self.error(field, f"{quoted(value)} is not a date (expected dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or yyyymmdd)")
        return None
