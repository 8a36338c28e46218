"""The pull-request workflow commands: init, preview, approve-teams, approve-site (imported at the end of cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model.content import display_path
from .common import at_option, build_time, content_option, handle_errors


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Example status", show_default=True, help="The site's name.")
@click.option("--url", default="https://status.example.org/", show_default=True, help="The address the site is served at.")
@click.option("--namespace", help="SSH signature namespace (default: statuskit-approval@<host of --url>).")
@click.option("--comms-member", default="comms-lead", show_default=True, help="Member id of the first comms approver.")
@click.option("--comms-name", default="Communications lead", show_default=True, help="Their name.")
@click.option("--comms-key", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="PATH.pub",
              help="Their OpenSSH public key file (default: an example key nobody can sign with).")
@click.option("--security-member", default="security-lead", show_default=True,
              help="Member id of the first security approver.")
@click.option("--security-name", default="Security lead", show_default=True, help="Their name.")
@click.option("--security-key", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="PATH.pub",
              help="Their OpenSSH public key file (default: an example key nobody can sign with).")
@click.option("--statuskit-source", metavar="URL@COMMIT",
              help="The statuskit CI installs, as a git URL and a 40-hex commit (default: exactly the statuskit "
                   "running this command, when its commit is known); written to .github/statuskit-requirements.txt.")
@click.option("--requirement", metavar="PIP-REQUIREMENT",
              help="Or any pip requirement line for CI to install instead (e.g. a release you host).")
@click.option("--owner", "owners", multiple=True, metavar="@USER-OR-TEAM",
              help="CODEOWNERS owner of teams.yml and .github/ (repeatable; default: placeholders to edit).")
@handle_errors
def init(directory, name, url, namespace, comms_member, comms_name, comms_key, security_member, security_name,
         security_key, statuskit_source, requirement, owners):
    """Create a new status site in DIRECTORY (new or empty): mkdocs.yml, theme/, content/
    with one example component, a commented teams.yml, GitHub workflows and a README.

    Nothing secret is generated: give each team's first approver's public key, or
    replace the example keys in content/teams.yml before the first approval.

    Example: statuskit init status --name "Example status" --url https://status.example.org/
    --comms-member alice --comms-key alice.pub --security-member bob --security-key bob.pub
    """
    from ..workflow.init import DEFAULT_OWNERS, Approver, InitOptions, init_site, read_public_key

    opts = InitOptions(
        name=name, url=url, namespace=namespace,
        comms=Approver(comms_member, comms_name, read_public_key(comms_key, "--comms-key") if comms_key else None),
        security=Approver(security_member, security_name,
                          read_public_key(security_key, "--security-key") if security_key else None),
        requirement=requirement, statuskit_source=statuskit_source,
        owners=" ".join(owners) if owners else DEFAULT_OWNERS,
    )
    written = init_site(directory, opts)
    click.echo(f"created a status site in {display_path(directory)} ({len(written)} files)")
    if not (comms_key and security_key):
        click.echo(f"next: put the approvers' public keys in {display_path(directory / 'content' / 'teams.yml')} "
                   "(it holds example keys nobody can sign with)")
    click.echo(f"then: read {display_path(directory / 'README.md')} for the GitHub setup and the two-team workflow")


@click.command()
@click.option("--base", required=True, metavar="REF", help="The git revision to compare with (the PR's target branch).")
@content_option
@at_option
@handle_errors
def preview(base, content_dir, at):
    """Print Markdown comparing the content with REF, for a pull-request comment or a job summary.

    For each update that is new or changed since REF: its public and technical text (as
    source, in code blocks), status, time, file and line, components, embargoes,
    corrections and retractions, the approvals present and missing (verified against
    teams.yml at REF; approval files that do not count, with the reason), its digest, and
    when a build at T would publish it. A changed teams.yml comes first, with its
    approvals. With nothing new: "No new or changed updates."

    It shows source text, not pages: for the rendered site as if every pending update
    were approved, run `statuskit build --drafts --site-dir DIR`.

    Example: statuskit preview --base origin/main >> "$GITHUB_STEP_SUMMARY"
    """
    from ..workflow.preview import preview_markdown

    click.echo(preview_markdown(content_dir, base, build_time(at)), nl=False)


@click.command("approve-teams")
@click.option("--team", required=True, help="The team you approve for.")
@click.option("--member", required=True, help="Your member id in teams.yml (before the change).")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path),
              help="Private key (default ~/.ssh/id_ed25519); an agent works through ssh-keygen.")
@click.option("--base", required=True, metavar="REF",
              help="The revision whose teams.yml must approve the change (the target branch, e.g. origin/main); "
                   "it shows what changed, numbers the step and signs in its namespace.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@content_option
@handle_errors
def approve_teams(team, member, key, base, yes, content_dir):
    """Sign the new teams.yml: a change to who may approve needs one member of every
    required team (of teams.yml at REF) to sign the new registry.

    Writes content/approvals/_teams/<n>/manifest.json (step n = the last step at REF + 1:
    the registry at REF, the new registry and its digest) and <team>--<member>.sig over
    "statuskit-teams v2 / manifest: sha256:<digest of manifest.json> / team / member".

    Example: statuskit approve-teams --team security --member bob --base origin/main
    """
    from ..errors import ContentError, StatuskitError
    from ..gate.site_chain import TEAMS, read_steps
    from ..gate.teams_chain import describe_registry, registry_digest
    from ..model.content import load_content_report
    from ..workflow.history import GitTree, base_snapshot
    from ..workflow.teams_approval import sign_teams

    new, problems = load_content_report(content_dir)
    if new is None:
        raise ContentError(problems)
    with base_snapshot(content_dir, base) as snap:
        if snap.content is None:
            raise StatuskitError(f"the content at {base} " + ("has errors" if snap.existed else "does not exist")
                                 + "; there is no teams.yml there to approve the change")
        previous = snap.content.teams
        seq = max(read_steps(GitTree(snap.repo, snap.sha, snap.prefix), "approvals", TEAMS)[0], default=0) + 1
    click.echo(f"teams.yml ({display_path(content_dir / 'teams.yml')}), registry {registry_digest(new.teams)}")
    click.echo(describe_registry(new.teams, previous))
    if registry_digest(previous) == registry_digest(new.teams):
        click.echo(f"\nteams.yml is unchanged since {base}: nothing to approve")
        return
    if not yes and not click.confirm(f"\nApprove this teams.yml (step {seq}) for team '{team}' as '{member}'?"):
        click.echo("not approved", err=True)
        sys.exit(1)
    path, removed = sign_teams(content_dir, new.teams, previous, seq, team, member, key, f"teams.yml at {base}")
    for p in removed:
        click.echo(f"removed {display_path(p)}: it approved another version of step {seq}")
    click.echo(f"wrote {display_path(path)}; commit it with {display_path(path.parent / 'manifest.json')} "
               "to the pull request")


@click.command("approve-site")
@click.option("--team", required=True, help="The team you approve for.")
@click.option("--member", required=True, help="Your member id in teams.yml.")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path),
              help="Private key (default ~/.ssh/id_ed25519); an agent works through ssh-keygen.")
@click.option("--base", metavar="REF",
              help="The target branch (e.g. origin/main): the step follows its last one, replaces its site files "
                   "and is signed under its teams.yml. Default: follow the last step in the working tree.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@content_option
@handle_errors
def approve_site(team, member, key, base, yes, content_dir):
    """Sign the site's own files: mkdocs.yml, docs/, the theme folder, components.yml and the
    publishing workflows. Nothing publishes until both teams approved exactly these files.

    Shows which files changed since the previous approved state, writes
    content/approvals/_site/<n>/manifest.json (or keeps the identical one another approver
    wrote) and <team>--<member>.sig over "statuskit-site v1 / manifest: sha256:<digest of
    manifest.json> / team / member".

    Example: statuskit approve-site --team comms --member priya --base origin/main
    """
    from ..workflow.site_approval import plan_site_step, sign_site

    plan = plan_site_step(content_dir, base)
    click.echo(f"site files, step {plan.seq} of {display_path(content_dir / 'approvals' / '_site')}/; "
               f"changes since {plan.since}:")
    click.echo("\n".join(f"  {c}" for c in plan.changes) or "  none")
    if plan.unchanged:
        click.echo(f"\nthe site files are unchanged since {base} and approved there: nothing to approve")
        return
    if not yes and not click.confirm(f"\nApprove these site files (step {plan.seq}) for team '{team}' as '{member}'?"):
        click.echo("not approved", err=True)
        sys.exit(1)
    path, removed = sign_site(content_dir, plan, team, member, key)
    for p in removed:
        click.echo(f"removed {display_path(p)}: it approved another version of step {plan.seq}")
    click.echo(f"wrote {display_path(path)}; commit it with {display_path(path.parent / 'manifest.json')} "
               "to the pull request")


@click.command("last-deploy")
@click.option("--environment", default="github-pages", show_default=True, help="The deployment environment.")
@click.option("--approvals", "approvals_out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also save the live site's approvals.json (from that deploy's address) to FILE.")
@handle_errors
def last_deploy(environment, approvals_out):
    """Print the commit of the last successful deploy (nothing before the first one), from
    GitHub's deployments API ($GITHUB_API_URL, $GITHUB_REPOSITORY, $GITHUB_TOKEN).

    The publish workflow checks against it: `statuskit check --base SHA` and
    `statuskit build --previous FILE`.

    Example: statuskit last-deploy --approvals "$RUNNER_TEMP/live-approvals.json"
    """
    from ..workflow.deploys import download_approvals
    from ..workflow.deploys import last_deploy as find

    deploy = find(environment)
    if deploy is None:
        click.echo(f"no successful deploy to {environment} yet: nothing was published before", err=True)
        return
    if approvals_out is not None:
        download_approvals(deploy, approvals_out)
    click.echo(deploy.sha)


COMMANDS = [init, preview, approve_teams, approve_site, last_deploy]
