# problems
problem-required = 必填
problem-not-a-number = “{ $value }”不是数字
problem-too-many-decimals = “{ $value }”的小数超过两位（金额精确到分）
problem-not-an-integer = “{ $value }”不是整数
problem-not-a-date = “{ $value }”不是日期（格式 2024-09-01）
problem-not-a-boolean = “{ $value }”应为“是”或“否”
problem-out-of-range = “{ $value }”超出范围 { $min } – { $max }
problem-unknown-value = “{ $value }”不是允许的值（可选：{ $allowed }）
problem-too-long = 超过 { $max } 个字符
problem-bad-code = “{ $value }”不是有效代码（只能用字母、数字、- 和 _）
problem-duplicate-in-file = “{ $value }”与第 { $first_row } 行重复
problem-already-exists = “{ $value }”已存在（如需更新请勾选“更新已有记录”）
problem-not-found = “{ $value }”不存在
problem-unknown-school = 本县没有学校代码为“{ $value }”的学校
problem-out-of-scope = 您无权修改该学校的数据
problem-section-not-taught = { $school_type }没有{ $section }学生
problem-future-date = 日期不能晚于今天
problem-past-date = 日期已经过去，请选今天或以后的日子
problem-cluster-full = 该学区/集团已达到最多 { $max } 所学校
problem-already-in-cluster = 该校已属于同级的“{ $cluster }”
problem-not-a-member = 该校不是当前成员校
problem-lead-cannot-leave = 龙头学校不能退出，请先更换龙头学校
problem-plan-applied = 该方案已于 { $on } 实施
problem-kept-elsewhere = “{ $school }”属于“{ $cluster }”，该方案不调整此共同体
problem-no-plan = 无法形成满足条件的方案：{ $reason }
problem-missing-column = 缺少必填列“{ $column }”
problem-bad-file = 无法读取：{ $reason }
problem-malformed = 不符合接口文档的格式：{ $reason }
problem-own-account = 这是你自己的账号：自己的密码请在“修改密码”中修改；停用或更改角色、所属请由另一位管理员操作
problem-too-many-rows = 文件超过 { $max } 行
problem-empty-file = 文件没有数据行
problem-weak-password = 密码至少需要 { $min } 个字符
problem-guessable-password = { $why ->
    [common] 这是常见密码，很容易被猜到
    [keyboard] 键盘上相邻的按键排列很容易被猜到
    [repeat] 重复的字符或片段（如 aaa、abcabc）很容易被猜到
    [sequence] 连续的字母或数字（如 abc、6543）很容易被猜到
    [date] 日期和年份很容易被猜到
    [word] 单个常见词语或姓名很容易被猜到
    [personal] 密码不能包含用户名或姓名
   *[other] 密码太容易被猜到
}（强度 { $score }/4，至少需 { $min_score }）；请换一个更长的密码，可用几个不相关的词语加上数字和符号
problem-wrong-password = 当前密码不正确
problem-passwords-differ = 两次输入的新密码不一致
problem-disagrees = “{ $value }”与第 { $first_row } 行同一学校填写的“{ $other }”不一致（九年一贯制学校的共用数据两行应相同）
problem-too-many-columns = 工作表用到了第 { $column } 列，最多读取 { $max } 列
problem-too-many-cells = 工作表超过 { $max } 个单元格
problem-too-large-unpacked = 文件解压后超过 { $max_mb } MB
problem-in-use = { $what } 正在被运行中的服务器使用（{ $by }），请先停止服务器
problem-control-character = 含有不可见的控制字符，请删除后重试
problem-changed-meanwhile = 您编辑期间他人已修改并保存了该记录，您的修改尚未保存。下方标出了不同之处；核对后再次保存即以您的内容为准。
problem-their-value = 他人已改为：{ $value }
problem-plan-breaks-rules = 方案有 { $count } 处不符合规则，请先手工调整后再实施
problem-not-a-spreadsheet = “{ $file }”不是电子表格：请上传 Excel（.xlsx、.xls）、WPS 或 LibreOffice（.ods）或 CSV 文件
problem-no-such-school = 本县没有名称或代码为“{ $value }”的在办学校
problem-not-a-pair = “{ $value }”应为一行两项，用空格分开
problem-end-before-start = 结束时间必须晚于开始时间
problem-day-off = { $date } 是{ $reason }，不开放
problem-outside-term = { $date } 不在学期内（假期），不开放
problem-in-blackout = 该时段不外借：{ $reason }
problem-outside-opening-hours = 不在开放时间内（周{ $weekday ->
    [mon] 一
    [tue] 二
    [wed] 三
    [thu] 四
    [fri] 五
    [sat] 六
   *[sun] 日
}开放 { $hours }）
problem-booking-too-long = 预约 { $minutes } 分钟，超过一次最长 { $max_minutes } 分钟
problem-too-short-notice = 需至少提前 { $hours } 小时预约
problem-too-far-ahead = 最多只能预约 { $days } 天以内的时间
problem-over-capacity = { $attendees } 人超过场馆容量 { $capacity } 人
problem-over-weekly-quota = 超过每校每周 { $quota_hours } 小时的限额（本周已预约 { $used_hours } 小时）
problem-not-shared = 该场馆不对你的学校开放
problem-collides = 与{ $booking }的预约（{ $start }–{ $end }）时间冲突
problem-not-begun-yet = 还没有开始（{ $when }），开始之后才能标记
problem-too-many-dates = 重复预约共 { $count } 次，超过上限 { $max } 次
problem-wrong-step = 当前状态（{ $status ->
        [proposed] 待审批
        [approved] 两校已同意
        [confirmed] 已确认
        [active] 交流中
        [returned] 已返回
        [declined] 未同意
        [withdrawn] 已撤回
        [ended] 已结束
       *[other] { $status }
    }）下不能这样操作
