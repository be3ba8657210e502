"""``python -m sync.server ...`` is ``companion-server ...``."""

import sys

from sync.server.cli import main

sys.exit(main(sys.argv[1:]))
