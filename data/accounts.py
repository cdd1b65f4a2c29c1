"""`python -m data.accounts`: sign-in accounts and display tokens (data.state.accounts)."""

import sys

from data.state.accounts import main

if __name__ == "__main__":
    sys.exit(main())
