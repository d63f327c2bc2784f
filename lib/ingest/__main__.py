"""``python -m lib.ingest FILE --kind sites --out DIR``: the import from the command line."""

from lib.ingest.pipeline import main

raise SystemExit(main())
