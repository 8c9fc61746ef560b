"""Reading many rows by key without one query per row, and without a query the database refuses for having
too many parameters (SQLite allows about 32,000); writing many new rows without building a model instance each."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import orjson
from django.db import models

if TYPE_CHECKING:
    import polars as pl

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")

#: Keys per ``__in`` lookup.
CHUNK = 2000


class AnyOf(models.Lookup):  # type: ignore[type-arg]
    """``field__any_of=values``: the field's value is one of ``values``, which are given as the database stores
    them (whole numbers, text; they are not prepared field by field as ``__in`` prepares each value). On
    PostgreSQL the values go as one array parameter (``= ANY(%s)``), on other databases as an ``IN`` list of
    parameters; either way Django builds no expression per value, which for thousands of keys costs more than
    the query itself. Give at most ``CHUNK`` values at a time (``in_chunks``): SQLite limits a query's
    parameters."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        from django.core.exceptions import EmptyResultSet

        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)  # a foreign key's lookups are its own, not a plain field's


def in_chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The values, ``size`` at a time, in the order given."""
    listed = list(values)
    for start in range(0, len(listed), size):
        yield listed[start : start + size]


#: Above this many wanted keys (a region's or England's schools), ``rows_for`` reads every row of a table and
#: keeps the wanted ones, rather than asking for them a few thousand at a time: quicker, and the same rows.
WHOLE_TABLE_ABOVE = 5000


def rows_for(
    query: Any, key: str, wanted: set[int] | None, fields: Sequence[str], *, as_stored: bool = False
) -> list[tuple[Any, ...]]:
    """The ``fields`` of the rows of ``query`` whose ``key`` (a URN or id, one of ``fields``) is wanted (every
    row if ``wanted`` is None). With ``as_stored``, the values are as the database driver gives them, without
    Django's conversion of each value (a second or more for half a million rows): only for fields whose driver
    values are already what the caller wants (whole numbers, text, dates and yes or no, for which Django has
    SQLite's driver convert a column by its declared type; values cast to floats in the query; not decimals,
    which SQLite gives as floats or text). The rows come in no particular order: the model's default ordering
    is not applied (an inspection's, by date, had SQLite read the table through the date index, twice as slow
    as reading it straight; a school's, by authority and name, sorts the whole register)."""

    def read(selected: Any) -> list[tuple[Any, ...]]:
        if not as_stored:
            return list(selected.order_by().values_list(*fields))
        with _driver_cursor(selected, fields) as cursor:  # (which drops the ordering itself)
            return [tuple(row) for row in cursor.fetchall()]

    if wanted is None:
        return read(query)
    if len(wanted) > WHOLE_TABLE_ABOVE:
        at = list(fields).index(key)
        return [row for row in read(query) if row[at] in wanted]
    rows: list[tuple[Any, ...]] = []
    for chunk in in_chunks(sorted(wanted)):
        rows.extend(read(query.filter(**{f"{key}__any_of": chunk})))
    return rows


@contextlib.contextmanager
def _driver_cursor(query: Any, fields: Sequence[str]) -> Iterator[Any]:
    """A database cursor that has run the query for ``fields``, its rows to be read as the driver gives them, in
    no particular order (see ``rows_for``)."""
    from django.db import connections

    values = query.order_by().values_list(*fields)
    sql, params = values.query.sql_with_params()
    with connections[values.db].cursor() as cursor:
        cursor.execute(sql, params)
        yield cursor


def stored_frame(
    query: Any, fields: Sequence[str], schema: Mapping[str, Any], *, batch: int = 5000, strict: bool = True
) -> pl.DataFrame:
    """The ``fields`` of every row of ``query`` as a Polars frame with ``schema`` (its names in the order of
    ``fields``), read as the database driver gives them (see ``rows_for``'s ``as_stored``) ``batch`` rows at a
    time, so that the Python objects held do not grow with the table (issue 12: memory stays flat). The rows come
    in no particular order (see ``rows_for``). Without ``strict``, a value of another type is converted (a whole
    number in a column of floats) or, where it cannot be, read as missing."""
    import polars as pl

    frames = []
    with _driver_cursor(query, fields) as cursor:
        while rows := cursor.fetchmany(batch):
            frames.append(pl.DataFrame(rows, schema=schema, orient="row", strict=strict))
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, rechunk=True)


