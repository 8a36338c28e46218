"""The commands about content: check, status, new, update, approve, teams, statement, next-release."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from ..errors import Problem, StatuskitError
from ..model.content import display_path
from ..model.records import INCIDENT_STATUSES, MAINTENANCE_STATUSES
from ..model.validate import format_time
from .common import _problem_json, _time_param, at_option, build_time, content_option, format_option, handle_errors, \
    print_problems


@click.command()
@content_option
@at_option
@click.option("--base", metavar="REF", help="Also fail when a published update was edited or removed since REF.")
@click.option("--previous", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="FILE",
              help="The live site's approvals.json: a stale approval of an update it published is an error.")
@format_option("text", "json", "github")
@handle_errors
def check(content_dir, at, base, previous, fmt):
    """Validate the content, verify approvals and run the lints.

    Errors fail the check (exit 1); warnings, such as an update still waiting for a
    team's approval, are reported but pass. A stale approval (the update changed since
    it was signed) of an update published at --base REF, or by the site of --previous
    FILE, is an error: a published update is corrected by a new update, not re-approved.
    With --base REF, the incidents that differ from REF are checked in full, and the
    others are not re-checked (all are when any other file changed; their warnings are
    then counted, not listed).

    Example: statuskit check --format github
    """
    from ..workflow.checks import language_warnings, run_check

    from ..gate.site_chain import site_warnings

    T = build_time(at)
    changes = None
    if base and Path(content_dir).is_dir():
        from ..workflow.history import base_changes

        changes = base_changes(content_dir, base)
    result = run_check(content_dir, T, **_base_scope(changes))
    result.problems += language_warnings(content_dir)
    if not base:
        result.problems += site_warnings(content_dir)
    if base:
        from ..workflow.checks import published_stale
        from ..workflow.history import check_base

        published: set[tuple[str, int]] = set()
        result.problems += check_base(content_dir, base, T, published, changes)
        result.problems = published_stale(result.problems, published, f"at {base}")
        result.problems.sort(key=Problem.sort_key)
    if previous is not None:
        from ..workflow.checks import published_stale
        from ..publish.previous import published_keys, read_previous

        site = read_previous(previous)
        if site is None:  # (click found it; it has gone since)
            raise StatuskitError(f"--previous {display_path(previous)}: file not found")
        result.problems = published_stale(result.problems, published_keys(site), f"by the site ({site.source})")
    n_inc, n_upd = result.incidents, result.updates
    summary = (f"{'ok' if result.ok else 'failed'}: {n_inc} incident(s), {n_upd} update(s); "
               f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)")
    unchanged = _unchanged_line(result, changes, base) if changes is not None else None
    if fmt == "json":
        doc = {
            "ok": result.ok, "at": format_time(T), "incidents": n_inc, "updates": n_upd,
            "errors": len(result.errors), "warnings": len(result.warnings),
            "problems": [_problem_json(p) for p in result.problems],
        }
        if changes is not None:
            doc["unchanged"] = {"incidents": result.not_checked or result.hidden_incidents,
                                "rechecked": not result.not_checked, "warnings_not_shown": len(result.hidden),
                                "note": unchanged}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    print_problems(result.problems, fmt, summary if unchanged is None else f"{unchanged}\n{summary}")
    sys.exit(0 if result.ok else 1)


def _base_scope(changes) -> dict:
    """``run_check``'s ``only`` and ``shown`` for ``check --base``: the incidents that differ from REF are
    checked in full; the others only when a file every incident's findings depend on changed (then
    their warnings are counted, not listed); everything, all listed, when git's comparison cannot be
    trusted (an attribute rewrites files on checkout)."""
    if changes is None or not changes.trusted:
        return {}
    if changes.other:
        return {"shown": changes.entries}
    return {"only": changes.entries, "shown": changes.entries}


def _unchanged_line(result, changes, base: str) -> str | None:
    """The line about the incidents unchanged since REF (None when there are none, or all were listed)."""
    if result.not_checked:
        return (f"{result.not_checked} incident(s) unchanged since {base} were not re-checked (they were checked "
                f"when {base} was; only incident files and approvals changed here); run `statuskit check` "
                f"to check everything")
    if result.hidden_incidents:
        why = changes.other[0] + (f" and {len(changes.other) - 1} other file(s)" if len(changes.other) > 1 else "")
        return (f"{len(result.hidden)} warning(s) in {result.hidden_incidents} incident(s) unchanged since {base} "
                f"not shown (every incident was re-checked because {why} changed; their errors are shown); "
                f"run `statuskit check` for all")
    return None


def _load(content_dir: Path, at: datetime, incident: str | None = None):
    """Content, release and report at ``at`` (of one incident only, when given)."""
    from ..gate.release import gate
    from ..model.content import load_content

    content = load_content(content_dir, only={incident} if incident else None)
    release, report = gate(content, at)
    return content, release, report


@click.command()
@click.argument("incident", required=False)
@content_option
@at_option
@format_option("text", "json")
@handle_errors
def status(incident, content_dir, at, fmt):
    """Per update: approvals present and missing, embargoes, and what a build at T publishes.

    Example: statuskit status 2026-11-24-ransomware-scheduling --at 2026-11-27T18:00:00Z
    """
    from ..workflow.checks import status_rows

    T = build_time(at)
    content, release, report = _load(content_dir, T, incident)
    if incident and incident not in {i.id for i in content.incidents}:
        raise StatuskitError(f"no incident '{incident}' in {display_path(content_dir / 'incidents')}")
    rows = status_rows(content, release, report, incident)
    site = _site_line(content_dir, content.teams)
    if fmt == "json":
        click.echo(json.dumps({"at": format_time(T), "site": site, "incidents": rows,
                               "next_change": format_time(report.next_change) if report.next_change else None},
                              indent=2, ensure_ascii=False))
        return
    click.echo(f"as of {format_time(T)}")
    if site is not None:
        click.echo(f"site: {site['text']}")
    for row in rows:
        click.echo(f"\n{row['incident']} ({row['kind']})  {row['file']}")
        for u in row["updates"]:
            mark = "✓" if u["published"] else "·"
            click.echo(f"  {mark} update {u['id']}  {u['at']}  {u['status']:<13} {u['verdict']}")
            approved = ", ".join(u["approved_by"]) or "none"
            click.echo(f"      approvals: {approved}" + (f"; missing: {', '.join(u['missing'])}" if u["missing"] else ""))
            for r in u["rejected"]:
                click.echo(f"      not counted: {r['file']}: {r['text']}")
            if u["embargo_until"]:
                click.echo(f"      embargo until {u['embargo_until']}")
            if u["technical_embargo_until"]:
                click.echo(f"      technical embargo until {u['technical_embargo_until']}")
            for p in u["lints"]:
                click.echo(f"      lint: line {p['line']}: {p['severity']}: {p['message']} [{p['rule']}]")


def _site_line(content_dir: Path, teams) -> dict | None:
    """The site state for `status` (None without mkdocs.yml next to the content folder)."""
    from ..gate.site_chain import CONFIG_FILE, describe_site_status, site_status

    root = Path(content_dir).resolve().parent
    if not (root / CONFIG_FILE).is_file():
        return None
    try:
        st = site_status(root, content_dir, teams)
    except StatuskitError as exc:
        return {"approved": False, "digest": None, "step": None, "text": exc.message}
    return {"approved": st.approved, "digest": st.digest, "step": st.step.seq if st.step else None,
            "text": describe_site_status(st, content_dir)}


def _components_option(f):
    return click.option("--component", "components", multiple=True, metavar="ID=STATUS",
                        help="A component status this update sets (repeatable).")(f)


def _parse_components(values) -> tuple[tuple[str, str], ...]:
    from ..workflow.authoring import parse_component_option

    out = []
    for v in values:
        try:
            out.append(parse_component_option(v))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--component") from None
    return tuple(out)


def _update_at_option(f):
    """``--at`` of new/update: the update's own time (not the build time T)."""
    return click.option(
        "--at", "at", callback=_time_param, metavar="TIME",
        help="The update's time (ISO 8601 with offset); default: $STATUSKIT_AT, else $SOURCE_DATE_EPOCH, else now.",
    )(f)


