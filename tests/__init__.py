"""The test suite. Imported before any test module or conftest, so this runs first."""

import sys

# Keep compiled modules between runs even where PYTHONDONTWRITEBYTECODE is set: each pytest process
# (each xdist worker) otherwise compiles broadcaster, the tests and their assertion rewrites again,
# about 5 s of CPU per process. __pycache__ is in .gitignore.
sys.dont_write_bytecode = False
