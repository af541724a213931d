"""Reads whose SQL the ORM builds once per process, then runs with each request's arguments.

A page's few queries are cheap for the database (a millisecond or two by an index) but the ORM
spends as long again building them: cloning querysets, resolving annotations and subqueries,
compiling to SQL. For a read that a page makes on every request, `PreparedQuery` asks the
ORM for the queryset once per shape with stand-in arguments, keeps its SQL and its compiler,
and afterwards only puts the arguments into the parameters, runs the SQL and converts the rows
as Django would (the same converters, the same named rows or model instances, related rows
of select_related included). The queryset stays the one definition of the read.

The shape of a call is what changes the SQL rather than its parameters: which arguments are
None, True or False, and how long each list is. An argument must reach the parameters as it
was given: one the ORM rewrites (a `__contains` pattern, a lowered code) or leaves out is
refused when the query is first built, and so is a date or time the builder put in (a
"today" that would be kept). With `PREPARED_QUERIES_CHECK` (on in the tests, and under DEBUG)
every call also builds the queryset with the real arguments and checks that it compiles to
the same SQL and parameters.

Domain-free: imports nothing of the project.
"""

import datetime
import re
from collections.abc import Callable
from threading import Lock

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    NamedValuesListIterable,
    QuerySet,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.utils import create_namedtuple_class

# A date or time as SQLite's adapters write one into the parameters (PostgreSQL's get the
# objects themselves).
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}|$)|\d{2}:\d{2}:\d{2}")

# Distinct shapes kept per query; more is a sign of a caller passing lists of every length,
# and the cache then starts again rather than grow.
MAX_PLANS = 128


class _StandIns:
    """Values that stand for the arguments while the ORM builds the query, each one unlikely
    to appear in a query as a constant (and checked not to)."""

    def __init__(self):
        self.count = 0
        self.names: dict[object, tuple[str, int | None]] = {}

    def make(self, name: str, value, index: int | None = None):
        self.count += 1
        if isinstance(value, int):
            # Within a small integer's range: Django answers a lookup beyond a field's range
            # without SQL (no rows), which would hide the argument.
            stand_in = 32767 - self.count
        elif isinstance(value, str):
            stand_in = f"\x1fprepared-argument-{self.count}\x1f"
        else:
            raise TypeError(
                f"PreparedQuery: argument {name!r} must be an int, a str, None, a bool or a "
                f"list of ints or strs, not {type(value).__name__}"
            )
        self.names[stand_in] = (name, index)
        return stand_in


def _shape(arguments: dict) -> tuple:
    shape = []
    for name in sorted(arguments):
        value = arguments[name]
        if value is None or isinstance(value, bool):
            shape.append((name, value))
        elif isinstance(value, list | tuple):
            shape.append((name, "list", len(value), tuple(type(item) for item in value[:1])))
        else:
            shape.append((name, type(value)))
    return tuple(shape)


class _Plan:
    def __init__(self, *, sql, sources, compiler, make_row):
        self.sql = sql  # None: the query can match nothing (an empty IN list)
        self.sources = sources  # per parameter: ("argument", name, index) or ("constant", value)
        self.compiler = compiler
        self.make_row = make_row

    def parameters(self, arguments: dict) -> list:
        values = []
        for source in self.sources:
            if source[0] == "constant":
                values.append(source[1])
            else:
                _, name, index = source
                value = arguments[name]
                values.append(value if index is None else value[index])
        return values


def _row_maker(queryset: QuerySet, compiler, using: str) -> Callable:
    iterable = queryset._iterable_class
    if iterable is ModelIterable:
        return _instance_maker(compiler, using)
    query = queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    if iterable is NamedValuesListIterable:
        row_class = create_namedtuple_class(*names)
        return lambda row: row_class._make(row)
    if iterable is ValuesIterable:
        return lambda row: dict(zip(names, row, strict=True))
    if iterable is FlatValuesListIterable:
        return lambda row: row[0]
    if iterable is ValuesListIterable:
        return tuple
    raise TypeError("PreparedQuery: only model, values() and values_list() querysets")


