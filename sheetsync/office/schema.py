"""The store of record's schema, as the steps that create and upgrade it (one per ``PRAGMA user_version``).

A step is never changed once released: an office's store is upgraded in place by the steps after
its version (:meth:`sheetsync.office.store.Store._migrate`), each in one transaction.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (id INTEGER PRIMARY KEY, command TEXT NOT NULL, pid INTEGER, host TEXT,
                       started_at TEXT NOT NULL, finished_at TEXT);
    CREATE TABLE files (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, size INTEGER, received_at TEXT NOT NULL,
                        run_id INTEGER, outcome_id INTEGER, disposition TEXT NOT NULL);
    CREATE TABLE submissions (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, form_id TEXT NOT NULL,
                              form_version TEXT, template_id TEXT, recipient TEXT NOT NULL, key TEXT NOT NULL,
                              issued_at TEXT, received_at TEXT NOT NULL, file TEXT NOT NULL, data TEXT NOT NULL,
                              warnings TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX submissions_by_key ON submissions (form_id, key, recipient, id);
    CREATE TABLE current (form_id TEXT NOT NULL, key TEXT NOT NULL, recipient TEXT NOT NULL,
                          submission_id INTEGER NOT NULL REFERENCES submissions (id),
                          PRIMARY KEY (form_id, key, recipient));
    CREATE TABLE outcomes (id INTEGER PRIMARY KEY, sha256 TEXT, file TEXT NOT NULL, received_at TEXT NOT NULL,
                           run_id INTEGER, result TEXT NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL,
                           form_id TEXT, form_version TEXT, template_id TEXT, recipient TEXT, key TEXT,
                           submission_id INTEGER, changes TEXT NOT NULL DEFAULT '[]', errors INTEGER DEFAULT 0);
    CREATE INDEX outcomes_by_sha ON outcomes (sha256);
    CREATE INDEX outcomes_by_recipient ON outcomes (recipient, id);
    CREATE TABLE roster (position INTEGER PRIMARY KEY, recipient_id TEXT NOT NULL UNIQUE, school TEXT,
                         email TEXT, project_code TEXT, extra TEXT NOT NULL DEFAULT '{}');
    CREATE TABLE outbox (id INTEGER PRIMARY KEY, sha256 TEXT, run_id INTEGER, name TEXT NOT NULL,
                         message BLOB NOT NULL, queued_at TEXT NOT NULL, written_at TEXT, written_path TEXT,
                         sent_at TEXT);
    CREATE TABLE views (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, rendered_at TEXT NOT NULL,
                        outcome_id INTEGER NOT NULL DEFAULT 0);
    """,
    # 2: messages fetched from the office's mailbox, and the files each brought (office/mailbox.py).
    """
    CREATE TABLE messages (message_id TEXT PRIMARY KEY, sender TEXT NOT NULL, sender_name TEXT NOT NULL DEFAULT '',
                           subject TEXT NOT NULL DEFAULT '', date TEXT NOT NULL DEFAULT '',
                           refs TEXT NOT NULL DEFAULT '', refused TEXT NOT NULL DEFAULT '[]',
                           others TEXT NOT NULL DEFAULT '[]', replied INTEGER NOT NULL DEFAULT 0,
                           fetched_at TEXT NOT NULL, run_id INTEGER);
    CREATE TABLE message_files (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL REFERENCES messages (message_id),
                                sha256 TEXT NOT NULL, filename TEXT NOT NULL, path TEXT NOT NULL, size INTEGER,
                                UNIQUE (message_id, sha256));
    CREATE INDEX message_files_by_sha ON message_files (sha256, id);
    """,
    # 3: a bounce's failed school address, kept until the digest of a run lists it (office/mailbox.py).
    """
    ALTER TABLE messages ADD COLUMN undelivered TEXT NOT NULL DEFAULT '';
    ALTER TABLE messages ADD COLUMN digest_run INTEGER
    """,
    # 4: inbox files the file system kept from being read, run after run (office/stuck.py).
    """
    CREATE TABLE stuck_files (name TEXT PRIMARY KEY, first_at TEXT NOT NULL, runs INTEGER NOT NULL,
                              reason TEXT NOT NULL, digest_run INTEGER)
    """,
    # 5: when a recorded file was moved out of the inbox, and the note a quarantined one gets: a file
    # recorded but not moved (a move refused, a run killed) is set aside by the next run as recorded.
    # Files recorded before are taken as set aside (they were, or are "already received" as before).
    """
    ALTER TABLE files ADD COLUMN reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE files ADD COLUMN set_aside_at TEXT;
    UPDATE files SET set_aside_at = received_at
    """,
    # 6: a message a machine or a list sent (mailer/_reply.py is_robot_or_list): the report on its file
    # goes to the school's roster address, never back to its sender. Older messages count as a person's.
    """
    ALTER TABLE messages ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0
    """,
    # 7: inbox files that end early and may still be arriving, as last seen (office/arriving.py).
    """
    CREATE TABLE arriving_files (name TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                                 inode INTEGER NOT NULL, first_at REAL NOT NULL, still_since REAL NOT NULL)
    """,
    # 8: every automatic answer to a fetched message, sent or withheld, and when (office/answered.py): at
    # most so many answers to one address a day (RFC 3834 §2), whatever its mail says of itself.
    """
    CREATE TABLE answers (id INTEGER PRIMARY KEY, address TEXT NOT NULL, message_id TEXT NOT NULL,
                          kind TEXT NOT NULL, sha256 TEXT NOT NULL DEFAULT '', at TEXT NOT NULL, run_id INTEGER,
                          withheld INTEGER NOT NULL DEFAULT 0, digest_run INTEGER);
    CREATE INDEX answers_by_address ON answers (address, at)
    """,
    # 9: each recipient taken off the roster (closed, merged into another), as the roster last listed it
    # (office/store.py set_roster): its data stays the record, shown under its last known name. A school
    # taken off before this step left nothing to name it by.
    """
    CREATE TABLE roster_left (recipient_id TEXT PRIMARY KEY, school TEXT NOT NULL DEFAULT '',
                              email TEXT NOT NULL DEFAULT '', project_code TEXT NOT NULL DEFAULT '',
                              extra TEXT NOT NULL DEFAULT '{}', left_at TEXT NOT NULL)
    """,
    # 10: the mails a restore took back from the outbox folder (office/outbox.py adopt_from_disk, no run),
    # by the file each answered, and its polite replies by the message each answered: a file read again
    # or a message fetched again after the restore is not answered twice.
    """
    CREATE INDEX outbox_adopted_by_sha ON outbox (sha256) WHERE run_id IS NULL AND sha256 IS NOT NULL;
    CREATE INDEX answers_adopted_by_message ON answers (message_id) WHERE run_id IS NULL
    """,
    # 11: the files a restore put back into the inbox (office/restore.py), received once by the store since
    # lost: read again, each is said to be (the run's table, its detail, the digest), not taken for a new one;
    # and a mail taken back that names no file (an older sheetsync's report), found by name (outbox.answered_alike).
    """
    CREATE TABLE put_back (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, backup TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX outbox_adopted_unnamed ON outbox (name) WHERE run_id IS NULL AND sha256 IS NULL
    """,
    # 12: which digest listed each file a sync recorded (office/digested.py), and its warnings (the digest
    # counts them): a run killed, or stopped by a full disk, before it queued its digest leaves its files to
    # the next run's. Files recorded before this step were digested (or never will be): 0, no run.
    """
    ALTER TABLE outcomes ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outcomes ADD COLUMN digest_run INTEGER;
    UPDATE outcomes SET digest_run = 0;
    CREATE INDEX outcomes_undigested ON outcomes (id) WHERE digest_run IS NULL
    """,
    # 13: every spreadsheet the office mailed (a report's marked-up copy), by its hash (mailer/_sent.py): a
    # school forwarding the report mails it back unchanged, and it is no return. Mails queued before this
    # step are not listed (their copies, mailed back, are read as before).
    """
    CREATE TABLE sent_files (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, at TEXT NOT NULL)
    """,
    # 14: a project's remaining months waived by the clerk (office/waivers.py, ``sheetsync waive``): who,
    # when and why, and, once undone, who undid it and when (the row stays: the record keeps both).
    """
    CREATE TABLE waivers (id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, code TEXT NOT NULL,
                          reason TEXT NOT NULL DEFAULT '', waived_by TEXT NOT NULL DEFAULT '', waived_at TEXT NOT NULL,
                          undone_by TEXT, undone_at TEXT);
    CREATE INDEX waivers_by_code ON waivers (code, recipient, id)
    """,
    # 15: the reports each file's check wrote into reports/ (by name, owned by the outcome that wrote it
    # last), and those a newer file of the same school and key made out of date, to be moved into
    # reports/old/ (office/superseded.py): a clerk opening reports/ sees each school's current state.
    # Reports written before this step are not listed (they stay where they are).
    """
    CREATE TABLE report_files (name TEXT PRIMARY KEY COLLATE NOCASE, outcome_id INTEGER NOT NULL,
                               aside INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX report_files_by_outcome ON report_files (outcome_id);
    CREATE INDEX report_files_aside ON report_files (name) WHERE aside = 1
    """,
    # 16: the answers to the files of one fetched message, carried by one e-mail (office/joining.py): each
    # file's answer keeps its row (its file, its own e-mail as composed), ``part`` its section of the joined
    # one, ``joins`` what answers to join it with (the message and its addressees), ``carried_by`` the row
    # of the e-mail that carries it. Mails queued before this step are each their own e-mail.
    """
    ALTER TABLE outbox ADD COLUMN joins TEXT;
    ALTER TABLE outbox ADD COLUMN part TEXT;
    ALTER TABLE outbox ADD COLUMN carried_by INTEGER;
    CREATE INDEX outbox_to_join ON outbox (joins) WHERE written_at IS NULL AND joins IS NOT NULL;
    CREATE INDEX outbox_carried ON outbox (carried_by) WHERE carried_by IS NOT NULL
    """,
    # 17: the month of the report each file read brought (its table's latest date, office/asof.py): a
    # refused file keeps no data, and a past month's view dates it as it dates an accepted one. Files
    # recorded before this step are dated by the month they came.
    """
    ALTER TABLE outcomes ADD COLUMN month TEXT NOT NULL DEFAULT ''
    """,
    # 18: the roster school whose address mailed a file that names no school (its identity not signed
    # by the office's key: the school written in it is not believed), as that address alone names it:
    # ``history --recipient`` lists the file under it, and its reports leave reports/ once that school's
    # file passes (office/superseded.py). Files recorded before this step, and files dropped into the
    # inbox (no sender), stay nobody's.
    """
    ALTER TABLE outcomes ADD COLUMN sent_by TEXT NOT NULL DEFAULT '';
    CREATE INDEX outcomes_by_sender ON outcomes (sent_by, id) WHERE sent_by != ''
    """,
)
