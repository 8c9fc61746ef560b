"""The settings mypy's Django plugin loads (pyproject.toml, ``[tool.django-stubs]``).

Headway refuses to start with debug off and no secret key; a type check is not a server, so it runs with
debug on (and so the development key) unless the environment says otherwise.
"""

import os

os.environ.setdefault("HEADWAY_DEBUG", "1")

from headway.settings import *  # noqa: F403
