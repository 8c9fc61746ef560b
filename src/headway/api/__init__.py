"""The read API for BI tools: Django REST framework endpoints under ``/api/v1/`` with an OpenAPI schema,
authenticated by per-user API tokens (or the signed-in session), answering exactly what the pages show."""
