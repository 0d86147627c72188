"""A CGI process runs the dataclass methods an earlier process compiled (buurtbemiddeling/dataclass_code.py):
each process here is a fresh interpreter, as Apache starts app.cgi."""
from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Makes a dataclass as a module would, uses it, and reports what was compiled anew.
PROCESS = """
import dataclasses, json, sys
sys.path.insert(0, sys.argv[1])
from buurtbemiddeling import dataclass_code
compiled = dataclass_code.keep(sys.argv[2])

@dataclasses.dataclass(frozen=True)
class Step:
    key: str
    label: str = ""
    FIELDS
step = Step("intake", "Intake")
try:
    step.key = "x"
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
print(json.dumps({"compiled": len(compiled), "repr": repr(step), "equal": step == Step("intake", "Intake"),
                  "hash": hash(step) == hash(Step("intake", "Intake")), "frozen": frozen}))
"""


def run(folder: Path, fields: str = "") -> dict:
    code = PROCESS.replace("FIELDS", fields or "pass")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT), str(folder)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def test_a_second_process_compiles_no_dataclass_method_and_gets_the_same_class(tmp_path):
    folder = tmp_path / "cache"
    first = run(folder)
    assert first["compiled"] > 0
    (kept,) = folder.iterdir()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    second = run(folder)
    assert second == {**first, "compiled": 0}
    assert second["repr"] == "Step(key='intake', label='Intake')" and second["equal"] and second["frozen"]


def test_a_changed_class_is_compiled_anew_and_a_damaged_file_is_a_miss(tmp_path):
    folder = tmp_path / "cache"
    run(folder)
    changed = run(folder, "note: str = 'gewijzigd'")
    assert changed["compiled"] > 0 and changed["repr"] == "Step(key='intake', label='Intake', note='gewijzigd')"
    assert run(folder, "note: str = 'gewijzigd'")["compiled"] == 0
    (kept,) = folder.iterdir()
    kept.write_bytes(kept.read_bytes()[:50])
    again = run(folder)
    assert again["compiled"] > 0 and again["equal"] and again["frozen"]
