"""`python -m vr_server.cli` is `vr-server` (as `python -m vr_server` is)."""

import sys

from vr_server.cli import main

sys.exit(main())
