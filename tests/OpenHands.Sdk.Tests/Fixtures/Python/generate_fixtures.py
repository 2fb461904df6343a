#!/usr/bin/env python3
"""Generate the Python-side interop fixtures used by the OpenHands.Sdk C# tests.

The files written next to this script imitate, byte for byte, what the Python
OpenHands SDK writes to disk, so the C# port can be checked against them:

* ``profiles/plaintext/*.json`` - LLM profiles as ``LLMProfileStore.save``
  writes them with ``include_secrets=True`` and no cipher (raw secrets), plus a
  pre-``schema_version`` legacy file and the legacy proxy profile.
* ``profiles/encrypted/*.json`` - the same profiles saved with
  ``include_secrets=True`` and a cipher built from FIXTURE_PASSPHRASE: every
  secret field holds a Fernet token.
* ``profiles/redacted/*.json`` - profiles saved with the default
  ``include_secrets=False``: every set secret is the ``**********`` sentinel.
* ``fernet_vectors.json`` - passphrase / plaintext / token triples (with the
  derived key) produced by the ``cryptography`` package's Fernet.
* ``manifest.json`` - a table describing every profile file above (secret
  mode, passphrase, expected decoded secrets, expected model/base_url, ...).

A profile file is ``json.dumps(payload, indent=2)``: ASCII-escaped, two-space
indent, no trailing newline; keys follow the LLM field declaration order,
``None`` values are omitted, every non-null default is present, the computed
``is_subscription`` comes after the declared fields and ``schema_version`` is
appended last.

Rerun from the repository root with:

    python3 tests/OpenHands.Sdk.Tests/Fixtures/Python/generate_fixtures.py

Only the Python standard library and ``cryptography`` are needed. The output is
deterministic except for Fernet tokens (random IV and current timestamp). Like
the Python SDK's idempotent encrypted serialization, a token already present in
the existing fixtures is reused when it still decrypts to the wanted plaintext
with the wanted passphrase, so a rerun leaves the files unchanged. Pass
``--fresh-tokens`` to mint new tokens for everything.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

HERE = Path(__file__).resolve().parent

FIXTURE_PASSPHRASE = "test-secret-key-for-fixtures"
REDACTED = "**********"
TOKEN_PREFIX = "gAAAAA"
SCHEMA_VERSION = 1
SECRET_FIELDS = ("api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token")

# A Fernet-format key string (made once with Fernet.generate_key() and pinned
# here). The Python SDK hashes it like any other passphrase; it is only test data.
FERNET_FORMAT_PASSPHRASE = "Tgl3slE8-zMSTWrKNhIvoxRG0B00mS_3uT1s3Gk03fs="

# Key derivation value pinned by the reference spec (section 1.4).
KEY0_EXPECTED_B64 = "qBlAjOUBDKLgnvWaw9ifX/hZXQK1JOYb+K+olKldWU8="

_MISSING = object()

# (name, default) in LLM declaration order; _MISSING marks "no default needed"
# (model is always supplied). Defaults of None are dropped by exclude_none.
LLM_FIELDS: list[tuple[str, object]] = [
    ("model", _MISSING),
    ("api_key", None),
    ("provider_connection_id", None),
    ("auth_type", "api_key"),
    ("subscription_vendor", None),
    ("base_url", None),
    ("api_version", None),
    ("aws_access_key_id", None),
    ("aws_secret_access_key", None),
    ("aws_session_token", None),
    ("aws_region_name", None),
    ("aws_profile_name", None),
    ("aws_role_name", None),
    ("aws_session_name", None),
    ("aws_bedrock_runtime_endpoint", None),
    ("openrouter_site_url", "https://docs.all-hands.dev/"),
    ("openrouter_app_name", "OpenHands"),
    ("num_retries", 5),
    ("retry_multiplier", 8.0),
    ("retry_min_wait", 8),
    ("retry_max_wait", 64),
    ("timeout", 300),
    ("max_message_chars", 30000),
    ("temperature", None),
    ("top_p", None),
    ("top_k", None),
    ("max_input_tokens", None),
    ("max_output_tokens", None),
    ("model_canonical_name", None),
    ("api_mode", "auto"),
    ("capability_overrides", {}),
    ("extra_headers", None),
    ("input_cost_per_token", None),
    ("output_cost_per_token", None),
    ("ollama_base_url", None),
    ("stream", False),
    ("drop_params", True),
    ("modify_params", True),
    ("disable_vision", None),
    ("disable_stop_word", False),
    ("caching_prompt", True),
    ("log_completions", False),
    ("log_completions_folder", "logs/completions"),
    ("custom_tokenizer", None),
    ("native_tool_calling", True),
    ("force_string_serializer", None),
    ("inline_image_urls", None),
    ("reasoning_effort", "high"),
    ("reasoning_summary", None),
    ("enable_encrypted_reasoning", True),
    ("prompt_cache_retention", "24h"),
    ("extended_thinking_budget", 200000),
    ("seed", None),
    ("usage_id", "default"),
    ("litellm_extra_body", {}),
]
FIELD_NAMES = [name for name, _ in LLM_FIELDS]

# Fields typed as float in the Python model: pydantic turns an int input into a
# float, so 0 is written as 0.0.
FLOAT_FIELDS = {
    "retry_multiplier",
    "temperature",
    "top_p",
    "top_k",
    "input_cost_per_token",
    "output_cost_per_token",
}

# Keys that older SDK releases (before schema_version existed) did not write.
PRE_SCHEMA_MISSING_KEYS = {"auth_type", "api_mode", "capability_overrides", "is_subscription"}


# --------------------------------------------------------------------------- cipher


def derive_key(passphrase: str) -> bytes:
    """SHA-256 of the UTF-8 passphrase: the 32 raw Fernet key bytes."""
    return hashlib.sha256(passphrase.encode("utf-8")).digest()


def make_fernet(passphrase: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(passphrase)))


def try_decrypt(passphrase: str, token: str) -> str | None:
    try:
        return make_fernet(passphrase).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        return None


class TokenSource:
    """Hands out Fernet tokens, reusing known-good ones from earlier runs."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], str] = {}

    def remember(self, passphrase: str, token: object) -> None:
        if isinstance(token, str) and token.startswith(TOKEN_PREFIX):
            plaintext = try_decrypt(passphrase, token)
            if plaintext is not None:
                self._known.setdefault((passphrase, plaintext), token)

    def encrypt(self, passphrase: str, plaintext: str) -> str:
        key = (passphrase, plaintext)
        token = self._known.get(key)
        if token is None:
            token = make_fernet(passphrase).encrypt(plaintext.encode("utf-8")).decode("ascii")
            self._known[key] = token
        if not token.startswith(TOKEN_PREFIX) or try_decrypt(passphrase, token) != plaintext:
            raise AssertionError(f"token does not round-trip for {plaintext!r}")
        return token

    def load_previous(self, previous_vectors: Path, encrypted_dir: Path) -> None:
        if previous_vectors.is_file():
            try:
                for entry in json.loads(previous_vectors.read_text(encoding="utf-8")):
                    self.remember(entry["passphrase"], entry["token"])
            except (ValueError, KeyError, TypeError):
                pass
        for path in sorted(encrypted_dir.glob("*.json")) if encrypted_dir.is_dir() else []:
            try:
                payload = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue
            if isinstance(payload, dict):
                for field in SECRET_FIELDS:
                    self.remember(FIXTURE_PASSPHRASE, payload.get(field))


