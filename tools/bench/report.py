"""Write docs/benchmarks.md and docs/benchmarks.svg from tools/bench/results/*.json."""

import json
import math
from html import escape
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SIZES = (50, 500, 5000)
# Orders besides oldest first (tools/bench/__main__.py measures each).
SORTS = ("newest", "respected")
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def load() -> dict[str, dict]:
    return {
        vendor: json.loads(path.read_text())
        for vendor in DATABASES
        if (path := BENCH / "results" / f"{vendor}.json").exists()
    }


def _ms(results: dict, name: str) -> float:
    return results["inprocess"][name]["median_ms"]


def _ratio(results: dict, name: str, base: str = "constant_anonymous") -> float:
    return _ms(results, name) / _ms(results, base)


def _peer_ratios(results: dict, peer: str) -> dict[int, float]:
    timings = results.get("peers", {}).get(peer, {}).get("timings", {})
    return {
        size: timings[f"page_{size}"]["median_ms"]
        / _ms(results, f"article_{size}_anonymous")
        for size in SIZES
        if f"page_{size}" in timings
    }


def _flat_without_index(results: dict) -> float | None:
    if not results.get("without_index"):
        return None
    timings = results["without_index"]["timings"]
    return (
        timings["article_5000_anonymous"]["median_ms"]
        / timings["article_50_anonymous"]["median_ms"]
    )


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def goals(results: dict) -> list[tuple[str, str, str]]:
    """(goal, figure, verdict) for every performance goal, from one run."""
    counts = results["statements"]["counts"]
    rows = []
    anonymous = [counts[f"article_{size}_anonymous"] for size in SIZES]
    sorted_anonymous = [
        counts.get(f"article_{size}_{sort}_anonymous", 0)
        for size in SIZES
        for sort in SORTS
    ]
    rows.append(
        (
            "Anonymous article page ≤ 3 SQL statements, whatever the size and sort",
            " / ".join(map(str, anonymous)) + " (50 / 500 / 5,000 comments)",
            _verdict(max(anonymous + sorted_anonymous) <= 3),
        )
    )
    signed = [counts[f"article_{size}_signed_in"] for size in SIZES]
    sorted_signed = [
        counts.get(f"article_{size}_{sort}_signed_in", 0)
        for size in SIZES
        for sort in SORTS
    ]
    rows.append(
        (
            "Signed-in article page ≤ 7 SQL statements, whatever the size and sort",
            " / ".join(map(str, signed)) + " (50 / 500 / 5,000 comments)",
            _verdict(max(signed + sorted_signed) <= 7),
        )
    )
    rows.append(
        (
            "Posting a comment ≤ 6 statements",
            f"{counts['post_comment']} statements",
            _verdict(counts["post_comment"] <= 6),
        )
    )
    if "post_reply_notified" in counts:
        rows.append(
            (
                "A reply's notification and its mail task: the cost of a post "
                "with its notification enqueued",
                f"{counts['post_reply_notified']} statements "
                f"({counts['post_reply_notified'] - counts['post_comment']} more "
                "than a plain post)",
                "measured",
            )
        )
    rows.append(
        (
            "Moderation queue bounded",
            "measured by the moderation queue's own test and "
            "tools.bench.queue_benchmark, not by this run",
            "see there",
        )
    )
    flat = _ratio(results, "article_5000_anonymous", "article_50_anonymous")
    flat_signed = _ratio(results, "article_5000_signed_in", "article_50_signed_in")
    without = _flat_without_index(results)
    rows.append(
        (
            "Flat cost: the 5,000-comment page ≤ 1.2x the 50-comment page",
            f"{flat:.2f}x anonymous, {flat_signed:.2f}x signed in"
            + (f" ({without:.2f}x without the index)" if without else ""),
            _verdict(flat <= 1.2 and flat_signed <= 1.2),
        )
    )
    uncached = _ratio(results, "article_50_anonymous")
    uncached_signed = _ratio(results, "article_50_signed_in", "constant_signed_in")
    rows.append(
        (
            "Uncached 50-comment page ≤ 12x a constant view (same process, same run)",
            f"{uncached:.0f}x anonymous ({_ms(results, 'article_50_anonymous'):.1f} "
            f"vs {_ms(results, 'constant_anonymous'):.2f} ms); "
            f"{uncached_signed:.0f}x signed in",
            _verdict(uncached <= 12),
        )
    )
    cached = _ratio(results, "cached_50_anonymous")
    rows.append(
        (
            "Cached 50-comment page ≤ 3x a constant view",
            f"{cached:.1f}x ({_ms(results, 'cached_50_anonymous'):.2f} ms): "
            "the anonymous page as readers get it, whole from the shared cache",
            _verdict(cached <= 3),
        )
    )
    wire = results["wire"]
    share = wire["article_50"]["rps"] / wire["constant"]["rps"]
    errors = sum(
        wire[name]["errors"] + wire[name]["not_expected"]
        for name in ("constant", "article_50")
    )
    uncached_share = wire["uncached_50"]["rps"] / wire["constant"]["rps"]
    rows.append(
        (
            "Over the wire: anonymous article page ≥ 35% of the constant view's "
            "throughput, zero errors",
            f"{share:.1%} ({wire['article_50']['rps']:.0f} vs "
            f"{wire['constant']['rps']:.0f} pages/s), {errors} errors; "
            f"every request a cache miss {uncached_share:.1%}",
            _verdict(share >= 0.35 and errors == 0),
        )
    )
    if (nginx := wire.get("article_50_nginx")) and (
        alone := wire.get("article_50_gunicorn")
    ):
        through = nginx["rps"] / alone["rps"]
        nginx_errors = sum(
            run["errors"] + run["not_expected"] for run in (nginx, alone)
        )
        rows.append(
            (
                "Hot anonymous article through nginx's micro-cache ≥ 10x "
                "gunicorn alone, zero errors",
                f"{through:.1f}x ({nginx['rps']:.0f} vs {alone['rps']:.0f} pages/s, "
                f"in turns), {nginx_errors} errors; nginx's cache: "
                + ", ".join(
                    f"{n} {status}"
                    for status, n in sorted(nginx.get("cache_statuses", {}).items())
                ),
                _verdict(through >= 10 and nginx_errors == 0),
            )
        )
    for peer, name, goal in (
        ("contrib", "django-contrib-comments", 2),
        ("xtd", "django-comments-xtd", 10),
    ):
        ratios = _peer_ratios(results, peer)
        if not ratios:
            continue
        rows.append(
            (
                f"≥ {goal}x cheaper per page than {name} at the same size",
                " / ".join(f"{ratios[size]:.1f}x" for size in SIZES if size in ratios)
                + " (50 / 500 / 5,000 comments)",
                _verdict(min(ratios.values()) >= goal)
                if min(ratios.values()) >= goal
                else f"**not met** at {_sizes_below(ratios, goal)} comments",
            )
        )
    contrib_50 = _peer_ms(results, "contrib", 50)
    if contrib_50:
        signed_50 = _ms(results, "article_50_signed_in")
        rows.append(
            (
                "Signed-in 50-comment page ≤ half django-contrib-comments' "
                "50-comment page (in process)",
                f"{signed_50:.1f} vs {contrib_50:.1f} ms "
                f"({signed_50 / contrib_50:.2f}x contrib's)",
                _verdict(signed_50 <= contrib_50 / 2),
            )
        )
    if signed_wire := wire.get("article_50_signed_in"):
        signed_share = signed_wire["rps"] / wire["article_50"]["rps"]
        signed_errors = signed_wire["errors"] + signed_wire["not_expected"]
        rows.append(
            (
                "Over the wire: one signed-in reader on 16 connections ≥ 25% "
                "of the anonymous article page's throughput",
                f"{signed_share:.1%} ({signed_wire['rps']:.0f} vs "
                f"{wire['article_50']['rps']:.0f} pages/s, p50 "
                f"{signed_wire['p50_us'] / 1000:.0f} ms), {signed_errors} errors",
                _verdict(signed_share >= 0.25 and signed_errors == 0),
            )
        )
    writes = wire["writes"]
    write_errors = writes["errors"] + writes["not_expected"]
    rows.append(
        (
            "Writes: ≥ 300 comments/s over the wire on SQLite, zero errors, p99",
            f"{writes['rps']:.0f} comments/s, {write_errors} errors, "
            f"{writes['rows_written']} rows for {writes['requests']} answers, "
            f"p99 {writes['p99_us'] / 1000:.0f} ms ({wire['workers']} workers)"
            + (
                f"; {fewer['rps']:.0f}/s, p99 {fewer['p99_us'] / 1000:.0f} ms "
                f"with {fewer['workers']} workers"
                if (fewer := wire.get("writes_fewer_workers"))
                else ""
            ),
            _verdict(writes["rps"] >= 300 and write_errors == 0)
            if results["database"] == "sqlite"
            else "(goal is for SQLite)",
        )
    )
    rows.append(
        (
            "Caching stays correct (new, edited, deleted, moderated comments show "
            "at once; per-reader parts never shared)",
            "anonymous readers' article pages cached under the article's and "
            "the site's versions, replaced after commit; signed-in pages never "
            "cached: tests/test_discussion_cache.py",
            "**met** (by those tests)",
        )
    )
    return rows


