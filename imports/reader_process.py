"""The second reading process of a parallel import (the command line): a bare Python that
reads and converts the file while this process writes, so that an import uses two cores.

`spawned_chunks` starts `python -c "import imports.reader_process as m;
m.reader_process_main()"`, hands it the importer's plain-data reader (`RowImporter.worker`)
pickled on its standard input, and yields the chunks it sends back through a pipe. That
process loads this package and the reader's module, never Django's settings nor a model (a
test checks it): it stays small and touches no database. A thread of this process (`_receive`)
takes the chunks off the pipe as they come, up to BUFFERED_CHUNKS ahead, so that neither
process waits for a slower chunk of the other; memory stays flat. When the writing stops
early (an error, a generator closed), the reading process is killed and waited for.

A file of SPLIT_BYTES or more is read by two such processes, each from its half (`file_parts`:
the halves meet at a line's start), so that reading, the slower side of a large import, uses
a core each while this process and the database write. The records of one call that fall on
both sides of the middle give each a row of the call; the second written joins the first as a
call straddling two files does (imports.runs, `RowImporter.merge_stored`), to the same call.
Only readers of one record per line are given to a reading process (Master.csv, queue_log)."""

from __future__ import annotations

import gc
import io
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Generator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from documents.tabular import TableError
from imports.chunks import CHUNK_ROWS, Chunk, read_chunks
from imports.importers import ChunkReader
from imports.kinds import ImportConfigError

BUFFERED_CHUNKS = 3  # converted chunks the writing process holds ahead (about 1.5 MB each)
SPLIT_BYTES = 32 * 1024 * 1024  # a file this large is read by two processes (about 100,000 calls)
COUNT_BLOCK = 1024 * 1024
PROJECT_ROOT = Path(__file__).resolve().parents[2]
READER_CODE = "import imports.reader_process as m; m.reader_process_main()"
Reading = tuple[subprocess.Popen[bytes], Connection]  # a reading process and its pipe


class _FilePart(io.RawIOBase):
    """The bytes of an open file from `first` to `last`; `tell` counts from `first`."""

    def __init__(self, raw: io.FileIO, first: int, last: int | None) -> None:
        super().__init__()
        raw.seek(first)
        self.raw, self.first = raw, first
        self.left = (last - first) if last is not None else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self.left is not None:
            view = view[: self.left]
        count = self.raw.readinto(view) or 0
        if self.left is not None:
            self.left -= count
        return count

    def tell(self) -> int:
        return self.raw.tell() - self.first


def _lines_before(raw: io.FileIO, first: int) -> int:
    """How many lines of the file end before byte `first` (a part's line numbers follow them)."""
    lines = 0
    raw.seek(0)
    while first > 0 and (block := raw.read(min(COUNT_BLOCK, first))):
        lines += block.count(b"\n")
        first -= len(block)
    return lines


