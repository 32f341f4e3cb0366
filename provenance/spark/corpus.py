"""A corpus hashed and parsed on Spark's executors: the local backend's fixity report and tables.

A local folder keeps the local walk's rules: the driver walks it without hashing (links, FIFOs,
unsafe names, unlisted and missing files are the walk's entries), then each file is read once on
an executor through the safe opener (no link followed, no FIFO opened for reading), hashed and,
when INDEX.md lists it, parsed by `parse_read`, the parser every backend calls. A file: URI is that
local folder. Any other URI Spark reads (hdfs:, s3a:, viewfs:) is listed by Hadoop's FileSystem and
read by Spark's binaryFile source; the few files binaryFile never yields (empty ones, and names
starting with "_", which Spark hides) are read on the driver through the same FileSystem. One
file's failure on an executor is that file's finding; the job goes on.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.columns import ARTICLES, PARAGRAPHS, VALIDATED, Column
from provenance.errors import UsageError, first_line
from provenance.fixity.verify import FixityReport, fixity_report
from provenance.fixity.walk import (
    BUFFER,
    METADATA_FILES,
    Entry,
    Kind,
    differing,
    is_payload,
    matches,
    unsafe_name,
    walk_corpus,
)
from provenance.manifest.model import INDEX_LIMIT, INDEX_NAME, Manifest, Row
from provenance.manifest.reader import read_manifest
from provenance.parsing.corpus import MAX_ARTICLE_BYTES, parse_read, source_of
from provenance.parsing.outlets import Registry, load_registry
from provenance.parsing.settings import DEFAULT, ParseSettings, Source
from provenance.parsing.tables import arrow_schema, column_batch, record_batch
from provenance.safeopen import TooLargeError, check_regular, open_beneath, open_dir

if TYPE_CHECKING:
    import pyarrow as pa

#: A URI with a scheme (hdfs://, s3a://, file:/): read by Spark; a plain path is a local folder.
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:/")
SOURCE_FACTS = tuple(f.name for f in dataclasses.fields(Source) if f.name != "file")
FILES_PER_PARTITION = 256  # files a task of the pass reads: small tasks keep the cores busy, fewer cost less
TASKS_PER_CORE = 2  # tasks a job over the tables runs per core
TODO_CHUNK = 65_536  # files of the work list built at a time on the driver


@dataclass(frozen=True, slots=True)
class SparkTables:
    """A corpus read on Spark: its fixity report (on the driver) and its tables (Spark DataFrames
    with expectations.columns' columns, in file order, then line order)."""

    fixity: FixityReport
    articles: Any
    paragraphs: Any
    read: Any  # the persisted pass both tables come from: `release` it when done

    def release(self) -> None:
        """Free the executors' copy of the pass."""
        self.read.unpersist()


def is_uri(corpus: str) -> bool:
    """A corpus given as a URI (hdfs://, s3a://, file:/...), not as a local folder's path."""
    return bool(URI.match(corpus))


def local_folder(spark: Any, corpus: str | os.PathLike[str]) -> Path | None:
    """The local folder `corpus` names: a path, or a file: URI as Hadoop reads it (file:/x,
    file:///x, file://localhost/x; "%20" is those three characters, as Spark reads it); None for
    a URI of any other store.

    A file: URI is audited as the folder it names, with the local walk's rules (no link followed,
    no FIFO opened): read through Hadoop, a link to a file outside the corpus would be read.
    """
    text = os.fspath(corpus)
    if not is_uri(text):
        return Path(text)
    if not text.lower().startswith("file:"):
        return None
    try:
        uri = spark._jvm.org.apache.hadoop.fs.Path(text).toUri()
    except Exception as exc:  # noqa: BLE001 - Hadoop refuses the URI (a bad escape, a relative path)
        raise UsageError(f"{text}: not a path Spark reads: {first_line(exc)}") from None
    if uri.getAuthority() not in (None, "", "localhost"):
        return None  # another host's file system: Spark's to read
    return Path(str(uri.getPath()))


def read_corpus(
    spark: Any,
    corpus: str | os.PathLike[str],
    *,
    settings: ParseSettings = DEFAULT,
    registry: Registry | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    lean: bool = False,
    strict: bool = False,
    require_index: bool = True,
    jobs: int = 1,
) -> SparkTables:
    """Hash and parse every file of `corpus` on `spark`'s executors, in one pass over the bytes.

    The fixity report equals `verify_fixity`'s and the tables `parse_corpus`'s for the same corpus
    (`lean` leaves the paragraph text out, as there). Without `require_index`, a corpus with no
    INDEX.md parses every payload file, as `parse` does. Raises ManifestError when INDEX.md is
    unusable, UsageError (naming it) when the corpus cannot be reached.
    """
    text = os.fspath(corpus)
    folder = local_folder(spark, text)
    if folder is None:
        if strict:
            raise UsageError(
                f"{text}: --strict needs a local corpus folder (it compares INDEX.md with what `index` writes)"
            )
        return _read_uri(
            spark,
            text,
            settings=settings,
            registry=registry,
            max_bytes=max_bytes,
            lean=lean,
            strict=False,
            require_index=require_index,
        )
    root = folder
    if not root.is_dir():
        raise UsageError(f"{text}: not a directory (give a corpus folder, or a URI Spark reads: hdfs://, s3a://)")
    indexed = require_index or (root / INDEX_NAME).exists()
    manifest = read_manifest(root) if indexed else Manifest()
    listed = manifest.by_file()
    registry = registry or load_registry(root)
    entries = list(walk_corpus(root, listed=listed.keys(), hash_files=False, jobs=jobs))  # no byte read
    present = {entry.path for entry in entries}
    folders = _folders_listed(root, [name for name in listed if name not in present])
    present.update(entry.path for entry in folders)
    others = [entry for entry in entries if entry.kind != "file"] + folders
    hashed_paths = [entry.path for entry in entries if entry.kind == "file"]
    # The driver keeps no object per file beyond INDEX.md's rows and the paths (at 1,000,000
    # files each one more is 50-150 MB): the entries go before the work list is built, and the
    # work list goes to the executors as Arrow and is dropped here.
    del entries
    todo = _todo(hashed_paths, listed, settings=settings, indexed=indexed)
    del hashed_paths
    columns = VALIDATED["paragraphs"] if lean else PARAGRAPHS
    read = _read_folder(spark, str(root.resolve()), todo, registry=registry, settings=settings, max_bytes=max_bytes)
    del todo
    read = read(columns).persist()
    hashed = [_entry(r) for r in read.where("differs").collect()]
    found = differing([*hashed, *others], Expected(listed), listed=listed, present=present)
    del present
    fixity = fixity_report(root, manifest, found, strict=strict, listed=listed)
    return _tables(fixity, read, columns)


class Expected(Mapping[str, tuple[int, str | None]]):
    """INDEX.md's (size, sha256) of each listed file, read from its rows as asked: walk.differing's
    `expected` without a second object per file."""

    def __init__(self, listed: Mapping[str, Row]) -> None:
        self._listed = listed

    def __getitem__(self, name: str) -> tuple[int, str | None]:
        row = self._listed[name]
        return row.bytes, row.sha256

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed)

    def __len__(self) -> int:
        return len(self._listed)