def _security_option(f):
    return click.option("--security-incident/--not-security-incident", "security_incident", default=None,
                        help="Say that this is (or is not) a security incident: sets `security_incident`, which the "
                             "update signs and later updates keep (the cadence-title-date lint asks such an "
                             "incident's title for a date); default: unchanged.")(f)


def _embargo_options(f):
    f = click.option("--technical-embargo-until", callback=_time_param, metavar="TIME",
                     help="Hold only the technical text and report until then.")(f)
    return click.option("--embargo-until", callback=_time_param, metavar="TIME",
                        help="Hold the whole update until then.")(f)


_EDITOR_PUBLIC = "# statuskit: write the public text for customers (Markdown) below; this line is removed"
_EDITOR_TECHNICAL = ("# statuskit: write the technical text for industry peers below (leave it empty for none); "
                     "this line is removed")


def _text_from_editor(public: str | None, technical: str | None, what: str) -> tuple[str | None, str | None]:
    """The texts from --public/--technical, else from $EDITOR. Only statuskit's own two instruction
    lines are removed from what was written: a Markdown heading such as ``# Resolved`` stays."""
    if public is not None or technical is not None:
        return public, technical
    if not sys.stdin.isatty():
        raise click.UsageError("give the text with --public (and --technical), or run in a terminal to use $EDITOR")
    edited = click.edit(f"{_EDITOR_PUBLIC}\n\n\n{_EDITOR_TECHNICAL}\n\n", extension=".md")
    if edited is None:
        raise click.UsageError(f"no text given; {what} not written")
    lines = edited.splitlines()
    cut = lines.index(_EDITOR_TECHNICAL) if _EDITOR_TECHNICAL in lines else len(lines)

    def text(part: list[str]) -> str | None:
        return "\n".join(line for line in part if line != _EDITOR_PUBLIC).strip() or None

    return text(lines[:cut]), text(lines[cut + 1:])


