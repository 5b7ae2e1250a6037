"""Persons and their posts.

Names are found only where the genre anchors them: after a post ("市委书记孟凡利"), in a list
after a qualifier ("市领导郑红波、王守睿"), at the head of a clause before an action verb
("李希强调"), or as the object of an appointment ("任命孟凡利为"). A name runs from a known
surname to where the text visibly moves on (punctuation or a following word such as 主持/出席/在),
which is what tells "覃伟中主持" from "覃伟". Bylines and doctrinal references are left out."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from luoshi.extract.gazetteer import name_elements, post_heads, post_heads_after_name, surnames
from luoshi.extract.scan import occurrences, word_pattern
from luoshi.model import Person, Role, Span

# Words that may follow a name directly and so mark where it ends.
FOLLOW_WORDS = tuple(
    sorted(
        """主持 出席 参加 强调 指出 讲话 表示 要求 说 在 和 与 及 同 等 到 来到 前往 深入 调研 考察
        视察 率 带队 一行 代表 宣读 通报 介绍 听取 会见 会同 陪同 分别 先后 也 都 是 为 作 对 向 就
        的 了 同志 书记 市长 省长 区长 主任 主席 局长 部长 副 共同 一起 还 则 再 亲切 详细 认真 充分
        总书记 汇报 首先 随后 应邀 致辞 致 所 被 辞去 代理 于 担任 兼任 任 当选 指出 希望 感谢 详细 对此 看望
        慰问 察看 走访 提出 主讲 回答 围绕 结合 肯定 总结 部署 传达 宣布 作了 发表 率队 任职 职务
        讲 答 问 认为 透露 介绍 实地 来 赴 乘 亲临 带领 同时 以 据 今天 今日 昨天 昨日 日前 近日 上午 下午
        通过 走进 检查 督导 会晤 签署 颁发 发言 讲授 解读 召开 对接 座谈 交流 一同 以及 均 从 将 已 曾 把
        给 跟 现场 专程 带头 牵头 分管 协管 负责 主抓 出任 接任 调任 当选为 兼 作出 批示 点评 寄语
        列席 就座 莅临 与会 参会 到会 透过 藉此""".split()
        + list(post_heads_after_name()),
        key=len,
        reverse=True,
    )
)


def _by_first_character(words: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Words grouped by their first character: ``s.startswith(group, i)`` then tests a handful
    of words instead of hundreds."""
    groups: dict[str, tuple[str, ...]] = {}
    for word in words:
        groups[word[0]] = (*groups.get(word[0], ()), word)
    return groups


_FOLLOW_BY_FIRST = _by_first_character(FOLLOW_WORDS)
BOUNDARY_CHARS = set("，,。．.；;：:、！!？?（()）“”\"'‘’《》〈〉「」『』【】[]\n\t …—-·/／|　 ")
NOT_GIVEN = set(
    "的了在和与及等是为对向就也都说会议市省区县委记席局厅院处署党政府出参持讲指示要求调研到深入"
    "代宣通听见陪则再将已被把从由各该其此这那我他她们个项年日时"
)
# Common words that start with a surname character; never names.
NOT_NAMES = set(
    """任务 任何 全面 全市 全省 全会 全国 全体 全力 高度 高水平 高标准 高质量 方面 方案 时代 时期
    时间 时刻 明确 文件 文化 安全 安排 严格 常委 常务 平台 华侨 周年 于是 关于 关键 关心 关注
    成效 成果 成为 成立 向前 向好 和谐 和平 国家 国务 国际 国内 水平 海南 海关 江门 黄埔 龙岗 龙华
    金融 宁夏 温州 万亿 程序 张力 公共 公司 公开 公平 公安 公众 公园 公布 单位 南方 南北 南沙 南山
    于此 党中 党委 党组 党工 党建 党员 通知 林业 牛市 司法 华南 华北 应急 宋体 明年 时任 常住 乐于
    谈判 简要 简称 齐心 齐抓 强化 强调 强大 强劲 支持 支撑 支付 易于 路线 路径 连续 尚未 毕业 严守
    沙头 解决 解放 解读 谷歌 甘肃 景区 景观 管理 管控 章程 苏州 柳州 余万 余家 余名 余项 余个 汤圆
    庞大 柏林 包括 包容 包含 席位 项目 项链 晋升 那里 冷静 冯氏 邓氏 卫生 卫星 贺信 贺电 信心 信息
    信用 信任 相关 相互 相应 初步 初心 门户 云端 云计 容易 敬请 来自 来访 来宾 来到 都市 都是 普遍
    普惠 浦东 浦江 宣传 宣布 伏笔 鲜明 印发 隆重 战略 战斗 危机 危险 巫山 尤其 阳光 时尚 穆斯 农业
    农村 农民 卓越 古代 吉祥 车辆 车站 项目 连接 麦当 戚继 景德 党史 宫殿 费用 卜算 冷链 米兰 柏树
    宗旨 桂林 全部 应用 应对 应该 边境 边界 姬路 师生 师资 和睦 仇恨 商务 商业 商会 沙漠 荣获 荣誉
    桑拿 郎朗 甄别 丛书 仲裁 虞山 敖包 明显 明天 明日 佘山 池州 查处 查看 麻烦 苑囿 迟到 官员 官方
    封闭 谈话 匡正 惠及 惠州 乐观 冀望 郁闷 胥吏 班子 储备 原则 原来 燕山 楚雄 劳动 皮革 楼宇 满意
    闻名 位于 厉行 伊始 海外 海洋 海上 海峡 权力 权益 强国 帅气 屠宰 豆浆 练习 廉洁 禹州 井冈 祖国
    漆器 巴西 丰富 支部 卿相 国有 平安 计划 索引 宣讲 晋江 相比 初期 门槛 云南 容量 敬老 来源 扈从
    芮城 都会 普及 戈壁 伏击 鹿港 薄弱 邸报 辜负 羊城 阿里 乌鲁 母亲 修改 修订 杭州 况且 那些 宿舍
    逯家 隆起 茹苦 诸多 战线 慕名 危房 玉石 银行 公司 揭阳 揭牌 干部 干事 但是 斯坦 元宵 束缚 衣食
    信念 展开 展示 阴影 智能 智慧 幸福 奉献 植树 衡量 富有 尧舜 闭幕 由于 于今 夏季 金额 石油 黎明
    龙头 史上 段落 钟点 钱包 洪水 武装 武汉 戴维 莫斯 孔子 向着 汤加 常态 温度 康复 施工 文明 牛奶
    樊篱 葛藤 邢台 安徽 齐鲁 易懂 乔迁 伍佰 庞然 颜色 倪匡 庄严 聂耳 章节 鲁迅 岳阳 翟理 殷切 詹姆
    申请 申报 欧洲 欧盟 耿直 关系 兰州 焦点 俞敏 左右 柳树 甘露 祝贺 包装 宁静 尚且 符合 舒适 阮籍
    柯林 纪律 纪念 纪委 梅州 童年 凌晨 毕竟 单独 季度 裴多 霍乱 涂料 成都 苗头 谷物 盛会 曲折 翁源
    冉冉 骆驼 蓝图 路上 游客 辛苦 靳州 管道 柴油 蒙古 鲍鱼 华为 喻为 祁连 蒲公 房地 房屋 滕王 屈服
    饶平 解除 牟利 艾滋 尤为 阳江 时候 穆棱 农产 司长 卓有 古城 吉林 缪斯 简化 车间 项下 连日 芦苇
    常任 常驻 常设 首席 执行 候任 候补 候选 代理 巡视 专职 兼职 挂职 纳入 纳税 纳米 纳新 纳凉""".split()
)


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    posts: list[tuple[str, int, int]]


