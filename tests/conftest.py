import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import strategies  # noqa: F401  registers the model strategies with hypothesis
