import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import os
import tempfile

import strategies  # noqa: F401  registers the model strategies with hypothesis

# Tests never read or write the developer's Statbank cache, nor reach the real Statbank:
# each test run gets an empty cache folder and an address nothing listens on, unless a
# test sets its own.
os.environ["KOMMUNEINTEGRATION_CACHE_DIR"] = tempfile.mkdtemp(prefix="ki-cache-")
os.environ.setdefault("KOMMUNEINTEGRATION_STATBANK_URL", "http://127.0.0.1:9/v1")