def _sizes_below(ratios: dict[int, float], goal: float) -> str:
    return ", ".join(f"{size:,}" for size, ratio in ratios.items() if ratio < goal)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _inprocess_table(runs: dict[str, dict]) -> str:
    names = list(next(iter(runs.values()))["inprocess"])
    header = ["scenario"]
    for vendor in runs:
        header += [f"{DATABASES[vendor]} median ms", "x constant"]
    rows = []
    for name in names:
        row = [name.replace("_", " ")]
        for results in runs.values():
            figures = results["inprocess"].get(name)
            if figures is None:
                # A results file from before the scenario existed.
                row += ["not measured", ""]
                continue
            base = (
                "constant_signed_in"
                if name.endswith("signed_in") or name.startswith("post_")
                else "constant_anonymous"
            )
            row += [
                f"{figures['median_ms']:.3f} (p10 {figures['p10_ms']:.3f}, "
                f"p90 {figures['p90_ms']:.3f}, n={figures['samples']})",
                f"{_ratio(results, name, base):.1f}",
            ]
        rows.append(row)
    return _table(header, rows)


def _statements_table(runs: dict[str, dict]) -> str:
    names = list(next(iter(runs.values()))["statements"]["counts"])
    return _table(
        ["request", *(DATABASES[vendor] for vendor in runs)],
        [
            [
                name.replace("_", " "),
                *(str(r["statements"]["counts"][name]) for r in runs.values()),
            ]
            for name in names
        ],
    )


