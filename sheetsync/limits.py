"""Every limit on what a returned file may make sheetsync do, in one place.

A returned file comes from outside the office, by e-mail. Whatever it holds, reading it must
stay within about 300 MB of memory and a few seconds for a file of up to :data:`MAX_FILE_SIZE`.
A filled form is well under 1 MB (the bundled form: ~20 KB as .xlsx, ~25 KB as .ods), so these
limits are far above any honest file and far below what would hurt the machine.
"""

from __future__ import annotations

MB = 1024 * 1024

# The file as sent -------------------------------------------------------------------------
#: Largest file read at all (checked on the file's real size before anything is parsed).
MAX_FILE_SIZE = 25 * MB

# Returns sent in a .zip (attached to an e-mail, or dropped into the inbox) -------------------
#: Entries a .zip of returns may hold; a zip with more is not opened (a school sends a few files).
MAX_ZIP_MEMBERS = 20
#: Bytes one spreadsheet may have when it comes by e-mail or in a zip (a filled form: ~20 KB).
MAX_RETURN_SIZE = 10 * MB
#: Bytes all the spreadsheets of one e-mail, or of one zip, may have together.
MAX_RETURNS_SIZE = 25 * MB

# Zip containers (.xlsx, .ods) -------------------------------------------------------------
#: Sum of the sizes the zip directory declares for its members.
MAX_TOTAL_UNCOMPRESSED = 200 * MB
#: Largest single member sheetsync inflates, counted on the bytes really inflated (a lying
#: header cannot raise it). A filled form's sheet is ~100 KB of XML.
MAX_MEMBER_INFLATED = 24 * MB
#: Sum of the bytes really inflated while reading one file.
MAX_TOTAL_INFLATED = 24 * MB
#: Spreadsheet XML compresses about 10-30x; deflate cannot exceed ~1030x, and ratios above
#: 200x only come from padding (runs of zeros), i.e. a crafted bomb.
MAX_COMPRESSION_RATIO = 200
#: Small members can have silly ratios legitimately (an empty sheet): only bigger ones are checked.
RATIO_CHECK_MIN_SIZE = 1 * MB
#: A workbook has a few dozen parts; thousands of members only serve to exhaust memory.
MAX_MEMBERS = 10_000
#: Metadata members read whole ([Content_Types].xml, mimetype, workbook.xml, manifest.xml …).
MAX_METADATA_SIZE = 1 * MB

