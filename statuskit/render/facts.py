"""Shared facts: one render function for both the public and the technical page.

>>> html = render_facts(incident.state.facts, markdown=render_markdown)

The public incident page and the technical page both call :func:`render_facts`
with the same facts (``PublishedIncident.state.facts``) and the same Markdown
function, so customers and peers read the same words -- customer actions in
particular are identical, byte for byte, on both pages.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Callable

from ..model.records import Facts
from .i18n import N_, Language, language

__all__ = ["render_facts", "DATA_EXPOSURE_LABELS"]

DATA_EXPOSURE_LABELS = {
    "none": N_("No data exposure"),
    "under_investigation": N_("Under investigation"),
    "confirmed": N_("Confirmed"),
}
"""Words for ``data_exposure``."""


def _time(lang: Language, dt: datetime) -> str:
    local = lang.local_text(dt)
    return (f'<time datetime="{dt.strftime("%Y-%m-%dT%H:%M:%SZ")}">{html.escape(lang.time_text(dt))}</time>'
            + (f' <span class="sk-local">({html.escape(local)})</span>' if local else ""))


def render_facts(facts: Facts, markdown: Callable[[str], str], lang: Language | None = None) -> str:
    """The shared facts as an HTML section ("" when no fact is set), in ``lang`` (default English).

    ``markdown`` renders Markdown text (customer actions) to safe HTML.
    """
    if facts.is_empty():
        return ""
    lang = lang or language()
    _ = lang.gettext
    rows: list[str] = []
    if facts.data_exposure is not None:
        label = _(DATA_EXPOSURE_LABELS.get(facts.data_exposure, facts.data_exposure))
        rows.append(f'<dt>{html.escape(_("Data exposure"))}</dt><dd class="sk-exposure sk-exposure-{html.escape(facts.data_exposure)}">'
                    f'{html.escape(label)}</dd>')
    if facts.data_categories:
        rows.append(f"<dt>{html.escape(_('Data involved'))}</dt><dd>{html.escape(', '.join(facts.data_categories))}</dd>")
    if facts.affected_customers:
        rows.append(f"<dt>{html.escape(_('Who is affected'))}</dt><dd>{html.escape(facts.affected_customers)}</dd>")
    if facts.detected_at is not None:
        rows.append(f"<dt>{html.escape(_('Detected'))}</dt><dd>{_time(lang, facts.detected_at)}</dd>")
    if facts.contained_at is not None:
        rows.append(f"<dt>{html.escape(_('Contained'))}</dt><dd>{_time(lang, facts.contained_at)}</dd>")
    parts = ['<section class="sk-facts" id="facts">', f'<h2 id="key-facts">{html.escape(_("Key facts"))}</h2>']
    if rows:
        parts.append('<dl class="sk-facts-list">' + "".join(rows) + "</dl>")
    if facts.customer_actions:
        parts.append(f'<h3 id="customer-actions">{html.escape(_("What you should do"))}</h3>')
        parts.append('<ul class="sk-actions">' + "".join(
            f'<li id="action-{html.escape(a.id)}">{markdown(a.text)}</li>' for a in facts.customer_actions
        ) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)