@click.command()
@click.argument("title")
@_components_option
@click.option("--impact", type=click.Choice(["none", "minor", "major", "critical", "maintenance"]),
              help="Impact (incident: none|minor|major|critical; maintenance: maintenance).")
@click.option("--kind", type=click.Choice(["incident", "maintenance"]), default="incident", show_default=True,
              help="An incident, or a planned maintenance (which needs --from and --until).")
@click.option("--status", "status_", metavar="STATUS",
              help=f"First status (default: investigating, or scheduled for maintenance). An incident: "
                   f"{', '.join(INCIDENT_STATUSES)}; a maintenance: {', '.join(MAINTENANCE_STATUSES)}.")
@click.option("--from", "start", callback=_time_param, metavar="TIME", help="Maintenance window start.")
@click.option("--until", "end", callback=_time_param, metavar="TIME", help="Maintenance window end.")
@click.option("--public", help="Public text (Markdown); without it, $EDITOR opens.")
@click.option("--technical", help="Technical text for peers (Markdown).")
@click.option("--next-update-at", callback=_time_param, metavar="TIME", help="When readers can expect the next update.")
@click.option("--id", "iid", help="Incident id (default: <date>-<slugified title>).")
@_embargo_options
@_security_option
@content_option
@_update_at_option
@handle_errors
def new(title, components, impact, kind, status_, start, end, public, technical, next_update_at, iid, embargo_until,
        technical_embargo_until, security_incident, content_dir, at):
    """Create a new incident (or maintenance) file with update 1.

    Example: statuskit new "Appointment scheduling unavailable" --impact major
    --component scheduling=major_outage --public "We are investigating ..."
    """
    from ..workflow.authoring import Draft, create_incident

    if kind == "maintenance":
        if start is None or end is None:
            raise click.UsageError("a maintenance needs --from and --until")
        impact = impact or "maintenance"
    elif impact is None:
        raise click.UsageError("an incident needs --impact (none, minor, major or critical)")
    public, technical = _text_from_editor(public, technical, "incident")
    draft = Draft(
        status=status_ or ("scheduled" if kind == "maintenance" else "investigating"),
        at=build_time(at), title=title, impact=impact, components=_parse_components(components),
        public=public, technical=technical, next_update_at=next_update_at,
        scheduled=(start, end) if kind == "maintenance" else None,
        embargo_until=embargo_until, technical_embargo_until=technical_embargo_until,
        security_incident=security_incident,
    )
    path = create_incident(content_dir, kind, draft, iid)
    click.echo(f"created {display_path(path)} (update 1); next: ask both teams to run `statuskit approve {path.stem}`")


