"""Deterministic demo and benchmark data for salesrisk.

Run ``python sample_data/generate.py`` to (re)write the sample ledgers next to this file:

* ``ledger_zh.xlsx``  - Chinese sheet names and headers, title rows above the receivables, a 合计 row, and a
  handful of deliberate data-quality problems (see ``apply_quirks``);
* ``ledger_en.xlsx``  - the same ledger in English (values translated), clean;
* ``ledger_gbk/``     - the same ledger as one GBK CSV per table with Chinese headers and ``2024/1/5`` dates;
* ``planted.json``    - the ids of every planted risk and quirk (what the later commands should find).

``python sample_data/generate.py --receivables N --out PATH`` writes a single N-row receivables ledger
(``.xlsx`` or ``.csv``) for the benchmarks.

The module is self-contained (numpy, pandas, xlsxwriter; nothing from salesrisk) so the benchmarks and
tests can load it by path with importlib. Everything is driven by ``numpy.random.default_rng(seed)``: no
clock, no hash randomisation, so two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

START = "2024-07-01"
END = "2026-06-30"
USD_RATE = 7.20  # CNY per USD; orders, contracts and credit limits are in CNY
APPROVAL_LIMIT = 50_000.0  # orders at or above this need a manager's approval (the bunching story)
FIXED_CREATED = dt.datetime(2026, 6, 30, 18, 0, 0)  # document property, keeps the xlsx byte-stable
HERE = Path(__file__).resolve().parent

TABLE_ORDER = ("customers", "contracts", "receivables", "payments", "orders", "opportunities", "reps")
SHEET_NAMES = {
    "zh": {"customers": "客户", "contracts": "合同", "receivables": "应收账款", "payments": "回款",
           "orders": "订单", "opportunities": "商机", "reps": "销售人员"},
    "en": {"customers": "Customers", "contracts": "Contracts", "receivables": "Receivables",
           "payments": "Payments", "orders": "Orders", "opportunities": "Opportunities", "reps": "Reps"},
}

# table -> [(canonical field, zh header, en header, kind)]. Every header is an alias in configs/columns.yaml.
# kinds: id/text (written as text), date, money (#,##0.00), int, pct (zh "30%" text, en 0.3 number),
# num_pct (a number with a percent format in both languages), longtext.
COLUMNS: dict[str, list[tuple[str, str, str, str]]] = {
    "customers": [
        ("customer_id", "客户编号", "Customer ID", "id"),
        ("customer_name", "客户名称", "Customer Name", "text"),
        ("parent_id", "所属集团", "Group", "text"),
        ("industry", "行业", "Industry", "text"),
        ("region", "区域", "Region", "text"),
        ("owner", "负责人", "Owner", "text"),
        ("credit_limit", "信用额度", "Credit Limit", "money"),
        ("payment_terms_days", "账期天数", "Payment Terms Days", "int"),
        ("payment_terms", "账期", "Payment Terms", "text"),
        ("created_date", "建档日期", "Customer Since", "date"),
        ("tax_id", "统一社会信用代码", "USCC", "id"),
        ("phone", "联系电话", "Phone", "id"),
        ("external_rating", "外部评级", "External Rating", "text"),
    ],
    "contracts": [
        ("contract_id", "合同编号", "Contract ID", "id"),
        ("customer_id", "客户编号", "Customer ID", "id"),
        ("sign_date", "签订日期", "Sign Date", "date"),
        ("start_date", "开始日期", "Start Date", "date"),
        ("end_date", "结束日期", "End Date", "date"),
        ("amount", "合同金额", "Contract Amount", "money"),
        ("payment_terms_days", "账期天数", "Payment Terms Days", "int"),
        ("prepayment_pct", "预付比例", "Prepayment", "pct"),
        ("ld_rate", "违约金比例", "LD Rate", "pct"),
        ("ld_cap", "违约金上限", "LD Cap", "pct"),
        ("liability_cap", "赔偿上限", "Liability Cap", "money"),
        ("warranty_months", "质保期(月)", "Warranty Months", "int"),
        ("renewal_notice_days", "续约通知期", "Renewal Notice Days", "int"),
        ("template_id", "模板编号", "Template ID", "id"),
        ("approvals", "审批记录", "Approvals", "text"),
        ("status", "状态", "Status", "text"),
        ("text", "合同文本", "Contract Text", "longtext"),
    ],
    "receivables": [
        ("invoice_id", "发票号", "Invoice No", "id"),
        ("doc_type", "单据类型", "Document Type", "text"),
        ("customer_id", "客户编号", "Customer ID", "id"),
        ("customer_name", "客户名称", "Customer Name", "text"),
        ("invoice_date", "开票日期", "Invoice Date", "date"),
        ("due_date", "到期日", "Due Date", "date"),
        ("amount", "应收金额", "Invoice Amount", "money"),
        ("paid_amount", "已收金额", "Paid Amount", "money"),
        ("paid_date", "回款日期", "Paid Date", "date"),
        ("currency", "币种", "Currency", "text"),
        ("contract_id", "合同编号", "Contract ID", "id"),
        ("order_id", "订单编号", "Order ID", "id"),
        ("disputed", "是否争议", "Disputed", "text"),
        ("owner", "负责人", "Owner", "text"),
    ],
    "payments": [
        ("payment_id", "收款单号", "Payment ID", "id"),
        ("customer_id", "客户编号", "Customer ID", "id"),
        ("invoice_id", "发票号", "Invoice No", "id"),
        ("payment_date", "收款日期", "Payment Date", "date"),
        ("amount", "收款金额", "Payment Amount", "money"),
        ("method", "收款方式", "Payment Method", "text"),
        ("maturity_date", "汇票到期日", "Maturity Date", "date"),
        ("currency", "币种", "Currency", "text"),
    ],
    "orders": [
        ("order_id", "订单编号", "Order ID", "id"),
        ("customer_id", "客户编号", "Customer ID", "id"),
        ("owner", "负责人", "Owner", "text"),
        ("order_date", "订单日期", "Order Date", "date"),
        ("amount", "订单金额", "Order Amount", "money"),
        ("discount_pct", "折扣", "Discount", "num_pct"),
        ("status", "状态", "Status", "text"),
        ("promised_date", "承诺交期", "Promised Date", "date"),
        ("delivered_date", "发货日期", "Delivered Date", "date"),
    ],
    "opportunities": [
        ("opportunity_id", "商机编号", "Opportunity ID", "id"),
        ("customer_id", "客户编号", "Customer ID", "id"),
        ("owner", "负责人", "Owner", "text"),
        ("stage", "阶段", "Stage", "text"),
        ("amount", "预计金额", "Expected Amount", "money"),
        ("created_date", "创建日期", "Created Date", "date"),
        ("close_date", "预计成交日期", "Expected Close Date", "date"),
        ("last_activity_date", "最近跟进日期", "Last Activity Date", "date"),
        ("competitor", "竞争对手", "Competitor", "text"),
    ],
    "reps": [
        ("rep_id", "工号", "Rep ID", "id"),
        ("rep_name", "姓名", "Rep Name", "text"),
        ("department", "部门", "Department", "text"),
        ("manager", "上级", "Manager", "text"),
        ("quota", "指标", "Quota", "money"),
        ("hire_date", "入职日期", "Hire Date", "date"),
        ("leave_date", "离职日期", "Leave Date", "date"),
    ],
}

# Benchmark receivables: 13 columns.
BENCH_COLUMNS = [
    ("invoice_id", "发票号", "id"), ("doc_type", "单据类型", "text"), ("customer_id", "客户编号", "id"),
    ("customer_name", "客户名称", "text"), ("invoice_date", "开票日期", "date"), ("due_date", "到期日", "date"),
    ("amount", "应收金额", "money"), ("paid_amount", "已收金额", "money"), ("paid_date", "回款日期", "date"),
    ("currency", "币种", "text"), ("contract_id", "合同编号", "id"), ("owner", "负责人", "text"),
    ("disputed", "是否争议", "text"),
]

TITLES = {
    "zh": {"title": "应收账款明细表", "printed": "制表日期: {d}", "unit": "单位: 元", "total": "合计"},
    "en": {"title": "Accounts receivable detail", "printed": "Printed: {d}", "unit": None, "total": "Total"},
}

# ---------------------------------------------------------------------------------------------------------
# Reference data (zh, en)
# ---------------------------------------------------------------------------------------------------------

# rep_id, zh name, en name, department (zh), manager rep_id, annual quota, hire date, leave date
REPS = [
    ("S001", "陈明", "Chen Ming", "华东销售部", None, 15_000_000, "2015-03-16", None),
    ("S002", "王磊", "Wang Lei", "华东销售部", "S001", 8_000_000, "2019-05-06", "leaves"),  # end of last quarter
    ("S003", "李娜", "Li Na", "华东销售部", "S001", 9_000_000, "2018-08-20", None),
    ("S004", "赵强", "Zhao Qiang", "华东销售部", "S001", 7_000_000, "2020-02-24", None),
    ("S005", "黄丽", "Huang Li", "华南销售部", None, 14_000_000, "2014-11-03", None),
    ("S006", "张伟", "Zhang Wei", "华南销售部", "S005", 9_000_000, "2021-04-12", None),
    ("S007", "刘洋", "Liu Yang", "华南销售部", "S005", 7_500_000, "2019-09-02", None),
    ("S008", "周婷", "Zhou Ting", "华南销售部", "S005", 6_500_000, "2022-07-18", None),
    ("S009", "孙浩", "Sun Hao", "华北销售部", None, 13_000_000, "2016-06-13", None),
    ("S010", "吴静", "Wu Jing", "华北销售部", "S009", 7_000_000, "2020-10-19", None),
    ("S011", "郑凯", "Zheng Kai", "华北销售部", "S009", 6_500_000, "2023-03-06", None),
    ("S012", "马超", "Ma Chao", "华北销售部", "S009", 6_000_000, "2023-11-27", None),
]
DEPARTED_REP = "S002"
SPIKE_REP = "S006"
BUNCH_REP = "S003"
DEPARTMENTS = {"华东销售部": "East China Sales", "华南销售部": "South China Sales", "华北销售部": "North China Sales"}
DEPT_REGIONS = {"华东销售部": ["华东", "华中"], "华南销售部": ["华南", "西南"], "华北销售部": ["华北", "西北", "东北"]}
REGIONS = {"华东": "East China", "华中": "Central China", "华南": "South China", "西南": "Southwest China",
           "华北": "North China", "西北": "Northwest China", "东北": "Northeast China"}
# region -> [(city zh, city en, 6-digit administrative division code, telephone area code)]
CITIES = {
    "华东": [("上海", "Shanghai", "310115", "021"), ("苏州", "Suzhou", "320505", "0512"),
           ("杭州", "Hangzhou", "330106", "0571"), ("南京", "Nanjing", "320106", "025"),
           ("宁波", "Ningbo", "330203", "0574"), ("无锡", "Wuxi", "320214", "0510"),
           ("常州", "Changzhou", "320411", "0519")],
    "华中": [("武汉", "Wuhan", "420106", "027"), ("长沙", "Changsha", "430104", "0731"),
           ("合肥", "Hefei", "340104", "0551"), ("郑州", "Zhengzhou", "410105", "0371")],
    "华南": [("深圳", "Shenzhen", "440305", "0755"), ("广州", "Guangzhou", "440106", "020"),
           ("东莞", "Dongguan", "441900", "0769"), ("佛山", "Foshan", "440604", "0757"),
           ("厦门", "Xiamen", "350203", "0592")],
    "西南": [("成都", "Chengdu", "510107", "028"), ("重庆", "Chongqing", "500106", "023"),
           ("昆明", "Kunming", "530102", "0871")],
    "华北": [("北京", "Beijing", "110108", "010"), ("天津", "Tianjin", "120116", "022"),
           ("青岛", "Qingdao", "370212", "0532"), ("济南", "Jinan", "370102", "0531"),
           ("石家庄", "Shijiazhuang", "130102", "0311")],
    "西北": [("西安", "Xi'an", "610113", "029"), ("兰州", "Lanzhou", "620102", "0931")],
    "东北": [("沈阳", "Shenyang", "210106", "024"), ("大连", "Dalian", "210204", "0411")],
}
BRANDS = [("恒达", "Hengda"), ("瑞丰", "Ruifeng"), ("金泰", "Jintai"), ("宏远", "Hongyuan"), ("鑫源", "Xinyuan"),
          ("永盛", "Yongsheng"), ("天宇", "Tianyu"), ("博通", "Botong"), ("中联", "Zhonglian"), ("华信", "Huaxin"),
          ("远航", "Yuanhang"), ("盛世", "Shengshi"), ("新锐", "Xinrui"), ("凯达", "Kaida"), ("荣升", "Rongsheng"),
          ("德润", "Derun"), ("嘉禾", "Jiahe"), ("汇通", "Huitong"), ("明辉", "Minghui"), ("安泰", "Antai"),
          ("广源", "Guangyuan"), ("佳联", "Jialian"), ("同创", "Tongchuang"), ("万通", "Wantong"), ("聚力", "Juli"),
          ("长青", "Changqing"), ("启航", "Qihang"), ("联丰", "Lianfeng"), ("海纳", "Haina"), ("宏图", "Hongtu"),
          ("润泽", "Runze"), ("金桥", "Jinqiao"), ("天成", "Tiancheng"), ("博远", "Boyuan"), ("鼎盛", "Dingsheng"),
          ("恒信", "Hengxin"), ("华通", "Huatong"), ("新宇", "Xinyu"), ("众诚", "Zhongcheng"), ("科达", "Keda")]
# business word zh, en, industry zh
WORDS = [("机械制造", "Machinery", "制造业"), ("精密机械", "Precision Machinery", "制造业"),
         ("机电设备", "Electromechanical Equipment", "制造业"), ("汽车零部件", "Auto Parts", "汽车零部件"),
         ("汽车部件", "Automotive Components", "汽车零部件"), ("电子科技", "Electronic Technology", "电子"),
         ("新能源科技", "New Energy Technology", "新能源"), ("光伏科技", "Photovoltaic Technology", "新能源"),
         ("建设工程", "Construction Engineering", "建筑工程"), ("建材", "Building Materials", "建筑工程"),
         ("商贸", "Trading", "批发零售"), ("医疗器械", "Medical Devices", "医疗器械"),
         ("信息技术", "Information Technology", "信息技术"), ("物流", "Logistics", "物流")]
INDUSTRIES = {"制造业": "Manufacturing", "汽车零部件": "Automotive", "电子": "Electronics", "新能源": "New Energy",
              "建筑工程": "Construction", "批发零售": "Wholesale & Retail", "医疗器械": "Medical Devices",
              "信息技术": "Information Technology", "物流": "Logistics"}
# yearly growth shape of invoice volume per industry: density 1 + g * (t - 0.5) over the period
INDUSTRY_TREND = {"新能源": 0.9, "建筑工程": -0.9, "电子": 0.3}
PRODUCTS = [("工业自动化设备及配件", "industrial automation equipment and parts"),
            ("伺服电机及驱动器", "servo motors and drives"), ("变频器", "frequency inverters"),
            ("PLC控制系统", "PLC control systems"), ("工业传感器", "industrial sensors"),
            ("电气控制柜", "electrical control cabinets")]
COMPETITORS = {"西门子": "Siemens", "施耐德": "Schneider Electric", "汇川技术": "Inovance", "台达": "Delta",
               "欧姆龙": "Omron"}
STRONG_COMPETITOR = "汇川技术"  # wins more often from 2025-10 on (price erosion / competition signal)
STAGES = {"初步接洽": "Prospecting", "需求确认": "Qualification", "方案报价": "Proposal",
          "商务谈判": "Negotiation", "赢单": "Won", "输单": "Lost"}
OPEN_STAGES = ["初步接洽", "需求确认", "方案报价", "商务谈判"]
VALUE_EN = {
    "doc_type": {"发票": "Invoice", "红字发票": "Credit Note", "质保金": "Retention"},
    "disputed": {"是": "Yes", "否": "No"},
    "method": {"银行转账": "Bank Transfer", "承兑汇票": "Bank Acceptance Bill"},
    "order_status": {"已完成": "Completed", "待发货": "Open", "已取消": "Cancelled"},
    "contract_status": {"执行中": "Active", "已到期": "Expired"},
    "template_id": {"非标": "Non-standard"},
    "stage": STAGES,
    "competitor": COMPETITORS,
    "industry": INDUSTRIES,
    "region": REGIONS,
    "department": DEPARTMENTS,
    "parent_id": {"华锐集团": "Huarui Group"},
}
CN_NUM = "一二三四五六七八九十"
LD_WORDS = {0.0003: ("万分之三", "0.03%"), 0.0005: ("万分之五", "0.05%"), 0.001: ("千分之一", "0.1%"),
            0.005: ("千分之五", "0.5%")}

# GB 32100-2015 unified social credit code
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: digits + letters without I O S V Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_valid(code: object) -> bool:
    if not isinstance(code, str) or len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def make_uscc(division: str, org8: str) -> str:
    """'91' (enterprise, registered with SAMR) + division code + organisation code (with its own check) + check."""
    total = sum(int(c) * w for c, w in zip(org8, ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    org = org8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    first17 = "91" + division + org
    return first17 + uscc_check_char(first17)


# ---------------------------------------------------------------------------------------------------------
# Date helpers (numpy datetime64[D])
# ---------------------------------------------------------------------------------------------------------

NAT = np.datetime64("NaT", "D")


def _day(s) -> np.datetime64:
    return np.datetime64(s, "D")


def _weekday(d):
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (np.asarray(d, dtype="datetime64[D]").astype(np.int64) + 3) % 7


def _workday(d, lo=None, hi=None):
    """Move Saturdays/Sundays to the next Monday, or back to Friday where that would pass `hi`."""
    d = np.asarray(d, dtype="datetime64[D]").copy()
    wd = _weekday(d)
    fwd = d + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    back = d - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
    out = fwd
    if hi is not None:
        out = np.where(fwd > hi, back, fwd)
    if lo is not None:
        out = np.where(out < lo, fwd, out)
    return out.astype("datetime64[D]")


def _month_end(d):
    return (np.asarray(d, dtype="datetime64[D]").astype("datetime64[M]") + 1).astype("datetime64[D]") - 1


def _add_months(d: np.datetime64, months: int) -> np.datetime64:
    ts = pd.Timestamp(d) + pd.DateOffset(months=int(months))
    return np.datetime64(ts.date(), "D")


def _ts(arr) -> pd.Series:
    """Dates (numpy, pandas or objects, NaT allowed) -> a datetime64[ns] Series with a fresh index."""
    if isinstance(arr, pd.Series):
        return pd.to_datetime(arr.reset_index(drop=True)).astype("datetime64[ns]")
    a = np.asarray(arr)
    if a.dtype.kind == "M":
        return pd.Series(a.astype("datetime64[ns]"))
    return pd.to_datetime(pd.Series(list(a), dtype=object)).astype("datetime64[ns]")


def _dcol(s: pd.Series) -> pd.Series:
    """A date column (any of numpy datetime64 objects, Timestamps, NaT) as datetime64, index kept."""
    return pd.to_datetime(s).astype("datetime64[s]")


def _money(cents) -> np.ndarray:
    """Integer cents -> float with two decimals (NaN stays NaN)."""
    c = np.asarray(cents, dtype="float64")
    return np.round(c / 100.0, 2)


def _trend_sample(rng, g, size):
    """Sample t in [0, 1) from the density 1 + g (t - 1/2), |g| <= 1."""
    u = rng.random(size)
    g = np.broadcast_to(np.asarray(g, dtype=float), np.shape(u)).copy()
    small = np.abs(g) < 1e-9
    g_safe = np.where(small, 1.0, g)
    a = g_safe / 2
    b = 1 - g_safe / 2
    t = (-b + np.sqrt(b * b + 4 * a * u)) / (2 * a)
    return np.clip(np.where(small, u, t), 0, 1 - 1e-12)


# ---------------------------------------------------------------------------------------------------------
# Contract text
# ---------------------------------------------------------------------------------------------------------


def _contract_text(p: dict, lang: str) -> str:
    """Numbered articles; `p` holds the clause parameters and the planted risks of one contract."""
    zh = lang == "zh"
    arts: list[str] = []
    product = p["product"][0 if zh else 1]
    amount = f"{p['amount']:,.2f}"
    if zh:
        arts.append(f"合同标的：乙方向甲方供应{product}，具体规格、数量及交货时间以甲方订单为准。")
        arts.append(f"合同金额：本合同暂定总金额为人民币{amount}元（含税），以实际订单结算为准。")
        if p["back_to_back"]:
            pay = "付款方式：甲方收到最终用户付款后向乙方支付相应货款。"
        elif p["prepay"] > 0:
            pay = (f"付款方式：甲方应于合同签订后5个工作日内向乙方预付合同金额的{p['prepay'] * 100:.0f}%；"
                   f"余款在货到验收合格后{p['days']}天内付清。")
        else:
            pay = f"付款方式：货到验收合格后{p['days']}天内付清全部货款。"
        arts.append(pay)
        if p["acceptance_risky"]:
            arts.append("验收：货物验收以甲方确认为准。")
        else:
            arts.append("验收：甲方应在收货后7日内组织验收，逾期未书面提出异议的，视为验收合格。")
        ld = LD_WORDS[p["ld_rate"]][0]
        s = f"违约责任：任何一方逾期履行的，每日按逾期部分金额的{ld}向对方支付违约金"
        s += "。" if p["ld_cap"] is None else f"，违约金总额不超过合同金额的{p['ld_cap'] * 100:.0f}%。"
        if p["uncapped_liability"]:
            s += "乙方交付的货物存在质量问题的，乙方承担由此造成的全部损失。"
        else:
            s += "因乙方原因造成甲方损失的，乙方赔偿责任总额以合同金额为限。"
        arts.append(s)
        if p["warranty_article"]:
            s = f"质保：质保期为验收合格之日起{p['warranty']}个月。"
            if p["retention"]:
                s += f"甲方可保留合同金额的{p['retention'] * 100:.0f}%作为质保金，质保期满且无质量问题后30日内支付。"
            arts.append(s)
        if p["dispute"] == "arbitration":
            arts.append(f"争议解决：因本合同引起的争议，双方应协商解决；协商不成的，提交{p['city'][0]}仲裁委员会仲裁。")
        elif p["dispute"] == "court":
            arts.append("争议解决：因本合同引起的争议，双方应协商解决；协商不成的，向乙方所在地人民法院起诉。")
        elif p["dispute"] == "either":
            arts.append(f"争议解决：因本合同引起的争议，双方应协商解决；协商不成的，任何一方可向{p['city'][0]}"
                        "仲裁委员会申请仲裁或向人民法院起诉。")
        if p["misc_article"]:
            arts.append("其他：本合同一式两份，双方各执一份，自双方签字盖章之日起生效。")
        return "\n".join(f"第{CN_NUM[i]}条 {a}" for i, a in enumerate(arts))

    arts.append(f"Subject matter: Seller shall supply {product} to Buyer; specifications, quantities and "
                "delivery dates as per Buyer's purchase orders.")
    arts.append(f"Contract price: The provisional total contract price is CNY {amount} (tax included), "
                "settled according to actual orders.")
    if p["back_to_back"]:
        pay = "Payment: Buyer shall pay Seller after Buyer has received payment from the end customer."
    elif p["prepay"] > 0:
        pay = (f"Payment: Buyer shall prepay {p['prepay'] * 100:.0f}% of the contract price within 5 business "
               f"days after signing; the balance shall be paid within {p['days']} days after delivery and acceptance.")
    else:
        pay = f"Payment: Buyer shall pay the price in full within {p['days']} days after delivery and acceptance."
    arts.append(pay)
    if p["acceptance_risky"]:
        arts.append("Acceptance: Acceptance of the goods shall be subject to Buyer's confirmation.")
    else:
        arts.append("Acceptance: Buyer shall inspect the goods within 7 days after receipt; if Buyer raises no "
                    "written objection within that period, the goods shall be deemed accepted.")
    ld = LD_WORDS[p["ld_rate"]][1]
    s = (f"Liability: A party that delays performance shall pay the other party liquidated damages of {ld} of "
         "the delayed amount per day")
    s += "." if p["ld_cap"] is None else f", capped at {p['ld_cap'] * 100:.0f}% of the contract price."
    if p["uncapped_liability"]:
        s += " Where the goods delivered by Seller are defective, Seller shall bear all losses caused thereby."
    else:
        s += " Seller's total liability for losses caused by Seller shall not exceed the contract price."
    arts.append(s)
    if p["warranty_article"]:
        s = f"Warranty: The warranty period is {p['warranty']} months from acceptance."
        if p["retention"]:
            s += (f" Buyer may retain {p['retention'] * 100:.0f}% of the contract price as a retention, payable "
                  "within 30 days after the warranty period expires without quality defects.")
        arts.append(s)
    if p["dispute"] == "arbitration":
        arts.append("Dispute resolution: Disputes arising from this contract shall be settled through "
                    f"negotiation; failing that, they shall be submitted to the {p['city'][1]} Arbitration "
                    "Commission for arbitration.")
    elif p["dispute"] == "court":
        arts.append("Dispute resolution: Disputes arising from this contract shall be settled through "
                    "negotiation; failing that, they shall be brought before the people's court where Seller "
                    "is located.")
    elif p["dispute"] == "either":
        arts.append("Dispute resolution: Disputes arising from this contract shall be settled through "
                    f"negotiation; failing that, either party may apply to the {p['city'][1]} Arbitration "
                    "Commission for arbitration or bring a lawsuit before a people's court.")
    if p["misc_article"]:
        arts.append("Miscellaneous: This contract is made in duplicate, one for each party, and takes effect "
                    "upon signature and seal of both parties.")
    return "\n".join(f"Article {i + 1} {a}" for i, a in enumerate(arts))


def _terms_text(style: str, days: int, lang: str) -> str:
    if lang == "zh":
        return {"eom": f"月结{days}天", "delivery": f"货到{days}天", "net": f"{days}天"}[style]
    return {"eom": f"EOM {days} days", "delivery": f"{days} days after delivery", "net": f"Net {days}"}[style]


def _approvals(legal: bool, lang: str) -> str:
    steps = [("销售经理", "Sales manager"), ("财务", "Finance")] + ([("法务", "Legal")] if legal else [])
    if lang == "zh":
        return "; ".join(f"{z}:同意" for z, _ in steps)
    return "; ".join(f"{e}: approved" for _, e in steps)


# ---------------------------------------------------------------------------------------------------------
# The ledger
# ---------------------------------------------------------------------------------------------------------


class _Builder:
    """Builds the seven tables (zh values and en values) and the record of what was planted."""

    def __init__(self, n_customers: int, n_invoices: int, start: str, end: str, seed: int):
        if n_customers < 10:
            raise ValueError("n_customers must be at least 10 (the planted stories need distinct customers)")
        self.n = int(n_customers)
        self.n_invoices = int(n_invoices)
        self.start, self.end = _day(start), _day(end)
        if self.end - self.start < np.timedelta64(360, "D"):
            raise ValueError("the period must span at least a year")
        self.rng = np.random.default_rng(seed)
        self.truth: dict = {"as_of": str(self.end), "usd_rate": USD_RATE, "approval_limit": APPROVAL_LIMIT}
        # story dates, relative to the as-of date (2026-06-30 by default)
        month = self.end.astype("datetime64[M]")
        self.det_m0 = (month - 3).astype("datetime64[D]")  # 2026-03-01: late from here on
        self.det_m1 = (month - 2).astype("datetime64[D]")  # 2026-04-01
        self.det_m2 = (month - 1).astype("datetime64[D]")  # 2026-05-01: never paid from here on
        self.bad_from = self.end - 333  # 2025-08-01: the bad-debt customer stopped paying
        self.bad_last = self.end - 253  # 2025-10-20: ... and buying
        self.competitor_from = self.end - 272  # 2025-10-01
        self.leave = _day((pd.Timestamp(self.end) - pd.offsets.QuarterEnd(1)).date())  # 2026-03-31

    # -- reps --------------------------------------------------------------------------------------------
    def reps(self):
        self.rep_ids = [r[0] for r in REPS]
        self.rep_zh = {r[0]: r[1] for r in REPS}
        self.rep_en = {r[0]: r[2] for r in REPS}
        self.rep_dept = {r[0]: r[3] for r in REPS}
        self.rep_mgr = {r[0]: r[4] for r in REPS}
        self.truth["departed_rep"] = {"rep_id": DEPARTED_REP, "name": self.rep_zh[DEPARTED_REP],
                                      "leave_date": str(self.leave)}

    # -- customers ---------------------------------------------------------------------------------------
    def customers(self):
        rng, n = self.rng, self.n
        step = (n - 2) // 8
        slots = [1 + k * step for k in range(8)]
        role = np.array(["normal"] * n, dtype=object)
        role[0] = "key"
        for i in slots[0:3]:
            role[i] = "group"
        role[slots[3]], role[slots[4]], role[slots[5]] = "deteriorating", "bad_debt", "usd"
        role[slots[6]], role[slots[7]], role[n - 1] = "credit_breach", "chronic", "phantom"
        self.role = role
        self.ids = np.array([f"C{i + 1:04d}" for i in range(n)], dtype=object)
        self.idx = {r: int(np.flatnonzero(role == r)[0]) for r in
                    ("key", "deteriorating", "bad_debt", "usd", "credit_breach", "chronic", "phantom")}
        self.group = [int(i) for i in np.flatnonzero(role == "group")]

        normal = np.flatnonzero(role == "normal")
        perm = rng.permutation(normal)
        n_chronic = max(0, round(0.10 * n) - 1)
        n_slight = round(0.20 * n)
        beh = np.array(["ontime"] * n, dtype=object)
        beh[perm[:n_chronic]] = "chronic"
        beh[perm[n_chronic:n_chronic + n_slight]] = "slight"
        beh[self.idx["chronic"]] = "chronic"
        beh[self.idx["deteriorating"]] = "deteriorating"
        beh[self.idx["bad_debt"]] = "bad_debt"
        beh[self.idx["credit_breach"]] = "slight"
        beh[self.group[1]] = "slight"
        self.beh = beh

        ccy = np.array(["CNY"] * n, dtype=object)
        ccy[self.idx["usd"]] = "USD"
        rest = perm[n_chronic + n_slight:]
        n_usd_extra = max(0, round(0.015 * n) - 1)
        usd_extra = rest[:n_usd_extra]
        ccy[usd_extra] = "USD"
        self.ccy = ccy

        # created dates: most customers predate the period, ~10 % are new during it
        created = self.start - rng.integers(60, 3650, n).astype("timedelta64[D]")
        new_pool = rest[n_usd_extra:]
        n_new = min(len(new_pool), round(0.10 * n))
        new = new_pool[:n_new]
        created[new] = self.start + rng.integers(0, 540, n_new).astype("timedelta64[D]")
        created[self.idx["phantom"]] = self.end - 4
        created = _workday(created)
        self.created = created.astype("datetime64[D]")

        # owners
        weights = np.array([0.35 if r[4] is None else 0.6 if r[0] == DEPARTED_REP else 1.0 for r in REPS])
        owner = np.array(rng.choice(self.rep_ids, size=n, p=weights / weights.sum()), dtype=object)
        owner[self.idx["key"]] = BUNCH_REP
        owner[self.idx["bad_debt"]] = DEPARTED_REP
        owner[self.idx["chronic"]] = DEPARTED_REP
        owner[self.idx["credit_breach"]] = SPIKE_REP
        owner[self.idx["phantom"]] = SPIKE_REP
        owner[self.idx["deteriorating"]] = "S007"
        for i in self.group:
            owner[i] = "S004"
        self.owner = owner

        # names, regions, industries
        used = set()
        name_zh, name_en, region, city, industry = [], [], [], [], []
        for i in range(n):
            regs = DEPT_REGIONS[self.rep_dept[owner[i]]]
            reg = regs[0] if rng.random() < 0.7 else regs[int(rng.integers(1, len(regs)))]
            cty = CITIES[reg][int(rng.integers(0, len(CITIES[reg])))]
            while True:
                b = BRANDS[int(rng.integers(0, len(BRANDS)))]
                w = WORDS[int(rng.integers(0, len(WORDS)))]
                if role[i] == "phantom":
                    w = WORDS[10]  # 商贸: a trading company
                key = (cty[0], b[0], w[0])
                if key not in used:
                    used.add(key)
                    break
            zh, en, ind = f"{cty[0]}{b[0]}{w[0]}有限公司", f"{cty[1]} {b[1]} {w[1]} Co., Ltd.", w[2]
            name_zh.append(zh)
            name_en.append(en)
            region.append(reg)
            city.append(cty)
            industry.append(ind)
        group_defs = [
            ("上海华锐控股集团有限公司", "Shanghai Huarui Holding Group Co., Ltd.", "华东", CITIES["华东"][0], "制造业"),
            ("苏州华锐精密机械有限公司", "Suzhou Huarui Precision Machinery Co., Ltd.", "华东", CITIES["华东"][1], "制造业"),
            ("合肥华锐新能源科技有限公司", "Hefei Huarui New Energy Technology Co., Ltd.", "华中", CITIES["华中"][2],
             "新能源"),
        ]
        for i, (zh, en, reg, cty, ind) in zip(self.group, group_defs, strict=True):
            name_zh[i], name_en[i], region[i], city[i], industry[i] = zh, en, reg, cty, ind
        self.name_zh = np.array(name_zh, dtype=object)
        self.name_en = np.array(name_en, dtype=object)
        self.region = np.array(region, dtype=object)
        self.city = city
        self.industry = np.array(industry, dtype=object)
        self.parent = np.array([None] * n, dtype=object)
        for i in self.group:
            self.parent[i] = "华锐集团"

        # terms
        days = rng.choice([30, 45, 60, 90], size=n, p=[0.3, 0.2, 0.35, 0.15])
        style = rng.choice(["eom", "delivery", "net"], size=n, p=[0.5, 0.3, 0.2]).astype(object)
        days[self.idx["deteriorating"]], style[self.idx["deteriorating"]] = 30, "eom"
        days[self.idx["bad_debt"]], style[self.idx["bad_debt"]] = 60, "net"
        self.terms_days = days.astype(int)
        self.terms_style = style

        # size: invoice volume weight and typical invoice amount
        size = rng.lognormal(0.0, 0.6, n)
        self.size = size

        # external rating
        rating = np.empty(n, dtype=object)
        tables = {"ontime": (["AAA", "AA", "A", "BBB"], [0.1, 0.35, 0.4, 0.15]),
                  "slight": (["AA", "A", "BBB", "BB"], [0.2, 0.4, 0.3, 0.1]),
                  "chronic": (["A", "BBB", "BB", "B"], [0.15, 0.35, 0.35, 0.15])}
        for i in range(n):
            opts, p = tables.get(beh[i], (["AA"], [1.0]))
            rating[i] = opts[int(rng.choice(len(opts), p=p))]
        rating[self.idx["deteriorating"]] = "AA"
        rating[self.idx["bad_debt"]] = "BBB"
        rating[self.idx["phantom"]] = None
        self.rating = rating

        # tax ids and phones
        tax, phone = [], []
        for i in range(n):
            org8 = "".join(str(int(x)) for x in rng.integers(0, 10, 8))
            tax.append(make_uscc(city[i][2], org8))
            if rng.random() < 0.6:
                phone.append("1" + str(int(rng.choice([3, 5, 8, 9]))) + "".join(
                    str(int(x)) for x in rng.integers(0, 10, 9)))
            else:
                area = city[i][3]
                local_len = 8 if len(area) == 3 else 7
                phone.append(area + "-" + str(int(rng.integers(2, 9))) + "".join(
                    str(int(x)) for x in rng.integers(0, 10, local_len - 1)))
        self.tax = np.array(tax, dtype=object)
        self.phone = np.array(phone, dtype=object)

        t = self.truth
        t["key_account"] = self.ids[self.idx["key"]]
        t["group"] = {"name": "华锐集团", "members": [self.ids[i] for i in self.group]}
        t["deteriorating_customer"] = self.ids[self.idx["deteriorating"]]
        t["bad_debt_customer"] = self.ids[self.idx["bad_debt"]]
        t["chronic_late_customers"] = sorted(self.ids[beh == "chronic"].tolist())
        t["usd_customers"] = sorted(self.ids[ccy == "USD"].tolist())
        t["phantom_customer"] = self.ids[self.idx["phantom"]]
        t["departed_rep_customers"] = sorted(self.ids[owner == DEPARTED_REP].tolist())
        t["new_customers"] = sorted(self.ids[new].tolist())

    # -- contracts ---------------------------------------------------------------------------------------
    def contracts(self):
        rng, n = self.rng, self.n
        rows = []
        for i in range(n):
            if self.created[i] < self.start:
                s = self.start - int(rng.integers(0, 120))
            else:
                s = self.created[i] + int(rng.integers(1, 10))
            while True:
                years = 2 if rng.random() < 0.3 else 1
                e = _day(pd.Timestamp(s) + pd.DateOffset(years=years)) - 1
                sign = _workday(s - int(rng.integers(3, 25)))[()]
                rows.append({
                    "ci": i, "start": s, "end": e, "sign": sign,
                    "days": int(self.terms_days[i]),
                    "prepay": float(rng.choice([0.0, 0.1, 0.2, 0.3], p=[0.4, 0.2, 0.2, 0.2])),
                    "ld_rate": float(rng.choice([0.0003, 0.0005, 0.001], p=[0.2, 0.65, 0.15])),
                    "ld_cap": float(rng.choice([0.1, 0.2], p=[0.7, 0.3])),
                    "warranty": int(rng.choice([12, 24, 36], p=[0.6, 0.3, 0.1])),
                    "notice": int(rng.choice([30, 60, 90], p=[0.4, 0.4, 0.2])),
                    "template": "XS-STD-2022" if sign < _day("2024-07-01") and rng.random() < 0.4 else "XS-STD-2024",
                    "legal": True,
                    "product": PRODUCTS[int(rng.integers(0, len(PRODUCTS)))],
                    "dispute": "arbitration" if rng.random() < 0.6 else "court",
                    "warranty_article": bool(rng.random() < 0.8),
                    "misc_article": bool(rng.random() < 0.6),
                    "back_to_back": False, "acceptance_risky": False, "uncapped_liability": False,
                    "retention": 0.0,
                })
                if e >= self.end:
                    break
                s = e + 1
        ct = pd.DataFrame(rows)
        ct["sign"] = _dcol(ct["sign"])
        ct = ct.sort_values(["sign", "ci"], kind="stable").reset_index(drop=True)
        seq: dict[int, int] = {}
        cids = []
        for d in ct["sign"]:
            y = pd.Timestamp(d).year
            seq[y] = seq.get(y, 0) + 1
            cids.append(f"HT{y}-{seq[y]:04d}")
        ct["contract_id"] = cids
        ct["current"] = ct["end"] >= self.end

        # planted risky clauses, on current contracts of six different customers
        story = [self.idx[r] for r in ("phantom", "deteriorating", "bad_debt", "credit_breach")]
        cur = ct[ct["current"] & ~ct["ci"].isin(story)]
        preferred = cur[self.role[cur["ci"].to_numpy()] == "normal"]
        pool = preferred if len(preferred) >= 6 else cur
        pick = pool.index.to_numpy()[rng.permutation(len(pool))[:6]]
        risky = {}
        r1, r2, r3, r4, r5, r6 = (int(k) for k in pick)
        ct.at[r1, "back_to_back"] = True
        ct.at[r1, "prepay"] = 0.0
        ct.at[r1, "acceptance_risky"] = True
        ct.at[r1, "template"] = "非标"
        ct.at[r1, "legal"] = False
        risky[r1] = ["back_to_back_payment", "acceptance_at_buyer_discretion", "non_standard_template",
                     "missing_legal_approval"]
        ct.at[r2, "uncapped_liability"] = True
        ct.at[r2, "template"] = "非标"
        risky[r2] = ["uncapped_liability", "non_standard_template"]
        ct.at[r3, "dispute"] = "either"
        risky[r3] = ["arbitration_or_litigation"]
        ct.at[r4, "days"] = 180
        ct.at[r4, "prepay"] = 0.0
        risky[r4] = ["long_payment_term_180_days", "no_prepayment"]
        ct.at[r5, "ld_rate"] = 0.005
        ct.at[r5, "ld_cap"] = None
        ct.at[r5, "template"] = "非标"
        ct.at[r5, "legal"] = False
        risky[r5] = ["high_uncapped_liquidated_damages", "non_standard_template", "missing_legal_approval"]
        ct.at[r6, "dispute"] = None
        ct.at[r6, "warranty_article"] = True
        risky[r6] = ["missing_dispute_resolution_clause"]
        self.truth["risky_contracts"] = {ct.at[k, "contract_id"]: {"customer_id": self.ids[ct.at[k, "ci"]],
                                                                   "risks": v} for k, v in risky.items()}
        self.ct = ct

    # -- receivables -------------------------------------------------------------------------------------
    def invoices(self):
        rng, n = self.rng, self.n
        ct = self.ct
        quarter_ends = [d for d in pd.date_range(pd.Timestamp(self.start), pd.Timestamp(self.end), freq="QE")]
        self.quarter_ends = [_day(d.date()) for d in quarter_ends]
        per_q = max(2, round(self.n_invoices / 400))
        spike_plan = []  # (quarter end, reversed?)
        for qe in self.quarter_ends:
            rev = rng.random(per_q) < 0.4
            if qe < self.end and not rev.any():
                rev[0] = True
            if qe >= self.end:
                rev[:] = False
            spike_plan.extend((qe, bool(r)) for r in rev)
        n_spike = len(spike_plan)
        n_rev = sum(r for _, r in spike_plan)
        ended = ct[(ct["end"] < self.end) & (ct["end"] >= self.start) & (ct["ci"] != self.idx["phantom"])]
        n_ret = max(2, round(0.08 * len(ended)))
        n_adj = max(2, self.n_invoices // 1000)
        n_regular = self.n_invoices - n_spike - n_rev - n_ret - n_adj - 1
        if n_regular < 3 * (n - 1):
            raise ValueError(f"n_invoices={self.n_invoices} is too small for {n} customers")

        # invoice windows and volume weights
        first_start = ct.groupby("ci")["start"].min().reindex(range(n)).to_numpy().astype("datetime64[D]")
        lo = np.maximum(np.maximum(self.start, first_start), self.created + 1)
        hi = np.full(n, self.end)
        bad = self.idx["bad_debt"]
        hi[bad] = self.bad_last
        active = (hi - lo).astype(int) + 1
        span = (self.end - self.start).astype(int) + 1
        w = self.size * np.clip(active / span, 0.05, 1)
        w[self.idx["phantom"]] = 0
        w[self.idx["deteriorating"]] = max(w[self.idx["deteriorating"]], np.median(w))
        others = w.sum() - w[self.idx["key"]]
        w[self.idx["key"]] = others * 0.09 / 0.91  # ~9 % of invoices, larger ones: the concentration story
        counts = np.full(n, 3)
        counts[self.idx["phantom"]] = 0
        counts += rng.multinomial(n_regular - counts.sum(), w / w.sum())

        ci = np.repeat(np.arange(n), counts)
        g = np.array([INDUSTRY_TREND.get(self.industry[i], 0.0) for i in ci])
        t = _trend_sample(rng, g, len(ci))
        d = lo[ci] + (t * active[ci]).astype(int)
        # forced dates for the stories that need them
        det = self.idx["deteriorating"]
        for cust, a, b, first, last in ((det, self.det_m0 + 1, self.det_m0 + 26, 0, 1),
                                        (det, self.det_m1, self.det_m1 + 24, 1, 3),
                                        (bad, self.bad_from, self.bad_last, 0, 2)):
            pos = np.flatnonzero(ci == cust)[first:last]
            a_, b_ = max(a, lo[cust]), min(b, hi[cust])
            d[pos] = a_ + rng.integers(0, max(1, (b_ - a_).astype(int) + 1), len(pos))
        d = _workday(d, hi=self.end)
        d = np.minimum(d, hi[ci])
        med = 20_000 * self.size[ci] ** 0.5
        med[ci == self.idx["key"]] *= 1.8
        gross = np.clip(med * rng.lognormal(0, 0.7, len(ci)), 500, 1_500_000)
        gross = np.round(gross * 100).astype(np.int64)
        reg = pd.DataFrame({"ci": ci, "invoice_date": d.astype("datetime64[D]"), "gross": gross, "kind": "regular"})
        reg = reg.sort_values(["ci", "invoice_date"], kind="stable").reset_index(drop=True)

        # group deliveries into orders (about one order in eight is delivered and billed twice)
        order_key = np.arange(len(reg))
        second = np.zeros(len(reg), dtype=bool)
        ci_arr, d_arr = reg["ci"].to_numpy(), reg["invoice_date"].to_numpy().astype("datetime64[D]")
        split_draw = rng.random(len(reg))
        for j in range(1, len(reg)):
            if (ci_arr[j] == ci_arr[j - 1] and not second[j - 1] and split_draw[j] < 0.12
                    and (d_arr[j] - d_arr[j - 1]).astype(int) <= 45):
                second[j] = True
                order_key[j] = order_key[j - 1]
        reg["okey"] = order_key
        reg["second"] = second

        # bunching under the approval limit (single-delivery orders of the bunching rep's customers, CNY)
        single = ~reg["okey"].duplicated(keep=False)
        cand = reg[single & (self.owner[reg["ci"].to_numpy()] == BUNCH_REP)
                   & (self.ccy[reg["ci"].to_numpy()] == "CNY") & (reg["invoice_date"] <= self.end - 30)]
        k_bunch = max(4, self.n_invoices // 400)
        bunch_rows = cand.index.to_numpy()[rng.permutation(len(cand))[:k_bunch]]
        reg.loc[bunch_rows, "gross"] = rng.integers(4_980_000, 4_999_999, len(bunch_rows))
        reg["bunched"] = False
        reg.loc[bunch_rows, "bunched"] = True
        # split orders: two of them are a pair for one customer, delivered a few days apart (placed the same
        # day further down)
        self.split_rows = []
        by_cust = reg.loc[bunch_rows].groupby("ci").groups
        for _, rows in sorted(by_cust.items(), key=lambda kv: -len(kv[1])):
            rows = sorted(rows)
            for a, b in zip(rows[0::2], rows[1::2], strict=False):
                if len(self.split_rows) >= 2:
                    break
                day = _workday(reg.at[a, "invoice_date"] + np.timedelta64(int(rng.integers(1, 6)), "D"),
                               hi=self.end)[()]
                reg.at[b, "invoice_date"] = day
                self.split_rows.append((a, b))

        # spike orders at quarter ends for the spike rep
        pool = [i for i in np.flatnonzero(self.owner == SPIKE_REP) if i != self.idx["phantom"]]
        sp = []
        for qe, rev in spike_plan:
            c = int(pool[int(rng.integers(0, len(pool)))])
            od = qe - int(rng.integers(0, 3))
            sp.append({"ci": c, "invoice_date": qe, "order_date": od,
                       "gross": int(rng.integers(6_000_000, 25_000_000)), "kind": "spike", "reversed": rev,
                       "rev_date": min(qe + int(rng.integers(1, 8)), self.end) if rev else NAT})
        spikes = pd.DataFrame(sp)
        phantom = pd.DataFrame([{"ci": self.idx["phantom"], "invoice_date": self.end, "order_date": self.end - 1,
                                 "gross": int(rng.integers(60_000_000, 90_000_000)), "kind": "phantom",
                                 "reversed": False, "rev_date": NAT}])
        for f in (spikes, phantom):
            for col in ("invoice_date", "order_date", "rev_date"):
                f[col] = _dcol(f[col])

        # contract of every delivery: the contract whose period contains the invoice date
        bill = pd.concat([reg, spikes, phantom], ignore_index=True)
        bill["order_date"] = _dcol(bill["order_date"])
        bill["invoice_date"] = _dcol(bill["invoice_date"])
        bill["row"] = np.arange(len(bill))
        cts = ct[["ci", "start", "contract_id"]].copy()
        cts["start"] = cts["start"].astype("datetime64[ns]")
        left = bill[["row", "ci", "invoice_date"]].copy()
        left["invoice_date"] = left["invoice_date"].astype("datetime64[ns]")
        m = pd.merge_asof(left.sort_values("invoice_date"), cts.sort_values("start"), left_on="invoice_date",
                          right_on="start", by="ci", direction="backward").set_index("row").sort_index()
        bill["contract_id"] = m["contract_id"].to_numpy()
        bill["kind"] = bill["kind"].fillna("regular")
        bill["okey"] = bill["okey"].fillna(-1).astype(np.int64)
        bill.loc[bill["okey"] < 0, "okey"] = np.arange((bill["okey"] < 0).sum()) + 10_000_000
        bill["second"] = bill["second"].fillna(False).astype(bool)
        bill["bunched"] = bill["bunched"].fillna(False).astype(bool)
        bill["reversed"] = bill["reversed"].fillna(False).astype(bool)

        # retention: chosen among ended contracts that have deliveries; running contracts at random
        has = set(bill["contract_id"])
        ended = ended[ended["contract_id"].isin(has)]
        if len(ended) < n_ret:
            raise ValueError("not enough ended contracts with deliveries for the retention receivables")
        ret_rows = ended.index.to_numpy()[rng.permutation(len(ended))[:n_ret]]
        running = ct.index[ct["end"] >= self.end].to_numpy()
        run_ret = running[rng.random(len(running)) < 0.15]
        for k in list(ret_rows) + list(run_ret):
            ct.at[k, "retention"] = float(rng.choice([0.05, 0.10]))
            ct.at[k, "warranty_article"] = True
        r_by_contract = ct.set_index("contract_id")["retention"]
        bill["r"] = bill["contract_id"].map(r_by_contract).fillna(0.0).to_numpy()
        billed_cny = np.round(bill["gross"].to_numpy() * (1 - bill["r"].to_numpy())).astype(np.int64)
        bill["billed_cny"] = billed_cny
        usd = self.ccy[bill["ci"].to_numpy()] == "USD"
        bill["cents"] = np.where(usd, np.round(billed_cny / USD_RATE), billed_cny).astype(np.int64)

        # order dates of regular deliveries: the first delivery minus a lead time
        first = bill[bill["kind"] == "regular"].groupby("okey")["invoice_date"].transform("min")
        lead = rng.integers(2, 26, len(bill))
        od = np.where(bill["kind"] == "regular",
                      (first.reindex(bill.index).to_numpy().astype("datetime64[D]")
                       - lead.astype("timedelta64[D]")),
                      bill["order_date"].to_numpy().astype("datetime64[D]"))
        bill["order_date"] = _workday(od).astype("datetime64[D]")
        bill["order_date"] = bill.groupby("okey")["order_date"].transform("min")
        for a, b in self.split_rows:  # reg rows are the first rows of bill
            day = min(bill.at[a, "order_date"], bill.at[b, "order_date"])
            bill.at[a, "order_date"] = day
            bill.at[b, "order_date"] = day
        self.split_pairs = self.split_rows

        # retention receivables, one per ended retention contract
        rr = []
        for k in ret_rows:
            c = ct.loc[k]
            sub = bill[bill["contract_id"] == c["contract_id"]]
            ret_cny = int(sub["gross"].sum() - sub["billed_cny"].sum())
            cur = self.ccy[c["ci"]]
            cents = int(round(ret_cny / USD_RATE)) if cur == "USD" else ret_cny
            due = _add_months(c["end"], c["warranty"]) + 30
            rr.append({"ci": int(c["ci"]), "invoice_date": c["end"], "due_date": due, "cents": cents,
                       "contract_id": c["contract_id"], "kind": "retention", "okey": -1})
        ret = pd.DataFrame(rr)

        # credit notes: reversals of cancelled spike orders, and a few price adjustments
        rev = bill[bill["reversed"]]
        cn = pd.DataFrame({"ci": rev["ci"].to_numpy(), "invoice_date": rev["rev_date"].to_numpy(),
                           "cents": -rev["cents"].to_numpy(), "contract_id": rev["contract_id"].to_numpy(),
                           "kind": "reversal", "okey": rev["okey"].to_numpy(), "src": rev.index.to_numpy()})
        excluded = {self.idx[r] for r in ("deteriorating", "bad_debt", "phantom")}
        adj_cand = bill[(bill["kind"] == "regular") & ~bill["ci"].isin(excluded)
                        & (bill["invoice_date"] <= self.end - 60) & ~bill["bunched"]]
        adj_cand = adj_cand.drop_duplicates("ci")
        adj_src = adj_cand.index.to_numpy()[rng.permutation(len(adj_cand))[:n_adj]]
        adj = []
        for k in adj_src:
            b = bill.loc[k]
            date = _workday(_day(b["invoice_date"]) + int(rng.integers(5, 40)), hi=self.end)[()]
            adj.append({"ci": int(b["ci"]), "invoice_date": min(date, self.end),
                        "cents": -int(round(b["cents"] * rng.uniform(0.02, 0.10))),
                        "contract_id": b["contract_id"], "kind": "adjustment", "okey": int(b["okey"]), "src": k})
        cn = pd.concat([cn, pd.DataFrame(adj)], ignore_index=True)
        cn["due_date"] = cn["invoice_date"]
        self.cn_customers = set(cn["ci"].tolist())

        # due dates from the contract's days and the customer's style
        days = bill["contract_id"].map(ct.set_index("contract_id")["days"]).to_numpy()
        style = self.terms_style[bill["ci"].to_numpy()]
        base = np.where(style == "eom", _month_end(bill["invoice_date"].to_numpy()),
                        bill["invoice_date"].to_numpy().astype("datetime64[D]"))
        bill["due_date"] = (base + days.astype("timedelta64[D]")).astype("datetime64[D]")

        rec = pd.concat([bill.assign(src=-1), ret.assign(src=-1), cn], ignore_index=True)
        rec["invoice_date"] = _dcol(rec["invoice_date"])
        rec["due_date"] = _dcol(rec["due_date"])
        rec["bunched"] = rec["bunched"].astype("boolean").fillna(False).astype(bool)
        rec["reversed"] = rec["reversed"].astype("boolean").fillna(False).astype(bool)
        order = {"regular": 0, "spike": 0, "phantom": 0, "retention": 1, "reversal": 2, "adjustment": 2}
        rec["ko"] = rec["kind"].map(order)
        rec = rec.sort_values(["invoice_date", "ko", "ci", "cents"], kind="stable").reset_index()
        rec = rec.rename(columns={"index": "bill_row"})
        rec["invoice_id"] = [f"{10001 + i:08d}" for i in range(len(rec))]
        assert len(rec) == self.n_invoices, (len(rec), self.n_invoices)
        self.rec = rec
        self.bill = bill

    # -- payments ----------------------------------------------------------------------------------------
    def payments(self):
        rng, rec, end = self.rng, self.rec, self.end
        n_rec = len(rec)
        ci = rec["ci"].to_numpy()
        beh = self.beh[ci]
        due = rec["due_date"].to_numpy().astype("datetime64[D]")
        inv = rec["invoice_date"].to_numpy().astype("datetime64[D]")
        kind = rec["kind"].to_numpy()
        delay = np.zeros(n_rec, dtype=np.int64)
        u = rng.random(n_rec)
        delay = np.where(u < 0.9, rng.integers(-12, 4, n_rec), rng.integers(4, 15, n_rec))
        delay = np.where(beh == "slight", rng.integers(0, 26, n_rec), delay)
        delay = np.where(beh == "chronic", rng.integers(30, 91, n_rec), delay)
        never = np.zeros(n_rec, dtype=bool)
        det = beh == "deteriorating"
        d_mar, d_apr, d_may = self.det_m0, self.det_m1, self.det_m2
        delay = np.where(det & (due < d_mar), rng.integers(-5, 3, n_rec), delay)
        delay = np.where(det & (due >= d_mar) & (due < d_apr), rng.integers(10, 26, n_rec), delay)
        delay = np.where(det & (due >= d_apr) & (due < d_may), rng.integers(30, 51, n_rec), delay)
        never |= det & (due >= d_may)
        bad = beh == "bad_debt"
        delay = np.where(bad, rng.integers(15, 61, n_rec), delay)
        never |= bad & (inv >= self.bad_from)
        never |= np.isin(kind, ["reversal", "adjustment"])
        never |= rec["reversed"].to_numpy()
        paid = _workday(due + delay.astype("timedelta64[D]"))
        paid = np.maximum(paid, inv + 1)
        never |= paid > end
        amount = rec["cents"].to_numpy().astype(np.int64)
        paid_cents = np.where(never, 0, amount)
        paid_date = np.where(never, NAT, paid).astype("datetime64[D]")

        # the stories on single invoices, drawn from plain invoices of well-behaved customers
        special_ci = {self.idx[r] for r in ("deteriorating", "bad_debt", "phantom", "credit_breach", "chronic")}
        special_ci |= set(self.group)
        plain_cust = np.array([(self.beh[i] in ("ontime", "slight")) and i not in special_ci
                               and self.role[i] in ("normal", "key") for i in ci])
        # small ledgers: every customer has a role, so fall back to the group and USD customers
        wide_cust = np.array([(self.beh[i] in ("ontime", "slight")) and self.role[i] in ("normal", "key", "group", "usd")
                              for i in ci])
        base = (kind == "regular") & (paid_cents == amount) & (amount > 0) & ~rec["bunched"].to_numpy()
        plain = base & plain_cust
        wide = base & wide_cust
        cny = self.ccy[ci] == "CNY"
        taken = np.zeros(n_rec, dtype=bool)

        def pick(cond, k):
            chosen = np.array([], dtype=np.int64)
            for pool in (plain, wide):
                idx = np.flatnonzero(pool & cond & ~taken)
                more = idx[rng.permutation(len(idx))[:k - len(chosen)]]
                taken[more] = True
                chosen = np.concatenate([chosen, more])
                if len(chosen) == k:
                    return np.sort(chosen)
            raise ValueError("not enough invoices to plant the payment stories")

        disputed = pick(cny & (inv >= end - 270) & (due < end - 30), 1)
        paid_cents[disputed] = 0
        paid_date[disputed] = NAT
        over = pick(cny & (inv < end - 120), 1)
        n_partial = max(3, self.n_invoices // 1000)
        partial = pick((due < end - 45) & (due >= end - 400), n_partial)
        frac = rng.uniform(0.3, 0.7, len(partial))
        paid_cents[partial] = np.round(amount[partial] * frac).astype(np.int64)
        overpay_extra = 100_000  # 1,000.00 too much
        # unallocated payments: the very first invoice of three customers without credit notes
        first_of = rec.groupby("ci")["invoice_date"].idxmin()
        un_cands = np.zeros(n_rec, dtype=bool)
        for c, j in first_of.items():
            if c not in self.cn_customers and wide[j] and cny[j] and not taken[j]:
                un_cands[j] = True
        unalloc = pick(un_cands, min(3, int(un_cands.sum())))
        if len(unalloc) == 0:
            raise ValueError("no customer available for the unallocated payment")
        # a few invoices settled in two instalments
        two = np.flatnonzero(wide & ~taken & (rng.random(n_rec) < 0.04))
        taken[two] = True

        pays = []
        two_set = set(two.tolist())
        for j in np.flatnonzero(paid_cents != 0):
            cid = self.ids[ci[j]]
            if j in two_set:
                first_amt = int(round(amount[j] * rng.uniform(0.3, 0.7)))
                d1 = max(_workday(paid_date[j] - int(rng.integers(10, 31)))[()], inv[j] + 1)
                pays.append((d1, cid, j, first_amt))
                pays.append((paid_date[j], cid, j, int(amount[j] - first_amt)))
            elif j == over[0]:
                pays.append((paid_date[j], cid, j, int(amount[j] + overpay_extra)))
            else:
                pays.append((paid_date[j], cid, j, int(paid_cents[j])))
        paid_cents[over] = amount[over] + overpay_extra
        pf = pd.DataFrame(pays, columns=["date", "customer_id", "rec_row", "cents"])
        pf["date"] = _dcol(pf["date"])
        pf = pf.sort_values(["date", "customer_id", "rec_row"], kind="stable").reset_index(drop=True)
        pf["payment_id"] = [f"SK{i + 1:07d}" for i in range(len(pf))]
        # method: some customers like bank acceptance bills (6-month maturity)
        bill_pref = np.where(rng.random(self.n) < 0.25, 0.5, 0.05)
        cust_i = pf["rec_row"].map(lambda j: ci[j]).to_numpy()
        is_bill = rng.random(len(pf)) < bill_pref[cust_i]
        is_bill &= self.ccy[cust_i] == "CNY"
        pf["method"] = np.where(is_bill, "承兑汇票", "银行转账")
        pf["maturity"] = np.where(is_bill, pf["date"].to_numpy() + np.timedelta64(180, "D"), NAT)
        pf["invoice_id"] = rec["invoice_id"].to_numpy()[pf["rec_row"].to_numpy()]
        pf.loc[pf["rec_row"].isin(unalloc), "invoice_id"] = None
        pf["currency"] = self.ccy[cust_i]
        self.pf = pf

        rec["paid_cents"] = paid_cents
        last = pf.groupby("rec_row")["date"].max()
        pd_col = np.full(n_rec, NAT)
        pd_col[last.index.to_numpy()] = last.to_numpy().astype("datetime64[D]")
        rec["paid_date"] = pd_col
        rec["disputed"] = "否"
        rec.loc[disputed, "disputed"] = "是"
        t = self.truth
        ids = rec["invoice_id"].to_numpy()
        t["partial_invoices"] = sorted(ids[partial].tolist())
        t["disputed_invoices"] = ids[disputed].tolist()
        t["overpaid_invoice"] = {"invoice_id": ids[over[0]], "overpaid_by": overpay_extra / 100}
        t["unallocated_payments"] = pf.loc[pf["rec_row"].isin(unalloc), "payment_id"].tolist()
        t["unallocated_payment_invoices"] = sorted(ids[unalloc].tolist())
        t["two_instalment_invoices"] = len(two)
        bad_open = rec[(rec["ci"] == self.idx["bad_debt"]) & (rec["paid_cents"] < rec["cents"])
                       & (rec["due_date"] < self.end - 180)]
        t["bad_debt_invoices"] = bad_open["invoice_id"].tolist()
        det_open = rec[(rec["ci"] == self.idx["deteriorating"]) & (rec["paid_cents"] < rec["cents"])
                       & (rec["due_date"] < self.end)]
        t["deteriorating_open_overdue_invoices"] = det_open["invoice_id"].tolist()
        t["credit_notes"] = {
            "reversals": rec.loc[rec["kind"] == "reversal", "invoice_id"].tolist(),
            "adjustments": rec.loc[rec["kind"] == "adjustment", "invoice_id"].tolist(),
        }
        t["retention_invoices"] = rec.loc[rec["kind"] == "retention", "invoice_id"].tolist()

    # -- orders ------------------------------------------------------------------------------------------
    def orders(self):
        rng, bill, end = self.rng, self.bill, self.end
        g = bill.groupby("okey", sort=False)
        o = pd.DataFrame({
            "ci": g["ci"].first(), "order_date": g["order_date"].min(), "gross": g["gross"].sum(),
            "delivered": g["invoice_date"].max(), "kind": g["kind"].first(), "reversed": g["reversed"].any(),
            "bunched": g["bunched"].any(),
        })
        o["status"] = np.where(o["reversed"], "已取消", "已完成")
        o["src_okey"] = o.index
        lead = rng.integers(5, 31, len(o))
        o["promised"] = _workday(o["order_date"].to_numpy().astype("datetime64[D]") + lead.astype("timedelta64[D]"))
        disc = rng.choice([0.0, 0.02, 0.03, 0.05, 0.08, 0.10], size=len(o), p=[0.35, 0.2, 0.15, 0.15, 0.1, 0.05])
        disc = np.where(o["kind"].isin(["spike", "phantom"]), np.round(rng.uniform(0.15, 0.25, len(o)), 2), disc)
        o["discount"] = disc

        # open (not yet delivered) orders and ordinary cancellations
        extra = []
        skip = {self.idx["bad_debt"], self.idx["phantom"], self.idx["credit_breach"]}
        for i in range(self.n):
            if i in skip or rng.random() >= 0.3:
                continue
            od = _workday(end - int(rng.integers(0, 26)), hi=end)[()]
            extra.append({"ci": i, "order_date": od, "gross": int(rng.integers(1_000_000, 8_000_000)),
                          "delivered": NAT, "status": "待发货", "kind": "open"})
        n_cancel = max(2, self.n_invoices // 100)
        live = [i for i in range(self.n) if i not in skip]
        for _ in range(n_cancel):
            i = live[int(rng.integers(0, len(live)))]
            od = _workday(self.start + int(rng.integers(0, (end - self.start).astype(int) - 30)))[()]
            extra.append({"ci": i, "order_date": od, "gross": int(rng.integers(500_000, 6_000_000)),
                          "delivered": NAT, "status": "已取消", "kind": "cancelled"})
        ex = pd.DataFrame(extra)
        ex["order_date"] = _dcol(ex["order_date"])
        ex["promised"] = _workday(ex["order_date"].to_numpy() + rng.integers(5, 31, len(ex)).astype("timedelta64[D]"))
        ex["discount"] = rng.choice([0.0, 0.02, 0.05], size=len(ex))
        ex["reversed"] = False
        ex["bunched"] = False
        ex["src_okey"] = -1
        self.orders_df = pd.concat([o.reset_index(drop=True), ex], ignore_index=True)

    # -- credit limits (from the exposure at the as-of date) ------------------------------------------------
    def credit_limits(self):
        rng, rec, o = self.rng, self.rec, self.orders_df
        fx = np.where(self.ccy == "USD", USD_RATE, 1.0)
        open_ar = np.zeros(self.n)
        np.add.at(open_ar, rec["ci"].to_numpy(), (rec["cents"] - rec["paid_cents"]).to_numpy() / 100.0)
        open_ar *= fx
        open_orders = np.zeros(self.n)
        oo = o[o["status"] == "待发货"]
        np.add.at(open_orders, oo["ci"].to_numpy(), oo["gross"].to_numpy() / 100.0)
        exposure = np.maximum(open_ar, 0) + open_orders
        limit = np.ceil(exposure * rng.uniform(1.3, 3.0, self.n) / 50_000) * 50_000
        limit = np.maximum(limit, 100_000.0)
        b = self.idx["credit_breach"]
        base = max(open_ar[b], 0) + open_orders[b]
        order_amt = round(max(150_000.0, 0.6 * base + 100_000.0), 2)
        limit[b] = math.ceil((base + 0.4 * order_amt) / 50_000) * 50_000
        od = _workday(self.end - 1, hi=self.end)[()]
        breach = pd.DataFrame([{"ci": b, "order_date": od, "gross": int(round(order_amt * 100)), "delivered": NAT,
                                "status": "待发货", "kind": "breach", "reversed": False, "bunched": False,
                                "src_okey": -1, "discount": 0.12,
                                "promised": _workday(od + 20)[()]}])
        breach["order_date"] = _dcol(breach["order_date"])
        self.orders_df = pd.concat([o, breach], ignore_index=True)
        self.limit = limit
        self.truth["credit_breach"] = {"customer_id": self.ids[b], "credit_limit": float(limit[b]),
                                       "open_receivables_cny": round(float(open_ar[b]), 2),
                                       "other_open_orders": round(float(open_orders[b]), 2),
                                       "new_order_amount": order_amt}

    def finish_orders(self):
        o = self.orders_df
        o["order_date"] = _dcol(o["order_date"])
        o = o.sort_values(["order_date", "ci", "gross"], kind="stable").reset_index(drop=True)
        o["order_id"] = [f"SO{i + 1:06d}" for i in range(len(o))]
        # owner: the customer's owner; the departed rep's customers go to his manager after he left
        own = self.owner[o["ci"].to_numpy()].copy()
        leave = self.leave
        moved = (own == DEPARTED_REP) & (o["order_date"].to_numpy() > leave)
        own[moved] = self.rep_mgr[DEPARTED_REP]
        spike = o["kind"].isin(["spike", "phantom", "breach"]).to_numpy()
        own[spike] = SPIKE_REP
        o["owner_id"] = own
        self.orders_df = o
        okey_to_id = dict(zip(o.loc[o["src_okey"] >= 0, "src_okey"], o.loc[o["src_okey"] >= 0, "order_id"],
                              strict=True))
        rec = self.rec
        rec["order_id"] = rec["okey"].map(lambda k: okey_to_id.get(int(k)) if pd.notna(k) and k >= 0 else None)
        t = self.truth
        t["quarter_end_spike"] = {
            "rep_id": SPIKE_REP, "rep_name": self.rep_zh[SPIKE_REP],
            "spike_orders": o.loc[o["kind"] == "spike", "order_id"].tolist(),
            "cancelled_after_quarter_end": o.loc[(o["kind"] == "spike") & (o["status"] == "已取消"),
                                                 "order_id"].tolist(),
        }
        t["phantom_order"] = o.loc[o["kind"] == "phantom", "order_id"].tolist()
        t["credit_breach"]["order_id"] = o.loc[o["kind"] == "breach", "order_id"].iloc[0]
        t["bunched_under_limit"] = {"rep_id": BUNCH_REP, "rep_name": self.rep_zh[BUNCH_REP],
                                    "orders": o.loc[o["bunched"], "order_id"].tolist()}
        row_to_okey = self.bill["okey"]
        t["split_order_pairs"] = [[okey_to_id[int(row_to_okey[a])], okey_to_id[int(row_to_okey[b])]]
                                  for a, b in self.split_pairs]

    # -- contract amounts and text -----------------------------------------------------------------------
    def finish_contracts(self):
        rng, ct = self.rng, self.ct
        o = self.orders_df
        amounts = []
        for _, c in ct.iterrows():
            sub = o[(o["ci"] == c["ci"]) & (o["order_date"] >= c["start"]) & (o["order_date"] <= c["end"])
                    & (o["status"] != "已取消")]
            total = sub["gross"].sum() / 100.0
            est = max(total * rng.uniform(1.0, 1.25), 100_000.0)
            amounts.append(math.ceil(est / 10_000) * 10_000.0)
        ct["amount"] = amounts
        texts_zh, texts_en = [], []
        for _, c in ct.iterrows():
            p = dict(c)
            p["city"] = self.city[c["ci"]]
            p["ld_cap"] = None if c["ld_cap"] is None or pd.isna(c["ld_cap"]) else float(c["ld_cap"])
            texts_zh.append(_contract_text(p, "zh"))
            texts_en.append(_contract_text(p, "en"))
        ct["text_zh"] = texts_zh
        ct["text_en"] = texts_en

    # -- opportunities -----------------------------------------------------------------------------------
    def opportunities(self):
        rng, end = self.rng, self.end
        rows = []
        last_order = self.orders_df.groupby("ci")["order_date"].max()
        for i in range(self.n):
            if i == self.idx["phantom"]:
                rows.append({"ci": i, "created": end - 9, "stage": "初步接洽", "close": end + 45, "last": end - 2,
                             "amount": 1_200_000.0, "competitor": None, "kind": "normal"})
                continue
            k = 1 + int(rng.poisson(2.0))
            for _ in range(k):
                lo = max(self.created[i], self.start - 90)
                hi = end - 20 if i != self.idx["bad_debt"] else self.bad_from - 31
                if hi <= lo:
                    hi = lo + 1
                created = lo + int(rng.integers(0, (hi - lo).astype(int)))
                comp = None if rng.random() < 0.3 else list(COMPETITORS)[int(rng.integers(0, len(COMPETITORS)))]
                amount = round(float(np.clip(rng.lognormal(np.log(200_000), 0.8), 20_000, 5_000_000)), -2)
                if created < end - 120 and rng.random() < 0.8 or i == self.idx["bad_debt"]:
                    close = min(created + int(rng.integers(30, 151)), end - 1)
                    p_win = 0.55
                    if comp == STRONG_COMPETITOR and close >= self.competitor_from:
                        p_win = 0.1
                    stage = "赢单" if rng.random() < p_win else "输单"
                    last = close - int(rng.integers(0, 8))
                else:
                    stage = OPEN_STAGES[int(rng.choice(4, p=[0.3, 0.3, 0.25, 0.15]))]
                    close = end + int(rng.integers(10, 121))
                    last = end - int(rng.integers(0, 26))
                    created = min(created, last)
                rows.append({"ci": i, "created": created, "stage": stage, "close": close, "last": last,
                             "amount": amount, "competitor": comp, "kind": "normal"})
        # won deal with no order since
        b = self.idx["bad_debt"]
        rows.append({"ci": b, "created": end - 232, "stage": "赢单", "close": end - 138,
                     "last": end - 138, "amount": 360_000.0, "competitor": "台达", "kind": "won_no_order"})
        op = pd.DataFrame(rows)
        for c in ("created", "close", "last"):
            op[c] = _dcol(op[c])
        # stuck: open deals in early stages untouched for months
        open_ix = op.index[op["stage"].isin(OPEN_STAGES) & (op["kind"] == "normal")
                           & (op["ci"] != self.idx["phantom"])].to_numpy()
        k = min(len(open_ix), max(3, len(op) // 50))
        stuck = open_ix[rng.permutation(len(open_ix))[:k]]
        for j in stuck:
            created = end - int(rng.integers(220, 400))
            last = end - int(rng.integers(100, 200))
            op.at[j, "created"] = max(created, self.created[op.at[j, "ci"]])
            op.at[j, "last"] = last
            op.at[j, "close"] = last + int(rng.integers(30, 61))
            op.at[j, "stage"] = ["需求确认", "方案报价"][int(rng.integers(0, 2))]
            op.at[j, "kind"] = "stuck"
        op = op.sort_values(["created", "ci"], kind="stable").reset_index(drop=True)
        op["opportunity_id"] = [f"OPP{i + 1:05d}" for i in range(len(op))]
        op["owner_id"] = self.owner[op["ci"].to_numpy()]
        self.op = op
        t = self.truth
        t["stuck_opportunities"] = op.loc[op["kind"] == "stuck", "opportunity_id"].tolist()
        t["won_without_order"] = {"opportunity_id": op.loc[op["kind"] == "won_no_order", "opportunity_id"].iloc[0],
                                  "customer_id": self.ids[b],
                                  "last_order_date": str(pd.Timestamp(last_order.get(b)).date())}
        t["departed_rep_open_opportunities"] = op.loc[(op["owner_id"] == DEPARTED_REP)
                                                      & op["stage"].isin(OPEN_STAGES), "opportunity_id"].tolist()
        t["segment_trends"] = {"growing": "新能源", "declining": "建筑工程"}
        t["strong_competitor"] = {"name": STRONG_COMPETITOR, "since": str(self.competitor_from)}

    # -- frames ------------------------------------------------------------------------------------------
    def frames(self) -> dict[str, dict[str, pd.DataFrame]]:
        out = {}
        for lang in ("zh", "en"):
            zh = lang == "zh"
            rep_name = self.rep_zh if zh else self.rep_en

            def tr(kind, values, zh=zh):
                if zh:
                    return values
                m = VALUE_EN[kind]
                return pd.Series(values, dtype=object).map(lambda v, m=m: m.get(v, v) if isinstance(v, str) else v)

            rep_names = np.array([rep_name[r] for r in self.owner], dtype=object)
            customers = pd.DataFrame({
                "customer_id": self.ids,
                "customer_name": self.name_zh if zh else self.name_en,
                "parent_id": tr("parent_id", self.parent),
                "industry": tr("industry", self.industry),
                "region": tr("region", self.region),
                "owner": rep_names,
                "credit_limit": np.round(self.limit, 2),
                "payment_terms_days": self.terms_days,
                "payment_terms": [_terms_text(s, int(d), lang) for s, d in zip(self.terms_style, self.terms_days,
                                                                               strict=True)],
                "created_date": _ts(self.created),
                "tax_id": self.tax,
                "phone": self.phone,
                "external_rating": self.rating,
            })
            ct = self.ct
            contracts = pd.DataFrame({
                "contract_id": ct["contract_id"].to_numpy(),
                "customer_id": self.ids[ct["ci"].to_numpy()],
                "sign_date": _ts(ct["sign"]),
                "start_date": _ts(ct["start"]),
                "end_date": _ts(ct["end"]),
                "amount": ct["amount"].to_numpy(),
                "payment_terms_days": ct["days"].to_numpy().astype(int),
                "prepayment_pct": ct["prepay"].to_numpy().astype(float),
                "ld_rate": ct["ld_rate"].to_numpy().astype(float),
                "ld_cap": pd.to_numeric(ct["ld_cap"], errors="coerce").to_numpy(),
                "liability_cap": np.where(ct["uncapped_liability"], np.nan, ct["amount"].to_numpy()),
                "warranty_months": ct["warranty"].to_numpy().astype(int),
                "renewal_notice_days": ct["notice"].to_numpy().astype(int),
                "template_id": tr("template_id", ct["template"].to_numpy()),
                "approvals": [_approvals(bool(x), lang) for x in ct["legal"]],
                "status": tr("contract_status", np.where(ct["current"], "执行中", "已到期")),
                "text": ct["text_zh" if zh else "text_en"].to_numpy(),
            })
            rec = self.rec
            rci = rec["ci"].to_numpy()
            kind_doc = rec["kind"].map({"regular": "发票", "spike": "发票", "phantom": "发票", "retention": "质保金",
                                        "reversal": "红字发票", "adjustment": "红字发票"}).to_numpy()
            receivables = pd.DataFrame({
                "invoice_id": rec["invoice_id"].to_numpy(),
                "doc_type": tr("doc_type", kind_doc),
                "customer_id": self.ids[rci],
                "customer_name": (self.name_zh if zh else self.name_en)[rci],
                "invoice_date": _ts(rec["invoice_date"]),
                "due_date": _ts(rec["due_date"]),
                "amount": _money(rec["cents"]),
                "paid_amount": _money(rec["paid_cents"]),
                "paid_date": _ts(rec["paid_date"]),
                "currency": self.ccy[rci],
                "contract_id": rec["contract_id"].to_numpy(),
                "order_id": rec["order_id"].to_numpy(),
                "disputed": tr("disputed", rec["disputed"].to_numpy()),
                "owner": rep_names[rci],
            })
            pf = self.pf
            payments = pd.DataFrame({
                "payment_id": pf["payment_id"].to_numpy(),
                "customer_id": pf["customer_id"].to_numpy(),
                "invoice_id": pf["invoice_id"].to_numpy(),
                "payment_date": _ts(pf["date"]),
                "amount": _money(pf["cents"]),
                "method": tr("method", pf["method"].to_numpy()),
                "maturity_date": _ts(pf["maturity"]),
                "currency": pf["currency"].to_numpy(),
            })
            o = self.orders_df
            orders = pd.DataFrame({
                "order_id": o["order_id"].to_numpy(),
                "customer_id": self.ids[o["ci"].to_numpy()],
                "owner": [rep_name[r] for r in o["owner_id"]],
                "order_date": _ts(o["order_date"]),
                "amount": _money(o["gross"]),
                "discount_pct": o["discount"].to_numpy().astype(float),
                "status": tr("order_status", o["status"].to_numpy()),
                "promised_date": _ts(o["promised"]),
                "delivered_date": _ts(o["delivered"]),
            })
            op = self.op
            opportunities = pd.DataFrame({
                "opportunity_id": op["opportunity_id"].to_numpy(),
                "customer_id": self.ids[op["ci"].to_numpy()],
                "owner": [rep_name[r] for r in op["owner_id"]],
                "stage": tr("stage", op["stage"].to_numpy()),
                "amount": op["amount"].to_numpy().astype(float),
                "created_date": _ts(op["created"]),
                "close_date": _ts(op["close"]),
                "last_activity_date": _ts(op["last"]),
                "competitor": tr("competitor", op["competitor"].to_numpy()),
            })
            reps = pd.DataFrame({
                "rep_id": [r[0] for r in REPS],
                "rep_name": [rep_name[r[0]] for r in REPS],
                "department": tr("department", np.array([r[3] for r in REPS], dtype=object)),
                "manager": [rep_name[r[4]] if r[4] else None for r in REPS],
                "quota": [float(r[5]) for r in REPS],
                "hire_date": pd.to_datetime([r[6] for r in REPS]).astype("datetime64[ns]"),
                "leave_date": pd.to_datetime([str(self.leave) if r[7] else None for r in REPS]).astype("datetime64[ns]"),
            })
            tables = {"customers": customers, "contracts": contracts, "receivables": receivables,
                      "payments": payments, "orders": orders, "opportunities": opportunities, "reps": reps}
            for df in tables.values():
                df.attrs["as_of"] = str(self.end)
            out[lang] = tables
        return out

    def build(self):
        self.reps()
        self.customers()
        self.contracts()
        self.invoices()
        self.payments()
        self.orders()
        self.credit_limits()
        self.finish_orders()
        self.finish_contracts()
        self.opportunities()
        frames = self.frames()
        return frames, _jsonable(self.truth)


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


@functools.lru_cache(maxsize=4)
def _build(n_customers, n_invoices, start, end, seed):
    return _Builder(n_customers, n_invoices, start, end, seed).build()


def _copy_tables(tables):
    out = {}
    for k, v in tables.items():
        c = v.copy(deep=True)
        c.attrs = dict(v.attrs)
        out[k] = c
    return out


def make_ledger(n_customers=200, n_invoices=5000, start=START, end=END, seed=7, lang="zh"):
    """The seven tables of a ledger with canonical English column names.

    Values are Chinese (``lang="zh"``) or English (``lang="en"``); numbers, dates and ids are the same for
    both. Money is float with two decimals; dates are datetime64; ids are text.
    """
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    frames, _ = _build(int(n_customers), int(n_invoices), str(start), str(end), int(seed))
    return _copy_tables(frames[lang])


def ledger_truth(n_customers=200, n_invoices=5000, start=START, end=END, seed=7) -> dict:
    """The ids of everything planted in `make_ledger` with the same arguments (and the quirks of the zh book)."""
    frames, truth = _build(int(n_customers), int(n_invoices), str(start), str(end), int(seed))
    out = json.loads(json.dumps(truth))
    _, quirks = apply_quirks(frames["zh"], "zh")
    out["quirks"] = quirks
    return out


# ---------------------------------------------------------------------------------------------------------
# Data-quality quirks
# ---------------------------------------------------------------------------------------------------------

QUIRK_TEXT = {"zh": {"tbd": "待定"}, "en": {"tbd": "TBD"}}
UNKNOWN_CUSTOMER = {"zh": ("C9001", "杭州临平宏达贸易有限公司"), "en": ("C9001", "Hangzhou Linping Hongda Trading Co., Ltd.")}


def _text_date(ts: pd.Timestamp, lang: str) -> str:
    if lang == "zh":
        return f"{ts.year}年{ts.month}月{ts.day}日"
    return f"{ts.day} {ts.strftime('%b')} {ts.year}"


def apply_quirks(tables, lang="zh"):
    """A copy of the tables with the deliberate data-quality problems, and the list of what was done.

    receivables: one duplicated row (same 发票号), one due date before its invoice date, one zero-amount
    invoice, one receivable of a customer id missing from the customers table, one due date written ``待定``,
    three amounts written as text ``¥12,345.60`` and three invoice dates written as text ``2025年3月5日``;
    customers: one invalid 统一社会信用代码.
    """
    t = _copy_tables(tables)
    quirks: list[dict] = []
    rec = t["receivables"].astype(object)
    as_of = pd.Timestamp(tables["receivables"].attrs.get("as_of") or tables["receivables"]["invoice_date"].max())
    plain = np.flatnonzero(
        rec["doc_type"].isin(["发票", "Invoice"]).to_numpy()
        & (tables["receivables"]["paid_amount"] == tables["receivables"]["amount"]).to_numpy()
        & tables["receivables"]["disputed"].isin(["否", "No"]).to_numpy()
        & (tables["receivables"]["currency"] == "CNY").to_numpy()
    )
    if len(plain) < 12:
        raise ValueError("too few plain invoices to plant the quirks")

    def at(frac):
        return int(plain[min(len(plain) - 1, int(frac * len(plain)))])

    def q(kind, row, column, value):
        quirks.append({"kind": kind, "table": "receivables", "invoice_id": rec.at[row, "invoice_id"],
                       "column": column, "value": value})

    j = at(0.23)
    rec.at[j, "due_date"] = rec.at[j, "invoice_date"] - pd.Timedelta(days=15)
    q("due_before_invoice", j, "due_date", str(rec.at[j, "due_date"].date()))
    for f in (0.35, 0.47, 0.59):
        j = at(f)
        rec.at[j, "amount"] = f"¥{float(rec.at[j, 'amount']):,.2f}"
        q("amount_as_text", j, "amount", rec.at[j, "amount"])
    for f in (0.41, 0.53, 0.65):
        j = at(f)
        rec.at[j, "invoice_date"] = _text_date(rec.at[j, "invoice_date"], lang)
        q("date_as_text", j, "invoice_date", rec.at[j, "invoice_date"])
    src = tables["receivables"]
    notdue = np.flatnonzero(src["doc_type"].isin(["发票", "Invoice"]).to_numpy() & (src["paid_amount"] == 0).to_numpy()
                            & (src["due_date"] > as_of).to_numpy() & (src["currency"] == "CNY").to_numpy())
    j = int(notdue[len(notdue) // 2]) if len(notdue) else at(0.75)
    rec.at[j, "due_date"] = QUIRK_TEXT[lang]["tbd"]
    q("due_date_unparseable", j, "due_date", rec.at[j, "due_date"])

    # rows added: a duplicate, a zero-amount invoice and a receivable of an unknown customer
    dup = at(0.11)
    max_id = max(int(x) for x in src["invoice_id"])
    zero_src = at(0.83)
    zero = rec.loc[zero_src].copy()
    zero["invoice_id"] = f"{max_id + 1:08d}"
    zero["amount"], zero["paid_amount"], zero["paid_date"], zero["order_id"] = 0.0, 0.0, pd.NaT, None
    zero["due_date"] = zero["invoice_date"] + pd.Timedelta(days=30)
    unk_src = at(0.88)
    unk = rec.loc[unk_src].copy()
    unk["invoice_id"] = f"{max_id + 2:08d}"
    unk["customer_id"], unk["customer_name"] = UNKNOWN_CUSTOMER[lang]
    unk["amount"], unk["paid_amount"], unk["paid_date"] = 23_580.00, 0.0, pd.NaT
    unk["contract_id"], unk["order_id"] = None, None
    unk["due_date"] = unk["invoice_date"] + pd.Timedelta(days=30)
    ext = pd.concat([rec, zero.to_frame().T, unk.to_frame().T], ignore_index=True).astype(object)
    order = []
    for i in range(len(rec)):
        order.append(i)
        if i == dup:
            order.append(i)
        if i == zero_src:
            order.append(len(rec))
        if i == unk_src:
            order.append(len(rec) + 1)
    rec2 = ext.iloc[order].reset_index(drop=True)
    rec2.attrs = dict(src.attrs)
    quirks.append({"kind": "duplicate_invoice_id", "table": "receivables", "invoice_id": rec.at[dup, "invoice_id"],
                   "column": "invoice_id", "value": rec.at[dup, "invoice_id"]})
    quirks.append({"kind": "zero_amount", "table": "receivables", "invoice_id": zero["invoice_id"],
                   "column": "amount", "value": 0.0})
    quirks.append({"kind": "unknown_customer", "table": "receivables", "invoice_id": unk["invoice_id"],
                   "column": "customer_id", "value": unk["customer_id"]})
    t["receivables"] = rec2

    cust = t["customers"].copy()
    k = len(cust) // 2
    code = cust.at[k, "tax_id"]
    wrong = USCC_CHARSET[(USCC_CHARSET.index(code[-1]) + 7) % 31]
    cust.at[k, "tax_id"] = code[:-1] + wrong
    cust.attrs = dict(tables["customers"].attrs)
    t["customers"] = cust
    quirks.append({"kind": "invalid_uscc", "table": "customers", "customer_id": cust.at[k, "customer_id"],
                   "column": "tax_id", "value": cust.at[k, "tax_id"]})
    return t, quirks


# ---------------------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------------------

WIDTHS = {"id": 12, "text": 14, "date": 11, "money": 15, "int": 9, "pct": 9, "num_pct": 8, "longtext": 80}


def _pct_text(v: float) -> str:
    return f"{round(float(v) * 100, 6):g}%"


def _is_missing(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return v is pd.NaT or (isinstance(v, np.datetime64) and np.isnat(v))


def _headers(table: str, df: pd.DataFrame, lang: str):
    spec = {f: (zh, en, kind) for f, zh, en, kind in COLUMNS.get(table, [])}
    cols = [f for f, *_ in COLUMNS.get(table, []) if f in df.columns] + [c for c in df.columns if c not in spec]
    out = []
    for c in cols:
        zh, en, kind = spec.get(c, (c, c, "text"))
        out.append((c, zh if lang == "zh" else en, kind))
    return out


def write_xlsx(tables, path, lang="zh", title_rows=True, total_row=True, quirks=True, as_of=None):
    """One sheet per table; title rows and a total row on the receivables sheet; real dates and numbers."""
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    if quirks:
        tables, _ = apply_quirks(tables, lang)
    rec = tables.get("receivables")
    if as_of is None and rec is not None:
        as_of = rec.attrs.get("as_of") or str(pd.to_datetime(rec["invoice_date"], errors="coerce").max().date())
    as_of = str(pd.Timestamp(as_of).date()) if as_of is not None else str(_day(END))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "salesrisk sample data",
                       "title": "应收账款明细表" if lang == "zh" else "Sample sales ledger"})
    f_head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    f_title = wb.add_format({"bold": True, "font_size": 14})
    fmts = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "money": wb.add_format({"num_format": "#,##0.00"}),
            "num_pct": wb.add_format({"num_format": "0%"}),
            "pct": wb.add_format({"num_format": "0.00%" if lang == "en" else "@"}),
            "text": wb.add_format({"num_format": "@"})}
    f_total = wb.add_format({"bold": True, "num_format": "#,##0.00", "top": 1})
    f_total_label = wb.add_format({"bold": True, "top": 1})
    for table in [t for t in TABLE_ORDER if t in tables] + [t for t in tables if t not in TABLE_ORDER]:
        df = tables[table]
        ws = wb.add_worksheet(SHEET_NAMES[lang].get(table, table)[:31])
        cols = _headers(table, df, lang)
        r0 = 0
        if table == "receivables" and title_rows:
            tt = TITLES[lang]
            ws.write_string(0, 0, tt["title"], f_title)
            ws.write_string(1, 0, tt["printed"].format(d=as_of))
            if tt["unit"]:
                ws.write_string(1, len(cols) - 1, tt["unit"])
            r0 = 3
        for c, (_, header, kind) in enumerate(cols):
            ws.write_string(r0, c, header, f_head)
            ws.set_column(c, c, max(WIDTHS[kind], len(header.encode("gbk", "replace")) + 2))
        ws.freeze_panes(r0 + 1, 0)
        columns = [df[c].tolist() for c, _, _ in cols]
        for c, ((_, _, kind), values) in enumerate(zip(cols, columns, strict=True)):
            for i, v in enumerate(values):
                r = r0 + 1 + i
                if _is_missing(v):
                    continue
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif kind == "date":
                    ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), fmts["date"])
                elif kind == "money":
                    ws.write_number(r, c, float(v), fmts["money"])
                elif kind == "pct":
                    if lang == "zh":
                        ws.write_string(r, c, _pct_text(v))
                    else:
                        ws.write_number(r, c, float(v), fmts["pct"])
                elif kind == "num_pct":
                    ws.write_number(r, c, float(v), fmts["num_pct"])
                elif kind == "int":
                    ws.write_number(r, c, int(v))
                elif isinstance(v, bool | np.bool_):
                    ws.write_boolean(r, c, bool(v))
                elif isinstance(v, int | float | np.integer | np.floating):
                    ws.write_number(r, c, float(v))
                elif isinstance(v, pd.Timestamp | dt.date):
                    ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), fmts["date"])
                else:
                    ws.write_string(r, c, str(v))
        last = r0 + len(df)
        if table == "receivables" and total_row:
            ws.write_string(last + 1, 0, TITLES[lang]["total"], f_total_label)
            for c, (name, _, _) in enumerate(cols):
                if name in ("amount", "paid_amount"):
                    vals = [_amount_value(v) for v in df[name].tolist()]
                    ws.write_number(last + 1, c, round(sum(vals), 2), f_total)
        ws.autofilter(r0, 0, last, len(cols) - 1)
    wb.close()
    return path


def _amount_value(v) -> float:
    if _is_missing(v):
        return 0.0
    if isinstance(v, str):
        s = v.replace("¥", "").replace(",", "").strip()
        return float(s) if s else 0.0
    return float(v)


def write_csv_folder(tables, folder, encoding="gbk"):
    """One CSV per table (customers.csv, ...) with Chinese headers; dates as 2024/1/5 text."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in [t for t in TABLE_ORDER if t in tables] + [t for t in tables if t not in TABLE_ORDER]:
        df = tables[table]
        cols = _headers(table, df, "zh")
        out = {}
        for name, header, kind in cols:
            s = df[name]
            if kind == "date":
                d = pd.to_datetime(s, errors="coerce")
                txt = d.dt.year.astype("Int64").astype(str) + "/" + d.dt.month.astype("Int64").astype(str) + "/" \
                    + d.dt.day.astype("Int64").astype(str)
                out[header] = txt.where(d.notna(), "")
            elif kind == "money":
                out[header] = s.map(lambda v: "" if _is_missing(v) else f"{float(v):.2f}")
            elif kind in ("pct", "num_pct"):
                out[header] = s.map(lambda v: "" if _is_missing(v) else _pct_text(v))
            elif kind == "int":
                out[header] = s.map(lambda v: "" if _is_missing(v) else str(int(v)))
            else:
                out[header] = s.map(lambda v: "" if _is_missing(v) else str(v))
        frame = pd.DataFrame(out)
        p = folder / f"{table}.csv"
        frame.to_csv(p, index=False, encoding=encoding, lineterminator="\r\n")
        written.append(p)
    return written


