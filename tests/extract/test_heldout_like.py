"""Categories found on our own set in the genre of the held-out sets (tests/extract/heldout_like):
each rule checked on sentences of our own, with fictional officials, in simplified and in
traditional script; and the gate on the set itself."""

from pathlib import Path

from luoshi.evaluate import load_jsonl, score
from luoshi.extract import extract
from luoshi.ingest import document_from_text, read_paths
from luoshi.model import Document, Facts
from luoshi.text import to_simplified, to_traditional

HELDOUT_LIKE = Path(__file__).parent / "heldout_like"


def _both(text: str) -> list[Facts]:
    """The facts of the text and of its traditional form; every person and post span points at
    the name and the post as written."""
    out = []
    for variant in (text, to_traditional(text)):
        doc = document_from_text(variant)
        facts = extract(doc)
        for person in facts.persons:
            assert doc.simplified[person.span.start : person.span.end] == person.name
        for role in facts.roles:
            written = to_simplified(doc.text[role.span.start : role.span.end])
            assert _without_brackets(written) == role.post, (written, role.post)
        for a in facts.addressees:
            assert doc.simplified[a.span.start : a.span.end] == a.name
        for d in facts.deadlines:
            assert doc.simplified[d.span.start : d.span.end] == d.text
        out.append(facts)
    return out


def _without_brackets(text: str) -> str:
    import re

    return re.sub(r"[（(][^（）()]*[）)]", "", text)