@click.command()
@click.argument("incident")
@click.option("--status", "status_", required=True,
              metavar="STATUS", help=f"The status after this update. An incident: {', '.join(INCIDENT_STATUSES)}; "
                                     f"a maintenance: {', '.join(MAINTENANCE_STATUSES)}.")
@_components_option
@click.option("--title", help="A new title.")
@click.option("--impact", type=click.Choice(["none", "minor", "major", "critical", "maintenance"]),
              help="A new impact (incident: none|minor|major|critical; maintenance: maintenance).")
@click.option("--public", help="Public text (Markdown); without it and --technical, $EDITOR opens.")
@click.option("--technical", help="Technical text for peers (Markdown).")
@click.option("--next-update-at", callback=_time_param, metavar="TIME", help="When readers can expect the next update.")
@_embargo_options
@click.option("--corrects", type=int, metavar="N", help="This update corrects update N.")
@click.option("--retracts", type=int, metavar="N", help="This update withdraws update N (all of it, once this update publishes).")
@_security_option
@content_option
@_update_at_option
@handle_errors
def update(incident, status_, components, title, impact, public, technical, next_update_at, embargo_until,
           technical_embargo_until, corrects, retracts, security_incident, content_dir, at):
    """Append the next update to an incident, leaving the earlier ones byte for byte.

    Example: statuskit update 2026-11-24-ransomware-scheduling --status monitoring
    --component scheduling=operational --public "Scheduling is working again ..."
    """
    from ..workflow.authoring import Draft, append_update

    public, technical = _text_from_editor(public, technical, "update")
    T = at

    def make(last_at: datetime, next_id: int) -> Draft:
        when = T or build_time(None)
        if when < last_at:
            raise StatuskitError(f"update {next_id} would be at {format_time(when)}, before update {next_id - 1} "
                                 f"({format_time(last_at)}); give a later --at")
        return Draft(status=status_, at=when, title=title, impact=impact, components=_parse_components(components),
                     public=public, technical=technical, next_update_at=next_update_at, embargo_until=embargo_until,
                     technical_embargo_until=technical_embargo_until, corrects=corrects, retracts=retracts,
                     security_incident=security_incident)

    path, n = append_update(content_dir, incident, make)
    click.echo(f"appended update {n} to {display_path(path)}; next: ask both teams to run `statuskit approve {incident}` "
               f"(it signs every update of the incident still waiting for their team)")


@click.command()
@click.argument("incident")
@click.argument("update_id", metavar="[UPDATE]", type=int, required=False)
@click.option("--team", help="The team you approve for (default: your member's one required team).")
@click.option("--member", help="Your member id in teams.yml (default: the member whose key --key or the ssh-agent holds).")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path),
              help="Private key or its .pub (default: the ssh-agent's key of yours, else ~/.ssh/id_ed25519).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@content_option
