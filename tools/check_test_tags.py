#!/usr/bin/env python3
"""Every test class of the addons says when it runs: ``@tagged`` with
``at_install`` (pure functions, a BaseCase) or ``post_install`` and
``-at_install`` (the ORM with every module loaded); an HttpCase (a tour, a
route) always ``post_install``, ``-at_install``, as Odoo's own HttpCases.

    python3 tools/check_test_tags.py [FOLDER ...]   # default: addons tests/addons

Prints each class that breaks the rule and exits non-zero if any (run by
tools/lint.sh). Reads the files as text: imports nothing.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tags_of(node):
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == (
            "tagged"
        ):
            return {
                arg.value for arg in decorator.args if isinstance(arg, ast.Constant)
            }
    return None


def problems_in(path):
    classes = {
        node.name: node
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.ClassDef)
    }

    def is_http(node, seen=()):
        for base in node.bases:
            name = ast.unparse(base).rsplit(".", 1)[-1]
            if name == "HttpCase":
                return True
            if name in classes and name not in seen:
                if is_http(classes[name], (*seen, node.name)):
                    return True
        return False

    for node in classes.values():
        if not any(
            isinstance(item, ast.FunctionDef) and item.name.startswith("test")
            for item in node.body
        ):
            continue
        tags = tags_of(node)
        where = f"{path}:{node.lineno} {node.name}"
        if tags is None:
            yield f"{where}: no @tagged (say at_install or post_install)"
        elif is_http(node) and not {"post_install", "-at_install"} <= tags:
            yield f"{where}: an HttpCase runs post_install, -at_install"
        elif not tags & {"at_install", "post_install"}:
            yield f"{where}: @tagged says neither at_install nor post_install"


def main(folders):
    problems = [
        problem
        for folder in folders
        for path in sorted(Path(folder).glob("*/tests/**/*.py"))
        for problem in problems_in(path)
    ]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [ROOT / "addons", ROOT / "tests" / "addons"]))