def _is_boundary(s: str, i: int) -> bool:
    if i >= len(s):
        return True
    c = s[i]
    if c in BOUNDARY_CHARS or not "\u4e00" <= c <= "\u9fff":
        return True
    return s.startswith(_FOLLOW_BY_FIRST.get(c, ()), i)


# Characters that never end a three-character name (they end words of the genre instead).
_NEVER_LAST = set("的了们个项年月日时等会议市省区县委记席局厅院处署长部党政府")
# Characters of function words that, after a two-character name, start what follows it ("王伟也出席",
# "李明在主持"): a third character of this kind is not read as part of the name.
_FUNCTION_CHARS = set("也都还则再均亦又已曾将就才便并等同和与及在到对向从把被让给以于所率的了是")
# Characters in _NEVER_LAST that do end given names ("松年") where the name is followed by
# punctuation or a plain verb.
_MAY_END = set("年")
_DOTS = "·•・‧"
_DOTTED = re.compile(r"[\u4e00-\u9fff]{1,8}[·•・‧][\u4e00-\u9fff]{1,10}")
# One-character words that end a dotted name; the others (都, 来…) are common syllables of
# transliterations ("阿不都克力木").
_DOTTED_ENDS = set("在和与及等同为对向是的了也说率")


def _dotted_name_at(s: str, i: int) -> tuple[int, int] | None:
    """A transliterated name with a middle dot ("艾尔肯·吐尼亚孜"), ending where the text moves on:
    punctuation, a word of two or more characters (出席, 主持…) or a one-character word of
    _DOTTED_ENDS."""
    m = _DOTTED.match(s, i)
    if not m:
        return None
    dot = max(s.rfind(c, i, m.end()) for c in _DOTS)
    if _HEADS.search(s, i, dot):
        return None  # "自治区主席艾尔肯·…": a post, then the name (read after the post)
    for end in range(dot + 3, m.end() + 1):  # the shortest run that ends where the text moves on
        if _is_hard_stop(s, end) or s[end] in _DOTTED_ENDS or _strong_word_at(s, end):
            return i, end
    return None


def _strong_word_at(s: str, i: int) -> bool:
    """A following word of two or more characters that is not a post ("主持", "出席", "同志"):
    where it follows, a name plainly ends."""
    return i < len(s) and s.startswith(_STRONG_BY_FIRST.get(s[i], ()), i)


_ELEMENTS_BY_FIRST = _by_first_character(name_elements())
# Following words of two or more characters that are not posts: a name plainly ends before them.
_STRONG_BY_FIRST = _by_first_character(
    tuple(w for w in FOLLOW_WORDS if len(w) > 1 and w not in frozenset(post_heads_after_name()))
)


def _unsurnamed_name_at(s: str, i: int, strict_end: bool = True) -> tuple[int, int] | None:
    """A name written without a surname: two or three elements of ``name_elements.txt`` in a row
    ("格桑央金", "那顺孟和"), ending where the text moves on."""
    end, count, n = i, 0, len(s)
    while count < 3 and end < n:
        # (the first element that starts here; a loop, not a generator: most characters start none)
        for element in _ELEMENTS_BY_FIRST.get(s[end], ()):
            if s.startswith(element, end):
                break
        else:
            break
        end, count = end + len(element), count + 1
    if count < 2 or (strict_end and not _is_boundary(s, end)):
        return None
    return i, end


def _is_hard_stop(s: str, i: int) -> bool:
    return i >= len(s) or s[i] in BOUNDARY_CHARS or not "\u4e00" <= s[i] <= "\u9fff"