@handle_errors
def approve(incident, update_id, team, member, key, yes, content_dir):
    """Sign updates' exact content for your team: without UPDATE, every update of INCIDENT
    that still lacks your team's approval (an update publishes only after every earlier
    one); with UPDATE, that one only.

    Shows each update's public and technical text and digest, lists them, asks once, then
    signs each with `ssh-keygen -Y sign` and writes content/approvals/<incident>/<update>/<team>--<member>.sig.
    The member is found from the key (--key, or the ssh-agent) and the team from the member
    when they are in one team.

    Example: statuskit approve 2026-11-24-ransomware-scheduling --key ~/.ssh/id_ed25519
    """
    from ..workflow.approve import plan_approval, sign_update

    plan = plan_approval(content_dir, incident, update_id, team, member, key)
    click.echo(plan.text)
    if not plan.updates:
        return
    if plan.warning:
        click.echo(f"warning: {plan.warning}", err=True)
    if not yes:
        if not _interactive():
            raise StatuskitError("no terminal to ask for confirmation, so nothing was signed; to sign without "
                                 f"being asked, run: {plan.command}")
        if not click.confirm(plan.question):
            click.echo("not approved", err=True)
            sys.exit(1)
    s = plan.signer
    for n in plan.updates:  # in order: each file is written (and said) as soon as it is signed
        path = sign_update(content_dir, incident, n, s.team, s.member, s.key, s.agent_key)
        click.echo(f"wrote {display_path(path)}" + ("; commit it to the pull request" if len(plan.updates) == 1 else ""))
    if len(plan.updates) > 1:
        click.echo("commit them to the pull request")


def _interactive() -> bool:
    """Whether someone can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


@click.group()
def teams():
    """Inspect the approval teams (teams.yml)."""


@teams.command("allowed-signers")
@content_option
@handle_errors
def allowed_signers(content_dir):
    """Print an OpenSSH allowed_signers file for re-checking approvals by hand.

    Example: statuskit teams allowed-signers > allowed_signers; then
    statuskit statement INC 3 --team security --member bob | ssh-keygen -Y verify -f allowed_signers
    -I bob -n NAMESPACE -s content/approvals/INC/3/security--bob.sig

    A required team with a single member is warned about on standard error.
    """
    from ..model.content import load_content
    from ..workflow.approve import allowed_signers_text
    from ..workflow.checks import single_member_teams

    click.echo(allowed_signers_text(content_dir), nl=False)
    for p in single_member_teams(load_content(content_dir, only=set()).teams):
        click.echo(str(p), err=True)


@click.command()
@click.argument("incident")
@click.argument("update_id", metavar="UPDATE", type=int)
@click.option("--team", required=True, help="The team of the approval (e.g. security).")
@click.option("--member", required=True, help="The member id in teams.yml whose approval it is.")
@content_option
@handle_errors
def statement(incident, update_id, team, member, content_dir):
    """Print the exact statement an approval signs (to verify with ssh-keygen by hand).

    Example: statuskit statement 2026-11-24-ransomware-scheduling 3 --team security --member marta
    """
    from ..workflow.approve import statement_for

    sys.stdout.buffer.write(statement_for(content_dir, incident, update_id, team, member))


@click.command("next-release")
@content_option
@at_option
@handle_errors
def next_release(content_dir, at):
    """Print the next time after T when a rebuild would publish more (an embargo lifts,
    a scheduled update comes due, a maintenance window opens or closes); nothing if none.

    On standard error, one "overdue: ..." line per incident whose newest published update
    promised its next update (next_update_at) before T, with nothing newer published.

    Example: statuskit next-release --at 2026-11-27T18:00:00Z
    """
    from ..workflow.checks import overdue_lines

    content, release, report = _load(content_dir, build_time(at))
    if report.next_change is not None:
        click.echo(format_time(report.next_change))
    for line in overdue_lines(content, release, report):
        click.echo(line, err=True)


COMMANDS = [check, status, new, update, approve, teams, statement, next_release]
