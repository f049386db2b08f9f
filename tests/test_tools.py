"""The tools that are not the product (tools/) and the suite itself leave the
repository and the machine's shared services as they found them."""

import re
import subprocess

import psycopg
import pytest

from tests.browser.conftest import SCREENSHOTS
from tools.bench import __main__ as benchmark
from tools.harness import REPO, free_port
from tools.load import __main__ as load
from tools.load.cluster import PrivateCluster


def git_ignores(path) -> bool:
    return (
        subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=REPO).returncode
        == 0
    )


def test_browser_screenshots_go_to_an_ignored_folder():
    screenshot = SCREENSHOTS / "article-desktop.png"

    assert not screenshot.is_relative_to(REPO / "docs")
    assert git_ignores(screenshot)


def test_benchmark_without_report_keeps_its_results_out_of_the_repository(tmp_path):
    reported = benchmark.parse_args([])
    unreported = benchmark.parse_args(["--no-report"])

    assert benchmark.results_file(reported, "sqlite", tmp_path) == (
        REPO / "tools" / "bench" / "results" / "sqlite.json"
    )
    assert benchmark.results_file(unreported, "sqlite", tmp_path).is_relative_to(
        tmp_path
    )


def test_load_tool_restarts_a_private_cluster_by_default():
    options = load.parse_args(["--db", "postgres"])

    assert options.private_cluster
    assert options.restart_cluster is None
    assert f"127.0.0.1:{options.pg_port}/" in options.database_url
    assert options.pg_port != 5432


def test_load_tool_restarts_a_shared_cluster_only_when_named():
    options = load.parse_args(["--db", "postgres", "--restart-cluster", "main"])

    assert not options.private_cluster
    assert options.restart_cluster == "main"


def make_dry_run(*arguments: str) -> str:
    return subprocess.run(
        ["make", "--dry-run", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_load_test_names_no_shared_cluster_by_default():
    default = make_dry_run("load-test")
    named = make_dry_run("load-test", "PG_CLUSTER=main")

    assert "--restart-cluster" not in default
    assert "--pg-port 5439" in default
    assert "--restart-cluster main" in named


@pytest.mark.parametrize(
    ("target", "variable", "option"),
    [
        ("load-test", "LOAD_PORT=9101", "--port 9101"),
        ("load-test", "PG_PORT=9102", "--pg-port 9102"),
        ("scale-test", "NGINX_PORT=9103", "--nginx-port 9103"),
        ("scale-test", "INSTANCE_PORTS=9104,9105", "--ports 9104,9105"),
        ("bench", "BENCH_PORT=9106", "--port 9106"),
    ],
)
def test_make_targets_take_their_ports_from_the_command_line(target, variable, option):
    assert option in make_dry_run(target, variable)


def test_private_cluster_serves_restarts_and_disappears():
    cluster = PrivateCluster(free_port())
    cluster.start()
    try:
        with psycopg.connect(cluster.url("postgres")) as connection:
            started = connection.execute("SELECT pg_postmaster_start_time()").fetchone()

        cluster.restart()

        with psycopg.connect(cluster.url("postgres")) as connection:
            restarted = connection.execute(
                "SELECT pg_postmaster_start_time()"
            ).fetchone()
    finally:
        cluster.stop()

    assert restarted > started
    assert not cluster.folder.exists()


REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\[\],-]+)==(\S+)", re.MULTILINE)


def pins(text: str) -> dict[str, str]:
    """name (without extras, lower case) -> version of each `name==version`."""
    return {
        re.sub(r"\[.*\]", "", name).lower(): version
        for name, version in REQUIREMENT.findall(text)
    }


@pytest.mark.parametrize(
    ("edited", "locked"),
    [
        ("requirements.in", "requirements.txt"),
        ("requirements-dev.in", "requirements-dev.txt"),
    ],
)
def test_lock_holds_every_listed_package_with_hashes(edited, locked):
    listed = pins((REPO / edited).read_text())
    lock = (REPO / locked).read_text()
    # Each pin is followed by the hashes of its files.
    entries = re.split(r"\n(?=\S)", lock)
    hashed = {
        name: version
        for entry in entries
        for name, version in pins(entry).items()
        if "--hash=sha256:" in entry
    }

    assert listed.items() <= hashed.items(), "run `make lock`"
    assert hashed == pins(lock)


def test_dev_lock_has_the_runtime_lock_versions():
    runtime = pins((REPO / "requirements.txt").read_text())
    dev = pins((REPO / "requirements-dev.txt").read_text())

    assert runtime.items() <= dev.items(), "run `make lock`"