def name_at(s: str, i: int, strict_end: bool = True, dots: bool = True) -> tuple[int, int] | None:
    """The span of a personal name starting at ``i``, or None. ``dots=False`` where the caller
    knows that ``s`` holds no middle dot (then no name with one is looked for: the same answer)."""
    n = len(s)
    if i < 0 or i >= n:
        return None
    if dots and _DOT.search(s, i, i + 9):  # a middle dot in the nine characters from i
        dotted = _dotted_name_at(s, i)
        if dotted:
            return dotted
    first = s[i]
    if first in _SINGLE:
        # "秘书长姜有为，": a name that runs to punctuation is read whole, even where its last
        # character could also be a following word (为, 和…); likewise before a plain verb
        # ("市长向东来主持", "省长韩松年主持"), unless that character starts a function word
        # ("王伟也出席"). (The tests of _is_hard_stop and _strong_word_at at i + 3 written out:
        # this runs some forty times a readout.)
        if i + 3 <= n:
            g1, g2 = s[i + 1], s[i + 2]
            if (
                "\u4e00" <= g1 <= "\u9fff"
                and "\u4e00" <= g2 <= "\u9fff"
                and g1 not in NOT_GIVEN
                and (g2 not in _NEVER_LAST or g2 in _MAY_END)
            ):
                if i + 3 < n:
                    after = s[i + 3]
                    before_verb = s.startswith(_STRONG_BY_FIRST.get(after, ()), i + 3)
                    hard_stop = after in BOUNDARY_CHARS or not "\u4e00" <= after <= "\u9fff"
                else:
                    before_verb, hard_stop = False, True
                if (
                    (hard_stop or before_verb)
                    and not (before_verb and g2 in _FUNCTION_CHARS)
                    and s[i : i + 2] not in NOT_NAMES
                    and s[i + 1 : i + 3] not in NOT_NAMES
                ):
                    return i, i + 3
    elif s[i : i + 2] not in _COMPOUND:
        return _unsurnamed_name_at(s, i, strict_end)
    for sur_len in (2, 1):
        if (sur_len == 2 and s[i : i + 2] not in _COMPOUND) or (sur_len == 1 and first not in _SINGLE):
            continue
        for given in (1, 2):
            end = i + sur_len + given
            if end > n:
                break
            c = s[end - 1]  # the given-name character this length adds
            if c in NOT_GIVEN or not "\u4e00" <= c <= "\u9fff":
                break
            if s[i:end] in NOT_NAMES:
                continue
            if not strict_end or _is_boundary(s, end):
                return i, end
    return None


_SINGLE, _COMPOUND = surnames()


_HEADS = word_pattern(post_heads())
_HEAD_SET = frozenset(post_heads())
_HEAD_LENGTHS = sorted({len(h) for h in _HEAD_SET})
_HEADS_BY_FIRST = _by_first_character(post_heads())


def _ends_with_head(segment: str) -> bool:
    size = len(segment)
    for n in _HEAD_LENGTHS:  # (ascending)
        if n > size:
            return False
        if segment[-n:] in _HEAD_SET:
            return True
    return False


def _head_at(s: str, i: int) -> bool:
    return i < len(s) and s.startswith(_HEADS_BY_FIRST.get(s[i], ()), i)


# Words before a post that are not part of it. The one-character ones (由, 向…) not where they
# are parts of words (自由贸易试验区, 经济技术开发区, 对外联络部, 依据).
_LEAD_NOISE_WORDS = (
    r"认真落实|贯彻落实|落实|会见了?|陪同|会同|邀请|听取了?|看望|慰问|率领|带领|以及|任命|免去|"
    r"决定|其中|包括|还有|(?<=的)有|传达学习|学习贯彻|传达|学习|接受|时任|现任|新任|原任|感谢|欢迎|(?<![面方导走动意去取志倾])向|(?<![自理缘经])由|"
    r"(?<![财政神途历已曾])经(?![济贸营信发开管纪])|(?<![依根数证])据|对(?![外台口])"
)
_LEAD_NOISE = re.compile(rf"^.*?(?:{_LEAD_NOISE_WORDS})(?=[^、]{{2,}})")
# The same, as a search for the first of the words (what the lazy ".*?" above finds): with each
# lookbehind moved after the character it guards, every alternative starts with a literal and the
# engine skips ahead to them instead of trying thirty words at each position. Only for text
# without line breaks, which "." does not cross.
_LEAD_NOISE_SEARCH = re.compile(
    "(?:"
    + re.sub(r"\(\?<([=!])(\[[^]]+\]|[^)]+)\)(.)", r"\3(?<\1\2\3)", _LEAD_NOISE_WORDS)
    + r")(?=[^、]{2,})"
)
# "文/图" mark a byline only with their separator ("文/张三", "图：李四"): elsewhere they are parts
# of words ("社会文化司司长区伟明", "市文化广电旅游局局长…").
_BYLINE_NAMES = r"\s*((?:[\u4e00-\u9fff]{2,4}[、\s]*){1,4})"
_BYLINE = re.compile(
    r"(?:记者|通讯员|摄影|编辑|责编|责任编辑|作者|撰文|实习生|全媒体记者|融媒体记者)\s*[/／:：]?"
    + _BYLINE_NAMES
)
# (The lookbehind follows the first character so that the engine can scan for 文/图 quickly.)
_BYLINE_SHORT = re.compile(
    r"[文图](?<![\u4e00-\u9fff][文图])(?:\s*[/／]\s*[文图])?\s*[/／:：]" + _BYLINE_NAMES
)
_BYLINE_SHOT = re.compile(r"[（(]\s*([\u4e00-\u9fff]{2,4}(?:[、\s][\u4e00-\u9fff]{2,4})*)\s*摄\s*[）)]")
_ATTENDED_BY = r"[\u4e00-\u9fff]{0,6}?的(?:还|领导|同志)?有"
# (Each alternative starts with a literal, in the order of "(?:出席|参加|列席|陪同)…": the engine
# skips ahead to their first characters.)
_LIST_QUALIFIER = re.compile(
    rf"(?:领导同志|负责同志|负责人|出席{_ATTENDED_BY}|参加{_ATTENDED_BY}|列席{_ATTENDED_BY}|陪同{_ATTENDED_BY}"
    r"|还有|嘉宾|领导|委员|代表)[：:]?(?=[\u4e00-\u9fff])"
)
_CLAUSE_VERBS = re.compile(
    r"主持|出席|强调|指出|讲话|表示|要求|会见|调研|带队|率队|率领|一行|宣读|通报|充分肯定|听取|来到|前往|"
    r"察看|考察|视察|致辞|作报告|在会上|在闭幕会|在开幕会|代表|介绍|说|认为"
)
# A clause that starts with a would-be name (2-4 characters) and then a verb or a title: only those
# positions are worth a closer look. The pattern consumes the punctuation before the clause (a
# character class first lets the engine skip ahead quickly); the text's own start is tried apart.
_TITLE_AFTER = word_pattern(post_heads_after_name())
# The first characters of those titles: where the character after a name is none of them, no
# title follows (one set look-up instead of a call of the regex engine).
_TITLE_FIRST = frozenset(w[0] for w in post_heads_after_name())
# (Verbs and titles as one trie: inside the lookahead only whether one follows matters, and the
# engine tries one branch per character instead of thirty words at each of three name lengths.)
# Rule 3 reads a name at a clause start (``name_at``), which begins with a surname, an element of
# a name without one, or has a middle dot within nine characters: other starts are left out
# first (three clause starts in four, in readouts), which changes no person found.
_NAME_FIRST = "".join(sorted({*surnames()[0], *(c[0] for c in surnames()[1]), *_ELEMENTS_BY_FIRST}))
_CLAUSE_HEAD = (
    f"(?=[{re.escape(_NAME_FIRST)}]|[^{_DOTS}]{{0,8}}+[{_DOTS}])"
    r"(?=(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,5}[·•・‧][\u4e00-\u9fff]{1,8}?)"
    + word_pattern([*_CLAUSE_VERBS.pattern.split("|"), *post_heads_after_name()]).pattern
    + ")"
)
_NAME_FIRST_SET = frozenset(_NAME_FIRST)
_DOT = re.compile(f"[{_DOTS}]")


