"""What the demo loads: its files (under ``data/demo``), its KPI sets and who the loader says it is."""

from __future__ import annotations

#: The name the loader's changes are recorded under.
ACTOR = "the demo loader"

#: The demo authority: Hampshire.
HAMPSHIRE = "850"

#: (kind, file) in the order they must load: registers first, then links, then inspections.
DEMO_FILES = (
    ("gias", "gias_edubasealldata20220420_850.csv"),
    ("spine", "spine_2017-2018_302_370_335.xlsx"),
    ("gias-links", "links_demo.csv"),
    ("ofsted", "ofsted_graded_inspections_demo.csv"),
    ("benchmarks", "lait_benchmarks_headway.parquet"),
    ("neighbours", "sn_may_2025.xlsx"),
)

#: DfE performance tables (dataset, year, file under performance/): national trimmed files first, then
#: Hampshire's raw files, which carry more (confidence intervals, disadvantaged pupils) and supersede them.
#: Hampshire's raw KS2 files are named one year early: ks2_2016_850.csv holds summer 2017 results (its England
#: row, 61%, and every school's figures match the 2017 national file), so each is loaded as the year after.
#: Its KS4 files are not: ks4_2017_850.csv holds summer 2017 (Attainment 8 equals the 2017 national file's for
#: 105 of its 123 schools, and no other year's), ks4_2018_850.csv summer 2018.
DEMO_PERFORMANCE = (
    ("ks2", 2016, "ks2_perf_2016.csv"),
    ("ks2", 2017, "ks2_perf_2017.csv"),
    ("ks2", 2018, "ks2_perf_2018.csv"),
    ("ks4", 2016, "ks4_perf_2016.csv"),
    ("ks4", 2017, "ks4_perf_2017.csv"),
    ("ks4", 2018, "ks4_perf_2018.csv"),
    ("ks2", 2017, "ks2_2016_850.csv"),
    ("ks2", 2018, "ks2_2017_850.csv"),
    ("ks2", 2019, "ks2_2018_850.csv"),
    ("ks4", 2017, "ks4_2017_850.csv"),
    ("ks4", 2018, "ks4_2018_850.csv"),
    ("ks4", 2019, "kspdev__england_ks4provisional.csv"),
    ("census", 2019, "kspdev__england_census.csv"),
    ("absence", 2019, "kspdev__england_abs.csv"),
    ("ks4-destinations", 2019, "kspdev__england_ks4-pupdest.csv"),
)

#: KPI sets loaded by name (the shipped sets, then the demo's own configuration: Hampshire's).
DEMO_KPI_SETS = ("barnet-302", "barnet-2017-20", "hampshire-850")