def _people(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    (simplified, traditional) = (
        ([p.name for p in f.persons], [(r.name, r.post) for r in f.roles]) for f in _both(text)
    )
    assert simplified == traditional, (simplified, traditional)
    return simplified


# -- persons and posts -------------------------------------------------------------------------


def test_spokespeople_board_members_and_people_who_sit_in():
    names, roles = _people(
        "市政府新闻发言人蔡婧主持发布会。理事会理事、上海市副市长应子骞出席。"
        "市检察院检察长邱舒扬列席会议，城市更新公司主席李启贤列席发布会。"
    )
    assert names == ["蔡婧", "应子骞", "邱舒扬", "李启贤"]
    assert roles == [
        ("蔡婧", "市政府新闻发言人"),
        ("应子骞", "理事会理事"),
        ("应子骞", "上海市副市长"),
        ("邱舒扬", "市检察院检察长"),
        ("李启贤", "城市更新公司主席"),
    ]


def test_names_whose_last_character_is_also_a_word():
    names, _ = _people(
        "市委副书记、市长向东来主持会议。省长韩松年，市人大常委会主任辜月明出席。"
        "副市长王伟也出席会议，区长李明在会上讲话，市长刘鹏同志讲话。"
    )
    assert names == ["向东来", "韩松年", "辜月明", "王伟", "李明", "刘鹏"]


def test_dotted_names_long_and_with_syllables_that_are_words():
    names, roles = _people(
        "地委副书记、行署专员阿布都热西提·吐尔逊主持会议，开发区党工委书记米尔扎提·阿不都克力木出席。"
        "自治区主席艾山江·买买提在会上讲话。"
    )
    assert names == ["阿布都热西提·吐尔逊", "米尔扎提·阿不都克力木", "艾山江·买买提"]
    assert ("阿布都热西提·吐尔逊", "行署专员") in roles and ("艾山江·买买提", "自治区主席") in roles


def test_names_without_a_surname():
    names, roles = _people(
        "自治区党委副书记、自治区主席次旦赤列，自治区人大常委会主任旦增伦珠出席。"
        "省委书记尕藏多杰主持会议。自治区领导巴特尔、格桑央金参加。"
    )
    assert names == ["次旦赤列", "旦增伦珠", "尕藏多杰", "巴特尔", "格桑央金"]
    assert ("尕藏多杰", "省委书记") in roles
    # Elements alone, or words that are not elements, are no names.
    assert _people("会议强调，扎实推进边境建设。")[0] == []


def test_a_qualifier_between_the_post_and_the_name():
    names, roles = _people("发展局常任秘书长（工务）区浩贤、副局长黄锦添出席会议。")
    assert names == ["区浩贤", "黄锦添"]
    assert roles == [("区浩贤", "发展局常任秘书长"), ("黄锦添", "副局长")]


def test_posts_shared_across_a_comma_by_one_person():
    _, roles = _people("会议召开。市委副书记、市长，舟山片区管委会主任毛思源主持会议。")
    assert roles == [("毛思源", "市委副书记"), ("毛思源", "市长"), ("毛思源", "舟山片区管委会主任")]
    # A comma after a person's name still separates people.
    _, roles = _people("副市长杭天宇，区政府秘书长易建华出席。")
    assert roles == [("杭天宇", "副市长"), ("易建华", "区政府秘书长")]


def test_posts_of_bureaus_whose_names_hold_and_or_via():
    _, roles = _people(
        "澳门经济及科技发展局局长谭家豪出席。出席会议的还有香港特区政府财经事务及库务局局长翁家乐。"
        "园区经发委主任尹若水、行政长官贺立诚和广东省省长伍承泽出席。"
    )
    assert roles == [
        ("谭家豪", "澳门经济及科技发展局局长"),
        ("翁家乐", "香港特区政府财经事务及库务局局长"),
        ("尹若水", "园区经发委主任"),
        ("贺立诚", "行政长官"),
        ("伍承泽", "广东省省长"),
    ]


def test_chairs_listed_across_commas_who_preside_jointly():
    text = "合作区管委会主任、广东省省长伍承泽，合作区管委会主任、澳门特别行政区行政长官叶嘉豪共同主持会议。"
    assert [[p.name for p in f.chair] for f in _both(text)] == [["伍承泽", "叶嘉豪"]] * 2
    # Without 共同 the clause of 主持 ends at the comma.
    text = "省委书记黄立新出席会议，省长郑国栋主持会议。"
    assert [[p.name for p in f.chair] for f in _both(text)] == [["郑国栋"]] * 2


def test_titles_after_a_known_name_counted_posts_and_speaking_through_someone():
    names, roles = _people(
        "前海管理局副局长詹宏远出席。主持人：首先请詹宏远副局长介绍有关情况。"
        "三位副司长，黄伟明、张国强、卓永康出席。立法会主席梁君宇透过发言人表示欢迎。"
    )
    assert names == ["詹宏远", "黄伟明", "张国强", "卓永康", "梁君宇"]
    assert roles == [
        ("詹宏远", "前海管理局副局长"),
        ("詹宏远", "副局长"),
        ("黄伟明", "副司长"),
        ("张国强", "副司长"),
        ("卓永康", "副司长"),
        ("梁君宇", "立法会主席"),
    ]


def test_wen_and_tu_mark_a_byline_only_with_their_separator():
    names, roles = _people(
        "文/图 张晓明\n社会文化司司长区伟明、市文化广电旅游局局长王明远出席。（文：李大伟）"
    )
    assert names == ["区伟明", "王明远"]
    assert roles == [("区伟明", "社会文化司司长"), ("王明远", "市文化广电旅游局局长")]


def test_a_leader_whose_words_are_relayed_without_a_particle():
    names, _ = _people("会议传达学习省委书记祝长青在全省大会上的讲话精神。局长蓝正源主持学习。")
    assert names == ["蓝正源"]


# -- dates -------------------------------------------------------------------------------------


def test_days_in_brackets_after_yesterday_and_today():
    for text, event in (
        ("2023-11-08 20:15　来源：合作区\n【本报讯】执委会昨（7）日下午召开全体会议。", "2023-11-07"),
        ("2024-03-22 18:30\n合作区今（22）日举行新闻发布会。", "2024-03-22"),
    ):
        assert [f.event_date for f in _both(text)] == [event, event], text


def test_the_year_of_a_time_limit_is_not_the_year_of_the_occasion():
    limit = (
        "11月28日，省长柏宗睿主持召开省政府常务会议。各地要在2023年3月底前完成除险加固，2024年底前全部验收。"
    )
    assert [f.event_date for f in _both(limit)] == [None, None]
    assert [(d.text, d.date) for d in _both(limit)[0].deadlines] == [
        ("2023年3月底前", "2023-03-31"),
        ("2024年底前", "2024-12-31"),
    ]
    occasion = "7月2日，区委常委会审议《南沙区2024年全面深化改革工作要点》，要求9月底前形成成果，2025年底前全面完成。"
    assert [f.event_date for f in _both(occasion)] == ["2024-07-02", "2024-07-02"]
    # A year before a count of quarters names the period, not a limit.
    assert [f.event_date for f in _both("3月5日，会议通报2023年前三季度经济运行情况。")] == ["2023-03-05"] * 2


def test_a_day_long_before_the_publication_is_history():
    text = (
        "2024-08-21 20:48　上观新闻\n2019年8月20日，临港新片区正式揭牌。五年来成绩显著。\n"
        "8月21日，临港新片区重点工作推进会召开。临港集团要年内实现首批机构入驻。"
    )
    for f in _both(text):
        assert (f.event_date, [(d.text, d.date) for d in f.deadlines]) == (
            "2024-08-21",
            [("年内", "2024-12-31")],
        )
    # Where the text has no nearer day, the one it gives is still the event's.
    assert [f.event_date for f in _both("2024-08-21 来源：本网\n2024年5月20日，会议召开。")] == [
        "2024-05-20"
    ] * 2


# -- counted batches ---------------------------------------------------------------------------


def test_only_counts_of_items_and_tasks_are_batches_each_once():
    text = (
        "临港新片区发布12项举措\n会议介绍了12项举措，共提出20条具体措施、十件民生实事，累计推出创新举措568项。"
        "会议确定了26个重点改革事项、90项具体改革举措，上半年推出第一批12个“高效办成一件事”重点事项。"
    )
    for script in (text, to_traditional(text)):
        facts = extract(document_from_text(script))
        assert [(b.count, b.what) for b in facts.task_batches] == [
            (12, "举措"),
            (26, "重点改革事项"),
            (90, "具体改革举措"),
            (12, "“高效办成一件事”重点事项"),
        ]
        for b in facts.task_batches:  # the span covers the count and the items as written
            written = to_simplified(script[b.span.start : b.span.end])
            assert written.endswith(b.what) and written.startswith(str(b.count)), written


# -- addressees --------------------------------------------------------------------------------


def _addressees(text: str) -> list[str]:
    simplified, traditional = ([a.name for a in f.addressees] for f in _both(text))
    assert simplified == traditional, (simplified, traditional)
    return simplified


def test_bodies_listed_under_one_head_or_as_examples_stay_one_body():
    cases = {
        "会议强调，各处室、各直属单位要对照年度目标查漏补缺。": ["各处室", "各直属单位"],
        "会议指出，各市、县（区）政府和自治区有关部门要把先行区建设作为头号工程。": [
            "各市、县（区）政府",
            "自治区有关部门",
        ],
        "会议指出，各市州、县市区政府要把任务分解到村。": ["各市州、县市区政府"],
        "葛明川强调，各区县、市直各部门要全力支持起步区建设。": ["各区县", "市直各部门"],
        "滕远舟强调，龙口、莱州、海阳等沿海区市要抢抓机遇。": ["龙口、莱州、海阳等沿海区市"],
        "他要求，市生态环境局、市水利和湖泊局要加强联合执法。": ["市生态环境局", "市水利和湖泊局"],
    }
    for text, bodies in cases.items():
        assert _addressees(text) == bodies, text


def test_a_place_named_as_such_and_people_after_a_category():
    assert _addressees("会议指出，洋浦作为先行先试区域要勇挑重担。") == ["洋浦"]
    assert _addressees("会议指出，我们作为改革排头兵要勇挑重担。") == []
    assert _addressees("麦启帆要求，各级领导干部要以钉钉子精神抓落实。") == []
    assert _addressees("会议要求各区抓紧制定任务清单。") == ["各区"]


def test_offices_federations_and_the_end_of_an_object():
    assert _addressees("会议要求，规划建设处要会同各片区开发公司加快建设。市工商联要搭建平台。") == [
        "规划建设处",
        "市工商联",
    ]
    assert _addressees("会议要求市交通局、宁波舟山港集团年底前建成码头。") == ["市交通局", "宁波舟山港集团"]
    assert _addressees("会议号召，各参加单位和广大委员，要团结奋斗。") == ["各参加单位"]
    assert _addressees("会议指出，不足之处要认真整改。") == []
    assert _addressees("倪书远强调，新片区各部门、各开发主体要紧扣目标。") == ["新片区各部门", "各开发主体"]
    assert _addressees("蓝正源强调，管理局各部门、各园区平台要对标对表。") == ["管理局各部门", "各园区平台"]
    assert _addressees("会议要求各部门、各单位依法履职。") == ["各部门", "各单位"]
    assert _addressees("会议强调，各项工作要抓实。") == []


def test_a_short_name_the_text_gives_elsewhere_as_a_zone():
    assert _addressees("祝长青到洋浦经济开发区调研。他指出，洋浦要当好样板间。") == ["洋浦"]
    assert _addressees("他指出，项目要抓紧推进。市项目区正在建设。") == []


def test_a_category_of_bodies_in_a_series_of_directives():
    assert _addressees("会议要求，市政府要与各区签订责任书；相关部门制定考评方案。") == ["市政府", "相关部门"]
    # Without a directive before the semicolon, or with a body that is no category, none.
    assert _addressees("会议听取了汇报；相关部门介绍了情况。") == []
    assert _addressees("各部门要抓紧梳理需求；浙江国际油气交易中心推出新品种。") == ["各部门"]


# -- deadlines ---------------------------------------------------------------------------------

DATED = "2024年1月23日讯 1月22日，市长周明远主持召开常务会议。"  # an event day to read limits against


def _deadlines(text: str) -> list[tuple[str, str | None]]:
    simplified, traditional = ([(d.text, d.date) for d in f.deadlines] for f in _both(DATED + text))
    assert simplified == traditional, (simplified, traditional)
    return simplified


def test_limits_of_days_quarters_and_years_written_in_other_styles():
    cases = {
        "各园区要在5月31日前完成改革，专班各成员单位于5月15日前报送计划。": [
            ("5月31日前", "2024-05-31"),
            ("5月15日前", "2024-05-15"),
        ],
        "力争2025年前建成数据港。": [("2025年前", "2025-12-31")],
        "争取在明年第一季内推出第二批措施，在今年第三季结束前完成评估，一季度末前发布清单。": [
            ("明年第一季内", "2025-03-31"),
            ("今年第三季结束前", "2024-09-30"),
            ("一季度末前", "2024-03-31"),
        ],
        "9月底前提请市政府审议，6月底前进一步完善，8月底前提高覆盖率。": [
            ("9月底前", "2024-09-30"),
            ("6月底前", "2024-06-30"),
            ("8月底前", "2024-08-31"),
        ],
        "洋浦港务集团要确保年内新增航线6条，会议提出年内新增科技企业1500家。": [
            ("确保年内", "2024-12-31"),
            ("年内", "2024-12-31"),
        ],
        "各区、各部门要加强数据共享，上半年推出第一批重点事项。": [("上半年", "2024-06-30")],
    }
    for text, limits in cases.items():
        assert _deadlines(text) == limits, text


def test_limits_before_a_named_occasion_name_no_day():
    assert _deadlines("要在9月开学前完成子女入学安置，国庆节前完成整改。") == [
        ("9月开学前", None),
        ("国庆节前", None),
    ]


def test_words_and_tallies_that_only_look_like_limits():
    for text in (
        "在确保安全的前提下推进，年内新增就业1.2万人，上半年推出了一批措施。",
        "会议通报2023年前三季度经济运行情况，要求保持前进态势。",
    ):
        assert _deadlines(text) == [], text


# -- the gate on the set -----------------------------------------------------------------------

# A little under what the rules reach (docs/extraction.md, "Our set in the genre of the held-out
# sets"): a change that loses ground on readouts of other regions and zones fails here.
MIN_MACRO_F1 = 0.98
MIN_LEDGER_F1 = 0.97


def test_the_set_in_the_genre_of_the_held_out_sets_meets_its_targets():
    documents = [d for d in read_paths([HELDOUT_LIKE / "docs"]) if isinstance(d, Document)]
    assert len(documents) == len(load_jsonl(HELDOUT_LIKE / "gold.jsonl")) >= 40
    result = score(load_jsonl(HELDOUT_LIKE / "gold.jsonl"), [extract(d).to_json() for d in documents])
    assert result.macro_f1 >= MIN_MACRO_F1, result.table()
    assert result.ledger_f1 is not None and result.ledger_f1 >= MIN_LEDGER_F1, result.table()
