"""The test suite. Imported before any test module or conftest, so this runs first.

Under pytest only: the bench scripts import from here too, and measure what they measure as it is.
"""

import os
import sys
import tempfile

_PYTEST = "pytest" in sys.modules

# Keep compiled modules between runs even where PYTHONDONTWRITEBYTECODE is set: each pytest process
# (each xdist worker) otherwise compiles broadcaster, the tests and their assertion rewrites again,
# about 5 s of CPU per process. __pycache__ is in .gitignore.
if _PYTEST:
    sys.dont_write_bytecode = False

# The tests' station folders (pytest's tmp_path) go to memory when the machine has a tmpfs to spare:
# they are thrown away, and on a busy disk each SQLite commit's fsync costs more than the test's own
# work (the SQLite tests ran in 2/3 of the time). Still real files and real SQLite. TMPDIR, when set,
# chooses instead; processes the tests start inherit the choice.
_SHM = "/dev/shm"
if _PYTEST and "TMPDIR" not in os.environ and os.path.isdir(_SHM) and os.access(_SHM, os.W_OK):
    _free = os.statvfs(_SHM)
    if _free.f_bavail * _free.f_frsize > 4 << 30:
        os.environ["TMPDIR"] = _SHM
        tempfile.tempdir = None  # gettempdir() looks again
