"""Docs pinned to the code: every CLI command and named query is documented."""

from __future__ import annotations

import re

import typer.main

from govgraph import PROJECT_ROOT, queries
from govgraph.cli import app

README = (PROJECT_ROOT / "README.md").read_text()


def cli_commands() -> list[str]:
    group = typer.main.get_command(app)
    out: list[str] = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        out.extend(f"{name} {s}" for s in subs) if subs else out.append(name)
    return sorted(out)


def test_every_cli_command_is_in_the_readme() -> None:
    missing = [c for c in cli_commands() if f"`govgraph {c}" not in README]
    assert not missing, f"README's CLI table lacks: {missing}"


def test_docs_queries_md_is_generated_from_the_headers() -> None:
    assert (PROJECT_ROOT / "docs" / "queries.md").read_text() == queries.render_markdown(), (
        "run `govgraph queries --docs`"
    )
    for name in queries.registry():
        assert f"## `{name}`" in queries.render_markdown()


def test_ci_runs_the_readme_test_command() -> None:
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block, "README has no quick-start block"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[1] in [line.strip() for line in ci]


def test_every_setting_is_documented() -> None:
    from govgraph.core.settings import Settings

    for field in Settings.model_fields.values():
        assert f"`{field.alias}`" in README or f"{field.alias}`" in README, field.alias