def stored_frame_for(
    query: Any,
    key: str,
    wanted: set[int] | None,
    fields: Sequence[str],
    schema: Mapping[str, Any],
    *,
    strict: bool = True,
) -> pl.DataFrame:
    """``rows_for(query, key, wanted, fields, as_stored=True)`` as a Polars frame with ``schema`` (see
    ``stored_frame``): for many wanted keys, the whole table read in batches and the wanted rows kept by Polars,
    with no Python object made for a row. The rows come in no particular order. ``strict``: as ``stored_frame``."""
    import polars as pl

    if wanted is None:
        return stored_frame(query, fields, schema, strict=strict)
    if len(wanted) > WHOLE_TABLE_ABOVE:
        name = list(schema)[list(fields).index(key)]
        return stored_frame(query, fields, schema, strict=strict).filter(pl.col(name).is_in(list(wanted)))
    frames = [
        stored_frame(query.filter(**{f"{key}__any_of": chunk}), fields, schema, strict=strict)
        for chunk in in_chunks(sorted(wanted))
    ]
    return pl.concat(frames, rechunk=True) if frames else pl.DataFrame(schema=schema)


#: What ``read_once`` has read within the current ``reads_shared`` block (None outside one).
_SHARED_READS: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("shared_reads", default=None)


@contextlib.contextmanager
def reads_shared() -> Iterator[None]:
    """Within this block, a whole table read through ``read_once`` is read once, and every later reader is
    handed the same result (e.g. a national round: the standings and the risk model both read every
    inspection). For reads that give something nobody changes (a Polars frame), within one piece of work that
    takes the data as it stood when it began."""
    token = _SHARED_READS.set({})
    try:
        yield
    finally:
        _SHARED_READS.reset(token)


def read_once(name: str, read: Callable[[], T]) -> T:
    """``read()``, or, within a ``reads_shared`` block that has already read ``name``, what it gave then."""
    kept = _SHARED_READS.get()
    if kept is None:
        return read()
    if name not in kept:
        kept[name] = read()
    return kept[name]  # type: ignore[no-any-return]


def built_plainly(query: models.QuerySet[M], fields: Sequence[str] | None = None) -> Iterator[M]:
    """The query's model instances, each made from its row's values directly rather than by ``Model.__init__``,
    which sets every field one at a time (a quarter of a second for the 55,000 inspections of a national
    round). Every field is read (or, with ``fields``, those fields and the primary key, the others deferred as
    ``only()`` defers them: read from the database when asked for, one query each), converted as Django
    converts it, and the instance is marked as read from the database. Where something listens for a model's
    ``pre_init`` or ``post_init`` signal, the instances are made as Django makes them."""
    from django.db.models.base import ModelState
    from django.db.models.signals import post_init, pre_init

    model = query.model
    wanted = None if fields is None else {*fields, model._meta.pk.attname}
    names = [
        field.attname
        for field in model._meta.concrete_fields
        if wanted is None or field.attname in wanted or field.name in wanted
    ]
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        yield from query if fields is None else query.only(*names)
        return
    database = query.db
    for values in query.values_list(*names):
        instance = model.__new__(model)
        instance.__dict__.update(zip(names, values, strict=True))
        state = ModelState()
        state.adding = False
        state.db = database
        instance._state = state
        yield instance


def known_related(instance: models.Model, related_name: str, objects: Sequence[models.Model]) -> None:
    """Give ``instance`` its related objects as ``prefetch_related(related_name)`` would, from rows already read:
    ``instance.<related_name>.all()`` then answers without a query. For tens of thousands of instances this costs
    a list each, where Django's prefetching builds and filters a query set each (seconds for a national round).
    The objects must be all of the instance's related rows, in the model's order."""
    cache: dict[str, Any] = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[related_name] = objects