# --------------------------------------------------------------------------- profiles


def dump_llm(
    values: dict,
    mode: str,
    tokens: TokenSource | None = None,
    passphrase: str | None = None,
    unknown_keys: dict | None = None,
    with_schema_version: bool = True,
    pre_schema_layout: bool = False,
) -> dict:
    """Build the dict ``LLM.to_persisted`` would return for these field values.

    mode: "plaintext" (expose_secrets=True), "encrypted" (cipher context) or
    "redacted" (empty context, i.e. include_secrets=False).
    """
    unknown = set(values) - set(FIELD_NAMES)
    if unknown:
        raise ValueError(f"not LLM fields: {sorted(unknown)}")
    if not values.get("model"):
        raise ValueError("model must be specified in LLM")
    if str(values["model"]).startswith("azure"):
        raise ValueError("azure models would need api_version normalization; not modelled here")

    payload: dict = {}
    for name, default in LLM_FIELDS:
        value = values.get(name, default)
        if name in SECRET_FIELDS and isinstance(value, str) and value.strip() in ("", REDACTED):
            value = None
        if value is None or value is _MISSING:
            continue
        if pre_schema_layout and name in PRE_SCHEMA_MISSING_KEYS:
            continue
        if name in FLOAT_FIELDS:
            value = float(value)
        if name in SECRET_FIELDS:
            if mode == "plaintext":
                pass
            elif mode == "redacted":
                value = REDACTED
            elif mode == "encrypted":
                assert tokens is not None and passphrase is not None
                value = tokens.encrypt(passphrase, value)
            else:
                raise ValueError(f"unknown mode {mode}")
        payload[name] = value

    if payload.get("auth_type") == "subscription":
        raise ValueError("subscription profiles are not modelled here")
    if not pre_schema_layout:
        payload["is_subscription"] = False
    # Keys written by a newer SDK version; this reader ignores them.
    for key, value in (unknown_keys or {}).items():
        payload[key] = value
    if with_schema_version:
        payload["schema_version"] = SCHEMA_VERSION
    return payload