def _may_start_name(s: str, i: int) -> bool:
    """Whether ``name_at(s, i)`` can find a name: its first character as above."""
    return i < len(s) and (s[i] in _NAME_FIRST_SET or _DOT.search(s, i, i + 9) is not None)


# _CLAUSE_HEAD for a text without a middle dot: the alternatives that need one left out (they
# cannot match there), so that a clause start that no name can begin fails on one test.
# A second test before the trie: the first character of one of its words two to four characters
# on (the trie is tried at each of the three places, one branch per first character, ~100 of them).
_CLAUSE_WORDS = [*_CLAUSE_VERBS.pattern.split("|"), *post_heads_after_name()]
_CLAUSE_VERB_FIRST = frozenset(w[0] for w in _CLAUSE_VERBS.pattern.split("|"))  # (as _TITLE_FIRST)
_CLAUSE_WORD_FIRST = re.escape("".join(sorted({w[0] for w in _CLAUSE_WORDS})))
_CLAUSE_HEAD_UNDOTTED = (
    f"(?=[{re.escape(_NAME_FIRST)}])(?=[\u4e00-\u9fff]{{2,4}}[{_CLAUSE_WORD_FIRST}])"
    f"(?=[\u4e00-\u9fff]{{2,4}}{word_pattern(_CLAUSE_WORDS).pattern})"
)
_CLAUSE_PUNCTUATION = r"[，,。；;：:、\n “”\"《》！？!?「」（( 　]"
_CLAUSE_START = re.compile(_CLAUSE_PUNCTUATION + _CLAUSE_HEAD)
_TEXT_START = re.compile(_CLAUSE_HEAD)
_CLAUSE_START_UNDOTTED = re.compile(_CLAUSE_PUNCTUATION + _CLAUSE_HEAD_UNDOTTED)
_TEXT_START_UNDOTTED = re.compile(_CLAUSE_HEAD_UNDOTTED)


def _has_dots(s: str) -> bool:
    """Whether ``s`` holds a middle dot (four str searches: most texts hold none)."""
    return any(d in s for d in _DOTS)


def _clause_starts(s: str, dots: bool = True) -> list[int]:
    """Where a clause starts with what may be a name before a verb or title. ``dots=False``:
    ``s`` is known to hold no middle dot."""
    text_start, clause_start = (
        (_TEXT_START, _CLAUSE_START) if dots else (_TEXT_START_UNDOTTED, _CLAUSE_START_UNDOTTED)
    )
    starts = [0] if text_start.match(s) else []
    starts.extend(m.end() for m in clause_start.finditer(s))
    return starts


# Surnames that are also prepositions: at the head of a clause they are read as prepositions.
_PREPOSITIONS = set("向于和同及以对从经")
_APPOINT = re.compile(r"(?:任命|免去|接受|同意|批准|选举|决定)")
_DOCTRINE_AFTER = re.compile(
    r"^(?:总书记|同志|主席)?(?:关于|在[^，,。；]{0,40}?时的|视察[^，,。；]{0,40}?重要|(?:(?!作出|发表)[^，,。；]){0,12}?系列重要|"
    r"重要讲话|重要指示|重要论述|新时代|同志为核心|思想)"
)
_DOCTRINE_WORDS = re.compile(r"精神|论述|思想|亲自谋划")
_NARRATED = re.compile(
    r"视察|亲临|发表|主持|出席|宣布|考察|会见|参加|调研|致信|来到|见证|听取|指出|强调|作出|签署|接见|代表|所作|"
    r"讲话|致辞"
)


_NOT_IN_POST = re.compile(r".*(?:\d+日(?:电|讯)|[了是的0-9A-Za-z０-９])")
_NOT_IN_POST_CHARS = re.compile(r"[了是的A-Za-z０-９\d]")  # one of them is in every match of it
_BEFORE_COMRADE = re.compile(r"(?:听取|欢迎|邀请|由|请|向|陪同|会见|看望|慰问|感谢|和|与|及)$")
_CONJUNCTION = re.compile("[和与及]")
_PAREN = re.compile(r"[（(][^（）()]*[）)]")
_STOPS_AND_BRACKETS = '，,。；;：:、\n “”"《》！？!?「」 　（()）'
_PLAIN_STOPS = frozenset(_STOPS_AND_BRACKETS) - frozenset("）)”")
_TO_LAST_STOP_OR_BRACKET = re.compile(f".*[{re.escape(_STOPS_AND_BRACKETS)}]", re.DOTALL)


def _segment_start(s: str, end: int) -> int:
    """Start of the text run that ends at ``end``: back to punctuation, skipping a short
    parenthetical ("管理局（前海管理局）局长"), at most about 40 characters."""
    floor = max(0, end - 41)
    i = end
    while i > floor:
        last = _TO_LAST_STOP_OR_BRACKET.match(s, floor, i)  # back to the nearest stop before i
        if last is None:
            return floor
        p = last.end() - 1
        if s[p] in "）)":
            j = max(s.rfind("（", 0, p), s.rfind("(", 0, p))
            if j >= 0 and p + 1 - j <= 14:
                i = j
                continue
        if s[p] == "”" and p + 1 < end:  # a quoted word inside a post: "“两会”广西领导小组组长"
            j = s.rfind("“", 0, p)
            if j >= 0 and 1 < p - j <= 8:
                i = j
                continue
        return p + 1
    return max(floor, i)


