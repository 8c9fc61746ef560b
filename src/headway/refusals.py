"""What every domain's services raise when the rules refuse a record, and how a page shows it."""

from __future__ import annotations

from collections.abc import Callable

from django import forms


class RuleRefused(ValueError):
    """A record the rules refuse; ``problems`` says each broken rule in the users' words."""

    def __init__(self, *problems: str) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def attempt(form: forms.Form, action: Callable[[], object]) -> bool:
    """Runs a service; each rule it refuses becomes one of the form's errors (shown in the error summary)."""
    try:
        action()
    except RuleRefused as exc:
        for problem in exc.problems:
            form.add_error(None, problem)
        return False
    return True