def file_parts(path: Path, size: int) -> list[tuple[int, int | None]]:
    """The byte ranges read by one process each: the whole file, or its two halves split at
    the start of the line that follows the middle."""
    if size < SPLIT_BYTES:
        return [(0, None)]
    with path.open("rb") as binary:
        binary.seek(size // 2 - 1)
        binary.readline()
        middle = binary.tell()
    return [(0, middle), (middle, None)] if middle < size else [(0, None)]


def _produce(
    reader: ChunkReader, path: str, filename: str, encoding: str, writer: Connection, part: tuple[int, int | None]
) -> None:
    """In the reading process: send each converted chunk of its part of the file, then None,
    or the error that stopped it. Rejected lines are numbered from the file's first line."""
    gc.disable()  # rows hold no cycles: the collector would only walk them
    first, last = part
    try:
        with open(path, "rb", buffering=0) as raw:
            lines_before = _lines_before(raw, first)
            binary = io.BufferedReader(_FilePart(raw, first, last))
            try:
                for chunk in read_chunks(reader, binary, filename, encoding, CHUNK_ROWS):
                    chunk.rejections = [(line + lines_before, reason) for line, reason in chunk.rejections]
                    writer.send(chunk.as_message())
            except TableError as error:
                if error.line is not None and lines_before:
                    raise TableError(error.reason, line=error.line + lines_before, column=error.column) from None
                raise
        writer.send(None)
    except (TableError, ImportConfigError) as error:
        writer.send(error)
    except Exception as error:  # reported by the writing process
        writer.send(RuntimeError(f"{error.__class__.__name__}: {error}"))
    finally:
        writer.close()


def reader_process_main() -> None:
    """Entry point of the reading process: its arguments come pickled on standard input."""
    # The data comes from the parent process, through this process's own standard input.
    reader, path, filename, encoding, descriptor, part = pickle.load(sys.stdin.buffer)  # noqa: S301
    _produce(reader, path, filename, encoding, Connection(descriptor), part)


def _start(reader: ChunkReader, path: Path, filename: str, encoding: str, part: tuple[int, int | None]) -> Reading:
    """A reading process for one part of the file, and the end of its pipe in this process."""
    receiving_end, sending_end = os.pipe()
    code = f"import sys; sys.path.insert(0, {str(PROJECT_ROOT)!r}); {READER_CODE}"
    process = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", code], stdin=subprocess.PIPE, pass_fds=(sending_end,)
    )
    os.close(sending_end)
    assert process.stdin is not None
    with process.stdin:
        pickle.dump((reader, str(path), filename, encoding, sending_end, part), process.stdin)
    return process, Connection(receiving_end)


def spawned_chunks(reader: ChunkReader, path: Path, filename: str, encoding: str) -> Generator[Chunk, None, None]:
    """The converted chunks of a file, read and converted by one or two other processes while
    this one writes (see the module's docstring). The reading processes are fresh Pythons that
    load this module and the reader's, never Django's settings nor a model: they stay small and
    touch no database. A chunk's `position` is the bytes read so far by all of them."""
    parts = file_parts(path, path.stat().st_size)
    buffered: queue.Queue[tuple[int, bytes | None]] = queue.Queue(maxsize=BUFFERED_CHUNKS * len(parts))
    stop = threading.Event()
    readings: list[Reading] = []
    receivers: list[threading.Thread] = []
    running = len(parts)
    try:
        for index, part in enumerate(parts):
            readings.append(_start(reader, path, filename, encoding, part))
            receivers.append(
                threading.Thread(target=_receive, args=(index, readings[-1][1], buffered, stop), daemon=True)
            )
            receivers[-1].start()
        positions = [0] * len(parts)
        ended = [False] * len(parts)
        while running:
            index, data = buffered.get()
            if data is None:  # a pipe closed: after its process's end, or by a crash
                if ended[index]:
                    continue
                raise RuntimeError("Le processus de lecture du fichier s'est arrêté.")
            message = pickle.loads(data)  # noqa: S301 (from our own reading process)
            if message is None:
                ended[index] = True
                running -= 1
                continue
            if isinstance(message, BaseException):
                raise message
            chunk = Chunk(*message)
            positions[index] = chunk.position
            chunk.position = sum(positions)
            yield chunk
    finally:
        stop.set()
        for process, _ in readings:
            if running:
                process.kill()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for receiver in receivers:
            receiver.join(timeout=10)
        for _, receiving in readings:
            receiving.close()


def _receive(
    index: int, receiving: Connection, buffered: queue.Queue[tuple[int, bytes | None]], stop: threading.Event
) -> None:
    """In a thread of the writing process: move one reading process's messages from its pipe
    to the queue, marked with its part, then None when the pipe closes."""
    message: bytes | None = b""
    while message is not None and not stop.is_set():
        try:
            message = receiving.recv_bytes()
        except (EOFError, OSError):
            message = None
        while not stop.is_set():
            try:
                buffered.put((index, message), timeout=0.1)
                break
            except queue.Full:
                continue
