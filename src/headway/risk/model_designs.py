"""The risk model's ways of training and its defaults, in a module light enough for pages and commands to import
without loading LightGBM, scikit-learn or Polars (``headway.risk.model`` loads them)."""

from __future__ import annotations

import datetime as dt

#: Inspections from September 2012, when "requires improvement" replaced "satisfactory", are learnt from
#: (every earlier inspection still counts as history in the features).
DEFAULT_TRAIN_FROM = dt.date(2012, 9, 1)
DESIGNS = ("ensemble", "window", "hazard", "direct", "inspection")
DEFAULT_DESIGN = "ensemble"