def _wire_table(runs: dict[str, dict]) -> str:
    header = ["page"]
    for vendor in runs:
        header += [
            f"{DATABASES[vendor]} req/s",
            "rounds",
            "errors",
            "p50 / p99 ms",
        ]
    rows = []
    names = (
        "constant",
        "article_50",
        "article_5000",
        "uncached_50",
        "article_50_signed_in",
        "article_50_gunicorn",
        "article_50_nginx",
        "writes",
    )
    for name in (*names, "writes_fewer_workers"):
        label = name.replace("_", " ")
        if name == "writes_fewer_workers":
            label = "writes, one worker per core"
        elif name == "article_50_gunicorn":
            label = "article 50, gunicorn alone (in turns with nginx)"
        elif name == "article_50_nginx":
            label = "article 50 through nginx's micro-cache"
        row = [label]
        for results in runs.values():
            figures = results["wire"].get(name)
            if figures is None:
                row += ["n/a"] * 4
                continue
            row += [
                f"{figures['rps']:.0f}",
                " ".join(map(str, figures.get("rounds_rps", []))) or "one run",
                str(figures["errors"] + figures["not_expected"]),
                f"{figures['p50_us'] / 1000:.1f} / {figures['p99_us'] / 1000:.1f}",
            ]
        rows.append(row)
    return _table(header, rows)


