"""`python -m data.notify`: the command's documented name (cron lines, systemd units). Its shell is the
top-level notify.py, which wires the layers above data/ (the views' clock and digest, the components'
words); this hands the process over to it (the same process id: systemd's signals still reach it)
rather than importing upward."""

import os
import sys

os.execv(sys.executable, [sys.executable, "-m", "notify", *sys.argv[1:]])
