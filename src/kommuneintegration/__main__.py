"""``python -m kommuneintegration`` works like the ``kommuneintegration`` command."""

import sys

from kommuneintegration.cli import main

sys.exit(main())
