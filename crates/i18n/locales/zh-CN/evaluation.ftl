value-added-group = { $grade } · { $subject }：{ $students } 名学生，入口对出口的回归系数 b = { $b }，残差方差 σ² = { $sigma2 }，学校间方差 τ² = { $tau2 }（各校：人数、原始增值 → 收缩后增值、95% 区间）
value-added-above = 显著高于全县
value-added-below = 显著低于全县
