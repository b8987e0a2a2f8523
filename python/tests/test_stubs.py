"""The type stubs ship with the package and agree with the compiled module (mypy's stubtest
compares every class, method and signature of snmpkit/__init__.pyi with the runtime)."""

import subprocess
import sys
from pathlib import Path

import snmpkit


def test_stubs_ship_and_match_the_runtime(tmp_path):
    pkg = Path(snmpkit.__file__).parent
    assert (pkg / "__init__.pyi").is_file() and (pkg / "py.typed").is_file()
    out = subprocess.run([sys.executable, "-m", "mypy.stubtest", "snmpkit"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