def related(instance: models.Model, related_name: str) -> Iterable[Any]:
    """``instance.<related_name>.all()``, taken straight from the objects handed to it (``known_related``) or
    prefetched where there are some: Django builds a related manager at each ``instance.<related_name>``, which
    costs more than the loop over a handful of objects that follows (a national round asks 40,000 times)."""
    known = instance.__dict__.get("_prefetched_objects_cache", {}).get(related_name)
    if known is not None:
        return known  # type: ignore[no-any-return]
    return getattr(instance, related_name).all()  # type: ignore[no-any-return]


#: Keys that are not text written as text (as ``json.dumps`` does); dates, times and dataclasses handed back (to
#: ``json.dumps``, which refuses them without an encoder, as Django does).
_ORJSON_AS_DJANGO = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def json_text(value: Any, encoder: type[json.JSONEncoder] | None = None) -> str:
    """``value`` as JSON text, as Django's JSONField writes it: with ``orjson`` (ten times quicker than
    ``json.dumps`` for a national round's 85,000 values) unless the field has its own encoder or the value
    holds something orjson does not write (a ``Decimal``), when ``json.dumps`` writes it (or refuses it) as
    Django would. Both read back as the same value; orjson leaves out the spaces and writes non-ASCII
    characters as UTF-8 rather than escaping them, and writes a float that is not a number as null."""
    if encoder is None:
        try:
            return orjson.dumps(value, option=_ORJSON_AS_DJANGO).decode()
        except TypeError:
            pass
    return json.dumps(value, cls=encoder)


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert new rows of ``model``, each a sequence of the values of the fields ``names`` (attribute names, e.g.
    ``round_id``; every field of the model but its id): with ``COPY`` on PostgreSQL and one prepared ``INSERT``
    run over every row on SQLite. Several times faster than the ORM's ``bulk_create`` for tens of thousands of
    rows, which builds a model instance and prepares every value of every row in Python (on SQLite while holding
    the database's write lock). JSON fields' values are written as JSON text, as Django writes them; every other
    value goes to the driver as it is, as ``bulk_create`` hands over text, whole numbers, decimals, dates and booleans.
    Nothing is checked that the database does not check, and no signal is sent. Returns the rows inserted."""
    from django.db import connection

    by_name = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    if sorted(names) != sorted(by_name):
        raise ValueError(f"{model.__name__} has the fields {sorted(by_name)}, not {sorted(names)}")
    json_fields = [(i, by_name[name]) for i, name in enumerate(names) if isinstance(by_name[name], models.JSONField)]

    def prepared(row: Sequence[Any]) -> tuple[Any, ...]:
        if not json_fields:
            return tuple(row)
        values = list(row)
        for i, field in json_fields:
            value = values[i]
            # JSON as text, read back as Django's own (``json_text``); both databases read it so. None is SQL
            # NULL, as in Django's own save.
            if value is not None:
                values[i] = json_text(value, getattr(field, "encoder", None))
        return tuple(values)

    columns = ", ".join(connection.ops.quote_name(by_name[name].column) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    inserted = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(prepared(row))
                inserted += 1
    elif connection.vendor == "sqlite":
        values = [prepared(row) for row in rows]
        if values:
            placeholders = ", ".join(["%s"] * len(names))
            with connection.cursor() as cursor:
                # The table and column names are the model's own, quoted; every value is a parameter.
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608
        inserted = len(values)
    else:
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=2000)
        inserted = len(objects)
    return inserted


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while tens of thousands of objects are made and kept (a national
    round, an import, the visit plan): each full collection walks every live object, and while such work grows
    the heap it runs again and again. In a national round that was about 40% of the time. Reference counting
    still frees what is let go; cycles made meanwhile are collected once the collector runs again. Nested uses
    leave it paused until the outermost ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pauses_cyclic_gc(function: Callable[P, T]) -> Callable[P, T]:
    """Run ``function`` with the cyclic garbage collector paused (``cyclic_gc_paused``)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with cyclic_gc_paused():
            return function(*args, **kwargs)

    return paused
