"""`manage.py check --deploy` accepts the production profile of `.env.example`."""

import os
import re
import shutil
import subprocess
import sys

from tests.environments import BASE_DIR, production_environment
from tools.harness import env_file

# Variables a developer's or CI's shell may hold that would change the profile.
OWN_VARIABLES = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "BRIEFING_")


def run_deploy_check(**changes: str) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(OWN_VARIABLES)
    }
    environment.update(production_environment())
    environment.update(changes)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_the_production_profile():
    result = run_deploy_check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_env_example_documents_every_variable_read():
    example = (BASE_DIR / ".env.example").read_text()
    # Set, or shown commented out as an option.
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    settings_source = (BASE_DIR / "briefing" / "settings.py").read_text()
    gunicorn_source = (BASE_DIR / "gunicorn.conf.py").read_text()

    # Both read through django-environ (env("X"), env.int("X")); gunicorn's
    # PORT and BIND also from the process alone (os.environ["X"]).
    read = set(
        re.findall(
            r"env(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']",
            settings_source + gunicorn_source,
        )
    ) | set(re.findall(r"os\.environ\[[\"']([A-Z][A-Z0-9_]*)[\"']\]", gunicorn_source))

    assert "DJANGO_SECRET_KEY" in read
    assert {"WEB_CONCURRENCY", "GUNICORN_PROC_NAME", "PORT", "BIND"} <= read
    assert read - documented == set()


def test_deploy_check_fails_without_https():
    result = run_deploy_check(DJANGO_HTTPS="off")

    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W008" in result.stderr  # no https redirect


def test_deploy_check_fails_with_the_placeholder_secret_key():
    placeholder = "django-insecure-replace-me-with-the-output-of-secrets-token-urlsafe"

    result = run_deploy_check(DJANGO_SECRET_KEY=placeholder)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_deploy_check_fails_with_mail_printed_to_the_console():
    result = run_deploy_check(DJANGO_EMAIL_URL="consolemail://")

    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_readme_says_what_to_change_in_a_copied_env_example(tmp_path):
    readme = (BASE_DIR / "README.md").read_text()
    command = re.search(r"^sed -i .*DJANGO_SECRET_KEY.* \.env$", readme, re.MULTILINE)
    shutil.copy(BASE_DIR / ".env.example", tmp_path / ".env")
    as_copied = run_deploy_check(**env_file(tmp_path / ".env"))

    subprocess.run(["bash", "-c", command.group(0)], cwd=tmp_path, check=True)
    after_the_readme = run_deploy_check(**env_file(tmp_path / ".env"))

    assert "security.W009" in as_copied.stderr
    assert after_the_readme.returncode == 0, after_the_readme.stderr
