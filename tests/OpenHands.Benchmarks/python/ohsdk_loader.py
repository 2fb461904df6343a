"""Loads the Python OpenHands SDK (1.43.1) from a source checkout for the side-by-side benchmarks.

The checkout is the public repository at tag v1.43.1; its path comes from OH_PYTHON_SDK_SRC. Nothing of the SDK is
copied: its modules are imported from the checkout. Three accommodations make the measured modules importable on a
machine without the SDK's full dependency set, and none of them replaces code on a measured path:

1. The packages ``openhands``, ``openhands.sdk`` and ``openhands.tools`` are registered as bare packages pointing at
   the checkout, so their ``__init__.py`` files (which import the agent, MCP, LiteLLM and the rest) do not run.
   Submodules are the checkout's own files.
2. Third-party packages that are absent here and only imported, never called, on the measured paths (LiteLLM, rich,
   httpx and the like; see STUBBED) are served as empty placeholder modules. Whatever names a measured module takes
   from them are placeholder classes. ``stubbed_names()`` reports which ones were touched.
3. On Python 3.11 (the interpreter that has pydantic here), the few files written with 3.12-only syntax are
   translated at import time: ``type X = ...`` becomes ``X = ...``, ``class C[T](B)`` becomes a TypeVar and
   ``class C(B, Generic[T])``, ``def f[T](...)`` a module-level TypeVar, and an f-string whose braces span lines is
   joined onto one line. The one such file on a measured path is ``conversation/event_store.py`` (its ``_path``
   f-string); the translation builds the same string.

``filelock`` and ``cachetools`` (which the measured code calls: the event log's lock and LocalFileStore's read
cache) must be real: from pip, or Debian's python3-filelock / python3-cachetools, whose folder is added to the path
when the interpreter lacks them.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import types

# Absent packages that the measured modules import but never call on the measured paths.
STUBBED = (
    "litellm", "pythonjsonlogger", "rich", "aiohttp", "authlib", "httpx", "deprecation", "packaging", "fastmcp",
    "mcp", "tenacity", "lmnr", "opentelemetry", "frontmatter", "tiktoken", "tokenizers", "openai", "anthropic",
    "websockets", "libtmux", "bashlex", "binaryornot", "cachetools_stub_never", "docker", "python_multipart",
    "fastapi", "starlette", "uvicorn", "sqlalchemy", "boto3", "botocore", "google", "jwt", "tom_swe", "browser_use",
    "pexpect", "psutil", "key_value", "acp", "tree_sitter_bash", "tree_sitter", "PIL", "anyio",
)

# Plain values for the module-level data some SDK modules read from LiteLLM at import time (model lists).
_STUB_VALUES = {"litellm": {"model_list": [], "model_cost": {}, "provider_list": []}}

_DEBIAN_DIST = "/usr/lib/python3/dist-packages"
_stub_uses: dict[str, set[str]] = {}


class UnusableSdk(Exception):
    """The checkout cannot be used; the message says why and how to fix it."""


def _need_real(module: str) -> None:
    if importlib.util.find_spec(module) is None and os.path.isdir(_DEBIAN_DIST):
        sys.path.append(_DEBIAN_DIST)
    if importlib.util.find_spec(module) is None:
        raise UnusableSdk(f"the Python package '{module}' is missing (pip install {module}, or apt-get install "
                          f"python3-{module}); the measured code calls it")


class _PlaceholderType(type):
    """Placeholder classes iterate as empty, subscript and combine with | like types, and answer any attribute."""

    def __iter__(cls):
        return iter(())

    def __len__(cls):
        return 0

    def __getitem__(cls, item):
        return cls

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Placeholder

    def __or__(cls, other):
        import typing
        return typing.Union[cls, other]

    def __ror__(cls, other):
        import typing
        return typing.Union[other, cls]


class _Placeholder(metaclass=_PlaceholderType):
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        # A decorator taken from a placeholder module leaves the function as it is.
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        return _Placeholder()

    def __getattr__(self, name):
        return _Placeholder()

    def __iter__(self):
        return iter(())


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        _stub_uses.setdefault(self.__name__, set()).add(name)
        if name in _STUB_VALUES.get(self.__name__, {}):
            value = _STUB_VALUES[self.__name__][name]
            setattr(self, name, value)
            return value
        value = type(name, (_Placeholder,), {"__module__": self.__name__})
        setattr(self, name, value)
        return value


_TYPE_ALIAS = re.compile(r"^(\s*)type\s+(\w+)\s*=", re.M)
_GENERIC_CLASS = re.compile(r"^(\s*)class\s+(\w+)\[([^\]]+)\](\(([^)]*)\))?\s*:", re.M)
_GENERIC_DEF = re.compile(r"^(\s*)(async\s+def|def)\s+(\w+)\[([^\]]+)\]\(", re.M)
_MULTILINE_FSTRING = re.compile(r'(f"[^"\n]*\{)[ \t]*\n(.*?)\n[ \t]*(\}[^"\n]*")', re.S)


def _type_params(params: str) -> list[tuple[str, str]]:
    """(name, definition) for each type parameter of a PEP 695 list."""
    out = []
    for raw in params.split(","):
        p = raw.strip()
        if not p:
            continue
        if p.startswith("**"):
            out.append((p[2:], f"{p[2:]} = __ohb_typing.ParamSpec({p[2:]!r})"))
        elif p.startswith("*"):
            out.append((p[1:], f"{p[1:]} = __ohb_typing.TypeVarTuple({p[1:]!r})"))
        elif ":" in p:
            name, bound = (s.strip() for s in p.split(":", 1))
            out.append((name, f"{name} = __ohb_typing.TypeVar({name!r}, bound={bound!r})"))
        else:
            out.append((p, f"{p} = __ohb_typing.TypeVar({p!r})"))
    return out


def backport_syntax(source: str) -> str:
    """Translates the 3.12-only syntax this SDK uses into 3.11 syntax (see the module docstring)."""
    prelude: list[str] = []
    source = _MULTILINE_FSTRING.sub(lambda m: m.group(1) + " ".join(l.strip() for l in m.group(2).splitlines()) + m.group(3), source)
    source = _TYPE_ALIAS.sub(lambda m: f"{m.group(1)}{m.group(2)} =", source)

    def klass(m: re.Match) -> str:
        params = _type_params(m.group(3))
        prelude.extend(d for _, d in params)
        names = ", ".join(n if not d.split("=", 1)[1].strip().startswith("__ohb_typing.TypeVarTuple") else "*" + n for n, d in params)
        bases = (m.group(5) or "").strip()
        bases = f"{bases}, __ohb_typing.Generic[{names}]" if bases else f"__ohb_typing.Generic[{names}]"
        return f"{m.group(1)}class {m.group(2)}({bases}):"

    def func(m: re.Match) -> str:
        prelude.extend(d for _, d in _type_params(m.group(4)))
        return f"{m.group(1)}{m.group(2)} {m.group(3)}("

    source = _GENERIC_CLASS.sub(klass, source)
    source = _GENERIC_DEF.sub(func, source)
    if not prelude:
        return source
    # After the docstring and any __future__ import: a __future__ import must come first.
    lines = source.split("\n")
    insert_at = 0
    for i, line in enumerate(lines):
        if line.startswith("from __future__ import"):
            insert_at = i + 1
    if insert_at == 0:
        # No __future__ import: after a leading docstring, if any.
        stripped = source.lstrip()
        if stripped.startswith(('"""', "'''")):
            quote = stripped[:3]
            end = source.index(quote, source.index(quote) + 3) + 3
            insert_at = source[:end].count("\n") + 1
    block = ["import typing as __ohb_typing"] + prelude
    return "\n".join(lines[:insert_at] + block + lines[insert_at:])


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, roots: dict[str, str]):
        self._roots = roots

    def find_spec(self, fullname, path, target=None):
        top = fullname.split(".")[0]
        if top in STUBBED and importlib.machinery.PathFinder.find_spec(top) is None:
            return importlib.machinery.ModuleSpec(fullname, _StubLoader(), is_package=True)
        if sys.version_info >= (3, 12) or not fullname.startswith(("openhands.sdk.", "openhands.tools.")):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.origin and spec.origin.endswith(".py"):
            spec.loader = _BackportLoader(fullname, spec.origin)
        return spec


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


