"""Front-matter YAML, parsed safely into values that know the key and the file line they are written at."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from ..errors import InputError

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_YAML_NODES = 20_000
FIRST_LINE = 2  # the YAML starts on the file's second line, after the opening ---
TIMESTAMP = "tag:yaml.org,2002:timestamp"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
SHOWN_LENGTH = 80  # of a value quoted in a message
SYNTAX_HINT = "fix the YAML syntax (quote values that contain ':' or '#')"


@dataclass(frozen=True)
class Value:
    """A front-matter value as YAML built it, with its key as written and the file line of that key."""

    data: Any
    key: str  # "licence", or "cover.licence" and "related[2]" for what a value holds
    line: int
    path: Path
    node: yaml.Node | None = None  # where the parts of the value are written
    first_line: int = FIRST_LINE  # the file line of the YAML's first line

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.key}"

    def error(self, message: str, hint: str = "") -> InputError:
        """An error about this value, at its line and key."""
        return InputError(message, where=self.where, hint=hint)

    def at(self, step: str | int) -> Value:
        """What the value holds under ``step`` (a mapping's key, or a list's index from 0), at its own line."""
        key_node, node = part_nodes(self.node, step)
        line = key_node.start_mark.line + self.first_line if key_node is not None else self.line
        name = f"{self.key}.{step}" if isinstance(step, str) else f"{self.key}[{step + 1}]"
        data = self.data.get(step) if isinstance(step, str) else self.data[step]
        return Value(data, name, line, self.path, node, self.first_line)


class Problem(NamedTuple):
    """A problem found in the front matter, with the line of its top-level key (0: the front matter as a whole)."""

    line: int
    error: InputError
    key: str = ""  # the top-level key as written, for a value YAML could not build


class NotBuilt(yaml.MarkedYAMLError):
    """A value whose tag PyYAML knows but whose text it cannot build (2020-02-30, !!int x)."""

    def __init__(self, node: yaml.Node, reason: Exception):
        text = shown(node.value) if isinstance(node, yaml.ScalarNode) else "the value"
        if node.tag == TIMESTAMP:
            problem, self.hint = f"'{text}' is not a date ({reason})", "write it as YYYY-MM-DD"
        else:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            problem, self.hint = f"'{text}' cannot be read as {tag} ({reason})", "fix the value or remove its tag"
        super().__init__(problem=problem, problem_mark=node.start_mark)


class FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader (its recursion ends in a RecursionError, which is caught, where
    libyaml's could crash), with a value it cannot build reported at its line like any YAML error."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, AttributeError) as exc:  # PyYAML's constructors let these out
            raise NotBuilt(node, exc) from None


def decode_source(raw: bytes, path: Path) -> str:
    """Strict UTF-8 (a BOM is dropped), with line endings normalised to LF."""
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + bom
        line = raw.count(b"\n", 0, offset) + 1
        raise InputError(f"invalid UTF-8 at byte {offset} (line {line})", where=path,
                         hint="re-save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plain(value: Any) -> str:
    """Front-matter text as one line: whitespace collapsed, characters XML cannot hold removed."""
    return " ".join(NOT_XML.sub("", str(value)).split())


def shown(value: Any) -> str:
    """A value as a message quotes it: plain, and cut short when long."""
    text = plain(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def parse_front_matter(yaml_text: str, path: Path, first_line: int = FIRST_LINE) -> tuple[list[Value], list[Problem]]:
    """The front matter's top-level values in order (a repeated key keeps its place and takes the last
    value, as PyYAML has it), and the values YAML could not build, each at its line. ``first_line`` is the
    file line the YAML starts on (2 in an article, after its ``---``; 1 in a file of YAML alone)."""
    if len(yaml_text.encode()) > MAX_FRONT_MATTER_BYTES:
        raise InputError(f"front matter is over {MAX_FRONT_MATTER_BYTES // 1024} KB", where=f"{path}:{first_line}",
                         hint="move long text into the article body")
    loader = FrontMatterLoader(yaml_text)
    try:
        return top_level_values(loader, loader.get_single_node(), path, first_line)
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(exc, f"{path}:{mark_line(exc, first_line)}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"broken YAML front matter: {exc}", where=f"{path}:{first_line}") from None
    except RecursionError:
        raise InputError("front matter is nested too deeply", where=f"{path}:{first_line}",
                         hint="flatten the YAML structure") from None
    finally:
        loader.dispose()


def top_level_values(loader: FrontMatterLoader, root: yaml.Node | None, path: Path,
                     first_line: int) -> tuple[list[Value], list[Problem]]:
    """The values of the front matter's mapping, built one by one so that a bad value spoils only itself."""
    check_node_count(root, path, first_line)
    if not isinstance(root, yaml.MappingNode):
        if root is None or loader.construct_document(root) is None:
            return [], []
        raise InputError("front matter must be a mapping of keys to values", where=f"{path}:{first_line}",
                         hint="write it as 'key: value' lines")
    loader.flatten_mapping(root)  # '<<' merge keys, as PyYAML applies them
    values: dict[Any, Value] = {}
    problems = []
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + first_line
        try:
            key = built_key(loader, key_node)
            values[key] = Value(loader.construct_document(value_node), str(key), line, path, value_node, first_line)
        except yaml.MarkedYAMLError as exc:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            where = f"{path}:{mark_line(exc, first_line)}" + (f": {key}" if key else "")
            problems.append(Problem(line, yaml_error(exc, where), key))
    return list(values.values()), problems


