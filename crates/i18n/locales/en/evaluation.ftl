value-added-group = { $grade } · { $subject }: { $students } students, exit on entry slope b = { $b }, residual variance σ² = { $sigma2 }, between-school variance τ² = { $tau2 } (each school: n, raw value-added → shrunk, 95 % interval)
value-added-above = clearly above the county
value-added-below = clearly below the county
