"""Settings: importing `config` only reads the environment; `config.validate()`, as the app and the
commands start, refuses what Beacon cannot run with, naming the setting and what to write instead."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import config

ROOT = Path(config.__file__).parent
WRONG = {
    "BEACON_AUTH": "sso",
    "BEACON_HOST": "0.0.0.0",
    "BEACON_TIMEZONE": "Mars/Olympus_Mons",
    "BEACON_FIRST_DAY": "1990-13-01",
    "BEACON_VIEWER_COMMENTS": "sometimes",
    "BEACON_LOG_LEVEL": "chatty",
}


def test_importing_config_with_wrong_settings_only_reads_them():
    """Every wrong setting at once: the import succeeds and holds what it read; validate() stops."""
    script = "import config; print(config.AUTH, config.TIMEZONE, config.FIRST_DAY); config.validate()"
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **WRONG},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout == "sso Mars/Olympus_Mons None\n"
    assert (run.returncode, run.stderr) == (
        1,
        "BEACON_AUTH='sso' is not a sign-in mode of this version of Beacon (it has: none, local).\n",
    )


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("VIEWER_COMMENTS", "sometimes", "BEACON_VIEWER_COMMENTS='sometimes': use shown or hidden."),
        (
            "LOG_LEVEL",
            "CHATTY",
            "BEACON_LOG_LEVEL='CHATTY' is not a level: use one of DEBUG, INFO, WARNING, ERROR, CRITICAL.",
        ),
        (
            "DEFAULT_LANGUAGE",
            "de",
            "BEACON_DEFAULT_LANGUAGE='de' is not a language of Beacon's interface: use one of en, fi, fr, hu, es, fa.",
        ),
        (
            "TIMEZONE",
            "../etc/passwd",
            "BEACON_TIMEZONE='../etc/passwd' is not a time zone: write an IANA name such as Europe/Helsinki.",
        ),
    ],
)
def test_validate_names_the_wrong_setting(monkeypatch, setting, value, message):
    monkeypatch.setattr(config, setting, value)
    with pytest.raises(SystemExit) as stopped:
        config.validate()
    assert stopped.value.code == message


def test_the_defaults_are_valid():
    config.validate()
