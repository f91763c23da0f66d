"""Reading the container files the way Docker and Compose do, for tests that check them without a
Docker engine: Dockerfile instructions, ``.dockerignore`` matching, shell scripts' commands."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Instruction:
    keyword: str  # FROM, RUN, COPY, ... (upper case)
    arguments: str
    stage: int  # 0 for the first FROM's stage, 1 for the next, ...

    @property
    def exec_form(self) -> list[str]:
        """The JSON array of an exec-form instruction (``CMD ["heavy", "run"]``)."""
        words: list[str] = json.loads(self.arguments)
        return words

    @property
    def flags(self) -> dict[str, str]:
        """``--from=build`` style flags at the start of the arguments."""
        return dict(flag[2:].split("=", 1) for flag in self.words if flag.startswith("--") and "=" in flag)

    @property
    def words(self) -> list[str]:
        return shlex.split(self.arguments)


def parse_dockerfile(path: Path) -> list[Instruction]:
    """Instructions with line continuations joined, comments and parser directives dropped."""
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical = (pending + stripped).strip()
        pending = ""
        keyword, _, arguments = logical.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, arguments.strip(), stage))
    return instructions


def health_check_command(instruction: Instruction) -> list[str]:
    """The exec-form command of ``HEALTHCHECK [--options] CMD [...]``."""
    _, _, command = instruction.arguments.partition("CMD ")
    words: list[str] = json.loads(command)
    return words


def dockerignore_patterns(path: Path) -> list[str]:
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            if pattern.startswith("/", index):  # "**/x" also matches "x" at the top
                parts[-1] = "(?:.*/)?"
                index += 1
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    # A pattern that matches a folder matches everything in it.
    return re.compile("^" + "".join(parts) + "(?:/.*)?$")


def is_in_build_context(patterns: list[str], path: str) -> bool:
    """Whether ``path`` (relative, with /) reaches the build: the last matching pattern decides."""
    included = True
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _pattern_regex(pattern.removeprefix("!").strip("/")).match(path):
            included = negated
    return included


def commands_in_script(path: Path) -> list[list[str]]:
    """The simple commands of a shell script (one per line; heredocs and control lines skipped)."""
    commands: list[list[str]] = []
    in_heredoc: str | None = None
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if in_heredoc is not None:
            if stripped == in_heredoc:
                in_heredoc = None
            continue
        if not stripped or stripped.startswith("#"):
            continue
        heredoc = re.search(r"<<-?\s*'?(\w+)'?", stripped)
        if heredoc:
            in_heredoc = heredoc.group(1)
        words = shlex.split(stripped, comments=True)
        if words and words[0] not in {"if", "then", "fi", "else", "set", "cd", "{", "}", "echo"}:
            commands.append(words)
    return commands