def _peers_table(runs: dict[str, dict]) -> str:
    header = ["comments"]
    for vendor in runs:
        name = DATABASES[vendor]
        header += [
            f"{name}: Briefing ms",
            "contrib-comments ms (ratio)",
            "comments-xtd ms (ratio)",
        ]
    rows = []
    for size in SIZES:
        row = [f"{size:,}"]
        for results in runs.values():
            row.append(f"{_ms(results, f'article_{size}_anonymous'):.1f}")
            for peer in ("contrib", "xtd"):
                timings = results.get("peers", {}).get(peer, {}).get("timings", {})
                if f"page_{size}" in timings:
                    peer_ms = timings[f"page_{size}"]["median_ms"]
                    row.append(
                        f"{peer_ms:.1f} ({_peer_ratios(results, peer)[size]:.1f}x)"
                    )
                else:
                    row.append("n/a")
        rows.append(row)
    constants = ["constant view"]
    for results in runs.values():
        constants.append(f"{_ms(results, 'constant_anonymous'):.2f}")
        for peer in ("contrib", "xtd"):
            timings = results.get("peers", {}).get(peer, {}).get("timings", {})
            constants.append(
                f"{timings['constant']['median_ms']:.2f}" if timings else "n/a"
            )
    rows.append(constants)
    statements = ["statements (50 / 500 / 5,000)"]
    for results in runs.values():
        statements.append(
            " / ".join(
                str(results["statements"]["counts"][f"article_{size}_anonymous"])
                for size in SIZES
            )
        )
        for peer in ("contrib", "xtd"):
            counts = results.get("peers", {}).get(peer, {}).get("statements", {})
            statements.append(
                " / ".join(str(counts[str(size)]) for size in SIZES)
                if counts
                else "n/a"
            )
    rows.append(statements)
    return _table(header, rows)


def _index_table(runs: dict[str, dict]) -> str:
    header = ["page"]
    for vendor in runs:
        header += [f"{DATABASES[vendor]} median ms", "x constant"]
    rows = []
    for size in SIZES:
        name = f"article_{size}_anonymous"
        row = [f"article, {size:,} comments, anonymous"]
        for results in runs.values():
            if not results.get("without_index"):
                row += ["n/a", "n/a"]
                continue
            timings = results["without_index"]["timings"]
            row += [
                f"{timings[name]['median_ms']:.3f}",
                f"{timings[name]['median_ms'] / timings['constant']['median_ms']:.1f}",
            ]
        rows.append(row)
    return _table(header, rows)


def markdown(runs: dict[str, dict]) -> str:
    parts = [TEXT_HEAD]
    for vendor, results in runs.items():
        parts.append(
            f"- **{DATABASES[vendor]}**: `{results['command']}` — "
            f"{results['database_version']}, Python {results['machine']['python']}, "
            f"tree {results['tree']}, started {results['started_at']}, "
            f"{results['duration_s']} s, load average at start "
            f"{' / '.join(map(str, results['machine']['load_average_at_start']))}"
        )
    parts.append(
        "\n`make bench` runs the same command once the requirements are "
        'installed. A tree named "a git archive of it" is an export of that '
        "commit, so that uncommitted work of others in a shared checkout could "
        "not leak into the figures.\n"
    )
    parts.append(
        "The machine has 2 cores and was shared with other work during both "
        "runs (tests and servers of other developers): absolute times move "
        "from run to run, so every ratio below is taken within one run, and "
        "the in-process scenarios are timed in turn, round after round, so "
        "that background load falls on all of them alike.\n"
    )
    parts.append("## Goals\n")
    header = ["goal", *(f"{DATABASES[v]}: figure" for v in runs), "verdict"]
    goal_rows = {vendor: goals(results) for vendor, results in runs.items()}
    first = next(iter(goal_rows.values()))
    rows = []
    for index, (goal, _, _) in enumerate(first):
        figures = [goal_rows[v][index][1] for v in runs]
        verdicts = [goal_rows[v][index][2] for v in runs]
        verdict = (
            verdicts[0]
            if len(set(verdicts)) == 1
            else "; ".join(
                f"{DATABASES[v]}: {x}" for v, x in zip(runs, verdicts, strict=True)
            )
        )
        rows.append([goal, *figures, verdict])
    parts.append(_table(header, rows))
    parts.append("\n![Cost of one page per discussion size](benchmarks.svg)\n")
    parts.append("## SQL statements per request\n")
    parts.append(
        "Counted with an execute wrapper on the connection, after one warm-up "
        "request, leaving out transaction control (BEGIN, SAVEPOINT, RELEASE, "
        "COMMIT). `tests/test_query_budgets.py` asserts the budgets in CI.\n"
    )
    parts.append(_statements_table(runs))
    parts.append("\n## In-process medians\n")
    parts.append(TEXT_INPROCESS)
    parts.append(_inprocess_table(runs))
    parts.append("\n### Without the index comment_number_once\n")
    parts.append(TEXT_INDEX)
    parts.append(_index_table(runs))
    parts.append("\n## Over the wire\n")
    parts.append(TEXT_WIRE.format(**next(iter(runs.values()))["wire"]))
    parts.append(_wire_table(runs))
    parts.append("\n## Peers\n")
    parts.append(TEXT_PEERS)
    parts.append(_peers_table(runs))
    for results in runs.values():
        for peer, figures in results.get("peers", {}).items():
            versions = ", ".join(f"{k} {v}" for k, v in figures["versions"].items())
            parts.append(f"\n{peer} ({DATABASES[results['database']]}): {versions}")
    parts.append("\n" + analysis(runs))
    return "\n".join(parts) + "\n"