def render(payload: object) -> bytes:
    """Exactly what ``json.dumps(payload, indent=2)`` produces, as ASCII bytes."""
    return json.dumps(payload, indent=2).encode("ascii")


# Profiles saved in all of plaintext, encrypted (and for some, redacted) form.
SHARED_PROFILES: dict[str, dict] = {
    "claude": {
        "description": "Anthropic model with base_url, temperature and max_output_tokens (spec 1.6 example).",
        "values": {
            "model": "anthropic/claude-sonnet-4-5",
            "api_key": "sk-test-plain-claude-0001",
            "base_url": "https://llm.example.test/v1",
            "temperature": 0.2,
            "max_output_tokens": 8192,
            "usage_id": "default",
        },
    },
    "bedrock": {
        "description": "Bedrock model carrying the three AWS secret fields and a region, no api_key.",
        "values": {
            "model": "bedrock/anthropic.claude-3",
            "aws_access_key_id": "test-aws-access-id-0001",
            "aws_secret_access_key": "test-aws-secret-0001",
            "aws_session_token": "test-aws-session-0001",
            "aws_region_name": "us-east-1",
        },
    },
    "unicode": {
        "description": "Non-ASCII api_key (\\uXXXX escapes incl. surrogate pairs) and non-empty map fields.",
        "values": {
            "model": "openai/gpt-4o",
            "api_key": "sk-test-\u00fcn\u00efc\u00f8d\u00e9-\u5bc6\u94a5-\U0001f511",
            "capability_overrides": {"supports_vision": True},
            "extra_headers": {"X-Team": "blue"},
            "litellm_extra_body": {"metadata": {"tags": ["a", "b"]}},
        },
    },
    "extras": {
        "description": "Many non-default scalars plus unknown top-level keys (ignored on load) before schema_version.",
        "values": {
            "model": "openai/gpt-4o-mini",
            "api_key": "sk-test-plain-extras-0002",
            "num_retries": 3,
            "retry_multiplier": 2.0,
            "retry_min_wait": 1,
            "retry_max_wait": 10,
            "timeout": 120,
            "top_p": 0.9,
            "reasoning_effort": "low",
            "seed": 42,
        },
        "unknown_keys": {
            "future_field": {"nested": [1, 2.5, "x"]},
            "another_unknown": "keep-me",
        },
    },
}
REDACTED_PROFILES = ("claude", "bedrock")

LEGACY_V0 = {
    "description": "Pre-schema_version file (layout of the Python example fast.json): no schema_version, "
    "auth_type, api_mode, capability_overrides or is_subscription; loads as version 0.",
    "values": {
        "model": "gpt-5.5",
        "api_key": "sk-test-plain-legacy-0003",
        "temperature": 0.0,
        "max_input_tokens": 200000,
        "max_output_tokens": 64000,
        "usage_id": "fast",
    },
}

