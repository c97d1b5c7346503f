notice-booking-requested = { $school } 申请使用“{ $facility }”，{ $when } 起共 { $count } 次，待你审批
notice-booking-approved = 你预约的“{ $facility }”（{ $when } 起共 { $count } 次）已由 { $by } 批准
notice-booking-declined = 你预约的“{ $facility }”（{ $when } 起共 { $count } 次）被 { $by } 拒绝：{ $reason }
notice-booking-cancelled = “{ $facility }”{ $when } 起共 { $count } 次的预约已被 { $by } 取消
notice-booking-withdrawn = { $by } 撤回了“{ $facility }”{ $when } 起共 { $count } 次的预约申请
