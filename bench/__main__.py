"""`make bench` runs `python -m bench` (sizes S and L); `python -m bench S M` measures other sizes."""
from bench.run import main

raise SystemExit(main())