PROXY_LEGACY_PAYLOAD = {
    "schema_version": 1,
    "model": "litellm_proxy/claude-opus-4-8",
    "base_url": "https://llm-proxy.app.all-hands.dev/",
}


def manifest_entry(
    rel_path: str,
    name: str,
    mode: str,
    description: str,
    payload: dict,
    values: dict | None,
    passphrase: str | None = None,
    variant_of: str | None = None,
    expected_model: str | None = None,
    expected_base_url: object = _MISSING,
) -> dict:
    values = values or {}
    stored_forms: dict[str, str | None] = {}
    expected_secrets: dict[str, str | None] = {}
    for field in SECRET_FIELDS:
        raw = payload.get(field)
        if raw is None:
            stored_forms[field] = None
        elif raw == REDACTED:
            stored_forms[field] = "redacted_sentinel"
        elif raw.startswith(TOKEN_PREFIX):
            stored_forms[field] = "fernet_token"
        else:
            stored_forms[field] = "plaintext"
        expected_secrets[field] = None if mode == "redacted" or raw is None else values.get(field)

    known = set(FIELD_NAMES) | {"is_subscription", "schema_version"}
    expected_fields = {
        k: (float(v) if k in FLOAT_FIELDS else v)
        for k, v in values.items()
        if k not in SECRET_FIELDS and k not in ("model", "base_url")
    }
    return {
        "path": rel_path,
        "name": name,
        "description": description,
        "secret_mode": mode,
        "passphrase": passphrase,
        "variant_of": variant_of,
        "schema_version": payload.get("schema_version"),
        "stored_model": payload.get("model"),
        "stored_base_url": payload.get("base_url"),
        "expected_model": expected_model if expected_model is not None else payload.get("model"),
        "expected_base_url": payload.get("base_url") if expected_base_url is _MISSING else expected_base_url,
        "expected_secrets": expected_secrets,
        "stored_secret_forms": stored_forms,
        "expected_fields": expected_fields,
        "unknown_keys": [k for k in payload if k not in known],
    }


# --------------------------------------------------------------------------- vectors

VECTOR_PASSPHRASES = [
    "key0",
    FIXTURE_PASSPHRASE,
    FERNET_FORMAT_PASSPHRASE,
    "cl\u00e9-secr\u00e8te-\U0001f510",
]

LONG_PLAINTEXT = ("test-1KiB-" * 103)[:1024]

VECTOR_PLAINTEXTS = [
    "",
    "sk-test-vector-0001",
    "test-\u00fcn\u00efc\u00f8d\u00e9 \u5bc6\u94a5 \u30c6\u30b9\u30c8 \U0001f511\U0001f680 caf\u00e9",
    LONG_PLAINTEXT,
]

# Extra single vectors on top of the passphrase x plaintext grid.
EXTRA_VECTORS = [
    ("key0", "test-\U0001f600\U0001f44d\U0001f3fd emoji only-ish"),
    (FIXTURE_PASSPHRASE, "\u6d4b\u8bd5\u5bc6\u94a5\u4e2d\u6587\u5b57\u7b26"),
    ("key0", "test-line1\nline2\ttab \"quoted\" \\ backslash"),
]


def build_vectors(tokens: TokenSource) -> list[dict]:
    pairs = [(p, t) for p in VECTOR_PASSPHRASES for t in VECTOR_PLAINTEXTS] + EXTRA_VECTORS
    vectors = []
    for passphrase, plaintext in pairs:
        digest = derive_key(passphrase)
        vectors.append(
            {
                "passphrase": passphrase,
                "plaintext": plaintext,
                "token": tokens.encrypt(passphrase, plaintext),
                "derived_key_b64": base64.b64encode(digest).decode("ascii"),
                "fernet_key_urlsafe_b64": base64.urlsafe_b64encode(digest).decode("ascii"),
            }
        )
    return vectors


# --------------------------------------------------------------------------- main


