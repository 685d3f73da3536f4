"""The district hub's pages (Vietnamese): the station console's web layer with the hub's users and roles.

`app.create_pages_app(hub)` builds them; `hub serve` serves them next to the stations' API
(hub/api.py). Each module's routes parse the request, call one function of broadcaster.hub and
render; the rules (who may approve what, what counts as a target met) live in broadcaster.hub.
"""
