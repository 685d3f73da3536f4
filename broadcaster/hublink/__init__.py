"""The station's side of the link with the district hub.

protocol.py (the wire format, shared with the hub), inbox.py (pure: which bulletins to take),
settings.py ([hub] in config.toml), client.py (HTTP), sync.py (`sync_once`: one exchange).
Nothing here runs on the airing path: a hub that is down only delays the next sync.
"""
