"""What renderers know about the site besides the release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment

    from .i18n import Language


PUBLISHER_CATEGORIES = ("coordinator", "discoverer", "other", "translator", "user", "vendor")
"""CSAF 2.0 ``document.publisher.category`` values."""


@dataclass(frozen=True)
class CsafSettings:
    """The CSAF publisher (plugin option ``csaf``; reference/advisories.md)."""

    publisher: str | None = None
    """``publisher.name``; default: the site name."""
    namespace: str | None = None
    """``publisher.namespace`` (an https URL of the publisher); default: the site URL."""
    category: str = "vendor"
    """``publisher.category``: a service operator reporting on its own services is a CSAF vendor
    ("developers or maintainers of information system products or services")."""
    contact_details: str | None = None
    """``publisher.contact_details``, e.g. "security@example.org"."""
    issuing_authority: str | None = None
    """``publisher.issuing_authority``."""


@dataclass(frozen=True)
class SecurityTxt:
    """``/.well-known/security.txt`` (RFC 9116; plugin option ``security_txt``)."""

    contact: tuple[str, ...]
    """``Contact:`` URIs (``mailto:``, ``https:``, ``tel:``), at least one."""
    policy: str | None = None
    encryption: str | None = None
    acknowledgments: str | None = None
    hiring: str | None = None


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
    language: str = "en"
    """``theme.language``: statuskit's words, dates and the feeds' ``<language>``."""
    display_time_zone: str | None = None
    """An IANA time zone that pages show next to UTC (plugin option ``display_time_zone``), or None."""
    template_dirs: tuple[str, ...] = ()
    """Folders searched for ``statuskit/...`` templates before the package's (the site's ``custom_dir``)."""
    csaf: CsafSettings | None = CsafSettings()
    """The CSAF advisories' publisher; None: no CSAF export (plugin option ``csaf: {enabled: false}``)."""
    security_txt: SecurityTxt | None = None
    """``/.well-known/security.txt``; None: not written (no ``security_txt.contact`` configured)."""

    def __post_init__(self) -> None:
        if not self.url.endswith("/"):
            object.__setattr__(self, "url", self.url + "/")

    @property
    def lang(self) -> Language:
        """The :class:`statuskit.render.i18n.Language` of the site."""
        from .i18n import language

        return language(self.language, self.display_time_zone)

    @property
    def env(self) -> Environment:
        """The Jinja2 environment of the site's templates (made once per settings)."""
        from .templates import environment

        return environment(self.template_dirs, self.language, self.display_time_zone)
