"""`credsup completion bash|zsh|fish`: the shell-completion script, to install once."""

from __future__ import annotations

import click

from credsup.cli.completion import SHELLS, completion_script


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell: str) -> None:
    """Print the script that makes SHELL complete credsup's commands, options, jurisdictions,
    scenarios, sweeps and stored experiment IDs.

    \b
    bash:  credsup completion bash > ~/.local/share/bash-completion/completions/credsup
    zsh:   credsup completion zsh > "${fpath[1]}/_credsup"   (then start a new shell)
    fish:  credsup completion fish > ~/.config/fish/completions/credsup.fish
    or, for the current shell only:  eval "$(credsup completion bash)"
    """
    script = completion_script(shell)
    click.echo(script if script.endswith("\n") else script + "\n", nl=False)


COMMANDS = [completion_command]
