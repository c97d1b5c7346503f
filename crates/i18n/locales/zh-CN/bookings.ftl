notice-booking-requested = { $school } 申请使用“{ $facility }”，{ $when } 起共 { $count } 次，待你审批
notice-booking-approved = 你预约的“{ $facility }”（{ $when } 起共 { $count } 次）已由 { $by } 批准
notice-booking-declined = 你预约的“{ $facility }”（{ $when } 起共 { $count } 次）被 { $by } 拒绝：{ $reason }
notice-booking-cancelled = “{ $facility }”{ $when } 起共 { $count } 次的预约已被 { $by } 取消
notice-booking-withdrawn = { $by } 撤回了“{ $facility }”{ $when } 起共 { $count } 次的预约申请
booking-status-pending = 待审批
booking-status-confirmed = 已确认
booking-status-declined = 已拒绝
booking-status-cancelled = 已取消
booking-find = 查找空闲场馆
booking-find-hint = 选日期和节次（或时间），列出你的学校可以使用的场馆，离你的学校近的在前。
booking-date = 日期
booking-from = 开始
booking-to = 结束
booking-periods = 节次
booking-period-pick = 按节次：
booking-kind = 场馆类型
booking-any-kind = 全部类型
booking-capacity = 至少容纳人数
booking-search = 查找
booking-free = 空闲
booking-closed = 不开放
booking-taken = 已被 { $school } 占用（{ $status }）
booking-book = 预约
booking-week = 周视图
booking-km = 距离（公里）
booking-state = 该时段
booking-none-found = 没有找到你的学校可以使用的场馆。
booking-mine = 我校的预约
booking-inbox = 待审批
booking-inbox-hint = 其他学校申请使用你所管学校的场馆。批准后对方会收到站内消息；拒绝须写明原因。
booking-inbox-count = 待审批（{ $count }）
booking-facility = 场馆
booking-owner = 所属学校
booking-school = 预约学校
booking-when = 时间
booking-status = 状态
booking-purpose = 用途
booking-group = 班级或小组
booking-attendees = 人数
booking-requested-by = 申请人
booking-decided-by = 处理人
booking-reason = 原因
booking-title = 预约 #{ $id }
booking-new-title = 预约“{ $facility }”
booking-new-hint = 先点“检查”列出每个日期能否预约；都可以时再点“预约”。
booking-repeat = 重复
booking-repeat-none = 不重复
booking-repeat-weekly = 每周
booking-repeat-fortnightly = 每两周
booking-until = 重复到
booking-check = 检查
booking-confirm = 预约
booking-keep-rest = 只预约可以预约的日期
booking-dates = 各日期
booking-ok = 可以预约
booking-approve = 批准
booking-decline = 拒绝
booking-decline-reason = 拒绝原因
booking-series = 同一重复预约中以后的日期一并处理
booking-cancel = 取消预约
booking-cancel-title = 取消这次预约？
booking-cancel-line = 将取消 { $when } 的预约，时段会释放给其他学校。
booking-cancel-hint = 对方学校会收到站内消息。
booking-series-dates = 同一重复预约的全部日期
booking-period = 第{ $n }节 { $from }–{ $to }
booking-day = 周{ $weekday ->
    [mon] 一
    [tue] 二
    [wed] 三
    [thu] 四
    [fri] 五
    [sat] 六
   *[sun] 日
} { $date }
booking-week-title = { $facility } · { $week } 这一周
booking-prev-week = ‹ 上一周
booking-next-week = 下一周 ›
notifications-empty = 没有消息。
notifications-read-all = 全部标为已读
notifications-open = 查看
notifications-unread = 未读