class _BackportLoader(importlib.machinery.SourceFileLoader):
    def source_to_code(self, data, path, *, _optimize=-1):
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        try:
            compile(text, path, "exec", dont_inherit=True)
        except SyntaxError:
            text = backport_syntax(text)
        return compile(text, path, "exec", dont_inherit=True, optimize=_optimize)

    def get_data(self, path):
        # Bypass the bytecode cache so a translated module is never cached under the checkout's __pycache__.
        if path.endswith(".pyc"):
            raise OSError("no bytecode cache for translated modules")
        return super().get_data(path)


def load(src: str | None = None):
    """Makes the SDK importable from the checkout; raises UnusableSdk with the reason when it cannot."""
    src = src or os.environ.get("OH_PYTHON_SDK_SRC")
    if not src:
        raise UnusableSdk("OH_PYTHON_SDK_SRC is not set (see docs/benchmarks.md: clone the Python SDK at v1.43.1)")
    sdk = os.path.join(src, "openhands-sdk", "openhands", "sdk")
    tools = os.path.join(src, "openhands-tools", "openhands", "tools")
    if not os.path.isfile(os.path.join(sdk, "conversation", "event_store.py")):
        raise UnusableSdk(f"{src} is not a checkout of the Python SDK (no openhands-sdk/openhands/sdk/conversation/event_store.py)")
    if sys.version_info < (3, 11):
        raise UnusableSdk(f"Python {sys.version.split()[0]} is too old; 3.11 or later is needed")
    for module in ("pydantic", "cryptography"):
        if importlib.util.find_spec(module) is None:
            raise UnusableSdk(f"the Python package '{module}' is missing for {sys.executable}")
    _need_real("filelock")
    _need_real("cachetools")
    for name, folder in (("openhands", os.path.dirname(sdk)), ("openhands.sdk", sdk), ("openhands.tools", tools)):
        package = types.ModuleType(name)
        package.__path__ = [folder]
        sys.modules[name] = package
    sys.meta_path.insert(0, _Finder({}))


def stubbed_names() -> dict[str, list[str]]:
    """The placeholder modules and the names the imported SDK code took from them."""
    return {k: sorted(v) for k, v in sorted(_stub_uses.items())}