def check_key_derivation() -> None:
    got = base64.b64encode(derive_key("key0")).decode("ascii")
    if got != KEY0_EXPECTED_B64:
        raise AssertionError(f"key0 derivation mismatch: {got}")
    # The SDK hands Fernet the *standard* base64 string; it must decode to the
    # same key as the url-safe form used here.
    for passphrase in VECTOR_PASSPHRASES:
        token = make_fernet(passphrase).encrypt(b"test-probe")
        std = Fernet(base64.b64encode(derive_key(passphrase)))
        if std.decrypt(token) != b"test-probe":
            raise AssertionError("standard-base64 key does not match url-safe key")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fresh-tokens", action="store_true", help="do not reuse Fernet tokens from existing fixture files"
    )
    args = parser.parse_args(argv)

    check_key_derivation()

    profiles_dir = HERE / "profiles"
    dirs = {mode: profiles_dir / mode for mode in ("plaintext", "encrypted", "redacted")}

    tokens = TokenSource()
    if not args.fresh_tokens:
        tokens.load_previous(HERE / "fernet_vectors.json", dirs["encrypted"])

    outputs: dict[Path, bytes] = {}
    entries: list[dict] = []

    def add(mode_dir: str, name: str, payload: dict, entry_kwargs: dict) -> None:
        rel = f"profiles/{mode_dir}/{name}.json"
        outputs[HERE / rel] = render(payload)
        entries.append(manifest_entry(rel, name, payload=payload, **entry_kwargs))

    for name, spec in SHARED_PROFILES.items():
        common = dict(values=spec["values"], unknown_keys=spec.get("unknown_keys"))
        plain = dump_llm(mode="plaintext", **common)
        add("plaintext", name, plain, dict(mode="plaintext", description=spec["description"], values=spec["values"]))

    for name, spec in SHARED_PROFILES.items():
        common = dict(values=spec["values"], unknown_keys=spec.get("unknown_keys"))
        enc = dump_llm(mode="encrypted", tokens=tokens, passphrase=FIXTURE_PASSPHRASE, **common)
        add(
            "encrypted",
            name,
            enc,
            dict(
                mode="encrypted",
                description=spec["description"] + " Secrets encrypted with the fixture passphrase.",
                values=spec["values"],
                passphrase=FIXTURE_PASSPHRASE,
                variant_of=f"profiles/plaintext/{name}.json",
            ),
        )

    for name in REDACTED_PROFILES:
        spec = SHARED_PROFILES[name]
        red = dump_llm(mode="redacted", values=spec["values"], unknown_keys=spec.get("unknown_keys"))
        add(
            "redacted",
            name,
            red,
            dict(
                mode="redacted",
                description=spec["description"] + " Saved with include_secrets=False (sentinel).",
                values=spec["values"],
                variant_of=f"profiles/plaintext/{name}.json",
            ),
        )

    legacy = dump_llm(
        mode="plaintext", values=LEGACY_V0["values"], with_schema_version=False, pre_schema_layout=True
    )
    add("plaintext", "legacy_v0", legacy, dict(mode="plaintext", description=LEGACY_V0["description"], values=LEGACY_V0["values"]))

    add(
        "plaintext",
        "proxy_legacy",
        PROXY_LEGACY_PAYLOAD,
        dict(
            mode="none",
            description="Legacy OpenHands proxy profile (spec section 5 case 18): canonicalized on load to "
            "openhands/claude-opus-4-8 with base_url removed; no secrets.",
            values={},
            expected_model="openhands/claude-opus-4-8",
            expected_base_url=None,
        ),
    )

    manifest = {
        "manifest_version": 1,
        "generator": "generate_fixtures.py",
        "secret_fields": list(SECRET_FIELDS),
        "redacted_sentinel": REDACTED,
        "token_prefix": TOKEN_PREFIX,
        "fixture_passphrase": FIXTURE_PASSPHRASE,
        "profiles": entries,
    }
    outputs[HERE / "manifest.json"] = render(manifest)
    outputs[HERE / "fernet_vectors.json"] = render(build_vectors(tokens))

    # Drop profile files from earlier runs that this run no longer produces.
    for mode_dir in dirs.values():
        if mode_dir.is_dir():
            for stale in mode_dir.glob("*.json"):
                if stale not in outputs:
                    stale.unlink()

    changed = 0
    for path, data in sorted(outputs.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            changed += 1
    print(f"wrote {len(outputs)} files ({changed} changed) under {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
