"""Build the public site: python build.py [--out public]."""
from sitebuilder import main

if __name__ == "__main__":
    raise SystemExit(main())
