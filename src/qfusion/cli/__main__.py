"""``python -m qfusion.cli``."""

import sys

from qfusion.cli import main

sys.exit(main())