# ---------------------------------------------------------------------------------------------------------
# Benchmark receivables (vectorised)
# ---------------------------------------------------------------------------------------------------------


def make_receivables(n, seed=11, start=START, end=END) -> pd.DataFrame:
    """A single receivables table of n rows (canonical English column names), generated with numpy."""
    n = int(n)
    rng = np.random.default_rng(seed)
    start_d, end_d = _day(start), _day(end)
    span = int((end_d - start_d).astype(int)) + 1
    n_cust = int(min(10_000, max(50, n // 200)))
    combos = len(CITIES_FLAT) * len(BRANDS) * len(WORDS)
    pick = rng.permutation(combos)[:n_cust]
    city_i = pick % len(CITIES_FLAT)
    brand_i = (pick // len(CITIES_FLAT)) % len(BRANDS)
    word_i = pick // (len(CITIES_FLAT) * len(BRANDS))
    names = np.array([f"{CITIES_FLAT[a][0]}{BRANDS[b][0]}{WORDS[w][0]}有限公司"
                      for a, b, w in zip(city_i, brand_i, word_i, strict=True)], dtype=object)
    cust_ids = np.array([f"C{i + 1:05d}" for i in range(n_cust)], dtype=object)
    terms = rng.choice([30, 45, 60, 90], size=n_cust, p=[0.3, 0.2, 0.35, 0.15])
    ccy = np.where(rng.random(n_cust) < 0.03, "USD", "CNY").astype(object)
    beh = rng.choice(3, size=n_cust, p=[0.7, 0.2, 0.1])  # on time / slightly late / chronic
    owners = np.array([r[1] for r in REPS], dtype=object)[rng.integers(0, len(REPS), n_cust)]
    size = rng.lognormal(0, 1.0, n_cust)
    c = rng.choice(n_cust, size=n, p=size / size.sum())

    inv = start_d + rng.integers(0, span, n).astype("timedelta64[D]")
    inv = np.sort(_workday(inv, hi=end_d))
    kind = rng.choice(3, size=n, p=[0.965, 0.02, 0.015])  # invoice / credit note / retention
    doc = np.array(["发票", "红字发票", "质保金"], dtype=object)[kind]
    due = inv + terms[c].astype("timedelta64[D]")
    due = np.where(kind == 2, inv + np.timedelta64(365, "D"), due)
    due = np.where(kind == 1, inv, due)
    med = 20_000 * size[c] ** 0.3
    cents = np.round(np.clip(med * rng.lognormal(0, 0.8, n), 100, 3_000_000) * 100).astype(np.int64)
    cents = np.where(ccy[c] == "USD", np.round(cents / USD_RATE), cents).astype(np.int64)
    cents = np.where(kind == 1, -np.round(cents * 0.1), cents).astype(np.int64)
    lo = np.array([-12, 0, 30])[beh[c]]
    hi = np.array([5, 26, 91])[beh[c]]
    delay = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    paid = np.maximum(_workday(due + delay.astype("timedelta64[D]")), inv + 1)
    open_ = (paid > end_d) | (kind == 1)
    partial = (~open_) & (rng.random(n) < 0.01)
    paid_cents = np.where(open_, 0, np.where(partial, np.round(cents * 0.5), cents)).astype(np.int64)
    paid_date = np.where(open_, NAT, paid).astype("datetime64[D]")
    year = np.where(inv < _day("2025-07-01"), "HT2024-", "HT2025-").astype(object)
    contract = year + pd.Series(c + 1).astype(str).str.zfill(5).to_numpy(dtype=object)
    disputed = np.where(rng.random(n) < 0.003, "是", "否").astype(object)
    return pd.DataFrame({
        "invoice_id": pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(8).to_numpy(dtype=object),
        "doc_type": doc,
        "customer_id": cust_ids[c],
        "customer_name": names[c],
        "invoice_date": _ts(inv),
        "due_date": _ts(due),
        "amount": _money(cents),
        "paid_amount": _money(paid_cents),
        "paid_date": _ts(paid_date),
        "currency": ccy[c],
        "contract_id": contract,
        "owner": owners[c],
        "disputed": disputed,
    })


CITIES_FLAT = [c for region in CITIES.values() for c in region]
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def write_receivables(n, path, seed=11, encoding="utf-8"):
    """A benchmark ledger of n receivables: ``.xlsx`` (streamed, title rows and 合计) or ``.csv``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df = make_receivables(n, seed=seed)
    headers = [h for _, h, _ in BENCH_COLUMNS]
    if path.suffix.lower() == ".csv":
        out = df.rename(columns={f: h for f, h, _ in BENCH_COLUMNS})
        out.to_csv(path, index=False, encoding=encoding, date_format="%Y-%m-%d", float_format="%.2f",
                   lineterminator="\r\n")
        return path
    if path.suffix.lower() != ".xlsx":
        raise ValueError("write_receivables writes .xlsx or .csv")
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "salesrisk benchmark data"})
    f_date = wb.add_format({"num_format": "yyyy-mm-dd"})
    f_money = wb.add_format({"num_format": "#,##0.00"})
    f_head = wb.add_format({"bold": True})
    f_total = wb.add_format({"bold": True, "num_format": "#,##0.00"})
    ws = wb.add_worksheet("应收账款")
    for c, (_, _, kind) in enumerate(BENCH_COLUMNS):
        fmt = f_date if kind == "date" else f_money if kind == "money" else None
        ws.set_column(c, c, WIDTHS[kind] if kind != "text" else 16, fmt)
    ws.write_string(0, 0, TITLES["zh"]["title"])
    ws.write_string(1, 0, TITLES["zh"]["printed"].format(d=END))
    ws.write_string(1, len(BENCH_COLUMNS) - 1, TITLES["zh"]["unit"])
    ws.write_row(3, 0, headers, f_head)
    write_row = ws.write_row
    chunk = 50_000  # python objects for one chunk at a time keep the peak memory low
    for lo in range(0, len(df), chunk):
        part = df.iloc[lo:lo + chunk]
        cols = []
        for f, _, kind in BENCH_COLUMNS:
            s = part[f]
            if kind == "date":  # Excel serial numbers; the column's date format makes them dates
                d = s.to_numpy().astype("datetime64[D]")
                serial = np.where(np.isnat(d), np.nan, (d - _EXCEL_EPOCH).astype("int64").astype("float64"))
                cols.append([None if math.isnan(x) else x for x in serial.tolist()])
            elif kind == "money":
                cols.append(s.to_numpy(dtype="float64").tolist())
            else:
                cols.append(s.tolist())
        for i, row in enumerate(zip(*cols, strict=True)):
            write_row(4 + lo + i, 0, row)  # cells without a format take the column's date / money format
    last = 4 + len(df)
    ws.write_string(last, 0, TITLES["zh"]["total"])
    ws.write_number(last, 6, round(float(df["amount"].sum()), 2), f_total)
    ws.write_number(last, 7, round(float(df["paid_amount"].sum()), 2), f_total)
    wb.close()
    return path


# ---------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------


# The shipped samples: 200 customers, 5,000 invoices, seed 7 (the same as make_ledger's defaults; the zh
# workbook is ~0.9 MB).
SAMPLE_ARGS = {"n_customers": 200, "n_invoices": 5000, "start": START, "end": END, "seed": 7}


def write_samples(folder=HERE):
    """ledger_zh.xlsx (with quirks), ledger_en.xlsx (clean), ledger_gbk/*.csv and planted.json."""
    folder = Path(folder)
    zh = make_ledger(**SAMPLE_ARGS, lang="zh")
    en = make_ledger(**SAMPLE_ARGS, lang="en")
    written = [write_xlsx(zh, folder / "ledger_zh.xlsx", lang="zh", quirks=True),
               write_xlsx(en, folder / "ledger_en.xlsx", lang="en", quirks=False)]
    written += write_csv_folder(zh, folder / "ledger_gbk", encoding="gbk")
    truth = {"generated_by": "sample_data/generate.py", "args": SAMPLE_ARGS, **ledger_truth(**SAMPLE_ARGS)}
    p = folder / "planted.json"
    p.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(p)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write the salesrisk sample ledgers, or a benchmark receivables file.")
    ap.add_argument("--receivables", type=int, metavar="N", help="write a benchmark ledger of N receivables")
    ap.add_argument("--out", help="output path for --receivables (.xlsx or .csv)")
    ap.add_argument("--encoding", default="utf-8", help="CSV encoding for --receivables (utf-8 or gbk)")
    ap.add_argument("--seed", type=int, default=11, help="seed for --receivables")
    ap.add_argument("--dir", default=str(HERE), help="folder for the sample ledgers (default: next to this file)")
    args = ap.parse_args(argv)
    if args.receivables is not None:
        if not args.out:
            ap.error("--receivables needs --out PATH")
        write_receivables(args.receivables, args.out, seed=args.seed, encoding=args.encoding)
        print(args.out)
        return 0
    if args.out:
        ap.error("--out is only used with --receivables")
    for p in write_samples(args.dir):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
