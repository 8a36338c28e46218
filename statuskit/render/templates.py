"""The Jinja2 templates statuskit renders its pages and feed entries with.

>>> env = environment(("/site/theme",), "de")
>>> env.get_template("statuskit/partials/update.html").render(update=view, lang=lang)

Templates live in the package's theme folder (``statuskit/theme/statuskit/``) and are looked
up in the site's ``custom_dir`` first, the way Material looks up its own partials: a site that
has ``theme/statuskit/partials/update.html`` renders every update with its own copy. Files in
``custom_dir`` are site files, approved by both teams like the rest of the theme.

Templates autoescape; what a view hands them as HTML (rendered Markdown, defanged and
sanitised) is :class:`markupsafe.Markup`. statuskit's words go through the Jinja2 i18n
extension (``{% trans %}``, ``_()``), with the catalogue of :mod:`statuskit.render.i18n`.
One environment per (folders, language, time zone) is made and kept: templates compile once.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .i18n import language

__all__ = ["THEME_DIR", "environment", "render"]

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
"""The package's theme folder: templates are ``statuskit/...`` inside it."""


def _finalize(value: Any) -> Any:
    """Plain values are escaped as :func:`html.escape` does (the pages' escaping before templates)."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


def _h(value: Any) -> Markup:
    """``|h``: :func:`html.escape` for values handed to ``{% trans %}``."""
    return value if hasattr(value, "__html__") else Markup(html.escape(str(value)))


def _text(value: Any) -> Markup:
    """``|text``: a translated word printed as text (``_()`` returns it unescaped), as :func:`html.escape` does."""
    return Markup(html.escape(str(value)))


@functools.lru_cache(maxsize=16)
def environment(dirs: tuple[str, ...] = (), code: str = "en", time_zone: str | None = None) -> Environment:
    """The environment for templates in ``dirs`` (the site's custom_dir), then the package's."""
    loaders = [FileSystemLoader(d) for d in dirs] + [FileSystemLoader(str(THEME_DIR))]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"], auto_reload=False,
                      finalize=_finalize)
    env.filters["h"] = _h
    env.filters["text"] = _text
    lang = language(code, time_zone)
    # added by the i18n extension, so not on the Environment class
    env.install_gettext_translations(lang.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    return env


def render(env: Environment, name: str, **context: Any) -> str:
    """Template ``statuskit/<name>`` rendered with ``context``, without trailing newlines (callers join pieces)."""
    return env.get_template(f"statuskit/{name}").render(**context).rstrip("\n")
