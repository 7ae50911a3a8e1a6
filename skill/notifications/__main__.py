"""`python -m skill.notifications`: run the scheduled purge and notification drain once."""

import sys

from skill.notifications.maintenance import main

sys.exit(main())
