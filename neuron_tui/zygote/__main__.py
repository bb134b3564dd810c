"""``python -I -m neuron_tui.zygote --fd N | --listen PATH``: run the lesson fork server."""

import sys

from neuron_tui.zygote import main

sys.exit(main())
