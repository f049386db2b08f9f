"""Queries compiled once per process and connection, then run with new values.

The ORM builds and compiles a query afresh on every call. For a query of a
dozen subqueries, such as what posting reads of a reader's standing
(`comments.moderation.posting`), that is some 4 ms of Python for 0.7 ms in
the database, and on SQLite it is spent holding the database's only write
lock, which every post of every worker waits for. A `PreparedQuery` is built
once, from a function that puts a `Parameter` wherever a value changes from
call to call (the reader, the time, the text), and compiled the first time
it runs on a connection; later calls bind the values and execute the SQL.

Whatever the builder bakes in stays as it was on the first call: a value
that changes (`timezone.now()` above all, also inside a queryset method) must
be a `Parameter`.
"""

from collections.abc import Callable
from weakref import WeakKeyDictionary

from django.db import connections
from django.db.models import Expression, Field, QuerySet


class Parameter(Expression):
    """Where the value named `name` goes in a prepared query; `output_field`
    says how it is sent to the database (a datetime's time zone, a UUID)."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        # The parameter itself stands in the compiled parameters, replaced by
        # its value at each call (PreparedQuery.rows).
        return "%s", [self]

    def get_group_by_cols(self):
        return []


class PreparedQuery:
    """A queryset of `values()`, built by `build` and compiled once per
    connection; `rows(**values)` runs it with the parameters' values."""

    def __init__(self, build: Callable[[], QuerySet]):
        self.build = build
        # Per connection (one per thread): a compiler holds its connection.
        self._compiled = WeakKeyDictionary()

    def _compile(self, connection):
        queryset = self.build()
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        names = [alias for _, _, alias in compiler.select[: compiler.col_count]]
        return compiler, sql, params, names

    def rows(self, using: str = "default", **values) -> list[dict]:
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        compiler, sql, params, names = compiled
        bound = [
            param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, Parameter)
            else param
            for param in params
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        # The ORM's own conversions (SQLite's text to datetimes, 0/1 to bools).
        return [
            dict(zip(names, row, strict=True))
            for row in compiler.results_iter([fetched])
        ]
