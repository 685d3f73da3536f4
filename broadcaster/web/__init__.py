"""The web console (Vietnamese): FastAPI + Jinja2 + HTMX, server-rendered.

Build it with `broadcaster.web.app.create_app(config_path)`; serve it with `broadcaster web`.
This package's __init__ imports nothing, so the command line can read the roles
(`broadcaster.web.permissions`) without loading FastAPI.
"""