_QUALIFIER = re.compile(r"[（(][^（）()，,。；;\n]{1,8}[）)]")


def _after_qualifier(s: str, i: int) -> int:
    """Where a name may start after a post ending at ``i``: past a short parenthesised qualifier."""
    if i >= len(s) or s[i] not in "（(":  # (what _QUALIFIER starts with: most posts have none)
        return i
    m = _QUALIFIER.match(s, i)
    return m.end() if m else i


def _name_may_start(segment: str, i: int) -> bool:
    """A name inside a post phrase starts after a post ("行政长官周明远和…") or at its start, not
    inside an organ's name ("澳门经济及科技发展局": no 门经济)."""
    return i == 0 or segment[i - 1] in BOUNDARY_CHARS or _ends_with_head(segment[:i])


def _post_before_memo(s: str, name_start: int, memo: _PostMemo | None) -> tuple[str, int] | None:
    if memo is None:
        return _post_before(s, name_start)
    if name_start not in memo:
        memo[name_start] = _post_before(s, name_start)
    return memo[name_start]


def _post_before(s: str, name_start: int) -> tuple[str, int] | None:
    """The post written right before a name: (post text without parentheticals, start)."""
    # Right after a stop (a name in a list after 、, at a clause's start) the run before the name
    # is empty: what _segment_start would find, without its scan. (Not after a closing bracket or
    # quote, which it steps back over.)
    if name_start == 0 or s[name_start - 1] in _PLAIN_STOPS:
        return None
    seg_start = _segment_start(s, name_start)
    if seg_start >= name_start:
        return None
    found = _post_of_segment(s[seg_start:name_start])
    return (found[0], seg_start + found[1]) if found else None


@lru_cache(maxsize=8192)
def _post_of_segment(segment: str) -> tuple[str, int] | None:
    """``_post_before`` for the text run ``segment`` that ends where the name starts: (post,
    its start in ``segment``). A function of the run alone, so remembered: the same runs
    ("市委书记", "副省长") come back in every readout."""
    seg_start = 0
    if not _ends_with_head(_PAREN.sub("", segment) if segment.endswith(("）", ")")) else segment):
        return None
    # Where 和/与/及 follows a name ("行政长官周明远和广东省省长李晓林"), the post starts after it.
    for k in reversed([m.start() for m in _CONJUNCTION.finditer(segment, 1)]):  # (last first)
        if any(
            (hit := name_at(segment, k - n)) and hit[1] == k and _name_may_start(segment, hit[0])
            for n in (3, 2)
            if k - n >= 0
        ):
            seg_start += k + 1
            segment = segment[k + 1 :]
            break
    if segment[:1] in ("与", "和", "及", "同") and len(segment) > 3:
        seg_start += 1
        segment = segment[1:]
    noise = _LEAD_NOISE.match(segment) if "\n" in segment else _LEAD_NOISE_SEARCH.search(segment)
    if noise and noise.end() < len(segment):
        seg_start += noise.end()
        segment = segment[noise.end() :]
    # A post is a noun phrase of place, organ and head: what ends in 的 before it ("到访的",
    # "新当选的") describes the person, it is not part of the post.
    # Likewise what ends in a particle, a copula or a dateline ("传达学习了", "发言的是",
    # "12月23日电"), or in digits and Latin letters: none of them is inside a post.
    edge = _NOT_IN_POST.match(segment) if _NOT_IN_POST_CHARS.search(segment) else None
    if edge and edge.end() < len(segment):
        seg_start += edge.end()
        segment = segment[edge.end() :]
    post = _PAREN.sub("", segment) if ("（" in segment or "(" in segment) else segment
    if not post or len(post) > 32 or post in ("领导", "同志"):
        return None
    return post, seg_start


_PostMemo = dict[int, "tuple[str, int] | None"]  # _post_before of one text, by position


def _post_chain(s: str, name_start: int, memo: _PostMemo | None = None) -> list[tuple[str, int, int]]:
    """All posts written before a name, split at 、: "省委副书记、深圳市委书记李晓林". An element
    before 、 counts only if it ends in a post head itself (else it is a list of people).
    ``memo`` keeps ``_post_before`` answers for ``s`` (the rules probe the same positions)."""
    out = _chain_back(s, name_start, memo)
    # "市委副书记、市长，舟山片区管委会主任毛思源": posts before a comma belong to the same
    # person where the clause before the comma holds nothing but posts.
    if out and (start := out[0][1]) > 0 and s[start - 1] in "，,":
        before = _chain_back(s, start - 1, memo)
        if before and (before[0][1] == 0 or s[before[0][1] - 1] in _SENTENCE_STOPS):
            out = before + out
    return out


def _chain_back(s: str, end: int, memo: _PostMemo | None = None) -> list[tuple[str, int, int]]:
    """The posts written right before ``end``, back over 、, in the order written."""
    out: list[tuple[str, int, int]] = []
    found = _post_before_memo(s, end, memo)
    while found:
        post, start = found
        out.append((post, start, end))
        if start == 0 or s[start - 1] != "、":
            break
        end = start - 1
        found = _post_before_memo(s, end, memo)
    out.reverse()
    return out


# Characters (or words) each byline pattern cannot match without, one of each group: a text
# without them is not scanned (a str search takes a fraction of what the regex engine takes to
# find nothing). _BYLINE's words each hold one of 者 通讯 摄 编 撰 实习 (not 讯 or 习 alone,
# which datelines and 学习 hold).
_BYLINE_NEEDS: tuple[tuple[re.Pattern[str], tuple[tuple[str, ...] | str, ...]], ...] = (
    (_BYLINE, (("者", "通讯", "摄", "编", "撰", "实习"),)),
    (_BYLINE_SHORT, ("文图", "/／:：")),
    (_BYLINE_SHOT, ("摄", "（(")),
)


