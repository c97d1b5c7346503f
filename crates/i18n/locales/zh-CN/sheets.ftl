# sheets
import-templates = 模板与导出
import-template = 下载模板
import-upload = 上传导入
import-kind = 数据类型
import-file = 文件（XLSX / CSV）
import-update-existing = 更新已有记录（按学校代码/教师编号匹配）
import-sheet = 工作表
import-row = 行
import-column = 列
import-reason = 问题
import-done = 导入完成：新增 { $created } 条，更新 { $updated } 条。
import-place = { $file } · 工作表“{ $sheet }” · 第 { $row } 行 · { $column } 列
import-more = ……另有 { $count } 处问题未列出
kind-schools = 学校
kind-stats = 学年统计
kind-teachers = 教师
kind-facilities = 场馆设施
