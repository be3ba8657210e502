"""Entry point of the frozen app (PyInstaller): the same ``main`` as the ``companion`` command."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