problem-same-school = 调出和调入学校不能是同一所
problem-teacher-busy = 该教师在这段时间已有交流安排（{ $other }）
problem-same-person = 师傅和徒弟不能是同一人
problem-months-out-of-range = 期限 { $months } 个月，这种交流应为 { $min }–{ $max } 个月
problem-file-type-not-allowed = “{ $file }”：只接受这些类型的文件：{ $allowed }
problem-content-mismatch = “{ $file }”的扩展名是 { $claimed }，但内容是 { $actual }；请改正文件名或重新另存为正确格式
problem-empty-upload = “{ $file }”是空文件
problem-file-too-large = “{ $file }”超过 { $max_mb } MB
problem-bad-file-name = “{ $file }”不是单纯的文件名（不能含文件夹或“..”）
problem-too-many-files = 一次最多上传 { $max } 个文件
problem-packed-bomb = “{ $file }”解压后远大于文件本身（超过 { $max_mb } MB 或部件过多），不予接收
problem-checkin-closed = 签到时间为 { $opens } 至 { $closes }
problem-wrong-checkin-code = 签到码不对或已过期，请输入现场屏幕上正在显示的数字
problem-too-many-checkin-attempts = 签到码输错次数过多，请 { $minutes } 分钟后再试（期间正确的签到码也不受理）
problem-budget-unbalanced = 各经费来源合计 { $sources } 元，各支出科目合计 { $lines } 元，两者必须相等
problem-below-spent = “{ $category ->
        [research] 教研活动
        [training] 培训
        [exchange_allowance] 交流补助
        [shared_equipment] 设备共享
        [student_activities] 学生活动
        [office] 办公与会议
       *[other] 其他
    }”科目将为 { $amount } 元，低于已支出的 { $spent } 元
problem-over-budget = { $amount } 元超过该科目剩余的 { $balance } 元；如需追加，请联系教育局调整预算
problem-no-teacher-record = 账号未关联教师档案，请学校管理员在账号页填写工号
problem-already-checked-in = 已于 { $at } 签到
problem-signup-closed = 报名已于 { $deadline } 截止
problem-activity-full = 活动名额已满（{ $capacity } 人）
problem-activity-cancelled = 活动已取消
problem-activity-begun = 活动已经开始，不能再取消
problem-not-invited = 本校不在活动邀请范围内
problem-teacher-linked = 该教师档案已关联账号 { $account }
problem-missing-figures = { $year } 学年有 { $count } 所学校没有统计数据（{ $schools }）：请选择数据完整的学年，或选择“按 0 分计”
problem-round-closed = { $year } 学年的考核已结束，结果已锁定，不能再修改
problem-weights-not100 = 指标 { $level } 下各项的权重之和为 { $sum }，应为 100
problem-top-weights-not100 = 一级指标的权重之和为 { $sum }，应为 100
problem-bad-indicator = 指标 { $indicator }：{ $what ->
        [empty] 指标体系中没有指标
        [no_code] 缺少指标编号
        [duplicate] 编号重复
        [no_name] 缺少名称
        [weight] 权重必须大于 0
        [group_with_figure] 含下级指标的指标不能直接关联数据
        [rule_without_figure] 关联数据的指标需要同时给出数据项和计分规则
        [unknown_figure] 关联的数据项不存在
        [bad_rule] 计分规则的上下限不能相等
        [parent] 上级指标不存在
        [too_deep] 指标层级过多（最多 4 级）
       *[other] { $what }
    }
problem-not-scored = 指标 { $value } 不是由评估人员打分的指标
