"""Every action the code writes to the audit trail reads in French: each step of every
workflow's transitions table, and every code an audit call names in the source."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

from civil_registry.models import TRANSITIONS as ACT_STEPS
from complaints.models import SUGGESTION_TRANSITIONS as SUGGESTION_STEPS
from complaints.models import TRANSITIONS as COMPLAINT_STEPS
from core.journal import ACTION_LABELS
from correspondence.models import TRANSITIONS as LETTER_STEPS
from reception.models import TRANSITIONS as COUNTER_STEPS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS: dict[str, Mapping[str, object]] = {
    "courriers": LETTER_STEPS,
    "demandes d'actes": ACT_STEPS,
    "réclamations": COMPLAINT_STEPS,
    "suggestions": SUGGESTION_STEPS,
    "accueil": COUNTER_STEPS,
}
NOT_AUDIT_CALLS = {"add_argument"}  # argparse's `action=` is no audit action


def test_every_step_of_every_workflow_has_a_french_label():
    missing = [(name, code) for name, steps in WORKFLOWS.items() for code in steps if code not in ACTION_LABELS]
    assert missing == []


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _written_codes(path: Path) -> set[str]:
    """The action codes a module writes: literal or module-constant `action=` of any call,
    the defaults of `action` parameters, and `audit_action` class attributes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)

    def code_of(value: ast.expr | None) -> str | None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        if isinstance(value, ast.Name):
            return constants.get(value.id)
        return None

    codes: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in NOT_AUDIT_CALLS:
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        value = keyword.value
                        branches = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                        codes.update(code_of(branch) for branch in branches)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            positional = node.args.args[len(node.args.args) - len(node.args.defaults) :]
            pairs = [
                *zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True),
                *zip(positional, node.args.defaults, strict=True),
            ]
            codes.update(code_of(default) for argument, default in pairs if argument.arg == "action")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "audit_action" for t in targets):
                codes.add(code_of(node.value))
    return {code for code in codes if code is not None}


def test_every_action_code_written_in_the_source_has_a_french_label():
    unlabelled = set()
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv", "bench/", "tests/")) or "/tests/" in relative or "/migrations/" in relative:
            continue
        unlabelled |= {(relative, code) for code in _written_codes(path) if code not in ACTION_LABELS}
    assert unlabelled == set()


def test_the_source_scan_finds_the_codes_it_must_check():
    assert {"create", "update", "delete"} <= _written_codes(ROOT / "core" / "audit.py")
    assert "tally" in _written_codes(ROOT / "telephony" / "actions.py")
    assert "import_requests" in _written_codes(ROOT / "correspondence" / "imports.py")
