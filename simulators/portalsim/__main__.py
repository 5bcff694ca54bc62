import sys

from portalsim.server import main

sys.exit(main())
