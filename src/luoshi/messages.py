"""The message catalogue: every sentence luoshi says to a user from below the web layer (store and
command-line failures, reasons an input was rejected, warnings about an input that was kept, the
ledger's status reasons and import messages). Chinese (zh-CN) by default, English when
``LUOSHI_LANG=en`` or after ``set_language("en")``. Each key holds (zh, en) templates formatted with
``str.format``. This module imports nothing of luoshi, so every layer may use it; the web pages'
words are here too (``luoshi.web.i18n`` only looks them up), so one sentence is written once."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

MESSAGES: dict[str, tuple[str, str]] = {
    # The store cannot be used (luoshi exits with status 4, or 5 when it stays locked).
    "db_missing": (
        "数据库 {db} 不存在：只读命令不会新建数据库，请检查 --db 路径，或先用 luoshi ingest 建库。",
        "The database {db} does not exist: commands that only read never create one; check --db, "
        "or create it with luoshi ingest.",
    ),
    "db_not_luoshi": (
        "{db} 中没有落实的数据（空文件或其他程序的数据库），只读命令不会在其中建库。",
        "{db} holds no luoshi data (an empty file or another program's database); commands that only "
        "read never create a store in it.",
    ),
    "db_dir_missing": (
        "无法在 {dir} 中建立数据库：该目录不存在，请先创建目录或改用其他 --db 路径。",
        "Cannot create the database in {dir}: the folder does not exist; create it or choose another --db.",
    ),
    "db_dir_unwritable": (
        "无法在 {dir} 中建立数据库：没有写入该目录的权限。",
        "Cannot create the database in {dir}: no permission to write in that folder.",
    ),
    "db_is_directory": (
        "--db 指向的 {db} 是一个目录，请给出数据库文件的路径（例如 {db}/luoshi.db）。",
        "--db names {db}, a folder; give the path of a database file (e.g. {db}/luoshi.db).",
    ),
    "db_unreadable": (
        "无法读取数据库 {db}：没有读取权限。",
        "Cannot read the database {db}: permission denied.",
    ),
    "db_readonly": (
        "数据库 {db} 只能读取，无法写入（文件或目录没有写权限）。",
        "The database {db} is read-only (no permission to write the file or its folder).",
    ),
    "db_not_database": (
        "{db} 不是数据库文件（或已损坏），请检查 --db 路径。",
        "{db} is not a database file (or it is damaged); check --db.",
    ),
    "db_cannot_open": (
        "无法打开数据库 {db}，请检查路径、权限或数据库连接地址。",
        "Cannot open the database {db}; check the path, the permissions or the database URL.",
    ),
    "db_schema_newer": (
        "数据库 {db} 由更新版本的落实写入（结构版本 {revision}），本版本无法使用，请升级落实。",
        "The database {db} was written by a newer luoshi (schema revision {revision}); upgrade luoshi "
        "to use it.",
    ),
    "db_busy": (
        "数据库 {db} 一直被其他写入程序占用，多次等待后仍未轮到，请稍后再试。",
        "The database {db} stayed locked by other writers after every wait; try again later.",
    ),
    "db_pg_no_chinese": (
        "PostgreSQL 数据库 {db} 无法存储和检索中文（编码 {encoding}，字符分类 {ctype}）。请新建一个 UTF8 "
        "编码的数据库，例如 createdb -E UTF8 --locale=C.UTF-8 -T template0 luoshi，再用 --db 指向它。",
        "The PostgreSQL database {db} cannot store and index Chinese (encoding {encoding}, ctype "
        "{ctype}). Create a UTF8 database, e.g. createdb -E UTF8 --locale=C.UTF-8 -T template0 luoshi, "
        "and point --db at it.",
    ),
    # ``luoshi --help`` and the README list the same exit statuses.
    "exit_statuses": (
        "退出状态：0 成功；1 操作无法按要求完成（原因见提示）；2 参数错误，或台账中有错误行（未导入）；"
        "3 部分输入被拒收（逐条列出原因）；4 数据库无法使用（不存在、不是数据库、是目录、无权限、"
        "版本更新）；5 数据库一直被其他写入程序占用。",
        "Exit status: 0 success; 1 the operation cannot be done as asked (the message says why); "
        "2 bad arguments, or bad rows in a 台账 (nothing imported); 3 some inputs were rejected (each "
        "listed with its reason); 4 the database cannot be used (missing, not a database, a folder, "
        "no permission, a newer version's); 5 the database stayed locked by other writers.",
    ),
    # Uploads through the web application.
    "upload_name_empty": (
        "文件名为空或只含点号，未能保存。",
        "The file name is empty or only dots; not stored.",
    ),
    "upload_name_nul": (
        "文件名含有空字符（NUL），未能保存。",
        "The file name contains a NUL character; not stored.",
    ),
    "upload_name_renamed": (
        "同一次上传中已有同名文件，本文件另存为 {name}。",
        "Another file of this upload has the same name; this one was stored as {name}.",
    ),
    "upload_name_shortened": (
        "文件名过长，已缩短为 {name}。",
        "The file name was too long; it was shortened to {name}.",
    ),
    "upload_unreadable": (
        "上传的文件无法读取：{error}",
        "The uploaded file could not be read: {error}",
    ),
    # Rejections: the file as a whole.
    "empty_file": ("空文件", "empty file"),
    "file_too_large": (
        "文件过大（{size:,} 字节，上限 {limit:,} 字节）",
        "file too large ({size:,} bytes > limit {limit:,})",
    ),
    "unsupported_type": ("不支持的文件类型“{suffix}”", "unsupported file type '{suffix}'"),
    "no_suffix": ("（无扩展名）", "(none)"),
    "no_such_file": ("文件不存在", "no such file"),
    "permission_denied": ("无权读取该文件", "permission denied"),
    "is_directory": ("这是一个目录", "is a directory"),
    "not_regular_file": (
        "不是普通文件（设备、管道或套接字）",
        "not a regular file (a device, pipe or socket)",
    ),
    "read_error": ("读取文件出错：{error}", "could not read the file: {error}"),
    # Rejections: bytes that are not text.
    "binary_file": ("二进制文件（{what}）", "binary file ({what})"),
    "what_pdf": ("PDF 文档", "PDF document"),
    "what_png": ("PNG 图片", "PNG image"),
    "what_jpeg": ("JPEG 图片", "JPEG image"),
    "what_gif": ("GIF 图片", "GIF image"),
    "what_zip": ("ZIP 压缩包或 Office 文档", "ZIP archive (or Office document)"),
    "what_gzip": ("gzip 压缩包", "gzip archive"),
    "what_ole": ("旧版 Office 文档", "legacy Office document"),
    "what_elf": ("可执行程序", "executable"),
    "what_sqlite": ("SQLite 数据库", "SQLite database"),
    "what_nul": ("含 NUL 字节，且不是 UTF-16 文本", "NUL bytes, not UTF-16 text"),
    "what_controls": ("控制字符占 {percent}%", "{percent}% control characters"),
    "undecodable_at": (
        "第 {offset} 字节处无法按 {encoding} 解码",
        "undecodable bytes at offset {offset} for {encoding}",
    ),
    "no_encoding": (
        "无法解码（没有已知编码能读出此文件）",
        "undecodable bytes (no known encoding reads this file)",
    ),
    "garbled": (
        "二进制或乱码内容（最佳解读为 {encoding}）",
        "binary or garbled content (best reading {encoding})",
    ),
    "no_text_left": ("去除标记和页面杂项后没有正文", "no text left after removing markup and page furniture"),
    # Rejections: limits on what a file can make us allocate.
    "gzip_too_large": (
        "解压后超过 {limit:,} 字节的上限（可能是压缩炸弹），未导入",
        "decompresses to more than the limit of {limit:,} bytes (a compression bomb?), not ingested",
    ),
    "gzip_corrupt": ("gzip 压缩数据损坏，无法解压", "corrupt gzip data, cannot decompress"),
    "gzip_inner_unsupported": (
        "压缩包内的文件类型“{suffix}”不受支持",
        "unsupported file type '{suffix}' inside the gzip archive",
    ),
    "html_too_deep": (
        "HTML 元素嵌套过深（超过 {limit:,} 层），未导入",
        "HTML elements nested too deeply (more than {limit:,} levels), not ingested",
    ),
    "json_malformed": (
        "JSON 格式错误：第 {line} 行第 {column} 列",
        "malformed JSON at line {line} column {column}: {detail}",
    ),
    "json_line_malformed": (
        "第 {line} 行 JSON 格式错误：第 {column} 列",
        "malformed JSON line {line} column {column}: {detail}",
    ),
    "json_too_deep": (
        "JSON 嵌套过深（超过 {limit:,} 层），未导入",
        "JSON nested too deeply (more than {limit:,} levels)",
    ),
    "json_too_many_values": (
        "JSON 值过多（{values:,} 个，上限 {limit:,} 个），未导入",
        "JSON holds too many values ({values:,} > limit {limit:,})",
    ),
    "json_number_too_long": (
        "JSON 数字过长（{digits:,} 位，上限 {limit:,} 位），未导入",
        "JSON number too long ({digits:,} digits > limit {limit:,})",
    ),
    "json_not_object": ("JSON 记录是{kind}，不是对象", "JSON record is a {kind}, not an object"),
    "json_kind_list": ("数组", "list"),
    "json_kind_str": ("字符串", "string"),
    "json_kind_number": ("数字", "number"),
    "json_kind_other": ("其他值", "scalar"),
    "json_no_text": (
        "JSON 记录没有正文（查找的字段：{keys}）",
        "JSON record has no text (looked for {keys})",
    ),
    "front_matter_aliases": (
        "文件头元数据（front matter）使用了 YAML 别名（& 与 *），为防止展开炸弹不予读取",
        "front matter uses YAML aliases (& and *), refused (they can expand without bound)",
    ),
    "front_matter_too_large": (
        "文件头元数据（front matter）过大（{size:,} 字节，上限 {limit:,} 字节）",
        "front matter too large ({size:,} bytes > limit {limit:,})",
    ),
    "front_matter_too_deep": (
        "文件头元数据（front matter）嵌套过深（超过 {limit} 层）",
        "front matter nested too deeply (more than {limit} levels)",
    ),
    # Warnings: the document was stored, with this said about it.
    "warn_truncated_utf8": (
        "文件末尾第 {offset:,} 字节处的字符不完整（文件可能被截断），已用替换符“\ufffd”代替",
        "the last character, at byte offset {offset:,}, is cut short (a truncated file?); replaced by \ufffd",
    ),
    "warn_truncated_utf16": (
        "文件末尾第 {offset:,} 字节处多出半个 UTF-16 字符（文件可能被截断），已用替换符“\ufffd”代替",
        "half a UTF-16 character at byte offset {offset:,} at the end (a truncated file?); "
        "replaced by \ufffd",
    ),
    "warn_controls_removed": (
        "已删除 {count:,} 个控制字符（如 NUL），第一个位于第 {offset:,} 个字符处",
        "removed {count:,} control characters (such as NUL), the first at character {offset:,}",
    ),
    "warn_nul_bytes_removed": (
        "已删除 {count:,} 个 NUL 字节，第一个位于第 {offset:,} 字节处",
        "removed {count:,} NUL bytes, the first at byte offset {offset:,}",
    ),
    "warn_front_matter_malformed": (
        "文件头元数据（front matter）格式错误，已忽略；正文照常导入",
        "malformed front matter ignored; the body was ingested",
    ),
    "warn_front_matter_not_mapping": (
        "文件头元数据（front matter）不是“键: 值”形式，已忽略；正文照常导入",
        "front matter is not a mapping of keys to values, ignored; the body was ingested",
    ),
    "warn_meta_value_dropped": (
        "元数据字段“{key}”过长（{size:,} 字符），未保存",
        "metadata field '{key}' too long ({size:,} characters), not kept",
    ),
    "warn_gzip_truncated": (
        "gzip 压缩数据提前结束（文件可能被截断），已导入解压出的部分",
        "the gzip data ends early (a truncated file?); what it held was ingested",
    ),
    # Rejections made after reading (the pipeline).
    "extraction_failed": ("抽取失败：{error}", "extraction failed: {error}"),
    "store_failed": ("存储时内部错误：{error}", "internal error while storing: {error}"),
    # -- status reasons (luoshi.ledger.status) -------------------------------------------------
    "status.done": ("已于{done}完成{deadline_part}", "completed {done}{deadline_part}"),
    "status.done.deadline_part": ("（完成时限{deadline}）", " (deadline {deadline})"),
    "status.done_late": (
        "{done}完成，晚于完成时限（{deadline}）",
        "completed {done} after the deadline {deadline}",
    ),
    "status.sheet_done": ("表内填报“{word}”{on}", "the sheet reports “{word}”{on}"),
    "status.sheet_done.on": ("（截至{date}）", " (as of {date})"),
    "status.stale": (
        "已{days}天未报送进展（超过{limit}天）",
        "no progress report for {days} days (> {limit})",
    ),
    "status.ongoing": ("长期推进事项，无固定完成时限", "ongoing work without a fixed deadline"),
    "status.no_deadline": ("完成时限未能确定日期", "no dated deadline"),
    "status.recurring": ("定期事项，无固定完成时限", "recurring work without a fixed deadline"),
    "status.overdue": (
        "已超过完成时限（{deadline}）未完成",
        "past the deadline {deadline} and not completed",
    ),
    "status.behind_red": (
        "落后序时进度{behind}个百分点（实际{actual}%，序时{expected}%；超过{limit}个百分点为红灯）",
        "{behind} points behind 序时进度 ({actual}% vs {expected}%; red beyond {limit})",
    ),
    "status.behind_yellow": (
        "落后序时进度{behind}个百分点（实际{actual}%，序时{expected}%；{limit}个百分点起为黄灯）",
        "{behind} points behind 序时进度 ({actual}% vs {expected}%; yellow from {limit})",
    ),
    "status.reminder": (
        "距完成时限（{deadline}）还有{days}天（提醒期{window}天）",
        "deadline {deadline} in {days} days (reminder window {window} days)",
    ),
    "status.not_started": ("尚未报送进展", "no progress reported yet"),
    "status.on_track": ("进度达到序时进度", "progress keeps pace with 序时进度"),
    "status.reported": ("已报送进展，完成时限未到", "reported, deadline ahead"),
    "status.sheet_behind": ("表内填报“{word}”", "the sheet reports “{word}” (behind)"),
    "status.sheet_not_started": ("表内填报“{word}”", "the sheet reports “{word}” (not started)"),
    "status.sheet_in_progress": ("表内填报“{word}”", "the sheet reports “{word}” (in progress)"),
    "status.year_end": (
        "未写完成时限，按{year}年度任务于{deadline}到期",
        "no deadline written: an annual task of {year}, due {deadline}",
    ),
    "flag.done_without_date": (
        "表内填报已完成但无完成日期",
        "the sheet says done but gives no completion date",
    ),
    "flag.ok_but_overdue": (
        "表内填报正常但已超期",
        "the sheet says it is on course but the deadline has passed",
    ),
    "flag.done_but_computed": (
        "表内填报“{word}”，按规则计算为“{computed}”",
        "the sheet says “{word}”, the rules say “{computed}”",
    ),
    # -- working days (luoshi.ledger.workdays) -------------------------------------------------
    "calendar.assumed": (
        "{year}年尚无国务院节假日安排数据，工作日按周一至周五计算（可用 luoshi calendar load 补充）",
        "no official holidays for {year}: working days assumed Monday to Friday (add them with luoshi calendar load)",
    ),
    "calendar.bad_line": (
        "{name}第{line}行无法识别：“{text}”（应为 YYYY-MM-DD,休 或 YYYY-MM-DD,班）",
        "{name} line {line} not understood: {text!r} (expected YYYY-MM-DD,休 or YYYY-MM-DD,班)",
    ),
    "calendar.empty": ("{name}中没有日期", "{name} holds no dates"),
    "calendar.loaded": ("已加载{years}年节假日安排", "loaded the holidays of {years}"),
    # -- ledger service (luoshi.ledger.service) ------------------------------------------------
    "ledger.no_programme": ("没有名为“{name}”的台账", "no programme named {name!r}"),
    "ledger.alias_taken": ("“{alias}”已是另一个单位的名称", "{alias!r} already names another unit"),
    "ledger.task_exists": ("任务{code}已在“{programme}”中", "task {code} already exists in {programme}"),
    "ledger.no_task": ("没有任务{ref}", "no task {ref}"),
    "ledger.ambiguous": (
        "任务序号{ref}在多个台账中出现，请用 --programme 指明",
        "task code {ref!r} is in several programmes: name one with --programme",
    ),
    "ledger.cannot_change": ("不能修改：{fields}", "cannot change {fields}"),
    "ledger.bad_percent": ("完成比例应在0–100之间，而不是{percent}", "percent must be 0–100, not {percent}"),
    "ledger.no_progress_state": (
        "任务{code}处于{state}状态，不能报送进展",
        "task {code} is {state}: no progress can be reported",
    ),
    "ledger.no_deadline_to_schedule": (
        "任务{code}没有具体的完成日期，无法倒排",
        "task {code} has no dated deadline to schedule back from",
    ),
    "ledger.extension_needs_date": (
        "延期申请需写明新的完成时限",
        "an extension request needs the new deadline",
    ),
    "ledger.unknown_request": ("未知的申请类型：{kind}", "unknown request kind {kind!r}"),
    "ledger.no_request": ("没有申请{id}", "no request {id}"),
    "ledger.already_decided": (
        "申请{id}已经处理过（{decision}）",
        "request {id} was already decided ({decision})",
    ),
    "ledger.needs_grade": ("销号需要评定等次：{grades}", "closing (销号) needs a grade: one of {grades}"),
    "ledger.no_document": ("没有文件{id}", "no document {id}"),
    "ledger.no_directives": (
        "文件{id}中没有可生成任务的部署要求",
        "document {id} has no directives to propose",
    ),
    "ledger.not_a_proposal": (
        "任务{code}不是待确认任务（状态：{state}）",
        "task {code} is not a proposal (state {state})",
    ),
    "ledger.extension_late": (
        "{on}申请延期已晚于完成时限（{deadline}），延期须在时限前申请",
        "extension asked on {on}, after the deadline {deadline}: it must be asked before",
    ),
    # -- sheet import (luoshi.ledger.excel) ----------------------------------------------------
    "import.row": ("第{row}行：{reason}", "row {row}: {reason}"),
    "import.failed": (
        "有{count}行无法识别，未导入任何内容",
        "{count} rows could not be understood; nothing was imported",
    ),
    "import.not_a_workbook": (
        "无法将{name}读作Excel工作簿：{error}",
        "cannot read {name} as an Excel workbook: {error}",
    ),
    "import.no_header": (
        "前{rows}行中未找到表头（应含序号、任务、牵头单位、完成时限等列）；看到的内容：{seen}",
        "no header row found (looked for 序号, 任务, 牵头单位, 完成时限… in the first {rows} rows); seen: {seen}",
    ),
    "import.no_task_column": (
        "表头中没有任务列（如“重点任务”“工作任务”“民生实事”“存在问题”“事项”）；识别到的列：{seen}；缺少：任务列",
        "the header has no task column (重点任务, 工作任务, 民生实事, 存在问题, 事项…); columns seen: {seen}; "
        "missing: the task column",
    ),
    "import.no_sheet": (
        "工作簿中没有名为“{sheet}”的工作表（现有：{names}）",
        "no worksheet {sheet!r} (there are: {names})",
    ),
    "import.no_task_text": (
        "该行没有任务内容（任务列为空），内容为“{first}”",
        "no task text in a row holding {first!r}",
    ),
    "import.bad_number": (
        "无法识别序号“{seq}”（应为 1 / 1. / （1） / 1.2）",
        "cannot read the number {seq!r} (expected 1 / 1. / (1) / 1.2)",
    ),
    "import.sub_before_top": (
        "子项{seq}出现在任何编号任务之前",
        "sub-item {seq} comes before any numbered task",
    ),
    "import.duplicate": ("序号{code}重复", "number {code} appears twice"),
    "import.bad_deadline": ("无法理解完成时限“{text}”", "cannot understand the deadline {text!r}"),
    "import.bad_date": ("日期不存在：“{text}”", "no such date: {text!r}"),
    "import.declared": (
        "类别“{area}”标明{declared}项，实际{found}项",
        "category '{area}' declares {declared} tasks, found {found}",
    ),
    "import.footer": (
        "表格下方的说明、来源或落款已略过：“{text}”",
        "note, source or signature under the table skipped: {text!r}",
    ),
    "import.relative_no_date": (
        "完成时限“{text}”是相对时间，表中没有可推算的日期，未定具体日期",
        "deadline {text!r} is relative and the sheet gives no date to count from; left undated",
    ),
    "import.start_milestone": (
        "“{text}”是开工/启动节点，不作为完成时限",
        "{text!r} is a start milestone, not the completion deadline",
    ),
    "import.too_big": (
        "工作表“{sheet}”声明的范围过大（{dimensions}，超过{limit}个单元格），已拒绝",
        "worksheet {sheet!r} declares too large a range ({dimensions}, over {limit} cells); refused",
    ),
    "import.zip_bomb": (
        "{name}解压后超过{limit} MB，已拒绝（可能是压缩炸弹）",
        "{name} inflates to more than {limit} MB; refused (a zip bomb?)",
    ),
    "import.sheet_skipped": (
        "工作表“{sheet}”不是台账，已略过：{reason}",
        "worksheet {sheet!r} is not a ledger, skipped: {reason}",
    ),
    "import.warning": ("提示", "warning"),
    "import.done": (
        "已导入{count}项任务到“{programme}”（新增{added}项，更新{updated}项）",
        "imported {count} tasks into programme {programme!r} ({added} added, {updated} updated)",
    ),
    "import.changed": ("已更新 {code} {title}：{what}", "updated {code} {title}: {what}"),
    "import.skipped": ("已跳过", "skipped"),
    "export.done": ("已导出{count}项任务到{file}", "wrote {count} tasks to {file}"),
    # -- CLI lines (luoshi.cli.ledger) ---------------------------------------------------------
    "cli.error": ("错误", "error"),
    "cli.draft": (
        "待确认任务 {id} [{code}] 牵头单位 {lead}，完成时限 {deadline}：{title}",
        "draft {id} [{code}] lead {lead}, deadline {deadline}: {title}",
    ),
    "cli.proposed": (
        "已生成{count}项待确认任务；用 luoshi ledger accept/reject ID 确认",
        "{count} draft tasks proposed; decide with `luoshi ledger accept/reject ID`",
    ),
    "cli.accepted": ("已采纳 {ref}", "accepted {ref}"),
    "cli.rejected": ("未采纳 {ref}", "rejected {ref}"),
    "cli.progress": ("已记录 {task} 的进展", "progress recorded for {task}"),
    "cli.extension_recorded": ("已记录延期申请 {id}", "extension request {id} recorded"),
    "cli.closure_recorded": ("已记录办结申请 {id}", "closure request {id} recorded"),
    "cli.decided": ("申请 {id} 已处理", "request {id} decided"),
    "cli.nothing_to_remind": ("无需催办", "nothing to remind"),
    "cli.overdue": ("逾期", "overdue"),
    "cli.due_soon": ("临期", "due soon"),
    "cli.awaiting_report": ("待报送进展", "awaiting a report"),
    "cli.reminder": (
        "{label}：{code} {title}（完成时限 {deadline}）",
        "{label}: {code} {title} (deadline {deadline})",
    ),
    "cli.no_changes": ("无变化", "no changes"),
    "cli.aliases": ("{unit}：{count}个别名", "{unit}: {count} aliases"),
    "field.status": ("状态", "status"),
    "field.deadline": ("完成时限", "deadline"),
    "field.percent": ("完成比例", "percent"),
    # -- column names the export writes ---------------------------------------------------------
    "col.seq": ("序号", "code"),
    "col.task": ("任务", "task"),
    "col.lead": ("牵头单位", "lead unit"),
    "col.deadline": ("完成时限", "deadline"),
    "col.sheet_status": ("表内状态", "sheet status"),
    "col.status": ("研判状态", "status"),
    "col.rule": ("依据", "rule"),
    # reprints (stories)
    "reprints.more": ("另有{n}个转载", "{n} more reprints"),
    "reprints.canonical": ("原文", "canonical copy"),
    "reprints.copies": ("其他转载", "Other copies"),
    "reprints.story": ("报道 {id}：{size}份", "story {id}: {size} copies"),
    "reprints.none": ("没有转载（重复）的文件", "no reprinted documents"),
    "reprints.total": ("共{n}组转载", "{n} stories with reprints"),
    "reprints.rebuilt": ("已重新比对{n}份文件", "{n} documents linked again"),
    "reprints.site_unknown": ("来源不详", "source unknown"),
    "search.no_match": ("没有与“{query}”匹配的文件", "no document matches {query!r}"),
    # --- dask ---
    "cluster_unreachable": (
        "无法连接 Dask 调度器 {scheduler}：{error}",
        "cannot reach the Dask scheduler {scheduler}: {error}",
    ),
    "cluster_worker_died": (
        "Dask 工作进程处理同一批文件时多次退出，已停止（已存储的文件保留，重新运行只存储其余文件）：{error}",
        "Dask workers died several times on the same files; stopped (what was stored is kept, and "
        "running again stores only the rest): {error}",
    ),
    "cluster_workers_invalid": ("--workers 必须至少为 1", "--workers must be at least 1"),
    "read_failed": ("读取时内部错误：{error}", "internal error while reading: {error}"),
    "cluster_both": (
        "--workers 与 --scheduler 只能二选一",
        "give --workers or --scheduler, not both",
    ),
    # --- people ---
    "people.no_person": ("没有编号为 {id} 的人物", "no person with id {id}"),
    "people.merge_same": ("不能把人物 {id} 与其自身合并", "cannot merge person {id} with itself"),
    "people.merge_names": (
        "只能合并同名的人物：“{a}”与“{b}”不同名",
        "only persons of one name can be merged: {a} and {b} differ",
    ),
    "people.split_nothing": (
        "请用 --post（职务）或 --document（文件编号）指明要分出的提及",
        "say which mentions to split off with --post or --document",
    ),
    "people.split_all": (
        "人物 {id} 的全部提及都符合条件，无可拆分",
        "every mention of person {id} matches: nothing to split off",
    ),
    "people.split_none": ("人物 {id} 没有符合条件的提及", "no mention of person {id} matches"),
    "people.usage": (
        "用法：luoshi person 姓名 ｜ luoshi person merge 编号 编号 ｜ luoshi person split 编号 --post 职务 --document 文件编号",
        "usage: luoshi person NAME | luoshi person merge ID ID | luoshi person split ID --post POST --document ID",
    ),
    "people.bad_id": ("“{value}”不是人物编号", "{value!r} is not a person id"),
    "people.none_named": ("没有名为“{name}”的人物", "no person named {name}"),
    "people.count_named": ("{name}：共{n}人", "{name}: {n} persons"),
    "people.person_line": (
        "人物 {id}：{label}（{first} 至 {last}，见于{documents}份文件）",
        "person {id}: {label} ({first} to {last}, in {documents} documents)",
    ),
    "people.post_line": ("{first} 至 {last}　{post}", "{first} to {last}  {post}"),
    "people.post_change": ("{change}：{day}（{word}）", "{change}: {day} ({word})"),
    "people.post_documents": (
        "{n}份文件，首见《{first}》，末见《{last}》",
        "{n} documents, first {first}, last {last}",
    ),
    "people.unknown_day": ("日期不详", "date unknown"),
    "people.total": ("共{total}人，以下为第{start}至{end}人", "{total} persons; {start} to {end} shown"),
    "people.index_line": (
        "{id}　{name}　{label}　{first} 至 {last}　{documents}份文件",
        "{id}  {name}  {label}  {first} to {last}  {documents} documents",
    ),
    "people.merged": (
        "已合并为人物 {id}（操作人：{actor}，已记录）",
        "merged into person {id} (by {actor}, recorded)",
    ),
    "people.split_done": (
        "已拆分为人物 {part} 与人物 {rest}（操作人：{actor}，已记录）",
        "split into persons {part} and {rest} (by {actor}, recorded)",
    ),
    "people.refreshed": (
        "人物：读取{documents}份文件，重新归并{names}个姓名，得{people}人（{seconds}秒）",
        "people: {documents} documents read, {names} names clustered again into {people} persons ({seconds} s)",
    ),
    "people.eval_scores": (
        "B-cubed 准确率 {p:.3f}　召回率 {r:.3f}　F1 {f:.3f}",
        "B-cubed precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}",
    ),
    "people.eval_counts": (
        "标注提及{mentions}处，标注人物{people}人，预测人物{predicted}人，未识别的提及{missed}处",
        "{mentions} gold mentions of {people} people, {predicted} predicted persons, {missed} mentions not found",
    ),
    "people.eval_incompatible": (
        "不能同时任职的人被合并：{n}处",
        "merges of people who held incompatible posts at once: {n}",
    ),
    "people.eval_wrong": ("人物 {person} 合并了标注中的 {gold}", "person {person} joins gold people {gold}"),
    "people.eval_bad_gold": ("标注集无法读取：{error}", "the gold set cannot be read: {error}"),
    "people.eval_below": ("F1 {f:.3f} 低于要求的 {min:.3f}", "F1 {f:.3f} is below the required {min:.3f}"),
    "people.succession": ("该职务（{post}）现由{name}担任", "this post ({post}) is now held by {name}"),
    "people.succession_seen": ("{first}起见于文件", "in the documents from {first}"),
    "people.change_held": ("在任", "held"),
    "people.change_start": ("任职", "began"),
    "people.change_end": ("离任", "ended"),
    "people.change_former": ("原任", "formerly"),
    "people.change_nominated": ("提名", "nominated"),
    "people.index_title": ("人物", "People"),
    "people.filter": ("按姓名或职务筛选", "Filter by name or post"),
    "people.name": ("姓名", "Name"),
    "people.label": ("最近职务", "Latest post"),
    "people.documents": ("文件数", "Documents"),
    "people.posts": ("职务数", "Posts"),
    "people.first_seen": ("始见", "First seen"),
    "people.last_seen": ("末见", "Last seen"),
    "people.career": ("任职经历", "Career"),
    "people.post": ("职务", "Post"),
    "people.first_document": ("首见文件", "First document"),
    "people.last_document": ("末见文件", "Last document"),
    "people.evidence": ("依据", "Evidence"),
    "people.appearances": ("出现的文件", "Appears in"),
    "people.same_name": (
        "同名人物{n}人，按任职地点与时间区分",
        "{n} persons of this name, told apart by place and time",
    ),
    "people.person_heading": ("人物 {id}", "Person {id}"),
    "people.previous": ("上一页", "Previous"),
    "people.next": ("下一页", "Next"),
    "people.showing": ("共{total}人，第{start}至{end}人", "{total} persons, {start} to {end}"),
    "people.no_posts": ("文件中未见其职务", "no post shown in the documents"),
    # --- cite ---
    "cite.index": ("引用文件", "Cited documents"),
    "cite.search": ("按文件名称或简称搜索（简繁均可）", "Title or short form (either script)"),
    "cite.count": ("共{n}份被引用的文件", "{n} cited documents"),
    "cite.none": ("没有被引用的文件", "No cited documents"),
    "cite.col_title": ("文件名称", "Title"),
    "cite.col_documents": ("引用次数", "Citing documents"),
    "cite.col_first": ("首次引用", "First cited"),
    "cite.col_last": ("最近引用", "Last cited"),
    "cite.short_forms": ("简称", "Short forms"),
    "cite.editions": ("同一文件的其他版本", "Other editions of the same work"),
    "cite.cited_by": ("引用该文件的会议和文件（{n}）", "Meetings and documents citing it ({n})"),
    "cite.graph": ("引用关系图", "Citation graph"),
    "cite.graph_of_work": ("该文件的引用关系图", "Citation graph of this work"),
    "cite.graph_note": (
        "左列为被引用的文件（括号内为引用次数），右列为引用它们的会议和文件，按日期自上而下排列。",
        "Cited documents on the left (with the number of citing documents), the meetings and documents "
        "citing them on the right, oldest at the top.",
    ),
    "cite.graph_titles": ("显示文件数", "Documents shown"),
    "cite.graph_json": ("关系图数据（JSON）", "The graph as JSON"),
    "cite.shown": ("第{first}–{last}项，共{total}项", "{first}–{last} of {total}"),
    "cite.previous": ("上一页", "Previous"),
    "cite.next": ("下一页", "Next"),
    "cite.not_found": ("没有与“{title}”相符的被引用文件", "no cited document matches {title!r}"),
    "cite.candidates": ("有{n}份被引用文件与“{title}”相近：", "{n} cited documents are like {title!r}:"),
    "cite.row": (
        "{documents}次　{first}至{last}　《{title}》",
        "{documents} ×  {first} to {last}  《{title}》",
    ),
    "cite.heading": ("《{title}》：{n}份文件引用", "《{title}》: cited by {n} documents"),
    "cite.aliases": ("简称：{names}", "short forms: {names}"),
    "cite.entry": ("{date}　{title}", "{date}  {title}"),
    "cite.indexed": (
        "已为此前存入的{n}份文件建立引用和成果索引",
        "citations and outcomes of {n} documents stored before indexed",
    ),
    "cite.rebuilt": (
        "已重新索引{n}份文件的引用和成果",
        "citations and outcomes of {n} documents indexed again",
    ),
    "outcome.index": ("可复制可推广成果", "Replicable outcomes"),
    "outcome.zone": ("区域", "Zone"),
    "outcome.all_zones": ("全部区域", "All zones"),
    "outcome.kind": ("类别", "Kind"),
    "outcome.all_kinds": ("全部类别", "All kinds"),
    "outcome.search": ("按成果名称搜索（简繁均可）", "Words of the title (either script)"),
    "outcome.count": ("共{n}项成果", "{n} outcomes"),
    "outcome.none": ("没有符合条件的成果", "No outcomes match"),
    "outcome.col_title": ("成果", "Outcome"),
    "outcome.col_count": ("同批数量", "Items counted"),
    "outcome.col_source": ("来源", "Source"),
    "outcome.no_zone": ("未注明区域", "zone not named"),
    "outcome.bad_kind": ("--kind 应为以下之一：{kinds}", "--kind must be one of: {kinds}"),
    "outcome.row": ("{date}　{zone}　{kind}　{title}", "{date}  {zone}  {kind}  {title}"),
    "outcome.kind.replicable": ("可复制可推广", "replicable experience"),
    "outcome.kind.innovation": ("制度创新成果", "institutional innovation"),
    "outcome.kind.pioneering": ("首创性改革", "first-of-its-kind reform"),
    "outcome.kind.one_matter": ("一事三地", "one matter, three places"),
    "outcome.kind.one_policy": ("一策三地", "one policy, three places"),
    "outcome.kind.one_rule": ("一规三地", "one rule, three places"),
    # --- follow ---
    "follow.no_document": ("没有编号为 {id} 的文件", "no document {id}"),
    "follow.no_directive": ("文件 {id} 没有第 {index} 条部署要求", "document {id} has no directive {index}"),
    "follow.no_suggestion": (
        "该后续报道不在任务 {task} 的建议进展之中（文件可能已更新，请刷新后再试）",
        "that later mention is not among the suggestions for task {task} (the documents may have "
        "changed; reload and try again)",
    ),
    "follow.already_accepted": (
        "该后续报道已作为任务 {task} 的进展记录",
        "that mention is recorded as progress of task {task} already",
    ),
    "follow.progress_text": ("【{label}】《{title}》：{text}", "[{label}] {title}: {text}"),
    "follow.later": ("后续报道", "Later mentions"),
    "follow.none": ("暂无后续报道", "No later mentions yet"),
    "follow.no_directives": ("该文件没有部署要求", "The document holds no directive"),
    "follow.directive": ("第{index}条部署要求", "Directive {index}"),
    "follow.label.重申": ("重申", "reiterated"),
    "follow.label.进展": ("进展", "progress"),
    "follow.label.完成": ("完成", "completed"),
    "follow.label.调整": ("调整", "revised"),
    "follow.cue": ("依据", "cue"),
    "follow.suggested": (
        "后续报道（建议进展，经确认后记入台账）",
        "Later mentions (suggested progress, recorded once accepted)",
    ),
    "follow.accept": ("采纳为进展", "Accept as progress"),
    "follow.accepted": ("已采纳", "Accepted"),
    "follow.not_from_directive": (
        "该任务不是由部署要求生成的，没有可跟踪的后续报道",
        "The task was not proposed from a directive: nothing to follow",
    ),
    "follow.task_heading": ("任务 {code}：{title}", "Task {code}: {title}"),
    "follow.source": ("来源：{title}（{date}）", "Source: {title} ({date})"),
    "follow.task_needed": (
        "请给出文件编号，或用 --task 给出任务",
        "give a document id, or a task with --task",
    ),
    "follow.counted": (
        "共{directives}条部署要求，{mentions}条后续报道",
        "{directives} directives, {mentions} later mentions",
    ),
    "follow.eval.not_extracted": (
        "未抽取到的部署要求：{doc}「{quote}」",
        "directive not extracted: {doc} {quote!r}",
    ),
    "follow.eval.missing_doc": (
        "金标准中的文件不存在：{doc}",
        "the gold names a document that is not there: {doc}",
    ),
    "follow.eval.bad_gold": ("金标准文件有误：{reason}", "the gold file is not usable: {reason}"),
    "follow.eval.rejected": ("未能导入 {key}：{reason}", "rejected {key}: {reason}"),
    "follow.eval.gold": (
        "金标准：{directives}条部署要求有后续报道，共{links}条链接，涉及{later}份后续文件",
        "gold: {directives} directives with mentions, {links} links, {later} later documents",
    ),
    "follow.eval.links": ("链接", "links"),
    "follow.eval.counts": ("（正确{tp}，多出{fp}，遗漏{fn}）", "(tp {tp}, fp {fp}, fn {fn})"),
    "follow.eval.accuracy": (
        "标签准确率 {accuracy:.3f}（{right}/{tp}）",
        "label accuracy {accuracy:.3f} ({right}/{tp})",
    ),
    "follow.eval.confusion": ("金标准＼预测", "gold \\ predicted"),
    "follow.eval.error.label": ("标签不同", "label"),
    "follow.eval.error.extra": ("多出", "extra"),
    "follow.eval.error.missed": ("遗漏", "missed"),
    # --- browse ---
    # The web pages' words (formerly a table of their own in luoshi.web.i18n).
    "app": ("落实 · 政策落实台账", "luoshi · implementation ledger"),
    "dashboard": ("总览", "Dashboard"),
    "documents": ("文件", "Documents"),
    "ledger": ("台账", "Ledger"),
    "upload": ("上传", "Upload"),
    "search": ("搜索", "Search"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "user": ("用户名", "User"),
    "password": ("密码", "Password"),
    "overdue": ("逾期事项", "Overdue"),
    "due_soon": ("临期事项", "Due soon"),
    "recent_documents": ("最新文件", "Recent documents"),
    "status_by_unit": ("各单位任务状态", "Status by unit"),
    "persons": ("人物", "People"),
    "posts": ("职务", "Posts"),
    "cited": ("引用文件", "Cited documents"),
    "batches": ("任务批次", "Task batches"),
    "directives": ("部署要求", "Directives"),
    "meetings": ("会议", "Meetings"),
    "places": ("地点", "Places"),
    "task": ("任务", "Task"),
    "lead_unit": ("牵头单位", "Lead unit"),
    "co_units": ("配合单位", "Co-operating units"),
    "deadline": ("完成时限", "Deadline"),
    "status": ("状态", "Status"),
    "progress": ("进展情况", "Progress"),
    "report_progress": ("报送进展", "Report progress"),
    "percent": ("完成比例", "Percent done"),
    "evidence": ("佐证材料", "Evidence"),
    "milestones": ("节点", "Milestones"),
    "history": ("操作记录", "History"),
    "source": ("来源", "Source"),
    "proposals": ("待确认任务", "Proposed tasks"),
    "accept": ("采纳", "Accept"),
    "reject": ("不采纳", "Reject"),
    "export": ("导出 Excel", "Export Excel"),
    "import": ("导入 Excel", "Import Excel"),
    "timeline": ("进度甘特图", "Timeline"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "All"),
    "from": ("起", "From"),
    "to": ("止", "To"),
    "place": ("地点", "Place"),
    "kind": ("会议类型", "Meeting kind"),
    "rejected": ("未能导入", "Rejected"),
    "added": ("已导入", "Added"),
    "duplicate": ("已存在", "Already stored"),
    "renamed": ("改名保存", "Stored under another name"),
    "no_results": ("无结果", "No results"),
    "cited_by": ("引用该文件的会议", "Meetings citing this document"),
    "documents_attended": ("出现的文件", "Appears in"),
    "forbidden": ("无权限", "Not allowed"),
    "propose": ("生成待确认任务", "Propose tasks"),
    "programme": ("台账名称", "Programme"),
    "date": ("日期", "Date"),
    "submit": ("提交", "Submit"),
    "error_400": ("请求有误", "Bad request"),
    "error_401": ("请先登录", "Please log in"),
    "error_403": ("无权限", "Not allowed"),
    "error_404": ("页面不存在", "Page not found"),
    "error_405": ("不支持该操作", "Method not allowed"),
    "error_409": ("与当前状态冲突", "Conflict with the current state"),
    "error_413": ("文件过大", "Too large"),
    "error_422": ("输入有误，请检查后重试", "Invalid input"),
    "error_429": ("尝试过多，请稍后再试", "Too many attempts"),
    "error_500": ("系统内部错误", "Internal error"),
    "error_503": ("系统暂时不可用，请稍后再试", "Temporarily unavailable"),
    "error_other": ("出错了", "Error"),
    "back_home": ("返回总览", "Back to the dashboard"),
    "api_docs": ("接口说明", "API reference"),
    "api_docs_note": (
        "以下为本系统的 JSON 接口，完整定义见",
        "The JSON endpoints of this system; full schema:",
    ),
    "method": ("方法", "Method"),
    "path": ("路径", "Path"),
    "summary": ("说明", "Summary"),
    "report": ("督查通报", "Supervision report"),
    "as_of": ("截至日期", "As of"),
    "rules": ("研判规则", "Status rules"),
    "rules_supervision-office": ("督查室标准", "Supervision office"),
    "rules_strict": ("从严", "Strict"),
    "rules_lenient": ("从宽", "Lenient"),
    "all_programmes": ("全部台账", "All programmes"),
    "show": ("生成", "Show"),
    "download_html": ("下载网页版", "Download HTML"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    # browsing documents and exporting listings
    "year": ("年份", "Year"),
    "script": ("文字", "Script"),
    "script.simplified": ("简体", "simplified"),
    "script.traditional": ("繁体", "traditional"),
    "script.mixed": ("简繁混合", "mixed"),
    "script.unknown": ("无法判断", "unknown"),
    "source_site": ("来源", "Source"),
    "title": ("标题", "Title"),
    "sort": ("排序", "Sort"),
    "sort.default": (
        "默认（搜索按相关度，否则最新在前）",
        "Default (relevance for a search, else newest first)",
    ),
    "sort.relevance": ("相关度", "Relevance"),
    "sort.-date": ("日期（新→旧）", "Date (newest first)"),
    "sort.date": ("日期（旧→新）", "Date (oldest first)"),
    "sort.title": ("标题", "Title"),
    "sort.-title": ("标题（倒序）", "Title (reversed)"),
    "sort.place": ("地点", "Place"),
    "sort.-place": ("地点（倒序）", "Place (reversed)"),
    "sort.kind": ("会议类型", "Meeting kind"),
    "sort.-kind": ("会议类型（倒序）", "Meeting kind (reversed)"),
    "sort.script": ("文字", "Script"),
    "sort.-script": ("文字（倒序）", "Script (reversed)"),
    "facets": ("分类统计", "Facets"),
    "facet.remove": ("取消“{value}”", "remove {value!r}"),
    "clear_filters": ("清除全部筛选", "Clear all filters"),
    "listing.range": ("第 {first}–{last} 条，共 {total} 条", "{first}–{last} of {total}"),
    "listing.none": ("共 0 条", "0 of 0"),
    "listing.searched": ("“{q}”的搜索结果", "results for {q!r}"),
    "page.previous": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {page} / {pages} 页", "page {page} of {pages}"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "export_json": ("导出 JSON", "Export JSON"),
    "export.truncated": ("仅导出前 {n} 条", "only the first {n} rows exported"),
    "any": ("不限", "Any"),
    "cli.search_total": ("共 {total} 份文件匹配", "{total} documents match"),
    "cli.search_page": ("显示第 {first}–{last} 份", "showing {first}–{last}"),
    # roles, the audit trail and the API page, as the pages show them
    "original_deadline": ("原定 {date}", "original {date}"),
    "sheet_row": ("{file} 第 {row} 行", "{file} row {row}"),
    "login.wrong": ("用户名或密码错误", "Wrong user name or password"),
    "audit.task": ("任务", "task"),
    "audit.progress": ("进展", "progress"),
    "audit.request": ("申请", "request"),
    "audit.milestone": ("节点", "milestone"),
    "audit.programme": ("台账", "programme"),
    "audit.unit": ("单位", "unit"),
    "audit.user": ("用户", "user"),
    "audit.create": ("新建", "created"),
    "audit.update": ("修改", "updated"),
    "audit.report": ("报送", "reported"),
    "audit.accept": ("采纳", "accepted"),
    "audit.reject": ("不采纳", "rejected"),
    "audit.alias": ("别名", "alias"),
    "audit.sheet-import": ("导入台账", "sheet imported"),
    "audit.extension-request": ("申请延期", "extension requested"),
    "audit.closure-request": ("申请办结", "closure requested"),
    "audit.extension-approved": ("同意延期", "extension approved"),
    "audit.extension-refused": ("不同意延期", "extension refused"),
    "audit.closure-accepted": ("同意销号", "closure accepted"),
    "audit.closure-returned": ("退回办结申请", "closure returned"),
    "state.active": ("推进中", "active"),
    "state.draft": ("待确认", "draft"),
    "state.rejected": ("未采纳", "rejected"),
    "state.closed": ("已销号", "closed"),
    "field.programme_id": ("台账", "programme"),
    "field.parent_id": ("上级任务", "parent task"),
    "field.deadline_kind": ("时限类型", "deadline kind"),
    "field.task_id": ("任务", "task"),
    "field.unit_id": ("报送单位", "unit"),
    "field.reporter": ("报送人", "reporter"),
    "field.actor": ("申请人", "requested by"),
    "field.year": ("年度", "year"),
    "field.alias": ("别名", "alias"),
    "field.changes": ("变更", "changes"),
    "report.completion_chart": ("完成情况变化", "completion over time"),
    "api.summary": ("说明", "Summary"),
    "api.login": ("登录，取得会话与 CSRF 令牌", "log in: a session and its CSRF token"),
    "api.logout": ("退出登录", "log out"),
    "api.change_password": ("修改本人密码", "change one's own password"),
    "api.me": ("当前用户", "the logged-in user"),
    "api.api_documents": ("文件列表（筛选、排序、分类统计）", "documents (filters, sorting, facets)"),
    "api.api_search": ("全文搜索（可加筛选）", "full-text search (with filters)"),
    "api.document": ("一份文件及其要素", "one document and its facts"),
    "api.upload": ("上传文件并入库", "upload and ingest files"),
    "api.person": ("人物及其职务", "a person and their posts"),
    "api.cited": ("引用某文件的会议", "meetings citing a document"),
    "api.tasks": ("台账任务", "ledger tasks"),
    "api.task": ("一项任务的详情", "one task in detail"),
    "api.progress": ("报送进展", "report progress"),
    "api.accept": ("采纳待确认任务", "accept a proposed task"),
    "api.reject": ("不采纳待确认任务", "reject a proposed task"),
    "api.propose": ("由文件生成待确认任务", "propose tasks from a document"),
    "api.report": ("督查通报数据", "the supervision report's data"),
    "api.export": ("导出台账 Excel", "export the ledger as Excel"),
    "api.import_": ("导入台账 Excel", "import a ledger sheet"),
    # the command line's own lines (luoshi.cli.main)
    "cli.already_stored": ("已存在 {key}（文件 {id}）", "already stored {key} (document {id})"),
    "cli.rejected_input": ("未能导入 {key}：{reason}", "rejected {key}: {reason}"),
    "cli.warning_input": ("提示 {key}：{warning}", "warning {key}: {warning}"),
    "cli.ingested": (
        "{files}个文件：新增{added}份文件，{duplicates}份已存在，{rejected}份未能导入 → {db}",
        "{files} files: {added} documents added, {duplicates} already stored, {rejected} rejected → {db}",
    ),
    "cli.facts_header": (
        "会议日期 {event}　发布日期 {published}　文字 {script}",
        "event {event}  published {published}  script {script}",
    ),
    "cli.fact": ("要素", "fact"),
    "cli.value": ("内容", "value"),
    "cli.context": ("上下文", "context"),
    "cli.fact.person": ("人物", "person"),
    "cli.fact.document": ("引用文件", "document"),
    "cli.fact.batch": ("任务批次", "batch"),
    "cli.fact.meeting": ("会议", "meeting"),
    "cli.fact.directive": ("部署要求", "directive"),
    "cli.meeting_detail": ("主持 {chair}，地点 {place}", "chair {chair}, place {place}"),
    "cli.directive_deadline": ("（时限 {deadline}）", " (deadline {deadline})"),
    "cli.eval_error": (
        "  {id} {key}：多出 {extra}，缺少 {missed}",
        "  {id} {key}: extra {extra} missed {missed}",
    ),
    "cli.summary_counts": (
        "{documents}份文件，{persons}位人物，{citations}处引用，{task_batches}个任务批次，{directives}条部署要求",
        "{documents} documents, {persons} persons, {citations} citations, {task_batches} task batches, "
        "{directives} directives",
    ),
    "cli.summary_dates": ("日期：{first} … {last}", "dates: {first} … {last}"),
    "cli.summary_rejected": ("{n}个输入未能导入：", "{n} rejected inputs:"),
    "cli.top_cited": ("引用最多的文件", "top cited documents"),
    "cli.top_officials": ("出现最多的人物", "top officials"),
    "cli.demo_ingested": (
        "已导入{added}份文件，{duplicates}份已存在，{rejected}份未能导入（原因见下）",
        "ingested {added} documents, {duplicates} already stored, {rejected} rejected (with reasons below)",
    ),
    "cli.demo_search": ("搜索“{query}”：显示{n}条", "search {query!r}: {n} shown"),
    "cli.demo_imported": (
        "已从示例台账导入{count}项任务到“{programme}”",
        "imported {count} tasks from the example sheet into {programme!r}",
    ),
    "cli.demo_milestone": ("  2.1 的节点 — {name}：{day}", "  milestone for 2.1 — {name}: {day}"),
    "cli.user_added": ("已添加用户 {name}（{role}{unit}）", "added {name} ({role}{unit})"),
    "cli.password_changed": ("已修改 {name} 的密码", "password of {name} changed"),
    "cli.role_changed": ("{name} 的角色已改为 {role}", "{name} is now {role}"),
    "cli.password_prompt": ("密码", "password"),
    "cli.wrote": ("已写入 {path}", "wrote {path}"),
    # --- office ---
    # status labels (luoshi.ledger.status): the office's own words for each status
    "status_label.done": ("已完成", "Done"),
    "status_label.done_late": ("逾期完成", "Done late"),
    "status_label.awaiting_closure": ("待销号", "Awaiting closure"),
    "status_label.overdue": ("逾期/红灯", "Overdue (red)"),
    "status_label.at_risk": ("滞后/黄灯", "At risk (yellow)"),
    "status_label.on_track": ("正常推进", "On track"),
    "status_label.not_started": ("未启动", "Not started"),
    "status_label.ongoing": ("长期推进", "Ongoing"),
    "status.awaiting_closure": (
        "牵头单位已于{on}报送完成（100%），待督查室审核销号",
        "the lead unit reported it complete (100%) on {on}; awaiting the office's closure (销号)",
    ),
    "status.awaiting_closure_request": (
        "牵头单位已于{on}提交办结申请，待督查室审核销号",
        "the lead unit asked for closure on {on}; awaiting the office's decision",
    ),
    "status.awaiting_closure_late": ("，晚于完成时限（{deadline}）", ", after the deadline {deadline}"),
    "task_state.draft": ("待确认", "proposed"),
    "task_state.active": ("推进中", "active"),
    "task_state.rejected": ("未采纳", "rejected"),
    "task_state.closed": ("已销号", "closed"),
    "request_kind.extension": ("延期申请", "extension request"),
    "request_kind.closure": ("办结申请", "closure request"),
    "decision.pending": ("待审批", "pending"),
    "decision.approved": ("已同意", "approved"),
    "decision.refused": ("不同意", "refused"),
    "decision.accepted": ("已销号", "closed"),
    "decision.returned": ("已退回", "returned"),
    "grade.优秀": ("优秀", "Excellent"),
    "grade.良好": ("良好", "Good"),
    "grade.合格": ("合格", "Pass"),
    "grade.不合格": ("不合格", "Fail"),
    # ledger rules (luoshi.ledger.service)
    "ledger.report_in_future": (
        "报送日期{on}晚于今天（{today}），不能预先报送",
        "the date {on} is after today ({today}): nothing can be reported in advance",
    ),
    "ledger.report_before_start": (
        "报送日期{on}早于任务开始日期（{start}）",
        "the date {on} is before the task started ({start})",
    ),
    "ledger.request_in_future": (
        "申请日期{on}晚于今天（{today}）",
        "the request date {on} is after today ({today})",
    ),
    "ledger.request_before_start": (
        "申请日期{on}早于任务开始日期（{start}）",
        "the request date {on} is before the task started ({start})",
    ),
    "ledger.decision_in_future": (
        "审批日期{on}晚于今天（{today}）",
        "the decision date {on} is after today ({today})",
    ),
    "ledger.decision_before_request": (
        "审批日期{on}早于申请日期（{requested}）",
        "the decision date {on} is before the request ({requested})",
    ),
    "ledger.empty_report": ("请填写进展情况", "write what was done"),
    "ledger.empty_title": ("任务名称不能为空", "a task needs a title"),
    "ledger.deadline_before_start": (
        "完成时限{deadline}早于任务开始日期（{start}）",
        "the deadline {deadline} is before the task started ({start})",
    ),
    "ledger.deadline_written": ("{year}年{month}月{day}日前", "by {year}-{month:02d}-{day:02d}"),
    "ledger.no_milestones": (
        "请至少写一个节点（名称和距完成时限的工作日数）",
        "give at least one milestone (a name and its working days before the deadline)",
    ),
    "ledger.bad_workdays": (
        "节点“{title}”的工作日数应为0–{max}之间的整数，而不是“{value}”",
        "milestone {title!r}: working days must be a whole number 0–{max}, not {value!r}",
    ),
    "ledger.milestone_line": (
        "第{line}行“{text}”无法识别（应为“节点名称 工作日数”，如“方案初稿 15”）",
        "line {line} {text!r} not understood (expected “NAME WORKDAYS”, e.g. “draft 15”)",
    ),
    "ledger.no_milestone": ("没有节点{id}", "no milestone {id}"),
    "ledger.request_state": (
        "任务{code}{state}，不能提交申请",
        "task {code} is {state}: no request can be made",
    ),
    "ledger.request_pending": (
        "任务{code}已有待审批的{kind}（{id}），请等待督查室处理",
        "task {code} already has a pending {kind} ({id}); wait for the office's decision",
    ),
    "ledger.extension_not_later": (
        "申请延至{new}，应晚于现在的完成时限（{deadline}）",
        "the requested deadline {new} must be after the current one ({deadline})",
    ),
    "ledger.closure_needs_report": (
        "办结申请须附办结报告（办理情况）",
        "a closure request needs its closing report",
    ),
    "ledger.grade_only_closure": (
        "只有同意办结（销号）时才评定等次",
        "a grade is given only when closing a task (销号)",
    ),
    "ledger.nothing_selected": ("请先勾选要处理的任务", "select the tasks first"),
    "ledger.reminder_in_future": (
        "催办日期{on}晚于今天（{today}）",
        "the reminder date {on} is after today ({today})",
    ),
    "ledger.reply_before_sent": (
        "回复期限{reply_by}早于催办日期（{on}）",
        "the reply-by date {reply_by} is before the reminder ({on})",
    ),
    "ledger.no_unit": ("没有名为“{name}”的单位", "no unit named {name!r}"),
    "ledger.reminder_not_unit_task": (
        "任务{code}不是{unit}牵头的任务",
        "task {code} is not led by {unit}",
    ),
    "ledger.reminder_nothing": (
        "{unit}目前没有需要催办的事项",
        "{unit} has nothing to be reminded of",
    ),
    "ledger.no_reminder": ("没有催办单{id}", "no reminder {id}"),
    # evidence files (luoshi.ledger.evidence)
    "evidence.none_given": ("请选择要上传的佐证材料", "choose the evidence files to upload"),
    "evidence.no_file": ("没有佐证材料{id}", "no evidence file {id}"),
    "evidence.missing_file": (
        "佐证材料“{name}”的文件不在存放目录{folder}中",
        "the file of {name!r} is missing from the evidence folder {folder}",
    ),
    "evidence.folder_unwritable": (
        "无法在{folder}保存佐证材料：{error}",
        "cannot keep evidence in {folder}: {error}",
    ),
    "evidence.bad_type": (
        "佐证材料“{name}”的类型（{suffix}）不在允许范围内（{allowed}），未保存",
        "{name!r}: files of type {suffix} are not accepted as evidence ({allowed}); not kept",
    ),
    "evidence.too_big": (
        "佐证材料“{name}”超过{limit} MB，未保存",
        "{name!r} is larger than {limit} MB; not kept",
    ),
    "evidence.empty": ("佐证材料“{name}”是空文件，未保存", "{name!r} is empty; not kept"),
    # the report (luoshi.ledger.report)
    "report.title": ("督查通报", "Supervision report"),
    "report.heading": ("督查通报：{programme}", "Supervision report: {programme}"),
    "report.all_tasks": ("全部事项", "all tasks"),
    "report.number": ("第{number}期", "No. {number}"),
    "report.number_draft": ("第{number}期（未发布）", "No. {number} (not issued)"),
    "report.date": ("{year}年{month}月{day}日", "{iso}"),
    "report.issued_by": ("{office}　{date}", "{office}, {date}"),
    "report.office_default": ("督查室", "Supervision office"),
    "report.summary": ("截至 {as_of}，共 {total} 项任务。", "As of {as_of}: {total} tasks."),
    "report.section": ("{title}（{n}）", "{title} ({n})"),
    "report.s.ranking": ("各单位办结情况及排名", "Completion by unit, ranked"),
    "report.s.by_unit": ("各单位任务状态", "Status by unit"),
    "report.s.trend": ("完成情况趋势", "Completion over time"),
    "report.s.overdue": ("逾期事项", "Overdue"),
    "report.s.at_risk": ("滞后事项", "At risk"),
    "report.s.due_soon": ("临期事项", "Due soon"),
    "report.s.awaiting": ("待销号事项", "Awaiting closure"),
    "report.s.recent": ("近期完成", "Recently completed"),
    "report.s.disagree": ("表内填报与研判不一致", "Where the sheet and the rules disagree"),
    "report.s.silent": ("未报送进展的单位", "Units that have not reported"),
    "report.s.changes": ("变化情况", "Changes"),
    "report.s.notes": ("说明", "Notes"),
    "report.changes_since_issue": ("与第{number}期（截至{as_of}）相比", "since No. {number} (as of {as_of})"),
    "report.changes_since_days": (
        "近{days}天（此前未发布通报）",
        "in the last {days} days (no earlier report issued)",
    ),
    "report.change_line": ("{field} {old} → {new}", "{field} {old} → {new}"),
    "report.none": ("无", "none"),
    "report.no_lead": ("（无牵头单位）", "(no lead unit)"),
    "report.col.rank": ("排名", "Rank"),
    "report.col.total": ("任务数", "Tasks"),
    "report.col.rate": ("办结率", "Completion rate"),
    "report.col.count": ("数量", "Count"),
    "report.col.flag": ("不一致", "Disagreement"),
    "report.rate_note": (
        "办结率＝已完成（含逾期完成）÷（任务数－长期推进事项）；按办结率从高到低、逾期事项从少到多排名。",
        "Completion rate = done (including late) ÷ (tasks − ongoing work); ranked by that rate, then by fewer "
        "overdue tasks.",
    ),
    "report.legend": ("图例", "Legend"),
    "report.axis_tasks": ("任务数", "Tasks"),
    "report.trend_key": ("各月末累计完成数（共{total}项）", "done by each month end (of {total})"),
    "report.said": ("，表内填报“{word}”", ", the sheet says “{word}”"),
    "report.task_line": (
        "{code} {title}（{lead}，时限 {deadline}{said}）：{rule}{flag}",
        "{code} {title} ({lead}, deadline {deadline}{said}): {rule}{flag}",
    ),
    "report.sheet.summary": ("汇总", "Summary"),
    "report.sheet.units": ("各单位", "Units"),
    "report.sheet.overdue": ("逾期", "Overdue"),
    "report.sheet.at_risk": ("滞后", "At risk"),
    "report.sheet.due_soon": ("临期", "Due soon"),
    "report.sheet.awaiting": ("待销号", "Awaiting closure"),
    "report.sheet.recent": ("近期完成", "Recently done"),
    "report.sheet.disagree": ("表内填报不一致", "Disagreements"),
    "report.sheet.silent": ("未报送单位", "Silent units"),
    "report.sheet.changes": ("变化情况", "Changes"),
    "report.needs_output": (
        "Excel 格式的通报需要指定输出文件（--output）",
        "the xlsx report needs an output file (--output)",
    ),
    "report.unknown_format": (
        "未知的格式“{fmt}”（md、html、xlsx、json）",
        "unknown format {fmt!r} (md, html, xlsx, json)",
    ),
    "report.written": ("已写入 {file}", "wrote {file}"),
    "office.actor_system": ("系统", "system"),
    "role.admin": ("管理员", "admin"),
    "role.supervisor": ("督查室", "supervisor"),
    "role.unit": ("责任单位", "unit member"),
    "role.viewer": ("只读", "viewer"),
    "evidence.unreadable": (
        "无法读取佐证材料{name}：{error}",
        "cannot read the evidence file {name}: {error}",
    ),
    "cli.at_risk": ("滞后", "at risk"),
    # the office's pages (luoshi.web.tasks)
    "office.my_tasks": ("我的任务", "My tasks"),
    "office.my_lead": ("本单位牵头的任务", "Tasks my unit leads"),
    "office.my_co": ("本单位配合的任务", "Tasks my unit supports"),
    "office.no_unit": ("该账号不属于任何单位", "this account belongs to no unit"),
    "office.n_tasks": ("{n}项任务", "{n} tasks"),
    "office.reminders_received": ("收到的催办单", "Reminders received"),
    "office.reminders": ("催办", "Reminders"),
    "office.to_remind": ("需要催办的单位", "Units to remind"),
    "office.sent_reminders": ("已发催办单", "Reminders sent"),
    "office.send_reminder": ("发出催办单", "Send a reminder"),
    "office.reply_by": ("回复期限", "Reply by"),
    "office.note": ("附言", "Note"),
    "office.number": ("编号", "Number"),
    "office.sent_on": ("催办日期", "Sent on"),
    "office.tasks": ("事项数", "Tasks"),
    "office.reminder_title": ("督查催办单", "Supervision reminder"),
    "office.reminder_number": ("催办〔{year}〕{number}号", "Reminder {year}/{number}"),
    "office.reminder_body": (
        "经督查，你单位牵头的以下{n}项任务需加快推进，请对照完成时限抓紧办理。",
        "The office's supervision found that the following {n} tasks your unit leads need to move faster; "
        "please act on them against their deadlines.",
    ),
    "office.reminder_reply": (
        "请于{date}前将办理情况书面报送督查室。",
        " Report in writing to the supervision office by {date}.",
    ),
    "office.seq": ("序号", "No."),
    "office.why": ("催办事由", "Reason"),
    "office.basis": ("依据", "Basis"),
    "office.print_hint": (
        "用浏览器的“打印”可打印或存为PDF",
        "print it, or save it as PDF, with the browser's Print",
    ),
    "office.reason.overdue": ("逾期未完成", "overdue"),
    "office.reason.at_risk": ("进度滞后", "behind schedule"),
    "office.reason.due_soon": ("临近完成时限", "deadline close"),
    "office.reason.awaiting_report": ("未按时报送进展", "no progress report for too long"),
    "office.no_lead_to_remind": ("该任务没有牵头单位，无法催办", "the task has no lead unit to remind"),
    "office.pending_requests": ("待审批", "To decide"),
    "office.requests": ("申请与审批", "Requests and decisions"),
    "office.kind": ("类型", "Kind"),
    "office.content": ("内容", "Content"),
    "office.decision": ("审批", "Decision"),
    "office.decided_on": ("审批日期", "Decided on"),
    "office.new_deadline": ("申请延至", "New deadline"),
    "office.reason": ("理由", "Reason"),
    "office.closure_report": ("办结报告（办理情况）", "Closing report"),
    "office.approve": ("同意延期", "Approve"),
    "office.refuse": ("不同意", "Refuse"),
    "office.close_task": ("销号", "Close (销号)"),
    "office.return": ("退回", "Return"),
    "office.grade": ("评定等次", "Grade"),
    "office.bad_decision": ("未知的审批结果", "unknown decision"),
    "office.state": ("办理状态", "State"),
    "office.start": ("开始日期", "Start"),
    "office.done_date": ("完成日期", "Completed"),
    "office.original_deadline": ("原完成时限", "original deadline"),
    "office.sheet_row": ("{file} 第{row}行", "{file} row {row}"),
    "office.hundred_hint": (
        "报送完成比例100%后，任务进入“待销号”，由督查室审核销号；办结请同时提交办结申请。",
        "A 100% report makes the task await closure (待销号) until the office closes it; ask for closure too.",
    ),
    "office.files_hint": (
        "可选多个文件，每个不超过{limit} MB",
        "several files allowed, each at most {limit} MB",
    ),
    "office.milestone": ("节点", "Milestone"),
    "office.due": ("计划完成", "Due"),
    "office.workdays": ("提前工作日", "Working days before"),
    "office.reached": ("实际完成", "Reached"),
    "office.mark_reached": ("标记完成", "Mark reached"),
    "office.schedule": ("倒排节点", "Schedule backwards"),
    "office.schedule_help": (
        "每行一个节点：名称和距完成时限的工作日数",
        "One milestone a line: its name and working days before the deadline",
    ),
    "office.schedule_example": ("方案初稿 15\n征求意见 10\n报批 3", "draft 15\nconsultation 10\napproval 3"),
    "office.file": ("文件", "File"),
    "office.size": ("大小", "Size"),
    "office.uploaded_by": ("上传人", "Uploaded by"),
    "office.no_evidence": ("暂无佐证材料", "No evidence yet"),
    "office.upload_evidence": ("上传佐证材料", "Upload evidence"),
    "office.edit": ("修改任务", "Edit the task"),
    "office.title": ("任务名称", "Title"),
    "office.save": ("保存", "Save"),
    "office.units_hint": ("多个单位用“、”分隔", "separate units with 、 or commas"),
    "office.deadline_hint": (
        "修改即更正完成时限（记入操作记录）；单位申请延期请走延期申请",
        "changing it corrects the deadline (kept in the history); units ask for more time by an extension request",
    ),
    "office.saved": ("已保存", "Saved"),
    "office.unchanged": ("没有改动", "Nothing changed"),
    "office.bad_date": ("“{value}”不是有效日期（应为 YYYY-MM-DD）", "{value!r} is not a date (YYYY-MM-DD)"),
    "office.needs_programme": ("请填写台账名称", "name the programme"),
    "office.no_format": ("没有“{fmt}”格式的通报", "no report format {fmt!r}"),
    "office.done.progress": ("已报送进展", "Progress reported"),
    "office.done.evidence": ("已上传{n}个佐证材料", "{n} evidence files uploaded"),
    "office.done.extension": ("已提交延期申请，待督查室审批", "Extension requested; the office will decide"),
    "office.done.closure": ("已提交办结申请，待督查室销号", "Closure requested; the office will decide"),
    "office.done.decided": ("已审批", "Decided"),
    "office.done.scheduled": ("已倒排{n}个节点", "{n} milestones scheduled"),
    "office.done.proposed": ("已生成{n}项待确认任务", "{n} tasks proposed"),
    "office.done.accepted": ("已采纳{n}项任务", "{n} tasks accepted"),
    "office.done.rejected": ("已不采纳{n}项任务", "{n} tasks rejected"),
    "office.done.issued": ("已发布第{number}期", "Issued as No. {number}"),
    "office.review": ("待确认任务审核", "Review proposed tasks"),
    "office.the_document": ("来源文件", "document"),
    "office.review_hint": (
        "可先修改名称、牵头单位、配合单位和完成时限，再勾选后采纳或不采纳；点原文可回到文件中的那句话。",
        "Edit title, lead unit, co-units and deadline first, then accept or reject the ticked ones; the sentence "
        "links back to the document.",
    ),
    "office.save_edits": ("保存修改", "Save edits"),
    "office.accept_selected": ("采纳所选", "Accept selected"),
    "office.reject_selected": ("不采纳所选", "Reject selected"),
    "office.no_proposals": ("没有待确认任务", "No proposed tasks"),
    "office.decided_tasks": ("已处理的任务", "Decided"),
    "office.confirm": ("确认", "Confirm"),
    "office.confirm_accept": ("确认采纳以下{n}项任务？", "Accept these {n} tasks?"),
    "office.confirm_reject": ("确认不采纳以下{n}项任务？", "Reject these {n} tasks?"),
    "office.back_to_edit": ("返回修改", "Back"),
    "office.office_name": ("发文单位", "Issuing office"),
    "office.issue_report": ("发布为第{number}期", "Issue as No. {number}"),
    # who may (luoshi.web.permissions)
    "perm.task.read": ("无权查看该任务", "you may not read this task"),
    "perm.task.report": (
        "只有牵头单位或督查室可以报送进展",
        "only the lead unit or the office may report progress",
    ),
    "perm.task.evidence": (
        "只有牵头单位或督查室可以上传佐证材料",
        "only the lead unit or the office may upload evidence",
    ),
    "perm.task.evidence.read": (
        "只有督查室和该任务的牵头、配合单位可以查看佐证材料",
        "only the office and the task's lead and co-operating units may read its evidence",
    ),
    "perm.task.request": (
        "只有牵头单位可以提交延期或办结申请",
        "only the lead unit may ask for an extension or closure",
    ),
    "perm.task.milestone.done": (
        "只有牵头单位或督查室可以标记节点完成",
        "only the lead unit or the office may mark milestones",
    ),
    "perm.task.decide": ("只有督查室可以审批申请和销号", "only the office decides requests and closes tasks"),
    "perm.task.edit": ("只有督查室可以修改任务", "only the office may edit tasks"),
    "perm.task.schedule": ("只有督查室可以倒排节点", "only the office schedules milestones"),
    "perm.reminder.send": ("只有督查室可以发出催办单", "only the office sends reminders"),
    "perm.reminder.read": (
        "只有督查室和被催办单位可以查看催办单",
        "only the office and the unit reminded may read it",
    ),
    "perm.proposal.review": ("只有督查室可以审核待确认任务", "only the office reviews proposed tasks"),
    "perm.report.read": ("无权查看督查通报", "you may not read the report"),
    "perm.report.issue": ("只有督查室可以发布通报", "only the office issues reports"),
    # the history of a task, in words
    "audit.task.create": ("新建任务", "created"),
    "audit.task.update": ("更新", "updated"),
    "audit.task.edit": ("督查室修改任务", "edited by the office"),
    "audit.task.accept": ("采纳", "accepted"),
    "audit.task.reject": ("不采纳", "rejected"),
    "audit.progress.report": ("报送进展", "progress reported"),
    "audit.request.extension-request": ("提交延期申请", "extension requested"),
    "audit.request.extension-approved": ("同意延期", "extension approved"),
    "audit.request.extension-refused": ("不同意延期", "extension refused"),
    "audit.request.closure-request": ("提交办结申请", "closure requested"),
    "audit.request.closure-accepted": ("销号", "closed"),
    "audit.request.closure-returned": ("退回办结申请", "closure returned"),
    "audit.milestone.create": ("倒排节点", "milestone scheduled"),
    "audit.milestone.update": ("调整节点", "milestone moved"),
    "audit.milestone.done": ("节点完成", "milestone reached"),
    "audit.evidence.add": ("上传佐证材料", "evidence uploaded"),
    "audit.reminder.send": ("发出催办单", "reminder sent"),
    "field.title": ("任务名称", "title"),
    "field.lead_unit": ("牵头单位", "lead unit"),
    "field.lead_unit_id": ("牵头单位", "lead unit"),
    "field.co_units": ("配合单位", "co-operating units"),
    "field.deadline_text": ("完成时限（原文）", "deadline as written"),
    "field.original_deadline": ("原完成时限", "original deadline"),
    "field.state": ("办理状态", "state"),
    "field.done_date": ("完成日期", "completed"),
    "field.grade": ("等次", "grade"),
    "field.decision": ("审批结果", "decision"),
    "field.date": ("日期", "date"),
    "field.text": ("内容", "text"),
    "field.new_deadline": ("申请延至", "new deadline"),
    "field.kind": ("类型", "kind"),
    "field.name": ("文件", "file"),
    "field.size": ("大小（字节）", "size (bytes)"),
    "field.due": ("计划完成", "due"),
    "field.workdays_before_deadline": ("提前工作日", "working days before"),
    "field.reason": ("事由", "reason"),
    "field.reply_by": ("回复期限", "reply by"),
    "field.number": ("编号", "number"),
    "field.evidence": ("佐证材料", "evidence"),
    "field.code": ("序号", "code"),
    "field.measures": ("具体举措", "measures"),
    "field.start_date": ("开始日期", "start"),
    "field.status_text": ("表内状态", "sheet status"),
    "field.notes": ("备注", "notes"),
    "field.area": ("方面", "area"),
    "field.leader": ("责任领导", "leader"),
    "field.contact": ("联系人", "contact"),
    "field.seq_text": ("序号（原文）", "number as written"),
    "field.sheet_date": ("表内日期", "sheet date"),
    # --- office ---
    "audit.evidence.delete": ("删除佐证材料", "evidence deleted"),
    "field.file": ("文件编号", "file number"),
    "perm.task.evidence.delete": (
        "只有上传该材料的单位（任务办理期间）或督查室可以删除佐证材料",
        "only the unit it was uploaded for (while the task is active) or the office may delete evidence",
    ),
    "office.delete_evidence": ("删除", "Delete"),
    "office.delete_evidence_named": ("删除佐证材料“{name}”", "Delete the evidence file {name}"),
    "office.done.evidence_deleted": ("已删除佐证材料", "Evidence file deleted"),
    "cli.bad_milestone": ("“{item}”应写作 节点名称=工作日数", "{item!r}: expected NAME=WORKDAYS"),
    "rules.unknown": (
        "没有名为“{name}”的状态规则（可选：{presets}）",
        "unknown rules preset {name!r} (one of {presets})",
    ),
    "web.too_many_logins": (
        "登录失败次数过多，请几分钟后再试",
        "too many failed logins; try again in a few minutes",
    ),
    "web.wrong_password": ("原密码错误", "wrong password"),
    "web.not_a_number": ("“{value}”不是数字", "{value!r} is not a number"),
    "web.no_export_format": ("没有“{fmt}”格式的导出", "no export format {fmt!r}"),
    "web.no_cited_document": ("没有被引文件{id}", "no cited document {id}"),
    "web.viewer_read_only": ("只读用户不能修改任何内容", "viewers cannot change anything"),
    "web.supervisors_only": ("只有督查室和管理员可以执行此操作", "only supervisors and admins may do this"),
    "web.no_report_role": ("当前角色无权查看督查通报", "no role that may read the report"),
    "web.import_supervisors_only": (
        "只有督查室和管理员可以导入台账",
        "only supervisors and admins may import",
    ),
    "web.upload_supervisors_only": (
        "只有督查室和管理员可以上传文件",
        "only supervisors and admins may upload documents",
    ),
    "report.list_shown": (
        "共{total}项，此处列出前{shown}项；完整清单见下载的 Excel 或 HTML 版",
        "{total} in all, the first {shown} shown here; the downloaded Excel or HTML has every one",
    ),
    "office.reason_more": ("……另有{n}项{reason}", "… and {n} more {reason}"),
    "web.bad_csrf": (
        "表单令牌缺失或已失效，请刷新页面后重试",
        "missing or wrong CSRF token; reload the page",
    ),
    # --- search ---
    "search.total_about": (
        "约 {total} 份文件匹配（按最新的匹配估计）",
        "about {total} documents match (estimated from the newest matches)",
    ),
    # --- webspeed ---
    "people.appearances_shown": (
        "共{total}份，第{first}至{last}份",
        "{total} in all, {first} to {last} shown",
    ),
    "people.evidence_shown": (
        "共{total}份，此处列出前{shown}份；每一份都在“出现的文件”中",
        "{total} in all, the first {shown} listed here; every one is under “Appears in”",
    ),
    # --- session7 ---
    "store.rows_backend": (
        "文件的行按 {built} 数据库构建，而本库是 {store}：未写入",
        "rows built for {built}, the store is {store}: nothing written",
    ),
    # --- pgwriter3 ---
    "store.empty_lexeme": (
        "PostgreSQL 检索词中有空词（检索词以单个空格分隔）",
        "an empty lexeme among the PostgreSQL search terms (terms are separated by single spaces)",
    ),
}

_CHOSEN: dict[str, str] = {}
# The language of the request being answered (the web sets it per request; threads started for
# the request copy it): it wins over the process's choice.
_REQUEST_LANG: ContextVar[str | None] = ContextVar("luoshi_request_lang", default=None)


@contextmanager
def using_language(lang: str) -> Iterator[None]:
    """Everything said inside the ``with`` block (in this task or thread) is in ``lang``."""
    token = _REQUEST_LANG.set("en" if lang.lower().startswith("en") else "zh")
    try:
        yield
    finally:
        _REQUEST_LANG.reset(token)


def set_language(lang: str | None) -> None:
    """``zh`` or ``en`` for everything said after this call in this process; None goes back to
    ``LUOSHI_LANG`` (else zh)."""
    if lang is None:
        _CHOSEN.pop("lang", None)
    else:
        _CHOSEN["lang"] = "en" if lang.lower().startswith("en") else "zh"


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """``set_language(lang)`` for the block only (a Dask worker answering a client's task)."""
    before = _CHOSEN.get("lang")
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def language() -> str:
    """The language chosen by ``set_language``, else ``en`` when LUOSHI_LANG asks for English,
    else ``zh``. Inside ``using_language`` that language."""
    if (request := _REQUEST_LANG.get()) is not None:
        return request
    if "lang" in _CHOSEN:
        return _CHOSEN["lang"]
    return "en" if os.environ.get("LUOSHI_LANG", "").lower().startswith("en") else "zh"


def message(key: str, /, lang: str | None = None, **params: object) -> str:
    """The sentence ``key`` in ``lang`` (default: ``language()``), with ``params`` filled in."""
    return message_in(lang or language(), key, params)


def message_in(lang: str, key: str, params: Mapping[str, object] | None = None) -> str:
    """The sentence ``key`` in ``lang`` (``zh`` or ``en``), with ``params`` filled in."""
    zh, en = MESSAGES[key]
    template = en if lang == "en" else zh
    return template.format(**params) if params else template
