//! Owns content-based similarity: BM25-weighted term vectors over each course's title
//! words, topic tags and licence, and every course's nearest courses by cosine of those
//! vectors.
//!
//! Terms are namespaced so a tag never matches a title word by accident: `w:<word>` for
//! title words (lower-cased runs of letters and digits, two characters or more, a few
//! English stop words dropped), `t:<tag>` for topic tags (counted `tag_boost` times:
//! tags are chosen, titles are prose) and `l:<licence>`. Structural tags (`level_N`,
//! `requires_ID`, see [`crate::dataset`]) are not terms. A term's weight in a course is
//! BM25's: `idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avg_len))` with
//! `idf = ln(1 + (N − df + 0.5)/(df + 0.5))`; vectors are normalised to unit length, so
//! the similarity of two courses is the cosine of their vectors, in 0..=1.

use std::collections::HashMap;

use crate::dataset::Item;
use crate::topk::top_k;

/// Tuning of the content model.
#[derive(Clone, Debug, PartialEq)]
pub struct ContentConfig {
    pub k1: f32,
    pub b: f32,
    /// How many times a topic tag counts as a term occurrence.
    pub tag_boost: f32,
    /// Neighbours kept per course.
    pub neighbors: usize,
    /// Terms in more than this fraction of courses are skipped when finding neighbours
    /// (their idf is near zero, and their postings would dominate the cost).
    pub max_df_fraction: f32,
}

impl Default for ContentConfig {
    fn default() -> Self {
        ContentConfig {
            k1: 1.2,
            b: 0.75,
            tag_boost: 2.0,
            neighbors: 30,
            max_df_fraction: 0.5,
        }
    }
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "with", "your", "you", "is", "it", "its", "101",
];

/// The terms of a course, with their raw counts.
pub fn terms(item: &Item, tag_boost: f32) -> Vec<(String, f32)> {
    let mut out: HashMap<String, f32> = HashMap::new();
    for w in item
        .meta
        .title
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(&w.as_str()))
    {
        *out.entry(format!("w:{w}")).or_default() += 1.0;
    }
    for t in &item.topic_tags {
        let t = t.trim().to_lowercase();
        if !t.is_empty() {
            *out.entry(format!("t:{t}")).or_default() += tag_boost;
        }
    }
    let l = item.meta.licence.trim().to_lowercase();
    if !l.is_empty() {
        *out.entry(format!("l:{l}")).or_default() += 1.0;
    }
    let mut v: Vec<(String, f32)> = out.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// BM25 vectors and nearest courses.
#[derive(Clone, Debug, Default)]
pub struct ContentModel {
    /// Per course: (term, weight), unit length, by term.
    vectors: Vec<Vec<(u32, f32)>>,
    /// Per course: nearest other courses with their cosine, best first.
    neighbors: Vec<Vec<(u32, f32)>>,
}

