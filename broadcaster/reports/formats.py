"""The formats a report can be written in (a light module: the CLI's options need them at start-up)."""

FORMATS = ("text", "csv", "json", "docx", "png")
NEEDS_RECORDS = ("csv",)  # formats that list every airing, not only the figures
