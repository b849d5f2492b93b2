"""Read YAML: the one way fakenova parses a YAML file or text (seed fixtures, scenario files).

Every read is ``yaml.safe_load`` behind three limits, so no file can stall or exhaust the process:

* size: at most :data:`MAX_BYTES` bytes are read (a fixture or scenario is a page of YAML, not data); a path
  that is not a regular file (a FIFO, a device) is refused before it is opened, as opening one may block;
* aliases: a document may reuse anchors, but the tree they expand to is capped at :data:`MAX_NODES` nodes
  (a 365-byte "billion laughs" document expands to hundreds of millions, which every later walk — a deep
  copy, JSON Schema validation, a JSON dump — would pay for); recursive anchors are refused;
* parses are cached, by path, mtime and size for files and by content hash for text, so the seed read on
  every reset and a scenario loaded by every test are parsed once. Callers get a deep copy.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import os
import stat
from pathlib import Path
from typing import Any, Dict, Tuple, Union

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

#: bytes read from one YAML file or text at most
MAX_BYTES = 256 * 1024
#: nodes a document may expand to once aliases are followed (the bundled files have a few hundred)
MAX_NODES = 100_000


class YamlError(ValueError):
    """A YAML source fakenova will not use; the text says which and why (never the file's content)."""


def _children(node: Node) -> Any:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def _check_expansion(root: Node, origin: str) -> None:
    """Refuse a node graph whose alias-expanded tree exceeds :data:`MAX_NODES` or loops back on itself."""
    sizes: Dict[int, int] = {}
    open_nodes: set = set()
    stack = [(root, False)]
    while stack:  # iterative post-order: a deep document cannot exhaust the Python stack
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise YamlError(f"{origin}: expands to more than {MAX_NODES} nodes (aliases); refused")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YamlError(f"{origin}: a recursive alias; refused")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


#: libyaml's safe loader, for the files fakenova ships (``bundled=True``): a tenth of the pure-Python parser's
#: time, and tests/test_yaml_io.py checks it reads every bundled file as the pure one does. Files and texts
#: from users keep the pure-Python parser, whose acceptance and error wording are the documented ones.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, origin: str, bundled: bool = False) -> Any:
    if bundled and _FAST_LOADER is not yaml.SafeLoader:
        try:
            return _load(_FAST_LOADER(text), origin)
        except YamlError:
            pass  # worded by the pure-Python parser below, as for any other file
    return _load(yaml.SafeLoader(text), origin)


def _load(loader: Any, origin: str) -> Any:
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, origin)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise YamlError(f"{origin}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


_BY_DIGEST: Dict[Tuple[str, bool], Any] = {}


def _parsed_text(data: bytes, origin: str, bundled: bool = False) -> Any:
    """``data`` parsed, cached by its SHA-256 (the same scenario text is sent by every test that loads it)."""
    digest = (hashlib.sha256(data).hexdigest(), bundled)
    if digest not in _BY_DIGEST:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise YamlError(f"{origin}: not UTF-8 text") from None
        if len(_BY_DIGEST) >= 256:  # bounded; refilled by use
            _BY_DIGEST.clear()
        _BY_DIGEST[digest] = _parse(text, origin, bundled)
    return _BY_DIGEST[digest]


def parse_yaml(data: Union[str, bytes], origin: str = "<inline>") -> Any:
    """The document in ``data`` (a deep copy of a cached parse).

    :raises YamlError: over :data:`MAX_BYTES`, not UTF-8, not YAML, or expanding beyond :data:`MAX_NODES`.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise YamlError(f"{origin}: larger than {MAX_BYTES} bytes")
    return copy.deepcopy(_parsed_text(raw, origin))


@functools.lru_cache(maxsize=256)
def _parsed_file(path: str, mtime_ns: int, size: int, bundled: bool) -> Any:
    # O_NONBLOCK: should the path become a FIFO between stat and open, the open still cannot block
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlError(f"{path}: larger than {MAX_BYTES} bytes")
    return _parsed_text(data, path, bundled)


def read_yaml(path: Union[str, Path], *, bundled: bool = False) -> Any:
    """The document in the file at ``path`` (a deep copy of a parse cached by path, mtime and size).

    :param bundled: the file is one fakenova ships (its fixtures), which libyaml may parse, when installed.

    :raises FileNotFoundError, PermissionError: as :func:`os.stat` raises them.
    :raises YamlError: not a regular file, over :data:`MAX_BYTES`, or not acceptable YAML.
    """
    source = str(path)
    info = os.stat(source)
    if not stat.S_ISREG(info.st_mode):
        raise YamlError(f"{source}: not a regular file")
    if info.st_size > MAX_BYTES:
        raise YamlError(f"{source}: larger than {MAX_BYTES} bytes")
    return copy.deepcopy(_parsed_file(source, info.st_mtime_ns, info.st_size, bundled))