def _excluded_spans(s: str) -> list[tuple[int, int]]:
    spans = []
    for pat, needs in _BYLINE_NEEDS:
        for group in needs:  # (loops, not generators: most texts hold none of a group)
            for c in group:
                if c in s:
                    break
            else:
                break
        else:
            for m in pat.finditer(s):
                spans.append((m.start(1), m.end(1)))
    return spans


def _inside(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(x <= a and b <= y for x, y in spans)


def _is_doctrinal(s: str, start: int, end: int) -> bool:
    """A leader named only inside a fixed phrase of doctrine ("…总书记关于…的重要论述",
    "…重要讲话精神", "亲自谋划…的国家战略"), not as the subject of a narrated action."""
    tail = s[end : end + 120]
    if _DOCTRINE_AFTER.match(tail):
        return True
    clause = re.split(r"[，,。；;]", tail[3:], maxsplit=1)[0]
    if _DOCTRINE_WORDS.search(clause):
        return True
    return not _NARRATED.search(tail[:3] + clause)


_CLAUSE_STOPS = "，,。；;：:！？!?\n"
# "认真落实省委书记X到深圳调研讲话要求": the person's words are what is carried out.
_CARRY_OUT = re.compile(r"学习|贯彻|落实|按照|遵循|根据|传达|领会|践行|对照|牢记|秉持")
_WORDS_CARRIED = re.compile(r"精神|要求|指示|部署|论述|思想|嘱托|批示")
# "…赋予的使命", "…擘画的蓝图", "…亲自谋划、亲自部署": the person is the agent inside a noun phrase.
_AGENT_OF_NOUN = re.compile(r"擘画|赋予|交给|交办|寄予|嘱托|亲自谋划|亲自部署|亲自推动|亲自指挥")
# A paragraph or sentence that reports someone's words ("会议指出，", "某某表示：").
_SPEECH = re.compile(r"(?:指出|强调|表示|认为|要求|提出|提到|谈到|说|称|透露|坦言|重申)[，,：:]")
_SENTENCE_STOPS = "。！？!?\n"
_TAKES_PART = re.compile(r"(?:同志)?(?:主持|出席|参加|列席|陪同|致辞|作报告|讲话|宣读|通报|带队|率队)")


_CLAUSE_STOP = re.compile(f"[{re.escape(_CLAUSE_STOPS)}]")
_TO_LAST_CLAUSE_STOP = re.compile(f".*[{re.escape(_CLAUSE_STOPS)}]", re.DOTALL)
_TO_LAST_SENTENCE_STOP = re.compile(f".*[{re.escape(_SENTENCE_STOPS)}]", re.DOTALL)


def _clause_around(s: str, start: int, end: int) -> tuple[str, str]:
    """The clause's text before ``start`` (at most 60 characters) and after ``end`` (at most 80),
    up to the nearest clause stop."""
    a, b = _clause_bounds(s, start, end)
    return s[a:start], s[end:b]


def _clause_bounds(s: str, start: int, end: int) -> tuple[int, int]:
    """Where the two parts of ``_clause_around`` start and end: ``s[a:start], s[end:b]``."""
    floor = max(0, start - 60)
    last = _TO_LAST_CLAUSE_STOP.match(s, floor, start)  # (one scan, not a search per stop)
    stop = _CLAUSE_STOP.search(s, end, end + 80)
    return (last.end() if last else floor), (stop.start() if stop else min(len(s), end + 80))


def _in_reported_speech(s: str, start: int, end: int, stops: list[int] | None = None) -> bool:
    """Inside the words someone is reported to have said: after a speech verb of the same
    sentence, or in a paragraph that opens with one ("会议指出，…") unless a later sentence
    narrates the person taking part ("市长某某主持"). ``stops``: the positions of the text's
    sentence stops, where the caller has them (``occurrences(s, _SENTENCE_STOPS)``)."""
    if stops is None:
        last = _TO_LAST_SENTENCE_STOP.match(s, 0, start)  # (the regex engine walks back, not Python)
        sentence = last.end() if last else 0
    else:
        k = bisect_left(stops, start)  # the last stop before start, by bisection
        sentence = stops[k - 1] + 1 if k else 0
    if _SPEECH.search(s, sentence, start):
        return True
    paragraph = s.rfind("\n", 0, start) + 1
    if paragraph == sentence or not _SPEECH.search(s, paragraph, min(start, paragraph + 40)):
        return False
    return not _TAKES_PART.match(s, end)


def _is_reference(s: str, mention: _Mention, stops: list[int] | None = None) -> bool:
    """A person mentioned as the source of doctrine, instructions or background rather than as a
    participant of the reported events: the words carried out ("落实…讲话要求"), the agent of a
    noun phrase ("…擘画的蓝图"), or someone named inside another speaker's words."""
    first = mention.start
    for _, a, _ in mention.posts:
        if a < first:
            first = a
    end = mention.end
    # The parts of the clause searched in place, not sliced (the three patterns have no anchors
    # or lookarounds, so a search between two positions finds what a search of the slice does).
    # The clause's bounds (``_clause_bounds``) are looked for only where a word is found within
    # the reach they cap (60 characters back, 80 on): most mentions have none.
    floor = first - 60 if first > 60 else 0
    if _CARRY_OUT.search(s, floor, first) or _AGENT_OF_NOUN.search(s, end, end + 80):
        a, b = _clause_bounds(s, first, end)
        if _CARRY_OUT.search(s, a, first) and _WORDS_CARRIED.search(s, end, b):
            return True
        if _AGENT_OF_NOUN.search(s, end, b):
            return True
    return _in_reported_speech(s, first, end, stops)


_SPEAKING = r"(?:讲话|发言|致辞|作报告|主持|签署|见证)"
_ATTENDING = rf"(?:出席|列席|参加|陪同|在主席台就座|分别{_SPEAKING}|先后{_SPEAKING}|共同{_SPEAKING})"
# "(?:等)?(?:同志)?(?:出席|…)", written as alternatives that each start with a literal, tried in the
# same order (so the same matches): the engine then skips ahead to their first characters instead
# of trying the pattern at every position.
_ATTENDS = re.compile(rf"等(?:同志)?{_ATTENDING}|同志{_ATTENDING}|{_ATTENDING[3:-1]}")
_BARE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,5}[·•・‧][\u4e00-\u9fff]{1,8}")
_LONGEST_BARE = 14  # characters a match of _BARE_NAME holds at most (5, the dot, 8)


