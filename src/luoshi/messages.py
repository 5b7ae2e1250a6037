"""The message catalogue: every sentence luoshi says to a user from below the web layer (store and
command-line failures, reasons an input was rejected, warnings about an input that was kept, the
ledger's status reasons and import messages). Chinese (zh-CN) by default, English when
``LUOSHI_LANG=en`` or after ``set_language("en")``. Each key holds (zh, en) templates formatted with
``str.format``. This module imports nothing of luoshi, so every layer may use it; the web pages'
words (``luoshi.web.i18n``) fall back to it, so one sentence is written once."""

from __future__ import annotations

import os
from collections.abc import Mapping

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
}

_CHOSEN: dict[str, str] = {}


def set_language(lang: str) -> None:
    """``zh`` (default) or ``en``, for everything said after this call in this process."""
    _CHOSEN["lang"] = "en" if lang.lower().startswith("en") else "zh"


def language() -> str:
    """The language chosen by ``set_language``, else ``en`` when LUOSHI_LANG asks for English,
    else ``zh``."""
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