TEXT_HEAD = """# Benchmarks

Written by `python -m tools.bench` (`make bench`) from
`tools/bench/results/*.json`; rerun
it to refresh every figure here. Each run seeds its own database (a SQLite
file under /tmp, or the PostgreSQL database named by `DATABASE_URL`, dropped
and created afresh) with 300 readers and three articles whose discussions
hold 50, 500 and 5,000 visible comments (a fifth of them replies, one in
fifty deleted by its author, plus a few pending and rejected ones), then
measures everything below in that one run. The peers' sites are built and
measured by the same run, each in a throwaway virtualenv under /tmp.

Runs:
"""

TEXT_INPROCESS = """Each request is a WSGI call into Django's handler with the product's
settings and full middleware stack (what gunicorn calls, minus the socket).
The constant view (`tools/bench/urls.py`, only in the benchmark's URLconf) answers
"ok" through the same middleware: the least any page can cost here.
"Signed in" is a reader who also wrote some of the comments (so the page has
the form and Reply/Edit/Delete/Report links); its ratio is to the constant
view requested with the same session. "article … anonymous" is timed with
the anonymous readers' page cache turned off (`bench/uncached-article/`,
tools/bench/urls.py), which is what every cache miss renders; "cached …
anonymous" is the product's article page as anonymous readers get it,
whole from the shared cache; "post comment"
posts a comment with CSRF and an idempotency key and follows no redirect.
"""

TEXT_INDEX = """The anonymous pages timed again, in the same run, after `DROP INDEX
comment_number_once` (then created again), each in turn with the constant
view: what the index buys, and how the page cost grew before it.
"""

TEXT_WIRE = """gunicorn with the project's `gunicorn.conf.py` ({workers} sync workers,
access log to a file, workers not recycled during the runs), wrk from Debian
with {threads} threads and {connections} connections. After a 2-second
warm-up per page, the pages take turns in short runs (the rounds), so that a
burst of other work on the shared machine does not fall on one page alone:
req/s is all requests over all the time, p50 the median of the rounds', p99
the worst round's. "errors" counts socket errors, timeouts and answers other
than the expected one (200 for pages, the redirect for posts). Writes, one
continuous run: signed-in readers (200 sessions, each request the next
reader) post with their CSRF token and a distinct idempotency key
(`tools/bench/post.lua`); rate limits off (`BRIEFING_RATE_LIMITS=off`), new readers
not premoderated; "rows written" checks that every answer stored exactly one
comment (posts still in flight when wrk stops may add rows without an answer).
"""

TEXT_PEERS = """Per page, anonymous, at the same discussion size: Briefing's article page
(the first page of 50 comments) against a minimal site on each peer with
Django's default middleware, the same article text and the app's own comment
list under it with its default templates (`render_comment_list` for
django-contrib-comments, `render_xtdcomment_tree` for django-comments-xtd),
seeded with the same readers and bodies (`tools/bench/peers/`). The ratio is the
peer's median over Briefing's (above 1: Briefing is cheaper). Neither peer
paginates, so its page grows with the discussion; its page of 5,000 comments
is timed three times, the rest like Briefing's.
"""


