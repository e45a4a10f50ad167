import sys

from rewriter.fuzz import main

sys.exit(main())
