//! Searching 100,000 teacher names in memory, as a list search does on every request.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use xuequ_search::{NameIndex, Query};

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文辉国";

fn names(n: usize) -> Vec<(i64, String, String)> {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    (0..n).map(|i| (i as i64, format!("{}{}{}", s[i % s.len()], g[(i / 7) % g.len()], g[(i / 3) % g.len()]), format!("T{i:06}"))).collect()
}

fn bench(c: &mut Criterion) {
    let records = names(100_000);
    c.bench_function("build 100k", |b| {
        b.iter(|| NameIndex::build(records.iter().map(|(id, n, code)| (*id, vec![n.as_str()], vec![code.as_str()]))))
    });
    let index = NameIndex::build(records.iter().map(|(id, n, code)| (*id, vec![n.as_str()], vec![code.as_str()])));
    for q in ["张", "zhangw", "zwf", "张伟", "T01234"] {
        let query = Query::new(q);
        c.bench_function(&format!("match 100k {q}"), |b| b.iter(|| black_box(index.matching(&query)).len()));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
