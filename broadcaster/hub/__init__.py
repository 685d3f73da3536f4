"""The district hub (Phòng Văn hóa - Thông tin): bulletins down to the communes, verified evidence up.

service.py (the Hub object), stations.py, bulletins.py, station_api.py (what each station
request does), intake.py (pushes stored in groups) over ingest.py with the pure continuity.py
and tally.py and bulk.py (many rows in one statement), reports.py and its
writers; api.py (FastAPI) and cli.py (`broadcaster hub`) are thin front ends. The station's
side of the link is broadcaster.hublink. See docs/hub.md.
"""
