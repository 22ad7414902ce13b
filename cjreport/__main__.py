"""`python -m cjreport …`: the authoring tools (see cjreport/authoring.py)."""

import sys

from cjreport.authoring import main

sys.exit(main())