def _reads_as_name(s: str, a: int, b: int) -> bool:
    """``s[a:b]`` is a surname and a given name of one or two characters, or a name of elements
    without a surname ("格桑央金")."""
    if (found := _unsurnamed_name_at(s, a, strict_end=False)) and found[1] == b:
        return True
    single, compound = surnames()
    for sur in (2, 1):
        if (s[a : a + sur] in compound if sur == 2 else s[a] in single) and 1 <= b - a - sur <= 2:
            given = s[a + sur : b]
            return all(c not in NOT_GIVEN for c in given[:1]) and s[a:b] not in NOT_NAMES
    return False


def _attendance_lists(s: str) -> list[tuple[int, int]]:
    """Names listed without posts before an attendance verb. The list is taken only when it
    reads as names: every item a bare 2-4 character word, most of them a surname and a given
    name (which keeps lists of units such as "市发改委、市财政局参加" out). The first item may
    carry a post or a qualifier; the other rules read it."""
    out: list[tuple[int, int]] = []
    for m in _ATTENDS.finditer(s):
        end = m.start()
        # The item right before the verb must be a bare name after a 、 (fourteen characters at
        # most, with a middle dot): where it is not ("市长王明出席", "负责同志参加", most
        # matches), no list is taken, and the clause is not looked for.
        k = s.rfind("、", max(0, end - _LONGEST_BARE - 1), end)
        if k < 0 or not _BARE_NAME.fullmatch(s, k + 1, end):
            continue
        floor = max(0, end - 200)  # back to the clause's start, at most 200 characters
        last = _TO_LAST_CLAUSE_STOP.match(s, floor, end)
        start = last.end() if last else floor
        items: list[tuple[int, int]] = []
        pos = start
        for part in s[start:end].split("、"):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        if len(items) < 2:
            continue
        bare = [(a, b) for a, b in items[1:] if _BARE_NAME.fullmatch(s, a, b)]
        if len(bare) < len(items) - 1:
            continue
        if _reads_as_name(s, *items[0]):
            bare.insert(0, items[0])
        named = sum(1 for a, b in bare if _reads_as_name(s, a, b))
        if named * 3 >= len(bare) * 2:
            out.extend(bare)
    return out


def find_people(s: str) -> tuple[list[Person], list[Role]]:
    """Persons (order of first appearance) and their posts in the simplified text ``s``."""
    excluded = _excluded_spans(s)
    mentions: list[_Mention] = []
    found: dict[int, tuple[int, int] | None] = {}

    dots = _has_dots(s)

    def name_here(i: int) -> tuple[int, int] | None:
        # The same positions are probed by several rules (after a post, at a clause start…).
        if i not in found:
            # (_may_start_name, with the search for a dot only where the text holds one)
            may = i < len(s) and (s[i] in _NAME_FIRST_SET or (dots and _DOT.search(s, i, i + 9) is not None))
            found[i] = name_at(s, i, dots=dots) if may else None
        return found[i]

    seen_at: set[int] = set()
    post_memo: _PostMemo = {}  # this text's posts before each position probed

    def add(a: int, b: int, posts: list[tuple[str, int, int]]) -> None:
        if a in seen_at or (excluded and _inside(excluded, a, b)):
            return
        seen_at.add(a)
        mentions.append(_Mention(s[a:b], a, b, posts))

    def extend_list(end: int, posts: list[tuple[str, int, int]]) -> None:
        # "副主席许瑞生、邓海光、袁宝成": the post applies to each name of the list.
        while end < len(s) and s[end] == "、":
            hit = name_here(end + 1)
            if not hit or _post_before_memo(s, hit[0], post_memo) or _head_at(s, hit[1]):
                break
            add(hit[0], hit[1], posts)
            end = hit[1]

    # 1. After a post, or after a parenthesised qualifier of it ("常任秘书长（工务）区浩贤").
    heads = list(_HEADS.finditer(s))  # (read again by rule 8)
    for m in heads:
        hit = name_here(_after_qualifier(s, m.end()))
        if not hit:
            continue
        posts = _post_chain(s, hit[0], post_memo)
        if not posts:
            continue
        add(hit[0], hit[1], posts)
        extend_list(hit[1], posts)
    # 2. After a list qualifier (市领导…, 负责同志…).
    for m in _LIST_QUALIFIER.finditer(s):
        hit = name_here(m.end())
        if hit:
            add(hit[0], hit[1], [])
            extend_list(hit[1], [])
    # 3. At the head of a clause, before an action verb; 4. as the object of an appointment.
    for start in _clause_starts(s, dots):
        hit = name_here(start)
        if not hit:
            continue
        if (
            s[hit[1] : hit[1] + 1] in _CLAUSE_VERB_FIRST
            and _CLAUSE_VERBS.match(s, hit[1])
            and s[hit[0]] not in _PREPOSITIONS
        ):
            add(hit[0], hit[1], [])
        # 5. Name then title: "李晓林书记来到…", "周明远主任亲临…".
        t = _TITLE_AFTER.match(s, hit[1]) if s[hit[1] : hit[1] + 1] in _TITLE_FIRST else None
        if t and _is_boundary(s, t.end()):
            add(hit[0], hit[1], [(t.group(), t.start(), t.end())])
    # 6. "…总书记" anywhere: the title is unambiguous, the name is what stands right before it.
    for m in re.finditer("总书记", s):
        for n in (3, 2):
            hit = name_at(s, m.start() - n, dots=dots) if m.start() >= n else None
            if hit and hit[1] == m.start():
                add(hit[0], hit[1], [("总书记", m.start(), m.end())])
                break
    # "听取张硕辅同志代表市委常委会所作的报告": 同志 after a name marks it as one.
    for m in re.finditer("同志", s):
        for n in (3, 2):
            hit = name_at(s, m.start() - n, dots=dots) if m.start() >= n else None
            if (
                hit
                and hit[1] == m.start()
                and (
                    hit[0] == 0
                    or s[hit[0] - 1] in BOUNDARY_CHARS
                    or _BEFORE_COMRADE.search(s, max(0, hit[0] - 2), hit[0])
                )
            ):
                add(hit[0], hit[1], [])
                break
    for m in _APPOINT.finditer(s):
        hit = name_here(m.end())
        if hit and re.match(r"为|的|辞去|代理|同志|职务|担任", s[hit[1] : hit[1] + 2]):
            add(hit[0], hit[1], [])

    # 8. A name already known from another mention, after a post where the text runs on without a
    # visible boundary ("欢迎行政长官李家超迅速地安排").
    known = sorted({m.name for m in mentions}, key=len, reverse=True)
    where = _Where(s)
    if known:
        known_by_first = _by_first_character(tuple(known))  # (longest first within each group)
        for m in heads:
            if m.end() in seen_at or m.end() >= len(s):
                continue
            for name in known_by_first.get(s[m.end()], ()):  # (the longest known name there)
                if s.startswith(name, m.end()):
                    if posts := _post_chain(s, m.end(), post_memo):
                        add(m.end(), m.end() + len(name), posts)
                    break
        # 9. A name already known, then a title, anywhere: "首先请詹宏远副局长介绍", "由王伟主任主持".
        for name in known:
            for i in where.of(name):
                if (
                    i not in seen_at
                    and s[i + len(name) : i + len(name) + 1] in _TITLE_FIRST
                    and (t := _TITLE_AFTER.match(s, i + len(name)))
                    and _is_boundary(s, t.end())
                ):
                    add(i, i + len(name), [(t.group(), t.start(), t.end())])
    # 7. A list of bare names before an attendance verb: "任亚平、呼尔查、刘新乐列席会议".
    for start, end in _attendance_lists(s):
        if start not in seen_at:
            add(start, end, [])
            continue
        # The list shows where the name ends ("那顺孟和、"); another rule may have cut it short.
        for mention in mentions:
            if mention.start == start and mention.end < end:
                mention.name, mention.end = s[start:end], end

    _counted_posts(s, mentions)
    mentions.sort(key=lambda m: m.start)
    by_name: dict[str, list[_Mention]] = {}
    for mention in mentions:
        by_name.setdefault(mention.name, []).append(mention)
    # A leader referred to only through doctrine, or only as background, is not a participant.
    titled = {m.name for m in mentions if s.startswith(("总书记", "同志"), m.end)}
    stops = occurrences(s, _SENTENCE_STOPS)
    doctrinal: set[str] = set()
    for named, its in by_name.items():  # (loops, not generators: a name's first mention mostly decides)
        is_titled = named in titled
        for one in its:
            if not (_is_reference(s, one, stops) or (is_titled and _is_doctrinal(s, one.start, one.end))):
                break
        else:
            doctrinal.add(named)
    persons = [
        Person(name, Span(by_name[name][0].start, by_name[name][0].end))
        # first appearance; a tie ("杨文" inside "杨文涛") by the name's own first mention, then
        # the name: never by the set's order, which changes with the process's hash seed
        for name in sorted(
            (n for n in by_name if n not in doctrinal),
            key=lambda n: (where.first_free(n, excluded), by_name[n][0].start, n),
        )
    ]
    roles: list[Role] = []
    seen_roles: set[tuple[str, str]] = set()
    for mention in mentions:
        if mention.name in doctrinal:
            continue
        for post, a, b in mention.posts:
            if (mention.name, post) not in seen_roles:
                seen_roles.add((mention.name, post))
                roles.append(Role(mention.name, post, Span(a, b)))
    return persons, roles


