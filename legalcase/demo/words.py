"""Names, places and phrases the demo portfolio is made of, and valid-looking identity codes."""

from __future__ import annotations

import random
from datetime import date, timedelta

from legalcase.domain.identity import USCC_CHARS, id_check_char, uscc_check_char

CITIES = [
    "上海",
    "苏州",
    "杭州",
    "宁波",
    "无锡",
    "南京",
    "合肥",
    "广州",
    "深圳",
    "佛山",
    "东莞",
    "成都",
    "武汉",
    "天津",
]
WORDS = [
    "恒达",
    "宏运",
    "鑫源",
    "华泰",
    "博远",
    "金桥",
    "瑞丰",
    "信诚",
    "永盛",
    "启航",
    "嘉禾",
    "中联",
    "天成",
    "汇通",
    "龙腾",
    "新锐",
]
TRADES = [
    "机电设备",
    "建材",
    "电子科技",
    "物流",
    "包装材料",
    "汽车配件",
    "化工",
    "食品",
    "五金制品",
    "工程",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
]
STREETS = [
    "人民路",
    "中山路",
    "建设大道",
    "解放路",
    "工业园区星湖街",
    "科技园南区",
    "滨江大道",
    "长江路",
]
SUMMARIES = [
    "电话联系财务负责人，称本月资金紧张，承诺尽快安排付款。",
    "对方称货物部分批次存在质量问题，需核对验收记录。",
    "法定代表人未接电话，已发送短信提醒付款。",
    "上门拜访，对方承认欠款，请求分期偿还。",
    "邮件发送对账单，请对方盖章确认后回传。",
    "对方表示上游客户回款延迟，下周给出还款计划。",
]


def _uscc(rng: random.Random) -> str:
    body = (
        "91"
        + f"{rng.randint(110000, 659000)}"
        + "".join(rng.choice(USCC_CHARS[:10]) for _ in range(9))
    )
    return body + uscc_check_char(body)


def _resident_id(rng: random.Random) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randint(0, 12000))
    body = f"{rng.randint(110101, 650000)}{born:%Y%m%d}{rng.randint(100, 999)}"
    return body + id_check_char(body)


def _person(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    )