def built_key(loader: FrontMatterLoader, key_node: yaml.Node) -> Any:
    """A mapping key as PyYAML builds it; one that cannot be a dict key is an error at its line."""
    key = loader.construct_document(key_node)
    try:
        hash(key)
    except TypeError:
        raise yaml.constructor.ConstructorError(problem="found unhashable key",
                                                problem_mark=key_node.start_mark) from None
    return key


def yaml_error(exc: yaml.MarkedYAMLError, where: str) -> InputError:
    """The user's error for what PyYAML refused: a value it could not build, or broken syntax."""
    if isinstance(exc, NotBuilt):
        return InputError(exc.problem, where=where, hint=exc.hint)
    problem = exc.problem or exc.context or "invalid YAML"
    return InputError(f"broken YAML front matter: {problem}", where=where, hint=syntax_hint(exc))


QUOTED_VALUE = re.compile(r"""\s*(?:- )?[^\s:#'"][^:#]*:\s+(["'])(.*)$""")


def syntax_hint(exc: yaml.MarkedYAMLError) -> str:
    """What to do about broken syntax: the commonest cause named when it is the one (a quote inside a value
    quoted with the same quote ends it early), else the general advice."""
    mark = exc.problem_mark or exc.context_mark
    lines = (mark.buffer or "").rstrip("\0").splitlines() if mark else []
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    found = QUOTED_VALUE.match(line)
    if found:
        quote, rest = found.groups()
        inner = rest.rstrip()[:-1] if rest.rstrip().endswith(quote) else rest
        if (quote == '"' and re.search(r'(?<!\\)"', inner)) or (quote == "'" and re.search(r"(?<!')'(?!')", inner)):
            what = "double quotes" if quote == '"' else "an apostrophe or single quotes"
            fix = ("write the inner quotes as “ ” or ' ', or quote the whole value with ' instead" if quote == '"'
                   else "write the apostrophe as ’ or twice (''), or quote the whole value with \" instead")
            return f"the value is quoted with {quote} and holds {what} too, which end it early: {fix}"
    return SYNTAX_HINT


def mark_line(exc: yaml.MarkedYAMLError, first_line: int = FIRST_LINE) -> int:
    """The file line PyYAML's error points at."""
    mark = exc.problem_mark or exc.context_mark
    return mark.line + first_line if mark else first_line


def check_node_count(node: yaml.Node | None, path: Path, first_line: int = FIRST_LINE) -> None:
    """Refuse YAML whose aliases would expand into a huge structure."""
    budget = MAX_YAML_NODES
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        budget -= 1
        if budget < 0:
            raise InputError("front matter is too large or too deeply aliased", where=f"{path}:{first_line}",
                             hint="remove YAML anchors and aliases")
        if isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def part_nodes(node: yaml.Node | None, step: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The node that marks the line of a part of ``node`` (a key, or a list item) and the part's own node."""
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step], node.value[step]
    if isinstance(node, yaml.MappingNode):
        pairs = [pair for pair in node.value if isinstance(pair[0], yaml.ScalarNode) and pair[0].value == step]
        if pairs:
            return pairs[-1]  # a repeated key's last value is the one YAML keeps
    return None, None
