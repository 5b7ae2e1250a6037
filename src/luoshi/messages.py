"""The message catalogue for what the services and the command line tell a user: Chinese (zh-CN)
by default, English when ``LUOSHI_LANG=en``. The web pages' words (``luoshi.web.i18n``) fall back
to it, so one sentence is written once. No imports from luoshi: every layer may use it."""

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
}


def language() -> str:
    """``en`` when LUOSHI_LANG asks for English, else ``zh``."""
    return "en" if os.environ.get("LUOSHI_LANG", "").lower().startswith("en") else "zh"


def message(key: str, **params: object) -> str:
    """The sentence ``key`` in the user's language (``language()``), with ``params`` filled in."""
    return message_in(language(), key, params)


def message_in(lang: str, key: str, params: Mapping[str, object] | None = None) -> str:
    """The sentence ``key`` in ``lang`` (``zh`` or ``en``), with ``params`` filled in."""
    zh, en = MESSAGES[key]
    return (en if lang == "en" else zh).format(**(params or {}))
