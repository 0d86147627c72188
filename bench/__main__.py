"""`make bench` runs `python -m bench` (sizes S and L); `python -m bench S M` measures other sizes;
`python -m bench --only cgi [S M]` only the CGI requests (printed, results.json untouched);
`python -m bench --only concurrent [SIZE]` only the concurrent public posts (default at L), printed;
`python -m bench --only workers [SIZE]` the four gunicorn workers' mixed load, `--only rss [SIZE]` a
worker's memory (default at L), printed."""
from bench.run import main

raise SystemExit(main())
