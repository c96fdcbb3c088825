"""Write templates/task_division.xlsx, the editable source of truth, from the 2023 work plan.

Run once by the developers (``python scripts/build_task_table.py``); afterwards the workbook is the
source and the coordinating office edits it directly.  The tasks are read from the seed text
(docs/work_plan_2023_13.txt); the attachment table, which the seed holds as a broken-up layout, is
transcribed below field by field.  tests/test_task_table_seed.py checks both against the seed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "docs" / "work_plan_2023_13.txt"
OUT = ROOT / "templates" / "task_division.xlsx"

TABLE_VERSION = "2023.1"

# ---------------------------------------------------------------------------------------------
# 单位
# ---------------------------------------------------------------------------------------------
UNITS = [  # name, code, remark
    ("区住房城乡建委", "zjw", ""),
    ("区水利局", "slj", ""),
    ("区城市管理局", "cgj", "节水办所在单位"),
    ("区生态环境局", "sthjj", ""),
    ("区经济信息委", "jxw", ""),
    ("区市场监管局", "scjgj", ""),
    ("区机关事务管理中心", "jgswglzx", ""),
    ("区财政局", "czj", ""),
    ("区发展改革委", "fgw", ""),
    ("区规划自然资源局", "ghzyj", ""),
    ("区商务委", "swj", ""),
    ("区文化旅游委", "whlyw", ""),
    ("区应急局", "yjj", ""),
    ("区司法局", "sfj", ""),
    ("区教委", "jw", ""),
    ("区卫生健康委", "wsjkw", ""),
    ("各街道办事处", "jdbsc", "统称，不单独填报"),
    ("区供水企业", "gsqy", "统称，不单独填报"),
    ("各供水企业", "gsqy_all", "统称，不单独填报"),
    ("正阳工业园区管委会", "zygyyq", ""),
]

# ---------------------------------------------------------------------------------------------
# 参数
# ---------------------------------------------------------------------------------------------
PARAMETERS = [  # code, label, unit, year, value, note
    ("city", "城市（区县）", "", "", "黔江区", "写入填报表和评分表标题；--city 可另行指定"),
    ("province", "所属省市", "", "", "重庆市", ""),
    ("title", "创建目标", "", "", "重庆市节水型城市", ""),
    ("period_year", "考核年度", "年", "", 2023, "未指定 --year 时使用"),
    ("deadline", "填报截止日期", "", 2023, "2024-01-20", "填报表“填报说明”显示；按年度填写"),
    ("deadline", "填报截止日期", "", "", "次年1月20日", "未单列年度时使用"),
    ("national_industrial_intensity", "全国万元工业增加值用水量", "m³/万元", 2021, 28.2,
     "中国水资源公报，当年价"),
    ("national_industrial_intensity", "全国万元工业增加值用水量", "m³/万元", 2022, 24.1,
     "中国水资源公报，当年价"),
    ("national_industrial_intensity", "全国万元工业增加值用水量", "m³/万元", 2023, 24.3,
     "中国水资源公报，当年价"),
    ("national_gdp_intensity", "全国万元地区生产总值用水量", "m³/万元", 2021, 51.8,
     "中国水资源公报，当年价"),
    ("national_gdp_intensity", "全国万元地区生产总值用水量", "m³/万元", 2022, 49.6,
     "中国水资源公报，当年价"),
    ("national_gdp_intensity", "全国万元地区生产总值用水量", "m³/万元", 2023, 46.9,
     "中国水资源公报，当年价"),
    ("office_name", "节水办", "", "", "黔江区节约用水办公室（区城市管理局）", "填报表回收单位"),
    ("office_contact", "节水办联系人", "", "", "", "填写后显示在填报说明中"),
    ("office_phone", "节水办联系电话", "", "", "", ""),
    ("office_email", "节水办回收邮箱", "", "", "", "填报表请发回此邮箱；发送邮件时作发件人"),
    ("table_version", "任务分工表版本", "", "", TABLE_VERSION,
     "改动数据项（增删、改代码或类型）时请同时改版本号；旧版本填报表回收时会提示"),
]

# ---------------------------------------------------------------------------------------------
# 指标 (the attachment, verbatim) + machine columns
# ---------------------------------------------------------------------------------------------
G1, G2, G3 = "一、生态宜居", "二、安全韧性", "三、综合类"
IMG_NOTE = "附件原表此处“%”为图片，按“%”录入。"

INDICATORS = [
    dict(seq=1, goal=G1, name="城市可渗透地面面积比例",
         definition="〔城市建成区内具有渗透能力的地表（含水域）面积÷城市建成区总面积〕×100%",
         kind="导向指标", requirement="不低于45%",
         leads=["区住房城乡建委"], resp=["区规划自然资源局", "区城市管理局", "各街道办事处"],
         code="I01", unit="%", decimals=2, target="45",
         formula="permeable_area_km2/builtup_area_km2*100", rule="value_I01>=target_I01",
         note="", remark=IMG_NOTE),
    dict(seq=2, goal=G1, name="自备井关停率",
         definition="（城市公共供水管网覆盖范围内关停的自备井数÷城市公共供水管网覆盖范围内的自备井总数）×100%",
         kind="底线指标", requirement="100%",
         leads=["区水利局"], resp=["区规划自然资源局", "区城市管理局", "各街道办事处"],
         code="I02", unit="%", decimals=2, target="100",
         formula='IF(wells_total_count=0,"",wells_closed_count/wells_total_count*100)',
         rule="OR(wells_total_count=0,value_I02>=target_I02)",
         note='IF(wells_total_count=0,"无自备井","")',
         remark="决定：自备井总数为0时视为达标，显示“无自备井”，不计算比率。"),
    dict(seq=3, goal=G1, name="城市公共供水管网漏损率",
         definition="〔（城市公共供水总量－城市公共供水注册用户用水量）÷城市公共供水总量〕×100%－修正值\n"
                    "其中，城市公共供水注册用户用水量是指水厂将水供出厂外后，各类注册用户实际使用到的水量，"
                    "包括计费用水量和免费用水量。计费用水量指收费供应的水量，免费用水量指无偿使用的水量。",
         kind="底线指标", requirement="不高于8.5%",
         leads=["区城市管理局"], resp=["区供水企业"],
         code="I03", unit="%", decimals=2, target="8.5",
         formula="I03_R_WL-I03_R_n", rule="value_I03<=target_I03",
         note='"综合漏损率"&FIXED(I03_R_WL,2)&"%，修正值"&FIXED(I03_R_n,2)&"%"',
         remark="修正值按 CJJ 92-2016（2019-02-01 起施行的修订条文）：R1 居民抄表到户、R2 单位供水量管长、"
                "R3 年平均出厂压力、R4 最大冻土深度，见“计算项”。"),
    dict(seq=4, goal=G1, name="城市水环境质量",
         definition="改善城市水环境质量；提高城市生活污水收集效能。",
         kind="导向指标",
         requirement="水环境质量持续改善；建成区旱天无生活污水直排口，无生活污水管网空白区，无黑臭水体。",
         leads=["区生态环境局"], resp=["区住房城乡建委", "各街道办事处"],
         code="I04", unit="", decimals=0, target="",
         formula="",
         rule='AND(dry_outfall_count=0,sewer_gap_count=0,black_odorous_count=0,water_quality_improving="是")',
         note='"直排口"&dry_outfall_count&"个；管网空白区"&sewer_gap_count&"处；黑臭水体"'
              '&black_odorous_count&"条；水质持续改善："&water_quality_improving',
         remark="决定：三项数量均为0且“城市水环境质量是否持续改善”为“是”时达标；无单一数值。"),
    dict(seq=5, goal=G1, name="城市居民人均生活用水量",
         definition="城市居民家庭年生活用水总量（新水量）÷（城市居民总户数×每户平均人数）\n"
                    "其中，每户平均人数按最近一次人口普查统计数据确定。",
         kind="导向指标", requirement="不高于140L/人·天",
         leads=["区城市管理局"], resp=["区水利局"],
         code="I05", unit="L/人·天", decimals=2, target="140",
         formula="household_domestic_use_wm3*10^7/(household_count*persons_per_household*I05_days)",
         rule="value_I05<=target_I05", note="",
         remark="决定：天数取考核年度的日历天数（闰年366天）；1万m³=10⁷L。"),
    dict(seq=6, goal=G1, name="节水型居民小区覆盖率",
         definition="（节水型居民小区或社区居民户数÷城市居民总户数）×100%\n"
                    "节水型居民小区（社区）是指由重庆市或区人民政府有关部门向社会公布的小区（社区）",
         kind="导向指标", requirement="不低于10%",
         leads=["区住房城乡建委"], resp=["区城市管理局", "区水利局"],
         code="I06", unit="%", decimals=2, target="10",
         formula="saving_community_households/household_count*100", rule="value_I06>=target_I06",
         note="", remark="城市居民总户数由区城市管理局填报（与指标5共用）。"),
    dict(seq=7, goal=G2, name="用水总量",
         definition="各类用水户取用的包括输水损失在内的毛水量。",
         kind="底线指标", requirement="不超过下达的用水总量控制指标",
         leads=["区水利局"], resp=["区城市管理局"],
         code="I07", unit="万m³", decimals=2, target="total_water_quota_wm3",
         formula="total_water_use_wm3", rule="value_I07<=target_I07",
         note='"控制指标"&FIXED(total_water_quota_wm3,2)&"万m³"', remark=""),
    dict(seq=8, goal=G2, name="万元工业增加值用水量",
         definition="年工业用水量（按新水量计）÷年城市工业增加值\n"
                    "其中，工业用水量是指工矿企业在生产过程中用于制造、加工、冷却（包括火电直流冷却）、空调、"
                    "净化、洗涤等方面的用水量，按新水量计，不包括企业内部的重复利用水量。统计口径为规模以上工业企业"
                    "或全口径工业企业，按国家统计局相关规定执行。",
         kind="导向指标", requirement="低于全国平均值的50%或年降低率不低于5%",
         leads=["区经济信息委"], resp=["区水利局", "正阳工业园区管委会"],
         code="I08", unit="m³/万元", decimals=2, target="0.5*national_industrial_intensity",
         formula="industrial_new_water_wm3/industrial_value_added_yi",
         rule="OR(value_I08<target_I08,IF(ISNUMBER(I08_decline),I08_decline>=5,FALSE))",
         note='IF(value_I08<target_I08,"低于全国平均值的50%","不低于全国平均值的50%")'
              '&IF(ISNUMBER(I08_decline),"；年降低率"&FIXED(I08_decline,2)&"%"'
              '&IF(ISNUMBER(industrial_intensity_decline_pct),"（官方公布，可比价）","（按当年价推算）"),'
              'IF(value_I08<target_I08,"","；未填上年数据，无法判定年降低率"))',
         remark="决定：年降低率=(上年−当年)÷上年×100。填报了官方公布的年降低率（可比价）时采用该值，"
                "否则由上年值按当年价推算并注明“按当年价推算”；两者都未填报时只判定第一个条件。"),
    dict(seq=9, goal=G2, name="再生水利用率",
         definition="（城市再生水利用量÷城市污水处理厂处理总量）×100%\n"
                    "城市再生水利用量是指污水经处理后出水水质符合《城市污水再生利用》系列标准等相应水质标准的再生水，"
                    "包括城市污水处理厂再生水和建筑中水用于工业生产、景观环境、市政杂用、绿化、车辆冲洗、建筑施工等方面的"
                    "水量，不包括工业企业内部的回用水。鼓励结合黑臭水体整治和水生态修复，推进污水再生利用。",
         kind="导向指标", requirement="不低于25%或者年增长率不低于5%",
         leads=["区住房城乡建委"], resp=["区经济信息委", "区生态环境局", "区城市管理局", "区水利局"],
         code="I09", unit="%", decimals=2, target="25",
         formula="reclaimed_use_wm3/sewage_treated_wm3*100",
         rule="OR(value_I09>=target_I09,IF(ISNUMBER(I09_growth),I09_growth>=5,FALSE))",
         note='IF(value_I09>=target_I09,"利用率达标",IF(ISNUMBER(I09_growth),'
              '"年增长率"&FIXED(I09_growth,2)&"%","无上年利用率，仅按利用率判定"))',
         remark="决定：年增长率为利用率的相对增长=(当年−上年)÷上年×100；上年利用率未填或为0时只判定利用率。"),
    dict(seq=10, goal=G2, name="居民家庭一户一表率",
         definition="（建成区内居民抄表到户总水量÷建成区内居民家庭用水总量）×100%",
         kind="导向指标", requirement="不低于90%",
         leads=["区城市管理局"], resp=["区供水企业"],
         code="I10", unit="%", decimals=2, target="90",
         formula="resident_metered_use_wm3/household_domestic_use_wm3*100", rule="value_I10>=target_I10",
         note="", remark=""),
    dict(seq=11, goal=G2, name="节水型生活用水器具市场抽检合格率",
         definition="（抽检的生活用水器具市场在售节水生活用水器具样品数量÷总抽检样品数量）×100%\n"
                    "以市、区有关部门对生活用水器具市场抽检结果为依据。",
         kind="底线指标", requirement="100%",
         leads=[], resp=["区市场监管局"],
         code="I11", unit="%", decimals=2, target="100",
         formula="fixture_samples_passed/fixture_samples_total*100", rule="value_I11>=target_I11",
         note="", remark="决定：附件原表未列牵头单位（工作方案第19项只列责任单位区市场监管局），由区市场监管局填报。"),
    dict(seq=12, goal=G2, name="非居民单位计划用水率",
         definition="（已下达用水计划的公共供水非居民用水单位实际用水量÷公共供水非居民用水单位的用水总量）×100%",
         kind="导向指标", requirement="不低于90％",
         leads=["区城市管理局", "区水利局"], resp=["各供水企业"],
         code="I12", unit="%", decimals=2, target="90",
         formula="planned_nonres_use_wm3/nonres_public_use_wm3*100", rule="value_I12>=target_I12",
         note="", remark=IMG_NOTE + "决定：两个牵头单位中由区城市管理局填报（公共供水用户属其职责），"
                                     "区水利局的填报表中只作参考显示。"),
    dict(seq=13, goal=G2, name="节水型单位覆盖率",
         definition="{节水型单位年用水总量（新水量）÷〔年城市用水总量（新水量）－年城市工业用水总量（新水量）"
                    "－年城市居民生活用水量（新水量）〕}×100%\n"
                    "节水型单位是重庆市或区人民政府有关部门向社会公布的非居民、非工业用水单位。",
         kind="导向指标", requirement="不低于15%",
         leads=["区机关事务管理中心"], resp=["区教委", "区商务委", "区卫生健康委"],
         code="I13", unit="%", decimals=2, target="15",
         formula="saving_unit_use_wm3/(city_water_use_wm3-industrial_new_water_wm3-household_domestic_use_wm3)*100",
         rule="value_I13>=target_I13", note="",
         remark="分母所用数据由区水利局、区经济信息委、区城市管理局分别填报。"),
    dict(seq=14, goal=G2, name="工业用水重复利用率",
         definition="（工业生产过程中使用的年重复利用水量÷年工业用水总量）×100%，不含电厂\n"
                    "其中，年用水总量=年工业生产新水量+年工业重复利用水量。",
         kind="导向指标", requirement="不低于83%",
         leads=["区经济信息委"], resp=["区城市管理局", "区水利局", "正阳工业园区管委会"],
         code="I14", unit="%", decimals=2, target="83",
         formula="industrial_reused_wm3/(industrial_process_new_wm3+industrial_reused_wm3)*100",
         rule="value_I14>=target_I14", note="", remark=""),
    dict(seq=15, goal=G2, name="工业企业单位产品用水量",
         definition="某行业（企业）年生产用水总量（新水量）÷某行业（企业）年产品产量（产品数量）\n"
                    "考核用水量排名前10位的工业行业单位产品用水量。",
         kind="导向指标", requirement="不高于国家发布GB/T18916定额系列标准或市级部门制定的地方定额",
         leads=["区经济信息委"], resp=["区城市管理局", "区水利局", "正阳工业园区管委会"],
         code="I15", unit="m³/产品计量单位", decimals=3, target="",
         formula="", rule="", note="",
         table="I15", row_formula="product_water_m3/product_output", row_rule="row_value<=product_quota",
         remark="决定：逐行计算单位产品用水量，所有已填行均不高于其定额时达标（显示“N项中M项达标”）；"
                "一行要么全空，要么填全；没有已填行为数据缺失，有未填全的行为数据异常。"),
    dict(seq=16, goal=G2, name="节水型企业覆盖率",
         definition="〔节水型企业年用水总量（新水量）÷年城市工业用水总量（新水量））〕×100%\n"
                    "节水型企业是指由重庆市或区人民政府有关部门向社会公布的用水企业。",
         kind="导向指标", requirement="不低于20%",
         leads=["区经济信息委"], resp=["区城市管理局", "区水利局"],
         code="I16", unit="%", decimals=2, target="20",
         formula="saving_enterprise_use_wm3/industrial_new_water_wm3*100", rule="value_I16>=target_I16",
         note="", remark=""),
    dict(seq=17, goal=G3, name="万元地区生产总值用水量",
         definition="年用水总量（新水量）÷年地区生产总值，不包括第一产业。",
         kind="导向指标", requirement="低于全国平均值的40%或年降低率不低于5%",
         leads=["区水利局"], resp=["正阳工业园区管委会", "区发展改革委", "区经济信息委"],
         code="I17", unit="m³/万元", decimals=2, target="0.4*national_gdp_intensity",
         formula="nonprimary_water_use_wm3/gdp_nonprimary_yi",
         rule="OR(value_I17<target_I17,IF(ISNUMBER(I17_decline),I17_decline>=5,FALSE))",
         note='IF(value_I17<target_I17,"低于全国平均值的40%","不低于全国平均值的40%")'
              '&IF(ISNUMBER(I17_decline),"；年降低率"&FIXED(I17_decline,2)&"%"'
              '&IF(ISNUMBER(gdp_intensity_decline_pct),"（官方公布，可比价）","（按当年价推算）"),'
              'IF(value_I17<target_I17,"","；未填上年数据，无法判定年降低率"))',
         remark="决定：同指标8，年降低率优先采用官方公布的可比价数据，否则按当年价推算并注明。"),
    dict(seq=18, goal=G3, name="节水资金投入占比",
         definition="（城市节水财政投入÷城市本级财政支出）×100%",
         kind="导向指标", requirement="不低于0.5‰",
         leads=["区财政局"], resp=["区城市管理局", "区教委", "区经济信息委", "区住房城乡建委", "区水利局"],
         code="I18", unit="‰", decimals=3, target="0.5",
         formula="saving_fund_wyuan/fiscal_expenditure_wyuan*1000", rule="value_I18>=target_I18",
         note="", remark="要求以千分比（‰）表示，故按×1000计算。"),
    dict(seq=19, goal=G3, name="水资源费（税）收缴率",
         definition="〔实收水资源费（税）÷应收水资源费（税）〕×100%\n"
                    "其中，应收水资源费（税）是指不同水源种类及用水类型的水资源费（税）标准与其取水量之积的总和。",
         kind="导向指标", requirement="不低于95%",
         leads=["区水利局"], resp=["区财政局"],
         code="I19", unit="%", decimals=2, target="95",
         formula="resource_fee_collected_wyuan/resource_fee_receivable_wyuan*100", rule="value_I19>=target_I19",
         note="", remark="实收超过应收（不超过1.2倍）时给出警告，仍计算。"),
    dict(seq=20, goal=G3, name="污水处理费(含自备水)收缴率",
         definition="〔实收污水处理费（含自备水）÷应收污水处理费（含自备水）〕×100%\n"
                    "其中，应收污水处理费（含自备水）是指各类用户核算污水排放量与其污水处理费收费标准之积的总和。",
         kind="导向指标", requirement="不低于95%",
         leads=["区住房城乡建委"], resp=["区财政局", "各供水企业"],
         code="I20", unit="%", decimals=2, target="95",
         formula="sewage_fee_collected_wyuan/sewage_fee_receivable_wyuan*100", rule="value_I20>=target_I20",
         note="", remark="实收超过应收（不超过1.2倍）时给出警告，仍计算。"),
]

# ---------------------------------------------------------------------------------------------
# 计算项 (named intermediate calculations)
# ---------------------------------------------------------------------------------------------
CALCS = [  # code, label, indicator, unit, formula, note
    ("I03_R_WL", "综合漏损率 R_WL", "I03", "%",
     "(public_supply_wm3-(billed_use_wm3+free_use_wm3))/public_supply_wm3*100",
     "(供水总量−注册用户用水量)÷供水总量×100，注册用户用水量=计费+免费"),
    ("I03_R1", "居民抄表到户水量修正值 R1", "I03", "%",
     "0.08*resident_metered_use_wm3/public_supply_wm3*100", "R1=0.08×r×100，r=居民抄表到户水量÷供水总量"),
    ("I03_R2", "单位供水量管长修正值 R2", "I03", "%",
     "MAX(-3,MIN(3,0.99*(pipe_length_km/public_supply_wm3-0.0693)*100))",
     "R2=0.99×(A−0.0693)×100，A=DN75以上管长÷供水总量(km/万m³)，限定在−3～3"),
    ("I03_R3", "年平均出厂压力修正值 R3", "I03", "%",
     "IF(outlet_pressure_mpa<=0.35,0,IF(outlet_pressure_mpa<=0.55,0.5,IF(outlet_pressure_mpa<=0.75,1,2)))",
     "≤0.35MPa:0；≤0.55:0.5；≤0.75:1；>0.75:2"),
    ("I03_R4", "最大冻土深度修正值 R4", "I03", "%", "IF(frost_depth_m>1.4,1,0)", ">1.4m:1，否则0（重庆为0）"),
    ("I03_R_n", "总修正值 R_n", "I03", "%", "I03_R1+I03_R2+I03_R3+I03_R4", "R_n=R1+R2+R3+R4"),
    ("I05_days", "考核年度天数", "I05", "天", "DATE(period_year+1,1,1)-DATE(period_year,1,1)",
     "闰年366天，其余365天"),
    ("I08_decline", "万元工业增加值用水量年降低率", "I08", "%",
     'IF(ISNUMBER(industrial_intensity_decline_pct),industrial_intensity_decline_pct,'
     'IF(ISNUMBER(industrial_intensity_prev),(industrial_intensity_prev-value_I08)/industrial_intensity_prev*100,""))',
     "优先采用官方公布的可比价年降低率；否则(上年−当年)÷上年×100（当年价推算）"),
    ("I09_growth", "再生水利用率年增长率", "I09", "%",
     'IF(AND(ISNUMBER(reclaimed_rate_prev_pct),reclaimed_rate_prev_pct>0),'
     '(value_I09-reclaimed_rate_prev_pct)/reclaimed_rate_prev_pct*100,"")',
     "(当年利用率−上年利用率)÷上年利用率×100"),
    ("I17_decline", "万元地区生产总值用水量年降低率", "I17", "%",
     'IF(ISNUMBER(gdp_intensity_decline_pct),gdp_intensity_decline_pct,'
     'IF(ISNUMBER(gdp_intensity_prev),(gdp_intensity_prev-value_I17)/gdp_intensity_prev*100,""))',
     "优先采用官方公布的可比价年降低率；否则(上年−当年)÷上年×100（当年价推算）"),
]

# ---------------------------------------------------------------------------------------------
# 数据项
# ---------------------------------------------------------------------------------------------
ZJW, SLJ, CGJ, STH, JXW, SCJ, JGS, CZJ = ("区住房城乡建委", "区水利局", "区城市管理局", "区生态环境局",
                                          "区经济信息委", "区市场监管局", "区机关事务管理中心", "区财政局")
DEC, INT, YN = "小数", "整数", "是否"
GE, GT = "≥", ">"

ITEMS = [  # code, label, unit, type, lower, lower kind, required, unit, hint
    ("permeable_area_km2", "建成区内具有渗透能力的地表（含水域）面积", "km²", DEC, 0, GE, True, ZJW,
     "含绿地、水域、透水铺装等具有渗透能力的地表面积"),
    ("builtup_area_km2", "城市建成区总面积", "km²", DEC, 0, GT, True, ZJW, "以城市建设统计年鉴口径为准"),
    ("wells_closed_count", "公共供水管网覆盖范围内已关停的自备井数", "眼", INT, 0, GE, True, SLJ,
     "截至考核年度末已关停的自备井数"),
    ("wells_total_count", "公共供水管网覆盖范围内自备井总数", "眼", INT, 0, GE, True, SLJ,
     "含已关停的自备井；无自备井填0"),
    ("public_supply_wm3", "城市公共供水总量", "万m³", DEC, 0, GT, True, CGJ, "水厂供出厂外的总水量"),
    ("billed_use_wm3", "注册用户计费用水量", "万m³", DEC, 0, GE, True, CGJ, "收费供应的水量"),
    ("free_use_wm3", "注册用户免费用水量", "万m³", DEC, 0, GE, True, CGJ, "无偿使用的水量；没有填0"),
    ("resident_metered_use_wm3", "居民抄表到户水量", "万m³", DEC, 0, GE, True, CGJ,
     "建成区内居民抄表到户总水量（漏损率修正与一户一表率共用）"),
    ("pipe_length_km", "DN75（含）以上供水管道长度", "km", DEC, 0, GE, True, CGJ, "用于漏损率单位供水量管长修正"),
    ("outlet_pressure_mpa", "年平均出厂压力", "MPa", DEC, 0, GE, True, CGJ, "用于漏损率出厂压力修正"),
    ("frost_depth_m", "最大冻土深度", "m", DEC, 0, GE, True, CGJ, "重庆地区一般填0"),
    ("dry_outfall_count", "建成区旱天生活污水直排口数量", "个", INT, 0, GE, True, STH, "没有填0"),
    ("sewer_gap_count", "生活污水收集管网空白区数量", "处", INT, 0, GE, True, STH, "没有填0"),
    ("black_odorous_count", "黑臭水体数量", "条", INT, 0, GE, True, STH, "没有填0"),
    ("water_quality_improving", "城市水环境质量是否持续改善", "是/否", YN, None, "", True, STH, "从下拉列表选择“是”或“否”"),
    ("household_domestic_use_wm3", "城市居民家庭年生活用水总量（新水量）", "万m³", DEC, 0, GT, True, CGJ,
     "按新水量计（人均生活用水量、一户一表率、节水型单位覆盖率共用）"),
    ("household_count", "城市居民总户数", "户", INT, 0, GT, True, CGJ, "建成区内城市居民总户数"),
    ("persons_per_household", "每户平均人数（最近一次人口普查）", "人/户", DEC, 0, GT, True, CGJ,
     "按最近一次人口普查（第七次全国人口普查）统计数据确定"),
    ("saving_community_households", "节水型居民小区（社区）居民户数", "户", INT, 0, GE, True, ZJW,
     "重庆市或区人民政府有关部门公布的节水型小区（社区）的居民户数"),
    ("total_water_use_wm3", "各类用水户取用的毛水量（含输水损失）", "万m³", DEC, 0, GE, True, SLJ,
     "各类用水户取用的包括输水损失在内的毛水量"),
    ("total_water_quota_wm3", "下达的用水总量控制指标", "万m³", DEC, 0, GT, True, SLJ, "上级下达的年度控制指标"),
    ("industrial_new_water_wm3", "年工业用水量（新水量）", "万m³", DEC, 0, GE, True, JXW,
     "按新水量计，不含企业内部重复利用水量"),
    ("industrial_value_added_yi", "年城市工业增加值", "亿元", DEC, 0, GT, True, JXW, "与工业用水量统计口径一致"),
    ("industrial_intensity_prev", "上年万元工业增加值用水量", "m³/万元", DEC, 0, GT, False, JXW,
     "选填：用于推算年降低率"),
    ("industrial_intensity_decline_pct", "官方公布的万元工业增加值用水量年降低率（可比价）", "%", DEC, None, "",
     False, JXW, "选填：有官方公布数据时填写，优先采用"),
    ("reclaimed_use_wm3", "城市再生水利用量", "万m³", DEC, 0, GE, True, ZJW, "不含工业企业内部回用水"),
    ("sewage_treated_wm3", "城市污水处理厂处理总量", "万m³", DEC, 0, GT, True, ZJW, ""),
    ("reclaimed_rate_prev_pct", "上年再生水利用率", "%", DEC, 0, GE, False, ZJW, "选填：用于计算年增长率"),
    ("fixture_samples_passed", "抽检样品中节水型生活用水器具样品数", "件", INT, 0, GE, True, SCJ,
     "以市、区有关部门抽检结果为依据"),
    ("fixture_samples_total", "生活用水器具抽检样品总数", "件", INT, 0, GT, True, SCJ, ""),
    ("planned_nonres_use_wm3", "已下达用水计划的公共供水非居民用水单位实际用水量", "万m³", DEC, 0, GE, True, CGJ, ""),
    ("nonres_public_use_wm3", "公共供水非居民用水单位用水总量", "万m³", DEC, 0, GT, True, CGJ, ""),
    ("saving_unit_use_wm3", "节水型单位年用水总量（新水量）", "万m³", DEC, 0, GE, True, JGS,
     "重庆市或区人民政府有关部门公布的节水型单位"),
    ("city_water_use_wm3", "年城市用水总量（新水量）", "万m³", DEC, 0, GT, True, SLJ, "按新水量计"),
    ("industrial_reused_wm3", "年工业重复利用水量（不含电厂）", "万m³", DEC, 0, GE, True, JXW, ""),
    ("industrial_process_new_wm3", "年工业生产新水量（不含电厂）", "万m³", DEC, 0, GE, True, JXW, ""),
    ("saving_enterprise_use_wm3", "节水型企业年用水总量（新水量）", "万m³", DEC, 0, GE, True, JXW,
     "重庆市或区人民政府有关部门公布的节水型企业"),
    ("nonprimary_water_use_wm3", "年用水总量（新水量，不含第一产业）", "万m³", DEC, 0, GE, True, SLJ, ""),
    ("gdp_nonprimary_yi", "年地区生产总值（不含第一产业）", "亿元", DEC, 0, GT, True, SLJ, ""),
    ("gdp_intensity_prev", "上年万元地区生产总值用水量", "m³/万元", DEC, 0, GT, False, SLJ, "选填：用于推算年降低率"),
    ("gdp_intensity_decline_pct", "官方公布的万元地区生产总值用水量年降低率（可比价）", "%", DEC, None, "", False,
     SLJ, "选填：有官方公布数据时填写，优先采用"),
    ("saving_fund_wyuan", "城市节水财政投入", "万元", DEC, 0, GE, True, CZJ, ""),
    ("fiscal_expenditure_wyuan", "城市本级财政支出", "万元", DEC, 0, GT, True, CZJ, ""),
    ("resource_fee_collected_wyuan", "实收水资源费（税）", "万元", DEC, 0, GE, True, SLJ, ""),
    ("resource_fee_receivable_wyuan", "应收水资源费（税）", "万元", DEC, 0, GT, True, SLJ, ""),
    ("sewage_fee_collected_wyuan", "实收污水处理费（含自备水）", "万元", DEC, 0, GE, True, ZJW, ""),
    ("sewage_fee_receivable_wyuan", "应收污水处理费（含自备水）", "万元", DEC, 0, GT, True, ZJW, ""),
]

TABLE_COLUMNS = [  # table, rows, code, label, unit, type, lower, lower kind, unit, hint
    ("I15", 10, "product_industry", "行业", "", "文本", None, "", JXW, "用水量排名前10位的工业行业"),
    ("I15", 10, "product_name", "产品", "", "文本", None, "", JXW, ""),
    ("I15", 10, "product_unit", "产品计量单位", "", "文本", None, "", JXW, "如 t、万件"),
    ("I15", 10, "product_output", "年产品产量", "产品计量单位", DEC, 0, GT, JXW, ""),
    ("I15", 10, "product_water_m3", "年生产用水总量（新水量）", "m³", DEC, 0, GE, JXW, "注意单位为m³"),
    ("I15", 10, "product_quota", "定额值", "m³/产品计量单位", DEC, 0, GT, JXW, ""),
    ("I15", 10, "product_quota_source", "定额依据", "", "文本", None, "", JXW, "如 GB/T 18916.6-2012"),
]

CHECKS = [  # code, rule, severity, message
    ("chk_registered_le_supply", "billed_use_wm3+free_use_wm3<=public_supply_wm3", "错误",
     "注册用户用水量（计费+免费）不应大于城市公共供水总量"),
    ("chk_metered_le_domestic", "resident_metered_use_wm3<=household_domestic_use_wm3", "错误",
     "居民抄表到户水量不应大于居民家庭生活用水总量"),
    ("chk_wells_closed_le_total", "wells_closed_count<=wells_total_count", "错误",
     "已关停自备井数不应大于自备井总数"),
    ("chk_permeable_le_builtup", "permeable_area_km2<=builtup_area_km2", "错误",
     "可渗透地面面积不应大于建成区总面积"),
    ("chk_community_le_households", "saving_community_households<=household_count", "错误",
     "节水型小区居民户数不应大于城市居民总户数"),
    ("chk_planned_le_nonres", "planned_nonres_use_wm3<=nonres_public_use_wm3", "错误",
     "已下达计划单位用水量不应大于非居民单位用水总量"),
    ("chk_fixture_passed_le_total", "fixture_samples_passed<=fixture_samples_total", "错误",
     "节水型器具样品数不应大于抽检样品总数"),
    ("chk_nonres_denominator_positive",
     "city_water_use_wm3-industrial_new_water_wm3-household_domestic_use_wm3>0", "错误",
     "城市用水总量减去工业用水量和居民生活用水量后应大于0"),
    ("chk_saving_unit_le_nonres",
     "saving_unit_use_wm3<=city_water_use_wm3-industrial_new_water_wm3-household_domestic_use_wm3", "错误",
     "节水型单位用水量不应大于城市用水总量减去工业和居民生活用水量"),
    ("chk_resource_fee_le_120pct", "resource_fee_collected_wyuan<=1.2*resource_fee_receivable_wyuan", "错误",
     "实收水资源费（税）超过应收的1.2倍，请核实"),
    ("chk_resource_fee_le_receivable", "resource_fee_collected_wyuan<=resource_fee_receivable_wyuan", "警告",
     "实收水资源费（税）大于应收，请核实（可能含补缴往年欠费）"),
    ("chk_sewage_fee_le_120pct", "sewage_fee_collected_wyuan<=1.2*sewage_fee_receivable_wyuan", "错误",
     "实收污水处理费超过应收的1.2倍，请核实"),
    ("chk_sewage_fee_le_receivable", "sewage_fee_collected_wyuan<=sewage_fee_receivable_wyuan", "警告",
     "实收污水处理费大于应收，请核实（可能含补缴往年欠费）"),
    ("chk_saving_enterprise_le_industrial", "saving_enterprise_use_wm3<=industrial_new_water_wm3", "错误",
     "节水型企业用水量不应大于工业用水量"),
]

CHOICES = [  # list, value, rank
    ("是否", "是", 1), ("是否", "否", 2),
    ("任务状态", "已完成", 3), ("任务状态", "推进中", 2), ("任务状态", "未启动", 1),
]

CATEGORIES = {"一": "夯实城市节水基础", "二": "加快生态宜居建设", "三": "提高城市安全韧性", "四": "提升节水综合指标"}


# ---------------------------------------------------------------------------------------------
# Tasks, read from the seed
# ---------------------------------------------------------------------------------------------

def read_tasks(seed_text: str) -> list[dict]:
    tasks, category = [], ""
    for line in seed_text.splitlines():
        line = line.strip()
        head = re.match(r"^（([一二三四])）(.+?)。$", line)
        if head and head.group(1) in CATEGORIES and head.group(2) == CATEGORIES[head.group(1)]:
            category = f"（{head.group(1)}）{head.group(2)}"
            continue
        m = re.match(r"^(\d{1,2})\.(.+?)。(.*)（((?:牵头单位|责任单位)：[^（）]*)）$", line)
        if not m:
            continue
        seq, title, text, units = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        leads = re.search(r"牵头单位：([^；]*)", units)
        resp = re.search(r"责任单位：(.*)$", units)
        tasks.append(dict(seq=seq, category=category, title=title, text=text,
                          leads=_split(leads.group(1)) if leads else [],
                          resp=_split(resp.group(1)) if resp else [],
                          indicator=f"I{seq - 8:02d}" if seq > 8 else ""))
    if [t["seq"] for t in tasks] != list(range(1, 29)):
        sys.exit(f"expected tasks 1..28 in the seed, found {[t['seq'] for t in tasks]}")
    return tasks


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、，,]", text) if part.strip()]


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

README_ROWS = [
    "本工作簿是 jieshui_xl 的唯一配置来源（任务分工表）。修改后重新运行 jieshui-xl 即按新配置生成填报表和评分表，无需改程序。",
    "参数：城市、考核年度、截止日期、全国平均值等；“适用年度”留空表示各年通用，填年份表示只用于该年。",
    "单位：单位名称须与其他工作表中的写法完全一致；电子邮箱用于发送填报表，多个地址用分号隔开。",
    "指标：前八列照录工作方案附件；代码、计算公式、达标规则等为机器列，公式使用 Excel 语法，以数据项代码、参数代码、"
    "计算项代码和 value_指标代码 / target_指标代码 引用数值。",
    "计算项：指标的中间计算（如漏损率修正值），可被公式引用，并在评分表“计算过程”中逐项列出。",
    "数据项：每个数据项只由一个填报单位填报；代码须含下划线，作为填报表中输入单元格的名称，不要随意修改。",
    "表格列：表格型指标（指标15）的各列；每行要么全空，要么填全。",
    "任务：工作方案的28项任务；关联指标为空的任务（1～8项基础管理）以清单形式向牵头单位（无牵头单位时向责任单位）收集。",
    "一致性检查：数据项之间的逻辑关系；“错误”使相关指标为数据异常，“警告”只提示。",
    "选项：下拉选项；任务状态的“次序”越小表示越落后（汇总取各牵头单位中最落后的状态）。",
    "改动数据项（增删、改代码、类型、填报单位）后，请把“参数”中的 table_version 加一，旧版填报表回收时会被识别。",
]


def main() -> None:
    tasks = read_tasks(SEED.read_text(encoding="utf-8"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(OUT))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                          "valign": "vcenter", "font_name": "宋体"})
    cell = wb.add_format({"text_wrap": True, "valign": "top", "border": 1, "font_name": "宋体"})
    wb.set_properties({"title": "节水型城市任务分工表", "subject": TABLE_VERSION, "author": "jieshui_xl"})

    def sheet(name, headers, rows, widths):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, headers, head)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    ws.write_blank(r, c, None, cell)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value, cell)
                else:
                    ws.write_string(r, c, str(value), cell)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(rows), len(headers) - 1)

    sheet("说明", ["说明"], [[r] for r in README_ROWS], [120])
    sheet("参数", ["代码", "名称", "单位", "适用年度", "值", "说明"],
          [list(p) for p in PARAMETERS], [30, 24, 10, 10, 34, 50])
    sheet("单位", ["单位名称", "电子邮箱", "简称代码", "抄送", "联系人", "联系电话", "说明"],
          [[n, "", c, "", "", "", r] for n, c, r in UNITS], [22, 30, 12, 30, 10, 16, 24])
    sheet("指标", ["序号", "目标", "指标", "指标释义", "指标类型", "具体要求", "牵头单位", "责任单位",
                 "代码", "结果单位", "小数位", "目标值", "计算公式", "达标规则", "备注公式",
                 "表格", "行公式", "行规则", "说明"],
          [[i["seq"], i["goal"], i["name"], i["definition"], i["kind"], i["requirement"],
            "\n".join(i["leads"]), "\n".join(i["resp"]), i["code"], i["unit"], i["decimals"], i["target"],
            i["formula"], i["rule"], i["note"], i.get("table", ""), i.get("row_formula", ""),
            i.get("row_rule", ""), i["remark"]] for i in INDICATORS],
          [6, 12, 20, 50, 10, 24, 16, 18, 8, 10, 8, 26, 50, 40, 40, 8, 30, 24, 50])
    sheet("计算项", ["代码", "名称", "所属指标", "单位", "公式", "说明"],
          [list(c) for c in CALCS], [16, 30, 10, 8, 70, 50])
    sheet("数据项", ["代码", "数据项", "单位", "类型", "下限", "下限类型", "上限", "必填", "填报单位", "填报说明"],
          [[c, label, u, t, lo, kind, None, "是" if req else "否", unit, hint]
           for c, label, u, t, lo, kind, req, unit, hint in ITEMS],
          [30, 44, 10, 8, 8, 8, 8, 6, 18, 50])
    sheet("表格列", ["表格", "行数", "代码", "列名", "单位", "类型", "下限", "下限类型", "上限", "填报单位", "填报说明"],
          [[t, n, c, label, u, ty, lo, kind, None, unit, hint]
           for t, n, c, label, u, ty, lo, kind, unit, hint in TABLE_COLUMNS],
          [8, 6, 24, 28, 16, 8, 8, 8, 8, 16, 30])
    sheet("任务", ["序号", "类别", "任务名称", "任务内容", "牵头单位", "责任单位", "关联指标", "说明"],
          [[t["seq"], t["category"], t["title"], t["text"], "\n".join(t["leads"]), "\n".join(t["resp"]),
            t["indicator"], "无牵头单位：向各责任单位收集" if not t["leads"] and not t["indicator"] else ""]
           for t in tasks],
          [6, 20, 26, 70, 20, 24, 10, 30])
    sheet("一致性检查", ["代码", "规则", "严重程度", "提示"], [list(c) for c in CHECKS], [36, 70, 10, 50])
    sheet("选项", ["列表", "值", "次序"], [list(c) for c in CHOICES], [12, 12, 8])
    wb.close()
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
