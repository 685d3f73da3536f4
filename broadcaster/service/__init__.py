"""The application core: one function per user action, called by every front end.

The CLI, the web console and the district sync only parse input, call a function here
and format its answer; the rules (what may air, who may approve, what a status says)
live here and below, never in a front end.
"""
