"""Writes the Chinese clause-review fixtures: short 购销合同 in varied templates, and labels.yaml.

    python tests/data/contracts_zh/make_fixtures.py

Each contract is assembled from a bank of hand-written clauses. Every clause carries its meaning — the clause types it
is (labelled by what it says, not by what the detector does) and the playbook statuses it implies — so the labels
follow from the text. Parties vary (甲乙方, 买卖方, 供需方, 出卖人/买受人, and 供方 defined as 甲方), and so does the
article numbering (第一条, 一、, 1., 第1条, 1.1). {S} is the seller's label, {B} the buyer's. Deterministic.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

HERE = Path(__file__).parent

SCHEMES = [  # (buyer label, seller label, the two header lines)
    ("甲方", "乙方", ["甲方（买方）：{bn}", "乙方（卖方）：{sn}"]),
    ("买方", "卖方", ["买方：{bn}", "卖方：{sn}"]),
    ("需方", "供方", ["供方：{sn}", "需方：{bn}"]),
    ("乙方", "甲方", ["供方：{sn}（以下简称甲方）", "需方：{bn}（以下简称乙方）"]),
    ("买受人", "出卖人", ["出卖人：{sn}", "买受人：{bn}"]),
]
CN = "一二三四五六七八九十"
NUMBERING = [
    lambda i: f"第{_cn(i)}条 ", lambda i: f"{_cn(i)}、", lambda i: f"{i}. ", lambda i: f"第{i}条 ", lambda i: f"{i}.1 ",
]
TITLES = ["购销合同", "产品买卖合同", "工业品购销合同", "采购合同", "设备供货合同", "物资采购合同"]
SELLERS = ["江苏远大机电有限公司", "浙江恒信电气股份有限公司", "深圳市华科自动化有限公司", "青岛海诚仪表有限公司"]
BUYERS = ["上海华星科技有限公司", "北京中联建设工程有限公司", "广州新源能源有限公司", "成都天府制造有限公司"]
PRODUCTS = ["变频器", "低压开关柜", "工业传感器", "PLC控制系统", "电力电缆", "伺服电机"]


def _cn(i: int) -> str:
    return CN[i - 1] if i <= 10 else "十" + CN[i - 11]


# A clause: (text, types, statuses, payment days where it is the payment clause)
C = tuple[str, list[str], dict[str, str], int | None]

PAYMENT: list[C] = [
    ("付款方式：{B}应于货到验收合格后叁拾日内付清全部货款。", ["payment_terms"], {"payment-term": "standard"}, 30),
    ("结算方式：月结60天，{B}于每月25日前与{S}对账。", ["payment_terms"], {"payment-term": "standard"}, 60),
    ("{B}在收到{S}开具的增值税专用发票后九十天内支付货款。", ["payment_terms", "invoice_terms"],
     {"payment-term": "fallback", "invoice-terms": "standard"}, 90),
    ("付款：{B}于货物交付后一百二十日内支付全部价款。", ["payment_terms"], {"payment-term": "unacceptable"}, 120),
    ("货款支付：{B}收到最终用户支付的款项后五个工作日内向{S}支付相应货款。", ["payment_terms", "back_to_back_payment"],
     {"payment-term": "fallback", "back-to-back-payment": "unacceptable"}, None),
    ("付款方式：合同签订后预付30%，到货后付60%，验收合格满90天后付清余款10%。", ["payment_terms", "prepayment"],
     {"payment-term": "fallback", "prepayment": "standard"}, 90),
    ("付款期限：收货后45天。", ["payment_terms"], {"payment-term": "standard"}, 45),
    ("货款由{B}根据资金情况安排支付。", ["payment_terms"], {"payment-term": "fallback"}, None),
    ("{B}向{S}支付货款以{B}收到业主相应款项为前提。", ["payment_terms", "back_to_back_payment"],
     {"payment-term": "fallback", "back-to-back-payment": "unacceptable"}, None),
    ("账期为开票后180天，{B}以银行转账方式付款。", ["payment_terms"], {"payment-term": "unacceptable"}, 180),
]
PREPAY: list[tuple[str, list[str], float]] = [
    ("{B}应于本合同签订之日起三个工作日内支付合同总价百分之三十的预付款。", ["prepayment"], 0.30),
    ("合同生效后{B}支付10%定金。", ["prepayment"], 0.10),
]
ACCEPTANCE: list[C] = [
    ("验收：{B}应在收货后7日内组织验收，逾期未书面提出异议的，视为验收合格。", ["acceptance"], {"acceptance": "standard"}, None),
    ("货物验收以{B}最终确认为准。", ["acceptance"], {"acceptance": "unacceptable"}, None),
    ("{S}交货后，{B}应及时验收。", ["acceptance"], {"acceptance": "fallback"}, None),
    ("如{B}在收货之日起十五日内未就质量提出书面异议，视为货物符合约定。", ["acceptance"], {"acceptance": "standard"}, None),
    ("货物是否合格由{B}自行确定，{B}满意后方可签收。", ["acceptance"], {"acceptance": "unacceptable"}, None),
]
WARRANTY: list[C] = [
    ("质保期为验收合格之日起十二个月。", ["warranty_duration"], {"warranty-period": "standard"}, None),
    ("质量保证期：贰年，自到货之日起计算。", ["warranty_duration"], {"warranty-period": "fallback"}, None),
    ("保修期三十六个月，保修期内{S}免费维修。", ["warranty_duration"], {"warranty-period": "unacceptable"}, None),
    ("{S}对所供货物提供终身保修。", ["warranty_duration"], {"warranty-period": "unacceptable"}, None),
]
RETENTION: list[C] = [
    ("{B}可保留合同金额的5%作为质保金，质保期满后30日内无息支付。", ["retention_money"], {"retention-money": "standard"},
     None),
    ("质量保证金为合同总价的百分之十五，质保期满后退还。", ["retention_money"], {"retention-money": "unacceptable"}, None),
]
LD: list[C] = [
    ("违约责任：任何一方逾期履行的，每日按逾期部分金额的万分之五向对方支付违约金，违约金总额不超过合同金额的10%。",
     ["liquidated_damages"], {"liquidated-damages-rate": "standard", "liquidated-damages-cap": "standard"}, None),
    ("{S}逾期交货的，每逾期一日，按逾期交货部分货款的千分之五向{B}支付违约金。", ["liquidated_damages"],
     {"liquidated-damages-rate": "unacceptable", "liquidated-damages-cap": "unacceptable"}, None),
    ("{B}逾期付款的，应按每日0.05%向{S}支付逾期付款违约金。", ["liquidated_damages"],
     {"liquidated-damages-rate": "standard", "liquidated-damages-cap": "absent"}, None),
    ("{S}逾期交货的，每日按合同总价的万分之三支付违约金，但违约金累计不超过合同总价的百分之五。", ["liquidated_damages"],
     {"liquidated-damages-rate": "standard", "liquidated-damages-cap": "standard"}, None),
    ("违约金按日万分之八计算，最高不超过合同金额的百分之十五。", ["liquidated_damages"],
     {"liquidated-damages-rate": "fallback", "liquidated-damages-cap": "fallback"}, None),
]
LIABILITY: list[C] = [
    ("因{S}交付的货物质量问题给{B}造成损失的，{S}应赔偿{B}的全部损失。", ["uncapped_liability"],
     {"uncapped-liability": "unacceptable"}, None),
    ("{S}承担由此造成的一切损失，但赔偿总额以合同金额为限。", ["liability_cap"],
     {"uncapped-liability": "absent", "liability-cap": "standard"}, None),
    ("{S}赔偿{B}因此遭受的全部损失，但不包括间接损失和可得利益损失。", ["indirect_loss"],
     {"uncapped-liability": "absent", "indirect-loss": "standard"}, None),
    ("{B}违约给{S}造成损失的，{B}应赔偿{S}全部损失。", ["uncapped_liability"], {"uncapped-liability": "standard"}, None),
    ("任何一方违约的，应赔偿守约方因此遭受的全部经济损失。", ["uncapped_liability"], {"uncapped-liability": "unacceptable"},
     None),
    ("{S}的赔偿责任总额不超过合同总价的百分之五十。", ["liability_cap"], {"liability-cap": "standard"}, None),
    ("{S}累计赔偿责任以合同金额的两倍为限。", ["liability_cap"], {"liability-cap": "unacceptable"}, None),
    ("任何一方均不对对方的间接损失、利润损失承担责任。", ["indirect_loss"], {"indirect-loss": "standard"}, None),
    ("{S}应赔偿{B}的直接损失及间接损失（包括可得利益损失）。", ["indirect_loss"], {"indirect-loss": "unacceptable"}, None),
]
TITLE: list[C] = [
    ("在{B}付清全部货款之前，货物所有权仍归{S}所有。", ["title_retention"], {"title-retention": "standard"}, None),
    ("货物所有权自交付时转移至{B}。", ["title_retention"], {"title-retention": "fallback"}, None),
    ("{S}保留货物所有权直至收到全部货款。", ["title_retention"], {"title-retention": "standard"}, None),
]
RISK: list[C] = [
    ("货物毁损、灭失的风险自交付时起转移给{B}。", ["risk_transfer"], {"risk-transfer": "standard"}, None),
    ("货物在安装调试验收合格前的一切风险由{S}承担。", ["risk_transfer"], {"risk-transfer": "fallback"}, None),
]
FORCE: list[C] = [
    ("因不可抗力致使不能履行合同的，根据不可抗力的影响部分或全部免除责任。", ["force_majeure"], {"force-majeure": "standard"},
     None),
    ("因地震、台风、洪水等不能预见、不能避免且不能克服的客观情况导致无法履约的，受影响方不承担违约责任。", ["force_majeure"],
     {"force-majeure": "standard"}, None),
    ("如遇战争、疫情等情形致使合同无法履行，双方均可延期履行且不视为违约。", ["force_majeure"], {"force-majeure": "standard"},
     None),
]
TERMINATION: list[C] = [
    ("{B}有权随时解除本合同，无需承担任何责任。", ["termination_for_convenience"],
     {"termination-for-convenience": "unacceptable"}, None),
    ("{S}可提前三十日书面通知{B}解除本合同。", ["termination_for_convenience"],
     {"termination-for-convenience": "standard"}, None),
    ("双方均可随时解除本合同。", ["termination_for_convenience"], {"termination-for-convenience": "fallback"}, None),
]
RENEWAL: list[C] = [
    ("本合同期满前三十日内双方均未书面提出异议的，合同自动续期一年。", ["auto_renewal"], {"auto-renewal": "standard"}, None),
    ("合同到期后自动顺延，任何一方不续约的应提前九十天书面通知。", ["auto_renewal"], {"auto-renewal": "unacceptable"}, None),
    ("本协议期满自动续约。", ["auto_renewal"], {"auto-renewal": "fallback"}, None),
]
DISPUTE: list[C] = [
    ("争议解决：协商不成的，提交上海仲裁委员会仲裁。", ["dispute_resolution"], {"dispute-resolution": "standard"}, None),
    ("因本合同发生的争议，由{S}所在地人民法院管辖。", ["dispute_resolution", "forum"],
     {"dispute-resolution": "standard", "forum": "standard"}, None),
    ("双方发生争议的，可以向北京仲裁委员会申请仲裁，也可以向人民法院起诉。", ["dispute_resolution", "arbitration_or_litigation"],
     {"dispute-resolution": "standard", "arbitration-or-litigation": "unacceptable"}, None),
    ("争议提交当地仲裁机构仲裁。", ["dispute_resolution"], {"dispute-resolution": "unacceptable"}, None),
    ("协商不成的，任何一方可向{B}住所地人民法院提起诉讼。", ["dispute_resolution", "forum"],
     {"dispute-resolution": "standard", "forum": "fallback"}, None),
]
LAW: list[C] = [
    ("本合同适用中华人民共和国法律。", ["governing_law"], {"governing-law": "standard"}, None),
    ("本合同的解释与履行受新加坡法律管辖。", ["governing_law"], {"governing-law": "fallback"}, None),
]
COMMERCIAL: list[C] = [
    ("{S}向{B}提供的价格不得高于{S}向其他客户提供的同类产品价格。", ["most_favored"], {"most-favoured": "unacceptable"}, None),
    ("合同有效期内，产品单价不因原材料价格上涨而调整。", ["price_restriction"], {"price-restriction": "fallback"}, None),
    ("{S}在合同期内不得向任何第三方供应同类产品。", ["exclusivity"], {"exclusivity": "unacceptable"}, None),
    ("本合同不构成独家协议，{S}可向其他客户销售同类产品。", [], {"exclusivity": "absent", "non-compete": "absent"}, None),
    ("合同期内及期满后两年内，{S}不得从事与{B}业务相竞争的经营活动。", ["non_compete"], {"non-compete": "unacceptable"}, None),
    ("{B}有权在提前通知后审计{S}与本合同有关的账簿和记录。", ["audit_rights"], {"audit-rights": "fallback"}, None),
    ("{B}应每年向{S}提供经审计的财务报表。", [], {"audit-rights": "absent"}, None),
    ("{S}应为货物办理运输保险，保险费由{S}承担。", ["insurance"], {"insurance": "fallback"}, None),
    ("{S}交付的保险柜应符合GB 10409标准。", [], {"insurance": "absent"}, None),
    ("运输途中的保险由{B}自行投保。", ["insurance"], {"insurance": "standard"}, None),
    ("{B}每年采购额不低于人民币500万元。", ["minimum_commitment"], {"minimum-commitment": "standard"}, None),
    ("{S}保证每月最低供货量为1000台。", ["minimum_commitment"], {"minimum-commitment": "fallback"}, None),
    ("双方应对本合同内容及商业秘密保密。", ["confidentiality"], {"confidentiality": "standard"}, None),
]
OPTIONAL = [ACCEPTANCE, WARRANTY, LIABILITY, TITLE, RISK, FORCE, TERMINATION, RENEWAL, LAW]


def contract(i: int) -> tuple[str, dict]:
    rng = random.Random(6000 + i)
    buyer, seller, header = SCHEMES[i % len(SCHEMES)]
    number = NUMBERING[(i // len(SCHEMES) + i) % len(NUMBERING)]
    clauses: list[C] = [PAYMENT[i % len(PAYMENT)]]
    prepay = PREPAY[i % 4] if i % 4 < len(PREPAY) and clauses[0][1] == ["payment_terms"] else None
    for bank in OPTIONAL:
        if rng.random() < 0.7:
            clauses.append(bank[rng.randrange(len(bank))])
    if i % 3 == 0:  # retention money, always beside a warranty clause (one per contract)
        if not any(c in WARRANTY for c in clauses):
            clauses.append(WARRANTY[i % len(WARRANTY)])
        clauses.append(RETENTION[(i // 3) % len(RETENTION)])
    if i % 7 != 6:  # every seventh has no liquidated damages, a required clause
        clauses.append(LD[i % len(LD)])
    if i % 8 != 5:  # and every eighth no dispute clause
        clauses.append(DISPUTE[i % len(DISPUTE)])
    clauses += [COMMERCIAL[(i + k) % len(COMMERCIAL)] for k in range(0, 13, 5)][: 1 + i % 3]
    seen, unique = set(), []
    for c in clauses:
        if c[0] not in seen:
            seen.add(c[0])
            unique.append(c)
    rest = unique[1:]
    rng.shuffle(rest)
    unique = unique[:1] + rest
    product = PRODUCTS[i % len(PRODUCTS)]
    body = [f"标的：{seller}向{buyer}供应{product}，规格、数量及交货时间见附件。",
            f"合同金额：本合同总金额为人民币{rng.randrange(5, 300) * 10000:,}.00元（含税）。"]
    body.append(unique[0][0])
    if prepay:
        body.append(prepay[0])
    body += [c[0] for c in unique[1:]]
    body.append("其他：本合同一式两份，双方各执一份，自双方签字盖章之日起生效。")
    lines = [TITLES[i % len(TITLES)], f"合同编号：ZH-FX-{i + 1:03d}",
             *[h.format(bn=BUYERS[i % len(BUYERS)], sn=SELLERS[i % len(SELLERS)]) for h in header], ""]
    lines += [number(k + 1) + text.format(S=seller, B=buyer) for k, text in enumerate(body)]
    lines += ["", f"{buyer}（盖章）：", f"{seller}（盖章）："]

    types = sorted({t for c in unique for t in c[1]} | (set(prepay[1]) if prepay else set()))
    statuses: dict[str, str] = {}
    for c in unique:
        statuses.update(c[2])
    days = unique[0][3]
    if "prepayment" not in statuses:  # the prepayment rule reads the payment term
        pct = prepay[2] if prepay else 0.0
        statuses["prepayment"] = ("standard" if pct >= 0.30 else
                                  ("unacceptable" if pct else "missing") if days and days > 90 else
                                  "fallback" if pct else "absent")
    if "liquidated_damages" not in types:
        statuses["liquidated-damages-rate"] = "missing"
    if "dispute_resolution" not in types:
        statuses["dispute-resolution"] = "missing"
    return "\n".join(lines) + "\n", {"types": types, "statuses": dict(sorted(statuses.items()))}


def main() -> None:
    labels = {}
    for i in range(36):
        text, label = contract(i)
        name = f"{i + 1:02d}_{SCHEMES[i % len(SCHEMES)][1]}.txt"
        (HERE / name).write_text(text, encoding="utf-8")
        labels[name] = label
    header = "# Written by make_fixtures.py: per contract, the clause types it contains and the rule statuses expected.\n"
    (HERE / "labels.yaml").write_text(header + yaml.safe_dump(labels, allow_unicode=True, sort_keys=True),
                                      encoding="utf-8")


if __name__ == "__main__":
    main()
