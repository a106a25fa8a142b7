"""`chalice local` with a listen backlog for concurrent clients: the stdlib server Chalice uses keeps
socketserver's default of 5 pending connections, so a sixth client connecting while the threads
are busy is refused (issue 31: 32 concurrent clients got connection resets). Used by
devtools.localstack.chalice_local, so `make run`, the end-to-end tests and `make bench` all serve
through it; takes the `chalice` command's arguments."""
from __future__ import annotations

import sys

from chalice import local
from chalice.cli import main

local.ThreadedHTTPServer.request_queue_size = 128

if __name__ == "__main__":
    sys.argv[0] = "chalice"
    sys.exit(main())
