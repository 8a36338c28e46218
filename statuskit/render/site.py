"""What renderers know about the site besides the release."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteInfo:
    """Site-wide settings (from mkdocs.yml or the export command's options)."""

    name: str
    """Site name, e.g. "Northbridge Health status"."""
    url: str
    """Absolute base URL ending in '/', e.g. "https://status.example.org/". Feed ids and the API use it."""
    page_id: str = "statuskit"
    """Statuspage-style page id (stable; derived from the site name when not set)."""
    time_zone: str = "Etc/UTC"
    """Statuspage ``page.time_zone``; statuskit shows UTC."""

    def __post_init__(self) -> None:
        if not self.url.endswith("/"):
            object.__setattr__(self, "url", self.url + "/")
