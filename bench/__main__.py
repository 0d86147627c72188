"""`make bench` runs `python -m bench` (sizes S and L); `python -m bench S M` measures other sizes;
`python -m bench --only cgi [S M]` only the CGI requests (printed, results.json untouched)."""
from bench.run import main

raise SystemExit(main())