def _instance_maker(compiler, using: str) -> Callable:
    """Model instances from rows, as ModelIterable makes them (select_related included), with
    what it works out per query (the columns of each model, the populators of the related
    ones) worked out once: the compiler has them once it has compiled the SQL."""
    select, klass_info = compiler.select, compiler.klass_info
    annotations = compiler.annotation_col_map or {}
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)

    def make(row):
        instance = model.from_db(using, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in annotations.items():
            setattr(instance, name, row[position])
        return instance

    return make


def _compiled(queryset: QuerySet, using: str):
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return compiler, None, ()
    return compiler, sql, tuple(params)


class PreparedQuery:
    """`build(**arguments)` returns the queryset of a read (model instances, select_related
    included, values() or values_list(); no prefetching); `rows(**arguments)` returns its rows
    as a list, as list(queryset) would."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._plans: dict[tuple, _Plan] = {}
        self._lock = Lock()

    def rows(self, **arguments) -> list:
        connection = connections[self.using]
        # Per connection object: a plan's compiler converts rows with its own connection.
        key = (id(connection), _shape(arguments))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._prepare(arguments)
            with self._lock:
                if len(self._plans) >= MAX_PLANS:
                    self._plans.clear()
                self._plans[key] = plan
        parameters = plan.parameters(arguments)
        if getattr(settings, "PREPARED_QUERIES_CHECK", False):
            self._check(plan, arguments, parameters)
        if plan.sql is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, parameters)
            fetched = cursor.fetchall()
        converted = plan.compiler.results_iter(results=[fetched], tuple_expected=True)
        return [plan.make_row(row) for row in converted]

    def _prepare(self, arguments: dict) -> _Plan:
        stand_ins = _StandIns()
        built_with = {}
        for name, value in arguments.items():
            if value is None or isinstance(value, bool):
                built_with[name] = value
            elif isinstance(value, list | tuple):
                built_with[name] = [
                    stand_ins.make(name, item, index) for index, item in enumerate(value)
                ]
            else:
                built_with[name] = stand_ins.make(name, value)
        queryset = self.build(**built_with)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("PreparedQuery: no prefetch_related and no related managers")
        compiler, sql, params = _compiled(queryset, self.using)
        # Without SQL (nothing can match) no row is ever made, and a model query's compiler
        # has then not worked out its columns.
        make_row = _row_maker(queryset, compiler, self.using) if sql is not None else None
        sources, seen = [], set()
        for param in params:
            if isinstance(param, int | str) and param in stand_ins.names:
                name, index = stand_ins.names[param]
                sources.append(("argument", name, index))
                seen.add(param)
            elif isinstance(param, datetime.date | datetime.time) or (
                isinstance(param, str) and _DATE_TEXT.match(param)
            ):
                raise TypeError(
                    f"PreparedQuery: the query holds the date or time {param!r}; pass it as "
                    "an argument, or it would be kept for every later call"
                )
            else:
                sources.append(("constant", param))
        missing = set(stand_ins.names) - seen
        if sql is not None and missing:
            names = sorted({stand_ins.names[value][0] for value in missing})
            raise TypeError(
                f"PreparedQuery: argument(s) {', '.join(names)} do not reach the SQL's "
                "parameters as given (rewritten by a lookup, or not used)"
            )
        return _Plan(sql=sql, sources=sources, compiler=compiler, make_row=make_row)

    def _check(self, plan: _Plan, arguments: dict, parameters: list) -> None:
        _, sql, params = _compiled(self.build(**arguments), self.using)
        if sql != plan.sql or (sql is not None and list(params) != parameters):
            raise AssertionError(
                "PreparedQuery: the prepared SQL differs from the queryset's with these "
                f"arguments ({arguments!r}):\n{plan.sql}\n{parameters!r}\n!=\n{sql}\n{params!r}"
            )
