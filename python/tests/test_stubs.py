"""The type stubs ship with the package and agree with the compiled module: mypy's stubtest
finds every class, method and property of snmpkit/__init__.pyi at runtime and every public
runtime name in the stubs. It does not check the parameters of PyO3's builtin methods, so
mypy --strict also checks typical calls (typing_usage.py) against the stubs, and a wrong
call must be refused."""

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


def test_typical_calls_type_check(tmp_path):
    usage = Path(__file__).with_name("typing_usage.py")
    ok = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "c"), str(usage)],
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "bad.py"
    bad.write_text("import snmpkit\nsnmpkit.Session('h', community=1).get(5)\n")
    refused = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "c"), str(bad)],
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1 and "arg-type" in refused.stdout, refused.stdout
