"""The `govgraph` command: thin wrappers, one library call each, grouped by concern.

`db` runs the local server (cli/db.py); validate, ingest, export and docs move data and
documents (cli/data.py); import and review bring in public sources (cli/imports.py); audit
checks data quality (cli/audit.py); queries and query list and run named queries
(cli/query.py); serve runs the web app (cli/serve.py); users manages accounts and API tokens
(cli/users.py). Commands register here, in their help order.
"""

from __future__ import annotations

import typer

from govgraph.cli import audit, data, db, imports, query, serve, users
from govgraph.cli.output import err, out, reports_errors

__all__ = ["app", "db_app", "err", "out", "reports_errors"]

app = typer.Typer(
    help="govgraph: a sourced knowledge graph of AI governance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Run and inspect the local Neo4j server.", no_args_is_help=True)
app.add_typer(db_app, name="db")

db_app.command("start")(db.start_cmd)
db_app.command("stop")(db.stop_cmd)
db_app.command("status")(db.status_cmd)
db_app.command("env")(db.env_cmd)
db_app.command("reset")(db.reset_cmd)
db_app.command("provision")(db.provision_cmd)
db_app.command("backup")(db.backup_cmd)
db_app.command("restore")(db.restore_cmd)

app.command("validate")(data.validate_cmd)
app.command("ingest")(data.ingest_cmd)
app.command("import")(imports.import_cmd)
review_app = typer.Typer(help="Confirm imported facts.", no_args_is_help=True)
app.add_typer(review_app, name="review")
review_app.command("list")(imports.review_list_cmd)
review_app.command("confirm")(imports.review_confirm_cmd)
app.command("queries")(query.queries_cmd)
app.command("query")(query.query_cmd)
app.command("serve")(serve.serve_cmd)
app.command("export")(data.export_cmd)
app.command("docs")(data.docs_cmd)
app.command("audit")(audit.audit_cmd)
users_app = typer.Typer(help="Newsroom accounts and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")
users_app.command("add")(users.add_cmd)
users_app.command("list")(users.list_cmd)
users_app.command("disable")(users.disable_cmd)
users_app.command("enable")(users.enable_cmd)
users_app.command("passwd")(users.passwd_cmd)
users_app.command("token")(users.token_cmd)
users_app.command("revoke")(users.revoke_cmd)
