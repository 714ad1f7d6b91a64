"""The monthly loop in one call: inbox → check each file once → reports, e-mails, store → set aside.

Per new file (by SHA-256 against the store): one pass of the pipeline, its reports, its e-mail
composed, then ONE transaction records its outcome, its data and its e-mails; only after that
commit is the file moved (``processed/``, or ``quarantine/`` with a ``.txt`` reason). A run killed
at any moment therefore leaves each file either in the inbox (and it is processed next time) or
recorded and set aside (or recorded and still in the inbox: the next run sets it aside as recorded,
under the name the store gives it and with its reason, without processing it again). E-mails are then written to the outbox folder from the store under names
fixed by their id, and sent from the store, each marked as it goes: each is queued once and sent
once across crashes and reruns. A file that fails in any way is that file's outcome; only a
failure of the office's own state (the store, the disk) stops the run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from .clock import Zone, clock_time
from .batch import Origins, note_senders
from .crashpoint import crash_point
from .errors import MasterWriteError, NotAFileError, OutputError
from .files import open_regular
from .mailer import MailConfig, SendResult, SmtpMailer, compose_digest, wire_bytes
from .master.model import MergeResult, Outcome
from .messages import both
from .office import answered
from .office.again import answer_again, sent_as
from .office.answering import report_names, reports_and_mail, write_summaries
from .office.arriving import Arrivals
from .office.dropped import against_the_store
from .office.unfilled import tell_as_issued
from .office.inbox import SETTLE_SECONDS, SetAside, inbox_files, open_in_calc, recipient_in_name, set_aside, set_aside_late, settled
from .office.listed import REPLACED, Listed
from .office.legacy import import_legacy
from .office.digested import NO_DIGEST, Undigested, mark_listed as files_listed, undigested as undigested_files
from .office.lock import run_lock
from .office.mailbox import mark_digested, undigested
from .office.held import hold_invitations
from .office.outbox import count_others, flush_outbox, send_from_store, send_others, take_sent_by_hand
from .office.record import QUARANTINE, disposition_of, name_as_kept, record_file
from .office.store import Store
from .office.superseded import move_aside
from .office.waivers import school_names
from .office.unzipping import ZIP, unpack_zips
from .office.stuck import Stuck, mark_listed, not_read_lines, tally
from .office.owing import not_received
from .office.rekey import rekey_periods
from .office.rostered import mailed_by, sender_school, take_roster
from .office.renaming import readable_names
from .office.view import ViewResult, check_view_path, not_refreshed, render_view, settings_newer, store_beside
from .pipeline import FileResult, check_file
from .roster import Recipient, require_schools, safe_filename
from .limits import MAX_ANSWER_SIZE
from .zipped import ZipLimits

PROCESSED = "processed"
LOG = logging.getLogger("sheetsync")


@dataclass
class SyncResult:
    """What one sync did."""

    new: list[Path] = field(default_factory=list)
    #: Of ``new``, the files a restore put back (received by the store since lost): read again, not sent again.
    reread: list[Path] = field(default_factory=list)
    already_seen: list[Path] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)  # still being written: left for the next run
    checked: list[FileResult] = field(default_factory=list)
    merge: MergeResult | None = None
    queued: list[Path] = field(default_factory=list)
    sent: SendResult | None = None
    moved: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    view: ViewResult | None = None
    not_read: dict[str, str] = field(default_factory=dict)  # file name → why the file system kept it from being read
    #: .zip files of the inbox refused, whole or in part (set aside in quarantine with the reason).
    zips_refused: list[Path] = field(default_factory=list)
    stuck: list[Stuck] = field(default_factory=list)  # those not read for STUCK_RUNS runs in a row: a failed run
    #: The office's own files were not all written (the master view, the outbox's e-mails): a failed
    #: run, whose store is complete; the next run writes them.
    unfinished: bool = False
    #: Files recorded by an earlier run that queued no digest (killed, a full disk), listed by this run's.
    earlier: list[Undigested] = field(default_factory=list)

    def outcomes(self) -> list[Outcome]:
        """The outcome of every new file."""
        return self.merge.outcomes if self.merge else []


@dataclass(frozen=True)
class SyncOptions:
    """How a sync runs (the office's configuration supplies these)."""

    settle: float = SETTLE_SECONDS
    mark_valid: bool = False
    period: str | None = None
    processed: Path | None = None
    quarantine: Path | None = None
    wait: float = 5.0
    log: Path | None = None
    store: Path | None = None  # default: the master's stem + .sqlite beside it
    #: When to render the master view after the run: "always", "never", or "auto" — when the store
    #: holds at most RENDER_AUTO_KEYS keys (a bigger view costs more than a run of new files:
    #: render it with ``sheetsync master`` when it is wanted).
    view: str = "auto"
    #: Recipient ids that get a chart of their own in the view (charts are per project otherwise).
    school_charts: tuple[str, ...] = ()
    zone: Zone = None  # the office's time zone (None: this computer's): every time shown is in it
    office: str = ""  # the office's name: it heads the view's sheets and prints on its pages
    zips: ZipLimits = ZipLimits()  # what one .zip dropped into the inbox may bring (as one attached to an e-mail)
    settings: Path | None = None  # the office's sheetsync.toml: changed since the view was rendered, it is due
    answer_size: int = MAX_ANSWER_SIZE  # most bytes of one answer to a message's files: the office's max_message_mb


#: Up to this many keys, "auto" renders the view after every run that changed something (~1 s
#: per 1,000 keys as .xlsx).
RENDER_AUTO_KEYS = 5_000


def sync(inbox: Path, master: Path, *, report_dir: Path, config: MailConfig | None = None,
         roster: Iterable[Recipient] | None = None, send: bool = False, today: dt.date | None = None,
         forms_dirs: Iterable[Path] = (), progress: Callable[[Path], None] | None = None,
         options: SyncOptions = SyncOptions(), origins: Origins | None = None,
         undelivered: Iterable[str] = ()) -> SyncResult:
    """Process every new file of ``inbox`` into the store beside ``master`` and render the view.

    :param config: when given (and it has a From address), one e-mail per readable submission (one
        per fetched message for its files: office/joining.py) plus a digest are queued; with ``send``
        they are then delivered over SMTP.
    :param roster: who must report; kept in the store until another is given.
    :raises RosterError: ``roster`` lists no school (it would mark every school as left).
    :param today: only sets the default period (its month) when ``options.period`` is not given.
    :param progress: called once per file checked (a progress bar).
    :param origins: the message that brought a file, for files fetched from the mailbox
        (:class:`sheetsync.fetch_step.FetchStep`): its report then answers that message's sender
        in the thread, and a sender who is not the school's roster address is a warning.
    :param undelivered: whom the office's e-mail did not reach (the fetch read it from bounces):
        the digest lists them, and is sent for them even when no file came.
    :raises OfficeBusyError: another run holds the office for longer than ``options.wait``.
    :raises StoreError, OutputError, MasterWriteError: the office's own state failed (run stopped).

    Example::

        sync(Path("inbox"), Path("master.xlsx"), report_dir=Path("reports"), config=MailConfig.from_env())
    """
    check_view_path(master)
    # An empty roster would mark every school as left: refused before anything is taken, as the commands do.
    listed = None if roster is None else require_schools(list(roster))
    result = SyncResult()
    period = options.period or (today.strftime("%Y-%m") if today else None)
    mover = SetAside(options.processed or inbox / PROCESSED, options.quarantine or inbox / "quarantine")
    handler = _log_to(options.log or master.parent / "sheetsync.log")
    try:
        with Store(options.store or store_beside(master)) as store, \
                run_lock(store, "sync", options.wait, options.zone) as run_id:
            changed = import_legacy(store, master)
            changed = rekey_periods(store, forms_dirs) > 0 or changed  # before any file is compared with them
            mover.reserve(store.names_not_set_aside())
            if listed is not None:
                changed = take_roster(store, listed, result.problems) or changed
            people = store.roster()
            result.problems += readable_names(inbox, options.settle)  # before any name is looked at, zips' too
            _unpack(store, inbox, mover, options, result)
            if config is not None:  # an answer the clerk sent by hand is not joined by a file of its message
                take_sent_by_hand(store, config.outbox)
            outcomes, strangers = _process(store, run_id, inbox, report_dir, config, people, forms_dirs, progress,
                                           options, result, mover, origins)
            move_aside(store, report_dir)  # earlier files' reports this run's made out of date (or a run's before)
            result.stuck = tally(store, result.not_read)
            result.problems += not_read_lines(result.not_read, result.stuck, options.zone)
            if result.checked:
                _write_summaries(result, report_dir, school_names(store))
            kept = undigested(store)  # bounces fetched into this store, this run's or a run's that stopped
            lost = list(dict.fromkeys([*undelivered, *(line for _, line in kept)]))
            fresh = [s for s in result.stuck if not s.listed]
            quiet = answered.withheld(store)  # addresses not answered (too many answers a day), not digested yet
            waiting = undigested_files(store)  # this run's files, and those of a run killed before its digest
            result.earlier = [w for w in waiting if w.run_id != run_id]
            rereads = [*result.reread, *(w.file.path for w in result.earlier if w.reread)]
            # Files only read again after a restore were in the lost store's digests already: no digest for them alone
            if config is not None and config.from_addr and (len(result.checked) + len(result.earlier) > len(rereads)
                                                            or lost or fresh or quiet):
                missing, unsent, owing = not_received(store, people, forms_dirs, period, options.zone)
                digest = compose_digest([*(c.result for c in result.checked), *(w.file for w in result.earlier)],
                                        people, config, strangers=strangers, reread=rereads,
                                        undelivered=lost, missing=missing, missing_period=unsent, withheld=quiet,
                                        owing=[o.row() for o in owing],
                                        stuck=[(s.name, clock_time(s.since, options.zone), s.reason) for s in fresh])
                with store.transaction():
                    store.queue_mail(None, run_id, "digest", wire_bytes(digest))
                    mark_digested(store, [message_id for message_id, _ in kept], run_id)
                    mark_listed(store, [s.name for s in fresh], run_id)
                    answered.mark_digested(store, run_id)
                    files_listed(store, [w.outcome_id for w in waiting], run_id)
            elif waiting:  # no digest is due (no mail; only files read again): none will list these
                with store.transaction():
                    files_listed(store, [w.outcome_id for w in waiting], NO_DIGEST)
                result.earlier = []
            if config is not None:
                _mail(store, config, send, result, options.settings)
            result.merge = MergeResult(master, outcomes, written=False)
            due = changed or any(o.result in ("merged", "replaced") for o in outcomes) or \
                store.view_is_stale(master) or not master.exists() or settings_newer(store, master, options.settings)
            if due and not _render_now(store, options.view):  # why: the office asked so, or the view is large
                code = "sync.not-rendered-never" if options.view == "never" else "sync.not-rendered"
                result.problems.append(both(code, master=master.name, limit=f"{RENDER_AUTO_KEYS:,}"))
            elif due:
                try:
                    result.view = render_view(store, master, period=period, forms_dirs=tuple(forms_dirs),
                                              school_charts=options.school_charts, zone=options.zone,
                                              office=options.office)
                except MasterWriteError as exc:
                    # Open in Excel, say: the view is marked stale in the store, so the next run renders it
                    # (due for a new roster too, which the next run will not see as a change)
                    store.mark_view_stale(master)
                    result.problems.append(not_refreshed(master, exc))
                    result.unfinished = True
                else:
                    result.merge = MergeResult(master, outcomes, written=True, backup=result.view.backup,
                                               kept_aside=result.view.kept_aside)
    finally:
        LOG.removeHandler(handler)
        handler.close()
    result.moved, result.problems = mover.moved, mover.problems + result.problems
    return result


def _mail(store: Store, config: MailConfig, send: bool, result: SyncResult, settings: Path | None) -> None:
    """Write the queued e-mails into the outbox folder and, with ``send``, deliver them. An outbox
    that refuses them is a line and a failed run, not a stopped one: the e-mails stay queued in the
    store (the next run writes them), and the clerk still sees what this run did (``settings``: the office's)."""
    try:
        result.queued = flush_outbox(store, config.outbox)
        if send:  # a template queued for an address the roster no longer gives is not sent there
            result.problems += hold_invitations(config.outbox, store.roster(), store.roster_left(), settings=settings)
    except OutputError as exc:
        result.problems.append(both("sync.outbox-not-written", th=exc.th, en=exc))
        result.unfinished = True
        return
    if send and (store.mails("sent") or _others_waiting(store, config.outbox)):
        with SmtpMailer(config) as mailer:
            result.sent = send_from_store(store, config.outbox, mailer)
            # and what others put in the outbox folder (answers of the mailbox fetch, invitations)
            if result.sent.stopped:  # the server cannot be used: not tried again, counted
                result.sent.not_tried += count_others(store, config.outbox)
            else:
                result.sent.add(send_others(store, config.outbox, mailer))


def _write_summaries(result: SyncResult, report_dir: Path, names: dict[str, str]) -> None:
    """The batch's summary.xlsx and .csv (:func:`write_summaries`), each school named as in ``names``; what
    could not be written is a problem line, not a stopped run: the e-mails queued already must go out."""
    result.problems += write_summaries([c.result for c in result.checked], report_dir, result.reread, names)


def _others_waiting(store: Store, folder: Path) -> bool:
    known = store.written_names()
    return folder.is_dir() and any(p.name not in known for p in folder.glob("*.eml"))


def _render_now(store: Store, when: str) -> bool:
    if when in ("always", "never"):
        return when == "always"
    return int(store.query("SELECT COUNT(*) FROM current")[0][0]) <= RENDER_AUTO_KEYS


def _unpack(store: Store, inbox: Path, mover: SetAside, options: SyncOptions, result: SyncResult) -> None:
    """Unpack the inbox's .zip files into it (webmail's "download all"), before it is read."""
    unpacked = unpack_zips(inbox, store, mover, limits=options.zips, settle=options.settle)
    result.waiting += unpacked.waiting
    result.not_read.update(unpacked.not_read)
    result.problems += unpacked.problems
    result.zips_refused += unpacked.refused


def _process(store: Store, run_id: int, inbox: Path, report_dir: Path, config: MailConfig | None,
             people: list[Recipient], forms_dirs: Iterable[Path], progress: Callable[[Path], None] | None,
             options: SyncOptions, result: SyncResult, mover: SetAside,
             origins: Origins | None) -> tuple[list[Outcome], list[tuple[str, str]]]:
    dirs = tuple(forms_dirs)
    taken: set[str] = set()
    outcomes: list[Outcome] = []
    strangers: list[tuple[str, str]] = []
    arrivals = Arrivals(store)
    for path in inbox_files(inbox, result.problems, result.not_read):
        if path.suffix.lower() == ZIP:  # unpacked by _unpack; one still there waits, or could not be moved
            continue
        fetched = origins is not None and origins(path) is not None  # written whole by our own fetch
        if open_in_calc(path):  # read once the clerk (or whoever) closes it
            result.waiting.append(path)
            result.problems.append(both("sync.open-in-calc", file=path.name))
            continue
        try:
            if not fetched and not settled(path, options.settle):
                result.waiting.append(path)
                continue
        except OSError as exc:  # gone, or not ours to look at: counted as not read (stuck, run after run)
            result.not_read[path.name] = str(exc.strerror or exc)
            continue
        opened = _open_listed(path, result)
        if opened is None:
            continue
        with opened:  # hashed and checked through this one open file: the bytes checked are those listed
            listed = Listed.of(opened)
            seen = store.seen(listed.sha256)
            item = None if seen is not None else check_file(path, forms_dirs=dirs, sha256=listed.sha256,
                                                             stream=opened)
            # Bytes refused before may be where a copy under way stands (every copy starts empty):
            # such a file waits as any incomplete file does, before it is set aside as received.
            early = seen == QUARANTINE and not fetched and store.not_set_aside(listed.sha256) is None and \
                check_file(path, forms_dirs=dirs, sha256=listed.sha256, stream=opened).incomplete
        if early and arrivals.still_arriving(path.name, listed):
            result.waiting.append(path)
            result.problems.append(both("sync.arriving", file=path.name))
            continue
        if item is None:  # the store has these bytes (``seen`` says where they went)
            result.already_seen.append(path)
            if not set_aside_late(store, mover, path, listed):
                answer_again(store, run_id, path, listed.sha256, config,
                             origins(path) if origins is not None else None, options.zone, options.answer_size)
                mover.move(path, seen or "processed", "already received", listed=listed)
            continue
        if not item.retry and not listed.still_at(path):
            item.retry = REPLACED  # renamed, replaced or written to: read again under what is there then
        if item.retry:  # not its bytes' doing: nothing is recorded, so these bytes are read again next run
            result.not_read[path.name] = item.retry
            continue
        if item.incomplete and not fetched and arrivals.still_arriving(path.name, listed):
            result.waiting.append(path)  # a copy may have paused: not refused, nothing recorded or sent yet
            result.problems.append(both("sync.arriving", file=path.name))
            continue
        result.new.append(path)
        if item.report is not None and not tell_as_issued(item):  # as issued: told so alone (office/unfilled.py)
            item.report.findings += against_the_store(store, item, options.zone)  # what it lacks or cannot replace
        origin = origins(path) if origins is not None else None  # path is still the file read (still_at)
        if origins is not None:  # before the reports: a sender who is not the school's is a warning in them
            strangers += note_senders([item], people, lambda _: origin)
        if origin is not None:  # its answer names it as sent, not as the inbox saved it beside a namesake
            name_as_kept(item, sent_as(store, origin.message_id, listed.sha256, path.name))
        # The name history and the view show, also its reports' name: a school whose file comes as
        # "report.xlsx" every month has this month's kept as "report-2.xlsx", its reports beside last month's
        disposition = disposition_of(item)
        kept_as = mover.name_for(path, disposition)
        stems = report_names(safe_filename(Path(kept_as).stem), taken, report_dir)
        mails, answer, joining = reports_and_mail(item, report_dir, stems, config, people, options.mark_valid,
                                                  result.problems, origin, mover.folder(disposition) / kept_as,
                                                  answer_size=options.answer_size)
        if disposition_of(item) != disposition:  # sheetsync failed on it while reporting: set aside instead
            kept_as = mover.name_for(path, disposition_of(item))
        hint = "" if item.readable else recipient_in_name(path.name, people) or sender_school(origin, people, store)
        # Named as kept from here on (the school's e-mail, composed above, keeps the name it sent): the
        # outcome on screen, its detail, the note beside it in quarantine/, the digest and summaries
        name_as_kept(item, kept_as)
        recorded = record_file(store, item, run_id=run_id, name=kept_as, mails=mails, recipient_hint=hint,
                               sent_by=mailed_by(origin, people), size=listed.size, zone=options.zone,
                               answer=answer, joining=joining)
        crash_point("file-recorded")
        outcomes.append(recorded.outcome)
        if recorded.reread:
            result.reread.append(item.path)
        set_aside(store, mover, path, listed, (kept_as, recorded.disposition, recorded.reason))
        item.slim()  # the data is in the store now: keep memory flat over a large inbox
        result.checked.append(item)
        if progress is not None:
            progress(path)
    arrivals.forget_others([*(p.name for p in result.waiting), *result.not_read])
    return outcomes, strangers


def _open_listed(path: Path, result: SyncResult) -> BinaryIO | None:
    """``path`` opened for reading, never through a link (None, with the reason noted, otherwise).

    Anyone who can write the inbox can put a link (to the office's key, its store, a system file)
    or a pipe (which would block the run) under a listed name after the listing: such an entry is
    passed over like a link found by the listing, and stays where it is."""
    try:
        return open_regular(path, follow_links=False)
    except NotAFileError as exc:
        result.problems.append(both("sync.not-a-file", file=path.name, kind=exc.kind))
    except OSError as exc:  # gone, locked meanwhile, or not ours to read
        result.not_read[path.name] = str(exc.strerror or exc)
    return None


def _log_to(path: Path) -> logging.Handler:
    """Tracebacks of internal errors go to the office's log file (created only when written to).

    A file name Python could not decode (its bytes kept as escapes, outside UTF-8 mode) is written
    escaped: the line that says which file failed must not fail itself."""
    handler = logging.FileHandler(path, encoding="utf-8", errors="backslashreplace", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    LOG.addHandler(handler)
    return handler