def analysis(runs: dict[str, dict]) -> str:
    """What limits the goals not met, with this run's own figures."""
    results = runs.get("sqlite") or next(iter(runs.values()))
    name = DATABASES[results["database"]]
    post_ms = _ms(results, "post_comment")
    writes = results["wire"]["writes"]
    contrib = _peer_ratios(results, "contrib")
    xtd = _peer_ratios(results, "xtd")
    without = _flat_without_index(results)
    peers = ""
    if contrib and xtd:
        peers = f"""
**Peers.** Neither peer paginates: at 500 and 5,000 comments they render
every comment, and Briefing's first page of 50, uncached, is {contrib[500]:.1f}x and
{contrib[5000]:.0f}x cheaper than django-contrib-comments' list,
{xtd[500]:.0f}x and {xtd[5000]:.0f}x cheaper than django-comments-xtd's tree
(which also runs a query or two per comment). At 50 comments both render
the same number of comments and the ratios are {contrib[50]:.1f}x and
{xtd[50]:.1f}x: django-contrib-comments' default list is a bare `<dl>` of
name, date and linebreaks, where Briefing's comment carries its number,
author link and display name, Online/Offline, a `<time>`, the reply link and
the body with its links made safe. There the goals ask for a cheaper comment,
that is the cached or pre-rendered discussion described above, not fewer
queries.
"""
    return f"""## What limits the goals not met, and what would meet them

Figures quoted here are from the {name} run above.

**Landed by this work** (each measured before and after in one process):
SQLite keeps each worker's connection (`CONN_MAX_AGE`) instead of opening
one, with its pragmas, per request: about 1 ms off every page that reads the
database (the signed-in constant view: 2.0 to 1.0 ms); `format_body` keeps
its last 1,024 results (urlize is the costliest step of the page and its
result depends on the body alone): the 50-comment page 53 to 38 ms; a post
runs 5 statements, not 6 (the reader's sanctions come with the standing
query) and a reply 6, not 7.

**Rendering and the ORM, not SQL, are the cost of an uncached article
page.** The page runs {results["statements"]["counts"]["article_50_anonymous"]} statements anonymous and
{results["statements"]["counts"]["article_50_signed_in"]} signed in at every size and sort, yet costs
{_ratio(results, "article_50_anonymous"):.0f} constant views uncached. The
comments are one loop over values worked out once in Python (a profile URL
once per author, the times kept per worker by `comments.rendering.shown_time`,
the reply link), and the loop is Jinja2, through Django's own Jinja2
backend (`comments/comment_items.py`, `comments/jinja2/`): it renders the 50
comments in 0.6 ms where Django's template engine took 3.9 ms, the same
values and markup (markupsafe writes `&#34;` where Django writes `&quot;`).
With it, the 50-comment page went from 40x and 38x the constant view to
29x and 27x (20.1 and 16.6 ms to 12.6 ms), and the signed-in one from 31x
and 32x to 25x and 20x (`python -m tools.bench --inprocess-only --seconds 4`
at 0337088 and at this tree, in turns, twice). What is left, timed piece by piece in one
process: the page's one query of 50 rows with their authors and the
comments their replies answer, about 4 ms (building the queryset 0.75 ms,
compiling it 0.85 ms, SQLite 0.47 ms, the rest making 100 model instances);
the list's values 2.1 ms; the article around the discussion (its lookup
0.5 ms, the base template 0.5 ms). 12x is about 5 ms, about what the query
and its model instances cost alone: out of reach while the page reads
through the ORM; readers get the cached page instead.

**Flat cost needs an index in the order the page reads.** A comment keeps
the number it was first published with, and numbers run without gaps (a
removed comment leaves a placeholder), so page n holds numbers 50(n-1)+1 to
50n: the unique index `comment_number_once (article, number)` reads exactly
the page's rows, and the last number, read through the same index in the
same statement, is the count. The 5,000-comment
page costs {_ratio(results, "article_5000_anonymous", "article_50_anonymous"):.2f}x
the 50-comment one, against {without or float("nan"):.2f}x without it.{_postgresql_flat(runs)}

**The anonymous readers' shared pages** (`briefing/views.py` `ArticleView`,
`briefing/shared_pages.py`). Anonymous readers all see the same article page,
so it comes whole from the shared cache (file cache on one machine, Redis
across instances), kept under the article, the page, order and language
with two *versions* it was rendered under: random tokens in the same cache, the
article's replaced after commit wherever one of its comments changes
(`post_comment`, `edit_comment`, `change_status`, through which deletions
and moderation pass, and `change_status_of_all` for a ban), the site's when
the moderation settings change (a site-wide pause). Every worker and
instance reads the same tokens, so the next request anywhere renders
afresh; entries live 60 s, which bounds how stale Online/Offline, a changed
display name or a discussion closing by itself at its time can be. A hit
is one read of the cache (the page and both current versions, one
`get_many`), no statement and no rendering: each worker remembers which
article a slug names, and an article edited, unpublished, renamed or deleted
renews its version like a comment does.
Signed-in readers are never served from it (their page holds the form,
their own pending comments and their own links), nor is a page with a
message waiting for its reader. `tests/test_discussion_cache.py` shows each
change at once to an anonymous reader and that no reader's parts reach
another. A hit costs {_ratio(results, "cached_50_anonymous"):.1f} constant
views in process, and the anonymous page reaches
{results["wire"]["article_50"]["rps"] / results["wire"]["constant"]["rps"]:.0%}
of the constant view's throughput over the wire. What a hit still pays
beyond the constant view (its one cache read, the validator's digest, the
response's headers):
{_ms(results, "cached_50_anonymous") - _ms(results, "constant_anonymous"):.1f} ms.
{peers}
**Writes.** A post costs {post_ms:.1f} ms in process (CSRF, session, the
standing query under the reader's row lock, the insert, the discussion's
next number). SQLite takes one writer at a time (`BEGIN IMMEDIATE`), so what
a post does while it holds the lock bounds the rate: the standing statement
is built and compiled once per worker (`briefing/prepared.py`; the ORM's work
on its dozen subqueries was 4.4 of the 5.1 ms it held the lock for), the
next number is read off the end of the index, and the writers of every
worker queue for the lock on a `flock` beside the database
(`briefing/sqlite/base.py`) rather than sleeping in SQLite's busy handler,
which let later writers overtake waiting ones. What is left is CPU: about
8 ms of a worker's time per post over the wire, and two cores shared with
wrk, which puts 300 a second out of reach here; with more workers than
cores a worker can be descheduled while it holds the lock, which shows in
the p99 ({writes["p99_us"] / 1000:.0f} ms). {_writes_check(writes)}
{_fewer_workers(results)}
"""