impl ContentModel {
    pub fn build(items: &[Item], config: &ContentConfig) -> ContentModel {
        let n = items.len();
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut raw: Vec<Vec<(u32, f32)>> = Vec::with_capacity(n);
        let mut df: Vec<u32> = Vec::new();
        for item in items {
            let mut v = Vec::new();
            for (t, tf) in terms(item, config.tag_boost) {
                let next = vocab.len() as u32;
                let id = *vocab.entry(t).or_insert(next);
                if id as usize == df.len() {
                    df.push(0);
                }
                df[id as usize] += 1;
                v.push((id, tf));
            }
            v.sort_by_key(|x| x.0);
            raw.push(v);
        }
        let lens: Vec<f32> = raw.iter().map(|v| v.iter().map(|x| x.1).sum()).collect();
        let avg_len = if n == 0 {
            1.0
        } else {
            (lens.iter().sum::<f32>() / n as f32).max(f32::MIN_POSITIVE)
        };
        let nf = n as f32;
        let vectors: Vec<Vec<(u32, f32)>> = raw
            .into_iter()
            .zip(&lens)
            .map(|(v, &len)| {
                let mut w: Vec<(u32, f32)> = v
                    .into_iter()
                    .map(|(t, tf)| {
                        let d = df[t as usize] as f32;
                        let idf = (1.0 + (nf - d + 0.5) / (d + 0.5)).ln();
                        let norm = config.k1 * (1.0 - config.b + config.b * len / avg_len);
                        (t, idf * tf * (config.k1 + 1.0) / (tf + norm))
                    })
                    .collect();
                let l2 = w.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
                if l2 > 0.0 {
                    w.iter_mut().for_each(|x| x.1 /= l2);
                }
                w
            })
            .collect();

        // Inverted index, then for each course the dot products with courses sharing a term.
        let max_df = ((nf * config.max_df_fraction).ceil() as u32).max(2);
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); df.len()];
        for (i, v) in vectors.iter().enumerate() {
            for &(t, w) in v {
                if df[t as usize] <= max_df {
                    postings[t as usize].push((i as u32, w));
                }
            }
        }
        let mut acc = vec![0f32; n];
        let mut touched: Vec<u32> = Vec::new();
        let neighbors = vectors
            .iter()
            .enumerate()
            .map(|(i, v)| {
                for &(t, w) in v {
                    for &(j, wj) in &postings[t as usize] {
                        if j as usize == i {
                            continue;
                        }
                        if acc[j as usize] == 0.0 {
                            touched.push(j);
                        }
                        acc[j as usize] += w * wj;
                    }
                }
                let scores: Vec<(u32, f32)> = touched
                    .drain(..)
                    .map(|j| (j, std::mem::take(&mut acc[j as usize])))
                    .filter(|x| x.1 > 0.0)
                    .collect();
                top_k(scores, config.neighbors)
            })
            .collect();
        ContentModel { vectors, neighbors }
    }

    /// Nearest courses of course `index`, best first.
    pub fn neighbors(&self, index: u32) -> &[(u32, f32)] {
        self.neighbors
            .get(index as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Cosine similarity of two courses (0 for unknown indices).
    pub fn similarity(&self, a: u32, b: u32) -> f32 {
        let (Some(x), Some(y)) = (self.vectors.get(a as usize), self.vectors.get(b as usize))
        else {
            return 0.0;
        };
        let (mut i, mut j, mut s) = (0, 0, 0.0);
        while i < x.len() && j < y.len() {
            match x[i].0.cmp(&y[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s += x[i].1 * y[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::ItemMeta;

    fn item(id: u64, title: &str, tags: &[&str], licence: &str) -> Item {
        Item::new(ItemMeta {
            id,
            title: title.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            licence: licence.into(),
            creator: None,
        })
    }

    #[test]
    fn shared_tags_and_words_make_neighbours() {
        let items = vec![
            item(
                1,
                "Soroban smart contracts 101",
                &["soroban", "rust", "level_1"],
                "CC-BY",
            ),
            item(
                2,
                "Advanced Soroban contracts",
                &["soroban", "rust", "level_2"],
                "CC-BY",
            ),
            item(3, "Watercolour painting", &["art"], "MIT"),
            item(4, "Rust for the web", &["rust", "web"], "CC-BY"),
            item(5, "", &[], ""),
        ];
        let m = ContentModel::build(&items, &ContentConfig::default());
        let n0 = m.neighbors(0);
        assert_eq!(n0[0].0, 1, "the other soroban course is nearest: {n0:?}");
        assert!(
            n0.iter().all(|x| x.0 != 2),
            "painting shares nothing: {n0:?}"
        );
        assert!(m.similarity(0, 1) > m.similarity(0, 3));
        assert!(m.similarity(0, 1) <= 1.0001);
        assert_eq!(m.similarity(0, 2), 0.0);
        // Level tags are not terms: two courses sharing only a level are not similar.
        assert!(terms(&items[0], 2.0).iter().all(|t| !t.0.contains("level")));
        assert!(m.neighbors(4).is_empty());
        assert!(m.neighbors(99).is_empty());
        assert_eq!(m.similarity(0, 99), 0.0);
    }

    #[test]
    fn empty_catalogue() {
        let m = ContentModel::build(&[], &ContentConfig::default());
        assert!(m.neighbors(0).is_empty());
    }
}
