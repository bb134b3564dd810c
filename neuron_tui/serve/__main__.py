"""`python -m neuron_tui.serve ssh|web ...`: the serve commands on their own."""

from __future__ import annotations

import sys

from neuron_tui.serve.cli import main

if __name__ == "__main__":
    sys.exit(main())