def _postgresql_flat(runs: dict[str, dict]) -> str:
    results = runs.get("postgresql")
    if not results or not results.get("without_index"):
        return ""
    flat = _ratio(results, "article_5000_anonymous", "article_50_anonymous")
    return (
        f" PostgreSQL's planner kept the page flat with or without it "
        f"({flat:.2f}x and {_flat_without_index(results):.2f}x)."
    )


def _fewer_workers(results: dict) -> str:
    fewer = results["wire"].get("writes_fewer_workers")
    if not fewer:
        return ""
    writes = results["wire"]["writes"]
    return (
        f"With {fewer['workers']} workers instead of {results['wire']['workers']}, "
        f"posts of the same kind (texts of their own) ran at {fewer['rps']:.0f} "
        f"a second with a p99 of {fewer['p99_us'] / 1000:.0f} ms, against "
        f"{writes['rps']:.0f} and {writes['p99_us'] / 1000:.0f} ms: on SQLite, "
        "fewer workers mean fewer writers waiting for the lock, and shorter "
        f"waits for the slowest posts. {_writes_check(fewer)}"
    )


def _writes_check(writes: dict) -> str:
    wrong = writes["errors"] + writes["not_expected"]
    if wrong == 0 and writes["rows_written"] >= writes["requests"]:
        return (
            f"All {writes['requests']} answers were the expected redirect, and "
            f"{writes['rows_written']} comments were stored (posts still in "
            "flight when wrk stopped add rows without an answer)."
        )
    return (
        f"{wrong} answers were errors or not the expected redirect; "
        f"{writes['rows_written']} comments were stored for "
        f"{writes['requests']} answers."
    )


