import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import os
import tempfile

import strategies  # noqa: F401  registers the model strategies with hypothesis
from hypothesis import settings

# No per-example deadline: speed targets live in benchmarks/, and a deadline turns a
# first example that imports pandas or starts the thread pool into a flaky failure.
settings.register_profile("kommuneintegration", deadline=None)
settings.load_profile("kommuneintegration")

# Tests never read or write the developer's Statbank cache, nor reach the real Statbank:
# each test run gets an empty cache folder and an address nothing listens on, unless a
# test sets its own.
_cache = tempfile.TemporaryDirectory(prefix="ki-cache-")  # removed when the run ends
os.environ["KOMMUNEINTEGRATION_CACHE_DIR"] = _cache.name
os.environ.setdefault("KOMMUNEINTEGRATION_STATBANK_URL", "http://127.0.0.1:9/v1")
# Nor a registry kept between runs, which would outlive a test's monkeypatching: the
# tests of the store turn it on with a folder of their own (tests/test_stored_registry.py).
os.environ["KOMMUNEINTEGRATION_PLUGIN_CACHE"] = "0"
# The tests of what the library says assert its English messages; the Danish default is
# tested where a test asks for it (--lang da, use_language("da")): tests/test_i18n.py.
os.environ["KOMMUNEINTEGRATION_LANG"] = "en"
