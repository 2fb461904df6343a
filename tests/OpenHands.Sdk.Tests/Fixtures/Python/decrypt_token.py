#!/usr/bin/env python3
"""Decrypt Fernet tokens the way the Python OpenHands SDK cipher does.

Used by the C# interop tests to prove that tokens and profiles written by
OpenHands.Sdk are readable by Python. Needs only the standard library and the
``cryptography`` package.

Usage:

    python3 decrypt_token.py <passphrase>
        Reads one token per line from stdin. For each line prints the decrypted
        UTF-8 plaintext as a JSON string (json.dumps), one per line, or
        ``null`` when the line is not a valid token for that passphrase.
        Exit code 0 when every line decrypted, 1 otherwise.

    python3 decrypt_token.py --load-profile <passphrase> <path>
        Reads an LLM profile JSON file and checks that it is a JSON object with
        a non-empty string ``model`` and ``schema_version`` equal to the integer
        1, and that every secret field holding a string that starts with
        ``gAAAAA`` decrypts with the passphrase. Prints one JSON object mapping
        each secret field (api_key, aws_access_key_id, aws_secret_access_key,
        aws_session_token) to its value as the SDK would load it: decrypted
        plaintext, non-token strings as they are, null when absent, blank or
        the ``**********`` sentinel. Exit code 0 on success, 2 with a message
        on stderr on any problem.

The key is SHA-256 of the UTF-8 passphrase, base64-encoded and given to Fernet;
tokens never expire (no TTL).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys

from cryptography.fernet import Fernet, InvalidToken

SECRET_FIELDS = ("api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token")
TOKEN_PREFIX = "gAAAAA"
REDACTED = "**********"


class ProfileProblem(Exception):
    pass


def fernet_for(passphrase: str) -> Fernet:
    digest = hashlib.sha256(passphrase.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def decrypt(fernet: Fernet, token: str) -> str | None:
    try:
        return fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError, TypeError):
        return None


def decrypt_lines(passphrase: str) -> int:
    fernet = fernet_for(passphrase)
    all_ok = True
    raw = sys.stdin.buffer.read()
    for line in raw.splitlines():
        try:
            token = line.decode("ascii").strip()
        except UnicodeDecodeError:
            token = None
        plaintext = decrypt(fernet, token) if token else None
        if plaintext is None:
            all_ok = False
        sys.stdout.write(json.dumps(plaintext) + "\n")
    sys.stdout.flush()
    return 0 if all_ok else 1


def load_profile(passphrase: str, path: str) -> dict:
    try:
        with open(path, "r", encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ProfileProblem(f"cannot read {path}: {exc}") from exc
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise ProfileProblem(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise ProfileProblem(f"{path}: top level is {type(payload).__name__}, expected an object")

    version = payload.get("schema_version")
    if type(version) is not int or version != 1:
        raise ProfileProblem(f"{path}: schema_version is {version!r}, expected the integer 1")
    model = payload.get("model")
    if not isinstance(model, str) or not model:
        raise ProfileProblem(f"{path}: model is {model!r}, expected a non-empty string")

    fernet = fernet_for(passphrase)
    result: dict[str, str | None] = {}
    for field in SECRET_FIELDS:
        value = payload.get(field)
        if value is None:
            result[field] = None
            continue
        if not isinstance(value, str):
            raise ProfileProblem(f"{path}: secret field {field} is {type(value).__name__}, expected a string")
        if not value.strip() or value == REDACTED:
            result[field] = None
        elif value.startswith(TOKEN_PREFIX):
            plaintext = decrypt(fernet, value)
            if plaintext is None:
                raise ProfileProblem(f"{path}: secret field {field} does not decrypt with the given passphrase")
            result[field] = plaintext
        else:
            result[field] = value
    return result


USAGE = (
    "usage: decrypt_token.py <passphrase>            (tokens on stdin, one per line)\n"
    "       decrypt_token.py --load-profile <passphrase> <path>\n"
)


def main(argv: list[str]) -> int:
    if len(argv) == 1 and not argv[0].startswith("--"):
        return decrypt_lines(argv[0])
    if len(argv) == 3 and argv[0] == "--load-profile":
        try:
            secrets = load_profile(argv[1], argv[2])
        except ProfileProblem as exc:
            sys.stderr.write(f"decrypt_token.py: {exc}\n")
            return 2
        sys.stdout.write(json.dumps(secrets) + "\n")
        return 0
    sys.stderr.write(USAGE)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
