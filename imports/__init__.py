"""The import engine shared by calls and queue tickets.

A town saves an `ImportSource` once (file format, column mapping, line-to-service mapping);
each file it imports becomes an `ImportRun` that counts rows read, imported, skipped as
already imported and rejected, and keeps the first rejections with their line numbers
(docs/imports.md). The engine's modules, from the bottom up:

- `kinds`: what an app registers for a kind of data (`KindSpec`, `FieldSpec`,
  `KINDS`, `kind_spec`), the file formats (`FileFormat`) and `ImportConfigError`;
- `rows`: the `InsertRow` tuples importers produce for the database (a line read from a file
  is a documents.tabular.Row), their stable `dedupe_key`, and the binary form of their times
  and days (`micros_2000`, `day_number`, `day_text`);
- `files`: scanning a file (size, SHA-256, encoding) and streaming its records
  (`csv_records`, `NumberedRecords`, `table_layout`);
- `clock`: local wall-clock times read fast and right across the clock changes (`LocalClock`,
  `Hour`, `read_moment`, `normalise_datetime`, `normalise_time`, `parse_seconds`, `utc_text`);
- `line_map`: the values of the file's line field → lines or services (`LineMap`;
  `service_line_map` and `service_targets` for a kind whose line map names services);
- `importers`: the `RowImporter` an app writes, and `TableImporter` for table files;
- `writing`: where rows go and how, fast (`insert_target`, `insert_rows`,
  `lock_organisation_writes`, `fewer_checkpoints`);
- `chunks`: converting records into chunks of rows (`read_chunks`);
- `reader_process`: the second process that reads and converts while this one writes
  (`ReadingProcess`);
- `runs`: THE import of one file (`import_file` → `ImportResult`);
- `background`, `command`: the web upload's thread and the `import_calls`/`import_tickets`
  commands.

Importing this package loads neither Django nor a model: the reading process of a parallel
import runs it in a bare Python (imports.reader_process; a test checks it). Functions
that need Django import it when they run. Import the names below from `imports`."""

from imports.background import import_in_background
from imports.chunks import CHUNK_ROWS, REJECTIONS_KEPT, Chunk, file_chunks, read_chunks
from imports.clock import (
    SECONDS_IN_HOUR,
    Hour,
    LocalClock,
    Moment,
    normalise_datetime,
    normalise_time,
    parse_seconds,
    read_moment,
    seconds_in_hour,
    utc_text,
)
from imports.command import ProgressBar, import_command, summary_lines
from imports.files import (
    FileFacts,
    NumberedRecords,
    Records,
    TableLayout,
    csv_records,
    scan_file,
    table_layout,
    text_stream,
)
from imports.importers import ChunkReader, RowImporter, TableImporter
from imports.kinds import (
    KINDS,
    TABLE,
    TABLE_FORMAT,
    FieldSpec,
    FileFormat,
    ImportConfigError,
    KindSpec,
    kind_spec,
)
from imports.line_map import DEFAULT_KEY, IGNORE, LineMap, service_line_map, service_targets, source_line_map
from imports.reader_process import ReadingProcess, reader_process_main
from imports.rows import (
    EPOCH_2000,
    MAX_KEY,
    InsertRow,
    day_number,
    day_text,
    dedupe_key,
    epoch_of_micros,
    micros_2000,
)
from imports.runs import DONE, FAILED, ImportResult, Progress, import_file, start_run
from imports.writing import (
    InsertTarget,
    binary_column_sql,
    binary_value_sql,
    fewer_checkpoints,
    insert_rows,
    insert_target,
    lock_organisation_writes,
)

__all__ = [
    "CHUNK_ROWS",
    "DEFAULT_KEY",
    "DONE",
    "EPOCH_2000",
    "FAILED",
    "IGNORE",
    "KINDS",
    "MAX_KEY",
    "REJECTIONS_KEPT",
    "SECONDS_IN_HOUR",
    "TABLE",
    "TABLE_FORMAT",
    "Chunk",
    "ChunkReader",
    "FieldSpec",
    "FileFacts",
    "FileFormat",
    "Hour",
    "ImportConfigError",
    "ImportResult",
    "InsertRow",
    "InsertTarget",
    "KindSpec",
    "LineMap",
    "LocalClock",
    "Moment",
    "NumberedRecords",
    "Progress",
    "ProgressBar",
    "ReadingProcess",
    "Records",
    "RowImporter",
    "TableImporter",
    "TableLayout",
    "binary_column_sql",
    "binary_value_sql",
    "csv_records",
    "day_number",
    "day_text",
    "dedupe_key",
    "epoch_of_micros",
    "fewer_checkpoints",
    "file_chunks",
    "import_command",
    "import_file",
    "import_in_background",
    "insert_rows",
    "insert_target",
    "kind_spec",
    "lock_organisation_writes",
    "micros_2000",
    "normalise_datetime",
    "normalise_time",
    "parse_seconds",
    "read_chunks",
    "read_moment",
    "reader_process_main",
    "scan_file",
    "seconds_in_hour",
    "service_line_map",
    "service_targets",
    "source_line_map",
    "start_run",
    "summary_lines",
    "table_layout",
    "text_stream",
    "utc_text",
]
