"""``headway risk train|backtest|score|load-national``: the predictive risk model from the command line."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.imports.registry import importer_for
from headway.imports.services import Importer, run_import
from headway.risk.backtest import family_contributions, run_backtest
from headway.risk.features import load_evidence
from headway.risk.finance import FinanceImporter
from headway.risk.model import (
    DEFAULT_DESIGN,
    DEFAULT_TRAIN_FROM,
    DESIGNS,
    RiskModelUnavailable,
    save,
    score_schools,
    train,
)
from headway.risk.ranking import save_backtest, shipped
from headway.schools.models import Establishment

ACTOR = "headway risk (command line)"

#: The national time-split data set in the shared data folder: (kind, file, options, skip bad rows).
#: KS4 2016 is loaded for Progress 8 only (its Attainment 8 is on the old scale; the catalogue knows).
NATIONAL_FILES: tuple[tuple[str, str, dict[str, Any], bool], ...] = (
    ("spine", "england-2016-2018/2017-2018_england_spine.xlsx", {}, False),
    ("gias-links", "gias-links/links_edubasealldata20250422.csv", {}, True),
    ("ofsted", "england-2016-2018/ofsted_graded_inspections_to_2018-08-31.csv", {}, False),
    ("performance", "england-2016-2018/ks2_perf_2016.csv", {"dataset": "ks2", "year": 2016}, False),
    ("performance", "england-2016-2018/ks2_perf_2017.csv", {"dataset": "ks2", "year": 2017}, False),
    ("performance", "england-2016-2018/ks2_perf_2018.csv", {"dataset": "ks2", "year": 2018}, False),
    ("performance", "england-2016-2018/ks4_perf_2016.csv", {"dataset": "ks4", "year": 2016}, False),
    ("performance", "england-2016-2018/ks4_perf_2017.csv", {"dataset": "ks4", "year": 2017}, False),
    ("performance", "england-2016-2018/ks4_perf_2018.csv", {"dataset": "ks4", "year": 2018}, False),
    # DfE's school finances (CFR, maintained schools), financial years ending March 2014-2018; 2017 has two
    # rows whose URN is "nan".
    *(("finance", f"england-2016-2018/financials_{year}.csv", {"year": year}, True) for year in range(2014, 2019)),
)
#: Hampshire's real GIAS extract of April 2022 (register, and each school's latest inspection to 2022) and
#: its raw KS2 tables, which are named one year early (ks2_2016_850.csv holds summer 2017: see load_demo).
HAMPSHIRE_FILES: tuple[tuple[str, str, dict[str, Any], bool], ...] = (
    ("gias", "la-850-hampshire/gias_edubasealldata20220420_850.csv", {}, False),
    ("performance", "la-850-hampshire/ks2_2016_850.csv", {"dataset": "ks2", "year": 2017}, False),
    ("performance", "la-850-hampshire/ks2_2017_850.csv", {"dataset": "ks2", "year": 2018}, False),
    ("performance", "la-850-hampshire/ks2_2018_850.csv", {"dataset": "ks2", "year": 2019}, False),
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Train, backtest and apply the predictive risk model (next inspection below good)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)

        trainer = actions.add_parser("train", help="train on inspections with outcomes public by --until; save it")
        trainer.add_argument("--until", type=_date, required=True, help="training cut date (YYYY-MM-DD)")
        trainer.add_argument(
            "--train-from", type=_date, default=DEFAULT_TRAIN_FROM, help="learn from inspections since"
        )
        trainer.add_argument("--design", choices=DESIGNS, default=DEFAULT_DESIGN)
        trainer.add_argument(
            "--background", action="store_true", help="hand the training to the background worker (headway db_worker)"
        )
        trainer.add_argument("--json", action="store_true")

        tester = actions.add_parser("backtest", help="time-split backtest against inspection outcomes")
        tester.add_argument("--train-until", type=_date, help="the main window's training cut")
        tester.add_argument("--test-from", type=_date, help="the main window's first day (default: the day after)")
        tester.add_argument("--test-until", type=_date)
        tester.add_argument(
            "--cut",
            type=_date,
            action="append",
            default=[],
            help="another training cut (repeatable): a rolling-origin window from the day after it",
        )
        tester.add_argument("--window-months", type=int, default=24, help="length of each --cut window")
        tester.add_argument(
            "--outcomes-until",
            type=_date,
            help="the last day the inspection records cover (default: the latest inspection on record)",
        )
        tester.add_argument("--train-from", type=_date, default=DEFAULT_TRAIN_FROM)
        tester.add_argument("--design", choices=DESIGNS, default=DEFAULT_DESIGN)
        tester.add_argument(
            "--families",
            action="store_true",
            help="also train with the families of features added one at a time (slow; for the documentation)",
        )
        tester.add_argument("--no-save", action="store_true", help="do not keep the result for the product")
        tester.add_argument("--la", help="rank only this LA's schools (the model still learns from every school)")
        tester.add_argument("--bootstrap", type=int, default=200, help="bootstrap replicates for the intervals")
        tester.add_argument("--seed", type=int, default=0)
        tester.add_argument("--json", action="store_true")

        scorer = actions.add_parser("score", help="risk and its main factors for schools")
        scorer.add_argument("--urn", type=int, action="append", default=[], help="a school's URN (repeatable)")
        scorer.add_argument("--la", help="every open school of this LA")
        scorer.add_argument("--as-of", type=_date, help="use evidence available before this date (default today)")
        scorer.add_argument(
            "--ranking", choices=["model", "rule"], help="default: whichever did better in the latest backtest"
        )
        scorer.add_argument("--json", action="store_true")

        finances = actions.add_parser("import-finance", help="import DfE's school finance file (CFR)")
        finances.add_argument("file", type=Path)
        finances.add_argument("--year", type=int, help="the year the financial year ends in, if the file has none")
        finances.add_argument("--skip-bad-rows", action="store_true")
        finances.add_argument("--json", action="store_true")

        loader = actions.add_parser("load-national", help="import the national 2016-2018 files from shared data")
        loader.add_argument("--shared", type=Path, default=Path("../shared/data"), help="the shared data folder")
        loader.add_argument("--with-hampshire", action="store_true", help="also Hampshire's GIAS extract and KS2")
        loader.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "train":
                self._train(options)
            elif action == "backtest":
                self._backtest(options)
            elif action == "score":
                self._score(options)
            elif action == "import-finance":
                self._import_finance(options)
            else:
                self._load(options)
        except (RiskModelUnavailable, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def _train(self, options: dict[str, Any]) -> None:
        if options["background"]:
            from headway import background
            from headway.risk.tasks import train_model

            since = options["train_from"].isoformat() if options["train_from"] else None
            queued = background.enqueue(train_model, options["until"].isoformat(), since, options["design"])
            if options["json"]:
                self.stdout.write(json.dumps({"queued": True, "task": queued.id, "status": queued.status}))
            else:
                self.stdout.write(f"Training handed to the background worker (task {queued.id}, {queued.status}).")
            return
        model = train(until=options["until"], since=options["train_from"], design=options["design"])
        path = save(model)
        if options["json"]:
            self.stdout.write(json.dumps({**model.metadata, "path": str(path)}))
            return
        meta = model.metadata
        self.stdout.write(
            f"Trained {model.version} on {meta['training_rows']} examples ({meta['below_good']} below good) "
            f"dated {meta['first_example']} to {meta['last_example']}.\n"
            f"Saved {path} and {path.with_suffix('.json')}."
        )

    def _backtest(self, options: dict[str, Any]) -> None:
        if options["train_until"] is None and not options["cut"]:
            raise CommandError("give --train-until (and --test-from) or one or more --cut dates")
        mark = time.perf_counter()
        evidence = load_evidence()
        loaded = time.perf_counter() - mark
        result = run_backtest(
            evidence=evidence,
            train_until=options["train_until"],
            test_from=options["test_from"],
            test_until=options["test_until"],
            cuts=options["cut"],
            window_length_months=options["window_months"],
            outcomes_until=options["outcomes_until"],
            replicates=options["bootstrap"],
            seed=options["seed"],
            la_code=options["la"],
            train_from=options["train_from"],
            design=options["design"],
        )
        result["seconds"]["load_evidence"] = round(loaded, 2)
        result["seconds"]["total"] = round(result["seconds"]["total"] + loaded, 2)
        if options["families"]:
            cuts = sorted({options["train_until"], *options["cut"]} - {None})
            result["families"] = family_contributions(
                evidence=evidence,
                cuts=cuts,
                window_length_months=options["window_months"],
                outcomes_until=options["outcomes_until"],
                seed=options["seed"],
                design=options["design"],
                train_from=options["train_from"],
            )
        if options["la"] is None and not options["no_save"] and options["design"] == DEFAULT_DESIGN:
            result["saved_as"] = save_backtest(result).name
            result["statement"] = shipped().statement
        if not options["json"]:
            self.stdout.write(self._backtest_summary(result))
        self.stdout.write(json.dumps(result))

    @staticmethod
    def _backtest_summary(result: dict[str, Any]) -> str:
        def line(name: str, figures: dict[str, Any]) -> str:
            parts = []
            for key in ("recall_at_10pct", "recall_at_20pct", "precision_at_10pct", "auc", "pr_auc"):
                value, (low, high) = figures[key], figures[f"{key}_ci"]
                parts.append(f"{key} {value} [{low}, {high}]" if value is not None else f"{key} -")
            return f"  {name:<24} " + "; ".join(parts)

        lines = []
        for window in result["windows"]:
            lines += [
                f"Window: trained to {window['train_until']} ({window['design']}, {window['horizon_months']}-month "
                f"horizon); {window['n_open']} open schools ranked; {window['n_test']} inspected "
                f"{window['test_from']} to {window['test_until']}, {window['n_below_good']} below good.",
                line("model", window["model"]),
                line("previous_grade_and_age", window["rule"]),
                line("random", window["random"]),
                "  model less rule: "
                + "; ".join(
                    f"{key} {gap['model_less_rule']} [{gap['ci'][0]}, {gap['ci'][1]}]"
                    for key, gap in window["difference"].items()
                ),
            ]
        lines += [
            f"Ofsted's own model (published): recall at 10% about {result['ofsted_anchor']['recall_at_10pct']}, "
            f"at 20% about {result['ofsted_anchor']['recall_at_20pct']}.",
            f"Ranking that ranked better in the latest window: {result['ranking']}.",
        ]
        if "statement" in result:
            lines.append(result["statement"])
        return "\n".join(lines)

    def _score(self, options: dict[str, Any]) -> None:
        schools = Establishment.objects.all()
        if options["la"]:
            schools = schools.filter(local_authority__code=options["la"], status__istartswith="open")
        if options["urn"]:
            schools = schools.filter(urn__in=options["urn"])
        elif not options["la"]:
            raise CommandError("give --urn or --la")
        ids = dict(schools.values_list("id", "urn"))
        if not ids:
            raise CommandError("no such school in the register")
        as_of = options["as_of"] or timezone.localdate()
        chosen = shipped()
        ranking = options["ranking"] or chosen.ranking
        scores = score_schools(list(ids), as_of=as_of, ranking=ranking)
        rows: list[dict[str, Any]] = [
            {
                "urn": ids[pk],
                "probability": score.probability,
                "model_version": score.model_version,
                "ranking": score.ranking,
                "top_factors": [factor.__dict__ for factor in score.top_factors],
            }
            for pk, score in sorted(scores.items(), key=lambda item: -item[1].probability)
        ]
        basis = chosen.statement if ranking == chosen.ranking else f"The {ranking} was asked for (--ranking)."
        if options["json"]:
            self.stdout.write(
                json.dumps({"as_of": as_of.isoformat(), "ranking": ranking, "basis": basis, "schools": rows})
            )
            return
        self.stdout.write(basis)
        for row in rows:
            self.stdout.write(f"{row['urn']}: {row['probability']:.0%} ({row['model_version']})")
            for factor in row["top_factors"]:
                direction = "raises" if factor["contribution"] > 0 else "lowers"
                self.stdout.write(f"    {direction} {factor['label']} ({factor['contribution']:+.2f})")

    def _import_finance(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        result = run_import(
            FinanceImporter(year=options["year"]),
            path,
            display_name=path.name,
            actor_name=ACTOR,
            skip_bad_rows=options["skip_bad_rows"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            self.stdout.write(result.summary())
            for line in [*result.errors[:20], *result.notices[:20]]:
                self.stdout.write(f"  {line}")
        if result.rejected:
            raise CommandError(f"{path.name} was rejected: nothing was imported")

    def _load(self, options: dict[str, Any]) -> None:
        shared: Path = options["shared"]
        files = NATIONAL_FILES + (HAMPSHIRE_FILES if options["with_hampshire"] else ())
        missing = [name for _, name, _, _ in files if not (shared / name).exists()]
        if missing:
            raise CommandError(f"not found under {shared}: {', '.join(missing)}")
        started = time.perf_counter()
        loaded = []
        for kind, name, importer_options, skip_bad_rows in files:
            mark = time.perf_counter()
            importer: Importer[Any] = (
                FinanceImporter(**importer_options) if kind == "finance" else importer_for(kind, **importer_options)
            )
            result = run_import(
                importer,
                shared / name,
                display_name=name,
                actor_name=ACTOR,
                skip_bad_rows=skip_bad_rows,
            )
            if result.rejected:
                raise CommandError("\n".join([result.summary(), *result.errors[:20]]))
            seconds = round(time.perf_counter() - mark, 1)
            loaded.append(
                {
                    "file": name,
                    **{k: getattr(result, k) for k in ("created", "updated", "unchanged", "skipped")},
                    "seconds": seconds,
                }
            )
            if not options["json"]:
                self.stdout.write(f"{result.summary()} ({seconds} s)")
        total = round(time.perf_counter() - started, 1)
        if options["json"]:
            self.stdout.write(json.dumps({"files": loaded, "seconds": total}))
        else:
            self.stdout.write(f"Loaded {len(loaded)} files in {total} s.")
