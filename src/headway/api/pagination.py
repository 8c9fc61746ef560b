"""Page-number pagination: 100 rows a page by default, up to 1,000 with ``page_size``. A page number or size
that is not a whole number in range is refused (400) rather than quietly replaced."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView


def _whole(request: Request, name: str, *, largest: int | None = None) -> None:
    if name not in request.query_params:
        return
    raw = request.query_params[name]
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (largest is not None and int(raw) > largest):
        limit = f" from 1 to {largest:,}" if largest is not None else " from 1"
        raise ParseError(f"{name}: give a whole number{limit}")


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        _whole(request, self.page_query_param)
        _whole(request, self.page_size_query_param, largest=self.max_page_size)
        return super().paginate_queryset(queryset, request, view)  # type: ignore[arg-type]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = (
                    f"Rows a page: {self.page_size} unless you say, at most {self.max_page_size}."
                )
            else:
                parameter["description"] = "Which page, from 1; a page past the last answers 404."
        return parameters