def _todo(hashed: list[str], listed: Mapping[str, Row], *, settings: ParseSettings, indexed: bool = True) -> pa.Table:
    """The executors' work, as one Arrow table built TODO_CHUNK files at a time (no object per file
    kept beyond the strings INDEX.md's rows hold): every regular file in `hashed` to hash (and to
    parse when listed), then the listed files with no regular file there, to parse as the error
    reading them gives. Without an INDEX.md (`indexed` False) every regular file is parsed, with
    no facts."""
    import pyarrow as pa

    schema = _input_schema()
    on_disk = set(hashed)
    files = hashed + [name for name in listed if name not in on_disk]
    del on_disk
    batches = []
    for start in range(0, len(files), TODO_CHUNK):
        names = files[start : start + TODO_CHUNK]
        rows = [listed.get(name) for name in names]
        hashing = [start + at < len(hashed) for at in range(len(names))]
        if indexed:
            found = [None if row is None else source_of(row, settings=settings) for row in rows]
        else:  # as corpus_sources: every regular payload file, with no INDEX.md facts
            found = [Source(name) for name in names]
        columns: dict[str, list[Any]] = {
            "file": names,
            "hash": hashing,
            "parse": [source is not None for source in found],
            "want_bytes": [row.bytes if row and hash_ else None for row, hash_ in zip(rows, hashing, strict=True)],
            "want_sha256": [row.sha256 if row and hash_ else None for row, hash_ in zip(rows, hashing, strict=True)],
        }
        for name in SOURCE_FACTS:
            columns[f"source_{name}"] = [getattr(source, name) if source else None for source in found]
        batches.append(pa.RecordBatch.from_pydict(columns, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def _folders_listed(root: Path, names: Sequence[str]) -> list[Entry]:
    """The listed names the walk went into as folders: what the walk's own comparison reports of
    them (it is given INDEX.md's sizes; this walk is not)."""
    found = []
    root_fd = open_dir(root)
    try:
        for name in names:
            try:
                os.close(open_beneath(root_fd, name, directory=True))
            except OSError:
                continue  # nothing there, or behind a link: missing
            found.append(Entry(name, "special", error="a folder where a file was expected"))
    finally:
        os.close(root_fd)
    return found


def _input_schema() -> pa.Schema:
    import pyarrow as pa

    fields = [
        pa.field("file", pa.string(), nullable=False),
        pa.field("hash", pa.bool_()),
        pa.field("parse", pa.bool_()),
        pa.field("want_bytes", pa.int64()),
        pa.field("want_sha256", pa.string()),
    ]
    return pa.schema(fields + [pa.field(f"source_{name}", pa.string()) for name in SOURCE_FACTS])


def output_schema(columns: Sequence[Column]) -> pa.Schema:
    """What the executors give per file: its fixity entry, whether it differs from INDEX.md, and its
    article row and lines (null and empty for a file that is only hashed)."""
    import pyarrow as pa

    lines = arrow_schema(tuple(c for c in columns if c.name != "file"))
    return pa.schema(
        [
            pa.field("file", pa.string(), nullable=False),
            pa.field("kind", pa.string()),
            pa.field("size", pa.int64()),
            pa.field("sha256", pa.string()),
            pa.field("error", pa.string()),
            pa.field("differs", pa.bool_()),
            pa.field("is_article", pa.bool_()),
            pa.field("article", pa.struct(list(arrow_schema(ARTICLES)))),
            pa.field("lines", pa.list_(pa.struct(list(lines)))),
        ]
    )


def _read_folder(
    spark: Any,
    root: str,
    todo: pa.Table,
    *,
    registry: Registry,
    settings: ParseSettings,
    max_bytes: int,
) -> Callable[[Sequence[Column]], Any]:
    """The executors' pass over a local folder's files, as a function of the paragraph columns."""
    from pyspark.sql.pandas.types import from_arrow_schema

    frame = spark.createDataFrame(todo)
    partitions = max(1, min(-(-todo.num_rows // FILES_PER_PARTITION), 4096))
    shared = spark.sparkContext.broadcast(registry)  # once, not once per task

    def read(columns: Sequence[Column]) -> Any:
        schema = output_schema(columns)
        task = functools.partial(
            read_partition, root=root, shared=shared, settings=settings, max_bytes=max_bytes, columns=tuple(columns)
        )
        return frame.repartition(partitions).mapInArrow(task, from_arrow_schema(schema, prefer_timestamp_ntz=True))

    return read


def read_partition(
    batches: Iterator[pa.RecordBatch],
    *,
    root: str,
    shared: Any,
    settings: ParseSettings,
    max_bytes: int,
    columns: tuple[Column, ...],
) -> Iterator[pa.RecordBatch]:
    """On an executor: each file of the batches opened beneath `root`, hashed and parsed."""
    registry: Registry = shared.value
    try:
        root_fd: int | OSError = open_dir(root)
    except OSError as exc:  # this executor cannot see the folder: every file's finding says so
        root_fd = OSError(exc.errno or errno.EIO, f"cannot open the corpus folder {root} on this executor")
    try:
        for batch in batches:
            out = []
            for item in batch.to_pylist():
                out.append(_one_file(item, root_fd, registry=registry, settings=settings, max_bytes=max_bytes))
            yield _output_batch(out, columns)
    finally:
        if isinstance(root_fd, int):
            os.close(root_fd)


#: (entry, differs, article or None, lines by column or None) of one file.
_Done = tuple[Entry, bool, dict[str, Any] | None, dict[str, list[Any]] | None]


def _one_file(
    item: dict[str, Any], root_fd: int | OSError, *, registry: Registry, settings: ParseSettings, max_bytes: int
) -> _Done:
    """Hash and parse one file; any exception is this file's finding (text.unreadable, fixity.readable)."""
    file = item["file"]
    source = Source(file, **{name: item[f"source_{name}"] for name in SOURCE_FACTS}) if item["parse"] else None
    try:
        entry, data = read_file(root_fd, file, limit=max_bytes)
    except Exception as exc:  # noqa: BLE001 - a bug or an executor surprise: this file's finding, not a failed job
        data = OSError(errno.EIO, f"{type(exc).__name__}: {exc}")
        entry = Entry(file, "unreadable", error=str(data.strerror))
    return _judged(item, entry, data, source, registry=registry, settings=settings)


def _judged(
    item: dict[str, Any],
    entry: Entry,
    data: bytes | OSError,
    source: Source | None,
    *,
    registry: Registry,
    settings: ParseSettings,
) -> _Done:
    """A file read on an executor: whether its entry differs from INDEX.md, and its parse."""
    want = None if item["want_bytes"] is None else (item["want_bytes"], item["want_sha256"])
    differs = bool(item["hash"]) and not matches(entry, want)
    if source is None:
        return entry, differs, None, None
    try:
        parsed = parse_read(source, data, registry=registry, settings=settings)
    except Exception as exc:  # noqa: BLE001 - parse_read never raises for data; a bug is this file's finding
        parsed = parse_read(
            source, OSError(errno.EIO, f"{type(exc).__name__}: {exc}"), registry=registry, settings=settings
        )
    lines = {name: list(getattr(parsed.lines, name)) for name in _line_names(tuple(PARAGRAPHS))}
    return entry, differs, parsed.article, lines


def read_file(root_fd: int | OSError, file: str, *, limit: int) -> tuple[Entry, bytes | OSError]:
    """One pass over `file` beneath the corpus: its entry as the walk gives it (size and sha256 of
    every byte), and its bytes when at most `limit` (else TooLargeError, as the parser's read)."""
    if isinstance(root_fd, OSError):
        return Entry(file, "unreadable", error=str(root_fd.strerror)), root_fd
    try:
        fd = open_beneath(root_fd, file)
    except OSError as exc:
        kind: Kind = "symlink" if exc.errno == errno.ELOOP else "unreadable"
        return Entry(file, kind, error=exc.strerror or str(exc)), exc
    try:
        try:
            check_regular(fd)
        except OSError as exc:
            return Entry(file, "special", error=exc.strerror or str(exc)), exc
        digest = hashlib.sha256()
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := os.read(fd, BUFFER):
                digest.update(chunk)
                size += len(chunk)
                if size <= limit:
                    chunks.append(chunk)
                elif chunks:
                    chunks = []  # over the limit: hashed, never kept
        except OSError as exc:
            return Entry(file, "unreadable", error=exc.strerror or str(exc)), exc
        entry = Entry(file, "file", size, digest.hexdigest())
        return entry, (b"".join(chunks) if size <= limit else TooLargeError(size, limit))
    finally:
        os.close(fd)


def _line_names(columns: tuple[Column, ...]) -> list[str]:
    return [c.name for c in columns if c.name != "file"]


def _output_batch(done: Sequence[_Done], columns: Sequence[Column]) -> pa.RecordBatch:
    """The executors' rows of a batch of files as one Arrow record batch (output_schema)."""
    import pyarrow as pa

    schema = output_schema(columns)
    line_columns = tuple(c for c in columns if c.name != "file")
    names = _line_names(tuple(columns))
    articles = record_batch([article or {} for _, _, article, _ in done], ARTICLES)
    mask = pa.array([article is None for _, _, article, _ in done], type=pa.bool_())
    article_type = schema.field("article").type
    article = pa.StructArray.from_arrays(articles.columns, fields=list(article_type), mask=mask)
    flat: dict[str, list[Any]] = {name: [] for name in names}
    offsets = [0]
    for _, _, _, lines in done:
        count = len(lines[names[0]]) if lines and names else 0
        for name in names:
            flat[name].extend(lines[name] if lines else ())
        offsets.append(offsets[-1] + count)
    values = column_batch(flat, line_columns)
    line_type = schema.field("lines").type
    struct = pa.StructArray.from_arrays(values.columns, fields=list(line_type.value_type))
    listed = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), struct, type=line_type)
    entries = [entry for entry, _, _, _ in done]
    return pa.RecordBatch.from_arrays(
        [
            pa.array([e.path for e in entries], type=pa.string()),
            pa.array([e.kind for e in entries], type=pa.string()),
            pa.array([e.size for e in entries], type=pa.int64()),
            pa.array([e.sha256 for e in entries], type=pa.string()),
            pa.array([e.error for e in entries], type=pa.string()),
            pa.array([d for _, d, _, _ in done], type=pa.bool_()),
            pa.array([a is not None for _, _, a, _ in done], type=pa.bool_()),
            article,
            listed,
        ],
        schema=schema,
    )


def _tables(fixity: FixityReport, read: Any, columns: Sequence[Column]) -> SparkTables:
    """The articles and paragraphs tables of the executors' pass, in file (then line) order.

    The pass runs in many small tasks (FILES_PER_PARTITION files each); the tables are read in a few
    per core: every check is one or more Spark jobs over them, and a job pays for each task it
    starts (at 1,000,000 files, 3,907 tasks a job kept an audit in the engines for over 17 minutes).
    """
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    cores = read.sparkSession.sparkContext.defaultParallelism
    compact = read.coalesce(max(1, cores * TASKS_PER_CORE))  # narrow: no shuffle, the cached blocks as they are
    articles = compact.where("is_article").select("article.*").orderBy("file")
    lines = compact.where("is_article").select("file", F.inline("lines"))
    paragraphs = lines.select([c.name for c in columns]).orderBy("file", "index")
    return SparkTables(fixity, articles, paragraphs, read)


def _read_uri(
    spark: Any,
    corpus: str,
    *,
    settings: ParseSettings,
    registry: Registry | None,
    max_bytes: int,
    lean: bool,
    strict: bool,
    require_index: bool,
) -> SparkTables:
    """A corpus on a store Spark reads (hdfs:, s3a:, viewfs:); see read_corpus.

    The files are Hadoop FileSystem's listing (every file, whatever its name); binaryFile reads
    them on the executors, and the ones it never yields (empty, or hidden by Spark's rule for
    names starting with "_") are read here, through the same FileSystem. A store has no links,
    FIFOs or devices to tell apart.
    """
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    base = corpus.rstrip("/")
    files = _binary(spark, base, recursive=True)
    root = _qualified(spark, base)
    files = files.withColumn("file", F.expr(f"substring(path, {len(root) + 2})"))
    try:
        seen = {r.file for r in files.select("file").collect()}
        names = list_files(spark, root)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - the listing runs here: an unreachable store or a refused path
        raise UsageError(f"{corpus}: cannot be listed by Spark: {first_line(exc)}") from None
    with tempfile.TemporaryDirectory(prefix="corpus-audit-metadata-") as folder:
        meta = fetch_metadata(spark, base, into=Path(folder))
        indexed = require_index or (meta / INDEX_NAME).exists()
        manifest = read_manifest(meta) if indexed else Manifest()
        registry = registry or load_registry(meta)
    listed = manifest.by_file()
    entries: list[Entry] = []
    for name in sorted(names):
        if not is_payload(name):
            continue
        problem = unsafe_name(name)
        entries.append(Entry(name, "unsafe", error=problem) if problem else Entry(name, "file"))
    present = {e.path for e in entries}
    hashed_paths = [e.path for e in entries if e.kind == "file"]
    unseen = read_unseen(spark, root, [name for name in hashed_paths if name not in seen], max_bytes=max_bytes)
    del seen, names
    todo = _todo(hashed_paths, listed, settings=settings, indexed=indexed)
    columns = VALIDATED["paragraphs"] if lean else PARAGRAPHS
    small = files.where(F.col("length") <= max_bytes).select("file", "content")  # the filter is pushed down
    large = files.where(F.col("length") > max_bytes).select(
        "file", F.col("length").alias("large_bytes"), F.sha2("content", 256).alias("large_sha256")
    )  # hashed in the JVM, never handed to Python whole
    if unseen:
        extra = spark.createDataFrame(unseen, UNSEEN_SCHEMA)
        small = small.unionByName(extra.where("content IS NOT NULL").select("file", "content"))
        large = large.unionByName(extra.where("large_sha256 IS NOT NULL").select("file", "large_bytes", "large_sha256"))
    from pyspark.sql.pandas.types import from_arrow_schema

    frame = spark.createDataFrame(todo)
    frame = frame.join(small, "file", "left").join(large, "file", "left")
    shared = spark.sparkContext.broadcast(registry)
    task = functools.partial(
        read_uri_partition, shared=shared, settings=settings, max_bytes=max_bytes, columns=tuple(columns)
    )
    partitions = max(1, min(-(-todo.num_rows // FILES_PER_PARTITION), 4096))
    del todo
    schema = from_arrow_schema(output_schema(columns), prefer_timestamp_ntz=True)
    read = frame.repartition(partitions).mapInArrow(task, schema).persist()
    hashed = [_entry(r) for r in read.where("differs").collect()]
    others = [entry for entry in entries if entry.kind != "file"]
    found = differing([*hashed, *others], Expected(listed), listed=listed, present=present)
    return _tables(fixity_report(base, manifest, found, strict=False, listed=listed), read, columns)


#: The files binaryFile never yields, read on the driver: their bytes, or over the limit their size and sha256.
UNSEEN_SCHEMA = "file string, content binary, large_bytes long, large_sha256 string"


def list_files(spark: Any, root: str) -> list[str]:
    """Every file beneath `root` (a qualified URI), relative to it: Hadoop FileSystem's recursive
    listing, which hides no name (Spark's own listing drops names starting with "_" or ".").

    The listing crosses from the JVM as one string (py4j would pay a round trip per file and per
    call), checked against the JVM's count; UsageError when a path is not under `root`.
    """
    jvm = spark._jvm
    path = jvm.org.apache.hadoop.fs.Path(root)
    system = path.getFileSystem(spark._jsc.hadoopConfiguration())
    statuses = jvm.org.apache.hadoop.util.functional.RemoteIterators.toList(system.listFiles(path, True))
    count = int(statuses.size())
    if not count:
        return []
    array_type = _java_class(spark, "[Lorg.apache.hadoop.fs.FileStatus;")
    typed = jvm.java.util.Arrays.copyOf(statuses.toArray(), count, array_type)
    del statuses
    paths = jvm.org.apache.hadoop.fs.FileUtil.stat2Paths(typed)  # getPath() of each: a status's toString may lack it
    del typed
    joined = _call_static(
        spark, "org.apache.commons.lang3.StringUtils", "join", ("[Ljava.lang.Object;", "java.lang.String"), paths, "\0"
    )
    found = str(joined).split("\0")
    if len(found) != count:  # a name with a NUL in it (no store we know allows one): one at a time
        found = [str(paths[at].toString()) for at in range(count)]
    prefix = root + "/"
    if stray := next((name for name in found if not name.startswith(prefix)), None):
        raise UsageError(f"{root}: Hadoop listed {stray}, which is not under {root}: give the corpus as Spark names it")
    return [name[len(prefix) :] for name in found]


def _java_class(spark: Any, name: str) -> Any:
    """The JVM's class of `name` (Class.forName's spelling: "[Lpkg.Name;" for an array of them)."""
    lang = spark._jvm.java.lang
    return lang.Class.forName(name, False, lang.Thread.currentThread().getContextClassLoader())


def _call_static(spark: Any, owner: str, method: str, types: Sequence[str], *args: Any) -> Any:
    """owner.method(*args), the method picked by its parameter `types` and called by reflection:
    py4j passes an array only to a parameter of exactly its type, where Java takes a Path[] for an
    Object[]."""
    gateway, lang = spark.sparkContext._gateway, spark._jvm.java.lang
    classes = gateway.new_array(lang.Class, len(types))
    for at, name in enumerate(types):
        classes[at] = _java_class(spark, name)
    values = gateway.new_array(lang.Object, len(args))
    for at, value in enumerate(args):
        values[at] = value
    return _java_class(spark, owner).getMethod(method, classes).invoke(None, values)


def read_unseen(spark: Any, root: str, names: Sequence[str], *, max_bytes: int) -> list[tuple[Any, ...]]:
    """The files beneath `root` binaryFile never yields, read here through Hadoop's FileSystem:
    (file, bytes, None, None), or over `max_bytes` (file, None, size, sha256) hashed in the JVM.
    A file that cannot be read is left out: the executors judge it as gone (unreadable or missing)."""
    rows: list[tuple[Any, ...]] = []
    for name in names:
        try:
            rows.append((name, read_from_store(spark, root, name, limit=max_bytes), None, None))
        except TooLargeError as large:
            try:
                rows.append((name, None, large.size, _store_sha256(spark, root, name)))
            except Exception:  # noqa: BLE001 - gone since, or refused: the executors say so
                continue
        except OSError:
            continue
    return rows


def _store_path(spark: Any, root: str, name: str) -> tuple[Any, Any]:
    """Hadoop's (FileSystem, Path) of `name` beneath `root`, a store's URI."""
    path = spark._jvm.org.apache.hadoop.fs.Path(f"{root.rstrip('/')}/{name}")
    return path.getFileSystem(spark._jsc.hadoopConfiguration()), path


def _store_sha256(spark: Any, root: str, name: str) -> str:
    """The sha256 of every byte of `name` beneath `root`, computed in the JVM (never handed to Python)."""
    system, path = _store_path(spark, root, name)
    stream = system.open(path)
    try:
        return str(spark._jvm.org.apache.commons.codec.digest.DigestUtils.sha256Hex(stream))
    finally:
        stream.close()


def read_from_store(spark: Any, root: str, name: str, *, limit: int) -> bytes:
    """The bytes of `name` beneath `root` (a store's URI), through Hadoop's FileSystem on the driver.
    OSError when it cannot be read, TooLargeError when it holds more than `limit` bytes. An empty
    file is never opened (a FIFO a mount of local folders shows as one would never end)."""
    try:
        system, path = _store_path(spark, root, name)
        size = int(system.getFileStatus(path).getLen())
        if size > limit:
            raise TooLargeError(size, limit)
        if size == 0:
            return b""
        stream = system.open(path)
        try:
            return bytes(spark._jvm.org.apache.commons.io.IOUtils.toByteArray(stream, size))
        finally:
            stream.close()
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - Hadoop's IOException (not found, refused) through py4j
        raise OSError(errno.EIO, f"{name}: cannot be read: {first_line(exc)}") from None


def read_uri_partition(
    batches: Iterator[pa.RecordBatch],
    *,
    shared: Any,
    settings: ParseSettings,
    max_bytes: int,
    columns: tuple[Column, ...],
) -> Iterator[pa.RecordBatch]:
    """On an executor: each file's bytes as binaryFile read them (or, over the limit, the JVM's
    sha256 of them), hashed and parsed."""
    registry: Registry = shared.value
    for batch in batches:
        out = []
        for item in batch.to_pylist():
            file, content = item["file"], item["content"]
            source = Source(file, **{n: item[f"source_{n}"] for n in SOURCE_FACTS}) if item["parse"] else None
            data: bytes | OSError
            if content is not None:
                data = bytes(content)
                entry = Entry(file, "file", len(data), hashlib.sha256(data).hexdigest())
            elif item["large_sha256"] is not None:
                entry = Entry(file, "file", item["large_bytes"], item["large_sha256"])
                data = TooLargeError(item["large_bytes"], max_bytes)
            else:  # not on the store (listed only), or gone since it was listed
                data = OSError(errno.ENOENT, os.strerror(errno.ENOENT))
                entry = Entry(file, "unreadable", error=str(data.strerror))
            out.append(_judged(item, entry, data, source, registry=registry, settings=settings))
        yield _output_batch(out, columns)


def _entry(row: Any) -> Entry:
    """A fixity entry from a row of the executors' pass."""
    return Entry(row.file, row.kind, row.size, row.sha256, row.error)


def _qualified(spark: Any, base: str) -> str:
    """The corpus URI as Spark's listing writes its paths (file:///x is file:/x)."""
    path = spark._jvm.org.apache.hadoop.fs.Path(base)
    try:
        qualified: str = path.getFileSystem(spark._jsc.hadoopConfiguration()).makeQualified(path).toString()
    except Exception as exc:  # noqa: BLE001 - an unknown scheme or host
        raise UsageError(f"{base}: cannot be reached by Spark: {first_line(exc)}") from None
    return qualified.rstrip("/")


def fetch_metadata(spark: Any, corpus: str, *, into: Path) -> Path:
    """Copy the metadata files at the top of a corpus Spark reads (INDEX.md, outlets.toml,
    corpus-audit.toml, WAIVERS.md) into the local folder `into`, so the local readers read them
    with their own rules and messages; UsageError naming the corpus when Spark cannot reach it."""
    base = corpus.rstrip("/")
    names = ",".join(sorted(METADATA_FILES))
    reader = spark.read.format("binaryFile").option("pathGlobFilter", f"{{{names}}}")
    try:
        rows = reader.load(base).where(f"length <= {INDEX_LIMIT}").select("path", "content").collect()
    except Exception as exc:  # noqa: BLE001 - no such path, an unknown scheme or host
        raise UsageError(f"{corpus}: cannot be read by Spark: {first_line(exc)}") from None
    for row in rows:
        name = str(row.path).rpartition("/")[2]
        if name in METADATA_FILES:
            (into / name).write_bytes(bytes(row.content))
    return into


def _binary(spark: Any, path: str, *, recursive: bool = False) -> Any:
    """binaryFile's DataFrame of `path`; UsageError naming it when Spark cannot reach it."""
    reader = spark.read.format("binaryFile")
    if recursive:
        reader = reader.option("recursiveFileLookup", "true")
    try:
        return reader.load(path)
    except Exception as exc:  # noqa: BLE001 - Spark's AnalysisException (no such path), a bad scheme or host
        raise UsageError(f"{path}: cannot be read by Spark: {first_line(exc)}") from None
