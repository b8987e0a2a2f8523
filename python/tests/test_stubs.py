"""The type stubs ship with the package and agree with the compiled module: mypy's stubtest
finds every class, method and property of snmpkit/__init__.pyi at runtime and every public
runtime name in the stubs. (It does not check the parameters of PyO3's builtin methods; the
mypy run on typical calls is the README's examples, exercised by the other tests.)"""

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
