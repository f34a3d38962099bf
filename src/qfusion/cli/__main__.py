"""``python -m qfusion.cli``: the same as the ``qfusion`` command."""

import sys

from qfusion.cli.app import main

if __name__ == "__main__":
    sys.exit(main())