_COUNTED = frozenset("一二三四五六七八九十两")  # (or a digit) before 位/名: "三位副司长"


def _counters(s: str) -> list[int]:
    """Where 位 or 名 counts ("三位", "2名"), found by str search (a class with a lookbehind,
    "[位名](?<=[一二三四五六七八九十两\\d][位名])", costs the regex engine a try at every position)."""
    return [c for c in occurrences(s, "位名") if c and (s[c - 1] in _COUNTED or s[c - 1].isdecimal())]


def _counted_posts(s: str, mentions: list[_Mention]) -> None:
    """ "三位副司长，黄伟纶、张国钧、卓永兴出席": the counted post is each listed person's."""
    at = {m.start: m for m in mentions}
    for c in _counters(s):
        head = _HEADS.match(s, c + 1)
        if not head or head.end() >= len(s) or s[head.end()] not in "，,：:":
            continue
        post = (head.group(), head.start(), head.end())
        i = head.end() + 1
        while (mention := at.get(i)) is not None:
            if not mention.posts:
                mention.posts = [post]
            i = mention.end
            if i >= len(s) or s[i] not in "、和及与":
                break
            i += 1


class _Where:
    """Where names occur in one text, found from the places of their first characters (each
    character's found once, by ``str.find``, which finds one character many times faster than a
    word: in a readout of 1,700 characters ≈ 0.3 µs against ≈ 2 µs for a name it scans to the end
    for)."""

    __slots__ = ("_at", "s")

    def __init__(self, s: str) -> None:
        self.s = s
        self._at: dict[str, list[int]] = {}

    def _of_char(self, c: str) -> list[int]:
        at = self._at.get(c)
        if at is None:
            at = self._at[c] = occurrences(self.s, c)
        return at

    def of(self, name: str) -> list[int]:
        """Where ``name`` occurs, left to right, each after the end of the one before (as a loop
        of ``s.find(name, i + len(name))`` finds them)."""
        s, out, after = self.s, [], 0
        for i in self._of_char(name[0]):
            if i >= after and s.startswith(name, i):
                out.append(i)
                after = i + len(name)
        return out

    def first_free(self, name: str, excluded: list[tuple[int, int]]) -> int:
        """``_first_free(s, name, excluded)``."""
        s = self.s
        for i in self._of_char(name[0]):
            if s.startswith(name, i) and not (excluded and _inside(excluded, i, i + len(name))):
                return i
        return len(s)


def _first_free(s: str, name: str, excluded: list[tuple[int, int]]) -> int:
    i = s.find(name)
    while i >= 0 and excluded and _inside(excluded, i, i + len(name)):
        i = s.find(name, i + 1)
    return i if i >= 0 else len(s)
