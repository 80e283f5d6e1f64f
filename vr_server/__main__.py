"""`python -m vr_server` is `vr-server`."""

import sys

from vr_server.cli import main

sys.exit(main())
