"""The Python side of the side-by-side benchmarks (driven by `OpenHands.Benchmarks --side-by-side`).

Runs the Python SDK's own code from the checkout named by OH_PYTHON_SDK_SRC (see ohsdk_loader.py for how it is
imported) on the files the .NET harness generated:

  worker                 JSON commands on stdin, one result per line on stdout (warm figures, interleaved by .NET)
  cold-replay DIR        first replay in this fresh process, printed as JSON
  cold-profiles DIR      first LLMProfileStore listing in this fresh process, printed as JSON

Replay is what the SDK does to load a conversation's events: EventLog(LocalFileStore(conversation), "events")
(lists the folder and indexes the file names) and iterating it (per event: LocalFileStore.read, then
Event.model_validate_json, the pydantic discriminated union). A new LocalFileStore each time, so its read cache
starts empty as it does for a conversation loaded from disk.
Append is EventLog.append: the folder's lock (filelock), a listing of the folder, model_dump_json, and the write.
Profile listing is LLMProfileStore(dir).list_summaries(): lock, glob, read and json.loads each file; no decryption.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ohsdk_loader  # noqa: E402


def _load():
    ohsdk_loader.load()
    # The order of the SDK's own package __init__: the agent first (it settles circular imports), then the rest.
    import openhands.sdk.agent  # noqa: F401
    import openhands.tools.terminal.definition  # noqa: F401  (registers TerminalObservation with the event union)
    from openhands.sdk.conversation.event_store import EventLog
    from openhands.sdk.event import Event
    from openhands.sdk.io.local import LocalFileStore
    from openhands.sdk.llm.llm_profile_store import LLMProfileStore

    return EventLog, Event, LocalFileStore, LLMProfileStore


def _replay(sdk, conversation: str) -> int:
    EventLog, _, LocalFileStore, _ = sdk
    log = EventLog(LocalFileStore(conversation), "events")
    events = list(log)
    if len(events) != len(log):
        raise RuntimeError(f"read {len(events)} of {len(log)} events")
    return len(events)


def _ms(start: int) -> float:
    return (time.perf_counter_ns() - start) / 1e6


def worker() -> None:
    try:
        sdk = _load()
    except ohsdk_loader.UnusableSdk as e:
        print(json.dumps({"unusable": str(e)}), flush=True)
        return
    EventLog, Event, LocalFileStore, _ = sdk
    print(json.dumps({"ready": True, "python": sys.version.split()[0], "stubbed": ohsdk_loader.stubbed_names()}), flush=True)
    logs: dict[str, object] = {}
    template = None
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "replay":
            start = time.perf_counter_ns()
            n = _replay(sdk, cmd["dir"])
            print(json.dumps({"ms": _ms(start), "events": n}), flush=True)
        elif op == "open-append":
            logs[cmd["dir"]] = EventLog(LocalFileStore(cmd["dir"]), "events")
            with open(cmd["event"], encoding="utf-8") as f:
                template = Event.model_validate_json(f.read())
            print(json.dumps({"events": len(logs[cmd["dir"]])}), flush=True)
        elif op == "append":
            log = logs[cmd["dir"]]
            event = template.model_copy(update={"id": str(uuid.uuid4())})
            start = time.perf_counter_ns()
            log.append(event)
            print(json.dumps({"ms": _ms(start), "events": len(log)}), flush=True)
        elif op == "quit":
            return


def cold(kind: str, folder: str) -> None:
    start = time.perf_counter_ns()
    try:
        sdk = _load()
    except ohsdk_loader.UnusableSdk as e:
        print(json.dumps({"unusable": str(e)}), flush=True)
        return
    import_ms = _ms(start)
    start, cpu = time.perf_counter_ns(), time.process_time_ns()
    if kind == "cold-replay":
        n = _replay(sdk, folder)
    else:
        n = len(sdk[3](base_dir=folder).list_summaries())
    wall, cpu_ms = _ms(start), (time.process_time_ns() - cpu) / 1e6
    print(json.dumps({"ms": wall, "cpu_ms": cpu_ms, "import_ms": import_ms, "items": n}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        worker()
    else:
        cold(sys.argv[1], sys.argv[2])
