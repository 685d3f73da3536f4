"""The console loads nothing from outside the station PC, and its copy of htmx is the one recorded."""

from __future__ import annotations

import hashlib
import re

from broadcaster.web.templating import STATIC, TEMPLATES


def test_templates_and_styles_load_nothing_from_another_site() -> None:
    for path in [*TEMPLATES.glob("*.html"), STATIC / "console.css"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
        assert "@import" not in text and "url(http" not in text, path


def test_the_pinned_htmx_is_the_one_the_readme_names() -> None:
    readme = (STATIC / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"sha256 `([0-9a-f]{64})`", readme)
    assert recorded, "static/README.md names htmx's checksum"
    assert hashlib.sha256((STATIC / "htmx.min.js").read_bytes()).hexdigest() == recorded[1]
    assert "htmx 2.0.11" in readme and "0BSD" in readme
