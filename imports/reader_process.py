"""The second reading process of a parallel import (the command line): a bare Python that
reads and converts the file while this process writes, so that an import uses two cores.

A `ReadingProcess` starts `python -c "import imports.reader_process as m;
m.reader_process_main()"` at once, hands it the importer's plain-data reader (`RowImporter.worker`)
pickled on its standard input, and yields the chunks it sends back through a pipe, in
`marshal`'s format: a chunk is plain data (tuples of numbers, texts, None), which marshal
writes in half the time pickle takes and reads a fifth faster; only an error goes pickled. That
process loads this package and the reader's module, never Django's settings nor a model (a
test checks it): it stays small and touches no database. A thread of this process (`_receive`)
takes the chunks off the pipe as they come, up to BUFFERED_CHUNKS ahead, so that neither
process waits for a slower chunk of the other; memory stays flat. When the writing stops
early (an error, a file read in another encoding), the reading process is killed and waited for."""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

from documents.tabular import TableError
from imports.chunks import CHUNK_ROWS, Chunk, read_chunks
from imports.importers import ChunkReader
from imports.kinds import ImportConfigError

BUFFERED_CHUNKS = 3  # converted chunks the writing process holds ahead (about 1.5 MB each)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
READER_CODE = "import imports.reader_process as m; m.reader_process_main()"
CHUNK, END, ERROR = b"c", b"e", b"x"  # the first byte of a message: a chunk, the end, an error


def _produce(reader: ChunkReader, path: str, filename: str, encoding: str, writer: Connection) -> None:
    """In the reading process: send each converted chunk, then None, or the error that stopped it."""
    gc.disable()  # rows hold no cycles: the collector would only walk them
    try:
        with open(path, "rb") as binary:
            for chunk in read_chunks(reader, binary, filename, encoding, CHUNK_ROWS):
                writer.send_bytes(CHUNK + marshal.dumps(chunk.as_message()))
        writer.send_bytes(END)
    except (TableError, ImportConfigError) as error:
        writer.send_bytes(ERROR + pickle.dumps(error))
    except Exception as error:  # reported by the writing process
        writer.send_bytes(ERROR + pickle.dumps(RuntimeError(f"{error.__class__.__name__}: {error}")))
    finally:
        writer.close()


def decode_message(data: bytes) -> Chunk | BaseException | None:
    """A message of the reading process: a chunk, the error that stopped it, or None at the end."""
    kind, body = data[:1], memoryview(data)[1:]
    if kind == CHUNK:
        return Chunk(*marshal.loads(body))  # noqa: S302 (from our own reading process)
    if kind == ERROR:
        return pickle.loads(body)  # type: ignore[no-any-return]  # noqa: S301 (from our own reading process)
    return None


def reader_process_main() -> None:
    """Entry point of the reading process: its arguments come pickled on standard input."""
    # The data comes from the parent process, through this process's own standard input.
    reader, path, filename, encoding, descriptor = pickle.load(sys.stdin.buffer)  # noqa: S301
    _produce(reader, path, filename, encoding, Connection(descriptor))


class ReadingProcess:
    """A second process reading and converting one file, started as soon as it is made:
    its chunks come from `chunks()`, and `stop()` ends it whether they were read or not. The
    reading process is a fresh Python that loads this module and the reader's, never Django's
    settings nor a model: it stays small and touches no database (see the module's docstring)."""

    def __init__(self, reader: ChunkReader, path: Path, filename: str, encoding: str) -> None:
        self.encoding = encoding
        receiving_end, sending_end = os.pipe()
        code = f"import sys; sys.path.insert(0, {str(PROJECT_ROOT)!r}); {READER_CODE}"
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed program)
            [sys.executable, "-c", code], stdin=subprocess.PIPE, pass_fds=(sending_end,)
        )
        os.close(sending_end)
        self.receiving = Connection(receiving_end)
        self.buffered: queue.Queue[bytes | None] = queue.Queue(maxsize=BUFFERED_CHUNKS)
        self.stopping = threading.Event()
        self.receiver = threading.Thread(
            target=_receive, args=(self.receiving, self.buffered, self.stopping), daemon=True
        )
        self.ended = self.stopped = False
        try:
            assert self.process.stdin is not None
            with self.process.stdin:
                pickle.dump((reader, str(path), filename, encoding, sending_end), self.process.stdin)
            self.receiver.start()
        except BaseException:
            self.stop()
            raise

    def chunks(self) -> Iterator[Chunk]:
        """The converted chunks, as the reading process sends them."""
        while (data := self.buffered.get()) is not None:
            message = decode_message(data)
            if message is None:
                self.ended = True
                return
            if isinstance(message, BaseException):
                raise message
            yield message
        raise RuntimeError("Le processus de lecture du fichier s'est arrêté.")

    def stop(self) -> None:
        """End the reading process (killed unless it sent the file's end) and its thread."""
        if self.stopped:
            return
        self.stopped = True
        self.stopping.set()
        if not self.ended:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if self.receiver.is_alive():
            self.receiver.join(timeout=10)
        self.receiving.close()


def _receive(receiving: Connection, buffered: queue.Queue[bytes | None], stop: threading.Event) -> None:
    """In a thread of the writing process: move the reading process's messages from the pipe
    to the queue, then None when the pipe closes."""
    message: bytes | None = b""
    while message is not None and not stop.is_set():
        try:
            message = receiving.recv_bytes()
        except (EOFError, OSError):
            message = None
        while not stop.is_set():
            try:
                buffered.put(message, timeout=0.1)
                break
            except queue.Full:
                continue
