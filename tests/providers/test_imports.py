"""The default (offline) configuration never pays for importing google-genai."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("AI_PROVIDER", None)
    env.pop("NUTRITION_PROVIDER", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=60
    )


def test_importing_providers_does_not_import_google_genai() -> None:
    proc = _run(
        """
        import importlib, importlib.util, sys
        import meallog.providers
        import meallog.providers.retry
        import meallog.providers.gemini  # the module itself defers the SDK import to construction
        for optional in ("meallog.providers.offline", "meallog.providers.factory"):
            if importlib.util.find_spec(optional) is not None:
                importlib.import_module(optional)
        leaked = sorted(m for m in sys.modules if m == "google.genai" or m.startswith("google.genai."))
        print("LEAKED", leaked)
        sys.exit(1 if leaked else 0)
        """
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_building_a_gemini_provider_does_import_the_sdk() -> None:
    # Guards the test above against passing for the wrong reason (e.g. the SDK missing).
    proc = _run(
        """
        import sys
        from meallog.providers.gemini import GeminiProvider
        from meallog.nutrition.types import ProviderResult

        class Stub:
            name = "offline"; model = ""
            def parse(self, text, *, locale=None):
                return ProviderResult(items=(), provider="offline", model="")

        GeminiProvider(api_key="k", fallback=Stub(), base_url="http://127.0.0.1:9").close()
        sys.exit(0 if "google.genai" in sys.modules else 1)
        """
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