# Cells ------------------------------------------------------------------------------------
#: Rows and columns of the hidden metadata sheet that are read (a form of ~500 locked cells
#: needs ~510 rows and 3 columns, and a row more for each cell issued with a value: a template
#: writes only the values that fit, :func:`sheetsync.template.stamp.issued_rows`).
META_ROWS = 5_000
META_COLUMNS = 3
#: Cells of the form sheet read beyond the template's own used range. Content there is a
#: finding; the margin is zero because nothing honest is ever stored outside the form.
FORM_MARGIN_ROWS = 0
FORM_MARGIN_COLUMNS = 0
#: Cells (each sheet's rows × columns as written) handed to the parser unclipped before the
#: sheets to be read are known; beyond it only the sheets read are kept (an honest form: ~600).
MAX_UNCLIPPED_CELLS = 1_000_000
#: Row and cell elements the clipping copy walks in one sheet that is read (the form sheet, the
#: metadata sheet) before the file is refused; each costs ~5 us, so this bounds the walk to ~0.5 s.
#: Only what lies within the sheet's bounds is walked, one element per row and cell, so honestly
#: written files stay far below: the bundled form holds ~400 (written by sheetsync or saved again by
#: Calc, .xlsx or .ods; Calc's trailing empty cells are one repeated element), its metadata ~350, and even
#: a metadata sheet filled to its 5,000 x 3 bounds would hold 20,000. Only cells written twice or
#: more at one place (which no program does) reach the limit. A sheet that is not read is never
#: walked nor refused for its size (it is emptied in the copy).
MAX_ELEMENTS = 100_000
#: Bytes of the workbook stream of a legacy .xls (all its sheets, strings and pictures; checked on
#: the bytes its sector chain holds, before calamine opens it). calamine holds about 4.5 times the stream
#: while it opens one (validate peaked at 117 MB for 8 MB of cell text, 205 MB for 20 MB); a filled
#: form's stream is ~50 KB.
MAX_XLS_STREAM = 8 * MB
#: Cells (rows × columns, from A1) a sheet of a legacy .xls may span, and all its sheets together:
#: BIFF cannot be clipped, and calamine materialises every sheet's whole rectangle when it opens the
#: file (a far cell at IV65536 costs ~1 GB; 100 sheets of 998,400 cells each, in a 10 KB file, 3 GB).
MAX_XLS_CELLS = 1_000_000
#: Strings in the shared string table of a legacy .xls: calamine makes one of each when it opens the file,
#: used or not (8 M empty ones in a 24 MB file took 411 MB); an honest form holds a few hundred.
MAX_XLS_STRINGS = 100_000
#: Sheets a legacy .xls may name (BOUNDSHEET records): calamine builds each name's sheet, so 900,000
#: names of one one-cell sheet (23 MB) cost 636 MB within the cell caps. Calc holds at most 10,000.
MAX_XLS_SHEETS = 10_000
#: Formula tokens of a legacy .xls walked (all sheets) to bound what calamine makes of them
#: (:mod:`sheetsync.formats.xls_formulas`); an honest form holds a few thousand.
MAX_XLS_FORMULA_TOKENS = 1_000_000
#: Bytes of formula text calamine may move while it spells the formulas of a legacy .xls (counted
#: as an upper bound per token; ~0.1 s). An honest form's formulas move a few hundred KB at most;
#: a 28 KB file of space tokens moved ~10^12 (37 s), a 66 KB one ran for minutes.
MAX_XLS_FORMULA_WORK = 1_000_000_000
#: CONTINUE records after the shared string table of a legacy .xls: calamine takes each off the front
#: of a list, so reading through n of them costs n² (250,000 empty ones in a 1 MB file: 32 s). Writers
#: fill each to 8,224 bytes, so a 24 MB table needs ~3,000.
MAX_XLS_CONTINUES = 10_000
#: Characters that cells may stand for beyond the bytes written: a shared string copied into each
#: cell using it (.xlsx; in .xls each LABELSST cell's string counts whole), a repeated cell or row,
#: ``<text:s text:c="N"/>`` spaces (.ods). calamine builds each copy (a 13 KB file asked for 10⁹
#: spaces); an honest form's repeats and shared strings add a few KB.
MAX_EXPANDED_TEXT = 16_000_000
#: Characters kept of one cell's text (Excel's own limit per cell).
MAX_CELL_TEXT = 32_767
#: Characters of a value that a message quotes (a teacher needs its start to find it).
MAX_SHOWN_TEXT = 200


# Rules ------------------------------------------------------------------------------------
#: Largest gap in a numbered sequence reported as missing rows (one finding naming them); a bigger jump
#: is one wrong number (a table of the form has a few dozen rows at most).
MAX_SEQUENCE_GAP = 100


# Sent mail --------------------------------------------------------------------------------------
#: Bytes one answer carrying the files of one message may have as sent (encoded attachments included),
#: by default: an office's is its own limit on a message it receives (``[imap] max_message_mb``, whose
#: default this is). Most mail servers refuse a message over 10-25 MB, so a joined answer (a .zip of many
#: files, each with its marked-up copy) attaches copies only while it stays below this, and names the
#: others (sheetsync.mailer._joined).
MAX_ANSWER_SIZE = MAX_RETURNS_SIZE

# Received mail ------------------------------------------------------------------------------
#: MIME parts one received message may have: an honest one has a handful (text, HTML, a few files);
#: each part costs the email package time and memory, and a sender chooses how many there are.
MAX_MIME_PARTS = 500
#: How deep multiparts may nest (a forwarded message inside a forwarded message: under 10). The email
#: package parses and walks the tree recursively: ~1,000 levels raise RecursionError.
MAX_MIME_DEPTH = 30
#: Spreadsheets (attachments and zip members) taken from one message: each may become a report or an
#: "unreadable file" answer to its sender, so one (possibly forged) message must not make hundreds.
MAX_FILES_PER_MESSAGE = 20
#: Lines shaped like header fields (``Name:``) in one received message, its parts' included: an honest
#: message has tens (a long chain of Received lines, a few hundred), and a text body few; each costs
#: the email package ~300 bytes and some time, and 12 MB of header took ~370 MB and 4 s to parse.
MAX_HEADER_LINES = 20_000
#: Bytes of a received message's own header that are read: its fields are cut to a few KB anyway
#: (sheetsync.mailer._headers.RECEIVED_HEADER_LIMIT), and only its first lines are looked at.
MAX_HEADER_BYTES = 256 * 1024
