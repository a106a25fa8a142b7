"""`cxgov grant`: writes a role-directory grant straight into the table with the deployer's AWS
credentials - for the first CCXO when the identity provider asserts identity only (Login.gov) and
nobody can call `PUT /settings/users/{subject}` yet. Recorded like every change, the deployer's
AWS identity as who."""
from __future__ import annotations

import click


@click.command(help="Grant a role in the role directory directly (first CCXO; needs AWS credentials "
                    "for the table named by CXGOV_TABLE).")
@click.option("--subject", required=True, help="the person's `sub` claim")
@click.option("--role", required=True, type=click.Choice(["ccxo", "auditor", "dcxo"]))
@click.option("--department", default=None, help="a dcxo's department id")
@click.option("--label", default=None, help="who this is, for the directory's readers")
@click.option("--reason", required=True, help="kept with the change")
def grant(subject: str, role: str, department: str | None, label: str | None, reason: str) -> None:
    import boto3
    from pydantic import ValidationError

    from chalicelib.core import clock
    from chalicelib.org import departments_store as departments
    from chalicelib.org import directory_store as directory
    from chalicelib.org.directory import checked_subject
    from chalicelib.org.directory_schemas import GrantPut

    try:
        body = GrantPut(role=role, department=department, label=label, reason=reason)
    except ValidationError as exc:
        raise click.UsageError(exc.errors()[0]["msg"])
    try:
        checked_subject(subject)
    except Exception:
        raise click.UsageError("the subject has characters no identity provider sends")
    if department and departments.get(department) is None:
        raise click.UsageError(f"no department {department!r}: create it first (POST /departments)")
    who = boto3.client("sts").get_caller_identity()["Arn"]
    before = directory.get(subject)
    item, change = directory.change(subject, int(before.version) if before else 0, body.role, body.department,
                                    body.label, at=clock.now(), by=who, by_name="deployer (cxgov grant)",
                                    reason=body.reason, before=before)
    click.echo(f"{subject}: {item.role}{' of ' + item.department if item.department else ''} "
               f"(change {change.seq}, by {who})")