def svg(runs: dict[str, dict]) -> str:
    """Grouped bars on a log scale: ms per page by discussion size."""
    series = [
        (
            "Briefing, anonymous",
            "#1f6feb",
            lambda r, s: _ms(r, f"article_{s}_anonymous"),
        ),
        (
            "Briefing, signed in",
            "#6e40c9",
            lambda r, s: _ms(r, f"article_{s}_signed_in"),
        ),
        ("django-contrib-comments", "#d4a72c", lambda r, s: _peer_ms(r, "contrib", s)),
        ("django-comments-xtd", "#cf222e", lambda r, s: _peer_ms(r, "xtd", s)),
    ]
    panel_width, height, top, bottom, left = 430, 390, 56, 60, 60
    width = panel_width * len(runs) + 20
    low, high = 0.1, 100_000.0

    def y(value: float) -> float:
        span = math.log10(high) - math.log10(low)
        share = (math.log10(max(value, low)) - math.log10(low)) / span
        return top + (height - top - bottom) * (1 - share)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 60}" '
        f'viewBox="0 0 {width} {height + 60}" font-family="sans-serif" font-size="12">',
        "<title>Milliseconds per page, by discussion size (log scale)</title>",
        f'<rect width="{width}" height="{height + 60}" fill="#ffffff"/>',
    ]
    for panel, (vendor, results) in enumerate(runs.items()):
        x0 = 10 + panel * panel_width + left
        plot_width = panel_width - left - 10
        out.append(
            f'<text x="{x0}" y="22" font-size="14" font-weight="bold">'
            f"{DATABASES[vendor]}: ms per page (log scale)</text>"
        )
        for exponent in range(-1, 6):
            value = 10.0**exponent
            out.append(
                f'<line x1="{x0}" x2="{x0 + plot_width}" y1="{y(value):.1f}" '
                f'y2="{y(value):.1f}" stroke="#d0d7de"/>'
            )
            label = f"{value:g}"
            out.append(
                f'<text x="{x0 - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{label}</text>'
            )
        constant = _ms(results, "constant_anonymous")
        out.append(
            f'<line x1="{x0}" x2="{x0 + plot_width}" y1="{y(constant):.1f}" '
            f'y2="{y(constant):.1f}" stroke="#57606a" stroke-dasharray="5 3"/>'
        )
        out.append(
            f'<text x="{x0}" y="40" fill="#57606a">dashed line: the constant view, '
            f"{constant:.2f} ms</text>"
        )
        group = plot_width / len(SIZES)
        bar = group / (len(series) + 1)
        for index, size in enumerate(SIZES):
            gx = x0 + index * group + bar / 2
            for number, (name, colour, value_of) in enumerate(series):
                value = value_of(results, size)
                if value is None:
                    continue
                top_y = y(value)
                out.append(
                    f'<rect x="{gx + number * bar:.1f}" y="{top_y:.1f}" '
                    f'width="{bar - 2:.1f}" height="{y(low) - top_y:.1f}" fill="{colour}">'
                    f"<title>{escape(name)}, {size:,} comments: {value:.1f} ms</title></rect>"
                )
            out.append(
                f'<text x="{x0 + index * group + group / 2:.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle">{size:,} comments</text>'
            )
    for number, (name, colour, _) in enumerate(series):
        lx, ly = 20 + (number % 2) * 220, height + 8 + (number // 2) * 20
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{lx + 18}" y="{ly + 11}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _peer_ms(results: dict, peer: str, size: int) -> float | None:
    timings = results.get("peers", {}).get(peer, {}).get("timings", {})
    figure = timings.get(f"page_{size}")
    return figure["median_ms"] if figure else None


def write(docs: Path) -> None:
    runs = load()
    docs.mkdir(exist_ok=True)
    (docs / "benchmarks.md").write_text(markdown(runs))
    (docs / "benchmarks.svg").write_text(svg(runs))


if __name__ == "__main__":
    write(BENCH.parents[1] / "docs")
